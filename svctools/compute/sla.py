"""SLA breaches (SPEC §4.1): every service standard the firm set, checked row by row.

A pure function of records, policy and an as-of moment; the result's ``to_dict()`` is the JSON of
``sla --format json`` and ``render_text`` is the clerk's table. Each breach carries what was counted
to reach its deadline (hour windows, working days, skipped days, parts-wait days) so that
``sla --explain`` lets the clerk check the number by hand.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from operator import attrgetter, itemgetter
from typing import Any, NamedTuple

from svctools.compute.computing import collection_paused, first_by, record_columns, sheet_columns
from svctools.compute.workcal import (
    Counted,
    WorkCalendar,
    hours_delta,
)
from svctools.core.clock import iso
from svctools.core.messages import ZH, Msg, template
from svctools.core.policy import Policy
from svctools.core.records import Record, Records

RULES = (
    "late_response",
    "late_acceptance",
    "late_arrival",
    "overdue_repair",
    "late_complaint_feedback",
    "late_callback",
)

RULE_NAMES_ZH: dict[str, str] = {rule: template(f"rule.{rule}", ZH) for rule in RULES}

# Units of a limit: hour limits follow hours_basis, repairs count working days, callbacks days.
HOURS, BUSINESS_HOURS, WORKING_DAYS, DAYS = "hours", "business_hours", "working_days", "days"

_HUNDREDTH = Decimal("0.01")
_SECONDS_PER_HOUR = Decimal(3600)


@dataclass(frozen=True)
class Breach:
    """One broken service standard: the rule, the record it came from and the numbers used."""

    rule: str  # late_response | late_acceptance | late_arrival | overdue_repair | ...
    sheet: str  # sheet key of the source record (call_log, repair_ledger, complaints)
    row: int  # Excel row of the source record
    record: str  # the record's id: call_id, order_id or complaint_id
    staff_id: str | None  # the responsible person
    deadline: datetime
    actual: datetime | None  # None = still not done (an open breach)
    late_hours: Decimal  # two decimals; for an open breach, up to the as-of moment
    open: bool
    explain: list[Any] = field(default_factory=list, compare=False)
    start: datetime | None = None  # when the clock started (call_time, dispatched_at, ...)
    limit: Decimal | None = None  # the limit applied, in ``unit``
    unit: str = ""  # hours | business_hours | working_days | days


def late_hours(deadline: datetime, end: datetime) -> Decimal:
    """Hours from the deadline to ``end``, two decimals, half-up (elapsed clock hours)."""
    delta = end - deadline
    seconds = Decimal(delta.days * 86400 + delta.seconds) + Decimal(delta.microseconds) / 10**6
    return (seconds / _SECONDS_PER_HOUR).quantize(_HUNDREDTH, rounding=ROUND_HALF_UP)


MET, BREACHED, PENDING = "met", "breached", "pending"


class Deadline(NamedTuple):
    """One deadline a rule set, whatever came of it: compliance rates need the met ones too.

    ``outcome`` is ``met`` (done by the deadline), ``breached`` (done late, or not done and the
    as-of moment is past it; exactly the deadlines that are in ``breaches``) or ``pending`` (not
    done and not yet due). A named tuple: a book has hundreds of thousands of them, and a tuple
    is made five times faster than a frozen dataclass.
    """

    rule: str
    sheet: str
    row: int
    record: str
    staff_id: str | None
    deadline: datetime
    actual: datetime | None
    outcome: str  # MET | BREACHED | PENDING


# Breached deadlines per (responsible person, rule, first day of the deadline's month).
BreachCounts = dict[tuple[str, str, date], int]


def count_breaches(breached: Iterable[Breach | Deadline]) -> BreachCounts:
    """``BreachCounts`` of breaches (or breached deadlines); one without a person counts nowhere."""
    months: dict[tuple[str, str, int], int] = {}
    for b in breached:
        if b.staff_id:
            key = (b.staff_id, b.rule, b.deadline.year * 12 + b.deadline.month - 1)
            months[key] = months.get(key, 0) + 1
    return {(s, r, date(m // 12, m % 12 + 1, 1)): n for (s, r, m), n in months.items()}


# tuple.__new__(Deadline, fields): a Deadline without the generated __new__'s Python call.
_tuple_new = tuple.__new__
# (deadline, rule, record, row): the order of ``deadlines`` and ``breaches``.
_DEADLINE_ORDER = itemgetter(5, 0, 3, 2)
_BREACH_ORDER = attrgetter("deadline", "rule", "record", "row")


@dataclass
class SlaResult:
    """The breaches found, in (deadline, rule, record) order, and the calendar's warnings.

    ``deadlines`` holds every deadline evaluated (met, breached or pending), in the same order.
    They are put in order (and narrowed to the month) only when first asked for: ``report``
    reads them, ``sla`` and ``penalties`` never do, and sorting 460,000 of them took 0.4 s.

    ``explained`` (first day, stop day): when set, ``breaches`` holds only the breaches whose
    deadline falls in it (``compute_sla(..., explain=...)``): the others are in ``judged``
    (outcome ``breached``) without explanation or late hours, which is all the months before
    need (penalties' carry-over counts them).
    """

    breaches: list[Breach] = field(default_factory=list)
    warnings: list[Msg] = field(default_factory=list)
    as_of: datetime | None = None
    judged: list[Deadline] = field(default_factory=list, compare=False, repr=False)  # any order
    window: tuple[date, date] | None = field(default=None, compare=False, repr=False)
    explained: tuple[date, date] | None = field(default=None, compare=False, repr=False)
    _deadlines: list[Deadline] | None = field(default=None, init=False, compare=False, repr=False)
    _counts: BreachCounts | None = field(default=None, init=False, compare=False, repr=False)

    @property
    def deadlines(self) -> list[Deadline]:
        """``judged`` within ``window`` (first day, next month's first day), in order."""
        if self._deadlines is None:
            due = self.judged
            if self.window is not None:
                first_day, next_first_day = self.window
                due = [d for d in due if first_day <= d.deadline.date() < next_first_day]
            self._deadlines = sorted(due, key=_DEADLINE_ORDER)
        return self._deadlines

    def filter_month(self, first_day: date, next_first_day: date) -> SlaResult:
        """The breaches whose deadline falls in [first_day, next_first_day) (``sla --month``)."""
        self.check_explained(first_day, next_first_day)
        kept = [b for b in self.breaches if first_day <= b.deadline.date() < next_first_day]
        if self.window is not None:  # narrowed twice: the days in both
            first_day = max(first_day, self.window[0])
            next_first_day = min(next_first_day, self.window[1])
        window = (first_day, next_first_day)
        return replace(self, breaches=kept, warnings=list(self.warnings), window=window)

    def check_explained(self, first_day: date, next_first_day: date) -> None:
        """Every breach of [first_day, next_first_day) is in ``breaches`` (a programming error
        otherwise: the result was computed for other months)."""
        if self.explained is not None and not (
            self.explained[0] <= first_day and next_first_day <= self.explained[1]
        ):
            raise ValueError(f"breaches of {first_day}..{next_first_day} were not explained")

    def breach_counts(self) -> BreachCounts:
        """Every month's breached deadlines, counted (penalties' carry-over), made once."""
        if self._counts is None:
            self._counts = count_breaches(d for d in self.judged if d.outcome == BREACHED)
        return self._counts

    def to_dict(
        self, sheet_names: dict[str, str] | None = None, explain: bool = False, lang: str = "zh"
    ) -> dict[str, Any]:
        """SPEC §6's JSON; ``sheet_names`` maps sheet keys to the names used in the book;
        warnings in ``lang``, as penalties' are."""
        names = sheet_names or {}
        return {
            "breaches": [_breach_dict(b, names, explain) for b in self.breaches],
            "warnings": self.warning_texts(lang),
        }

    def warning_texts(self, lang: str = "zh") -> list[str]:
        return [w.text(lang) for w in self.warnings]


def _breach_dict(breach: Breach, names: dict[str, str], explain: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "rule": breach.rule,
        "sheet": names.get(breach.sheet, breach.sheet),
        "row": breach.row,
        "record": breach.record,
        "staff_id": breach.staff_id,
        "deadline": iso(breach.deadline),
        "actual": iso(breach.actual),
        "late_hours": format(breach.late_hours, "f"),
        "open": breach.open,
        "start": iso(breach.start),
        "limit": number_text(breach.limit),
        "unit": breach.unit,
    }
    if explain:
        out["explain"] = list(breach.explain)
    return out


def number_text(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


# -- computing ---------------------------------------------------------------------------------


@dataclass
class _Context:
    """What every rule needs, looked up once per run rather than once per row.

    Every row needs only its deadline; what was counted to reach it (a ``Counted``, the
    explanation) is worked out again for the few deadlines that are breached.
    """

    policy: Policy
    as_of: datetime
    cal: WorkCalendar
    explain: tuple[date, date] | None = None  # only breaches with a deadline in it are built
    steps: bool = True  # each breach with what was counted to reach it (``sla --explain``)
    deadlines: list[Deadline] = field(default_factory=list)
    breaches: list[Breach] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.sla = self.policy.sla
        self.basis = self.sla.hours_basis
        self.hours_unit = BUSINESS_HOURS if self.basis == "business" else HOURS
        self.callback_span = timedelta(days=self.sla.callback_days)

    def wanted(self, judged: Deadline) -> bool:
        """A breach to build: breached, and in the explained window (if there is one)."""
        if judged.outcome != BREACHED:
            return False
        if self.explain is None:
            return True
        return self.explain[0] <= judged.deadline.date() < self.explain[1]

    def add_hours(self, start: datetime, hours: Decimal) -> Counted:
        return self.cal.add_hours(start, hours, self.basis)

    def hours_deadline(self, start: datetime, hours: Decimal) -> datetime:
        """``add_hours(start, hours).deadline``, without building what was counted."""
        if self.basis == "calendar":
            return start + hours_delta(hours)
        return self.add_hours(start, hours).deadline

    def judge(
        self,
        rule: str,
        source: Record,
        record_id: Any,
        staff_id: Any,
        deadline: datetime,
        actual: datetime | None,
    ) -> Deadline:
        """The deadline's outcome, kept in ``deadlines``: breached when done after it, or not
        done and the as-of moment is past it."""
        if actual is not None:
            outcome = MET if actual <= deadline else BREACHED
        else:
            outcome = BREACHED if self.as_of > deadline else PENDING
        record = "" if record_id is None else str(record_id)
        staff = None if staff_id is None else str(staff_id)
        judged = _tuple_new(
            Deadline, (rule, source.sheet, source.row, record, staff, deadline, actual, outcome)
        )
        self.deadlines.append(judged)
        return judged

    def judge_hours(
        self,
        rule: str,
        source: Record,
        record_id: Any,
        staff_id: Any,
        start: datetime,
        hours: Decimal,
        actual: datetime | None,
    ) -> None:
        """A rule of ``hours`` from ``start`` (response, acceptance, arrival, complaint
        feedback): judged, and explained only when breached."""
        judged = self.judge(
            rule, source, record_id, staff_id, self.hours_deadline(start, hours), actual
        )
        if self.wanted(judged):
            steps = _explain(self.add_hours(start, hours)) if self.steps else []
            self.breach(judged, start, (hours, self.hours_unit), steps)

    def breach(
        self, judged: Deadline, start: datetime, limit: tuple[Decimal, str], steps: list[Any]
    ) -> None:
        """A breached deadline with the numbers used and what was counted to reach it
        (``steps``: empty when the steps are not wanted)."""
        actual = judged.actual
        self.breaches.append(
            Breach(
                rule=judged.rule,
                sheet=judged.sheet,
                row=judged.row,
                record=judged.record,
                staff_id=judged.staff_id,
                deadline=judged.deadline,
                actual=actual,
                late_hours=late_hours(judged.deadline, self.as_of if actual is None else actual),
                open=actual is None,
                explain=steps,
                start=start,
                limit=limit[0],
                unit=limit[1],
            )
        )


def compute_sla(
    records: Records,
    policy: Policy,
    as_of: datetime,
    calendar: WorkCalendar | None = None,
    explain: tuple[date, date] | None = None,
    steps: bool = True,
) -> SlaResult:
    """Every SLA breach of SPEC §4.1 in the book, judged at the ``as_of`` moment.

    ``explain`` (first day, stop day): build the breaches of those days only (``sla --month``,
    a month's penalties): explaining and sorting the whole year's breaches was most of the
    time on a breach-heavy book. Every deadline is still judged (``judged``).
    ``steps=False``: each breach's ``explain`` stays empty (what was counted, worked out again
    per breach, is shown only by ``sla --explain``; the report never shows it)."""
    cal = calendar if calendar is not None else WorkCalendar.from_policy(policy.calendar)
    ctx = _Context(policy, as_of, cal, explain, steps)
    with collection_paused():
        _judge_all(records, ctx)
    breaches = sorted(ctx.breaches, key=_BREACH_ORDER)
    warnings = list(cal.warnings)
    if records.has("repair_ledger") and not records.has("callbacks"):
        warnings.append(Msg("sla.no_callbacks"))
    return SlaResult(
        breaches=breaches, warnings=warnings, as_of=as_of, judged=ctx.deadlines, explained=explain
    )


# The columns the rules read, in the order the loops below unpack them; what the order rules
# need of an order's call is looked up by call_id (_CALL_FACTS).
_CALL_FACTS = ("call_time", "fault_level", "urgent", "taken_by")
_CallFacts = tuple[datetime | None, Any, Any, Any]
_CALL_KEYS = ("call_time", "fault_level", "first_response_at", "call_id", "taken_by")
_ORDER_KEYS = (
    "status",
    "order_id",
    "technician_id",
    "call_id",
    "dispatched_at",
    "accepted_at",
    "service_mode",
    "arrived_at",
    "completed_at",
    "complex",
    "parts_wait_from",
    "parts_wait_to",
)
_COMPLAINT_KEYS = ("received_at", "complaint_id", "handled_by", "first_feedback_at")


def _call_facts(records: Records) -> dict[Any, _CallFacts]:
    """Per call_id, the first call's facts (as ``Records.index`` picks the record)."""
    ids, *facts = sheet_columns(records, "call_log", "call_id", *_CALL_FACTS)
    return first_by(ids, list(zip(*facts, strict=True)))


def _judge_all(records: Records, ctx: _Context) -> None:
    taken = record_columns(records, "call_log", *_CALL_KEYS)
    for call, start, level, actual, call_id, taken_by in taken:
        _late_response(ctx, call, start, level, actual, call_id, taken_by)
    calls = _call_facts(records)
    first_callback = _first_callbacks(records)
    check_callbacks = records.has("callbacks")
    for (
        order,
        status,
        order_id,
        staff,
        call_id,
        dispatched,
        accepted,
        mode,
        arrived,
        completed,
        complex_repair,
        wait_from,
        wait_to,
    ) in record_columns(records, "repair_ledger", *_ORDER_KEYS):
        if status == "cancelled":
            continue  # no deadlines of its own; the call's late_response still counts
        call_time, level, urgent, taken_by = calls.get(call_id) or (None, None, None, None)
        if dispatched is not None:
            _late_acceptance(ctx, order, order_id, staff, dispatched, accepted, bool(urgent))
        if mode == "onsite" and call_time is not None and level is not None:
            _late_arrival(ctx, order, order_id, staff, call_time, level, arrived)
        if accepted is not None:
            days = ctx.sla.repair_days_complex if complex_repair else ctx.sla.repair_days
            _overdue_repair(
                ctx, order, order_id, staff, accepted, days, completed, wait_from, wait_to
            )
        if check_callbacks and completed is not None:
            _late_callback(ctx, order, order_id, taken_by, completed, first_callback)
    complaints = record_columns(records, "complaints", *_COMPLAINT_KEYS)
    for complaint, start, complaint_id, handled_by, actual in complaints:
        if start is not None:
            _late_complaint_feedback(ctx, complaint, start, complaint_id, handled_by, actual)


def _first_callbacks(records: Records) -> dict[Any, datetime]:
    """The earliest callback per order."""
    first: dict[Any, datetime] = {}
    for _, order_id, called_at in record_columns(records, "callbacks", "order_id", "called_at"):
        if order_id is None or called_at is None:
            continue
        if order_id not in first or called_at < first[order_id]:
            first[order_id] = called_at
    return first


def _explain(counted: Counted) -> list[dict[str, Any]]:
    """What was counted, as JSON-ready steps (also what the text renderer reads)."""
    steps: list[dict[str, Any]] = [
        {"kind": "window", "start": iso(a), "end": iso(b)} for a, b in counted.windows
    ]
    if not counted.windows:
        steps += [{"kind": "day", **d.to_dict()} for d in counted.days]
    steps += [{"kind": "skipped", **d.to_dict()} for d in counted.skipped]
    return steps


def _late_response(
    ctx: _Context,
    call: Record,
    start: datetime | None,
    level: Any,
    actual: datetime | None,
    call_id: Any,
    taken_by: Any,
) -> None:
    hours = ctx.sla.response_hours.get(level) if level is not None else None
    if start is None or hours is None:
        return
    ctx.judge_hours("late_response", call, call_id, taken_by, start, hours, actual)


def _late_acceptance(
    ctx: _Context,
    order: Record,
    order_id: Any,
    staff: Any,
    start: datetime,
    actual: datetime | None,
    urgent: bool,
) -> None:
    hours = ctx.sla.accept_hours_urgent if urgent else ctx.sla.accept_hours
    ctx.judge_hours("late_acceptance", order, order_id, staff, start, hours, actual)


def _late_arrival(
    ctx: _Context,
    order: Record,
    order_id: Any,
    staff: Any,
    call_time: datetime,
    level: Any,
    actual: datetime | None,
) -> None:
    """On-site orders: from the call to the technician's arrival, by the call's fault level."""
    hours = ctx.sla.onsite_hours.get(level)
    if hours is None:
        return
    ctx.judge_hours("late_arrival", order, order_id, staff, call_time, hours, actual)


def _overdue_repair(
    ctx: _Context,
    order: Record,
    order_id: Any,
    staff: Any,
    start: datetime,
    days: int,
    completed: datetime | None,
    wait_from: datetime | None,
    wait_to: datetime | None,
) -> None:
    """Working days from acceptance, moved later by the working days spent waiting for parts."""
    paused: list[date] = []
    if wait_from is not None:
        if wait_to is None:
            if completed is None:
                return  # still waiting for parts: the deadline is held open
            wait_to = completed  # the wait cannot outlast the repair itself
        paused = ctx.cal.working_days(wait_from.date(), wait_to.date())
    deadline = ctx.cal.workday_deadline(start, days + len(paused))
    judged = ctx.judge("overdue_repair", order, order_id, staff, deadline, completed)
    if not ctx.wanted(judged):
        return
    steps: list[dict[str, Any]] = []
    if ctx.steps:
        steps = _explain(ctx.cal.add_workdays(start, days + len(paused)))
        if wait_from is not None:
            steps.append({"kind": "wait", "start": iso(wait_from), "end": iso(wait_to)})
            steps += [{"kind": "paused", "date": d.isoformat()} for d in paused]
    ctx.breach(judged, start, (Decimal(days + len(paused)), WORKING_DAYS), steps)


def _late_complaint_feedback(
    ctx: _Context,
    complaint: Record,
    start: datetime,
    complaint_id: Any,
    handled_by: Any,
    actual: datetime | None,
) -> None:
    hours = ctx.sla.complaint_feedback_hours
    ctx.judge_hours(
        "late_complaint_feedback", complaint, complaint_id, handled_by, start, hours, actual
    )


def _late_callback(
    ctx: _Context,
    order: Record,
    order_id: Any,
    taken_by: Any,
    completed: datetime,
    first_callback: dict[Any, datetime],
) -> None:
    """Calendar days from completion to the first callback; the agent who took the call pays."""
    deadline = completed + ctx.callback_span
    actual = first_callback.get(order_id)
    judged = ctx.judge("late_callback", order, order_id, taken_by, deadline, actual)
    if ctx.wanted(judged):
        counted = Counted(completed, deadline, windows=((completed, deadline),))
        steps = _explain(counted) if ctx.steps else []
        ctx.breach(judged, completed, (Decimal(ctx.sla.callback_days), DAYS), steps)


# -- text --------------------------------------------------------------------------------------
