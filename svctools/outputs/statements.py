"""Renderers for penalties and settlements: text tables for people and xlsx files to sign and file.

They read the result records of ``penalties`` and ``settlement`` and compute nothing themselves.
The workbooks are written by ``statements_xlsx``, loaded only when a file is asked for (openpyxl
takes a tenth of a second to import, and most runs print only): every text that came from the
book goes through ``set_text`` so a name such as ``=HYPERLINK(...)`` stays text; files are
written atomically through ``save_workbook``.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from svctools.compute.penalties import PenaltyStatement, sheet_title
from svctools.compute.settlement import ORDER_MONEY, TOTAL_MONEY, Settlement, Totals
from svctools.core.messages import CATALOGUE, say, word
from svctools.core.money import money_str
from svctools.outputs.render import minute_text, table


def label(key: str, lang: str) -> str:
    """A fixed label in ``lang`` (zh or en); rule keys give their rule name (``core.messages``)."""
    if f"rule.{key}" in CATALOGUE:
        return word("rule", key, lang)
    zh, en = CATALOGUE[f"stmt.{key}"]
    return zh if lang == "zh" else en


def source_text(sheet: str, row: int, lang: str) -> str:
    """Where a penalty line came from: ``维修台帐 第 27 行``, ``Repair Ledger row 27``."""
    return say("penalty.source", lang, sheet=sheet_title(sheet, lang), row=row)


def _yes(value: bool, lang: str) -> str:
    return label("yes" if value else "no", lang)


def _table(
    headers: Sequence[str],
    rows: list[list[Any]],
    money_from: int | None = None,
    right: Sequence[int] = (),
) -> str:
    """A plain table; numbers stay as written (money keeps its two decimals), right-aligned."""
    align = ["left"] * len(headers)
    if money_from is not None:
        align[money_from:] = ["right"] * (len(headers) - money_from)
    for column in right:
        align[column] = "right"
    return table(rows, headers, colalign=align)


# ---------------------------------------------------------------- penalties, text


def penalties_text(stmt: PenaltyStatement, lang: str = "zh") -> str:
    """The month's penalties for people: a summary, each person's lines, pending, warnings."""
    out = [f"{label('penalties_title', lang)} {stmt.month}", ""]
    if not stmt.staff:
        out.append(label("nothing", lang))
    else:
        keys = ("staff_id", "name", "gross", "carried_in", "deducted", "carried_out")
        rows = [
            [
                s.staff_id,
                s.name or "",
                money_str(s.gross),
                money_str(s.carried_in),
                money_str(s.deducted),
                money_str(s.carried_out),
            ]
            for s in stmt.staff
        ]
        out.append(_table([label(k, lang) for k in keys], rows, money_from=2))
    for person in stmt.staff:
        out += ["", f"{person.staff_id} {person.name or ''}".rstrip()]
        line_keys = ("deadline", "rule", "record", "open", "amount", "explain")
        rows = [
            [
                minute_text(line.deadline),
                label(line.rule, lang),
                line.record,
                _yes(line.open, lang) if line.open else "",
                money_str(line.amount),
                line.why.text(lang),
            ]
            for line in person.lines
        ]
        out.append(_table([label(k, lang) for k in line_keys], rows, right=(4,)))
        if person.cap_why is not None:
            out.append(person.cap_why.text(lang))
    if stmt.pending:
        out += ["", label("pending", lang)]
        pending_keys = ("rule", "record", "staff_id", "amount", "explain")
        rows = [
            [
                label(p.rule, lang),
                p.record,
                p.staff_id or "",
                "" if p.amount is None else money_str(p.amount),
                p.why.text(lang),
            ]
            for p in stmt.pending
        ]
        out.append(_table([label(k, lang) for k in pending_keys], rows, right=(3,)))
    if stmt.warnings:
        out += ["", label("warnings", lang)]
        out += [f"- {text}" for text in stmt.warning_texts(lang)]
    return "\n".join(out) + "\n"


# --------------------------------------------------------------- settlement, text

_ORDER_MONEY = tuple(key for key in ORDER_MONEY if key != "parts")  # customer_parts says it


def _total_cells(totals: Totals) -> list[Any]:
    return [
        str(totals.orders),
        str(totals.free_orders),
        *(money_str(getattr(totals, key)) for key in TOTAL_MONEY),
    ]


def settlement_text(stl: Settlement, lang: str = "zh") -> str:
    """The month's settlement for people: orders, then totals per store and per technician."""
    out = [f"{label('settle_title', lang)} {stl.month}", ""]
    keys = ("order_id", "customer", "technician", "warranty", "free", *_ORDER_MONEY)
    rows = [
        [
            o.order_id,
            o.customer_name or "",
            o.technician_id or "",
            label("in" if o.in_warranty else "out", lang),
            _yes(o.free, lang),
            *(money_str(getattr(o, key)) for key in _ORDER_MONEY),
        ]
        for o in stl.orders
    ]
    sums = [sum((getattr(o, key) for o in stl.orders), Decimal("0.00")) for key in _ORDER_MONEY]
    rows.append(
        [
            label("total", lang),
            "",
            "",
            "",
            str(stl.totals.free_orders),
            *(money_str(amount) for amount in sums),
        ]
    )
    out.append(_table([label(k, lang) for k in keys], rows, money_from=5))
    total_keys = ("orders", "free_orders", *TOTAL_MONEY)
    out += ["", label("stores_sheet", lang)]
    rows = [[s.key or "", s.name or "", *_total_cells(s)] for s in stl.stores]
    headers = [label(k, lang) for k in ("store", "store_name", *total_keys)]
    out.append(_table(headers, rows, money_from=2))
    out += ["", label("technicians_sheet", lang)]
    rows = [
        [t.key or "", t.name or "", t.store_id or "", *_total_cells(t)] for t in stl.technicians
    ]
    headers = [label(k, lang) for k in ("technician", "name", "store", *total_keys)]
    out.append(_table(headers, rows, money_from=3))
    notes = [f"{o.order_id}: {n.text(lang)}" for o in stl.orders for n in o.notes]
    if notes:
        out += ["", label("warnings", lang), *(f"- {note}" for note in notes)]
    return "\n".join(out) + "\n"
