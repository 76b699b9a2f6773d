"""The monthly report's overview as a table for the terminal."""

from __future__ import annotations

from tabulate import tabulate

from svctools.compute.report import MonthlyReport
from svctools.compute.report_records import kpi_label, text_change, text_value
from svctools.core.messages import say, template


def report_text(report: MonthlyReport, lang: str = "zh") -> str:
    """The overview as a table: each KPI, the month before and the change."""
    head = say("report.text_title", lang, month=report.month, previous=report.previous_month)
    kpi, change = template("report.kpi", lang), template("report.change", lang)
    headers = [kpi, report.month, report.previous_month, change]
    rows = [
        [
            kpi_label(k.key, lang),
            text_value(k.kind, k.value),
            text_value(k.kind, k.previous),
            text_change(k.kind, k.change, lang),
        ]
        for k in report.kpis
    ]
    table = tabulate(
        rows,
        headers=headers,
        disable_numparse=True,
        colalign=("left", "right", "right", "right"),
    )
    return f"{head}\n\n{table}\n"
