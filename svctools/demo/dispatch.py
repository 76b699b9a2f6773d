"""The demo book's waiting work: a morning's new calls and 待派单 orders for ``dispatch``.

Fixed rows, no random draws (the rest of the demo book stays as its seed makes it), timed back
from the as-of moment so that every one lies in the past whatever ``--as-of`` the demo runs at.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

# (minutes before as-of, fault level, urgent, address, product, fault, agent, waiting order?);
# the calls come in from 08:00
_MORNING = [
    (
        10,
        1,
        "是",
        "北京市朝阳区建国路88号3栋1201",
        "格力 KFR-35GW/NhGc1B",
        "空调不制冷",
        "A01",
        True,
    ),
    (20, 3, None, "上海市浦东新区张杨路500号", "小天鹅 TG100V120WDG", "洗衣机不排水", "A02", False),
    (35, 2, None, "广州市天河区天河路208号", "美的 KFR-26GW/N8MJA3", "室内机漏水", "A03", True),
    (50, 4, None, "北京市朝阳区建国路12号", "方太 CXW-258-EMD1T", "油烟机噪音大", "A01", False),
    (
        58,
        2,
        "是",
        "上海市浦东新区世纪大道100号",
        "海尔 BCD-470WDPG",
        "冰箱冷藏室不冷",
        "A02",
        True,
    ),
    (16 * 60, 3, None, "广州市越秀区中山五路33号", "华帝 i11083", "燃气灶打不着火", "A03", True),
    (
        18 * 60,
        1,
        None,
        "北京市海淀区中关村大街27号",
        "海信 HZ65E3D",
        "电视无信号显示",
        "A01",
        False,
    ),
]


_NAMES = ("韩雪梅", "邓建国", "曹丽娟", "彭志刚", "曾晓燕", "田文博", "董佳怡")


def add_waiting_work(
    calls: list[dict[str, Any]], orders: list[dict[str, Any]], as_of: datetime
) -> None:
    """Append the morning's calls, and a 待派单 order (no technician yet) for some of them."""
    for number, (minutes, level, urgent, address, product, fault, agent, waiting) in enumerate(
        _MORNING, start=1
    ):
        when = (as_of - timedelta(minutes=minutes)).replace(second=0, microsecond=0)
        call_id = f"C{950 + number:04d}"  # C0951…: clear of the other demo cases (C09xx)
        calls.append(
            {
                "call_id": call_id,
                "call_time": when,
                "customer_name": _NAMES[number - 1],
                "phone": f"1370000{number:04d}",
                "address": address,
                "channel": "电话",
                "product_model": product,
                "fault_description": fault,
                "fault_level": level,
                "urgent": urgent,
                "taken_by": agent,
                "first_response_at": when + timedelta(minutes=10),
            }
        )
        if waiting:
            orders.append(_waiting(f"WO{9000 + number:05d}", call_id))


def _waiting(order_id: str, call_id: str) -> dict[str, Any]:
    """A work order written up but not yet dispatched: status 待派单, 维修员 blank."""
    order: dict[str, Any] = {
        "order_id": order_id,
        "call_id": call_id,
        "technician_id": None,
        "service_mode": "上门",
        "status": "待派单",
    }
    for key in ("labour_fee", "inbound_shipping", "return_shipping"):
        order[key] = None
    return order
