"""Work-group chat robots (SPEC §7.5): WeCom, DingTalk, Feishu/Lark and any webhook apprise
speaks, given as apprise URLs in ``[notify]``.

apprise (DEPENDENCIES.md) knows each vendor's protocol, signing and size limit; we do not
hand-write them. What is ours: the secrets (``${NAME}`` in a URL is read from the environment,
else the keyring, and never printed), the routing per kind, splitting a long digest into
numbered parts within the robot's limit (each part its own exactly-once key), and judging each
post: a read timeout may have delivered (``unknown``), a refusal or lost connection did not.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from svctools.core.errors import ConfigError, SvctoolsError
from svctools.core.messages import Msg, say
from svctools.core.policy import NotifyPolicy, mask_url
from svctools.mail.transport import KEYRING_SERVICE, DeliveryError, Outcome
from svctools.outputs.atomic import write_atomic

EMAIL = "email"
_PLACEHOLDER = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
MAX_PARTS = 99
# Room for " (12/12)" after the title; WeCom counts its 2,048 as bytes, so we count UTF-8 bytes.
_NUMBERING = 10


@dataclass(frozen=True)
class Route:
    """Where one kind goes: by email or not, and to which chat channels (by name)."""

    email: bool
    chats: tuple[str, ...]


def load_apprise() -> Any:
    """apprise 2.3.0 still imports ``imghdr`` (deprecated in 3.11): silence that one warning."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import imghdr  # noqa: F401  (apprise imports it lazily: import it once, quietly)

        import apprise
    return apprise


def route(notify: NotifyPolicy, kind: str) -> Route:
    """``[notify.routes] KIND = [...]`` if given; else email and every channel."""
    targets = notify.routes.get(kind)
    if targets is None:
        return Route(True, tuple(notify.channels()))
    return Route(EMAIL in targets, tuple(t for t in targets if t != EMAIL))


def check_routes(notify: NotifyPolicy, kinds: set[str]) -> None:
    """A route for a kind svctools does not send is a typo: say so before anything goes."""
    for kind in notify.routes:
        if kind not in kinds:
            known = ", ".join(sorted(kinds))
            raise ConfigError(Msg("notify.no_kind", kind=kind, known=known))


def secret(name: str, channel: str) -> str:
    """``$NAME``, else the keyring's ``svctools``/``NAME``; missing = a config error (no value)."""
    value = os.environ.get(name)
    if value:
        return value
    try:
        import keyring

        value = keyring.get_password(KEYRING_SERVICE, name)
    except Exception:  # no keyring, or no backend under cron
        value = None
    if not value:
        raise ConfigError(Msg("notify.secret_missing", channel=channel, name=name))
    return value


def expand(url: str, channel: str) -> tuple[str, list[str]]:
    """The URL with its secrets filled in, and the secret values (to scrub from any text)."""
    values: list[str] = []

    def fill(match: re.Match[str]) -> str:
        values.append(secret(match[1], channel))
        return values[-1]

    return _PLACEHOLDER.sub(fill, url), values


def split_markdown(text: str, limit: int) -> list[str]:
    """``text`` whole if it fits in ``limit`` UTF-8 bytes, else parts of whole lines, each
    headed by the first line (the title) and ``(i/n)``; a line too long alone is cut."""
    if _size(text) <= limit:
        return [text]
    title, *lines = text.rstrip("\n").split("\n")
    title = _cut(title, limit // 2)
    room = limit - _size(title) - _NUMBERING - 1
    chunks: list[list[str]] = [[]]
    used = 0
    for line in lines:
        for piece in _pieces(line, room):
            if chunks[-1] and used + _size(piece) + 1 > room:
                chunks.append([])
                used = 0
            chunks[-1].append(piece)
            used += _size(piece) + 1
    chunks = chunks[:MAX_PARTS]
    n = len(chunks)
    return [f"{title} ({i}/{n})\n" + "\n".join(chunk) + "\n" for i, chunk in enumerate(chunks, 1)]


def part_key(key: str, index: int, count: int, channel: str) -> str:
    """``KEY@channel``; a digest in parts: ``KEY#2@channel`` (each part sent once)."""
    return f"{key}@{channel}" if count == 1 else f"{key}#{index}@{channel}"


def _size(text: str) -> int:
    return len(text.encode("utf-8"))


def _cut(text: str, limit: int) -> str:
    while _size(text) > limit:
        text = text[: max(len(text) - 1 - (_size(text) - limit) // 4, 0)]
    return text


def _pieces(line: str, room: int) -> list[str]:
    pieces = []
    while _size(line) > room:
        head = _cut(line, room)
        pieces.append(head)
        line = line[len(head) :]
    return [*pieces, line]


class ChatTransport:
    """One channel: an apprise plugin for its URL, posting one Markdown part at a time."""

    def __init__(
        self,
        name: str,
        url: str,
        timeout: float,
        interval: float | None = None,
        lang: str = "zh",
    ) -> None:
        self.channel, self.url, self.timeout, self.interval = name, url, timeout, interval
        self.lang = lang  # the words of an outcome's detail (recorded in the state file)
        self.secrets: list[str] = []
        self.plugin: Any = None
        self.limit = 2048

    def open(self) -> None:
        apprise = load_apprise()
        full, self.secrets = expand(self.url, self.channel)
        plugin = apprise.Apprise.instantiate(full, suppress_exceptions=True)
        if not plugin:
            raise ConfigError(Msg("notify.bad_url", channel=self.channel, url=mask_url(self.url)))
        plugin.socket_connect_timeout = plugin.socket_read_timeout = self.timeout
        if self.interval is not None:
            plugin.request_rate_per_sec = self.interval  # apprise's throttle between posts
        self.plugin = plugin
        self.limit = min(int(plugin.body_maxlen), 4000)

    def send(self, text: str) -> Outcome:
        """Post one part; the outcome never carries the URL or a secret."""
        apprise = load_apprise()

        with apprise.LogCapture(level=logging.DEBUG) as captured:
            try:
                ok = self.plugin.notify(
                    body=text, title="", body_format=apprise.NotifyFormat.MARKDOWN
                )
            except Exception as exc:  # a plugin bug must not end the run mid-way
                crashed = say("chat.crashed", self.lang, kind=type(exc).__name__)
                return Outcome("retry", self._scrub(crashed), stop=True)
            log = captured.getvalue()
        if ok:
            return Outcome("sent")
        if "Read timed out" in log or "ReadTimeout" in log:
            return Outcome("unknown", say("chat.no_answer", self.lang), stop=True)
        code = re.search(r"error=(\d{3})", log)
        if code and 400 <= int(code[1]) < 500 and int(code[1]) not in (408, 429):
            return Outcome("failed", say("chat.refused", self.lang, code=code[1]), stop=True)
        detail = (
            say("chat.http", self.lang, code=code[1]) if code else say("chat.failed", self.lang)
        )
        return Outcome("retry", detail, stop=True)

    def _scrub(self, text: str) -> str:
        for value in sorted(self.secrets, key=len, reverse=True):
            text = text.replace(value, "***")
        return text

    def close(self) -> None:
        self.plugin = None


class ChatOutbox:
    """``--dry-run`` (and the demo): each chat part as ``KEY@channel.md`` in the outbox."""

    def __init__(self, folder: Path, lang: str = "zh") -> None:
        self.folder, self.lang = folder, lang
        self.written: list[Path] = []

    def write(self, state_key: str, text: str) -> Outcome:
        path = self.folder / (re.sub(r"[^\w.@#-]+", "_", state_key).replace("#", "-") + ".md")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
        except (OSError, SvctoolsError) as exc:
            reason = exc.text(self.lang) if isinstance(exc, SvctoolsError) else exc.strerror or exc
            raise DeliveryError(Msg("mail.cannot_write", path=path, reason=reason)) from None
        self.written.append(path)
        return Outcome("written", path.name)
