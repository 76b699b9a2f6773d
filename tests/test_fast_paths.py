"""The fast paths give what the plain ones give (issue 18), over random books and policies.

- ``compute_sla(..., explain=month)`` builds only the month's breaches: the month's breaches,
  their explanations and every judged deadline are those of the plain ``compute_sla``.
- ``compute_penalties`` given that result counts the months before as per-person totals: the
  statement is the one it makes from every breach of every month (a list of ``Breach``).
"""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st
from test_compute_properties import FAST, FIRST_AS_OF, money, sla_books

from svctools.compute.penalties import compute_penalties
from svctools.compute.sla import compute_sla
from svctools.core.policy import Policy, policy_from_dict
from svctools.core.records import Records

MONTHS = [date(2026, m, 1) for m in (8, 9, 10, 11)]


def _next(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


@st.composite
def staffed_books(draw: st.DrawFn) -> tuple[Records, Policy]:
    """sla_books with a staff sheet (wages, small caps) so that penalties carry over."""
    records, policy = draw(sla_books())
    sheets = {key: [r.as_dict() for r in data.records] for key, data in records.sheets.items()}
    sheets["staff"] = [
        {"staff_id": sid, "name": sid, "monthly_wage": draw(st.none() | money(3000, 0))}
        for sid in ("A1", "T1")
    ]
    penalties = {
        "cap_ratio": str(draw(money(1, 2))),
        "minimum_wage": str(draw(money(2500, 0))),
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
@given(staffed_books(), st.sampled_from(MONTHS[1:]))
def test_one_result_serves_two_months_as_a_report_asks(
    book: tuple[Records, Policy], first: date
) -> None:
    """The report asks penalties of a month and the month before from one SlaResult (its breach
    counts made once): each month's statement is the plain one."""
    records, policy = book
    before = MONTHS[MONTHS.index(first) - 1]
    plain = compute_sla(records, policy, FIRST_AS_OF)
    fast = compute_sla(records, policy, FIRST_AS_OF, explain=(before, _next(first)))
    for month in (first, before):
        expected = compute_penalties(records, plain.breaches, policy, month).to_dict("en")
        assert compute_penalties(records, fast, policy, month).to_dict("en") == expected
