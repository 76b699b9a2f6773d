"""Staff penalties (SPEC §4.2): lines, months, the cap and carry-over, worked out by hand.

Default policy amounts used below: late_response 20, late_acceptance 20, late_arrival 50,
overdue_repair 50, qc_rework 30, repeat_repair 50, complaint_general 100, complaint_serious 500,
cap_ratio 0.2, minimum_wage 2000.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal as D
from typing import Any

from svctools.compute.penalties import PenaltyStatement, StaffPenalty, compute_penalties, month_cap
from svctools.compute.sla import Breach
from svctools.core.policy import Policy, policy_from_dict
from svctools.core.records import Records

SEP, OCT, NOV, DEC = date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1), date(2026, 12, 1)


def staff(staff_id: str, wage: str | None = "3000", **extra: Any) -> dict[str, Any]:
    values = {"staff_id": staff_id, "name": f"员工{staff_id}", "role": "technician"}
    if wage is not None:
        values["monthly_wage"] = D(wage)
    return {**values, **extra}


ROSTER = [staff("A1"), staff("T1"), staff("T2"), staff("T3")]


def breach(
    rule: str, staff_id: str | None, deadline: datetime, record: str = "C1", open_: bool = False
) -> Breach:
    actual = None if open_ else deadline.replace(minute=30)
    return Breach(
        rule=rule,
        sheet="call_log",
        row=2,
        record=record,
        staff_id=staff_id,
        deadline=deadline,
        actual=actual,
        late_hours=D("0.50"),
        open=open_,
    )


def fine(complaint_id: str, staff_id: str, amount: str, closed: datetime) -> dict[str, Any]:
    """An upheld complaint closed on ``closed`` with the manager's amount: a line of any size."""
    return {
        "complaint_id": complaint_id,
        "received_at": closed.replace(day=1),
        "severity": "general",
        "handled_by": "A1",
        "responsible_id": staff_id,
        "upheld": True,
        "closed_at": closed,
        "penalty_amount": D(amount),
    }


def run(
    month: date,
    breaches: list[Breach] | None = None,
    roster: list[dict] | None = None,
    policy: Policy | None = None,
    **sheets: list[dict],
) -> PenaltyStatement:
    records = Records.from_lists(staff=roster if roster is not None else ROSTER, **sheets)
    return compute_penalties(records, breaches or [], policy or Policy(), month)


def person(stmt: PenaltyStatement, staff_id: str) -> StaffPenalty:
    [found] = [s for s in stmt.staff if s.staff_id == staff_id]
    return found


def figures(p: StaffPenalty) -> tuple[D, D, D, D]:
    return p.gross, p.carried_in, p.deducted, p.carried_out


# ------------------------------------------------------------------ lines


def test_each_breach_costs_the_policy_amount_in_its_deadline_month() -> None:
    breaches = [
        breach("late_response", "A1", datetime(2026, 10, 3, 10)),
        breach("late_arrival", "T1", datetime(2026, 10, 4, 12), record="O1"),
        breach("overdue_repair", "T1", datetime(2026, 10, 2, 9), record="O2", open_=True),
        breach("late_response", "A1", datetime(2026, 9, 30, 23)),  # September's
        breach("late_callback", "A1", datetime(2026, 11, 1, 0)),  # November's
    ]
    stmt = run(OCT, breaches)
    assert [s.staff_id for s in stmt.staff] == ["A1", "T1"]
    assert figures(person(stmt, "A1")) == (D("20"), D("0"), D("20"), D("0"))
    t1 = person(stmt, "T1")
    assert t1.gross == D("100.00")  # overdue_repair 50 + late_arrival 50
    assert [(line.rule, line.record, line.amount, line.open) for line in t1.lines] == [
        ("overdue_repair", "O2", D("50.00"), True),  # deadline 10-02 first
        ("late_arrival", "O1", D("50.00"), False),
    ]


def test_policy_amounts_are_used() -> None:
    policy = policy_from_dict({"penalties": {"late_response": "35"}})
    stmt = run(OCT, [breach("late_response", "A1", datetime(2026, 10, 3, 10))], policy=policy)
    assert person(stmt, "A1").gross == D("35.00")


def test_lines_sorted_by_deadline_then_rule() -> None:
    same = datetime(2026, 10, 6, 9)
    stmt = run(
        OCT,
        [
            breach("overdue_repair", "T1", same, record="O1"),
            breach("late_acceptance", "T1", same, record="O1"),
            breach("late_arrival", "T1", datetime(2026, 10, 5, 9), record="O2"),
        ],
    )
    rules = [line.rule for line in person(stmt, "T1").lines]
    assert rules == ["late_arrival", "late_acceptance", "overdue_repair"]


def test_breach_without_responsible_person_is_a_warning() -> None:
    stmt = run(OCT, [breach("late_response", None, datetime(2026, 10, 3, 10))])
    assert stmt.staff == []
    assert [w.code for w in stmt.warnings] == ["no_person"]


def test_qc_rework_per_rework_in_the_completion_month() -> None:
    ledger = [
        {
            "order_id": "O1",
            "technician_id": "T1",
            "status": "completed",
            "rework_count": 2,
            "completed_at": datetime(2026, 10, 20, 17),
        },
        {
            "order_id": "O2",
            "technician_id": "T2",
            "status": "completed",
            "rework_count": 0,
            "completed_at": datetime(2026, 10, 21, 17),
        },
        {
            "order_id": "O3",
            "technician_id": "T3",
            "status": "completed",
            "rework_count": 1,
            "completed_at": datetime(2026, 9, 30, 17),
        },  # September
    ]
    stmt = run(OCT, repair_ledger=ledger)
    assert [s.staff_id for s in stmt.staff] == ["T1"]
    [line] = person(stmt, "T1").lines
    assert (line.rule, line.record, line.amount) == ("qc_rework", "O1", D("60.00"))  # 2 × 30
    assert line.deadline == datetime(2026, 10, 20, 17)


def _repeat_sheets(cause: str | None) -> dict[str, list[dict]]:
    calls = [
        {"call_id": "C1", "call_time": datetime(2026, 9, 1, 9), "serial_no": "SN1"},
        {"call_id": "C2", "call_time": datetime(2026, 10, 30, 9), "serial_no": "SN1"},
    ]
    ledger = [
        {
            "order_id": "E1",
            "call_id": "C1",
            "technician_id": "T1",
            "status": "completed",
            "fault_cause": "quality",
            "completed_at": datetime(2026, 9, 20, 12),
        },
        {
            "order_id": "R1",
            "call_id": "C2",
            "technician_id": "T2",
            "status": "completed" if cause else "in_progress",
            "fault_cause": cause,
            "completed_at": datetime(2026, 11, 3, 12) if cause else None,
        },
    ]
    return {"call_log": calls, "repair_ledger": ledger}


def test_repeat_repair_charges_earlier_technician_in_the_repeat_call_month() -> None:
    stmt = run(OCT, **_repeat_sheets("wear"))
    [t1] = stmt.staff  # T2, who did R1, pays nothing
    assert t1.staff_id == "T1"
    [line] = t1.lines
    assert (line.rule, line.record, line.amount) == ("repeat_repair", "R1", D("50.00"))
    assert line.deadline == datetime(2026, 10, 30, 9)  # R1's call, not E1's completion
    # E1 was completed in September and R1 in November: neither month has the line
    assert run(SEP, **_repeat_sheets("wear")).staff == []
    assert run(NOV, **_repeat_sheets("wear")).staff == []


def test_repeat_repair_with_human_cause_costs_nothing() -> None:
    stmt = run(OCT, **_repeat_sheets("human"))
    assert stmt.staff == [] and stmt.pending == []


def test_repeat_repair_without_a_cause_yet_is_pending() -> None:
    stmt = run(OCT, **_repeat_sheets(None))
    assert stmt.staff == []
    [pending] = stmt.pending
    assert (pending.rule, pending.record, pending.staff_id, pending.amount) == (
        "repeat_repair",
        "R1",
        "T1",
        D("50.00"),
    )


def test_complaints_override_default_and_pending() -> None:
    base = {"handled_by": "A1", "upheld": True, "received_at": datetime(2026, 10, 2, 9)}
    complaints = [
        {
            **base,
            "complaint_id": "K1",
            "severity": "serious",
            "responsible_id": "T1",
            "penalty_amount": D("300"),
            "closed_at": datetime(2026, 10, 15, 10),
        },  # manager: 300
        {
            **base,
            "complaint_id": "K2",
            "severity": "general",
            "responsible_id": "A1",
            "closed_at": datetime(2026, 10, 16, 10),
        },  # default general 100
        {
            **base,
            "complaint_id": "K3",
            "severity": "serious",
            "responsible_id": "T2",
            "closed_at": datetime(2026, 10, 17, 10),
        },  # default serious 500
        {
            **base,
            "complaint_id": "K4",
            "severity": "serious",
            "responsible_id": "T3",
            "upheld": False,
            "closed_at": datetime(2026, 10, 18, 10),
        },  # not upheld: nothing
        {
            **base,
            "complaint_id": "K5",
            "severity": "general",
            "responsible_id": "T3",
            "closed_at": None,
        },  # not closed: pending
        {
            **base,
            "complaint_id": "K6",
            "severity": "general",
            "responsible_id": "T3",
            "closed_at": datetime(2026, 11, 2, 10),
        },  # closed in November
    ]
    stmt = run(OCT, complaints=complaints)
    assert {s.staff_id: s.gross for s in stmt.staff} == {
        "A1": D("100.00"),
        "T1": D("300.00"),
        "T2": D("500.00"),
    }
    assert person(stmt, "T1").lines[0].rule == "complaint_serious"
    assert person(stmt, "T1").lines[0].deadline == datetime(2026, 10, 15, 10)  # closed_at
    assert [(p.record, p.amount) for p in stmt.pending] == [
        ("K5", D("100.00")),
        ("K6", D("100.00")),
    ]
    november = run(NOV, complaints=complaints)
    assert person(november, "T3").gross == D("100.00")  # K6 charged when closed
    assert [p.record for p in november.pending] == ["K5"]


# ------------------------------------------------------------------ the cap


def test_cap_is_min_of_ratio_and_room_above_minimum_wage() -> None:
    cap, why = month_cap(D("3000"), Policy())
    assert cap == D("600.00")  # min(0.2 × 3000 = 600, 3000 − 2000 = 1000)
    assert why.text("en") == (
        "cap = min(cap_ratio 0.2 × wage 3000.00 = 600.00, "
        "wage 3000.00 − minimum_wage 2000.00 = 1000.00) = 600.00"
    )
    assert month_cap(D("2400"), Policy())[0] == D("400.00")  # min(480, 400): minimum wage binds
    assert month_cap(D("1900"), Policy())[0] == D("0.00")  # below the minimum: nothing, not −100


def test_ratio_cap_applies_and_excess_carries() -> None:
    stmt = run(
        OCT,
        complaints=[
            fine("K1", "T1", "500", datetime(2026, 10, 5)),
            fine("K2", "T1", "200", datetime(2026, 10, 6)),
        ],
    )
    # gross 700; cap 600 -> deducted 600, carried out 100
    assert figures(person(stmt, "T1")) == (D("700"), D("0"), D("600"), D("100"))
    assert person(stmt, "T1").cap == D("600.00")


def test_minimum_wage_binds() -> None:
    roster = [staff("T1", wage="2400")]
    stmt = run(OCT, roster=roster, complaints=[fine("K1", "T1", "500", datetime(2026, 10, 5))])
    # cap = min(0.2 × 2400 = 480, 2400 − 2000 = 400) = 400; 500 − 400 = 100 carried
    assert figures(person(stmt, "T1")) == (D("500"), D("0"), D("400"), D("100"))


def test_carry_over_over_two_and_three_months() -> None:
    complaints = [
        fine("K1", "T1", "700", datetime(2026, 9, 10)),  # Sep 700: deduct 600, carry 100
        fine("K2", "T1", "550", datetime(2026, 10, 10)),  # Oct 550 + 100: deduct 600, carry 50
    ]
    assert figures(person(run(SEP, complaints=complaints), "T1")) == (
        D("700"),
        D("0"),
        D("600"),
        D("100"),
    )
    october = person(run(OCT, complaints=complaints), "T1")
    assert figures(october) == (D("550"), D("100"), D("600"), D("50"))
    november = person(run(NOV, complaints=complaints), "T1")  # no lines, 50 carried in
    assert figures(november) == (D("0"), D("50"), D("50"), D("0"))
    assert november.lines == []
    assert run(DEC, complaints=complaints).staff == []  # nothing left: left out


def test_carry_over_through_a_month_without_lines() -> None:
    complaints = [
        fine("K1", "T1", "1500", datetime(2026, 8, 10)),  # Aug: 1500 -> deduct 600, carry 900
        fine("K2", "T1", "100", datetime(2026, 10, 10)),  # Oct (Sep has no lines)
    ]
    # Sep: 0 + 900 carried -> deduct 600, carry 300
    september = person(run(SEP, complaints=complaints), "T1")
    assert figures(september) == (D("0"), D("900"), D("600"), D("300"))
    october = person(run(OCT, complaints=complaints), "T1")
    # Oct: 100 + 300 carried = 400 ≤ 600 -> deduct 400, carry 0
    assert figures(october) == (D("100"), D("300"), D("400"), D("0"))


def test_staff_without_wage_get_no_cap_and_a_warning() -> None:
    roster = [staff("T1", wage=None)]
    complaints = [
        fine("K1", "T1", "700", datetime(2026, 9, 10)),
        fine("K2", "T1", "800", datetime(2026, 10, 10)),
    ]
    stmt = run(OCT, roster=roster, complaints=complaints)
    # no cap: all 800 deducted, and nothing carried from September's 700 either
    assert figures(person(stmt, "T1")) == (D("800"), D("0"), D("800"), D("0"))
    assert person(stmt, "T1").cap is None
    [warning] = stmt.warnings
    assert warning.code == "no_wage"
    assert "T1" in stmt.to_dict("en")["warnings"][0]
    assert "monthly_wage" in stmt.to_dict("en")["warnings"][0]


def test_unknown_staff_id_is_charged_without_cap_and_warned() -> None:
    stmt = run(OCT, complaints=[fine("K1", "X9", "650", datetime(2026, 10, 10))])
    assert figures(person(stmt, "X9")) == (D("650"), D("0"), D("650"), D("0"))
    assert person(stmt, "X9").name is None
    assert [w.code for w in stmt.warnings] == ["no_wage"]


def test_staff_with_nothing_are_left_out() -> None:
    complaints = [fine("K1", "T3", "50", datetime(2026, 9, 10))]  # under the cap in September
    stmt = run(
        OCT, [breach("late_response", "A1", datetime(2026, 10, 3, 10))], complaints=complaints
    )
    assert [s.staff_id for s in stmt.staff] == ["A1"]  # T1, T2 nothing; T3 nothing carried


def test_to_dict_has_the_spec_shape() -> None:
    stmt = run(OCT, [breach("late_response", "A1", datetime(2026, 10, 3, 10), open_=True)])
    data = stmt.to_dict("en")
    assert set(data) == {"month", "staff", "pending", "warnings"}
    assert data["month"] == "2026-10"
    [entry] = data["staff"]
    assert {
        k: entry[k] for k in ("staff_id", "name", "gross", "carried_in", "deducted", "carried_out")
    } == {
        "staff_id": "A1",
        "name": "员工A1",
        "gross": "20.00",
        "carried_in": "0.00",
        "deducted": "20.00",
        "carried_out": "0.00",
    }
    [line] = entry["lines"]
    assert {k: line[k] for k in ("rule", "record", "amount", "deadline", "open")} == {
        "rule": "late_response",
        "record": "C1",
        "amount": "20.00",
        "deadline": "2026-10-03T10:00:00",
        "open": True,
    }
    assert (line["sheet"], line["row"]) == ("call_log", 2)
    assert data["pending"] == [] and data["warnings"] == []
