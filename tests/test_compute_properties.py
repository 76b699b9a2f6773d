"""Properties of the computations (SPEC §4) over random books and policies.

(a) penalties: per person and month, deducted + carried_out = gross + carried_in, 0 ≤ deducted ≤
    cap, and what one month carries out is what the next carries in;
(b) settlement: the order lines add up to the totals, and so do the stores and the technicians;
(c) SLA: a later as-of moment never changes a closed breach.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from depth import examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from svctools.compute.penalties import compute_penalties
from svctools.compute.settlement import compute_settlement
from svctools.compute.sla import RULES, Breach, compute_sla
from svctools.core.policy import Policy, policy_from_dict
from svctools.core.records import Records

FAST = settings(
    max_examples=examples(60),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,
)
ZERO = Decimal("0")
STAFF_IDS = ("P1", "P2", "P3")
MONTHS = [date(2026, m, 1) for m in range(1, 9)]  # Jan..Aug 2026; lines fall in Jan..Jun


def money(max_value: int = 3000, places: int = 2) -> st.SearchStrategy[Decimal]:
    scale = 10**places
    return st.integers(0, max_value * scale).map(lambda n: Decimal(n) / scale)


# ------------------------------------------------------------------ (a) penalties

moments = st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2026, 6, 30, 23, 59))


@st.composite
def penalty_books(draw: st.DrawFn) -> tuple[Records, list[Breach], Policy]:
    staff = []
    for staff_id in STAFF_IDS:
        wage = draw(st.none() | money(12000, 0))
        staff.append({"staff_id": staff_id, "name": staff_id, "monthly_wage": wage})
    breaches = []
    for number in range(draw(st.integers(0, 25))):
        deadline = draw(moments)
        actual = draw(st.none() | st.just(deadline + timedelta(hours=3)))
        breaches.append(
            Breach(
                rule=draw(st.sampled_from(RULES)),
                sheet="call_log",
                row=number + 2,
                record=f"R{number}",
                staff_id=draw(st.sampled_from(STAFF_IDS)),
                deadline=deadline,
                actual=actual,
                late_hours=Decimal("3.00"),
                open=actual is None,
            )
        )
    amounts = {rule: str(draw(money(800))) for rule in RULES}
    penalties = {
        **amounts,
        "cap_ratio": str(draw(money(1, 2))),
        "minimum_wage": str(draw(money(6000, 0))),
    }
    records = Records.from_lists(staff=staff, call_log=[], repair_ledger=[], complaints=[])
    return records, breaches, policy_from_dict({"penalties": penalties})


@FAST
@given(penalty_books())
def test_penalty_cap_and_carry_balance(book: tuple[Records, list[Breach], Policy]) -> None:
    records, breaches, policy = book
    carried: dict[str, Decimal] = dict.fromkeys(STAFF_IDS, ZERO)  # out of the month before
    for first_day in MONTHS:
        statement = compute_penalties(records, breaches, policy, first_day)
        seen = set()
        for person in statement.staff:
            seen.add(person.staff_id)
            assert person.deducted + person.carried_out == person.gross + person.carried_in
            assert person.deducted >= 0 and person.carried_out >= 0
            assert person.gross == sum((line.amount for line in person.lines), ZERO)
            if person.monthly_wage is not None:
                assert person.cap is not None and 0 <= person.deducted <= person.cap
                assert person.monthly_wage - person.deducted >= min(
                    person.monthly_wage, policy.penalties.minimum_wage
                )
            else:
                assert person.cap is None and person.carried_out == 0
            assert person.carried_in == carried[person.staff_id]
            carried[person.staff_id] = person.carried_out
        for staff_id in set(STAFF_IDS) - seen:
            assert carried[staff_id] == 0  # left out only with nothing carried
        # every breach whose deadline is in the month is charged exactly once, to its person
        month = first_day.strftime("%Y-%m")
        charged = sorted(
            (line.record, person.staff_id) for person in statement.staff for line in person.lines
        )
        assert charged == sorted(
            (b.record, b.staff_id) for b in breaches if b.deadline.strftime("%Y-%m") == month
        )


# ------------------------------------------------------------------ (b) settlement

TECHNICIANS = ("T1", "T2", "T3", "T9")  # T3 has no store, T9 is not on the staff sheet
STAFF = [
    {"staff_id": "T1", "name": "一", "store_id": "S1"},
    {"staff_id": "T2", "name": "二", "store_id": "S2"},
    {"staff_id": "T3", "name": "三", "store_id": None},
]
STORES = [{"store_id": "S1", "name": "一号店"}, {"store_id": "S2", "name": "二号店"}]


@st.composite
def settlement_books(draw: st.DrawFn) -> tuple[Records, Policy]:
    calls, orders, parts = [], [], []
    for n in range(draw(st.integers(0, 12))):
        call_time = draw(
            st.datetimes(min_value=datetime(2026, 8, 1), max_value=datetime(2026, 10, 31))
        )
        calls.append(
            {
                "call_id": f"C{n}",
                "call_time": call_time,
                "serial_no": draw(st.sampled_from([None, "X", "Y"])),
                "purchase_date": draw(
                    st.none() | st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 8, 1))
                ),
            }
        )
        completed = call_time + timedelta(hours=draw(st.integers(0, 24 * 20)))
        orders.append(
            {
                "order_id": f"W{n}",
                "call_id": f"C{n}",
                "technician_id": draw(st.sampled_from(TECHNICIANS)),
                "status": draw(st.sampled_from(["completed"] * 4 + ["cancelled", "in_progress"])),
                "completed_at": completed,
                "warranty": draw(st.sampled_from([None, "in", "out"])),
                "fault_cause": draw(st.sampled_from([None, "quality", "human", "wear", "other"])),
                "labour_fee": draw(st.none() | money(500)),
                "inbound_shipping": draw(st.none() | money(50, 3)),
                "return_shipping": draw(st.none() | money(50, 3)),
                "amount_paid": draw(st.none() | money(1000)),
            }
        )
        for _ in range(draw(st.integers(0, 3))):
            parts.append(
                {
                    "order_id": f"W{n}",
                    "part_name": "件",
                    "qty": draw(st.integers(1, 5)),
                    "unit_cost": draw(money(300, 3)),
                }
            )
    fees = {
        "parts_markup": str(draw(money(2, 3))),
        "inbound_shipping_payer": draw(st.sampled_from(["customer", "company"])),
        "return_shipping_payer": draw(st.sampled_from(["customer", "company", "split"])),
        "return_shipping_customer_share": str(draw(money(1, 3))),
    }
    policy = policy_from_dict({"fees": fees, "warranty": {"months": draw(st.integers(0, 24))}})
    records = Records.from_lists(
        call_log=calls, repair_ledger=orders, parts_used=parts, staff=STAFF, stores=STORES
    )
    return records, policy


MONEY_KEYS = ("customer_charge", "company_cost", "amount_paid", "balance_due")


def _figures(group: Any) -> tuple[Any, ...]:
    return (group.orders, group.free_orders, *(getattr(group, k) for k in MONEY_KEYS))


def _summed(groups: list[Any]) -> tuple[Any, ...]:
    return (
        sum(g.orders for g in groups),
        sum(g.free_orders for g in groups),
        *(sum((getattr(g, k) for g in groups), ZERO) for k in MONEY_KEYS),
    )


@FAST
@given(settlement_books())
def test_settlement_lines_add_up(book: tuple[Records, Policy]) -> None:
    records, policy = book
    settled = compute_settlement(records, policy, date(2026, 10, 1), date(2026, 11, 1))
    orders = settled.orders
    cents = Decimal("0.01")
    for bill in orders:
        assert bill.customer_charge == bill.labour + bill.customer_parts + bill.customer_shipping
        assert bill.balance_due == bill.customer_charge - bill.amount_paid
        assert bill.company_cost == (bill.parts if bill.free else ZERO) + bill.company_shipping
        for key in ("customer_charge", "company_cost", "balance_due"):
            value = getattr(bill, key)
            assert value == value.quantize(cents), (key, value)  # each line is in cents
        assert bill.customer_shipping >= 0 and bill.company_shipping >= 0
    assert _figures(settled.totals) == (
        len(orders),
        sum(o.free for o in orders),
        *(sum((getattr(o, k) for o in orders), ZERO) for k in MONEY_KEYS),
    )
    assert _summed(settled.stores) == _figures(settled.totals)
    assert _summed(settled.technicians) == _figures(settled.totals)
    # every completed order in October is there exactly once
    expected = sorted(
        o.get("order_id")
        for o in records["repair_ledger"]
        if o.get("status") == "completed" and o.get("completed_at").month == 10
    )
    assert sorted(o.order_id for o in orders) == expected


# ------------------------------------------------------------------ (c) SLA and as-of

START = datetime(2026, 9, 1)
FIRST_AS_OF = datetime(2026, 11, 1, 0, 0)


def _maybe_after(draw: st.DrawFn, start: datetime, max_hours: int = 24 * 12) -> datetime | None:
    """None (not done) or a moment after ``start``, always before the first as-of moment."""
    if draw(st.booleans()):
        return None
    moment = start + timedelta(minutes=draw(st.integers(0, max_hours * 60)))
    return min(moment, FIRST_AS_OF - timedelta(minutes=1))


@st.composite
def sla_books(draw: st.DrawFn) -> tuple[Records, Policy]:
    calls, orders, complaints, callbacks = [], [], [], []
    starts = st.datetimes(min_value=START, max_value=datetime(2026, 10, 25))
    for n in range(draw(st.integers(1, 8))):
        call_time = draw(starts)
        calls.append(
            {
                "call_id": f"C{n}",
                "call_time": call_time,
                "fault_level": draw(st.integers(1, 4)),
                "urgent": draw(st.booleans()),
                "taken_by": "A1",
                "first_response_at": _maybe_after(draw, call_time, 6),
            }
        )
        dispatched = _maybe_after(draw, call_time, 48)
        accepted = dispatched and _maybe_after(draw, dispatched, 6)
        completed = accepted and _maybe_after(draw, accepted)
        wait_from = accepted and draw(st.booleans()) and _maybe_after(draw, accepted, 48)
        orders.append(
            {
                "order_id": f"W{n}",
                "call_id": f"C{n}",
                "technician_id": "T1",
                "service_mode": draw(st.sampled_from(["onsite", "walk_in", "mail_in"])),
                "status": draw(st.sampled_from(["completed", "in_progress", "cancelled"])),
                "complex": draw(st.booleans()),
                "dispatched_at": dispatched,
                "accepted_at": accepted,
                "arrived_at": dispatched and _maybe_after(draw, dispatched, 96),
                "completed_at": completed,
                "parts_wait_from": wait_from or None,
                "parts_wait_to": (wait_from or None) and _maybe_after(draw, wait_from, 96),
            }
        )
        if completed is not None and draw(st.booleans()):
            called = _maybe_after(draw, completed, 24 * 6)
            if called is not None:
                callbacks.append({"order_id": f"W{n}", "called_at": called, "staff_id": "A1"})
    for n in range(draw(st.integers(0, 3))):
        received = draw(starts)
        complaints.append(
            {
                "complaint_id": f"K{n}",
                "received_at": received,
                "handled_by": "A1",
                "first_feedback_at": _maybe_after(draw, received, 72),
            }
        )
    sla = {"hours_basis": draw(st.sampled_from(["calendar", "business"]))}
    records = Records.from_lists(
        call_log=calls, repair_ledger=orders, complaints=complaints, callbacks=callbacks
    )
    return records, policy_from_dict({"sla": sla})


def _closed(breaches: list[Breach]) -> dict[tuple[str, str, int], tuple[Any, ...]]:
    return {
        (b.rule, b.sheet, b.row): (b.deadline, b.actual, b.late_hours, b.staff_id, b.open)
        for b in breaches
        if b.actual is not None
    }


@settings(FAST, max_examples=examples(40))
@given(sla_books(), st.integers(1, 24 * 90 * 60))
def test_later_as_of_never_changes_a_closed_breach(
    book: tuple[Records, Policy], later_minutes: int
) -> None:
    records, policy = book
    first = compute_sla(records, policy, FIRST_AS_OF)
    later = compute_sla(records, policy, FIRST_AS_OF + timedelta(minutes=later_minutes))
    closed_first, closed_later = _closed(first.breaches), _closed(later.breaches)
    assert closed_later == closed_first
    # and every deadline that was met stays met
    met = {(d.rule, d.sheet, d.row, d.deadline) for d in first.deadlines if d.outcome == "met"}
    assert met <= {(d.rule, d.sheet, d.row, d.deadline) for d in later.deadlines}
