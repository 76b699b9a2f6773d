"""The stock workbook (``stock --out``): 库存, 盘点差异, 领用与使用不符, 旧件未回收, 补货清单.

It reads a ``StockResult`` and computes nothing. Each sheet prints: A4 landscape, one page wide,
the title and header rows repeated on every page. Every cell goes through ``put`` (text from the
book never becomes a formula); the file is written atomically by ``save_workbook``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from svctools.compute.stock_records import StockResult
from svctools.core.messages import template
from svctools.outputs.stock_text import label, stock_rows
from svctools.outputs.xlsxout import MONEY_FORMAT, put, save_workbook

_TITLE = Font(bold=True, size=14)
_HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
_WRAP = Alignment(wrap_text=True, vertical="top")
_TOP = Alignment(vertical="top")
# sheet key -> column widths (the last column, "why", wraps)
_WIDTHS: dict[str, Sequence[int]] = {
    "stock": (12, 14, 9, 10, 12, 9, 60),
    "counts": (11, 12, 12, 7, 7, 7, 11, 9, 9, 48),
    "mismatches": (12, 12, 9, 10, 7, 70),
    "old_parts": (12, 12, 9, 8, 16, 6, 7, 64),
    "reorder": (12, 14, 9, 9, 10, 70),
    "negative": (12, 6, 10, 16, 7, 6, 9, 56),
}
SHEETS = ("stock", "counts", "mismatches", "old_parts", "reorder")


def _sheet(
    ws: Worksheet, key: str, headers: Sequence[str], rows: list[list[Any]], sub: str, lang: str
) -> int:
    """Title, subtitle, header row and rows; returns the last row written."""
    put(ws, 1, 1, ws.title).font = _TITLE
    put(ws, 2, 1, sub)
    for column, text in enumerate(headers, start=1):
        cell = put(ws, 3, column, text, bold=True)
        cell.fill = _HEAD_FILL
        cell.alignment = _WRAP
    row = 3
    for values in rows:
        row += 1
        for column, value in enumerate(values, start=1):
            fmt = MONEY_FORMAT if isinstance(value, Decimal) else None
            cell = put(ws, row, column, value, fmt)
            cell.alignment = _WRAP if column == len(values) else _TOP
        _fit_height(ws, row, str(values[-1] or ""), _WIDTHS[key][len(values) - 1])
    if not rows:
        row += 1
        put(ws, row, 1, label("none", lang))
    for column, width in enumerate(_WIDTHS[key], start=1):
        ws.column_dimensions[get_column_letter(column)].width = width
    _printable(ws, len(headers))
    return row


def _printable(ws: Worksheet, columns: int) -> None:
    """A4 landscape, fit to one page wide, title and header rows on every page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:3"
    ws.print_area = f"A1:{get_column_letter(columns)}{max(ws.max_row, 4)}"
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.freeze_panes = "A4"
    ws.oddFooter.center.text = "&P / &N"


def write_stock(result: StockResult, path: str | os.PathLike[str], lang: str = "zh") -> Path:
    """The five sheets; the stock sheet ends with the total value, negatives below it."""
    wb = Workbook()
    stamp = result.as_of.strftime("%Y-%m-%d %H:%M")
    sub = template("stock.as_of", lang) + stamp
    tables = stock_rows(result, lang)
    for index, key in enumerate(SHEETS):
        ws = wb.active if index == 0 else wb.create_sheet()
        ws.title = label(key, lang)
        headers, rows = tables[key]
        last = _sheet(ws, key, headers, rows, sub, lang)
        if key == "stock":
            _stock_footer(ws, result, last, lang)
        elif key == "counts":
            put(ws, last + 2, 1, label("total", lang), bold=True)
            put(ws, last + 2, 7, result.count_diff_value, MONEY_FORMAT, bold=True)
    return save_workbook(wb, path)


def _stock_footer(ws: Worksheet, result: StockResult, last: int, lang: str) -> None:
    """Total value, then the negative-stock table (the moves to look at first)."""
    put(ws, last + 2, 1, label("total_value", lang), bold=True)
    put(ws, last + 2, 5, result.stock_value, MONEY_FORMAT, bold=True)
    if not result.negative:
        return
    row = last + 4
    put(ws, row, 1, label("negative", lang), bold=True)
    for column, key in ((1, "part_no"), (3, "move_id"), (7, "why")):
        put(ws, row + 1, column, label(key, lang), bold=True).fill = _HEAD_FILL
    for offset, line in enumerate(result.negative, start=2):
        put(ws, row + offset, 1, line.part_no)
        put(ws, row + offset, 3, line.move_id)
        put(ws, row + offset, 7, line.why.text(lang)).alignment = _WRAP
        _fit_height(ws, row + offset, line.why.text(lang), _WIDTHS["stock"][-1])
    ws.print_area = f"A1:G{row + len(result.negative) + 1}"


def _fit_height(ws: Worksheet, row: int, text: str, width: int) -> None:
    """Room for a wrapped explanation: LibreOffice and Excel keep the height a file gives."""
    from wcwidth import wcswidth

    lines = max(1, -(-max(wcswidth(text), len(text)) // max(width - 2, 1)))
    if lines > 1:
        ws.row_dimensions[row].height = 15 * lines
