"""The ``svctools`` command: parse options, call the library, print, map errors to exit codes.

Exit codes (SPEC §6): 0 fine; 1 the book has errors; 2 bad usage, unreadable input or config;
3 reminders not delivered. A user's mistake is one line on stderr, never a traceback.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

import click

from svctools import __version__
from svctools.errors import SvctoolsError

F = TypeVar("F", bound=Callable[..., Any])


class Env:
    """What every command shares: the options given before it and the policy, loaded once."""

    def __init__(
        self, config: str | None, lang: str | None, debug: bool, password: str | None = None
    ) -> None:
        self.config, self._lang, self.debug = config, lang, debug
        self.password = password  # --password: for a protected book, never printed

    @cached_property
    def policy(self) -> Any:
        from svctools.policy import load_policy

        return load_policy(self.config)

    @property
    def lang(self) -> str:
        return self._lang or self.policy.lang

    def as_of(self, text: str | None) -> datetime:
        from svctools.clock import parse_as_of

        return parse_as_of(text, self.policy.zone)

    def mask(self, flag: bool | None) -> bool:
        """``--mask`` / ``--no-mask`` when given, else the config's ``[privacy] mask``."""
        return bool(self.policy.privacy.mask) if flag is None else flag

    def schema(self) -> Any:
        from svctools.schema import load_schema

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
        from svctools.book import start_reading
        from svctools.checks import validate
        from svctools.cli_progress import TerminalProgress
        from svctools.clock import check_as_of
        from svctools.sources import is_google, open_book

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
        return loaded, moment, bars


class SvctoolsGroup(click.Group):
    """Turns the library's errors into one line on stderr and the exit code SPEC §6 names."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SvctoolsError as exc:
            if _debug(ctx):
                raise
            problems = getattr(exc, "problems", None)
            if problems:
                from svctools.render import problems_text

                lang = ctx.obj.lang if isinstance(ctx.obj, Env) else "zh"
                click.echo(problems_text(problems, "", lang).rsplit("\n\n", 1)[0], err=True)
            click.echo(f"svctools: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except KeyboardInterrupt:
            click.echo("svctools: interrupted", err=True)
            ctx.exit(130)
        except Exception as exc:
            if _debug(ctx):
                raise
            click.echo(
                f"svctools: internal error: {type(exc).__name__}: {exc} "
                "(run again with --debug for the details, and please report it)",
                err=True,
            )
            ctx.exit(70)


@contextmanager
def records_kept() -> Iterator[None]:
    """Reading a book makes a record per row and no garbage: the collector stays off meanwhile,
    and what was read (kept until exit) is frozen after, so no later collection walks it."""
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


def _debug(ctx: click.Context) -> bool:
    return isinstance(ctx.obj, Env) and ctx.obj.debug


def common_options(func: F) -> F:
    """``--lang``, ``--config`` (also accepted before the command) and ``--format``."""
    func = click.option(
        "--format",
        "fmt",
        type=click.Choice(["text", "json"]),
        default="text",
        show_default=True,
        help="text: a table for people; json: for scripts.",
    )(func)
    func = click.option(
        "--lang",
        type=click.Choice(["zh", "en"]),
        default=None,
        help="Language of headers and messages (default: the config's lang, zh).",
    )(func)
    func = click.option(
        "--config",
        type=click.Path(dir_okay=False),
        default=None,
        help="Policy file (default: $SVCTOOLS_CONFIG, then ./svctools.toml).",
    )(func)
    return func


def as_of_option(func: F) -> F:
    return click.option(
        "--as-of",
        default=None,
        metavar="T",
        help="Treat this date or datetime (firm's local time) as now: 2026-10-05T14:30.",
    )(func)


def env_for(ctx: click.Context, config: str | None, lang: str | None) -> Env:
    env: Env = ctx.find_object(Env) or Env(None, None, False)
    if config:
        env = Env(config, lang or env._lang, env.debug, env.password)
    elif lang:
        env = Env(env.config, lang, env.debug, env.password)
    return env


@click.group(cls=SvctoolsGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="svctools")
@click.option(
    "--config",
    type=click.Path(dir_okay=False),
    default=None,
    help="Policy file (default: $SVCTOOLS_CONFIG, then ./svctools.toml).",
)
@click.option(
    "--lang",
    type=click.Choice(["zh", "en"]),
    default=None,
    help="Language of headers and messages.",
)
@click.option("--debug", is_flag=True, help="Show the full traceback of an error.")
@click.option(
    "--password",
    "ask_password",
    is_flag=True,
    help="Ask for the password of a protected book (else $SVCTOOLS_BOOK_PASSWORD or keyring).",
)
@click.option(
    "--encrypt",
    is_flag=True,
    help="Encrypt every workbook written with the same password.",
)
@click.pass_context
def cli(
    ctx: click.Context,
    config: str | None,
    lang: str | None,
    debug: bool,
    ask_password: bool,
    encrypt: bool,
) -> None:
    """Run a service firm's after-sales office from the workbook it already keeps.

    \b
    Example:
      svctools demo ./demo
      svctools validate 售后台账.xlsx --annotate 标注.xlsx
    """
    password = None
    if ask_password:
        password = click.prompt("Book password", hide_input=True, err=True)
    ctx.obj = Env(config, lang, debug, password)
    if encrypt:
        from svctools.crypto import PASSWORD_ENV
        from svctools.errors import UsageError
        from svctools.xlsxout import OUTPUT_PASSWORD

        secret = password or os.environ.get(PASSWORD_ENV)
        if not secret:
            raise UsageError(f"--encrypt needs a password: add --password or set ${PASSWORD_ENV}")
        token = OUTPUT_PASSWORD.set(secret)
        ctx.call_on_close(lambda: OUTPUT_PASSWORD.reset(token))


@cli.command()
@click.argument("book")
@click.option(
    "--annotate",
    type=click.Path(dir_okay=False),
    default=None,
    is_flag=False,
    flag_value="-",
    metavar="OUT.xlsx",
    help="Also write a copy of the book with each bad cell marked and commented "
    "(a Google Sheet: no file; a problems tab and notes are added to the sheet).",
)
@as_of_option
@common_options
@click.pass_context
def validate(
    ctx: click.Context,
    book: str,
    annotate: str | None,
    as_of: str | None,
    fmt: str,
    lang: str | None,
    config: str | None,
) -> None:
    """Check every cell of BOOK and list each problem (sheet, row, column, why).

    Exits 1 when the book has errors (warnings alone exit 0).

    \b
    Example:
      svctools validate 售后台账.xlsx --annotate 标注.xlsx
      svctools validate book.xlsx --lang en --format json
    """
    from svctools.errors import UsageError
    from svctools.render import dumps, problems_text
    from svctools.sources import is_google

    env = env_for(ctx, config, lang)
    loaded, _, _ = env.read_checked(book, as_of)
    errors = any(p.severity == "error" for p in loaded.problems)
    if annotate and is_google(book):  # a Sheet is marked in place: problems tab + notes
        from svctools.gsheet import annotate_sheet

        if annotate != "-":
            raise UsageError(f"{annotate}: on a Google Sheet, give --annotate without a file name")
        annotate = annotate_sheet(book, env.policy, loaded.problems, env.lang)
    elif annotate:
        from svctools.annotate import annotate as write_annotated

        if annotate == "-":
            raise UsageError("--annotate needs OUT.xlsx, the annotated copy to write")
        write_annotated(Path(book), Path(annotate), loaded.problems, env.lang)
    if fmt == "json":
        data = {"ok": not errors, "problems": [p.to_dict(env.lang) for p in loaded.problems]}
        click.echo(dumps(data))
    else:
        click.echo(problems_text(loaded.problems, book, env.lang))
        if annotate:
            click.echo(("标注副本：" if env.lang == "zh" else "Annotated copy: ") + annotate)
    ctx.exit(1 if errors else 0)


@cli.command()
@click.argument("book", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Replace BOOK if it exists.")
@common_options
@click.pass_context
def init(
    ctx: click.Context, book: str, force: bool, fmt: str, lang: str | None, config: str | None
) -> None:
    """Write a blank BOOK: every sheet, headers, dropdowns, frozen header rows.

    \b
    Example:
      svctools init 售后台账.xlsx
      svctools --lang en init service-book.xlsx
    """
    from svctools.blank import write_blank_book
    from svctools.errors import UsageError
    from svctools.render import dumps
    from svctools.sources import is_google

    env = env_for(ctx, config, lang)
    path = Path(book)
    schema = env.schema()
    if is_google(book):  # an empty Google Sheet is laid out in place, in one batchUpdate
        from svctools.gsheet import init_sheet

        init_sheet(book, env.policy, schema, env.lang)
    else:
        if path.exists() and not force:
            raise UsageError(
                f"{path}: already exists; choose a new name or add --force to replace it"
            )
        write_blank_book(schema, path, env.lang)
    shown = book if is_google(book) else str(path)
    sheets = [s.title(env.lang) for s in schema.sheets]
    if fmt == "json":
        click.echo(dumps({"book": shown, "sheets": sheets}))
    else:
        done = "已创建" if env.lang == "zh" else "Created"
        click.echo(f"{done} {shown}: " + ", ".join(sheets))


@cli.command("config")
@common_options
@click.pass_context
def config_command(ctx: click.Context, fmt: str, lang: str | None, config: str | None) -> None:
    """Print the effective policy: every key, with the firm's values over the defaults.

    \b
    Example:
      svctools config
      svctools --config firm.toml config --format json
    """
    import tomli_w

    from svctools.render import dumps

    env = env_for(ctx, config, lang)
    policy = env.policy
    data = policy.to_dict()
    if fmt == "json":
        click.echo(dumps({"source": policy.source, **data}))
        return
    origin = f"# from {policy.source}" if policy.source else "# defaults (no svctools.toml found)"
    click.echo(origin + "\n" + tomli_w.dumps(data).rstrip())


@cli.command()
@click.argument("folder", required=False, default="svctools-demo", metavar="[DIR]")
@click.option("--seed", type=int, default=7, show_default=True, help="Same seed, same book.")
@as_of_option
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None)
@click.pass_context
def demo(ctx: click.Context, folder: str, seed: int, as_of: str | None, lang: str | None) -> None:
    """Write a realistic sample book and config into DIR and run every command on it.

    \b
    Example:
      svctools demo ./demo
    """
    from svctools.demo import DEMO_AS_OF, run_demo

    env = env_for(ctx, None, lang)
    moment = env.as_of(as_of) if as_of else DEMO_AS_OF
    for line in run_demo(Path(folder), seed=seed, as_of=moment, lang=env.lang):
        click.echo(line)


def skip_invalid_option(func: F) -> F:
    return click.option(
        "--skip-invalid",
        is_flag=True,
        help="Compute on the valid rows and list the rows left out, instead of refusing.",
    )(func)


def mask_option(func: F) -> F:
    return click.option(
        "--mask/--no-mask",
        default=None,
        help="Hide names, phones, emails and addresses (IDs stay), for readers other than the "
        "clerk. Default: the config's [privacy] mask.",
    )(func)


def month_option(required: bool) -> Callable[[F], F]:
    return click.option(
        "--month",
        required=required,
        metavar="YYYY-MM",
        help="The month, e.g. 2026-10." + ("" if required else " Default: every month."),
    )


class Computation:
    """A book read, checked and narrowed to the records a computing command may use."""

    def __init__(self, env: Env, book: str, command: str, as_of: str | None, skip: bool) -> None:
        from svctools.usable import read_by, usable_records

        loaded, self.as_of, self.bars = env.read_checked(
            book, as_of, read_by(command, env.schema())
        )
        usable = usable_records(loaded, env.schema(), command, skip, env.lang)
        self.records = usable.records
        self.skipped = usable.skipped_rows()
        self.sheet_names = {key: data.name for key, data in loaded.records.sheets.items()}
        if self.skipped:
            rows = "; ".join(f"{sheet} {row}" for sheet, row in self.skipped)
            left_out = (
                "跳过有错误的行及引用它们的行"
                if env.lang == "zh"
                else "left out: rows with errors and rows referring to them"
            )
            click.echo(f"svctools: {left_out} ({len(self.skipped)}): {rows}", err=True)

    def phase(self) -> Any:
        """A progress bar around the computation (on a terminal)."""
        return self.bars.phase("compute")

    def extra(self) -> dict[str, Any]:
        if not self.skipped:
            return {}
        return {"skipped": [{"sheet": sheet, "row": row} for sheet, row in self.skipped]}


def notice_open_elsewhere(book: str, lang: str) -> None:
    """Say when the book is open in Excel/WPS/LibreOffice: we read its last saved version."""
    from svctools.sources import open_elsewhere

    lock = open_elsewhere(book)
    if lock:
        click.echo(
            f"svctools: warning: {book} 正在被 Excel/WPS 打开（{lock}）；读取的是最后保存的版本"
            if lang == "zh"
            else f"svctools: warning: {book} is open in Excel/WPS ({lock}); "
            "reading its last saved version",
            err=True,
        )


def warn(lines: list[str]) -> None:
    for line in lines:
        click.echo(f"svctools: warning: {line}", err=True)


@cli.command()
@click.argument("book")
@month_option(required=False)
@click.option(
    "--explain", is_flag=True, help="Show the working days and hours each deadline counted."
)
@as_of_option
@skip_invalid_option
@common_options
@click.pass_context
def sla(
    ctx: click.Context,
    book: str,
    month: str | None,
    explain: bool,
    as_of: str | None,
    skip_invalid: bool,
    fmt: str,
    lang: str | None,
    config: str | None,
) -> None:
    """List every SLA breach in BOOK: deadline, actual time, lateness, who, which row.

    \b
    Example:
      svctools sla 售后台账.xlsx --month 2026-10 --explain
    """
    from svctools.clock import parse_month
    from svctools.render import dumps
    from svctools.sla import compute_sla, render_text

    env = env_for(ctx, config, lang)
    work = Computation(env, book, "sla", as_of, skip_invalid)
    with work.phase():
        result = compute_sla(work.records, env.policy, work.as_of)
    if month:
        result = result.filter_month(*parse_month(month))
    warn(result.warnings)
    if fmt == "json":
        data = result.to_dict(sheet_names=work.sheet_names, explain=explain)
        click.echo(dumps({**data, **work.extra()}))
    else:
        click.echo(render_text(result, env.lang, explain=explain, sheet_names=work.sheet_names))


@cli.command()
@click.argument("book")
@month_option(required=True)
@click.option(
    "--out",
    type=click.Path(dir_okay=False),
    default=None,
    metavar="F.xlsx",
    help="Also write the penalty slips: one sheet per person, ready to sign.",
)
@as_of_option
@skip_invalid_option
@mask_option
@common_options
@click.pass_context
def penalties(
    ctx: click.Context,
    book: str,
    month: str,
    out: str | None,
    as_of: str | None,
    skip_invalid: bool,
    mask: bool | None,
    fmt: str,
    lang: str | None,
    config: str | None,
) -> None:
    """Work out each person's penalties for a month, within the legal cap on deductions.

    \b
    Example:
      svctools penalties 售后台账.xlsx --month 2026-10 --out 处罚单-2026-10.xlsx
    """
    from svctools.clock import parse_month
    from svctools.penalties import compute_penalties
    from svctools.render import dumps
    from svctools.sla import compute_sla
    from svctools.statements import penalties_text, write_penalty_slips

    env = env_for(ctx, config, lang)
    first_day, _ = parse_month(month)
    work = Computation(env, book, "penalties", as_of, skip_invalid)
    with work.phase():
        breaches = compute_sla(work.records, env.policy, work.as_of)
        statement = compute_penalties(work.records, breaches.breaches, env.policy, first_day)
    if env.mask(mask):  # one place: every renderer below reads the masked statement
        from svctools.privacy import mask_penalties

        statement = mask_penalties(statement)
    warn(breaches.warnings + statement.warning_texts(env.lang))
    if out:
        write_penalty_slips(statement, out, env.lang)
    if fmt == "json":
        click.echo(dumps({**statement.to_dict(env.lang), **work.extra()}))
    else:
        click.echo(penalties_text(statement, env.lang))
        if out:
            click.echo(("处罚单：" if env.lang == "zh" else "Penalty slips: ") + out)


@cli.command()
@click.argument("book")
@month_option(required=True)
@click.option(
    "--out",
    type=click.Path(dir_okay=False),
    default=None,
    metavar="F.xlsx",
    help="Also write the statement workbook: orders, per store, per technician.",
)
@as_of_option
@skip_invalid_option
@mask_option
@common_options
@click.pass_context
def settle(
    ctx: click.Context,
    book: str,
    month: str,
    out: str | None,
    as_of: str | None,
    skip_invalid: bool,
    mask: bool | None,
    fmt: str,
    lang: str | None,
    config: str | None,
) -> None:
    """Settle the orders completed in a month: what each customer owes, what the firm bears.

    \b
    Example:
      svctools settle 售后台账.xlsx --month 2026-10 --out 结算-2026-10.xlsx
    """
    from svctools.clock import parse_month
    from svctools.render import dumps
    from svctools.settlement import compute_settlement
    from svctools.statements import settlement_text, write_settlement

    env = env_for(ctx, config, lang)
    first_day, next_first_day = parse_month(month)
    work = Computation(env, book, "settle", as_of, skip_invalid)
    with work.phase():
        result = compute_settlement(work.records, env.policy, first_day, next_first_day)
    if env.mask(mask):  # one place: every renderer below reads the masked settlement
        from svctools.privacy import mask_settlement

        result = mask_settlement(result)
    if out:
        write_settlement(result, out, env.lang)
    if fmt == "json":
        click.echo(dumps({**result.to_dict(env.lang), **work.extra()}))
    else:
        click.echo(settlement_text(result, env.lang))
        if out:
            click.echo(("结算表：" if env.lang == "zh" else "Statement: ") + out)


def main() -> None:
    cli(prog_name="svctools")


from svctools import (  # noqa: E402  (importing them registers their commands)
    cli_remind,  # noqa: F401  (the remind command)
    cli_report,  # noqa: F401  (the report command)
)

if __name__ == "__main__":  # pragma: no cover
    main()
