"""Fault analysis (SPEC §7.4): per-model figures, the rising flag at its thresholds, the Pareto
sheet and chart in the report workbook, and ``models`` in ``report --format json``."""

from __future__ import annotations

import json
import zipfile
from datetime import date, datetime
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import valid_rows, write_book

from svctools.cli import cli
from svctools.compute.faults import FaultAnalysis, compute_faults
from svctools.compute.settlement import compute_settlement
from svctools.core.policy import Policy
from svctools.core.records import Records

OCT = (date(2026, 10, 1), date(2026, 11, 1))


def _orders(model: str, month: tuple[int, int], count: int, start: int) -> tuple[list, list]:
    """``count`` completed quality orders of ``model`` in ``month``, each on its own call."""
    calls, orders = [], []
    for n in range(start, start + count):
        year, mon = month
        calls.append(
            {
                "call_id": f"C{n}",
                "call_time": datetime(year, mon, 2, 9),
                "product_model": model,
                "serial_no": f"SN{n}",
            }
        )
        orders.append(
            {
                "order_id": f"W{n}",
                "call_id": f"C{n}",
                "status": "completed",
                "completed_at": datetime(year, mon, 3, 15),
                "fault_cause": "quality",
            }
        )
    return calls, orders


def analyse(counts: dict[str, list[int]], parts: list[dict] | None = None) -> FaultAnalysis:
    """``counts[model]`` = completed orders in [Jul, Aug, Sep, Oct] 2026."""
    calls: list[dict] = []
    orders: list[dict] = []
    for model, per_month in counts.items():
        months = ((2026, 7), (2026, 8), (2026, 9), (2026, 10))
        for month, count in zip(months, per_month, strict=True):
            more = _orders(model, month, count, 1000 * len(calls) + len(orders) + 1)
            calls += more[0]
            orders += more[1]
    records = Records.from_lists(call_log=calls, repair_ledger=orders, parts_used=parts or [])
    return compute_faults(records, compute_settlement(records, Policy(), *OCT), OCT[0])


@pytest.mark.parametrize(
    ("history", "october", "rising"),
    [
        ([0, 0, 0], 4, False),  # 4 < 5 orders
        ([0, 0, 0], 5, True),  # 5 ≥ 5 and 5 ≥ 2 × 0
        ([3, 3, 3], 6, True),  # average 3: 6 = exactly 2 × 3
        ([3, 3, 4], 6, False),  # average 3.33: 6 < 6.67 (3 × 6 = 18 < 2 × 10 = 20)
        ([5, 4, 3], 8, True),  # average 4: 8 = exactly 2 × 4
        ([5, 4, 3], 7, False),  # 7 < 8
        ([1, 1, 2], 4, False),  # twice the average (1.33) but only 4 orders
    ],
)
def test_rising_at_its_thresholds(history: list[int], october: int, rising: bool) -> None:
    (row,) = analyse({"KX-1": [*history, october]}).models
    assert row.completed == october
    assert [n for _, n in row.previous] == history
    assert [m for m, _ in row.previous] == ["2026-07", "2026-08", "2026-09"]
    assert row.rising is rising
    assert row.to_dict()["rising"] is rising


def test_rising_explains_itself() -> None:
    (row,) = analyse({"KX-1": [3, 3, 3, 6]}).models
    assert row.average == D("3.00")
    assert row.why("zh") == (
        "2026-10 完工 6 张：质量问题 6 张，返修 0 张；配件成本 0.00；"
        "前三个月 2026-07/2026-08/2026-09 完工 3/3/3 张，月均 3.00；"
        "上升：6 ≥ 5 且 6 ≥ 2 × 3.00 = 6.00"
    )
    (few,) = analyse({"KX-1": [0, 0, 0, 4]}).models
    assert few.why("en").endswith("not rising: 4 < 5")


def test_pareto_order_and_cumulative_share() -> None:
    # October: KX-2 3 orders, KX-1 1 order: shares 3/4 = 0.75 and 1/4 = 0.25; cumulative 0.75, 1
    models = analyse({"KX-1": [0, 0, 0, 1], "KX-2": [0, 0, 0, 3]}).models
    assert [(m.product_model, m.completed) for m in models] == [("KX-2", 3), ("KX-1", 1)]
    assert [m.share for m in models] == [D("0.7500"), D("0.2500")]
    assert [m.cumulative_share for m in models] == [D("0.7500"), D("1.0000")]


def test_quality_repeats_and_parts_per_model() -> None:
    # One machine SN-R: W1 completed 2026-09-20 (quality); it fails again, call 2026-10-05 (15 days
    # ≤ 90: a repeat repair, §4.2), W2 completed 10-06, cause quality. W3 (another KX-1) wear.
    calls = [
        {"call_id": "C1", "call_time": datetime(2026, 9, 18, 9), "product_model": "KX-1",
         "serial_no": "SN-R"},
        {"call_id": "C2", "call_time": datetime(2026, 10, 5, 9), "product_model": "KX-1",
         "serial_no": "SN-R"},
        {"call_id": "C3", "call_time": datetime(2026, 10, 8, 9), "product_model": "KX-1",
         "serial_no": "SN-3"},
    ]  # fmt: skip
    orders = [
        {"order_id": "W1", "call_id": "C1", "status": "completed",
         "completed_at": datetime(2026, 9, 20, 9), "fault_cause": "quality"},
        {"order_id": "W2", "call_id": "C2", "status": "completed",
         "completed_at": datetime(2026, 10, 6, 9), "fault_cause": "quality"},
        {"order_id": "W3", "call_id": "C3", "status": "completed",
         "completed_at": datetime(2026, 10, 9, 9), "fault_cause": "wear"},
    ]  # fmt: skip
    parts = [
        {"order_id": "W1", "part_no": "P-1", "part_name": "电容", "qty": 1, "unit_cost": D("35")},
        {"order_id": "W2", "part_no": "P-1", "part_name": "电容", "qty": 2, "unit_cost": D("35")},
        {"order_id": "W3", "part_no": "P-2", "part_name": "主板", "qty": 1, "unit_cost": D("268")},
        {"order_id": "W3", "part_no": "P-1", "part_name": "电容", "qty": 1, "unit_cost": D("35")},
    ]
    records = Records.from_lists(call_log=calls, repair_ledger=orders, parts_used=parts)
    faults = compute_faults(records, compute_settlement(records, Policy(), *OCT), OCT[0])
    (row,) = faults.models
    # October: W2 and W3; W2 quality and a repeat of W1; parts 2 × 35 + 268 + 35 = 373.00
    assert (row.completed, row.quality, row.repeat_repairs) == (2, 1, 1)
    assert row.parts_cost == D("373.00")
    assert row.repeats == (("W2", "W1"),)
    assert [n for _, n in row.previous] == [0, 0, 1]  # W1 in September
    # parts of October's KX-1 orders: P-1 3 (105.00), P-2 1 (268.00); by quantity first
    assert [(p.part_no, p.qty, p.cost) for p in faults.parts] == [
        ("P-1", 3, D("105.00")),
        ("P-2", 1, D("268.00")),
    ]
    assert "返修 1 张（W2←W1）" in row.why("zh")


def _run(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout


def test_report_json_has_models_and_the_workbook_a_pareto_sheet(tmp_path: Path) -> None:
    book = write_book(tmp_path / "book.xlsx", valid_rows())
    out = tmp_path / "report.xlsx"
    code, text = _run(
        "report", book, "--month", "2026-10", "--as-of", "2026-11-20T09:00",
        "--out", out, "--format", "json",
    )  # fmt: skip
    assert code == 0
    # October's only completed order: W001 (KX-200, 质量问题, parts 1 × 350)
    (model,) = json.loads(text)["models"]
    expected: dict[str, Any] = {
        "product_model": "KX-200",
        "completed": 1,
        "quality": 1,
        "repeat_repairs": 0,
        "parts_cost": "350.00",
        "rising": False,
        "share": "1.0000",
        "cumulative_share": "1.0000",
        "orders": ["W001"],
    }
    assert {k: model[k] for k in expected} == expected
    wb = openpyxl.load_workbook(out)
    ws = wb["故障分析"]
    assert [c.value for c in ws[5]][:5] == ["KX-200", 1, 1, 0, 350]
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert [b.id for b in ws.row_breaks.brk] == [5]  # the chart starts the second page
    with zipfile.ZipFile(out) as archive:
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
        xml = {n: archive.read(n).decode() for n in charts}
    pareto = [x for x in xml.values() if "<lineChart>" in x and "<barChart>" in x]
    assert len(pareto) == 1
    # bars over 故障分析!B5, the cumulative share line over H5 on a second value axis that
    # crosses at the right (the secondary axis)
    assert "<f>'故障分析'!$B$5</f>" in pareto[0] and "<f>'故障分析'!$H$5</f>" in pareto[0]
    assert pareto[0].count("<valAx>") == 2 and '<crosses val="max"/>' in pareto[0]
