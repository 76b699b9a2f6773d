"""What a killed run leaves, and cells longer than Excel holds (issue 19 §4)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import openpyxl

from svctools.outputs.xlsxout import CELL_LIMIT, put, save_workbook


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
