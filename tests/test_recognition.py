"""Sheets and rows as offices type them (issue 19 §3): Sheet1 tabs recognised by their headers,
the wrong file refused, totals rows, required marks on headers, 工单号 merged down, dimension tags
that claim the whole grid."""

from __future__ import annotations

import json
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import Book, set_cell, valid_rows, write_book

from svctools.cli import cli

AS_OF = "2026-11-20T09:00"
READERS = ["calamine", "openpyxl"]


def run(*args: object, reader: str = "calamine") -> tuple[int, str, str]:
    result = CliRunner(env={"SVCTOOLS_READER": reader}).invoke(cli, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout, result.stderr


def validate(path: Path, reader: str = "calamine") -> tuple[int, list[Any], str]:
    code, out, err = run("validate", path, "--as-of", AS_OF, "--format", "json", reader=reader)
    return code, json.loads(out)["problems"] if out else [], err


def renamed(rows: Book, old: str, new: str) -> Book:
    return {(new if name == old else name): data for name, data in rows.items()}


@pytest.mark.parametrize("reader", READERS)
def test_a_sheet1_tab_is_recognised_by_its_headers(tmp_path: Path, reader: str) -> None:
    path = write_book(tmp_path / "b.xlsx", renamed(valid_rows(), "来电登记", "Sheet1"))
    code, problems, err = validate(path, reader)
    assert code == 0 and problems == []
    assert "Sheet1 按表头识别为 来电登记" in err


def test_the_wrong_file_exits_2_listing_its_sheets(tmp_path: Path) -> None:
    # a price list: nothing svctools reads. It used to be "0 errors, 8 warnings", exit 0.
    book = {"Sheet1": [["品名", "单价"], ["压缩机", 350]], "Sheet2": [["备注"]]}
    path = write_book(tmp_path / "价目表.xlsx", book)
    code, out, err = run("validate", path, "--as-of", AS_OF)
    assert code == 2 and out == ""
    [line] = err.strip().splitlines()
    assert "Sheet1、Sheet2" in line and "来电登记" in line and "维修台帐" in line


@pytest.mark.parametrize("word", ["汇总", "合  计", "总 计", "小计："])
def test_totals_rows_as_chinese_excel_and_wps_write_them(tmp_path: Path, word: str) -> None:
    rows = valid_rows()
    rows["配件使用"].append([word, None, None, 3, 362.5])
    code, problems, _ = validate(write_book(tmp_path / "b.xlsx", rows))
    assert (code, problems) == (0, [])


@pytest.mark.parametrize("header", ["*工单号", "工单号*", "★工单号", "＊工单号"])
def test_required_marks_on_headers(tmp_path: Path, header: str) -> None:
    rows = valid_rows()
    rows["配件使用"][0][0] = header
    code, problems, _ = validate(write_book(tmp_path / "b.xlsx", rows))
    assert (code, problems) == (0, [])


@pytest.mark.parametrize("reader", READERS)
def test_order_id_merged_down_over_its_parts_rows(tmp_path: Path, reader: str) -> None:
    # W002 gets a second part, 密封圈 1 x 10, on row 4 with 工单号 merged A3:A4. W002 completed:
    # parts 2 x 12.5 + 1 x 10 = 35; customer = 120 labour + 35 + 15 inbound = 170.00.
    # Unmerged, A4 read blank: a missing_required error and no settle at all.
    rows = valid_rows()
    set_cell(rows, "维修台帐", 3, "状态", "已完工")
    set_cell(rows, "维修台帐", 3, "完工时间", datetime(2026, 10, 15, 10, 0))
    set_cell(rows, "维修台帐", 3, "故障原因", "人为损坏")
    rows["配件使用"].append([None, "P-200", "密封圈", 1, 10])
    path = write_book(tmp_path / "b.xlsx", rows, merges={"配件使用": ["A3:A4"]})
    code, problems, _ = validate(path, reader)
    assert (code, problems) == (0, [])
    code, out, err = run(
        "settle", path, "--month", "2026-10", "--as-of", AS_OF, "--format", "json", reader=reader
    )
    assert code == 0, err
    [w002] = [o for o in json.loads(out)["orders"] if o["order_id"] == "W002"]
    assert w002["customer_charge"] == "170.00"


@pytest.mark.parametrize("reader", READERS)
def test_a_dimension_claiming_the_whole_grid_over_50_rows_is_read(
    tmp_path: Path, reader: str
) -> None:
    rows = valid_rows()
    for _ in range(3, 51):  # 48 more parts rows of W001, 1 x 1.00 each
        rows["配件使用"].append(["W001", "P-100", "压缩机", 1, 1])
    path = write_book(tmp_path / "b.xlsx", rows)
    member = "xl/worksheets/sheet5.xml"
    with zipfile.ZipFile(path) as old:
        parts = {info.filename: old.read(info) for info in old.infolist()}
    assert b'<dimension ref="A1:E51"/>' in parts[member]
    parts[member] = parts[member].replace(
        b'<dimension ref="A1:E51"/>', b'<dimension ref="A1:XFD1048576"/>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for name, data in parts.items():
            new.writestr(name, data)
    code, problems, err = validate(path, reader)
    assert (code, problems) == (0, []), err


def test_an_excel_tables_total_row_is_skipped(tmp_path: Path) -> None:
    """插入 > 表格 with 汇总行: its first cell blank (a count or nothing), SUBTOTALs beside."""
    import openpyxl
    from openpyxl.worksheet.table import Table

    rows = valid_rows()
    path = write_book(tmp_path / "b.xlsx", rows)
    workbook = openpyxl.load_workbook(path)
    parts = workbook["配件使用"]
    parts["D4"], parts["E4"] = 3, 362.5
    parts.add_table(Table(displayName="配件", ref="A1:E4", totalsRowCount=1))
    workbook.save(path)
    for reader in ("calamine", "openpyxl"):
        code, problems, err = validate(path, reader)
        assert (code, problems) == (0, []), (reader, err)
