"""The customer's 三包 rights (SPEC §7.3): calls that carry a right to a refund or an exchange.

Pure: records and policy in, ``Entitlements`` out. The warranty date rule and how serial
numbers compare come from ``warranty`` (the settlement and validate use the same), so a call
this module finds in warranty is in warranty everywhere. Each right carries the rows and the
numbers it was decided on (``why``), in zh and en, so the clerk can check it in the book.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from svctools.compute.computing import collection_paused, first_by, sheet_columns
from svctools.compute.warranty import as_date, serial_key, serial_keys, warranty_by_date
from svctools.core.clock import iso
from svctools.core.messages import CATALOGUE, says, template
from svctools.core.policy import Policy
from svctools.core.records import Record, Records

Names = dict[str, str] | None  # sheet key -> the sheet's name in the book
RULES = ("return_window", "exchange_window", "repeated_failure", "parts_unavailable")
DEFAULT_DAYS = 30  # without --month: the rights that arose in the 30 days up to the as-of date


def _text(code: str, lang: str, **params: Any) -> str:
    zh, en = CATALOGUE[f"rights.why.{code}"]
    return (zh if lang == "zh" else en).format(**params)


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


@dataclass(frozen=True)
class CountedOrder:
    """An order a right rests on: an earlier repair, or the order that waited for parts."""

    order_id: str
    row: int
    call_id: str | None = None
    call_date: date | None = None
    completed_at: datetime | None = None
    wait_from: datetime | None = None
    wait_end: datetime | None = None
    wait_end_kind: str = ""  # wait_to | wait_completed | wait_open

    @property
    def waited(self) -> timedelta:
        if self.wait_from is None or self.wait_end is None:
            return timedelta(0)
        return self.wait_end - self.wait_from

    def earlier_text(self, lang: str, ledger_sheet: str) -> str:
        return _text(
            "earlier",
            lang,
            order_id=self.order_id,
            ledger_sheet=ledger_sheet,
            row=self.row,
            call_id=self.call_id or "",
            call_date=iso(self.call_date) or "",
            completed=_when(self.completed_at) if self.completed_at else "",
        )


@dataclass(frozen=True)
class Entitlement:
    """One right of one call: the rule, the remedy, when it arose, and what it rests on."""

    rule: str
    call_id: str
    row: int  # the call's row in the call log
    customer_name: str | None
    phone: str | None
    product_model: str | None
    serial_no: str | None
    call_time: datetime
    purchase_date: date | None
    arose_on: date
    days: int
    orders: tuple[CountedOrder, ...]  # the orders that count (earlier repairs, the wait)
    call_orders: tuple[str, ...]  # the call's own orders
    pending_cause: bool
    limit: int  # the policy number the rule compared with
    low: int = 0  # exchange_window: return_days
    until: date | None = None  # repeated_failure: the warranty's last day
    months: int = 0

    def remedy(self, lang: str = "zh") -> str:
        zh, en = CATALOGUE[f"rights.remedy.{self.rule}"]
        return zh if lang == "zh" else en

    def rule_name(self, lang: str = "zh") -> str:
        zh, en = CATALOGUE[f"rights.rule.{self.rule}"]
        return zh if lang == "zh" else en

    def why(self, lang: str = "zh", sheet_names: Names = None) -> str:
        """The rows and numbers the right was decided on, in one line."""
        names = {
            k: template(f"rights.sheet_title.{k}", lang) for k in ("call_log", "repair_ledger")
        }
        names.update(sheet_names or {})
        ledger = names["repair_ledger"]
        head = _text("call", lang, call_id=self.call_id, call_sheet=names["call_log"], row=self.row)
        call_date, purchase = iso(self.call_time.date()), iso(self.purchase_date)
        if self.rule in ("return_window", "exchange_window"):
            body = _text(
                self.rule,
                lang,
                call_date=call_date,
                purchase=purchase,
                days=self.days,
                limit=self.limit,
                low=self.low,
            )
        elif self.rule == "repeated_failure":
            sep = template("punct.semicolon", lang)
            body = _text(
                "repeated_failure",
                lang,
                serial=self.serial_no,
                call_date=call_date,
                purchase=purchase,
                months=self.months,
                until=iso(self.until),
                count=len(self.orders),
                limit=self.limit,
                orders=sep.join(o.earlier_text(lang, ledger) for o in self.orders),
            )
        else:
            body = self._wait_text(lang, ledger)
        colon, sep = says(("punct.colon", "punct.semicolon"), lang)
        pending = sep + _text("pending_cause", lang) if self.pending_cause else ""
        return head + colon + body + pending

    def _wait_text(self, lang: str, ledger: str) -> str:
        waited = self.orders[0]
        assert waited.wait_from is not None and waited.wait_end is not None
        return _text(
            "parts_unavailable",
            lang,
            order_id=waited.order_id,
            ledger_sheet=ledger,
            row=waited.row,
            start=_when(waited.wait_from),
            end=_when(waited.wait_end),
            until=_text(waited.wait_end_kind, lang),
            days=self.days,
            limit=self.limit,
            start_date=iso(waited.wait_from.date()),
            arose=iso(self.arose_on),
        )

    def to_dict(
        self, lang: str = "zh", sheet_names: dict[str, str] | None = None
    ) -> dict[str, Any]:
        return {
            "call_id": self.call_id,
            "customer_name": self.customer_name,
            "serial_no": self.serial_no,
            "rule": self.rule,
            "remedy": self.remedy(lang),
            "arose_on": iso(self.arose_on),
            "days": self.days,
            "orders": [o.order_id for o in self.orders],
            "pending_cause": self.pending_cause,
            "sheet": "call_log",
            "row": self.row,
            "phone": self.phone,
            "product_model": self.product_model,
            "call_time": iso(self.call_time),
            "purchase_date": iso(self.purchase_date),
            "call_orders": list(self.call_orders),
            "why": self.why(lang, sheet_names),
        }


@dataclass
class Entitlements:
    """The rights that arose in [first, last]: a month, or the 30 days up to the as-of date."""

    as_of: datetime
    first: date
    last: date
    month: str | None
    calls: list[Entitlement] = field(default_factory=list)

    def to_dict(
        self, lang: str = "zh", sheet_names: dict[str, str] | None = None
    ) -> dict[str, Any]:
        return {
            "as_of": iso(self.as_of),
            "month": self.month,
            "from": iso(self.first),
            "to": iso(self.last),
            "calls": [c.to_dict(lang, sheet_names) for c in self.calls],
        }

    def by_call(self) -> dict[str, list[Entitlement]]:
        found: dict[str, list[Entitlement]] = {}
        for right in self.calls:
            found.setdefault(right.call_id, []).append(right)
        return found


def compute_entitlements(
    records: Records,
    policy: Policy,
    as_of: datetime,
    first: date | None = None,
    stop: date | None = None,
    month: str | None = None,
) -> Entitlements:
    """The rights that arose in [first, stop), or by default in the 30 days up to ``as_of``."""
    if first is None or stop is None:  # today and the 29 days before it
        first, last = as_of.date() - timedelta(days=DEFAULT_DAYS - 1), as_of.date()
    else:
        last = stop - timedelta(days=1)
    with collection_paused():
        rights = all_entitlements(records, policy, as_of)  # none arises after as_of
    chosen = [r for r in rights if first <= r.arose_on <= last]
    return Entitlements(as_of, first, last, month, chosen)


def rights_by_call(
    records: Records, policy: Policy, as_of: datetime, calls: Collection[str] | None = None
) -> dict[str, list[Entitlement]]:
    """Every right each call carries at ``as_of``, whenever it arose: what the callback digest
    marks, so the agent offers it on the call. ``calls`` (str call_ids): only those calls are
    judged (the digest's, a sixth of the book's), each exactly as it would be among all."""
    found: dict[str, list[Entitlement]] = {}
    with collection_paused():
        for right in all_entitlements(records, policy, as_of, calls):
            found.setdefault(right.call_id, []).append(right)
    return found


@dataclass(frozen=True)
class _Book:
    """The look-ups every call's rules need, made once."""

    calls: dict[Any, Record]
    orders: dict[Any, list[Record]]  # by call_id, in ledger order
    by_serial: dict[str, list[tuple[Record, Record]]]  # completed (order, call) per machine
    purchases: dict[str, date]  # a machine's purchase date from any of its calls

    @classmethod
    def of(cls, records: Records, chosen: Collection[str] | None = None) -> _Book:
        """``chosen`` (str call_ids): ``calls`` only those; the machines' histories are the
        same for them as with every call (other calls of their serials are all kept)."""
        (call_ids,) = sheet_columns(records, "call_log", "call_id")
        every: dict[Any, Record] = first_by(call_ids, records["call_log"])
        orders: dict[Any, list[Record]] = {}
        (order_calls,) = sheet_columns(records, "repair_ledger", "call_id")
        for call_id, order in zip(order_calls, records["repair_ledger"], strict=True):
            orders.setdefault(call_id, []).append(order)
        serials = dict(
            zip(every, serial_keys([c.get("serial_no") for c in every.values()]), strict=True)
        )
        calls = every if chosen is None else {k: c for k, c in every.items() if str(k) in chosen}
        wanted = {serials[k] for k in calls}
        by_serial: dict[str, list[tuple[Record, Record]]] = {}
        purchases: dict[str, date] = {}
        for call_id, serial in serials.items():
            if serial is None or serial not in wanted:
                continue
            call = every[call_id]
            if call.get("purchase_date") is not None:
                purchases.setdefault(serial, call.get("purchase_date"))
            for order in orders.get(call_id, []):
                if order.get("status") == "completed" and order.get("completed_at") is not None:
                    by_serial.setdefault(serial, []).append((order, call))
        return cls(calls, orders, by_serial, purchases)


def all_entitlements(
    records: Records, policy: Policy, as_of: datetime, calls: Collection[str] | None = None
) -> list[Entitlement]:
    """Every right any call carries at ``as_of`` (or only the ``calls`` named), in the order
    they arose."""
    book = _Book.of(records, calls)
    found: list[Entitlement] = []
    for call_id, call in book.calls.items():
        call_time = call.get("call_time")
        if call_time is None or call_time > as_of:
            continue
        orders = book.orders.get(call_id, [])
        causes = [o.get("fault_cause") for o in orders]
        if "human" in causes:
            continue  # 人为损坏: no 三包 right on this call
        base = _base(call, orders, all(c is None for c in causes))
        found += _windows(call, base, policy)
        found += _repeated(call, base, book, policy)
        found += _waits(orders, base, policy, as_of)
    found.sort(key=lambda r: (r.arose_on, r.row, RULES.index(r.rule)))
    return found


def _base(call: Record, orders: list[Record], pending: bool) -> dict[str, Any]:
    """What every right of the call shows: the call, the customer, the machine."""
    purchase = call.get("purchase_date")
    serial = call.get("serial_no")
    return {
        "call_id": str(call.get("call_id")),
        "row": call.row,
        "customer_name": call.get("customer_name"),
        "phone": call.get("phone"),
        "product_model": call.get("product_model"),
        "serial_no": str(serial).strip() if serial is not None else None,
        "call_time": call.get("call_time"),
        "purchase_date": as_date(purchase) if purchase is not None else None,
        "call_orders": tuple(str(o.get("order_id") or f"#{o.row}") for o in orders),
        "pending_cause": pending,
    }


def _windows(call: Record, base: dict[str, Any], policy: Policy) -> list[Entitlement]:
    """return_window / exchange_window: days since purchase, on the call's date."""
    purchase = base["purchase_date"]
    if purchase is None:
        return []
    rules = policy.entitlements
    day = as_date(base["call_time"])
    days = (day - purchase).days
    if days < 0:
        return []  # bought after the call: validate reports it (time_order)
    if days <= rules.return_days:
        rule, low = "return_window", 0
    elif days <= rules.exchange_days:
        rule, low = "exchange_window", rules.return_days
    else:
        return []
    limit = rules.return_days if rule == "return_window" else rules.exchange_days
    return [
        Entitlement(rule=rule, arose_on=day, days=days, orders=(), limit=limit, low=low, **base)
    ]


def _repeated(call: Record, base: dict[str, Any], book: _Book, policy: Policy) -> list[Entitlement]:
    """repeated_failure: in warranty, and enough earlier in-warranty quality repairs."""
    serial = serial_key(call.get("serial_no"))
    by_date = warranty_by_date(call, policy)
    if serial is None or by_date is None or not by_date[0]:
        return []
    call_time: datetime = base["call_time"]
    counted = []
    for order, other in book.by_serial.get(serial, []):
        completed: datetime = order.get("completed_at")
        if other.get("call_id") == call.get("call_id") or completed > call_time:
            continue
        if order.get("fault_cause") != "quality":
            continue
        earlier = warranty_by_date(other, policy, book.purchases.get(serial))
        if earlier is None or not earlier[0]:
            continue
        other_time = other.get("call_time")
        counted.append(
            CountedOrder(
                order_id=str(order.get("order_id") or f"#{order.row}"),
                row=order.row,
                call_id=str(other.get("call_id")),
                call_date=as_date(other_time) if other_time is not None else None,
                completed_at=completed,
            )
        )
    limit = policy.entitlements.repairs_before_exchange
    if len(counted) < limit:
        return []
    counted.sort(key=lambda o: (o.completed_at or datetime.min, o.row))
    day = as_date(call_time)
    days = (day - base["purchase_date"]).days
    until, months = by_date[1], policy.warranty.months
    return [
        Entitlement(
            rule="repeated_failure",
            arose_on=day,
            days=days,
            orders=tuple(counted),
            limit=limit,
            until=until,
            months=months,
            **base,
        )
    ]


def _waits(
    orders: list[Record], base: dict[str, Any], policy: Policy, as_of: datetime
) -> list[Entitlement]:
    """parts_unavailable: an order waited for parts more than parts_wait_days × 24 h."""
    limit = policy.entitlements.parts_wait_days
    long_waits = []
    for order in orders:
        waited = _wait(order, as_of)
        if waited is not None and waited.waited > timedelta(days=limit):
            long_waits.append(waited)
    if not long_waits:
        return []
    long_waits.sort(key=lambda w: (w.wait_from, w.row))
    first = long_waits[0]
    assert first.wait_from is not None and first.wait_end is not None
    return [
        Entitlement(
            rule="parts_unavailable",
            arose_on=(first.wait_from + timedelta(days=limit)).date(),
            days=first.waited.days,
            orders=tuple(long_waits),
            limit=limit,
            **base,
        )
    ]


def _wait(order: Record, as_of: datetime) -> CountedOrder | None:
    """An order's wait for parts, ended by parts_wait_to, its completion or the as-of moment.

    A cancelled order whose wait has no end is left out: nobody knows how long it lasted.
    """
    start = order.get("parts_wait_from")
    if start is None or start > as_of:
        return None
    end, kind = order.get("parts_wait_to"), "wait_to"
    if end is None and order.get("status") == "completed" and order.get("completed_at"):
        end, kind = order.get("completed_at"), "wait_completed"
    if end is None and order.get("status") == "cancelled":
        return None
    if end is None or end > as_of:
        end, kind = as_of, "wait_open"
    return CountedOrder(
        order_id=str(order.get("order_id") or f"#{order.row}"),
        row=order.row,
        wait_from=start,
        wait_end=end,
        wait_end_kind=kind,
    )
