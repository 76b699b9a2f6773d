"""The warranty rules several computations share: the §4.3 date rule and how serials compare.

validate's ``warranty_mismatch``, the settlement's ``in_warranty`` and the 三包 rights
(``entitlements``) all ask "was this call in warranty by its purchase date?"; the repeat-repair
rule (§4.2) and ``repeated_failure`` (§7.3) both ask "is this the same machine?". One answer
each, here.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from typing import Any

from svctools.core.clock import add_months
from svctools.core.policy import Policy
from svctools.core.records import Record


def as_date(value: date | datetime) -> date:
    """The day of a date or datetime."""
    return value.date() if isinstance(value, datetime) else value


def warranty_until(purchase: date | datetime, policy: Policy) -> date:
    """The last day in warranty: purchase + ``[warranty] months`` calendar months (SPEC §4.3)."""
    return add_months(as_date(purchase), policy.warranty.months)


def warranty_by_date(
    call: Record | None, policy: Policy, purchase: date | None = None
) -> tuple[bool, date] | None:
    """In warranty by the purchase date (call day ≤ purchase + months), and until when.

    ``purchase`` stands in when the call has no purchase date of its own (the same machine's
    date from another call). ``None`` when the call time or any purchase date is unknown.
    validate's ``warranty_mismatch`` compares the ledger's stated warranty with this.
    """
    bought = call.get("purchase_date") if call else None
    bought = bought if bought is not None else purchase
    call_time = call.get("call_time") if call else None
    if bought is None or call_time is None:
        return None
    until = warranty_until(bought, policy)
    return as_date(call_time) <= until, until


_BLANK_TEXT = {None: ""}
_NO_TEXT = {"": None}


def serial_keys(values: Collection[Any]) -> list[str | None]:
    """Serial numbers as compared: trimmed, upper case, blank = none (in C-level passes)."""
    texts = list(map(str.upper, map(str.strip, map(str, map(_BLANK_TEXT.get, values, values)))))
    return list(map(_NO_TEXT.get, texts, texts))


def serial_key(value: Any) -> str | None:
    """One serial number as compared (``serial_keys`` of one value)."""
    return serial_keys((value,))[0]
