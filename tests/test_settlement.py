"""Settlements (SPEC §4.3) and the repeat-repair rule (SPEC §4.2); every figure worked by hand."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal as D
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from svctools.compute.computing import first_by
from svctools.compute.settlement import (
    Settlement,
    compute_settlement,
    in_warranty,
    repeat_repairs,
)
from svctools.compute.warranty import serial_keys
from svctools.core.clock import add_months
from svctools.core.policy import Policy, policy_from_dict
from svctools.core.records import Record, Records

OCT = (date(2026, 10, 1), date(2026, 11, 1))
STAFF = [
    {"staff_id": "T1", "name": "张三", "role": "technician", "store_id": "S1"},
    {"staff_id": "T2", "name": "李四", "role": "technician", "store_id": "S2"},
    {"staff_id": "T3", "name": "王五", "role": "technician", "store_id": "S1"},
]
STORES = [{"store_id": "S1", "name": "一号店"}, {"store_id": "S2", "name": "二号店"}]


def call(call_id: str, when: datetime, **extra: Any) -> dict[str, Any]:
    return {"call_id": call_id, "call_time": when, "customer_name": f"客户{call_id}", **extra}


def order(order_id: str, call_id: str, **extra: Any) -> dict[str, Any]:
    values = {
        "order_id": order_id,
        "call_id": call_id,
        "technician_id": "T1",
        "service_mode": "walk_in",
        "status": "completed",
        "completed_at": datetime(2026, 10, 10, 15, 0),
        "fault_cause": "quality",
    }
    return {**values, **extra}


def book(calls: list[dict], orders: list[dict], parts: list[dict] | None = None) -> Records:
    return Records.from_lists(
        call_log=calls, repair_ledger=orders, parts_used=parts or [], staff=STAFF, stores=STORES
    )


def settle(records: Records, policy: Policy | None = None) -> Settlement:
    return compute_settlement(records, policy or Policy(), *OCT)


def only(settlement: Settlement) -> Any:
    assert len(settlement.orders) == 1
    return settlement.orders[0]


# ------------------------------------------------------------------ warranty


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2024, 2, 29), 12, date(2025, 2, 28)),  # 2025 has no 29 Feb: month end
        (date(2024, 2, 29), 48, date(2028, 2, 29)),  # leap year again
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2025, 8, 31), 1, date(2025, 9, 30)),
        (date(2025, 12, 15), 1, date(2026, 1, 15)),  # over the year end
        (date(2025, 10, 5), 0, date(2025, 10, 5)),
    ],
)
def test_add_months_clamps_to_month_end(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


def _ledger(values: dict[str, Any]) -> Record:
    return Record("repair_ledger", 2, values)


def _call(values: dict[str, Any]) -> Record:
    return Record("call_log", 2, values)


def test_warranty_column_wins_over_the_dates() -> None:
    recent = _call({"call_time": datetime(2026, 10, 1, 9), "purchase_date": date(2026, 9, 1)})
    stated_out, why = in_warranty(_ledger({"warranty": "out"}), recent, Policy())
    assert stated_out is False and why.code == "warranty_column"
    # "in" needs no purchase date at all
    stated_in, why = in_warranty(_ledger({"warranty": "in"}), None, Policy())
    assert stated_in is True and why.code == "warranty_column"
    assert why.text("en") == "warranty column says in"
    assert why.text("zh") == "保修状态栏填写为保内"


def test_warranty_by_date_includes_the_last_day() -> None:
    # purchase 2025-10-05 + 12 months = 2026-10-05: a call that day is still in warranty
    bought = {"purchase_date": date(2025, 10, 5)}
    last_day = _call({**bought, "call_time": datetime(2026, 10, 5, 23, 59)})
    next_day = _call({**bought, "call_time": datetime(2026, 10, 6, 0, 0)})
    inside, why = in_warranty(_ledger({}), last_day, Policy())
    assert inside is True and why.code == "warranty_by_date"
    assert why.text("en") == "call date 2026-10-05 ≤ purchase 2025-10-05 + 12 months = 2026-10-05"
    outside, why = in_warranty(_ledger({}), next_day, Policy())
    assert outside is False and why.code == "warranty_expired"


def test_warranty_month_end_clamp() -> None:
    # 2024-02-29 + 12 months = 2025-02-28
    bought = {"purchase_date": date(2024, 2, 29)}
    assert (
        in_warranty(
            _ledger({}), _call({**bought, "call_time": datetime(2025, 2, 28, 18)}), Policy()
        )[0]
        is True
    )
    assert (
        in_warranty(_ledger({}), _call({**bought, "call_time": datetime(2025, 3, 1, 8)}), Policy())[
            0
        ]
        is False
    )


def test_warranty_months_from_policy() -> None:
    policy = policy_from_dict({"warranty": {"months": 24}})
    # 2024-11-01 + 24 months = 2026-11-01 >= 2026-10-20
    late_call = _call({"purchase_date": date(2024, 11, 1), "call_time": datetime(2026, 10, 20)})
    assert in_warranty(_ledger({}), late_call, policy)[0] is True
    assert in_warranty(_ledger({}), late_call, Policy())[0] is False


def test_no_purchase_date_and_no_column_is_out_of_warranty() -> None:
    no_date = _call({"call_time": datetime(2026, 10, 1, 9)})
    inside, why = in_warranty(_ledger({}), no_date, Policy())
    assert inside is False and why.code == "warranty_no_date"
    assert in_warranty(_ledger({}), None, Policy())[0] is False


# ------------------------------------------------------------------ one order


def test_free_repair_in_warranty_customer_still_pays_inbound_shipping() -> None:
    records = book(
        [call("C1", datetime(2026, 10, 1, 9), purchase_date=date(2026, 3, 1))],
        [
            order(
                "O1",
                "C1",
                labour_fee=D("80"),
                inbound_shipping=D("12"),
                return_shipping=D("15"),
                amount_paid=D("12"),
            )
        ],
        [{"order_id": "O1", "part_name": "主板", "qty": 2, "unit_cost": D("25.00")}],
    )
    line = only(settle(records))
    assert line.in_warranty is True and line.free is True
    assert line.free_reason.code == "free_warranty"
    assert line.labour == D("0.00")  # free: no labour
    assert line.parts == D("50.00")  # 2 × 25.00
    assert line.customer_parts == D("0.00")  # free: no parts for the customer
    assert line.customer_shipping == D("12.00")  # inbound payer = customer, also when free
    assert line.company_shipping == D("15.00")  # return payer = company
    assert line.customer_charge == D("12.00")  # 0 + 0 + 12
    assert line.company_cost == D("65.00")  # parts 50 + return shipping 15
    assert line.balance_due == D("0.00")  # 12 − 12


def test_out_of_warranty_parts_markup_rounds_half_up_and_overpayment_is_a_refund() -> None:
    policy = policy_from_dict({"fees": {"parts_markup": "0.15"}})
    records = book(
        [call("C1", datetime(2026, 10, 1, 9))],  # no purchase date: out of warranty
        [order("O1", "C1", labour_fee=D("80"), amount_paid=D("100"))],
        [{"order_id": "O1", "part_name": "电容", "qty": 1, "unit_cost": D("10.05")}],
    )
    line = only(settle(records, policy))
    assert line.free is False and line.free_reason.code == "charged_out"
    assert line.parts == D("10.05")
    assert line.customer_parts == D("11.56")  # 10.05 × 1.15 = 11.5575 -> 11.56
    assert line.labour == D("80.00")
    assert line.customer_charge == D("91.56")  # 80 + 11.56
    assert line.company_cost == D("0.00")  # charged: parts are the customer's
    assert line.balance_due == D("-8.44")  # 91.56 − 100: refund owed


def test_human_damage_in_warranty_is_charged() -> None:
    records = book(
        [call("C1", datetime(2026, 10, 1, 9))],
        [order("O1", "C1", warranty="in", fault_cause="human", labour_fee=D("50"))],
        [{"order_id": "O1", "part_name": "屏幕", "qty": 3, "unit_cost": D("4.10")}],
    )
    line = only(settle(records))
    assert line.in_warranty is True and line.free is False
    assert line.free_reason.code == "charged_cause"
    assert line.customer_parts == D("12.30")  # 3 × 4.10 at cost (markup 0)
    assert line.customer_charge == D("62.30")  # 50 + 12.30
    assert line.balance_due == D("62.30")  # amount_paid blank = 0


def test_wear_in_warranty_is_charged() -> None:
    records = book(
        [call("C1", datetime(2026, 10, 1, 9))],
        [order("O1", "C1", warranty="in", fault_cause="wear", labour_fee=D("40"))],
    )
    line = only(settle(records))
    assert line.free is False
    assert line.customer_charge == D("40.00")


def test_inbound_shipping_paid_by_company_when_policy_says_so() -> None:
    policy = policy_from_dict({"fees": {"inbound_shipping_payer": "company"}})
    records = book(
        [call("C1", datetime(2026, 10, 1, 9))],
        [order("O1", "C1", warranty="in", inbound_shipping=D("12"), return_shipping=D("15"))],
    )
    line = only(settle(records, policy))
    assert line.customer_shipping == D("0.00")
    assert line.company_shipping == D("27.00")  # inbound 12 + return 15
    assert line.company_cost == D("27.00")  # free, no parts: shipping only


def test_return_shipping_split_with_an_odd_cent() -> None:
    policy = policy_from_dict({"fees": {"return_shipping_payer": "split"}})
    records = book(
        [call("C1", datetime(2026, 10, 1, 9))],
        [order("O1", "C1", warranty="out", return_shipping=D("15.01"))],
    )
    line = only(settle(records, policy))
    assert line.customer_shipping == D("7.51")  # 15.01 × 0.5 = 7.505 -> 7.51
    assert line.company_shipping == D("7.50")  # 15.01 − 7.51
    assert line.customer_charge == D("7.51")  # no labour, no parts


def test_return_shipping_paid_by_customer() -> None:
    policy = policy_from_dict({"fees": {"return_shipping_payer": "customer"}})
    records = book(
        [call("C1", datetime(2026, 10, 1, 9))],
        [order("O1", "C1", warranty="in", inbound_shipping=D("12"), return_shipping=D("15"))],
    )
    line = only(settle(records, policy))
    assert line.free is True
    assert line.customer_charge == D("27.00")  # inbound 12 + return 15, even on a free repair
    assert line.company_cost == D("0.00")


def test_a_parts_row_without_a_cost_is_noted_not_counted() -> None:
    records = book(
        [call("C1", datetime(2026, 10, 1, 9))],
        [order("O1", "C1", warranty="out")],
        [
            {"order_id": "O1", "part_name": "螺丝", "qty": 4, "unit_cost": D("0.25")},
            {"order_id": "O1", "part_name": "外壳", "qty": 1, "unit_cost": None},
            {"order_id": "O2", "part_name": "别的工单", "qty": 1, "unit_cost": D("99")},
        ],
    )
    line = only(settle(records))
    assert line.parts == D("1.00")  # 4 × 0.25; the blank cost row is left out
    assert [note.code for note in line.notes] == ["part_skipped"]
    assert line.notes[0].params == {"row": 3}


# ------------------------------------------------------------------ the month


def test_only_orders_completed_in_the_month() -> None:
    calls = [call("C1", datetime(2026, 9, 1, 9))]
    records = book(
        calls,
        [
            order("SEP", "C1", completed_at=datetime(2026, 9, 30, 23, 59)),
            order("FIRST", "C1", completed_at=datetime(2026, 10, 1, 0, 0)),
            order("LAST", "C1", completed_at=datetime(2026, 10, 31, 23, 59)),
            order("NOV", "C1", completed_at=datetime(2026, 11, 1, 0, 0)),
            order("CANC", "C1", status="cancelled", completed_at=datetime(2026, 10, 5)),
            order("WIP", "C1", status="in_progress", completed_at=None),
        ],
    )
    assert [o.order_id for o in settle(records).orders] == ["FIRST", "LAST"]


def test_totals_per_store_and_technician() -> None:
    calls = [call("C1", datetime(2026, 10, 1, 9))]
    records = book(
        calls,
        [
            # O1 T1/S1: out, labour 100, paid 100 -> charge 100, balance 0
            order("O1", "C1", warranty="out", labour_fee=D("100"), amount_paid=D("100")),
            # O2 T3/S1: in + quality, parts 40, return 10 -> free, cost 40 + 10 = 50
            order("O2", "C1", technician_id="T3", warranty="in", return_shipping=D("10")),
            # O3 T2/S2: out, labour 60, unpaid -> balance 60
            order("O3", "C1", technician_id="T2", warranty="out", labour_fee=D("60")),
            # O4 T1/S1: out, labour 30, paid 50 -> balance −20
            order("O4", "C1", warranty="out", labour_fee=D("30"), amount_paid=D("50")),
        ],
        [{"order_id": "O2", "part_name": "泵", "qty": 1, "unit_cost": D("40")}],
    )
    result = settle(records)
    data = result.to_dict()
    assert data["totals"] == {
        "orders": 4,
        "free_orders": 1,
        "customer_charge": "190.00",  # 100 + 0 + 60 + 30
        "company_cost": "50.00",  # O2 only
        "amount_paid": "150.00",  # 100 + 50
        "balance_due": "40.00",  # 0 + 0 + 60 − 20
    }
    assert data["stores"] == [
        {
            "store_id": "S1",
            "name": "一号店",
            "orders": 3,
            "free_orders": 1,
            "customer_charge": "130.00",  # 100 + 0 + 30
            "company_cost": "50.00",
            "amount_paid": "150.00",
            "balance_due": "-20.00",
        },  # 0 + 0 − 20
        {
            "store_id": "S2",
            "name": "二号店",
            "orders": 1,
            "free_orders": 0,
            "customer_charge": "60.00",
            "company_cost": "0.00",
            "amount_paid": "0.00",
            "balance_due": "60.00",
        },
    ]
    assert data["technicians"] == [
        {
            "technician_id": "T1",
            "name": "张三",
            "store_id": "S1",
            "orders": 2,
            "free_orders": 0,
            "customer_charge": "130.00",
            "company_cost": "0.00",
            "amount_paid": "150.00",
            "balance_due": "-20.00",
        },
        {
            "technician_id": "T2",
            "name": "李四",
            "store_id": "S2",
            "orders": 1,
            "free_orders": 0,
            "customer_charge": "60.00",
            "company_cost": "0.00",
            "amount_paid": "0.00",
            "balance_due": "60.00",
        },
        {
            "technician_id": "T3",
            "name": "王五",
            "store_id": "S1",
            "orders": 1,
            "free_orders": 1,
            "customer_charge": "0.00",
            "company_cost": "50.00",
            "amount_paid": "0.00",
            "balance_due": "0.00",
        },
    ]


def test_to_dict_has_the_spec_shape() -> None:
    records = book(
        [call("C1", datetime(2026, 10, 1, 9))],
        [order("O1", "C1", warranty="out", labour_fee=D("120.5"))],
    )
    data = settle(records).to_dict("en")
    assert data["month"] == "2026-10"
    assert set(data) >= {"month", "orders", "totals", "stores", "technicians"}
    first = data["orders"][0]
    assert {
        k: first[k]
        for k in (
            "order_id",
            "free",
            "customer_charge",
            "company_cost",
            "amount_paid",
            "balance_due",
        )
    } == {
        "order_id": "O1",
        "free": False,
        "customer_charge": "120.50",
        "company_cost": "0.00",
        "amount_paid": "0.00",
        "balance_due": "120.50",
    }
    assert first["sheet"] == "repair_ledger" and first["row"] == 2
    assert first["in_warranty"] is False
    assert first["warranty_reason"] == "warranty column says out"
    assert first["free_reason"] == "out of warranty: charged"
    assert first["labour"] == "120.50" and first["customer_parts"] == "0.00"


# ------------------------------------------------------------------ repeat repairs


def _repeat_book(cause: str, **r_extra: Any) -> Records:
    calls = [
        call("C1", datetime(2026, 7, 1, 9), serial_no="SN-9", purchase_date=date(2020, 1, 1)),
        call("C2", datetime(2026, 10, 5, 9), serial_no="SN-9", purchase_date=date(2020, 1, 1)),
    ]
    orders = [
        order("E1", "C1", completed_at=datetime(2026, 8, 1, 10)),
        order(
            "R1",
            "C2",
            technician_id="T2",
            fault_cause=cause,
            labour_fee=D("80"),
            completed_at=datetime(2026, 10, 8, 16),
            **r_extra,
        ),
    ]
    parts = [{"order_id": "R1", "part_name": "电机", "qty": 1, "unit_cost": D("30")}]
    return book(calls, orders, parts)


def test_repeat_repair_is_free_even_out_of_warranty() -> None:
    line = only(settle(_repeat_book("wear")))
    assert line.in_warranty is False  # bought 2020
    assert line.free is True and line.repeat_of == "E1"
    assert line.free_reason.code == "free_repeat"
    # E1 completed 2026-08-01 10:00, R1 called 2026-10-05 09:00: 64 days 23 h ≤ 90 days
    assert line.free_reason.params["days"] == 64
    assert line.customer_charge == D("0.00")
    assert line.company_cost == D("30.00")  # the parts, at cost


def test_repeat_repair_with_human_cause_is_charged() -> None:
    line = only(settle(_repeat_book("human")))
    assert line.free is False and line.repeat_of is None
    assert line.free_reason.code == "charged_repeat_human"
    assert line.customer_charge == D("110.00")  # labour 80 + parts 30


def _serial_book(
    e_orders: list[dict], r_call: datetime, serial: str = "SN-9", r_status: str = "completed"
) -> Records:
    calls = [
        call(f"CE{i}", datetime(2026, 6, 1, 9), serial_no="SN-9") for i in range(len(e_orders))
    ]
    calls.append(call("CR", r_call, serial_no=serial))
    orders = [
        order(e["order_id"], f"CE{i}", **{k: v for k, v in e.items() if k != "order_id"})
        for i, e in enumerate(e_orders)
    ]
    orders.append(
        order(
            "R", "CR", technician_id="T2", status=r_status, fault_cause="other", completed_at=None
        )
    )
    return book(calls, orders)


def test_repeat_window_is_inclusive_of_exactly_the_limit() -> None:
    done = [{"order_id": "E", "completed_at": datetime(2026, 7, 1, 9)}]
    # 2026-07-01 09:00 + 90 × 24 h = 2026-09-29 09:00
    assert "R" in repeat_repairs(_serial_book(done, datetime(2026, 9, 29, 9, 0)), Policy())
    assert "R" not in repeat_repairs(_serial_book(done, datetime(2026, 9, 29, 9, 1)), Policy())
    # a call before E was completed is no repeat of E
    assert "R" not in repeat_repairs(_serial_book(done, datetime(2026, 6, 30, 9)), Policy())
    policy = policy_from_dict({"warranty": {"repair_warranty_days": 30}})
    assert "R" not in repeat_repairs(_serial_book(done, datetime(2026, 8, 1, 9)), policy)


def test_repeat_takes_the_latest_completed_earlier_order() -> None:
    done = [
        {"order_id": "E1", "technician_id": "T1", "completed_at": datetime(2026, 8, 1, 9)},
        {"order_id": "E2", "technician_id": "T3", "completed_at": datetime(2026, 9, 1, 9)},
        {"order_id": "E3", "status": "in_progress", "completed_at": datetime(2026, 9, 20, 9)},
    ]
    found = repeat_repairs(_serial_book(done, datetime(2026, 10, 2, 9)), Policy())
    assert found["R"].earlier_order_id == "E2"  # E3 is not completed
    assert found["R"].technician_id == "T3"


def test_repeat_needs_the_same_non_blank_serial() -> None:
    done = [{"order_id": "E", "completed_at": datetime(2026, 9, 1, 9)}]
    when = datetime(2026, 10, 2, 9)
    assert "R" in repeat_repairs(_serial_book(done, when, serial=" sn-9 "), Policy())
    assert "R" not in repeat_repairs(_serial_book(done, when, serial="SN-10"), Policy())
    assert "R" not in repeat_repairs(_serial_book(done, when, serial=""), Policy())


def test_cancelled_order_is_no_repeat() -> None:
    done = [{"order_id": "E", "completed_at": datetime(2026, 9, 1, 9)}]
    records = _serial_book(done, datetime(2026, 10, 2, 9), r_status="cancelled")
    assert repeat_repairs(records, Policy()) == {}


def test_in_warranty_without_a_cause_is_charged_and_says_so() -> None:
    records = book(
        [call("C1", datetime(2026, 10, 1, 9))],
        [order("O1", "C1", warranty="in", fault_cause=None, labour_fee=D("30"))],
    )
    line = only(settle(records))
    assert line.free is False and line.customer_charge == D("30.00")
    assert line.free_reason.text("en") == "in warranty but cause blank: charged"
    assert line.free_reason.text("zh") == "保内但原因为未填:收费"


@given(
    st.lists(
        st.one_of(
            st.none(),
            st.text(alphabet=" aAbé\t\u3000x1", max_size=5),
            st.integers(),
            st.floats(allow_nan=False),
            st.booleans(),
        ),
        max_size=8,
    )
)
def test_serials_compare_trimmed_and_upper_case(values: list[Any]) -> None:
    """The columnwise serial numbers are what one call's str(value).strip().upper() gives."""

    def one(value: Any) -> str | None:
        text = str(value).strip().upper() if value is not None else ""
        return text or None

    assert serial_keys(values) == [one(value) for value in values]


def test_first_by_keeps_the_first_of_each_key_and_no_none() -> None:
    assert first_by(["a", None, "b", "a", 1, 1.0], [1, 2, 3, 4, 5, 6]) == {"a": 1, "b": 3, 1: 5}
