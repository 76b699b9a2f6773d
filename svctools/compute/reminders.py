"""What reminders are due (SPEC §5): contract renewals and callback digests, as plain data.

Pure: records and policy in, ``Due`` items out. Nothing here knows about SMTP, chat robots,
files or the state file; ``mail.delivery`` renders and delivers, ``mail.state`` keeps each key
once. ``REGISTRY`` names every kind ``remind`` knows: a new kind is one ``register()`` call
(plus its row in ``reading.usable.COMMAND_SHEETS`` and its templates).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from svctools.compute.computing import sheet_columns
from svctools.compute.due import Due, Kind, Person, _person, person_of
from svctools.compute.entitlements import Entitlement
from svctools.core.clock import iso
from svctools.core.policy import Policy, RemindersPolicy
from svctools.core.records import Record, Records

__all__ = ["Due", "Kind", "Person", "person_of"]  # defined in compute.due, used from here too


Rights = Mapping[str, Sequence[Entitlement]]  # 三包 rights by call_id (compute.entitlements)
# Or what finds them for the calls the digests list (str call_ids): judging only those is a
# sixth of judging the whole book's calls (a year book's digests list 17,000 of its 100,000).
RightsFinder = Callable[[set[str]], Rights]


DueFinder = Callable[[Records, Policy, datetime], list["Due"]]


@dataclass(frozen=True)
class ReminderKind:
    """One kind of reminder: ``remind COMMAND`` finds its ``Due`` items with ``finder``.

    ``daily`` kinds make up ``remind all`` (the morning cron); the others have their own
    schedule (``sla-risk`` hourly). ``command`` also names its sheets: ``remind_COMMAND`` in
    ``reading.usable.COMMAND_SHEETS``, whose first needed sheet says whether the book keeps it.
    """

    kind: Kind
    command: str
    finder: DueFinder
    daily: bool = True
    idle: Callable[[Policy], bool] | None = None  # True: this policy gives it nothing to send

    def sends_under(self, policy: Policy) -> bool:
        """False when ``policy`` leaves this kind nothing to send, whatever the book holds (the
        reorder list without ``[stock] notify``): ``remind all`` then reads none of its sheets."""
        return self.idle is None or not self.idle(policy)


REGISTRY: dict[str, ReminderKind] = {}  # by command, in the order ``remind all`` runs them


def register(kind: ReminderKind) -> ReminderKind:
    REGISTRY[kind.command] = kind
    return kind


def kinds_for(command: str) -> list[ReminderKind]:
    """``all`` = every daily kind, in order; otherwise the one kind ``command`` names."""
    if command == "all":
        return [k for k in REGISTRY.values() if k.daily]
    return [REGISTRY[command]]


def due_reminders(
    records: Records,
    policy: Policy | RemindersPolicy,
    as_of: datetime,
    kinds: str | tuple[Kind, ...],
    rights: Rights | RightsFinder | None = None,
) -> list[Due]:
    """Every reminder due at ``as_of``: of ``remind COMMAND`` (a str), or of the kinds named.

    ``rights``: the 三包 rights of the calls, marked on the callback lines (SPEC §7.3)."""
    if isinstance(policy, RemindersPolicy):
        policy = Policy().model_copy(update={"reminders": policy})
    chosen = kinds_for(kinds) if isinstance(kinds, str) else _by_kind(kinds)
    result: list[Due] = []
    for kind in chosen:
        if kind.kind == "callback" and rights is not None:
            days = policy.reminders.callback_after_days
            result.extend(due_callbacks(records, days, as_of.date(), rights))
        else:
            result.extend(kind.finder(records, policy, as_of))
    return result


def _by_kind(kinds: tuple[Kind, ...]) -> list[ReminderKind]:
    return [k for k in REGISTRY.values() if k.kind in kinds]


def renewal_stage(end_date: date, today: date, stages: list[int]) -> str | None:
    """The stage due today: the smallest stage ≥ days left, ``expired`` after the end, or none.

    Stages are not remembered here: a job that missed the 15-day run on day 9 gets stage 7,
    never a stale 15 (SPEC §5: larger stages not yet sent are skipped for good).
    """
    days_left = (end_date - today).days
    if days_left < 0:
        return "expired"
    fitting = [s for s in stages if s >= days_left]
    return str(min(fitting)) if fitting else None


def due_renewals(records: Records, stages: list[int], today: date) -> list[Due]:
    """One item per pending contract whose current stage is due, oldest end date first."""
    staff = records.index("staff", "staff_id")
    stores = records.index("stores", "store_id")
    found: list[tuple[date, str, Due]] = []
    for contract in records["contracts"]:
        end = contract.get("end_date")
        if contract.get("renewal_status") not in (None, "pending") or not isinstance(end, date):
            continue
        stage = renewal_stage(end, today, stages)
        if stage is None or not contract.get("contract_id"):
            continue
        owner = staff.get(contract.get("owner_id"))
        store = stores.get(contract.get("store_id"))
        to, cc = _addressed(_person(owner), _person(store))
        key = f"renewal:{contract.get('contract_id')}:{stage}"
        context = _renewal_context(contract, owner, store, stage, (end - today).days, today)
        context["to_name"] = to[0].name if to else ""
        found.append((end, key, Due("renewal", key, to, cc, context)))
    return [due for _, _, due in sorted(found, key=lambda item: item[:2])]


def _addressed(owner: Person | None, store: Person | None) -> tuple[list[Person], list[Person]]:
    """To the owner, cc the store; with no owner address the store gets it directly."""
    if owner is None:
        return ([store] if store else []), []
    if store is None or store.email.lower() == owner.email.lower():
        return [owner], []
    return [owner], [store]


def _renewal_context(
    contract: Record,
    owner: Record | None,
    store: Record | None,
    stage: str,
    days_left: int,
    today: date,
) -> dict[str, Any]:
    """Plain values only (str, int, bool): templates stay simple and the sandbox has less to do."""
    return {
        "kind": "renewal",
        "stage": stage,
        "expired": stage == "expired",
        "days_left": days_left,
        "days_overdue": max(-days_left, 0),
        "as_of": today.isoformat(),
        "contract": {
            "contract_id": str(contract.get("contract_id")),
            "customer_name": _text(contract.get("customer_name")),
            "phone": _text(contract.get("phone")),
            "email": _text(contract.get("email")),
            "start_date": _text(iso(contract.get("start_date"))),
            "end_date": _text(iso(contract.get("end_date"))),
            "amount": _money(contract.get("amount")),
        },
        "owner": _who(owner, "staff_id"),
        "store": _who(store, "store_id", manager=_text(store.get("manager")) if store else ""),
    }


def due_callbacks(
    records: Records, after_days: int, today: date, rights: Rights | RightsFinder | None = None
) -> list[Due]:
    """One digest per agent (the call's taker) listing completed orders still without a callback;
    a customer whose call carries a 三包 right is marked, so the agent offers it on the call."""
    staff = records.index("staff", "staff_id")
    waiting = _waiting(records, after_days, today)
    if callable(rights):
        rights = rights({str(c.get("call_id")) for items in waiting.values() for *_, c in items})
    digests = []
    for agent_id in sorted(waiting):
        orders = sorted(waiting[agent_id], key=lambda item: item[:2])
        agent = staff.get(agent_id)
        person = _person(agent)
        key = f"callback:{agent_id}:{today.isoformat()}"
        lines = [_callback_line(o, c, staff, today, rights) for _, _, o, c in orders]
        context = {
            "kind": "callback",
            "as_of": today.isoformat(),
            "agent": _who(agent, "staff_id")
            or {"staff_id": agent_id, "name": agent_id, "email": ""},
            "to_name": person.name if person else agent_id,
            "count": len(orders),
            "orders": lines,
            "with_rights": sum(1 for line in lines if line["rights"]),
        }
        digests.append(Due("callback", key, [person] if person else [], [], context))
    return digests


def _waiting(
    records: Records, after_days: int, today: date
) -> dict[str, list[tuple[datetime, str, Record, Record]]]:
    """By agent: (completed_at, order_id, order, call) of each order awaiting its callback.

    The ledger is read a column at a time (``SheetData.column``, C-level passes): a year's
    100,000 orders looked up cell by cell were a third of the digests' cost."""
    (called,) = sheet_columns(records, "callbacks", "order_id")
    done_already = set(called)
    calls = records.index("call_log", "call_id")
    columns = sheet_columns(
        records, "repair_ledger", "status", "completed_at", "order_id", "call_id"
    )
    waiting: dict[str, list[tuple[datetime, str, Record, Record]]] = defaultdict(list)
    for order, status, done, order_id, call_id in zip(
        records["repair_ledger"], *columns, strict=True
    ):
        if status != "completed" or not isinstance(done, datetime):
            continue
        if order_id in done_already or (today - done.date()).days < after_days:
            continue
        call = calls.get(call_id)
        if call is None or not call.get("taken_by"):
            continue
        waiting[str(call.get("taken_by"))].append((done, str(order_id), order, call))
    return waiting


def _callback_line(
    order: Record, call: Record, staff: dict[Any, Record], today: date, rights: Rights | None
) -> dict[str, Any]:
    done: datetime = order.get("completed_at")
    technician = staff.get(order.get("technician_id"))
    return {
        "order_id": str(order.get("order_id")),
        "call_id": _text(order.get("call_id")),
        "customer_name": _text(call.get("customer_name")),
        "phone": _text(call.get("phone")),
        "address": _text(call.get("address")),
        "product_model": _text(call.get("product_model")),
        "fault_description": _text(call.get("fault_description")),
        "completed_at": done.strftime("%Y-%m-%d %H:%M"),
        "days_since": (today - done.date()).days,
        "technician": _text(technician.get("name") if technician else order.get("technician_id")),
        "rights": [_right(r) for r in (rights or {}).get(str(call.get("call_id")), ())],
    }


def _right(right: Entitlement) -> dict[str, Any]:
    """A 三包 right as the digest shows it, in both languages (the template picks one)."""
    return {
        "rule": right.rule,
        "name_zh": right.rule_name("zh"),
        "name_en": right.rule_name("en"),
        "remedy_zh": right.remedy("zh"),
        "remedy_en": right.remedy("en"),
        "arose_on": _text(iso(right.arose_on)),
        "days": right.days,
        "pending_cause": right.pending_cause,
    }


def _who(record: Record | None, id_key: str, **more: str) -> dict[str, str] | None:
    if record is None:
        return None
    return {
        id_key: _text(record.get(id_key)),
        "name": _text(record.get("name")),
        "email": _text(record.get("email")),
        **more,
    }


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _money(value: Any) -> str:
    if value is None:
        return ""
    return f"{Decimal(value):,.2f}"


def _renewals(records: Records, policy: Policy, as_of: datetime) -> list[Due]:
    return due_renewals(records, policy.reminders.renewal_days, as_of.date())


def _callbacks(records: Records, policy: Policy, as_of: datetime) -> list[Due]:
    return due_callbacks(records, policy.reminders.callback_after_days, as_of.date())


def _sla_risk(records: Records, policy: Policy, as_of: datetime) -> list[Due]:
    from svctools.compute.sla_risk import due_sla_risk  # the SLA rules load only when asked

    return due_sla_risk(records, policy, as_of)


def _stock(records: Records, policy: Policy, as_of: datetime) -> list[Due]:
    """The day's reorder list (SPEC §7.2) to ``[stock] notify``, once a day: key ``stock:DATE``."""
    from svctools.compute.stock import compute_stock  # the stock replay loads only when asked

    if not policy.stock.notify or "parts_stock" not in records.sheets:
        return []
    low = [p for p in compute_stock(records, policy, as_of).parts if p.reorder]
    if not low:
        return []
    items = [
        {
            "part_no": p.part_no,
            "name": p.name or "",
            "qty": p.qty,
            "reorder_level": "" if p.reorder_level is None else p.reorder_level,
            "suggested_qty": p.suggested_qty,
        }
        for p in low
    ]
    day = as_of.date().isoformat()
    context = {"as_of": day, "count": len(items), "items": items}
    to = [Person("", address.strip()) for address in policy.stock.notify]
    return [Due("stock", f"stock:{day}", to, context=context)]


register(ReminderKind("renewal", "renewals", _renewals))
register(ReminderKind("callback", "callbacks", _callbacks))
register(ReminderKind("sla-risk", "sla-risk", _sla_risk, daily=False))
register(ReminderKind("stock", "stock", _stock, idle=lambda policy: not policy.stock.notify))
# The kinds of each command, for callers that name kinds rather than commands.
KINDS: dict[str, tuple[Kind, ...]] = {
    **{command: (k.kind,) for command, k in REGISTRY.items()},
    "all": tuple(k.kind for k in kinds_for("all")),
}
