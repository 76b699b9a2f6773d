"""Problems as data (SPEC §2.2), and the one place that words them in Chinese and English."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

ERROR = "error"
WARNING = "warning"

# code -> detail -> (zh, en). Placeholders: column, value, and the problem's own params.
MESSAGES: dict[str, dict[str, tuple[str, str]]] = {
    "missing_sheet": {
        "missing_sheet": (
            "缺少工作表「{sheet}」（可用名称：{names}）；用到它的命令无法运行",
            "Sheet '{sheet}' is missing (accepted names: {names}); "
            "commands that need it will not run",
        ),
        "optional": (
            "没有工作表「{sheet}」（可用名称：{names}）；"
            "{commands} 将不计算它的内容，其他命令不受影响",
            "No sheet '{sheet}' (accepted names: {names}); {commands} leaves its part out, "
            "other commands are not affected",
        ),
        "optional_group": (
            "没有{group}工作表（{sheets}）；{commands} 无法运行，其他命令不受影响",
            "No {group} sheets ({sheets}); {commands} will not run, other commands are not "
            "affected",
        ),
    },
    "missing_column": {
        "missing_column": (
            "第 {row} 行的表头里没有必填列「{column}」（可用列名：{names}）",
            "Required column '{column}' is not in the header row {row} (accepted headers: {names})",
        ),
        "no_header": (
            "前 10 行里找不到表头：缺少必填列「{column}」（可用列名：{names}）",
            "No header row in the first 10 rows: required column '{column}' not found "
            "(accepted headers: {names})",
        ),
        "needed": (
            "有{when}的行，需要「{column}」这一列（可用列名：{names}）",
            "Rows with {when} need the column '{column}' (accepted headers: {names})",
        ),
        "needed_typo": (
            "有{when}的行，需要「{column}」这一列：{typo_cell} 写的是「{typo}」→ {column}？"
            "（可用列名：{names}）",
            "Rows with {when} need the column '{column}': {typo_cell} says '{typo}' → "
            "{column}? (accepted headers: {names})",
        ),
        "missing_column_typo": (
            "第 {row} 行的表头里没有必填列「{column}」：{typo_cell} 写的是「{typo}」→ {column}？"
            "（可用列名：{names}）",
            "Required column '{column}' is not in the header row {row}: {typo_cell} says "
            "'{typo}' → {column}? (accepted headers: {names})",
        ),
    },
    "missing_required": {
        "missing_required": ("「{column}」必须填写", "'{column}' must be filled in"),
        "when": (
            "「{column}」必须填写（{when}时必填）",
            "'{column}' must be filled in (required when {when})",
        ),
    },
    "bad_value": {
        "datetime": (
            "「{column}」不是有效的日期/时间：{value}（例如 2026-10-05 14:30）",
            "'{column}' is not a valid date/time: {value} (e.g. 2026-10-05 14:30)",
        ),
        "money": (
            "「{column}」不是有效的金额：{value}（例如 1234.50）",
            "'{column}' is not a valid amount: {value} (e.g. 1234.50)",
        ),
        "negative": (
            "「{column}」金额不能为负数：{value}",
            "'{column}' cannot be negative: {value}",
        ),
        "int": (
            "「{column}」应为整数：{value}",
            "'{column}' must be a whole number: {value}",
        ),
        "range": (
            "「{column}」超出范围：{value}（应为 {range}）",
            "'{column}' is out of range: {value} (allowed: {range})",
        ),
        "bool": (
            "「{column}」应填 是 或 否：{value}",
            "'{column}' must be yes or no: {value}",
        ),
        "excel_error": (
            "「{column}」是 Excel 错误值 {value}，请修正公式",
            "'{column}' holds the Excel error {value}; fix the formula",
        ),
        "ambiguous_money": (
            "「{column}」金额写法有歧义：{value}（逗号或小数点可能是千位分隔符；请写成 1200.50）",
            "'{column}' is an ambiguous amount: {value} (a comma or dot may group thousands; "
            "write 1200.50)",
        ),
    },
    "formula_not_calculated": {
        "formula_not_calculated": (
            "「{column}」是公式 {value}，但文件里没有它的计算结果"
            "（由程序生成、未在 Excel 中打开过）；请先用 Excel 或 WPS 打开本工作簿并保存，再运行",
            "'{column}' is a formula {value} with no calculated result in the file (written by "
            "a program, never opened in Excel); open the book in Excel or WPS, save it, and "
            "run again",
        ),
    },
    "bad_encoding": {
        "bad_encoding": (
            "「{column}」第 {row} 行的文字无法解码（文件编码为 {encoding}）：{value}",
            "'{column}' on line {row} cannot be decoded (the file is {encoding}): {value}",
        ),
    },
    "duplicate_sheet": {
        "duplicate_sheet": (
            "有 {count} 张工作表都是「{kind}」：读取的是「{sheet}」，没有读{others}",
            "{count} sheets are all '{kind}': read '{sheet}', not {others}",
        ),
    },
    "not_in_enum": {
        "not_in_enum": (
            "「{column}」的值「{value}」不在可选项中：{options}",
            "'{column}' value '{value}' is not one of: {options}",
        ),
    },
    "bad_phone": {
        "bad_phone": (
            "「{column}」不是有效的电话号码：{value}（手机 11 位，座机需带区号）",
            "'{column}' is not a valid phone number: {value} "
            "(11-digit mobile, or area code + number)",
        ),
    },
    "bad_email": {
        "bad_email": (
            "「{column}」不是有效的邮箱地址：{value}",
            "'{column}' is not a valid email address: {value}",
        ),
    },
    "duplicate_key": {
        "duplicate_key": (
            "「{column}」{value} 重复（第 {first_row} 行已有）",
            "'{column}' {value} is a duplicate (first on row {first_row})",
        ),
    },
    "unknown_ref": {
        "unknown_ref": (
            "「{column}」{value} 在工作表「{ref_sheet}」中不存在",
            "'{column}' {value} does not exist in sheet '{ref_sheet}'",
        ),
        "by_name": (
            "「{column}」{value} 不是{id_header}；{ref_sheet}中 {value} 的{id_header}是 {ids}",
            "'{column}' {value} is not a {id_header}; in '{ref_sheet}' {value} has the "
            "{id_header} {ids}",
        ),
    },
    "time_order": {
        "not_before": (
            "「{column}」{value} 早于「{other}」{other_value}",
            "'{column}' {value} is before '{other}' {other_value}",
        ),
        "after": (
            "「{column}」{value} 应晚于「{other}」{other_value}",
            "'{column}' {value} must be after '{other}' {other_value}",
        ),
        "not_after": (
            "「{column}」{value} 晚于「{other}」{other_value}",
            "'{column}' {value} is after '{other}' {other_value}",
        ),
    },
    "future_time": {
        "future_time": (
            "「{column}」{value} 晚于当前时间 {as_of}",
            "'{column}' {value} is later than now ({as_of})",
        ),
    },
    "inactive_staff": {
        "inactive_staff": (
            "「{column}」{value} 已于 {left_on} 离职，本行日期却是 {date}",
            "'{column}' {value} left on {left_on}, but this row is dated {date}",
        ),
    },
    "warranty_mismatch": {
        "warranty_mismatch": (
            "「{column}」填的是「{value}」，按购买日期 {purchase_date} 应为「{expected}」"
            "（保修至 {until}）",
            "'{column}' says '{value}' but the purchase date {purchase_date} makes it "
            "'{expected}' (warranty until {until})",
        ),
    },
}


SHOWN_LIMIT = 80  # characters of a value a message shows; a 100,000-character cell is cut
_CONTROL = dict.fromkeys([*range(0, 32), 127, *range(128, 160)])


def _human(value: Any) -> Any:
    """A value as a clerk reads it in a message: ``2026-10-05 14:30``, not ISO's ``T``; one line,
    no control characters (an ``ESC[2J`` in a cell must not clear the terminal), cut short."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S" if value.second else "%Y-%m-%d %H:%M")
    if isinstance(value, str):
        return shown_text(value)
    return "" if value is None else display(value)


def shown_text(text: str, limit: int = SHOWN_LIMIT) -> str:
    """Text safe to print on one terminal line: whitespace runs (Alt+Enter) as one space,
    control characters as ``\\xNN``, at most ``limit`` characters (then ``…``)."""
    text = " ".join(text.split())
    if not text.isprintable():
        text = "".join(f"\\x{ord(c):02x}" if ord(c) in _CONTROL else c for c in text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class Problem:
    """One problem with one cell, row, column or sheet; ``message(lang)`` words it."""

    severity: str
    code: str
    sheet: str  # the sheet's name as in the book (or the expected name when missing)
    row: int | None = None
    column: str | None = None  # the header as written in the book
    field: str | None = None  # the column key
    cell: str | None = None
    value: Any = None
    detail: str = ""
    params: dict[str, Any] = dataclasses.field(default_factory=dict)
    sheet_key: str = ""
    order: tuple[int, int] = (0, 0)  # sheet position, column position: for sorting

    def message(self, lang: str = "zh") -> str:
        variants = MESSAGES[self.code]
        zh, en = variants.get(self.detail) or next(iter(variants.values()))
        template = zh if lang == "zh" else en
        values = {"column": _human(self.column), "value": _human(self.value), "sheet": self.sheet}
        values.update({k: (v(lang) if callable(v) else _human(v)) for k, v in self.params.items()})
        return template.format(**values)

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        return {
            "severity": self.severity,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "field": self.field,
            "cell": self.cell,
            "code": self.code,
            "value": display(self.value),
            "message": self.message(lang),
        }

    def sort_key(self) -> tuple[int, int, int, str]:
        return (self.order[0], self.row or 0, self.order[1], self.code)


def display(value: Any) -> Any:
    """A cell value as JSON shows it: numbers stay numbers, times ISO, the rest text."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):  # JSON has no NaN or Infinity
            return str(value)
        return int(value) if value.is_integer() else value
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)
