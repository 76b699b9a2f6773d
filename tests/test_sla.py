"""SLA breaches (SPEC §4.1): every expected deadline and late_hours below is worked out by hand.

Default limits (SPEC §3): response 1 h (level 1) / 2 h (levels 2-4); on-site 4/24/48/72 h;
acceptance 2 h (urgent 1 h); repair 3 working days (complex 7); complaint feedback 24 h;
callback 3 calendar days. Hours are calendar hours unless a test switches to business hours
(09:00-12:00, 13:30-18:00 on working days).

2026 calendar facts (checked in tests/test_workcal.py::test_package_facts against chinesecalendar):
National Day rest Thu Oct 1 .. Wed Oct 7; Sat Oct 10 is a make-up workday; Sun Oct 11 rests.
Thu 2026-10-15 is an ordinary Thursday; Mon 2026-10-19 a Monday.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from wcwidth import wcswidth

from svctools.compute.sla import Breach, SlaResult, compute_sla, late_hours
from svctools.compute.workcal import WorkCalendar
from svctools.core.clock import parse_month
from svctools.core.policy import Policy, policy_from_dict
from svctools.core.records import Records
from svctools.outputs.sla_text import render_text

AS_OF = datetime(2026, 11, 30, 12, 0)


def dt(text: str) -> datetime:
    return datetime.fromisoformat(text)


def call(**values: Any) -> dict[str, Any]:
    """A call answered on time unless a test says otherwise."""
    base = {
        "call_id": "C1",
        "call_time": dt("2026-10-15T10:00"),
        "fault_level": 2,
        "taken_by": "A01",
        "first_response_at": dt("2026-10-15T10:30"),
    }
    return {**base, **values}


def order(**values: Any) -> dict[str, Any]:
    """A mail-in order accepted on time and completed long before its deadline."""
    base = {
        "order_id": "R1",
        "call_id": "C1",
        "technician_id": "T01",
        "service_mode": "mail_in",
        "status": "completed",
        "dispatched_at": dt("2026-10-15T11:00"),
        "accepted_at": dt("2026-10-15T11:30"),
        "completed_at": dt("2026-10-15T16:00"),
    }
    return {**base, **values}


def run(
    calls: list[dict[str, Any]] | None = None,
    orders: list[dict[str, Any]] | None = None,
    complaints: list[dict[str, Any]] | None = None,
    callbacks: list[dict[str, Any]] | None = None,
    as_of: datetime = AS_OF,
    policy: Policy | None = None,
    **sheets: Any,
) -> SlaResult:
    """Compute on a book; completed orders get an on-time callback unless callbacks are given."""
    orders = orders or []
    if callbacks is None:
        callbacks = [
            {"order_id": o["order_id"], "called_at": o["completed_at"], "staff_id": "A01"}
            for o in orders
            if o.get("completed_at")
        ]
    records = Records.from_lists(
        call_log=calls if calls is not None else [call()],
        repair_ledger=orders,
        complaints=complaints or [],
        callbacks=callbacks,
        **sheets,
    )
    return compute_sla(records, policy or Policy(), as_of)


def only(result: SlaResult, rule: str) -> list[Breach]:
    return [b for b in result.breaches if b.rule == rule]


def business() -> Policy:
    return policy_from_dict({"sla": {"hours_basis": "business"}})


# -- late_hours -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("end", "hours"),
    [
        ("2026-10-15T11:18:00", "0.30"),
        ("2026-10-15T11:01:00", "0.02"),  # 0.0166.. -> 0.02
        ("2026-10-15T11:00:18", "0.01"),  # exactly 0.005 h: half-up, not to even
        ("2026-10-15T11:00:17", "0.00"),  # 0.00472 h
        ("2026-10-15T12:00:00", "1.00"),
        ("2026-10-17T11:20:00", "48.33"),
    ],
)
def test_late_hours_two_decimals_half_up(end: str, hours: str) -> None:
    value = late_hours(dt("2026-10-15T11:00"), dt(end))
    assert value == Decimal(hours)
    assert format(value, "f") == hours


# -- late_response --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "response", "late"),
    [
        (1, "2026-10-15T10:59", None),  # level 1: due 11:00
        (1, "2026-10-15T11:00", None),  # exactly at the deadline is on time
        (1, "2026-10-15T11:00:18", "0.01"),  # 18 seconds late is still a breach
        (1, "2026-10-15T11:18", "0.30"),
        (2, "2026-10-15T12:00", None),  # levels 2-4: due 12:00
        (2, "2026-10-15T12:20", "0.33"),
        (3, "2026-10-15T11:30", None),
        (4, "2026-10-15T13:00", "1.00"),
    ],
)
def test_late_response_grid(level: int, response: str, late: str | None) -> None:
    result = run(calls=[call(fault_level=level, first_response_at=dt(response))])
    found = only(result, "late_response")
    if late is None:
        assert found == []
        return
    (breach,) = found
    assert breach.late_hours == Decimal(late)
    assert (breach.sheet, breach.row, breach.record, breach.staff_id) == (
        "call_log",
        2,
        "C1",
        "A01",
    )
    assert breach.actual == dt(response) and breach.open is False


@pytest.mark.parametrize(
    ("as_of", "late"),
    [
        ("2026-10-15T10:30", None),  # not due yet
        ("2026-10-15T11:00", None),  # as-of exactly at the deadline: not past it
        ("2026-10-15T11:30", "0.50"),  # open, counted up to the as-of moment
        ("2026-10-16T11:00", "24.00"),
    ],
)
def test_open_response(as_of: str, late: str | None) -> None:
    result = run(calls=[call(fault_level=1, first_response_at=None)], as_of=dt(as_of))
    found = only(result, "late_response")
    if late is None:
        assert found == []
        return
    (breach,) = found
    assert breach.open is True and breach.actual is None
    assert breach.deadline == dt("2026-10-15T11:00")
    assert breach.late_hours == Decimal(late)


def test_no_call_time_means_no_deadline() -> None:
    result = run(calls=[call(call_time=None, first_response_at=None)])
    assert result.breaches == []


def test_business_hours_response_spec_example() -> None:
    # Thu 17:50 + 1 business hour: 17:50-18:00 and 09:00-09:50 Fri -> due Fri 09:50
    # (calendar basis would be Thu 18:50). Answered Fri 09:55: 5 minutes = 0.0833 h -> 0.08.
    calls = [
        call(
            fault_level=1,
            call_time=dt("2026-10-15T17:50"),
            first_response_at=dt("2026-10-16T09:55"),
        )
    ]
    (breach,) = run(calls=calls, policy=business()).breaches
    assert breach.deadline == dt("2026-10-16T09:50")
    assert breach.late_hours == Decimal("0.08")
    assert breach.unit == "business_hours" and breach.limit == Decimal(1)
    windows = [s for s in breach.explain if s["kind"] == "window"]
    assert windows == [
        {"kind": "window", "start": "2026-10-15T17:50:00", "end": "2026-10-15T18:00:00"},
        {"kind": "window", "start": "2026-10-16T09:00:00", "end": "2026-10-16T09:50:00"},
    ]
    # Calendar basis: due Thu 18:50, so Fri 09:55 is 15 h 05 min late = 15.0833 -> 15.08.
    (by_clock,) = run(calls=calls).breaches
    assert by_clock.deadline == dt("2026-10-15T18:50")
    assert by_clock.late_hours == Decimal("15.08")


def test_business_hours_friday_evening_to_monday() -> None:
    # Fri 2026-10-16 17:30, level 2 (2 h): 30 min Fri + 90 min Mon -> Mon 10:30.
    calls = [call(call_time=dt("2026-10-16T17:30"), first_response_at=dt("2026-10-19T11:00"))]
    (breach,) = run(calls=calls, policy=business()).breaches
    assert breach.deadline == dt("2026-10-19T10:30")
    assert breach.late_hours == Decimal("0.50")
    skipped = [(s["date"], s["why"]) for s in breach.explain if s["kind"] == "skipped"]
    assert skipped == [("2026-10-17", "weekend"), ("2026-10-18", "weekend")]


def test_business_hours_lunch_break() -> None:
    # 11:30 level 2 (2 h): 11:30-12:00, 13:30-15:00 -> 15:00; answered 14:00 is on time.
    calls = [call(call_time=dt("2026-10-15T11:30"), first_response_at=dt("2026-10-15T14:00"))]
    assert run(calls=calls, policy=business()).breaches == []
    calls[0]["first_response_at"] = dt("2026-10-15T15:15")
    (breach,) = run(calls=calls, policy=business()).breaches
    assert breach.deadline == dt("2026-10-15T15:00") and breach.late_hours == Decimal("0.25")


# -- late_acceptance ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("urgent", "accepted", "deadline", "late"),
    [
        (False, "2026-10-15T13:00", "2026-10-15T13:00", None),  # 11:00 + 2 h
        (False, "2026-10-15T13:45", "2026-10-15T13:00", "0.75"),
        (None, "2026-10-15T13:45", "2026-10-15T13:00", "0.75"),  # blank urgent = not urgent
        (True, "2026-10-15T11:59", "2026-10-15T12:00", None),  # urgent: 11:00 + 1 h
        (True, "2026-10-15T12:30", "2026-10-15T12:00", "0.50"),
    ],
)
def test_late_acceptance_grid(
    urgent: bool | None, accepted: str, deadline: str, late: str | None
) -> None:
    result = run(calls=[call(urgent=urgent)], orders=[order(accepted_at=dt(accepted))])
    found = only(result, "late_acceptance")
    if late is None:
        assert found == []
        return
    (breach,) = found
    assert breach.deadline == dt(deadline) and breach.late_hours == Decimal(late)
    assert (breach.sheet, breach.row, breach.record, breach.staff_id) == (
        "repair_ledger",
        2,
        "R1",
        "T01",
    )


def test_not_dispatched_means_no_acceptance_deadline() -> None:
    new = order(status="new", dispatched_at=None, accepted_at=None, completed_at=None)
    assert run(orders=[new]).breaches == []


def test_open_acceptance() -> None:
    waiting = order(status="dispatched", accepted_at=None, completed_at=None)
    (breach,) = run(orders=[waiting], as_of=dt("2026-10-15T14:06")).breaches
    assert breach.rule == "late_acceptance" and breach.open
    assert breach.late_hours == Decimal("1.10")  # due 13:00, 66 minutes by 14:06


# -- late_arrival ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mode", "level", "arrived", "deadline", "late"),
    [
        ("onsite", 1, "2026-10-15T14:00", "2026-10-15T14:00", None),  # call 10:00 + 4 h
        ("onsite", 1, "2026-10-15T15:30", "2026-10-15T14:00", "1.50"),
        ("onsite", 2, "2026-10-16T10:30", "2026-10-16T10:00", "0.50"),  # + 24 h
        ("onsite", 3, "2026-10-17T09:00", "2026-10-17T10:00", None),  # + 48 h
        ("onsite", 4, "2026-10-18T12:00", "2026-10-18T10:00", "2.00"),  # + 72 h
        ("mail_in", 1, None, None, None),  # arrival is for on-site orders only
        ("remote", 1, None, None, None),
    ],
)
def test_late_arrival_grid(
    mode: str, level: int, arrived: str | None, deadline: str | None, late: str | None
) -> None:
    result = run(
        calls=[call(fault_level=level, first_response_at=dt("2026-10-15T10:01"))],
        orders=[order(service_mode=mode, arrived_at=dt(arrived) if arrived else None)],
    )
    found = only(result, "late_arrival")
    if late is None:
        assert found == []
        return
    (breach,) = found
    assert breach.deadline == dt(deadline)  # type: ignore[arg-type]
    assert breach.late_hours == Decimal(late) and breach.staff_id == "T01"


def test_calendar_hours_run_through_the_holiday() -> None:
    # Calendar basis: Wed Sep 30 10:00 + 48 h = Fri Oct 2 10:00, holiday or not.
    calls = [call(fault_level=3, call_time=dt("2026-09-30T10:00"))]
    calls[0]["first_response_at"] = dt("2026-09-30T10:05")
    late = order(service_mode="onsite", arrived_at=dt("2026-10-08T10:00"))
    (breach,) = only(run(calls=calls, orders=[late]), "late_arrival")
    assert breach.deadline == dt("2026-10-02T10:00") and breach.late_hours == Decimal("144.00")


def test_business_hours_arrival_across_national_day() -> None:
    # Business basis, Wed Sep 30 17:00, level 2 (24 business hours):
    # Sep 30 17:00-18:00 = 1 h; Oct 1-7 rest; Oct 8 7.5 h (8.5); Oct 9 7.5 h (16);
    # Sat Oct 10 (make-up workday) 7.5 h (23.5); Sun Oct 11 rests; Mon Oct 12 09:00-09:30 -> 24.
    calls = [call(call_time=dt("2026-09-30T17:00"), first_response_at=dt("2026-09-30T17:10"))]
    late = order(service_mode="onsite", arrived_at=dt("2026-10-12T10:00"))
    (breach,) = only(run(calls=calls, orders=[late], policy=business()), "late_arrival")
    assert breach.deadline == dt("2026-10-12T09:30") and breach.late_hours == Decimal("0.50")
    skipped = [s for s in breach.explain if s["kind"] == "skipped"]
    assert len(skipped) == 8 and skipped[-1]["date"] == "2026-10-11"
    assert {s["name"] for s in skipped[:7]} == {"National Day"}


# -- overdue_repair -------------------------------------------------------------------------------

# Accepted Thu 2026-10-15 14:00. 3 working days: Fri 16, Mon 19, Tue 20 -> Tue 10-20 14:00.
# Complex, 7 working days: 16, 19, 20, 21, 22, 23, 26 -> Mon 10-26 14:00.


@pytest.mark.parametrize(
    ("complex_", "completed", "deadline", "late"),
    [
        (False, "2026-10-20T14:00", "2026-10-20T14:00", None),
        (False, "2026-10-20T16:30", "2026-10-20T14:00", "2.50"),
        (None, "2026-10-21T14:00", "2026-10-20T14:00", "24.00"),
        (True, "2026-10-21T09:00", "2026-10-26T14:00", None),
        (True, "2026-10-27T08:00", "2026-10-26T14:00", "18.00"),
    ],
)
def test_overdue_repair_grid(
    complex_: bool | None, completed: str, deadline: str, late: str | None
) -> None:
    repair = order(accepted_at=dt("2026-10-15T14:00"), completed_at=dt(completed), complex=complex_)
    found = only(run(orders=[repair]), "overdue_repair")
    if late is None:
        assert found == []
        return
    (breach,) = found
    assert breach.deadline == dt(deadline) and breach.late_hours == Decimal(late)
    assert breach.staff_id == "T01" and breach.unit == "working_days"


def test_overdue_repair_across_national_day() -> None:
    # Accepted Wed Sep 30 09:00 + 3 working days: Oct 8, Oct 9, Sat Oct 10 (make-up) -> Oct 10.
    repair = order(
        dispatched_at=dt("2026-09-30T08:00"),
        accepted_at=dt("2026-09-30T09:00"),
        completed_at=dt("2026-10-12T09:00"),
    )
    (breach,) = only(run(orders=[repair]), "overdue_repair")
    assert breach.deadline == dt("2026-10-10T09:00")
    assert breach.late_hours == Decimal("48.00")
    days = [(s["date"], s["why"]) for s in breach.explain if s["kind"] == "day"]
    assert days == [("2026-10-08", "weekday"), ("2026-10-09", "weekday"), ("2026-10-10", "makeup")]


def test_open_repair() -> None:
    repair = order(accepted_at=dt("2026-10-15T14:00"), completed_at=None, status="in_progress")
    (breach,) = only(run(orders=[repair], as_of=dt("2026-10-21T09:00")), "overdue_repair")
    assert breach.open
    assert breach.deadline == dt("2026-10-20T14:00") and breach.late_hours == Decimal("19.00")


@pytest.mark.parametrize(
    ("wait_from", "wait_to", "completed", "deadline", "late"),
    [
        # Mon Oct 19 -> Wed Oct 21 pauses Mon and Tue: 3 + 2 = 5 working days -> Thu 10-22.
        ("2026-10-19T10:00", "2026-10-21T15:00", "2026-10-22T14:00", "2026-10-22T14:00", None),
        ("2026-10-19T10:00", "2026-10-21T15:00", "2026-10-22T15:00", "2026-10-22T14:00", "1.00"),
        # A wait within one day moves nothing: still Tue 10-20 14:00.
        ("2026-10-19T09:00", "2026-10-19T17:00", "2026-10-20T15:00", "2026-10-20T14:00", "1.00"),
        # Fri Oct 16 -> Mon Oct 19 pauses Friday only (the weekend is no working day): Wed 10-21.
        ("2026-10-16T09:00", "2026-10-19T09:00", "2026-10-21T14:30", "2026-10-21T14:00", "0.50"),
    ],
)
def test_parts_wait_moves_the_repair_deadline(
    wait_from: str, wait_to: str, completed: str, deadline: str, late: str | None
) -> None:
    repair = order(
        accepted_at=dt("2026-10-15T14:00"),
        completed_at=dt(completed),
        parts_wait_from=dt(wait_from),
        parts_wait_to=dt(wait_to),
    )
    found = only(run(orders=[repair]), "overdue_repair")
    if late is None:
        assert found == []
        return
    (breach,) = found
    assert breach.deadline == dt(deadline) and breach.late_hours == Decimal(late)


def test_parts_wait_is_explained() -> None:
    repair = order(
        accepted_at=dt("2026-10-15T14:00"),
        completed_at=dt("2026-10-23T09:00"),
        parts_wait_from=dt("2026-10-19T10:00"),
        parts_wait_to=dt("2026-10-21T15:00"),
    )
    (breach,) = only(run(orders=[repair]), "overdue_repair")
    assert breach.limit == Decimal(5)
    paused = [s["date"] for s in breach.explain if s["kind"] == "paused"]
    assert paused == ["2026-10-19", "2026-10-20"]


def test_open_parts_wait_holds_the_deadline() -> None:
    # Still waiting at the as-of moment (parts_wait_to blank): no open breach, however late.
    waiting = order(
        status="in_progress",
        accepted_at=dt("2026-10-15T14:00"),
        completed_at=None,
        parts_wait_from=dt("2026-10-16T10:00"),
        parts_wait_to=None,
    )
    assert only(run(orders=[waiting]), "overdue_repair") == []
    # The same order without the wait is an open breach.
    waiting["parts_wait_from"] = None
    assert len(only(run(orders=[waiting]), "overdue_repair")) == 1


def test_parts_wait_left_open_on_a_completed_order_ends_at_completion() -> None:
    # Blank parts_wait_to but completed Fri Oct 23 10:00: the wait ran Mon 19 .. Thu 22
    # (4 working days), so 3 + 4 = 7 working days -> Mon 10-26 14:00; done on time.
    done = order(
        accepted_at=dt("2026-10-15T14:00"),
        completed_at=dt("2026-10-23T10:00"),
        parts_wait_from=dt("2026-10-19T10:00"),
        parts_wait_to=None,
    )
    assert only(run(orders=[done]), "overdue_repair") == []


def test_no_acceptance_means_no_repair_deadline() -> None:
    new = order(status="dispatched", accepted_at=None, completed_at=None)
    assert only(run(orders=[new], as_of=dt("2026-10-15T12:00")), "overdue_repair") == []


# -- late_complaint_feedback ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("feedback", "as_of", "late", "is_open"),
    [
        ("2026-10-16T09:00", AS_OF, None, False),  # 10:00 + 24 h = Fri 10:00
        ("2026-10-16T10:00", AS_OF, None, False),
        ("2026-10-16T12:30", AS_OF, "2.50", False),
        (None, dt("2026-10-17T10:00"), "24.00", True),
        (None, dt("2026-10-16T09:00"), None, False),
    ],
)
def test_late_complaint_feedback_grid(
    feedback: str | None, as_of: datetime, late: str | None, is_open: bool
) -> None:
    complaint = {
        "complaint_id": "TS01",
        "received_at": dt("2026-10-15T10:00"),
        "severity": "general",
        "handled_by": "A02",
        "responsible_id": "T01",
        "first_feedback_at": dt(feedback) if feedback else None,
    }
    found = run(complaints=[complaint], as_of=as_of).breaches
    if late is None:
        assert found == []
        return
    (breach,) = found
    assert breach.rule == "late_complaint_feedback"
    assert (breach.sheet, breach.row, breach.record, breach.staff_id) == (
        "complaints",
        2,
        "TS01",
        "A02",
    )
    assert breach.deadline == dt("2026-10-16T10:00")
    assert breach.late_hours == Decimal(late) and breach.open is is_open


def test_business_hours_complaint_over_national_day() -> None:
    # Wed Sep 30 10:00 + 24 business hours: Sep 30 6.5 h (10-12, 13:30-18); Oct 8 7.5 (14);
    # Oct 9 7.5 (21.5); Sat Oct 10, a make-up workday, 09:00-11:30 (24) -> Oct 10 11:30.
    complaint = {
        "complaint_id": "TS02",
        "received_at": dt("2026-09-30T10:00"),
        "handled_by": "A02",
        "first_feedback_at": dt("2026-10-10T12:00"),
    }
    (breach,) = run(complaints=[complaint], policy=business()).breaches
    assert breach.deadline == dt("2026-10-10T11:30") and breach.late_hours == Decimal("0.50")


# -- late_callback --------------------------------------------------------------------------------

# Completed Thu 2026-10-15 16:00 + 3 calendar days -> Sun 2026-10-18 16:00 (calendar days:
# weekends count). The agent who took the call (call_log.taken_by) answers for it.


@pytest.mark.parametrize(
    ("called", "late"),
    [
        (["2026-10-19T10:00", "2026-10-18T10:00"], None),  # the earliest callback counts
        (["2026-10-18T16:00"], None),
        (["2026-10-20T09:00", "2026-10-19T10:00"], "18.00"),
    ],
)
def test_late_callback_grid(called: list[str], late: str | None) -> None:
    callbacks = [{"order_id": "R1", "called_at": dt(c), "staff_id": "A03"} for c in called]
    result = run(orders=[order()], callbacks=callbacks)
    found = only(result, "late_callback")
    if late is None:
        assert found == []
        return
    (breach,) = found
    assert breach.deadline == dt("2026-10-18T16:00") and breach.actual == dt("2026-10-19T10:00")
    assert breach.late_hours == Decimal(late)
    assert (breach.sheet, breach.row, breach.record, breach.staff_id) == (
        "repair_ledger",
        2,
        "R1",
        "A01",
    )


def test_open_callback_and_other_orders_callbacks_do_not_count() -> None:
    other = [{"order_id": "R9", "called_at": dt("2026-10-16T10:00"), "staff_id": "A03"}]
    (breach,) = run(orders=[order()], callbacks=other, as_of=dt("2026-10-19T16:00")).breaches
    assert breach.rule == "late_callback" and breach.open
    assert breach.late_hours == Decimal("24.00") and breach.unit == "days"


def test_callbacks_count_calendar_days_through_holidays() -> None:
    # Completed Wed Sep 30 12:00 + 3 calendar days -> Sat Oct 3 12:00, in the holiday.
    done = order(
        dispatched_at=dt("2026-09-30T08:00"),
        accepted_at=dt("2026-09-30T09:00"),
        completed_at=dt("2026-09-30T12:00"),
    )
    (breach,) = run(orders=[done], callbacks=[], as_of=dt("2026-10-04T12:00")).breaches
    assert breach.deadline == dt("2026-10-03T12:00") and breach.late_hours == Decimal("24.00")


def test_no_callbacks_sheet_checks_no_callbacks_and_says_so() -> None:
    records = Records.from_lists(call_log=[call()], repair_ledger=[order()])
    result = compute_sla(records, Policy(), AS_OF)
    assert result.breaches == []
    assert any("callbacks" in str(w) for w in result.warnings)


# -- cancelled orders ----------------------------------------------------------------------------


def test_cancelled_order_has_no_deadlines_but_its_call_still_counts() -> None:
    cancelled = order(
        status="cancelled",
        service_mode="onsite",
        accepted_at=None,
        arrived_at=None,
        completed_at=None,
    )
    calls = [call(fault_level=1, first_response_at=None)]
    result = run(calls=calls, orders=[cancelled], callbacks=[])
    assert [b.rule for b in result.breaches] == ["late_response"]
    # The same order not cancelled breaks acceptance, arrival and repair.
    cancelled["status"] = "dispatched"
    rules = {b.rule for b in run(calls=calls, orders=[cancelled], callbacks=[]).breaches}
    assert rules == {"late_response", "late_acceptance", "late_arrival"}


def test_cancelled_completed_order_gets_no_callback_deadline() -> None:
    cancelled = order(status="cancelled")
    assert run(orders=[cancelled], callbacks=[]).breaches == []


# -- result: order, months, JSON, text ------------------------------------------------------------


def many() -> SlaResult:
    """Three open breaches: Sep 30 23:00 (C1), Oct 1 00:30 (C2), Oct 1 00:30 (TS1)."""
    calls = [
        call(call_id="C2", call_time=dt("2026-09-30T23:30"), fault_level=1, first_response_at=None),
        call(call_id="C1", call_time=dt("2026-09-30T22:00"), fault_level=1, first_response_at=None),
    ]
    complaint = {"complaint_id": "TS1", "received_at": dt("2026-09-30T00:30"), "handled_by": "A02"}
    return run(calls=calls, complaints=[complaint], as_of=dt("2026-10-05T00:00"))


def test_breaches_sorted_by_deadline_rule_record() -> None:
    result = many()
    keys = [(b.deadline, b.rule, b.record) for b in result.breaches]
    assert keys == [
        (dt("2026-09-30T23:00"), "late_response", "C1"),
        (dt("2026-10-01T00:30"), "late_complaint_feedback", "TS1"),
        (dt("2026-10-01T00:30"), "late_response", "C2"),
    ]


def test_filter_month_by_deadline() -> None:
    result = many()
    october = result.filter_month(*parse_month("2026-10"))
    assert [b.record for b in october.breaches] == ["TS1", "C2"]
    september = result.filter_month(*parse_month("2026-09"))
    assert [b.record for b in september.breaches] == ["C1"]
    assert len(result.breaches) == 3  # the original is untouched


def test_to_dict_matches_the_spec_shape() -> None:
    late = call(fault_level=1, first_response_at=dt("2026-10-15T11:18"))
    data = run(calls=[late]).to_dict({"call_log": "来电登记"})
    assert data["breaches"] == [
        {
            "rule": "late_response",
            "sheet": "来电登记",
            "row": 2,
            "record": "C1",
            "staff_id": "A01",
            "deadline": "2026-10-15T11:00:00",
            "actual": "2026-10-15T11:18:00",
            "late_hours": "0.30",
            "open": False,
            "start": "2026-10-15T10:00:00",
            "limit": "1",
            "unit": "hours",
        }
    ]
    assert data["warnings"] == []


def test_to_dict_open_breach_and_explain_only_when_asked() -> None:
    result = run(calls=[call(fault_level=1, first_response_at=None)], as_of=dt("2026-10-15T12:00"))
    (plain,) = result.to_dict()["breaches"]
    assert plain["sheet"] == "call_log" and plain["actual"] is None and plain["open"] is True
    assert plain["late_hours"] == "1.00" and "explain" not in plain
    (explained,) = result.to_dict(explain=True)["breaches"]
    assert explained["explain"] == [
        {"kind": "window", "start": "2026-10-15T10:00:00", "end": "2026-10-15T11:00:00"}
    ]


def test_2027_rows_warn_once_and_do_not_crash() -> None:
    # 2027 has no package data: Monday-Friday. Business hours, level 1 (1 h):
    # Mon 2027-01-04 17:50 -> Tue 09:50 (answered 09:55: 0.08 h late);
    # Tue 17:50 -> Wed 09:50 (answered 09:00: on time).
    # Repair accepted Fri 2027-01-08 10:00 + 3 working days: Mon 11, Tue 12, Wed 13 -> open.
    calls = [
        call(call_id="C1", call_time=dt("2027-01-04T17:50"), fault_level=1),
        call(call_id="C2", call_time=dt("2027-01-05T17:50"), fault_level=1),
    ]
    calls[0]["first_response_at"] = dt("2027-01-05T09:55")
    calls[1]["first_response_at"] = dt("2027-01-06T09:00")
    repair = order(
        status="in_progress",
        dispatched_at=dt("2027-01-08T09:00"),
        accepted_at=dt("2027-01-08T10:00"),
        completed_at=None,
    )
    as_of = dt("2027-01-14T10:00")
    result = run(calls=calls, orders=[repair], policy=business(), as_of=as_of)
    assert [(b.rule, b.record, b.deadline, b.late_hours) for b in result.breaches] == [
        ("late_response", "C1", dt("2027-01-05T09:50"), Decimal("0.08")),
        ("overdue_repair", "R1", dt("2027-01-13T10:00"), Decimal("24.00")),
    ]
    assert len(result.warnings) == 1 and str(result.warnings[0]).startswith("2027: ")
    owned = policy_from_dict(
        {"sla": {"hours_basis": "business"}, "calendar": {"own_years": [2027]}}
    )
    owned_result = run(calls=calls, orders=[repair], policy=owned, as_of=as_of)
    assert owned_result.warnings == []
    assert owned_result.breaches == result.breaches


def test_a_given_calendar_is_used_and_its_warnings_reported() -> None:
    calendar = WorkCalendar.from_policy(Policy().calendar)
    calendar.is_workday(date(2027, 1, 4))  # an earlier use already warned about 2027
    records = Records.from_lists(call_log=[call()], repair_ledger=[], callbacks=[])
    result = compute_sla(records, Policy(), AS_OF, calendar=calendar)
    assert len(result.warnings) == 1 and "2027" in str(result.warnings[0])


def test_render_text_zh_and_en() -> None:
    late = call(fault_level=1, first_response_at=dt("2026-10-15T11:18"))
    result = run(calls=[late])
    zh = render_text(result, "zh", explain=False, sheet_names={"call_log": "来电登记"})
    assert "截止时间" in zh and "响应超时" in zh and "来电登记" in zh and "0.30" in zh
    header, rule, row = zh.splitlines()
    # CJK columns line up: each column starts at the same display position (wcwidth).
    assert wcswidth(header[: header.index("截止时间")]) == wcswidth(row[: row.index("2026-10-15")])
    assert wcswidth(header) == wcswidth(rule) == wcswidth(row)
    en = render_text(result, "en", explain=False)
    assert "Deadline" in en and "late response" in en and "2026-10-15 11:00" in en
    assert render_text(SlaResult(), "zh", explain=False) == "没有超时记录。"
    assert render_text(SlaResult(), "en", explain=False) == "No SLA breaches."


def test_render_text_open_breach_is_marked() -> None:
    result = run(calls=[call(fault_level=1, first_response_at=None)], as_of=dt("2026-10-15T12:00"))
    assert "未完成" in render_text(result, "zh", explain=False)
    assert "open" in render_text(result, "en", explain=False)


def test_render_text_explain_shows_windows_days_and_skipped() -> None:
    calls = [call(call_time=dt("2026-09-30T17:00"), first_response_at=dt("2026-10-08T10:30"))]
    repair = order(
        dispatched_at=dt("2026-09-30T08:00"),
        accepted_at=dt("2026-09-30T09:00"),
        completed_at=dt("2026-10-12T09:00"),
        parts_wait_from=None,
    )
    result = run(calls=calls, orders=[repair], policy=business())
    zh = render_text(result, "zh", explain=True)
    assert "2026-09-30 17:00–18:00" in zh and "2026-10-08 09:00–10:00" in zh
    assert "2026-10-01 国庆节" in zh and "2026-10-10 调休上班（国庆节）" in zh
    en = render_text(result, "en", explain=True)
    assert "2026-10-01 National Day" in en and "make-up workday (National Day)" in en
    assert "+ 3 working days -> 2026-10-10 09:00" in en
    assert "+ 2 business h -> 2026-10-08 10:00" in en


def test_render_text_explain_parts_wait() -> None:
    repair = order(
        accepted_at=dt("2026-10-15T14:00"),
        completed_at=dt("2026-10-23T09:00"),
        parts_wait_from=dt("2026-10-19T10:00"),
        parts_wait_to=dt("2026-10-21T15:00"),
    )
    en = render_text(run(orders=[repair]), "en", explain=True)
    assert "waiting for parts 2026-10-19 10:00 -> 2026-10-21 15:00" in en
    assert "2026-10-19, 2026-10-20" in en


# -- every deadline judged, not only the breaches -------------------------------------------------


def test_deadlines_keep_met_breached_and_pending_outcomes() -> None:
    calls = [
        call(call_id="C1", first_response_at=dt("2026-10-15T10:30")),  # met (limit 12:00)
        call(call_id="C2", first_response_at=dt("2026-10-15T13:00")),  # breached
        call(call_id="C3", call_time=dt("2026-11-30T11:00"), first_response_at=None),  # pending
    ]
    result = run(calls=calls)
    outcomes = {(d.rule, d.record): d.outcome for d in result.deadlines}
    assert outcomes == {
        ("late_response", "C1"): "met",
        ("late_response", "C2"): "breached",
        ("late_response", "C3"): "pending",
    }
    breached = [(d.rule, d.row, d.deadline) for d in result.deadlines if d.outcome == "breached"]
    assert breached == [(b.rule, b.row, b.deadline) for b in result.breaches]


def test_deadlines_cover_every_rule_and_filter_by_month() -> None:
    complaint = {
        "complaint_id": "K1",
        "received_at": dt("2026-10-20T10:00"),
        "handled_by": "A01",
        "first_feedback_at": dt("2026-10-20T11:00"),
    }
    onsite = order(service_mode="onsite", arrived_at=dt("2026-10-15T12:00"))
    result = run(orders=[onsite], complaints=[complaint])
    assert sorted(d.rule for d in result.deadlines) == sorted(
        [
            "late_response",
            "late_acceptance",
            "late_arrival",
            "overdue_repair",
            "late_callback",
            "late_complaint_feedback",
        ]
    )
    assert all(d.outcome == "met" for d in result.deadlines) and result.breaches == []
    assert result.filter_month(*parse_month("2026-09")).deadlines == []
    assert len(result.filter_month(*parse_month("2026-10")).deadlines) == 6
