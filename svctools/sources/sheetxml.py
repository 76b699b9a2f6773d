"""What a sheet's XML says that neither reader gives: formulas without a stored result and merged
cells. Shared by the calamine and openpyxl readers so both read a book alike.

Why by scanning the XML: calamine and openpyxl (``data_only``) both read a formula cell with no
stored result as blank, which silently turns a fee into 0.00; and openpyxl's streaming mode knows
nothing of merged cells. One cheap pass looks for byte marks (``bytes.find``, no parsing); only
a sheet that has them gets a second, exact pass.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from svctools.core.records import column_number
from svctools.sources.base import NotCalculated

Cells = dict[int, list[tuple[int, str]]]  # Excel row -> [(0-based column, text)]
Merge = tuple[int, int, int, int]  # first row, first column (0-based), last row, last column

# A formula element followed by no value, or by an empty one: the end of the formula (``</f>``
# or a shared formula's self-closing ``<f .../>``) right before ``</c>``, ``<v></v>`` or ``<v/>``.
UNCALCULATED_MARKS = tuple(
    end + after for end in (b"</f>", b'"/>') for after in (b"</c>", b"<v></v>", b"<v/>")
)
MERGE_MARK = b"mergeCell"
_EDGE = 64
_FORMULA_CELL = re.compile(
    rb"<(?:[\w.-]+:)?c\b([^>]*)>\s*<(?:[\w.-]+:)?f\b[^>]*?(?:/>|>([^<]*)</(?:[\w.-]+:)?f>)\s*"
    rb"(<(?:[\w.-]+:)?v\s*/>|<(?:[\w.-]+:)?v>\s*</(?:[\w.-]+:)?v>|</(?:[\w.-]+:)?c>)"
)
_REF = re.compile(rb"""\sr\s*=\s*["']([A-Z]{1,3})([0-9]+)["']""")
_TEXT_RESULT = re.compile(rb"""\st\s*=\s*["']str["']""")
_CELL_END = re.compile(rb"</(?:[\w.-]+:)?c>")
_MERGE = re.compile(
    rb"""<(?:[\w.-]+:)?mergeCell\s+ref\s*=\s*["']([A-Z]{1,3})(\d+):([A-Z]{1,3})(\d+)"""
)
_QUOTES = {"&quot;": '"', "&apos;": "'"}


def _unescape(text: str) -> str:
    """A formula's text as written: ``xml.sax.saxutils.unescape`` with the quotes, by hand,
    since that module imports urllib, http and ssl (4 % of a blank book's ``validate``)."""
    text = text.replace("&lt;", "<").replace("&gt;", ">")
    for entity, char in _QUOTES.items():
        text = text.replace(entity, char)
    return text.replace("&amp;", "&")


@dataclass
class SheetFacts:
    """Formula cells without a stored result, and merged ranges, of one sheet."""

    uncalculated: Cells = field(default_factory=dict)
    merges: list[Merge] = field(default_factory=list)


def has_uncalculated(chunk: bytes, edge: bytes) -> bool:
    return any(mark in chunk or mark in edge for mark in UNCALCULATED_MARKS)


def merges_in(chunk: bytes, edge: bytes, found: set[Merge]) -> None:
    """Add the merged ranges written in ``chunk`` (``edge``: the bytes just before it)."""
    if MERGE_MARK not in chunk and MERGE_MARK not in edge:
        return
    for text in (edge, chunk):
        for first, top, last, bottom in _MERGE.findall(text):
            found.add(
                (
                    int(top),
                    column_number(first.decode("ascii")) - 1,
                    int(bottom),
                    column_number(last.decode("ascii")) - 1,
                )
            )


def scan(chunks: Iterable[bytes], again: Iterable[bytes] | None = None) -> SheetFacts:
    """Both facts of a sheet from its XML ``chunks``; ``again``: the same XML once more, read
    only when the first pass found a formula without a value (then located exactly)."""
    merges: set[Merge] = set()
    marked, tail = False, b""
    for chunk in chunks:
        edge = tail + chunk[:_EDGE]
        marked = marked or has_uncalculated(chunk, edge)
        merges_in(chunk, edge, merges)
        tail = chunk[-_EDGE:]
    facts = SheetFacts(merges=sorted(merges))
    if marked and again is not None:
        facts.uncalculated = locate_uncalculated(again)
    return facts


def locate_uncalculated(chunks: Iterable[bytes]) -> Cells:
    """Every formula cell with no stored result (a calculated empty text, ``t="str"`` with an
    empty value, is a result): row -> [(column, ``=formula`` or ``""`` for a shared one)]."""
    found: Cells = {}
    rest = b""
    for chunk in _with_end(chunks):
        buffer = rest + chunk
        cut = len(buffer) if not chunk else _last_cell_end(buffer)
        region, rest = buffer[:cut], buffer[cut:]
        for match in _FORMULA_CELL.finditer(region):
            attributes, formula, ending = match.groups()
            if b"v" in ending and _TEXT_RESULT.search(attributes):
                continue
            reference = _REF.search(attributes)
            if reference is None:
                continue
            text = "=" + _unescape(formula.decode("utf-8")) if formula else ""
            found.setdefault(int(reference.group(2)), []).append(
                (column_number(reference.group(1).decode("ascii")) - 1, text)
            )
    return found


def _with_end(chunks: Iterable[bytes]) -> Iterator[bytes]:
    yield from chunks
    yield b""


def _last_cell_end(buffer: bytes) -> int:
    last = 0
    for match in _CELL_END.finditer(buffer):
        last = match.end()
    return last


def put_uncalculated(values: Sequence[Any], cells: list[tuple[int, str]]) -> list[Any]:
    """A row's ``values`` with its uncalculated formula cells holding ``NotCalculated`` values
    instead of the blank the reader gave."""
    values = list(values)
    for column, text in cells:
        if column >= len(values):
            values.extend([None] * (column + 1 - len(values)))
        values[column] = NotCalculated(text)
    return values


_TABLE_REL = re.compile(rb"""<(?:[\w.-]+:)?Relationship\b[^>]*>""")
_TARGET = re.compile(rb"""\bTarget\s*=\s*["']([^"']+)["']""")
_TABLE_TYPE = b"/relationships/table"
_TABLE_TOTALS = re.compile(
    rb"""<(?:[\w.-]+:)?table\b[^>]*?\bref\s*=\s*["'][A-Z]{1,3}\d+:[A-Z]{1,3}(\d+)["'][^>]*>"""
)
_TOTALS_COUNT = re.compile(rb"""\btotalsRowCount\s*=\s*["'](\d+)["']""")


def table_totals(archive: Any, member: str) -> set[int]:
    """The total rows of the Excel Tables (插入 > 表格 > 汇总行) on the sheet ``member``: the last
    rows of each table's range, as many as its ``totalsRowCount``; the first cell of such a row
    may be blank or a count, so its words cannot tell it."""
    folder, _, name = member.rpartition("/")
    rels = f"{folder}/_rels/{name}.rels"
    names = {item.lower(): item for item in archive.namelist()}
    if rels.lower() not in names:
        return set()
    found: set[int] = set()
    for relation in _TABLE_REL.findall(archive.read(names[rels.lower()])):
        target = _TARGET.search(relation)
        if _TABLE_TYPE not in relation or target is None:
            continue
        path = posixpath.normpath(posixpath.join(folder, target.group(1).decode("utf-8")))
        path = path.lstrip("/")
        if path.lower() not in names:
            continue
        head = archive.read(names[path.lower()])[:4096]
        table = _TABLE_TOTALS.search(head)
        count = _TOTALS_COUNT.search(table.group(0)) if table else None
        if table and count:
            last = int(table.group(1))
            found.update(range(last - int(count.group(1)) + 1, last + 1))
    return found
