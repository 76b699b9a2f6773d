"""Writing output workbooks safely: user text stays text, files appear only when complete."""

from __future__ import annotations

import io
import math
import os
import re
from collections.abc import Callable
from contextvars import ContextVar
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.styles import Font
from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from svctools.core.errors import SvctoolsError
from svctools.core.messages import Msg
from svctools.outputs.atomic import write_atomic

MONEY_FORMAT = "#,##0.00;[Red]-#,##0.00"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
DATE_FORMAT = "yyyy-mm-dd"


# What Excel and WPS take as the start of a formula when a cell is typed or edited.
FORMULA_START = ("=", "+", "-", "@")
_BOLD = Font(bold=True)
# Characters XML 1.0 cannot hold (openpyxl and lxml refuse to save them): control characters
# other than tab, LF and CR, lone surrogates, U+FFFE and U+FFFF.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


CELL_LIMIT = 32_767  # characters Excel holds in one cell; beyond it Excel refuses the file
CUT_NOTE = "…[已截断 / cut at 32,767 characters]"


def clean_text(text: str) -> str:
    """Text an xlsx file can hold: each character XML refuses becomes U+FFFD (visible), and at
    most Excel's 32,767 characters, a cut text ending with a note saying so."""
    text = _NOT_XML.sub("\ufffd", text)
    if len(text) > CELL_LIMIT:
        text = text[: CELL_LIMIT - len(CUT_NOTE)] + CUT_NOTE
    return text


def set_text(cell: Cell, value: Any) -> Cell:
    """Put a value in a cell; text from a book or a person is never taken as a formula.

    openpyxl makes a string starting with ``=`` a formula: it is set back to text. Text
    starting with ``= + - @`` also gets Excel's quote prefix (the ``'`` a clerk would type),
    so that editing the cell later in Excel or WPS keeps it text instead of evaluating it.
    Values XML cannot hold become text too: control characters, ``nan`` and ``inf``.
    """
    if isinstance(value, str):
        value = clean_text(value)
    elif isinstance(value, float) and not math.isfinite(value):
        value = str(value)
    elif isinstance(value, Decimal) and not value.is_finite():
        value = str(value)
    cell.value = value
    if cell.data_type == "f":  # openpyxl made "=..." a formula: keep it as the text it was
        cell.data_type = "s"
    if isinstance(value, str) and value.startswith(FORMULA_START):
        cell.quotePrefix = True
    return cell


def text_lines(text: str, width: float) -> int:
    """How many lines ``text`` wraps to in a column ``width`` characters wide (CJK = 2), so a
    row of wrapped text can be given its height (LibreOffice and Excel do not grow it)."""
    used = sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
    return max(1, -(-used // max(int(width) - 4, 1)))


def put(
    ws: Worksheet, row: int, column: int, value: Any, fmt: str | None = None, bold: bool = False
) -> Cell:
    """One output cell (``set_text``), with ``fmt`` or the date/time format its value needs."""
    cell = set_text(ws.cell(row=row, column=column), value)
    if fmt is not None:
        cell.number_format = fmt
    elif isinstance(value, datetime):
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, date):
        cell.number_format = DATE_FORMAT
    if bold:
        cell.font = _BOLD
    return cell


def print_setup(
    ws: Worksheet,
    *,
    landscape: bool = True,
    one_page: bool = False,
    title_rows: str | None = None,
    area: str | None = None,
) -> None:
    """How a sheet prints: A4, landscape by default, one page wide (one page in all with
    ``one_page``), ``title_rows`` (``"2:2"``) repeated on every page, ``area`` the print area."""
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1 if one_page else 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    if title_rows:
        ws.print_title_rows = title_rows
    if area:
        ws.print_area = area


# Set by ``--encrypt`` for the whole command: every workbook it writes is encrypted with it.
OUTPUT_PASSWORD: ContextVar[str | None] = ContextVar("svctools_output_password", default=None)


def save_workbook(workbook: Workbook, path: str | os.PathLike[str]) -> Path:
    """Save an openpyxl workbook atomically (encrypted when ``OUTPUT_PASSWORD`` is set)."""
    return save_package(path, workbook.save)


def save_package(path: str | os.PathLike[str], write: Callable[[Any], object]) -> Path:
    """Write a workbook package atomically: ``write(target)`` writes the zip into a path or a
    file object. Encrypted when ``OUTPUT_PASSWORD`` is set, in memory first, so no unencrypted
    copy ever reaches the disk."""
    password = OUTPUT_PASSWORD.get()

    def write_file(tmp: Path) -> None:
        if password is None:
            write(tmp)
            return
        from msoffcrypto.format.ooxml import OOXMLFile

        plain = io.BytesIO()
        write(plain)
        plain.seek(0)
        with open(tmp, "wb") as out:
            OOXMLFile(plain).encrypt(password, out)

    try:
        return write_atomic(path, write_file)
    except PermissionError as exc:
        raise SvctoolsError(Msg("file.cannot_write", path=path, reason=exc.strerror)) from None
