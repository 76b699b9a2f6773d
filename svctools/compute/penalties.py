"""Monthly staff penalties (SPEC §4.2, 职员处罚单 / 绩效扣款) within the legal cap on deductions.

Lines come from SLA breaches, QC rework, repeat repairs and upheld complaints. The cap is applied
per person per month; what exceeds it carries to the next month, so a month's statement is derived
by walking every month from the earliest one that has a penalty line.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from svctools.compute.computing import collection_paused, record_columns
from svctools.compute.settlement import RepeatRepair, repeat_repairs
from svctools.compute.sla import Breach, BreachCounts, SlaResult, count_breaches
from svctools.core.clock import iso, minute_text, month_of
from svctools.core.messages import amount_of, duration, say, word
from svctools.core.money import ZERO, money_str, round_money
from svctools.core.policy import Policy
from svctools.core.records import Record, Records
from svctools.core.schema import load_schema


@dataclass(frozen=True)
class Note:
    """A message with its numbers, readable in zh or en (explanations, warnings); the wording is
    ``penalty.<code>`` in ``core.messages``, and keys (rules, sheets, causes) become words."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)
    when: datetime | None = None  # the moment a warning belongs to; it is shown in that month

    def text(self, lang: str = "zh") -> str:
        params = dict(self.params)
        code = self.code
        if code == "breach":
            code = "breach_open" if params.pop("open") else "breach"
            limit, unit = params.pop("limit"), params.pop("unit")
            params["subject"] = word("record", params.pop("sheet"), lang)
            params["action"] = word("action", params["rule"], lang)
            params["late"] = duration(params["late"], lang)
            params["limit"] = (
                ""
                if limit is None
                else say("penalty.limit", lang, limit=amount_of(limit, unit, lang))
            )
        else:
            if code != "no_amount" and "rule" in params:  # no_amount names the policy key
                params["rule"] = word("rule", params["rule"], lang)
            if "sheet" in params:
                params["sheet"] = sheet_title(params["sheet"], lang)
            for key in ("severity", "cause"):
                if key in params:
                    params[key] = word(key, params[key], lang)
        return say(f"penalty.{code}", lang, **params)


def sheet_title(key: str, lang: str) -> str:
    """A sheet's name for people (维修台帐, Repair Ledger), from the schema; else the key."""
    try:
        return load_schema()[key].title(lang)
    except KeyError:
        return key


@dataclass(frozen=True)
class PenaltyLine:
    """One charge: its rule, the record it came from and the moment that dates it."""

    rule: str
    staff_id: str
    record: str
    amount: Decimal
    deadline: datetime  # breach deadline; completed_at, R's call_time or closed_at otherwise
    open: bool
    sheet: str
    row: int
    why: Note

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        return {
            "rule": self.rule,
            "record": self.record,
            "amount": money_str(self.amount),
            "deadline": iso(self.deadline),
            "open": self.open,
            "sheet": self.sheet,
            "row": self.row,
            "explain": self.why.text(lang),
        }


@dataclass
class StaffPenalty:
    """One person's month: the lines, and what the cap lets be deducted."""

    staff_id: str
    name: str | None
    monthly_wage: Decimal | None
    cap: Decimal | None  # None = no wage, no cap
    cap_why: Note | None
    gross: Decimal
    carried_in: Decimal
    deducted: Decimal
    carried_out: Decimal
    lines: list[PenaltyLine]

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        return {
            "staff_id": self.staff_id,
            "name": self.name,
            "gross": money_str(self.gross),
            "carried_in": money_str(self.carried_in),
            "deducted": money_str(self.deducted),
            "carried_out": money_str(self.carried_out),
            "lines": [line.to_dict(lang) for line in self.lines],
            "monthly_wage": None if self.monthly_wage is None else money_str(self.monthly_wage),
            "cap": None if self.cap is None else money_str(self.cap),
            "cap_explain": self.cap_why.text(lang) if self.cap_why else None,
        }


@dataclass(frozen=True)
class PendingPenalty:
    """A charge that is decided in principle but not yet due (not closed, cause not known)."""

    rule: str
    staff_id: str | None
    record: str
    amount: Decimal | None
    since: datetime | None
    sheet: str
    row: int
    why: Note

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        return {
            "rule": self.rule,
            "staff_id": self.staff_id,
            "record": self.record,
            "amount": None if self.amount is None else money_str(self.amount),
            "since": iso(self.since),
            "sheet": self.sheet,
            "row": self.row,
            "explain": self.why.text(lang),
        }


@dataclass
class PenaltyStatement:
    """The month's penalty statements, one per person, plus pending charges and warnings."""

    month: str
    staff: list[StaffPenalty]
    pending: list[PendingPenalty]
    warnings: list[Note]

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        """SPEC §6 ``penalties`` JSON; explanations and warnings in ``lang``."""
        return {
            "month": self.month,
            "staff": [s.to_dict(lang) for s in self.staff],
            "pending": [p.to_dict(lang) for p in self.pending],
            "warnings": [w.text(lang) for w in self.warnings],
        }

    def warning_texts(self, lang: str = "zh") -> list[str]:
        return [w.text(lang) for w in self.warnings]


def _when(moment: datetime | None) -> str:
    """A moment in an explanation, as a clerk writes it."""
    return minute_text(moment) if moment is not None else "—"


def _breach_lines(
    breaches: Iterable[Breach], policy: Policy, warnings: list[Note]
) -> list[PenaltyLine]:
    """Each breach costs its responsible person the policy amount of the same name."""
    lines = []
    amounts: dict[str, tuple[Decimal, str] | None] = {}  # per rule: (amount, as text)
    for breach in breaches:
        rule = breach.rule
        if rule not in amounts:
            unit = getattr(policy.penalties, rule, None)
            rounded = round_money(unit) if isinstance(unit, Decimal) else None
            amounts[rule] = None if rounded is None else (rounded, money_str(rounded))
        charge = amounts[rule]
        if charge is None or not breach.staff_id:
            where = {
                "rule": rule,
                "record": breach.record,
                "sheet": breach.sheet,
                "row": breach.row,
            }
            code = "no_amount" if charge is None else "no_person"
            warnings.append(Note(code, where, breach.deadline))
            continue
        amount, _ = charge
        why = Note(
            "breach",
            {
                "sheet": breach.sheet,
                "record": breach.record,
                "rule": rule,
                "late": breach.late_hours,
                "limit": breach.limit,
                "unit": breach.unit,
                "open": breach.open,
            },
        )
        lines.append(
            PenaltyLine(
                rule,
                breach.staff_id,
                breach.record,
                amount,
                breach.deadline,
                breach.open,
                breach.sheet,
                breach.row,
                why,
            )
        )
    return lines


def _qc_lines(records: Records, policy: Policy) -> list[PenaltyLine]:
    """rework_count × qc_rework to the technician, dated by completed_at."""
    lines = []
    unit = round_money(policy.penalties.qc_rework)
    unit_text = money_str(unit)
    keys = ("rework_count", "completed_at", "technician_id")
    for order, count, completed, technician in record_columns(records, "repair_ledger", *keys):
        if not count or completed is None or not technician:
            continue
        amount = round_money(count * unit)
        why = Note(
            "qc_rework", {"order": _id(order, "order_id"), "count": count, "unit": unit_text}
        )
        lines.append(
            PenaltyLine(
                "qc_rework",
                technician,
                _id(order, "order_id"),
                amount,
                completed,
                False,
                order.sheet,
                order.row,
                why,
            )
        )
    return lines


def _id(record: Record, key: str) -> str:
    return str(record.get(key) or f"#{record.row}")


def _repeat_why(repeat: RepeatRepair, amount: Decimal) -> Note:
    return Note(
        "repeat_repair",
        {
            "order": repeat.order_id,
            "serial": repeat.serial_no,
            "call": _when(repeat.call_time),
            "earlier": repeat.earlier_order_id,
            "completed": _when(repeat.earlier_completed_at),
            "days": repeat.gap.days,
            "limit": repeat.limit_days,
            "cause": repeat.cause,
            "amount": money_str(amount),
        },
    )


def _repeat_lines(
    records: Records, policy: Policy, pending: list[PendingPenalty], warnings: list[Note]
) -> list[PenaltyLine]:
    """E's technician pays repeat_repair for R, in R's call month, unless R's cause is human.

    R without a cause yet (still open) is pending: the cause decides whether anyone pays.
    """
    lines = []
    amount = round_money(policy.penalties.repeat_repair)
    for repeat in repeat_repairs(records, policy).values():
        order, staff_id = repeat.order, repeat.technician_id
        if repeat.cause == "human":
            continue
        if repeat.cause is None:
            why = Note(
                "pending_repeat", {"earlier": repeat.earlier_order_id, "order": repeat.order_id}
            )
            pending.append(
                PendingPenalty(
                    rule="repeat_repair",
                    staff_id=staff_id,
                    record=repeat.order_id,
                    amount=amount,
                    since=repeat.call_time,
                    sheet=order.sheet,
                    row=order.row,
                    why=why,
                )
            )
        elif not staff_id:
            params = {
                "rule": "repeat_repair",
                "record": repeat.order_id,
                "sheet": order.sheet,
                "row": order.row,
            }
            warnings.append(Note("no_person", params, repeat.call_time))
        else:
            lines.append(
                PenaltyLine(
                    rule="repeat_repair",
                    staff_id=staff_id,
                    record=repeat.order_id,
                    amount=amount,
                    deadline=repeat.call_time,
                    open=False,
                    sheet=order.sheet,
                    row=order.row,
                    why=_repeat_why(repeat, amount),
                )
            )
    return lines


def _complaint_lines(
    records: Records,
    policy: Policy,
    next_first_day: date,
    pending: list[PendingPenalty],
    warnings: list[Note],
) -> list[PenaltyLine]:
    """Upheld complaints: penalty_amount or the severity's default, in the month of closed_at.

    Upheld complaints received before ``next_first_day`` and not closed by then are pending.
    """
    lines = []
    for complaint in records["complaints"]:
        if complaint.get("upheld") is not True:
            continue
        severity = complaint.get("severity") or "general"
        rule = f"complaint_{severity}"
        given = complaint.get("penalty_amount")
        amount = round_money(given if given is not None else getattr(policy.penalties, rule))
        record, closed = _id(complaint, "complaint_id"), complaint.get("closed_at")
        staff_id = complaint.get("responsible_id")
        if closed is None or closed.date() >= next_first_day:
            received = complaint.get("received_at")
            if received is not None and received.date() < next_first_day:
                pending.append(
                    PendingPenalty(
                        rule,
                        staff_id,
                        record,
                        amount,
                        received,
                        complaint.sheet,
                        complaint.row,
                        Note("pending_complaint"),
                    )
                )
            if closed is None:
                continue
        if not staff_id:
            where = {"rule": rule, "record": record, "sheet": complaint.sheet, "row": complaint.row}
            warnings.append(Note("no_person", where, closed))
            continue
        params = {
            "severity": severity,
            "closed": _when(closed),
            "rule": rule,
            "amount": money_str(amount),
        }
        why = Note("complaint_set" if given is not None else "complaint_default", params)
        lines.append(
            PenaltyLine(
                rule, staff_id, record, amount, closed, False, complaint.sheet, complaint.row, why
            )
        )
    return lines


def penalty_lines(
    records: Records, breaches: Iterable[Breach], policy: Policy, next_first_day: date
) -> tuple[list[PenaltyLine], list[PendingPenalty], list[Note]]:
    """Every penalty line of every month, pending charges as of the month, and warnings."""
    pending: list[PendingPenalty] = []
    warnings: list[Note] = []
    lines = _breach_lines(breaches, policy, warnings)
    lines += _qc_lines(records, policy)
    lines += _repeat_lines(records, policy, pending, warnings)
    lines += _complaint_lines(records, policy, next_first_day, pending, warnings)
    pending = [p for p in pending if p.since is None or p.since.date() < next_first_day]
    pending.sort(key=lambda p: (p.since or datetime.min, p.rule, p.record))
    return lines, pending, warnings


def month_cap(wage: Decimal, policy: Policy) -> tuple[Decimal, Note]:
    """min(cap_ratio × wage, wage − minimum_wage), never negative; and how it was found."""
    ratio, minimum = policy.penalties.cap_ratio, policy.penalties.minimum_wage
    by_ratio = round_money(ratio * wage)
    room = max(round_money(wage - minimum), ZERO)
    cap = min(by_ratio, room)
    return cap, Note(
        "cap",
        {
            "ratio": ratio,
            "wage": money_str(wage),
            "by_ratio": money_str(by_ratio),
            "minimum": money_str(minimum),
            "room": money_str(room),
            "cap": money_str(cap),
        },
    )


def _next_month(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def _carried_in(
    lines: list[PenaltyLine],
    earlier: dict[date, Decimal],
    cap: Decimal | None,
    month_first_day: date,
) -> Decimal:
    """What exceeds the cap in the months before, carried month by month up to this one.

    ``earlier``: per month (its first day), the breach lines before this month, as totals."""
    if cap is None or not (lines or earlier):
        return ZERO
    by_month: dict[str, Decimal] = {month_of(first): total for first, total in earlier.items()}
    for line in lines:
        key = month_of(line.deadline)
        by_month[key] = by_month.get(key, ZERO) + line.amount
    carried = ZERO
    month = min(
        [line.deadline.date() for line in lines] + list(earlier), default=month_first_day
    ).replace(day=1)
    while month < month_first_day:
        total = by_month.get(month_of(month), ZERO) + carried
        carried = total - min(total, cap)
        month = _next_month(month)
    return carried


def _split(
    breaches: Iterable[Breach] | SlaResult, first_day: date, next_first_day: date
) -> tuple[list[Breach], BreachCounts]:
    """The month's breaches (lines are made of them) and, for those before it, only counts per
    (person, rule, month): the carry-over needs their totals, not the breaches."""
    if isinstance(breaches, SlaResult):
        breaches.check_explained(first_day, next_first_day)
        own = [b for b in breaches.breaches if first_day <= b.deadline.date() < next_first_day]
        counts = breaches.breach_counts()  # made once, whichever months are asked
        return own, {key: n for key, n in counts.items() if key[2] < first_day}
    own, before = [], []
    for breach in breaches:
        day = breach.deadline.date()
        if day < first_day:
            before.append(breach)
        elif day < next_first_day:
            own.append(breach)
    return own, count_breaches(before)


def _earlier_totals(counts: BreachCounts, policy: Policy) -> dict[str, dict[date, Decimal]]:
    """Per person, per month (its first day): what the breaches before the month cost, as
    ``_breach_lines`` would charge them (no amount or no person: no charge)."""
    amounts: dict[str, Decimal | None] = {}
    totals: dict[str, dict[date, Decimal]] = {}
    for (staff_id, rule, month), count in counts.items():
        if rule not in amounts:
            unit = getattr(policy.penalties, rule, None)
            amounts[rule] = round_money(unit) if isinstance(unit, Decimal) else None
        amount = amounts[rule]
        if amount is not None:
            months = totals.setdefault(staff_id, {})
            months[month] = months.get(month, ZERO) + amount * count
    return totals


def compute_penalties(
    records: Records,
    breaches: Iterable[Breach] | SlaResult,
    policy: Policy,
    month_first_day: date,
) -> PenaltyStatement:
    """SPEC §4.2 statements for the month that starts on ``month_first_day``.

    ``breaches`` must hold every month's breaches (not only this month's): the carry-over is
    derived from the earliest month with a penalty line. An ``SlaResult`` computed with
    ``explain`` covering the month will do: the months before need only each person's totals.
    """
    next_first_day = _next_month(month_first_day)
    own_breaches, before = _split(breaches, month_first_day, next_first_day)
    with collection_paused():
        lines, pending, warnings = penalty_lines(records, own_breaches, policy, next_first_day)
        earlier = _earlier_totals(before, policy)
    lines = [line for line in lines if line.deadline.date() < next_first_day]
    month = month_of(month_first_day)
    warnings = [w for w in warnings if w.when is None or month_of(w.when) == month]
    by_staff: dict[str, list[PenaltyLine]] = {}
    for line in lines:
        by_staff.setdefault(line.staff_id, []).append(line)
    staff = records.index("staff", "staff_id")
    statements = []
    for staff_id in sorted(by_staff.keys() | earlier.keys()):
        person = staff.get(staff_id)
        statement = _person_month(
            staff_id,
            person,
            (by_staff.get(staff_id, []), earlier.get(staff_id, {})),
            policy,
            month_first_day,
        )
        if statement is None:
            continue
        if statement.cap is None:
            warnings.append(Note("no_wage", {"staff_id": staff_id, "name": statement.name or "?"}))
        statements.append(statement)
    return PenaltyStatement(month_of(month_first_day), statements, pending, warnings)


def month_deducted(
    records: Records, sla: SlaResult, policy: Policy, month_first_day: date
) -> Decimal:
    """What the month deducts from everyone, after the cap: the sum of ``compute_penalties``'
    ``deducted``, without that month's breaches being built (the report's month before needs
    this one figure: its breaches count per person, as the months before any month do)."""
    next_first_day = _next_month(month_first_day)
    counts = sla.breach_counts()
    with collection_paused():
        lines, _, _ = penalty_lines(records, [], policy, next_first_day)
        before = {key: n for key, n in counts.items() if key[2] < month_first_day}
        within = {key: n for key, n in counts.items() if key[2] == month_first_day}
        earlier, own = _earlier_totals(before, policy), _earlier_totals(within, policy)
    month = month_of(month_first_day)
    by_staff: dict[str, list[PenaltyLine]] = {}
    for line in lines:
        if line.deadline.date() < next_first_day:
            by_staff.setdefault(line.staff_id, []).append(line)
    staff = records.index("staff", "staff_id")
    total = ZERO
    for staff_id in by_staff.keys() | earlier.keys() | own.keys():
        person = staff.get(staff_id)
        wage = person.get("monthly_wage") if person else None
        cap = month_cap(wage, policy)[0] if wage is not None else None
        charged = by_staff.get(staff_id, [])
        gross = sum((line.amount for line in charged if month_of(line.deadline) == month), ZERO)
        gross += own.get(staff_id, {}).get(month_first_day, ZERO)
        owed = gross + _carried_in(charged, earlier.get(staff_id, {}), cap, month_first_day)
        total += owed if cap is None else min(owed, cap)
    return total


def _person_month(
    staff_id: str,
    person: Record | None,
    charged: tuple[list[PenaltyLine], dict[date, Decimal]],
    policy: Policy,
    month_first_day: date,
) -> StaffPenalty | None:
    """One person's statement for the month, or None when nothing is charged or carried.
    ``charged``: the person's lines, and the totals of the breaches before the month."""
    lines, earlier = charged
    wage = person.get("monthly_wage") if person else None
    cap, cap_why = month_cap(wage, policy) if wage is not None else (None, None)
    month = month_of(month_first_day)
    own = sorted(
        (line for line in lines if month_of(line.deadline) == month),
        key=lambda line: (line.deadline, line.rule, line.record),
    )
    carried_in = _carried_in(lines, earlier, cap, month_first_day)
    if not own and not carried_in:
        return None
    gross = sum((line.amount for line in own), ZERO)
    total = gross + carried_in
    deducted = total if cap is None else min(total, cap)
    return StaffPenalty(
        staff_id=staff_id,
        name=person.get("name") if person else None,
        monthly_wage=wage,
        cap=cap,
        cap_why=cap_why,
        gross=gross,
        carried_in=carried_in,
        deducted=deducted,
        carried_out=total - deducted,
        lines=own,
    )
