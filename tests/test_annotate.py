"""``validate --annotate`` copies the book at the zip level (issue 18: fast; issue 19: bounded by
the data, text over Excel's cell limit cut with a note); the openpyxl path is the reference."""

from __future__ import annotations

import functools
import json
import re
import shutil
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import AS_OF, set_cell, soffice_convert, valid_rows, validate_book, write_book
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.styles import Border, Font, Side
from python_calamine import CalamineWorkbook

from svctools.cli import cli
from svctools.demo.sample import DEMO_AS_OF, build_demo_book
from svctools.outputs.annotate import annotate, annotate_with_openpyxl, plan_for
from svctools.outputs.xlsxout import CELL_LIMIT, CUT_NOTE
from svctools.outputs.xlsxparts import long_runs

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
LAST_ROW = 1_048_576
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def run(*args: object) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout, result.stderr


def cells(path: Path) -> dict[Any, Any]:
    """Every cell openpyxl sees: value, fill colour, comment, number format, bold, link, quote."""
    workbook = openpyxl.load_workbook(path)
    seen: dict[Any, Any] = {"sheets": workbook.sheetnames, "active": workbook.active.title}
    for sheet in workbook.worksheets:
        seen[sheet.title, "merged"] = sorted(str(r) for r in sheet.merged_cells.ranges)
        for row in sheet.iter_rows():
            for cell in row:
                seen[sheet.title, cell.coordinate] = (
                    cell.value,
                    cell.fill.fgColor.rgb[-6:] if cell.fill.fill_type else None,
                    cell.comment.text if cell.comment else None,
                    cell.number_format,
                    cell.font.b,
                    cell.hyperlink.location if cell.hyperlink else None,
                    cell.quotePrefix,
                )
    return seen


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "book.xlsx"
    build_demo_book(7, DEMO_AS_OF)[0].save(path)
    return path


def test_the_zip_copy_marks_what_the_openpyxl_path_marks(demo: Path, tmp_path: Path) -> None:
    problems = validate_book(demo, DEMO_AS_OF).problems
    assert len([p for p in problems if p.cell]) >= 10  # the demo's planted mistakes
    fast = annotate(demo, tmp_path / "fast.xlsx", problems, "zh")
    slow = annotate_with_openpyxl(demo, tmp_path / "slow.xlsx", plan_for(problems, "zh"), "zh")
    assert cells(fast) == cells(slow)
    # the zip-level copy: a sheet without marks is the book's own member, byte for byte
    with zipfile.ZipFile(demo) as book, zipfile.ZipFile(fast) as copy:
        assert copy.testzip() is None
        index = openpyxl.load_workbook(demo, read_only=True).sheetnames.index("门店") + 1
        part = f"xl/worksheets/sheet{index}.xml"
        assert copy.getinfo(part).CRC == book.getinfo(part).CRC
        assert copy.read(part) == book.read(part)


def styled_book(path: Path) -> Path:
    """The valid book with a title row merged over 来电登记 (header on row 2, as clerks keep
    it), a bad 来电时间 in the future typed in a bold, bordered, custom-format cell (B3)."""
    rows = valid_rows()
    set_cell(rows, "来电登记", 2, "来电时间", DEMO_AS_OF.replace(month=12))  # future_time
    write_book(path, rows)
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["来电登记"]
    sheet.insert_rows(1)
    sheet["A1"] = "2026年来电登记表"
    sheet.merge_cells("A1:H1")
    thin = Side(style="thin")
    sheet["B3"].number_format = "yyyy/m/d h:mm"
    sheet["B3"].font = Font(bold=True)
    sheet["B3"].border = Border(left=thin, right=thin, top=thin, bottom=thin)
    workbook.create_sheet("备注")  # an empty sheet, as books carry
    workbook.save(path)
    data = {}
    with zipfile.ZipFile(path) as source:  # written as Excel writes an empty sheet
        data = {i.filename: source.read(i) for i in source.infolist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, part in data.items():
            out.writestr(name, part.replace(b"<sheetData></sheetData>", b"<sheetData/>"))
    return path


def test_a_styled_cell_keeps_its_format_and_gets_the_fill(tmp_path: Path) -> None:
    book = styled_book(tmp_path / "book.xlsx")
    out = tmp_path / "annotated.xlsx"
    code, _, err = run("validate", book, "--as-of", AS_OF, "--annotate", out)
    assert code == 1, err
    copy = openpyxl.load_workbook(out)
    sheet = copy["来电登记"]
    marked = sheet["B3"]
    assert marked.fill.fgColor.rgb.endswith("FFC7CE")  # future_time is an error: red
    assert marked.number_format == "yyyy/m/d h:mm" and marked.font.b
    assert marked.border.left.style == "thin" and "来电时间" in marked.comment.text
    assert [str(r) for r in sheet.merged_cells.ranges] == ["A1:H1"]
    assert sheet["A1"].value == "2026年来电登记表" and sheet["A1"].fill.fill_type is None
    assert sheet["B4"].fill.fill_type is None and sheet["B4"].comment is None
    assert copy.sheetnames[0] == "问题清单" and copy.active.title == "问题清单"
    # the zip-level copy (its own relationship ids; openpyxl's differ); one tab selected
    with zipfile.ZipFile(out) as package:
        rels = b"".join(package.read(n) for n in package.namelist() if n.endswith(".rels"))
        assert b'Id="svcComments"' in rels
        sheets = [n for n in package.namelist() if n.startswith("xl/worksheets/sheet")]
        assert len([n for n in sheets if b'tabSelected="1"' in package.read(n)]) == 1
    assert copy["问题清单"]["B2"].hyperlink.location == "'来电登记'!B3"


def test_libreoffice_opens_the_copy(tmp_path: Path) -> None:
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    book = styled_book(tmp_path / "book.xlsx")
    out = tmp_path / "annotated.xlsx"
    run("validate", book, "--as-of", AS_OF, "--annotate", out)
    # LibreOffice converts what it opens; a package it cannot open gives no file (it never
    # asks to repair in headless mode). Round trip to xlsx: the marked cell's note is there.
    soffice_convert(out, "pdf", tmp_path / "pdf")
    assert (tmp_path / "pdf" / "annotated.pdf").read_bytes().startswith(b"%PDF")
    again = openpyxl.load_workbook(
        soffice_convert(out, "xlsx:Calc MS Excel 2007 XML", tmp_path / "x")
    )
    assert again.sheetnames[0] == "问题清单"
    assert "来电时间" in again["来电登记"]["B3"].comment.text
    # and a book LibreOffice wrote (its own styles, shared strings, views) is copied as well
    written = soffice_convert(book, "xlsx:Calc MS Excel 2007 XML", tmp_path / "lo")
    out = tmp_path / "annotated-lo.xlsx"
    code, _, err = run("validate", written, "--as-of", AS_OF, "--annotate", out)
    assert code == 1, err
    with zipfile.ZipFile(out) as package:
        assert any(b'Id="svcComments"' in package.read(n) for n in package.namelist())
    marked = openpyxl.load_workbook(out)["来电登记"]["B3"]
    assert marked.fill.fgColor.rgb.endswith("FFC7CE") and marked.font.b
    assert marked.number_format.replace("\\", "") == "yyyy/m/d h:mm"  # LibreOffice: "d\ h"


def formatted_book(path: Path) -> Path:
    """The valid book whose 来电登记 is formatted down to row 1,048,576 (two styled, empty
    cells on every row, as a template formatted by whole columns of cells leaves it) around
    its few data rows; a bad phone in D3, and far down (beyond the first window the copy
    inflates at a time) one more call, C0999 on row 150,000: only its number, a 40,000-character
    address and a styled empty phone cell, so several cells the XML lacks are marked."""
    rows = valid_rows()
    set_cell(rows, "来电登记", 3, "联系电话", "010-1234")
    plain = write_book(path.with_name("plain.xlsx"), rows)
    workbook = openpyxl.load_workbook(plain)
    thin = Side(style="thin")
    workbook["来电登记"]["D1"].border = Border(left=thin, right=thin, top=thin, bottom=thin)
    part = f"xl/worksheets/sheet{workbook.sheetnames.index('来电登记') + 1}.xml"
    workbook.save(plain)
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == part:
                last = max(int(r) for r in re.findall(rb'<row r="(\d+)"', data))
                row = (
                    b'<row r="%d" s="1" customFormat="1"><c r="D%d" s="1"/><c r="F%d" s="1"/></row>'
                )
                empty = b"".join(row % (r, r, r) for r in range(last + 1, LAST_ROW + 1))
                far = (
                    b'<row r="150000"><c r="A150000" t="inlineStr"><is><t>C0999</t></is></c>'
                    b'<c r="D150000" s="1"/><c r="F150000" t="inlineStr"><is><t>'
                    + "长".encode() * 40_000
                    + b"</t></is></c></row>"
                )
                empty = empty.replace(row % (150_000, 150_000, 150_000), far)
                data = data.replace(b"</sheetData>", empty + b"</sheetData>")
                data = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:P1048576"/>', data)
            out.writestr(info, data)
    return path


def style_of(path: Path, sheet: str, ref: str) -> tuple[str | None, str]:
    """The fill colour and number format of one cell, read from the package's XML (openpyxl
    would load a million rows)."""
    written = path.stat()  # a file written again is unpacked again
    data, styles = _sheet_and_styles(path, sheet, (written.st_mtime_ns, written.st_size))
    tag = re.search(rb'<c\b[^>]*?\sr="%s"[^>]*>' % ref.encode(), data)
    found = re.search(rb'\ss="(\d+)"', tag[0]) if tag else None
    xf = list(styles.find(f"{MAIN}cellXfs") or [])[int(found[1]) if found else 0]
    fill = list(styles.find(f"{MAIN}fills") or [])[int(xf.get("fillId", "0"))]
    color = fill.find(f"{MAIN}patternFill/{MAIN}fgColor")
    return (color.get("rgb") if color is not None else None), xf.get("numFmtId", "0")


@functools.lru_cache(maxsize=4)
def _sheet_and_styles(path: Path, sheet: str, _written: tuple[int, int]) -> tuple[bytes, Any]:
    """A sheet's XML and the styles, unpacked once per file (a sheet of a million rows is
    78 MB: the formatted-book test asks it about several cells)."""
    from defusedxml.ElementTree import fromstring

    with zipfile.ZipFile(path) as package:
        workbook = fromstring(package.read("xl/workbook.xml"))
        names = [s.get("name") for s in workbook.iter(f"{MAIN}sheet")]
        rels = package.read("xl/_rels/workbook.xml.rels").decode()
        rel_id = next(s for s in workbook.iter(f"{MAIN}sheet") if s.get("name") == sheet).get(
            "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
        )
        target = re.search(rf'Id="{rel_id}"[^>]*Target="([^"]+)"', rels) or re.search(
            rf'Target="([^"]+)"[^>]*Id="{rel_id}"', rels
        )
        assert target and names
        data = package.read("xl/" + target[1].lstrip("/").removeprefix("xl/"))
        return data, fromstring(package.read("xl/styles.xml"))


def test_a_sheet_formatted_to_the_last_row_is_copied_by_its_data(tmp_path: Path) -> None:
    book = formatted_book(tmp_path / "book.xlsx")
    out = tmp_path / "annotated.xlsx"
    code, listing, err = run(
        "validate", book, "--as-of", AS_OF, "--annotate", out, "--format", "json"
    )
    assert code == 1, err
    assert style_of(out, "来电登记", "D3")[0] == "00FFC7CE"  # the bad phone: red
    assert style_of(out, "来电登记", "D4")[0] is None
    with zipfile.ZipFile(out) as copy:
        assert copy.testzip() is None
        part = next(n for n in copy.namelist() if "comments" in n)
        assert b'ref="D3"' in copy.read(part)
    # the formatting is still there, row 1,048,576 included, and calamine reads the copy
    calls = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("来电登记").to_python()
    assert calls[2][3] == "010-1234" and len([r for r in calls if any(r)]) == 4
    # row 150,000, in a later window: its marked cells filled (added where the XML had none),
    # its address cut with a note
    far = [p["cell"] for p in json.loads(listing)["problems"] if p["row"] == 150_000]
    assert "D150000" in far and "B150000" in far
    assert all(style_of(out, "来电登记", ref)[0] == "00FFC7CE" for ref in far)
    assert style_of(out, "来电登记", "D150001")[0] is None
    address = str(calls[149_999][5])
    assert len(address) == CELL_LIMIT and address.endswith(CUT_NOTE)
    with zipfile.ZipFile(out) as copy:
        notes = b"".join(copy.read(n) for n in copy.namelist() if "comments/" in n)
        assert b'ref="F150000"' in notes and b"40,000" in notes
    with zipfile.ZipFile(book) as source, zipfile.ZipFile(out) as copy:
        sheet_parts = [n for n in copy.namelist() if n.startswith("xl/worksheets/sheet")]
        formatted = [n for n in sheet_parts if copy.getinfo(n).file_size > 10_000_000]
        assert len(formatted) == 1 and formatted[0] in source.namelist()
        data = copy.read(formatted[0])
        assert b'<row r="1048576" s="1" customFormat="1">' in data[data.rfind(b"<row ") :]


@pytest.mark.parametrize("where", ["shared", "inline"])
def test_text_over_excels_limit_is_cut_with_a_note(tmp_path: Path, where: str) -> None:
    book = long_text_book(tmp_path / "book.xlsx", shared=where == "shared")
    assert len(address_of(book)) == 40_000
    out = tmp_path / "annotated.xlsx"
    code, _, err = run("--lang", "en", "validate", book, "--as-of", AS_OF, "--annotate", out)
    assert code == 1, err
    cut = address_of(out)
    assert len(cut) == CELL_LIMIT and cut.endswith(CUT_NOTE) and cut.startswith("长" * 1000)
    address = openpyxl.load_workbook(out)["来电登记"]["F2"]
    assert "40,000 characters" in address.comment.text and address.fill.fill_type is None
    assert openpyxl.load_workbook(out)["来电登记"]["D2"].fill.fill_type == "solid"
    # the openpyxl path cuts it the same way
    problems = validate_book(book, lang="en").problems
    slow = annotate_with_openpyxl(book, tmp_path / "slow.xlsx", plan_for(problems, "en"), "en")
    assert address_of(slow) == cut
    assert openpyxl.load_workbook(slow)["来电登记"]["F2"].comment.text == address.comment.text


def address_of(book: Path) -> str:
    """来电登记 F2 (地址) as calamine reads it (openpyxl cuts at 32,767 on reading)."""
    value = CalamineWorkbook.from_path(str(book)).get_sheet_by_name("来电登记").to_python()[1][5]
    return str(value)


def long_text_book(path: Path, shared: bool) -> Path:
    """The valid book with a 40,000-character 地址 in 来电登记 F2 (no problem there) and a bad
    phone in D2, as a shared string or an inline one (xlsxwriter's streaming mode); written by
    xlsxwriter with a placeholder, the long text put in at the XML (no writer makes it)."""
    import xlsxwriter

    rows = valid_rows()
    set_cell(rows, "来电登记", 2, "地址", "PLACEHOLDER")
    set_cell(rows, "来电登记", 2, "联系电话", "12345")
    draft = path.with_name("draft.xlsx")
    target = xlsxwriter.Workbook(str(draft), {"constant_memory": not shared})
    for name, lines in rows.items():
        sheet = target.add_worksheet(name)
        for number, line in enumerate(lines):
            for column, value in enumerate(line):
                if value is not None:
                    sheet.write(number, column, value)
    target.close()
    with zipfile.ZipFile(draft) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        assert ("xl/sharedStrings.xml" in source.namelist()) == shared
        for info in source.infolist():
            out.writestr(info, source.read(info).replace(b"PLACEHOLDER", "长".encode() * 40_000))
    return path


def test_a_protected_book_is_annotated_from_memory(tmp_path: Path, monkeypatch: Any) -> None:
    from msoffcrypto.format.ooxml import OOXMLFile

    rows = valid_rows()
    set_cell(rows, "来电登记", 2, "联系电话", "12345")
    plain = write_book(tmp_path / "plain.xlsx", rows)
    locked = tmp_path / "locked.xlsx"
    with open(plain, "rb") as source, open(locked, "wb") as target:
        OOXMLFile(source).encrypt("门店2026!", target)
    monkeypatch.setenv("SVCTOOLS_BOOK_PASSWORD", "门店2026!")
    out = tmp_path / "annotated.xlsx"
    code, _, err = run("validate", locked, "--as-of", AS_OF, "--annotate", out)
    assert code == 1, err
    assert openpyxl.load_workbook(out)["来电登记"]["D2"].fill.fgColor.rgb.endswith("FFC7CE")
    # --encrypt: the copy is encrypted in memory before it is written
    code, _, err = run("--encrypt", "validate", locked, "--as-of", AS_OF, "--annotate", out)
    assert code == 1, err
    with open(out, "rb") as handle:
        assert handle.read(8) == bytes.fromhex("d0cf11e0a1b11ae1")  # an OLE container


def test_a_book_in_another_format_is_refused_before_reading(tmp_path: Path) -> None:
    folder = tmp_path / "csv"
    folder.mkdir()
    for book in (tmp_path / "book.ods", tmp_path / "book.xls", folder):
        if not book.is_dir():
            book.write_bytes(b"not read")
        code, _, err = run("--lang", "en", "validate", book, "--annotate", tmp_path / "a.xlsx")
        assert code == 2 and "--annotate marks .xlsx books only" in err
        assert err.count("\n") == 1 and not (tmp_path / "a.xlsx").exists()


def test_a_book_the_zip_path_does_not_expect_takes_the_openpyxl_path(tmp_path: Path) -> None:
    """Comments already on a marked sheet: openpyxl merges them (ours replaces the cell's)."""
    from openpyxl.comments import Comment

    rows = valid_rows()
    set_cell(rows, "来电登记", 2, "联系电话", "12345")
    book = write_book(tmp_path / "book.xlsx", rows)
    workbook = openpyxl.load_workbook(book)
    workbook["来电登记"]["A2"].comment = Comment("客户要求回电", "店长")
    workbook.save(book)
    out = tmp_path / "annotated.xlsx"
    code, _, err = run("validate", book, "--as-of", AS_OF, "--annotate", out)
    assert code == 1, err
    sheet = openpyxl.load_workbook(out)["来电登记"]
    assert sheet["A2"].comment.text == "客户要求回电"
    assert "电话" in sheet["D2"].comment.text and sheet["D2"].fill.fill_type == "solid"


def test_the_copy_reads_back_with_the_same_values(demo: Path, tmp_path: Path) -> None:
    """Every sheet of the book reads the same in the copy (calamine, the default reader)."""
    out = tmp_path / "annotated.xlsx"
    run("validate", demo, "--as-of", DEMO_AS_OF.isoformat(), "--annotate", out)
    source, copy = CalamineWorkbook.from_path(str(demo)), CalamineWorkbook.from_path(str(out))
    assert copy.sheet_names == ["问题清单", *source.sheet_names]
    for name in source.sheet_names:
        assert (
            copy.get_sheet_by_name(name).to_python() == source.get_sheet_by_name(name).to_python()
        )


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 3 * CELL_LIMIT), min_size=1, max_size=12))
def test_long_runs_finds_what_a_pattern_finds(lengths: list[int]) -> None:
    """The fast look for texts over the limit (a few ``find`` calls per 32 KB) finds exactly
    the runs a plain pattern over every byte finds."""
    data = b"".join(b'<c r="A%d" t="inlineStr"><is><t>' % n + b"x" * size + b"</t></is></c>"
                    for n, size in enumerate(lengths))  # fmt: skip
    plain = [m.span(1) for m in re.finditer(rb">([^<]{%d,})<" % (CELL_LIMIT + 1), data)]
    assert list(long_runs(data)) == plain
    assert len(plain) == len([n for n in lengths if n > CELL_LIMIT])
