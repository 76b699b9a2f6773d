"""``svctools stock`` as text: one table per finding, each line with its rows and numbers.

Reads a ``StockResult`` and computes nothing; the workbook is ``stock_xlsx``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from svctools.compute.stock_records import StockResult, kind_name
from svctools.core.clock import iso
from svctools.core.messages import CATALOGUE
from svctools.core.money import money_str
from svctools.outputs.render import table


def label(key: str, lang: str, **params: Any) -> str:
    zh, en = CATALOGUE[f"stock.{key}"]
    return (zh if lang == "zh" else en).format(**params)


def money(value: Any) -> str:
    return "" if value is None else money_str(value)


def stock_rows(result: StockResult, lang: str) -> dict[str, tuple[Sequence[str], list[list[Any]]]]:
    """Each finding's headers and rows, as the text tables and the workbook show them."""
    tables: dict[str, tuple[Sequence[str], list[list[Any]]]] = {}
    tables["stock"] = (
        ("part_no", "part_name", "qty", "unit_cost", "value", "reorder_level", "why"),
        [
            [p.part_no, p.name, p.qty, p.unit_cost, p.value, p.reorder_level, p.why.text(lang)]
            for p in result.parts
        ],
    )
    tables["negative"] = (
        ("part_no", "row", "move_id", "moved_at", "kind", "move_qty", "after", "why"),
        [
            [
                n.part_no,
                n.row,
                n.move_id,
                n.moved_at,
                kind_name(n.kind, lang),
                n.qty,
                n.after,
                n.why.text(lang),
            ]
            for n in result.negative
        ],  # fmt: skip
    )
    tables["counts"] = (
        ("counted_on", "part_no", "part_name", "book_qty", "counted_qty", "diff", "value",
         "gain_loss", "counted_by", "why"),
        [
            [c.counted_on, c.part_no, c.name, c.book_qty, c.counted_qty, c.diff, c.value,
             label(c.kind, lang), c.counted_by, c.why.text(lang)]
            for c in result.counts
        ],
    )  # fmt: skip
    tables["mismatches"] = (
        ("order_id", "part_no", "technician", "issued", "used", "why"),
        [
            [m.order_id, m.part_no, m.technician_id, m.issued, m.used, m.why.text(lang)]
            for m in result.mismatches
        ],
    )
    tables["old_parts"] = (
        ("order_id", "part_no", "technician", "technician_name", "due", "used", "returned", "why"),
        [
            [o.order_id, o.part_no, o.technician_id, o.technician_name, o.due, o.used,
             o.returned, o.why.text(lang)]
            for o in result.old_parts_overdue
        ],
    )  # fmt: skip
    tables["reorder"] = (
        ("part_no", "part_name", "qty", "reorder_level", "suggested", "why"),
        [
            [p.part_no, p.name, p.qty, p.reorder_level, p.suggested_qty,
             p.reorder_why.text(lang) if p.reorder_why else ""]
            for p in result.reorder
        ],
    )  # fmt: skip
    return {
        key: (tuple(label(k, lang) for k in keys), rows) for key, (keys, rows) in tables.items()
    }


def _cell(value: Any) -> Any:
    if isinstance(value, Decimal):
        return money_str(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return iso(value)
    return "" if value is None else value


def stock_text(result: StockResult, lang: str) -> str:
    """Every table with a heading; an empty finding says so in one line."""
    stamp = result.as_of.strftime("%Y-%m-%d %H:%M")
    blocks = []
    for key, (headers, rows) in stock_rows(result, lang).items():
        title = label("stock_title", lang, as_of=stamp) if key == "stock" else label(key, lang)
        if not rows:
            blocks.append(f"== {title} ==\n{label('none', lang)}")
            continue
        shown = [[_cell(v) for v in row] for row in rows]
        blocks.append(f"== {title} ==\n{table(shown, headers)}")
    totals = (
        f"{label('total_value', lang)}: {money_str(result.stock_value)}    "
        f"{label('count_value', lang)}: {money_str(result.count_diff_value)}"
    )
    return "\n\n".join([*blocks, totals])
