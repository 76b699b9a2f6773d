"""Password-protected books are read in memory; outputs are encrypted with --encrypt."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import valid_rows, write_book
from msoffcrypto.format.ooxml import OOXMLFile

from svctools.cli import cli
from svctools.sources.crypto import decrypt, is_encrypted

SECRET = "门店2026!"


def run(*args: object, password_input: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args], input=password_input)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def locked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("SVCTOOLS_BOOK_PASSWORD", raising=False)
    plain = write_book(tmp_path / "plain.xlsx", valid_rows())
    path = tmp_path / "locked.xlsx"
    with open(plain, "rb") as source, open(path, "wb") as out:
        OOXMLFile(source).encrypt(SECRET, out)
    plain.unlink()
    return path


def test_no_password_is_one_line_saying_how_to_give_it(locked: Path) -> None:
    code, out, err = run("--lang", "en", "validate", locked, "--as-of", "2026-11-20")
    assert code == 2 and out == "" and err.count("\n") == 1
    assert "password-protected" in err and "SVCTOOLS_BOOK_PASSWORD" in err


def test_wrong_password_is_one_line_and_never_echoed(
    locked: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SVCTOOLS_BOOK_PASSWORD", "guess-123")
    code, out, err = run("--lang", "en", "validate", locked, "--as-of", "2026-11-20")
    assert code == 2 and "wrong password" in err and "guess-123" not in out + err


def test_password_from_environment_reads_the_book(
    locked: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SVCTOOLS_BOOK_PASSWORD", SECRET)
    code, out, err = run("validate", locked, "--as-of", "2026-11-20", "--format", "json")
    assert (code, err) == (0, "") and '"ok": true' in out


def test_password_prompt_reads_the_book_and_is_not_printed(locked: Path) -> None:
    code, out, err = run(
        "--password",
        "settle",
        locked,
        "--month",
        "2026-10",
        "--as-of",
        "2026-11-20",
        password_input=SECRET + "\n",
    )
    assert code == 0 and "W001" in out
    assert SECRET not in out + err


def test_encrypt_writes_outputs_only_the_password_opens(
    locked: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SVCTOOLS_BOOK_PASSWORD", SECRET)
    out = tmp_path / "statement.xlsx"
    code, _, err = run(
        "--encrypt", "settle", locked, "--month", "2026-10", "--out", out, "--as-of", "2026-11-20"
    )
    assert code == 0, err
    assert is_encrypted(out)
    workbook = openpyxl.load_workbook(io.BytesIO(decrypt(out, SECRET).read()))
    assert len(workbook.sheetnames) == 3
    assert not list(tmp_path.glob(".statement*"))  # no plain temporary copy left behind


def test_encrypt_without_any_password_is_a_usage_error(tmp_path: Path) -> None:
    book = write_book(tmp_path / "plain.xlsx", valid_rows())
    code, _, err = run(
        "--lang",
        "en",
        "--encrypt",
        "settle",
        book,
        "--month",
        "2026-10",
        "--out",
        tmp_path / "s.xlsx",
    )
    assert code == 2 and "--encrypt needs a password" in err
    assert not (tmp_path / "s.xlsx").exists()


def test_a_book_open_in_excel_is_still_read_with_a_warning(tmp_path: Path) -> None:
    book = write_book(tmp_path / "台账.xlsx", valid_rows())
    (tmp_path / "~$台账.xlsx").write_bytes(b"\0" * 165)  # what Excel/WPS leaves beside it
    code, out, err = run("--lang", "en", "validate", book, "--as-of", "2026-11-20")
    assert code == 0 and "no problems found" in out
    assert "is open in Excel/WPS (~$台账.xlsx)" in err
