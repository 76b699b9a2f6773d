"""The fast paths give what the plain ones give (issue 18), over random books and policies.

- ``compute_sla(..., explain=month)`` builds only the month's breaches: the month's breaches,
  their explanations and every judged deadline are those of the plain ``compute_sla``.
- ``compute_penalties`` given that result counts the months before as per-person totals: the
  statement is the one it makes from every breach of every month (a list of ``Breach``).
- ``compute_sla(..., steps=False)`` builds the breaches without what was counted (the report):
  the same breaches; ``month_deducted`` (the report's month before) is the statement's total.
- ``WorkCalendar.working_time`` sums whole days once: the day-by-day walk's figure.
- faults' model per order, taken a column at a time, is the record-by-record one.
- the report's orders open at its two month ends, counted in one pass, are the per-month counts.
- the report's first-time-fix repeats cut from the warranty's are those of a search of their own.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from test_compute_properties import FAST, FIRST_AS_OF, money, settlement_books, sla_books

from svctools.compute.faults import _models_of_orders
from svctools.compute.penalties import compute_penalties, month_deducted
from svctools.compute.report import FTTR_WINDOW_DAYS, _fttr_repeats, _open_at
from svctools.compute.settlement import _repeat_repairs
from svctools.compute.sla import compute_sla
from svctools.compute.workcal import WorkCalendar
from svctools.core.policy import Policy, policy_from_dict
from svctools.core.records import Records

MONTHS = [date(2026, m, 1) for m in (8, 9, 10, 11)]


def _next(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


@st.composite
def staffed_books(draw: st.DrawFn, tight: bool = False) -> tuple[Records, Policy]:
    """sla_books with a staff sheet (wages, small caps) so that penalties carry over;
    ``tight``: a cap of at most 150.00 (wage 3000, minimum wage 2850 or more), so that most
    books carry a month's excess over into the next."""
    records, policy = draw(sla_books())
    sheets = {key: [r.as_dict() for r in data.records] for key, data in records.sheets.items()}
    wages = st.just(Decimal(3000)) if tight else st.none() | money(3000, 0)
    sheets["staff"] = [
        {"staff_id": sid, "name": sid, "monthly_wage": draw(wages)} for sid in ("A1", "T1")
    ]
    minimum = draw(st.integers(2850, 3000)) if tight else draw(money(2500, 0))
    penalties = {
        "cap_ratio": str(draw(money(1, 2))),
        "minimum_wage": str(minimum),
        "late_response": str(draw(money(300))),
        "overdue_repair": str(draw(money(300))),
    }
    raw = {"sla": {"hours_basis": policy.sla.hours_basis}, "penalties": penalties}
    return Records.from_lists(**sheets), policy_from_dict(raw)


@FAST
@given(sla_books(), st.sampled_from(MONTHS))
def test_a_months_breaches_are_the_plain_ones(book: tuple[Records, Policy], first: date) -> None:
    records, policy = book
    window = (first, _next(first))
    plain = compute_sla(records, policy, FIRST_AS_OF)
    fast = compute_sla(records, policy, FIRST_AS_OF, explain=window)
    assert fast.filter_month(*window).to_dict(explain=True) == plain.filter_month(*window).to_dict(
        explain=True
    )
    assert sorted(fast.judged) == sorted(plain.judged)
    assert fast.filter_month(*window).deadlines == plain.filter_month(*window).deadlines


@FAST
@given(staffed_books(), st.sampled_from(MONTHS))
def test_penalties_from_a_months_breaches_are_the_plain_ones(
    book: tuple[Records, Policy], first: date
) -> None:
    records, policy = book
    plain = compute_sla(records, policy, FIRST_AS_OF)
    fast = compute_sla(records, policy, FIRST_AS_OF, explain=(first, _next(first)))
    expected = compute_penalties(records, plain.breaches, policy, first).to_dict("en")
    assert compute_penalties(records, fast, policy, first).to_dict("en") == expected


@FAST
@given(sla_books(), st.sampled_from(MONTHS))
def test_breaches_without_steps_are_the_plain_ones(
    book: tuple[Records, Policy], first: date
) -> None:
    """``steps=False`` (the report) leaves each breach's ``explain`` empty and nothing else."""
    records, policy = book
    window = (first, _next(first))
    plain = compute_sla(records, policy, FIRST_AS_OF, explain=window)
    fast = compute_sla(records, policy, FIRST_AS_OF, explain=window, steps=False)
    assert fast.to_dict() == plain.to_dict()  # every field but the steps
    assert [b.start for b in fast.breaches] == [b.start for b in plain.breaches]
    assert all(b.explain == [] for b in fast.breaches)
    assert fast.judged == plain.judged


@FAST
@given(staffed_books() | staffed_books(tight=True), st.sampled_from(MONTHS[1:]))
def test_one_result_serves_two_months_as_a_report_asks(
    book: tuple[Records, Policy], first: date
) -> None:
    """The report builds only its month's breaches (without steps): that month's statement is
    the plain one, and the month before's total deducted (``month_deducted``, from breach
    counts alone) is the plain statement's."""
    records, policy = book
    before = MONTHS[MONTHS.index(first) - 1]
    plain = compute_sla(records, policy, FIRST_AS_OF)
    fast = compute_sla(records, policy, FIRST_AS_OF, explain=(first, _next(first)), steps=False)
    expected = compute_penalties(records, plain.breaches, policy, first).to_dict("en")
    assert compute_penalties(records, fast, policy, first).to_dict("en") == expected
    for month in (first, before):
        statement = compute_penalties(records, plain.breaches, policy, month)
        total = sum((s.deducted for s in statement.staff), Decimal(0))
        assert month_deducted(records, fast, policy, month) == total


def _plain_working_time(calendar: WorkCalendar, start: datetime, end: datetime) -> timedelta:
    """working_time as first written: every day from start's to end's, window by window."""
    total = timedelta(0)
    d = start.date()
    while d <= end.date():
        for a, b in calendar._windows_of(d):
            overlap = min(b, end) - max(a, start)
            if overlap > timedelta(0):
                total += overlap
        d += timedelta(days=1)
    return total


_MOMENTS = st.datetimes(min_value=datetime(2025, 12, 1), max_value=datetime(2027, 2, 1))
_HOURS = st.sampled_from(
    [[["09:00", "12:00"], ["13:30", "18:00"]], [["08:00", "17:00"]], [["00:00", "23:59"]]]
)


@FAST
@given(
    _HOURS,
    st.lists(st.dates(date(2026, 1, 1), date(2026, 12, 31)), max_size=5),
    st.lists(st.tuples(_MOMENTS, _MOMENTS), min_size=1, max_size=12),
)
def test_working_time_sums_whole_days_as_the_day_by_day_walk(
    hours: list[list[str]], holidays: list[date], spans: list[tuple[datetime, datetime]]
) -> None:
    """The whole days' sums (made from the first day asked, then later and earlier ones) give
    what walking every day gives, in any order of questions, end before start included."""
    raw = {"working_hours": hours, "extra_holidays": [d.isoformat() for d in holidays]}
    calendar = WorkCalendar.from_policy(policy_from_dict({"calendar": raw}).calendar)
    plain = WorkCalendar.from_policy(policy_from_dict({"calendar": raw}).calendar)
    for start, end in spans:
        assert calendar.working_time(start, end) == _plain_working_time(plain, start, end)


def _plain_models(records: Records) -> dict[Any, str | None]:
    """faults' model per order as first written: order by order, through Records.index."""
    calls = records.index("call_log", "call_id")
    found: dict[Any, str | None] = {}
    for order in records["repair_ledger"]:
        call = calls.get(order.get("call_id"))
        model = call.get("product_model") if call is not None else None
        found.setdefault(order.get("order_id"), str(model).strip() if model else None)
    return found


_IDS = st.none() | st.sampled_from(["C1", "C2", "C3", "W1", "W2"])


@FAST
@given(
    st.lists(st.tuples(_IDS, st.none() | st.sampled_from(["", " X1 ", "X1", "Y2", 7])), max_size=6),
    st.lists(st.tuples(_IDS, _IDS), max_size=8),
)
def test_models_of_orders_by_columns_are_the_plain_ones(
    calls: list[tuple[Any, Any]], orders: list[tuple[Any, Any]]
) -> None:
    """Repeated and blank ids, blank and untidy models: the first call and order of an id win."""
    records = Records.from_lists(
        call_log=[{"call_id": c, "product_model": m} for c, m in calls],
        repair_ledger=[{"order_id": o, "call_id": c} for o, c in orders],
    )
    assert _models_of_orders(records) == _plain_models(records)


def _plain_open_at_end(
    opened: list[datetime | None], status: list[Any], completed: list[Any], stop: date
) -> int:
    """The report's orders open at a month's end as first written, one month at a time."""
    count = 0
    for start, state, done in zip(opened, status, completed, strict=True):
        if start is None or start.date() >= stop or state == "cancelled":
            continue
        end = done if state == "completed" else None
        if end is None or end.date() >= stop:
            count += 1
    return count


_LEDGER_MOMENTS = st.none() | st.datetimes(datetime(2026, 8, 1), datetime(2026, 12, 31))


@FAST
@given(
    st.lists(
        st.tuples(
            _LEDGER_MOMENTS,
            st.sampled_from(["completed", "cancelled", "in_progress", None]),
            _LEDGER_MOMENTS,
        ),
        max_size=12,
    ),
    st.sampled_from(MONTHS),
)
def test_orders_open_at_both_month_ends_in_one_pass(
    orders: list[tuple[Any, Any, Any]], first: date
) -> None:
    """The report counts the orders open at its month's end and the month before's together."""
    opened, status, completed = ([o[i] for o in orders] for i in range(3))
    stops = (first, _next(first))
    assert _open_at(stops, opened, status, completed) == {
        stop: _plain_open_at_end(opened, status, completed, stop) for stop in stops
    }


@FAST
@given(settlement_books(), st.integers(0, 120))
def test_first_time_fix_repeats_from_the_warrantys_are_the_searched_ones(
    book: tuple[Records, Policy], days: int
) -> None:
    """The report's 30-day repeats cut from the repair warranty's (any warranty length)."""
    records, policy = book
    warranty = policy.warranty.model_copy(update={"repair_warranty_days": days})
    policy = policy.model_copy(update={"warranty": warranty})
    window = policy.warranty.model_copy(update={"repair_warranty_days": FTTR_WINDOW_DAYS})
    searched = _repeat_repairs(records, policy.model_copy(update={"warranty": window}))
    assert _fttr_repeats(records, policy) == searched


@FAST
@given(sla_books())
def test_columns_kept_are_the_columns_taken_afresh(book: tuple[Records, Policy]) -> None:
    """While a report runs each column is taken once and shared: the same values, let go
    after; a sheet that grows is taken again."""
    records, _ = book
    keys = ("call_id", "call_time", "product_model")  # the last one no sheet has: all blank
    afresh = [records.column("call_log", key) for key in keys]
    with records.columns_kept():
        kept = [records.column("call_log", key) for key in keys]
        assert kept == afresh and records.column("call_log", "call_id") is kept[0]
        assert records.column("no_such_sheet", "call_id") == []
        records.sheets["call_log"].records.append(records["call_log"][0])
        assert len(records.column("call_log", "call_id")) == len(afresh[0]) + 1
    assert records.kept is None
