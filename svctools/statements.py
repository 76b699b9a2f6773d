"""Renderers for penalties and settlements: text tables for people and xlsx files to sign and file.

They read the result records of ``penalties`` and ``settlement`` and compute nothing themselves.
Every text that came from the book goes through ``set_text`` so a name such as ``=HYPERLINK(...)``
stays text; files are written atomically through ``save_workbook``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from svctools.money import money_str
from svctools.penalties import PenaltyStatement, StaffPenalty
from svctools.render import minute_text, table
from svctools.settlement import OrderSettlement, Settlement, Totals
from svctools.xlsxout import (
    DATE_FORMAT,
    DATETIME_FORMAT,
    MONEY_FORMAT,
    clean_text,
    save_workbook,
    set_text,
)

RULES: dict[str, tuple[str, str]] = {
    "late_response": ("late response", "响应超时"),
    "late_acceptance": ("late acceptance", "接单超时"),
    "late_arrival": ("late arrival", "到场超时"),
    "overdue_repair": ("overdue repair", "维修超期"),
    "qc_rework": ("QC rework", "质检返工"),
    "repeat_repair": ("repeat repair", "保修期内返修"),
    "late_complaint_feedback": ("late complaint feedback", "投诉反馈超时"),
    "complaint_general": ("general complaint", "一般投诉"),
    "complaint_serious": ("serious complaint", "严重投诉"),
    "late_callback": ("late callback", "回访超时"),
}

# label key -> (English, Chinese)
_LABELS: dict[str, tuple[str, str]] = {
    "penalties_title": ("Staff penalties", "职员处罚汇总"),
    "slip_title": ("Staff penalty slip", "职员处罚单"),
    "summary": ("Summary", "汇总"),
    "staff_id": ("Staff ID", "工号"),
    "name": ("Name", "姓名"),
    "month": ("Month", "月份"),
    "gross": ("Gross", "本月处罚合计"),
    "carried_in": ("Carried in", "上月结转"),
    "deducted": ("Deducted", "本月扣款"),
    "carried_out": ("Carried out", "结转下月"),
    "monthly_wage": ("Monthly wage", "月工资"),
    "cap": ("Cap", "扣款上限"),
    "rule": ("Rule", "处罚项目"),
    "record": ("Record", "单号"),
    "deadline": ("Deadline / date", "时限/日期"),
    "amount": ("Amount", "金额"),
    "open": ("Open", "未完成"),
    "explain": ("Why", "说明"),
    "source": ("Source", "来源"),
    "pending": ("Pending (not charged yet)", "待定(暂不扣款)"),
    "warnings": ("Warnings", "提示"),
    "nothing": ("No penalties this month.", "本月无处罚。"),
    "employee_sign": ("Employee signature:", "员工签字:"),
    "manager_sign": ("Manager signature:", "经理签字:"),
    "date": ("Date:", "日期:"),
    "settle_title": ("Settlement", "费用结算"),
    "orders_sheet": ("Orders", "工单结算"),
    "stores_sheet": ("Stores", "门店汇总"),
    "technicians_sheet": ("Technicians", "维修员汇总"),
    "order_id": ("Order ID", "工单号"),
    "row": ("Row", "行号"),
    "customer": ("Customer", "客户姓名"),
    "technician": ("Technician", "维修员"),
    "technician_name": ("Technician name", "维修员姓名"),
    "store": ("Store", "门店"),
    "store_name": ("Store name", "门店名称"),
    "completed_at": ("Completed", "完工时间"),
    "warranty": ("Warranty", "保修"),
    "warranty_reason": ("Warranty reason", "保修依据"),
    "cause": ("Cause", "故障原因"),
    "free": ("Free", "免费"),
    "free_reason": ("Free reason", "收费依据"),
    "labour": ("Labour", "工时费"),
    "parts": ("Parts cost", "配件成本"),
    "customer_parts": ("Customer parts", "客户配件费"),
    "customer_shipping": ("Customer shipping", "客户运费"),
    "company_shipping": ("Company shipping", "公司运费"),
    "customer_charge": ("Customer charge", "客户应付"),
    "company_cost": ("Company cost", "公司成本"),
    "amount_paid": ("Paid", "已收金额"),
    "balance_due": ("Balance due", "应收余额"),
    "orders": ("Orders", "工单数"),
    "free_orders": ("Free orders", "免费工单"),
    "total": ("Total", "合计"),
    "yes": ("yes", "是"),
    "no": ("no", "否"),
    "in": ("in", "保内"),
    "out": ("out", "保外"),
    "quality": ("quality", "质量问题"),
    "human": ("human", "人为损坏"),
    "wear": ("wear", "正常磨损"),
    "other": ("other", "其他"),
}

_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_BOLD = Font(bold=True)
_SIGN_LINE = Border(bottom=Side(style="thin"))


def label(key: str, lang: str) -> str:
    """A fixed label in ``lang`` (zh or en); rule keys give their rule name."""
    en, zh = RULES.get(key) or _LABELS[key]
    return zh if lang == "zh" else en


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

_ORDER_MONEY = (
    "labour",
    "customer_parts",
    "customer_shipping",
    "company_shipping",
    "customer_charge",
    "company_cost",
    "amount_paid",
    "balance_due",
)
_TOTAL_MONEY = ("customer_charge", "company_cost", "amount_paid", "balance_due")


def _total_cells(totals: Totals) -> list[Any]:
    return [
        str(totals.orders),
        str(totals.free_orders),
        *(money_str(getattr(totals, key)) for key in _TOTAL_MONEY),
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
    total_keys = ("orders", "free_orders", *_TOTAL_MONEY)
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


# ----------------------------------------------------------------------- xlsx


def _put(ws: Worksheet, row: int, column: int, value: Any, bold: bool = False) -> None:
    """One cell: text never becomes a formula; money, dates and times get their formats."""
    cell = set_text(ws.cell(row=row, column=column), value)
    if isinstance(value, Decimal):
        cell.number_format = MONEY_FORMAT
    elif isinstance(value, datetime):
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, date):
        cell.number_format = DATE_FORMAT
    if bold:
        cell.font = _BOLD


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
                f"{line.sheet}:{line.row}",
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
        label(order.fault_cause, lang) if order.fault_cause in _LABELS else order.fault_cause,
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
    "labour",
    "parts",
    "customer_parts",
    "customer_shipping",
    "company_shipping",
    "customer_charge",
    "company_cost",
    "amount_paid",
    "balance_due",
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
