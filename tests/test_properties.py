"""Property-based: arbitrary cell values never crash the readers, checks or computations.

A fake in-memory ``BookSource`` holds every schema sheet with a correct header row and rows of
raw values of every type a reader can hand over, and some it should not (``Decimal``, huge
ints, ``nan``, control characters, formulas as text). Half the cells are plausible for their
column (IDs from a small pool, dates near the as-of moment, enum labels), so rows survive
validation and reach the computations. The only exceptions allowed are ``SvctoolsError``s.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from conftest import valid_rows
from depth import examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from svctools.compute.checks import validate
from svctools.compute.entitlements import compute_entitlements, rights_by_call
from svctools.compute.penalties import compute_penalties
from svctools.compute.privacy import (
    mask_address,
    mask_email,
    mask_name,
    mask_penalties,
    mask_phone,
    mask_report,
    mask_settlement,
    mask_text,
)
from svctools.compute.reminders import due_reminders
from svctools.compute.report import compute_report
from svctools.compute.settlement import compute_settlement
from svctools.compute.sla import compute_sla
from svctools.core.errors import SvctoolsError
from svctools.core.policy import Policy
from svctools.core.schema import Column, load_schema
from svctools.outputs.entitlements_text import render_text as entitlements_text
from svctools.outputs.report_text import report_text
from svctools.outputs.sla_text import render_text as sla_text
from svctools.outputs.statements import penalties_text, settlement_text
from svctools.reading.usable import usable_records

SCHEMA = load_schema()
POLICY = Policy()
AS_OF = datetime(2026, 11, 20, 9, 0)
MONTH = (date(2026, 10, 1), date(2026, 11, 1))
IDS = ["A01", "T01", "W001", "C001", "S01", "K001", "HT001"]

ANY_VALUE = st.one_of(
    st.none(),
    st.text(max_size=12),  # every code point but surrogates: control characters included
    st.sampled_from(['=HYPERLINK("http://x","点我")', "+1+1", "-2+3", "@SUM(A1)", "#N/A"]),
    st.sampled_from(["", " ", "合计", "Total", "一级", "是", "√", "１２３", "¥1,234.50"]),
    st.integers(),
    st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(),  # nan and inf included
    st.booleans(),
    st.datetimes(),
    st.dates(),
    st.times(),
    st.decimals(),  # NaN, sNaN and Infinity included
)

NEAR = st.datetimes(min_value=datetime(2026, 9, 1), max_value=datetime(2026, 12, 31))


def plausible(column: Column) -> st.SearchStrategy[Any]:
    """A value that reads for ``column`` (or almost): most rows then pass validation."""
    if column.enum:
        return st.sampled_from([o.zh for o in column.enum] + [o.key for o in column.enum])
    by_type: dict[str, st.SearchStrategy[Any]] = {
        "datetime": NEAR,
        "date": NEAR.map(datetime.date),
        "money": st.one_of(st.integers(0, 9999), st.decimals(0, 9999, places=2)),
        "int": st.integers(0, 5),
        "bool": st.sampled_from(["是", "否", True, False]),
        "phone": st.sampled_from(["13812345678", "010-12345678", 13900000002]),
        "email": st.sampled_from(["a01@example.com", "s@example.com"]),
    }
    return by_type.get(column.type, st.sampled_from(IDS))


def cell(column: Column) -> st.SearchStrategy[Any]:
    good = plausible(column)
    return st.one_of(good, good, ANY_VALUE)


def sheet_rows(key: str) -> st.SearchStrategy[list[list[Any]]]:
    columns = SCHEMA[key].columns
    row = st.tuples(*(cell(c) for c in columns)).map(list)
    return st.lists(row, max_size=5)


BOOKS = st.fixed_dictionaries({sheet.key: sheet_rows(sheet.key) for sheet in SCHEMA.sheets})


class FakeBook:
    """An in-memory ``BookSource``: sheet title -> rows of raw values (the header row first)."""

    name = "fake.xlsx"

    def __init__(self, sheets: dict[str, list[list[Any]]]) -> None:
        self.sheets = sheets

    def sheet_names(self) -> list[str]:
        return list(self.sheets)

    def rows(self, sheet: str) -> Iterator[tuple[int, Sequence[Any]]]:
        yield from enumerate(self.sheets[sheet], start=1)

    def close(self) -> None:
        pass


def with_headers(data: dict[str, list[list[Any]]], lang: str) -> dict[str, list[list[Any]]]:
    """Rows by sheet key -> the sheets of a book in ``lang``: title, header row, rows."""
    return {
        sheet.title(lang): [[c.header(lang) for c in sheet.columns], *data[sheet.key]]
        for sheet in SCHEMA.sheets
    }


# A consistent book (tests/conftest.py), then cells overwritten with any value and rows
# cloned: most rows stay valid, so the computations get real work with hostile cells in it.
BASE = valid_rows()
COLUMNS = {sheet.title("zh"): {c.zh: c for c in sheet.columns} for sheet in SCHEMA.sheets}
ID_SHEETS = {s.title("zh") for s in SCHEMA.sheets if s.id_column is not None}


@st.composite
def tampered_books(draw: st.DrawFn) -> dict[str, list[list[Any]]]:
    book = copy.deepcopy(BASE)
    titles = sorted(book)
    for number in range(draw(st.integers(0, 4))):  # a clone gets a new ID, same references
        rows = book[draw(st.sampled_from(titles))]
        clone = list(draw(st.sampled_from(rows[1:])))
        if rows is not book["回访登记"] and rows is not book["配件使用"]:
            clone[0] = f"{clone[0]}-{number}"
        rows.append(clone)
    for _ in range(draw(st.integers(0, 6))):
        title = draw(st.sampled_from(titles))
        rows = book[title]
        line = rows[draw(st.integers(1, len(rows) - 1))]
        index = draw(st.integers(0, len(rows[0]) - 1))
        column = COLUMNS[title][rows[0][index]]
        line.extend([None] * (index + 1 - len(line)))
        line[index] = draw(st.one_of(ANY_VALUE, plausible(column)))
    return book


def strict_json(data: Any) -> None:
    """What --format json prints must be real JSON: no NaN, no Infinity."""
    json.dumps(data, ensure_ascii=False, allow_nan=False)


def run_everything(sheets: dict[str, list[list[Any]]], lang: str) -> None:
    loaded = validate(FakeBook(sheets), SCHEMA, POLICY, AS_OF, lang)
    for problem in loaded.problems:
        problem.message(lang)
    jobs = {
        "sla": lambda r: sla_text(compute_sla(r, POLICY, AS_OF), lang),
        "penalties": lambda r: _penalties(r, lang),
        "settle": lambda r: _settle(r, lang),
        "report": lambda r: _report(r, lang),
        "dispatch": lambda r: _dispatch(r, lang),
        "remind_all": lambda r: due_reminders(
            r, POLICY.reminders, AS_OF, ("renewal", "callback"), rights_by_call(r, POLICY, AS_OF)
        ),
        "entitlements": lambda r: _entitlements(r, lang),
    }
    for command, job in jobs.items():
        try:
            records = usable_records(loaded, SCHEMA, command, True, lang).records
        except SvctoolsError:
            continue
        job(records)


def _penalties(records: Any, lang: str) -> None:
    breaches = compute_sla(records, POLICY, AS_OF)
    statement = compute_penalties(records, breaches.breaches, POLICY, MONTH[0])
    for shown in (statement, mask_penalties(statement)):
        penalties_text(shown, lang)
        strict_json(shown.to_dict(lang))


def _settle(records: Any, lang: str) -> None:
    settlement = compute_settlement(records, POLICY, *MONTH)
    for shown in (settlement, mask_settlement(settlement)):
        settlement_text(shown, lang)
        strict_json(shown.to_dict(lang))


def _entitlements(records: Any, lang: str) -> None:
    result = compute_entitlements(records, POLICY, AS_OF, *MONTH)
    entitlements_text(result, lang)
    strict_json(result.to_dict(lang))


def _report(records: Any, lang: str) -> None:
    report = compute_report(records, POLICY, *MONTH, AS_OF)
    for shown in (report, mask_report(report)):
        report_text(shown, lang)
        strict_json(shown.to_dict(lang))


def _dispatch(records: Any, lang: str) -> None:
    from svctools.compute.dispatch import compute_dispatch
    from svctools.outputs.dispatch_text import dispatch_text, sheet_rows

    for plan in (False, True):
        result = compute_dispatch(records, POLICY, AS_OF, plan=plan)
        dispatch_text(result, lang)
        sheet_rows(result, lang)
        strict_json(result.to_dict(lang))


SLOW_OK = [HealthCheck.too_slow, HealthCheck.data_too_large]


@settings(max_examples=examples(50), deadline=None, suppress_health_check=SLOW_OK)
@given(data=BOOKS, lang=st.sampled_from(["zh", "en"]))
def test_any_cell_values_give_problems_or_results_never_a_crash(
    data: dict[str, list[list[Any]]], lang: str
) -> None:
    try:
        run_everything(with_headers(data, lang), lang)
    except SvctoolsError:
        pass


@settings(max_examples=examples(60), deadline=None, suppress_health_check=SLOW_OK)
@given(book=tampered_books())
def test_a_valid_book_with_hostile_cells_computes_or_refuses(
    book: dict[str, list[list[Any]]],
) -> None:
    try:
        run_everything(book, "zh")
    except SvctoolsError:
        pass


@settings(max_examples=examples(300), deadline=None)
@given(text=st.one_of(st.none(), st.text(max_size=40)))
def test_masks_take_any_text(text: str | None) -> None:
    for mask in (mask_phone, mask_name, mask_address, mask_email, mask_text):
        result = mask(text)
        assert (result is None) == (text is None)
    if text:
        masked_phone = mask_phone(text)
        assert masked_phone is not None and len(masked_phone) == len(text)


# Values of every type, for the one function every xlsx writer puts cells through.
CELL_VALUES = st.one_of(
    st.none(),
    st.text(st.characters(exclude_categories=[]), max_size=20),  # lone surrogates too
    st.integers(min_value=-(2**62), max_value=2**62),
    st.floats(),
    st.booleans(),
    st.datetimes(min_value=datetime(1900, 3, 1)),
    st.dates(min_value=date(1900, 3, 1)),
    st.times(),
    st.decimals(),
)


@settings(max_examples=examples(40), deadline=None)
@given(values=st.lists(CELL_VALUES, min_size=1, max_size=30))
def test_set_text_never_makes_a_formula_or_a_broken_file(values: list[Any]) -> None:
    import io

    import openpyxl

    from svctools.outputs.xlsxout import FORMULA_START, set_text

    workbook = openpyxl.Workbook()
    for number, value in enumerate(values, start=1):
        set_text(workbook.active.cell(row=number, column=1), value)
    stream = io.BytesIO()
    workbook.save(stream)
    stream.seek(0)
    for found in openpyxl.load_workbook(stream).active["A"]:
        assert found.data_type != "f"
        if isinstance(found.value, str) and found.value.startswith(FORMULA_START):
            assert found.quotePrefix


def test_the_tampered_books_reach_the_computations() -> None:
    """Sanity: the untouched base book computes real figures (the property is not vacuous)."""
    loaded = validate(FakeBook(copy.deepcopy(BASE)), SCHEMA, POLICY, AS_OF, "zh")
    records = usable_records(loaded, SCHEMA, "penalties", True, "zh").records
    assert len(compute_settlement(records, POLICY, *MONTH).orders) == 1
    breaches = compute_sla(records, POLICY, AS_OF).breaches
    assert compute_penalties(records, breaches, POLICY, MONTH[0]).staff


def test_a_30_digit_amount_is_a_silly_figure_not_a_crash() -> None:
    """Found by the property above: quantize raised InvalidOperation past 10**26."""
    book = copy.deepcopy(BASE)
    book["配件使用"][1][4] = 10**30  # W001's unit cost
    run_everything(book, "zh")
    loaded = validate(FakeBook(book), SCHEMA, POLICY, AS_OF, "zh")
    records = usable_records(loaded, SCHEMA, "settle", True, "zh").records
    order = compute_settlement(records, POLICY, *MONTH).orders[0]
    assert order.parts == Decimal(10**30)
