"""Every numeric or choice key of svctools.toml is honoured: one small book per key where it
matters, computed with the default policy and with only that key changed; the figure that key
drives moves exactly as worked out by hand in the comments.

Dates: 2026-10-12 is a Monday; 10-17/10-18 the weekend after it; no public holiday in between.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import valid_rows, write_book

from svctools.cli import cli
from svctools.compute.penalties import compute_penalties
from svctools.compute.reminders import due_reminders
from svctools.compute.settlement import compute_settlement
from svctools.compute.sla import compute_sla
from svctools.core.policy import Policy, policy_from_dict
from svctools.core.records import Records

AS_OF = datetime(2026, 11, 20, 9, 0)
OCT, NOV = date(2026, 10, 1), date(2026, 11, 1)
MON_10 = datetime(2026, 10, 12, 10)  # Monday 10:00

STAFF = [
    {"staff_id": "A1", "name": "客服甲", "role": "agent", "status": "on_duty",
     "monthly_wage": D("5000"), "email": "a1@example.com"},
    {"staff_id": "T1", "name": "维修乙", "role": "technician", "status": "on_duty",
     "store_id": "S1", "monthly_wage": D("5000")},
    {"staff_id": "T2", "name": "维修丙", "role": "technician", "status": "on_duty",
     "store_id": "S1", "monthly_wage": D("5000")},
]  # fmt: skip
STORES = [{"store_id": "S1", "name": "一号店", "email": "s1@example.com"}]


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 10, day, hour, minute)


def call(call_id: str = "C1", when: datetime | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "call_id": call_id,
        "call_time": when or at(12, 9),
        "customer_name": "客户",
        "fault_level": 1,
        "taken_by": "A1",
        "first_response_at": (when or at(12, 9)),  # answered at once: no late_response
        **extra,
    }


def order(order_id: str = "W1", call_id: str = "C1", **extra: Any) -> dict[str, Any]:
    return {
        "order_id": order_id,
        "call_id": call_id,
        "technician_id": "T1",
        "service_mode": "walk_in",
        "status": "in_progress",
        **extra,
    }


def done(order_id: str = "W1", call_id: str = "C1", **extra: Any) -> dict[str, Any]:
    """A completed order (called back at once, out of warranty unless told)."""
    values = {
        "status": "completed",
        "completed_at": at(12, 15),
        "fault_cause": "wear",
        "warranty": "out",
    }
    return order(order_id, call_id, **{**values, **extra})


def book(
    calls: list[dict[str, Any]] | None = None,
    orders: list[dict[str, Any]] | None = None,
    **sheets: list[dict[str, Any]],
) -> Records:
    orders = orders or []
    callbacks = sheets.pop(
        "callbacks",
        [
            {"order_id": o["order_id"], "called_at": o["completed_at"], "staff_id": "A1"}
            for o in orders
            if o.get("completed_at")
        ],
    )
    return Records.from_lists(
        call_log=calls if calls is not None else [call()],
        repair_ledger=orders,
        parts_used=sheets.pop("parts_used", []),
        complaints=sheets.pop("complaints", []),
        contracts=sheets.pop("contracts", []),
        callbacks=callbacks,
        staff=STAFF,
        stores=STORES,
    )


# ------------------------------------------------------------------ figures


def deadline(rule: str) -> Callable[[Records, Policy], Any]:
    """The one deadline ``rule`` set in the book (met or not)."""

    def figure(records: Records, policy: Policy) -> Any:
        found = [
            d.deadline for d in compute_sla(records, policy, AS_OF).deadlines if d.rule == rule
        ]
        assert len(found) == 1, found
        return found[0]

    return figure


def late_hours(rule: str) -> Callable[[Records, Policy], Any]:
    """late_hours of the breach of ``rule``, or None when there is no breach."""

    def figure(records: Records, policy: Policy) -> Any:
        found = [b for b in compute_sla(records, policy, AS_OF).breaches if b.rule == rule]
        assert len(found) <= 1, found
        return found[0].late_hours if found else None

    return figure


def charged(rule: str, staff_id: str) -> Callable[[Records, Policy], Any]:
    """What ``staff_id``'s October statement charges under ``rule``."""

    def figure(records: Records, policy: Policy) -> Any:
        breaches = compute_sla(records, policy, AS_OF).breaches
        statement = compute_penalties(records, breaches, policy, OCT)
        person = {s.staff_id: s for s in statement.staff}.get(staff_id)
        lines = person.lines if person else []
        return sum((line.amount for line in lines if line.rule == rule), D("0"))

    return figure


def deducted(staff_id: str) -> Callable[[Records, Policy], Any]:
    def figure(records: Records, policy: Policy) -> Any:
        breaches = compute_sla(records, policy, AS_OF).breaches
        statement = compute_penalties(records, breaches, policy, OCT)
        person = {s.staff_id: s for s in statement.staff}[staff_id]
        return (person.gross, person.deducted, person.carried_out)

    return figure


def bill(*keys: str) -> Callable[[Records, Policy], Any]:
    """Figures of the one order W1 settled in October."""

    def figure(records: Records, policy: Policy) -> Any:
        settled = {o.order_id: o for o in compute_settlement(records, policy, OCT, NOV).orders}
        return tuple(getattr(settled["W1"], key) for key in keys)

    return figure


def reminders(kind: str, as_of: datetime) -> Callable[[Records, Policy], Any]:
    def figure(records: Records, policy: Policy) -> Any:
        return [d.key for d in due_reminders(records, policy, as_of, (kind,))]

    return figure


# ------------------------------------------------------------------ books


def response_book() -> Records:
    # level-1 call Mon 09:00 answered 12:00
    return book([call(first_response_at=at(12, 12))])


def late_evening_book() -> Records:
    # level-1 call Mon 17:30 answered Tue 09:30
    return book([call(when=at(12, 17, 30), first_response_at=at(13, 9, 30))])


def arrival_book() -> Records:
    # level-2 call Mon 09:00, onsite, arrived Tue 12:00
    return book([call(fault_level=2)], [order(service_mode="onsite", arrived_at=at(13, 12))])


def accept_book(urgent: bool = False) -> Records:
    # dispatched Mon 10:00, accepted 16:00
    return book([call(urgent=urgent)], [order(dispatched_at=at(12, 10), accepted_at=at(12, 16))])


def repair_book(accepted: datetime = MON_10, **extra: Any) -> Records:
    # accepted at ``accepted``, completed Fri 10-23 10:00 (late under every setting below)
    return book([call()], [done(accepted_at=accepted, completed_at=at(23, 10), **extra)])


def complaint_book(**extra: Any) -> Records:
    values = {
        "complaint_id": "K1",
        "received_at": at(12, 10),
        "severity": "general",
        "description": "态度差",
        "handled_by": "A1",
        "responsible_id": "T1",
        "first_feedback_at": at(12, 11),
        "upheld": False,
    }
    return book(complaints=[{**values, **extra}])


def callback_book() -> Records:
    # completed Mon 10:00, first callback Fri 10-16 10:00
    callbacks = [{"order_id": "W1", "called_at": at(16, 10), "staff_id": "A1"}]
    return book([call()], [done(completed_at=at(12, 10))], callbacks=callbacks)


def warranty_book() -> Records:
    # call 2026-10-12, bought 2025-09-01; quality fault, labour 100, warranty column blank
    return book(
        [call(purchase_date=date(2025, 9, 1))],
        [done(warranty=None, fault_cause="quality", labour_fee=D("100"))],
    )


def repeat_book() -> Records:
    # serial X: E (W0, T2) completed Sat 2026-08-01 10:00; R (W1, T1) called Mon 10-12 09:00,
    # gap 71 days 23 h; cause wear, labour 100, completed in October
    calls = [
        call("C0", when=datetime(2026, 7, 30, 9), serial_no="X"),
        call("C1", serial_no="X"),
    ]
    orders = [
        done("W0", "C0", technician_id="T2", completed_at=datetime(2026, 8, 1, 10)),
        done("W1", "C1", labour_fee=D("100")),
    ]
    return book(calls, orders)


def parts_book(**extra: Any) -> Records:
    # out of warranty; 2 × 50.00 = 100.00 of parts; no labour
    parts = [{"order_id": "W1", "part_name": "主板", "qty": 2, "unit_cost": D("50")}]
    return book([call()], [done(**extra)], parts_used=parts)


def shipping_book() -> Records:
    # inbound 15.00, return 20.00, nothing else charged
    return book([call()], [done(inbound_shipping=D("15"), return_shipping=D("20"))])


def qc_book() -> Records:
    return book([call()], [done(rework_count=2)])


def contract_book() -> Records:
    contract = {
        "contract_id": "HT1",
        "customer_name": "客户",
        "start_date": date(2025, 10, 22),
        "end_date": date(2026, 10, 22),
        "owner_id": "A1",
        "store_id": "S1",
    }
    return book(contracts=[contract])


def reminder_callback_book() -> Records:
    # completed Sat 10-10 10:00, no callback row
    return book([call()], [done(completed_at=at(10, 10))], callbacks=[])


@dataclass
class Case:
    section: str
    key: str
    value: Any
    records: Callable[[], Records]
    figure: Callable[[Records, Policy], Any]
    before: Any
    after: Any
    base: dict[str, Any] = field(default_factory=dict)  # other settings both runs share

    @property
    def id(self) -> str:
        return f"{self.section}.{self.key}"


def pen(
    key: str, value: str, records: Callable[[], Records], staff_id: str, before: D, after: D
) -> Case:
    """[penalties].key: what ``staff_id`` is charged under the rule of the same name."""
    return Case("penalties", key, value, records, charged(key, staff_id), before, after)


BUSINESS = {"sla": {"hours_basis": "business"}}
SPLIT = {"fees": {"return_shipping_payer": "split"}}
LEVELS = {1: 3, 2: 2, 3: 2, 4: 2}

CASES = [
    # ---- [sla]
    # calendar: 17:30 + 1 h = 18:30 the same day; business: 17:30-18:00 counts 0.5 h, the rest
    # from 09:00 Tue -> 09:30 Tue
    Case("sla", "hours_basis", "business", late_evening_book, deadline("late_response"),
         at(12, 18, 30), at(13, 9, 30)),
    # 09:00 + 1 h = 10:00, answered 12:00 -> 2.00 h late; level 1 = 3 h -> 12:00: met
    Case("sla", "response_hours", LEVELS, response_book, late_hours("late_response"),
         D("2.00"), None),
    # level 2: 09:00 + 24 h = Tue 09:00, arrived 12:00 -> 3.00 h late; 48 h -> Wed 09:00: met
    Case("sla", "onsite_hours", {1: 4, 2: 48, 3: 48, 4: 72}, arrival_book,
         late_hours("late_arrival"), D("3.00"), None),
    # dispatched 10:00 + 2 h = 12:00, accepted 16:00 -> 4.00 h late; 5 h -> 15:00: 1.00 h late
    Case("sla", "accept_hours", 5, accept_book, late_hours("late_acceptance"),
         D("4.00"), D("1.00")),
    # urgent: 10:00 + 1 h = 11:00 -> 5.00 h late; 3 h -> 13:00: 3.00 h late
    Case("sla", "accept_hours_urgent", 3, lambda: accept_book(urgent=True),
         late_hours("late_acceptance"), D("5.00"), D("3.00")),
    # Mon 10:00 + 3 working days = Thu 10-15 10:00; + 5 = Mon 10-19 10:00 (weekend skipped)
    Case("sla", "repair_days", 5, repair_book, deadline("overdue_repair"),
         at(15, 10), at(19, 10)),
    # complex: + 7 working days (13,14,15,16,19,20,21) = Wed 10-21 10:00; + 2 = Wed 10-14 10:00
    Case("sla", "repair_days_complex", 2, lambda: repair_book(complex=True),
         deadline("overdue_repair"), at(21, 10), at(14, 10)),
    # received Mon 10:00 + 24 h = Tue 10:00; + 48 h = Wed 10:00
    Case("sla", "complaint_feedback_hours", 48, complaint_book,
         deadline("late_complaint_feedback"), at(13, 10), at(14, 10)),
    # completed Mon 10:00 + 3 days = Thu 10:00; called Fri 10:00 -> 24.00 h late; 5 days: met
    Case("sla", "callback_days", 5, callback_book, late_hours("late_callback"),
         D("24.00"), None),
    # ---- [calendar]
    # Mon 10:00 + 3 working days = Thu 10-15; Tue 10-13 a firm holiday -> Fri 10-16
    Case("calendar", "extra_holidays", ["2026-10-13"], repair_book, deadline("overdue_repair"),
         at(15, 10), at(16, 10)),
    # Thu 10-15 10:00 + 3 = Fri 16, Mon 19, Tue 20; Sat 10-17 worked -> 16, 17, 19 = Mon 10-19
    Case("calendar", "extra_workdays", ["2026-10-17"], lambda: repair_book(at(15, 10)),
         deadline("overdue_repair"), at(20, 10), at(19, 10)),
    # business hours: 17:30 + 1 h = Tue 09:30 (default windows); one window 08:00-18:30 ->
    # 17:30 + 1 h = 18:30 the same day
    Case("calendar", "working_hours", [["08:00", "18:30"]], late_evening_book,
         deadline("late_response"), at(13, 9, 30), at(12, 18, 30), BUSINESS),
    # ---- [warranty]
    # purchase 2025-09-01 + 12 months = 2026-09-01 < call 10-12: out, labour 100 charged;
    # + 24 months = 2027-09-01: in warranty, cause quality -> free, 0
    Case("warranty", "months", 24, warranty_book, bill("free", "customer_charge"),
         (False, D("100")), (True, D("0"))),
    # gap 71 d 23 h <= 90 d: a repeat, cause wear -> free; limit 60 d: charged 100
    Case("warranty", "repair_warranty_days", 60, repeat_book, bill("free", "customer_charge"),
         (True, D("0")), (False, D("100"))),
    # ---- [fees]
    # parts 100.00 × (1 + 0) = 100.00; × (1 + 0.25) = 125.00
    Case("fees", "parts_markup", "0.25", parts_book, bill("customer_parts", "customer_charge"),
         (D("100.00"), D("100.00")), (D("125.00"), D("125.00"))),
    # inbound 15 to the customer (return 20 to the company) -> charge 15, cost 20;
    # inbound to the company -> charge 0, cost 35
    Case("fees", "inbound_shipping_payer", "company", shipping_book,
         bill("customer_charge", "company_cost"), (D("15"), D("20")), (D("0"), D("35"))),
    # return 20 to the company: charge 15, cost 20; to the customer: charge 35, cost 0
    Case("fees", "return_shipping_payer", "customer", shipping_book,
         bill("customer_charge", "company_cost"), (D("15"), D("20")), (D("35"), D("0"))),
    # split at 0.5: customer 15 + 10 = 25, company 10; at 0.3: customer 15 + 6 = 21, company 14
    Case("fees", "return_shipping_customer_share", "0.3", shipping_book,
         bill("customer_charge", "company_cost"), (D("25"), D("10")), (D("21"), D("14")), SPLIT),
    # ---- [penalties]: one breach or line each, charged to the person named
    pen("late_response", "35", response_book, "A1", D("20"), D("35")),
    pen("late_acceptance", "35", accept_book, "T1", D("20"), D("35")),
    pen("late_arrival", "35", arrival_book, "T1", D("50"), D("35")),
    # the repair book also breaks no other rule: only overdue_repair (T1)
    pen("overdue_repair", "80", repair_book, "T1", D("50"), D("80")),
    # rework 2 × 30 = 60; 2 × 45 = 90
    pen("qc_rework", "45", qc_book, "T1", D("60"), D("90")),
    # E's technician T2 pays for the repeat W1 in October (R's call month)
    pen("repeat_repair", "80", repeat_book, "T2", D("50"), D("80")),
    # received Mon 10:00 + 24 h = Tue 10:00, first feedback Wed 10:00: a breach, handled_by A1
    Case("penalties", "late_complaint_feedback", "25",
         lambda: complaint_book(first_feedback_at=at(14, 10)),
         charged("late_complaint_feedback", "A1"), D("20"), D("25")),
    pen("complaint_general", "150", lambda: complaint_book(upheld=True, closed_at=at(20, 10)),
        "T1", D("100"), D("150")),
    Case("penalties", "complaint_serious", "800",
         lambda: complaint_book(upheld=True, severity="serious", closed_at=at(20, 10)),
         charged("complaint_serious", "T1"), D("500"), D("800")),
    # callback Fri 10:00 after Thu 10:00: late_callback to the call's taker A1
    pen("late_callback", "12", callback_book, "A1", D("10"), D("12")),
    # line 1500, wage 5000: cap = min(0.2 × 5000 = 1000, 5000 − 2000 = 3000) = 1000, 500 carried;
    # cap_ratio 0.1: min(500, 3000) = 500 deducted, 1000 carried
    Case("penalties", "cap_ratio", "0.1",
         lambda: complaint_book(upheld=True, closed_at=at(20, 10), penalty_amount=D("1500")),
         deducted("T1"), (D("1500"), D("1000"), D("500")), (D("1500"), D("500"), D("1000"))),
    # minimum_wage 4600: cap = min(1000, 5000 − 4600 = 400) = 400 deducted, 1100 carried
    Case("penalties", "minimum_wage", "4600",
         lambda: complaint_book(upheld=True, closed_at=at(20, 10), penalty_amount=D("1500")),
         deducted("T1"), (D("1500"), D("1000"), D("500")), (D("1500"), D("400"), D("1100"))),
    # ---- [reminders]
    # end 10-22, as of 10-12: 10 days left; stages [15, 7, 1] -> 15; [10, 3] -> 10
    Case("reminders", "renewal_days", [10, 3], contract_book,
         reminders("renewal", at(12, 8)), ["renewal:HT1:15"], ["renewal:HT1:10"]),
    # completed 10-10, as of 10-12: 2 days >= 1 -> due; >= 3 -> not yet
    Case("reminders", "callback_after_days", 3, reminder_callback_book,
         reminders("callback", at(12, 8)), ["callback:A1:2026-10-12"], []),
    # level-2 call Mon 10-12 09:00 not answered: due 09:00 + 2 h = 11:00; as of 09:30 that is
    # 1.5 h away: within risk_hours 4, not within 1
    Case("reminders", "risk_hours", 1,
         lambda: book([call(fault_level=2, first_response_at=None)]),
         reminders("sla-risk", at(12, 9, 30)), ["sla-risk:A1:2026-10-12T09"], []),
]  # fmt: skip


def _merge(base: dict[str, Any], section: str, key: str, value: Any) -> dict[str, Any]:
    merged = {name: dict(values) for name, values in base.items()}
    merged.setdefault(section, {})[key] = value
    return merged


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_policy_key_moves_its_figure(case: Case) -> None:
    default = policy_from_dict(case.base)
    changed = policy_from_dict(_merge(case.base, case.section, case.key, case.value))
    section_of = (getattr(p, case.section) for p in (default, changed))
    assert getattr(next(section_of), case.key) != getattr(next(section_of), case.key)
    records = case.records()
    assert case.figure(records, default) == case.before
    assert case.figure(case.records(), changed) == case.after


def test_every_policy_key_is_covered() -> None:
    """A key added to these sections without a case here fails this test."""
    covered = {(c.section, c.key) for c in CASES}
    skipped = {("calendar", "own_years"), ("reminders", "outbox"), ("reminders", "state")}
    for section in ("sla", "warranty", "fees", "penalties", "calendar", "reminders"):
        for key in getattr(Policy(), section).model_dump():
            assert (section, key) in covered | skipped, f"{section}.{key} has no case"


# ------------------------------------------------------------------ end to end


def _sla_json(*args: object) -> dict[str, Any]:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_cli_honours_a_real_config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The valid book's W002: accepted Mon 2026-10-12 10:30, parts wait pauses 10-14 and 10-15.
    # Default 3 working days + 2 paused -> Mon 10-19 10:30, open at 11-20 09:00: 766.50 h late.
    # repair_days = 4: + 6 working days -> Tue 10-20 10:30, 24 h less: 742.50 h.
    monkeypatch.delenv("SVCTOOLS_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)  # no ./svctools.toml
    path = write_book(tmp_path / "book.xlsx", valid_rows())
    config = tmp_path / "firm.toml"
    config.write_text("[sla]\nrepair_days = 4\n", encoding="utf-8")
    args = ("sla", path, "--month", "2026-10", "--as-of", "2026-11-20T09:00", "--format", "json")

    def w002(data: dict[str, Any]) -> tuple[str, str]:
        [found] = [b for b in data["breaches"] if b["record"] == "W002"]
        return found["deadline"], found["late_hours"]

    assert w002(_sla_json(*args)) == ("2026-10-19T10:30:00", "766.50")
    assert w002(_sla_json("--config", config, *args)) == ("2026-10-20T10:30:00", "742.50")


def test_the_defaults_without_a_config_are_an_empty_config_validated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a config file the defaults are made without validating (no pydantic validator
    is built); they must be exactly what validating an empty config gives."""
    from svctools.core.policy import CONFIG_ENV, load_policy

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(CONFIG_ENV, raising=False)
    defaults = load_policy(None)
    validated = policy_from_dict({})
    assert defaults == validated == Policy()
    assert defaults.model_dump() == validated.model_dump()
    assert defaults.to_dict() == validated.to_dict()
    assert defaults.calendar.working_hours is not Policy.model_construct().calendar.working_hours
