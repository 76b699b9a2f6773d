"""Settlements (SPEC §4.3, 费用结算): what each customer owes per completed work order.

Also home of the repeat-repair rule (SPEC §4.2): it makes an order free here and charges the
earlier technician in ``penalties``, so both read the one function ``repeat_repairs``.
Every figure carries the rule, the source row and the numbers it used (``Reason``), in zh and en.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from svctools.compute.computing import collection_paused, first_by, record_columns, sheet_columns
from svctools.compute.warranty import as_date, serial_keys, warranty_by_date
from svctools.core.clock import iso, month_of
from svctools.core.messages import say, word
from svctools.core.money import ZERO, money_str, round_money
from svctools.core.policy import Policy
from svctools.core.records import Record, Records


@dataclass(frozen=True)
class Reason:
    """Why a figure is what it is: a message code and its numbers, readable in zh or en."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def text(self, lang: str = "zh") -> str:
        """``settle.<code>`` of ``core.messages``; enum keys read as the clerk writes them."""
        params = dict(self.params)
        for key, prefix in (("value", "warranty"), ("cause", "cause")):
            if key in params:
                value = params[key]
                shown = word(prefix, value, lang) if lang == "zh" else value
                params[key] = shown if value else say("settle.unset", lang)
        return say(f"settle.{self.code}", lang, **params)


def in_warranty(order: Record, call: Record | None, policy: Policy) -> tuple[bool, Reason]:
    """SPEC §4.3: the ledger's warranty column when filled, else purchase date + months."""
    stated = order.get("warranty")
    if stated in ("in", "out"):
        return stated == "in", Reason("warranty_column", {"value": stated})
    by_date = warranty_by_date(call, policy)
    if by_date is None:
        return False, Reason("warranty_no_date")
    covered, until = by_date
    assert call is not None
    call_time, purchase = call.get("call_time"), call.get("purchase_date")
    assert call_time is not None and purchase is not None  # warranty_by_date needed both
    params = {
        "call": iso(as_date(call_time)),
        "purchase": iso(as_date(purchase)),
        "months": policy.warranty.months,
        "until": iso(until),
    }
    return covered, Reason("warranty_by_date" if covered else "warranty_expired", params)


@dataclass(frozen=True)
class RepeatRepair:
    """Order R failed again within the repair warranty of the earlier order E (SPEC §4.2)."""

    order_id: str  # R
    order: Record
    call_time: datetime  # R's call time: dates the penalty
    serial_no: str
    earlier_order_id: str  # E
    earlier: Record
    earlier_completed_at: datetime
    technician_id: str | None  # E's technician, who pays repeat_repair
    cause: str | None  # R's fault_cause
    limit_days: int

    @property
    def gap(self) -> timedelta:
        return self.call_time - self.earlier_completed_at

    @property
    def applies(self) -> bool:
        """R is free and E's technician pays only when R's cause is known and not human."""
        return self.cause is not None and self.cause != "human"


def repeat_repairs(records: Records, policy: Policy) -> dict[str, RepeatRepair]:
    """Every order R that repeats an earlier completed order E, by R's order_id (worked out
    once per run and warranty: settle, penalties and report each ask; do not change it).

    Same non-blank serial_no through the calls (compared case-insensitively), E completed,
    0 ≤ R.call_time − E.completed_at ≤ repair_warranty_days × 24 h. If several E qualify, the
    latest completed one is taken (the repair that just failed). Cancelled R orders and orders on
    the same call as R are never counted.
    """
    days = policy.warranty.repair_warranty_days
    found: dict[str, RepeatRepair] = records.derived_once(
        ("repeat_repairs", days), lambda: _repeat_repairs(records, policy)
    )
    return found


def _repeat_repairs(records: Records, policy: Policy) -> dict[str, RepeatRepair]:
    ids, values = sheet_columns(records, "call_log", "call_id", "serial_no")
    calls: dict[Any, Record] = first_by(ids, records["call_log"])
    # The serial number of each call (the first call of an id, as ``calls`` has it), once.
    first = first_by(ids, values)
    serials = dict(zip(first, serial_keys(first.values()), strict=True))
    ledger = records["repair_ledger"]
    (call_ids,) = sheet_columns(records, "repair_ledger", "call_id")
    of_order = list(map(serials.get, call_ids))
    counts = Counter(of_order)
    # Only a machine seen on two orders or more can have a repeat: the few rows worth a look.
    shared = [(o, s) for o, s in zip(ledger, of_order, strict=True) if s and counts[s] > 1]
    limit = timedelta(days=policy.warranty.repair_warranty_days)
    done: dict[str, list[tuple[datetime, Record]]] = {}
    for order, serial in shared:
        completed = order.get("completed_at")
        if order.get("status") == "completed" and completed is not None:
            done.setdefault(serial, []).append((completed, order))
    found: dict[str, RepeatRepair] = {}
    for order, serial in shared:
        candidates = done.get(serial, [])
        call = calls.get(order.get("call_id"))
        order_id = order.get("order_id")
        if not serial or call is None or order_id is None or order.get("status") == "cancelled":
            continue
        call_time = call.get("call_time")
        if call_time is None:
            continue
        earlier = [
            (completed, other)
            for completed, other in candidates
            if other is not order
            and other.get("call_id") != order.get("call_id")
            and timedelta(0) <= call_time - completed <= limit
        ]
        if not earlier:
            continue
        completed, before = max(earlier, key=lambda pair: (pair[0], pair[1].row))
        found[order_id] = RepeatRepair(
            order_id=order_id,
            order=order,
            call_time=call_time,
            serial_no=str(call.get("serial_no")).strip(),
            earlier_order_id=before.get("order_id") or f"#{before.row}",
            earlier=before,
            earlier_completed_at=completed,
            technician_id=before.get("technician_id"),
            cause=order.get("fault_cause"),
            limit_days=policy.warranty.repair_warranty_days,
        )
    return found


@dataclass(frozen=True)
class PartLine:
    """One parts_used row of an order: qty × unit_cost, rounded."""

    row: int
    part_no: str | None
    part_name: str | None
    qty: int
    unit_cost: Decimal
    amount: Decimal

    def to_dict(self) -> dict[str, Any]:
        return {
            "sheet": "parts_used",
            "row": self.row,
            "part_no": self.part_no,
            "part_name": self.part_name,
            "qty": self.qty,
            "unit_cost": money_str(self.unit_cost),
            "amount": money_str(self.amount),
        }


@dataclass
class OrderSettlement:
    """One completed order's bill: every figure of SPEC §4.3 and why."""

    order_id: str
    row: int
    customer_name: str | None
    technician_id: str | None
    technician_name: str | None
    store_id: str | None
    completed_at: datetime
    fault_cause: str | None
    in_warranty: bool
    warranty_reason: Reason
    free: bool
    free_reason: Reason
    repeat_of: str | None
    labour: Decimal
    parts: Decimal
    customer_parts: Decimal
    customer_shipping: Decimal
    company_shipping: Decimal
    customer_charge: Decimal
    company_cost: Decimal
    amount_paid: Decimal
    balance_due: Decimal
    part_lines: list[PartLine] = field(default_factory=list)
    notes: list[Reason] = field(default_factory=list)
    sheet: str = "repair_ledger"

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        money = {key: money_str(getattr(self, key)) for key in ORDER_MONEY}
        return {
            "order_id": self.order_id,
            "free": self.free,
            "customer_charge": money["customer_charge"],
            "company_cost": money["company_cost"],
            "amount_paid": money["amount_paid"],
            "balance_due": money["balance_due"],
            "sheet": self.sheet,
            "row": self.row,
            "customer_name": self.customer_name,
            "technician_id": self.technician_id,
            "store_id": self.store_id,
            "completed_at": iso(self.completed_at),
            "fault_cause": self.fault_cause,
            "in_warranty": self.in_warranty,
            "warranty_reason": self.warranty_reason.text(lang),
            "free_reason": self.free_reason.text(lang),
            "repeat_of": self.repeat_of,
            "labour": money["labour"],
            "parts": money["parts"],
            "customer_parts": money["customer_parts"],
            "customer_shipping": money["customer_shipping"],
            "company_shipping": money["company_shipping"],
            "parts_lines": [line.to_dict() for line in self.part_lines],
            "notes": [note.text(lang) for note in self.notes],
        }


ORDER_MONEY = (
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
TOTAL_MONEY = ("customer_charge", "company_cost", "amount_paid", "balance_due")


@dataclass
class Totals:
    """Sums over a group of orders (the whole month, one store or one technician)."""

    key: str | None = None  # store_id or technician_id; None for the month or unknown
    name: str | None = None
    store_id: str | None = None
    orders: int = 0
    free_orders: int = 0
    customer_charge: Decimal = ZERO
    company_cost: Decimal = ZERO
    amount_paid: Decimal = ZERO
    balance_due: Decimal = ZERO

    def add(self, order: OrderSettlement) -> None:
        self.orders += 1
        self.free_orders += int(order.free)
        self.customer_charge += order.customer_charge  # the four of TOTAL_MONEY
        self.company_cost += order.company_cost
        self.amount_paid += order.amount_paid
        self.balance_due += order.balance_due

    def figures(self) -> dict[str, Any]:
        return {
            "orders": self.orders,
            "free_orders": self.free_orders,
            **{key: money_str(getattr(self, key)) for key in TOTAL_MONEY},
        }


@dataclass
class Settlement:
    """The month's settlement: orders completed in it, with totals per store and technician."""

    month: str
    orders: list[OrderSettlement]
    totals: Totals
    stores: list[Totals]
    technicians: list[Totals]

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        """SPEC §6 ``settle`` JSON; reasons in ``lang``."""
        return {
            "month": self.month,
            "orders": [order.to_dict(lang) for order in self.orders],
            "totals": self.totals.figures(),
            "stores": [{"store_id": s.key, "name": s.name, **s.figures()} for s in self.stores],
            "technicians": [
                {"technician_id": t.key, "name": t.name, "store_id": t.store_id, **t.figures()}
                for t in self.technicians
            ],
        }


def _money(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else ZERO


@dataclass(frozen=True)
class _Lookups:
    """The references an order's bill needs, indexed once per run (books can be large)."""

    calls: dict[Any, Record]
    staff: dict[Any, Record]
    parts: dict[Any, list[Record]]

    @classmethod
    def of(cls, records: Records) -> _Lookups:
        parts: dict[Any, list[Record]] = {}
        for part, order_id in record_columns(records, "parts_used", "order_id"):
            parts.setdefault(order_id, []).append(part)
        (call_ids,) = sheet_columns(records, "call_log", "call_id")
        calls = first_by(call_ids, records["call_log"])
        return cls(calls, records.index("staff", "staff_id"), parts)


def _parts(parts: Iterable[Record]) -> tuple[list[PartLine], list[Reason]]:
    lines: list[PartLine] = []
    notes: list[Reason] = []
    for part in parts:
        qty, unit_cost = part.get("qty"), part.get("unit_cost")
        if qty is None or unit_cost is None:
            notes.append(Reason("part_skipped", {"row": part.row}))
            continue
        lines.append(
            PartLine(
                part.row,
                part.get("part_no"),
                part.get("part_name"),
                qty,
                unit_cost,
                round_money(qty * unit_cost),
            )
        )
    return lines, notes


def _free(warranty: bool, cause: str | None, repeat: RepeatRepair | None) -> tuple[bool, Reason]:
    """SPEC §4.3 ``free``: repeat repair not caused by the customer, or in warranty + quality."""
    if repeat is not None and repeat.applies:
        return True, Reason(
            "free_repeat",
            {
                "earlier": repeat.earlier_order_id,
                "completed": repeat.earlier_completed_at.strftime("%Y-%m-%d %H:%M"),
                "days": repeat.gap.days,
                "limit": repeat.limit_days,
                "cause": cause,
            },
        )
    if warranty and cause == "quality":
        return True, Reason("free_warranty")
    if repeat is not None and cause == "human":
        return False, Reason("charged_repeat_human", {"earlier": repeat.earlier_order_id})
    if not warranty:
        return False, Reason("charged_out")
    return False, Reason("charged_cause", {"cause": cause})


def order_free(
    order: Record, call: Record | None, policy: Policy, repeat: RepeatRepair | None
) -> tuple[bool, Reason]:
    """SPEC §4.3 ``free`` of one order and why (the stock's old-part rule asks it too)."""
    warranty, _ = in_warranty(order, call, policy)
    return _free(warranty, order.get("fault_cause"), repeat)


def _shipping(order: Record, policy: Policy) -> tuple[Decimal, Decimal]:
    """(customer's, company's) shipping: inbound to its payer, return to its payer or split."""
    fees = policy.fees
    inbound = round_money(_money(order.get("inbound_shipping")))
    back = round_money(_money(order.get("return_shipping")))
    customer = inbound if fees.inbound_shipping_payer == "customer" else ZERO
    company = inbound if fees.inbound_shipping_payer == "company" else ZERO
    if fees.return_shipping_payer == "customer":
        customer += back
    elif fees.return_shipping_payer == "company":
        company += back
    else:
        share = round_money(back * fees.return_shipping_customer_share)
        customer += share
        company += back - share
    return customer, company


def _settle_order(
    order: Record,
    completed: datetime,
    lookups: _Lookups,
    policy: Policy,
    repeat: RepeatRepair | None,
) -> OrderSettlement:
    """One completed order's figures, each line rounded half-up to the cent."""
    call = lookups.calls.get(order.get("call_id"))
    technician = lookups.staff.get(order.get("technician_id"))
    warranty, warranty_reason = in_warranty(order, call, policy)
    cause = order.get("fault_cause")
    free, free_reason = _free(warranty, cause, repeat)
    part_lines, notes = _parts(lookups.parts.get(order.get("order_id"), []))
    parts = sum((line.amount for line in part_lines), ZERO)
    customer_parts = ZERO if free else round_money(parts * (1 + policy.fees.parts_markup))
    labour = ZERO if free else round_money(_money(order.get("labour_fee")))
    customer_shipping, company_shipping = _shipping(order, policy)
    customer_charge = labour + customer_parts + customer_shipping
    company_cost = (parts if free else ZERO) + company_shipping
    paid = round_money(_money(order.get("amount_paid")))
    return OrderSettlement(
        order_id=order.get("order_id") or f"#{order.row}",
        row=order.row,
        customer_name=call.get("customer_name") if call else None,
        technician_id=order.get("technician_id"),
        technician_name=technician.get("name") if technician else None,
        store_id=technician.get("store_id") if technician else None,
        completed_at=completed,
        fault_cause=cause,
        in_warranty=warranty,
        warranty_reason=warranty_reason,
        free=free,
        free_reason=free_reason,
        repeat_of=repeat.earlier_order_id if repeat is not None and repeat.applies else None,
        labour=labour,
        parts=parts,
        customer_parts=customer_parts,
        customer_shipping=customer_shipping,
        company_shipping=company_shipping,
        customer_charge=customer_charge,
        company_cost=company_cost,
        amount_paid=paid,
        balance_due=customer_charge - paid,
        part_lines=part_lines,
        notes=notes,
    )


def _group(orders: list[OrderSettlement], key: str, names: dict[Any, str | None]) -> list[Totals]:
    groups: dict[Any, Totals] = {}
    for order in orders:
        value = getattr(order, key)
        if value not in groups:
            store = order.store_id if key == "technician_id" else None
            groups[value] = Totals(key=value, name=names.get(value), store_id=store)
        groups[value].add(order)
    return sorted(groups.values(), key=lambda t: (t.key is None, t.key or ""))


def compute_settlement(
    records: Records, policy: Policy, first_day: date, next_first_day: date
) -> Settlement:
    """SPEC §4.3: completed orders whose completed_at is in [first_day, next_first_day)."""
    with collection_paused():
        return _settlement(records, policy, first_day, next_first_day)


def _settlement(
    records: Records, policy: Policy, first_day: date, next_first_day: date
) -> Settlement:
    repeats = repeat_repairs(records, policy)
    lookups = _Lookups.of(records)
    orders: list[OrderSettlement] = []
    ledger = record_columns(records, "repair_ledger", "status", "completed_at", "order_id")
    for order, status, completed, order_id in ledger:
        if status != "completed" or completed is None:
            continue
        if not first_day <= as_date(completed) < next_first_day:
            continue
        repeat = repeats.get(order_id or "")
        orders.append(_settle_order(order, completed, lookups, policy, repeat))
    orders.sort(key=lambda o: (o.completed_at, o.row))
    totals = Totals()
    for bill in orders:
        totals.add(bill)
    store_names = {s.get("store_id"): s.get("name") for s in records["stores"]}
    staff_names = {s.get("staff_id"): s.get("name") for s in records["staff"]}
    return Settlement(
        month=month_of(first_day),
        orders=orders,
        totals=totals,
        stores=_group(orders, "store_id", store_names),
        technicians=_group(orders, "technician_id", staff_names),
    )
