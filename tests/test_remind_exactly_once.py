"""Exactly once under faults the other remind tests leave out (issue 4, "How it is checked").

``test_remind_cli.py`` covers the double run, a lock held in-process, two processes racing
freely, a 421 after k messages, a hang-up in the first DATA, a 451 in DATA and a 550 for an
address in two messages. Here: two processes that are *made* to overlap, a real TCP hang-up
after k messages (before MAIL and inside DATA), a 450 for a recipient, and a 550 for one
recipient of one message, with ``remind --status`` checked.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from conftest import smtp_on_localhost
from test_remind_cli import (
    AS_OF,
    KEYS,
    Handler,
    config,
    invoke,
    remind,
    status,
)
from test_remind_cli import book as book  # noqa: F401  (fixture)

LOCKED = "另一个 svctools remind 正在使用"  # zh, the default


class FaultyHandler(Handler):
    """``Handler`` plus scripted RCPT replies, a hang-up after k messages and a DATA gate."""

    def __init__(self) -> None:
        super().__init__()
        self.rcpt_replies: dict[str, list[str | None]] = {}  # address: reply per RCPT, None = OK
        self.hang_up_after: int | None = None  # once this many messages arrived ...
        self.hang_up_in: str = "MAIL"  # ... hang up at the next MAIL, or inside its DATA
        self.gate: threading.Event | None = None  # DATA waits for it (to hold the lock open)

    def _hang_up_now(self, phase: str) -> bool:
        if self.hang_up_after is None or self.hang_up_in != phase:
            return False
        if len(self.messages) != self.hang_up_after:
            return False
        self.hang_up_after = None  # once: the server "recovers"
        return True

    async def handle_MAIL(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if self._hang_up_now("MAIL"):
            server.transport.close()  # the connection breaks: no reply at all
            return "421 gone"  # never reaches the client
        return await super().handle_MAIL(server, session, envelope, address, options)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        replies = self.rcpt_replies.get(address)
        reply = replies.pop(0) if replies else None
        if reply:
            return reply
        return await super().handle_RCPT(server, session, envelope, address, options)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.gate is not None:
            gate = self.gate
            await asyncio.get_running_loop().run_in_executor(None, gate.wait, 30)
        if self._hang_up_now("DATA"):
            self.drop_in_data = 1  # the message arrives, the 250 never does
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def smtp() -> Any:
    handler = FaultyHandler()
    with smtp_on_localhost(handler) as port:
        try:
            yield handler, port
        finally:
            if handler.gate is not None:  # a test left a message waiting: let it go first
                handler.gate.set()


def sent_once(handler: Handler) -> None:
    counts = Counter(handler.keys())
    assert all(n == 1 for n in counts.values()), counts


# --- 1. two processes at once ------------------------------------------------------------------


def test_two_overlapping_processes_one_sends_the_other_exits_with_the_lock_message(
    tmp_path: Path, book: Path, smtp: tuple[FaultyHandler, int]
) -> None:
    handler, port = smtp
    conf = config(tmp_path, port)
    handler.gate = threading.Event()  # the first run to reach DATA holds the lock until released
    command = [sys.executable, "-m", "svctools", "remind", "all", str(book), "--config", str(conf)]
    command += ["--as-of", AS_OF, "--format", "json"]
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    pipes = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, "env": env, "text": True}
    runs = [subprocess.Popen(command, **pipes) for _ in range(2)]  # type: ignore[call-overload]
    try:
        deadline = time.monotonic() + 30
        while all(run.poll() is None for run in runs):  # the loser ends while the winner waits
            assert time.monotonic() < deadline, "neither run ended while one held the lock"
            time.sleep(0.02)
        loser = next(run for run in runs if run.poll() is not None)
        handler.gate.set()
        winner = next(run for run in runs if run is not loser)
        out, err = loser.communicate(timeout=30)
        assert loser.returncode == 3 and LOCKED in err, (out, err)
        out, err = winner.communicate(timeout=30)
        assert winner.returncode == 0, err
        assert json.loads(out)["sent"] == len(KEYS)
    finally:
        handler.gate.set()
        for run in runs:
            if run.poll() is None:
                run.kill()
                run.wait()
    assert sorted(handler.keys()) == sorted(KEYS)  # every key exactly once, in total
    assert len({peer for peer, _, _ in handler.messages}) == 1  # from the winner alone


# --- 2. the connection breaks after k messages, then the server recovers ------------------------


@pytest.mark.parametrize("k", [0, 2, 4])
def test_hang_up_before_the_next_message_sends_the_rest_next_run(
    tmp_path: Path, book: Path, smtp: tuple[FaultyHandler, int], k: int
) -> None:
    handler, port = smtp
    conf = config(tmp_path, port)
    handler.hang_up_after, handler.hang_up_in = k, "MAIL"
    code, data, err = remind(conf, book)
    assert (code, data["sent"], data["retry"], data["unknown"]) == (3, k, len(KEYS) - k, 0)
    assert "发送中连接中断" in err
    assert handler.keys() == KEYS[:k]
    assert status(conf)[KEYS[k]] == "retry"  # the one in hand: claimed, then released
    code, data, _ = remind(conf, book)  # the server is back
    assert (code, data["sent"], data["already_sent"]) == (0, len(KEYS) - k, k)
    assert handler.keys() == KEYS
    sent_once(handler)
    assert status(conf) == {key: "sent" for key in KEYS}


@pytest.mark.parametrize("k", [1, 3])
def test_hang_up_inside_data_leaves_that_key_unknown_and_never_resends_it(
    tmp_path: Path, book: Path, smtp: tuple[FaultyHandler, int], k: int
) -> None:
    handler, port = smtp
    conf = config(tmp_path, port)
    handler.hang_up_after, handler.hang_up_in = k, "DATA"
    code, data, _ = remind(conf, book)
    rest = len(KEYS) - k - 1
    assert (code, data["sent"], data["unknown"], data["retry"]) == (3, k, 1, rest)
    assert data["due"][k]["status"] == "unknown"
    assert handler.keys() == KEYS[: k + 1]  # the one in flight did arrive
    code, data, _ = remind(conf, book)
    assert (code, data["sent"], data["already_sent"], data["unknown"]) == (3, rest, k, 1)
    assert [row["key"] for row in data["attention"]] == [KEYS[k]]
    assert handler.keys() == KEYS
    sent_once(handler)
    assert status(conf)[KEYS[k]] == "unknown"
    assert remind(conf, book)[1]["unknown"] == 1 and len(handler.messages) == len(KEYS)


# --- 3. a 450, then success ----------------------------------------------------------------------


def test_a_450_for_the_recipient_exits_3_and_the_message_goes_next_run_once(
    tmp_path: Path, book: Path, smtp: tuple[FaultyHandler, int]
) -> None:
    handler, port = smtp
    conf = config(tmp_path, port)
    digest = "callback:A02:2026-11-20"  # a02's second message; the digest has no cc
    handler.rcpt_replies["a02@example.com"] = [None, "450 4.2.1 mailbox busy, try later"]
    code, data, _ = remind(conf, book)
    assert (code, data["sent"], data["retry"], data["failed"]) == (3, 4, 1, 0)
    row = next(d for d in data["due"] if d["key"] == digest)
    assert row["status"] == "retry" and "450" in row["detail"]
    assert digest not in handler.keys() and status(conf)[digest] == "retry"
    code, data, _ = remind(conf, book)
    assert (code, data["sent"], data["already_sent"]) == (0, 1, 4)
    assert handler.keys()[-1] == digest
    sent_once(handler)
    assert remind(conf, book)[1]["already_sent"] == len(KEYS)


# --- 4. a 550 for one recipient -----------------------------------------------------------------


def test_a_550_for_one_message_fails_that_key_only_and_status_lists_it(
    tmp_path: Path, book: Path, smtp: tuple[FaultyHandler, int]
) -> None:
    handler, port = smtp
    conf = config(tmp_path, port)
    digest = "callback:A02:2026-11-20"
    handler.rcpt_replies["a02@example.com"] = [None, "550 5.1.1 no such mailbox"]
    code, data, _ = remind(conf, book)
    assert (code, data["sent"], data["failed"], data["retry"]) == (3, 4, 1, 0)
    assert sorted(handler.keys()) == sorted(k for k in KEYS if k != digest)
    assert status(conf) == {key: "failed" if key == digest else "sent" for key in KEYS}

    listed = invoke("remind", "--status", "--config", conf, "--lang", "en")
    assert listed.exit_code == 0
    line = next(line for line in listed.stdout.splitlines() if digest in line)
    assert "failed" in line and "550" in line
    for _ in range(2):  # not retried; reported every run
        code, data, _ = remind(conf, book)
        assert (code, data["sent"], data["failed"], data["already_sent"]) == (3, 0, 1, 4)
        assert [row["key"] for row in data["attention"]] == [digest]
    assert len(handler.messages) == 4 and digest not in handler.keys()


@pytest.mark.parametrize("reply", ["450 4.2.1 mailbox busy", "550 5.1.1 no such mailbox"])
def test_the_owner_refused_the_store_gets_no_copy_either(
    tmp_path: Path, book: Path, smtp: tuple[FaultyHandler, int], reply: str
) -> None:
    """The cc alone must not get it: the retry (or the clerk's resend) would send it twice."""
    handler, port = smtp
    conf = config(tmp_path, port)
    key = "renewal:HT002:1"  # to a02, cc the store haidian@
    handler.rcpt_replies["a02@example.com"] = [reply]
    code, data, _ = remind(conf, book)
    row = next(d for d in data["due"] if d["key"] == key)
    assert code == 3 and row["status"] == ("retry" if reply[0] == "4" else "failed")
    assert key not in handler.keys() and len(handler.messages) == len(KEYS) - 1
    if reply[0] == "5":
        invoke("remind", "--resolve", key, "resend", "--config", conf)
    assert remind(conf, book)[0] == 0
    sent_once(handler)
    assert [r for _, r, m in handler.messages if m["X-Svctools-Key"] == key] == [
        ["a02@example.com", "haidian@example.com"]
    ]
