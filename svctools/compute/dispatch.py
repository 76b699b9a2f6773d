"""Dispatch suggestions (派单建议, SPEC §7.1): who should take each waiting order, and a day's plan.

Pending work is every ledger order waiting for dispatch (待派单) plus every recent call that has
no work order yet. A technician is eligible for an item by role, status, skill for its fault
level and open load; the eligible are ranked by region, load, the lowest sufficient skill and
staff_id. ``plan`` hands the items out in priority order, each taking its best technician given
what the plan has already handed out, so the plan never piles more on anyone than the cap.
Everything here is pure: records and policy in, result dataclasses out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from svctools.compute.computing import first_by, record_columns, sheet_columns
from svctools.core.clock import iso
from svctools.core.policy import Policy
from svctools.core.records import Records
from svctools.core.schema import normalize

OPEN_STATUSES = frozenset({"dispatched", "in_progress"})  # 已派单, 维修中: the open load
TOP = 3  # places shown per item: the suggestion and two alternatives

# code -> (zh, en); the numbers are filled in from each reason's params
TEXTS: dict[str, tuple[str, str]] = {
    "region": ("区域匹配", "same region"),
    "other_region": ("非本区域", "other region"),
    "load": ("在手 {load}/{max}", "{load}/{max} open"),
    "load_planned": (
        "在手 {load}/{max}（含本计划 {planned}）",
        "{load}/{max} open ({planned} planned)",
    ),
    "skill": ("技能 {skill} ≥ {need}", "skill {skill} ≥ {need}"),
    "resigned": ("已离职", "has left"),
    "short_skill": ("技能不足 {skill} < {need}", "skill too low {skill} < {need}"),
    "full": ("在手已满 {load}/{max}", "full {load}/{max}"),
    "full_planned": (
        "在手已满 {load}/{max}（含本计划 {planned}）",
        "full {load}/{max} ({planned} planned)",
    ),
    "group_resigned": ("已离职", "left"),
    "group_short_skill": ("技能不足", "skill too low"),
    "group_full": ("在手已满", "full"),
    "nobody": ("无可派维修员：{why}", "nobody eligible: {why}"),
    "no_technicians": ("花名册里没有维修员", "the staff sheet lists no technician"),
}
EXCLUSION_ORDER = ("resigned", "short_skill", "full")  # the first that applies is the reason


def text(code: str, lang: str, **params: Any) -> str:
    zh, en = TEXTS[code]
    return (zh if lang == "zh" else en).format(**params)


@dataclass(frozen=True)
class Candidate:
    """An eligible technician in one item's ranking, with the numbers that placed them."""

    staff_id: str
    name: str | None
    region_match: bool
    load: int  # open orders, the plan's earlier assignments included
    planned: int  # of which the plan assigned
    skill_level: int
    need: int  # min_skill of the item's fault level
    max_open: int

    def reason(self, lang: str) -> str:
        """``区域匹配 · 在手 1/8 · 技能 4 ≥ 3``."""
        load = "load_planned" if self.planned else "load"
        parts = (
            text("region" if self.region_match else "other_region", lang),
            text(load, lang, load=self.load, max=self.max_open, planned=self.planned),
            text("skill", lang, skill=self.skill_level, need=self.need),
        )
        return " · ".join(parts)

    def label(self) -> str:
        return f"{self.staff_id} {self.name}" if self.name else self.staff_id

    def to_dict(self, lang: str) -> dict[str, Any]:
        return {
            "staff_id": self.staff_id,
            "name": self.name,
            "region_match": self.region_match,
            "load": self.load,
            "skill_level": self.skill_level,
            "reason": self.reason(lang),
        }


@dataclass(frozen=True)
class Exclusion:
    """Why a technician may not take an item: resigned, short_skill or full."""

    staff_id: str
    name: str | None
    why: str
    skill_level: int
    need: int
    load: int
    planned: int
    max_open: int

    def reason(self, lang: str) -> str:
        code = "full_planned" if self.why == "full" and self.planned else self.why
        return text(
            code,
            lang,
            skill=self.skill_level,
            need=self.need,
            load=self.load,
            max=self.max_open,
            planned=self.planned,
        )

    def to_dict(self, lang: str) -> dict[str, Any]:
        return {
            "staff_id": self.staff_id,
            "name": self.name,
            "why": self.why,
            "reason": self.reason(lang),
        }


@dataclass(frozen=True)
class Item:
    """A piece of pending work: a 待派单 order (``order_id``) or a call with no order yet."""

    call_id: str
    order_id: str | None
    fault_level: int | None
    urgent: bool
    call_time: datetime
    customer_name: str | None
    address: str | None
    product_model: str | None
    fault_description: str | None
    sheet: str  # where the item comes from: repair_ledger (an order) or call_log (a call)
    row: int
    candidates: tuple[Candidate, ...] = ()
    excluded: tuple[Exclusion, ...] = ()
    assigned: str | None = None  # the plan's choice (only with ``plan``)

    def priority(self) -> tuple[Any, ...]:
        """Urgent first, then fault level 1 before 2…, then call_time, call_id (SPEC §7.1)."""
        level = self.fault_level if self.fault_level is not None else 99
        return (not self.urgent, level, self.call_time, self.call_id, self.order_id or "")

    def reason(self, lang: str) -> str:
        """The first place's reason, or why nobody is eligible."""
        if self.candidates:
            return self.candidates[0].reason(lang)
        if not self.excluded:
            return text("no_technicians", lang)
        return text("nobody", lang, why=exclusion_summary(self.excluded, lang))

    def to_dict(self, lang: str, plan: bool, sheet_names: dict[str, str]) -> dict[str, Any]:
        data: dict[str, Any] = {
            "call_id": self.call_id,
            "order_id": self.order_id,
            "fault_level": self.fault_level,
            "urgent": self.urgent,
            "call_time": iso(self.call_time),
            "address": self.address,
            "sheet": sheet_names.get(self.sheet, self.sheet),
            "row": self.row,
            "candidates": [c.to_dict(lang) for c in self.candidates],
        }
        if plan:
            data["assigned"] = self.assigned
        data["reason"] = self.reason(lang)
        if self.excluded:
            data["excluded"] = [e.to_dict(lang) for e in self.excluded]
        return data


def exclusion_summary(excluded: Iterable[Exclusion], lang: str) -> str:
    """``技能不足：T04（2 < 3）；已离职：T06``: the technicians grouped by the rule they fail."""
    groups: dict[str, list[str]] = {}
    for e in excluded:
        detail = ""
        if e.why == "short_skill":
            detail = f"{e.skill_level} < {e.need}"
        elif e.why == "full":
            detail = f"{e.load}/{e.max_open}"
            if e.planned:
                detail += f"，含本计划 {e.planned}" if lang == "zh" else f", {e.planned} planned"
        shown = f"{e.staff_id}（{detail}）" if lang == "zh" else f"{e.staff_id} ({detail})"
        groups.setdefault(e.why, []).append(shown if detail else e.staff_id)
    colon, comma, semicolon = ("：", "、", "；") if lang == "zh" else (": ", ", ", "; ")
    return semicolon.join(
        f"{text('group_' + why, lang)}{colon}{comma.join(groups[why])}"
        for why in EXCLUSION_ORDER
        if why in groups
    )


@dataclass
class DispatchResult:
    as_of: datetime
    plan: bool
    items: list[Item] = field(default_factory=list)
    max_open_orders: int = 0

    @property
    def assigned(self) -> int:
        return sum(1 for item in self.items if item.assigned is not None)

    def to_dict(
        self, lang: str = "zh", sheet_names: dict[str, str] | None = None
    ) -> dict[str, Any]:
        """SPEC §7.1's JSON; ``sheet_names`` maps sheet keys to the names used in the book."""
        names = sheet_names or {}
        return {
            "as_of": iso(self.as_of),
            "plan": self.plan,
            "items": [item.to_dict(lang, self.plan, names) for item in self.items],
        }


@dataclass(frozen=True)
class _Technician:
    staff_id: str
    name: str | None
    region: str  # normalized; "" = none
    skill: int
    left: bool  # status 离职, or left_on on or before the as-of date


def compute_dispatch(
    records: Records, policy: Policy, as_of: datetime, plan: bool = False
) -> DispatchResult:
    """Every pending item with its top three technicians; with ``plan``, each one assigned.

    Without ``plan`` each item is ranked against today's loads alone; with it, items go in
    priority order and each assignment adds one to its technician's load for the items after.
    """
    rules = policy.dispatch
    technicians = _technicians(records, as_of)
    loads = _open_loads(records)
    planned: Counter[str] = Counter()
    items = sorted(_pending(records, as_of, rules.pending_days), key=Item.priority)
    result = DispatchResult(as_of=as_of, plan=plan, max_open_orders=rules.max_open_orders)
    for item in items:
        need = rules.min_skill.get(item.fault_level or 0, max(rules.min_skill.values()))
        address = normalize(item.address or "")
        ranked, excluded = _judge(technicians, loads, planned, need, address, rules.max_open_orders)
        chosen = ranked[0].staff_id if plan and ranked else None
        if chosen is not None:
            loads[chosen] += 1
            planned[chosen] += 1
        result.items.append(
            replace(
                item,
                candidates=tuple(ranked[:TOP]),
                excluded=() if ranked else tuple(excluded),
                assigned=chosen,
            )
        )
    return result


def _judge(
    technicians: list[_Technician],
    loads: Counter[str],
    planned: Counter[str],
    need: int,
    address: str,
    max_open: int,
) -> tuple[list[Candidate], list[Exclusion]]:
    """The eligible technicians ranked (region match, load, lowest sufficient skill, staff_id),
    and the others with the first rule each fails (left, skill, load)."""
    ranked: list[Candidate] = []
    excluded: list[Exclusion] = []
    for tech in technicians:
        load = loads[tech.staff_id]
        why = (
            "resigned"
            if tech.left
            else "short_skill"
            if tech.skill < need
            else "full"
            if load >= max_open
            else None
        )
        if why is not None:
            excluded.append(
                Exclusion(
                    tech.staff_id,
                    tech.name,
                    why,
                    tech.skill,
                    need,
                    load,
                    planned[tech.staff_id],
                    max_open,
                )
            )
            continue
        match = bool(tech.region) and tech.region in address
        ranked.append(
            Candidate(
                tech.staff_id,
                tech.name,
                match,
                load,
                planned[tech.staff_id],
                tech.skill,
                need,
                max_open,
            )
        )
    ranked.sort(key=lambda c: (not c.region_match, c.load, c.skill_level, c.staff_id))
    return ranked, excluded


def _technicians(records: Records, as_of: datetime) -> list[_Technician]:
    """The staff with role 维修员, first row per staff_id, in staff_id order."""
    today = as_of.date()
    found: dict[str, _Technician] = {}
    keys = ("staff_id", "role", "name", "region", "skill_level", "status", "left_on")
    for sid, role, name, region, skill, status, left_on in zip(
        *sheet_columns(records, "staff", *keys), strict=True
    ):
        if role != "technician" or sid is None or str(sid) in found:
            continue
        left = status == "resigned" or (left_on is not None and left_on <= today)
        found[str(sid)] = _Technician(
            str(sid), name, normalize(str(region or "")), int(skill or 1), left
        )
    return [found[sid] for sid in sorted(found)]


def _open_loads(records: Records) -> Counter[str]:
    """Orders 已派单 or 维修中 per technician_id."""
    statuses, techs = sheet_columns(records, "repair_ledger", "status", "technician_id")
    return Counter(
        str(tech)
        for status, tech in zip(statuses, techs, strict=True)
        if status in OPEN_STATUSES and tech is not None
    )


_CALL_KEYS = (
    "call_id",
    "call_time",
    "fault_level",
    "urgent",
    "customer_name",
    "address",
    "product_model",
    "fault_description",
)


def _pending(records: Records, as_of: datetime, pending_days: int) -> list[Item]:
    """待派单 orders (whatever their age) and calls with no order from the last pending_days."""
    columns = sheet_columns(records, "call_log", *_CALL_KEYS)
    rows = [record.row for record in records["call_log"]]
    calls = first_by(columns[0], list(zip(rows, *columns, strict=True)))
    items: list[Item] = []
    ordered: set[Any] = set()
    for order, order_id, call_id, status in record_columns(
        records, "repair_ledger", "order_id", "call_id", "status"
    ):
        ordered.add(call_id)
        call = calls.get(call_id)
        if status == "new" and call is not None and call[2] is not None:
            items.append(_item(call, order_id, "repair_ledger", order.row))
    since = as_of - timedelta(days=pending_days)
    for call_id, call in calls.items():
        if call_id not in ordered and call[2] is not None and since <= call[2] <= as_of:
            items.append(_item(call, None, "call_log", call[0]))
    return items


def _item(call: tuple[Any, ...], order_id: Any, sheet: str, row: int) -> Item:
    _, call_id, call_time, level, urgent, customer, address, model, fault = call
    return Item(
        call_id=str(call_id),
        order_id=None if order_id is None else str(order_id),
        fault_level=level,
        urgent=bool(urgent),
        call_time=call_time,
        customer_name=customer,
        address=address,
        product_model=model,
        fault_description=fault,
        sheet=sheet,
        row=row,
    )
