"""What is due (SPEC §5), computed on records: renewal stages and callback digests."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest

from svctools.compute.reminders import (
    KINDS,
    Person,
    due_callbacks,
    due_reminders,
    due_renewals,
    renewal_stage,
)
from svctools.core.policy import RemindersPolicy
from svctools.core.records import Records

TODAY = date(2026, 11, 20)
STAGES = [15, 7, 1]

STAFF = [
    {"staff_id": "A01", "name": "张丽", "email": "a01@example.com", "store_id": "S01"},
    {"staff_id": "A02", "name": "王芳", "email": "a02@example.com", "store_id": "S02"},
    {"staff_id": "A03", "name": "赵敏", "email": None, "store_id": "S03"},
    {"staff_id": "T01", "name": "李强", "email": "t01@example.com", "store_id": "S01"},
]
STORES = [
    {"store_id": "S01", "name": "朝阳店", "manager": "王店长", "email": "chaoyang@example.com"},
    {"store_id": "S02", "name": "海淀店", "manager": None, "email": None},
    {"store_id": "S03", "name": "天河店", "manager": None, "email": None},
]


def contract(cid: str, days_left: int, **more: Any) -> dict[str, Any]:
    values = {
        "contract_id": cid,
        "customer_name": "北京某某科技有限公司",
        "phone": "13812345678",
        "start_date": date(2025, 12, 1),
        "end_date": TODAY + timedelta(days=days_left),
        "amount": 12000,
        "store_id": "S01",
        "owner_id": "A01",
        "renewal_status": None,
    }
    return {**values, **more}


def renewals(*rows: dict[str, Any], today: date = TODAY) -> list[Any]:
    records = Records.from_lists(contracts=rows, staff=STAFF, stores=STORES)
    return due_renewals(records, STAGES, today)


@pytest.mark.parametrize(
    ("days_left", "stage"),
    [
        (40, None),
        (16, None),
        (15, "15"),
        (14, "15"),
        (8, "15"),
        (7, "7"),
        (2, "7"),
        (1, "1"),
        (0, "1"),
        (-1, "expired"),
        (-400, "expired"),
    ],
)
def test_stage_is_the_smallest_stage_not_below_the_days_left(days_left: int, stage: Any) -> None:
    assert renewal_stage(TODAY + timedelta(days=days_left), TODAY, STAGES) == stage


def test_a_zero_stage_is_its_own_stage() -> None:
    assert renewal_stage(TODAY, TODAY, [15, 7, 1, 0]) == "0"


def test_renewal_keys_recipients_and_order() -> None:
    due = renewals(contract("HT001", 7), contract("HT005", -3), contract("HT009", 40))
    assert [d.key for d in due] == ["renewal:HT005:expired", "renewal:HT001:7"]
    first = due[1]
    assert first.kind == "renewal"
    assert first.to == [Person("张丽", "a01@example.com")]
    assert first.cc == [Person("朝阳店", "chaoyang@example.com")]
    assert first.to_dict()["to"] == ["张丽 <a01@example.com>"]
    assert due[0].context["expired"] and due[0].context["days_overdue"] == 3


def test_a_job_that_missed_days_catches_up_with_the_current_stage_only() -> None:
    """No run on day 15 or 8: on day 5 the 7-day stage goes, the 15-day one is skipped for good."""
    due = renewals(contract("HT001", 5))
    assert [d.key for d in due] == ["renewal:HT001:7"]
    # the next days keep the same key (sent once) until the 1-day stage
    assert [d.key for d in renewals(contract("HT001", 5), today=TODAY + timedelta(days=3))] == [
        "renewal:HT001:7"
    ]
    later = renewals(contract("HT001", 5), today=TODAY + timedelta(days=4))
    assert [d.key for d in later] == ["renewal:HT001:1"]


def test_renewed_and_declined_contracts_are_left_alone() -> None:
    due = renewals(
        contract("HT001", 7, renewal_status="renewed"),
        contract("HT002", 7, renewal_status="declined"),
        contract("HT003", -5, renewal_status="declined"),
        contract("HT004", 7, renewal_status="pending"),
        contract("HT005", 7),  # blank = pending
    )
    assert [d.key for d in due] == ["renewal:HT004:7", "renewal:HT005:7"]


def test_renewal_context_has_what_the_template_shows() -> None:
    (due,) = renewals(contract("HT001", 0))
    ctx = due.context
    assert ctx["stage"] == "1" and ctx["days_left"] == 0 and not ctx["expired"]
    assert ctx["contract"]["amount"] == "12,000.00"
    assert ctx["contract"]["end_date"] == "2026-11-20"
    assert ctx["owner"]["name"] == "张丽" and ctx["store"]["manager"] == "王店长"
    assert ctx["to_name"] == "张丽"


def test_store_without_email_is_not_copied_and_owner_without_email_falls_back() -> None:
    (no_cc,) = renewals(contract("HT001", 7, store_id="S02", owner_id="A02"))
    assert no_cc.to == [Person("王芳", "a02@example.com")] and no_cc.cc == []
    (to_store,) = renewals(contract("HT002", 7, owner_id="A03"))
    assert to_store.to == [Person("朝阳店", "chaoyang@example.com")] and to_store.cc == []
    (nobody,) = renewals(contract("HT003", 7, owner_id="A03", store_id="S03"))
    assert nobody.to == [] and nobody.key == "renewal:HT003:7"


def test_owner_with_the_store_address_gets_one_copy() -> None:
    staff = [{"staff_id": "A01", "name": "张丽", "email": "ChaoYang@example.com"}]
    records = Records.from_lists(contracts=[contract("HT001", 7)], staff=staff, stores=STORES)
    (due,) = due_renewals(records, STAGES, TODAY)
    assert len(due.to) == 1 and due.cc == []


# --- callbacks -------------------------------------------------------------------------------


def call(cid: str, agent: str, name: str) -> dict[str, Any]:
    return {
        "call_id": cid,
        "customer_name": name,
        "phone": "13800000000",
        "address": "北京市朝阳区建国路1号",
        "product_model": "KX-200",
        "fault_description": "不制冷",
        "taken_by": agent,
    }


def order(oid: str, cid: str, completed: datetime | None, status: str = "completed") -> dict:
    return {
        "order_id": oid,
        "call_id": cid,
        "technician_id": "T01",
        "status": status,
        "completed_at": completed,
    }


def callback_records() -> Records:
    return Records.from_lists(
        staff=STAFF,
        call_log=[
            call("C1", "A01", "刘女士"),
            call("C2", "A01", "陈先生"),
            call("C3", "A02", "周女士"),
            call("C4", "A01", "吴先生"),
            call("C5", "A01", "郑女士"),
            call("C6", "A02", "孙先生"),
        ],
        repair_ledger=[
            order("W1", "C1", datetime(2026, 11, 18, 16, 0)),
            order("W2", "C2", datetime(2026, 11, 10, 9, 30)),  # oldest: first in A01's digest
            order("W3", "C3", datetime(2026, 11, 19, 23, 59)),  # 1 day by date, not by hours
            order("W4", "C4", datetime(2026, 11, 20, 8, 0)),  # today: not yet
            order("W5", "C5", None, status="in_progress"),
            order("W6", "C6", datetime(2026, 11, 15, 10, 0)),  # called back already
        ],
        callbacks=[{"order_id": "W6", "called_at": datetime(2026, 11, 16, 10, 0)}],
    )


def test_one_digest_per_agent_oldest_completion_first() -> None:
    due = due_callbacks(callback_records(), 1, TODAY)
    assert [d.key for d in due] == ["callback:A01:2026-11-20", "callback:A02:2026-11-20"]
    a01, a02 = due
    assert [o["order_id"] for o in a01.context["orders"]] == ["W2", "W1"]
    assert [o["order_id"] for o in a02.context["orders"]] == ["W3"]
    assert a01.to == [Person("张丽", "a01@example.com")] and a01.cc == []
    line = a01.context["orders"][0]
    assert line["phone"] == "13800000000"  # the agent must call: the digest keeps the phone
    assert line["completed_at"] == "2026-11-10 09:30" and line["days_since"] == 10
    assert line["technician"] == "李强" and a01.context["count"] == 2


def test_callback_after_days_is_counted_in_dates() -> None:
    due = due_callbacks(callback_records(), 0, TODAY)
    assert [o["order_id"] for o in due[0].context["orders"]] == ["W2", "W1", "W4"]
    due = due_callbacks(callback_records(), 3, TODAY)
    assert [d.key for d in due] == ["callback:A01:2026-11-20"]
    assert [o["order_id"] for o in due[0].context["orders"]] == ["W2"]


def test_the_digest_key_changes_with_the_day() -> None:
    due = due_callbacks(callback_records(), 1, TODAY + timedelta(days=1))
    assert due[0].key == "callback:A01:2026-11-21"


def test_an_agent_without_email_is_unaddressed() -> None:
    records = Records.from_lists(
        staff=STAFF,
        call_log=[call("C1", "A03", "刘女士")],
        repair_ledger=[order("W1", "C1", datetime(2026, 11, 1, 9, 0))],
        callbacks=[],
    )
    (due,) = due_callbacks(records, 1, TODAY)
    assert due.key == "callback:A03:2026-11-20" and due.to == []


def test_due_reminders_picks_the_kinds() -> None:
    records = callback_records()
    records.sheets.update(
        Records.from_lists(contracts=[contract("HT001", 1)], stores=STORES).sheets
    )
    policy = RemindersPolicy()
    moment = datetime(2026, 11, 20, 7, 30)
    every = [d.key for d in due_reminders(records, policy, moment, KINDS["all"])]
    assert every == ["renewal:HT001:1", "callback:A01:2026-11-20", "callback:A02:2026-11-20"]
    assert [d.kind for d in due_reminders(records, policy, moment, KINDS["renewals"])] == [
        "renewal"
    ]
    assert {d.kind for d in due_reminders(records, policy, moment, KINDS["callbacks"])} == {
        "callback"
    }
