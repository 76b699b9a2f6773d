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
from itertools import compress
from typing import Any

from svctools.compute.computing import collection_paused, first_by, sheet_columns
from svctools.core.clock import iso
from svctools.core.messages import CATALOGUE, say, says
from svctools.core.policy import Policy
from svctools.core.records import Records
from svctools.core.schema import normalize

OPEN_STATUSES = frozenset({"dispatched", "in_progress"})  # 已派单, 维修中: the open load
TOP = 3  # places shown per item: the suggestion and two alternatives

EXCLUSION_ORDER = ("resigned", "short_skill", "full")  # the first that applies is the reason


def text(code: str, lang: str, **params: Any) -> str:
    zh, en = CATALOGUE[f"dispatch.why.{code}"]
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
                detail += say("dispatch.why.planned", lang, planned=e.planned)
        shown = say("dispatch.why.excluded", lang, staff_id=e.staff_id, detail=detail)
        groups.setdefault(e.why, []).append(shown if detail else e.staff_id)
    colon, comma, semicolon = says(("punct.colon", "punct.list", "punct.semicolon"), lang)
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
    with collection_paused():  # thousands of small results, no cycles among them
        judge = _Judge(_technicians(records, as_of), _open_loads(records), rules.max_open_orders)
        items = sorted(_pending(records, as_of, rules.pending_days), key=Item.priority)
        result = DispatchResult(as_of=as_of, plan=plan, max_open_orders=rules.max_open_orders)
        for item in items:
            need = rules.min_skill.get(item.fault_level or 0, max(rules.min_skill.values()))
            ranked = judge.ranked(need, normalize(item.address or ""))
            chosen = ranked[0].staff_id if plan and ranked else None
            if chosen is not None:
                judge.assign(chosen)
            result.items.append(
                replace(
                    item,
                    candidates=tuple(ranked[:TOP]),
                    excluded=() if ranked else judge.excluded(need),
                    assigned=chosen,
                )
            )
    return result


class _Judge:
    """Who may take an item of a given skill need, given the loads so far.

    Why a class: a busy day has thousands of items and most of them, once the plan has filled
    everyone up, meet the same technicians for the same reasons; the reasons for a skill need
    are made once per state of the loads (``assign`` changes it), not once per item.
    """

    def __init__(self, technicians: list[_Technician], loads: Counter[str], max_open: int) -> None:
        self.technicians, self.loads, self.max_open = technicians, loads, max_open
        self.planned: Counter[str] = Counter()
        self._excluded: dict[int, tuple[Exclusion, ...]] = {}

    def assign(self, staff_id: str) -> None:
        self.loads[staff_id] += 1
        self.planned[staff_id] += 1
        self._excluded.clear()

    def why_not(self, tech: _Technician, need: int) -> str | None:
        """The first rule ``tech`` fails for an item needing skill ``need`` (None: eligible)."""
        if tech.left:
            return "resigned"
        if tech.skill < need:
            return "short_skill"
        if self.loads[tech.staff_id] >= self.max_open:
            return "full"
        return None

    def ranked(self, need: int, address: str) -> list[Candidate]:
        """The eligible, ranked: region match, load, lowest sufficient skill, staff_id."""
        ranked = [
            Candidate(
                tech.staff_id,
                tech.name,
                bool(tech.region) and tech.region in address,
                self.loads[tech.staff_id],
                self.planned[tech.staff_id],
                tech.skill,
                need,
                self.max_open,
            )
            for tech in self.technicians
            if self.why_not(tech, need) is None
        ]
        ranked.sort(key=lambda c: (not c.region_match, c.load, c.skill_level, c.staff_id))
        return ranked

    def excluded(self, need: int) -> tuple[Exclusion, ...]:
        """Every technician with the rule they fail (asked when nobody is eligible)."""
        if need not in self._excluded:
            self._excluded[need] = tuple(
                Exclusion(
                    tech.staff_id,
                    tech.name,
                    self.why_not(tech, need) or "",
                    tech.skill,
                    need,
                    self.loads[tech.staff_id],
                    self.planned[tech.staff_id],
                    self.max_open,
                )
                for tech in self.technicians
            )
        return self._excluded[need]


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
    """待派单 orders (whatever their age) and calls with no order from the last pending_days.

    Whole columns at a time: a book has 100,000 calls and orders, and a morning's few
    thousand of them are waiting."""
    columns = sheet_columns(records, "call_log", *_CALL_KEYS)
    ids, times = columns[0], columns[1]
    position = first_by(ids, list(range(len(ids))))  # call_id -> its first row's index
    calls = records["call_log"]

    def call(index: int) -> tuple[Any, ...]:
        return (calls[index].row, *(column[index] for column in columns))

    orders, order_ids, call_ids, statuses = (
        records["repair_ledger"],
        *sheet_columns(records, "repair_ledger", "order_id", "call_id", "status"),
    )
    items: list[Item] = []
    for n in compress(range(len(statuses)), map("new".__eq__, statuses)):
        index = position.get(call_ids[n])
        if index is not None and times[index] is not None:
            items.append(_item(call(index), order_ids[n], "repair_ledger", orders[n].row))
    ordered = set(call_ids)
    since = as_of - timedelta(days=pending_days)
    for call_id, index in position.items():
        when = times[index]
        if when is not None and since <= when <= as_of and call_id not in ordered:
            items.append(_item(call(index), None, "call_log", calls[index].row))
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
