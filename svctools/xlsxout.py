"""Writing output workbooks safely: user text stays text, files appear only when complete."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.workbook import Workbook

from svctools.errors import SvctoolsError

MONEY_FORMAT = "#,##0.00;[Red]-#,##0.00"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
DATE_FORMAT = "yyyy-mm-dd"


def set_text(cell: Cell, value: Any) -> Cell:
    """Put a value in a cell; text from a book or a person is never taken as a formula."""
    cell.value = value
    if cell.data_type == "f":  # openpyxl made "=..." a formula: keep it as the text it was
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def write_atomic(path: str | os.PathLike[str], write: Callable[[Path], object]) -> Path:
    """Call ``write(tmp)`` on a temporary file beside ``path``, fsync it, then rename it into place.

    An existing file at ``path`` is replaced only when the new one is complete. The temporary
    name ends in the target's suffix because openpyxl refuses ``.tmp`` paths.
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise SvctoolsError(f"{target}: folder {folder} does not exist")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=target.suffix, dir=folder)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target


def save_workbook(workbook: Workbook, path: str | os.PathLike[str]) -> Path:
    """Save an openpyxl workbook atomically."""
    try:
        return write_atomic(path, lambda tmp: workbook.save(tmp))
    except PermissionError as exc:
        raise SvctoolsError(
            f"{path}: cannot write ({exc.strerror}); is it open in Excel?"
        ) from None
