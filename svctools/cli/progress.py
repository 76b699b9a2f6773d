"""Progress bars for long runs: one per sheet read and per phase, on stderr, only on a terminal.

The library reports progress through a plain callback (``book.Progress``) and never imports
click; this is the CLI's side of it. Under cron (stderr not a terminal) nothing is drawn at
all, so no ``\\r`` bars end up in the mail.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click

from svctools.core.messages import say


def _unknown_length() -> Iterator[int]:
    """An iterable without a length: click then draws a bar that moves without a percentage."""
    yield from ()


class TerminalProgress:
    """A ``book.Progress`` callback drawing ``click.progressbar`` bars on stderr."""

    def __init__(self, lang: str = "zh") -> None:
        self.hidden = not sys.stderr.isatty()
        self.words = {p: say(f"progress.{p}", lang) for p in ("read", "check", "compute")}
        self._bar: Any = None
        self._key: tuple[str, str] | None = None
        self._done = 0

    def __call__(self, phase: str, name: str, done: int, total: int | None) -> None:
        if self.hidden:
            return
        key = (phase, name if phase == "read" else "")
        if key != self._key:
            self.close()
            label = f"{self.words.get(phase, phase)} {name}".rstrip() if phase == "read" else ""
            self._open(label or self.words.get(phase, phase), total)
            self._key = key
        if done > self._done:
            self._bar.update(done - self._done)
            self._done = done

    @contextmanager
    def phase(self, phase: str = "compute") -> Iterator[None]:
        """A bar for one step that has no count of its own (a computation)."""
        self(phase, "", 0, 1)
        try:
            yield
        finally:
            self(phase, "", 1, 1)
            self.close()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.render_finish()
        self._bar, self._key, self._done = None, None, 0

    def _open(self, label: str, total: int | None) -> None:
        options: dict[str, Any] = {"label": label, "file": sys.stderr, "hidden": self.hidden}
        if total:
            self._bar = click.progressbar(length=total, **options)
        else:
            self._bar = click.progressbar(_unknown_length(), show_pos=True, **options)
        self._bar.render_progress()
