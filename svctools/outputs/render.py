"""Text for people: tables that line up with Chinese characters, and the validate listing."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import datetime
from itertools import groupby
from typing import Any

from svctools.core.clock import minute_text  # noqa: F401  (re-exported for the renderers)
from svctools.core.messages import say, says, word
from svctools.core.problems import ERROR, Problem, display, shown_text

_VALIDATE_COLUMNS = ("row", "cell", "column", "level", "code", "value", "message")
PROBLEM_COLUMNS = ("sheet", "cell", "row", "column", "level", "code", "value", "message")


def table(
    rows: Sequence[Sequence[Any]],
    headers: Sequence[str],
    colalign: Sequence[str] | None = None,
) -> str:
    """A plain table, exactly as tabulate's ``simple`` format without number parsing prints it.

    CJK characters count as two columns (wcwidth). tabulate measures every cell with wcwidth
    and guesses every cell's type: 0.5 s for a month of 8,000 orders. Here a column of printable
    ASCII is measured with ``len``, other cells with wcwidth (once per distinct text); anything
    tabulate treats specially (line breaks, terminal colour codes, its separating-line marker,
    bytes, ragged rows, no rows) is left to tabulate itself. ``colalign``: left or right.
    """
    aligns = list(colalign or ())[: len(headers)]
    aligns += ["left"] * (len(headers) - len(aligns))
    fast = _fast_table(rows, [str(h) for h in headers], aligns)
    if fast is not None:
        return fast
    from tabulate import tabulate

    return str(
        tabulate(rows, headers=headers, tablefmt="simple", disable_numparse=True, colalign=colalign)
    )


# What makes tabulate leave its plain path: line breaks, ANSI codes, its SEPARATING_LINE.
_SPECIAL = ("\n", "\r", "\x1b", "\x01")


def _wide_width() -> Callable[[str], int]:
    """The width tabulate gives a cell: wcwidth's when wcwidth is installed, else ``len``."""
    try:
        from wcwidth import wcswidth
    except ImportError:  # pragma: no cover - wcwidth comes with the project
        return len
    return wcswidth


def _texts(values: Sequence[Any]) -> Sequence[str] | None:
    """Cells as tabulate's ``_format`` writes them when numbers are not parsed (None: bytes)."""
    texts = []
    for value in values:
        if type(value) is str:
            texts.append(value)
        elif value is None:
            texts.append("")
        elif isinstance(value, bytes):
            return None
        else:
            texts.append(f"{value}")
    return texts


def _fast_table(rows: Sequence[Sequence[Any]], headers: list[str], aligns: list[str]) -> str | None:
    """tabulate's output for the plain case, or None when tabulate must do it."""
    ncols = len(headers)
    if not rows or ncols == 0 or any(a not in ("left", "right") for a in aligns):
        return None
    if set(map(len, rows)) != {ncols}:
        return None
    head_text = "".join(headers)
    if not (head_text.isascii() and head_text.isprintable()):
        if any(c in head_text for c in _SPECIAL):
            return None
    width: Callable[[str], int] | None = None
    widths: dict[str, int] = {}

    def measure(text: str) -> int:
        found = widths.get(text)
        if found is None:
            nonlocal width
            if text.isascii() and text.isprintable():
                found = len(text)
            else:
                if width is None:
                    width = _wide_width()
                found = width(text)
            widths[text] = found
        return found

    columns: list[list[str]] = []
    colwidths: list[int] = []
    for index, (values, align) in enumerate(zip(zip(*rows, strict=True), aligns, strict=True)):
        raw = values if set(map(type, values)) == {str} else _texts(values)
        if raw is None:
            return None
        joined = "".join(raw)
        plain = joined.isascii() and joined.isprintable()
        if not plain and any(c in joined for c in _SPECIAL):
            return None
        texts = [text.strip() for text in raw]
        minwidth = measure(headers[index]) + 2  # tabulate's MIN_PADDING
        pad = str.ljust if align == "left" else str.rjust
        if plain:
            colwidth = max(minwidth, max(map(len, texts)))
            padded = [pad(text, colwidth) for text in texts]
        else:
            text_widths = [measure(text) for text in texts]
            if min(text_widths) < 0:  # a control character: tabulate's arithmetic goes odd
                return None
            most = max(minwidth, max(text_widths))
            padded = [
                pad(text, most - (w - len(text)))
                for text, w in zip(texts, text_widths, strict=True)
            ]
            colwidth = max(minwidth, max(map(measure, padded)))
        columns.append(padded)
        colwidths.append(colwidth)
    head = []
    for header, align, colwidth in zip(headers, aligns, colwidths, strict=True):
        fill = colwidth + len(header) - measure(header)
        head.append(header.ljust(fill) if align == "left" else header.rjust(fill))
    lines = ["  ".join(head).rstrip(), "  ".join("-" * w for w in colwidths).rstrip()]
    lines += ["  ".join(row).rstrip() for row in zip(*columns, strict=True)]
    return "\n".join(lines)


def dumps(data: Any) -> str:
    """JSON as every command prints it: UTF-8 text, keys in their given order.

    Exactly ``json.dumps(data, ensure_ascii=False, indent=2)``. With an indent the standard
    library encodes in Python, one generator step per value (0.3 s for a month's settlement);
    ``_encode`` writes the same text for plain data (str keys; str, int, float, bool, None,
    list, tuple and dict values) in fewer steps, and anything else goes to ``json.dumps``.
    """
    chunks: list[str] = []
    try:
        _encode(data, "\n", chunks.append)
    except (_Unusual, RecursionError):
        return json.dumps(data, ensure_ascii=False, indent=2)
    return "".join(chunks)


class _Unusual(Exception):
    """A value ``_encode`` leaves to ``json.dumps`` (which may well refuse it)."""


_encode_text = json.encoder.encode_basestring  # a JSON string literal, non-ASCII kept
_INFINITY = float("inf")


def _encode_float(value: float) -> str:
    if value != value:
        return "NaN"
    if value == _INFINITY:
        return "Infinity"
    if value == -_INFINITY:
        return "-Infinity"
    return float.__repr__(value)


# Exact types only: json.dumps writes subclasses (an IntEnum, a str subclass) its own way.
_SCALARS: dict[type, Callable[[Any], str]] = {
    str: _encode_text,
    int: int.__repr__,
    float: _encode_float,
    bool: lambda value: "true" if value else "false",
    type(None): lambda value: "null",
}


def _encode(value: Any, newline: str, write: Callable[[str], Any]) -> None:
    """``value`` as json.dumps with indent=2 writes it at the depth ``newline`` indents to."""
    scalar = _SCALARS.get(type(value))
    if scalar is not None:
        write(scalar(value))
        return
    kind = type(value)
    if kind is dict:
        if not value:
            write("{}")
            return
        inner = newline + "  "
        opening = "{" + inner
        for key, item in value.items():
            if type(key) is not str:
                raise _Unusual
            scalar = _SCALARS.get(type(item))
            if scalar is not None:
                write(opening + _encode_text(key) + ": " + scalar(item))
            else:
                write(opening + _encode_text(key) + ": ")
                _encode(item, inner, write)
            opening = "," + inner
        write(newline + "}")
    elif kind is list or kind is tuple:
        if not value:
            write("[]")
            return
        inner = newline + "  "
        opening = "[" + inner
        for item in value:
            scalar = _SCALARS.get(type(item))
            if scalar is not None:
                write(opening + scalar(item))
            else:
                write(opening)
                _encode(item, inner, write)
            opening = "," + inner
        write(newline + "]")
    else:
        raise _Unusual


def _short(value: Any, limit: int = 24) -> str:
    """A value in the table's value column: dates as the clerk reads them (``2026-10-03
    14:51``), one line, no control characters, cut at ``limit``."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S" if value.second else "%Y-%m-%d %H:%M")
    return shown_text(str(display(value)), limit)


def problems_text(problems: list[Problem], source: str, lang: str) -> str:
    """The validate listing: one table per sheet, rows in order, then a one-line summary."""
    headers = says(tuple(f"col.{c}" for c in _VALIDATE_COLUMNS), lang)
    blocks = []
    for sheet, items in groupby(problems, key=lambda p: p.sheet):
        rows = [
            (
                p.row or "",
                p.cell or "",
                p.column or "",
                word("level", p.severity, lang),
                p.code,
                _short(p.value),
                p.message(lang),
            )
            for p in items
        ]
        blocks.append(f"== {sheet} ==\n{table(rows, headers)}")
    errors = sum(1 for p in problems if p.severity == ERROR)
    warnings = len(problems) - errors
    summary = say("validate.summary", lang, source=source, errors=errors, warnings=warnings)
    if not problems:
        summary = say("validate.clean", lang, source=source)
    return "\n\n".join([*blocks, summary])
