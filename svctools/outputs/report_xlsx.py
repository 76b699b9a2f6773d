"""The monthly report as a workbook a manager opens: tables and native Excel charts.

It reads a ``MonthlyReport`` and computes nothing. Each chart references the cells of its table
(not a picture, not a copy of the numbers), so when the clerk corrects a figure the chart follows.
Every cell goes through ``set_text`` (a name such as ``=HYPERLINK(...)`` stays text) and the file
is written atomically by ``save_workbook``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.chart import BarChart, LineChart, PieChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from svctools.compute.report import MonthlyReport
from svctools.compute.report_records import (
    COUNT,
    HOURS,
    MONEY,
    RATE,
    SCORE,
    SEVERITIES,
    Compliance,
    PartRow,
    kpi_label,
)
from svctools.compute.stock_records import StockMonth
from svctools.core.messages import CATALOGUE, word
from svctools.outputs.faults_xlsx import fault_sheet
from svctools.outputs.xlsxout import DATE_FORMAT, MONEY_FORMAT, put, save_workbook

_FORMATS = {COUNT: "0", RATE: "0.0%", HOURS: "0.00", SCORE: "0.00", MONEY: MONEY_FORMAT}
_CHANGE_FORMATS = {
    COUNT: "+0;-0;0",
    RATE: "+0.0%;-0.0%;0.0%",
    HOURS: "+0.00;-0.00;0.00",
    SCORE: "+0.00;-0.00;0.00",
    MONEY: "+#,##0.00;[Red]-#,##0.00;0.00",
}
_TITLE = Font(bold=True, size=14)
_HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
_RIGHT = Alignment(horizontal="right")


def label(key: str, lang: str, **params: Any) -> str:
    zh, en = CATALOGUE[f"report.{key}"]
    return (zh if lang == "zh" else en).format(**params)


def sheet_titles(lang: str) -> dict[str, str]:
    """The sheet names of the report workbook in ``lang``, by key."""
    keys = ("overview", "complaints", "callbacks", "technicians", "parts", "faults", "daily")
    return {key: label(key, lang) for key in keys}


# -- cells -----------------------------------------------------------------------------------


def _put(
    ws: Worksheet, row: int, column: int, value: Any, fmt: str | None = None, bold: bool = False
) -> Cell:
    return put(ws, row, column, value, fmt, bold)


def _header(
    ws: Worksheet, row: int, labels: Sequence[str], numbers_from: int = 2, numbers_to: int = 99
) -> None:
    """A bold, shaded header row; headers of number columns (``numbers_from`` to
    ``numbers_to``) sit right, over their numbers."""
    for column, text in enumerate(labels, start=1):
        cell = _put(ws, row, column, text, bold=True)
        cell.fill = _HEAD_FILL
        if numbers_from <= column <= numbers_to:
            cell.alignment = _RIGHT


def _title(ws: Worksheet, text: str, sub: str | None = None) -> None:
    _put(ws, 1, 1, text).font = _TITLE
    if sub:
        _put(ws, 2, 1, sub)


def _widths(ws: Worksheet, widths: Sequence[float]) -> None:
    for column, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width


def _print_setup(ws: Worksheet, one_page: bool = False) -> None:
    """Landscape, one page wide: how it prints, and how scripts/render-report renders it."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1 if one_page else 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _yes(value: bool | None, lang: str) -> str | None:
    return None if value is None else label("yes" if value else "no", lang)


# -- charts ----------------------------------------------------------------------------------


def _axes(chart: BarChart | LineChart, y_title: str | None = None, percent: bool = False) -> None:
    """Show both axes (openpyxl 3.1 leaves them to the reader's default, often hidden)."""
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    if y_title:
        chart.y_axis.title = y_title
    if percent:
        chart.y_axis.number_format = "0%"
        chart.y_axis.scaling.min = 0
        chart.y_axis.scaling.max = 1


def _place(
    ws: Worksheet,
    chart: BarChart | LineChart | PieChart,
    anchor: str,
    title: str,
    w: float,
    h: float,
) -> None:
    chart.title = title
    chart.width, chart.height = w, h
    ws.add_chart(chart, anchor)


def _bar(
    ws: Worksheet,
    data: Reference,
    cats: Reference,
    anchor: str,
    title: str,
    percent: bool = False,
    legend: bool = False,
) -> BarChart:
    chart = BarChart()
    chart.type = "col"
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(cats)
    _axes(chart, percent=percent)
    if not legend:
        chart.legend = None
    _place(ws, chart, anchor, title, 16, 7.5)
    return chart


# -- sheets ----------------------------------------------------------------------------------


def _overview(ws: Worksheet, report: MonthlyReport, lang: str, daily: Worksheet) -> None:
    as_of = report.as_of.strftime("%Y-%m-%d %H:%M")
    sub = label("against", lang, previous=report.previous_month, as_of=as_of)
    _title(ws, f"{label('title', lang)} {report.month}", sub)
    _header(ws, 4, [label("kpi", lang), report.month, report.previous_month, label("change", lang)])
    row = 5
    for kpi in report.kpis:
        _put(ws, row, 1, kpi_label(kpi.key, lang))
        _put(ws, row, 2, kpi.value, _FORMATS[kpi.kind])
        _put(ws, row, 3, kpi.previous, _FORMATS[kpi.kind])
        _put(ws, row, 4, kpi.change, _CHANGE_FORMATS[kpi.kind])
        row += 1
    row += 1
    row = _compliance_table(ws, row, "sla_by_rule", "rule", report.sla_rules, lang)[1] + 2
    first, last = _compliance_table(ws, row, "sla_by_level", "level", report.sla_levels, lang)
    ws.freeze_panes = "B5"
    _widths(ws, [34, 13, 13, 13, 11, 2])
    _print_setup(ws, one_page=True)

    line = LineChart()
    days = len(report.daily_calls)
    line.add_data(Reference(daily, min_col=2, min_row=1, max_row=days + 1), titles_from_data=True)
    line.set_categories(Reference(daily, min_col=1, min_row=2, max_row=days + 1))
    line.series[0].smooth = False
    line.x_axis.number_format = "d"
    line.legend = None
    _axes(line)
    _place(ws, line, "G4", label("daily_title", lang), 18, 7.5)
    if last >= first:
        data = Reference(ws, min_col=5, min_row=first - 1, max_row=last)
        cats = Reference(ws, min_col=1, min_row=first, max_row=last)
        _bar(ws, data, cats, "G20", label("sla_by_level", lang), percent=True)


def _compliance_table(
    ws: Worksheet, row: int, title: str, kind: str, items: list[Compliance], lang: str
) -> tuple[int, int]:
    """A met/due/breached/rate table; returns its first and last data rows."""
    _put(ws, row, 1, label(title, lang), bold=True)
    keys = (kind, "met", "due", "breached", "rate")
    _header(ws, row + 1, [label(k, lang) for k in keys])
    first = row + 2
    for offset, item in enumerate(items):
        r = first + offset
        _put(ws, r, 1, _compliance_name(item.key, kind, lang))
        _put(ws, r, 2, item.met, "0")
        _put(ws, r, 3, item.due, "0")
        _put(ws, r, 4, item.breached, "0")
        _put(ws, r, 5, item.rate, "0.0%")
    return first, first + len(items) - 1


def _compliance_name(key: str | int | None, kind: str, lang: str) -> str:
    if kind == "level":
        return label("no_level", lang) if key is None else label("level_n", lang, n=key)
    rule = str(key)
    return word("report.rule", rule, lang)


def _daily_sheet(ws: Worksheet, report: MonthlyReport, lang: str) -> None:
    _header(ws, 1, [label("date", lang), label("calls", lang)])
    for row, (day, calls) in enumerate(report.daily_calls, start=2):
        _put(ws, row, 1, day, DATE_FORMAT)
        _put(ws, row, 2, calls, "0")
    ws.freeze_panes = "A2"
    _widths(ws, [12, 10])
    _print_setup(ws)


def _pairs(ws: Worksheet, row: int, pairs: Sequence[tuple[str, Any, str]]) -> int:
    """Label / value lines (a summary block); returns the next free row."""
    for text, value, fmt in pairs:
        _put(ws, row, 1, text, bold=True)
        _put(ws, row, 2, value, fmt)
        row += 1
    return row


def _complaints_sheet(ws: Worksheet, report: MonthlyReport, lang: str) -> None:
    summary = report.complaints
    figures = summary.figures()
    _title(ws, f"{label('complaints', lang)} {report.month}")
    hours = format(summary.feedback_hours.normalize(), "f")
    pairs: list[tuple[str, Any, str]] = [
        (label(k, lang), figures[k], "0") for k in ("total", "upheld", "closed", "open")
    ]
    pairs += [
        (label("feedback_on_time", lang, h=hours), figures["feedback_on_time"], "0"),
        (label("feedback_late", lang), figures["feedback_late"], "0"),
        (label("feedback_pending", lang), figures["feedback_pending"], "0"),
        (label("compensation", lang), summary.compensation, MONEY_FORMAT),
    ]
    row = _pairs(ws, 3, pairs) + 1
    _put(ws, row, 1, label("by_severity", lang), bold=True)
    _header(ws, row + 1, [label(k, lang) for k in ("severity", "count", "upheld")])
    first = row + 2
    for offset, (severity, (count, upheld)) in enumerate(summary.by_severity().items()):
        _put(ws, first + offset, 1, label(severity, lang))
        _put(ws, first + offset, 2, count, "0")
        _put(ws, first + offset, 3, upheld, "0")
    last = first + len(SEVERITIES) - 1
    pie = PieChart()
    pie.add_data(Reference(ws, min_col=2, min_row=first - 1, max_row=last), titles_from_data=True)
    pie.set_categories(Reference(ws, min_col=1, min_row=first, max_row=last))
    pie.dataLabels = DataLabelList(showVal=True, showPercent=False, showCatName=False)
    pie.dataLabels.showSerName = False
    pie.dataLabels.showLegendKey = False
    _place(ws, pie, "E2", label("by_severity", lang), 10, 6.5)
    row = _people_table(ws, last + 2, report, lang)
    _register(ws, row + 1, report, lang)
    ws.freeze_panes = "A3"
    _widths(ws, [22, 17, 12, 10, 12, 10, 8, 17, 12, 12, 40])
    _print_setup(ws)


def _people_table(ws: Worksheet, row: int, report: MonthlyReport, lang: str) -> int:
    _put(ws, row, 1, label("by_person", lang), bold=True)
    keys = ("staff_id", "name", "count", "general", "serious", "upheld")
    _header(ws, row + 1, [label(k, lang) for k in keys], numbers_from=3)
    row += 2
    for person in report.complaints.people:
        values: list[Any] = [person.staff_id or label("nobody", lang), person.name]
        values += [person.complaints, person.general, person.serious, person.upheld]
        for column, value in enumerate(values, start=1):
            _put(ws, row, column, value, "0" if column > 2 else None)
        row += 1
    return row + 1


def _register(ws: Worksheet, row: int, report: MonthlyReport, lang: str) -> int:
    """The month's complaints one per line, as in 月度用户投诉汇总统计表."""
    _put(ws, row, 1, label("register", lang), bold=True)
    keys = (
        "complaint_id",
        "received_at",
        "customer",
        "severity",
        "responsible",
        "feedback",
        "upheld",
        "closed_at",
        "penalty",
        "compensation",
        "description",
    )
    _header(ws, row + 1, [label(k, lang) for k in keys], numbers_from=9, numbers_to=10)
    row += 2
    for c in report.complaints.lines:
        values = [
            c.complaint_id,
            c.received_at,
            c.customer_name,
            label(c.severity, lang) if c.severity in SEVERITIES else c.severity,
            " ".join(x for x in (c.responsible_id, c.responsible_name) if x) or None,
            label(f"{c.feedback}_fb", lang) if c.feedback else None,
            _yes(c.upheld, lang),
            c.closed_at,
            c.penalty_amount,
            c.compensation,
            c.description,
        ]
        for column, value in enumerate(values, start=1):
            _put(ws, row, column, value, MONEY_FORMAT if column in (9, 10) else None)
        row += 1
    return row


def _callbacks_sheet(ws: Worksheet, report: MonthlyReport, lang: str) -> None:
    cb = report.callbacks
    _title(ws, f"{label('callbacks', lang)} {report.month}")
    pairs = [
        (label("cb_due", lang), cb.due, "0"),
        (label("cb_done", lang), cb.done, "0"),
        (label("cb_on_time", lang), cb.on_time, "0"),
        (label("cb_late", lang), cb.late, "0"),
        (label("cb_missing", lang), cb.missing, "0"),
        (label("cb_pending", lang), cb.pending, "0"),
        (label("cb_rate", lang), cb.completion_rate, "0.0%"),
        (label("cb_rated", lang), cb.rated, "0"),
        (label("cb_mean", lang), cb.mean, "0.00"),
    ]
    row = _pairs(ws, 3, pairs) + 1
    _put(ws, row, 1, label("distribution", lang), bold=True)
    _header(ws, row + 1, [label(k, lang) for k in ("satisfaction", "score", "times")])
    first = row + 2
    for offset, score in enumerate(sorted(cb.distribution)):
        zh, en = CATALOGUE[f"report.score.{score}"]
        _put(ws, first + offset, 1, zh if lang == "zh" else en)
        _put(ws, first + offset, 2, score, "0")
        _put(ws, first + offset, 3, cb.distribution[score], "0")
    last = first + len(cb.distribution) - 1
    data = Reference(ws, min_col=3, min_row=first - 1, max_row=last)
    cats = Reference(ws, min_col=1, min_row=first, max_row=last)
    _bar(ws, data, cats, "E3", label("distribution", lang))
    ws.freeze_panes = "A3"
    _widths(ws, [20, 12, 10])
    _print_setup(ws)


def _technicians_sheet(ws: Worksheet, report: MonthlyReport, lang: str) -> None:
    _title(ws, f"{label('technicians', lang)} {report.month}")
    keys = (
        "staff_id",
        "name",
        "orders",
        "completed",
        "ftf",
        "fttr",
        "breaches",
        "penalties",
        "cb_mean",
        "cb_rated",
    )
    formats = (None, None, "0", "0", "0", "0.0%", "0", MONEY_FORMAT, "0.00", "0")
    _header(ws, 3, [label(k, lang) for k in keys], numbers_from=3)
    row = 4
    for t in report.technicians:
        values: list[Any] = [t.staff_id, t.name, t.orders, t.completed, t.first_time_fixed, t.fttr]
        values += [t.breaches, t.penalties, t.satisfaction, t.rated]
        for column, (value, fmt) in enumerate(zip(values, formats, strict=True), start=1):
            _put(ws, row, column, value, fmt)
        row += 1
    last = row - 1
    if report.technicians:
        named = all(t.name for t in report.technicians)
        data = Reference(ws, min_col=3, max_col=4, min_row=3, max_row=last)
        cats = Reference(ws, min_col=2 if named else 1, min_row=4, max_row=last)
        _bar(ws, data, cats, "A" + str(last + 3), label("orders_per_tech", lang), legend=True)
    ws.freeze_panes = "C4"
    _widths(ws, [10, 12, 8, 8, 10, 12, 10, 12, 12, 10])
    _print_setup(ws)


def _parts_table(ws: Worksheet, row: int, title: str, parts: list[PartRow], lang: str) -> int:
    _put(ws, row, 1, label(title, lang), bold=True)
    keys = ("rank", "part_no", "part_name", "qty", "cost")
    _header(ws, row + 1, [label(k, lang) for k in keys], numbers_from=4)
    row += 2
    for rank, part in enumerate(parts, start=1):
        _put(ws, row, 1, rank, "0").alignment = Alignment(horizontal="center")
        _put(ws, row, 2, part.part_no)
        _put(ws, row, 3, part.part_name)
        _put(ws, row, 4, part.qty, "0")
        _put(ws, row, 5, part.cost, MONEY_FORMAT)
        row += 1
    return row + 1


def _parts_sheet(ws: Worksheet, report: MonthlyReport, lang: str) -> None:
    _title(ws, f"{label('parts', lang)} {report.month}", label("parts_note", lang))
    row = _parts_table(ws, 4, "by_qty", report.parts_by_qty, lang)
    row = _parts_table(ws, row, "by_cost", report.parts_by_cost, lang)
    if report.stock is not None:
        _stock_tables(ws, row, report.stock, lang)
    ws.freeze_panes = "A3"
    _widths(ws, [8, 14, 24, 10, 14, 10, 14])
    _print_setup(ws)


def _stock_tables(ws: Worksheet, row: int, stock: StockMonth, lang: str) -> None:
    """The month from the stock sheets: net issues and their cost, the stock at the month's
    end with its value, and the count differences dated in the month."""
    at = stock.at.strftime("%Y-%m-%d %H:%M")
    tables = [
        ("stock_issued", ("part_no", "part_name", "qty", "cost"),
         [(i.part_no, i.name, i.qty, i.cost) for i in stock.issued], stock.issued_cost),
        ("stock_end", ("part_no", "part_name", "qty", "cost"),
         [(p.part_no, p.name, p.qty, p.value) for p in stock.parts], stock.stock_value),
        ("stock_counts", ("part_no", "part_name", "qty", "cost"),
         [(c.part_no, c.name, c.diff, c.value) for c in stock.counts], stock.count_diff_value),
    ]  # fmt: skip
    for title, keys, rows, total in tables:
        _put(ws, row, 1, label(title, lang, at=at), bold=True)
        _header(ws, row + 1, ["", *(label(k, lang) for k in keys)], numbers_from=4)
        row += 2
        for values in rows:
            for column, value in enumerate(values, start=2):
                _put(ws, row, column, value, MONEY_FORMAT if column == 5 else None)
            row += 1
        _put(ws, row, 2, label("stock_total", lang), bold=True)
        _put(ws, row, 5, total, MONEY_FORMAT, bold=True)
        row += 2


def write_report(report: MonthlyReport, path: str | os.PathLike[str], lang: str = "zh") -> Path:
    """The report workbook: overview, complaints, callbacks, technicians, parts, daily calls."""
    wb = Workbook()
    titles = sheet_titles(lang)
    overview = wb.active
    overview.title = titles["overview"]
    sheets = {key: wb.create_sheet(titles[key]) for key in list(titles)[1:]}
    _daily_sheet(sheets["daily"], report, lang)
    _overview(overview, report, lang, sheets["daily"])
    _complaints_sheet(sheets["complaints"], report, lang)
    _callbacks_sheet(sheets["callbacks"], report, lang)
    _technicians_sheet(sheets["technicians"], report, lang)
    _parts_sheet(sheets["parts"], report, lang)
    fault_sheet(sheets["faults"], report.faults, lang)
    return save_workbook(wb, path)
