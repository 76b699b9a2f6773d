"""The book's schema from ``workbook_schema/*.toml``: the only place sheet and column names live.

Matching is case-, width- and space-insensitive (SPEC §2): ``normalize`` is the one rule for it.
"""

from __future__ import annotations

import os
import re
import tomllib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from svctools.core.errors import ConfigError
from svctools.core.messages import Msg

SCHEMA_ENV = "SVCTOOLS_SCHEMA_DIR"
TYPES = {"text", "datetime", "date", "money", "int", "bool", "enum", "phone", "email"}
_SPACE = re.compile(r"\s+")
_DECORATION = re.compile(r"([*★☆※]|\([^()]*\))+$")  # "工时费(元)", "来电编号*" (after NFKC)
_REQUIRED_MARK = re.compile(r"^[*★☆※]+")  # import templates: "*工单号", "★工单号"


def normalize(text: str) -> str:
    """The matching form of a name: NFKC (full-width -> half-width), casefolded, no spaces."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text)).casefold()


def normalize_header(text: str) -> str:
    """A header's matching form; a unit or required mark (``(元)``, ``*``, ``★``) is ignored."""
    plain = normalize(text)
    return _DECORATION.sub("", _REQUIRED_MARK.sub("", plain)) or plain


@dataclass(frozen=True)
class EnumOption:
    key: Any  # str, or int for satisfaction
    zh: str
    en: str

    def label(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    en: str
    type: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    # (column key, the values that make this column required): ``{ status = "completed" }`` or
    # ``{ status = ["dispatched", "in_progress"] }`` in the TOML file
    required_when: tuple[tuple[str, tuple[str, ...]], ...] = ()
    unique: bool = False
    ref: str | None = None
    min: int | None = None
    max: int | None = None
    labels: tuple[tuple[str, int], ...] = ()
    enum: tuple[EnumOption, ...] = ()
    not_before: str | None = None
    after: str | None = None
    not_after: str | None = None
    check_active: bool = False
    width: int = 12

    def header(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    @property
    def names(self) -> tuple[str, ...]:
        """Every header that means this column, the key included."""
        return (self.zh, self.en, self.key, *self.aliases)


@dataclass(frozen=True)
class Sheet:
    key: str
    zh: str
    en: str
    columns: tuple[Column, ...]
    aliases: tuple[str, ...] = ()
    order: int = 0
    own_date: str | None = None
    pick_list: bool = False
    optional: str | None = None  # a group of sheets a firm may keep none of (SPEC §7): "stock"
    by_key: dict[str, Column] = field(default_factory=dict, compare=False, repr=False)

    def title(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    @property
    def names(self) -> tuple[str, ...]:
        return (self.zh, self.en, self.key, *self.aliases)

    @property
    def required(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.required)

    @property
    def id_column(self) -> Column | None:
        """The unique key column other sheets refer to."""
        return next((c for c in self.columns if c.unique), None)

    def header_lookup(self) -> dict[str, str]:
        """Matching form of every accepted header -> column key."""
        lookup: dict[str, str] = {}
        for column in self.columns:
            for name in column.names:
                lookup.setdefault(normalize_header(name), column.key)
        return lookup


@dataclass(frozen=True)
class Schema:
    sheets: tuple[Sheet, ...]

    def __getitem__(self, key: str) -> Sheet:
        for sheet in self.sheets:
            if sheet.key == key:
                return sheet
        raise KeyError(key)

    def needing(self, keys: Iterable[str]) -> Schema:
        """The sheets ``keys`` and every sheet they refer to, however indirectly (so that their
        references can still be checked), in schema order: what a command reads."""
        wanted = set(keys)
        todo = list(wanted)
        while todo:
            for column in self[todo.pop()].columns:
                if column.ref and column.ref not in wanted:
                    wanted.add(column.ref)
                    todo.append(column.ref)
        return Schema(tuple(sheet for sheet in self.sheets if sheet.key in wanted))

    def pick_list(self, column: Column) -> tuple[Sheet, int] | None:
        """The sheet whose IDs a new book offers as ``column``'s dropdown, and the 0-based
        position of its ID column there (``None``: no dropdown of IDs for this column)."""
        if column.ref is None or column.ref not in {s.key for s in self.sheets}:
            return None
        sheet = self[column.ref]
        id_column = sheet.id_column
        if not sheet.pick_list or id_column is None:
            return None
        return sheet, sheet.columns.index(id_column)

    def match_sheet(self, names: list[str]) -> dict[str, str]:
        """Sheet key -> the book's sheet name, for every schema sheet found in ``names``."""
        found: dict[str, str] = {}
        by_form = {normalize(name): name for name in reversed(names)}
        for sheet in self.sheets:
            for candidate in sheet.names:
                if normalize(candidate) in by_form:
                    found[sheet.key] = by_form[normalize(candidate)]
                    break
        return found


def schema_dir() -> Path:
    """``$SVCTOOLS_SCHEMA_DIR``, else the shipped ``workbook_schema/`` (package data)."""
    env = os.environ.get(SCHEMA_ENV)
    if env:
        return Path(env)
    return package_folder("workbook_schema")


def package_folder(name: str) -> Path:
    """A folder shipped as package data (``workbook_schema``, ``templates``): the repo's top-level
    folder in a checkout, ``svctools/<name>`` in an installed wheel (``setup.cfg`` maps both)."""
    return Path(str(resources.files(f"svctools.{name}")))


@cache
def load_schema(folder: Path | None = None) -> Schema:
    """Read every ``*.toml`` sheet file; a broken file is a ``ConfigError`` naming it."""
    folder = folder or schema_dir()
    files = sorted(folder.glob("*.toml"))
    if not files:
        raise ConfigError(Msg("config.schema_none", folder=folder))
    sheets = [_sheet(path) for path in files]
    return Schema(tuple(sorted(sheets, key=lambda s: s.order)))


def _sheet(path: Path) -> Sheet:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        columns = tuple(_column(c) for c in data.pop("columns"))
        sheet = Sheet(
            key=data["key"],
            zh=data["zh"],
            en=data["en"],
            aliases=tuple(data.get("aliases", ())),
            order=int(data.get("order", 0)),
            own_date=data.get("own_date"),
            pick_list=bool(data.get("pick_list", False)),
            optional=data.get("optional"),
            columns=columns,
        )
    except (tomllib.TOMLDecodeError, KeyError, TypeError, ValueError) as exc:
        raise ConfigError(
            Msg("config.schema_bad", path=path, detail=f"{type(exc).__name__}: {exc}")
        ) from None
    sheet.by_key.update({c.key: c for c in columns})
    return sheet


def _column(data: dict[str, Any]) -> Column:
    if data.get("type") not in TYPES:
        raise ValueError(f"column {data.get('key')!r}: type must be one of {sorted(TYPES)}")
    return Column(
        key=data["key"],
        zh=data["zh"],
        en=data["en"],
        type=data["type"],
        aliases=tuple(data.get("aliases", ())),
        required=bool(data.get("required", False)),
        required_when=tuple(
            (key, tuple(values) if isinstance(values, list) else (values,))
            for key, values in data.get("required_when", {}).items()
        ),
        unique=bool(data.get("unique", False)),
        ref=data.get("ref"),
        min=data.get("min"),
        max=data.get("max"),
        labels=tuple(data.get("labels", {}).items()),
        enum=tuple(EnumOption(o["key"], o["zh"], o["en"]) for o in data.get("enum", ())),
        not_before=data.get("not_before"),
        after=data.get("after"),
        not_after=data.get("not_after"),
        check_active=bool(data.get("check_active", False)),
        width=int(data.get("width", 12)),
    )
