"""``svctools remind`` end to end: a real aiosmtpd server on 127.0.0.1 receives what is sent.

Exactly once (SPEC §5): a second run sends nothing new; two runs at once never both send; a key
claimed but never marked is ``unknown`` and not resent; 4xx and lost connections are retried
next run; a 5xx is recorded as failed until the clerk resolves it.
"""

from __future__ import annotations

import email
import email.policy
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import date, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from aiosmtpd.smtp import AuthResult, LoginPassword
from click.testing import CliRunner
from conftest import free_port, smtp_on_localhost

from svctools.cli import cli
from svctools.core.schema import load_schema
from svctools.mail.state import State, read_rows

AS_OF = "2026-11-20T09:00"
KEYS = [
    "renewal:HT003:expired",
    "renewal:HT002:1",
    "renewal:HT001:7",
    "callback:A01:2026-11-20",
    "callback:A02:2026-11-20",
]


class Handler:
    """Records what arrives; each fault is switched on by a test."""

    def __init__(self) -> None:
        self.messages: list[tuple[Any, list[str], EmailMessage]] = []
        self.ehlo = 0
        self.reject: set[str] = set()  # RCPT answered 550
        self.defer = 0  # next N DATA answered 451
        self.close_after: int | None = None  # MAIL answered 421 once this many arrived
        self.drop_in_data = 0  # next N DATA: take the message, then hang up without answering
        self.lock = threading.Lock()

    async def handle_EHLO(
        self, server: Any, session: Any, envelope: Any, hostname: str, responses: list[str]
    ) -> list[str]:
        session.host_name = hostname
        self.ehlo += 1
        return responses

    async def handle_MAIL(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if self.close_after is not None and len(self.messages) >= self.close_after:
            return "421 4.3.2 shutting down"
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if address in self.reject:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.defer:
            self.defer -= 1
            return "451 4.3.0 try again later"
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        with self.lock:
            self.messages.append((session.peer, list(envelope.rcpt_tos), message))
        if self.drop_in_data:
            self.drop_in_data -= 1
            server.transport.close()
        return "250 OK"

    def keys(self) -> list[str]:
        return [str(m["X-Svctools-Key"]) for _, _, m in self.messages]


@pytest.fixture
def smtp() -> Iterator[tuple[Handler, int]]:
    handler = Handler()
    with smtp_on_localhost(handler) as port:
        yield handler, port


# --- the book ----------------------------------------------------------------------------------


def fill(path: Path, sheets: dict[str, list[dict[str, Any]]], drop: tuple[str, ...] = ()) -> None:
    """Write rows (values by column key) under the headers ``svctools init`` laid out."""
    schema = load_schema()
    workbook = openpyxl.load_workbook(path)
    for key in drop:
        del workbook[schema[key].title("zh")]
    for key, rows in sheets.items():
        sheet = schema[key]
        worksheet = workbook[sheet.title("zh")]
        where = {cell.value: cell.column for cell in worksheet[1]}
        for number, row in enumerate(rows, start=2):
            for column in sheet.columns:
                if column.key in row:
                    worksheet.cell(number, where[column.header("zh")], row[column.key])
    workbook.save(path)


def call(cid: str, agent: str, name: str, phone: str) -> dict[str, Any]:
    return {
        "call_id": cid,
        "call_time": datetime(2026, 11, 10, 9, 0),
        "customer_name": name,
        "phone": phone,
        "product_model": "KFR-35GW",
        "fault_description": "空调不制冷",
        "fault_level": 2,
        "taken_by": agent,
    }


def order(oid: str, cid: str, done: datetime) -> dict[str, Any]:
    return {
        "order_id": oid,
        "call_id": cid,
        "technician_id": "T01",
        "service_mode": "上门",
        "status": "已完工",
        "completed_at": done,
        "fault_cause": "质量问题",
    }


def contract(cid: str, end: date, store: str, owner: str, status: str | None) -> dict[str, Any]:
    return {
        "contract_id": cid,
        "customer_name": f"{cid} 阳光物业",
        "start_date": date(2025, 11, 1),
        "end_date": end,
        "store_id": store,
        "owner_id": owner,
        "renewal_status": status,
    }


ROWS: dict[str, list[dict[str, Any]]] = {
    "stores": [
        {"store_id": "S01", "name": "朝阳店", "email": "chaoyang@example.com"},
        {"store_id": "S02", "name": "海淀店", "email": "haidian@example.com"},
    ],
    "staff": [
        {
            "staff_id": "A01",
            "name": "张丽",
            "role": "客服",
            "status": "在岗",
            "store_id": "S01",
            "email": "a01@example.com",
        },
        {
            "staff_id": "A02",
            "name": "王芳",
            "role": "客服",
            "status": "在岗",
            "store_id": "S02",
            "email": "a02@example.com",
        },
        {
            "staff_id": "T01",
            "name": "李强",
            "role": "维修员",
            "status": "在岗",
            "store_id": "S01",
            "email": "t01@example.com",
        },
    ],  # fmt: skip
    "contracts": [
        contract("HT001", date(2026, 11, 27), "S01", "A01", None),  # 7 days
        contract("HT002", date(2026, 11, 21), "S02", "A02", "未续签"),  # 1 day
        contract("HT003", date(2026, 11, 18), "S01", "A01", None),  # expired
        contract("HT004", date(2026, 12, 20), "S01", "A01", None),  # 30 days: nothing yet
        contract("HT005", date(2026, 11, 21), "S02", "A02", "不续签"),  # declined
    ],
    "call_log": [
        call("C001", "A01", "刘女士", "13812345678"),
        call("C002", "A02", "陈先生", "13912345678"),
        call("C003", "A01", "周女士", "13712345678"),
    ],
    "repair_ledger": [
        order("W001", "C001", datetime(2026, 11, 18, 16, 0)),
        order("W002", "C002", datetime(2026, 11, 17, 11, 0)),
        order("W003", "C003", datetime(2026, 11, 12, 10, 0)),
    ],
}


@pytest.fixture
def book(tmp_path: Path) -> Path:
    path = tmp_path / "售后台账.xlsx"
    assert invoke("init", path).exit_code == 0
    fill(path, ROWS)
    return path


def config(tmp_path: Path, port: int | None, user: str = "") -> Path:
    path = tmp_path / "svctools.toml"
    smtp = f'host = "127.0.0.1"\nport = {port}\n' if port else ""
    path.write_text(
        f'[smtp]\n{smtp}starttls = false\nuser = "{user}"\n'
        'from = "售后部 <service@firm.example>"\n',
        encoding="utf-8",
    )
    return path


def invoke(*args: Any) -> Any:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def remind(conf: Path, book: Path, *more: Any, kind: str = "all") -> tuple[int, Any, str]:
    result = invoke(
        "remind", kind, book, "--config", conf, "--as-of", AS_OF, "--format", "json", *more
    )
    data = json.loads(result.stdout) if result.stdout.startswith("{") else result.stdout
    return result.exit_code, data, result.stderr


def status(conf: Path) -> dict[str, str]:
    result = invoke("remind", "--status", "--config", conf, "--format", "json")
    return {row["key"]: row["status"] for row in json.loads(result.stdout)["reminders"]}


# --- delivery ------------------------------------------------------------------------------------


def test_sends_each_due_reminder_once_over_one_connection(
    tmp_path: Path, book: Path, smtp: tuple[Handler, int]
) -> None:
    handler, port = smtp
    conf = config(tmp_path, port)
    code, data, err = remind(conf, book)
    assert (code, err) == (0, "")
    assert [d["key"] for d in data["due"]] == KEYS
    assert (data["sent"], data["already_sent"], data["failed"]) == (5, 0, 0)
    assert data["mode"] == "smtp" and data["due"][2]["to"] == ["张丽 <a01@example.com>"]
    assert handler.keys() == KEYS
    assert handler.ehlo == 1 and len({peer for peer, _, _ in handler.messages}) == 1
    ids = {str(m["Message-ID"]) for _, _, m in handler.messages}
    assert len(ids) == 5

    peer, rcpts, message = handler.messages[2]
    assert rcpts == ["a01@example.com", "chaoyang@example.com"]  # the store is copied
    assert str(message["To"]) == "张丽 <a01@example.com>"
    assert str(message["Cc"]) == "朝阳店 <chaoyang@example.com>"
    assert str(message["From"]) == "售后部 <service@firm.example>"
    assert message["Subject"] == "【续签提醒】HT001 HT001 阳光物业：服务协议 7 天后到期"
    assert message.get_content_type() == "multipart/alternative"
    plain, html = message.get_body(("plain",)), message.get_body(("html",))
    assert plain is not None and html is not None
    assert "距今还有 7 天" in plain.get_content() and "<b>7</b>" in html.get_content()

    _, rcpts, digest = handler.messages[3]
    assert rcpts == ["a01@example.com"]
    text = digest.get_body(("plain",)).get_content()
    assert text.index("W003") < text.index("W001")  # oldest completion first
    assert "13712345678" in text

    assert status(conf) == {key: "sent" for key in KEYS}
    assert not (tmp_path / "outbox").exists()


def test_a_second_run_sends_nothing_new_and_is_quiet(
    tmp_path: Path, book: Path, smtp: tuple[Handler, int]
) -> None:
    handler, port = smtp
    conf = config(tmp_path, port)
    assert remind(conf, book)[0] == 0
    code, data, _ = remind(conf, book)
    assert (code, data["sent"], data["already_sent"]) == (0, 0, 5)
    assert len(handler.messages) == 5 and handler.ehlo == 1  # nothing due: no connection at all
    quiet = invoke("remind", "all", book, "--config", conf, "--as-of", AS_OF, "--quiet")
    assert (quiet.exit_code, quiet.output) == (0, "")
    loud = invoke("remind", "all", book, "--config", conf, "--as-of", AS_OF, "--lang", "en")
    assert "5 due; already sent 5" in loud.stdout


def test_a_run_holding_the_lock_keeps_the_second_out(
    tmp_path: Path, book: Path, smtp: tuple[Handler, int]
) -> None:
    handler, port = smtp
    conf = config(tmp_path, port)
    with State.locked(tmp_path / "svctools-state.sqlite"):
        code, _, err = remind(conf, book)
    assert code == 3 and "另一个 svctools remind 正在使用" in err  # zh, the default
    assert handler.messages == []
    assert remind(conf, book)[0] == 0 and handler.keys() == KEYS


def test_two_processes_at_once_never_both_send(
    tmp_path: Path, book: Path, smtp: tuple[Handler, int]
) -> None:
    handler, port = smtp
    conf = config(tmp_path, port)
    # the console script's own entry point, as cron runs it
    command = [sys.executable, "-c", "from svctools.cli import main; main()", "remind", "all"]
    command += [str(book)]
    command += ["--config", str(conf), "--as-of", AS_OF, "--format", "json"]
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, env=env) for _ in range(2)]
    outputs = [(run.wait(timeout=60), run.communicate()[0]) for run in runs]
    assert sorted(handler.keys()) == sorted(KEYS)  # every key exactly once
    codes = sorted(code for code, _ in outputs)
    assert codes in ([0, 0], [0, 3])
    sent = [json.loads(out)["sent"] for code, out in outputs if code == 0 and out]
    assert sum(sent) == 5


def test_claims_inside_the_transaction_have_one_winner(tmp_path: Path) -> None:
    """Belt and braces under the lock: two connections claiming one key, one wins."""
    import sqlite3

    path = tmp_path / "state.sqlite"
    with State.locked(path):
        pass  # creates the file and its table
    first, second = (State(path, sqlite3.connect(path, isolation_level=None)) for _ in range(2))
    facts = {"channel": "smtp", "as_of": AS_OF, "now": datetime(2026, 11, 20, 9, 0)}
    assert first.claim("renewal:HT001:7", "renewal", "a", "s", **facts)
    assert not second.claim("renewal:HT001:7", "renewal", "a", "s", **facts)
    first.finish("renewal:HT001:7", "retry", facts["now"], "451 later")
    assert second.claim("renewal:HT001:7", "renewal", "a", "s", **facts)
    assert not first.claim("renewal:HT001:7", "renewal", "a", "s", **facts)


def test_a_key_claimed_by_a_killed_run_is_unknown_until_resolved(
    tmp_path: Path, book: Path, smtp: tuple[Handler, int]
) -> None:
    handler, port = smtp
    conf = config(tmp_path, port)
    with State.locked(tmp_path / "svctools-state.sqlite") as state:  # the run that was killed
        facts = {"channel": "smtp", "as_of": AS_OF, "now": datetime(2026, 11, 20, 7, 30)}
        assert state.claim("renewal:HT002:1", "renewal", "王芳 <a02@example.com>", "续签", **facts)
    code, data, _ = remind(conf, book)
    assert code == 3  # it needs the clerk
    assert (data["sent"], data["unknown"]) == (4, 1)
    assert "renewal:HT002:1" not in handler.keys()
    assert [row["key"] for row in data["attention"]] == ["renewal:HT002:1"]
    assert status(conf)["renewal:HT002:1"] == "unknown"
    assert remind(conf, book)[1]["unknown"] == 1 and len(handler.messages) == 4  # never resent

    text = invoke("remind", "--status", "--config", conf).stdout
    assert "未知" in text and "renewal:HT002:1" in text and "2026-11-20T07:30:00" in text
    resolved = invoke("remind", "--resolve", "renewal:HT002:1", "resend", "--config", conf)
    assert resolved.exit_code == 0 and "renewal:HT002:1 -> resend" in resolved.stdout
    code, data, _ = remind(conf, book)
    assert (code, data["sent"], data["already_sent"]) == (0, 1, 4)
    assert handler.keys().count("renewal:HT002:1") == 1


def test_resolve_sent_closes_the_key_without_sending(
    tmp_path: Path, book: Path, smtp: tuple[Handler, int]
) -> None:
    handler, port = smtp
    conf = config(tmp_path, port)
    with State.locked(tmp_path / "svctools-state.sqlite") as state:
        facts = {"channel": "smtp", "as_of": AS_OF, "now": datetime(2026, 11, 20, 7, 30)}
        state.claim("renewal:HT001:7", "renewal", "", "", **facts)
    assert invoke("remind", "--resolve", "renewal:HT001:7", "sent", "--config", conf).exit_code == 0
    code, data, _ = remind(conf, book)
    assert (code, data["sent"], data["already_sent"]) == (0, 4, 1)
    assert "renewal:HT001:7" not in handler.keys()
    unknown_key = invoke("remind", "--resolve", "renewal:HT999:7", "sent", "--config", conf)
    assert unknown_key.exit_code == 2 and "没有记录提醒 'renewal:HT999:7'" in unknown_key.stderr


def test_a_4xx_exits_3_and_the_message_goes_next_run(
    tmp_path: Path, book: Path, smtp: tuple[Handler, int]
) -> None:
    handler, port = smtp
    conf = config(tmp_path, port)
    handler.defer = 1
    code, data, _ = remind(conf, book)
    assert (code, data["sent"], data["retry"]) == (3, 4, 1)
    assert data["due"][0]["status"] == "retry" and "451" in data["due"][0]["detail"]
    assert handler.keys() == KEYS[1:]
    assert status(conf)[KEYS[0]] == "retry"
    code, data, _ = remind(conf, book)
    assert (code, data["sent"], data["already_sent"]) == (0, 1, 4)
    assert sorted(handler.keys()) == sorted(KEYS)


def test_a_dropped_connection_sends_the_rest_next_run(
    tmp_path: Path, book: Path, smtp: tuple[Handler, int]
) -> None:
    handler, port = smtp
    conf = config(tmp_path, port)
    handler.close_after = 2  # the server goes away after two messages
    code, data, err = remind(conf, book)
    assert (code, data["sent"], data["retry"]) == (3, 2, 3)
    assert "421" in err
    handler.close_after = None
    code, data, _ = remind(conf, book)
    assert (code, data["sent"], data["already_sent"]) == (0, 3, 2)
    assert sorted(handler.keys()) == sorted(KEYS)


def test_a_connection_lost_after_the_message_went_over_is_unknown(
    tmp_path: Path, book: Path, smtp: tuple[Handler, int]
) -> None:
    handler, port = smtp
    conf = config(tmp_path, port)
    handler.drop_in_data = 1  # the server takes the first message, then hangs up unanswered
    code, data, _ = remind(conf, book)
    assert code == 3 and data["due"][0]["status"] == "unknown"
    assert data["retry"] == 4 and handler.keys() == KEYS[:1]
    code, data, _ = remind(conf, book)
    assert (code, data["sent"], data["unknown"]) == (3, 4, 1)
    assert handler.keys().count(KEYS[0]) == 1  # may have gone out: never resent by itself


def test_a_5xx_recipient_is_failed_reported_every_run_until_resolved(
    tmp_path: Path, book: Path, smtp: tuple[Handler, int]
) -> None:
    handler, port = smtp
    conf = config(tmp_path, port)
    handler.reject = {"a02@example.com"}
    code, data, _ = remind(conf, book)
    assert (code, data["sent"], data["failed"]) == (3, 3, 2)
    failed = {d["key"]: d["detail"] for d in data["due"] if d["status"] == "failed"}
    assert set(failed) == {"renewal:HT002:1", "callback:A02:2026-11-20"}
    assert "550" in failed["callback:A02:2026-11-20"]
    for _ in range(2):  # reported every run, never retried by itself
        code, data, _ = remind(conf, book)
        assert (code, data["sent"], data["failed"]) == (3, 0, 2)
        assert {row["key"] for row in data["attention"]} == set(failed)
    text = invoke("remind", "all", book, "--config", conf, "--as-of", AS_OF, "--quiet").stdout
    assert "--resolve KEY sent|resend" in text and "550" in text

    handler.reject = set()  # the clerk fixed the address
    before = len(handler.messages)
    invoke("remind", "--resolve", "callback:A02:2026-11-20", "resend", "--config", conf)
    invoke("remind", "--resolve", "renewal:HT002:1", "sent", "--config", conf)
    code, data, _ = remind(conf, book)
    assert (code, data["sent"], data["failed"]) == (0, 1, 0)
    assert handler.keys()[before:] == ["callback:A02:2026-11-20"]


def test_connection_refused_exits_3_and_claims_nothing(
    tmp_path: Path, book: Path, smtp: tuple[Handler, int]
) -> None:
    handler, port = smtp
    conf = config(tmp_path, free_port())
    code, data, err = remind(conf, book)
    assert code == 3 and data["retry"] == 5 and "无法连接 SMTP 邮件服务器" in err
    assert read_rows(tmp_path / "svctools-state.sqlite") == []
    conf = config(tmp_path, port)
    assert remind(conf, book)[1]["sent"] == 5


def test_login_with_the_password_from_the_environment(
    tmp_path: Path, book: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    handler, seen = Handler(), []

    def check(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        seen.append(data)
        good = isinstance(data, LoginPassword) and data.password == b"s3cret-pw"
        return AuthResult(success=good)

    monkeypatch.setitem(sys.modules, "keyring", None)  # no keyring here: the environment only
    monkeypatch.delenv("SVCTOOLS_SMTP_PASSWORD", raising=False)
    with smtp_on_localhost(handler, authenticator=check, auth_require_tls=False) as port:
        conf = config(tmp_path, port, user="robot")
        code, _, err = remind(conf, book)
        assert code == 2 and "没有 robot 的 SMTP 密码" in err and handler.messages == []
        monkeypatch.setenv("SVCTOOLS_SMTP_PASSWORD", "s3cret-pw")
        result = invoke("remind", "all", book, "--config", conf, "--as-of", AS_OF)
        assert result.exit_code == 0 and len(handler.messages) == 5
        assert seen[0].login == b"robot"  # no '@gmail.com' added by yagmail
        assert "s3cret-pw" not in result.output


# --- outbox ------------------------------------------------------------------------------------


def test_without_smtp_host_messages_go_to_the_outbox_once(tmp_path: Path, book: Path) -> None:
    conf = config(tmp_path, None)
    code, data, _ = remind(conf, book)
    assert (code, data["mode"], data["written"], data["sent"]) == (0, "outbox", 5, 0)
    outbox = tmp_path / "outbox"
    assert data["outbox"] == str(outbox)
    files = sorted(p.name for p in outbox.iterdir())
    assert files == sorted(k.replace(":", "_") + ".eml" for k in KEYS)
    parsed = email.message_from_bytes(
        (outbox / "renewal_HT002_1.eml").read_bytes(), policy=email.policy.default
    )
    assert parsed["Subject"] == "【续签提醒】HT002 HT002 阳光物业：服务协议 1 天后到期"
    assert str(parsed["To"]) == "王芳 <a02@example.com>"
    for path in outbox.iterdir():
        path.unlink()
    code, data, _ = remind(conf, book)
    assert (code, data["already_written"], list(outbox.iterdir())) == (0, 5, [])
    assert set(status(conf).values()) == {"written"}  # not "sent": no server has seen them


def test_dry_run_writes_files_and_touches_no_state_and_no_server(
    tmp_path: Path, book: Path, smtp: tuple[Handler, int]
) -> None:
    handler, port = smtp
    conf = config(tmp_path, port)
    for _ in range(2):
        code, data, _ = remind(conf, book, "--dry-run")
        assert (code, data["mode"], data["written"], data["sent"]) == (0, "dry-run", 5, 0)
    assert handler.messages == [] and handler.ehlo == 0
    assert not (tmp_path / "svctools-state.sqlite").exists()
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 5
    assert remind(conf, book)[1]["sent"] == 5  # the real run still sends everything
    assert remind(conf, book, "--dry-run")[1]["already_sent"] == 5


def test_a_template_typo_fails_in_dry_run(tmp_path: Path, book: Path) -> None:
    folder = tmp_path / "firm-templates"
    folder.mkdir()
    (folder / "callback.zh.html").write_text("<p>{{ agnet.name }}</p>", encoding="utf-8")
    conf = config(tmp_path, None)
    code, _, err = remind(conf, book, "--dry-run", "--templates", folder)
    assert code == 2 and "callback.zh.html 第 1 行" in err and "agnet" in err
    assert not (tmp_path / "outbox").exists()


def test_a_template_failing_on_a_later_item_sends_nothing(
    tmp_path: Path, book: Path, smtp: tuple[Handler, int]
) -> None:
    """Messages are made one at a time (memory flat in their number), yet a template that fails
    on the third renewal still stops the run before the first message goes."""
    handler, port = smtp
    folder = tmp_path / "firm-templates"
    folder.mkdir()
    (folder / "renewal.zh.html").write_text(
        '{% if contract.contract_id == "HT001" %}{{ contract.no_such_field }}{% endif %}ok',
        encoding="utf-8",
    )  # HT001 is the third renewal (KEYS): the first two render, the check's samples too
    conf = config(tmp_path, port)
    code, _, err = remind(conf, book, "--templates", folder)
    assert code == 2 and "renewal.zh.html 第 1 行" in err and "no_such_field" in err
    assert handler.messages == [] and handler.ehlo == 0
    assert read_rows(tmp_path / "svctools-state.sqlite") == []  # nothing claimed
    (folder / "renewal.zh.html").unlink()
    assert remind(conf, book)[1]["sent"] == 5 and sorted(handler.keys()) == sorted(KEYS)


# --- which sheets --------------------------------------------------------------------------------


def test_renewals_need_no_repair_ledger_and_callbacks_no_contracts(
    tmp_path: Path, book: Path
) -> None:
    conf = config(tmp_path, None)
    fill(book, {}, drop=("repair_ledger", "call_log", "callbacks", "parts_used"))
    code, data, _ = remind(conf, book, "--dry-run", kind="renewals")
    assert code == 0 and [d["key"] for d in data["due"]] == KEYS[:3]
    assert remind(conf, book, "--dry-run")[1]["written"] == 3  # all = the renewals it can do
    code, _, err = remind(conf, book, kind="callbacks")
    assert code == 1 and "需要工作表「来电登记」" in err  # zh, the default

    other = tmp_path / "no-contracts.xlsx"
    invoke("init", other)
    fill(other, {k: v for k, v in ROWS.items() if k != "contracts"}, drop=("contracts",))
    code, data, _ = remind(conf, other, "--dry-run", kind="callbacks")
    assert code == 0 and [d["key"] for d in data["due"]] == KEYS[3:]
    assert [d["key"] for d in remind(conf, other, "--dry-run")[1]["due"]] == KEYS[3:]


def test_usage_without_kind_or_book(tmp_path: Path) -> None:
    result = invoke("--lang", "en", "remind", "--config", config(tmp_path, None))
    assert result.exit_code == 2 and "give KIND" in result.stderr
    empty = invoke("remind", "--status", "--config", config(tmp_path, None))
    assert empty.exit_code == 0 and "还没有记录" in empty.stdout
