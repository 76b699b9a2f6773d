"""The clerk's list of 三包 rights: one line per right, then why each holds."""

from __future__ import annotations

from svctools.compute.entitlements import Entitlement, Entitlements
from svctools.core.clock import iso
from svctools.core.messages import by_lang
from svctools.outputs.render import table

HEADERS = by_lang(
    [
        "rights.col.call",
        "rights.col.customer",
        "rights.col.serial",
        "rights.col.right",
        "rights.col.remedy",
        "rights.col.arose",
        "rights.col.days",
        "rights.col.orders",
        "rights.col.cause",
    ]
)
_ALIGN = ("left", "left", "left", "left", "left", "left", "right", "left", "left")
_WORDS = by_lang(
    {
        "head": "rights.text.head",
        "none": "rights.text.none",
        "pending": "rights.text.pending",
        "known": "",
        "why": "rights.text.why",
    }
)


def row_values(right: Entitlement, lang: str) -> list[str]:
    """A right's cells, as the text table and the workbook show them."""
    words = _WORDS[lang]
    return [
        right.call_id,
        right.customer_name or "",
        right.serial_no or "",
        right.rule_name(lang),
        right.remedy(lang),
        iso(right.arose_on) or "",
        str(right.days),
        ", ".join(o.order_id for o in right.orders),
        words["pending"] if right.pending_cause else words["known"],
    ]


def title(result: Entitlements, lang: str) -> str:
    words = _WORDS[lang]
    params = {
        "first": iso(result.first),
        "last": iso(result.last),
        "as_of": result.as_of.strftime("%Y-%m-%d %H:%M"),
        "n": len(result.calls),
    }
    return (words["head"] if result.calls else words["none"]).format(**params)


def render_text(
    result: Entitlements, lang: str = "zh", sheet_names: dict[str, str] | None = None
) -> str:
    """The table of rights and, below it, each right's reasons (rows and numbers)."""
    head = title(result, lang)
    if not result.calls:
        return head
    rows = [row_values(right, lang) for right in result.calls]
    lines = [head, "", table(rows, HEADERS[lang], _ALIGN), "", _WORDS[lang]["why"]]
    for number, right in enumerate(result.calls, start=1):
        lines.append(f"{number}. {right.why(lang, sheet_names)}")
    return "\n".join(lines)
