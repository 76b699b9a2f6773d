"""The monthly report's figures (SPEC §1.6): KPIs of a month beside the month before, the
complaint summary (月度用户投诉汇总统计表), callback statistics, technicians and parts.

Pure: records and policy in, a ``MonthlyReport`` out. Nothing is decided twice: breaches and
compliance come from ``sla`` (its ``deadlines``), money from ``settlement``, deductions from
``penalties``, repeat repairs from ``settlement.repeat_repairs`` and working hours from
``workcal``, so the report always agrees with ``sla``, ``penalties`` and ``settle``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from operator import attrgetter
from typing import Any

from svctools.compute.computing import first_by, sheet_columns
from svctools.compute.faults import FaultAnalysis, compute_faults
from svctools.compute.penalties import PenaltyStatement, compute_penalties, month_deducted
from svctools.compute.report_records import (
    KPIS,
    LEVELS,
    SCORES,
    CallbackSummary,
    ComplaintLine,
    ComplaintSummary,
    Compliance,
    Kpi,
    Number,
    PartRow,
    PersonComplaints,
    TechnicianRow,
    hours,
    percentile,
    rate,
    round_two,
)
from svctools.compute.settlement import RepeatRepair, Settlement, compute_settlement, repeat_repairs
from svctools.compute.sla import MET, PENDING, RULES, Deadline, SlaResult, compute_sla
from svctools.compute.stock import stock_month
from svctools.compute.stock_records import StockMonth
from svctools.compute.workcal import WorkCalendar
from svctools.core.clock import iso, month_of
from svctools.core.messages import Msg
from svctools.core.money import ZERO
from svctools.core.policy import Policy
from svctools.core.records import Record, Records

_RULE, _DEADLINE = attrgetter("rule"), attrgetter("deadline")
FTTR_WINDOW_DAYS = 30  # a repair that comes back within this many days was not fixed first time
TOP_PARTS = 10  # parts listed by quantity and by cost


@dataclass
class MonthlyReport:
    """Everything the monthly report shows; ``to_dict`` is ``report --format json``."""

    month: str
    previous_month: str
    as_of: datetime
    kpis: list[Kpi]
    daily_calls: list[tuple[date, int]]
    sla_rules: list[Compliance]
    sla_levels: list[Compliance]
    complaints: ComplaintSummary
    callbacks: CallbackSummary
    technicians: list[TechnicianRow]
    parts_by_qty: list[PartRow]
    parts_by_cost: list[PartRow]
    sla_warnings: list[Msg] = field(default_factory=list)
    penalties: PenaltyStatement | None = None
    faults: FaultAnalysis | None = None  # the 故障分析 sheet (SPEC §7.4)
    stock: StockMonth | None = None  # the 配件 sheet's stock part, when the book keeps stock

    def kpi(self, key: str) -> Kpi:
        return next(k for k in self.kpis if k.key == key)

    def warnings(self, lang: str = "zh") -> list[str]:
        extra = self.penalties.warning_texts(lang) if self.penalties is not None else []
        return list(dict.fromkeys([w.text(lang) for w in self.sla_warnings] + extra))

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        return {
            "month": self.month,
            "previous_month": self.previous_month,
            "as_of": iso(self.as_of),
            "kpis": {k.key: k.to_dict() for k in self.kpis},
            "sla": {
                "rules": [c.to_dict("rule") for c in self.sla_rules],
                "levels": [c.to_dict("fault_level") for c in self.sla_levels],
            },
            "daily_calls": [{"date": iso(d), "calls": n} for d, n in self.daily_calls],
            "complaints": self.complaints.to_dict(),
            "callbacks": self.callbacks.to_dict(),
            "technicians": [t.to_dict() for t in self.technicians],
            "parts": {
                "by_qty": [p.to_dict() for p in self.parts_by_qty],
                "by_cost": [p.to_dict() for p in self.parts_by_cost],
            },
            "warnings": self.warnings(lang),
            "models": [m.to_dict(lang) for m in self.faults.models] if self.faults else [],
            "model_parts": [p.to_dict() for p in self.faults.parts] if self.faults else [],
            **({"stock": self.stock.to_dict(lang)} if self.stock else {}),
        }


# -- computing -------------------------------------------------------------------------------


@dataclass
class _Book:
    """What both months need, computed once: the SLA deadlines, repeats, look-ups."""

    records: Records
    policy: Policy
    as_of: datetime
    cal: WorkCalendar
    sla: SlaResult
    calls: dict[Any, Record]
    orders: dict[Any, Record]
    staff: dict[Any, Record]
    not_first_time: set[int]  # ledger rows of orders that came back within FTTR_WINDOW_DAYS
    complaints: dict[int, Record] = field(default_factory=dict)  # by row
    opened: list[datetime | None] = field(default_factory=list)  # opened_at of each order
    firsts: tuple[date, ...] = ()  # the first days of the months asked, and the day after
    open_at: dict[date, int] = field(default_factory=dict)  # stop -> orders open then
    feedback: dict[tuple[str, int], str] = field(default_factory=dict)  # complaint -> outcome

    # What each month's lists are cut from, sorted into months once (the report asks for two):
    # name -> year * 12 + month - 1 -> the items whose moment falls in that month, in order.
    by_month: dict[str, dict[int, list[Any]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        records = self.records
        ledger = records["repair_ledger"]
        status, completed = sheet_columns(records, "repair_ledger", "status", "completed_at")
        self.opened = self.opened_at_all()
        judged = self.sla.judged
        months = self.firsts[:-1]  # only the months asked are bucketed
        self.by_month = {
            "calls": _sheet_months(records, "call_log", "call_time", months),
            "opened": _months(ledger, self.opened, months),
            "completed": _months(ledger, completed, months),
            "deadlines": _months(judged, list(map(_DEADLINE, judged)), months),
            "complaints": _sheet_months(records, "complaints", "received_at", months),
            "callbacks": _sheet_months(records, "callbacks", "called_at", months),
        }
        self.open_at = _open_at(self.firsts[1:], self.opened, status, completed)
        self.feedback = {
            (d.sheet, d.row): d.outcome
            for d in judged  # one per complaint row: their order does not matter
            if d.rule == "late_complaint_feedback"
        }
        # What the report reads of the year's deadlines is taken (its months', the complaints'
        # feedback, the breaches counted for the carry-over): they are let go (66 MB, year book).
        self.sla.breach_counts()
        self.sla.judged = []

    def in_month(self, name: str, first: date) -> list[Any]:
        """The ``name`` items of the month that starts on ``first``."""
        return self.by_month[name].get(first.year * 12 + first.month - 1, [])

    def opened_at_all(self) -> list[datetime | None]:
        """Each order's opening: its call's time (the first call of its call_id; the ledger
        has no date of its own for it), else its dispatch; a column at a time."""
        records = self.records
        call_time = first_by(*sheet_columns(records, "call_log", "call_id", "call_time"))
        call_ids, dispatched = sheet_columns(records, "repair_ledger", "call_id", "dispatched_at")
        return [
            moment if moment is not None else sent
            for moment, sent in zip(map(call_time.get, call_ids), dispatched, strict=True)
        ]

    def level(self, deadline: Deadline) -> int | None:
        """The fault level behind a deadline: its call, its order's call, its complaint's."""
        record: Record | None
        if deadline.sheet == "call_log":
            record = self.calls.get(deadline.record)
        elif deadline.sheet == "repair_ledger":
            order = self.orders.get(deadline.record)
            record = self.calls.get(order.get("call_id")) if order is not None else None
        else:
            complaint = self.complaints.get(deadline.row)
            order = self.orders.get(complaint.get("order_id")) if complaint is not None else None
            record = self.calls.get(order.get("call_id")) if order is not None else None
        return record.get("fault_level") if record is not None else None


def _fttr_repeats(records: Records, policy: Policy) -> dict[str, RepeatRepair]:
    """``repeat_repairs`` with the first-time-fix window instead of the repair warranty.

    A warranty at least as long as the window gives them without a search of their own (the
    settlement and penalties make that one anyway): the earlier repair a repeat names is the
    latest one, the nearest, so it is within the window if any is."""
    if policy.warranty.repair_warranty_days >= FTTR_WINDOW_DAYS:
        window = timedelta(days=FTTR_WINDOW_DAYS)
        return {
            order_id: replace(repeat, limit_days=FTTR_WINDOW_DAYS)
            for order_id, repeat in repeat_repairs(records, policy).items()
            if repeat.gap <= window
        }
    warranty = policy.warranty.model_copy(update={"repair_warranty_days": FTTR_WINDOW_DAYS})
    return repeat_repairs(records, policy.model_copy(update={"warranty": warranty}))


def _prepare(
    records: Records,
    policy: Policy,
    as_of: datetime,
    calendar: WorkCalendar | None,
    firsts: tuple[date, date, date],
) -> _Book:
    """What both months need; ``firsts``: the first days of the month before, the month and the
    next month (only the month's breaches are built, without their steps: the report shows
    neither them nor the month before's)."""
    cal = calendar if calendar is not None else WorkCalendar.from_policy(policy.calendar)
    # A repeat caused by the customer (human) is no failed fix; an unknown cause still counts.
    came_back = {
        r.earlier.row for r in _fttr_repeats(records, policy).values() if r.cause != "human"
    }
    return _Book(
        records=records,
        policy=policy,
        as_of=as_of,
        cal=cal,
        sla=compute_sla(records, policy, as_of, cal, explain=firsts[1:], steps=False),
        firsts=firsts,
        calls=records.index("call_log", "call_id"),
        orders=records.index("repair_ledger", "order_id"),
        staff=records.index("staff", "staff_id"),
        not_first_time=came_back,
        complaints={c.row: c for c in records["complaints"]},
    )


def _in(moment: date | datetime | None, first: date, stop: date) -> bool:
    if moment is None:
        return False
    day = moment.date() if isinstance(moment, datetime) else moment
    return first <= day < stop


@dataclass
class _Month:
    """One month's slice of the book and the results of the other computations for it."""

    first: date
    stop: date
    calls: list[Record]
    opened: list[Record]
    completed: list[Record]
    deadlines: list[Deadline]
    complaints: list[Record]
    callbacks: list[Record]
    settlement: Settlement
    deducted: Decimal  # penalties deducted in the month, everyone's, after the cap
    rules: list[Compliance] = field(default_factory=list)  # per rule (RULES)
    levels: list[Compliance] = field(default_factory=list)  # per fault level (LEVELS)

    def first_time_fixed(self, book: _Book, orders: Iterable[Record]) -> int:
        return sum(
            1 for o in orders if not o.get("rework_count") and o.row not in book.not_first_time
        )


def _month(book: _Book, first: date, stop: date, penalties: PenaltyStatement | None) -> _Month:
    """One calendar month [first, stop): each list is a bucket made once for both months.
    ``penalties``: the month's statement; the month before has none (its breaches were not
    built), only its total deducted."""
    records = book.records
    if penalties is not None:
        deducted = sum((s.deducted for s in penalties.staff), ZERO)
    else:
        deducted = month_deducted(records, book.sla, book.policy, first)
    found = _Month(
        first=first,
        stop=stop,
        calls=book.in_month("calls", first),
        opened=book.in_month("opened", first),
        completed=[o for o in book.in_month("completed", first) if o.get("status") == "completed"],
        deadlines=book.in_month("deadlines", first),
        complaints=book.in_month("complaints", first),
        callbacks=book.in_month("callbacks", first),
        settlement=compute_settlement(records, book.policy, first, stop),
        deducted=deducted,
    )
    found.rules = _compliance(found.deadlines, _RULE, RULES)
    found.levels = _levels(book, found.deadlines)
    return found


def _sheet_months(
    records: Records, sheet: str, key: str, months: Iterable[date]
) -> dict[int, list[Any]]:
    """The records of ``sheet`` by the month of their ``key`` (a column taken in C)."""
    (moments,) = sheet_columns(records, sheet, key)
    return _months(records[sheet], moments, months)


def _months(
    items: Sequence[Any], moments: list[Any], months: Iterable[date]
) -> dict[int, list[Any]]:
    """The items of each of ``months`` (their first days) by the month of their moment
    (``moments``: a list beside them), as year * 12 + month - 1, in their order; an item
    without a moment is in no month, and the other months' are not held."""
    buckets: dict[int, list[Any]] = {first.year * 12 + first.month - 1: [] for first in months}
    found = buckets.get
    for item, moment in zip(items, moments, strict=True):
        if moment is not None:
            bucket = found(moment.year * 12 + moment.month - 1)
            if bucket is not None:
                bucket.append(item)
    return buckets


def _compliance(
    deadlines: Iterable[Deadline], key: Callable[[Deadline], Any], keys: Iterable[Any]
) -> list[Compliance]:
    """Met / due per key; pending deadlines are not due yet and count nowhere."""
    met: dict[Any, int] = dict.fromkeys(keys, 0)
    due: dict[Any, int] = dict.fromkeys(keys, 0)
    for d in deadlines:
        if d.outcome == PENDING:
            continue
        k = key(d)
        due[k] = due.get(k, 0) + 1
        met[k] = met.get(k, 0) + (d.outcome == MET)
    return [Compliance(k, met[k], due[k]) for k in due]


def _levels(book: _Book, deadlines: list[Deadline]) -> list[Compliance]:
    found = _compliance(deadlines, book.level, LEVELS)
    return [c for c in found if c.key is not None or c.due]


def _response_hours(month: _Month) -> list[Decimal]:
    """Call to first response, in clock hours (responses before the call are not measured)."""
    found = []
    for call in month.calls:
        start, end = call.get("call_time"), call.get("first_response_at")
        if start is not None and end is not None and end >= start:
            found.append(hours(end - start))
    return found


def _repair_hours(book: _Book, month: _Month) -> list[Decimal]:
    """Acceptance to completion in working hours (workcal's windows), parts waits included."""
    found = []
    for order in month.completed:
        start, end = order.get("accepted_at"), order.get("completed_at")
        if start is not None and end is not None:
            found.append(hours(book.cal.working_time(start, end)))
    return found


def _callbacks(month: _Month) -> CallbackSummary:
    """Due = late_callback deadlines in the month; satisfaction = the month's callback rows."""
    summary = CallbackSummary()
    for d in month.deadlines:
        if d.rule != "late_callback":
            continue
        if d.outcome == MET:
            summary.on_time += 1
        elif d.outcome == PENDING:
            summary.pending += 1
        elif d.actual is not None:
            summary.late += 1
        else:
            summary.missing += 1
    for row in month.callbacks:
        score = row.get("satisfaction")
        if score in summary.distribution:
            summary.distribution[score] += 1
    return summary


def _values(book: _Book, month: _Month) -> dict[str, Number | None]:
    """Every KPI of one month, by key."""
    rules = {c.key: c for c in month.rules}
    levels = {c.key: c for c in month.levels}
    response, repair = _response_hours(month), _repair_hours(book, month)
    callbacks = _callbacks(month)
    met = sum(c.met for c in rules.values())
    due = sum(c.due for c in rules.values())
    severities = [c.get("severity") for c in month.complaints]
    totals = month.settlement.totals
    values: dict[str, Number | None] = {
        "calls": len(month.calls),
        "orders_opened": len(month.opened),
        "orders_completed": len(month.completed),
        "orders_cancelled": sum(1 for o in month.opened if o.get("status") == "cancelled"),
        "orders_open": book.open_at[month.stop],
        "first_time_fix_rate": rate(
            month.first_time_fixed(book, month.completed), len(month.completed)
        ),
        "sla_compliance": rate(met, due),
        **{f"sla_{rule}": rules[rule].rate for rule in RULES},
        **{f"sla_level_{level}": levels[level].rate for level in LEVELS},
        "response_hours_median": round_two(percentile(response, Decimal("0.5"))),
        "response_hours_p90": round_two(percentile(response, Decimal("0.9"))),
        "repair_hours_median": round_two(percentile(repair, Decimal("0.5"))),
        "repair_hours_p90": round_two(percentile(repair, Decimal("0.9"))),
        "complaints": len(month.complaints),
        "complaints_general": severities.count("general"),
        "complaints_serious": severities.count("serious"),
        "complaints_upheld": sum(1 for c in month.complaints if c.get("upheld") is True),
        "callback_completion_rate": callbacks.completion_rate,
        "satisfaction_mean": callbacks.mean,
        "customer_charge": totals.customer_charge,
        "company_cost": totals.company_cost,
        "penalties_deducted": month.deducted,
    }
    return values


def _open_at(
    stops: tuple[date, ...], opened: list[Any], status: list[Any], completed: list[Any]
) -> dict[date, int]:
    """Per month's end (its stop day): orders opened before it, not cancelled and not
    completed by then; every end in one pass over the ledger."""
    counts = dict.fromkeys(stops, 0)
    for start, state, done in zip(opened, status, completed, strict=True):
        if start is None or state == "cancelled":
            continue
        day = start.date()
        end = done.date() if state == "completed" and done is not None else None
        for stop in stops:
            if day < stop and (end is None or end >= stop):
                counts[stop] += 1
    return counts


def _complaints(book: _Book, month: _Month) -> ComplaintSummary:
    feedback = book.feedback
    lines = []
    for c in month.complaints:
        closed = c.get("closed_at")
        person = book.staff.get(c.get("responsible_id"))
        lines.append(
            ComplaintLine(
                complaint_id=str(c.get("complaint_id") or f"#{c.row}"),
                sheet=c.sheet,
                row=c.row,
                received_at=c.get("received_at"),
                customer_name=c.get("customer_name"),
                severity=c.get("severity"),
                description=c.get("description"),
                responsible_id=c.get("responsible_id"),
                responsible_name=person.get("name") if person is not None else None,
                feedback=feedback.get((c.sheet, c.row)),
                upheld=c.get("upheld"),
                closed_at=closed if _in(closed, date.min, month.stop) else None,
                penalty_amount=c.get("penalty_amount"),
                compensation=c.get("compensation"),
            )
        )
    lines.sort(key=lambda line: (line.received_at or datetime.min, line.row))
    return ComplaintSummary(lines, _by_person(lines), book.policy.sla.complaint_feedback_hours)


def _by_person(lines: list[ComplaintLine]) -> list[PersonComplaints]:
    people: dict[str | None, list[ComplaintLine]] = {}
    for line in lines:
        people.setdefault(line.responsible_id, []).append(line)
    return [
        PersonComplaints(
            staff_id=staff_id,
            name=group[0].responsible_name,
            complaints=len(group),
            general=sum(1 for c in group if c.severity == "general"),
            serious=sum(1 for c in group if c.severity == "serious"),
            upheld=sum(1 for c in group if c.upheld is True),
        )
        for staff_id, group in sorted(people.items(), key=lambda p: (p[0] is None, p[0] or ""))
    ]


def _technician_ids(book: _Book, month: _Month) -> list[str]:
    """Technicians on the roster during the month, and anyone the month's orders name."""
    ids = {
        str(s.get("staff_id"))
        for s in book.records["staff"]
        if s.get("role") == "technician"
        and s.get("staff_id") is not None
        and (s.get("left_on") is None or s.get("left_on") >= month.first)
    }
    ids |= {
        str(o.get("technician_id"))
        for o in month.opened + month.completed
        if o.get("technician_id") is not None
    }
    return sorted(ids)


def _technicians(book: _Book, month: _Month, penalties: PenaltyStatement) -> list[TechnicianRow]:
    deducted = {s.staff_id: s.deducted for s in penalties.staff}
    breaches = [b for b in book.sla.breaches if _in(b.deadline, month.first, month.stop)]
    scores: dict[str, list[int]] = {}
    for row in month.callbacks:
        order = book.orders.get(row.get("order_id"))
        if order is not None and row.get("satisfaction") in SCORES:
            scores.setdefault(str(order.get("technician_id")), []).append(row.get("satisfaction"))
    opened = Counter(str(o.get("technician_id")) for o in month.opened)
    completed: dict[str, list[Record]] = {}
    for order in month.completed:
        completed.setdefault(str(order.get("technician_id")), []).append(order)
    breached = Counter(b.staff_id for b in breaches)
    rows = []
    for tid in _technician_ids(book, month):
        done = completed.get(tid, [])
        rated = scores.get(tid, [])
        person = book.staff.get(tid)
        rows.append(
            TechnicianRow(
                staff_id=tid,
                name=person.get("name") if person is not None else None,
                orders=opened[tid],
                completed=len(done),
                first_time_fixed=month.first_time_fixed(book, done),
                breaches=breached[tid],
                penalties=deducted.get(tid, ZERO),
                satisfaction=round_two(Decimal(sum(rated)) / len(rated)) if rated else None,
                rated=len(rated),
            )
        )
    return rows


def _parts(settlement: Settlement) -> tuple[list[PartRow], list[PartRow]]:
    """Parts on the month's completed orders, from settlement's lines: top by qty and by cost."""
    totals: dict[str, list[Any]] = {}
    for order in settlement.orders:
        for line in order.part_lines:
            key = (line.part_no or line.part_name or "").strip()
            entry = totals.setdefault(key, [line.part_no, line.part_name, 0, ZERO])
            entry[2] += line.qty
            entry[3] += line.amount
    parts = [PartRow(no, name, qty, cost) for no, name, qty, cost in totals.values()]
    by_qty = sorted(parts, key=lambda p: (-p.qty, -p.cost, p.part_no or "", p.part_name or ""))
    by_cost = sorted(parts, key=lambda p: (-p.cost, -p.qty, p.part_no or "", p.part_name or ""))
    return by_qty[:TOP_PARTS], by_cost[:TOP_PARTS]


def _daily_calls(month: _Month) -> list[tuple[date, int]]:
    counts: dict[date, int] = {}
    day = month.first
    while day < month.stop:
        counts[day] = 0
        day += timedelta(days=1)
    for call in month.calls:
        counts[call.get("call_time").date()] += 1
    return list(counts.items())


def compute_report(
    records: Records,
    policy: Policy,
    first_day: date,
    next_first_day: date,
    as_of: datetime,
    calendar: WorkCalendar | None = None,
) -> MonthlyReport:
    """The month [first_day, next_first_day) and the month before it, judged at ``as_of``."""
    # The stock first: its 300,000 moves (year book) come and go before the deadlines are made.
    stock = (
        stock_month(records, policy, first_day, next_first_day, as_of)
        if records.has("parts_stock")
        else None
    )
    with records.columns_kept():  # the rest takes the ledger's and calls' columns many times
        return _report(records, policy, (first_day, next_first_day), as_of, calendar, stock)


def _report(
    records: Records,
    policy: Policy,
    window: tuple[date, date],
    as_of: datetime,
    calendar: WorkCalendar | None,
    stock: StockMonth | None,
) -> MonthlyReport:
    first_day, next_first_day = window
    previous_first = (first_day - timedelta(days=1)).replace(day=1)
    book = _prepare(records, policy, as_of, calendar, (previous_first, first_day, next_first_day))
    penalties = compute_penalties(records, book.sla, policy, first_day)
    then = _values(book, _month(book, previous_first, first_day, None))  # its figures only
    month = _month(book, first_day, next_first_day, penalties)
    now = _values(book, month)
    kpis = [Kpi(key, kind, now[key], then[key]) for key, kind in KPIS.items()]
    by_qty, by_cost = _parts(month.settlement)
    return MonthlyReport(
        month=month_of(first_day),
        previous_month=month_of(previous_first),
        as_of=as_of,
        kpis=kpis,
        daily_calls=_daily_calls(month),
        sla_rules=month.rules,
        sla_levels=month.levels,
        complaints=_complaints(book, month),
        callbacks=_callbacks(month),
        technicians=_technicians(book, month, penalties),
        parts_by_qty=by_qty,
        parts_by_cost=by_cost,
        sla_warnings=list(book.sla.warnings),
        penalties=penalties,
        faults=compute_faults(records, month.settlement, first_day),
        stock=stock,
    )
