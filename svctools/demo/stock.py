"""The demo firm's spare-parts sheets (配件库存, 出入库, 盘点), with three stock problems planted.

Every part a completed order used was issued from stock an hour before completion and its old
part came back the next day; the shelf was counted at the end of October. Planted, for
``svctools stock`` to find: a part issued with nothing on the shelf (negative stock), a count one
short of the book (盘亏), and a free repair whose old part never came back (旧件未回收).
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any

from svctools.core.clock import add_months

OPENING = date(2026, 7, 31)  # the day before the demo book starts (demo.sample.START)
COUNTED_ON = date(2026, 10, 31)
RECEIVED_AT = datetime(2026, 8, 1, 9, 0)


def _free_by_date(order: dict[str, Any]) -> bool:
    """In warranty (stated, or by purchase date) and cause quality: free (SPEC §4.3)."""
    call = order["_call"]
    bought = call["purchase_date"]
    covered = order["warranty"] == "保内" or (
        order["warranty"] is None
        and isinstance(bought, date)
        and call["call_time"].date() <= add_months(bought, 12)
    )
    return covered and order["fault_cause"] == "质量问题"


def stock_sheets(
    seed: int, sheets: dict[str, Any], parts: list[tuple[str, str, str]], as_of: datetime
) -> dict[str, list[dict[str, Any]]]:
    """Rows of the three stock sheets for the demo's other ``sheets`` (after their planted
    mistakes: the orders and parts rows carrying one are left alone, so that with
    ``--skip-invalid`` the stock still adds up)."""
    rng = random.Random(seed)
    orders, used = sheets["repair_ledger"].rows, sheets["parts_used"].rows
    calls = sheets["call_log"].rows
    bad_calls = {calls[index]["call_id"] for index, _, _ in sheets["call_log"].planted}
    warnings = ("inactive_staff", "warranty_mismatch")  # the row stays with --skip-invalid
    bad = {
        orders[i]["order_id"] for i, _, c in sheets["repair_ledger"].planted if c not in warnings
    }
    bad |= {o["order_id"] for o in orders if o["call_id"] in bad_calls}
    bad |= {used[index]["order_id"] for index, _, _ in sheets["parts_used"].planted}
    by_id = {o["order_id"]: o for o in orders if o["_status"] == "completed" and o["_done"]}
    clean = [u for u in used if u["order_id"] in by_id and u["order_id"] not in bad
             and u.get("unit_cost") is not None]  # fmt: skip
    first: dict[str, dict[str, Any]] = {}  # each part's earliest issue
    for line in sorted(clean, key=lambda u: by_id[u["order_id"]]["_done"]):
        first.setdefault(line["part_no"], line)
    # planted: none on the shelf when it was issued (one unit, so the book goes 0 -> -1)
    short = next(part for part, line in first.items() if line["qty"] == 1)
    unreturned = next(u for u in clean if _free_by_date(by_id[u["order_id"]]))
    moves: list[dict[str, Any]] = []
    for part_no, _, _ in parts:
        if part_no != short:
            moves.append(_move(len(moves), RECEIVED_AT, part_no, "入库", rng.choice([40, 60])))
    for line in clean:
        done: datetime = by_id[line["order_id"]]["_done"]
        issue = _move(len(moves), done - timedelta(hours=1), line["part_no"], "领用", line["qty"])
        moves.append(dict(issue, order_id=line["order_id"]))
        back = done + timedelta(days=1)
        if line is not unreturned and back <= as_of:
            old = _move(len(moves), back, line["part_no"], "旧件回收", line["qty"])
            moves.append(dict(old, order_id=line["order_id"]))
    stock = [
        {
            "part_no": part_no,
            "part_name": name,
            "unit_cost": cost,
            "opening_qty": 0 if part_no == short else rng.choice([3, 5, 8]),
            "opening_date": OPENING,
            "reorder_level": 5,
            "reorder_qty": 20 if number % 2 else None,
        }
        for number, (part_no, name, cost) in enumerate(parts)
    ]
    return {
        "parts_stock": stock,
        "stock_moves": moves,
        "stock_counts": _counts(stock, moves, short),
    }


def _move(number: int, when: datetime, part_no: str, kind: str, qty: int) -> dict[str, Any]:
    return {
        "move_id": f"CK{number + 1:05d}",
        "moved_at": when,
        "part_no": part_no,
        "kind": kind,
        "qty": qty,
        "order_id": None,
        "staff_id": None,
    }


def _counts(
    stock: list[dict[str, Any]], moves: list[dict[str, Any]], short: str
) -> list[dict[str, Any]]:
    """The end-of-October count: equal to the book, except one part one short (盘亏)."""
    end = datetime.combine(COUNTED_ON + timedelta(days=1), datetime.min.time())
    sign = {"入库": 1, "退库": 1, "领用": -1, "报废": -1, "旧件回收": 0}
    book = Counter({p["part_no"]: p["opening_qty"] for p in stock})
    for move in moves:
        if move["moved_at"] < end:
            book[move["part_no"]] += sign[move["kind"]] * move["qty"]
    counted = [p["part_no"] for p in stock if p["part_no"] != short]
    lost = next(p for p in reversed(counted) if book[p] > 0)  # planted: one missing
    return [
        {
            "counted_on": COUNTED_ON,
            "part_no": part_no,
            "counted_qty": book[part_no] - (1 if part_no == lost else 0),
            "counted_by": "M01",
        }
        for part_no in counted
    ]
