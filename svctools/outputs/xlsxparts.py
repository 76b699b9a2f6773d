"""An xlsx package's parts edited as text: styles, and a worksheet where its marked rows are.

Used by the zip-level ``--annotate`` (``annotate_zip``): nothing is parsed into cells, so the
cost is that of the bytes, and every byte not edited stays as the book had it. Anything not as
Excel, LibreOffice, openpyxl or xlsxwriter write it raises ``NotPlain``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

from svctools.core.messages import say
from svctools.outputs.xlsxout import CELL_LIMIT, clean_text

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
OFFICE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "application/vnd.openxmlformats-officedocument."
WORKBOOK_TYPE = CT + "spreadsheetml.sheet.main+xml"
WORKSHEET_TYPE = CT + "spreadsheetml.worksheet+xml"
COMMENTS_TYPE = CT + "spreadsheetml.comments+xml"
VML_TYPE = CT + "vmlDrawing"
LINK_COLOR = "FF0563C1"
COMMENT_WIDTH = 320  # the comment box, px: wide enough for a problem message per line

_CELL_START = re.compile(rb"<c[\s/>]")
_CELL_REF = re.compile(rb'<c\b[^>]*?\sr="([A-Z]+)(\d+)"[^>]*>')
_AFTER_LEGACY = re.compile(
    rb"<(?:legacyDrawingHF|drawingHF|picture|oleObjects|controls|webPublishItems|tableParts"
    rb"|extLst|mc:AlternateContent)\b|</worksheet>"
)


class NotPlain(Exception):
    """The book is a package this path does not rewrite; the openpyxl path takes it."""


@dataclass
class Mark:
    """What one cell of the copy gets: a fill colour (None: none) and a comment's lines."""

    color: str | None
    lines: list[str] = field(default_factory=list)


def column_number(letters: bytes | str) -> int:
    """``"AB"`` -> 28."""
    number = 0
    for ch in letters if isinstance(letters, str) else letters.decode():
        number = number * 26 + ord(ch) - 64
    return number


def split_ref(ref: str) -> tuple[str, int]:
    """``"D7"`` -> ``("D", 7)``; anything else is not ours to mark."""
    found = re.fullmatch(r"([A-Z]{1,3})([1-9]\d{0,6})", ref)
    if not found:
        raise NotPlain(ref)
    return found[1], int(found[2])


def insert_before(data: bytes, closing: bytes, addition: bytes) -> bytes:
    """``addition`` put just before the one ``closing`` tag of ``data`` (``</Types>``...)."""
    at = data.rfind(closing)
    if at < 0:
        raise NotPlain(closing.decode())
    return data[:at] + addition + data[at:]


def elements(xml: bytes, tag: bytes) -> list[bytes]:
    """Each ``<tag ...>`` element of ``xml``, self-closed or not, as its text, in order."""
    return re.findall(rb"<%s\b[^>]*?/>|<%s\b[^>]*>.*?</%s>" % (tag, tag, tag), xml, re.S)


class Styles:
    """``xl/styles.xml`` edited as text: fonts, fills and cell styles appended to their lists."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.items: dict[bytes, list[bytes]] = {}
        self.added: dict[bytes, list[bytes]] = {b"fonts": [], b"fills": [], b"cellXfs": []}
        for tag, child in ((b"fonts", b"font"), (b"fills", b"fill"), (b"cellXfs", b"xf")):
            found = re.search(rb"<%s\b([^>]*)>(.*?)</%s>" % (tag, tag), data, re.S)
            if not found:
                raise NotPlain(f"styles: {tag.decode()}")
            self.items[tag] = elements(found[2], child)
            count = re.search(rb'\scount="(\d+)"', found[1])
            if count and int(count[1]) != len(self.items[tag]) or not self.items[tag]:
                raise NotPlain(f"styles: {tag.decode()} count")
        self.cache: dict[Any, int] = {}

    def add(self, tag: bytes, element: bytes) -> int:
        """Append ``element`` to the list ``tag``; its index there."""
        if (tag, element) not in self.cache:
            self.cache[tag, element] = len(self.items[tag]) + len(self.added[tag])
            self.added[tag].append(element)
        return self.cache[tag, element]

    def filled(self, xf: int, color: str) -> int:
        """A copy of cell style ``xf`` (number format, font, border kept) with a solid fill."""
        xfs = self.items[b"cellXfs"]
        if not 0 <= xf < len(xfs):
            raise NotPlain(f"styles: no cell style {xf}")
        fill = self.add(
            b"fills",
            b'<fill><patternFill patternType="solid"><fgColor rgb="00%s"/><bgColor rgb="00%s"/>'
            b"</patternFill></fill>" % (color.encode(), color.encode()),
        )
        start = re.sub(rb'\s(?:fillId|applyFill)="[^"]*"', b"", xfs[xf])
        return self.add(b"cellXfs", start[:3] + b' fillId="%d" applyFill="1"' % fill + start[3:])

    def font_style(self, font_change: bytes, quote: bool = False) -> int:
        """A cell style on the book's first font with ``font_change`` (``<b/>``...) made to it."""
        font = self.items[b"fonts"][0]
        if font_change:
            drop = rb"<(?:b|u|color)\b[^>]*/>" if b"color" in font_change else rb"<b\b[^>]*/>"
            font = re.sub(drop, b"", font)
            font = font[:-2] + b"></font>" if font.endswith(b"/>") else font
            at = font.index(b">") + 1
            font = font[:at] + font_change + font[at:]
        font_id = self.add(b"fonts", font) if font_change else 0
        xf = b'<xf numFmtId="0" fontId="%d" fillId="0" borderId="0" xfId="0"%s/>' % (
            font_id,
            b' applyFont="1"' if font_change else b' quotePrefix="1"' if quote else b"",
        )
        return self.add(b"cellXfs", xf)

    def to_bytes(self) -> bytes:
        data = self.data
        for tag, added in self.added.items():
            if not added:
                continue
            found = re.search(rb"<%s\b[^>]*>" % tag, data)
            assert found is not None  # checked in __init__
            total = len(self.items[tag]) + len(added)
            opening = re.sub(rb'\scount="\d+"', b"", found[0])
            opening = opening[:-1] + b' count="%d">' % total
            data = data[: found.start()] + opening + data[found.end() :]
            data = insert_before(data, b"</%s>" % tag, b"".join(added))
        return data


def long_runs(data: bytes, start: int = 0, end: int | None = None) -> Iterable[tuple[int, int]]:
    """(start, end) of each text between tags longer than Excel's cell limit in bytes (each is
    then counted in characters). A run that long holds one of the points ``CELL_LIMIT`` apart,
    so only those are looked at: a few thousand ``find`` calls for a sheet of 100 MB."""
    end = len(data) if end is None else end
    done = start
    for point in range(start + CELL_LIMIT, end, CELL_LIMIT):
        if point < done:
            continue
        left, right = data.rfind(b"<", start, point), data.find(b"<", point, end)
        right = end if right < 0 else right
        text = data.find(b">", left, right) + 1 if left >= 0 else start
        if text > 0 and right - text > CELL_LIMIT:
            yield text, right
        done = right


def long_texts(
    data: bytes, start: int = 0, end: int | None = None
) -> Iterable[tuple[int, int, int, bytes]]:
    """(start, end, length, cut text) of each text run over Excel's cell limit in ``data``."""
    for run_start, run_end in long_runs(data, start, end):
        text = html.unescape(bytes(data[run_start:run_end]).decode("utf-8", "replace"))
        if len(text) > CELL_LIMIT:
            cut = escape(clean_text(text)).encode()
            yield run_start, run_end, len(text), cut


class SheetEdit:
    """One worksheet's XML, edited as text: a list of (start, end, new bytes) over the original."""

    def __init__(self, data: bytes, base: int = 0, first: bool = True, last: bool = True) -> None:
        """``data`` is the whole sheet, or a window of it (starting at ``base``, holding whole
        rows): ``first`` has the part before ``<sheetData>``, ``last`` the part after it."""
        self.data, self.base = data, base
        if first and b"<!--" in data[:4096]:  # a writer's banner; Excel never writes one
            raise NotPlain("comments in the sheet XML")
        self.start = data.find(b"<sheetData>") if first else 0
        self.end = data.rfind(b"</sheetData>") if last else len(data)
        if first and last and self.start < 0 and (empty := data.find(b"<sheetData/>")) >= 0:
            self.start = self.end = empty  # an empty sheet: nothing to mark in it
        if self.start < 0 or self.end < 0:
            raise NotPlain("no sheetData")
        self.edits: list[tuple[int, int, int, bytes]] = []

    def edit(self, start: int, end: int, new: bytes) -> None:
        """Replace ``data[start:end]`` by ``new`` (kept at the sheet's own offsets)."""
        self.edits.append((self.base + start, self.base + end, len(self.edits), new))

    def unselect(self) -> None:
        """The tab no longer selected: the problem list is the selected, active sheet."""
        head = self.data[: self.start]
        if b"tabSelected" in head:
            self.edit(0, self.start, re.sub(rb'\stabSelected="(?:1|true)"', b"", head))

    def cut_long_texts(self, lang: str) -> dict[str, Mark]:
        """Inline texts over the limit cut; a note for each such cell."""
        notes: dict[str, Mark] = {}
        for start, end, length, cut in long_texts(self.data, self.start, self.end):
            cell = self.data.rfind(b"<c ", 0, start)
            found = _CELL_REF.match(self.data, cell) if cell >= 0 else None
            if found is None:
                raise NotPlain("a long text outside a numbered cell")
            self.edit(start, end, cut)
            ref = (found[1] + found[2]).decode()
            notes[ref] = Mark(None, [say("annotate.cut", lang, length=length)])
        return notes

    def column_styles(self) -> dict[int, int]:
        """Column number -> the style a new cell there takes (from ``<cols>``)."""
        styles: dict[int, int] = {}
        for col in re.findall(rb"<col\b[^>]*>", self.data[: self.start]):
            low, high, style = (
                re.search(rb'\s%s="(\d+)"' % k, col) for k in (b"min", b"max", b"style")
            )
            if low and high and style and int(high[1]) - int(low[1]) < 20_000:
                for number in range(int(low[1]), int(high[1]) + 1):
                    styles[number] = int(style[1])
        return styles

    def fill(
        self,
        numbers: list[int],
        by_row: dict[int, list[tuple[int, str, str]]],
        styles: Styles,
        columns: dict[int, int],
    ) -> list[int]:
        """Each marked cell of rows ``numbers`` (ascending) gets a copy of its own style with
        the fill; the rows not in this window are returned (they come later)."""
        at = self.start
        for index, number in enumerate(numbers):
            found = self.row(number, at)
            if found is None:
                return numbers[index:]
            at = self._fill_row(found, by_row[number], styles, columns)
        return []

    def row(self, number: int, at: int) -> re.Match[bytes] | None:
        """The start tag of row ``number``, at or after ``at``: found as Excel writes it
        (``<row r="7"``, a fast ``find``), else by a pattern over any order of attributes."""
        pattern = re.compile(rb'<row\b[^>]*?\sr="%d"[^>]*>' % number)
        quick = self.data.find(b'<row r="%d"' % number, at, self.end)
        found = pattern.match(self.data, quick) if quick >= 0 else None
        return found or pattern.search(self.data, at, self.end)

    def _fill_row(
        self,
        row: re.Match[bytes],
        cells: list[tuple[int, str, str]],
        styles: Styles,
        columns: dict[int, int],
    ) -> int:
        """Fill the marked cells of one ``<row>``; cells the XML lacks are added in order."""
        tag = row[0]
        closed = tag.endswith(b"/>")
        inner_end = row.end() if closed else self.data.find(b"</row>", row.end(), self.end)
        if inner_end < 0:
            raise NotPlain("row without end")
        inner = self.data[row.end() : inner_end]
        present = {m[1] + m[2]: m for m in _CELL_REF.finditer(inner)}
        if len(present) != len(_CELL_START.findall(inner)):
            raise NotPlain("cells without numbers")
        row_style = re.search(rb'\ss="(\d+)"', tag) if b'customFormat="1"' in tag else None
        added: list[tuple[int, bytes]] = []
        for column, ref, color in cells:
            cell = present.get(ref.encode())
            if cell is not None:
                own = re.search(rb'\ss="(\d+)"', cell[0])
                style = styles.filled(int(own[1]) if own else 0, color)
                start = re.sub(rb'\ss="\d*"', b"", cell[0])
                self.edit(
                    row.end() + cell.start(),
                    row.end() + cell.end(),
                    start[:2] + b' s="%d"' % style + start[2:],
                )
                continue
            base = int(row_style[1]) if row_style else columns.get(column, 0)
            later = [m.start() for m in present.values() if column_number(m[1]) > column]
            added.append(
                (
                    min(later, default=len(inner)),
                    b'<c r="%s" s="%d"/>' % (ref.encode(), styles.filled(base, color)),
                )
            )
        if added:
            opening = re.sub(rb'\sspans="[^"]*"', b"", tag)
            if closed:
                cells_xml = b"".join(xml for _, xml in added)
                self.edit(row.start(), row.end(), opening[:-2] + b">" + cells_xml + b"</row>")
            else:
                self.edit(row.start(), row.end(), opening)
                for position, xml in added:
                    self.edit(row.end() + position, row.end() + position, xml)
        return inner_end

    def legacy_drawing(self, rel_id: str) -> None:
        """The comments' VML drawing named where the schema wants it, after ``</sheetData>``."""
        tail = _AFTER_LEGACY.search(self.data, self.end)
        if tail is None or b"<legacyDrawing" in self.data[self.end :]:
            raise NotPlain("legacyDrawing")
        element = f'<legacyDrawing xmlns:r="{OFFICE_REL}" r:id="{rel_id}"/>'.encode()
        self.edit(tail.start(), tail.start(), element)


def marked_rows(marks: dict[str, Mark]) -> dict[int, list[tuple[int, str, str]]]:
    """Row number -> (column number, ref, colour) of each cell to fill, by column."""
    by_row: dict[int, list[tuple[int, str, str]]] = {}
    for ref, mark in marks.items():
        if mark.color:
            letters, row = split_ref(ref)
            by_row.setdefault(row, []).append((column_number(letters), ref, mark.color))
    return {number: sorted(cells) for number, cells in by_row.items()}


@dataclass
class Edited:
    """A sheet's edits without its text: made as the book's member is streamed into the copy,
    so that no sheet is ever held whole in memory."""

    edits: list[tuple[int, int, int, bytes]]
    size: int  # the edited member's size

    def __post_init__(self) -> None:
        self.edits.sort(key=lambda e: (e[0], e[1] > e[0], e[2]))  # insertions first
        at = 0
        for start, end, _, _ in self.edits:
            if start < at:
                raise NotPlain("overlapping edits")
            at = end
