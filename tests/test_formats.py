"""The same book as .xlsx, .xls, .ods (made by LibreOffice) and a folder of CSV files gives the
same problems and the same money (issue 19 §2, SPEC §7.6)."""

from __future__ import annotations

import codecs
import csv
import io
import json
import shutil
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import Book, set_cell, soffice_convert, valid_rows, write_book

from svctools.cli import cli

AS_OF = "2026-11-20T09:00"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_soffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")


def run(*args: object) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout, result.stderr


def the_book() -> Book:
    """Two orders completed in 2026-10 (settle: customer 160.00, company 365.00, paid 50.00;
    see test_misreads) and a planted problem: a bad phone (来电登记 D3)."""
    rows = valid_rows()
    set_cell(rows, "维修台帐", 3, "状态", "已完工")
    set_cell(rows, "维修台帐", 3, "完工时间", datetime(2026, 10, 15, 10, 0))
    set_cell(rows, "维修台帐", 3, "故障原因", "人为损坏")
    set_cell(rows, "来电登记", 3, "联系电话", "010-1234")
    return rows


def outcome(book: Path) -> tuple[list[tuple[Any, ...]], dict[str, Any]]:
    _, out, _ = run("validate", book, "--as-of", AS_OF, "--format", "json")
    problems = [(p["sheet"], p["cell"], p["code"]) for p in json.loads(out)["problems"]]
    code, out, err = run(
        "settle", book, "--month", "2026-10", "--as-of", AS_OF, "--format", "json", "--skip-invalid"
    )
    assert code == 0, err
    return problems, json.loads(out)["totals"]


def csv_folder(book: Book, folder: Path, encoding: str) -> Path:
    """The book as Excel on Chinese Windows saves each sheet as CSV: dates as shown
    (2026/10/5 14:30), one file per sheet named after it."""
    folder.mkdir()
    for name, rows in book.items():
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\r\n")
        for row in rows:
            writer.writerow([_shown(value) for value in row])
        data = text.getvalue().encode("utf-8" if encoding == "utf-8-sig" else encoding)
        if encoding == "utf-8-sig":
            data = codecs.BOM_UTF8 + data
        (folder / f"{name}.csv").write_bytes(data)
    return folder


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return f"{value.year}/{value.month}/{value.day} {value.hour}:{value.minute:02d}"
    if isinstance(value, date):
        return f"{value.year}/{value.month}/{value.day}"
    return str(value)


@pytest.fixture(scope="module")
def xlsx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_book(tmp_path_factory.mktemp("formats") / "台账.xlsx", the_book())


EXPECTED_PROBLEMS = [("来电登记", "D3", "bad_phone")]
# --skip-invalid leaves out C002's row and so W002 (refers to it): W001 alone, free:
# customer 0.00, company 350.00 (parts 1 x 350).
EXPECTED_TOTALS = {
    "orders": 1,
    "free_orders": 1,
    "customer_charge": "0.00",
    "company_cost": "350.00",
}


def _check(book: Path) -> None:
    problems, totals = outcome(book)
    assert problems == EXPECTED_PROBLEMS
    assert {key: totals[key] for key in EXPECTED_TOTALS} == EXPECTED_TOTALS


def test_xlsx_is_the_reference(xlsx: Path) -> None:
    _check(xlsx)


@needs_soffice
@pytest.mark.parametrize("kind", ["xls", "ods"])
def test_xls_and_ods_from_libreoffice_give_the_same_answers(xlsx: Path, kind: str) -> None:
    _check(soffice_convert(xlsx, kind, xlsx.parent / kind))


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig", "utf-8"])
def test_a_folder_of_csv_files_gives_the_same_answers(tmp_path: Path, encoding: str) -> None:
    _check(csv_folder(the_book(), tmp_path / "台账", encoding))


def test_an_undecodable_csv_cell_is_a_problem_naming_its_line(tmp_path: Path) -> None:
    folder = csv_folder(the_book(), tmp_path / "台账", "gb18030")
    calls = folder / "来电登记.csv"
    lines = calls.read_bytes().split(b"\r\n")
    lines[2] = lines[2].replace("陈先生".encode("gb18030"), b"\xff\xfe\x80")  # C002's name
    calls.write_bytes(b"\r\n".join(lines))
    code, out, _ = run("validate", folder, "--as-of", AS_OF, "--format", "json")
    assert code == 1
    bad = [p for p in json.loads(out)["problems"] if p["code"] == "bad_encoding"]
    assert [(p["row"], p["cell"]) for p in bad] == [(3, "C3")]
    assert "第 3 行" in bad[0]["message"] and "GB18030" in bad[0]["message"]


def test_a_folder_without_csv_files_is_one_line(tmp_path: Path) -> None:
    code, _, err = run("validate", tmp_path, "--as-of", AS_OF)
    assert code == 2 and len(err.strip().splitlines()) == 1 and ".csv" in err


@needs_soffice
@pytest.mark.parametrize("kind", ["xls", "ods"])
def test_the_size_guard_measures_the_grid_calamine_builds(xlsx: Path, kind: str) -> None:
    """The cells counted before loading (sources/grid.py) are the cells calamine allocates:
    each sheet from A1 to its last value, sheet by sheet in the book's order."""
    import olefile
    from python_calamine import CalamineWorkbook

    from svctools.sources import grid

    book = soffice_convert(xlsx, kind, xlsx.parent / f"grid-{kind}")
    if kind == "ods":
        with zipfile.ZipFile(book) as archive:
            tables = grid._ods_tables([archive.read("content.xml")])[1:]
            counted = [(table.height, table.width) for table in tables]
    else:
        with olefile.OleFileIO(str(book)) as ole:
            counted = grid._xls_grids(ole.openstream("Workbook").read())
    workbook = CalamineWorkbook.from_path(str(book))
    built = []
    for name in workbook.sheet_names:
        sheet = workbook.get_sheet_by_name(name)
        top, left = sheet.start or (0, 0)
        built.append((top + sheet.height, left + sheet.width))
    assert [g for g in counted if g != (0, 0)] == [b for b in built if b != (0, 0)]
    assert len(built) >= 8 and all(rows >= 3 for rows, _ in built[:4])  # the whole book


XLSB = Path(__file__).parent / "data" / "sheetjs-book.xlsb"  # the_book(), see data/make-xlsb.js


@pytest.mark.parametrize(("lang", "phrase"), [("zh", "另存为 .xlsx"), ("en", "save it as .xlsx")])
def test_an_xlsb_is_refused_with_one_line(tmp_path: Path, lang: str, phrase: str) -> None:
    book = tmp_path / "台账.xlsb"
    shutil.copy(XLSB, book)
    code, out, err = run("--lang", lang, "validate", book, "--as-of", AS_OF)
    assert code == 2 and not out
    assert len(err.strip().splitlines()) == 1 and phrase in err and str(book) in err


def test_calamine_still_loses_the_cells_of_a_sheetjs_xlsb(xlsx: Path) -> None:
    """Why .xlsb is refused: python-calamine reads a row of this .xlsb as its first cell and
    blanks (it skips BrtShort* records). When this fails, calamine reads them: take .xlsb
    back into open_xlsx and into the equal-answers tests above."""
    from python_calamine import CalamineWorkbook

    def second_row(path: Path) -> list[Any]:
        return CalamineWorkbook.from_path(str(path)).get_sheet_by_name("来电登记").to_python()[1]

    assert second_row(xlsx)[:3] == ["C001", datetime(2026, 10, 5, 14, 30), "刘女士"]
    assert [value for value in second_row(XLSB) if value != ""] == ["C001"]


@needs_soffice
def test_the_xlsb_is_whole_as_libreoffice_reads_it(tmp_path: Path) -> None:
    """The file is not broken: LibreOffice reads every cell, the same answers as the .xlsx."""
    _check(soffice_convert(XLSB, "xlsx", tmp_path))


@needs_soffice
@pytest.mark.parametrize("kind", ["xls", "ods"])
def test_order_id_merged_down_reads_alike_in_xls_and_ods(tmp_path: Path, kind: str) -> None:
    """工单号 merged A3:A4 over W002's two parts rows (test_recognition's book): calamine gives
    an .xls's merged cells, an .ods's are read from its content.xml (number-rows-spanned).
    W002: parts 2 x 12.5 + 1 x 10 = 35; customer = 120 labour + 35 + 15 inbound = 170.00."""
    rows = valid_rows()
    set_cell(rows, "维修台帐", 3, "状态", "已完工")
    set_cell(rows, "维修台帐", 3, "完工时间", datetime(2026, 10, 15, 10, 0))
    set_cell(rows, "维修台帐", 3, "故障原因", "人为损坏")
    rows["配件使用"].append([None, "P-200", "密封圈", 1, 10])
    xlsx = write_book(tmp_path / "merged.xlsx", rows, merges={"配件使用": ["A3:A4"]})
    book = soffice_convert(xlsx, kind, tmp_path / kind)
    code, out, _ = run("validate", book, "--as-of", AS_OF, "--format", "json")
    assert (code, json.loads(out)["problems"]) == (0, [])
    code, out, err = run("settle", book, "--month", "2026-10", "--as-of", AS_OF, "--format", "json")
    assert code == 0, err
    [w002] = [o for o in json.loads(out)["orders"] if o["order_id"] == "W002"]
    assert w002["customer_charge"] == "170.00"
