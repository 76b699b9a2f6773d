"""Cron that keeps going (issue 13, items 4 and 5): ``remind all`` sends every kind whose sheets
are clean and reports the kinds the book's errors block; mail only written to the outbox is
``written``, not ``sent``, and goes out once, by SMTP, when SMTP is configured later (never a
stale stage). A real aiosmtpd server on 127.0.0.1 receives what is sent."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import smtp_on_localhost
from test_remind_cli import KEYS, ROWS, Handler, config, fill, invoke, remind, status


@pytest.fixture
def smtp() -> Iterator[tuple[Handler, int]]:
    handler = Handler()
    with smtp_on_localhost(handler) as port:
        yield handler, port


@pytest.fixture
def book(tmp_path: Path) -> Path:
    path = tmp_path / "售后台账.xlsx"
    assert invoke("init", path).exit_code == 0
    fill(path, ROWS)
    return path


def test_one_bad_phone_blocks_only_the_callbacks(
    tmp_path: Path, book: Path, smtp: tuple[Handler, int]
) -> None:
    handler, port = smtp
    calls = [dict(ROWS["call_log"][0], phone="打不通")] + ROWS["call_log"][1:]
    fill(book, {"call_log": calls})
    conf = config(tmp_path, port)
    code, data, err = remind(conf, book)
    assert code == 1  # after sending the rest
    assert handler.keys() == KEYS[:3]  # the renewals never read the call log
    assert [b["kind"] for b in data["blocked"]] == ["callback"]
    assert "remind callbacks 未发送（其余照常）" in err and "来电登记" in err
    assert "remind callbacks 用到的工作表（来电登记" in err  # the command as typed, not a key
    assert "Traceback" not in err
    # the text the clerk gets from cron says it too, after what was sent
    text = invoke("remind", "all", book, "--config", conf, "--as-of", "2026-11-20T09:00")
    assert text.exit_code == 1 and "因台帐错误未发送" in text.stdout
    assert "此前已发 3" in text.stdout
    # once fixed, the callbacks go and the renewals are not sent again
    fill(book, {"call_log": ROWS["call_log"]})
    code, data, _ = remind(conf, book)
    assert (code, data["sent"], data["already_sent"], data["blocked"]) == (0, 2, 3, [])
    assert sorted(handler.keys()) == sorted(KEYS)


def test_a_book_with_no_contracts_and_a_bad_ledger_exits_1_with_nothing_to_send(
    tmp_path: Path, book: Path
) -> None:
    fill(book, {"repair_ledger": [dict(ROWS["repair_ledger"][0], completed_at="昨天")]})
    conf = config(tmp_path, None)
    code, data, err = remind(conf, book, "--dry-run")
    assert code == 1 and data["written"] == 3 and "remind callbacks" in err


def test_outbox_mail_is_written_then_sent_once_when_smtp_comes(
    tmp_path: Path, book: Path, smtp: tuple[Handler, int]
) -> None:
    handler, port = smtp
    code, data, _ = remind(config(tmp_path, None), book)
    assert (code, data["written"], data["sent"]) == (0, 5, 0)
    shown = invoke("remind", "--status", "--config", tmp_path / "svctools.toml")
    assert shown.stdout.count("已写入发件箱") >= 5
    conf = config(tmp_path, port)
    code, data, _ = remind(conf, book)
    assert (code, data["sent"]) == (0, 5) and handler.keys() == KEYS
    code, data, _ = remind(conf, book)
    assert (code, data["sent"], data["already_sent"]) == (0, 0, 5) and len(handler.messages) == 5
    assert set(status(conf).values()) == {"sent"}


def test_smtp_later_never_sends_a_stale_stage(
    tmp_path: Path, book: Path, smtp: tuple[Handler, int]
) -> None:
    handler, port = smtp
    # 11-12: HT001 ends 11-27 (15 days: stage 15), HT002 11-21 (9 days: 15), HT003 11-18 (6: 7)
    result = invoke(
        "remind", "renewals", book, "--config", config(tmp_path, None), "--as-of", "2026-11-12"
    )
    assert result.exit_code == 0
    assert set(status(tmp_path / "svctools.toml")) == {
        "renewal:HT001:15",
        "renewal:HT002:15",
        "renewal:HT003:7",
    }
    # 11-20 with SMTP: the stages due now go, the written stale ones never do
    code, data, _ = remind(config(tmp_path, port), book)
    assert code == 0 and handler.keys() == KEYS
    assert status(tmp_path / "svctools.toml")["renewal:HT001:15"] == "written"


def test_a_state_file_from_before_written_is_upgraded_and_keeps_its_keys(
    tmp_path: Path, book: Path
) -> None:
    path = tmp_path / "svctools-state.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute(
            "CREATE TABLE reminders (key TEXT PRIMARY KEY, kind TEXT NOT NULL, status TEXT NOT NULL"
            " CHECK (status IN ('claimed', 'sent', 'failed', 'retry', 'resend')),"
            " recipients TEXT NOT NULL DEFAULT '', subject TEXT NOT NULL DEFAULT '',"
            " channel TEXT NOT NULL DEFAULT '', message_id TEXT NOT NULL DEFAULT '',"
            " as_of TEXT NOT NULL DEFAULT '', claimed_at TEXT NOT NULL, updated_at TEXT NOT NULL,"
            " attempts INTEGER NOT NULL DEFAULT 1, detail TEXT NOT NULL DEFAULT '')"
        )
        conn.execute(
            "INSERT INTO reminders (key, kind, status, claimed_at, updated_at)"
            " VALUES ('renewal:HT001:7', 'renewal', 'sent', '2026-11-20', '2026-11-20')"
        )
    conn.close()
    code, data, _ = remind(config(tmp_path, None), book)
    assert (code, data["already_sent"], data["written"]) == (0, 1, 4)
    assert status(tmp_path / "svctools.toml")["renewal:HT002:1"] == "written"
