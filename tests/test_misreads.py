"""Books that used to give other money without a word (issue 19 §1): formulas with no stored
result, a hidden backup sheet, the 1904 date system, money written with a comma decimal.

Each test names the figure svctools used to get. The book is the valid book of conftest with
W002 completed on 2026-10-15 (cause 人为损坏), so settle for 2026-10 has two orders:
  W001 保内 + 质量问题 -> free: customer 0.00; company: parts 1 x 350 = 350.00.
  W002 保外: labour 120 + parts 2 x 12.5 = 25 (markup 0) + inbound 15 (customer pays)
        = customer 160.00; company: return shipping 15 (company pays) = 15.00; paid 50.
  Totals: orders 2, free 1, customer 160.00, company 365.00, paid 50.00, balance due 110.00.
"""

from __future__ import annotations

import json
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import Book, set_cell, valid_rows, write_book
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from svctools.cli import cli

AS_OF = "2026-11-20T09:00"
READERS = ["calamine", "openpyxl"]


def run(*args: object, reader: str = "calamine") -> tuple[int, str, str]:
    result = CliRunner(env={"SVCTOOLS_READER": reader}).invoke(cli, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout, result.stderr


def two_orders() -> Book:
    rows = valid_rows()
    set_cell(rows, "维修台帐", 3, "状态", "已完工")
    set_cell(rows, "维修台帐", 3, "完工时间", datetime(2026, 10, 15, 10, 0))
    set_cell(rows, "维修台帐", 3, "故障原因", "人为损坏")
    return rows


def settle(path: Path, reader: str = "calamine") -> dict[str, Any]:
    code, out, err = run(
        "settle", path, "--month", "2026-10", "--as-of", AS_OF, "--format", "json", reader=reader
    )
    assert code == 0, err
    return dict(json.loads(out)["totals"])


def problems(path: Path, reader: str = "calamine", lang: str = "zh") -> tuple[int, list[Any]]:
    code, out, _ = run(
        "--lang", lang, "validate", path, "--as-of", AS_OF, "--format", "json", reader=reader
    )
    return code, json.loads(out)["problems"]


def test_the_two_order_book_settles_as_worked_out(tmp_path: Path) -> None:
    totals = settle(write_book(tmp_path / "b.xlsx", two_orders()))
    assert totals["customer_charge"] == "160.00" and totals["company_cost"] == "365.00"
    assert totals["balance_due"] == "110.00" and totals["free_orders"] == 1


# -- formulas with no stored result ------------------------------------------------------------


@pytest.mark.parametrize("reader", READERS)
def test_formula_without_a_stored_result_is_an_error_not_a_blank(
    tmp_path: Path, reader: str
) -> None:
    # openpyxl writes formulas with no cached value, as a web export or a script does. Read as
    # blank, 工时费 120 became 0: customer 40.00 instead of 160.00, and validate said nothing;
    # 首次响应时间 blank made an open late_response breach up.
    rows = two_orders()
    set_cell(rows, "维修台帐", 3, "工时费", "=100+20")
    set_cell(rows, "来电登记", 2, "首次响应时间", "=B2+TIME(0,30,0)")
    path = write_book(tmp_path / "formulas.xlsx", rows)
    code, found = problems(path, reader)
    assert code == 1
    flagged = [(p["sheet"], p["cell"], p["value"]) for p in found
               if p["code"] == "formula_not_calculated"]  # fmt: skip
    assert flagged == [("来电登记", "O2", "=B2+TIME(0,30,0)"), ("维修台帐", "M3", "=100+20")]
    assert all(p["severity"] == "error" for p in found if p["code"] == "formula_not_calculated")
    assert "Excel 或 WPS 打开" in found[0]["message"]
    code, _, err = run("settle", path, "--month", "2026-10", "--as-of", AS_OF, reader=reader)
    assert code == 1 and "M3" in err or "工时费" in err


@pytest.mark.parametrize("reader", READERS)
def test_shared_formula_without_values_is_found(tmp_path: Path, reader: str) -> None:
    """Excel's shared formulas: the first cell holds the text, the others only point to it."""
    rows = two_orders()
    set_cell(rows, "维修台帐", 2, "工时费", 1)
    set_cell(rows, "维修台帐", 3, "工时费", 1)
    path = write_book(tmp_path / "shared.xlsx", rows)
    _rewrite(path, "xl/worksheets/sheet4.xml", [
        (b'<c r="M2" t="n"><v>1</v></c>',
         b'<c r="M2"><f t="shared" ref="M2:M3" si="0">N2*2</f></c>'),
        (b'<c r="M3" t="n"><v>1</v></c>', b'<c r="M3"><f t="shared" si="0"/></c>'),
    ])  # fmt: skip
    _, found = problems(path, reader)
    assert [p["cell"] for p in found if p["code"] == "formula_not_calculated"] == ["M2", "M3"]


@pytest.mark.parametrize("reader", READERS)
def test_formula_with_a_stored_empty_text_result_is_read_as_blank(
    tmp_path: Path, reader: str
) -> None:
    """``t="str"`` and an empty value: Excel calculated "" (an IF that found nothing)."""
    rows = two_orders()
    set_cell(rows, "维修台帐", 3, "寄修运费", 1)
    path = write_book(tmp_path / "empty.xlsx", rows)
    _rewrite(path, "xl/worksheets/sheet4.xml", [
        (b'<c r="N3" t="n"><v>1</v></c>', b'<c r="N3" t="str"><f>IF(1,"","x")</f><v></v></c>'),
    ])  # fmt: skip
    code, found = problems(path, reader)
    assert code == 0, found
    # W002 without inbound shipping: customer 160 - 15 = 145.00
    assert settle(path, reader)["customer_charge"] == "145.00"


def _rewrite(path: Path, member: str, changes: list[tuple[bytes, bytes]]) -> None:
    with zipfile.ZipFile(path) as old:
        parts = {info.filename: old.read(info) for info in old.infolist()}
    data = parts[member]
    for before, after in changes:
        assert before in data, before
        data = data.replace(before, after)
    parts[member] = data
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for name, content in parts.items():
            new.writestr(name, content)


# -- hidden sheets ----------------------------------------------------------------------------


@pytest.mark.parametrize("reader", READERS)
def test_visible_sheet_wins_over_a_hidden_backup(tmp_path: Path, reader: str) -> None:
    # The hidden backup 维修台帐 has only W001 (before W002 was entered); the live visible sheet
    # is 维修台账. Reading the backup gave 1 order / customer 0.00; the live one: 2 / 160.00.
    rows = two_orders()
    backup = [list(row) for row in rows["维修台帐"][:2]]
    book = {("维修台账" if name == "维修台帐" else name): data for name, data in rows.items()}
    path = write_book(tmp_path / "hidden.xlsx", {"维修台帐": backup, **book})
    workbook = openpyxl.load_workbook(path)
    workbook["维修台帐"].sheet_state = "hidden"
    workbook.save(path)
    totals = settle(path, reader)
    assert (totals["orders"], totals["customer_charge"]) == (2, "160.00")
    code, found = problems(path, reader)
    assert code == 0
    [warning] = [p for p in found if p["code"] == "duplicate_sheet"]
    assert warning["sheet"] == "维修台账" and warning["severity"] == "warning"
    assert "「维修台帐」（隐藏）" in warning["message"]
    assert "读取的是「维修台账」" in warning["message"]


# -- the 1904 date system ---------------------------------------------------------------------


def _as_1904(path: Path, zh_date_format: bool) -> None:
    """Save ``path`` with the 1904 date system; dates in 购买日期 either in the zh-CN built-in
    format 31 (年月日, which openpyxl does not know as a date) or typed as General numbers."""
    workbook = openpyxl.load_workbook(path)
    workbook.epoch = CALENDAR_MAC_1904
    calls = workbook["来电登记"]
    for row in range(2, calls.max_row + 1):
        cell = calls.cell(row=row, column=10)  # J 购买日期
        if zh_date_format:
            cell.number_format = 'yyyy"年"m"月"d"日"'
        else:  # the serial a clerk's General-format cell holds: days since 1904-01-01
            cell.value = (cell.value - CALENDAR_MAC_1904).days
            cell.number_format = "General"
    workbook.save(path)
    if zh_date_format:  # the custom format -> built-in id 31, as Chinese Excel saves it
        with zipfile.ZipFile(path) as archive:
            styles = archive.read("xl/styles.xml")
        custom = styles.split(b'formatCode="yyyy&quot;\xe5\xb9\xb4')[0].rsplit(b'numFmtId="', 1)[1]
        number = custom.split(b'"')[0]
        head, _, cells = styles.partition(b"<cellXfs")
        _rewrite(path, "xl/styles.xml", [(styles, head + b"<cellXfs" + cells.replace(
            b'numFmtId="' + number + b'"', b'numFmtId="31"'))])  # fmt: skip


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("zh_date_format", [True, False])
def test_1904_date_system_is_honoured_in_every_date_path(
    tmp_path: Path, reader: str, zh_date_format: bool
) -> None:
    # C001 bought 2026-03-01: W001 in warranty (free). Read 1900-based, 4 years and a day
    # earlier (2022-02-28), and with 保修状态 left blank W001 became out of warranty: customer
    # 350.00 more (parts 350 charged). Here both orders derive their warranty from the date.
    rows = two_orders()
    set_cell(rows, "维修台帐", 2, "保修状态", None)
    set_cell(rows, "维修台帐", 3, "保修状态", None)
    path = write_book(tmp_path / "1904.xlsx", rows)
    _as_1904(path, zh_date_format)
    code, found = problems(path, reader)
    assert code == 0, found
    totals = settle(path, reader)
    assert (totals["free_orders"], totals["customer_charge"]) == (1, "160.00")


# -- money with a comma decimal ---------------------------------------------------------------


@pytest.mark.parametrize("text", ["1.200,50", "120,5", "1.200", "1,20,0"])
def test_ambiguous_money_text_is_bad_value_never_a_guess(tmp_path: Path, text: str) -> None:
    # 1.200,50 used to read 1.2005 (customer 41.20 instead of 1,240.50 or a question).
    rows = two_orders()
    set_cell(rows, "维修台帐", 3, "工时费", text)
    code, found = problems(write_book(tmp_path / "m.xlsx", rows))
    assert code == 1
    [problem] = found
    assert (problem["code"], problem["cell"], problem["value"]) == ("bad_value", "M3", text)
    assert "歧义" in problem["message"]


@pytest.mark.parametrize(("text", "charge"), [("1,200.50", "1240.50"), ("¥1,200", "1240.00")])
def test_grouped_thousands_still_read(tmp_path: Path, text: str, charge: str) -> None:
    # customer = labour + 25 parts + 15 inbound: 1,200.50 + 40 = 1,240.50
    rows = two_orders()
    set_cell(rows, "维修台帐", 3, "工时费", text)
    assert settle(write_book(tmp_path / "m.xlsx", rows))["customer_charge"] == charge
