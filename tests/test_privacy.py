"""``--mask`` and ``[privacy] mask``: what each output hides, and secrets that never show.

The masking rules (``svctools.compute.privacy``), then each command end to end through the CLI: the
customer's and staff's names, phones, emails and addresses are gone from the masked outputs
while IDs and figures stay; callback digests keep the phone. Last, the SMTP password never
reaches ``config``, stdout, stderr or the state file.
"""

from __future__ import annotations

import base64
import email
import email.policy
import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from aiosmtpd.smtp import AuthResult
from click.testing import CliRunner
from conftest import Book, set_cell, smtp_on_localhost, valid_rows, write_book

from svctools.cli import cli
from svctools.compute.privacy import mask_address, mask_email, mask_name, mask_phone, mask_text

# --- the rules ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13812345678", "138****5678"),
        ("138-1234-5678", "138-****-5678"),
        ("+86 138 1234 5678", "+86 138 **** 5678"),
        ("01012345678", "010****5678"),
        ("010-12345678", "010-****5678"),
        ("02187654321", "021****4321"),
        ("07551234567", "0755***4567"),
        ("1234567890", "******7890"),
        ("12345", "*****"),
        ("", ""),
        (None, None),
    ],
)
def test_mask_phone(phone: str | None, masked: str | None) -> None:
    assert mask_phone(phone) == masked


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("张三", "张*"),
        ("欧阳娜娜", "欧***"),
        ("刘女士", "刘**"),
        ("张", "*"),
        ("John Smith", "J*** S****"),
        ("Mary-Jane O'Neil", "M***-**** O'****"),
        (None, None),
    ],
)
def test_mask_name(name: str | None, masked: str | None) -> None:
    assert mask_name(name) == masked


@pytest.mark.parametrize(
    ("address", "masked"),
    [
        ("北京市朝阳区建国路88号3栋1201", "北京市朝阳区建国路***"),
        ("北京市海淀区中关村2号", "北京市海淀区中关村***"),
        ("上海市浦东新区张江镇科苑路 399 号", "上海市浦东新区张江镇科苑路***"),
        ("广州市天河区幸福小区5号楼", "广州市天河区***"),  # a 小区 compound is below the street
        ("建国路甲八号", "建国路***"),
        ("北京市朝阳区", "北京市朝阳区"),  # nothing below the district: nothing to hide
        ("某某大厦", "***"),
        ("221B Baker Street, London", "***, London"),
        (None, None),
    ],
)
def test_mask_address(address: str | None, masked: str | None) -> None:
    assert mask_address(address) == masked


def test_mask_email_and_free_text() -> None:
    assert mask_email("liu.fang@example.com") == "l***@example.com"
    assert mask_email("a@b.cn") == "***@b.cn"
    assert mask_email("not an address") == "***"
    text = "请回电13812345678或010-12345678，邮箱liu@example.com，工单W001"
    assert mask_text(text) == "请回电138****5678或010-****5678，邮箱l***@example.com，工单W001"


# --- the commands ------------------------------------------------------------------------------

AS_OF = "2026-11-20T09:00"
CUSTOMERS = ("刘女士", "陈先生", "北京某某科技有限公司")
STAFF = ("张丽", "李强")
PHONES = ("13812345678", "01012345678", "02187654321")


def privacy_book(tmp_path: Path) -> Path:
    """The valid book; a complaint text carries a phone, W002 is completed and not called back."""
    rows: Book = valid_rows()
    set_cell(rows, "投诉登记", 2, "投诉内容", "维修太慢，请回电13812345678")
    set_cell(rows, "维修台帐", 3, "状态", "已完工")
    set_cell(rows, "维修台帐", 3, "完工时间", datetime(2026, 10, 20, 16, 0))
    set_cell(rows, "维修台帐", 3, "故障原因", "人为损坏")
    return write_book(tmp_path / "book.xlsx", rows)


def run(*args: Any, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner(env=env).invoke(cli, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout, result.stderr


def config(tmp_path: Path, text: str = "") -> Path:
    path = tmp_path / "svctools.toml"
    path.write_text(text, encoding="utf-8")
    return path


def xlsx_text(path: Path) -> str:
    """Every cell value and sheet title of a workbook, as one string to search."""
    workbook = openpyxl.load_workbook(path)
    parts = list(workbook.sheetnames)
    for sheet in workbook.worksheets:
        parts += [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    return "\n".join(parts)


def shown(text: str, words: tuple[str, ...]) -> list[str]:
    return [w for w in words if w in text]


def test_settle_mask_hides_customer_and_staff_names_everywhere(tmp_path: Path) -> None:
    book = privacy_book(tmp_path)
    conf = config(tmp_path)
    args = ("settle", book, "--month", "2026-10", "--as-of", AS_OF, "--config", conf)
    code, out, _ = run(*args, "--format", "json")
    plain = json.loads(out)
    assert code == 0 and {o["customer_name"] for o in plain["orders"]} == {"刘女士", "陈先生"}
    code, out, _ = run(*args, "--format", "json", "--mask", "--out", tmp_path / "s.xlsx")
    masked = json.loads(out)
    assert code == 0 and {o["customer_name"] for o in masked["orders"]} == {"刘**", "陈**"}
    assert [t["name"] for t in masked["technicians"]] == ["李*"]
    assert masked["totals"] == plain["totals"]  # figures are not personal
    assert [o["order_id"] for o in masked["orders"]] == [o["order_id"] for o in plain["orders"]]
    code, text, _ = run(*args, "--mask")
    for output in (out, text, xlsx_text(tmp_path / "s.xlsx")):
        assert shown(output, CUSTOMERS + STAFF) == []
    assert "W001" in text and "朝阳店" in xlsx_text(tmp_path / "s.xlsx")  # IDs, stores stay


def test_the_config_switch_and_no_mask(tmp_path: Path) -> None:
    book = privacy_book(tmp_path)
    conf = config(tmp_path, "[privacy]\nmask = true\n")
    args = ("settle", book, "--month", "2026-10", "--as-of", AS_OF, "--config", conf)
    assert shown(run(*args)[1], CUSTOMERS) == []
    assert shown(run(*args, "--no-mask")[1], CUSTOMERS) == ["刘女士", "陈先生"]
    data = json.loads(run("--config", conf, "config", "--format", "json")[1])
    assert data["privacy"] == {"mask": True}
    code, _, err = run(
        "--lang", "en", "--config", config(tmp_path, '[privacy]\nmask = "yes please"\n'), "config"
    )
    assert code == 2 and "privacy.mask" in err


def test_penalties_mask_hides_names_and_wages_keeps_ids_and_amounts(tmp_path: Path) -> None:
    book = privacy_book(tmp_path)
    args = ("penalties", book, "--month", "2026-10", "--as-of", AS_OF, "--config", config(tmp_path))
    plain = json.loads(run(*args, "--format", "json")[1])
    assert [(s["staff_id"], s["name"], s["monthly_wage"]) for s in plain["staff"]] == [
        ("A01", "张丽", "4000.00"),
        ("T01", "李强", "6000.00"),
    ]
    slips = tmp_path / "slips.xlsx"
    code, out, _ = run(*args, "--format", "json", "--mask", "--out", slips)
    masked = json.loads(out)
    assert code == 0
    assert [(s["staff_id"], s["name"], s["monthly_wage"]) for s in masked["staff"]] == [
        ("A01", "张*", None),
        ("T01", "李*", None),
    ]
    for key in ("gross", "deducted", "carried_out", "cap", "lines"):
        assert [s[key] for s in masked["staff"]] == [s[key] for s in plain["staff"]], key
    text = run(*args, "--mask")[1]
    for output in (out, text, xlsx_text(slips)):
        assert shown(output, STAFF + CUSTOMERS) == []
        assert "4000" not in output and "6000" not in output
    assert openpyxl.load_workbook(slips).sheetnames[1:] == ["A01 张_", "T01 李_"]  # no * in titles


def test_report_mask_hides_names_and_phones_in_json_and_xlsx(tmp_path: Path) -> None:
    book = privacy_book(tmp_path)
    out = tmp_path / "report.xlsx"
    args = ("report", book, "--month", "2026-10", "--as-of", AS_OF, "--out", out)
    code, text, _ = run(*args, "--config", config(tmp_path), "--format", "json")
    plain = json.loads(text)
    assert code == 0 and "陈先生" in text and "13812345678" in text
    code, text, _ = run(*args, "--config", config(tmp_path), "--format", "json", "--mask")
    masked = json.loads(text)
    assert code == 0 and masked["kpis"] == plain["kpis"]
    complaints = masked["complaints"]["complaints"]
    assert [c["customer_name"] for c in complaints] == ["陈**", "刘**"]
    assert complaints[0]["description"] == "维修太慢，请回电138****5678"
    assert [c["complaint_id"] for c in complaints] == ["K001", "K002"]
    for output in (text, xlsx_text(out)):
        assert shown(output, CUSTOMERS + STAFF + PHONES) == []
    assert "T01" in xlsx_text(out)


def test_remind_mask_keeps_what_the_reader_needs(tmp_path: Path) -> None:
    book = privacy_book(tmp_path)
    conf = config(tmp_path, '[smtp]\nfrom = "售后部 <service@firm.example>"\n')
    args = ("remind", "all", book, "--config", conf, "--as-of", "2026-12-30T08:00", "--dry-run")
    code, _, err = run(*args, "--mask")
    assert code == 0, err
    outbox = tmp_path / "outbox"
    renewal = read_eml(outbox / "renewal_HT001_1.eml")
    digest = read_eml(outbox / "callback_A01_2026-12-30.eml")
    # The subject travels furthest (previews, logs, the state file): no customer in clear.
    assert "北*********" in renewal["Subject"] and "北京某某" not in renewal["Subject"]
    body = renewal.get_body(("plain",)).get_content()
    assert "北京某某科技有限公司" in body and "02187654321" in body  # the owner must call
    text = digest.get_body(("plain",)).get_content()
    html = digest.get_body(("html",)).get_content()
    for part in (text, html):
        assert "陈先生" in part and "01012345678" in part  # the agent must call ...
        assert "北京市海淀区中关村***" in part and "中关村2号" not in part  # ... not visit
    assert "本邮件列出客户电话，是因为回访需要您拨打" in text  # and the mail says why
    for path in outbox.iterdir():
        path.unlink()
    assert run(*args)[0] == 0  # without --mask: the address whole, the subject too
    digest = read_eml(outbox / "callback_A01_2026-12-30.eml")
    assert "北京市海淀区中关村2号" in digest.get_body(("plain",)).get_content()
    assert "北京某某科技有限公司" in read_eml(outbox / "renewal_HT001_1.eml")["Subject"]


def read_eml(path: Path) -> Any:
    return email.message_from_bytes(path.read_bytes(), policy=email.policy.default)


# --- secrets -----------------------------------------------------------------------------------

PASSWORD = "s3cret-Pw!42"


def all_keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in all_keys(v)}
    return set()


def test_config_never_shows_a_password(tmp_path: Path) -> None:
    conf = config(tmp_path, '[smtp]\nhost = "mail.example"\nuser = "robot"\n')
    env = {"SVCTOOLS_SMTP_PASSWORD": PASSWORD}
    code, out, _ = run("--config", conf, "config", "--format", "json", env=env)
    assert code == 0 and not [k for k in all_keys(json.loads(out)) if "pass" in k.lower()]
    code, text, _ = run("--config", conf, "config", env=env)
    assert code == 0 and PASSWORD not in out + text and "password =" not in text
    # A password written into the file anyway is refused, and not echoed back.
    conf = config(tmp_path, f'[smtp]\nuser = "robot"\npassword = "{PASSWORD}"\n')
    code, out, err = run("--lang", "en", "--config", conf, "config")
    assert code == 2 and "smtp.password: unknown key" in err and PASSWORD not in out + err


class _Quiet:
    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        return "250 OK"


def test_a_refused_login_never_echoes_the_password(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server that repeats what it was sent (here in its 535 reply) leaks nothing of it."""
    plain_blob = base64.b64encode(f"\0robot\0{PASSWORD}".encode()).decode()
    login_blob = base64.b64encode(PASSWORD.encode()).decode()

    def refuse(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        echo = f"535 5.7.8 bad credentials {PASSWORD} {plain_blob} {login_blob}"
        return AuthResult(success=False, handled=False, message=echo)

    monkeypatch.setitem(sys.modules, "keyring", None)
    monkeypatch.setenv("SVCTOOLS_SMTP_PASSWORD", PASSWORD)
    quiet = smtp_on_localhost(_Quiet(), authenticator=refuse, auth_require_tls=False)
    with quiet as port:
        book = privacy_book(tmp_path)
        conf = config(
            tmp_path,
            f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nstarttls = false\nuser = "robot"\n'
            'from = "售后部 <service@firm.example>"\n',
        )
        for fmt in ("text", "json"):
            code, out, err = run(
                "remind", "all", book, "--config", conf, "--as-of", "2026-12-30T08:00",
                "--format", fmt,
            )  # fmt: skip
            assert code == 3 and "535" in out + err
            for secret in (PASSWORD, plain_blob, login_blob, plain_blob.rstrip("=")):
                assert secret not in out + err
        state = tmp_path / "svctools-state.sqlite"
        assert not state.exists() or PASSWORD.encode() not in state.read_bytes()
