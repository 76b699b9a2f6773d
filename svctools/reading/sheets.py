"""Which sheet of the book is which kind (SPEC §2, §7.6): by name, visible sheets first, else by
the header row; a book in which nothing is recognised is refused.

Why visible first: a hidden backup ``维修台帐`` beside the live ``维修台账`` is not what the clerk
works on, and reading it gives other money without a word. When two sheets match one kind, the
one read is said (a warning naming both).
"""

from __future__ import annotations

import unicodedata
from contextlib import closing
from dataclasses import dataclass, field
from itertools import islice

from svctools.core.errors import BookError
from svctools.core.messages import Msg
from svctools.core.problems import WARNING, Problem
from svctools.core.schema import Schema, Sheet, load_schema, normalize, normalize_header
from svctools.reading.values import is_blank
from svctools.sources.base import BookSource, normalise_cell

HEADER_SEARCH_ROWS = 10


@dataclass
class SheetsFound:
    """Kind -> the book's sheet read for it, and what the clerk should hear about the choice."""

    found: dict[str, str] = field(default_factory=dict)
    others: dict[str, list[str]] = field(default_factory=dict)  # kind -> sheets not read
    hidden: set[str] = field(default_factory=set)
    notes: list[Msg] = field(default_factory=list)  # information lines, not problems

    def problems(self, schema: Schema) -> list[Problem]:
        """A ``duplicate_sheet`` warning for each kind with more than one matching sheet."""
        found: list[Problem] = []
        for position, sheet in enumerate(schema.sheets):
            others = self.others.get(sheet.key)
            if not others or sheet.key not in self.found:
                continue
            named = [
                Msg("book.hidden_sheet" if name in self.hidden else "book.shown_sheet", name=name)
                for name in others
            ]
            found.append(
                Problem(
                    WARNING,
                    "duplicate_sheet",
                    sheet=self.found[sheet.key],
                    params={
                        "count": len(others) + 1,
                        "kind": sheet.title,
                        "others": lambda lang, named=named: "、".join(m.text(lang) for m in named),
                    },
                    sheet_key=sheet.key,
                    order=(position, 0),
                )
            )
        return found


def find_sheets(source: BookSource, schema: Schema) -> SheetsFound:
    """The sheets of ``schema`` in the book (remembered on the source: asked twice per run)."""
    memo: dict[int, SheetsFound] = source.__dict__.setdefault("_svctools_sheets", {})
    if id(schema) not in memo:
        memo[id(schema)] = _find(source, schema)
    return memo[id(schema)]


def _find(source: BookSource, schema: Schema) -> SheetsFound:
    names = source.sheet_names()
    hidden_of = getattr(source, "hidden_sheets", None)
    result = SheetsFound(hidden=set(hidden_of()) if hidden_of is not None else set())
    taken: set[str] = set()
    for sheet in schema.sheets:
        matches = _named(sheet, names)
        if matches:
            matches.sort(key=lambda name: name in result.hidden)  # visible first, then book order
            result.found[sheet.key] = matches[0]
            result.others[sheet.key] = matches[1:]
            taken.update(matches)
    _by_headers(source, schema, [n for n in names if n not in taken], result)
    if not result.found and not _any_known(schema, names):
        full = load_schema()
        raise BookError(
            Msg(
                "file.not_a_service_book",
                path=source.name,
                sheets="、".join(names) or "—",
                looked=lambda lang: "、".join(sheet.title(lang) for sheet in full.sheets),
            )
        )
    return result


def _named(sheet: Sheet, names: list[str]) -> list[str]:
    accepted = {normalize(name) for name in sheet.names}
    return [name for name in names if normalize(name) in accepted]


def _by_headers(
    source: BookSource, schema: Schema, unnamed: list[str], result: SheetsFound
) -> None:
    """A kind no sheet is named for is read from the one unnamed sheet (``Sheet1``) whose header
    row holds every required column of that kind and of no other."""
    wanted = [sheet for sheet in schema.sheets if sheet.key not in result.found]
    if not wanted or not unnamed:
        return
    claims: dict[str, list[str]] = {}
    for name in sorted(unnamed, key=lambda n: n in result.hidden):
        kinds = _kinds_by_header(source, name, schema)
        if len(kinds) == 1 and kinds[0] in {sheet.key for sheet in wanted}:
            claims.setdefault(kinds[0], []).append(name)
    for sheet in wanted:
        if sheet.key not in claims:
            continue
        name, *others = claims[sheet.key]
        result.found[sheet.key], result.others[sheet.key] = name, others
        result.notes.append(Msg("book.sheet_by_headers", name=name, kind=sheet.title))


def _kinds_by_header(source: BookSource, name: str, schema: Schema) -> list[str]:
    """The kinds whose every required column is in one of the sheet's first rows."""
    lookups = [(sheet.key, sheet.header_lookup(), sheet.required) for sheet in schema.sheets]
    try:
        with closing(source.rows(name)) as rows:  # type: ignore[type-var]
            head = [values for _, values in islice(rows, HEADER_SEARCH_ROWS)]
    except BookError:
        return []
    kinds: set[str] = set()
    for values in head:
        texts = {
            normalize_header(unicodedata.normalize("NFC", str(v)).strip())
            for v in map(normalise_cell, values)
            if not is_blank(v)
        }
        for key, lookup, required in lookups:
            keys = {lookup[text] for text in texts if text in lookup}
            if required and all(column.key in keys for column in required):
                kinds.add(key)
    return sorted(kinds)


def _any_known(schema: Schema, names: list[str]) -> bool:
    """Some sheet of the book is one svctools knows by name (the command may need others)."""
    full = load_schema()
    return any(_named(sheet, names) for sheet in full.sheets) if full is not schema else False
