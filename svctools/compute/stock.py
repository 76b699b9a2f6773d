"""Spare-parts stock (SPEC §7.2, 配件库存): what is on the shelf, what went missing, what to order.

Pure: records and policy in, a ``StockResult`` out. Each part's moves are replayed in time order
from its opening quantity (on equal times receipts and returns before issues and scraps, then by
row), a count replacing the quantity at the end of its day. Every line carries the rows and the
numbers it came from (``Why``), in zh and en.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import compress, repeat
from math import ceil
from operator import itemgetter
from typing import Any, NamedTuple, cast

from svctools.compute.computing import collection_paused, sheet_columns
from svctools.compute.settlement import order_free, repeat_repairs
from svctools.compute.stock_records import (
    CountDiff,
    IssuedLine,
    Mismatch,
    NegativeStock,
    OldPartOverdue,
    PartStock,
    StockMonth,
    StockResult,
    Why,
    kind_name,
    rows_text,
)
from svctools.core.clock import iso
from svctools.core.messages import say, template
from svctools.core.money import money_str, round_money
from svctools.core.policy import Policy
from svctools.core.records import Record, Records

ADDS = frozenset({"receipt", "return"})
TAKES = frozenset({"issue", "scrap"})
# On equal moved_at: receipts and returns first, then issues and scraps; an old part (旧件回收)
# changes nothing. A count sorts before the moves of the midnight that ends its day.
_PHASE = {"receipt": 0, "return": 0, "issue": 1, "scrap": 1, "old_part": 2}
_COUNT_PHASE = -1
REORDER_WINDOW_DAYS = 90
_NET = ("issue", "return")  # what "issued" nets: 领用 − 退库
_ROW = itemgetter(-2)  # Record.row
_QTY = itemgetter(1)  # of a (row, qty) pair
_SIGN = {kind: 1 if kind in ADDS else -1 if kind in TAKES else 0 for kind in _PHASE}

# -- the replay --------------------------------------------------------------------------------


class _Move(NamedTuple):
    """A move as the replay takes it. A tuple (made in C, compared in C): (moment, phase, row)
    orders the events, and is never equal for two events (rows differ; a count's phase is
    its own), so the fields after it are never compared."""

    moment: datetime
    phase: int
    row: int
    kind: str
    qty: int
    move_id: str | None
    order_id: str | None


class _Count(NamedTuple):
    moment: datetime  # the end of counted_on
    phase: int
    row: int
    counted_on: date
    qty: int
    counted_by: str | None


@dataclass
class _Part:
    record: Record
    part_no: str
    opening_qty: int
    opening_date: date
    unit_cost: Decimal | None
    events: list[_Move | _Count] = field(default_factory=list)
    counts: list[_Count] = field(default_factory=list)  # also among the events


def _parts(records: Records) -> dict[str, _Part]:
    parts: dict[str, _Part] = {}
    columns = sheet_columns(records, "parts_stock", "part_no", "opening_qty", "opening_date")
    for record, part_no, qty, opened in zip(records["parts_stock"], *columns, strict=True):
        if part_no is None or qty is None or opened is None or part_no in parts:
            continue  # a blank or repeated part number: validate reports it
        parts[part_no] = _Part(record, part_no, qty, opened, record.get("unit_cost"))
    return parts


def _events(records: Records, parts: dict[str, _Part]) -> None:
    """Each part's moves and counts, sorted as the replay takes them (whole columns at a
    time; a move is a tuple made in C)."""
    moves = records.sheets.get("stock_moves")
    if moves is not None:
        keys = ("moved_at", "kind", "qty", "move_id", "order_id")
        moved_at, kinds, qtys, move_ids, order_ids = sheet_columns(records, "stock_moves", *keys)
        (part_nos,) = sheet_columns(records, "stock_moves", "part_no")
        rows = map(_ROW, moves.records)
        phases = list(map(_PHASE.get, kinds))
        fields = zip(moved_at, phases, rows, kinds, qtys, move_ids, order_ids, strict=True)
        made: Iterable[tuple[Any, _Move]] = zip(
            part_nos, map(tuple.__new__, repeat(_Move), fields), strict=True
        )
        if None in moved_at or None in phases or None in qtys:  # a blank: not replayed
            made = ((p, m) for p, m in made if None not in (m[0], m[1], m[4]))
        events = {part_no: part.events for part_no, part in parts.items()}.get
        for part_no, move in made:
            found = events(part_no)
            if found is not None:
                found.append(move)
    counted = ("counted_on", "part_no", "counted_qty", "counted_by")
    for record, counted_on, part_no, qty, by in zip(
        records["stock_counts"], *sheet_columns(records, "stock_counts", *counted), strict=True
    ):
        part = parts.get(part_no)
        if part is None or counted_on is None or qty is None:
            continue
        end = datetime.combine(counted_on + timedelta(days=1), time())
        count = _Count(end, _COUNT_PHASE, record.row, counted_on, qty, by)
        part.events.append(count)
        part.counts.append(count)
    for part in parts.values():
        part.events.sort()  # by (moment, phase, row): see _Move
        part.counts.sort()


@dataclass
class _Replay:
    """One part replayed up to a moment: the quantity and how it came about."""

    qty: int
    since: Why  # the opening or the last count applied
    changes: dict[str, int]  # kind -> quantity moved since then
    negative: NegativeStock | None
    counts: list[CountDiff]


def _replay(part: _Part, until: datetime, count_day: date) -> _Replay:
    """The part's events up to ``until``; counts dated up to ``count_day`` but taking effect
    after ``until`` (counted today) are compared with the book but not applied."""
    qty = part.opening_qty
    since = Why.of("opening", qty=qty, date=iso(part.opening_date))
    changes: dict[str, int] = {}
    negative: NegativeStock | None = None
    counts: list[CountDiff] = []
    name = part.record.get("part_name")
    sign = _SIGN
    event: Any  # a _Move or a _Count, told apart by the phase (read by index: the hot loop)
    for event in part.events:
        if event[1] == _COUNT_PHASE:
            if event.counted_on > count_day:
                break
            counts.append(_count_diff(part, name, event, qty))
            if event.moment > until:
                continue
            qty = event.qty
            since = Why.of("counted", date=iso(event.counted_on), row=event.row, qty=qty)
            changes = {}
        elif event[0] <= until:
            kind, moved = event[3], event[4]
            before = qty
            qty += sign[kind] * moved
            changes[kind] = changes.get(kind, 0) + moved
            if qty < 0 <= before and negative is None:
                negative = _negative(part, event, before, qty)
    return _Replay(qty, since, changes, negative, counts)


def _negative(part: _Part, move: _Move, before: int, after: int) -> NegativeStock:
    why = Why.of(
        "negative",
        row=move.row,
        kind=lambda lang, k=move.kind: kind_name(k, lang),
        qty=move.qty,
        moved_at=move.moment.strftime("%Y-%m-%d %H:%M"),
        before=before,
        after=after,
    )
    return NegativeStock(
        part.part_no, move.move_id, move.row, move.moment, move.kind, move.qty, before, after, why
    )


def _count_diff(part: _Part, name: str | None, count: _Count, book: int) -> CountDiff:
    diff = count.qty - book
    value = None if part.unit_cost is None else round_money(diff * part.unit_cost)
    why = Why.of("count_diff", row=count.row, counted=count.qty, book=book, diff=f"{diff:+d}") + (
        Why.of("not_valued")
        if value is None
        else Why.of("valued", cost=money_str(part.unit_cost), value=money_str(value))
    )
    return CountDiff(
        part.part_no, name, count.row, count.counted_on, count.counted_by, book, count.qty,
        value, why,
    )  # fmt: skip


def _composition(replay: _Replay) -> Why:
    """How the quantity came about: the opening or last count, then the moves by kind."""
    moved = [(k, n) for k, n in replay.changes.items() if k != "old_part"]
    if not moved:
        return replay.since + Why.of("no_moves") + Why.of("equals", qty=replay.qty)

    def moves(lang: str, moved: list[tuple[str, int]] = moved) -> str:
        sign = {k: "+" if k in ADDS else "−" for k, _ in moved}
        return " ".join(f"{kind_name(k, lang)} {sign[k]}{n}" for k, n in moved)

    return replay.since + Why.of("moves", moves=moves) + Why.of("equals", qty=replay.qty)


# -- the rules -----------------------------------------------------------------------------------


def _issued_90(part: _Part, as_of: datetime) -> int:
    start = as_of - timedelta(days=REORDER_WINDOW_DAYS)
    issued = 0
    for event in part.events:
        if event.phase != _COUNT_PHASE and start < event.moment <= as_of:
            move = cast(_Move, event)
            if move.kind == "issue":
                issued += move.qty
            elif move.kind == "return":
                issued -= move.qty
    return issued


def _part_stock(part: _Part, replay: _Replay, as_of: datetime) -> PartStock:
    record = part.record
    cost = part.unit_cost
    value = None if cost is None else round_money(replay.qty * cost)
    why = _composition(replay) + (
        Why.of("not_valued")
        if value is None
        else Why.of("valued", cost=money_str(cost), value=money_str(value))
    )
    level, given = record.get("reorder_level"), record.get("reorder_qty")
    stock = PartStock(
        part.part_no, record.get("part_name"), record.row, cost, replay.qty, value, False, None,
        why, reorder_level=level,
    )  # fmt: skip
    if level is None or replay.qty > level:
        return stock
    stock.reorder = True
    if given is not None:
        stock.suggested_qty = given
        stock.reorder_why = Why.of("reorder_given", qty=replay.qty, level=level, suggested=given)
    else:
        issued = _issued_90(part, as_of)
        stock.suggested_qty = max(1, ceil(issued / 3))
        stock.reorder_why = Why.of(
            "reorder_usage",
            qty=replay.qty,
            level=level,
            as_of=as_of.strftime("%Y-%m-%d %H:%M"),
            issued=issued,
            suggested=stock.suggested_qty,
        )
    return stock


@dataclass
class _OrderParts:
    """One completed order's stock traffic of one part, and what it used."""

    issued: list[tuple[int, int]] = field(default_factory=list)  # (row, +qty / −qty)
    used: list[tuple[int, int]] = field(default_factory=list)  # parts_used (row, qty)
    old: list[tuple[int, int, datetime]] = field(default_factory=list)  # (row, qty, moved_at)


def _by_order(records: Records, parts: dict[str, _Part], completed: dict[str, Record]) -> dict:
    """(order_id, part_no) -> its issues, returns, old parts and uses, completed orders only.

    The moves are those the replay takes (a known part, a time, a kind and a quantity), in
    its order (moment, phase, row); only the few naming a completed order are looked at
    (picked in C: 44,000 of the bench book's 300,000)."""
    found: dict[tuple[str, str], _OrderParts] = defaultdict(_OrderParts)
    moves = records.sheets.get("stock_moves")
    if moves is not None:
        keys = ("order_id", "part_no", "moved_at", "kind", "qty")
        order_ids, part_nos, moved_at, kinds, qtys = sheet_columns(records, "stock_moves", *keys)
        rows = map(_ROW, moves.records)
        named = map(completed.__contains__, order_ids)
        fields = zip(moved_at, kinds, rows, qtys, order_ids, part_nos, strict=True)
        picked = compress(fields, named)
        taken = sorted(
            (moment, _PHASE[kind], row, kind, qty, order_id, part_no)
            for moment, kind, row, qty, order_id, part_no in picked
            if moment is not None and kind in _PHASE and qty is not None and part_no in parts
        )
        for moment, _, row, kind, qty, order_id, part_no in taken:
            if kind == "issue":
                found[(order_id, part_no)].issued.append((row, qty))
            elif kind == "return":
                found[(order_id, part_no)].issued.append((row, -qty))
            elif kind == "old_part":
                found[(order_id, part_no)].old.append((row, qty, moment))
    columns = sheet_columns(records, "parts_used", "order_id", "part_no", "qty")
    for record, order_id, part_no, qty in zip(records["parts_used"], *columns, strict=True):
        if order_id in completed and part_no is not None and qty is not None:
            found[(order_id, part_no)].used.append((record.row, qty))
    return found


def _mismatch(
    order: Record, order_id: str, part_no: str, entry: _OrderParts, issued: int, used: int
) -> Mismatch:

    def detail(lang: str) -> str:
        if not entry.issued:
            return template("stock.why.no_issue", lang)
        signs = (f"{'+' if q > 0 else '−'}{abs(q)}" for _, q in entry.issued)
        where = say("stock.why.move_rows", lang, rows=rows_text(r for r, _ in entry.issued))
        return " ".join(signs) + ", " + where

    why = Why.of("issued", issued=issued, detail=detail)
    why += (
        Why.of("used", used=used, rows=rows_text(r for r, _ in entry.used))
        if entry.used
        else Why.of("none_used")
    )
    gap = issued - used
    why += Why.of("more_issued", n=gap) if gap > 0 else Why.of("more_used", n=-gap)
    return Mismatch(order_id, part_no, order.get("technician_id"), issued, used, why)


@dataclass(frozen=True)
class _Late:
    """Old parts of one order and part not all back by their due moment: the figures."""

    used: int
    due: datetime
    back: list[tuple[int, int]]  # (row, qty) returned by the as-of moment
    returned: int


def _late(entry: _OrderParts, used: int, due: datetime, as_of: datetime) -> _Late | None:
    """The old parts still out after their due moment (cheap: asked of every order and part
    whose due moment has passed, before the costlier question whether the order's old parts
    must come back at all)."""
    back = [(row, qty) for row, qty, moment in entry.old if moment <= as_of]
    returned = sum(map(_QTY, back))
    return None if returned >= used else _Late(used, due, back, returned)


def _old_part(
    order: Record,
    order_id: str,
    part_no: str,
    entry: _OrderParts,
    late: _Late,
    reason: Why,
    days: int,
    names: dict[Any, str | None],
) -> OldPartOverdue:
    completed: datetime = order.get("completed_at")
    rows = rows_text(r for r, _ in late.back)
    why = Why.of(
        "old_due",
        order=order_id,
        completed=completed.strftime("%Y-%m-%d %H:%M"),
        why=reason.text,
        days=days,
        due=late.due.strftime("%Y-%m-%d %H:%M"),
        used=late.used,
        rows=rows_text(r for r, _ in entry.used),
        returned=late.returned,
        returned_rows=(lambda lang: say("stock.why.in_rows", lang, rows=rows)) if late.back else "",
    )
    technician = order.get("technician_id")
    return OldPartOverdue(
        order_id, part_no, technician, names.get(technician), late.due, late.used,
        late.returned, why,
    )  # fmt: skip


def _returnedrows_text(rows: str) -> Any:
    return lambda lang: say("stock.why.in_move_rows", lang, rows=rows)


def _orders(
    records: Records, parts: dict[str, _Part], policy: Policy, as_of: datetime
) -> tuple[list[Mismatch], list[OldPartOverdue]]:
    completed: dict[str, Record] = {}
    completed_at: dict[str, datetime] = {}
    columns = sheet_columns(records, "repair_ledger", "order_id", "status", "completed_at")
    for order, order_id, status, done in zip(records["repair_ledger"], *columns, strict=True):
        if status == "completed" and done is not None and order_id is not None:
            if order_id not in completed:
                completed[order_id], completed_at[order_id] = order, done
    found = _by_order(records, parts, completed)
    mismatches: list[Mismatch] = []
    overdue: list[OldPartOverdue] = []
    days = policy.stock.old_part_days
    after = timedelta(days=days)
    lates: list[tuple[str, str, _OrderParts, _Late]] = []
    for (order_id, part_no), entry in found.items():
        issued, used = sum(map(_QTY, entry.issued)), sum(map(_QTY, entry.used))
        if issued != used:
            order = completed[order_id]
            mismatches.append(_mismatch(order, order_id, part_no, entry, issued, used))
        if used > 0 and as_of > (due := completed_at[order_id] + after):
            late = _late(entry, used, due, as_of)
            if late is not None:
                lates.append((order_id, part_no, entry, late))
    # Whether old parts must come back (free orders) is asked only of the late ones.
    free = _free_orders(records, policy, completed, {order_id for order_id, *_ in lates})
    names = {s.get("staff_id"): s.get("name") for s in records["staff"]} if free else {}
    for order_id, part_no, entry, late in lates:
        reason = free.get(order_id)
        if reason is not None:
            order = completed[order_id]
            overdue.append(_old_part(order, order_id, part_no, entry, late, reason, days, names))
    mismatches.sort(
        key=lambda m: (completed[m.order_id].get("completed_at"), m.order_id, m.part_no)
    )
    overdue.sort(key=lambda o: (o.due, o.order_id, o.part_no))
    return mismatches, overdue


def _free_orders(
    records: Records, policy: Policy, completed: dict[str, Record], wanted: set[str]
) -> dict[str, Why]:
    """The orders whose old parts must come back, and why: free ones (SPEC §4.3), or all."""
    if policy.stock.old_parts_for == "all":
        return {order_id: Why.of("all_orders") for order_id in wanted}
    if not wanted:
        return {}
    calls = records.index("call_log", "call_id")
    repeats = repeat_repairs(records, policy)
    found: dict[str, Why] = {}
    for order_id in wanted:
        order = completed[order_id]
        free, reason = order_free(order, calls.get(order.get("call_id")), policy,
                                  repeats.get(order_id))  # fmt: skip
        if free:
            found[order_id] = Why.of("free_reason", reason=reason.text)
    return found


def compute_stock(records: Records, policy: Policy, as_of: datetime) -> StockResult:
    """SPEC §7.2 at ``as_of``: stock per part, negatives, count differences, issued vs used,
    overdue old parts and the reorder list (moves after ``as_of`` are not counted)."""
    with collection_paused():
        parts = _parts(records)
        _events(records, parts)
        stocks, negative, counts = [], [], []
        warnings: list[Why] = []
        for part in parts.values():
            replay = _replay(part, as_of, as_of.date())
            stocks.append(_part_stock(part, replay, as_of))
            if replay.negative is not None:
                negative.append(replay.negative)
            counts += [c for c in replay.counts if c.diff != 0]
            if part.unit_cost is None:
                warnings.append(Why.of("warn_no_cost", row=part.record.row, part=part.part_no))
            for count in part.counts:
                if count.counted_on > as_of.date():
                    warnings.append(
                        Why.of(
                            "warn_future_count",
                            row=count.row,
                            date=iso(count.counted_on),
                            as_of=as_of.strftime("%Y-%m-%d %H:%M"),
                        )
                    )
        mismatches, overdue = _orders(records, parts, policy, as_of)
    stocks.sort(key=lambda p: p.row)
    negative.sort(key=lambda n: (n.moved_at, n.row))
    counts.sort(key=lambda c: (c.counted_on, c.row))
    return StockResult(as_of, stocks, negative, counts, mismatches, overdue, warnings)


def stock_month(
    records: Records, policy: Policy, first_day: date, next_first_day: date, as_of: datetime
) -> StockMonth:
    """The month [first_day, next_first_day) for the monthly report: net issues per part and
    their cost, the stock valued at the month's end (or at ``as_of`` if sooner), and the
    count differences dated in the month."""
    end = min(datetime.combine(next_first_day, time()), as_of)
    start = datetime.combine(first_day, time())
    with collection_paused():
        parts = _parts(records)
        _events(records, parts)
        stocks, counts, issued = [], [], []
        for part in parts.values():
            replay = _replay(part, end, min(end.date(), next_first_day - timedelta(days=1)))
            stocks.append(_part_stock(part, replay, end))
            counts += [c for c in replay.counts if c.diff != 0 and c.counted_on >= first_day]
            qty = sum(
                (e.qty if e.kind == "issue" else -e.qty)
                for e in part.events
                if isinstance(e, _Move)
                and e.kind in ("issue", "return")
                and start <= e.moment < end
            )
            if qty:
                cost = None if part.unit_cost is None else round_money(qty * part.unit_cost)
                issued.append(IssuedLine(part.part_no, part.record.get("part_name"), qty, cost))
    stocks.sort(key=lambda p: p.row)
    counts.sort(key=lambda c: (c.counted_on, c.row))
    issued.sort(key=lambda line: (-(line.cost or 0), -line.qty, line.part_no))
    return StockMonth(first_day.strftime("%Y-%m"), end, issued, stocks, counts)
