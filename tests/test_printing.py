"""Outputs a clerk prints (issue 13 item 2) and files others can open (item 6).

Slips and statements are rendered by LibreOffice to PDF and their pages counted: each penalty
slip is one A4 page with its signature lines; statements are one page wide; every report sheet
prints landscape. Modes are checked on real files under real umasks."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from svctools.cli import cli
from svctools.demo.sample import DEMO_AS_OF, DEMO_MONTH, build_demo_book
from svctools.mail.state import State

AS_OF = DEMO_AS_OF.isoformat(timespec="minutes")
SOFFICE = shutil.which("soffice")
needs_soffice = pytest.mark.skipif(
    SOFFICE is None or shutil.which("pdfinfo") is None,
    reason="LibreOffice (soffice) and poppler (pdfinfo) render the PDF: "
    "apt-get install libreoffice-calc poppler-utils",
)


def run(*args: object) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The demo book's penalty slips, statement and report for the demo month."""
    folder = tmp_path_factory.mktemp("print")
    book = folder / "book.xlsx"
    build_demo_book(7, DEMO_AS_OF)[0].save(book)
    made = {}
    for command in ("penalties", "settle", "report"):
        out = folder / f"{command}.xlsx"
        code, _, err = run(
            command, book, "--month", DEMO_MONTH, "--as-of", AS_OF, "--skip-invalid", "--out", out
        )
        assert code == 0, err
        made[command] = out
    return made


def pdf_pages(xlsx: Path, work: Path) -> int:
    """Pages of ``xlsx`` printed by LibreOffice (its own profile and HOME in ``work``)."""
    env = {**os.environ, "HOME": str(work)}
    subprocess.run(
        [SOFFICE or "soffice", f"-env:UserInstallation=file://{work}/profile", "--headless",
         "--convert-to", "pdf", "--outdir", str(work), str(xlsx)],
        env=env, capture_output=True, timeout=300, check=True,
    )  # fmt: skip
    info = subprocess.run(
        ["pdfinfo", str(work / f"{xlsx.stem}.pdf")], capture_output=True, text=True, check=True
    ).stdout
    return int(next(line.split()[1] for line in info.splitlines() if line.startswith("Pages:")))


def test_every_slip_is_set_up_for_one_landscape_page(outputs: dict[str, Path]) -> None:
    workbook = openpyxl.load_workbook(outputs["penalties"])
    slips = workbook.worksheets[1:]
    assert len(slips) == 9
    for ws in slips:
        setup = ws.page_setup
        assert (setup.orientation, setup.fitToWidth, setup.fitToHeight) == ("landscape", 1, 1)
        assert ws.sheet_properties.pageSetUpPr.fitToPage is True
        assert ws.print_title_rows == "$5:$5"
        signs = [c.row for c in ws["A"] if c.value in ("员工签字:", "经理签字:")]
        assert len(signs) == 2 and ws.print_area.endswith(f"$F${signs[-1] + 2}")  # signed inside


@needs_soffice
def test_penalty_slips_print_one_page_per_person(outputs: dict[str, Path], tmp_path: Path) -> None:
    """ "Ready to sign": the summary, then exactly one page per person (9 people, 10 pages; the
    issue saw 38 before page setup)."""
    people = len(openpyxl.load_workbook(outputs["penalties"]).worksheets) - 1
    assert pdf_pages(outputs["penalties"], tmp_path) == 1 + people


@needs_soffice
def test_statement_prints_one_page_wide(outputs: dict[str, Path], tmp_path: Path) -> None:
    """65 orders at about 30 rows a landscape page, plus the two totals sheets: a handful of
    pages, not the 10+ of a sheet cut into vertical strips."""
    workbook = openpyxl.load_workbook(outputs["settle"])
    for ws in workbook.worksheets:
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
        assert ws.print_title_rows == "$2:$2"
    orders = workbook.worksheets[0].max_row
    assert pdf_pages(outputs["settle"], tmp_path) <= orders // 20 + 2


def test_every_report_sheet_prints_landscape_one_page_wide(outputs: dict[str, Path]) -> None:
    """The README: "every page prints landscape"."""
    for ws in openpyxl.load_workbook(outputs["report"]).worksheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_outputs_follow_the_umask(umask: int, tmp_path: Path) -> None:
    book = tmp_path / "book.xlsx"
    old = os.umask(umask)
    try:
        assert run("init", book)[0] == 0
        out = tmp_path / "r.xlsx"
        code, _, err = run("report", book, "--month", "2026-10", "--out", out, "--as-of", AS_OF)
    finally:
        os.umask(old)
    assert code == 0, err
    for path in (book, out):
        assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask, path


def test_a_replaced_output_keeps_its_mode(tmp_path: Path) -> None:
    book = tmp_path / "book.xlsx"
    assert run("init", book)[0] == 0
    out = tmp_path / "r.xlsx"
    out.write_bytes(b"last month")
    out.chmod(0o640)  # the clerk shared it with the group, not the world
    code, _, err = run("report", book, "--month", "2026-10", "--out", out, "--as-of", AS_OF)
    assert code == 0, err
    assert stat.S_IMODE(out.stat().st_mode) == 0o640
    assert openpyxl.load_workbook(out).sheetnames  # and it is the new report


def test_the_state_file_stays_private_whatever_the_umask(tmp_path: Path) -> None:
    path = tmp_path / "svctools-state.sqlite"
    old = os.umask(0o000)
    try:
        with State.locked(path):
            pass
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    path.chmod(0o644)  # made readable by hand, or by an older version
    with State.locked(path):
        pass
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
