"""The stock's result records (SPEC §7.2) and their explanations, in zh and en.

Split from ``stock`` (which computes them) the way ``report_records`` is from ``report``: these
are what the renderers read and what ``stock --format json`` prints.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from svctools.core.clock import iso
from svctools.core.messages import CATALOGUE, template
from svctools.core.money import ZERO, money_str


@dataclass(frozen=True)
class Why:
    """Why a figure is what it is: text pieces (codes and their numbers) joined in zh or en."""

    parts: tuple[tuple[str, dict[str, Any]], ...]

    @classmethod
    def of(cls, code: str, **params: Any) -> Why:
        return cls(((code, params),))

    def __add__(self, other: Why) -> Why:
        return Why(self.parts + other.parts)

    def text(self, lang: str = "zh") -> str:
        pieces = []
        for code, params in self.parts:
            zh, en = CATALOGUE[f"stock.why.{code}"]
            values = {k: (v(lang) if callable(v) else v) for k, v in params.items()}
            pieces.append((zh if lang == "zh" else en).format(**values))
        return (template("punct.semicolon", lang)).join(pieces)


def kind_name(kind: str, lang: str) -> str:
    zh, en = CATALOGUE[f"stock.kind.{kind}"]
    return zh if lang == "zh" else en


def rows_text(rows: Iterable[int]) -> str:
    return ", ".join(map(str, rows))


# -- results -----------------------------------------------------------------------------------


@dataclass
class PartStock:
    """One part at the as-of moment: book quantity, value, reorder."""

    part_no: str
    name: str | None
    row: int
    unit_cost: Decimal | None
    qty: int
    value: Decimal | None
    reorder: bool
    suggested_qty: int | None
    why: Why
    reorder_why: Why | None = None
    reorder_level: int | None = None

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        return {
            "part_no": self.part_no,
            "name": self.name,
            "qty": self.qty,
            "value": None if self.value is None else money_str(self.value),
            "reorder": self.reorder,
            "suggested_qty": self.suggested_qty,
            "sheet": "parts_stock",
            "row": self.row,
            "unit_cost": None if self.unit_cost is None else money_str(self.unit_cost),
            "reorder_level": self.reorder_level,
            "why": self.why.text(lang),
            "reorder_why": self.reorder_why.text(lang) if self.reorder_why else None,
        }


@dataclass
class NegativeStock:
    """The first move after which a part's book quantity is below 0."""

    part_no: str
    move_id: str | None
    row: int
    moved_at: datetime
    kind: str
    qty: int
    before: int
    after: int
    why: Why

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        return {
            "part_no": self.part_no,
            "move_id": self.move_id,
            "sheet": "stock_moves",
            "row": self.row,
            "moved_at": iso(self.moved_at),
            "kind": self.kind,
            "qty": self.qty,
            "book_qty_before": self.before,
            "book_qty": self.after,
            "why": self.why.text(lang),
        }


@dataclass
class CountDiff:
    """A count that disagrees with the book (盘盈 when more was counted, 盘亏 when less)."""

    part_no: str
    name: str | None
    row: int
    counted_on: date
    counted_by: str | None
    book_qty: int
    counted_qty: int
    value: Decimal | None
    why: Why

    @property
    def diff(self) -> int:
        return self.counted_qty - self.book_qty

    @property
    def kind(self) -> str:
        return "gain" if self.diff > 0 else "loss"

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        return {
            "part_no": self.part_no,
            "counted_on": iso(self.counted_on),
            "book_qty": self.book_qty,
            "counted_qty": self.counted_qty,
            "diff": self.diff,
            "value": None if self.value is None else money_str(self.value),
            "kind": self.kind,
            "sheet": "stock_counts",
            "row": self.row,
            "counted_by": self.counted_by,
            "why": self.why.text(lang),
        }


@dataclass
class Mismatch:
    """A completed order whose net issues of a part differ from the parts it used."""

    order_id: str
    part_no: str
    technician_id: str | None
    issued: int
    used: int
    why: Why

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        return {
            "order_id": self.order_id,
            "part_no": self.part_no,
            "issued": self.issued,
            "used": self.used,
            "technician_id": self.technician_id,
            "why": self.why.text(lang),
        }


@dataclass
class OldPartOverdue:
    """Old parts of a completed order not back (旧件回收) by their due moment."""

    order_id: str
    part_no: str
    technician_id: str | None
    technician_name: str | None
    due: datetime
    used: int
    returned: int
    why: Why

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        return {
            "order_id": self.order_id,
            "part_no": self.part_no,
            "technician_id": self.technician_id,
            "due": iso(self.due),
            "used": self.used,
            "returned": self.returned,
            "technician_name": self.technician_name,
            "why": self.why.text(lang),
        }


@dataclass
class StockResult:
    """Everything ``svctools stock`` shows; ``to_dict`` is its JSON (SPEC §7.2)."""

    as_of: datetime
    parts: list[PartStock]
    negative: list[NegativeStock]
    counts: list[CountDiff]
    mismatches: list[Mismatch]
    old_parts_overdue: list[OldPartOverdue]
    warnings: list[Why] = field(default_factory=list)

    @property
    def reorder(self) -> list[PartStock]:
        return [part for part in self.parts if part.reorder]

    @property
    def stock_value(self) -> Decimal:
        return sum((p.value for p in self.parts if p.value is not None), ZERO)

    @property
    def count_diff_value(self) -> Decimal:
        return sum((c.value for c in self.counts if c.value is not None), ZERO)

    def warning_texts(self, lang: str = "zh") -> list[str]:
        return [w.text(lang) for w in self.warnings]

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        return {
            "as_of": iso(self.as_of),
            "parts": [p.to_dict(lang) for p in self.parts],
            "negative": [n.to_dict(lang) for n in self.negative],
            "counts": [c.to_dict(lang) for c in self.counts],
            "mismatches": [m.to_dict(lang) for m in self.mismatches],
            "old_parts_overdue": [o.to_dict(lang) for o in self.old_parts_overdue],
            "totals": {
                "stock_value": money_str(self.stock_value),
                "count_diff_value": money_str(self.count_diff_value),
            },
            "warnings": self.warning_texts(lang),
        }


@dataclass
class IssuedLine:
    """A part's net issues (领用 − 退库) in a month and their cost at its unit cost."""

    part_no: str
    name: str | None
    qty: int
    cost: Decimal | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "part_no": self.part_no,
            "name": self.name,
            "qty": self.qty,
            "cost": None if self.cost is None else money_str(self.cost),
        }


@dataclass
class StockMonth:
    """The monthly report's 配件 figures: what the month issued and what it cost, the stock at
    the month's end (or the as-of moment, for the current month), the counts in the month."""

    month: str
    at: datetime  # the moment the stock is valued at
    issued: list[IssuedLine]
    parts: list[PartStock]
    counts: list[CountDiff]

    @property
    def issued_cost(self) -> Decimal:
        return sum((line.cost for line in self.issued if line.cost is not None), ZERO)

    @property
    def stock_value(self) -> Decimal:
        return sum((p.value for p in self.parts if p.value is not None), ZERO)

    @property
    def count_diff_value(self) -> Decimal:
        return sum((c.value for c in self.counts if c.value is not None), ZERO)

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        return {
            "month": self.month,
            "valued_at": iso(self.at),
            "issued": [line.to_dict() for line in self.issued],
            "issued_cost": money_str(self.issued_cost),
            "parts": [
                {
                    "part_no": p.part_no,
                    "name": p.name,
                    "qty": p.qty,
                    "value": None if p.value is None else money_str(p.value),
                }
                for p in self.parts
            ],  # fmt: skip
            "stock_value": money_str(self.stock_value),
            "counts": [c.to_dict(lang) for c in self.counts],
            "count_diff_value": money_str(self.count_diff_value),
        }
