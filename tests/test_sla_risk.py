"""``remind sla-risk`` (SPEC §7.5): open deadlines due within ``risk_hours`` of the as-of moment,
counted like the rule's own limit. Hand-worked with hours_basis = business, working hours
09:00-12:00 and 13:30-18:00, across lunch, the evening and the National Day holiday (2026:
Thu 10-01 .. Wed 10-07 off, Thu 10-08 back)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from svctools.compute.reminders import due_reminders
from svctools.compute.sla_risk import at_risk, due_sla_risk
from svctools.core.policy import Policy
from svctools.core.records import Records

BUSINESS = Policy.model_validate(
    {"sla": {"hours_basis": "business"}, "reminders": {"risk_hours": 2}}
)
CALENDAR = Policy.model_validate({"reminders": {"risk_hours": 2}})


def call(cid: str, when: datetime, taker: str = "A01", answered: datetime | None = None) -> Any:
    # level 2: response limit 2 hours (SPEC §3 defaults)
    return {
        "call_id": cid,
        "call_time": when,
        "customer_name": "客户",
        "phone": "13812345678",
        "fault_level": 2,
        "taken_by": taker,
        "first_response_at": answered,
    }


def book(*calls: Any) -> Records:
    return Records.from_lists(
        call_log=list(calls),
        repair_ledger=[],
        staff=[
            {"staff_id": "A01", "name": "张丽", "email": "a01@example.com", "store_id": "S01"},
            {"staff_id": "A02", "name": "王芳", "email": "a02@example.com", "store_id": "S01"},
        ],
        stores=[{"store_id": "S01", "name": "朝阳店", "email": "chaoyang@example.com"}],
    )


def risky(records: Records, policy: Policy, as_of: datetime) -> list[tuple[str, str, int]]:
    return [
        (d.record, d.deadline.strftime("%m-%d %H:%M"), left)
        for d, left in at_risk(records, policy, as_of)
    ]


def test_across_lunch() -> None:
    # as of Mon 10-12 11:00, 2 business hours: 11:00-12:00 (1 h) + 13:30-14:30 (1 h) -> 14:30.
    # C1 10:30: 10:30-12:00 = 1.5 h + 13:30-14:00 = 0.5 h -> due 14:00; left 60 + 30 = 90 min.
    # C2 11:00: 11:00-12:00 + 13:30-14:30 -> due 14:30 = the horizon: in; left 120 min.
    # C3 11:30: 11:30-12:00 + 13:30-15:00 -> due 15:00: past the horizon.
    records = book(
        call("C1", datetime(2026, 10, 12, 10, 30)),
        call("C2", datetime(2026, 10, 12, 11, 0)),
        call("C3", datetime(2026, 10, 12, 11, 30)),
    )
    as_of = datetime(2026, 10, 12, 11, 0)
    assert risky(records, BUSINESS, as_of) == [
        ("C1", "10-12 14:00", 90),
        ("C2", "10-12 14:30", 120),
    ]
    # on calendar hours C1 is due 12:30 and C2 13:00, both within 11:00 + 2 h; C3 13:30 is not
    assert [r[0] for r in risky(records, CALENDAR, as_of)] == ["C1", "C2"]
    assert risky(records, CALENDAR, as_of)[0] == ("C1", "10-12 12:30", 90)


def test_across_the_evening() -> None:
    # as of Mon 10-12 17:00: 17:00-18:00 (1 h) + Tue 09:00-10:00 (1 h) -> horizon Tue 10:00.
    # C1 Mon 16:30: 16:30-18:00 = 1.5 h + Tue 09:00-09:30 -> due Tue 09:30; left 60 + 30 = 90.
    # C2 Mon 17:30: 17:30-18:00 = 0.5 h + Tue 09:00-10:30 -> due Tue 10:30: past the horizon.
    # Calendar basis: C1 due Mon 18:30 (in, 90 min), C2 due Mon 19:30 (past 19:00).
    records = book(
        call("C1", datetime(2026, 10, 12, 16, 30)), call("C2", datetime(2026, 10, 12, 17, 30))
    )
    as_of = datetime(2026, 10, 12, 17, 0)
    assert risky(records, BUSINESS, as_of) == [("C1", "10-13 09:30", 90)]
    assert risky(records, CALENDAR, as_of) == [("C1", "10-12 18:30", 90)]


def test_across_a_holiday() -> None:
    # as of Wed 09-30 17:00: 17:00-18:00 (1 h), Oct 1-7 National Day off, Thu 10-08
    # 09:00-10:00 (1 h) -> horizon Thu 10-08 10:00.
    # C1 09-30 16:00: 16:00-18:00 = 2 h -> due 09-30 18:00; left 60.
    # C2 09-30 17:00: 1 h + 10-08 09:00-10:00 -> due 10-08 10:00 = the horizon; left 120.
    # C3 09-30 17:30: 0.5 h + 10-08 09:00-10:30 -> due 10-08 10:30: not yet at risk.
    # C4 09-30 16:00, answered 16:20: met, never listed.
    records = book(
        call("C1", datetime(2026, 9, 30, 16, 0)),
        call("C2", datetime(2026, 9, 30, 17, 0), taker="A02"),
        call("C3", datetime(2026, 9, 30, 17, 30)),
        call("C4", datetime(2026, 9, 30, 16, 0), answered=datetime(2026, 9, 30, 16, 20)),
    )
    as_of = datetime(2026, 9, 30, 17, 0)
    assert risky(records, BUSINESS, as_of) == [
        ("C1", "09-30 18:00", 60),
        ("C2", "10-08 10:00", 120),
    ]
    digests = {d.key: d for d in due_sla_risk(records, BUSINESS, as_of)}
    assert list(digests) == [
        "sla-risk:A01:2026-09-30T17",
        "sla-risk:A02:2026-09-30T17",
        "sla-risk:store:S01:2026-09-30T17",
    ]
    store = digests["sla-risk:store:S01:2026-09-30T17"]
    assert [str(p) for p in store.to] == ["朝阳店 <chaoyang@example.com>"]
    assert [(i["record"], i["left"]) for i in store.context["items"]] == [
        ("C1", "1:00"),
        ("C2", "2:00"),
    ]


def test_a_deadline_met_since_the_last_run_is_not_mentioned_again() -> None:
    late = call("C1", datetime(2026, 10, 12, 10, 30))
    nine = due_sla_risk(book(late), BUSINESS, datetime(2026, 10, 12, 11, 0))
    assert [d.key for d in nine] == [
        "sla-risk:A01:2026-10-12T11",
        "sla-risk:store:S01:2026-10-12T11",
    ]
    answered = {**late, "first_response_at": datetime(2026, 10, 12, 11, 40)}
    assert due_sla_risk(book(answered), BUSINESS, datetime(2026, 10, 12, 12, 0)) == []
    # and a breached deadline (past) is the sla command's business, not a warning
    assert due_sla_risk(book(late), BUSINESS, datetime(2026, 10, 12, 14, 1)) == []


def test_sla_risk_is_not_part_of_remind_all() -> None:
    records = book(call("C1", datetime(2026, 10, 12, 10, 30)))
    moment = datetime(2026, 10, 12, 11, 0)
    assert due_reminders(records, BUSINESS, moment, "all") == []
    assert len(due_reminders(records, BUSINESS, moment, "sla-risk")) == 2
