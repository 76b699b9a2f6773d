"""A file that is not a workbook gets one line saying what it is and what to do, in the
clerk's language: a lone CSV (svctools reads a folder of them), a text file, random bytes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from svctools.cli import cli


def validate(path: Path, *lang: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, [*lang, "validate", str(path)])
    return result.exit_code, result.stderr


@pytest.mark.parametrize(
    "name, content",
    [
        ("工单.csv", "工单号,状态\nW1,已完工\n".encode("gb18030")),
        ("notes.txt", "今天的来电\n张丽 13812345678\n".encode()),
        ("utf16.csv", "工单号\tW1\n".encode("utf-16")),
    ],
)
def test_a_text_file_is_told_how_to_become_a_book(
    tmp_path: Path, name: str, content: bytes
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    code, err = validate(path)
    assert code == 2
    told = "这是 CSV 或文本文件，不是工作簿；请另存为 .xlsx，或把每张表存成一个以表名命名的 CSV"
    assert told in err and err.strip().endswith("放进同一个文件夹，再指定这个文件夹")
    assert "a CSV" not in err and err.count("\n") == 1
    code, err = validate(path, "--lang", "en")
    assert code == 2 and "a CSV or text file, not a workbook" in err


def test_random_bytes_are_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "报表.xlsx"
    path.write_bytes(b"\x8f\x01\x9a\x02" + os.urandom(200) + b"\x00")
    code, err = validate(path)
    assert code == 2 and "不是工作簿（.xlsx、.xls、.ods 或 CSV 文件夹）；请确认选对了文件" in err
