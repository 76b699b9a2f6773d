"""A reminder to send, as plain data (``Due``) and its recipients (``Person``).

Its own module so every kind's finder (``reminders``, ``sla_risk``, a stock reorder list) uses it
without importing the registry of kinds in ``reminders``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from svctools.core.records import Record

Kind = str  # a key's first part and its templates' name: renewal, callback, sla-risk, ...


@dataclass(frozen=True)
class Person:
    """A mail recipient: display name (may be Chinese) and address."""

    name: str
    email: str

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>" if self.name else self.email


@dataclass
class Due:
    """One reminder to send: its exactly-once ``key``, recipients and the template's context.

    ``to`` is empty when nobody in the book has an address for it; such an item is reported,
    never claimed, and goes out once the clerk fills in the email.
    """

    kind: Kind
    key: str
    to: list[Person]
    cc: list[Person] = field(default_factory=list)
    context: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "key": self.key,
            "to": [str(p) for p in self.to],
            "cc": [str(p) for p in self.cc],
        }


def person_of(record: Record | None) -> Person | None:
    """A staff member or store with an email, as a recipient; else None."""
    return _person(record)


def _person(record: Record | None) -> Person | None:
    if record is None or not record.get("email"):
        return None
    return Person(str(record.get("name") or ""), str(record.get("email")))
