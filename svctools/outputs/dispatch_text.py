"""Dispatch suggestions for people: the text table, and the rows of the printable 派单建议 sheet
(shared by ``--out`` and a Google Sheet's ``--write-back``)."""

from __future__ import annotations

from typing import Any

from svctools.compute.dispatch import DispatchResult, Item
from svctools.core.clock import minute_text
from svctools.core.messages import by_lang, say, template
from svctools.outputs.render import table

_HEADERS = by_lang(
    (
        "dispatch.col.number",
        "dispatch.col.call",
        "dispatch.col.order",
        "dispatch.col.level",
        "dispatch.col.urgent",
        "dispatch.col.call_time",
        "dispatch.col.address",
        "dispatch.col.place",
        "dispatch.col.technician",
        "dispatch.col.reason",
    )
)
_PLACES = by_lang(("dispatch.place.assign", "dispatch.place.alt", "dispatch.place.alt_2"))
_YES = by_lang("dispatch.yes")
_NONE = by_lang("dispatch.none")
ADDRESS_CHARS = 16  # the text table shows this much of an address; the sheet shows it all


def title(result: DispatchResult, lang: str) -> str:
    """``派单计划（截至 2026-11-20 09:00）：待派 12 项，派出 10 项，未派 2 项``."""
    when, n = minute_text(result.as_of), len(result.items)
    kind = template("dispatch.plan" if result.plan else "dispatch.suggestions", lang)
    head = say("dispatch.title", lang, kind=kind, when=when, n=n)
    if result.plan:
        head += say("dispatch.title_plan", lang, assigned=result.assigned, left=n - result.assigned)
    return head


def dispatch_text(result: DispatchResult, lang: str) -> str:
    """One line per place (the top three of each item), or the reason nobody is eligible."""
    if not result.items:
        return title(result, lang) + "\n" + template("dispatch.nothing", lang)
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

SHEET_TITLE = by_lang("dispatch.sheet_title")
TAB_TITLE = by_lang("dispatch.tab_title")
SHEET_HEADERS = by_lang(
    (
        "dispatch.sheet.number",
        "dispatch.sheet.call_id",
        "dispatch.sheet.order_id",
        "dispatch.sheet.fault_level",
        "dispatch.sheet.urgent",
        "dispatch.sheet.call_time",
        "dispatch.sheet.customer",
        "dispatch.sheet.address",
        "dispatch.sheet.product_fault",
        "dispatch.sheet.suggested",
        "dispatch.sheet.reason",
        "dispatch.sheet.alternative_1",
        "dispatch.sheet.alternative_2",
    )
)
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
