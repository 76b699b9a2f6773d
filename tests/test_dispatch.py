"""Dispatch suggestions (SPEC §7.1), worked out by hand: every eligibility and ranking rule, the
pending work, the plan's priority and load updates, and a hypothesis property of the plan."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from typing import Any

from depth import examples
from hypothesis import given, settings
from hypothesis import strategies as st

from svctools.compute.dispatch import compute_dispatch
from svctools.core.policy import Policy, policy_from_dict
from svctools.core.records import Records

AS_OF = datetime(2026, 11, 20, 9, 0)
MORNING = datetime(2026, 11, 20, 8, 0)


def tech(sid: str, skill: int | None, region: str | None = None, **more: Any) -> dict[str, Any]:
    person = {"staff_id": sid, "name": f"师傅{sid}", "role": "technician", "skill_level": skill}
    return person | {"region": region, "status": "on_duty", "left_on": None} | more


def call(cid: str, level: int, when: datetime = MORNING, **more: Any) -> dict[str, Any]:
    return {
        "call_id": cid,
        "call_time": when,
        "fault_level": level,
        "urgent": None,
        "address": "北京市朝阳区建国路1号",
        "customer_name": "刘女士",
    } | more


def order(oid: str, cid: str, technician: str | None, status: str) -> dict[str, Any]:
    return {"order_id": oid, "call_id": cid, "technician_id": technician, "status": status}


def busy(technician: str, n: int, status: str = "dispatched") -> list[dict[str, Any]]:
    """``n`` open orders of ``technician`` (on old calls, which are not pending themselves)."""
    return [order(f"B{technician}{i}", "OLD", technician, status) for i in range(n)]


OLD_CALL = call("OLD", 4, datetime(2026, 1, 5, 9, 0))


def dispatch(
    staff: list[dict[str, Any]],
    calls: list[dict[str, Any]],
    ledger: list[dict[str, Any]] = (),  # type: ignore[assignment]
    plan: bool = False,
    policy: Policy | None = None,
) -> Any:
    records = Records.from_lists(
        staff=staff,
        call_log=[OLD_CALL, *calls],
        repair_ledger=[order("W-OLD", "OLD", None, "completed"), *ledger],
    )
    return compute_dispatch(records, policy or Policy(), AS_OF, plan=plan)


def ids(item: Any) -> list[str]:
    return [c.staff_id for c in item.candidates]


# -- eligibility ---------------------------------------------------------------------------------


def test_only_technicians_are_ranked() -> None:
    agent = tech("A01", 5, role="agent")
    supervisor = tech("M01", 5, role="supervisor")
    (item,) = dispatch([agent, supervisor, tech("T01", 1)], [call("C1", 4)]).items
    assert ids(item) == ["T01"]


def test_resigned_or_left_by_the_as_of_date_is_not_eligible() -> None:
    # left_on must be blank or AFTER the as-of date (2026-11-20): the 20th itself is too late.
    staff = [
        tech("T01", 3, status="resigned"),
        tech("T02", 3, left_on=date(2026, 11, 20)),
        tech("T03", 3, left_on=date(2026, 11, 21)),  # leaves tomorrow: still eligible today
        tech("T04", 3, left_on=date(2026, 11, 1)),
    ]
    (item,) = dispatch(staff, [call("C1", 3)]).items
    assert ids(item) == ["T03"]


def test_skill_must_reach_min_skill_of_the_fault_level_and_blank_skill_is_one() -> None:
    # Defaults: min_skill = {1: 4, 2: 3, 3: 2, 4: 1}.
    staff = [tech("T01", 4), tech("T02", 3), tech("T03", 2), tech("T04", None)]
    items = dispatch(staff, [call(f"C{n}", n) for n in (1, 2, 3, 4)]).items
    by_level = {item.fault_level: ids(item) for item in items}
    assert by_level[1] == ["T01"]
    assert by_level[2] == ["T02", "T01"]  # the lowest skill that suffices first
    assert by_level[3] == ["T03", "T02", "T01"]
    assert by_level[4] == ["T04", "T03", "T02"]  # blank skill counts as 1: level 4 only
    assert items[3].candidates[0].reason("zh") == "非本区域 · 在手 0/8 · 技能 1 ≥ 1"


def test_open_load_counts_dispatched_and_in_progress_only() -> None:
    # max_open_orders = 2. T01: 1 dispatched + 1 in progress = 2 open: full. T02: 2 completed,
    # 1 cancelled and 1 waiting (待派单, its technician pencilled in) = 0 open.
    policy = policy_from_dict({"dispatch": {"max_open_orders": 2}})
    ledger = [
        *busy("T01", 1),
        *busy("T01", 1, "in_progress"),
        *busy("T02", 2, "completed"),
        *busy("T02", 1, "cancelled"),
        order("W9", "C9", "T02", "new"),
    ]
    result = dispatch(
        [tech("T01", 3), tech("T02", 3)], [call("C1", 4), call("C9", 4)], ledger, policy=policy
    )
    item = next(i for i in result.items if i.call_id == "C1")
    assert ids(item) == ["T02"]
    assert item.candidates[0].load == 0


def test_nobody_eligible_says_why_for_each_technician() -> None:
    # Level 2 needs skill 3. T01 (skill 4) has 8 open orders: 8/8 is full. T02 has skill 2.
    # T03 resigned (its skill would be enough; leaving is named first).
    staff = [tech("T01", 4), tech("T02", 2), tech("T03", 5, status="resigned")]
    (item,) = dispatch(staff, [call("C1", 2)], busy("T01", 8)).items
    assert item.candidates == ()
    assert [(e.staff_id, e.why) for e in item.excluded] == [
        ("T01", "full"),
        ("T02", "short_skill"),
        ("T03", "resigned"),
    ]
    assert (
        item.reason("zh")
        == "无可派维修员：已离职：T03；技能不足：T02（2 < 3）；在手已满：T01（8/8）"
    )
    assert item.reason("en") == (
        "nobody eligible: left: T03; skill too low: T02 (2 < 3); full: T01 (8/8)"
    )
    assert [e.reason("zh") for e in item.excluded] == ["在手已满 8/8", "技能不足 2 < 3", "已离职"]


def test_no_technician_at_all() -> None:
    (item,) = dispatch([tech("A01", None, role="agent")], [call("C1", 4)]).items
    assert item.reason("zh") == "花名册里没有维修员" and item.excluded == ()


# -- ranking -------------------------------------------------------------------------------------


def test_region_match_comes_before_load() -> None:
    # The call is in 朝阳区. T02 (朝阳) has 3 open orders, T01 (海淀) none: T02 first.
    staff = [tech("T01", 3, "海淀"), tech("T02", 3, "朝阳")]
    (item,) = dispatch(staff, [call("C1", 3)], busy("T02", 3)).items
    assert ids(item) == ["T02", "T01"]
    assert item.candidates[0].reason("zh") == "区域匹配 · 在手 3/8 · 技能 3 ≥ 2"
    assert item.candidates[1].reason("zh") == "非本区域 · 在手 0/8 · 技能 3 ≥ 2"
    assert item.candidates[0].reason("en") == "same region · 3/8 open · skill 3 ≥ 2"


def test_region_is_matched_width_and_case_insensitively_and_blank_matches_nothing() -> None:
    staff = [tech("T01", 3, "ＣＢＤ"), tech("T02", 3, None), tech("T03", 3, "")]
    (item,) = dispatch(staff, [call("C1", 3, address="Beijing cbd Tower 3")]).items
    assert [(c.staff_id, c.region_match) for c in item.candidates] == [
        ("T01", True),
        ("T02", False),
        ("T03", False),
    ]


def test_lower_load_then_lowest_sufficient_skill_then_staff_id() -> None:
    # Level 3 needs skill 2. Nobody's region matches. Loads: T01 1, the rest 0.
    # Among load 0: skill 2 (T05) before skill 3 (T03, T04: by staff_id) before skill 5 (T02).
    staff = [tech("T01", 2), tech("T02", 5), tech("T04", 3), tech("T03", 3), tech("T05", 2)]
    (item,) = dispatch(staff, [call("C1", 3)], busy("T01", 1)).items
    assert ids(item) == ["T05", "T03", "T04"]  # the top three only
    assert item.reason("zh") == "非本区域 · 在手 0/8 · 技能 2 ≥ 2"


# -- pending work --------------------------------------------------------------------------------


def test_pending_is_waiting_orders_and_recent_calls_without_an_order() -> None:
    # pending_days = 14: a call from 2026-11-06 09:00 (exactly 14 days before) is listed,
    # one from 11-06 08:59 is not. A waiting order is listed however old its call. A call
    # with any order (even a cancelled one) is not pending.
    calls = [
        call("C-EDGE", 4, datetime(2026, 11, 6, 9, 0)),
        call("C-OLD", 4, datetime(2026, 11, 6, 8, 59)),
        call("C-WAIT", 4, datetime(2026, 9, 1, 9, 0)),
        call("C-CANCEL", 4),
        call("C-DONE", 4),
    ]
    ledger = [
        order("W1", "C-WAIT", None, "new"),
        order("W2", "C-CANCEL", "T01", "cancelled"),
        order("W3", "C-DONE", "T01", "dispatched"),
    ]
    items = dispatch([tech("T01", 1)], calls, ledger).items
    assert [(i.call_id, i.order_id, i.sheet) for i in items] == [
        ("C-WAIT", "W1", "repair_ledger"),
        ("C-EDGE", None, "call_log"),
    ]
    short = policy_from_dict({"dispatch": {"pending_days": 0}})
    assert [i.call_id for i in dispatch([tech("T01", 1)], calls, ledger, policy=short).items] == [
        "C-WAIT"
    ]


# -- the plan ------------------------------------------------------------------------------------


def test_plan_priority_urgent_then_level_then_call_time_then_call_id() -> None:
    calls = [
        call("C5", 1, datetime(2026, 11, 20, 7, 0)),
        call("C4", 2, datetime(2026, 11, 20, 6, 0)),
        call("C3", 4, datetime(2026, 11, 20, 8, 0), urgent=True),
        call("C2", 1, datetime(2026, 11, 20, 7, 0)),
        call("C1", 1, datetime(2026, 11, 20, 7, 30)),
    ]
    result = dispatch([tech("T01", 5)], calls, plan=True)
    # urgent C3 first; then level 1: C2 and C5 at 07:00 (by call_id), C1 at 07:30; then C4.
    assert [i.call_id for i in result.items] == ["C3", "C2", "C5", "C1", "C4"]


def test_plan_updates_loads_and_leaves_an_item_when_the_last_capable_one_is_taken() -> None:
    # max_open_orders = 3. Level 1 needs skill 4: only T01 (skill 4, 2 open) may take it.
    # C-URGENT (level 1, urgent, called later) goes first and takes T01: 3/3, full.
    # C-LATER (level 1, called earlier, not urgent) is left: T01 full with one planned, T02 skill 2.
    # C-EASY (level 4) goes to T02, the only one left (T01 is full now).
    policy = policy_from_dict({"dispatch": {"max_open_orders": 3}})
    staff = [tech("T01", 4), tech("T02", 2)]
    calls = [
        call("C-LATER", 1, datetime(2026, 11, 20, 7, 0)),
        call("C-URGENT", 1, datetime(2026, 11, 20, 8, 30), urgent="是"),
        call("C-EASY", 4, datetime(2026, 11, 20, 8, 45)),
    ]
    result = dispatch(staff, calls, busy("T01", 2), plan=True, policy=policy)
    assert [(i.call_id, i.assigned) for i in result.items] == [
        ("C-URGENT", "T01"),
        ("C-LATER", None),
        ("C-EASY", "T02"),
    ]
    urgent, later, easy = result.items
    assert urgent.reason("zh") == "非本区域 · 在手 2/3 · 技能 4 ≥ 4"
    assert [e.reason("zh") for e in later.excluded] == [
        "在手已满 3/3（含本计划 1）",
        "技能不足 2 < 4",
    ]
    assert later.reason("zh") == (
        "无可派维修员：技能不足：T02（2 < 4）；在手已满：T01（3/3，含本计划 1）"
    )
    assert ids(easy) == ["T02"]
    assert result.assigned == 2
    # Without --plan each item is ranked on today's loads alone: C-LATER could have T01 too.
    alone = dispatch(staff, calls, busy("T01", 2), policy=policy)
    assert [ids(i) for i in alone.items] == [["T01"], ["T01"], ["T02", "T01"]]
    assert all(i.assigned is None for i in alone.items)


def test_plan_spreads_work_by_load_and_shows_what_it_planned() -> None:
    # Two level-4 calls, T01 and T02 both skill 1 and empty: C1 -> T01 (staff_id), then T01 has
    # 1 planned, so C2 -> T02 (load 0 < 1).
    result = dispatch([tech("T01", 1), tech("T02", 1)], [call("C1", 4), call("C2", 4)], plan=True)
    assert [i.assigned for i in result.items] == ["T01", "T02"]
    assert [c.reason("zh") for c in result.items[1].candidates] == [
        "非本区域 · 在手 0/8 · 技能 1 ≥ 1",
        "非本区域 · 在手 1/8（含本计划 1） · 技能 1 ≥ 1",
    ]


def test_json_shape() -> None:
    result = dispatch([tech("T01", 4, "朝阳")], [call("C1", 2, urgent=True)], plan=True)
    data = result.to_dict("zh")
    assert data["as_of"] == "2026-11-20T09:00:00" and data["plan"] is True
    (item,) = data["items"]
    assert {k: item[k] for k in ("call_id", "order_id", "fault_level", "urgent", "assigned")} == {
        "call_id": "C1",
        "order_id": None,
        "fault_level": 2,
        "urgent": True,
        "assigned": "T01",
    }
    assert item["candidates"] == [
        {
            "staff_id": "T01",
            "name": "师傅T01",
            "region_match": True,
            "load": 0,
            "skill_level": 4,
            "reason": "区域匹配 · 在手 0/8 · 技能 4 ≥ 3",
        }
    ]
    assert item["reason"] == "区域匹配 · 在手 0/8 · 技能 4 ≥ 3"
    assert "assigned" not in dispatch([tech("T01", 4)], [call("C1", 2)]).to_dict()["items"][0]


# -- the property --------------------------------------------------------------------------------

_technicians = st.lists(
    st.tuples(
        st.sampled_from(["technician", "technician", "agent"]),
        st.one_of(st.none(), st.integers(1, 5)),  # skill
        st.sampled_from(["on_duty", "on_duty", "resigned"]),
        st.one_of(st.none(), st.dates(date(2026, 11, 15), date(2026, 11, 25))),  # left_on
        st.sampled_from([None, "朝阳", "海淀"]),
        st.integers(0, 4),  # open orders today
    ),
    min_size=0,
    max_size=6,
)
_items = st.lists(
    st.tuples(
        st.integers(1, 4),
        st.booleans(),
        st.integers(0, 600),  # minutes before the as-of moment
        st.sampled_from(["北京市朝阳区", "北京市海淀区", "上海"]),
        st.booleans(),  # a 待派单 order (else a call with no order)
    ),
    min_size=0,
    max_size=12,
)


def _book(technicians: list[Any], items: list[Any]) -> tuple[list[Any], list[Any], list[Any]]:
    staff, calls, ledger = [], [], []
    for n, (role, skill, status, left_on, region, open_) in enumerate(technicians):
        sid = f"T{n:02d}"
        staff.append(tech(sid, skill, region, role=role, status=status, left_on=left_on))
        ledger += busy(sid, open_)
    for n, (level, urgent, minutes, address, waiting) in enumerate(items):
        cid = f"C{n:03d}"
        calls.append(
            call(cid, level, AS_OF - timedelta(minutes=minutes), urgent=urgent, address=address)
        )
        if waiting:
            ledger.append(order(f"W{n:03d}", cid, None, "new"))
    return staff, calls, ledger


@settings(max_examples=examples(150), deadline=None)
@given(_technicians, _items, st.integers(1, 4), st.randoms(use_true_random=False))
def test_plan_never_overloads_never_assigns_the_ineligible_and_is_deterministic(
    technicians: list[Any], items: list[Any], max_open: int, rng: random.Random
) -> None:
    policy = policy_from_dict({"dispatch": {"max_open_orders": max_open}})
    staff, calls, ledger = _book(technicians, items)
    result = dispatch(staff, calls, ledger, plan=True, policy=policy)
    people = {p["staff_id"]: p for p in staff}
    opened = {sid: technicians[n][5] for n, sid in enumerate(people)}
    given_out: dict[str, int] = {}
    for item in result.items:
        if item.assigned is None:
            assert item.candidates == ()  # left only when nobody is eligible
            continue
        person = people[item.assigned]
        need = policy.dispatch.min_skill[item.fault_level]
        assert person["role"] == "technician" and person["status"] != "resigned"
        assert person["left_on"] is None or person["left_on"] > AS_OF.date()
        assert (person["skill_level"] or 1) >= need
        given_out[item.assigned] = given_out.get(item.assigned, 0) + 1
    for sid, count in given_out.items():
        assert opened[sid] + count <= max_open
    again = dispatch(staff, calls, ledger, plan=True, policy=policy)
    assert again.to_dict() == result.to_dict()
    rng.shuffle(staff)  # the same book with its rows in another order: the same plan
    rng.shuffle(calls)
    rng.shuffle(ledger)
    shuffled = dispatch(staff, calls, ledger, plan=True, policy=policy)
    assert [(i.call_id, i.order_id, i.assigned) for i in shuffled.items] == [
        (i.call_id, i.order_id, i.assigned) for i in result.items
    ]
