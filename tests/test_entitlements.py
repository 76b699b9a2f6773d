"""三包 rights (SPEC §7.3): every rule at its boundaries, worked out by hand from the spec."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import set_cell, valid_rows, write_book

from svctools.cli import cli
from svctools.compute.entitlements import Entitlement, all_entitlements, compute_entitlements
from svctools.core.errors import ConfigError
from svctools.core.policy import Policy, policy_from_dict
from svctools.core.records import Records

AS_OF = datetime(2026, 11, 20, 9, 0)


def call(call_id: str, when: datetime, **extra: Any) -> dict[str, Any]:
    values = {
        "call_id": call_id,
        "call_time": when,
        "customer_name": f"客户{call_id}",
        "product_model": "KX-200",
        "serial_no": None,
        "purchase_date": None,
    }
    return {**values, **extra}


def order(order_id: str, call_id: str, **extra: Any) -> dict[str, Any]:
    values = {
        "order_id": order_id,
        "call_id": call_id,
        "status": "completed",
        "completed_at": None,
        "fault_cause": "quality",
        "parts_wait_from": None,
        "parts_wait_to": None,
    }
    return {**values, **extra}


def rights(
    calls: list[dict], orders: list[dict], as_of: datetime = AS_OF, policy: Policy | None = None
) -> list[Entitlement]:
    records = Records.from_lists(call_log=calls, repair_ledger=orders)
    return all_entitlements(records, policy or Policy(), as_of)


def rules(found: list[Entitlement]) -> list[tuple[str, str]]:
    return [(r.call_id, r.rule) for r in found]


# -- the windows after purchase -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("purchase", "expected"),
    [
        # call on 2026-11-10 (any time of day counts as that date); days = call date − purchase
        (date(2026, 11, 10), "return_window"),  # 0 days ≤ return_days 7
        (date(2026, 11, 3), "return_window"),  # 7 days ≤ 7
        (date(2026, 11, 2), "exchange_window"),  # 8 days: > 7 and ≤ exchange_days 15
        (date(2026, 10, 26), "exchange_window"),  # 15 days ≤ 15
        (date(2026, 10, 25), None),  # 16 days > 15: no window right
    ],
)
def test_window_days_7_vs_8_and_15_vs_16(purchase: date, expected: str | None) -> None:
    found = rights([call("C1", datetime(2026, 11, 10, 23, 59), purchase_date=purchase)], [])
    assert [r.rule for r in found] == ([expected] if expected else [])
    if expected:
        (right,) = found
        assert right.days == (date(2026, 11, 10) - purchase).days
        assert right.arose_on == date(2026, 11, 10)
        remedy = {"return_window": "退货、换货或修理", "exchange_window": "换货或修理"}
        assert right.remedy("zh") == remedy[expected]


def test_window_remedies_in_english_and_the_reasons_name_the_row_and_numbers() -> None:
    found = rights(
        [
            call("C1", datetime(2026, 11, 10, 9), purchase_date=date(2026, 11, 4)),
            call("C2", datetime(2026, 11, 10, 9), purchase_date=date(2026, 10, 30)),
        ],
        [],
    )
    seven, eleven = found
    assert seven.remedy("en") == "refund, exchange or repair"
    assert eleven.remedy("en") == "exchange or repair"
    # C1 is on row 2 of the call log: 2026-11-10 − 2026-11-04 = 6 days
    assert seven.why("zh") == (
        "来电 C1（来电登记第 2 行）：来电日期 2026-11-10 − 购买日期 2026-11-04 = 6 天 "
        "≤ return_days 7；该来电的工单尚无故障原因：查明非人为损坏时权利才成立"
    )
    # C2 on row 3: 2026-11-10 − 2026-10-30 = 11 days
    assert eleven.why("en", {"call_log": "Calls"}).startswith(
        "call C2 (Calls row 3): call date 2026-11-10 − purchase 2026-10-30 = 11 days, "
        "> return_days 7 and ≤ exchange_days 15"
    )


def test_no_purchase_date_no_window_and_a_policy_changes_the_windows() -> None:
    assert rights([call("C1", datetime(2026, 11, 10, 9))], []) == []
    policy = policy_from_dict({"entitlements": {"return_days": 3, "exchange_days": 7}})
    # 7 days: > return_days 3 and ≤ exchange_days 7
    found = rights(
        [call("C1", datetime(2026, 11, 10, 9), purchase_date=date(2026, 11, 3))], [], policy=policy
    )
    assert rules(found) == [("C1", "exchange_window")]


# -- human damage, pending causes -----------------------------------------------------------------


def test_any_order_of_human_cause_means_no_right_of_any_rule() -> None:
    calls = [call("C1", datetime(2026, 11, 10, 9), purchase_date=date(2026, 11, 8))]
    orders = [
        order("W1", "C1", fault_cause="quality", completed_at=datetime(2026, 11, 11, 9)),
        order("W2", "C1", status="in_progress", fault_cause="human"),
    ]
    assert rights(calls, orders) == []


@pytest.mark.parametrize(
    ("causes", "pending"),
    [
        ([], True),  # no order yet: the fault is not judged
        ([None], True),
        ([None, None], True),
        ([None, "wear"], False),  # one order has a cause, and it is not human
        (["other"], False),
    ],
)
def test_pending_cause_only_when_no_order_has_a_cause(causes: list, pending: bool) -> None:
    calls = [call("C1", datetime(2026, 11, 10, 9), purchase_date=date(2026, 11, 8))]
    orders = [
        order(f"W{n}", "C1", status="in_progress", fault_cause=cause)
        for n, cause in enumerate(causes)
    ]
    (right,) = rights(calls, orders)
    assert right.rule == "return_window" and right.pending_cause is pending
    assert right.call_orders == tuple(f"W{n}" for n in range(len(causes)))


# -- repeated failure -----------------------------------------------------------------------------

# One machine SN-R bought 2026-03-01: in warranty until 2026-03-01 + 12 months = 2027-03-01.
BOUGHT = date(2026, 3, 1)


def _machine(
    c_time: datetime, first_cause: str = "quality", second_cause: str = "quality", **c: Any
) -> tuple[list[dict], list[dict]]:
    calls = [
        call("E1", datetime(2026, 5, 1, 9), serial_no="SN-R", purchase_date=BOUGHT),
        call("E2", datetime(2026, 7, 1, 9), serial_no=" sn-r ", purchase_date=BOUGHT),
        call("C", c_time, serial_no="SN-R", purchase_date=c.pop("purchase", BOUGHT), **c),
    ]
    orders = [
        order("W1", "E1", completed_at=datetime(2026, 5, 3, 17), fault_cause=first_cause),
        order("W2", "E2", completed_at=datetime(2026, 7, 2, 17), fault_cause=second_cause),
        order("W3", "C", status="in_progress", fault_cause=None),
    ]
    return calls, orders


def test_third_failure_in_warranty_after_two_quality_repairs_is_flagged() -> None:
    calls, orders = _machine(datetime(2026, 10, 5, 10))
    (right,) = rights(calls, orders)
    assert right.rule == "repeated_failure" and right.call_id == "C"
    assert [o.order_id for o in right.orders] == ["W1", "W2"]  # " sn-r " is the same machine
    assert right.remedy("zh") == "换货或退货" and right.remedy("en") == "exchange or refund"
    assert right.pending_cause is True  # W3 has no cause yet
    assert right.arose_on == date(2026, 10, 5)
    # days since purchase: 2026-03-01 -> 2026-10-05 = 31+30+31+30+31+31+30 + 4 = 218
    assert right.days == 218
    assert right.why("zh").startswith(
        "来电 C（来电登记第 4 行）：序列号 SN-R 在保修期内（来电日期 2026-10-05 ≤ 购买日期 "
        "2026-03-01 + 12 个月 = 2027-03-01）；此前已有 2 张保内、原因为质量问题的完工工单 "
        "≥ repairs_before_exchange 2：W1（维修台帐第 2 行，来电 E1 2026-05-01，完工 "
        "2026-05-03 17:00）；W2（维修台帐第 3 行"
    )


def test_an_earlier_repair_of_human_cause_does_not_count() -> None:
    calls, orders = _machine(datetime(2026, 10, 5, 10), second_cause="human")
    assert rights(calls, orders) == []  # one quality repair < repairs_before_exchange 2


def test_an_earlier_repair_of_wear_does_not_count_either() -> None:
    calls, orders = _machine(datetime(2026, 10, 5, 10), first_cause="wear")
    assert rights(calls, orders) == []


def test_out_of_warranty_call_with_two_earlier_repairs_is_not_flagged() -> None:
    # bought 2025-10-04: in warranty until 2026-10-04; the call on 2026-10-05 is one day out.
    # The earlier calls (2026-05-01, 2026-07-01) were in warranty, but C is not.
    calls, orders = _machine(datetime(2026, 10, 5, 10))
    for row in calls:
        row["purchase_date"] = date(2025, 10, 4)
    assert rights(calls, orders) == []
    # the last day of the warranty (call on 2026-10-04 23:00) still counts
    calls, orders = _machine(datetime(2026, 10, 4, 23), purchase=date(2025, 10, 4))
    for row in calls:
        row["purchase_date"] = date(2025, 10, 4)
    assert rules(rights(calls, orders)) == [("C", "repeated_failure")]


def test_repairs_after_the_call_or_on_the_same_call_do_not_count() -> None:
    calls, orders = _machine(datetime(2026, 7, 2, 10))  # W2 completes at 17:00, after C's call
    assert rights(calls, orders) == []
    calls, orders = _machine(datetime(2026, 10, 5, 10))
    orders[2] = order("W3", "C", completed_at=datetime(2026, 10, 6, 9))  # C's own repair
    orders[1]["fault_cause"] = "other"
    assert rights(calls, orders) == []  # W1 alone; C's own W3 is no earlier repair


def test_an_earlier_call_without_a_purchase_date_uses_the_machines() -> None:
    calls, orders = _machine(datetime(2026, 10, 5, 10))
    calls[0]["purchase_date"] = None
    assert [o.order_id for o in rights(calls, orders)[0].orders] == ["W1", "W2"]


def test_repairs_before_exchange_from_policy() -> None:
    calls, orders = _machine(datetime(2026, 10, 5, 10))
    policy = policy_from_dict({"entitlements": {"repairs_before_exchange": 3}})
    assert rights(calls, orders, policy=policy) == []


# -- waiting for parts ----------------------------------------------------------------------------


def _waiting(
    start: datetime, end: datetime | None = None, status: str = "in_progress"
) -> tuple[list[dict], list[dict]]:
    calls = [call("C1", datetime(2026, 6, 28, 9))]
    orders = [
        order(
            "W1",
            "C1",
            status=status,
            fault_cause=None,
            parts_wait_from=start,
            parts_wait_to=end,
        )
    ]
    return calls, orders


def test_a_wait_of_exactly_parts_wait_days_is_not_flagged() -> None:
    start = datetime(2026, 7, 1, 10, 0)
    # 2026-07-01 10:00 + 90 × 24 h = 2026-09-29 10:00 (July 31 − 1 = 30 days, + Aug 31, + Sep 29)
    assert rights(*_waiting(start), as_of=datetime(2026, 9, 29, 10, 0)) == []
    assert rights(*_waiting(start, datetime(2026, 9, 29, 10, 0)), as_of=AS_OF) == []
    (open_wait,) = rights(*_waiting(start), as_of=datetime(2026, 9, 29, 10, 1))
    (closed_wait,) = rights(*_waiting(start, datetime(2026, 9, 29, 10, 1)), as_of=AS_OF)
    for right in (open_wait, closed_wait):
        assert right.rule == "parts_unavailable" and right.remedy("zh") == "换货"
        assert right.arose_on == date(2026, 9, 29) and right.days == 90
        assert [o.order_id for o in right.orders] == ["W1"]
    assert "截至统计时点仍在待料" in open_wait.why("zh")
    assert closed_wait.why("en").endswith(
        "order W1 (Repair Ledger row 2) waited for parts from 2026-07-01 10:00 to "
        "2026-09-29 10:01 (parts_wait_to): 90 days > parts_wait_days 90; the right arose on "
        "2026-07-01 + 90 days = 2026-09-29; no order of the call has a cause yet: "
        "the right holds only if the fault proves not human"
    )


def test_days_are_the_whole_days_waited_up_to_the_as_of_moment() -> None:
    # 2026-07-01 10:00 -> 2026-11-20 09:00 = 141 days 23 hours: 141 whole days
    (right,) = rights(*_waiting(datetime(2026, 7, 1, 10, 0)))
    assert right.days == 141


def test_a_completed_order_waits_until_completion_and_a_cancelled_open_wait_never_ends() -> None:
    calls, orders = _waiting(datetime(2026, 7, 1, 10), status="completed")
    orders[0].update(completed_at=datetime(2026, 9, 29, 10), fault_cause="quality")
    assert rights(calls, orders) == []  # ended at completion: exactly 90 days
    orders[0]["completed_at"] = datetime(2026, 10, 1, 10)  # 92 days
    (right,) = rights(calls, orders)
    assert right.days == 92 and right.pending_cause is False
    calls, orders = _waiting(datetime(2026, 7, 1, 10), status="cancelled")
    assert rights(calls, orders) == []


def test_the_month_a_wait_right_arises_in() -> None:
    # A: 2026-08-02 15:00 + 90 days = 2026-10-31 15:00 (Aug 2 + 29 = Aug 31, + 30 = Sep 30,
    # + 31 = Oct 31): arises in October. B: 2026-08-03 00:30 + 90 days = 2026-11-01: November.
    calls = [call("A", datetime(2026, 8, 1, 9)), call("B", datetime(2026, 8, 1, 9))]
    orders = [
        order(
            "WA",
            "A",
            status="in_progress",
            fault_cause=None,
            parts_wait_from=datetime(2026, 8, 2, 15, 0),
        ),  # fmt: skip
        order(
            "WB",
            "B",
            status="in_progress",
            fault_cause=None,
            parts_wait_from=datetime(2026, 8, 3, 0, 30),
        ),  # fmt: skip
    ]
    records = Records.from_lists(call_log=calls, repair_ledger=orders)
    october = compute_entitlements(records, Policy(), AS_OF, date(2026, 10, 1), date(2026, 11, 1))
    november = compute_entitlements(records, Policy(), AS_OF, date(2026, 11, 1), date(2026, 12, 1))
    assert [(r.call_id, r.arose_on) for r in october.calls] == [("A", date(2026, 10, 31))]
    assert [(r.call_id, r.arose_on) for r in november.calls] == [("B", date(2026, 11, 1))]
    # at 2026-10-31 15:00 sharp A has waited exactly 90 days: not yet a right
    at_the_moment = compute_entitlements(
        records, Policy(), datetime(2026, 10, 31, 15, 0), date(2026, 10, 1), date(2026, 11, 1)
    )
    assert at_the_moment.calls == []


def test_without_a_month_the_30_days_up_to_the_as_of_date() -> None:
    # as of 2026-11-20: 2026-10-22 .. 2026-11-20 (30 dates); a call on 10-22 is in, 10-21 out
    calls = [
        call("IN", datetime(2026, 10, 22, 8), purchase_date=date(2026, 10, 20)),
        call("OUT", datetime(2026, 10, 21, 20), purchase_date=date(2026, 10, 20)),
        call("LATER", datetime(2026, 11, 20, 10), purchase_date=date(2026, 11, 19)),  # after as-of
    ]
    records = Records.from_lists(call_log=calls, repair_ledger=[])
    result = compute_entitlements(records, Policy(), AS_OF)
    assert (result.first, result.last) == (date(2026, 10, 22), date(2026, 11, 20))
    assert [r.call_id for r in result.calls] == ["IN"]


def test_one_call_can_carry_several_rights_in_the_order_they_arose() -> None:
    calls = [call("C1", datetime(2026, 7, 1, 9), purchase_date=date(2026, 6, 28))]  # 3 days
    orders = [
        order(
            "W1",
            "C1",
            status="in_progress",
            fault_cause="quality",
            parts_wait_from=datetime(2026, 7, 2, 9),
        ),  # fmt: skip
    ]
    found = rights(calls, orders)
    # the window right arose on the call date; the wait's on 2026-07-02 + 90 days = 2026-09-30
    assert [(r.rule, r.arose_on) for r in found] == [
        ("return_window", date(2026, 7, 1)),
        ("parts_unavailable", date(2026, 9, 30)),
    ]


# -- policy ---------------------------------------------------------------------------------------


def test_policy_keys_are_checked() -> None:
    with pytest.raises(ConfigError, match="exchange_days must not be less than return_days"):
        policy_from_dict({"entitlements": {"return_days": 10, "exchange_days": 5}})
    with pytest.raises(ConfigError, match="entitlements.refund_days: unknown key"):
        policy_from_dict({"entitlements": {"refund_days": 10}})
    with pytest.raises(ConfigError, match="repairs_before_exchange"):
        policy_from_dict({"entitlements": {"repairs_before_exchange": 0}})


# -- the command ----------------------------------------------------------------------------------


def run(*args: object) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout, result.stderr


def _book(tmp_path: Path) -> Path:
    """The valid book with C001 (called 2026-10-05 14:30) bought on 2026-09-28: 7 days."""
    rows = valid_rows()
    set_cell(rows, "来电登记", 2, "购买日期", date(2026, 9, 28))
    return write_book(tmp_path / "book.xlsx", rows)


def test_command_json_text_and_workbook(tmp_path: Path) -> None:
    book, out = _book(tmp_path), tmp_path / "rights.xlsx"
    code, stdout, _ = run(
        "entitlements", book, "--month", "2026-10", "--as-of", "2026-11-20T09:00",
        "--format", "json", "--out", out,
    )  # fmt: skip
    assert code == 0
    data = json.loads(stdout)
    assert (data["from"], data["to"], data["month"]) == ("2026-10-01", "2026-10-31", "2026-10")
    (right,) = data["calls"]
    assert {k: right[k] for k in ("call_id", "customer_name", "serial_no", "rule", "remedy")} == {
        "call_id": "C001",
        "customer_name": "刘女士",
        "serial_no": "SN0001",
        "rule": "return_window",
        "remedy": "退货、换货或修理",
    }
    # W001 has cause 质量问题: not pending; a window right rests on no earlier order
    assert (right["arose_on"], right["days"], right["orders"], right["pending_cause"]) == (
        "2026-10-05",
        7,
        [],
        False,
    )
    assert right["call_orders"] == ["W001"] and right["row"] == 2
    assert "2026-10-05 − 购买日期 2026-09-28 = 7 天 ≤ return_days 7" in right["why"]
    sheet = openpyxl.load_workbook(out).active
    assert sheet.title == "三包权利"
    assert [c.value for c in sheet[4]][1:6] == ["C001", "刘女士", "SN0001", "退货期内故障"] + [
        "退货、换货或修理"
    ]
    assert sheet.cell(4, 7).value == datetime(2026, 10, 5) and sheet.cell(4, 8).value == 7
    assert sheet.print_title_rows == "$3:$3" and sheet.page_setup.orientation == "landscape"


def test_command_text_in_english_and_the_default_window(tmp_path: Path) -> None:
    book = _book(tmp_path)
    code, stdout, _ = run("entitlements", book, "--as-of", "2026-10-20T09:00", "--lang", "en")
    assert code == 0
    # 2026-10-20 and the 29 days before: 2026-09-21 .. 2026-10-20
    assert stdout.startswith(
        "三包 rights that arose 2026-09-21 to 2026-10-20 (as of 2026-10-20 09:00): 1"
    )
    assert "refund, exchange or repair" in stdout and "C001" in stdout
    assert "1. call C001 (来电登记 row 2): call date 2026-10-05" in stdout
    code, stdout, _ = run("entitlements", book, "--as-of", "2026-11-20T09:00")
    assert code == 0
    assert stdout.strip() == (
        "2026-10-22 至 2026-11-20 没有来电享有三包退换货权利（截至 2026-11-20 09:00）。"
    )


def test_mask_hides_the_customer_but_keeps_the_call_and_why(tmp_path: Path) -> None:
    book = _book(tmp_path)
    args = ("entitlements", book, "--month", "2026-10", "--as-of", "2026-11-20T09:00")
    code, stdout, _ = run(*args, "--mask", "--format", "json")
    assert code == 0
    (right,) = json.loads(stdout)["calls"]
    assert right["customer_name"] != "刘女士" and "刘" in right["customer_name"]
    assert right["phone"] != "13812345678" and right["call_id"] == "C001"
    assert "7 天 ≤ return_days 7" in right["why"]


def test_command_refuses_a_bad_month_and_a_book_with_errors(tmp_path: Path) -> None:
    book = _book(tmp_path)
    code, _, stderr = run("entitlements", book, "--month", "2026-13")
    assert code == 2 and "--month '2026-13'" in stderr and "Traceback" not in stderr
    rows = valid_rows()
    set_cell(rows, "来电登记", 2, "来电时间", "not a time")
    broken = write_book(tmp_path / "broken.xlsx", rows)
    code, _, stderr = run("entitlements", broken, "--as-of", "2026-11-20T09:00")
    assert code == 1 and "--skip-invalid" in stderr


# -- the demo ------------------------------------------------------------------------------------


def test_the_demo_book_has_the_three_cases(tmp_path: Path) -> None:
    from svctools.demo.sample import DEMO_AS_OF, build_demo_book

    workbook, _ = build_demo_book(7, DEMO_AS_OF)
    path = tmp_path / "demo.xlsx"
    workbook.save(path)
    code, stdout, _ = run(
        "entitlements", path, "--as-of", "2026-11-20T09:00", "--skip-invalid", "--format", "json"
    )
    assert code == 0
    found = {r["call_id"]: r for r in json.loads(stdout)["calls"]}
    assert sorted(found) == ["C0903", "C0904", "C0905"]
    # failed three times: bought 2026-05-04 (200 days before 11-20), two quality repairs before
    assert found["C0903"]["rule"] == "repeated_failure"
    assert found["C0903"]["orders"] == ["WO00901", "WO00902"]
    # bought 2026-11-12, called 2026-11-18 11:00: 6 days
    assert (found["C0904"]["rule"], found["C0904"]["days"]) == ("return_window", 6)
    # waiting since 2026-08-13 15:00: + 90 days = 2026-11-11; 98 days 18 h up to the as-of
    assert (found["C0905"]["rule"], found["C0905"]["arose_on"]) == (
        "parts_unavailable",
        "2026-11-11",
    )
    assert found["C0905"]["days"] == 98 and found["C0905"]["pending_cause"] is True
