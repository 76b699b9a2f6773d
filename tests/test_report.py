"""The monthly report: every KPI worked out by hand on a small book, the workbook and its charts,
and agreement with ``sla``, ``penalties`` and ``settle`` (one source of truth).

The book is conftest's valid book plus a few rows, judged as of 2026-11-20 09:00 with the default
policy (response 1 h level 1, 2 h levels 2-4; acceptance 2 h, urgent 1 h; on-site 24 h level 2,
72 h level 4; repair 3 working days; complaint feedback 24 h; callback 3 days; calendar hours).
2026 facts (tests/test_workcal.py): National Day rest Thu 10-01 .. Wed 10-07, Sat 10-10 worked;
working hours 09:00-12:00 and 13:30-18:00.

    call  time              level  response      order  technician  status     completed
    C000  09-15 (Tue) 10:00   2    10:30 (0.5h)  W000   T01 到店    completed  09-16 16:00
    C001  10-05 (Mon) 14:30   2    15:00 (0.5h)  W001   T01 上门    completed  10-07 16:00
    C002  10-12 (Mon) 09:15   3    09:40 (25m)   W002   T01 寄修    in progress (urgent call)
    C003  10-19 (Mon) 09:00   1    11:00 (2h!)   W003   T01 到店    completed  10-20 15:00
    C004  10-26 (Mon) 10:00   4    10:30 (0.5h)  W004   T01 上门    completed  10-27 11:00
    C005  10-28 (Wed) 14:00   2    14:20 (20m)   W005   T01 上门    cancelled

C003 has C001's serial SN0001: W003 repeats W001 (12 days), cause quality; W003 has 1 rework.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import AS_OF, Book, set_cell, valid_rows, validate_book, write_book

from svctools.cli import cli
from svctools.compute.report import MonthlyReport, compute_report
from svctools.compute.report_records import percentile, rate
from svctools.core.clock import parse_month
from svctools.core.policy import Policy
from svctools.core.records import Records
from svctools.demo.sample import DEMO_AS_OF, build_demo_book
from svctools.outputs.report_text import report_text
from svctools.outputs.report_xlsx import sheet_titles, write_report

AS_OF_TEXT = "2026-11-20T09:00"
D = Decimal


def dt(text: str) -> datetime:
    return datetime.fromisoformat(text)


# fmt: off
def small_rows() -> Book:
    """conftest's valid book plus a September order and three more October calls."""
    rows = valid_rows()
    rows["来电登记"] += [
        ["C000", dt("2026-09-15T10:00"), "赵先生", "13811112222", None, None, "电话", "KX-100",
         "SN0009", date(2025, 1, 1), "不开机", 2, "否", "A01", dt("2026-09-15T10:30")],
        ["C003", dt("2026-10-19T09:00"), "刘女士", "13812345678", None, None, "电话", "KX-200",
         "SN0001", date(2026, 3, 1), "又不制冷", 1, "否", "A01", dt("2026-10-19T11:00")],
        ["C004", dt("2026-10-26T10:00"), "孙女士", "13833334444", None, None, "APP", "KX-400",
         "SN0004", date(2024, 1, 1), "噪音大", 4, "否", "A01", dt("2026-10-26T10:30")],
        ["C005", dt("2026-10-28T14:00"), "周先生", "13855556666", None, None, "电话", "KX-500",
         "SN0005", None, "显示故障码", 2, "否", "A01", dt("2026-10-28T14:20")],
    ]
    rows["维修台帐"] += [
        ["W000", "C000", "T01", "到店", "已完工", dt("2026-09-15T11:00"), dt("2026-09-15T11:30"),
         None, dt("2026-09-16T16:00"), "否", "保外", "其他", 100, None, None, None, None, "合格",
         0, 100],
        ["W003", "C003", "T01", "到店", "已完工", dt("2026-10-19T09:30"), dt("2026-10-19T10:00"),
         None, dt("2026-10-20T15:00"), "否", "保内", "质量问题", 0, None, None, None, None, "合格",
         1, 0],
        ["W004", "C004", "T01", "上门", "已完工", dt("2026-10-26T11:00"), dt("2026-10-26T11:20"),
         dt("2026-10-27T09:00"), dt("2026-10-27T11:00"), "否", "保外", "正常磨损", 200, None,
         None, None, None, "合格", 0, 200],
        ["W005", "C005", "T01", "上门", "已取消"],
    ]
    rows["配件使用"] += [["W003", "P-300", "电容", 2, 25], ["W004", "P-200", "密封圈", 3, 12.5]]
    rows["回访登记"] += [
        ["W000", dt("2026-09-17T10:00"), "A01", "不满意", None],
        ["W004", dt("2026-10-31T10:00"), "A01", "一般", None],
    ]
    return rows
# fmt: on


def report_of(path: Path, month: str = "2026-10", policy: Policy | None = None) -> MonthlyReport:
    loaded = validate_book(path)
    assert loaded.problems == []
    return compute_report(loaded.records, policy or Policy(), *parse_month(month), AS_OF)


@pytest.fixture(scope="module")
def small_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_book(tmp_path_factory.mktemp("report") / "small.xlsx", small_rows())


@pytest.fixture(scope="module")
def small(small_book: Path) -> MonthlyReport:
    return report_of(small_book)


@pytest.fixture(scope="module")
def workbook(small: MonthlyReport, tmp_path_factory: pytest.TempPathFactory) -> Any:
    path = write_report(small, tmp_path_factory.mktemp("out") / "report.xlsx", "zh")
    return openpyxl.load_workbook(path)


def run(*args: object) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout, result.stderr


# -- KPIs by hand -----------------------------------------------------------------------------

# key -> (October, September)
EXPECTED = {
    "calls": (5, 1),  # C001-C005 / C000
    "orders_opened": (5, 1),  # an order opens with its call
    "orders_completed": (3, 1),  # W001 W003 W004 / W000
    "orders_cancelled": (1, 0),  # W005
    "orders_open": (1, 0),  # W002 (in progress at the end of October)
    # W001 came back as W003 within 30 days, W003 was reworked once, W004 fixed: 1/3
    "first_time_fix_rate": (D("0.3333"), D("1.0000")),
    # October deadlines (met/due): response 4/5 (C003 2 h > 1 h), acceptance 4/4, arrival 2/2
    # (W001, W004), repair 3/4 (W002 open, due 10-19 10:30 after the parts wait), complaint
    # feedback 2/2, callback 1/3 (W003 none, W004 on 10-31 after its 10-30 11:00 deadline).
    "sla_compliance": (D("0.8000"), D("1.0000")),  # 16/20; September: C000 + W000 x3 = 4/4
    "sla_late_response": (D("0.8000"), D("1.0000")),
    "sla_late_acceptance": (D("1.0000"), D("1.0000")),
    "sla_late_arrival": (D("1.0000"), None),  # W000 is walk-in: nothing due
    "sla_overdue_repair": (D("0.7500"), D("1.0000")),
    "sla_late_complaint_feedback": (D("1.0000"), None),
    "sla_late_callback": (D("0.3333"), D("1.0000")),
    # by the call's level: 1 = C003 response, W003 acceptance/repair/callback -> 2/4;
    # 2 = C001 + W001 x4 + K002 (on W001) + C005 -> 7/7; 3 = C002, W002 x2, K001 (on W002) -> 3/4;
    # 4 = C004 + W004 x4 (callback late) -> 4/5
    "sla_level_1": (D("0.5000"), None),
    "sla_level_2": (D("1.0000"), D("1.0000")),
    "sla_level_3": (D("0.7500"), None),
    "sla_level_4": (D("0.8000"), None),
    # responses 20m 25m 30m 30m 2h: median 0.5; P90 at rank 0.9*4 = 3.6: 0.5 + 0.6*1.5 = 1.4
    "response_hours_median": (D("0.50"), D("0.50")),
    "response_hours_p90": (D("1.40"), D("0.50")),
    # working hours accepted -> completed: W001 0 (all in the holiday); W003 Mon 10:00-12:00,
    # 13:30-18:00, Tue 09:00-12:00, 13:30-15:00 = 11; W004 Mon 11:20-12:00, 13:30-18:00,
    # Tue 09:00-11:00 = 7 h 10 m. Median 7.1667; P90 at rank 1.8: 7.1667 + 0.8*3.8333 = 10.2333.
    # September W000: Tue 11:30-12:00 + 4.5 h, Wed 3 h + 2.5 h = 10.5
    "repair_hours_median": (D("7.17"), D("10.50")),
    "repair_hours_p90": (D("10.23"), D("10.50")),
    "complaints": (2, 0),
    "complaints_general": (1, 0),
    "complaints_serious": (1, 0),
    "complaints_upheld": (1, 0),  # K001
    "callback_completion_rate": (D("0.6667"), D("1.0000")),  # W001, W004 of 3 / W000
    "satisfaction_mean": (D("4.00"), D("2.00")),  # (5 + 4 + 3) / 3 / 不满意 = 2
    # W001 free (in warranty, quality), W003 free (repeat of W001), W004 200 + 3 x 12.50
    "customer_charge": (D("237.50"), D("100.00")),
    "company_cost": (D("400.00"), D("0.00")),  # parts of free orders: 350 + 2 x 25
    # T01: W002 overdue 50 + W003 rework 30 + repeat 50 + K001 general 100 = 230;
    # A01: C003 late response 20 + two late callbacks 2 x 10 = 40
    "penalties_deducted": (D("270.00"), D("0.00")),
}


def test_every_kpi_worked_out_by_hand(small: MonthlyReport) -> None:
    assert small.month == "2026-10" and small.previous_month == "2026-09"
    got = {k.key: (k.value, k.previous) for k in small.kpis}
    assert got == EXPECTED


def test_change_is_this_month_minus_the_last(small: MonthlyReport) -> None:
    assert small.kpi("calls").change == 4
    assert small.kpi("first_time_fix_rate").change == D("-0.6667")
    assert small.kpi("customer_charge").change == D("137.50")
    assert small.kpi("sla_late_arrival").change is None  # nothing due in September


def test_sla_compliance_tables(small: MonthlyReport) -> None:
    rules = [(c.key, c.met, c.due, c.breached) for c in small.sla_rules]
    assert rules == [
        ("late_response", 4, 5, 1),
        ("late_acceptance", 4, 4, 0),
        ("late_arrival", 2, 2, 0),
        ("overdue_repair", 3, 4, 1),
        ("late_complaint_feedback", 2, 2, 0),
        ("late_callback", 1, 3, 2),
    ]
    levels = [(c.key, c.met, c.due) for c in small.sla_levels]
    assert levels == [(1, 2, 4), (2, 7, 7), (3, 3, 4), (4, 4, 5)]


def test_complaint_summary(small: MonthlyReport) -> None:
    summary = small.complaints
    assert summary.figures() == {
        "total": 2,
        "upheld": 1,
        "closed": 1,  # K001 closed 10-25; K002 still open
        "open": 1,
        "feedback_on_time": 2,  # K001 after 5 h, K002 after 22 h
        "feedback_late": 0,
        "feedback_pending": 0,
    }
    assert summary.by_severity() == {"general": (1, 1), "serious": (1, 0)}
    assert [(p.staff_id, p.complaints, p.general, p.serious, p.upheld) for p in summary.people] == [
        ("T01", 2, 1, 1, 1)
    ]
    assert summary.compensation == D("50")
    assert [c.complaint_id for c in summary.lines] == ["K001", "K002"]


def test_complaint_feedback_late_and_unnamed_person(tmp_path: Path) -> None:
    rows = small_rows()
    set_cell(rows, "投诉登记", 3, "首次反馈时间", dt("2026-10-23T12:00"))  # 25 h after receipt
    set_cell(rows, "投诉登记", 3, "责任人", None)
    summary = report_of(write_book(tmp_path / "b.xlsx", rows)).complaints
    assert summary.figures()["feedback_late"] == 1
    assert [(p.staff_id, p.complaints) for p in summary.people] == [("T01", 1), (None, 1)]


def test_callback_statistics(small: MonthlyReport) -> None:
    cb = small.callbacks
    assert (cb.due, cb.done, cb.on_time, cb.late, cb.missing, cb.pending) == (3, 2, 1, 1, 1, 0)
    assert cb.distribution == {5: 1, 4: 1, 3: 1, 2: 0, 1: 0}
    assert cb.mean == D("4.00") and cb.completion_rate == D("0.6667")


def test_technicians(small: MonthlyReport) -> None:
    # T02 left in 2025 and has no October work: not listed
    [t01] = small.technicians
    assert (t01.staff_id, t01.name, t01.orders, t01.completed, t01.first_time_fixed) == (
        "T01",
        "李强",
        5,
        3,
        1,
    )
    assert t01.fttr == D("0.3333")
    assert t01.breaches == 1  # W002 overdue repair (the others are A01's)
    assert t01.penalties == D("230.00")
    assert (t01.satisfaction, t01.rated) == (D("4.00"), 3)


def test_parts_top_by_quantity_and_cost(small: MonthlyReport) -> None:
    # Orders completed in October only (W002's two seals are not counted: not completed)
    assert [(p.part_no, p.qty, p.cost) for p in small.parts_by_qty] == [
        ("P-200", 3, D("37.50")),
        ("P-300", 2, D("50.00")),
        ("P-100", 1, D("350.00")),
    ]
    assert [p.part_no for p in small.parts_by_cost] == ["P-100", "P-300", "P-200"]


def test_daily_calls(small: MonthlyReport) -> None:
    assert len(small.daily_calls) == 31 and small.daily_calls[0] == (date(2026, 10, 1), 0)
    busy = {d.day: n for d, n in small.daily_calls if n}
    assert busy == {5: 1, 12: 1, 19: 1, 26: 1, 28: 1}


# -- the first-time-fix rule ---------------------------------------------------------------------


def _repeat_book(gap_days: int, cause: str) -> Records:
    """E completed 2026-10-01 10:00; R on the same serial ``gap_days`` later."""
    first = dt("2026-10-01T10:00")
    later = datetime(2026, 10, 1 + gap_days, 10, 0) if gap_days < 31 else dt("2026-11-01T10:01")
    calls = [
        {"call_id": "C1", "call_time": dt("2026-09-30T09:00"), "serial_no": "X1", "fault_level": 2},
        {"call_id": "C2", "call_time": later, "serial_no": "x1", "fault_level": 2},
    ]
    orders = [
        {"order_id": "E", "call_id": "C1", "status": "completed", "completed_at": first},
        {"order_id": "R", "call_id": "C2", "status": "in_progress", "fault_cause": cause},
    ]
    return Records.from_lists(call_log=calls, repair_ledger=orders)


@pytest.mark.parametrize(
    ("gap_days", "cause", "fixed"),
    [
        (30, "quality", False),  # back within 30 days: not fixed first time
        (31, "quality", True),  # 31 days and a minute: outside the window (still a repeat repair)
        (10, "human", True),  # the customer broke it again: no failed fix
    ],
)
def test_first_time_fix_uses_repeat_repairs_with_a_30_day_window(
    gap_days: int, cause: str, fixed: bool
) -> None:
    report = compute_report(_repeat_book(gap_days, cause), Policy(), *parse_month("2026-10"), AS_OF)
    assert report.kpi("first_time_fix_rate").value == (D(1) if fixed else D(0))


@pytest.mark.parametrize(
    ("values", "fraction", "expected"),
    [
        ([], "0.5", None),
        (["7"], "0.9", "7"),
        (["1", "3"], "0.5", "2"),
        (["4", "1", "3", "2"], "0.5", "2.5"),
        (["1", "2", "3", "4", "5"], "0.9", "4.6"),  # Excel: PERCENTILE.INC({1,2,3,4,5}, 0.9)
    ],
)
def test_percentile_is_excels_percentile_inc(
    values: list[str], fraction: str, expected: str | None
) -> None:
    found = percentile([D(v) for v in values], D(fraction))
    assert found == (None if expected is None else D(expected))


def test_rate_is_a_four_decimal_fraction() -> None:
    assert rate(2, 3) == D("0.6667") and rate(0, 0) is None and rate(1, 1) == D("1.0000")


# -- JSON and text ---------------------------------------------------------------------------


def test_json_numbers_are_numbers_money_strings_rates_fractions(small: MonthlyReport) -> None:
    data = json.loads(json.dumps(small.to_dict()))
    kpis = data["kpis"]
    assert kpis["calls"] == {"kind": "count", "value": 5, "previous": 1, "change": 4}
    assert kpis["first_time_fix_rate"] == {
        "kind": "rate",
        "value": 0.3333,
        "previous": 1.0,
        "change": -0.6667,
    }
    assert kpis["response_hours_p90"]["value"] == 1.4
    assert kpis["customer_charge"] == {
        "kind": "money",
        "value": "237.50",
        "previous": "100.00",
        "change": "137.50",
    }
    assert kpis["sla_late_arrival"]["previous"] is None
    assert data["sla"]["levels"][0] == {
        "fault_level": 1,
        "met": 2,
        "due": 4,
        "breached": 2,
        "rate": 0.5,
    }
    assert data["callbacks"]["distribution"] == {"1": 0, "2": 0, "3": 1, "4": 1, "5": 1}
    assert data["technicians"][0]["penalties"] == "230.00"
    assert data["parts"]["by_cost"][0] == {
        "part_no": "P-100",
        "part_name": "压缩机",
        "qty": 1,
        "cost": "350.00",
    }
    assert data["complaints"]["complaints"][0]["received_at"] == "2026-10-20T10:00:00"


def test_render_text_overview_zh_and_en(small: MonthlyReport) -> None:
    zh = report_text(small)
    assert zh.startswith("月度报告 2026-10（对比 2026-09）")
    assert re.search(r"指标\s+2026-10\s+2026-09\s+变化", zh)
    assert re.search(r"一次修复率\s+33\.3%\s+100\.0%\s+-66\.7 个百分点", zh)
    assert re.search(r"客户收费\s+237\.50\s+100\.00\s+\+137\.50", zh)
    en = report_text(small, "en")
    assert re.search(r"KPI\s+2026-10\s+2026-09\s+Change", en)
    assert re.search(r"SLA: arrival on time\s+100\.0%\s+—\s+—", en)
    assert re.search(r"Calls\s+5\s+1\s+\+4", en)


# -- the workbook ----------------------------------------------------------------------------


def _ref_values(wb: Any, ref: str) -> list[Any]:
    """The values a chart reference such as ``'概览'!$E$47:$E$50`` points at."""
    sheet, cells = ref.rsplit("!", 1)
    ws = wb[sheet.strip("'")]
    found = ws[cells.replace("$", "")]
    if not isinstance(found, tuple):
        return [found.value]
    return [c.value for row in found for c in (row if isinstance(row, tuple) else (row,))]


def _series(chart: Any) -> list[tuple[str, str, str | None]]:
    """(values, categories, title) references of each series of a chart."""
    out = []
    for s in chart.series:
        cat = s.cat.numRef or s.cat.strRef
        title = s.tx.strRef.f if s.tx is not None and s.tx.strRef is not None else None
        out.append((s.val.numRef.f, cat.f, title))
    return out


def test_workbook_sheets_and_overview_cells(workbook: Any) -> None:
    assert workbook.sheetnames == [
        "概览",
        "投诉汇总",
        "回访统计",
        "技术员",
        "配件",
        "故障分析",
        "每日来电",
    ]
    ws = workbook["概览"]
    assert ws["A1"].value == "月度报告 2026-10"
    assert [c.value for c in ws[4]][:4] == ["指标", "2026-10", "2026-09", "变化"]
    assert all(c.font.bold for c in ws[4][:4])
    rows = {ws.cell(r, 1).value: r for r in range(5, ws.max_row + 1)}
    calls, fttr, charge = rows["来电量"], rows["一次修复率"], rows["客户收费"]
    assert [ws.cell(calls, c).value for c in (2, 3, 4)] == [5, 1, 4]
    assert ws.cell(fttr, 2).value == 0.3333 and ws.cell(fttr, 2).number_format == "0.0%"
    assert ws.cell(charge, 2).value == 237.5  # numbers read back as floats
    assert ws.cell(charge, 2).number_format == "#,##0.00;[Red]-#,##0.00"
    assert ws.cell(rows["SLA：到场及时率"], 3).value is None  # nothing due: blank, not 0
    assert ws.freeze_panes == "B5"
    assert ws.column_dimensions["A"].width == 34


def test_every_chart_points_at_its_table(workbook: Any, small: MonthlyReport) -> None:
    charts = {ws.title: ws._charts for ws in workbook}
    line, level_bar = charts["概览"]
    assert type(line).__name__ == "LineChart" and type(level_bar).__name__ == "BarChart"
    assert _series(line) == [("'每日来电'!$B$2:$B$32", "'每日来电'!$A$2:$A$32", "'每日来电'!B1")]
    assert _ref_values(workbook, "'每日来电'!$B$2:$B$32") == [n for _, n in small.daily_calls]
    assert _series(level_bar) == [("'概览'!$E$47:$E$50", "'概览'!$A$47:$A$50", "'概览'!E46")]
    assert _ref_values(workbook, "'概览'!$A$47:$A$50") == ["1级", "2级", "3级", "4级"]
    assert _ref_values(workbook, "'概览'!$E$47:$E$50") == [0.5, 1, 0.75, 0.8]

    [pie] = charts["投诉汇总"]
    assert type(pie).__name__ == "PieChart"
    assert _series(pie) == [("'投诉汇总'!$B$14:$B$15", "'投诉汇总'!$A$14:$A$15", "'投诉汇总'!B13")]
    assert _ref_values(workbook, "'投诉汇总'!$A$14:$B$15") == ["一般", 1, "严重", 1]

    [satisfaction] = charts["回访统计"]
    assert _series(satisfaction) == [
        ("'回访统计'!$C$15:$C$19", "'回访统计'!$A$15:$A$19", "'回访统计'!C14")
    ]
    assert _ref_values(workbook, "'回访统计'!$C$15:$C$19") == [0, 0, 1, 1, 1]
    assert _ref_values(workbook, "'回访统计'!$A$15") == ["非常不满意"]

    [orders] = charts["技术员"]
    assert _series(orders) == [
        ("'技术员'!$C$4", "'技术员'!$B$4", "'技术员'!C3"),
        ("'技术员'!$D$4", "'技术员'!$B$4", "'技术员'!D3"),
    ]
    assert _ref_values(workbook, "'技术员'!$B$3:$D$4") == ["姓名", "工单", "完工", "李强", 5, 3]


def test_complaints_callbacks_technicians_parts_sheets(workbook: Any) -> None:
    complaints = workbook["投诉汇总"]
    block = {complaints.cell(r, 1).value: complaints.cell(r, 2).value for r in range(3, 11)}
    assert block == {
        "投诉总数": 2,
        "成立": 1,
        "月末已结案": 1,
        "月末未结案": 1,
        "24 小时内反馈": 2,
        "反馈超时": 0,
        "反馈未到期": 0,
        "赔付金额": 50,
    }
    register = [
        [c.value for c in row]
        for row in complaints.iter_rows(min_row=1)
        if row[0].value in ("K001", "K002")
    ]
    assert register[0][:8] == [
        "K001",
        dt("2026-10-20T10:00"),
        "陈先生",
        "一般",
        "T01 李强",
        "及时",
        "是",
        dt("2026-10-25T12:00"),
    ]
    assert register[1][10] == "服务态度差"
    callbacks = workbook["回访统计"]
    assert [callbacks.cell(r, 2).value for r in range(3, 12)] == [
        3,
        2,
        1,
        1,
        1,
        0,
        0.6667,
        3,
        4,
    ]
    tech = workbook["技术员"]
    assert [c.value for c in tech[4]] == [
        "T01",
        "李强",
        5,
        3,
        1,
        0.3333,
        1,
        230,
        4,
        3,
    ]
    assert tech.freeze_panes == "C4"
    parts = workbook["配件"]
    assert [c.value for c in parts[6]] == [1, "P-200", "密封圈", 3, 37.5]
    assert workbook["每日来电"]["A2"].value == datetime(2026, 10, 1)


def test_text_from_the_book_stays_text(tmp_path: Path) -> None:
    loaded = validate_book(write_book(tmp_path / "b.xlsx", small_rows()))
    first = loaded.records["complaints"][0]
    values = {**first.as_dict(), "description": '=HYPERLINK("http://x","y")'}
    loaded.records["complaints"][0] = type(first).make(values, first.row, first.bad)
    report = compute_report(loaded.records, Policy(), *parse_month("2026-10"), AS_OF)
    wb = openpyxl.load_workbook(write_report(report, tmp_path / "r.xlsx"))
    cell = next(
        c
        for row in wb["投诉汇总"].iter_rows()
        for c in row
        if c.value == '=HYPERLINK("http://x","y")'
    )
    assert cell.data_type == "s"


def test_english_workbook(small: MonthlyReport, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(write_report(small, tmp_path / "en.xlsx", "en"))
    assert wb.sheetnames == list(sheet_titles("en").values())
    assert wb.sheetnames[:5] == ["Overview", "Complaints", "Callbacks", "Technicians", "Parts"]
    assert wb["Overview"]["A5"].value == "Calls"


# -- command line and one source of truth -----------------------------------------------------


def test_cli_text_json_and_workbook(small_book: Path, tmp_path: Path) -> None:
    out = tmp_path / "月报.xlsx"
    common = (small_book, "--month", "2026-10", "--as-of", AS_OF_TEXT, "--out", out)
    code, text, _ = run("report", *common)
    assert code == 0 and "月度报告 2026-10" in text and f"月度报告：{out}" in text
    assert out.exists()
    code, text, _ = run("report", *common, "--format", "json", "--lang", "en")
    data = json.loads(text)
    assert code == 0 and data["out"] == str(out)
    assert data["kpis"]["sla_compliance"]["value"] == 0.8
    assert openpyxl.load_workbook(out).sheetnames[0] == "Overview"


def test_cli_needs_out_and_month(small_book: Path) -> None:
    code, _, err = run("report", small_book, "--month", "2026-10")
    assert code == 2 and "--out" in err
    code, _, err = run("report", small_book, "--month", "2026-13", "--out", "x.xlsx")
    assert code == 2 and "--month" in err


def test_cli_refuses_a_book_without_a_call_log(tmp_path: Path) -> None:
    rows = valid_rows()
    del rows["来电登记"]
    book = write_book(tmp_path / "b.xlsx", rows)
    code, _, err = run(
        "--lang", "en", "report", book, "--month", "2026-10", "--out", tmp_path / "r.xlsx"
    )
    assert code == 1 and "report needs the sheet" in err
    assert not (tmp_path / "r.xlsx").exists()


def _cli_json(*args: object) -> dict[str, Any]:
    code, out, _ = run(*args, "--as-of", AS_OF_TEXT, "--skip-invalid", "--format", "json")
    assert code == 0
    result: dict[str, Any] = json.loads(out)
    return result


def _demo_book(folder: Path) -> Path:
    workbook, _ = build_demo_book(7, DEMO_AS_OF)
    path = folder / "demo.xlsx"
    workbook.save(path)
    return path


@pytest.mark.parametrize("which", ["small", "demo"])
def test_figures_agree_with_sla_penalties_and_settle(
    which: str, small_book: Path, tmp_path: Path
) -> None:
    book = small_book if which == "small" else _demo_book(tmp_path)
    month = ("--month", "2026-10")
    report = _cli_json("report", book, *month, "--out", tmp_path / "r.xlsx")
    sla = _cli_json("sla", book, *month)
    penalties = _cli_json("penalties", book, *month)
    settle = _cli_json("settle", book, *month)

    breached = {r["rule"]: r["breached"] for r in report["sla"]["rules"] if r["breached"]}
    assert breached == dict(Counter(b["rule"] for b in sla["breaches"]))
    deducted = {s["staff_id"]: s["deducted"] for s in penalties["staff"]}
    total = sum((D(v) for v in deducted.values()), D(0))
    assert report["kpis"]["penalties_deducted"]["value"] == f"{total:.2f}"
    for tech in report["technicians"]:
        assert tech["penalties"] == deducted.get(tech["staff_id"], "0.00")
    totals = settle["totals"]
    assert report["kpis"]["orders_completed"]["value"] == totals["orders"]
    assert report["kpis"]["customer_charge"]["value"] == totals["customer_charge"]
    assert report["kpis"]["company_cost"]["value"] == totals["company_cost"]
    by_tech = {t["technician_id"]: t["orders"] for t in settle["technicians"]}
    assert {t["staff_id"]: t["completed"] for t in report["technicians"] if t["completed"]} == (
        by_tech
    )


def test_demo_writes_the_report(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from svctools.cli import cli

    result = CliRunner().invoke(cli, ["demo", str(tmp_path)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    book = tmp_path / "svctools-demo.xlsx"
    at = next(i for i, line in enumerate(lines) if line.startswith("$ svctools report"))
    assert lines[at].startswith(f"$ svctools report {book} --month 2026-10")
    assert lines[at + 1].startswith("  来电 ")
    assert lines[at + 1].endswith(f"-> {tmp_path / 'report.xlsx'}")
    wb = openpyxl.load_workbook(tmp_path / "report.xlsx")
    assert sum(len(ws._charts) for ws in wb) == 6  # five charts and the 故障分析 Pareto chart
