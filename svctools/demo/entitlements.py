"""The demo's 三包 cases (SPEC §7.3): a machine that failed three times, a purchase a week old
with a fault, and a part that never came. Dated back from the as-of moment, so every case is a
right that arose in the 30 days ``svctools entitlements`` shows by default, and none is a
problem ``validate`` would report.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

MODEL = "格力 KFR-35GW/NhGc1B"


def _call(number: int, when: datetime, agent: str, **values: Any) -> dict[str, Any]:
    return {
        "call_id": f"C{number:04d}",
        "call_time": when,
        "phone": f"1390000{number:04d}",
        "channel": "电话",
        "product_model": MODEL,
        "fault_level": 3,
        "taken_by": agent,
        "first_response_at": when + timedelta(minutes=20),
        **values,
    }


def _order(number: int, call: dict[str, Any], technician: str, **values: Any) -> dict[str, Any]:
    dispatched = call["call_time"] + timedelta(hours=1)
    return {
        "order_id": f"WO{number:05d}",
        "call_id": call["call_id"],
        "technician_id": technician,
        "service_mode": "上门",
        "status": "维修中",
        "dispatched_at": dispatched,
        "accepted_at": dispatched + timedelta(minutes=30),
        "arrived_at": dispatched + timedelta(hours=22),  # 09:00 the next morning
        "labour_fee": 120,
        **values,
    }


def _done(order: dict[str, Any], days: int) -> dict[str, Any]:
    """The order completed ``days`` after its acceptance, cause 质量问题, QC passed."""
    completed = order["accepted_at"] + timedelta(days=days, hours=2)
    return {**order, "status": "已完工", "completed_at": completed, "fault_cause": "质量问题"}


def add_entitlement_cases(sheets: dict[str, Any], as_of: datetime) -> None:
    """Append the three cases to the demo's call log, ledger and callbacks (numbers 901-905)."""
    today = datetime.combine(as_of.date(), time(0, 0))
    calls, orders = sheets["call_log"].rows, sheets["repair_ledger"].rows
    callbacks = sheets["callbacks"].rows
    # 1. One air conditioner, bought 200 days ago (in warranty), fails a third time: its first
    #    two repairs were quality faults, so the customer may now ask for an exchange or refund.
    machine: dict[str, Any] = {"customer_name": "钱丽华", "serial_no": "SN7700000001"}
    machine["address"] = "北京市朝阳区望京街88号3栋1202"
    machine["purchase_date"] = (today - timedelta(days=200)).date()
    repairs = []
    for number, back in ((901, 45), (902, 20), (903, 3)):
        when = today - timedelta(days=back) + timedelta(hours=10)
        call = _call(number, when, "A01", fault_description="空调不制冷", **machine)
        calls.append(call)
        repairs.append(_order(number, call, "T01"))
    orders += [_done(repairs[0], 1), _done(repairs[1], 1), repairs[2]]
    for repair in orders[-3:-1]:
        called = repair["completed_at"] + timedelta(days=1)
        callbacks.append({"order_id": repair["order_id"], "called_at": called, "staff_id": "A01"})
        callbacks[-1]["satisfaction"] = "一般"
    # 2. Bought six days before the call; repaired, not yet called back: the callback digest
    #    tells the agent the customer may still ask for a refund.
    when = today - timedelta(days=2) + timedelta(hours=11)
    bought = (when - timedelta(days=6)).date()
    call = _call(904, when, "A02", customer_name="孙志远", serial_no="SN7700000004")
    call["address"] = "上海市浦东新区世纪大道100号8栋601"
    call.update(purchase_date=bought, fault_description="空调室外机异响")
    calls.append(call)
    order = _done(_order(904, call, "T03", arrived_at=None, service_mode="到店"), 0)
    orders.append({**order, "completed_at": today - timedelta(days=1) + timedelta(hours=16)})
    # 3. The control board ordered 98 days ago never came: the order still waits for parts.
    when = today - timedelta(days=100) + timedelta(hours=10)
    call = _call(905, when, "A03", customer_name="郑海燕", serial_no="SN7700000005")
    call["address"] = "广州市天河区体育西路58号2栋903"
    call.update(
        purchase_date=(when - timedelta(days=400)).date(),
        fault_description="空调开机无反应，主板故障",
    )
    calls.append(call)
    waiting = _order(905, call, "T05")
    waiting["parts_wait_from"] = when + timedelta(days=1, hours=5)
    orders.append(waiting)
