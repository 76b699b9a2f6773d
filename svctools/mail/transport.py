"""Where a message goes: the outbox folder (``.eml`` files) or one SMTP connection per run.

yagmail is only the connection helper: one ``login()`` per run, then ``smtp.send_message(msg)``
per message. Each send returns an ``Outcome`` the delivery records in the state file; the
server's words are scrubbed of the password before they reach a report, the state or cron.
"""

from __future__ import annotations

import base64
import os
import smtplib
import socket
import ssl
from email.message import EmailMessage
from pathlib import Path
from typing import Any, NamedTuple, Protocol

from svctools.compute.reminders import Due
from svctools.core.errors import ConfigError, SvctoolsError
from svctools.core.messages import Msg, say
from svctools.core.policy import SmtpPolicy
from svctools.mail.messages import eml_name
from svctools.outputs.atomic import remove_stale, write_atomic

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

    def __init__(self, folder: Path, durable: bool = True, lang: str = "zh") -> None:
        self.folder = folder
        self.durable = durable  # False (a dry run): no fsync per file, still moved into place
        self.lang = lang  # the words of an outcome's detail (recorded in the state file)
        self.written: list[Path] = []

    def open(self) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            remove_stale(self.folder, ".eml")  # once here, not once per message written
        except OSError as exc:
            reason = exc.strerror or exc
            raise DeliveryError(
                Msg("mail.outbox_create", folder=self.folder, reason=reason)
            ) from None

    def send(self, due: Due, message: EmailMessage) -> Outcome:
        data = message.as_bytes(policy=message.policy.clone(linesep="\r\n"))
        path = self.folder / eml_name(due.key)
        try:
            write_atomic(path, lambda tmp: tmp.write_bytes(data), self.durable, tidy=False)
        except (OSError, SvctoolsError) as exc:  # disk full, folder gone: nothing was written
            reason = exc.text(self.lang) if isinstance(exc, SvctoolsError) else exc.strerror or exc
            return Outcome(
                "retry", say("mail.cannot_write", self.lang, path=path, reason=reason), stop=True
            )
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

    def __init__(
        self, smtp: SmtpPolicy, password: str | None, timeout: float = 30, lang: str = "zh"
    ) -> None:
        if smtp.user and not password:
            raise ConfigError(
                Msg("mail.no_password", user=smtp.user, env=PASSWORD_ENV, service=KEYRING_SERVICE)
            )
        self.smtp, self.password, self.timeout = smtp, password, timeout
        self.lang = lang  # the words of an outcome's detail (recorded in the state file)
        self.client: Any = None

    def open(self) -> None:
        """Connect, STARTTLS and log in; a failure says why in the clerk's words."""
        where = f"{self.smtp.host}:{self.smtp.port}"
        try:
            self.client = _yagmail_client(self.smtp, self.password, self.timeout)
            self.client.login()
        except (OSError, smtplib.SMTPException) as exc:
            why = self._scrub(self._why(exc, login=True))
            raise DeliveryError(Msg("mail.cannot_connect", where=where, why=why)) from None

    def _why(self, exc: BaseException, login: bool = False) -> str:
        """What went wrong on the wire, worded: refused, no such host, timeout, TLS, a reply."""
        lang = self.lang
        if isinstance(exc, smtplib.SMTPAuthenticationError) or (
            login and isinstance(exc, smtplib.SMTPResponseException) and exc.smtp_code == 535
        ):
            return say("mail.login_refused", lang, reply=_reply(exc))
        if isinstance(exc, TimeoutError) or (  # smtplib words a read timeout as a hang-up
            isinstance(exc, smtplib.SMTPServerDisconnected) and "timed out" in str(exc)
        ):
            return say("mail.timeout", lang, seconds=f"{self.timeout:g}")
        if isinstance(exc, smtplib.SMTPServerDisconnected):
            return say("mail.disconnected", lang)
        if isinstance(exc, smtplib.SMTPResponseException):
            return say("mail.server_said", lang, reply=_reply(exc))
        if isinstance(exc, smtplib.SMTPNotSupportedError) and "STARTTLS" in str(exc):
            return say("mail.no_starttls", lang)
        if isinstance(exc, ConnectionRefusedError):
            return say("mail.refused", lang)
        if isinstance(exc, socket.gaierror):
            return say("mail.no_host", lang)
        if isinstance(exc, ssl.SSLError):
            return say("mail.tls", lang, detail=exc.reason or exc)
        detail = (exc.strerror if isinstance(exc, OSError) else None) or str(exc)
        return say("mail.network", lang, detail=detail or type(exc).__name__)

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
        lang = self.lang
        try:
            refused = conn.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            return _refusal(due, exc.recipients, lang)
        except smtplib.SMTPSenderRefused as exc:
            return Outcome("retry", say("mail.sender_refused", lang, reply=_reply(exc)), stop=True)
        except smtplib.SMTPDataError as exc:
            detail = say("mail.data_refused", lang, reply=_reply(exc))
            return Outcome("failed" if exc.smtp_code >= 500 else "retry", detail)
        except smtplib.SMTPNotSupportedError as exc:  # e.g. a non-ASCII address, no SMTPUTF8
            return Outcome("failed", say("mail.not_supported", lang, detail=exc))
        except (smtplib.SMTPException, OSError) as exc:
            status = "unknown" if conn.data_started else "retry"
            why = self._why(exc)
            return Outcome(status, say("mail.connection_lost", lang, why=why), stop=True)
        return _refusal(due, refused, lang)

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


def _refusal(due: Due, refused: dict[str, tuple[int, bytes]], lang: str) -> Outcome:
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
        return Outcome("sent", say("mail.some_refused", lang, detail=detail))
    permanent = all(bad[addr] >= 500 for addr in to)
    return Outcome(
        "failed" if permanent else "retry", say("mail.recipients_refused", lang, detail=detail)
    )
