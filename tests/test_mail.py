"""Templates (zh/en, strict, escaped, sandboxed) and the messages built from them."""

from __future__ import annotations

import email
import email.policy
import sys
import types
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from svctools.compute.reminders import Due
from svctools.core.policy import SmtpPolicy
from svctools.mail.messages import build_message, eml_name, sender_address
from svctools.mail.templates import TemplateError, Templates, sample_reminders
from svctools.mail.transport import PASSWORD_ENV, OutboxTransport, smtp_password

NOW = datetime(2026, 11, 20, 7, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(scope="module")
def samples() -> dict[str, Due]:
    by_key = {d.key: d for d in sample_reminders()}
    return {
        "renewal": by_key["renewal:HT000:7"],
        "expired": by_key["renewal:HT999:expired"],
        "callback": by_key["callback:A00:2026-01-10"],
    }


def test_renewal_zh_and_en(samples: dict[str, Due]) -> None:
    due = samples["renewal"]
    zh = Templates().render("renewal", "zh", due.context)
    assert zh.subject == "【续签提醒】HT000 示例客户：服务协议 7 天后到期"
    assert "协议到期前 15 天将续签事宜交接给负责该客户的门店" in zh.text
    assert "2026-01-17" in zh.html and "<table" in zh.html
    en = Templates().render("renewal", "en", due.context)
    assert en.subject == "[Renewal] HT000 示例客户: the service contract ends in 7 days"
    assert "ends on 2026-01-17, in 7 day(s)" in en.text


def test_expired_notice(samples: dict[str, Due]) -> None:
    rendered = Templates().render("renewal", "zh", samples["expired"].context)
    assert rendered.subject.startswith("【协议已到期】HT999")
    assert "已过期 3 天" in rendered.text


def test_callback_digest_keeps_the_phone_and_says_why(samples: dict[str, Due]) -> None:
    rendered = Templates().render("callback", "zh", samples["callback"].context)
    assert rendered.subject == "【回访提醒】示例：今天有 1 位客户待回访（2026-01-10）"
    assert "电话：1" in rendered.text and "回访需要您拨打" in rendered.text
    en = Templates().render("callback", "en", samples["callback"].context)
    assert "because you need them to call" in en.text


def firm_templates(tmp_path: Path, **files: str) -> Templates:
    for name, text in files.items():
        (tmp_path / name.replace("_", ".")).write_text(text, encoding="utf-8")
    return Templates(tmp_path)


def test_a_typo_fails_loudly_naming_file_and_line(tmp_path: Path, samples: dict[str, Due]) -> None:
    templates = firm_templates(
        tmp_path,
        renewal_zh_txt="{% block subject %}续签{% endblock %}\n{% block body %}\n"
        "您好\n{{ contract.custmer_name }}\n{% endblock %}\n",
    )
    with pytest.raises(TemplateError, match=r"renewal\.zh\.txt line 4: .*custmer_name"):
        templates.render("renewal", "zh", samples["renewal"].context)


def test_check_finds_a_typo_in_a_branch_on_a_quiet_day(tmp_path: Path) -> None:
    templates = firm_templates(
        tmp_path,
        renewal_zh_html="{% if expired %}{{ contract.end_dat }}{% else %}ok{% endif %}",
    )
    with pytest.raises(TemplateError, match="end_dat"):
        templates.check("zh")
    Templates().check("zh")
    Templates().check("en")


def test_firm_folder_overrides_one_file_and_falls_back_for_the_rest(
    tmp_path: Path, samples: dict[str, Due]
) -> None:
    templates = firm_templates(tmp_path, renewal_zh_html="<p>{{ contract.contract_id }}</p>")
    assert templates.render("renewal", "zh", samples["renewal"].context).html == "<p>HT000</p>"
    digest = templates.render("callback", "zh", samples["callback"].context)
    assert digest.subject.startswith("【回访提醒】")


def test_missing_subject_block_and_missing_template(tmp_path: Path) -> None:
    templates = firm_templates(tmp_path, renewal_en_txt="{% block body %}hi{% endblock %}")
    with pytest.raises(TemplateError, match="has no {% block subject %}"):
        templates.render("renewal", "en", {})
    with pytest.raises(TemplateError, match="template renewal.fr.txt not found"):
        templates.render("renewal", "fr", {})


def test_html_is_autoescaped_text_is_not(samples: dict[str, Due]) -> None:
    context = dict(samples["renewal"].context)
    context["contract"] = {**context["contract"], "customer_name": "<script>alert(1)</script>"}
    rendered = Templates().render("renewal", "en", context)
    assert "<script>" not in rendered.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered.html
    assert "<script>alert(1)</script>" in rendered.text  # plain text is shown as text


@pytest.mark.parametrize(
    "expression",
    [
        "''.__class__.__mro__",
        "contract.__class__",
        "9 ** 999999",
        "2 ** 2 ** 2 ** 2 ** 2",
        "'a' * 100000000",
        "[1] * 100000000",
        "100000000 * 'ab'",
    ],
)
def test_sandbox_refuses(tmp_path: Path, expression: str) -> None:
    templates = firm_templates(tmp_path, renewal_en_html="{{ " + expression + " }}")
    with pytest.raises(TemplateError):
        templates.render("renewal", "en", {"contract": {"contract_id": "HT1"}})


def test_sandbox_allows_ordinary_arithmetic(tmp_path: Path) -> None:
    templates = firm_templates(
        tmp_path,
        renewal_en_txt="{% block subject %}{{ 2 ** 10 }} {{ 3 * 4 }}{% endblock %}"
        "{% block body %}{{ '-' * 20 }}{% endblock %}",
        renewal_en_html="{{ 7 * 6 }}",
    )
    rendered = templates.render("renewal", "en", {"contract": {}})
    assert rendered.subject == "1024 12" and rendered.text == "-" * 20 + "\n"
    assert rendered.html == "42"


def test_eml_opens_with_chinese_subject_and_names(tmp_path: Path, samples: dict[str, Due]) -> None:
    due = samples["renewal"]
    rendered = Templates().render("renewal", "zh", due.context)
    sender = sender_address(SmtpPolicy.model_validate({"from": "售后部 <service@firm.cn>"}), True)
    message = build_message(due, rendered, sender, NOW)
    outbox = OutboxTransport(tmp_path / "outbox")
    outbox.open()
    outcome = outbox.send(due, message)
    path = tmp_path / "outbox" / "renewal_HT000_7.eml"
    assert outcome.status == "written" and outbox.written == [path]
    raw = path.read_bytes()
    assert b"\r\n" in raw and "示例".encode() not in raw.split(b"\r\n\r\n")[0]  # headers encoded
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert parsed["Subject"] == "【续签提醒】HT000 示例客户：服务协议 7 天后到期"
    assert parsed["From"].addresses[0].display_name == "售后部"
    (to,) = parsed["To"].addresses
    assert (to.display_name, to.addr_spec) == ("示例", "a00@example.com")
    assert str(parsed["Cc"]) == "示例店 <s@example.com>"
    assert parsed["X-Svctools-Key"] == "renewal:HT000:7"
    assert parsed.get_content_type() == "multipart/alternative"
    plain = parsed.get_body(("plain",))
    html = parsed.get_body(("html",))
    assert plain is not None and html is not None
    assert "示例客户" in plain.get_content() and "<table" in html.get_content()
    assert "<table" not in plain.get_content()
    assert parsed["Date"].datetime == NOW


def test_message_ids_are_unique(samples: dict[str, Due]) -> None:
    sender = sender_address(SmtpPolicy(), False)
    due = samples["callback"]
    rendered = Templates().render("callback", "en", due.context)
    ids = {build_message(due, rendered, sender, NOW)["Message-ID"] for _ in range(50)}
    assert len(ids) == 50
    assert all(i.endswith("@localhost>") for i in ids)


def test_sender_address() -> None:
    def sender(**smtp: str) -> str:
        return str(sender_address(SmtpPolicy.model_validate(smtp), True))

    assert sender(**{"from": "service@firm.cn"}) == "service@firm.cn"
    assert sender(user="robot@firm.cn") == "robot@firm.cn"
    with pytest.raises(Exception, match="from is empty"):
        sender(user="apikey")
    with pytest.raises(Exception, match="not an email address"):
        sender(**{"from": "售后部"})


def test_eml_name() -> None:
    assert eml_name("renewal:HT001:7") == "renewal_HT001_7.eml"
    assert eml_name("callback:A01:2026-10-20") == "callback_A01_2026-10-20.eml"
    assert eml_name("renewal:../x:1") == "renewal_.._x_1.eml"


def test_password_from_environment_then_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = types.ModuleType("keyring")
    fake.get_password = lambda service, user: f"{service}/{user}"  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "keyring", fake)
    monkeypatch.setenv(PASSWORD_ENV, "from-env")
    assert smtp_password("robot@firm.cn") == "from-env"
    monkeypatch.delenv(PASSWORD_ENV)
    assert smtp_password("robot@firm.cn") == "svctools/robot@firm.cn"

    def broken(service: str, user: str) -> str:
        raise RuntimeError("no keyring backend")

    fake.get_password = broken  # type: ignore[attr-defined]
    assert smtp_password("robot@firm.cn") is None
