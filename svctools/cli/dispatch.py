"""``dispatch``: who should take each waiting order (派单建议), or the whole day's plan."""

from __future__ import annotations

from pathlib import Path

import click

from svctools.cli.env import Computation, env_for
from svctools.cli.options import as_of_option, common_options, out_option, skip_invalid_option
from svctools.core.errors import UsageError
from svctools.core.messages import Msg, say


@click.command()
@click.argument("book")
@click.option("--plan", is_flag=True, help="Assign every waiting item at once, most urgent first.")
@out_option("Also write the 派单建议 sheet to print: one row per item, suggestion and two others.")
@click.option(
    "--write-back",
    is_flag=True,
    help="Google Sheets: also write the 派单建议 sheet to its own tab of the book.",
)
@as_of_option
@skip_invalid_option
@common_options
@click.pass_context
def dispatch(
    ctx: click.Context,
    book: str,
    plan: bool,
    out: str | None,
    write_back: bool,
    as_of: str | None,
    skip_invalid: bool,
    fmt: str,
    lang: str | None,
    config: str | None,
) -> None:
    """Rank the technicians for each waiting order and recent call with no order (派单建议).

    Eligible: role 维修员, not left, skill ≥ [dispatch] min_skill of the fault level, fewer
    open orders than max_open_orders. Ranked by region in the address, open load, the lowest
    sufficient skill, staff ID. The book is never changed.

    \b
    Example:
      svctools dispatch 售后台帐.xlsx
      svctools dispatch 售后台帐.xlsx --plan --out 派单建议.xlsx
    """
    from svctools.compute.dispatch import compute_dispatch
    from svctools.outputs.dispatch_text import dispatch_text
    from svctools.outputs.render import dumps
    from svctools.sources.base import is_google

    env = env_for(ctx, config, lang)
    _check_targets(book, out, write_back, is_google(book))
    work = Computation(env, book, "dispatch", as_of, skip_invalid)
    with work.phase():
        result = compute_dispatch(work.records, env.policy, work.as_of, plan=plan)
    if out:
        from svctools.outputs.dispatch_xlsx import write_dispatch

        write_dispatch(result, out, env.lang)
    if write_back:
        from svctools.outputs.dispatch_text import (
            SHEET_HEADERS,
            SHEET_WIDTHS,
            TAB_TITLE,
            sheet_rows,
        )
        from svctools.outputs.gsheet_write import replace_tab

        replace_tab(
            book,
            env.policy,
            TAB_TITLE[env.lang],
            SHEET_HEADERS[env.lang],
            sheet_rows(result, env.lang),
            earlier=tuple(TAB_TITLE.values()),
            widths=SHEET_WIDTHS,
        )
    if fmt == "json":
        data = result.to_dict(env.lang, sheet_names=work.sheet_names)
        click.echo(dumps({**data, **work.extra()}))
        return
    click.echo(dispatch_text(result, env.lang))
    if out:
        click.echo(say("cli.dispatch_written", env.lang) + out)
    if write_back:
        tab = TAB_TITLE[env.lang]
        click.echo(say("cli.dispatch_tab_written", env.lang) + tab)


def _check_targets(book: str, out: str | None, write_back: bool, google: bool) -> None:
    """Refuse, before reading anything, an ``--out`` that is the book itself, and
    ``--write-back`` on an .xlsx book (which is never rewritten)."""
    if write_back and not google:
        raise UsageError(Msg("arg.dispatch_write_back_xlsx", book=book))
    if out and not google and Path(book).exists() and Path(out).resolve() == Path(book).resolve():
        raise UsageError(Msg("arg.dispatch_out_self", out=out))
