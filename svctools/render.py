"""Text for people: tables that line up with Chinese characters, and the validate listing."""

from __future__ import annotations

import json
from collections.abc import Sequence
from itertools import groupby
from typing import Any

from tabulate import tabulate

from svctools.problems import ERROR, Problem
from svctools.values import display

_VALIDATE_HEADERS = {
    "zh": ("行", "单元格", "列", "级别", "代码", "值", "说明"),
    "en": ("Row", "Cell", "Column", "Severity", "Code", "Value", "Message"),
}
_SEVERITY = {
    "zh": {"error": "错误", "warning": "警告"},
    "en": {"error": "error", "warning": "warning"},
}


def table(rows: Sequence[Sequence[Any]], headers: Sequence[str]) -> str:
    """A plain table; tabulate measures CJK characters as two columns (wcwidth)."""
    return tabulate(rows, headers=headers, tablefmt="simple", disable_numparse=True)


def dumps(data: Any) -> str:
    """JSON as every command prints it: UTF-8 text, keys in their given order."""
    return json.dumps(data, ensure_ascii=False, indent=2)


def _short(value: Any, limit: int = 24) -> str:
    text = "" if value is None else str(display(value))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def problems_text(problems: list[Problem], source: str, lang: str) -> str:
    """The validate listing: one table per sheet, rows in order, then a one-line summary."""
    headers = _VALIDATE_HEADERS[lang]
    blocks = []
    for sheet, items in groupby(problems, key=lambda p: p.sheet):
        rows = [
            (
                p.row or "",
                p.cell or "",
                p.column or "",
                _SEVERITY[lang][p.severity],
                p.code,
                _short(p.value),
                p.message(lang),
            )
            for p in items
        ]
        blocks.append(f"== {sheet} ==\n{table(rows, headers)}")
    errors = sum(1 for p in problems if p.severity == ERROR)
    warnings = len(problems) - errors
    if lang == "zh":
        summary = f"{source}：{errors} 个错误，{warnings} 个警告"
        if not problems:
            summary = f"{source}：没有发现问题"
    else:
        summary = f"{source}: {errors} error(s), {warnings} warning(s)"
        if not problems:
            summary = f"{source}: no problems found"
    return "\n\n".join([*blocks, summary])
