"""What the computations (sla, settlement, penalties) share to be fast on big books.

A book of 100,000 orders gives hundreds of thousands of records and, from them, of deadlines and
lines. Reading a record's values one ``get`` at a time cost two million calls in ``sla`` alone,
so the computations take whole columns in C-level passes (``SheetData.column``); and a garbage
collection while their results pile up walks all of them again and again, so collection waits.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from svctools.core.records import Records, first_by

__all__ = ["collection_paused", "first_by", "record_columns", "sheet_columns"]


def record_columns(records: Records, sheet: str, *keys: str) -> Iterator[tuple[Any, ...]]:
    """Each record of ``sheet`` with its values of ``keys``, read a whole column at a time."""
    data = records.sheets.get(sheet)
    if data is None:
        return iter(())
    return zip(data.records, *(records.column(sheet, key) for key in keys), strict=True)


def sheet_columns(records: Records, sheet: str, *keys: str) -> list[list[Any]]:
    """The values of each of ``keys`` in ``sheet``, a list per key (empty without the sheet)."""
    return [records.column(sheet, key) for key in keys]


@contextmanager
def collection_paused() -> Iterator[None]:
    """No garbage collection while a computation makes its results (they form no reference
    cycles): each full collection walked every deadline and line made so far again; at 100,000
    orders that was a third of compute_sla and 0.2 s of compute_penalties. Nests; the collector
    is back on (if it was on) when the outermost computation ends.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
