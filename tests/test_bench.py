"""``scripts/bench`` makes valid books: a small one, read back, has no problem at all."""

from __future__ import annotations

import runpy
from datetime import datetime
from pathlib import Path

from svctools.compute.checks import validate
from svctools.core.policy import Policy
from svctools.core.schema import load_schema
from svctools.sources.calamine import CalamineBook

BENCH = Path(__file__).resolve().parent.parent / "scripts" / "bench"


def test_the_bench_book_is_valid_and_in_proportion(tmp_path: Path) -> None:
    bench = runpy.run_path(str(BENCH), run_name="bench")
    counts = bench["generate"](tmp_path / "bench.xlsx", 400)
    # Calls of the last 14 days wait for dispatch with chance 0.57, half with no order yet:
    # 400 calls over 363 days put ≈ 15 in those days, ≈ 4 of them with no order.
    assert counts["call_log"] == 400 and 385 <= counts["repair_ledger"] < 400
    assert (counts["staff"], counts["stores"], counts["contracts"]) == (50, 5, 200)
    assert 0.4 < counts["parts_used"] / 400 < 0.8 and 0.65 < counts["callbacks"] / 400 < 0.95
    with CalamineBook(tmp_path / "bench.xlsx") as book:
        loaded = validate(book, load_schema(), Policy(), datetime(2026, 11, 20, 9), "en")
    assert [p.to_dict() for p in loaded.problems] == []
    assert {key: len(data.records) for key, data in loaded.records.sheets.items()} == counts
