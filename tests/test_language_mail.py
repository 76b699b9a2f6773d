"""Mail failures reach the clerk in Chinese by default and in English with --lang en (issue 13,
item 3): a closed port, a refused login, a refused recipient, no STARTTLS, a failed TLS
handshake and a silent server, each against a real aiosmtpd on 127.0.0.1 through the CLI, with
the exit code SPEC §6 names (3: some reminders could not be delivered)."""

from __future__ import annotations

import asyncio
import datetime as dt
import ssl
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from aiosmtpd.smtp import AuthResult
from click.testing import CliRunner
from conftest import free_port, smtp_on_localhost

from svctools.cli import cli
from svctools.core.schema import load_schema

AS_OF = "2026-11-20T09:00"  # HT001 ends 2026-11-27: the 7-day renewal stage is due


def run(*args: object) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def book(tmp_path: Path) -> Path:
    """A blank book from ``init`` with one owner, one store and one contract due for renewal."""
    path = tmp_path / "售后台账.xlsx"
    assert run("init", path)[0] == 0
    rows = {
        "stores": {"store_id": "S01", "name": "朝阳店"},
        "staff": {
            "staff_id": "A01",
            "name": "张丽",
            "role": "客服",
            "status": "在岗",
            "store_id": "S01",
            "email": "a01@example.com",
        },
        "contracts": {
            "contract_id": "HT001",
            "customer_name": "阳光物业",
            "start_date": dt.date(2025, 11, 28),
            "end_date": dt.date(2026, 11, 27),
            "store_id": "S01",
            "owner_id": "A01",
        },
    }
    schema, workbook = load_schema(), openpyxl.load_workbook(path)
    for key, row in rows.items():
        sheet = workbook[schema[key].title("zh")]
        where = {cell.value: cell.column for cell in sheet[1]}
        for column in schema[key].columns:
            if column.key in row:
                sheet.cell(2, where[column.header("zh")], row[column.key])
    workbook.save(path)
    return path


def config(folder: Path, port: int, extra: str = "", tls: bool = False) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / "svctools.toml"
    path.write_text(
        f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nstarttls = {str(tls).lower()}\n'
        f'from = "售后部 <service@firm.example>"\n{extra}',
        encoding="utf-8",
    )
    return path


def remind_both(
    tmp_path: Path, book: Path, port: int, extra: str = "", tls: bool = False
) -> dict[str, Any]:
    """``remind renewals`` once per language, each with its own state file: code, out, err."""
    seen = {}
    for lang in ("zh", "en"):
        conf = config(tmp_path / f"{lang}-{tls}", port, extra, tls)
        code, out, err = run("remind", "renewals", book, "--config", conf, "--as-of", AS_OF,
                             "--lang", lang)  # fmt: skip
        seen[lang] = (code, out, err)
    return seen


class Accepting:
    """Takes every message; a test switches on the fault it needs."""

    def __init__(self, refuse: str = "", stall: float = 0) -> None:
        self.refuse, self.stall = refuse, stall

    async def handle_EHLO(
        self, server: Any, session: Any, envelope: Any, hostname: str, responses: list[str]
    ) -> list[str]:
        if self.stall:  # a server that never answers in time
            await asyncio.sleep(self.stall)
        session.host_name = hostname
        return responses

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if address == self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def test_a_closed_port_in_chinese_and_english(tmp_path: Path, book: Path) -> None:
    port = free_port()  # nothing listens there
    seen = remind_both(tmp_path, book, port)
    code, out, err = seen["zh"]
    assert code == 3
    assert err == (
        f"svctools: 无法连接 SMTP 邮件服务器 127.0.0.1:{port}：连接被拒绝"
        "（该端口上没有邮件服务；请核对 [smtp] host 和 port）\n"
    )
    assert "待重试" in out and "renewal:HT001:7" in out  # the run's table, in Chinese too
    code, out, err = seen["en"]
    assert code == 3
    assert err == (
        f"svctools: cannot connect to the SMTP server 127.0.0.1:{port}: connection refused "
        "(no mail server on that port; check [smtp] host and port)\n"
    )
    assert "retry" in out


def test_a_refused_login_in_chinese_and_english(
    tmp_path: Path, book: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        return AuthResult(success=False, handled=False, message="535 5.7.8 bad credentials")

    monkeypatch.setitem(sys.modules, "keyring", None)
    monkeypatch.setenv("SVCTOOLS_SMTP_PASSWORD", "wrong-pw")
    server = smtp_on_localhost(Accepting(), authenticator=refuse, auth_require_tls=False)
    with server as port:
        seen = remind_both(tmp_path, book, port, 'user = "robot"\n')
    where = f"127.0.0.1:{port}"
    assert seen["zh"][0] == 3 and seen["zh"][2] == (
        f"svctools: 无法连接 SMTP 邮件服务器 {where}：登录被拒绝（请核对 [smtp] user 和密码）；"
        "服务器答复：535 5.7.8 bad credentials\n"
    )
    assert seen["en"][0] == 3 and seen["en"][2] == (
        f"svctools: cannot connect to the SMTP server {where}: login refused (check [smtp] "
        "user and the password); the server said: 535 5.7.8 bad credentials\n"
    )


def test_no_password_for_the_login_in_chinese_and_english(
    tmp_path: Path, book: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "keyring", None)
    monkeypatch.delenv("SVCTOOLS_SMTP_PASSWORD", raising=False)
    with smtp_on_localhost(Accepting()) as port:
        seen = remind_both(tmp_path, book, port, 'user = "robot"\n')
    assert seen["zh"][0] == 2 and seen["zh"][2].startswith(
        "svctools: 没有 robot 的 SMTP 密码：请设置 $SVCTOOLS_SMTP_PASSWORD"
    )
    assert seen["en"][0] == 2 and seen["en"][2].startswith(
        "svctools: no SMTP password for robot: set $SVCTOOLS_SMTP_PASSWORD"
    )


def test_a_refused_recipient_in_chinese_and_english(tmp_path: Path, book: Path) -> None:
    with smtp_on_localhost(Accepting(refuse="a01@example.com")) as port:
        seen = remind_both(tmp_path, book, port)
    code, out, _ = seen["zh"]
    assert code == 3  # failed: it waits for the clerk's --resolve
    assert "收件人被拒绝：a01@example.com: 550 5.1.1 mailbox unavailable" in out
    assert "失败" in out and "需要处理" in out
    code, out, _ = seen["en"]
    assert code == 3
    assert "recipient refused: a01@example.com: 550 5.1.1 mailbox unavailable" in out
    assert "Needs the clerk" in out
    # what the state file recorded reads in the run's language under --status too
    zh_conf, en_conf = (tmp_path / f"{lang}-False" / "svctools.toml" for lang in ("zh", "en"))
    status = run("remind", "--status", "--config", zh_conf)[1]
    assert "收件人被拒绝" in status
    # the clerk's decision is recorded in words too
    assert run("remind", "--resolve", "renewal:HT001:7", "sent", "--config", zh_conf)[0] == 0
    assert "文员标为已发送（原为 失败）" in run("remind", "--status", "--config", zh_conf)[1]
    run("remind", "--resolve", "renewal:HT001:7", "resend", "--config", en_conf, "--lang", "en")
    status = run("remind", "--status", "--config", en_conf, "--lang", "en")[1]
    assert "to be sent again (was failed)" in status


def test_a_server_without_starttls_in_chinese_and_english(tmp_path: Path, book: Path) -> None:
    with smtp_on_localhost(Accepting()) as port:  # aiosmtpd offers STARTTLS only with a cert
        plain = remind_both(tmp_path, book, port)
        seen = remind_both(tmp_path, book, port, tls=True)  # starttls = true, the default
    assert plain["zh"][0] == 0  # without starttls the same server takes the message
    code, _, err = seen["zh"]
    assert code == 3 and "：服务器不支持 STARTTLS 加密；请改用支持加密的端口" in err
    code, _, err = seen["en"]
    assert code == 3 and ": the server does not offer STARTTLS; use a port that does" in err


@pytest.fixture
def broken_tls(tmp_path: Path) -> Iterator[ssl.SSLContext]:
    """A server TLS context no client accepts (NULL ciphers only): the handshake fails."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    (tmp_path / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    context.maximum_version = ssl.TLSVersion.TLSv1_2
    context.set_ciphers("ECDHE-ECDSA-NULL-SHA")
    yield context


def test_a_failed_tls_handshake_in_chinese_and_english(
    tmp_path: Path, book: Path, broken_tls: ssl.SSLContext
) -> None:
    with smtp_on_localhost(Accepting(), tls_context=broken_tls) as port:
        plain = remind_both(tmp_path, book, port)
        seen = remind_both(tmp_path, book, port, tls=True)
    assert plain["zh"][0] == 0  # the server itself works
    code, _, err = seen["zh"]
    assert code == 3 and f"127.0.0.1:{port}：TLS 加密握手失败（" in err
    assert err.endswith("）；请核对 [smtp] port 与 starttls\n")
    code, _, err = seen["en"]
    assert code == 3 and f"127.0.0.1:{port}: the TLS handshake failed (" in err
    assert err.endswith("); check [smtp] port and starttls\n")


def test_a_silent_server_times_out_in_chinese_and_english(tmp_path: Path, book: Path) -> None:
    """No login here, so the first words after the greeting (EHLO) are sent with the message."""
    with smtp_on_localhost(Accepting(stall=2)) as port:
        seen = remind_both(tmp_path, book, port, "timeout = 0.5\n")
    code, out, err = seen["zh"]
    assert code == 3 and err == (
        "svctools: smtp: 发送中连接中断：0.5 秒内没有应答"
        "（连接超时；请核对 [smtp] host、port 和网络）\n"
    )
    assert "待重试" in out  # not sent: tried again next run
    code, out, err = seen["en"]
    assert code == 3 and err == (
        "svctools: smtp: connection lost: no answer within 0.5 s "
        "(timed out; check [smtp] host, port and the network)\n"
    )


def test_a_template_over_its_limits_is_worded_in_both_languages(tmp_path: Path) -> None:
    from svctools.mail.templates import TemplateError, Templates, sample_reminders

    (tmp_path / "renewal.zh.txt").write_text(
        "{% block subject %}续签{% endblock %}\n{% block body %}\n{{ 'ab' * 100000 }}\n"
        "{% endblock %}\n",
        encoding="utf-8",
    )
    renewal = next(d for d in sample_reminders() if d.kind == "renewal")
    with pytest.raises(TemplateError) as caught:
        Templates(str(tmp_path)).render("renewal", "zh", renewal.context)
    zh, en = caught.value.text("zh"), caught.value.text("en")
    assert zh.endswith("renewal.zh.txt 第 3 行：2 × 100000 的序列太长"), zh
    assert en.endswith("renewal.zh.txt line 3: a sequence of 2 × 100000 is too long"), en
