"""Checks across rows and sheets (SPEC §2.2): keys, references, time order, staff, warranty.

Each check yields problems; ``validate`` runs them all, so one bad cell never hides another.
"""

from __future__ import annotations

import gc
import operator
from collections.abc import Callable, Iterator
from datetime import date, datetime
from itertools import compress, repeat
from typing import Any

from svctools.compute.warranty import warranty_by_date
from svctools.core.messages import say, template
from svctools.core.policy import Policy
from svctools.core.problems import ERROR, WARNING, Problem
from svctools.core.records import Record, Records, SheetData
from svctools.core.schema import Column, Schema, Sheet
from svctools.reading.book import LoadedBook, Progress, cell_problem, read_book, suggest_header
from svctools.sources.base import BookSource

_OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "not_before": operator.ge,  # value >= other
    "after": operator.gt,  # value > other
    "not_after": operator.le,  # value <= other
}


def validate(
    source: BookSource,
    schema: Schema,
    policy: Policy,
    as_of: datetime,
    lang: str,
    progress: Progress | None = None,
) -> LoadedBook:
    """Read the whole book and run every check; problems come sorted by sheet, row, column.

    ``progress`` (see ``book.Progress``) hears of each sheet read and each sheet checked.
    """
    collecting = gc.isenabled()
    gc.disable()  # reading and checking make no garbage; collections would only walk the book
    try:
        loaded = read_book(source, schema, as_of, lang, progress)
        context = _Context(loaded.records, schema, policy, lang)
        context.progress = progress
        loaded.problems.extend(context.run())
    finally:
        if collecting:
            gc.enable()
    loaded.problems.sort(key=Problem.sort_key)
    return loaded


class _Context:
    def __init__(self, records: Records, schema: Schema, policy: Policy, lang: str) -> None:
        self.records, self.schema, self.policy, self.lang = records, schema, policy, lang
        self.positions = {sheet.key: n for n, sheet in enumerate(schema.sheets)}
        self._indexes: dict[str, dict[Any, Record]] = {}
        self.progress: Progress | None = None

    def run(self) -> Iterator[Problem]:
        present = [s for s in self.schema.sheets if s.key in self.records.sheets]
        for done, sheet in enumerate(present):
            data = self.records.sheets[sheet.key]
            if self.progress is not None:
                self.progress("check", data.name, done, len(present))
            yield from self.required_when(sheet, data)
            for column in sheet.columns:
                if column.key not in data.columns:
                    continue
                if column.unique:
                    yield from self.duplicates(data, column)
                if column.ref:
                    yield from self.references(data, column)
                yield from self.time_order(sheet, data, column)
                if column.check_active:
                    yield from self.inactive_staff(sheet, data, column)
        yield from self.warranty_mismatch()
        if self.progress is not None:
            self.progress("check", "", len(present), len(present))

    def problem(self, data: SheetData, code: str, column: Column, row: int, **kw: Any) -> Problem:
        position = self.positions[data.key]
        return cell_problem(data, position, code, column, row, self.lang, **kw)

    def index(self, sheet_key: str) -> dict[Any, Record] | None:
        """Id -> record of a referenced sheet; ``None`` if the sheet or its id column is absent."""
        data = self.records.sheets.get(sheet_key)
        if data is None:  # not in the book, or not read by this command
            return None
        id_column = self.schema[sheet_key].id_column
        if id_column is None or id_column.key not in data.columns:
            return None
        if sheet_key not in self._indexes:
            self._indexes[sheet_key] = self.records.index(sheet_key, id_column.key)
        return self._indexes[sheet_key]

    def required_when(self, sheet: Sheet, data: SheetData) -> Iterator[Problem]:
        for column in sheet.columns:
            for condition_key, condition_values in column.required_when:
                if condition_key not in data.columns:
                    continue
                wanted = frozenset(condition_values)
                matches = list(map(wanted.__contains__, data.column(condition_key)))
                if not any(matches):
                    continue
                when = _when_text(sheet.by_key[condition_key], condition_values)
                if column.key not in data.columns:
                    names = "、".join(dict.fromkeys(column.names))
                    problem = self.problem(
                        data,
                        "missing_column",
                        column,
                        data.header_row,
                        detail="needed",
                        params={"names": names, "when": when},
                    )
                    yield suggest_header(problem, data, column)
                    continue
                blank = map(operator.is_, data.column(column.key), repeat(None))
                for record in compress(data.records, map(operator.and_, matches, blank)):
                    if column.key not in record.bad:
                        yield self.problem(
                            data,
                            "missing_required",
                            column,
                            record.row,
                            detail="when",
                            params={"when": when},
                        )

    def duplicates(self, data: SheetData, column: Column) -> Iterator[Problem]:
        values = [value for value in data.column(column.key) if value is not None]
        if len(set(values)) == len(values):
            return  # every value distinct: the common case, decided with a set
        first: dict[Any, int] = {}
        for record in data.records:
            value = record.get(column.key)
            if value is None:
                continue
            if value in first:
                yield self.problem(
                    data,
                    "duplicate_key",
                    column,
                    record.row,
                    value=value,
                    params={"first_row": first[value]},
                )
            else:
                first[value] = record.row

    def references(self, data: SheetData, column: Column) -> Iterator[Problem]:
        assert column.ref is not None
        known = self.index(column.ref)
        if known is None:
            return
        ref_sheet = self.records.sheets[column.ref].name
        values = set(data.column(column.key))
        values.discard(None)
        if all(map(known.__contains__, values)):
            return  # every reference known: the common case, decided with a set
        for record in data.records:
            value = record.get(column.key)
            if value is not None and value not in known:
                ids = self.ids_named(column.ref, value)
                params: dict[str, Any] = {"ref_sheet": ref_sheet}
                if ids:  # a name typed where its ID belongs: say which ID it is
                    id_key = self.schema[column.ref].id_column.key  # type: ignore[union-attr]
                    params |= {"id_header": self.header(column.ref, id_key), "ids": ids}
                yield self.problem(
                    data,
                    "unknown_ref",
                    column,
                    record.row,
                    value=value,
                    detail="by_name" if ids else "",
                    params=params,
                )

    def ids_named(self, sheet_key: str, name: Any) -> Any:
        """The IDs of the rows of ``sheet_key`` whose ``name`` is ``name`` (staff, stores), as a
        callable of lang (``K01`` or ``K01 或 K07``); ``None`` when no row has that name."""
        data = self.records.sheets[sheet_key]
        id_column = self.schema[sheet_key].id_column
        if "name" not in data.columns or id_column is None or not isinstance(name, str):
            return None
        found = [str(r.get(id_column.key)) for r in data.records if r.get("name") == name.strip()]
        if not found:
            return None
        return lambda lang: say("list.or", lang).join(dict.fromkeys(found))

    def other_values(self, sheet: Sheet, data: SheetData, path: str) -> tuple[list[Any], str]:
        """What a time-order rule compares with, row by row, and its header: ``col`` of the
        same row, or ``ref_col->col`` of the referenced row of another sheet (by its index)."""
        if "->" not in path:
            return data.column(path), self.header(sheet.key, path)
        ref_key, other_key = path.split("->")
        ref_sheet = sheet.by_key[ref_key].ref
        assert ref_sheet is not None
        targets = self.index(ref_sheet) or {}
        # one lookup per referenced row (2,000 parts), then one C-level pass (300,000 moves)
        values = {ref: target.get(other_key) for ref, target in targets.items()}
        return list(map(values.get, data.column(ref_key))), self.header(ref_sheet, other_key)

    def header(self, sheet_key: str, column_key: str) -> str:
        data = self.records.sheets.get(sheet_key)
        if data and column_key in data.columns:
            return data.columns[column_key][1]
        return self.schema[sheet_key].by_key[column_key].header(self.lang)

    def time_order(self, sheet: Sheet, data: SheetData, column: Column) -> Iterator[Problem]:
        for rule, check in _OPERATORS.items():
            path = getattr(column, rule)
            if path is None:
                continue
            others, other_header = self.other_values(sheet, data, path)
            values = data.column(column.key)
            for record, value, other in _out_of_order(data.records, values, others, check):
                yield self.problem(
                    data,
                    "time_order",
                    column,
                    record.row,
                    value=value,
                    detail=rule,
                    params={"other": other_header, "other_value": other},
                )

    def inactive_staff(self, sheet: Sheet, data: SheetData, column: Column) -> Iterator[Problem]:
        staff = self.index("staff")
        if staff is None or sheet.own_date is None:
            return
        left = {sid: p.get("left_on") for sid, p in staff.items() if p.get("left_on") is not None}
        if not left:  # nobody has left: nothing to look up row by row
            return
        key, own_date = column.key, sheet.own_date
        for record in data.records:
            left_on = left.get(record.get(key))
            if left_on is None:
                continue
            own = record.get(own_date)
            if own is None or _day(own) <= left_on:
                continue
            yield self.problem(
                data,
                "inactive_staff",
                column,
                record.row,
                severity=WARNING,
                value=record.get(column.key),
                params={"left_on": left_on, "date": _day(own)},
            )

    def warranty_mismatch(self) -> Iterator[Problem]:
        ledger = self.records.sheets.get("repair_ledger")
        calls = self.index("call_log")
        if ledger is None or calls is None or "warranty" not in ledger.columns:
            return
        column = self.schema["repair_ledger"].by_key["warranty"]
        labels = {o.key: o for o in column.enum}
        rows = zip(ledger.records, ledger.column("warranty"), ledger.column("call_id"), strict=True)
        for record, stated, call_id in rows:
            call = calls.get(call_id) if stated is not None else None
            if call is None:
                continue
            by_date = warranty_by_date(call, self.policy)
            if by_date is None:
                continue
            covered, until = by_date
            expected = "in" if covered else "out"
            if expected != stated:
                yield self.problem(
                    ledger,
                    "warranty_mismatch",
                    column,
                    record.row,
                    severity=WARNING,
                    value=labels[stated].label(self.lang),
                    params={
                        "purchase_date": call.get("purchase_date"),
                        "until": until,
                        "expected": labels[expected].label(self.lang),
                    },
                )


def _out_of_order(
    records: list[Record],
    values: list[Any],
    others: list[Any],
    check: Callable[[Any, Any], bool],
) -> list[tuple[Record, Any, Any]]:
    """The (record, value, other) whose ``check(value, other)`` fails, in row order; a row
    lacking either side is not judged. A date against a datetime compares by day.

    Why the maps: a book has hundreds of thousands of rows per rule, almost all in order; each
    step here is one C-level pass over a column, with no Python code run per row.
    """
    judged = list(
        map(
            operator.and_,
            map(operator.is_not, values, repeat(None)),
            map(operator.is_not, others, repeat(None)),
        )
    )
    values, others = list(compress(values, judged)), list(compress(others, judged))
    try:  # all datetimes (or all dates): one C-level pass
        fine = list(map(check, values, others))
    except TypeError:  # dates against datetimes: by day
        fine = _by_day(check, values, others)
    if all(fine):
        return []
    wrong = list(map(operator.not_, fine))
    return list(
        zip(
            compress(compress(records, judged), wrong),
            compress(values, wrong),
            compress(others, wrong),
            strict=True,
        )
    )


def _by_day(check: Callable[[Any, Any], bool], values: list[Any], others: list[Any]) -> list[bool]:
    """``check`` of each pair, by day where one side is a date (C-level when each side is all
    dates or all datetimes: a purchase date against call times)."""
    kinds = set(map(type, values)), set(map(type, others))
    if kinds[0] == {date} and kinds[1] == {datetime}:
        return list(map(check, values, map(datetime.date, others)))
    if kinds[0] == {datetime} and kinds[1] == {date}:
        return list(map(check, map(datetime.date, values), others))
    return [_holds(check, value, other) for value, other in zip(values, others, strict=True)]


def _holds(check: Callable[[Any, Any], bool], value: Any, other: Any) -> bool:
    if isinstance(value, datetime) and isinstance(other, datetime):
        return check(value, other)
    return check(_day(value), _day(other))


def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def _when_text(condition: Column, values: tuple[str, ...]) -> Callable[[str], str]:
    """``状态 = 已完工`` / ``Status = completed, cancelled``: the rows a column is required on."""
    labels = {o.key: o for o in condition.enum}

    def when(lang: str) -> str:
        shown = [labels[v].label(lang) if v in labels else str(v) for v in values]
        return f"{condition.header(lang)} = {template('punct.list', lang).join(shown)}"

    return when


def errors_in(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == ERROR]
