"""``demo``: a realistic sample book (with a few planted mistakes) and a run of every command.

The book is messy the way real ones are: a merged title row, headers in another order, an
extra column, a totals row, dates typed as text, phones stored as numbers, full-width digits.
Everything follows from ``seed`` and ``as_of``, so a test can check exactly what is planted.
"""

from __future__ import annotations

import random
import shutil
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from svctools.core.clock import add_months
from svctools.core.schema import load_schema, package_folder
from svctools.demo.at_risk import DEMO_NOTIFY, add_calls_at_risk
from svctools.demo.catalogue import (
    CITIES,
    CONTRACT_CUSTOMERS,
    GIVEN,
    MOBILE_PREFIXES,
    PARTS,
    PRODUCTS,
    SURNAMES,
    Product,
)
from svctools.demo.dispatch import add_waiting_work
from svctools.demo.entitlements import add_entitlement_cases
from svctools.demo.stock import stock_sheets
from svctools.outputs.sample_book import SampleSheet, write_sample_book

DEMO_AS_OF = datetime(2026, 11, 20, 9, 0)
BOOK_NAME = "svctools-demo.xlsx"
DEMO_MONTH = "2026-10"  # the month the demo computes: the last full month before DEMO_AS_OF
START = date(2026, 8, 1)  # three full months before the demo's November: every month compares
CALLS_PER_DAY = 2.2

_PART_ROWS = [(no, name, unit) for no, (name, unit) in PARTS.items()]  # (part_no, name, cost)
DAY_STARTS, DAY_ENDS = 8, 20  # technicians and agents work 08:00-20:00, weekends too


@dataclass(frozen=True)
class Planted:
    """A mistake put into the demo book on purpose: ``validate`` must report exactly these."""

    sheet: str
    row: int
    field: str
    code: str
    title: str = ""  # the sheet's name in the book


class _Maker:
    """Draws the demo data; every choice comes from one seeded ``random.Random``."""

    def __init__(self, seed: int, as_of: datetime) -> None:
        self.rng = random.Random(seed)
        self.as_of = as_of

    def person(self) -> str:
        return self.rng.choice(SURNAMES) + self.rng.choice(GIVEN)

    def phone(self) -> Any:
        number = f"{self.rng.choice(MOBILE_PREFIXES)}{self.rng.randrange(10**8):08d}"
        form = self.rng.random()
        if form < 0.3:
            return int(number)  # Excel turned it into a number
        if form < 0.4:
            return f"+86 {number[:3]}-{number[3:7]}-{number[7:]}"
        return number

    def moment(self, start: datetime, low_h: float, high_h: float) -> datetime:
        """Some working hours (08:00-20:00) after ``start``: nobody arrives at 01:51."""
        left = timedelta(hours=self.rng.uniform(low_h, high_h))
        moment = start
        while True:
            if moment.hour < DAY_STARTS:
                moment = moment.replace(hour=DAY_STARTS, minute=0)
            day_end = moment.replace(hour=DAY_ENDS, minute=0, second=0, microsecond=0)
            if moment >= day_end:
                moment = day_end.replace(hour=DAY_STARTS) + timedelta(days=1)
                day_end += timedelta(days=1)
            if moment + left <= day_end:
                return (moment + left).replace(second=0, microsecond=0)
            left -= day_end - moment
            moment = day_end

    def when(self, moment: datetime | None) -> Any:
        """A datetime as a clerk might have entered it: a real date, or typed as text."""
        if moment is None:
            return None
        form = self.rng.random()
        if form < 0.12:
            return f"{moment.year}年{moment.month}月{moment.day}日 {moment.hour}时{moment.minute}分"
        if form < 0.2:
            return f"{moment.year}/{moment.month}/{moment.day} {moment:%H:%M}"
        return moment

    def money(self, amount: str) -> Any:
        form = self.rng.random()
        if form < 0.1:
            return f"¥{amount}"
        if form < 0.15:
            return amount.translate(str.maketrans("0123456789", "０１２３４５６７８９")) + "元"
        return float(amount) if "." in amount else int(amount)


def _staff() -> list[dict[str, Any]]:
    rows = [
        ("A01", "陈静", "agent", None, "S01", 5200),
        ("A02", "刘洋", "agent", None, "S02", 5000),
        ("A03", "周敏", "agent", None, "S03", 4800),
        ("T01", "王强", "technician", 4, "S01", 7600),
        ("T02", "李军", "technician", 3, "S01", 6800),
        ("T03", "张磊", "technician", 5, "S02", 8800),
        ("T04", "赵勇", "technician", 2, "S02", 2400),
        ("T05", "黄超", "technician", 3, "S03", 6500),
        ("T06", "吴涛", "technician", 3, "S03", 6200),
        ("Q01", "徐丽", "qc", None, "S01", 5600),
        ("M01", "孙建华", "supervisor", None, "S01", 9800),
        ("M02", "马志强", "manager", None, None, None),
    ]
    staff = []
    for number, (sid, name, role, skill, store, wage) in enumerate(rows):
        staff.append(
            {
                "staff_id": sid,
                "name": name,
                "role": role,
                "skill_level": skill,
                "region": {"S01": "朝阳区", "S02": "浦东新区", "S03": "天河区"}.get(store or ""),
                "store_id": store,
                "status": "resigned" if sid == "T06" else "on_duty",
                "hired_on": date(2021 + number % 4, 1 + number % 12, 1 + number),
                "left_on": date(2026, 10, 15) if sid == "T06" else None,
                "monthly_wage": wage,
                "email": f"{sid.lower()}@example.cn",
                "phone": int(_roster_phone(number)),
            }
        )
    return staff


def _roster_phone(number: int) -> str:
    """A fixed, plausible mobile number per roster line (the roster does not change with seed)."""
    prefix = MOBILE_PREFIXES[(number * 7 + 3) % len(MOBILE_PREFIXES)]
    return f"{prefix}{(number * 73_914_071 + 20_481_736) % 10**8:08d}"


def _stores() -> list[dict[str, Any]]:
    return [
        {
            "store_id": "S01",
            "name": "北京朝阳服务中心",
            "manager": "孙建华",
            "email": "chaoyang@example.cn",
        },
        {
            "store_id": "S02",
            "name": "上海浦东服务中心",
            "manager": "刘洋",
            "email": "pudong@example.cn",
        },
        {
            "store_id": "S03",
            "name": "广州天河服务中心",
            "manager": "周敏",
            "email": "tianhe@example.cn",
        },
    ]


_TECHS = {"S01": ["T01", "T02"], "S02": ["T03", "T04"], "S03": ["T05", "T06"]}
_AGENT = {"S01": "A01", "S02": "A02", "S03": "A03"}


def _call(m: _Maker, number: int, when: datetime, store: str, earlier: list[dict[str, Any]]):
    rng = m.rng
    product: Product = rng.choice(PRODUCTS)
    serial = f"SN{rng.randrange(10**10):010d}"
    purchase: date | None = when.date() - timedelta(days=rng.randrange(20, 1100))
    city, streets = CITIES[store]
    customer = {
        "customer_name": m.person(),
        "phone": m.phone(),
        "email": f"user{number:04d}@example.com" if rng.random() < 0.4 else None,
        "address": f"{city}{rng.choice(streets)}{rng.randrange(1, 300)}号"
        f"{rng.randrange(1, 30)}栋{rng.randrange(101, 2802)}",
    }
    done = [
        o
        for o in earlier
        if o["_done"] and o["_call"]["_store"] == store and 5 <= (when - o["_done"]).days <= 60
    ]
    if done and rng.random() < 0.08:  # the same machine fails again: a repeat repair
        first = rng.choice(done)
        product, serial, purchase = first["_product"], first["_serial"], first["_purchase"]
        customer = {key: first["_call"][key] for key in customer}
    if rng.random() < 0.2:
        purchase = None
    level = rng.choices([1, 2, 3, 4], weights=[1, 3, 4, 2])[0]
    response = m.moment(when, 0.05, 0.4 + level * 0.45)
    return {
        "call_id": f"C{number:04d}",
        "call_time": when,
        **customer,
        "channel": rng.choice(["电话", "电话", "微信", "在线", "APP", "门店"]),
        "product_model": product.model,
        "serial_no": serial,
        "purchase_date": purchase,
        "fault_description": rng.choice(product.faults),
        "fault_level": rng.choice([level, level, f"{'一二三四'[level - 1]}级"]),
        "urgent": rng.choice(["是", None, None, None, None, "否"]),
        "taken_by": _AGENT[store],
        "first_response_at": response if response <= m.as_of else None,
        "_level": level,
        "_store": store,
        "_product": product,
    }


def _order(m: _Maker, call: dict[str, Any], number: int) -> dict[str, Any] | None:
    rng, as_of = m.rng, m.as_of
    store = call["_store"]
    techs = [t for t in _TECHS[store] if t != "T06" or call["call_time"] < datetime(2026, 10, 13)]
    mode = rng.choices(["onsite", "mail_in", "walk_in", "remote"], weights=[13, 3, 3, 1])[0]
    dispatched = m.moment(call["call_time"], 0.3, 4)
    if dispatched > as_of:
        return None
    accepted = m.moment(dispatched, 0.1, 1.2 if call["urgent"] == "是" else 2.6)
    arrived = m.moment(accepted, 0.5, 2 + 8 * call["_level"]) if mode == "onsite" else None
    complex_ = rng.random() < 0.15
    wait: tuple[datetime, datetime] | None = None
    start = arrived or accepted
    if rng.random() < 0.1:
        wait_from = m.moment(start, 2, 15)
        wait = (wait_from, m.moment(wait_from, 10, 50))
        start = wait[1]
    completed = m.moment(start, 1, 12 * (8 if complex_ else 4))
    times = _by_as_of(
        as_of,
        accepted=accepted,
        arrived=arrived,
        completed=completed,
        wait_from=wait[0] if wait else None,
        wait_to=wait[1] if wait else None,
    )
    status = (
        "completed" if times["completed"] else "in_progress" if times["accepted"] else "dispatched"
    )
    if rng.random() < 0.04:
        status, times = "cancelled", dict.fromkeys(times)
    cause = rng.choices(["质量问题", "人为损坏", "正常磨损", "其他"], weights=[11, 3, 4, 2])[0]
    labour = rng.choice(["80", "120", "150", "200", "60.5"])
    warranty = None
    if call["purchase_date"] and rng.random() < 0.25:
        until = add_months(call["purchase_date"], 12)
        warranty = "保内" if call["call_time"].date() <= until else "保外"
    return {
        "order_id": f"WO{number:05d}",
        "call_id": call["call_id"],
        "technician_id": rng.choice(techs),
        "service_mode": {"onsite": "上门", "mail_in": "寄修", "walk_in": "到店", "remote": "远程"}[
            mode
        ],
        "status": {
            "completed": "已完工",
            "cancelled": "已取消",
            "in_progress": "维修中",
            "dispatched": "已派单",
        }[status],
        "dispatched_at": dispatched,
        "accepted_at": times["accepted"],
        "arrived_at": times["arrived"],
        "completed_at": times["completed"],
        "complex": "是" if complex_ else None,
        "warranty": warranty,
        "fault_cause": cause if status == "completed" else None,
        "labour_fee": labour,
        "inbound_shipping": rng.choice(["15", "18", "22"]) if mode == "mail_in" else None,
        "return_shipping": rng.choice(["15", "18"]) if mode == "mail_in" else None,
        "parts_wait_from": times["wait_from"],
        "parts_wait_to": times["wait_to"],
        "qc_result": rng.choice(["合格", "合格", "合格", "不合格"])
        if status == "completed"
        else None,
        "rework_count": None,
        "amount_paid": None,
        "_done": times["completed"],
        "_product": call["_product"],
        "_serial": call["serial_no"],
        "_purchase": call["purchase_date"],
        "_status": status,
        "_call": call,
    }


def _by_as_of(as_of: datetime, **times: datetime | None) -> dict[str, datetime | None]:
    """What has happened by the as-of moment; a step not yet reached is blank in the book."""
    return {key: (t if t is not None and t <= as_of else None) for key, t in times.items()}


def _details(m: _Maker, orders: list[dict[str, Any]]) -> tuple[list, list]:
    """Parts used and callbacks for the completed orders."""
    rng, parts, callbacks = m.rng, [], []
    for order in orders:
        if order["_status"] != "completed":
            continue
        if order["qc_result"] == "不合格":
            order["rework_count"] = rng.choice([1, 1, 2])
        cost = 0.0
        for _ in range(rng.choices([0, 1, 2], weights=[4, 5, 2])[0]):
            part_no = rng.choice(order["_product"].parts)
            name, unit = PARTS[part_no]
            qty = rng.choice([1, 1, 1, 2])
            cost += qty * float(unit)
            parts.append(
                {
                    "order_id": order["order_id"],
                    "part_no": part_no,
                    "part_name": name,
                    "qty": qty,
                    "unit_cost": m.money(unit),
                }
            )
        if rng.random() < 0.7:
            paid = float(order["labour_fee"]) + cost if order["fault_cause"] == "人为损坏" else 0
            order["amount_paid"] = m.money(f"{paid:.2f}") if paid else None
        if (m.as_of - order["_done"]).days >= 1 and rng.random() < 0.85:
            called = m.moment(order["_done"], 2, 40)
            if called <= m.as_of:
                callbacks.append(
                    {
                        "order_id": order["order_id"],
                        "called_at": m.when(called),
                        "staff_id": order["_call"]["taken_by"],
                        "satisfaction": rng.choice(
                            ["非常满意", "满意", "满意", "一般", "不满意", 5, 4]
                        ),
                        "comments": rng.choice(
                            [
                                None,
                                "师傅很专业",
                                "上门准时",
                                "等配件时间有点长",
                                "希望以后提前电话联系",
                                None,
                            ]
                        ),
                    }
                )
    return parts, callbacks


def _complaints(m: _Maker, orders: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rng, rows = m.rng, []
    done = [o for o in orders if o["_status"] == "completed"]
    count = min(len(done), max(8, len(done) // 12))  # about one completed order in twelve
    for number, order in enumerate(rng.sample(done, count), start=1):
        received = m.moment(order["_done"], 6, 60)
        if received > m.as_of - timedelta(days=1):
            continue
        feedback = m.moment(received, 1, 14)
        closed = m.moment(feedback, 12, 70)
        upheld = rng.random() < 0.6
        rows.append(
            {
                "complaint_id": f"TS{number:03d}",
                "received_at": received,
                "customer_name": order["_call"]["customer_name"],
                "phone": order["_call"]["phone"],
                "order_id": order["order_id"],
                "severity": "严重" if rng.random() < 0.25 else "一般",
                "description": rng.choice(
                    [
                        "上门迟到两个小时",
                        "维修后第二天又坏了",
                        "收费与报价不符",
                        "师傅态度不好",
                        "配件等了一周",
                    ]
                ),
                "handled_by": order["_call"]["taken_by"],
                "responsible_id": order["technician_id"],
                "first_feedback_at": feedback if feedback <= m.as_of else None,
                "upheld": "是" if upheld else "否",
                "closed_at": closed if closed <= m.as_of else None,
                "penalty_amount": "200" if upheld and rng.random() < 0.3 else None,
                "compensation": rng.choice([None, "50", "100"]) if upheld else None,
            }
        )
    return rows


def _contracts(m: _Maker) -> list[dict[str, Any]]:
    rows = []
    offsets = [-3, 1, 6, 7, 13, 15, 40, 90, 150, 230]
    for number, offset in enumerate(offsets, start=1):
        end = m.as_of.date() + timedelta(days=offset)
        store = ["S01", "S02", "S03"][number % 3]
        rows.append(
            {
                "contract_id": f"HT{number:03d}",
                "customer_name": CONTRACT_CUSTOMERS[store][number // 3 % 4],
                "phone": m.phone(),
                "email": f"contract{number:03d}@example.com",
                "start_date": add_months(end, -12) + timedelta(days=1),
                "end_date": end,
                "amount": m.money(m.rng.choice(["12000", "8800", "26000", "4500.5"])),
                "store_id": store,
                "owner_id": _AGENT[store],
                "renewal_status": "已续签" if number == 9 else m.rng.choice(["未续签", None]),
            }
        )
    return rows


def _plant(sheets: dict[str, SampleSheet], as_of: datetime) -> None:
    """The mistakes a clerk makes; each must come back from ``validate`` as exactly one problem."""
    calls, ledger = sheets["call_log"].rows, sheets["repair_ledger"].rows
    done = [i for i, o in enumerate(ledger) if o["_status"] == "completed"]

    def plant(key: str, index: int, column: str, value: Any, code: str) -> None:
        sheets[key].rows[index][column] = value
        sheets[key].planted.append((index, column, code))

    plant("call_log", 4, "phone", "138-1234-567", "bad_phone")
    plant("call_log", 7, "purchase_date", "2026-02-30", "bad_value")
    duplicate = dict(calls[-1], call_id=calls[10]["call_id"], customer_name="何平")
    calls.append(duplicate)
    sheets["call_log"].planted.append((len(calls) - 1, "call_id", "duplicate_key"))
    plant("repair_ledger", done[1], "technician_id", "T99", "unknown_ref")
    order = ledger[done[2]]
    plant(
        "repair_ledger",
        done[2],
        "accepted_at",
        order["dispatched_at"] - timedelta(minutes=40),
        "time_order",
    )
    plant("repair_ledger", done[3], "status", "已完成", "not_in_enum")
    plant("repair_ledger", done[4], "fault_cause", None, "missing_required")
    late = next(
        i
        for i in done[5:]
        if ledger[i]["_call"]["_store"] == "S03"
        and ledger[i]["dispatched_at"] > datetime(2026, 10, 20)
    )
    plant("repair_ledger", late, "technician_id", "T06", "inactive_staff")

    def long_owned(i: int) -> bool:
        call = ledger[i]["_call"]
        bought = call["purchase_date"]
        return isinstance(bought, date) and (call["call_time"].date() - bought).days > 500

    old = next(i for i in done[5:] if i != late and long_owned(i))
    plant("repair_ledger", old, "warranty", "保内", "warranty_mismatch")
    plant("parts_used", 2, "unit_cost", None, "missing_required")
    complaint = next(i for i, c in enumerate(sheets["complaints"].rows) if c["first_feedback_at"])
    plant("complaints", complaint, "first_feedback_at", f"{as_of.year}-12-01 10:00", "future_time")
    plant("staff", 4, "email", "li.jun@", "bad_email")


def demo_sheets(seed: int, as_of: datetime) -> dict[str, SampleSheet]:
    m = _Maker(seed, as_of)
    calls: list[dict[str, Any]] = []
    orders: list[dict[str, Any]] = []
    days = max((as_of.date() - START).days, 1)
    moments = sorted(
        datetime.combine(START, datetime.min.time())
        + timedelta(days=m.rng.randrange(days), hours=m.rng.uniform(DAY_STARTS, DAY_ENDS))
        for _ in range(round(CALLS_PER_DAY * days))
    )
    for number, when in enumerate((t.replace(second=0, microsecond=0) for t in moments), 1):
        if when > as_of - timedelta(hours=2):
            continue
        call = _call(m, number, when, m.rng.choice(["S01", "S02", "S03"]), orders)
        calls.append(call)
        order = _order(m, call, len(orders) + 1) if m.rng.random() < 0.9 else None
        if order:
            orders.append(order)
    parts, callbacks = _details(m, orders)
    sheets = {
        "call_log": SampleSheet("call_log", calls, title=f"{START.year}年来电登记表", extra="备注"),
        "repair_ledger": SampleSheet(
            "repair_ledger",
            orders,
            totals=("labour_fee", "amount_paid"),
            order=["order_id", "status", "call_id", "technician_id", "service_mode"],
        ),
        "parts_used": SampleSheet("parts_used", parts),
        "complaints": SampleSheet("complaints", _complaints(m, orders), title="客户投诉登记表"),
        "staff": SampleSheet("staff", _staff()),
        "stores": SampleSheet("stores", _stores()),
        "contracts": SampleSheet("contracts", _contracts(m)),
        "callbacks": SampleSheet("callbacks", callbacks),
    }
    _plant(sheets, as_of)
    sheets.update(
        {k: SampleSheet(k, r) for k, r in stock_sheets(seed, sheets, _PART_ROWS, as_of).items()}
    )
    add_calls_at_risk(sheets, as_of)
    for key in ("call_log", "repair_ledger", "complaints"):
        for row in sheets[key].rows:
            for column, value in row.items():
                if isinstance(value, datetime) and not column.startswith("_"):
                    row[column] = m.when(value)
    for order in orders:
        for column in ("labour_fee", "inbound_shipping", "return_shipping"):
            if isinstance(order[column], str):
                order[column] = m.money(order[column])
    add_entitlement_cases(sheets, as_of)
    add_waiting_work(sheets["call_log"].rows, sheets["repair_ledger"].rows, as_of)
    return sheets


def build_demo_book(seed: int, as_of: datetime, lang: str = "zh") -> tuple[Any, list[Planted]]:
    """The demo workbook and the list of mistakes planted in it (with their Excel rows)."""
    sheets = demo_sheets(seed, as_of)
    workbook, header_rows = write_sample_book(load_schema(), list(sheets.values()), lang)
    titles = {key: workbook.worksheets[i].title for i, key in enumerate(sheets)}
    planted = [
        Planted(key, header_rows[key] + 1 + i, f, c, titles[key])
        for key, sheet in sheets.items()
        for i, f, c in sheet.planted
    ]
    return workbook, planted


def write_demo_config(path: Path) -> Path:
    source = package_folder("templates") / "svctools.toml"
    shutil.copyfile(source, path)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(DEMO_NOTIFY)
    return path
