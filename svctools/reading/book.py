"""From raw rows to typed records and problems: header matching and per-cell reading (SPEC §2).

One pass per sheet, a block of rows at a time; the reader of each column is chosen once before
the rows stream by. Each column of a block is read in a few C-level passes
(``columns.column_reader``) and the block's records are then made at once; a row with a
problem (a handful in a book) is read again cell by cell, which reports it.
"""

from __future__ import annotations

import gc
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from difflib import SequenceMatcher
from functools import partial
from itertools import chain, compress, count, repeat
from operator import getitem, is_, itemgetter
from typing import Any, cast

from svctools.core.messages import Msg, template, word
from svctools.core.problems import ERROR, WARNING, Problem
from svctools.core.records import Record, Records, SheetData, column_letter
from svctools.core.schema import Column, Schema, Sheet, normalize_header
from svctools.reading.columns import BAD, column_reader
from svctools.reading.sheets import HEADER_SEARCH_ROWS, find_sheets
from svctools.reading.values import CellError, converter, is_blank
from svctools.sources.base import (
    EPOCH_1900,
    Block,
    BookSource,
    Unreadable,
    blocks_of,
    normalise_cell,
)

# A totals row's first cell, matched from the start: 合计, 合  计, 总 计, 小计, 汇总, Total
_TOTALS = re.compile(r"\s*(合\s*计|总\s*计|小\s*计|汇\s*总|total)", re.IGNORECASE)
_TOTAL_INITIALS = frozenset("合总小汇tT")
_TYPO_SCORE = 0.6  # 完公时间 / 完工时间: 0.75; 费用 / 工时费: 0.4
_FIRST_CHARACTER = slice(0, 1)
_STR_ONLY = frozenset({str})
PROGRESS_EVERY = 4096  # rows between two progress calls

Progress = Callable[[str, str, int, "int | None"], None]
"""``progress(phase, name, done, total)``, called now and then so a terminal can show a bar.

``phase`` is ``"read"`` (``name`` a sheet as named in the book; ``done`` and ``total`` rows) or
``"check"`` (``done`` and ``total`` sheets checked); ``total`` is ``None`` when not known. The
library never draws anything: the CLI does, and only on a terminal.
"""

# Rows read without a problem share one empty ``bad`` (most rows: a set each would cost 216 bytes
# a row). Frozen, so adding to it fails loudly instead of marking every clean row.
_CLEAN = cast("set[str]", frozenset())


@dataclass
class LoadedBook:
    """A book read against the schema: records per sheet and every problem found while reading."""

    source: str
    records: Records
    problems: list[Problem] = field(default_factory=list)
    notes: list[Msg] = field(default_factory=list)  # what was decided (a sheet read by headers)


def names_param(names: tuple[str, ...]) -> str:
    return "、".join(dict.fromkeys(names))


def read_book(
    source: BookSource,
    schema: Schema,
    as_of: datetime,
    lang: str = "zh",
    progress: Progress | None = None,
) -> LoadedBook:
    """Read every schema sheet the book has; a missing sheet is a ``missing_sheet`` warning.

    ``progress`` (see ``Progress``) hears how far each sheet is. A source that loads whole
    sheets may choose the reading order (``read_order``) and is told it (``prefetch``), so it
    can load sheets while others are parsed; the result is the same in any order.
    """
    sheets = find_sheets(source, schema)
    order = start_reading(source, schema)
    collecting = gc.isenabled()
    gc.disable()  # a record per row, none of them garbage: collections would only walk them
    try:
        loaded = _read_sheets(source, schema, sheets.found, order, as_of, lang, progress)
    finally:
        if collecting:
            gc.enable()
    loaded.problems.extend(sheets.problems(schema))
    loaded.notes.extend(sheets.notes)
    return loaded


def start_reading(source: BookSource, schema: Schema, load: bool = True) -> list[str]:
    """The book's sheets in the order they will be read, announced to a source that loads
    whole sheets (``read_order``, ``prefetch``) so that it starts checking (and, with
    ``load``, loading) them now. Why separately from ``read_book``: the CLI calls it as soon
    as the book is open, and reads the config while the sheets are checked."""
    found = find_sheets(source, schema).found
    names = [found[sheet.key] for sheet in schema.sheets if sheet.key in found]
    read_order = getattr(source, "read_order", None)
    order = list(read_order(names)) if read_order is not None else names
    prefetch = getattr(source, "prefetch", None)
    if prefetch is not None:
        prefetch(order, load)
    return order


def _read_sheets(
    source: BookSource,
    schema: Schema,
    found: dict[str, str],
    order: list[str],
    as_of: datetime,
    lang: str,
    progress: Progress | None,
) -> LoadedBook:
    """Each sheet read in ``order``; records and problems then laid out in schema order."""
    sheets = {found[sheet.key]: (position, sheet) for position, sheet in enumerate(schema.sheets)
              if sheet.key in found}  # fmt: skip
    read: dict[str, tuple[SheetData, list[Problem]]] = {}
    epoch = getattr(source, "epoch", EPOCH_1900)
    for name in order:
        position, sheet = sheets[name]
        reader = _SheetReader(sheet, name, position, as_of, lang, epoch)
        reader.progress, reader.row_count = progress, getattr(source, "row_count", None)
        reader.merged = getattr(source, "merged", None)
        totals_rows = getattr(source, "totals_rows", None)
        reader.totals = totals_rows(name) if totals_rows is not None else set()
        blocks = getattr(source, "blocks", None)
        found_blocks = blocks(name) if blocks is not None else blocks_of(source.rows(name))
        read[sheet.key] = reader.read(found_blocks), reader.problems
    loaded = LoadedBook(source=source.name, records=Records())
    for position, sheet in enumerate(schema.sheets):
        if sheet.key not in read:
            problem = missing_sheet(schema, sheet, set(read), lang, position)
            if problem is not None:
                loaded.problems.append(problem)
            continue
        data, problems = read[sheet.key]
        loaded.records.sheets[sheet.key] = data
        loaded.problems.extend(problems)
    return loaded


# An optional group of sheets (SPEC §7: a firm may keep none of them): the command that reads
# it; its name is the catalogue's ``group.KEY``.
OPTIONAL_GROUPS = {"stock": "svctools stock"}


def missing_sheet(
    schema: Schema, sheet: Sheet, found: set[str], lang: str, position: int
) -> Problem | None:
    """The ``missing_sheet`` warning for a sheet the book lacks (SPEC §2.2, §7).

    A sheet of an optional group (the stock sheets) is not reported one by one when the book
    keeps none of its group: the firm gets one warning for the whole group, on its first sheet,
    saying which command needs it. When the book keeps some of the group, each missing one is a
    warning of its own (the command runs without it)."""
    params: dict[str, Any] = {"names": names_param(sheet.names)}
    detail = "missing_sheet"
    if sheet.optional is not None:
        group = [s for s in schema.sheets if s.optional == sheet.optional]
        optional = sheet.optional
        params["commands"] = OPTIONAL_GROUPS.get(optional, optional)
        detail = "optional"
        if not any(s.key in found for s in group):
            if group[0] is not sheet:
                return None  # reported once, on the group's first sheet
            detail = "optional_group"
            params["group"] = lambda lang: word("group", optional, lang)
            params["sheets"] = lambda lang: template("punct.list", lang).join(
                s.title(lang) for s in group
            )
    return Problem(
        WARNING,
        "missing_sheet",
        sheet=sheet.title(lang),
        detail=detail,
        params=params,
        sheet_key=sheet.key,
        order=(position, 0),
    )


def cell_problem(
    data: SheetData,
    position: int,
    code: str,
    column: Column | None,
    row: int | None,
    lang: str,
    **kw: Any,
) -> Problem:
    """A problem located in ``data``: the header as written in the book, and the A1 cell."""
    found = data.columns.get(column.key) if column else None
    return Problem(
        kw.pop("severity", ERROR),
        code,
        sheet=data.name,
        row=row,
        column=found[1] if found else (column.header(lang) if column else None),
        field=column.key if column else None,
        cell=data.cell(column.key, row) if column and row and found else None,
        sheet_key=data.key,
        order=(position, found[0] if found else 999),
        **kw,
    )


def suggest_header(problem: Problem, data: SheetData, column: Column) -> Problem:
    """A ``missing_column`` problem naming the header that is most likely a typo of ``column``
    (``完公时间 → 完工时间？``) and its cell in the header row, when one is close enough."""
    wanted = {normalize_header(name) for name in column.names}
    best: tuple[float, int, str] | None = None
    for index, text in data.other_headers.items():
        form = normalize_header(text)
        score = max(SequenceMatcher(None, form, name).ratio() for name in wanted)
        if score >= _TYPO_SCORE and (best is None or score > best[0]):
            best = (score, index, text)
    if best is not None and data.header_row:
        problem.detail += "_typo"
        problem.cell = f"{column_letter(best[1] + 1)}{data.header_row}"
        problem.params.update(typo=best[2], typo_cell=problem.cell)
    return problem


def _header_text(value: Any) -> str | None:
    if is_blank(value):
        return None
    return unicodedata.normalize("NFC", str(value)).strip()


def _data_rows(
    numbers: Sequence[int], block: list[Sequence[Any]], width: int
) -> tuple[Sequence[int], list[Sequence[Any]]]:
    """The block without its blank rows and totals rows (合计, 总计, 小计, Total). Almost
    always every row starts with an ID: decided from the set of first characters of the first
    cells (C-level passes); otherwise each row is looked at."""
    firsts = list(map(itemgetter(0), block))
    if _STR_ONLY.issuperset(map(type, firsts)):
        initials: set[str] = set(map(getitem, firsts, repeat(_FIRST_CHARACTER)))
        if initials.isdisjoint(_TOTAL_INITIALS) and not any(map(_not_plain_initial, initials)):
            return numbers, block
    keep = [_is_data(values, width) for values in block]
    return list(compress(numbers, keep)), list(compress(block, keep))


_NUMBERS: list[int] = [0]  # row numbers, each made once: see shared_numbers


def shared_numbers(numbers: Sequence[int]) -> list[int]:
    """The row numbers as the ints every sheet shares. Why: a record keeps its row number,
    and an int past 256 is an object of 28 bytes; made afresh for each sheet's rows, the
    row numbers of a 640,000-row book took 18 MB, shared 8 MB."""
    last = max(numbers, default=0)
    if last >= len(_NUMBERS):
        _NUMBERS.extend(range(len(_NUMBERS), last + 1))
    return list(map(_NUMBERS.__getitem__, numbers))


def _fill_down(
    numbers: Sequence[int], block: list[Sequence[Any]], fills: dict[int, list[list[Any]]]
) -> list[Sequence[Any]]:
    """``block`` with each merged-down cell holding the value of its range's first cell (kept
    in ``fills`` from the block that held it)."""
    first, last = numbers[0], numbers[-1]
    where = {number: position for position, number in enumerate(numbers)}
    block = list(block)
    for column, ranges in fills.items():
        for merge in ranges:
            top, bottom = merge[0], merge[1]
            if bottom < first or top > last:
                continue
            if top in where:
                values = block[where[top]]
                merge[2] = values[column] if column < len(values) else None
            for row in range(max(top + 1, first), min(bottom, last) + 1):
                values = list(block[where[row]])
                if column >= len(values):
                    values.extend([None] * (column + 1 - len(values)))
                if is_blank(values[column]):
                    values[column] = merge[2]
                block[where[row]] = values
    return block


def _not_plain_initial(initial: str) -> bool:
    return not initial or initial.isspace()


def _is_data(values: Sequence[Any], width: int) -> bool:
    first = next((v for v in values[:width] if not is_blank(v)), None)
    return first is not None and not (isinstance(first, str) and _TOTALS.match(first))


class _SheetReader:
    """Reads one sheet: finds the header row, then parses each data row."""

    def __init__(
        self,
        sheet: Sheet,
        name: str,
        position: int,
        as_of: datetime,
        lang: str,
        epoch: datetime = EPOCH_1900,
    ):
        self.sheet, self.name, self.position, self.as_of, self.lang = (
            sheet,
            name,
            position,
            as_of,
            lang,
        )
        self.epoch = epoch
        self.merged: Callable[[str], list[tuple[int, int, int, int]]] | None = None
        self.totals: set[int] = set()  # rows that are an Excel Table's total row
        self.problems: list[Problem] = []
        self.lookup = sheet.header_lookup()
        self.progress: Progress | None = None
        self.row_count: Callable[[str], int | None] | None = None

    def problem(self, code: str, column: Column | None, row: int | None, **kw: Any) -> Problem:
        problem = cell_problem(self.data, self.position, code, column, row, self.lang, **kw)
        self.problems.append(problem)
        return problem

    def match_header(self, values: Any) -> dict[str, tuple[int, str]]:
        columns: dict[str, tuple[int, str]] = {}
        for index, value in enumerate(values):
            text = _header_text(value)
            if text is None:
                continue
            key = self.lookup.get(normalize_header(text))
            if key is not None and key not in columns:
                columns[key] = (index, text)
        return columns

    def is_header(self, columns: dict[str, tuple[int, str]]) -> bool:
        required = [c.key for c in self.sheet.required]
        hits = sum(1 for key in required if key in columns)
        return len(columns) >= 2 and hits * 2 >= len(required)

    def read(self, blocks: Iterator[Block]) -> SheetData:
        self.data = SheetData(key=self.sheet.key, name=self.name, header_row=0)
        first: Block | None = None
        numbers, rows = next(blocks, ((), []))  # the header is within the first block
        for position, (number, values) in enumerate(zip(numbers, rows, strict=True)):
            columns = self.match_header(list(map(normalise_cell, values)))
            if self.is_header(columns):
                self.data.header_row, self.data.columns = number, columns
                taken = {index for index, _ in columns.values()}
                self.data.other_headers = {
                    index: text
                    for index, text in enumerate(map(_header_text, map(normalise_cell, values)))
                    if text is not None and index not in taken
                }
                first = numbers[position + 1 :], rows[position + 1 :]
                break
            if number >= HEADER_SEARCH_ROWS:
                break
        self.report_missing_columns()
        if first is not None:
            self.read_rows(chain([first], blocks))
        return self.data

    def report_missing_columns(self) -> None:
        detail = "missing_column" if self.data.header_row else "no_header"
        for column in self.sheet.required:
            if column.key not in self.data.columns:
                suggest_header(
                    self.problem(
                        "missing_column",
                        column,
                        self.data.header_row or None,
                        detail=detail,
                        params={"row": self.data.header_row, "names": names_param(column.names)},
                    ),
                    self.data,
                    column,
                )

    def read_rows(self, blocks: Iterator[Block]) -> None:
        """The data rows, a block at a time: each column of the block through its column's
        reader (``columns.column_reader``, C-level passes), the rows then made at once; a row
        with a blank required cell, a bad cell or a future time is read again cell by cell
        (``read_row``), which reports its problems."""
        plan = [
            (column, self.data.columns[column.key][0], converter(column, self.epoch, self.as_of))
            for column in self.sheet.columns
            if column.key in self.data.columns
        ]
        width = max(index for _, index, _ in plan) + 1
        indexes = [index for _, index, _ in plan]
        readers = [column_reader(column, self.as_of, self.epoch) for column, _, _ in plan]
        fills = self._merged_down(plan)
        kind = Record.kind(self.sheet.key, tuple(column.key for column, _, _ in plan))
        make = partial(tuple.__new__, kind)
        records = self.data.records
        tick = self._ticker()
        last = self.data.header_row
        for numbers, block in blocks:
            if not block:
                continue
            last = numbers[-1]
            tick(last)
            if fills:
                block = _fill_down(numbers, block, fills)
            if min(map(len, block)) < width:
                block = [[*v, *([None] * (width - len(v)))] if len(v) < width else v for v in block]
            if self.totals and not self.totals.isdisjoint(numbers):
                keep = [number not in self.totals for number in numbers]
                numbers, block = list(compress(numbers, keep)), list(compress(block, keep))
            numbers, block = _data_rows(numbers, block, width)
            if not block:  # blank rows only (a sheet formatted far below its data)
                continue
            numbers = shared_numbers(numbers)
            outs: list[list[Any]] = []
            bad: set[int] = set()
            # The block turned into columns in one C pass (rows can be longer than ``width``,
            # never shorter: padded above), 15 % of reading's main-thread time less than a pass
            # per column.
            by_column = list(zip(*block, strict=False))
            for index, read in zip(indexes, readers, strict=True):
                out, suspect = read(by_column[index])
                if suspect:
                    bad.update(compress(count(), map(is_, out, repeat(BAD))))
                outs.append(out)
            base = len(records)
            records.extend(map(make, zip(*outs, numbers, repeat(_CLEAN))))
            for position in sorted(bad):
                values = list(map(normalise_cell, block[position]))
                records[base + position] = self.read_row(kind, numbers[position], values, plan)
        tick(last, True)

    def _merged_down(self, plan: list[tuple[Column, int, Any]]) -> dict[int, list[list[Any]]]:
        """Cells merged down one column below the header (工单号 over the parts rows of one
        order): column -> [[first row, last row, value]]; each row reads the merged value.
        Money is left on the first row only, so a merged amount is counted once."""
        ranges = self.merged(self.name) if self.merged is not None else []
        columns = {index for column, index, _ in plan if column.type != "money"}
        fills: dict[int, list[list[Any]]] = {}
        for top, left, bottom, right in ranges:
            if left == right and bottom > top > self.data.header_row and left in columns:
                fills.setdefault(left, []).append([top, bottom, None])
        return fills

    def _ticker(self) -> Callable[..., None]:
        """Report rows read to ``progress``: ``tick(row)``, and ``tick(last_row, True)`` at the
        end (then ``done`` is the total when the source knew it)."""
        progress, name = self.progress, self.name
        if progress is None:
            return lambda *args: None
        total = self.row_count(name) if self.row_count is not None else None

        def tick(done: int, finished: bool = False) -> None:
            progress("read", name, total if finished and total else done, total)

        return tick

    def read_row(
        self,
        kind: type[Record],
        number: int,
        values: Any,
        plan: list[tuple[Column, int, Any]],
    ) -> Record:
        record: dict[str, Any] = {}
        bad: set[str] = set()
        size = len(values)
        for column, index, parse in plan:
            raw = values[index] if index < size else None
            if isinstance(raw, Unreadable):
                record[column.key] = None
                bad.add(column.key)
                self.problem(
                    raw.code,
                    column,
                    number,
                    value=str(raw) or None,
                    params={"row": number, "encoding": getattr(raw, "encoding", "")},
                )
                continue
            if is_blank(raw):
                record[column.key] = None
                if column.required:
                    self.problem("missing_required", column, number)
                continue
            try:
                value = parse(raw)
            except CellError as error:
                record[column.key] = None
                bad.add(column.key)
                self.bad_cell(error, column, number, raw)
                continue
            record[column.key] = value
            if column.type == "datetime" and value > self.as_of:
                bad.add(column.key)
                self.problem(
                    "future_time", column, number, value=value, params={"as_of": self.as_of}
                )
        return kind.make(record, number, bad)

    def bad_cell(self, error: CellError, column: Column, row: int, raw: Any) -> None:
        params: dict[str, Any] = {}
        if error.detail == "range":
            low = column.min if column.min is not None else ""
            high = column.max if column.max is not None else ""
            params["range"] = f"{low}–{high}" if high != "" else f"≥ {low}"
        if error.code == "not_in_enum":
            params["options"] = lambda lang: template("punct.list", lang).join(
                o.label(lang) for o in column.enum
            )
        self.problem(error.code, column, row, value=raw, detail=error.detail, params=params)
