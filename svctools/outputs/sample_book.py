"""A book written the way firms keep theirs (the demo, the bench): a merged title row, the
firm's own column order and sheet names, an extra column, a totals row with formulas."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook

from svctools.core.schema import Schema


@dataclass
class SampleSheet:
    """A sheet to write the way a firm keeps it: rows by column key, the firm's own sheet name,
    title row, column order, extra column and totals row."""

    key: str
    rows: list[dict[str, Any]]
    title: str | None = None
    order: list[str] | None = None  # column keys in the order the firm put them
    extra: str | None = None  # a column of the firm's own that svctools ignores
    totals: tuple[str, ...] = ()  # money columns summed in a totals row
    name: str | None = None  # the sheet's name, when the firm uses another
    planted: list[tuple[int, str, str]] = field(default_factory=list)  # (index, field, code)


def write_sample_book(
    schema: Schema, sheets: list[SampleSheet], lang: str
) -> tuple[Workbook, dict[str, int]]:
    """The workbook, and the header row of each sheet (by key)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    header_rows = {sheet.key: _write_sheet(workbook, schema, sheet, lang) for sheet in sheets}
    return workbook, header_rows


def _write_sheet(workbook: Workbook, schema: Schema, sheet: SampleSheet, lang: str) -> int:
    spec = schema[sheet.key]
    english = sheet.key == "staff"  # this firm's roster came from head office, in English
    worksheet = workbook.create_sheet(sheet.name or spec.title(lang))
    keys = sheet.order or []
    keys += [c.key for c in spec.columns if c.key not in keys]
    headers = [spec.by_key[k].header("en" if english else lang) for k in keys]
    if sheet.extra:
        headers.append(sheet.extra)
    header_row = 1
    if sheet.title:
        worksheet.cell(row=1, column=1, value=sheet.title).font = Font(bold=True, size=14)
        worksheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
        worksheet.cell(row=1, column=1).alignment = Alignment(horizontal="center")
        header_row = 2
    for index, header in enumerate(headers, start=1):
        worksheet.cell(row=header_row, column=index, value=header).font = Font(bold=True)
    for offset, row in enumerate(sheet.rows, start=1):
        for index, key in enumerate(keys, start=1):
            value = row.get(key)
            cell = worksheet.cell(row=header_row + offset, column=index, value=value)
            if isinstance(value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
    if sheet.totals:
        last = header_row + len(sheet.rows)
        total_row = last + 1
        worksheet.cell(row=total_row, column=1, value="合计").font = Font(bold=True)
        for key in sheet.totals:
            letter = get_column_letter(keys.index(key) + 1)
            worksheet.cell(
                row=total_row,
                column=keys.index(key) + 1,
                value=f"=SUM({letter}{header_row + 1}:{letter}{last})",
            )
    worksheet.freeze_panes = worksheet.cell(row=header_row + 1, column=1)
    _fit_widths(worksheet, header_row)
    return header_row


def _fit_widths(worksheet: Any, header_row: int, sample: int = 2000) -> None:
    """Each column as wide as its widest header or value (in the first ``sample`` rows, so a
    bench book stays quick): a date never shows as ###."""
    from wcwidth import wcswidth

    widths: dict[int, int] = {}
    last = min(worksheet.max_row, header_row + sample)  # past it, iter_rows would make cells
    for row in worksheet.iter_rows(min_row=header_row, max_row=last):
        for cell in row:
            value = cell.value
            if value is None or (isinstance(value, str) and value.startswith("=")):
                continue
            if isinstance(value, datetime):
                width = 16  # yyyy-mm-dd hh:mm
            elif isinstance(value, date):
                width = 10
            else:
                width = max(wcswidth(str(value)), len(str(value)))
            widths[cell.column] = max(widths.get(cell.column, 0), width)
    for column, width in widths.items():
        worksheet.column_dimensions[get_column_letter(column)].width = min(width + 3, 60)
