"""Where a message goes: the outbox folder (``.eml`` files) or one SMTP connection per run.

yagmail is only the connection helper: one ``login()`` per run, then ``smtp.send_message(msg)``
per message. Each send returns an ``Outcome`` the delivery records in the state file; the
server's words are scrubbed of the password before they reach a report, the state or cron.
"""

from __future__ import annotations

import base64
import os
import smtplib
from email.message import EmailMessage
from pathlib import Path
from typing import Any, NamedTuple, Protocol

from svctools.compute.reminders import Due
from svctools.core.errors import ConfigError, SvctoolsError
from svctools.core.policy import SmtpPolicy
from svctools.mail.messages import eml_name
from svctools.outputs.xlsxout import write_atomic

PASSWORD_ENV = "SVCTOOLS_SMTP_PASSWORD"
KEYRING_SERVICE = "svctools"


class DeliveryError(SvctoolsError):
    """Some reminders could not be delivered: the SMTP server was unreachable or refused."""

    exit_code = 3


def smtp_password(user: str) -> str | None:
    """``$SVCTOOLS_SMTP_PASSWORD``, else the system keyring (service ``svctools``), else None."""
    value = os.environ.get(PASSWORD_ENV)
    if value:
        return value
    try:
        import keyring

        return keyring.get_password(KEYRING_SERVICE, user)
    except Exception:  # no keyring installed, or no backend under cron: not an error here
        return None


class Outcome(NamedTuple):
    """What became of one message: sent | failed | retry | unknown; ``stop`` ends the run."""

    status: str
    detail: str = ""
    stop: bool = False


class Transport(Protocol):
    channel: str

    def open(self) -> None: ...

    def send(self, due: Due, message: EmailMessage) -> Outcome: ...

    def close(self) -> None: ...


class OutboxTransport:
    """Writes each message as ``KEY.eml``, atomically, into a folder (created if needed)."""

    channel = "outbox"

    def __init__(self, folder: Path, durable: bool = True) -> None:
        self.folder = folder
        self.durable = durable  # False (a dry run): no fsync per file, still moved into place
        self.written: list[Path] = []

    def open(self) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DeliveryError(f"{self.folder}: cannot create the outbox ({exc})") from None

    def send(self, due: Due, message: EmailMessage) -> Outcome:
        data = message.as_bytes(policy=message.policy.clone(linesep="\r\n"))
        path = self.folder / eml_name(due.key)
        try:
            write_atomic(path, lambda tmp: tmp.write_bytes(data), sync=self.durable)
        except (OSError, SvctoolsError) as exc:  # disk full, folder gone: nothing was written
            return Outcome("retry", f"{path}: cannot write ({exc})", stop=True)
        self.written.append(path)
        return Outcome("written", path.name)

    def close(self) -> None:
        pass


class _PhaseSMTP(smtplib.SMTP):
    """Remembers whether DATA began: a connection lost after that may have delivered.

    No DATA when every To address was refused: the cc alone would get the message, and the
    retry (4xx) or the clerk's resend (5xx) would then give the cc a second copy.
    """

    data_started = False
    must_accept: frozenset[str] = frozenset()  # the To addresses, lower case
    refused_now: dict[str, tuple[int, bytes]]

    def rcpt(self, recip: str, options: Any = ()) -> tuple[int, bytes]:
        reply = super().rcpt(recip, options)
        if reply[0] not in (250, 251):
            self.refused_now[recip] = reply
        return reply

    def data(self, msg: Any) -> tuple[int, bytes]:
        refused = {addr.lower() for addr in self.refused_now}
        if self.must_accept and self.must_accept <= refused:
            self.rset()
            raise smtplib.SMTPRecipientsRefused(dict(self.refused_now))
        self.data_started = True
        return super().data(msg)


def _yagmail_client(smtp: SmtpPolicy, password: str | None, timeout: float) -> Any:
    import yagmail

    class _Client(yagmail.SMTP):
        @property
        def connection(self) -> type[smtplib.SMTP]:
            return _PhaseSMTP

    # user as {user: user}: a bare string without '@' would get '@gmail.com' appended.
    client = _Client(
        {smtp.user: smtp.user} if smtp.user else None,
        password,
        host=smtp.host,
        port=smtp.port,
        smtp_starttls=smtp.starttls,
        smtp_ssl=False,
        smtp_skip_login=not smtp.user,
        soft_email_validation=False,
        timeout=timeout,
    )
    client.set_logging(None)  # our report says what failed; nothing else writes to cron's mail
    return client


class SmtpTransport:
    """One SMTP connection for the whole run (yagmail logs in once; DEPENDENCIES.md)."""

    channel = "smtp"

    def __init__(self, smtp: SmtpPolicy, password: str | None, timeout: float = 30) -> None:
        if smtp.user and not password:
            raise ConfigError(
                f"no SMTP password for {smtp.user}: set ${PASSWORD_ENV}, or store it with "
                f"'keyring set {KEYRING_SERVICE} {smtp.user}' (never in svctools.toml)"
            )
        self.smtp, self.password, self.timeout = smtp, password, timeout
        self.client: Any = None

    def open(self) -> None:
        where = f"{self.smtp.host}:{self.smtp.port}"
        try:
            self.client = _yagmail_client(self.smtp, self.password, self.timeout)
            self.client.login()
        except smtplib.SMTPResponseException as exc:  # e.g. 535: the login was refused
            detail = self._scrub(_reply(exc))
            raise DeliveryError(f"cannot connect to the SMTP server {where}: {detail}") from None
        except (OSError, smtplib.SMTPException) as exc:
            detail = self._scrub(str(exc))
            raise DeliveryError(f"cannot connect to the SMTP server {where}: {detail}") from None

    def _scrub(self, text: str) -> str:
        return redact(text, self.password, self.smtp.user)

    def send(self, due: Due, message: EmailMessage) -> Outcome:
        """Hand one message over; the server's words reach the report and state, scrubbed."""
        outcome = self._send(due, message)
        return outcome._replace(detail=self._scrub(outcome.detail))

    def _send(self, due: Due, message: EmailMessage) -> Outcome:
        conn: _PhaseSMTP = self.client.smtp
        conn.data_started, conn.refused_now = False, {}
        conn.must_accept = frozenset(p.email.lower() for p in due.to)
        try:
            refused = conn.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            return _refusal(due, exc.recipients)
        except smtplib.SMTPSenderRefused as exc:
            return Outcome("retry", f"sender refused: {_reply(exc)}", stop=True)
        except smtplib.SMTPDataError as exc:
            return Outcome("failed" if exc.smtp_code >= 500 else "retry", _reply(exc))
        except smtplib.SMTPNotSupportedError as exc:  # e.g. a non-ASCII address, no SMTPUTF8
            return Outcome("failed", str(exc))
        except (smtplib.SMTPException, OSError) as exc:
            status = "unknown" if conn.data_started else "retry"
            return Outcome(status, f"connection lost: {exc or type(exc).__name__}", stop=True)
        return _refusal(due, refused)

    def close(self) -> None:
        if self.client is not None:
            self.client.close()


def redact(text: str, password: str | None, user: str = "") -> str:
    """``text`` without the password, nor the base64 forms AUTH PLAIN and LOGIN send it in.

    A server's error reply goes into the run report, the state file and cron's mail; some
    servers echo what they were sent, so every reply passes through here first.
    """
    if not password:
        return text
    forms = {password}
    for raw in (password, f"\0{user}\0{password}", f"{user}\0{password}"):
        encoded = base64.b64encode(raw.encode("utf-8")).decode("ascii")
        forms |= {encoded, encoded.rstrip("=")}
    for form in sorted(forms, key=len, reverse=True):
        text = text.replace(form, "***")
    return text


def _reply(exc: smtplib.SMTPResponseException) -> str:
    text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else ""
    return f"{exc.smtp_code} {text}".strip()


def _refusal(due: Due, refused: dict[str, tuple[int, bytes]]) -> Outcome:
    """Judge by the To addresses: all refused for good = failed, for now = retry, else sent.

    A cc refused alone does not fail the reminder; it is noted in the detail.
    """
    if not refused:
        return Outcome("sent")
    bad = {addr.lower(): code for addr, (code, _) in refused.items()}
    detail = "; ".join(
        f"{addr}: {code} {text.decode('utf-8', 'replace')}"
        for addr, (code, text) in refused.items()
    )
    to = {p.email.lower() for p in due.to}
    if not to <= set(bad):
        return Outcome("sent", f"refused: {detail}")
    permanent = all(bad[addr] >= 500 for addr in to)
    return Outcome("failed" if permanent else "retry", detail)
