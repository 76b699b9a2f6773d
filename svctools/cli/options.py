"""Option bundles: each shared option is declared once and applied as a decorator."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


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


class OutputPath(click.ParamType):
    """A workbook to write: ``.xlsx`` added to a bare name (``月报`` -> ``月报.xlsx``), another
    suffix refused. Whether it is the book being read is checked by ``env_for`` once every
    argument is known (click parses in the order typed, so ``BOOK`` may come after)."""

    name = "F.xlsx"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from svctools.core.paths import xlsx_name

        if value in (None, "-"):  # validate --annotate alone (a Google Sheet is marked in place)
            return value
        return xlsx_name(str(value), "--" + (param.name or "out") if param else "--out")


OUTPUT_PATH = OutputPath()


def out_option(what: str, required: bool = False) -> Callable[[F], F]:
    """``--out F.xlsx``: the workbook a command writes besides its output (``what`` it holds)."""
    # no explicit default=None: since click 8.3 that counts as a value and defeats required
    return click.option("--out", type=OUTPUT_PATH, required=required, metavar="F.xlsx", help=what)


# Commands whose BOOK is their output, not something read.
WRITES_BOOK = frozenset({"init"})


def guard_outputs(ctx: click.Context) -> None:
    """Refuse (exit 2) an output option naming the book being read, and keep the book out of
    reach of every writer for the rest of the command (``core.paths.INPUT_BOOKS``)."""
    from svctools.core.paths import INPUT_BOOKS, refuse_input_book
    from svctools.sources.base import is_google

    book = ctx.params.get("book")
    if not isinstance(book, str) or is_google(book) or ctx.meta.get("svctools.guarded"):
        return
    if ctx.command.name in WRITES_BOOK:  # init makes BOOK: it is what is written
        return
    ctx.meta["svctools.guarded"] = True
    token = INPUT_BOOKS.set((*INPUT_BOOKS.get(), book))
    ctx.call_on_close(lambda: INPUT_BOOKS.reset(token))
    for param in ctx.command.params:
        value = ctx.params.get(param.name or "")
        if isinstance(param.type, OutputPath) and isinstance(value, str) and value != "-":
            refuse_input_book(value, "--" + (param.name or "out"))
