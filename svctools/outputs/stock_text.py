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
from svctools.core.money import money_str
from svctools.outputs.render import table

# label key -> (English, Chinese)
LABELS: dict[str, tuple[str, str]] = {
    "stock": ("Stock", "库存"),
    "stock_title": ("Stock as of {as_of}", "库存（截至 {as_of}）"),
    "negative": ("Negative stock", "负库存"),
    "counts": ("Count differences", "盘点差异"),
    "mismatches": ("Issued vs used", "领用与使用不符"),
    "old_parts": ("Old parts not returned", "旧件未回收"),
    "reorder": ("Reorder list", "补货清单"),
    "part_no": ("Part No", "配件编号"),
    "part_name": ("Part name", "配件名称"),
    "qty": ("Book qty", "账面数量"),
    "unit_cost": ("Unit cost", "成本单价"),
    "value": ("Value", "金额"),
    "reorder_level": ("Reorder level", "安全库存"),
    "suggested": ("Suggested qty", "建议补货"),
    "why": ("Why", "说明"),
    "row": ("Row", "行号"),
    "move_id": ("Move ID", "单据号"),
    "moved_at": ("Moved at", "日期"),
    "kind": ("Kind", "类型"),
    "move_qty": ("Qty", "数量"),
    "after": ("Book after", "之后账面"),
    "counted_on": ("Counted on", "盘点日期"),
    "counted_by": ("Counted by", "盘点人"),
    "book_qty": ("Book", "账面"),
    "counted_qty": ("Counted", "实盘"),
    "diff": ("Diff", "差异"),
    "gain_loss": ("Gain/loss", "盘盈/盘亏"),
    "gain": ("gain", "盘盈"),
    "loss": ("loss", "盘亏"),
    "order_id": ("Order ID", "工单号"),
    "technician": ("Technician", "维修员"),
    "technician_name": ("Name", "姓名"),
    "issued": ("Issued (net)", "领用净额"),
    "used": ("Used", "使用"),
    "due": ("Due back", "应回收时间"),
    "returned": ("Returned", "已回收"),
    "total": ("Total", "合计"),
    "none": ("none", "无"),
    "total_value": ("Stock value", "库存金额"),
    "count_value": ("Count differences", "盘点差异金额"),
    "not_valued": ("not valued", "未计价"),
}


def label(key: str, lang: str, **params: Any) -> str:
    en, zh = LABELS[key]
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
