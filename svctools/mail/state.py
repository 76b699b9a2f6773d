"""The reminders' state file (SPEC §5): which keys went out, so each reminder is sent once.

A SQLite file in WAL mode plus a lock file beside it. One run at a time holds the lock
(``filelock``; the OS releases it even after ``kill -9``); a second run started meanwhile stops
at once with a clear message instead of waiting behind a slow SMTP server. Inside the lock each
key is still claimed in a ``BEGIN IMMEDIATE`` transaction, so even two runs that somehow shared
the file could not both send it.

A key's life: absent → ``claimed`` (just before handing the message over) → ``sent`` or
``failed`` (the server refused it for good) or ``retry`` (a temporary failure: claimable
again) or ``written`` (put in the outbox only, no SMTP configured: a later run with SMTP
claims it again and sends it if it is still due). A key still ``claimed`` when no run holds
the lock belongs to a run that died between handing the message over and recording the
answer: it is shown as ``unknown`` and never sent again until the clerk resolves it
(``sent``, or ``resend`` which makes it claimable).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from svctools.core.errors import SvctoolsError, UsageError
from svctools.core.messages import Msg, say, word

CLAIMABLE = ("retry", "resend")  # statuses a run may claim again (also absent keys)
STATUSES = ("claimed", "sent", "failed", "retry", "resend", "written")
_TABLE = """
CREATE TABLE IF NOT EXISTS {name} (
    key TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('claimed', 'sent', 'failed', 'retry', 'resend',
                                           'written')),
    recipients TEXT NOT NULL DEFAULT '',
    subject TEXT NOT NULL DEFAULT '',
    channel TEXT NOT NULL DEFAULT '',
    message_id TEXT NOT NULL DEFAULT '',
    as_of TEXT NOT NULL DEFAULT '',
    claimed_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 1,
    detail TEXT NOT NULL DEFAULT ''
);
"""
_SCHEMA = _TABLE.format(name="reminders")
_COLUMNS = (
    "key, kind, status, recipients, subject, channel, message_id, as_of, claimed_at, "
    "updated_at, attempts, detail"
)


class StateBusy(SvctoolsError):
    """Another remind run holds the state file's lock: this run sent nothing (exit 3)."""

    exit_code = 3


class StateError(SvctoolsError):
    """The state file cannot be opened or is not ours."""


@dataclass(frozen=True)
class StateRow:
    """One key as recorded. ``shown`` is what the clerk sees: ``claimed`` reads ``unknown``."""

    key: str
    kind: str
    status: str
    recipients: str
    subject: str
    channel: str
    message_id: str
    as_of: str
    claimed_at: str
    updated_at: str
    attempts: int
    detail: str

    @property
    def shown(self) -> str:
        return "unknown" if self.status == "claimed" else self.status

    def to_dict(self) -> dict[str, Any]:
        data = {name: getattr(self, name) for name in _COLUMNS.split(", ")}
        data["status"] = self.shown
        return data


def _stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _private(path: Path) -> None:
    """The state file names customers and addresses: readable by its owner only (0600),
    whatever the umask; SQLite gives its -wal and -shm files the same mode."""
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    with contextlib.suppress(OSError):
        os.chmod(path, 0o600)


def _connect(path: Path) -> sqlite3.Connection:
    try:
        _private(path)
        conn = sqlite3.connect(path, isolation_level=None, timeout=10)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")  # a 'sent' mark survives a power cut
        conn.executescript(_SCHEMA)
        _upgrade(conn)
    except sqlite3.DatabaseError as exc:
        raise StateError(Msg("state.unusable", path=path, detail=exc)) from None
    return conn


def _upgrade(conn: sqlite3.Connection) -> None:
    """A state file from before ``written`` existed: widen its CHECK (SQLite copies the table)."""
    (sql,) = conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'reminders'"
    ).fetchone()
    if "'written'" in sql:
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute(_TABLE.format(name="reminders_new"))
        conn.execute(f"INSERT INTO reminders_new ({_COLUMNS}) SELECT {_COLUMNS} FROM reminders")
        conn.execute("DROP TABLE reminders")
        conn.execute("ALTER TABLE reminders_new RENAME TO reminders")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def read_rows(path: Path) -> list[StateRow]:
    """Every recorded key, without the lock (for ``--status`` and ``--dry-run``).

    A missing file is an empty state and is not created: looking must not leave files behind.
    """
    if not path.is_file():
        return []
    with closing(_connect(path)) as conn:
        return _rows(conn)


def _rows(conn: sqlite3.Connection) -> list[StateRow]:
    cursor = conn.execute(f"SELECT {_COLUMNS} FROM reminders ORDER BY updated_at DESC, key")
    return [StateRow(*row) for row in cursor.fetchall()]


class State:
    """The state file opened under its lock; use ``State.locked(path)``."""

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.path, self.conn = path, conn

    @classmethod
    @contextmanager
    def locked(cls, path: Path, wait: float = 0) -> Iterator[State]:
        """Hold the run lock while the block runs; ``StateBusy`` if another run has it."""
        if not path.parent.is_dir():
            raise StateError(Msg("state.no_folder", path=path, folder=path.parent))
        lock = FileLock(f"{path}.lock", timeout=wait)
        try:
            lock.acquire()
        except Timeout:
            raise StateBusy(Msg("state.busy", path=path, lock=lock.lock_file)) from None
        try:
            with closing(_connect(path)) as conn:
                yield cls(path, conn)
        finally:
            lock.release()

    def rows(self) -> list[StateRow]:
        return _rows(self.conn)

    def statuses(self) -> dict[str, str]:
        """Each recorded key's status as stored (``claimed`` included)."""
        return dict(self.conn.execute("SELECT key, status FROM reminders").fetchall())

    def claim(self, key: str, kind: str, recipients: str, subject: str, **facts: Any) -> bool:
        """Record that ``key`` is about to be handed over; ``False`` if it is not ours to send.

        ``facts``: ``channel``, ``as_of``, ``now`` (a datetime) and ``again`` (statuses besides
        retry/resend this run may claim: ``written`` when SMTP now sends what the outbox held).
        """
        now = _stamp(facts["now"])
        again = tuple(s for s in facts.get("again", ()) if s in STATUSES)
        claimable = ", ".join(f"'{s}'" for s in (*CLAIMABLE, *again))
        values = (key, kind, recipients, subject, facts["channel"], facts["as_of"], now, now)
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            self.conn.execute(
                "INSERT INTO reminders (key, kind, status, recipients, subject, channel, as_of,"
                " claimed_at, updated_at) VALUES (?, ?, 'claimed', ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT(key) DO UPDATE SET status = 'claimed',"
                " recipients = excluded.recipients, subject = excluded.subject,"
                " channel = excluded.channel, as_of = excluded.as_of,"
                " claimed_at = excluded.claimed_at, updated_at = excluded.updated_at,"
                " attempts = reminders.attempts + 1, detail = '', message_id = ''"
                f" WHERE reminders.status IN ({claimable})",
                values,
            )
            won = self.conn.execute("SELECT changes()").fetchone()[0] == 1
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        return bool(won)

    def finish(
        self, key: str, status: str, now: datetime, detail: str = "", message_id: str = ""
    ) -> None:
        """Record the answer for a claimed key: ``sent``, ``failed``, ``retry`` or ``written``."""
        if status not in ("sent", "failed", "retry", "written"):
            raise ValueError(f"cannot finish a claim as {status!r}")
        self.conn.execute(
            "UPDATE reminders SET status = ?, updated_at = ?, detail = ?, message_id = ?"
            " WHERE key = ? AND status = 'claimed'",
            (status, _stamp(now), detail, message_id, key),
        )

    def resolve(self, key: str, action: str, now: datetime, lang: str = "zh") -> StateRow:
        """The clerk's decision on a key: ``sent`` (leave it) or ``resend`` (send it next run)."""
        if action not in ("sent", "resend"):
            raise UsageError(Msg("state.bad_action", key=key, action=action))
        row = self.conn.execute(
            f"SELECT {_COLUMNS} FROM reminders WHERE key = ?", (key,)
        ).fetchone()
        if row is None:
            raise UsageError(Msg("state.no_key", path=self.path, key=key))
        said = "state.marked_sent" if action == "sent" else "state.to_resend"
        was = StateRow(*row).shown  # the status as --status shows it, in the clerk's words
        detail = say(said, lang, was=word("remind.label", was, lang))
        self.conn.execute(
            "UPDATE reminders SET status = ?, updated_at = ?, detail = ? WHERE key = ?",
            (action, _stamp(now), detail, key),
        )
        updated = self.conn.execute(
            f"SELECT {_COLUMNS} FROM reminders WHERE key = ?", (key,)
        ).fetchone()
        return StateRow(*updated)
