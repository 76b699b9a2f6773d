"""Dispatch suggestions for people: the text table, and the rows of the printable 派单建议 sheet
(shared by ``--out`` and a Google Sheet's ``--write-back``)."""

from __future__ import annotations

from typing import Any

from svctools.compute.dispatch import DispatchResult, Item
from svctools.core.clock import minute_text
from svctools.outputs.render import table

_HEADERS = {
    "zh": (
        "序",
        "来电编号",
        "工单号",
        "等级",
        "加急",
        "来电时间",
        "地址",
        "名次",
        "维修员",
        "理由",
    ),
    "en": (
        "#",
        "Call",
        "Order",
        "Level",
        "Urgent",
        "Call Time",
        "Address",
        "Place",
        "Technician",
        "Reason",
    ),
}
_PLACES = {"zh": ("派给", "备选", "备选"), "en": ("assign", "alt", "alt")}
_YES = {"zh": "是", "en": "yes"}
_NONE = {"zh": "（无）", "en": "(none)"}
ADDRESS_CHARS = 16  # the text table shows this much of an address; the sheet shows it all


def title(result: DispatchResult, lang: str) -> str:
    """``派单计划（截至 2026-11-20 09:00）：待派 12 项，派出 10 项，未派 2 项``."""
    when, n = minute_text(result.as_of), len(result.items)
    if lang == "zh":
        head = f"{'派单计划' if result.plan else '派单建议'}（截至 {when}）：待派 {n} 项"
        if result.plan:
            head += f"，派出 {result.assigned} 项，未派 {n - result.assigned} 项"
        return head
    head = f"{'Dispatch plan' if result.plan else 'Dispatch suggestions'} (as of {when}): "
    head += f"{n} waiting"
    if result.plan:
        head += f", {result.assigned} assigned, {n - result.assigned} left unassigned"
    return head


def dispatch_text(result: DispatchResult, lang: str) -> str:
    """One line per place (the top three of each item), or the reason nobody is eligible."""
    if not result.items:
        return (
            title(result, lang)
            + "\n"
            + ("没有待派单的工作。" if lang == "zh" else "Nothing waits.")
        )
    rows: list[tuple[Any, ...]] = []
    places = _PLACES[lang] if result.plan else ("1", "2", "3")
    for number, item in enumerate(result.items, start=1):
        facts: tuple[Any, ...] = (
            number,
            item.call_id,
            item.order_id or "",
            item.fault_level,
            _YES[lang] if item.urgent else "",
            minute_text(item.call_time),
            _short(item.address),
        )
        if not item.candidates:
            rows.append((*facts, "", _NONE[lang], item.reason(lang)))
            continue
        for place, candidate in zip(places, item.candidates, strict=False):
            rows.append((*facts, place, candidate.label(), candidate.reason(lang)))
            facts = ("",) * len(facts)
    aligns = ["right", *["left"] * (len(_HEADERS[lang]) - 1)]
    return title(result, lang) + "\n\n" + table(rows, _HEADERS[lang], aligns)


def _short(address: str | None) -> str:
    if not address:
        return ""
    return address if len(address) <= ADDRESS_CHARS else address[: ADDRESS_CHARS - 1] + "…"


# -- the 派单建议 sheet: one row per item ---------------------------------------------------------

SHEET_TITLE = {"zh": "派单建议", "en": "Dispatch"}
TAB_TITLE = {"zh": "派单建议 (svctools)", "en": "Dispatch (svctools)"}  # a Google Sheet's own tab
SHEET_HEADERS = {
    "zh": (
        "序号",
        "来电编号",
        "工单号",
        "故障等级",
        "加急",
        "来电时间",
        "客户",
        "地址",
        "产品 / 故障",
        "建议维修员",
        "理由",
        "备选一",
        "备选二",
    ),
    "en": (
        "#",
        "Call ID",
        "Order ID",
        "Fault Level",
        "Urgent",
        "Call Time",
        "Customer",
        "Address",
        "Product / Fault",
        "Suggested",
        "Reason",
        "Alternative 1",
        "Alternative 2",
    ),
}
# Column widths in characters (CJK counts two): 169 in all, a landscape A4 page at about 85 %.
SHEET_WIDTHS = (4, 9, 9, 5, 4, 16, 8, 20, 18, 10, 26, 20, 20)


def sheet_rows(result: DispatchResult, lang: str) -> list[list[Any]]:
    """The sheet's data rows: the suggestion (the plan's choice with ``--plan``), its reason and
    two alternatives with theirs; an item nobody may take says why in the reason."""
    return [_sheet_row(number, item, lang) for number, item in enumerate(result.items, start=1)]


def _sheet_row(number: int, item: Item, lang: str) -> list[Any]:
    first = item.candidates[0].label() if item.candidates else _NONE[lang]
    alternatives = [f"{c.label()}\n{c.reason(lang)}" for c in item.candidates[1:3]]
    alternatives += [""] * (2 - len(alternatives))
    product = " / ".join(v for v in (item.product_model, item.fault_description) if v)
    return [
        number,
        item.call_id,
        item.order_id or "",
        item.fault_level,
        _YES[lang] if item.urgent else "",
        item.call_time,
        item.customer_name or "",
        item.address or "",
        product,
        first,
        item.reason(lang),
        *alternatives,
    ]
