"""The monthly report's overview as a table for the terminal."""

from __future__ import annotations

from tabulate import tabulate

from svctools.compute.report import MonthlyReport
from svctools.compute.report_records import kpi_label, text_change, text_value


def report_text(report: MonthlyReport, lang: str = "zh") -> str:
    """The overview as a table: each KPI, the month before and the change."""
    zh = lang == "zh"
    head = (
        f"月度报告 {report.month}（对比 {report.previous_month}）"
        if zh
        else f"Monthly report {report.month} (against {report.previous_month})"
    )
    headers = (
        ["指标", report.month, report.previous_month, "变化"]
        if zh
        else [
            "KPI",
            report.month,
            report.previous_month,
            "Change",
        ]
    )
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
