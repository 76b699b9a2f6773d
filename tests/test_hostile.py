"""Broken and hostile files: each is refused with one clear line (exit 2) or read, within a
memory ceiling and a time limit, by every reader. The corpus is made by ``tests/hostile.py``.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from hostile import CORPUS

MEMORY_CEILING = 1 << 30  # 1 GiB of address space for the whole svctools process
TIME_LIMIT = 60

# file -> (exit code, a phrase of its one line on stderr; None = read, no error line)
EXPECTED = {
    "xml_bomb": (2, "unsafe XML"),
    "external_entity": (2, "unsafe XML"),
    "zip_bomb": (2, "compressed"),
    "million_columns": (2, "columns"),
    "truncated": (2, "damaged or incomplete"),
    "wrong_content_type": (2, "not an Excel workbook"),
    "with_macros": (0, None),
    "lying_dimension": (1, None),
    "malformed_xls": (2, "damaged or not an Excel workbook"),
    "xls_stray_corner": (2, "65,536 rows x 256 columns"),
    "xls_too_big": (2, "is 300 MB (the limit is 256 MB"),
    "ods_repeat_bomb": (2, "8,001 rows x 8,000 columns"),
    "ods_stray_corner": (2, "4,502 rows x 4,501 columns"),
    "ods_zip_bomb": (2, "compressed"),
    "truncated_ods": (2, "damaged or incomplete"),
    "ods_xml_bomb": (2, "unsafe XML"),
    "web_page_xls": (2, "web page"),  # read (in bounded memory): its sheet lacks required columns
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("hostile")
    return {name: make(folder) for name, make in CORPUS.items()}


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CEILING, MEMORY_CEILING))


def run_limited(path: Path, reader: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SVCTOOLS_READER": reader}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "svctools",
            "--lang",
            "en",
            "validate",
            str(path),
            "--as-of",
            "2026-11-20",
        ],
        capture_output=True,
        text=True,
        timeout=TIME_LIMIT,
        preexec_fn=_limit,
        env=env,
        check=False,
    )


@pytest.mark.parametrize("reader", ["calamine", "openpyxl"])
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_hostile_file_gets_its_clear_answer(
    corpus: dict[str, Path], name: str, reader: str
) -> None:
    result = run_limited(corpus[name], reader)
    code, phrase = EXPECTED[name]
    assert "Traceback" not in result.stderr
    if phrase is None:
        assert result.returncode in (0, 1), result.stderr
        assert "svctools:" not in result.stderr
        return
    assert result.returncode == code, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and phrase in lines[0] and str(corpus[name]) in lines[0], lines
