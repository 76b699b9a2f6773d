"""Reading books as clerks keep them (SPEC §2, §2.1): messy layouts written to disk and re-read.

Each test starts from the valid book of ``conftest.py``, makes it messy in one way, writes it
with openpyxl and reads it back through ``XlsxBook`` + ``read_book`` (or ``validate``).
"""

from __future__ import annotations

import re
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import (
    SHEET,
    Book,
    drop_column,
    load_book,
    set_cell,
    valid_rows,
    validate_book,
    where,
    write_book,
)

from svctools.core.problems import Problem
from svctools.core.schema import load_schema
from svctools.reading.book import LoadedBook
from svctools.sources.xlsx import XlsxBook

CALLS = SHEET["call_log"]
ZH_CALL_HEADERS = valid_rows()[CALLS][0]
EN_CALL_HEADERS = [
    "Call ID", "Call Time", "Customer", "Phone", "Email", "Address", "Channel", "Model",
    "Serial No", "Purchase Date", "Fault", "Fault Level", "Urgent", "Taken By", "First Response",
]  # fmt: skip
KEY_CALL_HEADERS = [
    "call_id", "call_time", "customer_name", "phone", "email", "address", "channel",
    "product_model", "serial_no", "purchase_date", "fault_description", "fault_level", "urgent",
    "taken_by", "first_response_at",
]  # fmt: skip

# The two calls of the valid book as read (SPEC §2.1 types).
EXPECTED_CALLS = [
    {
        "call_id": "C001",
        "call_time": datetime(2026, 10, 5, 14, 30),
        "customer_name": "刘女士",
        "phone": "13812345678",
        "email": "liu@example.com",
        "address": "北京市朝阳区建国路1号",
        "channel": "phone",
        "product_model": "KX-200",
        "serial_no": "SN0001",
        "purchase_date": date(2026, 3, 1),
        "fault_description": "不制冷",
        "fault_level": 2,
        "urgent": False,
        "taken_by": "A01",
        "first_response_at": datetime(2026, 10, 5, 15, 0),
    },
    {
        "call_id": "C002",
        "call_time": datetime(2026, 10, 12, 9, 15),
        "customer_name": "陈先生",
        "phone": "01012345678",
        "email": None,
        "address": "北京市海淀区中关村2号",
        "channel": "wechat",
        "product_model": "KX-300",
        "serial_no": "SN0002",
        "purchase_date": date(2024, 5, 20),
        "fault_description": "漏水",
        "fault_level": 3,
        "urgent": True,
        "taken_by": "A01",
        "first_response_at": datetime(2026, 10, 12, 9, 40),
    },
]


def calls(loaded: LoadedBook) -> list[dict[str, Any]]:
    return [record.as_dict() for record in loaded.records["call_log"]]


def rows_of(loaded: LoadedBook, key: str) -> list[int]:
    return [record.row for record in loaded.records[key]]


def problems_in(loaded: LoadedBook, sheet: str) -> list[Problem]:
    return [p for p in loaded.problems if p.sheet == sheet]


def write(tmp_path: Path, book: Book, **kw: Any) -> Path:
    return write_book(tmp_path / "book.xlsx", book, **kw)


# --- the baseline ------------------------------------------------------------------------------


def test_valid_book_reads_every_sheet_with_excel_row_numbers(valid_book: Path) -> None:
    loaded = load_book(valid_book)
    assert loaded.problems == []
    assert calls(loaded) == EXPECTED_CALLS
    assert rows_of(loaded, "call_log") == [2, 3]
    assert rows_of(loaded, "staff") == [2, 3, 4]
    assert {r.sheet for r in loaded.records["repair_ledger"]} == {"repair_ledger"}
    ledger = loaded.records["repair_ledger"]
    assert ledger[1].get("labour_fee") == Decimal("120")
    assert loaded.records["parts_used"][1].get("unit_cost") == Decimal("12.5")
    assert ledger[1].get("parts_wait_to") == datetime(2026, 10, 16, 17, 0)
    assert loaded.records["callbacks"][1].get("satisfaction") == 4


def test_xlsx_rows_are_numbered_as_excel_shows_them(tmp_path: Path) -> None:
    path = write(tmp_path, {"来电登记": [["标题"], [], ["来电编号", "来电时间"], ["C001", None]]})
    with XlsxBook(path) as source:
        assert source.sheet_names() == ["来电登记"]
        numbered = [(number, list(values)) for number, values in source.rows("来电登记")]
    assert [number for number, _ in numbered] == [1, 2, 3, 4]
    assert numbered[2][1][:2] == ["来电编号", "来电时间"]
    assert numbered[3][1][0] == "C001"


# --- where the header is -----------------------------------------------------------------------


def test_merged_title_rows_above_header_on_row_3(tmp_path: Path) -> None:
    book = valid_rows()
    book[CALLS][:0] = [["2026年10月 来电登记表"], ["制表：客服部", None, None, None, "单位：元"]]
    path = write(tmp_path, book, merges={CALLS: ["A1:O1", "A2:D2"]})
    loaded = load_book(path)
    assert loaded.problems == []
    assert calls(loaded) == EXPECTED_CALLS
    assert rows_of(loaded, "call_log") == [4, 5]
    assert loaded.records.sheets["call_log"].header_row == 3


def test_problem_rows_follow_title_rows(tmp_path: Path) -> None:
    book = valid_rows()
    set_cell(book, CALLS, 3, "联系电话", "12345")
    book[CALLS][:0] = [["来电登记表"], [None]]
    problems = validate_book(write(tmp_path, book)).problems
    assert [where(p) for p in problems] == [
        ("error", "bad_phone", CALLS, 5, "联系电话", "phone", "D5")
    ]


def test_header_on_row_10_is_found(tmp_path: Path) -> None:
    book = valid_rows()
    book[CALLS][:0] = [[f"说明第{n}行"] for n in range(1, 10)]
    loaded = load_book(write(tmp_path, book))
    assert loaded.problems == []
    assert rows_of(loaded, "call_log") == [11, 12]


def test_no_header_within_first_10_rows(tmp_path: Path) -> None:
    book = valid_rows()
    book[SHEET["stores"]][:0] = [[f"说明第{n}行"] for n in range(1, 11)]  # header on row 11
    loaded = validate_book(write(tmp_path, book))
    assert loaded.records["stores"] == []
    problems = problems_in(loaded, SHEET["stores"])
    assert {(p.severity, p.code) for p in problems} == {("error", "missing_column")}
    assert {p.field for p in problems} == {"store_id", "name"}
    assert problems == loaded.problems  # nothing elsewhere: staff/contracts refs are not checked


def test_table_away_from_a1(tmp_path: Path) -> None:
    """Rows 1-2 and columns A-B empty: the header is on row 3, cells keep Excel's letters."""
    book = valid_rows()
    book[CALLS] = [[], [], *([None, None, *row] for row in book[CALLS])]
    book[CALLS][4][2 + 3] = "12345"  # 联系电话 of row 5, now in column F
    loaded = validate_book(write(tmp_path, book))
    assert rows_of(loaded, "call_log") == [4, 5]
    assert calls(loaded)[0] == EXPECTED_CALLS[0]
    assert [where(p) for p in loaded.problems] == [
        ("error", "bad_phone", CALLS, 5, "联系电话", "phone", "F5")
    ]


@pytest.mark.parametrize(
    ("dropped", "header_found"),
    [
        pytest.param(["客户姓名", "联系电话", "产品型号", "故障描述"], True, id="4-of-8-required"),
        pytest.param(
            ["客户姓名", "联系电话", "产品型号", "故障描述", "故障等级"],
            False,
            id="3-of-8-required",
        ),
    ],
)
def test_header_needs_half_the_required_columns(
    tmp_path: Path, dropped: list[str], header_found: bool
) -> None:
    book = valid_rows()
    for header in dropped:
        drop_column(book, CALLS, header)
    loaded = validate_book(write(tmp_path, book))
    assert {(p.severity, p.code, p.sheet) for p in loaded.problems} == {
        ("error", "missing_column", CALLS)
    }
    if header_found:
        assert sorted(p.column for p in loaded.problems) == sorted(dropped)
        assert {p.row for p in loaded.problems} == {1}
        assert rows_of(loaded, "call_log") == [2, 3]
    else:  # every required column is reported missing, and no row is read
        assert len(loaded.problems) == 8
        assert loaded.records["call_log"] == []


def test_header_needs_two_columns(tmp_path: Path) -> None:
    """A title row holding one required header (half of 门店's two) is not the header."""
    book = valid_rows()
    book[SHEET["stores"]].insert(0, ["门店编号"])
    loaded = load_book(write(tmp_path, book))
    assert loaded.problems == []
    assert loaded.records.sheets["stores"].header_row == 2
    assert rows_of(loaded, "stores") == [3, 4]


# --- how the header is written -------------------------------------------------------------------


def _with_call_headers(headers: list[str]) -> Book:
    book = valid_rows()
    book[CALLS][0] = headers
    return book


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param(EN_CALL_HEADERS, id="english"),
        pytest.param(KEY_CALL_HEADERS, id="column-keys"),
        pytest.param([h.upper() for h in EN_CALL_HEADERS], id="english-upper-case"),
        pytest.param(
            ["Ｃａｌｌ　ＩＤ", " 来电 时间 ", "客户姓名 ", "联系　电话", *ZH_CALL_HEADERS[4:]],
            id="full-width-and-spaces",
        ),
        pytest.param(
            ["来电\n编号", "来电时间\n(必填)", *ZH_CALL_HEADERS[2:]], id="line-break-alt-enter"
        ),
        pytest.param(
            ["ｃａｌｌ＿ｉｄ", "  Call   Time", *ZH_CALL_HEADERS[2:]], id="full-width-key-mixed"
        ),
    ],
)
def test_headers_in_other_spellings(tmp_path: Path, headers: list[str]) -> None:
    loaded = load_book(write(tmp_path, _with_call_headers(headers)))
    assert loaded.problems == []
    assert calls(loaded) == EXPECTED_CALLS


def test_problem_names_header_as_written(tmp_path: Path) -> None:
    book = _with_call_headers(EN_CALL_HEADERS)
    set_cell(book, CALLS, 2, "Phone", "12345")
    problems = validate_book(write(tmp_path, book)).problems
    assert [where(p) for p in problems] == [
        ("error", "bad_phone", CALLS, 2, "Phone", "phone", "D2")
    ]


def test_headers_in_another_order(tmp_path: Path) -> None:
    book = valid_rows()
    book[CALLS] = [list(reversed(row)) for row in book[CALLS]]
    set_cell(book, CALLS, 3, "来电编号", "C001")  # column A is now 首次响应时间, O is 来电编号
    loaded = validate_book(write(tmp_path, book))
    assert calls(loaded)[0] == EXPECTED_CALLS[0]
    duplicate = next(p for p in loaded.problems if p.code == "duplicate_key")
    assert where(duplicate) == ("error", "duplicate_key", CALLS, 3, "来电编号", "call_id", "O3")


def test_extra_columns_are_ignored(tmp_path: Path) -> None:
    book = valid_rows()
    for row, (middle, end) in zip(
        book[CALLS], [("备注", "内部编号"), ("老客户", 7), (None, 8)], strict=True
    ):
        row.insert(2, middle)
        row.append(end)
    set_cell(book, CALLS, 3, "联系电话", "12345")  # 联系电话 moved from D to E
    loaded = validate_book(write(tmp_path, book))
    assert [r.get("call_id") for r in loaded.records["call_log"]] == ["C001", "C002"]
    assert set(loaded.records["call_log"][0].keys()) == set(EXPECTED_CALLS[0])
    assert [where(p) for p in loaded.problems] == [
        ("error", "bad_phone", CALLS, 3, "联系电话", "phone", "E3")
    ]


# --- which rows are data -------------------------------------------------------------------------


def test_fully_blank_rows_are_skipped(tmp_path: Path) -> None:
    book = valid_rows()
    book[CALLS][2:2] = [[], [None] * 15, ["", "   ", None, ""]]  # rows 3, 4, 5; C002 on row 6
    loaded = validate_book(write(tmp_path, book))
    assert loaded.problems == []
    assert rows_of(loaded, "call_log") == [2, 6]
    assert calls(loaded) == EXPECTED_CALLS


@pytest.mark.parametrize("word", ["合计", "总计", "小计", "Total", "合计：", "Total (2 parts)"])
@pytest.mark.parametrize("position", [0, 2], ids=["in-column-A", "first-non-blank-in-C"])
def test_totals_rows_are_skipped(tmp_path: Path, word: str, position: int) -> None:
    book = valid_rows()
    totals: list[Any] = [None, None, None, 3, 362.5]
    totals[position] = word
    book[SHEET["parts_used"]].append(totals)
    book[SHEET["parts_used"]].append(["W001", "P-300", "风扇", 1, 20])
    loaded = validate_book(write(tmp_path, book))
    assert loaded.problems == []
    assert rows_of(loaded, "parts_used") == [2, 3, 5]


def test_a_row_that_only_mentions_a_total_later_is_data(tmp_path: Path) -> None:
    """Only the first non-blank cell decides: a part named 合计 after the order id is data."""
    book = valid_rows()
    book[SHEET["parts_used"]].append(["W001", None, "合计用垫片", 1, 2])
    loaded = validate_book(write(tmp_path, book))
    assert loaded.problems == []
    assert rows_of(loaded, "parts_used") == [2, 3, 4]


# --- values as typed -----------------------------------------------------------------------------


def test_values_typed_as_text_numbers_and_full_width(tmp_path: Path) -> None:
    book = valid_rows()
    set_cell(book, CALLS, 2, "来电时间", "2026/10/5 14:30")
    set_cell(book, CALLS, 2, "购买日期", "2026年3月1日")
    set_cell(book, CALLS, 2, "首次响应时间", "2026年10月5日 15时00分")
    set_cell(book, CALLS, 2, "联系电话", 13812345678)
    set_cell(book, CALLS, 3, "联系电话", "010 1234 5678")
    set_cell(book, CALLS, 2, "故障等级", "２")
    set_cell(book, CALLS, 3, "故障等级", "三级")
    set_cell(book, CALLS, 2, "加急", "×")
    set_cell(book, CALLS, 3, "加急", "√")
    set_cell(book, SHEET["repair_ledger"], 3, "工时费", "１２０元")
    set_cell(book, SHEET["staff"], 2, "电话", 13800000001)
    set_cell(book, SHEET["contracts"], 2, "到期日期", "2026.12.31")
    set_cell(book, CALLS, 3, "来电时间", 46307 + (9 + 15 / 60) / 24)  # a bare serial number
    set_cell(book, CALLS, 3, "购买日期", 45432)  # 2024-05-20 as a serial
    set_cell(book, SHEET["repair_ledger"], 2, "复杂维修", False)  # a real Excel boolean
    loaded = validate_book(write(tmp_path, book))
    assert loaded.problems == []
    assert calls(loaded) == EXPECTED_CALLS
    assert loaded.records["repair_ledger"][1].get("labour_fee") == Decimal("120")
    assert loaded.records["staff"][0].get("phone") == "13800000001"
    assert loaded.records["contracts"][0].get("end_date") == date(2026, 12, 31)
    assert loaded.records["repair_ledger"][0].get("complex") is False


def test_ids_typed_as_numbers_match_ids_typed_as_text(tmp_path: Path) -> None:
    """Staff id 1001 kept as a number in one sheet and as text in another is the same person."""
    book = valid_rows()
    set_cell(book, SHEET["staff"], 2, "工号", 1001)
    set_cell(book, CALLS, 2, "受理人", "1001")
    set_cell(book, CALLS, 3, "受理人", 1001.0)
    set_cell(book, SHEET["complaints"], 2, "受理人", 1001)
    set_cell(book, SHEET["complaints"], 3, "受理人", " 1001 ")
    for row in (2, 3):
        set_cell(book, SHEET["contracts"], row, "负责人", 1001)
        set_cell(book, SHEET["callbacks"], row, "回访人", 1001)
    set_cell(book, SHEET["stock_counts"], 2, "盘点人", 1001)
    loaded = validate_book(write(tmp_path, book))
    assert loaded.problems == []
    assert loaded.records["staff"][0].get("staff_id") == "1001"
    assert [r.get("taken_by") for r in loaded.records["call_log"]] == ["1001", "1001"]


def _cache_formula_values(path: Path, sheet_number: int, cached: dict[str, Any]) -> None:
    """Give formula cells a cached value, as Excel does on save (openpyxl writes none)."""
    member = f"xl/worksheets/sheet{sheet_number}.xml"
    with zipfile.ZipFile(path) as source:
        files = {name: source.read(name) for name in source.namelist()}
    xml = files[member].decode("utf-8")
    for ref, value in cached.items():
        kind = ' t="str"' if isinstance(value, str) else ""
        pattern = re.compile(rf'<c r="{ref}"([^>]*)><f>(.*?)</f><v\s*/?>(</v>)?</c>')
        replacement = rf'<c r="{ref}"\1{kind}><f>\2</f><v>{value}</v></c>'
        xml, count = pattern.subn(replacement, xml)
        assert count == 1, f"formula cell {ref} not found in {member}"
    files[member] = xml.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in files.items():
            target.writestr(name, data)


def test_formula_cells_read_by_cached_value(tmp_path: Path) -> None:
    book = valid_rows()
    set_cell(book, CALLS, 2, "来电编号", '="C"&"001"')
    set_cell(book, CALLS, 2, "故障等级", "=1+1")
    set_cell(book, SHEET["repair_ledger"], 3, "工时费", "=100+20")
    path = write(tmp_path, book)
    sheets = list(book)
    _cache_formula_values(path, sheets.index(CALLS) + 1, {"A2": "C001", "L2": 2})
    _cache_formula_values(path, sheets.index(SHEET["repair_ledger"]) + 1, {"M3": 120})
    loaded = validate_book(path)
    assert loaded.problems == []
    assert calls(loaded) == EXPECTED_CALLS
    assert loaded.records["repair_ledger"][1].get("labour_fee") == Decimal("120")


# --- sheets --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["Call Log", "CALL LOG", "call log", "calllog", "Ｃａｌｌ　Ｌｏｇ", "来电 登记", "call_log"],
)
def test_sheet_names_match_case_width_and_space_insensitively(tmp_path: Path, name: str) -> None:
    book = {(name if sheet == CALLS else sheet): rows for sheet, rows in valid_rows().items()}
    set_cell(book, name, 2, "联系电话", "12345")
    loaded = validate_book(write(tmp_path, book))
    assert calls(loaded)[1] == EXPECTED_CALLS[1]
    assert [where(p) for p in loaded.problems] == [
        ("error", "bad_phone", name, 2, "联系电话", "phone", "D2")  # the sheet as named in the book
    ]


@pytest.mark.parametrize("key", list(SHEET))
def test_missing_sheet_is_one_warning_naming_it(tmp_path: Path, key: str) -> None:
    book = valid_rows()
    del book[SHEET[key]]
    path = write(tmp_path, book)
    sheet = load_schema()[key]
    for lang, title in (("zh", sheet.zh), ("en", sheet.en)):
        for loaded in (load_book(path, lang=lang), validate_book(path, lang=lang)):
            assert len(loaded.problems) == 1
            (problem,) = loaded.problems
            assert (problem.severity, problem.code) == ("warning", "missing_sheet")
            assert problem.sheet == title
            assert (problem.row, problem.field, problem.cell) == (None, None, None)
            assert title in problem.message(lang)
            assert not loaded.records.has(key)


# --- columns -------------------------------------------------------------------------------------


def test_missing_required_column_is_one_error_and_its_rows_are_quiet(tmp_path: Path) -> None:
    book = valid_rows()
    drop_column(book, CALLS, "来电时间")
    loaded = validate_book(write(tmp_path, book))
    assert [where(p) for p in loaded.problems] == [
        ("error", "missing_column", CALLS, 1, "来电时间", "call_time", None)
    ]
    assert rows_of(loaded, "call_log") == [2, 3]
    assert all(r.get("call_time") is None for r in loaded.records["call_log"])


def test_missing_required_column_with_header_below_titles(tmp_path: Path) -> None:
    book = valid_rows()
    drop_column(book, SHEET["stores"], "门店名称")  # 1 of 2 required left: still the header
    book[SHEET["stores"]][:0] = [["门店列表"]]
    loaded = validate_book(write(tmp_path, book))
    assert [where(p) for p in loaded.problems] == [
        ("error", "missing_column", SHEET["stores"], 2, "门店名称", "name", None)
    ]
    assert rows_of(loaded, "stores") == [3, 4]


def test_missing_optional_columns_are_no_problem(tmp_path: Path) -> None:
    book = valid_rows()
    for header in ("客户邮箱", "地址", "序列号", "购买日期", "首次响应时间", "加急"):
        drop_column(book, CALLS, header)
    for header in ("保修状态", "待料开始", "待料结束", "质检结果"):
        drop_column(book, SHEET["repair_ledger"], header)
    drop_column(book, SHEET["staff"], "离职日期")
    loaded = validate_book(write(tmp_path, book))
    assert loaded.problems == []
    assert "email" not in loaded.records["call_log"][0]
    assert loaded.records["call_log"][0].get("call_time") == datetime(2026, 10, 5, 14, 30)
