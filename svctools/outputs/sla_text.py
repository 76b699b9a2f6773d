"""The clerk's table of SLA breaches and, with ``--explain``, what each deadline counted."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

from svctools.compute.sla import (
    BUSINESS_HOURS,
    DAYS,
    HOURS,
    RULES,
    WORKING_DAYS,
    Breach,
    SlaResult,
    number_text,
)
from svctools.compute.workcal import (
    EXTRA_HOLIDAY,
    EXTRA_WORKDAY,
    HOLIDAY,
    HOLIDAY_NAMES_ZH,
    MAKEUP,
    WEEKEND,
)
from svctools.core.clock import minute_text
from svctools.core.messages import template
from svctools.outputs.render import table

_COLUMNS = ("rule", "sheet", "row", "record", "staff", "deadline", "actual", "late")
_ALIGN = ("left", "left", "right", "left", "left", "left", "left", "right")
_WORD_KEYS = (
    "none", "open", HOURS, BUSINESS_HOURS, WORKING_DAYS, DAYS, "row", "counted", "counted_days",
    "skipped", "paused", "wait", WEEKEND, EXTRA_HOLIDAY, EXTRA_WORKDAY, MAKEUP, "sep", "colon",
    "paren",
)  # fmt: skip


@cache
def _words(lang: str) -> dict[str, str]:
    """The table's words (``sla.*`` in ``core.messages``) as raw templates, once per language."""
    return {key: template(f"sla.{key}", lang) for key in _WORD_KEYS}


@cache
def _rule_names(lang: str) -> dict[str, str]:
    return {rule: template(f"rule.{rule}", lang) for rule in RULES}


def rule_label(rule: str, lang: str) -> str:
    """The rule as the clerk reads it (到场超时, late arrival); an unknown key as it is."""
    return _rule_names(lang).get(rule, rule)


def _minute(moment: datetime | None) -> str:
    return "" if moment is None else minute_text(moment)


def render_text(
    result: SlaResult,
    lang: str = "zh",
    explain: bool = False,
    sheet_names: dict[str, str] | None = None,
) -> str:
    """The clerk's table of breaches; with ``explain``, what each deadline counted."""
    key = "zh" if lang == "zh" else "en"
    words = _words(key)
    if not result.breaches:
        return words["none"]
    names = sheet_names or {}
    rows = [
        [
            rule_label(b.rule, key),
            names.get(b.sheet, b.sheet),
            b.row,
            b.record,
            b.staff_id or "",
            _minute(b.deadline),
            words["open"] if b.open else _minute(b.actual),
            format(b.late_hours, "f"),
        ]
        for b in result.breaches
    ]
    text = table(rows, [template(f"sla.col.{c}", key) for c in _COLUMNS], colalign=_ALIGN)
    if not explain:
        return text
    blocks = [_explain_block(i, b, key, names) for i, b in enumerate(result.breaches, start=1)]
    return text + "\n\n" + "\n\n".join(blocks)


def _explain_block(number: int, breach: Breach, lang: str, names: dict[str, str]) -> str:
    """One breach's reckoning: start + limit -> deadline, then what was counted and skipped."""
    words = _words(lang)
    where = f"{names.get(breach.sheet, breach.sheet)} {words['row'].format(row=breach.row)}"
    limit = f"{number_text(breach.limit)} {words.get(breach.unit, breach.unit)}"
    head = (
        f"[{number}] {rule_label(breach.rule, lang)} {breach.record}"
        f"{words['paren'].format(text=where)}{words['colon']}"
        f"{_minute(breach.start)} + {limit} -> {_minute(breach.deadline)}"
    )
    lines = [head]
    for kind, label in (("window", "counted"), ("day", "counted_days"), ("skipped", "skipped")):
        items = [_step_text(s, lang) for s in breach.explain if s["kind"] == kind]
        if items:
            lines.append(f"    {words[label]}{words['colon']}{words['sep'].join(items)}")
    waits = [s for s in breach.explain if s["kind"] == "wait"]
    for wait in waits:
        paused = [s["date"] for s in breach.explain if s["kind"] == "paused"]
        span = f"{_iso_minute(wait['start'])} -> {_iso_minute(wait['end'])}"
        days = ", ".join(paused) or "-"
        lines.append(
            f"    {words['wait']} {span}{words['sep']}{words['paused']}{words['colon']}{days}"
        )
    return "\n".join(lines)


def _iso_minute(text: str | None) -> str:
    return "" if text is None else text[:16].replace("T", " ")


def _step_text(step: dict[str, Any], lang: str) -> str:
    if step["kind"] == "window":
        start, end = _iso_minute(step["start"]), _iso_minute(step["end"])
        if start[:10] == end[:10]:
            end = end[11:]
        return f"{start}–{end}"
    return f"{step['date']} {day_reason(step['why'], step.get('name'), lang)}".rstrip()


def day_reason(why: str, name: str | None, lang: str) -> str:
    """Why a day counts or not, in the clerk's language (holiday names from the package)."""
    words = _words("zh" if lang == "zh" else "en")
    shown = HOLIDAY_NAMES_ZH.get(name, name) if (lang == "zh" and name) else name
    if why == HOLIDAY:
        return shown or ""
    if why == MAKEUP:
        return words[MAKEUP] + words["paren"].format(text=shown) if shown else words[MAKEUP]
    return words.get(why, "")
