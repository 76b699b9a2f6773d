"""Config errors worded for the clerk who typed ``svctools.toml``: the key as the file writes it
(``[sla] repair_days``), what the value should be in their language, the nearest valid key for a
typo (difflib), and a hint for the full-width quotes a Chinese keyboard types."""

from __future__ import annotations

import difflib
import re
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from svctools.core.messages import EN, Msg, say

FULL_WIDTH_QUOTES = "“”‘’＂＇"
_TOML_AT = re.compile(r"^(?P<what>.*?)\s*\(at line (?P<line>\d+), column (?P<column>\d+)\)\s*$")

# pydantic error type -> catalogue id of what the value should be
_VALUE_IDS = {
    "decimal_parsing": "value.decimal",
    "decimal_type": "value.decimal",
    "int_parsing": "value.int",
    "int_type": "value.int",
    "int_from_float": "value.int",
    "bool_parsing": "value.bool",
    "bool_type": "value.bool",
    "string_type": "value.string",
    "list_type": "value.list",
    "tuple_type": "value.list",
    "dict_type": "value.dict",
    "model_type": "value.dict",
    "date_parsing": "value.date",
    "date_type": "value.date",
    "date_from_datetime_parsing": "value.date",
    "date_from_datetime_inexact": "value.date",
    "time_parsing": "value.time",
    "time_type": "value.time",
    "greater_than": "value.gt",
    "greater_than_equal": "value.ge",
    "less_than": "value.lt",
    "less_than_equal": "value.le",
    "literal_error": "value.choice",
    "missing": "value.missing",
}


class WordedValueError(ValueError):
    """A validator's complaint carrying its wording, so it reaches the clerk in their language."""

    def __init__(self, msg: Msg) -> None:
        super().__init__(msg.text(EN))
        self.msg = msg


def toml_detail(exc: Exception, text: str) -> Any:
    """A TOML syntax error as a callable of lang: where it is, plus the full-width quote hint."""
    raw = str(exc)

    def word(lang: str) -> str:
        match = _TOML_AT.match(raw)
        detail = say("config.toml_at", lang, **match.groupdict()) if match else raw
        quotes = "".join(dict.fromkeys(c for c in text if c in FULL_WIDTH_QUOTES))
        if quotes:
            detail += ("；" if lang != EN else "; ") + say("config.full_width", lang, quotes=quotes)
        return detail

    return word


def errors_detail(errors: list[Any], model: type[BaseModel], data: Any) -> Any:
    """pydantic's errors as a callable of lang, one clause per error."""

    def word(lang: str) -> str:
        clauses = [_clause(error, model, data, lang) for error in errors]
        return ("；" if lang != EN else "; ").join(dict.fromkeys(clauses))

    return word


def _clause(error: Any, model: type[BaseModel], data: Any, lang: str) -> str:
    loc = [part for part in error["loc"] if part != "[key]"]
    table = len(loc) == 1 and isinstance(data, dict) and isinstance(data.get(loc[0]), dict)
    key = _key(loc, table, lang)
    if error["type"] == "extra_forbidden":
        best = _nearest(loc, model)
        if best is None:
            return say("config.unknown_key", lang, key=key)
        return say("config.did_you_mean", lang, key=key, best=_key([*loc[:-1], best], table, lang))
    cause = (error.get("ctx") or {}).get("error")
    if isinstance(cause, WordedValueError):
        what = cause.msg.text(lang)
        return what if not key else f"{key}: {what}" if lang == EN else f"{key}：{what}"
    ctx = {
        k: format(v, "f") if isinstance(v, Decimal) else v
        for k, v in (error.get("ctx") or {}).items()
    }
    if lang != EN and "expected" in ctx:  # 'a', 'b' or 'c' -> 'a'、'b'、'c'
        ctx["expected"] = str(ctx["expected"]).replace(" or ", ", ").replace(", ", "、")
    what = say(_VALUE_IDS.get(error["type"], "value.other"), lang, what=error["msg"], **ctx)
    if lang == EN:
        return f"{key}: {what}" if key else what
    value = error.get("input")
    if not key:
        return what
    if error["type"] == "missing" or isinstance(value, dict):
        return f"{key}：{what}"
    return say("config.bad_value", lang, key=key, what=what, value=_shown(value))


def _key(loc: list[Any], table: bool, lang: str) -> str:
    """``sla.repair_days`` in English (pydantic's way), ``[sla] repair_days`` in Chinese;
    ``table``: a top-level key is a ``[table]``."""
    if lang == EN:
        return ".".join(str(part) for part in loc)
    if not loc:
        return ""
    head, rest = str(loc[0]), loc[1:]
    if not rest:
        return f"[{head}]" if table else head
    tail = str(rest[0]) + "".join(
        f" 第 {part + 1} 项" if isinstance(part, int) else f".{part}" for part in rest[1:]
    )
    return f"[{head}] {tail}"


def _nearest(loc: list[Any], model: type[BaseModel]) -> str | None:
    """The valid key closest to a misspelt one at the same place (``penalty`` -> ``penalties``)."""
    for part in loc[:-1]:
        field = _fields(model).get(str(part))
        annotation = field.annotation if field is not None else None
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return None
        model = annotation
    keys = [name for name in _fields(model) if name != "source"]
    found = difflib.get_close_matches(str(loc[-1]), keys, n=1, cutoff=0.6)
    return found[0] if found else None


def _fields(model: type[BaseModel]) -> dict[str, Any]:
    return {(f.alias or name): f for name, f in model.model_fields.items()}


def _shown(value: Any) -> str:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, str):
        return f'"{value}"'
    text = str(value)
    return text if len(text) <= 40 else text[:39] + "…"
