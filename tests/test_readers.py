"""One suite for both ``.xlsx`` readers (issue 7): python-calamine (the default) and openpyxl.

Messy books are written in ``tmp_path`` (with openpyxl; with xlsxwriter where a formula needs
a cached value). Every test runs under both readers, and the books are also read by both and
compared: the same records (``[r.as_dict(), r.row]``), the same problems, down to the cell.
"""

from __future__ import annotations

import json
import math
import zipfile
from collections.abc import Callable
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlsxwriter
from click.testing import CliRunner
from conftest import AS_OF, SHEET, Book, set_cell, valid_rows, write_book
from depth import examples
from hypothesis import given, settings
from hypothesis import strategies as st

import svctools.sources.calamine as fastxlsx
import svctools.sources.zipmember as zipmember
from svctools.cli import cli
from svctools.compute.checks import validate
from svctools.core.errors import BookError, ConfigError
from svctools.core.policy import Policy
from svctools.core.schema import Column, load_schema
from svctools.demo.sample import DEMO_AS_OF, build_demo_book
from svctools.outputs.xlsxout import save_workbook
from svctools.reading.book import LoadedBook, read_book
from svctools.reading.columns import BAD, column_reader
from svctools.reading.values import CellError, cell_reader, converter, is_blank
from svctools.sources.base import BookSource, normalise_cell
from svctools.sources.calamine import CalamineBook, open_xlsx
from svctools.sources.xlsx import XlsxBook

READERS: dict[str, Callable[[Path], BookSource]] = {
    "openpyxl": XlsxBook,
    "calamine": CalamineBook,
}
SCHEMA = load_schema()
CALLS, LEDGER, PARTS = SHEET["call_log"], SHEET["repair_ledger"], SHEET["parts_used"]


@pytest.fixture(params=sorted(READERS))
def reader(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def checked(reader: str, path: Path, lang: str = "zh") -> LoadedBook:
    """``path`` read by ``reader`` with every check run (``validate``), as of ``AS_OF``."""
    source = READERS[reader](path)
    try:
        return validate(source, SCHEMA, Policy(), AS_OF, lang)
    finally:
        source.close()


def records(loaded: LoadedBook) -> dict[str, list[Any]]:
    return {
        key: [[r.as_dict(), r.row, sorted(r.bad)] for r in data.records]
        for key, data in loaded.records.sheets.items()
    }


def problems(loaded: LoadedBook) -> list[dict[str, Any]]:
    return [p.to_dict("en") for p in loaded.problems]


def assert_same_book(path: Path) -> LoadedBook:
    """Both readers give the same records and problems; returns what calamine read."""
    by_openpyxl, by_calamine = checked("openpyxl", path), checked("calamine", path)
    assert records(by_calamine) == records(by_openpyxl)
    assert problems(by_calamine) == problems(by_openpyxl)
    return by_calamine


def raw_rows(reader: str, path: Path, sheet: str) -> list[tuple[int, list[Any]]]:
    """A sheet's raw rows without trailing blanks, blank rows left out."""
    source = READERS[reader](path)
    try:
        found = []
        for number, values in source.rows(sheet):
            cells = list(values)
            while cells and cells[-1] is None:
                cells.pop()
            if cells:
                found.append((number, cells))
        return found
    finally:
        source.close()


def test_a_whole_block_of_blank_rows_between_data_rows(tmp_path: Path) -> None:
    """Over 8,192 blank rows between two calls: a block holding no data row is skipped, by
    either reader, and the rows after it keep their numbers."""
    book = valid_rows()
    calls = book[CALLS]
    last = calls.pop()
    calls.extend([[]] * 10_000 + [last])
    path = write_book(tmp_path / "gap.xlsx", book)
    loaded = assert_same_book(path)
    rows = [record.row for record in loaded.records["call_log"]]
    assert rows[-1] == len(calls) and rows[-2] == len(calls) - 10_001


# -- the messy book ------------------------------------------------------------------------


def messy_book() -> tuple[Book, dict[str, list[str]]]:
    """The valid book made messy the ways clerks make it, with a few bad cells as well."""
    book = valid_rows()
    calls = book[CALLS]
    # Dates as real datetimes, date-only cells, serials and text; phones as numbers.
    set_cell(book, CALLS, 2, "来电时间", 46300 + 14.5 / 24)  # a serial number
    set_cell(book, CALLS, 2, "联系电话", 13812345678)
    set_cell(book, CALLS, 2, "故障等级", "３")  # full-width digit
    set_cell(book, CALLS, 2, "加急", False)
    set_cell(book, CALLS, 3, "来电时间", "2026年10月12日 9时15分")
    set_cell(book, CALLS, 3, "购买日期", datetime(2024, 5, 20))  # a date typed with a time column
    set_cell(book, CALLS, 3, "首次响应时间", "2026/10/12 09:40")
    set_cell(book, CALLS, 3, "故障等级", 3.0)
    set_cell(book, CALLS, 3, "加急", True)
    set_cell(book, CALLS, 3, "序列号", "00120")
    # More calls: a midnight call, bad cells of several kinds, an Excel error value.
    extra = [
        ["C003", datetime(2026, 10, 15), "王先生", "+86 139-0000-1111", "wang@example.com",
         "  ", "门店", "KX-300", 20261001, date(2026, 1, 5), "异响", "二级", "是", "A01",
         datetime(2026, 10, 15, 0, 40)],
        ["C004", "2026.10.16", "赵女士", 1381234567, "zhao@", None, "传真", "KX-300",
         1e20, time(9, 30), "#N/A", 2.5, "也许", "A01", datetime(2026, 12, 1, 9, 0)],
        ["C005", 46311, "钱先生", "021-87654321", None, None, "在线", "KX-200", None,
         "2026-02-30", "不开机", 5, 1, "A01", datetime(2026, 10, 16, 8, 0)],
    ]  # fmt: skip
    title = ["2026年来电登记表"]
    book[CALLS] = [[], [], title, [], calls[0], calls[1], [], calls[2], *extra, ["合计"]]
    # The ledger: money as text and full-width, a formula with no cached value (totals row).
    set_cell(book, LEDGER, 2, "工时费", "１２０元")
    set_cell(book, LEDGER, 3, "工时费", "¥1,234.50")
    set_cell(book, LEDGER, 3, "已收金额", 50.0)
    set_cell(book, LEDGER, 2, "返工次数", 0.0)
    ledger = book[LEDGER]
    ledger[0].append("备注")  # a column of the firm's own
    ledger[1].append("客户很满意")
    ledger.append(["合计", None, None, None, None, None, None, None, None, None, None, None,
                   "=SUM(M2:M3)"])  # fmt: skip
    # Parts: whole numbers typed as floats; a whitespace-only cell; a negative cost.
    set_cell(book, PARTS, 2, "数量", 1.0)
    set_cell(book, PARTS, 3, "配件编号", "   ")
    book[PARTS].append(["W002", "P-300", "滤网", 1, -5])
    # Stores start at column C, under three blank rows.
    book[SHEET["stores"]] = [[], [], [], *[[None, None, *row] for row in book[SHEET["stores"]]]]
    merges = {CALLS: ["A3:O3"]}
    return book, merges


def write_messy(path: Path) -> Path:
    book, merges = messy_book()
    return write_book(path, book, merges)


def test_the_messy_book_reads_alike(tmp_path: Path) -> None:
    loaded = assert_same_book(write_messy(tmp_path / "messy.xlsx"))
    codes = {(p.sheet_key, p.row, p.field, p.code) for p in loaded.problems}
    assert codes == {
        ("call_log", 10, "phone", "bad_phone"),  # a number one digit short
        ("call_log", 10, "email", "bad_email"),
        ("call_log", 10, "channel", "not_in_enum"),
        ("call_log", 10, "purchase_date", "bad_value"),  # a time of day, not a date
        ("call_log", 10, "fault_description", "bad_value"),  # #N/A
        ("call_log", 10, "fault_level", "bad_value"),  # 2.5
        ("call_log", 10, "urgent", "bad_value"),
        ("call_log", 10, "first_response_at", "future_time"),
        ("call_log", 11, "purchase_date", "bad_value"),  # 2026-02-30
        ("call_log", 11, "fault_level", "bad_value"),  # 5
        ("parts_used", 4, "unit_cost", "bad_value"),  # negative
    }
    assert len(loaded.records["call_log"]) == 5 and len(loaded.records["repair_ledger"]) == 2


def test_messy_values_read_as_the_spec_says(reader: str, tmp_path: Path) -> None:
    loaded = checked(reader, write_messy(tmp_path / "messy.xlsx"))
    first, second, midnight = loaded.records["call_log"][:3]
    assert (first.row, second.row, midnight.row) == (6, 8, 9)
    assert first.get("call_time") == datetime(2026, 10, 5, 14, 30)
    assert first.get("phone") == "13812345678" and first.get("fault_level") == 3
    assert first.get("urgent") is False and second.get("urgent") is True
    assert second.get("call_time") == datetime(2026, 10, 12, 9, 15)
    assert second.get("purchase_date") == date(2024, 5, 20) and second.get("serial_no") == "00120"
    assert midnight.get("call_time") == datetime(2026, 10, 15)
    assert midnight.get("serial_no") == "20261001" and midnight.get("address") is None
    ledger = loaded.records["repair_ledger"]
    assert [str(r.get("labour_fee")) for r in ledger] == ["120", "1234.50"]
    assert str(ledger[1].get("amount_paid")) == "50" and ledger[0].get("rework_count") == 0
    assert [r.row for r in loaded.records["stores"]] == [5, 6]


def test_rows_keep_excel_numbering_and_columns(reader: str, tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "S"
    sheet["C4"], sheet["E6"], sheet["D6"] = "x", 5, 2.0
    sheet["B8"] = datetime(2026, 10, 5)
    sheet["C8"] = datetime(2026, 10, 5, 14, 30)
    sheet["D8"], sheet["E8"] = "   ", 1.234567890123457e19
    workbook.create_sheet("empty")
    path = tmp_path / "layout.xlsx"
    workbook.save(path)
    assert raw_rows(reader, path, "S") == [
        (4, [None, None, "x"]),
        (6, [None, None, None, 2, 5]),
        (8, [None, datetime(2026, 10, 5), datetime(2026, 10, 5, 14, 30), "   ",
             1.234567890123457e19]),
    ]  # fmt: skip
    assert raw_rows(reader, path, "empty") == []


# -- formulas with cached values (xlsxwriter can store them) -------------------------------


def write_with_formulas(path: Path, book: Book, formulas: dict[tuple[str, int, int], Any]) -> Path:
    """Write ``book`` with xlsxwriter; ``formulas`` maps (sheet, row, column) to
    ``(formula, cached value)`` replacing that cell (rows and columns 0-based)."""
    workbook = xlsxwriter.Workbook(str(path))
    stamp = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for name, rows in book.items():
        sheet = workbook.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if (name, r, c) in formulas:
                    formula, cached = formulas[name, r, c]
                    fmt = stamp if isinstance(cached, float) and cached > 40000 else None
                    sheet.write_formula(r, c, formula, fmt, cached)
                elif isinstance(value, datetime):
                    sheet.write_datetime(r, c, value, stamp)
                elif isinstance(value, date):
                    sheet.write_datetime(r, c, value, day)
                elif value is not None:
                    sheet.write(r, c, value)
    workbook.close()
    return path


def test_formulas_read_by_their_cached_values(reader: str, tmp_path: Path) -> None:
    book = valid_rows()
    formulas = {
        (CALLS, 1, 0): ('="C00"&"1"', "C001"),
        (CALLS, 1, 1): ("=DATE(2026,10,5)+TIME(14,30,0)", 46300 + 14.5 / 24),
        (CALLS, 2, 11): ("=1+2", 3),
        (LEDGER, 1, 12): ("=100+20", 120),
        (LEDGER, 2, 19): ("=1/0", "#DIV/0!"),
        (LEDGER, 1, 9): ("=FALSE()", False),
        (PARTS, 2, 4): ("=25/2", 12.5),
    }
    path = write_with_formulas(tmp_path / "formulas.xlsx", book, formulas)
    loaded = checked(reader, path)
    call = loaded.records["call_log"][0]
    assert call.get("call_id") == "C001" and call.get("call_time") == datetime(2026, 10, 5, 14, 30)
    assert loaded.records["call_log"][1].get("fault_level") == 3
    order, other = loaded.records["repair_ledger"]
    assert str(order.get("labour_fee")) == "120" and order.get("complex") is False
    assert str(loaded.records["parts_used"][1].get("unit_cost")) == "12.5"
    assert [(p.field, p.code, p.value) for p in loaded.problems] == [
        ("amount_paid", "bad_value", "#DIV/0!")
    ]
    assert other.get("amount_paid") is None


def test_formula_books_read_alike(tmp_path: Path) -> None:
    book, _ = messy_book()
    formulas = {
        (CALLS, 5, 3): ("=13812345678", 13812345678),
        (CALLS, 9, 10): ("=NA()", "#N/A"),
        (LEDGER, 1, 12): ("=60.5*2", 121),
        (LEDGER, 2, 12): ('="¥"&"80"', "¥80"),
    }
    assert_same_book(write_with_formulas(tmp_path / "messy-formulas.xlsx", book, formulas))


# -- error cells, wide sheets: calamine's blind spots ---------------------------------------


def rewrite_member(
    path: Path, member: str, change: Callable[[bytes], bytes], name: str = ""
) -> Path:
    """A copy of the book at ``path`` (named ``name``) with one zip member changed."""
    target = path.with_name(name or "changed-" + path.name)
    with zipfile.ZipFile(path) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            data = old.read(item.filename)
            new.writestr(item, change(data) if item.filename == member else data)
    return target


def call_sheet_member(path: Path) -> str:
    return fastxlsx._sheet_parts(path)[CALLS].member


def test_error_cells_without_a_reference_are_read_by_openpyxl(tmp_path: Path) -> None:
    book = valid_rows()
    set_cell(book, CALLS, 2, "故障描述", "#N/A")
    path = write_book(tmp_path / "errors.xlsx", book)
    member = call_sheet_member(path)
    # Cells without their optional r="..." reference: calamine places them, error cells can't be
    stripped = rewrite_member(path, member, lambda xml: xml.replace(b' r="K2"', b""))
    assert fastxlsx._inspect(stripped, fastxlsx._sheet_parts(stripped)[CALLS]).openpyxl
    loaded = assert_same_book(stripped)
    assert [(p.field, p.code) for p in loaded.problems] == [("fault_description", "bad_value")]


@pytest.mark.parametrize("quote", ['"', "'"])
def test_error_cells_are_found_whichever_quote_and_wherever_the_chunk_ends(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, quote: str
) -> None:
    book = valid_rows()
    set_cell(book, CALLS, 2, "故障描述", "#N/A")
    path = write_book(tmp_path / "errors.xlsx", book)
    mark = f" t={quote}e{quote}".encode()
    quoted = rewrite_member(
        path, call_sheet_member(path), lambda xml: xml.replace(b' t="e"', mark), "quoted.xlsx"
    )
    xml = zipfile.ZipFile(quoted).read(call_sheet_member(quoted))
    at = xml.index(mark)
    part = fastxlsx._sheet_parts(quoted)[CALLS]
    # inside a chunk, or split between two (then found in the bytes around the boundary)
    for cut in (len(xml), at + 200, at - 3, at + 1, at + 3, at + len(mark) - 1):
        monkeypatch.setattr(fastxlsx, "_CHUNK", cut)
        monkeypatch.setattr(zipmember, "_CHUNK", cut)
        assert [len(chunk) for chunk, _ in fastxlsx._chunks(quoted, part)][0] == min(cut, len(xml))
        assert fastxlsx._inspect(quoted, part).errors == {2: [(10, "#N/A")]}
    loaded = assert_same_book(quoted)
    assert [(p.field, p.code) for p in loaded.problems] == [("fault_description", "bad_value")]


def test_text_that_looks_like_an_error_mark_is_only_text(tmp_path: Path) -> None:
    book = valid_rows()
    set_cell(book, CALLS, 2, "地址", ' t="e" 北京')
    path = write_book(tmp_path / "mark.xlsx", book)
    loaded = assert_same_book(path)
    assert loaded.records["call_log"][0].get("address") == 't="e" 北京'


def test_a_cell_far_out_is_read_by_openpyxl_not_by_a_huge_grid(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = valid_rows()
    book[CALLS][1].extend([None] * (701 - 15) + ["stray"])  # column ZZ, far beyond the header
    path = write_book(tmp_path / "wide.xlsx", book)
    part = fastxlsx._sheet_parts(path)[CALLS]
    assert fastxlsx._extent(path, part) == (3, 702)
    assert not fastxlsx._inspect(path, part).openpyxl
    monkeypatch.setattr(fastxlsx, "_GRID_BUDGET", 1000)  # a grid of 3 × 702 cells is now too big
    assert "3 rows × 702 columns" in fastxlsx._inspect(path, part).openpyxl
    assert_same_book(path)


def test_the_last_cell_of_the_grid_does_not_exhaust_memory(tmp_path: Path) -> None:
    book = valid_rows()
    path = write_book(tmp_path / "xfd.xlsx", book)
    member = call_sheet_member(path)
    far = b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>'
    huge = rewrite_member(path, member, lambda xml: xml.replace(b"</sheetData>", far))
    verdict = fastxlsx._inspect(huge, fastxlsx._sheet_parts(huge)[CALLS])
    assert "1,048,576 rows × 16,384 columns" in verdict.openpyxl


def test_a_zip_bomb_sheet_is_read_by_openpyxl(tmp_path: Path) -> None:
    part = fastxlsx._Part("xl/worksheets/sheet1.xml", 400 << 20, 400 << 10)
    assert "times its packed size" in fastxlsx._inspect(tmp_path / "unused.xlsx", part).openpyxl


# -- opening: the same refusals, and which reader when --------------------------------------


def test_the_same_refusals(reader: str, tmp_path: Path) -> None:
    (tmp_path / "empty.xlsx").write_bytes(b"")
    (tmp_path / "list.xlsx").write_text("工单号,状态\nW001,已完工\n", encoding="utf-8")
    valid = write_book(tmp_path / "valid.xlsx", valid_rows())
    (tmp_path / "cut.xlsx").write_bytes(valid.read_bytes()[:2000])
    word = rewrite_member(
        valid,
        "[Content_Types].xml",
        lambda xml: xml.replace(b"spreadsheetml.sheet.main", b"wordprocessingml.document.main"),
    )
    doctype = b'?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
    cell = b'<row r="9"><c r="A9" t="inlineStr"><is><t>&e;</t></is></c></row></sheetData>'
    entity = rewrite_member(
        valid,
        call_sheet_member(valid),
        lambda xml: xml.replace(b"?>", doctype, 1).replace(b"</sheetData>", cell),
        "entity.xlsx",
    )
    messages = {}
    for name in ("missing.xlsx", "empty.xlsx", "list.xlsx", "cut.xlsx", word.name):
        with pytest.raises(BookError) as caught:
            READERS[reader](tmp_path / name)
        messages[name] = str(caught.value)
    assert messages[word.name].endswith("(File contains no valid workbook part)")
    assert "no such file" in messages["missing.xlsx"] and "empty" in messages["empty.xlsx"]
    assert "CSV" in messages["list.xlsx"] and "damaged" in messages["cut.xlsx"]
    assert refusal(reader, entity) == refusal("openpyxl", entity)  # when its sheet is read


def refusal(reader: str, path: Path) -> tuple[str, str]:
    """How reading ``path`` fails: the exception's type and words."""
    with pytest.raises(Exception) as caught:
        checked(reader, path)
    return type(caught.value).__name__, str(caught.value)


def test_reader_choice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_book(tmp_path / "book.xlsx", valid_rows())
    macro = path.with_name("book.XLSM")
    macro.write_bytes(path.read_bytes())
    monkeypatch.delenv(fastxlsx.READER_ENV, raising=False)
    with open_xlsx(path) as default, open_xlsx(macro) as macros:
        assert isinstance(default, CalamineBook) and isinstance(macros, CalamineBook)
    monkeypatch.setenv(fastxlsx.READER_ENV, "openpyxl")
    with open_xlsx(path) as streaming:
        assert isinstance(streaming, XlsxBook)
    monkeypatch.setenv(fastxlsx.READER_ENV, "pandas")
    with pytest.raises(ConfigError, match="choose one of calamine, openpyxl"):
        open_xlsx(path)


# -- the demo book, through the command line ------------------------------------------------


def test_the_demo_validates_alike(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    workbook, planted = build_demo_book(7, DEMO_AS_OF)
    path = save_workbook(workbook, tmp_path / "demo.xlsx")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SVCTOOLS_CONFIG", raising=False)
    outputs = {}
    for name in READERS:
        result = CliRunner().invoke(
            cli,
            ["validate", str(path), "--format", "json", "--as-of", "2026-11-20T09:00"],
            env={fastxlsx.READER_ENV: name},
        )
        assert result.exit_code == 1, result.output
        outputs[name] = result.stdout
    assert outputs["calamine"] == outputs["openpyxl"]
    assert len(json.loads(outputs["calamine"])["problems"]) == len(planted)
    with XlsxBook(path) as by_openpyxl, CalamineBook(path) as by_calamine:
        loaded = [read_book(s, SCHEMA, AS_OF) for s in (by_openpyxl, by_calamine)]
    assert records(loaded[0]) == records(loaded[1])


# -- one cell: the happy path's reader agrees with the careful one ---------------------------

LATEST = datetime(2026, 11, 20, 9, 0)
RAW_VALUES: list[Any] = [
    None, "", "   ", "abc", " abc ", "#N/A", "是", "否", "yes", "N", "√", True, False,
    0, 1, 2, 3, 5, 9, -1, 1.0, 2.5, 3.0, 80, 80.0, 60.5, -0.0, 1e20, math.nan, math.inf,
    "１２３", "３", "¥1,234.50", "1234.5元", "-5", "13812345678", " 13812345678", "13812345678\n",
    "１３８１２３４５６７８", 13812345678, 13812345678.0, "+86 138-1234-5678", "010-12345678",
    "a@b.cn", " a@b.cn ", "a@b", datetime(2026, 10, 5, 14, 30), datetime(2026, 10, 5),
    datetime(2026, 10, 5, 14, 29, 59, 999600), datetime(2027, 1, 1),
    datetime(2026, 10, 5, 14, 30, tzinfo=timezone(timedelta(hours=8))), date(2026, 10, 5),
    time(14, 30), timedelta(hours=3), "2026-10-05 14:30", "2026年10月5日", "2026-13-01", 46300,
    46300.604166666664, 20261005, "一级", "四级", "非常满意", 4, 4.0, "completed", "已完工",
    "保内", "上门", "Onsite", "ＯＮＳＩＴＥ",
]  # fmt: skip


def careful(column: Column, raw: Any) -> Any:
    """What ``read_row`` makes of a cell: value, or the problem it reports."""
    if is_blank(raw):
        return ("missing_required",) if column.required else None
    try:
        value = converter(column)(raw)
    except CellError as error:
        return ("problem", error.code, error.detail)
    if column.type == "datetime" and value > LATEST:
        return ("future_time",)
    return (type(value), value)


def fast(read: Callable[[Any], Any], column: Column, raw: Any) -> Any:
    try:
        value = read(raw)
    except CellError as error:
        if error.code in ("missing_required", "future_time"):
            return (error.code,)
        return ("problem", error.code, error.detail)
    return None if value is None else (type(value), value)


def same(a: Any, b: Any) -> bool:
    """Equal, and NaN equal to NaN (money rejects it, but compare like with like)."""
    return a == b or repr(a) == repr(b)


@pytest.mark.parametrize(
    "column",
    [c for sheet in SCHEMA.sheets for c in sheet.columns],
    ids=lambda c: f"{c.key}:{c.type}",
)
def test_cell_reader_agrees_with_the_careful_path(column: Column) -> None:
    read = cell_reader(column, LATEST)
    for _ in range(2):  # the second round is answered from the reader's memory
        for raw in RAW_VALUES:
            assert same(fast(read, column, raw), careful(column, raw)), (column.key, raw)


# -- a block of rows: the column readers agree with the careful path, cell by cell ---------

CALAMINE_STYLE = [  # what calamine gives where openpyxl gives None, ints and midnight datetimes
    "",
    1.0,
    3.0,
    80.0,
    13812345678.0,
    46300.0,
    date(2026, 10, 5),
    date(2027, 1, 1),
]
FAMILIES = {  # blocks of one kind take the fast paths; mixed blocks take the careful ones
    "any": RAW_VALUES + CALAMINE_STYLE,
    "moments": [
        datetime(2026, 10, 5, 14, 30), datetime(2026, 9, 1, 8, 0), datetime(2026, 11, 20, 9, 0),
        datetime(2026, 11, 20, 9, 1), datetime(2026, 10, 5, 14, 29, 59, 999600), "",
        None, date(2026, 10, 5), "2026-10-05 14:30", " ",
    ],
    "texts": ["C001", " C002 ", "王伟", "", None, "#N/A", "   ", "C001", "是", "Onsite"],
    "numbers": [1.0, 2.0, 3.0, 1, 80.0, 60.5, "", None, 0.0, "¥12", 1e20],
    "phones": [
        "13812345678", 13812345678.0, 13812345678, "", None, "010-12345678", "12",
        13812345678.5, 12812345678.0, -13812345678.0, 1e20, 138123456789.0, True, 0.0,
    ],
    "emails": [
        "a@b.cn", "t01@example.cn", " a@b.cn", "a@b.cn\n", "a@b", "", None, "#N/A",
        "ａ@b.cn", "a@b.cn\x1c", "a b@c.cn", "a@b..cn", "王@例子.中国", 13812345678.0, "a@b.c.",
    ],
}  # fmt: skip


def careful_block(column: Column, raw: Any) -> Any:
    """``careful`` for a raw value of either reader: a refusal of any kind is ``BAD``."""
    found = careful(column, normalise_cell(raw))
    return "BAD" if isinstance(found, tuple) and isinstance(found[0], str) else found


@pytest.mark.parametrize(
    "column",
    [c for sheet in SCHEMA.sheets for c in sheet.columns],
    ids=lambda c: f"{c.key}:{c.type}",
)
@settings(max_examples=examples(25), deadline=None)  # x 90 columns x 3 blocks
@given(data=st.data())
def test_column_reader_agrees_with_the_careful_path(column: Column, data: st.DataObject) -> None:
    read = column_reader(column, LATEST)
    for _ in range(3):  # later blocks are answered partly from the reader's memory
        family = data.draw(st.sampled_from(sorted(FAMILIES)))
        block = data.draw(st.lists(st.sampled_from(FAMILIES[family]), min_size=1, max_size=40))
        out, suspect = read(list(block))
        assert len(out) == len(block)
        found = ["BAD" if v is BAD else (v if v is None else (type(v), v)) for v in out]
        expected = [careful_block(column, raw) for raw in block]
        assert all(map(same, found, expected)), (column.key, block, found, expected)
        assert suspect or "BAD" not in found


def test_repeated_texts_and_row_numbers_are_stored_once() -> None:
    """Memory: a part number repeated across 300,000 moves (2,000 parts: half of a block's
    values repeat) is one string, and every sheet's row 1000 is the same int."""
    from svctools.reading.book import shared_numbers

    part_no = next(c for c in SCHEMA["stock_moves"].columns if c.key == "part_no")
    read = column_reader(part_no, LATEST)
    texts = [f"P-{n % 2048:04d}" for n in range(4096)]  # each twice, as a new string each time
    out, _ = read([f"{text}" for text in texts])
    again, _ = read([f"{text}" for text in reversed(texts)])
    assert out == texts and out[0] is out[2048] is again[-1]
    first, second = shared_numbers(range(990, 1010)), shared_numbers([1005, 1000])
    assert first[15] is second[0] and first[10] is second[1] and first == list(range(990, 1010))
    assert shared_numbers([]) == []


# -- progress: reported by the library, drawn only on a terminal ----------------------------


def test_progress_reaches_every_sheet(reader: str, tmp_path: Path) -> None:
    path = write_book(tmp_path / "valid.xlsx", valid_rows())
    heard: list[tuple[str, str, int, int | None]] = []
    source = READERS[reader](path)
    try:
        validate(source, SCHEMA, Policy(), AS_OF, "zh", lambda *event: heard.append(event))
    finally:
        source.close()
    read = {name: done for phase, name, done, _ in heard if phase == "read"}
    assert read == {SHEET[s.key]: len(valid_rows()[SHEET[s.key]]) for s in SCHEMA.sheets}
    checks = [(done, total) for phase, _, done, total in heard if phase == "check"]
    sheets = len(SCHEMA.sheets)
    assert checks[0] == (0, sheets) and checks[-1] == (sheets, sheets)


def test_no_bars_without_a_terminal(tmp_path: Path) -> None:
    path = write_book(tmp_path / "valid.xlsx", valid_rows())
    result = CliRunner().invoke(cli, ["validate", str(path), "--as-of", "2026-11-20T09:00"])
    assert result.exit_code == 0 and result.stderr == ""


def test_a_carriage_return_inside_a_cell(tmp_path: Path) -> None:
    """openpyxl's read-only mode leaves Excel's ``_x000D_`` escape undecoded: XlsxBook decodes
    it, as calamine and Excel do."""
    workbook = xlsxwriter.Workbook(str(tmp_path / "cr.xlsx"))
    workbook.add_worksheet("S").write_string(0, 0, "第一行\r\n第二行")
    workbook.close()
    path = tmp_path / "cr.xlsx"
    assert raw_rows("openpyxl", path, "S") == raw_rows("calamine", path, "S")
    assert raw_rows("openpyxl", path, "S")[0][1][0] == "第一行\r\n第二行"
