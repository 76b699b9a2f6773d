"""Deadlines at risk (SPEC §7.5): open deadlines not yet met that fall due within
``[reminders] risk_hours`` of the as-of moment, as one digest per person and one per store.

Pure: records and policy in, ``Due`` items out. The horizon is counted like the rule's own
limit: the hour rules and the repair rule follow ``[sla] hours_basis`` (business: only the
working hours of working days, so at 17:00 a 4-hour horizon reaches 12:00 the next working
day, lunch and holidays not counted); ``late_callback``, a calendar-day rule, counts calendar
hours. The key carries the as-of hour: an hourly cron warns at most once an hour, and a
deadline met since the last run is simply no longer listed.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from svctools.compute.due import Due, Person, person_of
from svctools.compute.sla import PENDING, RULE_NAMES_ZH, Deadline, compute_sla
from svctools.compute.workcal import WorkCalendar, hours_delta
from svctools.core.clock import minute_text
from svctools.core.policy import Policy
from svctools.core.records import Records

CALENDAR_DAY_RULES = frozenset({"late_callback"})


def at_risk(
    records: Records, policy: Policy, as_of: datetime, cal: WorkCalendar | None = None
) -> list[tuple[Deadline, int]]:
    """Pending deadlines due within the horizon, in deadline order, with the minutes left
    (counted like the horizon: working minutes under business hours)."""
    cal = cal if cal is not None else WorkCalendar.from_policy(policy.calendar)
    risk = Decimal(policy.reminders.risk_hours)
    business = policy.sla.hours_basis == "business"
    by_calendar = as_of + hours_delta(risk)
    by_business = cal.add_hours(as_of, risk, "business").deadline if business else by_calendar
    found = []
    for item in compute_sla(records, policy, as_of, cal).deadlines:
        if item.outcome != PENDING or item.deadline < as_of:
            continue
        on_business = business and item.rule not in CALENDAR_DAY_RULES
        if item.deadline > (by_business if on_business else by_calendar):
            continue
        left = cal.working_time(as_of, item.deadline) if on_business else item.deadline - as_of
        found.append((item, int(left // timedelta(minutes=1))))
    return found


def due_sla_risk(records: Records, policy: Policy, as_of: datetime) -> list[Due]:
    """One digest per responsible person, then one per store (its staff's deadlines)."""
    staff = records.index("staff", "staff_id")
    stores = records.index("stores", "store_id")
    hour = as_of.strftime("%Y-%m-%dT%H")
    people: dict[str, list[dict[str, Any]]] = defaultdict(list)
    by_store: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for item, minutes in at_risk(records, policy, as_of):
        if not item.staff_id:
            continue
        member = staff.get(item.staff_id)
        line = _line(item, minutes, member.get("name") if member else None)
        people[item.staff_id].append(line)
        store_id = member.get("store_id") if member else None
        if store_id:
            by_store[str(store_id)].append(line)
    digests = []
    for staff_id in sorted(people):
        member = staff.get(staff_id)
        person = person_of(member)
        name = str(member.get("name") or staff_id) if member else staff_id
        digests.append(
            _digest(f"sla-risk:{staff_id}:{hour}", person, name, people[staff_id], as_of)
        )
    for store_id in sorted(by_store):
        store = stores.get(store_id)
        person = person_of(store)
        name = str(store.get("name") or store_id) if store else store_id
        key = f"sla-risk:store:{store_id}:{hour}"
        digests.append(_digest(key, person, name, by_store[store_id], as_of, store=True))
    return digests


def _line(item: Deadline, minutes: int, name: Any) -> dict[str, Any]:
    return {
        "rule": item.rule,
        "rule_zh": RULE_NAMES_ZH.get(item.rule, item.rule),
        "record": item.record,
        "sheet": item.sheet,
        "row": item.row,
        "staff_id": item.staff_id or "",
        "staff_name": "" if name is None else str(name),
        "deadline": minute_text(item.deadline),
        "minutes_left": minutes,
        "left": f"{minutes // 60}:{minutes % 60:02d}",
    }


def _digest(
    key: str,
    person: Person | None,
    name: str,
    lines: list[dict[str, Any]],
    as_of: datetime,
    store: bool = False,
) -> Due:
    context = {
        "kind": "sla-risk",
        "as_of": minute_text(as_of),
        "to_name": name,
        "store": store,
        "count": len(lines),
        "items": lines,
    }
    return Due("sla-risk", key, [person] if person else [], [], context)
