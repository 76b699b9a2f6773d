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
    assert counts["parts_stock"] == counts["stock_counts"] == 2000
    assert 2.9 < counts["stock_moves"] / 400 <= 3.01  # 300,000 moves at 100,000 orders
    with CalamineBook(tmp_path / "bench.xlsx") as book:
        loaded = validate(book, load_schema(), Policy(), datetime(2026, 11, 20, 9), "en")
    assert [p.to_dict() for p in loaded.problems] == []
    assert {key: len(data.records) for key, data in loaded.records.sheets.items()} == counts


def test_the_year_book_breaks_about_half_its_deadlines(tmp_path: Path) -> None:
    """--year: valid but for planted warranty warnings (for --annotate), half the deadlines late."""
    from svctools.compute.sla import BREACHED, compute_sla

    bench = runpy.run_path(str(BENCH), run_name="bench")
    counts = bench["generate"](tmp_path / "year.xlsx", 600, year=True)
    assert counts["call_log"] == 600
    policy = Policy()
    with CalamineBook(tmp_path / "year.xlsx") as book:
        loaded = validate(book, load_schema(), policy, datetime(2026, 11, 20, 9), "en")
    assert {p.code for p in loaded.problems} == {"warranty_mismatch"}
    assert {p.severity for p in loaded.problems} == {"warning"}
    judged = compute_sla(loaded.records, policy, datetime(2026, 11, 20, 9)).judged
    due = [d for d in judged if d.outcome != "pending"]
    assert 0.4 < sum(d.outcome == BREACHED for d in due) / len(due) < 0.6
    calls = loaded.records.sheets["call_log"].column("call_time")
    assert min(calls).year == max(calls).year == 2026


def test_help_imports_no_heavy_module() -> None:
    """``svctools --help`` stays under 0.3 s: no command module imports a heavy library at the
    top (issue 18: the demo command's imports had crept in, 0.3 s of pydantic and openpyxl)."""
    import subprocess
    import sys

    bench = runpy.run_path(str(BENCH), run_name="bench")
    found = subprocess.run(
        [sys.executable, "-c", bench["STARTUP_CHECK"]], capture_output=True, text=True, check=True
    )
    assert found.stderr.strip().splitlines()[-1] == "heavy: none"


VALIDATE_CHECK = """
import sys
from svctools.cli import cli
try:
    cli(["validate", sys.argv[1], "--as-of", "2026-11-20T09:00"], prog_name="svctools",
        standalone_mode=False)
except SystemExit:
    pass
from svctools.core import policy
loaded = ("openpyxl", "xlsxwriter", "jinja2", "yagmail", "gspread", "ssl", "http.client",
          "urllib.request", "xml.sax.saxutils", "importlib.metadata", "msoffcrypto",
          "svctools.sources.calamine_other")
built = [model.__name__ for model in (policy.Policy, policy.CalendarPolicy, policy.SmtpPolicy)
         if model.__pydantic_complete__]
print("loaded:", ",".join(m for m in loaded if m in sys.modules) or "none", file=sys.stderr)
print("validators built:", ",".join(built) or "none", file=sys.stderr)
"""


def test_validate_of_a_blank_book_imports_no_writer_mail_or_network_module(
    tmp_path: Path,
) -> None:
    """``validate`` of a blank book stays near 0.3 s: reading needs no workbook writer, no mail
    and no network (xml.sax.saxutils brought urllib, http and ssl in for one unescape), and
    without a config file no pydantic validator is built (with its plugin search through
    importlib.metadata: 0.1 s of every start); an .xlsx that is not an OLE file needs neither
    the decrypter nor the .xls/.ods reader (10 ms)."""
    import subprocess
    import sys

    blank = tmp_path / "blank.xlsx"
    subprocess.run(
        [sys.executable, "-m", "svctools", "init", str(blank)], capture_output=True, check=True
    )
    found = subprocess.run(
        [sys.executable, "-c", VALIDATE_CHECK, str(blank)], capture_output=True, text=True
    )
    assert found.stderr.strip().splitlines()[-2:] == [
        "loaded: none",
        "validators built: none",
    ], found.stderr
