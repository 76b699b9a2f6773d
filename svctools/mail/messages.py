"""Reminder mail as real messages: stdlib ``EmailMessage`` (plain part + HTML alternative).

``名字 <addr>`` headers encoded per RFC 2047 and unique Message-IDs: yagmail's own ``send()``
gets those wrong (DEPENDENCIES.md), so it is used only as the connection helper (``transport``).
"""

from __future__ import annotations

import re
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr

from svctools.compute.reminders import Due, Person
from svctools.core.errors import ConfigError, SvctoolsError
from svctools.core.messages import Msg
from svctools.core.policy import SmtpPolicy
from svctools.mail.templates import Rendered


def sender_address(smtp: SmtpPolicy, required: bool) -> Address:
    """``[smtp] from`` (``售后部 <service@firm.cn>`` or a bare address), else ``user``."""
    text = smtp.from_ or (smtp.user if "@" in smtp.user else "")
    if not text:
        if required:
            raise ConfigError(Msg("mail.from_empty"))
        return Address("svctools", addr_spec="svctools@localhost")
    name, addr = parseaddr(text)
    try:
        return Address(name, addr_spec=addr)
    except (ValueError, IndexError):
        raise ConfigError(Msg("mail.from_bad", text=text)) from None


_NOT_IN_NAME = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")  # a cell's Alt+Enter, controls


def _address(person: Person) -> Address:
    """``名字 <addr>``; a name typed over two lines in the book becomes one line."""
    name = " ".join(_NOT_IN_NAME.sub(" ", person.name).split())
    try:
        return Address(name, addr_spec=person.email)
    except (ValueError, IndexError):
        raise SvctoolsError(Msg("mail.bad_address", address=person.email)) from None


def build_message(due: Due, rendered: Rendered, sender: Address, now: datetime) -> EmailMessage:
    """A real multipart/alternative message; headers encode Chinese names (RFC 2047)."""
    message = EmailMessage()
    message["Subject"] = rendered.subject
    message["From"] = sender
    message["To"] = tuple(_address(p) for p in due.to)
    if due.cc:
        message["Cc"] = tuple(_address(p) for p in due.cc)
    message["Date"] = format_datetime(now)
    tag = re.sub(r"[^A-Za-z0-9-]+", ".", due.key).strip(".")
    message["Message-ID"] = make_msgid(idstring=tag, domain=sender.domain or "svctools.local")
    message["X-Svctools-Key"] = due.key
    message.set_content(rendered.text)
    message.add_alternative(rendered.html, subtype="html")
    return message


def eml_name(key: str) -> str:
    """``renewal:HT001:7`` → ``renewal_HT001_7.eml`` (safe on every file system)."""
    return re.sub(r"[^\w.-]+", "_", key) + ".eml"
