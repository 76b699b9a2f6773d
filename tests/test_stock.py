"""Spare-parts stock (SPEC §7.2): each rule worked out by hand, on records and on real books."""

from __future__ import annotations

import json
import subprocess
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import SHEET, set_cell, valid_rows, validate_book, write_book
from hypothesis import given, settings
from hypothesis import strategies as st

from svctools.cli import cli
from svctools.compute import stock as stock_module
from svctools.compute.stock import compute_stock
from svctools.core.policy import Policy, policy_from_dict
from svctools.core.records import Records

AS_OF = datetime(2026, 10, 20, 9, 0)
OPENED = date(2026, 10, 1)


def part(part_no: str = "P1", qty: int = 10, cost: Any = Decimal("35"), **more: Any) -> dict:
    return {"part_no": part_no, "part_name": "电容", "unit_cost": cost, "opening_qty": qty,
            "opening_date": OPENED, **more}  # fmt: skip


def move(n: int, at: datetime, kind: str, qty: int, part_no: str = "P1", order: Any = None):
    return {"move_id": f"M{n}", "moved_at": at, "part_no": part_no, "kind": kind, "qty": qty,
            "order_id": order}  # fmt: skip


def records(parts: list[dict], moves: Any = (), counts: Any = (), **more: Any) -> Records:
    return Records.from_lists(parts_stock=parts, stock_moves=moves, stock_counts=counts, **more)


def stock(recs: Records, as_of: datetime = AS_OF, policy: Policy | None = None):
    return compute_stock(recs, policy or Policy(), as_of)


# -- book quantity -------------------------------------------------------------------------------


def test_receipts_come_before_issues_at_the_same_moment() -> None:
    # Opening 0. At 10:00 an issue of 2 (row 2) and a receipt of 5 (row 3), both typed with the
    # same time: the receipt is taken first, 0 + 5 − 2 = 3, never below zero.
    at = datetime(2026, 10, 5, 10, 0)
    result = stock(records([part(qty=0)], [move(1, at, "issue", 2), move(2, at, "receipt", 5)]))
    assert [p.qty for p in result.parts] == [3]
    assert result.negative == []


def test_the_first_move_below_zero_is_named() -> None:
    # Opening 1; 10-05 issue 1 -> 0; 10-06 issue 2 -> −2 (row 3, the first below 0); 10-07 issue
    # 1 -> −3 (not listed again).
    moves = [move(1, datetime(2026, 10, 5, 9), "issue", 1), move(2, datetime(2026, 10, 6, 9),
             "issue", 2), move(3, datetime(2026, 10, 7, 9), "issue", 1)]  # fmt: skip
    result = stock(records([part(qty=1)], moves))
    [negative] = result.negative
    assert (negative.row, negative.move_id, negative.before, negative.after) == (3, "M2", 0, -2)
    assert "出入库第 3 行" in negative.why.text("zh") and "from 0 to -2" in negative.why.text("en")
    assert result.parts[0].qty == -3


def test_a_count_replaces_the_quantity_at_the_end_of_its_day() -> None:
    # Opening 10; 10-05 09:00 issue 3 -> 7; 10-05 18:00 issue 1 -> 6 (same day, before the count);
    # count of 10-05: 5 counted, book 6 -> diff −1, value −1 × 35.00 = −35.00 (盘亏); from then on
    # 5; 10-06 00:00 issue 1 (after the end of 10-05) -> 4. Value 4 × 35.00 = 140.00.
    moves = [move(1, datetime(2026, 10, 5, 9), "issue", 3),
             move(2, datetime(2026, 10, 5, 18), "issue", 1),
             move(3, datetime(2026, 10, 6, 0, 0), "issue", 1)]  # fmt: skip
    counts = [{"counted_on": date(2026, 10, 5), "part_no": "P1", "counted_qty": 5}]
    result = stock(records([part()], moves, counts))
    assert (result.parts[0].qty, result.parts[0].value) == (4, Decimal("140.00"))
    [count] = result.counts
    assert (count.book_qty, count.counted_qty, count.diff, count.kind) == (6, 5, -1, "loss")
    assert count.value == Decimal("-35.00") and result.count_diff_value == Decimal("-35.00")
    assert "实盘 5 − 账面 6 = -1" in count.why.text("zh")
    assert "count of 2026-10-05 (row 2) set 5" in result.parts[0].why.text("en")


def test_a_count_equal_to_the_book_is_not_listed_and_a_gain_is() -> None:
    # Opening 10; count 10-03: 10 (equal, not listed); count 10-04: 12 -> +2 × 35.00 = 70.00.
    counts = [{"counted_on": date(2026, 10, 3), "part_no": "P1", "counted_qty": 10},
              {"counted_on": date(2026, 10, 4), "part_no": "P1", "counted_qty": 12}]  # fmt: skip
    result = stock(records([part()], [], counts))
    assert [(c.diff, c.kind, c.value) for c in result.counts] == [(2, "gain", Decimal("70.00"))]
    assert result.parts[0].qty == 12


def test_an_old_part_returned_does_not_change_stock() -> None:
    # Opening 5; 旧件回收 of 2 is the defective part, kept apart: the book stays 5.
    moves = [move(1, datetime(2026, 10, 5, 9), "old_part", 2, order="W1")]
    assert stock(records([part(qty=5)], moves)).parts[0].qty == 5


def test_moves_after_the_as_of_moment_are_not_counted() -> None:
    moves = [move(1, datetime(2026, 10, 21, 9), "issue", 4)]
    assert stock(records([part(qty=5)], moves)).parts[0].qty == 5


def test_value_and_a_part_without_cost() -> None:
    # 3 × 35.50 = 106.50; the part without a unit cost is not valued, with a warning naming it.
    result = stock(records([part("P1", 3, Decimal("35.50")), part("P2", 4, None)]))
    assert [p.value for p in result.parts] == [Decimal("106.50"), None]
    assert result.stock_value == Decimal("106.50")
    assert result.warning_texts("en") == [
        "parts stock row 3: part P2 has no unit cost; its stock is not valued"
    ]
    assert result.to_dict()["totals"] == {"stock_value": "106.50", "count_diff_value": "0.00"}


# -- issued against used and old parts -----------------------------------------------------------


def orders(completed_at: datetime = datetime(2026, 10, 10, 9, 0), cause: str = "quality"):
    """One completed order W1 by T01: bought 2026-06-01, called 10-09 -> in warranty."""
    return {
        "call_log": [{"call_id": "C1", "call_time": datetime(2026, 10, 9, 9),
                      "purchase_date": date(2026, 6, 1), "serial_no": "SN1"}],
        "repair_ledger": [{"order_id": "W1", "call_id": "C1", "technician_id": "T01",
                           "status": "completed", "completed_at": completed_at,
                           "fault_cause": cause}],
        "staff": [{"staff_id": "T01", "name": "李强"}],
    }  # fmt: skip


def used(qty: int, part_no: str = "P1") -> dict:
    return {"parts_used": [{"order_id": "W1", "part_no": part_no, "part_name": "电容", "qty": qty,
                            "unit_cost": Decimal("35")}]}  # fmt: skip


def test_a_return_nets_an_issue() -> None:
    # Issued 3 and returned 1 against W1: net 2 = used 2, no mismatch; opening 10 − 3 + 1 = 8.
    moves = [move(1, datetime(2026, 10, 9, 10), "issue", 3, order="W1"),
             move(2, datetime(2026, 10, 10, 10), "return", 1, order="W1")]  # fmt: skip
    result = stock(records([part()], moves, **orders(), **used(2)))
    assert result.mismatches == [] and result.parts[0].qty == 8


@pytest.mark.parametrize(
    ("issued", "used_qty", "gap"), [(3, 1, "more_issued"), (1, 2, "more_used")]
)
def test_issued_against_used(issued: int, used_qty: int, gap: str) -> None:
    moves = [move(1, datetime(2026, 10, 9, 10), "issue", issued, order="W1")]
    result = stock(records([part()], moves, **orders(), **used(used_qty)))
    [line] = result.mismatches
    assert (line.order_id, line.part_no, line.issued, line.used) == ("W1", "P1", issued, used_qty)
    assert line.technician_id == "T01"
    text = line.why.text("en")
    assert f"used {used_qty} (parts used rows 2)" in text
    n = abs(issued - used_qty)
    assert (f"{n} more issued" in text) == (gap == "more_issued")


@pytest.mark.parametrize(("minutes", "listed"), [(1, False), (0, False), (-1, True)])
def test_old_part_due_moment(minutes: int, listed: bool) -> None:
    # W1 is free (in warranty, cause quality), completed 10-10 09:00; old_part_days 7 -> due
    # 10-17 09:00. With the due moment one minute after the as-of (as-of 08:59) it is not late;
    # at exactly the due moment neither; one minute past it is listed, naming the technician.
    as_of = datetime(2026, 10, 17, 9, 0) - timedelta(minutes=minutes)
    moves = [move(1, datetime(2026, 10, 9, 10), "issue", 2, order="W1")]
    result = stock(records([part()], moves, **orders(), **used(2)), as_of)
    assert bool(result.old_parts_overdue) == listed
    if listed:
        [late] = result.old_parts_overdue
        assert (late.technician_id, late.technician_name, late.used, late.returned) == (
            "T01", "李强", 2, 0
        )  # fmt: skip
        assert late.due == datetime(2026, 10, 17, 9, 0)
        assert "免费" in late.why.text("zh") and "+ 7 天 = 2026-10-17 09:00" in late.why.text("zh")


def test_old_parts_only_for_free_orders_unless_all() -> None:
    # Cause human: not free, so its old part need not come back -- unless old_parts_for = "all".
    moves = [move(1, datetime(2026, 10, 9, 10), "issue", 1, order="W1")]
    recs = records([part()], moves, **orders(cause="human"), **used(1))
    late = datetime(2026, 11, 1, 9, 0)
    assert stock(recs, late).old_parts_overdue == []
    every = policy_from_dict({"stock": {"old_parts_for": "all", "old_part_days": 3}})
    [line] = stock(recs, late, every).old_parts_overdue
    assert line.due == datetime(2026, 10, 13, 9, 0)  # 10-10 09:00 + 3 days


def test_a_part_returned_in_full_is_not_overdue() -> None:
    moves = [move(1, datetime(2026, 10, 9, 10), "issue", 2, order="W1"),
             move(2, datetime(2026, 10, 12, 10), "old_part", 2, order="W1")]  # fmt: skip
    result = stock(records([part()], moves, **orders(), **used(2)), datetime(2026, 11, 1))
    assert result.old_parts_overdue == []


# -- reorder -----------------------------------------------------------------------------------


def test_reorder_with_and_without_a_reorder_quantity() -> None:
    # P1: opening 10, issued 7 in the 90 days to the as-of (3 on 09-25 is before the opening...
    # so all moves after 10-01): 10 − 7 = 3 ≤ level 3; no reorder_qty -> max(1, ⌈7 / 3⌉) = 3.
    # P2: opening 2 ≤ level 5, reorder_qty 20 -> 20. P3: 6 > level 5, not listed.
    moves = [move(1, datetime(2026, 10, 2, 9), "issue", 4),
             move(2, datetime(2026, 10, 3, 9), "issue", 4),
             move(3, datetime(2026, 10, 4, 9), "return", 1)]  # fmt: skip
    parts = [part("P1", 10, reorder_level=3), part("P2", 2, reorder_level=5, reorder_qty=20),
             part("P3", 6, reorder_level=5)]  # fmt: skip
    result = stock(records(parts, moves))
    assert [(p.part_no, p.qty, p.suggested_qty) for p in result.reorder] == [
        ("P1", 3, 3), ("P2", 2, 20)
    ]  # fmt: skip
    assert "⌈" in result.reorder[0].reorder_why.text("zh")  # type: ignore[union-attr]


def test_issues_older_than_90_days_do_not_count_for_the_suggestion() -> None:
    # Issues of 9 on 2026-07-01 (111 days before the as-of: outside) and 2 on 10-10 (inside):
    # ⌈2 / 3⌉ = 1.
    parts = [{**part("P1", 20, reorder_level=15), "opening_date": date(2026, 6, 1)}]
    moves = [move(1, datetime(2026, 7, 1, 9), "issue", 9),
             move(2, datetime(2026, 10, 10, 9), "issue", 2)]  # fmt: skip
    assert stock(records(parts, moves)).reorder[0].suggested_qty == 1


# -- any row order ------------------------------------------------------------------------------

KINDS = ("receipt", "issue", "return", "scrap", "old_part")
_MOVE = st.tuples(st.sampled_from(("P1", "P2")), st.integers(0, 5), st.integers(0, 3),
                  st.sampled_from(KINDS), st.integers(1, 9))  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.lists(_MOVE, max_size=25), st.randoms(use_true_random=False))
def test_any_row_order_gives_the_same_quantities(moves: list, rng: Any) -> None:
    rows = [move(n, datetime(2026, 10, 2 + day, 9 + hour), kind, qty, part_no)
            for n, (part_no, day, hour, kind, qty) in enumerate(moves)]  # fmt: skip
    counts = [{"counted_on": date(2026, 10, 4), "part_no": "P1", "counted_qty": 7}]
    parts = [part("P1", 3), part("P2", 0)]
    first = stock(records(parts, rows, counts))
    shuffled = rows[:]
    rng.shuffle(shuffled)
    again = stock(records(parts, shuffled, counts))
    assert [(p.part_no, p.qty, p.value) for p in again.parts] == [
        (p.part_no, p.qty, p.value) for p in first.parts
    ]
    assert [(c.book_qty, c.diff) for c in again.counts] == [
        (c.book_qty, c.diff) for c in first.counts
    ]
    assert {n.part_no for n in again.negative} == {n.part_no for n in first.negative}


_ORDER_MOVE = st.tuples(st.sampled_from(("P1", "P2", "P9", None)), st.integers(0, 3),
                        st.sampled_from((*KINDS, None)), st.sampled_from((1, 2, None)),
                        st.sampled_from(("W1", "W2", "W3", None)))  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.lists(_ORDER_MOVE, max_size=30))
def test_each_order_s_moves_are_those_the_replay_takes_in_its_order(moves: list) -> None:
    """``_by_order`` picks an order's moves from the columns; the plain way walks every part's
    replayed events (known part, a time, a kind and a quantity; in (moment, phase, row))."""
    rows = [move(n, datetime(2026, 10, 2, 9 + hour), kind, qty, part_no, order)
            for n, (part_no, hour, kind, qty, order) in enumerate(moves)]  # fmt: skip
    recs = records([part("P1", 3), part("P2", 0)], rows)
    completed: dict = {"W1": None, "W2": None}  # W3: not completed
    parts = stock_module._parts(recs)
    stock_module._events(recs, parts)
    plain: dict = {}
    for part_no, found in parts.items():
        for event in found.events:
            if event.order_id in completed:
                entry = plain.setdefault((event.order_id, part_no), ([], []))
                if event.kind in ("issue", "return"):
                    entry[0].append((event.row, event.qty * (1 if event.kind == "issue" else -1)))
                elif event.kind == "old_part":
                    entry[1].append((event.row, event.qty, event.moment))
    fast = stock_module._by_order(recs, parts, completed)
    assert {key: (e.issued, e.old) for key, e in fast.items() if e.issued or e.old} == {
        key: lists for key, lists in plain.items() if lists[0] or lists[1]
    }


# -- the sheets: validation ---------------------------------------------------------------------

MOVES, PARTS_STOCK = SHEET["stock_moves"], SHEET["parts_stock"]


def where(problem: Any) -> tuple:
    return (problem.severity, problem.code, problem.sheet, problem.row, problem.field)


def test_the_valid_book_has_no_stock_problems(tmp_path: Path) -> None:
    assert validate_book(write_book(tmp_path / "b.xlsx", valid_rows())).problems == []


def test_a_book_without_stock_sheets_gets_one_warning(tmp_path: Path) -> None:
    book = valid_rows()
    for key in ("parts_stock", "stock_moves", "stock_counts"):
        del book[SHEET[key]]
    problems = validate_book(write_book(tmp_path / "b.xlsx", book)).problems
    assert [where(p) for p in problems] == [("warning", "missing_sheet", "配件库存", None, None)]
    assert "svctools stock" in problems[0].message("en") and "出入库" in problems[0].message("zh")


def test_a_missing_counts_sheet_alone_is_its_own_warning(tmp_path: Path) -> None:
    book = valid_rows()
    del book[SHEET["stock_counts"]]
    problems = validate_book(write_book(tmp_path / "b.xlsx", book)).problems
    assert [where(p) for p in problems] == [("warning", "missing_sheet", "盘点", None, None)]


def test_stock_cell_rules(tmp_path: Path) -> None:
    book = valid_rows()
    set_cell(book, MOVES, 2, "日期", datetime(2026, 8, 31, 10))  # before P-100's opening 09-01
    set_cell(book, MOVES, 3, "工单号", None)  # 领用 needs an order
    set_cell(book, MOVES, 4, "类型", "借用")  # not a kind
    set_cell(book, SHEET["parts_used"], 3, "配件编号", "P-999")  # not in 配件库存
    set_cell(book, PARTS_STOCK, 2, "期初数量", -1)
    problems = validate_book(write_book(tmp_path / "b.xlsx", book)).problems
    assert {where(p) for p in problems} == {
        ("error", "time_order", MOVES, 2, "moved_at"),
        ("error", "missing_required", MOVES, 3, "order_id"),
        ("error", "not_in_enum", MOVES, 4, "kind"),
        ("error", "unknown_ref", SHEET["parts_used"], 3, "part_no"),
        ("error", "bad_value", PARTS_STOCK, 2, "opening_qty"),
    }
    required = next(p for p in problems if p.code == "missing_required")
    assert required.message("zh") == "「工单号」必须填写（类型 = 领用、旧件回收时必填）"


def test_parts_used_part_numbers_are_free_without_a_stock_sheet(tmp_path: Path) -> None:
    book = valid_rows()
    for key in ("parts_stock", "stock_moves", "stock_counts"):
        del book[SHEET[key]]
    set_cell(book, SHEET["parts_used"], 3, "配件编号", "P-999")
    problems = validate_book(write_book(tmp_path / "b.xlsx", book)).problems
    assert [p.code for p in problems] == ["missing_sheet"]


# -- the command ----------------------------------------------------------------------------------


def run(*args: object) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout, result.stderr


def test_stock_json_on_the_valid_book(tmp_path: Path) -> None:
    # P-100 压缩机: opening 5 (09-01); 10-05 领用 1 (W001) -> 4; 10-09 旧件回收 (no change);
    # count 10-31: 4 = book, not listed. 4 ≤ level 2? no. Value 4 × 350 = 1,400.00.
    # P-200 密封圈: 20 − 2 (W002, in progress: no issued-vs-used check) = 18 × 12.50 = 225.00.
    # P-300 风扇: 3 × 20 = 60.00. Total 1,685.00. W001 (in warranty, quality: free) used 1
    # P-100, 1 came back: not overdue.
    path = write_book(tmp_path / "b.xlsx", valid_rows())
    code, out, _ = run("stock", path, "--as-of", "2026-11-20T09:00", "--format", "json")
    data = json.loads(out)
    assert code == 0
    assert [(p["part_no"], p["qty"], p["value"], p["reorder"]) for p in data["parts"]] == [
        ("P-100", 4, "1400.00", False), ("P-200", 18, "225.00", False), ("P-300", 3, "60.00", False)
    ]  # fmt: skip
    assert data["totals"] == {"stock_value": "1685.00", "count_diff_value": "0.00"}
    assert data["negative"] == data["counts"] == data["mismatches"] == []
    assert data["old_parts_overdue"] == []
    assert data["as_of"] == "2026-11-20T09:00:00"


def test_stock_needs_a_parts_stock_sheet(tmp_path: Path) -> None:
    book = valid_rows()
    del book[SHEET["parts_stock"]]
    code, _, err = run("stock", write_book(tmp_path / "b.xlsx", book), "--as-of", "2026-11-20")
    assert code == 1 and "配件库存" in err and "Traceback" not in err


def test_stock_out_writes_five_printable_sheets(tmp_path: Path) -> None:
    book = valid_rows()
    set_cell(book, SHEET["stock_counts"], 2, "实盘数量", 3)  # P-100: counted 3, book 4: 盘亏 1
    path = write_book(tmp_path / "b.xlsx", book)
    out = tmp_path / "stock.xlsx"
    code, text, _ = run("stock", path, "--as-of", "2026-11-20T09:00", "--out", out, "--lang", "en")
    assert code == 0 and "Count differences" in text
    workbook = openpyxl.load_workbook(out)
    assert workbook.sheetnames == [
        "Stock", "Count differences", "Issued vs used", "Old parts not returned", "Reorder list"
    ]  # fmt: skip
    for sheet in workbook.worksheets:
        assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.fitToWidth == 1
        assert sheet.print_title_rows == "$1:$3"
    counts = workbook["Count differences"]
    # −1 × 350.00 = −350.00
    assert [c.value for c in counts[4]][:7] == [
        datetime(2026, 10, 31), "P-100", "压缩机", 4, 3, -1, -350
    ]  # fmt: skip


def test_stock_out_renders_on_paper(tmp_path: Path) -> None:
    """LibreOffice prints each sheet: five pages, none wider than the paper."""
    path = write_book(tmp_path / "b.xlsx", valid_rows())
    out = tmp_path / "stock.xlsx"
    assert run("stock", path, "--as-of", "2026-11-20T09:00", "--out", out)[0] == 0
    done = subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(out)],
        capture_output=True, env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}, timeout=120,
    )  # fmt: skip
    if done.returncode != 0:
        pytest.skip("LibreOffice could not run here")
    info = subprocess.run(["pdfinfo", str(tmp_path / "stock.pdf")], capture_output=True, text=True)
    fields = dict(line.split(":", 1) for line in info.stdout.splitlines() if ":" in line)
    assert int(fields["Pages"]) == 5  # one page per sheet: each fits its page
    assert fields["Page size"].split()[:3] == ["841.89", "x", "595.304"]  # A4 landscape


def test_the_demo_book_s_planted_stock_problems_are_found_and_nothing_else(tmp_path: Path) -> None:
    """demo/stock.py plants one negative stock (a part with nothing on the shelf issued), one
    count one short of the book and one free order whose old part never came back."""
    from svctools.demo.sample import DEMO_AS_OF, build_demo_book

    workbook, _ = build_demo_book(7, DEMO_AS_OF)
    path = tmp_path / "demo.xlsx"
    workbook.save(path)
    code, out, _ = run("stock", path, "--as-of", "2026-11-20T09:00", "--skip-invalid",
                       "--format", "json")  # fmt: skip
    data = json.loads(out)
    assert code == 0
    [negative] = data["negative"]
    assert (negative["book_qty_before"], negative["book_qty"], negative["kind"]) == (0, -1, "issue")
    [count] = data["counts"]
    assert (count["diff"], count["kind"], count["counted_on"]) == (-1, "loss", "2026-10-31")
    [old] = data["old_parts_overdue"]
    assert (old["used"], old["returned"]) == (1, 0) and "免费" in old["why"]
    assert data["mismatches"] == []


def test_the_monthly_report_gains_the_stock_figures(tmp_path: Path) -> None:
    # October in the valid book: issued P-100 1 × 350.00 (10-05, W001) and P-200 2 × 12.50
    # (10-12, W002) = 350.00 + 25.00 = 375.00. P-100's book is 5 − 1 = 4; counted 3 on 10-31:
    # 3 − 4 = −1 × 350.00 = −350.00, and from the end of 10-31 the quantity is 3. At the month's
    # end (11-01 00:00): P-100 3 × 350.00 = 1,050.00; P-200 20 − 2 = 18 × 12.50 = 225.00;
    # P-300 3 × 20.00 = 60.00; total 1,335.00.
    book = valid_rows()
    set_cell(book, SHEET["stock_counts"], 2, "实盘数量", 3)  # now one short: −1 × 350.00
    path = write_book(tmp_path / "b.xlsx", book)
    out = tmp_path / "report.xlsx"
    code, text, _ = run("report", path, "--month", "2026-10", "--as-of", "2026-11-20T09:00",
                        "--out", out, "--format", "json")  # fmt: skip
    stock_figures = json.loads(text)["stock"]
    assert code == 0
    assert stock_figures["issued_cost"] == "375.00"
    assert stock_figures["valued_at"] == "2026-11-01T00:00:00"
    assert stock_figures["stock_value"] == "1335.00"
    assert stock_figures["count_diff_value"] == "-350.00"
    parts = openpyxl.load_workbook(out)["配件"]
    labels = [row[0].value for row in parts.iter_rows()]
    assert "本月领用（扣除退库）" in labels and "本月盘点差异" in labels
