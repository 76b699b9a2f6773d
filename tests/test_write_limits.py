"""What a killed run leaves, and cells longer than Excel holds (issue 19 §4)."""

from __future__ import annotations

import os
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import set_cell, valid_rows, write_book

from svctools.cli import cli
from svctools.outputs.atomic import remove_stale, write_atomic
from svctools.outputs.xlsxout import CELL_LIMIT, put, save_workbook

AS_OF = "2026-11-20T09:00"


def test_stale_temporary_files_of_our_naming_are_cleaned(tmp_path: Path) -> None:
    old = tmp_path / ".report.a1b2c3d4.xlsx"  # left by a run killed two hours ago
    fresh = tmp_path / ".report.zz99yy88.xlsx"  # a write in progress right now
    clerks = tmp_path / ".report.notes.xlsx"  # not ours: not mkstemp's 8 characters
    for path in (old, fresh, clerks):
        path.write_bytes(b"partial")
    two_hours_ago = time.time() - 7200
    os.utime(old, (two_hours_ago, two_hours_ago))
    os.utime(clerks, (two_hours_ago, two_hours_ago))
    save_workbook(openpyxl.Workbook(), tmp_path / "report.xlsx")
    assert not old.exists() and fresh.exists() and clerks.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".report.notes.xlsx",
        ".report.zz99yy88.xlsx",
        "report.xlsx",
    ]


def test_a_cell_is_cut_at_excels_limit_with_a_note(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    put(workbook.active, 1, 1, "x" * 100_000)
    path = save_workbook(workbook, tmp_path / "out.xlsx")
    value = openpyxl.load_workbook(path).active["A1"].value
    assert len(value) == CELL_LIMIT and value.endswith("cut at 32,767 characters]")


@pytest.mark.parametrize(("lang", "note"), [("zh", "已截断"), ("en", "cut")])
def test_a_long_cell_of_the_book_is_cut_in_the_annotated_copy(
    tmp_path: Path, lang: str, note: str
) -> None:
    """A book written by a program may hold more than Excel's 32,767 characters in a cell;
    the annotated copy must open in Excel, so the copied cell is cut, with a note saying so."""
    rows = valid_rows()
    set_cell(rows, "来电登记", 2, "故障描述", "LONG-CELL")  # 40,000 characters in K2, below
    set_cell(rows, "来电登记", 3, "联系电话", "010-1234")  # a problem to annotate (D3)
    book = with_long_text(
        write_book(tmp_path / "台账.xlsx", rows), "LONG-CELL", "屏幕闪烁" * 10_000
    )
    out = tmp_path / "annotated.xlsx"
    result = CliRunner().invoke(
        cli, ["--lang", lang, "validate", str(book), "--annotate", str(out), "--as-of", AS_OF]
    )
    assert result.exit_code == 1, result.output
    cell = openpyxl.load_workbook(out)["来电登记"]["K2"]
    assert len(cell.value) <= CELL_LIMIT
    assert cell.value.startswith("屏幕闪烁" * 100)
    told = cell.value[-80:] + (cell.comment.text if cell.comment else "")
    assert note in told and "32,767" in told
    with zipfile.ZipFile(book) as kept:  # the book is untouched
        assert any("屏幕闪烁".encode() * 10_000 in kept.read(name) for name in kept.namelist())


def with_long_text(book: Path, mark: str, text: str) -> Path:
    """``book`` with ``mark`` replaced by ``text`` (in its shared strings): openpyxl itself
    refuses to write more than 32,767 characters in a cell, the programs that export do not."""
    with zipfile.ZipFile(book) as old:
        members = {info.filename: old.read(info) for info in old.infolist()}
    found = [name for name, data in members.items() if mark.encode() in data]
    assert len(found) == 1
    members[found[0]] = members[found[0]].replace(mark.encode(), text.encode())
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as new:
        for name, data in members.items():
            new.writestr(name, data)
    return book


def test_a_folder_is_cleaned_of_stale_temporaries_of_every_target_at_once(
    tmp_path: Path,
) -> None:
    # what write_atomic removes for each of its targets, remove_stale removes for all of them
    stale = [".renewal_HT001_7.a1b2c3d4.eml", ".callback_A01_2026-11-20.ab_cd_12.eml"]
    dotted = ".stock.2026.x1y2z3w4.eml"  # a stem with dots of its own: still ours
    kept = [
        ".renewal_HT002_7.zz99yy88.eml",  # a write in progress right now
        ".notes.eml",  # not ours: no mkstemp part
        ".renewal.notes.eml",  # not ours: not mkstemp's 8 characters
        ".renewal_HT003_7.a1b2c3d4.md",  # another suffix
        "renewal_HT004_7.eml",  # a message
    ]
    two_hours_ago = time.time() - 7200
    for name in [*stale, dotted, *kept]:
        (tmp_path / name).write_bytes(b"partial")
        if name != kept[0]:
            os.utime(tmp_path / name, (two_hours_ago, two_hours_ago))
    remove_stale(tmp_path, ".eml")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(kept)
    # the same as write_atomic's own cleaning, target by target
    for name in [*stale, dotted]:
        (tmp_path / name).write_bytes(b"partial")
        os.utime(tmp_path / name, (two_hours_ago, two_hours_ago))
    for target in ("renewal_HT001_7.eml", "callback_A01_2026-11-20.eml", "stock.2026.eml"):
        write_atomic(tmp_path / target, lambda tmp: tmp.write_bytes(b"done"))
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [*kept, "renewal_HT001_7.eml", "callback_A01_2026-11-20.eml", "stock.2026.eml"]
    )
