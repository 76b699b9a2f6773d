"""Reminder delivery (SPEC §5): claim each key in the state file, hand it over, record the answer.

``templates`` renders, ``messages`` builds the mail, ``transport`` writes or sends it,
``state`` keeps each key once; ``Delivery.run`` ties them together for one run.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from svctools.compute.privacy import mask_reminder
from svctools.compute.reminders import Due
from svctools.core.clock import now_local
from svctools.core.messages import say
from svctools.core.policy import NotifyPolicy, Policy, SmtpPolicy
from svctools.mail.chat import (
    ChatOutbox,
    ChatTransport,
    load_apprise,
    part_key,
    route,
    split_markdown,
)
from svctools.mail.messages import build_message, sender_address
from svctools.mail.state import State, StateRow, read_rows
from svctools.mail.templates import Rendered, Templates
from svctools.mail.transport import (
    DeliveryError,
    OutboxTransport,
    SmtpTransport,
    Transport,
    smtp_password,
)

if TYPE_CHECKING:
    pass


def resolve_path(policy: Policy, value: str) -> Path:
    """A relative ``[reminders]`` path is beside the config file (cron runs in $HOME)."""
    path = Path(value).expanduser()
    if path.is_absolute() or not policy.source:
        return path
    return Path(policy.source).resolve().parent / path


@dataclass
class ChatPart:
    """One Markdown part for one chat channel; ``state_key`` is ``KEY@channel`` (``KEY#2@…``)."""

    due: Due
    channel: str
    state_key: str
    text: str
    status: str = ""
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.state_key,
            "reminder": self.due.key,
            "kind": self.due.kind,
            "channel": self.channel,
            "status": self.status,
            "detail": self.detail or None,
        }


@dataclass
class RunReport:
    """What one run did, key by key; ``to_dict()`` is the JSON output of ``remind``."""

    as_of: date
    mode: str  # smtp | outbox | dry-run
    due: list[Due]
    status: dict[str, str] = field(default_factory=dict)  # email, by key
    details: dict[str, str] = field(default_factory=dict)
    outbox: Path | None = None
    files: list[Path] = field(default_factory=list)
    error: str | None = None
    attention: list[StateRow] = field(default_factory=list)
    chats: list[ChatPart] = field(default_factory=list)
    blocked: list[dict[str, str]] = field(default_factory=list)  # kinds the book's errors stopped

    def count(self, status: str) -> int:
        mails = sum(1 for due in self.due if self.status.get(due.key) == status)
        return mails + sum(1 for part in self.chats if part.status == status)

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
        done = ("already_sent", "already_written", "chat_only")
        quiet = all(self.status.get(d.key) in done for d in self.due)
        quiet = quiet and all(p.status == "already_sent" for p in self.chats)
        return not quiet or bool(self.error or self.attention or self.blocked)

    def to_dict(self) -> dict[str, Any]:
        due = [
            {**d.to_dict(), "status": self.status.get(d.key, ""), "detail": self.details.get(d.key)}
            for d in self.due
        ]
        counts = (
            "sent",
            "already_sent",
            "failed",
            "unknown",
            "retry",
            "unaddressed",
            "written",
            "already_written",
        )
        return {
            "as_of": self.as_of.isoformat(),
            "mode": self.mode,
            "due": due,
            **{name: self.count(name) for name in counts},
            "outbox": str(self.outbox) if self.outbox else None,
            "files": [str(p) for p in self.files],
            "error": self.error,
            "attention": [row.to_dict() for row in self.attention],
            "chat": [part.to_dict() for part in self.chats],
            "blocked": self.blocked,
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
    notify: NotifyPolicy = field(default_factory=NotifyPolicy)

    @property
    def mode(self) -> str:
        return "dry-run" if self.dry_run else ("smtp" if self.smtp.host else "outbox")

    def run(self, due: list[Due], as_of: datetime) -> RunReport:
        """Send what is due and not yet sent; every template is checked before anything goes."""
        channels = self.notify.channels()
        self.templates.check(self.lang, chat=bool(channels))
        report = RunReport(as_of.date(), self.mode, due)
        if self.mode != "smtp":
            report.outbox = self.outbox
        mailed = []
        for item in due:
            if route(self.notify, item.kind).email:
                mailed.append(item)
            else:
                report.status[item.key] = "chat_only"
        report.chats = self._chat_parts(due, channels)  # rendered before anything goes
        if self.dry_run:
            self._dry_run(mailed, report)
            return report
        with State.locked(self.state) as state:
            pending = _triage(mailed, state.statuses(), report, self.mode == "smtp", self.lang)
            for _ in self._each_message(pending):  # every message made before the first goes
                pass  # (a template failing on one item sends none), then made again one by one
            if pending:
                self._deliver(state, pending, report, as_of)
            for name in channels:
                self._post(state, name, channels[name], report, as_of)
            report.attention = [r for r in state.rows() if r.status in ("failed", "claimed")]
        return report

    def _dry_run(self, mailed: list[Due], report: RunReport) -> None:
        rows = read_rows(self.state)
        known = {r.key: r.status for r in rows}
        pending = _triage(mailed, known, report, smtp=False, lang=self.lang)
        outbox = OutboxTransport(self.outbox, durable=False, lang=self.lang)
        outbox.open()
        for item, message in self._each_message(pending):  # written as it is rendered
            outcome = outbox.send(item, message)
            report.status[item.key] = "written" if outcome.status == "written" else "retry"
            report.details[item.key] = outcome.detail
        chat_box = ChatOutbox(self.outbox, self.lang)
        for part in report.chats:
            if not _triage_part(part, known.get(part.state_key)):
                outcome = chat_box.write(part.state_key, part.text)
                part.status, part.detail = outcome.status, outcome.detail
        report.files = outbox.written + chat_box.written
        report.attention = [r for r in rows if r.status in ("failed", "claimed")]

    def _chat_parts(self, due: list[Due], channels: dict[str, str]) -> list[ChatPart]:
        """Every chat part of this run, per channel in route order, split to the robot's size."""
        limits = {name: _limit(url) for name, url in channels.items()}
        parts = []
        for item in due:
            chats = [c for c in route(self.notify, item.kind).chats if c in channels]
            if not chats:
                continue
            # a group chat is read by many: under --mask it gets what a subject may show
            context = mask_reminder(item.kind, item.context)[1] if self.mask else item.context
            text = self.templates.render_chat(item.kind, self.lang, context)
            for name in chats:
                pieces = split_markdown(text, limits[name])
                for index, piece in enumerate(pieces, 1):
                    key = part_key(item.key, index, len(pieces), name)
                    parts.append(ChatPart(item, name, key, piece))
        return parts

    def _post(self, state: State, name: str, url: str, report: RunReport, as_of: datetime) -> None:
        """Post this channel's parts not yet sent; a failed channel stops, the others go on."""
        known = state.statuses()
        pending = [
            p
            for p in report.chats
            if p.channel == name and not _triage_part(p, known.get(p.state_key))
        ]
        if not pending:
            return
        transport = ChatTransport(
            name, url, self.notify.timeout, self.notify.interval, lang=self.lang
        )
        transport.open()  # a bad URL or a missing secret: ConfigError before anything is claimed
        for index, part in enumerate(pending):
            facts = {"channel": name, "as_of": as_of.isoformat(), "now": self._now()}
            title = part.text.split("\n", 1)[0]
            if not state.claim(part.state_key, part.due.kind, f"#{name}", title, **facts):
                part.status = "already_sent"
                continue
            outcome = transport.send(part.text)
            if outcome.status != "unknown":
                state.finish(part.state_key, outcome.status, self._now(), outcome.detail)
            part.status, part.detail = outcome.status, outcome.detail
            if outcome.stop:
                report.error = f"{name}: {outcome.detail}"
                for rest in pending[index + 1 :]:
                    rest.status = "retry"
                break
        transport.close()

    def _each_message(self, items: list[Due]) -> Iterator[tuple[Due, EmailMessage]]:
        """Each item's message, made when asked for: a run holds one at a time (memory flat
        in the number of messages; 4,677 held at once took 0.9 GB)."""
        sender = sender_address(self.smtp, required=self.mode == "smtp")
        now = datetime.now(self.zone)
        for item in items:
            yield item, build_message(item, self._render(item), sender, now)

    def _render(self, due: Due) -> Rendered:
        """The one place ``--mask`` applies to mail: the values handed to the templates."""
        if not self.mask:
            return self.templates.render(due.kind, self.lang, due.context)
        body, subject = mask_reminder(due.kind, due.context)
        return self.templates.render(due.kind, self.lang, body, subject)

    def _transport(self) -> Transport:
        if self.mode == "smtp":
            password = smtp_password(self.smtp.user)
            return SmtpTransport(self.smtp, password, self.timeout, self.lang)
        return OutboxTransport(self.outbox, lang=self.lang)

    def _deliver(
        self,
        state: State,
        pending: list[Due],
        report: RunReport,
        as_of: datetime,
    ) -> None:
        transport = self._transport()
        try:
            transport.open()
        except DeliveryError as exc:
            report.error = exc.text(self.lang)
            report.status.update((d.key, "retry") for d in pending)
            return
        try:
            for index, (item, message) in enumerate(self._each_message(pending)):
                recipients = ", ".join(str(p) for p in item.to + item.cc)
                facts = {"channel": transport.channel, "as_of": as_of.isoformat()}
                subject = str(message["Subject"])
                again = ("written",) if self.mode == "smtp" else ()
                if not state.claim(
                    item.key, item.kind, recipients, subject, **facts, now=self._now(), again=again
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
                    report.status.update((d.key, "retry") for d in pending[index + 1 :])
                    break
        finally:
            transport.close()
        if isinstance(transport, OutboxTransport):
            report.files = transport.written

    def _now(self) -> datetime:
        return now_local(self.zone)


def _limit(url: str) -> int:
    """The robot's message size (apprise knows each vendor's), without needing its secrets."""
    plugin = load_apprise().Apprise.instantiate(
        re.sub(r"\$\{[^}]*\}", "placeholder0123456789", url), suppress_exceptions=True
    )
    return min(int(plugin.body_maxlen), 4000) if plugin else 2048


def _triage_part(part: ChatPart, recorded: str | None) -> bool:
    """Set the status of a chat part that must not be posted now; True if set aside."""
    shown = {"sent": "already_sent", "failed": "failed", "claimed": "unknown"}.get(recorded or "")
    if shown:
        part.status = shown
    return bool(shown)


def _triage(
    due: list[Due], known: dict[str, str], report: RunReport, smtp: bool, lang: str
) -> list[Due]:
    """Set aside what must not be sent now; return the items still to send, in order.

    A key only written to the outbox (no SMTP then) is sent once SMTP is configured, if it
    is still due: the stage rule already left stale stages out of ``due``.
    """
    pending = []
    for item in due:
        recorded = known.get(item.key)
        if recorded == "sent":
            report.status[item.key] = "already_sent"
        elif recorded == "written" and not smtp:
            report.status[item.key] = "already_written"
        elif recorded == "failed":
            report.status[item.key] = "failed"
        elif recorded == "claimed":
            report.status[item.key] = "unknown"
        elif not item.to:
            report.status[item.key] = "unaddressed"
            report.details[item.key] = say("mail.unaddressed", lang)
        else:
            pending.append(item)
    return pending
