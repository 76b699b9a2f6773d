"""The report's 故障分析 sheet (SPEC §7.4): models in Pareto order with a native Pareto chart
(completed orders as bars, the cumulative share as a line on a second axis), and parts per model.

Reads the report's ``FaultAnalysis``; computes nothing. The chart references the table's cells.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from svctools.compute.faults import RISING_FACTOR, RISING_MIN_ORDERS, RISING_MONTHS, FaultAnalysis
from svctools.core.messages import CATALOGUE
from svctools.outputs.xlsxout import MONEY_FORMAT, put, text_lines

_HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
_RISING_FILL = PatternFill("solid", fgColor="F8CBAD")
_WRAP = Alignment(wrap_text=True, vertical="top")
_WIDTHS = (26, 9, 9, 9, 12, 11, 9, 11, 8, 70)
_CHART_ROWS = 23  # rows the chart (11 cm high) covers below the model table


def label(key: str, lang: str, **params: Any) -> str:
    zh, en = CATALOGUE[f"faults.{key}"]
    return (zh if lang == "zh" else en).format(**params)


def _header(ws: Worksheet, row: int, keys: Sequence[str], lang: str) -> None:
    for column, key in enumerate(keys, start=1):
        cell = put(ws, row, column, label(key, lang), bold=True)
        cell.fill = _HEAD_FILL
        cell.alignment = Alignment(wrap_text=True, horizontal="left" if column == 1 else "right")
    ws.cell(row, len(keys)).alignment = Alignment(horizontal="left")


def _models_table(ws: Worksheet, faults: FaultAnalysis, lang: str) -> int:
    """The model rows from row 5; returns the last row written."""
    keys = ("model", "completed", "quality", "repeats", "parts_cost", "average", "share")
    _header(ws, 4, (*keys, "cumulative", "rising", "why"), lang)
    formats = (None, "0", "0", "0", MONEY_FORMAT, "0.00", "0.0%", "0.0%", None, None)
    row = 4
    for model in faults.models:
        row += 1
        values = [
            model.product_model or label("unknown", lang),
            model.completed,
            model.quality,
            model.repeat_repairs,
            model.parts_cost,
            model.average,
            model.share,
            model.cumulative_share,
            label("yes", lang) if model.rising else None,
            model.why(lang),
        ]
        for column, (value, fmt) in enumerate(zip(values, formats, strict=True), start=1):
            cell = put(ws, row, column, value, fmt)
            cell.alignment = _WRAP if column in (1, 10) else Alignment(vertical="top")
        if model.rising:
            ws.cell(row, 9).fill = _RISING_FILL
            ws.cell(row, 9).font = Font(bold=True, color="C00000")
        ws.row_dimensions[row].height = 14.5 * text_lines(model.why(lang), _WIDTHS[-1]) + 2
    return row


def _pareto(ws: Worksheet, last: int, lang: str) -> None:
    """Bars of completed orders (column B) and the cumulative share (column H) as a line on a
    secondary axis from 0 to 100 %, over the model names (column A)."""
    cats = Reference(ws, min_col=1, min_row=5, max_row=last)
    bars = BarChart()
    bars.type = "col"
    bars.add_data(Reference(ws, min_col=2, min_row=4, max_row=last), titles_from_data=True)
    bars.set_categories(cats)
    bars.x_axis.delete = False
    bars.y_axis.delete = False
    bars.y_axis.title = label("completed", lang)
    bars.y_axis.majorGridlines = None
    line = LineChart()
    line.add_data(Reference(ws, min_col=8, min_row=4, max_row=last), titles_from_data=True)
    line.set_categories(cats)
    line.series[0].smooth = False
    line.series[0].marker.symbol = "circle"
    line.y_axis.axId = 200
    line.y_axis.title = label("cumulative", lang)
    line.y_axis.number_format = "0%"
    line.y_axis.scaling.min = 0
    line.y_axis.scaling.max = 1
    line.y_axis.crosses = "max"
    line.y_axis.delete = False
    bars += line
    bars.title = label("pareto", lang)
    bars.legend.position = "b"
    bars.width, bars.height = 26, 11
    ws.add_chart(bars, f"A{last + 2}")


def _parts_table(ws: Worksheet, row: int, faults: FaultAnalysis, lang: str) -> None:
    put(ws, row, 1, label("parts", lang), bold=True)
    _header(ws, row + 1, ("model", "part_no", "part_name", "qty", "cost"), lang)
    ws.cell(row + 1, 2).alignment = Alignment(horizontal="left")
    ws.cell(row + 1, 3).alignment = Alignment(horizontal="left")
    ws.cell(row + 1, 5).alignment = Alignment(horizontal="right")
    for offset, part in enumerate(faults.parts, start=row + 2):
        put(ws, offset, 1, part.product_model or label("unknown", lang))
        put(ws, offset, 2, part.part_no)
        put(ws, offset, 3, part.part_name)
        put(ws, offset, 4, part.qty, "0")
        put(ws, offset, 5, part.cost, MONEY_FORMAT)


def fault_sheet(ws: Worksheet, faults: FaultAnalysis | None, lang: str) -> None:
    """Fill the report's 故障分析 sheet."""
    if faults is None:
        return
    put(ws, 1, 1, label("title", lang, month=faults.month)).font = Font(bold=True, size=14)
    note = label(
        "note", lang, minimum=RISING_MIN_ORDERS, factor=RISING_FACTOR, months=RISING_MONTHS
    )
    put(ws, 2, 1, note)
    if not faults.models:
        put(ws, 4, 1, label("none", lang))
        return
    last = _models_table(ws, faults, lang)
    ws.row_breaks.append(Break(id=last))  # the chart and the parts table start a new page
    _pareto(ws, last, lang)
    _parts_table(ws, last + 2 + _CHART_ROWS, faults, lang)
    for column, width in enumerate(_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width
    ws.freeze_panes = "B5"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
