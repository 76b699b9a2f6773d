"""Outputs never land on the book (issue 13 item 1), always end in .xlsx (item 12), and an empty
report month is said out loud (item 9). Real books written and re-read; the CLI run in-process."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import valid_rows, write_book

from svctools.cli import cli
from svctools.core.errors import UsageError
from svctools.core.paths import INPUT_BOOKS
from svctools.outputs.xlsxout import write_atomic

AS_OF = "2026-11-20T09:00"
# Every command that writes a workbook beside what it reads, and the option that names it.
WRITERS = {
    "penalties": ["penalties", "{book}", "--month", "2026-10", "--out"],
    "settle": ["settle", "{book}", "--month", "2026-10", "--out"],
    "report": ["report", "{book}", "--month", "2026-10", "--out"],
    "validate": ["validate", "{book}", "--annotate"],
    "dispatch": ["dispatch", "{book}", "--out"],
}


def run(*args: object) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout, result.stderr


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def book(tmp_path: Path) -> Path:
    return write_book(tmp_path / "copy.xlsx", valid_rows())


def _same_book_forms(book: Path) -> dict[str, str]:
    """Other names for the same file: itself, ./name (run from its folder), a symlink, a hard
    link, a detour through the parent folder."""
    link = book.with_name("link.xlsx")
    link.symlink_to(book)
    hard = book.with_name("hard.xlsx")
    os.link(book, hard)
    return {
        "itself": str(book),
        "dot": "./" + book.name,
        "symlink": str(link),
        "hardlink": str(hard),
        "detour": str(book.parent / ".." / book.parent.name / book.name),
    }


@pytest.mark.parametrize("command", sorted(WRITERS))
def test_no_writing_command_writes_the_book(
    command: str, book: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(book.parent)
    before = digest(book)
    for form, out in _same_book_forms(book).items():
        args = [a.format(book=book) for a in WRITERS[command]] + [out, "--as-of", AS_OF]
        code, stdout, err = run(*args)
        assert code == 2, (form, stdout, err)
        assert err.count("\n") == 1 and "台帐从不改写" in err, (form, err)
        assert digest(book) == before, form
    # the book given as ./copy.xlsx and the output as its absolute path: refused too
    args = [a.format(book="./" + book.name) for a in WRITERS[command]] + [book, "--lang", "en"]
    code, _, err = run(*args, "--as-of", AS_OF)
    assert code == 2 and "the book is never written" in err
    assert digest(book) == before


def test_the_output_may_come_before_the_book(book: Path) -> None:
    """click reads options in the order typed: the check waits until both are known."""
    before = digest(book)
    code, _, err = run("report", "--out", book, "--month", "2026-10", book, "--as-of", AS_OF)
    assert code == 2 and "台帐从不改写" in err and digest(book) == before


def test_a_writer_refuses_the_book_even_without_the_cli(book: Path) -> None:
    """The last line of defence: write_atomic itself, for any code that writes a file."""
    before = digest(book)
    other = book.with_name("other.xlsx")
    token = INPUT_BOOKS.set((str(book),))
    try:
        with pytest.raises(UsageError):
            write_atomic(book, lambda tmp: tmp.write_bytes(b"gone"))
        write_atomic(other, lambda tmp: tmp.write_bytes(b"fine"))  # another file is written
    finally:
        INPUT_BOOKS.reset(token)
    assert digest(book) == before and other.read_bytes() == b"fine"


def test_a_different_file_is_written(book: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.xlsx"
    code, _, err = run("report", book, "--month", "2026-10", "--out", out, "--as-of", AS_OF)
    assert code == 0, err
    assert openpyxl.load_workbook(out).sheetnames


@pytest.mark.parametrize("name", ["月报", "月报.2026-10"])
def test_a_bare_name_gets_xlsx(name: str, book: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(book.parent)
    code, out, err = run("report", book, "--month", "2026-10", "--out", name, "--as-of", AS_OF)
    assert code == 0, err
    assert f"{name}.xlsx" in out
    assert openpyxl.load_workbook(book.parent / f"{name}.xlsx").sheetnames
    assert not (book.parent / name).exists()


@pytest.mark.parametrize("command", ["penalties", "settle", "report", "validate"])
def test_another_suffix_is_refused_and_json_says_so(command: str, book: Path) -> None:
    out = book.with_name("r.csv")
    args = [a.format(book=book) for a in WRITERS[command]] + [out, "--as-of", AS_OF]
    code, stdout, err = run(*args)
    assert code == 2 and "r.xlsx" in err and err.count("\n") == 1
    assert not out.exists() and stdout == ""
    code, stdout, err = run(*args, "--format", "json", "--lang", "en")
    assert code == 2 and "writes an .xlsx workbook only: use" in err
    data = json.loads(stdout)
    assert data["ok"] is False and data["error"]["code"] == 2
    assert data["error"]["id"] == "file.out_not_xlsx" and "r.xlsx" in data["error"]["message"]


def test_json_refusal_for_the_book_itself_and_for_click_errors(book: Path) -> None:
    code, stdout, _ = run("report", book, "--month", "2026-10", "--out", book, "--format=json")
    assert code == 2 and json.loads(stdout)["error"]["id"] == "file.out_is_book"
    code, stdout, err = run("report", book, "--month", "2026-10", "--format", "json")  # no --out
    assert code == 2 and "--out" in err
    assert json.loads(stdout)["error"]["code"] == 2


def test_an_empty_month_is_said_and_still_written(book: Path, tmp_path: Path) -> None:
    out = tmp_path / "empty.xlsx"
    code, _, err = run("report", book, "--month", "2025-03", "--out", out, "--as-of", AS_OF)
    assert code == 0
    assert "2025-03 没有任何来电或工单" in err
    assert out.exists()
    code, _, err = run(
        "report", book, "--month", "2025-03", "--out", out, "--as-of", AS_OF, "--lang", "en"
    )
    assert code == 0 and "2025-03 has no calls or work orders" in err
    code, _, err = run("report", book, "--month", "2026-10", "--out", out, "--as-of", AS_OF)
    assert code == 0 and "没有任何来电或工单" not in err  # the valid book has October calls
