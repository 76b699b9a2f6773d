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


def out_option(what: str, required: bool = False) -> Callable[[F], F]:
    """``--out F.xlsx``: the workbook a command writes besides its output (``what`` it holds)."""
    # no explicit default=None: since click 8.3 that counts as a value and defeats required
    return click.option(
        "--out", type=click.Path(dir_okay=False), required=required, metavar="F.xlsx", help=what
    )
