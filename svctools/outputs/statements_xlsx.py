"""The statement workbooks: penalty slips to sign and the month's settlement to file.

Split from ``statements`` so that openpyxl is imported only when a file is written. Every text
that came from the book goes through ``set_text`` so a name such as ``=HYPERLINK(...)`` stays
text; files are written atomically through ``save_workbook``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from svctools.compute.penalties import PenaltyStatement, StaffPenalty
from svctools.compute.settlement import ORDER_MONEY, OrderSettlement, Settlement, Totals
from svctools.core.messages import CATALOGUE
from svctools.outputs.statements import _yes, label, source_text
from svctools.outputs.xlsxout import (
    MONEY_FORMAT,
    clean_text,
    print_setup,
    put,
    save_workbook,
)

_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_SIGN_LINE = Border(bottom=Side(style="thin"))


def _put(ws: Worksheet, row: int, column: int, value: Any, bold: bool = False) -> None:
    """One cell: text never becomes a formula; money, dates and times get their formats."""
    put(ws, row, column, value, MONEY_FORMAT if isinstance(value, Decimal) else None, bold)


def _put_row(ws: Worksheet, row: int, values: Sequence[Any], bold: bool = False) -> None:
    for column, value in enumerate(values, start=1):
        _put(ws, row, column, value, bold)


def _widths(ws: Worksheet, widths: Sequence[int]) -> None:
    for column, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width


def safe_sheet_name(wanted: str, taken: set[str]) -> str:
    """A sheet name Excel accepts: ≤ 31 chars, none of []:*?/\\, not 'History', unique."""
    one_line = " ".join(clean_text(wanted).split())  # a name typed over two lines
    base = _BAD_SHEET_CHARS.sub("_", one_line).strip("'") or "Sheet"
    base = base[:31]
    name, number = base, 1
    while name.casefold() in taken or name.casefold() == "history":
        number += 1
        suffix = f"~{number}"
        name = base[: 31 - len(suffix)] + suffix
    taken.add(name.casefold())
    return name


def _summary_sheet(ws: Worksheet, stmt: PenaltyStatement, lang: str) -> None:
    _put(ws, 1, 1, f"{label('penalties_title', lang)} {stmt.month}", bold=True)
    keys = (
        "staff_id",
        "name",
        "monthly_wage",
        "cap",
        "gross",
        "carried_in",
        "deducted",
        "carried_out",
    )
    _put_row(ws, 2, [label(k, lang) for k in keys], bold=True)
    row = 3
    for person in stmt.staff:
        _put_row(
            ws,
            row,
            [
                person.staff_id,
                person.name,
                person.monthly_wage,
                person.cap,
                person.gross,
                person.carried_in,
                person.deducted,
                person.carried_out,
            ],
        )
        row += 1
    money = ("gross", "carried_in", "deducted", "carried_out")
    sums = [sum((getattr(p, key) for p in stmt.staff), Decimal("0.00")) for key in money]
    _put_row(ws, row, [label("total", lang), None, None, None, *sums], bold=True)
    row += 2
    if stmt.pending:
        _put(ws, row, 1, label("pending", lang), bold=True)
        for pending in stmt.pending:
            row += 1
            _put_row(
                ws,
                row,
                [
                    label(pending.rule, lang),
                    pending.record,
                    pending.staff_id,
                    pending.amount,
                    pending.why.text(lang),
                ],
            )
        row += 2
    if stmt.warnings:
        _put(ws, row, 1, label("warnings", lang), bold=True)
        for text in stmt.warning_texts(lang):
            row += 1
            _put(ws, row, 1, text)
    ws.freeze_panes = "A3"
    _widths(ws, [12, 14, 12, 12, 14, 12, 12, 12])
    print_setup(ws, title_rows="2:2", area=f"A1:H{ws.max_row}")


def _slip_sheet(ws: Worksheet, person: StaffPenalty, month: str, lang: str) -> None:
    """A penalty slip (职员处罚单) laid out for printing and signing."""
    ws.merge_cells("A1:F1")
    _put(ws, 1, 1, label("slip_title", lang), bold=True)
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    _put_row(
        ws,
        3,
        [
            label("name", lang),
            person.name,
            label("staff_id", lang),
            person.staff_id,
            label("month", lang),
            month,
        ],
    )
    keys = ("deadline", "rule", "record", "source", "amount", "explain")
    _put_row(ws, 5, [label(k, lang) for k in keys], bold=True)
    row = 6
    for line in person.lines:
        rule = label(line.rule, lang) + (f" ({label('open', lang)})" if line.open else "")
        _put_row(
            ws,
            row,
            [
                line.deadline,
                rule,
                line.record,
                source_text(line.sheet, line.row, lang),
                line.amount,
                line.why.text(lang),
            ],
        )
        row += 1
    row += 1
    for key in ("gross", "carried_in", "deducted", "carried_out"):
        _put(ws, row, 4, label(key, lang), bold=True)
        _put(ws, row, 5, getattr(person, key), bold=key == "deducted")
        row += 1
    if person.cap_why is not None:
        _put(ws, row, 4, label("cap", lang), bold=True)
        _put(ws, row, 5, person.cap)
        _put(ws, row, 6, person.cap_why.text(lang))
        row += 1
    row += 2
    for key in ("employee_sign", "manager_sign"):
        _put(ws, row, 1, label(key, lang), bold=True)
        _put(ws, row, 4, label("date", lang), bold=True)
        for column in (2, 3, 5):  # the line to sign on
            ws.cell(row=row, column=column).border = _SIGN_LINE
        row += 2
    _widths(ws, [18, 18, 14, 18, 14, 60])
    _wrap_explanations(ws, 6, row, column=6, width=60)
    # one A4 page per person, amounts and signature lines with the lines: ready to sign
    print_setup(ws, one_page=True, title_rows="5:5", area=f"A1:F{row}")


def _wrap_explanations(ws: Worksheet, first: int, last: int, column: int, width: int) -> None:
    """Long 说明 wrap inside their column, each row as tall as its lines (no printer or viewer
    works the height out from an openpyxl file reliably), never running over the next row."""
    from wcwidth import wcswidth

    for (cell,) in ws.iter_rows(min_row=first, max_row=last, min_col=column, max_col=column):
        if not isinstance(cell.value, str):
            continue
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        lines = -(-max(wcswidth(cell.value), 1) // (width - 2))
        if lines > 1:
            ws.row_dimensions[cell.row].height = 15 * lines


def write_penalty_slips(
    stmt: PenaltyStatement, path: str | os.PathLike[str], lang: str = "zh"
) -> Path:
    """A workbook: a summary sheet, then one signable slip per person."""
    wb = Workbook()
    taken: set[str] = set()
    summary = wb.active
    summary.title = safe_sheet_name(f"{label('summary', lang)} {stmt.month}", taken)
    _summary_sheet(summary, stmt, lang)
    for person in stmt.staff:
        title = safe_sheet_name(f"{person.staff_id} {person.name or ''}".strip(), taken)
        _slip_sheet(wb.create_sheet(title), person, stmt.month, lang)
    return save_workbook(wb, path)


def _order_values(order: OrderSettlement, lang: str) -> list[Any]:
    return [
        order.order_id,
        order.row,
        order.customer_name,
        order.technician_id,
        order.technician_name,
        order.store_id,
        order.completed_at,
        label("in" if order.in_warranty else "out", lang),
        order.warranty_reason.text(lang),
        label(order.fault_cause, lang)
        if order.fault_cause and f"stmt.{order.fault_cause}" in CATALOGUE
        else order.fault_cause,
        _yes(order.free, lang),
        order.free_reason.text(lang),
        order.labour,
        order.parts,
        order.customer_parts,
        order.customer_shipping,
        order.company_shipping,
        order.customer_charge,
        order.company_cost,
        order.amount_paid,
        order.balance_due,
    ]


_ORDER_COLUMNS = (
    "order_id",
    "row",
    "customer",
    "technician",
    "technician_name",
    "store",
    "completed_at",
    "warranty",
    "warranty_reason",
    "cause",
    "free",
    "free_reason",
    *ORDER_MONEY,
)


def _orders_sheet(ws: Worksheet, stl: Settlement, lang: str) -> None:
    _put(ws, 1, 1, f"{label('settle_title', lang)} {stl.month}", bold=True)
    _put_row(ws, 2, [label(k, lang) for k in _ORDER_COLUMNS], bold=True)
    row = 3
    for order in stl.orders:
        _put_row(ws, row, _order_values(order, lang))
        row += 1
    total = stl.totals
    sums = [
        sum((getattr(o, key) for o in stl.orders), Decimal("0.00"))
        for key in ("labour", "parts", "customer_parts", "customer_shipping", "company_shipping")
    ]
    values: list[Any] = [
        label("total", lang),
        *[None] * 9,
        total.free_orders,
        None,
        *sums,
        total.customer_charge,
        total.company_cost,
        total.amount_paid,
        total.balance_due,
    ]
    _put_row(ws, row, values, bold=True)
    ws.freeze_panes = "B3"
    _widths(ws, [12, 6, 14, 10, 12, 10, 17, 8, 36, 10, 6, 36, *[12] * 9])
    print_setup(ws, title_rows="2:2", area=f"A1:U{row}")


def _totals_sheet(
    ws: Worksheet, title: str, keys: Sequence[str], groups: list[Totals], total: Totals, lang: str
) -> None:
    _put(ws, 1, 1, title, bold=True)
    money = ("customer_charge", "company_cost", "amount_paid", "balance_due")
    _put_row(ws, 2, [label(k, lang) for k in (*keys, "orders", "free_orders", *money)], bold=True)
    row = 3
    for group in groups:
        ids = [group.key, group.name, group.store_id][: len(keys)]
        _put_row(
            ws,
            row,
            [*ids, group.orders, group.free_orders, *(getattr(group, key) for key in money)],
        )
        row += 1
    blanks = [None] * (len(keys) - 1)
    _put_row(
        ws,
        row,
        [
            label("total", lang),
            *blanks,
            total.orders,
            total.free_orders,
            *(getattr(total, key) for key in money),
        ],
        bold=True,
    )
    ws.freeze_panes = "A3"
    _widths(ws, [14, 16, *[12] * (len(keys) + 4)])
    last = get_column_letter(len(keys) + 6)
    print_setup(ws, title_rows="2:2", area=f"A1:{last}{row}")


def write_settlement(stl: Settlement, path: str | os.PathLike[str], lang: str = "zh") -> Path:
    """A workbook: per-order settlement, totals per store, totals per technician."""
    wb = Workbook()
    taken: set[str] = set()
    orders = wb.active
    orders.title = safe_sheet_name(label("orders_sheet", lang), taken)
    _orders_sheet(orders, stl, lang)
    stores = wb.create_sheet(safe_sheet_name(label("stores_sheet", lang), taken))
    _totals_sheet(
        stores,
        f"{label('stores_sheet', lang)} {stl.month}",
        ("store", "store_name"),
        stl.stores,
        stl.totals,
        lang,
    )
    technicians = wb.create_sheet(safe_sheet_name(label("technicians_sheet", lang), taken))
    _totals_sheet(
        technicians,
        f"{label('technicians_sheet', lang)} {stl.month}",
        ("technician", "name", "store"),
        stl.technicians,
        stl.totals,
        lang,
    )
    return save_workbook(wb, path)
