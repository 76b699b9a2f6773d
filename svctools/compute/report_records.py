"""The monthly report's result records and how their numbers are written (JSON, text).

``report`` computes them; ``report_xlsx`` and the CLI only read them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from svctools.compute.sla import BREACHED, MET, PENDING
from svctools.core.clock import iso
from svctools.core.messages import CATALOGUE, say
from svctools.core.money import ZERO, money_str

SCORES = (5, 4, 3, 2, 1)
LEVELS = (1, 2, 3, 4)
SEVERITIES = ("general", "serious")

# What a KPI counts, which decides how it is written (JSON, text, xlsx).
COUNT, RATE, HOURS, SCORE, MONEY = "count", "rate", "hours", "score", "money"

_RATE_PLACES = Decimal("0.0001")
_HUNDREDTH = Decimal("0.01")
_HOUR = Decimal(3600)


# key -> kind of figure, in the order the overview shows them (labels: kpi.* in the catalogue)
KPIS: dict[str, str] = {
    "calls": COUNT,
    "orders_opened": COUNT,
    "orders_completed": COUNT,
    "orders_cancelled": COUNT,
    "orders_open": COUNT,
    "first_time_fix_rate": RATE,
    "sla_compliance": RATE,
    "sla_late_response": RATE,
    "sla_late_acceptance": RATE,
    "sla_late_arrival": RATE,
    "sla_overdue_repair": RATE,
    "sla_late_complaint_feedback": RATE,
    "sla_late_callback": RATE,
    "sla_level_1": RATE,
    "sla_level_2": RATE,
    "sla_level_3": RATE,
    "sla_level_4": RATE,
    "response_hours_median": HOURS,
    "response_hours_p90": HOURS,
    "repair_hours_median": HOURS,
    "repair_hours_p90": HOURS,
    "complaints": COUNT,
    "complaints_general": COUNT,
    "complaints_serious": COUNT,
    "complaints_upheld": COUNT,
    "callback_completion_rate": RATE,
    "satisfaction_mean": SCORE,
    "customer_charge": MONEY,
    "company_cost": MONEY,
    "penalties_deducted": MONEY,
}

Number = int | Decimal


def kpi_label(key: str, lang: str) -> str:
    zh, en = CATALOGUE[f"kpi.{key}"]
    return zh if lang == "zh" else en


def rate(part: int, whole: int) -> Decimal | None:
    """``part / whole`` as a fraction with 4 decimals, half-up; ``None`` when nothing was due."""
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(_RATE_PLACES, rounding=ROUND_HALF_UP)


def percentile(values: Iterable[Decimal], fraction: Decimal) -> Decimal | None:
    """Linear interpolation between the closest ranks: Excel's PERCENTILE.INC, so a clerk can
    check the figure in the sheet; 0.5 is the median. ``None`` for no values."""
    ordered = sorted(values)
    if not ordered:
        return None
    position = fraction * (len(ordered) - 1)
    low = int(position)
    if low + 1 >= len(ordered):
        return ordered[-1]
    return ordered[low] + (position - low) * (ordered[low + 1] - ordered[low])


def hours(delta: timedelta) -> Decimal:
    """A duration in hours, exact (rounded only when shown)."""
    return Decimal(delta.days * 86400 + delta.seconds) / _HOUR


def round_two(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(_HUNDREDTH, rounding=ROUND_HALF_UP)


# -- result records --------------------------------------------------------------------------


@dataclass(frozen=True)
class Kpi:
    """One figure of the month, the same figure of the month before, and the change."""

    key: str
    kind: str
    value: Number | None
    previous: Number | None

    @property
    def change(self) -> Number | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "value": json_value(self.kind, self.value),
            "previous": json_value(self.kind, self.previous),
            "change": json_value(self.kind, self.change),
        }


def json_value(kind: str, value: Number | None) -> Any:
    """Counts as ints, rates as 4-decimal fractions, hours and scores as 2-decimal numbers,
    money as a two-decimal string (SPEC §6)."""
    if value is None:
        return None
    if kind == COUNT:
        return int(value)
    if kind == MONEY:
        return money_str(Decimal(value))
    if kind == RATE:
        return float(Decimal(value).quantize(_RATE_PLACES, rounding=ROUND_HALF_UP))
    return float(Decimal(value).quantize(_HUNDREDTH, rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Compliance:
    """Deadlines met out of deadlines due (pending ones are not due yet) for a rule or level."""

    key: str | int | None  # the rule, or the fault level (None: no level known)
    met: int
    due: int

    @property
    def breached(self) -> int:
        return self.due - self.met

    @property
    def rate(self) -> Decimal | None:
        return rate(self.met, self.due)

    def to_dict(self, name: str) -> dict[str, Any]:
        return {
            name: self.key,
            "met": self.met,
            "due": self.due,
            "breached": self.breached,
            "rate": json_value(RATE, self.rate),
        }


@dataclass(frozen=True)
class ComplaintLine:
    """One complaint received in the month, as the monthly register lists it."""

    complaint_id: str
    sheet: str
    row: int
    received_at: datetime | None
    customer_name: str | None
    severity: str | None
    description: str | None
    responsible_id: str | None
    responsible_name: str | None
    feedback: str | None  # MET | BREACHED | PENDING (from sla's late_complaint_feedback)
    upheld: bool | None
    closed_at: datetime | None  # None also when closed only after the month
    penalty_amount: Decimal | None
    compensation: Decimal | None

    def to_dict(self) -> dict[str, Any]:
        return plain(self)


def plain(record: Any) -> dict[str, Any]:
    """A result record's fields as JSON values: times ISO, Decimals money (two decimals)."""
    out: dict[str, Any] = {}
    for key, value in record.__dict__.items():
        if isinstance(value, date):
            value = iso(value)
        elif isinstance(value, Decimal):
            value = money_str(value)
        out[key] = value
    return out


@dataclass(frozen=True)
class PersonComplaints:
    """Complaints of the month naming one responsible person (None: nobody named yet)."""

    staff_id: str | None
    name: str | None
    complaints: int
    general: int
    serious: int
    upheld: int

    def to_dict(self) -> dict[str, Any]:
        return plain(self)


@dataclass
class ComplaintSummary:
    """The monthly complaint register summary: counts, who, open/closed, 24-hour feedback."""

    lines: list[ComplaintLine] = field(default_factory=list)
    people: list[PersonComplaints] = field(default_factory=list)
    feedback_hours: Decimal = Decimal(24)

    def count(self, test: Callable[[ComplaintLine], bool]) -> int:
        return sum(1 for line in self.lines if test(line))

    def by_severity(self) -> dict[str, tuple[int, int]]:
        """severity -> (complaints, upheld)."""
        found = {s: (0, 0) for s in SEVERITIES}
        for line in self.lines:
            if line.severity in found:
                n, upheld = found[line.severity]
                found[line.severity] = (n + 1, upheld + (line.upheld is True))
        return found

    def figures(self) -> dict[str, int]:
        return {
            "total": len(self.lines),
            "upheld": self.count(lambda c: c.upheld is True),
            "closed": self.count(lambda c: c.closed_at is not None),
            "open": self.count(lambda c: c.closed_at is None),
            "feedback_on_time": self.count(lambda c: c.feedback == MET),
            "feedback_late": self.count(lambda c: c.feedback == BREACHED),
            "feedback_pending": self.count(lambda c: c.feedback == PENDING),
        }

    @property
    def compensation(self) -> Decimal:
        return sum((c.compensation or ZERO for c in self.lines), ZERO)

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.figures(),
            "feedback_hours": float(self.feedback_hours),
            "compensation": money_str(self.compensation),
            "by_severity": {
                s: {"complaints": n, "upheld": u} for s, (n, u) in self.by_severity().items()
            },
            "by_person": [p.to_dict() for p in self.people],
            "complaints": [line.to_dict() for line in self.lines],
        }


@dataclass
class CallbackSummary:
    """Callbacks due in the month (deadline in it) and satisfaction of the month's callbacks."""

    on_time: int = 0
    late: int = 0
    missing: int = 0
    pending: int = 0  # deadline in the month but not yet passed at the as-of moment
    distribution: dict[int, int] = field(default_factory=lambda: dict.fromkeys(SCORES, 0))

    @property
    def due(self) -> int:
        return self.on_time + self.late + self.missing

    @property
    def done(self) -> int:
        return self.on_time + self.late

    @property
    def completion_rate(self) -> Decimal | None:
        return rate(self.done, self.due)

    @property
    def rated(self) -> int:
        return sum(self.distribution.values())

    @property
    def mean(self) -> Decimal | None:
        total = sum(score * n for score, n in self.distribution.items())
        return round_two(Decimal(total) / self.rated) if self.rated else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "due": self.due,
            "done": self.done,
            "on_time": self.on_time,
            "late": self.late,
            "missing": self.missing,
            "pending": self.pending,
            "completion_rate": json_value(RATE, self.completion_rate),
            "rated": self.rated,
            "satisfaction_mean": json_value(SCORE, self.mean),
            "distribution": {str(s): self.distribution[s] for s in sorted(self.distribution)},
        }


@dataclass(frozen=True)
class TechnicianRow:
    """One technician's month: workload, quality, breaches, deductions, satisfaction."""

    staff_id: str
    name: str | None
    orders: int  # opened in the month
    completed: int
    first_time_fixed: int
    breaches: int  # SLA breaches in the month naming them
    penalties: Decimal  # deducted this month (after the cap)
    satisfaction: Decimal | None
    rated: int

    @property
    def fttr(self) -> Decimal | None:
        return rate(self.first_time_fixed, self.completed)

    def to_dict(self) -> dict[str, Any]:
        return {
            "staff_id": self.staff_id,
            "name": self.name,
            "orders": self.orders,
            "completed": self.completed,
            "first_time_fixed": self.first_time_fixed,
            "first_time_fix_rate": json_value(RATE, self.fttr),
            "breaches": self.breaches,
            "penalties": money_str(self.penalties),
            "satisfaction_mean": json_value(SCORE, self.satisfaction),
            "rated": self.rated,
        }


@dataclass(frozen=True)
class PartRow:
    """One part's consumption on the orders completed in the month (settlement's part lines)."""

    part_no: str | None
    part_name: str | None
    qty: int
    cost: Decimal

    def to_dict(self) -> dict[str, Any]:
        return plain(self)


def text_value(kind: str, value: Number | None) -> str:
    """A KPI as people read it: 83.3%, 1.40, 1234.50; a dash when there was nothing to count."""
    if value is None:
        return "—"
    if kind == COUNT:
        return str(int(value))
    if kind == RATE:
        return f"{_tenth(Decimal(value) * 100)}%"  # half-up, as Excel shows 0.6545 as 65.5%
    if kind == MONEY:
        return money_str(Decimal(value))
    return f"{Decimal(value):.2f}"


def _tenth(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def text_change(kind: str, change: Number | None, lang: str) -> str:
    """A change with its sign (no sign when nothing changed); rates in percentage points."""
    if change is None:
        return "—"
    sign = "+" if change else ""
    if kind == RATE:
        points = f"{_tenth(Decimal(change) * 100):{sign}f}"
        return say("kpi.points", lang, points=points)
    if kind == COUNT:
        return f"{int(change):{sign}d}"
    return f"{Decimal(change):{sign}.2f}"
