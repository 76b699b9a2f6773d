"""The printable 派单建议 workbook: one row per waiting item, the suggestion and two others.

A clerk prints it in the morning and ticks off each row as the technician takes it: landscape
A4, one page wide, the header repeated on every page, long text wrapped inside its cell.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from typing import Any

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook

from svctools.compute.dispatch import DispatchResult
from svctools.core.messages import template
from svctools.outputs.dispatch_text import (
    SHEET_HEADERS,
    SHEET_TITLE,
    SHEET_WIDTHS,
    sheet_rows,
    title,
)
from svctools.outputs.xlsxout import put, save_workbook

_HEADER_FILL = PatternFill("solid", start_color="DDEBF7", end_color="DDEBF7")
_URGENT_FILL = PatternFill("solid", start_color="FCE4D6", end_color="FCE4D6")
_NOBODY_FONT = Font(color="C00000")
_THIN = Side(style="thin", color="A6A6A6")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")
_HEADER_ROW = 3  # a title and the as-of line above it
_LINE_POINTS = 15  # a line of 11-point text


def dispatch_workbook(result: DispatchResult, lang: str) -> Workbook:
    workbook = Workbook()
    ws = workbook.active
    ws.title = SHEET_TITLE[lang]
    put(ws, 1, 1, title(result, lang), bold=True).font = Font(bold=True, size=14)
    note = template("dispatch.sheet_note", lang)
    put(ws, 2, 1, note)
    headers = SHEET_HEADERS[lang]
    for column, header in enumerate(headers, start=1):
        cell = put(ws, _HEADER_ROW, column, header, bold=True)
        cell.fill, cell.border, cell.alignment = _HEADER_FILL, _BORDER, _WRAP
    for offset, (item, values) in enumerate(
        zip(result.items, sheet_rows(result, lang), strict=True), start=1
    ):
        row = _HEADER_ROW + offset
        for column, value in enumerate(values, start=1):
            cell = put(ws, row, column, value)
            cell.border, cell.alignment = _BORDER, _WRAP
            if item.urgent:
                cell.fill = _URGENT_FILL
        ws.row_dimensions[row].height = _LINE_POINTS * _lines(values)
        if not item.candidates:
            ws.cell(row=row, column=10).font = _NOBODY_FONT
            ws.cell(row=row, column=11).font = _NOBODY_FONT
    ws.row_dimensions[_HEADER_ROW].height = _LINE_POINTS * _lines(headers)
    for column, width in enumerate(SHEET_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width
    ws.freeze_panes = ws.cell(row=_HEADER_ROW + 1, column=1)
    ws.print_title_rows = f"{_HEADER_ROW}:{_HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.oddFooter.center.text = "&P / &N"
    return workbook


def _lines(values: Sequence[Any]) -> int:
    """The lines the tallest cell of a row wraps to (LibreOffice and WPS keep a row's height
    as written, so text wrapped in a cell needs the height set)."""
    from wcwidth import wcswidth

    most = 1
    for value, width in zip(values, SHEET_WIDTHS, strict=True):
        if not isinstance(value, str):
            continue
        room = width * 1.1  # a column w wide holds about 1.1 w half-width characters
        parts = value.split("\n")
        lines = sum(max(1, math.ceil(max(wcswidth(part), 0) / room)) for part in parts)
        most = max(most, lines)
    return most


def write_dispatch(result: DispatchResult, path: str | os.PathLike[str], lang: str) -> None:
    save_workbook(dispatch_workbook(result, lang), path)
