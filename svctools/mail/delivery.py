"""Reminder mail (SPEC §5): render the templates, build real messages, deliver each key once.

- Templates are jinja2 files, ``KIND.LANG.txt`` (``{% block subject %}`` and ``{% block body %}``)
  and ``KIND.LANG.html`` (the HTML part), run in an immutable sandbox with ``StrictUndefined``
  (a typo fails loudly) and HTML autoescaping. A firm's ``--templates DIR`` is searched first,
  the shipped ``templates/`` second, so a firm copies only what it changes.
- Messages are stdlib ``EmailMessage`` objects (plain part + HTML alternative, ``名字 <addr>``
  headers, unique Message-IDs): yagmail's own ``send()`` gets those wrong (DEPENDENCIES.md).
- yagmail is only the connection helper: one ``login()`` per run, then
  ``smtp.send_message(msg)`` per message. Without an SMTP host, or with ``--dry-run``, each
  message is written to the outbox as an ``.eml`` file.
- ``Delivery.run`` ties it to the state file: claim, hand over, record the answer.
"""

from __future__ import annotations

import base64
import os
import re
import signal
import smtplib
import threading
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol
from zoneinfo import ZoneInfo

from jinja2 import (
    ChoiceLoader,
    FileSystemLoader,
    StrictUndefined,
    Template,
    TemplateNotFound,
    TemplateSyntaxError,
    select_autoescape,
)
from jinja2 import TemplateError as JinjaError
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from svctools.compute.privacy import mask_reminder
from svctools.compute.reminders import Due, Person, due_callbacks, due_renewals
from svctools.core.clock import now_local
from svctools.core.errors import ConfigError, SvctoolsError
from svctools.core.policy import Policy, SmtpPolicy
from svctools.core.records import Records
from svctools.core.schema import package_folder
from svctools.mail.state import State, StateRow, read_rows
from svctools.outputs.xlsxout import write_atomic

if TYPE_CHECKING:
    from svctools.reading.book import LoadedBook

PASSWORD_ENV = "SVCTOOLS_SMTP_PASSWORD"
KEYRING_SERVICE = "svctools"
MAX_SEQUENCE = 10_000  # longest string or list a template may build with '*'
MAX_BITS = 4_096  # largest integer a template may build with '*' or '**'
MAX_OUTPUT = 5_000_000  # characters in one rendered part (a digest of 5,000 orders is ~2 MB)
RENDER_SECONDS = 10.0  # a template still rendering after this is looping on purpose
RENDER_MEMORY = 512 * 2**20  # address space one render may add (Linux, RLIMIT_AS)


class TemplateError(SvctoolsError):
    """A template is missing, does not parse, or fails to render (names the file and line)."""


class DeliveryError(SvctoolsError):
    """Some reminders could not be delivered: the SMTP server was unreachable or refused."""

    exit_code = 3


def default_templates() -> Path:
    """The shipped templates (package data, like ``workbook_schema/``)."""
    return package_folder("templates")


class _Sandbox(ImmutableSandboxedEnvironment):
    """The stock sandbox lets ``9**9**9`` or ``'a' * 10**9`` eat the machine: bound them."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and _is_int(left) and _is_int(right):
            if right > 0 and max(abs(left), 2).bit_length() * right > MAX_BITS:
                raise SecurityError(f"{left} ** {right} is too large for a template")
        if operator == "*":
            _check_product(left, right)
        return super().call_binop(context, operator, left, right)


class _RenderTimeout(Exception):
    """SIGALRM fired inside a render: the template loops for too long."""


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Interrupt the render after ``seconds`` (Unix, main thread; elsewhere no limit)."""
    if (
        not hasattr(signal, "setitimer")
        or threading.current_thread() is not threading.main_thread()
    ):
        yield
        return

    def expired(signum: int, frame: Any) -> None:
        raise _RenderTimeout

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def _memory_limit(extra: int) -> Iterator[None]:
    """Let the render add at most ``extra`` bytes of address space: past it, MemoryError.

    The sandbox sees operators and attributes, not what a permitted call allocates:
    ``'a'.ljust(10**9)``, ``'x'|center(10**9)``, ``lipsum(10**6)`` or a loop printing for
    ever. The soft RLIMIT_AS is lowered for the render only (Linux; elsewhere no limit).
    """
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        with open("/proc/self/statm", encoding="ascii") as handle:
            used = int(handle.read().split()[0]) * resource.getpagesize()
    except (ImportError, OSError, ValueError, IndexError):
        yield
        return
    limit = used + extra
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    if soft != resource.RLIM_INFINITY and soft <= limit:  # already tighter: leave it
        yield
        return
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


_SURROGATE = re.compile(r"[\ud800-\udfff]")  # a lone half of a pair: no UTF-8 for it


def _joined(chunks: Iterator[str], name: str | None) -> str:
    """A render's output, refused once it passes ``MAX_OUTPUT`` characters."""
    parts, size = [], 0
    for chunk in chunks:
        size += len(chunk)
        if size > MAX_OUTPUT:
            raise SecurityError(f"{name}: the template writes more than {MAX_OUTPUT:,} characters")
        parts.append(chunk)
    return "".join(parts)


def _is_int(value: Any) -> bool:
    return isinstance(value, int)


def _check_product(left: Any, right: Any) -> None:
    for seq, count in ((left, right), (right, left)):
        if isinstance(seq, str | list | tuple) and _is_int(count):
            if len(seq) * count > MAX_SEQUENCE:
                raise SecurityError(f"a sequence of {len(seq)} × {count} is too long")
    if _is_int(left) and _is_int(right):
        if abs(left).bit_length() + abs(right).bit_length() > MAX_BITS:
            raise SecurityError("the product is too large for a template")


class Rendered(NamedTuple):
    subject: str
    text: str
    html: str


class Templates:
    """The reminder templates: a firm's folder first (optional), then the shipped ones."""

    def __init__(self, folder: str | os.PathLike[str] | None = None) -> None:
        folders = [Path(folder)] if folder else []
        folders.append(default_templates())
        self.folders = folders
        self.env = _Sandbox(
            loader=ChoiceLoader([FileSystemLoader(str(f)) for f in folders]),
            undefined=StrictUndefined,
            autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.globals.pop("lipsum", None)  # placeholder text has no place in a reminder

    def render(
        self,
        kind: str,
        lang: str,
        context: dict[str, Any],
        subject_context: dict[str, Any] | None = None,
    ) -> Rendered:
        """Subject and plain body from ``KIND.LANG.txt``, the HTML part from ``KIND.LANG.html``.

        ``subject_context`` (``--mask``) renders the subject from other values than the body.
        """
        with self._errors(), _time_limit(RENDER_SECONDS), _memory_limit(RENDER_MEMORY):
            plain = self.env.get_template(f"{kind}.{lang}.txt")
            for block in ("subject", "body"):
                if block not in plain.blocks:
                    raise TemplateError(
                        f"{plain.filename}: has no {{% block {block} %}}…{{% endblock %}}"
                    )
            subject = self._block(plain, "subject", subject_context or context)
            text = self._block(plain, "body", context)
            page = self.env.get_template(f"{kind}.{lang}.html")
            html = _joined(page.generate(context), page.filename)
        subject = " ".join(subject.split())  # one line: no header injection, no folding surprises
        if not subject:
            raise TemplateError(f"{kind}.{lang}.txt: the subject block renders empty")
        subject, text, html = (_SURROGATE.sub("\ufffd", s) for s in (subject, text, html))
        return Rendered(subject, text.strip("\n") + "\n", html)

    def _block(self, template: Template, name: str, context: dict[str, Any]) -> str:
        try:
            return _joined(template.blocks[name](template.new_context(context)), template.filename)
        except Exception:
            self.env.handle_exception()  # re-raises with the template's file and line in the trace
            raise  # not reached

    def check(self, lang: str) -> None:
        """Render every template once on sample data, so a typo fails on a quiet day too."""
        for due in sample_reminders():
            self.render(due.kind, lang, due.context)

    @contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except TemplateError:
            raise
        except TemplateNotFound as exc:
            where = ", ".join(str(f) for f in self.folders)
            raise TemplateError(f"template {exc.name} not found in {where}") from None
        except TemplateSyntaxError as exc:
            raise TemplateError(f"{exc.filename or exc.name} line {exc.lineno}: {exc}") from None
        except (JinjaError, TypeError, ValueError, ArithmeticError, LookupError) as exc:
            raise TemplateError(f"{_template_line(exc)}{exc}") from None
        except MemoryError as exc:
            raise TemplateError(
                f"{_template_line(exc)}the template needs too much memory"
            ) from None
        except _RenderTimeout as exc:
            raise TemplateError(
                f"{_template_line(exc)}the template took longer than {RENDER_SECONDS:g} s"
            ) from None


def _template_line(exc: BaseException) -> str:
    """``renewal.zh.html line 12: `` from the traceback jinja rewrites to point at templates."""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith((".txt", ".html")):
            return f"{frame.filename} line {frame.lineno}: "
    return ""


def sample_reminders() -> list[Due]:
    """One of each kind of reminder (a stage, an expired notice, a digest) on made-up data."""
    today = date(2026, 1, 10)
    staff = {"staff_id": "A00", "name": "示例", "email": "a00@example.com"}
    contract = {
        "contract_id": "HT000",
        "customer_name": "示例客户",
        "phone": "13800000000",
        "email": "c@example.com",
        "start_date": date(2025, 1, 18),
        "amount": 1,
        "store_id": "S00",
        "owner_id": "A00",
    }
    records = Records.from_lists(
        staff=[staff],
        stores=[{"store_id": "S00", "name": "示例店", "manager": "店长", "email": "s@example.com"}],
        contracts=[
            {**contract, "end_date": today + timedelta(days=7)},
            {**contract, "contract_id": "HT999", "end_date": today - timedelta(days=3)},
        ],
        call_log=[{"call_id": "C0", "customer_name": "客户", "phone": "1", "taken_by": "A00"}],
        repair_ledger=[
            {
                "order_id": "W0",
                "call_id": "C0",
                "status": "completed",
                "technician_id": "A00",
                "completed_at": datetime(2026, 1, 8, 16, 0),
            }
        ],
    )
    return due_renewals(records, [15, 7, 1], today) + due_callbacks(records, 1, today)


def sender_address(smtp: SmtpPolicy, required: bool) -> Address:
    """``[smtp] from`` (``售后部 <service@firm.cn>`` or a bare address), else ``user``."""
    text = smtp.from_ or (smtp.user if "@" in smtp.user else "")
    if not text:
        if required:
            raise ConfigError('[smtp] from is empty: set e.g. from = "售后部 <service@firm.cn>"')
        return Address("svctools", addr_spec="svctools@localhost")
    name, addr = parseaddr(text)
    try:
        return Address(name, addr_spec=addr)
    except (ValueError, IndexError):
        raise ConfigError(f"[smtp] from = {text!r} is not an email address") from None


_NOT_IN_NAME = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")  # a cell's Alt+Enter, controls


def _address(person: Person) -> Address:
    """``名字 <addr>``; a name typed over two lines in the book becomes one line."""
    name = " ".join(_NOT_IN_NAME.sub(" ", person.name).split())
    try:
        return Address(name, addr_spec=person.email)
    except (ValueError, IndexError):
        raise SvctoolsError(f"{person.email!r} is not an email address") from None


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

    def __init__(self, folder: Path) -> None:
        self.folder = folder
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
            write_atomic(path, lambda tmp: tmp.write_bytes(data))
        except (OSError, SvctoolsError) as exc:  # disk full, folder gone: nothing was written
            return Outcome("retry", f"{path}: cannot write ({exc})", stop=True)
        self.written.append(path)
        return Outcome("sent", path.name)

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


def resolve_path(policy: Policy, value: str) -> Path:
    """A relative ``[reminders]`` path is beside the config file (cron runs in $HOME)."""
    path = Path(value).expanduser()
    if path.is_absolute() or not policy.source:
        return path
    return Path(policy.source).resolve().parent / path


@dataclass
class RunReport:
    """What one run did, key by key; ``to_dict()`` is the JSON output of ``remind``."""

    as_of: date
    mode: str  # smtp | outbox | dry-run
    due: list[Due]
    status: dict[str, str] = field(default_factory=dict)
    details: dict[str, str] = field(default_factory=dict)
    outbox: Path | None = None
    files: list[Path] = field(default_factory=list)
    error: str | None = None
    attention: list[StateRow] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for due in self.due if self.status.get(due.key) == status)

    @property
    def undelivered(self) -> bool:
        """Exit 3: something due did not go out, or a failed/unknown key awaits the clerk."""
        if self.mode == "dry-run":
            return False
        stuck = self.count("retry") + self.count("unaddressed")
        return bool(self.error or stuck or self.attention)

    @property
    def news(self) -> bool:
        """Anything for a person to read: not the case when all due was sent on earlier runs."""
        quiet = all(self.status.get(d.key) == "already_sent" for d in self.due)
        return not quiet or bool(self.error or self.attention)

    def to_dict(self) -> dict[str, Any]:
        due = [
            {**d.to_dict(), "status": self.status.get(d.key, ""), "detail": self.details.get(d.key)}
            for d in self.due
        ]
        counts = ("sent", "already_sent", "failed", "unknown", "retry", "unaddressed", "written")
        return {
            "as_of": self.as_of.isoformat(),
            "mode": self.mode,
            "due": due,
            **{name: self.count(name) for name in counts},
            "outbox": str(self.outbox) if self.outbox else None,
            "files": [str(p) for p in self.files],
            "error": self.error,
            "attention": [row.to_dict() for row in self.attention],
        }


@dataclass
class Delivery:
    """How this run delivers (chosen by the caller from the policy and the options)."""

    templates: Templates
    lang: str
    smtp: SmtpPolicy
    state: Path
    outbox: Path
    zone: ZoneInfo
    dry_run: bool = False
    timeout: float = 30
    mask: bool = False  # --mask: privacy.mask_reminder decides what each mail shows

    @property
    def mode(self) -> str:
        return "dry-run" if self.dry_run else ("smtp" if self.smtp.host else "outbox")

    def run(self, due: list[Due], as_of: datetime) -> RunReport:
        """Send what is due and not yet sent; every template is checked before anything goes."""
        self.templates.check(self.lang)
        report = RunReport(as_of.date(), self.mode, due)
        if self.mode != "smtp":
            report.outbox = self.outbox
        if self.dry_run:
            rows = read_rows(self.state)
            pending = _triage(due, {r.key: r.status for r in rows}, report)
            outbox = OutboxTransport(self.outbox)
            outbox.open()
            for item, message in self._messages(pending):
                outcome = outbox.send(item, message)
                report.status[item.key] = "written" if outcome.status == "sent" else "retry"
                report.details[item.key] = outcome.detail
            report.files = outbox.written
            report.attention = [r for r in rows if r.status in ("failed", "claimed")]
            return report
        with State.locked(self.state) as state:
            pending = _triage(due, state.statuses(), report)
            mails = self._messages(pending)  # all rendered before the first is handed over
            if mails:
                self._deliver(state, mails, report, as_of)
            report.attention = [r for r in state.rows() if r.status in ("failed", "claimed")]
        return report

    def _messages(self, items: list[Due]) -> list[tuple[Due, EmailMessage]]:
        sender = sender_address(self.smtp, required=self.mode == "smtp")
        now = datetime.now(self.zone)
        return [(d, build_message(d, self._render(d), sender, now)) for d in items]

    def _render(self, due: Due) -> Rendered:
        """The one place ``--mask`` applies to mail: the values handed to the templates."""
        if not self.mask:
            return self.templates.render(due.kind, self.lang, due.context)
        body, subject = mask_reminder(due.kind, due.context)
        return self.templates.render(due.kind, self.lang, body, subject)

    def _transport(self) -> Transport:
        if self.mode == "smtp":
            return SmtpTransport(self.smtp, smtp_password(self.smtp.user), self.timeout)
        return OutboxTransport(self.outbox)

    def _deliver(
        self,
        state: State,
        mails: list[tuple[Due, EmailMessage]],
        report: RunReport,
        as_of: datetime,
    ) -> None:
        transport = self._transport()
        try:
            transport.open()
        except DeliveryError as exc:
            report.error = str(exc)
            report.status.update((d.key, "retry") for d, _ in mails)
            return
        try:
            for index, (item, message) in enumerate(mails):
                recipients = ", ".join(str(p) for p in item.to + item.cc)
                facts = {"channel": transport.channel, "as_of": as_of.isoformat()}
                subject = str(message["Subject"])
                if not state.claim(
                    item.key, item.kind, recipients, subject, **facts, now=self._now()
                ):
                    report.status[item.key] = "already_sent"
                    continue
                outcome = transport.send(item, message)
                if outcome.status != "unknown":  # unknown: the claim stays, for the clerk
                    state.finish(
                        item.key, outcome.status, self._now(), outcome.detail, message["Message-ID"]
                    )
                report.status[item.key] = outcome.status
                report.details[item.key] = outcome.detail
                if outcome.stop:
                    report.error = f"{transport.channel}: {outcome.detail}"
                    report.status.update((d.key, "retry") for d, _ in mails[index + 1 :])
                    break
        finally:
            transport.close()
        if isinstance(transport, OutboxTransport):
            report.files = transport.written

    def _now(self) -> datetime:
        return now_local(self.zone)


def _triage(due: list[Due], known: dict[str, str], report: RunReport) -> list[Due]:
    """Set aside what must not be sent now; return the items still to send, in order."""
    pending = []
    for item in due:
        recorded = known.get(item.key)
        if recorded == "sent":
            report.status[item.key] = "already_sent"
        elif recorded == "failed":
            report.status[item.key] = "failed"
        elif recorded == "claimed":
            report.status[item.key] = "unknown"
        elif not item.to:
            report.status[item.key] = "unaddressed"
            report.details[item.key] = "no email address in the book (staff or store email)"
        else:
            pending.append(item)
    return pending


_LABELS: dict[str, dict[str, Any]] = {
    "zh": {
        "sent": "已发送",
        "already_sent": "此前已发",
        "failed": "失败",
        "unknown": "未知",
        "retry": "待重试",
        "resend": "待重发",
        "unaddressed": "无邮箱",
        "written": "已写入",
        "headers": ("状态", "键", "收件人", "说明"),
        "state_headers": ("状态", "键", "收件人", "时间", "说明"),
        "nothing": "没有到期的提醒",
        "due": "到期 {n} 条",
        "attention": "需要处理（svctools remind --resolve KEY sent|resend）：",
        "outbox": "邮件文件",
        "modes": {"smtp": "SMTP", "outbox": "写入发件箱", "dry-run": "试运行，只写文件"},
        "head": "提醒 {day}（{mode}）：",
        "sep": "；",
        "comma": "，",
        "empty_state": "状态文件 {path} 中还没有记录",
    },
    "en": {
        "sent": "sent",
        "already_sent": "already sent",
        "failed": "failed",
        "unknown": "unknown",
        "retry": "retry",
        "resend": "resend",
        "unaddressed": "no email",
        "written": "written",
        "headers": ("Status", "Key", "To", "Detail"),
        "state_headers": ("Status", "Key", "To", "When", "Detail"),
        "nothing": "nothing due",
        "due": "{n} due",
        "attention": "Needs the clerk (svctools remind --resolve KEY sent|resend):",
        "outbox": "Message files",
        "modes": {"smtp": "SMTP", "outbox": "to the outbox", "dry-run": "dry run, files only"},
        "head": "Reminders {day} ({mode}): ",
        "sep": "; ",
        "comma": ", ",
        "empty_state": "nothing recorded yet in {path}",
    },
}


def report_text(report: RunReport, lang: str) -> str:
    """The run for people: one summary line, one line per due reminder, then what needs care."""
    from svctools.outputs.render import table

    words = _LABELS["en" if lang == "en" else "zh"]
    head = str(words["head"]).format(day=report.as_of.isoformat(), mode=words["modes"][report.mode])
    if not report.due:
        lines = [head + str(words["nothing"])]
    else:
        order = ("sent", "written", "already_sent", "failed", "unknown", "retry", "unaddressed")
        counts = [f"{words[s]} {report.count(s)}" for s in order if report.count(s)]
        due = str(words["due"]).format(n=len(report.due))
        lines = [head + due + words["sep"] + words["comma"].join(counts)]
        rows = [
            (
                words.get(report.status.get(d.key, ""), ""),
                d.key,
                ", ".join(str(p) for p in d.to + d.cc),
                report.details.get(d.key, ""),
            )
            for d in report.due
        ]
        lines += ["", table(rows, words["headers"])]
    if report.files:
        lines += ["", f"{words['outbox']}: {report.outbox} ({len(report.files)})"]
    if report.attention:
        lines += ["", str(words["attention"]), _state_table(report.attention, words)]
    return "\n".join(lines)


def status_text(rows: list[StateRow], path: Path, lang: str) -> str:
    """``remind --status``: what needs the clerk first, then everything sent, newest first."""
    words = _LABELS["en" if lang == "en" else "zh"]
    if not rows:
        return str(words["empty_state"]).format(path=path)
    first = sorted(rows, key=lambda r: r.shown in ("sent",))
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.shown] = counts.get(row.shown, 0) + 1
    summary = ", ".join(f"{words.get(k, k)} {n}" for k, n in counts.items())
    return f"{path}: {summary}\n\n{_state_table(first, words)}"


def _state_table(rows: list[StateRow], words: dict[str, Any]) -> str:
    from svctools.outputs.render import table

    lines = [
        (words.get(r.shown, r.shown), r.key, r.recipients, r.updated_at, r.detail) for r in rows
    ]
    return table(lines, words["state_headers"])


def demo_reminders(
    loaded: LoadedBook, book: Path, policy: Policy, as_of: datetime, lang: str
) -> Iterator[str]:
    """The demo's reminders step: ``remind all --dry-run --skip-invalid`` into ``DIR/outbox``."""
    from svctools.compute.reminders import KINDS, due_reminders
    from svctools.core.schema import load_schema
    from svctools.reading.usable import usable_records

    folder = book.parent
    records = usable_records(loaded, load_schema(), "remind_all", True, lang).records
    due = due_reminders(records, policy.reminders, as_of, KINDS["all"])
    delivery = Delivery(
        templates=Templates(),
        lang=lang,
        smtp=policy.smtp,
        state=folder / Path(policy.reminders.state).name,
        outbox=folder / "outbox",
        zone=policy.zone,
        dry_run=True,
    )
    report = delivery.run(due, as_of)
    renewals = sum(1 for d in due if d.kind == "renewal")
    stamp = as_of.isoformat(timespec="minutes")
    yield ""
    yield f"$ svctools remind all {book} --as-of {stamp} --dry-run --skip-invalid"
    written = len(report.files)
    if lang == "zh":
        yield f"  {renewals} 条续签提醒，{len(due) - renewals} 份回访清单，写出 {written} 封邮件"
    else:
        yield f"  {renewals} renewals, {len(due) - renewals} callback digests, {written} messages"
    yield f"  -> {folder / 'outbox'}"
