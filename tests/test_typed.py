"""Dates as clerks type them, headers with a typo, values shown safely (issue 13 items 3 and 10,
issue 19 §4)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import set_cell, valid_rows, write_book

from svctools.cli import cli
from svctools.reading.values import CellError, read_datetime

AS_OF = datetime(2026, 11, 20, 9, 0)


def run(*args: object) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    ("text", "moment"),
    [
        ("10月5日 14:00", datetime(2026, 10, 5, 14, 0)),  # the year from the as-of
        ("12月30日 9:00", datetime(2025, 12, 30, 9, 0)),  # not after the as-of: last year's
        ("2026/10/5 下午2:30", datetime(2026, 10, 5, 14, 30)),
        ("2026/10/5 上午9:05", datetime(2026, 10, 5, 9, 5)),
        ("2026/10/5 晚上8点", datetime(2026, 10, 5, 20, 0)),
        ("2026年10月5号", datetime(2026, 10, 5)),
        ("2026年10月5号 14点30分", datetime(2026, 10, 5, 14, 30)),
        ("2026-10-05 14:30:00", datetime(2026, 10, 5, 14, 30)),
        ("2026年10月5日 14时30分", datetime(2026, 10, 5, 14, 30)),
    ],
)
def test_dates_as_clerks_type_them(text: str, moment: datetime) -> None:
    assert read_datetime(text, as_of=AS_OF) == moment


@pytest.mark.parametrize("text", ["10/5 14:00", "10-05", "13月5日", "10月5日"])
def test_a_date_without_its_year_needs_yue_and_an_as_of(text: str) -> None:
    with pytest.raises(CellError):
        read_datetime(text, as_of=AS_OF if "月" not in text or text == "13月5日" else None)


def test_a_yearless_date_in_a_book_reads_with_the_as_of_year(tmp_path: Path) -> None:
    rows = valid_rows()
    set_cell(rows, "来电登记", 2, "首次响应时间", "10月5日 15:00")
    code, out, _ = run("validate", write_book(tmp_path / "b.xlsx", rows), "--as-of",
                       "2026-11-20T09:00", "--format", "json")  # fmt: skip
    assert (code, json.loads(out)["problems"]) == (0, [])


def test_the_value_column_shows_dates_as_clerks_read_them(tmp_path: Path) -> None:
    rows = valid_rows()
    set_cell(rows, "来电登记", 2, "首次响应时间", datetime(2026, 10, 3, 14, 51))  # before 来电时间
    _, out, _ = run("validate", write_book(tmp_path / "b.xlsx", rows), "--as-of",
                    "2026-11-20T09:00")  # fmt: skip
    assert "2026-10-03 14:51" in out and "2026-10-03T14:51" not in out


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_header_typo_gets_the_nearest_accepted_header(tmp_path: Path, lang: str) -> None:
    rows = valid_rows()
    rows["维修台帐"][0][8] = "完公时间"  # I1: 完工时间 mistyped
    code, out, _ = run("--lang", lang, "validate", write_book(tmp_path / "b.xlsx", rows),
                       "--as-of", "2026-11-20T09:00", "--format", "json")  # fmt: skip
    [problem] = [p for p in json.loads(out)["problems"] if p["code"] == "missing_column"]
    assert problem["cell"] == "I1"
    expected = "「完公时间」→ 完工时间？" if lang == "zh" else "'完公时间' → Completed?"
    assert expected in problem["message"]
    assert code == 1


def test_a_required_header_typo_is_named_with_its_cell(tmp_path: Path) -> None:
    rows = valid_rows()
    rows["配件使用"][0][2] = "配件明称"  # C1: 配件名称
    _, out, _ = run("validate", write_book(tmp_path / "b.xlsx", rows), "--as-of",
                    "2026-11-20T09:00", "--format", "json")  # fmt: skip
    [problem] = json.loads(out)["problems"]
    assert (problem["code"], problem["cell"]) == ("missing_column", "C1")
    assert "「配件明称」→ 配件名称？" in problem["message"]


def test_control_characters_are_never_echoed_and_long_values_are_cut(tmp_path: Path) -> None:
    rows = valid_rows()
    set_cell(rows, "来电登记", 2, "联系电话", "_x001B_[2J138_x0000_")  # as Excel stores ESC, NUL
    set_cell(rows, "来电登记", 3, "客户邮箱", "x" * 100_000)
    code, out, _ = run("validate", write_book(tmp_path / "b.xlsx", rows), "--as-of",
                       "2026-11-20T09:00")  # fmt: skip
    assert code == 1
    assert "\x1b" not in out and "\x00" not in out and "\\x1b[2J138" in out
    assert max(map(len, out.splitlines())) < 400
