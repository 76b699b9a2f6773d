"""What every command shares: the options given before it, the policy, the book read and checked."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from functools import cached_property
from typing import Any

import click

from svctools.core.messages import say


class Env:
    """What every command shares: the options given before it and the policy, loaded once."""

    def __init__(
        self, config: str | None, lang: str | None, debug: bool, password: str | None = None
    ) -> None:
        self.config, self._lang, self.debug = config, lang, debug
        self.password = password  # --password: for a protected book, never printed
        self.current = self  # the Env the running command made (its own --lang, --config)

    @cached_property
    def policy(self) -> Any:
        from svctools.core.policy import load_policy

        return load_policy(self.config)

    @property
    def lang(self) -> str:
        return self._lang or self.policy.lang

    def error_lang(self) -> str:
        """The language of an error line, known even when the config is what is broken:
        ``--lang``, else the config's ``lang`` (read leniently), else zh."""
        if self._lang:
            return self._lang
        policy = self.__dict__.get("policy")
        if policy is not None:
            return str(policy.lang)
        from svctools.core.policy import peek_lang

        return peek_lang(self.config)

    def as_of(self, text: str | None) -> datetime:
        from svctools.core.clock import parse_as_of

        return parse_as_of(text, self.policy.zone)

    def month(self, text: str, as_of: str | None) -> tuple[date, date]:
        """``--month`` checked before the book is opened (with ``--as-of`` and the config, whose
        zone says what year ``10月`` means): [first day, first day of the next month)."""
        from svctools.core.clock import parse_month

        return parse_month(text, self.as_of(as_of).year)

    def mask(self, flag: bool | None) -> bool:
        """``--mask`` / ``--no-mask`` when given, else the config's ``[privacy] mask``."""
        return bool(self.policy.privacy.mask) if flag is None else flag

    def schema(self) -> Any:
        from svctools.core.schema import load_schema

        return load_schema()

    def read_checked(
        self, book: str, as_of: str | None, schema: Any = None
    ) -> tuple[Any, datetime, Any]:
        """BOOK read and checked (``checks.validate``) as of ``--as-of``, with the progress
        bars drawn meanwhile (a command may use them for a later phase).

        Why this order: ``--as-of`` is checked before anything; then the book is opened and its
        sheets' safety checks start at once, since an ``.xlsx`` book needs no config to be
        opened, so reading the config and importing the checks overlap them. The loads
        themselves start with the reading, once the config is known to be good (a running load
        cannot be abandoned); the book is closed whatever happens."""
        from svctools.cli.progress import TerminalProgress
        from svctools.compute.checks import validate
        from svctools.core.clock import check_as_of
        from svctools.reading.book import start_reading
        from svctools.sources.base import is_google
        from svctools.sources.opening import open_book

        schema = schema or self.schema()
        check_as_of(as_of)
        source = open_book(book, self.policy if is_google(book) else None, self.password)
        try:
            start_reading(source, schema, load=False)
            moment = self.as_of(as_of)
            notice_open_elsewhere(book, self.lang)
            bars = TerminalProgress(self.lang)  # drawn only on a terminal
            try:
                with records_kept():
                    loaded = validate(source, schema, self.policy, moment, self.lang, bars)
            finally:
                bars.close()
        finally:
            source.close()
        for note in loaded.notes:  # what was decided about the book (a sheet read by headers)
            click.echo(f"svctools: {note.text(self.lang)}", err=True)
        return loaded, moment, bars


@contextmanager
def records_kept() -> Iterator[None]:
    """Reading a book (a record per row) and computing on it make many objects and no garbage:
    the collector stays off meanwhile, and what was made (kept until exit) is frozen after, so
    no later collection walks it."""
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


def env_for(ctx: click.Context, config: str | None, lang: str | None) -> Env:
    """The command's Env (its own --config and --lang over the group's); every command calls it
    first, so it is also where an output naming the book is refused."""
    from svctools.cli.options import guard_outputs

    root: Env | None = ctx.find_object(Env)
    env = root or Env(None, None, False)
    if config:
        env = Env(config, lang or env._lang, env.debug, env.password)
    elif lang:
        env = Env(env.config, lang, env.debug, env.password)
    if root is not None:
        root.current = env  # errors are worded in the command's own --lang
    guard_outputs(ctx)
    return env


class Computation:
    """A book read, checked and narrowed to the records a computing command may use."""

    def __init__(self, env: Env, book: str, command: str, as_of: str | None, skip: bool) -> None:
        from svctools.reading.usable import read_by, usable_records

        loaded, self.as_of, self.bars = env.read_checked(
            book, as_of, read_by(command, env.schema())
        )
        usable = usable_records(loaded, env.schema(), command, skip, env.lang)
        self.records = usable.records
        self.skipped = usable.skipped_rows()
        self.sheet_names = {key: data.name for key, data in loaded.records.sheets.items()}
        if self.skipped:
            rows = "; ".join(f"{sheet} {row}" for sheet, row in self.skipped)
            left_out = say("cli.skipped", env.lang)
            click.echo(f"svctools: {left_out} ({len(self.skipped)}): {rows}", err=True)

    @contextmanager
    def phase(self) -> Iterator[None]:
        """The computation, with a progress bar (on a terminal) and no garbage collection:
        what it made is frozen when it ends, else the first collection after it walked all of
        it at once (stock: 300,000 replayed moves, 0.2-0.35 s) and the output's walked it
        again. Computations make no reference cycles; frozen objects are still freed when
        their last reference goes."""
        with self.bars.phase("compute"), records_kept():
            yield

    def extra(self) -> dict[str, Any]:
        if not self.skipped:
            return {}
        return {"skipped": [{"sheet": sheet, "row": row} for sheet, row in self.skipped]}

    def answer(
        self,
        fmt: str,
        data: Callable[[], dict[str, Any]],
        text: Callable[[], str],
        written: str | None = None,
    ) -> None:
        """What a computing command prints: its JSON (with the rows left out), or its text and
        then the line saying where its workbook went. Only the form asked for is made."""
        from svctools.outputs.render import dumps

        if fmt == "json":
            click.echo(dumps({**data(), **self.extra()}))
            return
        click.echo(text())
        if written:
            click.echo(written)


def notice_open_elsewhere(book: str, lang: str) -> None:
    """Say when the book is open in Excel/WPS/LibreOffice: we read its last saved version."""
    from svctools.sources.base import open_elsewhere

    lock = open_elsewhere(book)
    if lock:
        warn([say("cli.open_elsewhere", lang, book=book, lock=lock)], lang)


def warn(lines: list[str], lang: str) -> None:
    """Warnings on stderr, one a line, each with the word for "warning" in ``lang``."""
    for line in lines:
        click.echo(say("cli.warning", lang, line=line), err=True)
