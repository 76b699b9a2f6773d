"""Where outputs may go: never onto the book being read, always a name ending in ``.xlsx``.

The CLI names the books a command reads in ``INPUT_BOOKS`` (for the whole run); every file
writer (``outputs.atomic.write_atomic``) and every ``--out``/``--annotate`` check asks
``refuse_input_book`` first, so a new command is protected without doing anything.
"""

from __future__ import annotations

import os
from contextvars import ContextVar
from pathlib import Path

from svctools.core.errors import UsageError
from svctools.core.messages import CATALOGUE, Msg

# The wording of this module's refusals (and the empty report month), kept beside the rules
# they word; added to the one catalogue when outputs are first named.
CATALOGUE.update(
    {
        "file.out_is_book": (
            "{out}：{option} 指向正在读取的台帐 {book}；台帐从不改写，请换一个文件名",
            "{out}: {option} is the book being read ({book}); the book is never written: "
            "choose another file name",
        ),
        "file.out_not_xlsx": (
            "{out}：{option} 只写 .xlsx 工作簿；请改用 {fixed}",
            "{out}: {option} writes an .xlsx workbook only: use {fixed}",
        ),
        "report.empty_month": (
            "{month} 没有任何来电或工单；报告照常写出，各项为 0",
            "{month} has no calls or work orders; the report is written with zeros",
        ),
    }
)

# The local books the running command reads (Google Sheets are not paths and are left out).
INPUT_BOOKS: ContextVar[tuple[str, ...]] = ContextVar("svctools_input_books", default=())

XLSX = ".xlsx"


def same_file(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    """Do ``a`` and ``b`` name one file: ``./x.xlsx``, a symlink, a hard link, ``..`` detours?"""
    try:
        return os.path.samefile(a, b)  # same device and inode: links of every kind
    except OSError:  # one of them does not exist (yet): compare where they would be
        return Path(a).resolve() == Path(b).resolve()


def refuse_input_book(target: str | os.PathLike[str], option: str = "--out") -> None:
    """Raise (exit 2) when ``target`` is one of the books being read: the book is never written."""
    for book in INPUT_BOOKS.get():
        if same_file(target, book):
            raise UsageError(Msg("file.out_is_book", out=target, book=book, option=option))


def xlsx_name(value: str, option: str = "--out") -> str:
    """``月报`` -> ``月报.xlsx``; ``r.xlsx`` unchanged; ``r.csv`` refused: svctools writes only
    xlsx workbooks, and a workbook named ``.csv`` would open as garbage."""
    suffix = Path(value).suffix
    if not suffix or not suffix.isascii() or not suffix[1:].isalpha():  # 月报, 月报.2026-10
        return value + XLSX
    if suffix.lower() == XLSX:
        return value
    raise UsageError(
        Msg("file.out_not_xlsx", out=value, option=option, fixed=str(Path(value).with_suffix(XLSX)))
    )
