"""Which records a computing command may use (SPEC §2.2): refuse a book with errors in them,
or with ``--skip-invalid`` leave those rows out and say which.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from svctools.book import LoadedBook
from svctools.errors import BookHasErrors, MissingSheet
from svctools.problems import ERROR, Problem
from svctools.records import Records
from svctools.schema import Schema

# command -> (sheets it cannot run without, sheets it also reads when present)
COMMAND_SHEETS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "sla": (("call_log", "repair_ledger"), ("complaints", "callbacks", "staff")),
    "penalties": (
        ("call_log", "repair_ledger", "staff"),
        ("complaints", "callbacks", "parts_used"),
    ),
    "settle": (("call_log", "repair_ledger"), ("parts_used", "staff", "stores")),
}

# People and stores are looked up, not computed on: with --skip-invalid their rows stay and only
# the bad cell reads blank, so one mistyped email does not drop a technician's whole month.
REFERENCE_SHEETS = frozenset({"staff", "stores"})


@dataclass
class Usable:
    """The records a command computes on, and the rows left out because they had errors."""

    records: Records
    skipped: list[Problem] = field(default_factory=list)

    def skipped_rows(self) -> list[tuple[str, int]]:
        return sorted({(p.sheet, p.row) for p in self.skipped if p.row is not None})


def usable_records(
    loaded: LoadedBook, schema: Schema, command: str, skip_invalid: bool, lang: str
) -> Usable:
    """The records ``command`` needs; raises ``MissingSheet`` or ``BookHasErrors`` (exit 1)."""
    needed, optional = COMMAND_SHEETS[command]
    for key in needed:
        if not loaded.records.has(key):
            sheet = schema[key]
            raise MissingSheet(
                f"{loaded.source}: {command} needs the sheet '{sheet.title(lang)}' "
                f"(accepted names: {', '.join(dict.fromkeys(sheet.names))}), which the book lacks"
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
    bad_rows = {(p.sheet_key, p.row) for p in errors if p.sheet_key not in REFERENCE_SHEETS}
    kept = Records()
    for key, data in loaded.records.sheets.items():
        clean = [r for r in data.records if (key, r.row) not in bad_rows]
        kept.sheets[key] = type(data)(data.key, data.name, data.header_row, data.columns, clean)
    return Usable(kept, [p for p in errors if p.sheet_key not in REFERENCE_SHEETS])


def _refusal(source: str, command: str, errors: list[Problem], can_skip: bool) -> str:
    sheets = ", ".join(dict.fromkeys(p.sheet for p in errors))
    hint = (
        "fix them, or add --skip-invalid to compute on the other rows"
        if can_skip
        else ("fix the header row first")
    )
    return f"{source}: {len(errors)} error(s) in the sheets {command} uses ({sheets}); {hint}"
