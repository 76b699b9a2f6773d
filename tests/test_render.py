"""render: the clerk's tables and the JSON, byte for byte what tabulate and json print.

``table`` lays plain tables out itself (tabulate measured every cell: 0.5 s for a month's
orders) and hands anything unusual to tabulate; ``dumps`` writes indented JSON itself and hands
anything unusual to ``json.dumps``; ``minute_text`` is strftime's minute. Each must give the
same text as what it replaces, for any input.
"""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest
from depth import examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tabulate import tabulate

from svctools.outputs.render import _fast_table, dumps, minute_text, table


def _tabulate(rows: Any, headers: Any, colalign: Any = None) -> str:
    return str(
        tabulate(rows, headers=headers, tablefmt="simple", disable_numparse=True, colalign=colalign)
    )


# Letters that measure differently: ASCII, CJK (two columns), combining and zero-width marks,
# joiners and emoji, full-width space, control characters and what tabulate treats specially.
_LETTERS = st.sampled_from(
    list("aZ09 .-¥é")
    + ["张", "三", "保内", "是", "\u3000", "\u0301", "\u200b", "\u200d", "👨", "\ufe0f", "😀"]
    + ["\t", "\x07", "\x1c", "\x85", "\xa0", "\n", "\r", "\x1b[31m", "\x1b[0m", "\x01"]
)
_TEXT = st.lists(_LETTERS, max_size=6).map("".join)
_CELL = st.one_of(
    _TEXT,
    _TEXT,
    _TEXT,
    st.none(),
    st.integers(-5, 100_000),
    st.booleans(),
    st.sampled_from(["True", "False", "", " ", "12.50", "1,000", Decimal("3.10")]),
    st.just(datetime(2026, 10, 5, 14, 30)),
    st.just(b"bytes"),
)
_ALIGN = st.sampled_from(["left", "right", "global", "center", "decimal"])


# The same without what sends a table to tabulate: these take the fast path.
_ORDINARY = st.lists(
    _LETTERS.filter(lambda c: not any(s in c for s in "\n\r\x1b\x01")), max_size=6
).map("".join)


@st.composite
def _tables(
    draw: st.DrawFn, cells: st.SearchStrategy[Any] = _CELL, text: st.SearchStrategy[str] = _TEXT
) -> tuple[list[list[Any]], list[str], list[str] | None]:
    ncols = draw(st.integers(1, 5))
    headers = draw(st.lists(text, min_size=ncols, max_size=ncols))
    rows = draw(st.lists(st.lists(cells, min_size=ncols, max_size=ncols), max_size=6))
    colalign = draw(st.one_of(st.none(), st.lists(_ALIGN, max_size=ncols + 1)))
    return rows, headers, colalign


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_tables())
def test_table_prints_what_tabulate_prints(case: Any) -> None:
    rows, headers, colalign = case
    assert table(rows, headers, colalign) == _tabulate(rows, headers, colalign)


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_tables(st.one_of(_ORDINARY, st.none(), st.integers(0, 99), st.booleans()), _ORDINARY))
def test_ordinary_cells_print_what_tabulate_prints(case: Any) -> None:
    rows, headers, colalign = case
    assert table(rows, headers, colalign) == _tabulate(rows, headers, colalign)


_USUAL = st.sampled_from(
    ["A1", "张三", "保内", "120.50", "", " x ", None, 7, "é\u0301", "👨\u200d"]
)


@settings(max_examples=examples(200), deadline=None)
@given(
    st.lists(st.lists(_USUAL, min_size=3, max_size=3), min_size=1, max_size=8),
    st.lists(st.sampled_from(["left", "right"]), min_size=3, max_size=3),
)
def test_usual_tables_take_the_fast_path(rows: list[list[Any]], colalign: list[str]) -> None:
    """The tables the commands print never need tabulate, and still print what it prints."""
    headers = ["工单号", "Customer", "金额"]
    fast = _fast_table(rows, headers, colalign)
    assert fast is not None
    assert fast == _tabulate(rows, headers, colalign)


def test_tabulate_is_left_what_it_alone_does() -> None:
    """Line breaks, colour codes, separating lines, bytes, ragged rows and no rows."""
    for rows in (
        [["a\nb", "c"]],
        [["x", "\x1b[31mred\x1b[0m"]],
        [["\x01", "x"], ["y", "z"]],
        [[b"raw", "x"]],
        [["a"], ["b", "c"]],
        [],
    ):
        assert _fast_table(rows, ["h1", "h2"], ["left", "left"]) is None
        assert table(rows, ["h1", "h2"]) == _tabulate(rows, ["h1", "h2"])


def test_wide_characters_line_up() -> None:
    text = table([["张三", "12.00"], ["Li", "3.50"]], ["姓名", "金额"], ["left", "right"])
    assert text == "姓名      金额\n------  ------\n张三     12.00\nLi        3.50"


@settings(max_examples=examples(300), deadline=None)
@given(
    st.one_of(
        st.datetimes(),
        st.datetimes(timezones=st.timezones()),
        st.dates(),
        st.sampled_from([datetime(999, 12, 31, 23, 59, 59), datetime(1000, 1, 1)]),
    )
)
def test_minute_text_is_strftime(moment: Any) -> None:
    assert minute_text(moment) == moment.strftime("%Y-%m-%d %H:%M")


# JSON: plain data, and what dumps leaves to json.dumps (other key types, subclasses, Decimal).
class _Label(str):
    pass


_JSON_LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(),
    _TEXT,
    st.sampled_from([_Label("sub"), True, 0, -0.0, float("nan")]),
)
_JSON = st.recursive(
    _JSON_LEAVES,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.lists(inner, max_size=3).map(tuple),
        st.dictionaries(st.one_of(st.text(max_size=5), _TEXT), inner, max_size=4),
        st.dictionaries(
            st.one_of(st.integers(), st.none(), st.booleans(), st.floats()), inner, max_size=2
        ),
    ),
    max_leaves=30,
)


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_JSON)
def test_dumps_writes_what_json_dumps_writes(data: Any) -> None:
    assert dumps(data) == json.dumps(data, ensure_ascii=False, indent=2)


def test_dumps_refuses_what_json_refuses() -> None:
    for data in ({"amount": Decimal("1.00")}, [datetime(2026, 10, 1)], {("a",): 1}):
        with pytest.raises(TypeError):
            dumps(data)
    loop: list[Any] = []
    loop.append(loop)
    with pytest.raises(ValueError, match="Circular"):
        dumps(loop)
