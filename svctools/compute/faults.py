"""Fault analysis for the maker (SPEC §7.4, 质量分析): the month's completed orders per product
model, how many were quality faults and repeat repairs, the parts they used, and which models
are rising.

Pure, and nothing is decided twice: the orders, their causes, repeats (§4.2) and parts come from
the month's ``Settlement``, so the sheet agrees with ``settle``; only the three months before
are counted here, from the ledger, for the ``rising`` flag.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from svctools.compute.computing import first_by, sheet_columns
from svctools.compute.settlement import Settlement
from svctools.compute.warranty import as_date
from svctools.core.clock import month_of
from svctools.core.messages import CATALOGUE, say, template
from svctools.core.money import ZERO, money_str
from svctools.core.records import Records

RISING_MIN_ORDERS = 5  # a model is rising with at least this many completed orders in the month
RISING_FACTOR = 2  # ... and at least this many times its monthly average of the months before
RISING_MONTHS = 3  # ... over this many months

_PLACES = Decimal("0.0001")
_CENTS = Decimal("0.01")


def _text(code: str, lang: str, **params: Any) -> str:
    zh, en = CATALOGUE[f"faults.why.{code}"]
    return (zh if lang == "zh" else en).format(**params)


def _fraction(part: int, whole: int) -> Decimal:
    return (Decimal(part) / Decimal(whole)).quantize(_PLACES, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class ModelRow:
    """One product model's month: orders, causes, repeats, parts, and whether it is rising."""

    product_model: str | None
    month: str
    completed: int
    quality: int
    repeat_repairs: int
    parts_cost: Decimal
    previous: tuple[tuple[str, int], ...]  # (month, completed), oldest first
    share: Decimal  # of the month's completed orders
    cumulative_share: Decimal  # this model and every model above it (Pareto)
    orders: tuple[str, ...] = ()
    repeats: tuple[tuple[str, str], ...] = ()  # (order, the earlier order it repeats)

    @property
    def average(self) -> Decimal:
        """Completed orders per month over the months before, to the hundredth."""
        total = sum(n for _, n in self.previous)
        return (Decimal(total) / RISING_MONTHS).quantize(_CENTS, rounding=ROUND_HALF_UP)

    @property
    def rising(self) -> bool:
        """At least 5 this month and at least twice the average (exact: 3 × n ≥ 2 × total)."""
        total = sum(n for _, n in self.previous)
        return (
            self.completed >= RISING_MIN_ORDERS
            and self.completed * RISING_MONTHS >= RISING_FACTOR * total
        )

    def why(self, lang: str = "zh") -> str:
        sep = template("punct.semicolon", lang)
        repeat_list = ""
        if self.repeats:
            pairs = ", ".join(f"{r}←{e}" for r, e in self.repeats)
            repeat_list = say("faults.why.repeat_list", lang, pairs=pairs)
        counts = _text(
            "counts",
            lang,
            month=self.month,
            completed=self.completed,
            quality=self.quality,
            repeats=self.repeat_repairs,
            repeat_list=repeat_list,
            parts=money_str(self.parts_cost),
        )
        history = _text(
            "history",
            lang,
            months="/".join(m for m, _ in self.previous),
            counts="/".join(str(n) for _, n in self.previous),
            average=self.average,
        )
        params = {
            "completed": self.completed,
            "minimum": RISING_MIN_ORDERS,
            "factor": RISING_FACTOR,
            "average": self.average,
            "twice": RISING_FACTOR * self.average,
        }
        if self.rising:
            verdict = _text("rising", lang, **params)
        elif self.completed < RISING_MIN_ORDERS:
            verdict = _text("not_rising_few", lang, **params)
        else:
            verdict = _text("not_rising", lang, **params)
        return sep.join((counts, history, verdict))

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        return {
            "product_model": self.product_model,
            "completed": self.completed,
            "quality": self.quality,
            "repeat_repairs": self.repeat_repairs,
            "parts_cost": money_str(self.parts_cost),
            "previous": [{"month": m, "completed": n} for m, n in self.previous],
            "average": str(self.average),
            "rising": self.rising,
            "share": str(self.share),
            "cumulative_share": str(self.cumulative_share),
            "orders": list(self.orders),
            "repeats": [{"order_id": r, "repeats": e} for r, e in self.repeats],
            "why": self.why(lang),
        }


@dataclass(frozen=True)
class ModelPart:
    """A part used on a model's orders completed in the month."""

    product_model: str | None
    part_no: str | None
    part_name: str | None
    qty: int
    cost: Decimal

    def to_dict(self) -> dict[str, Any]:
        return {
            "product_model": self.product_model,
            "part_no": self.part_no,
            "part_name": self.part_name,
            "qty": self.qty,
            "cost": money_str(self.cost),
        }


@dataclass
class FaultAnalysis:
    """The 故障分析 sheet's figures: models in Pareto order, and parts per model."""

    month: str
    models: list[ModelRow] = field(default_factory=list)
    parts: list[ModelPart] = field(default_factory=list)


def _months_before(first: date, count: int) -> list[tuple[date, date]]:
    """The ``count`` months before the one starting on ``first``, oldest first."""
    months = []
    stop = first
    for _ in range(count):
        start = (stop - timedelta(days=1)).replace(day=1)
        months.append((start, stop))
        stop = start
    return months[::-1]


def _history(
    records: Records, model_of: dict[Any, str | None], first: date
) -> dict[str | None, list[tuple[str, int]]]:
    """Completed orders per model in each of the three months before ``first``."""
    months = _months_before(first, RISING_MONTHS)
    start = months[0][0]
    counts: dict[tuple[str | None, int], int] = {}
    columns = sheet_columns(records, "repair_ledger", "status", "completed_at", "order_id")
    for status, done, order_id in zip(*columns, strict=True):
        if status != "completed" or done is None:
            continue
        day = as_date(done)
        if not start <= day < first:
            continue
        index = next(i for i, (a, b) in enumerate(months) if a <= day < b)
        key = (model_of.get(order_id), index)
        counts[key] = counts.get(key, 0) + 1
    models = {model for model, _ in counts}
    return {
        m: [(month_of(a), counts.get((m, i), 0)) for i, (a, _) in enumerate(months)] for m in models
    }


def _models_of_orders(records: Records) -> dict[Any, str | None]:
    """Each order's product model, through its call (the first call and the first order of an
    id, as ``Records.index`` takes them), whole columns at a time: each model is tidied once."""
    model_of_call = first_by(*sheet_columns(records, "call_log", "call_id", "product_model"))
    tidy = {model: str(model).strip() if model else None for model in model_of_call.values()}
    order_ids, call_ids = sheet_columns(records, "repair_ledger", "order_id", "call_id")
    models = map(tidy.get, map(model_of_call.get, call_ids))
    return dict(zip(reversed(order_ids), reversed(list(models)), strict=True))  # first wins


def compute_faults(records: Records, settlement: Settlement, first: date) -> FaultAnalysis:
    """The month's fault analysis; ``settlement`` is the month's (its orders, causes, parts)."""
    model_of = _models_of_orders(records)
    history = _history(records, model_of, first)
    empty = [(month_of(a), 0) for a, _ in _months_before(first, RISING_MONTHS)]
    groups: dict[str | None, dict[str, Any]] = {}
    parts: dict[tuple[str | None, str], list[Any]] = {}
    for bill in settlement.orders:
        model = model_of.get(bill.order_id)
        group = groups.setdefault(model, {"orders": [], "quality": 0, "repeats": [], "parts": ZERO})
        group["orders"].append(bill.order_id)
        group["quality"] += bill.fault_cause == "quality"
        if bill.repeat_of is not None:
            group["repeats"].append((bill.order_id, bill.repeat_of))
        group["parts"] += bill.parts
        for line in bill.part_lines:
            key = (model, (line.part_no or line.part_name or "").strip())
            entry = parts.setdefault(key, [line.part_no, line.part_name, 0, ZERO])
            entry[2] += line.qty
            entry[3] += line.amount
    ordered = sorted(
        groups.items(),
        key=lambda item: (-len(item[1]["orders"]), -item[1]["quality"], item[0] or ""),
    )
    total = len(settlement.orders)
    rows, running = [], 0
    for model, group in ordered:
        running += len(group["orders"])
        rows.append(
            ModelRow(
                product_model=model,
                month=settlement.month,
                completed=len(group["orders"]),
                quality=group["quality"],
                repeat_repairs=len(group["repeats"]),
                parts_cost=group["parts"],
                previous=tuple(history.get(model, empty)),
                share=_fraction(len(group["orders"]), total),
                cumulative_share=_fraction(running, total),
                orders=tuple(group["orders"]),
                repeats=tuple(group["repeats"]),
            )
        )
    part_rows = [
        ModelPart(model, no, name, qty, cost) for (model, _), (no, name, qty, cost) in parts.items()
    ]
    part_rows.sort(key=lambda p: (-p.qty, -p.cost, p.product_model or "", p.part_no or ""))
    return FaultAnalysis(settlement.month, rows, part_rows)
