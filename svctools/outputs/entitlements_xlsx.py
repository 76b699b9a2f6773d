"""The 三包 rights as a printable workbook: one sheet, a line per right with why it holds."""

from __future__ import annotations

import os
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from svctools.compute.entitlements import Entitlements
from svctools.core.messages import by_lang
from svctools.outputs.entitlements_text import HEADERS, row_values, title
from svctools.outputs.xlsxout import DATE_FORMAT, put, save_workbook, text_lines

_SHEET = by_lang("rights.sheet")
_WHY = by_lang("rights.why_col")
_NUMBER = by_lang("rights.number")
_WIDTHS = (4, 10, 10, 16, 16, 16, 11, 6, 16, 8, 70)
_HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
_WRAP = Alignment(wrap_text=True, vertical="top")
_TOP = Alignment(vertical="top")
_THIN = Side(style="thin", color="808080")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_LINE_HEIGHT = 14.5  # points per wrapped line of 10-point text


def write_entitlements(
    result: Entitlements,
    path: str | os.PathLike[str],
    lang: str = "zh",
    sheet_names: dict[str, str] | None = None,
) -> Path:
    """One landscape A4 sheet, fit to the page width, header repeated on every page."""
    wb = Workbook()
    ws = wb.active
    ws.title = _SHEET[lang]
    put(ws, 1, 1, title(result, lang)).font = Font(bold=True, size=13)
    headers = [_NUMBER[lang], *HEADERS[lang], _WHY[lang]]
    for column, text in enumerate(headers, start=1):
        cell = put(ws, 3, column, text, bold=True)
        cell.fill = _HEAD_FILL
        cell.alignment = _WRAP
        cell.border = _BOX
    for index, right in enumerate(result.calls, start=1):
        row = 3 + index
        why = right.why(lang, sheet_names)
        values: list[object] = [index, *row_values(right, lang), why]
        values[6] = right.arose_on
        values[7] = right.days
        for column, value in enumerate(values, start=1):
            cell = put(ws, row, column, value, DATE_FORMAT if column == 7 else None)
            cell.alignment = _WRAP if column in (3, 5, 6, 9, 11) else _TOP
            cell.border = _BOX
        ws.row_dimensions[row].height = _LINE_HEIGHT * text_lines(why, _WIDTHS[-1]) + 2
    for column, width in enumerate(_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width
    ws.freeze_panes = "B4"
    ws.print_title_rows = "3:3"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    return save_workbook(wb, path)
