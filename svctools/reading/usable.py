"""Which records a computing command may use (SPEC §2.2): refuse a book with errors in them,
or with ``--skip-invalid`` leave those rows out and say which.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from svctools.core.errors import BookHasErrors, MissingSheet
from svctools.core.messages import Msg
from svctools.core.problems import ERROR, Problem
from svctools.core.records import Records
from svctools.core.schema import Schema
from svctools.reading.book import LoadedBook

# command -> (sheets it cannot run without, sheets it also reads when present)
COMMAND_SHEETS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "sla": (("call_log", "repair_ledger"), ("complaints", "callbacks", "staff")),
    "penalties": (
        ("call_log", "repair_ledger", "staff"),
        ("complaints", "callbacks", "parts_used"),
    ),
    "settle": (("call_log", "repair_ledger"), ("parts_used", "staff", "stores")),
    "report": (
        ("call_log", "repair_ledger"),
        (
            "staff",
            "stores",
            "parts_used",
            "complaints",
            "callbacks",
            "parts_stock",
            "stock_moves",
            "stock_counts",
        ),
    ),  # fmt: skip
    "dispatch": (("call_log", "repair_ledger", "staff"), ()),
    "entitlements": (("call_log", "repair_ledger"), ()),
    "stock": (
        ("parts_stock",),
        ("stock_moves", "stock_counts", "repair_ledger", "call_log", "parts_used", "staff"),
    ),
    # remind: renewals need no repair ledger, callbacks no contracts; `all` runs the parts whose
    # sheets the book has (svctools.cli.remind checks them).
    "remind_renewals": (("contracts", "staff"), ("stores",)),
    "remind_callbacks": (("call_log", "repair_ledger", "callbacks", "staff"), ()),
    "remind_sla-risk": (
        ("call_log", "repair_ledger"),
        ("complaints", "callbacks", "staff", "stores"),
    ),
    # the reorder list needs only the shelf: a bad call log never holds it back
    "remind_stock": (("parts_stock",), ("stock_moves", "stock_counts")),
    "remind_all": (
        (),
        ("contracts", "staff", "stores", "call_log", "repair_ledger", "callbacks")
        + ("parts_stock", "stock_moves", "stock_counts", "parts_used"),
    ),
}

# People and stores are looked up, not computed on: with --skip-invalid their rows stay and only
# the bad cell reads blank, so one mistyped email does not drop a technician's whole month.
REFERENCE_SHEETS = frozenset({"staff", "stores"})


def read_by(command: str, schema: Schema) -> Schema:
    """The part of the schema ``command`` reads: its sheets and the sheets they refer to. A
    sheet no command figure comes from (callbacks for settle) is neither loaded nor checked:
    its errors could not stop the command anyway."""
    needed, optional = COMMAND_SHEETS[command]
    return schema.needing((*needed, *optional))


@dataclass
class Usable:
    """The records a command computes on, and the rows left out because they had errors."""

    records: Records
    skipped: list[Problem] = field(default_factory=list)
    cascaded: list[tuple[str, int]] = field(default_factory=list)  # rows referring to skipped ones

    def skipped_rows(self) -> list[tuple[str, int]]:
        rows = {(p.sheet, p.row) for p in self.skipped if p.row is not None}
        return sorted(rows | set(self.cascaded))


def usable_records(
    loaded: LoadedBook, schema: Schema, command: str, skip_invalid: bool, lang: str
) -> Usable:
    """The records ``command`` needs; raises ``MissingSheet`` or ``BookHasErrors`` (exit 1)."""
    needed, optional = COMMAND_SHEETS[command]
    for key in needed:
        if not loaded.records.has(key):
            sheet = schema[key]
            raise MissingSheet(
                Msg(
                    "book.needs_sheet",
                    source=loaded.source,
                    command=command.replace("_", " "),  # remind_callbacks: as typed
                    title=sheet.title,
                    names=", ".join(dict.fromkeys(sheet.names)),
                )
            )
    used = set(needed) | set(optional)
    errors = [p for p in loaded.problems if p.severity == ERROR and p.sheet_key in used]
    if not errors:
        return Usable(loaded.records)
    whole_sheet = [p for p in errors if p.cell is None]  # a missing column: no row can be used
    if not skip_invalid or whole_sheet:
        raise BookHasErrors(
            _refusal(loaded.source, command, errors, can_skip=not whole_sheet), problems=errors
        )
    bad_rows = {
        (p.sheet_key, p.row)
        for p in errors
        if p.sheet_key not in REFERENCE_SHEETS and p.row is not None
    }
    kept, cascaded = _without(loaded.records, schema, bad_rows)
    skipped = [p for p in errors if p.sheet_key not in REFERENCE_SHEETS]
    return Usable(kept, skipped, cascaded)


def _without(
    records: Records, schema: Schema, bad_rows: set[tuple[str, int]]
) -> tuple[Records, list[tuple[str, int]]]:
    """The records minus the bad rows and every row that refers to one (an order of a bad call)."""
    kept = Records()
    dropped_ids: dict[str, set[object]] = {}
    cascaded: list[tuple[str, int]] = []
    for sheet in schema.sheets:  # schema order: a sheet comes after the sheets it refers to
        data = records.sheets.get(sheet.key)
        if data is None:
            continue
        refs = [c for c in sheet.columns if c.ref and c.ref not in REFERENCE_SHEETS]
        clean = []
        for record in data.records:
            if (sheet.key, record.row) in bad_rows:
                pass
            elif any(record.get(c.key) in dropped_ids.get(c.ref or "", ()) for c in refs):
                cascaded.append((data.name, record.row))
            else:
                clean.append(record)
                continue
            if sheet.id_column is not None and record.get(sheet.id_column.key) is not None:
                dropped_ids.setdefault(sheet.key, set()).add(record.get(sheet.id_column.key))
        kept.sheets[sheet.key] = type(data)(
            data.key, data.name, data.header_row, data.columns, clean
        )
    return kept, cascaded


def _refusal(source: str, command: str, errors: list[Problem], can_skip: bool) -> Msg:
    sheets = ", ".join(dict.fromkeys(p.sheet for p in errors))
    hint = Msg("book.hint_skip" if can_skip else "book.hint_header")
    return Msg(
        "book.has_errors",
        source=source,
        count=len(errors),
        command=command.replace("_", " "),
        sheets=sheets,
        hint=hint.text,
    )
