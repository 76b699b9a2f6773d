"""The computing commands: ``sla``, ``penalties``, ``settle``."""

from __future__ import annotations

import click

from svctools.cli.env import Computation, env_for, warn
from svctools.cli.options import (
    as_of_option,
    common_options,
    mask_option,
    month_option,
    out_option,
    skip_invalid_option,
)
from svctools.core.messages import say


@click.command()
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
      svctools sla 售后台帐.xlsx --month 2026-10 --explain
    """
    from svctools.compute.sla import compute_sla
    from svctools.outputs.sla_text import render_text

    env = env_for(ctx, config, lang)
    months = env.month(month, as_of) if month else None  # refused before the book is read
    work = Computation(env, book, "sla", as_of, skip_invalid)
    with work.phase():  # only the month's breaches are explained
        result = compute_sla(work.records, env.policy, work.as_of, explain=months)
    if months:
        result = result.filter_month(*months)
    warn(result.warning_texts(env.lang), env.lang)
    work.answer(
        fmt,
        lambda: result.to_dict(work.sheet_names, explain, env.lang),
        lambda: render_text(result, env.lang, explain=explain, sheet_names=work.sheet_names),
    )


@click.command()
@click.argument("book")
@month_option(required=True)
@out_option("Also write the penalty slips: one sheet per person, ready to sign.")
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
      svctools penalties 售后台帐.xlsx --month 2026-10 --out 处罚单-2026-10.xlsx
    """
    from svctools.compute.penalties import compute_penalties
    from svctools.compute.sla import compute_sla
    from svctools.outputs.statements import penalties_text
    from svctools.outputs.statements_xlsx import write_penalty_slips

    env = env_for(ctx, config, lang)
    window = env.month(month, as_of)  # refused before the book is read
    work = Computation(env, book, "penalties", as_of, skip_invalid)
    with work.phase():  # the month's breaches explained; the months before only counted
        breaches = compute_sla(work.records, env.policy, work.as_of, explain=window, steps=False)
        statement = compute_penalties(work.records, breaches, env.policy, window[0])
    if env.mask(mask):  # one place: every renderer below reads the masked statement
        from svctools.compute.privacy import mask_penalties

        statement = mask_penalties(statement)
    warn(breaches.warning_texts(env.lang) + statement.warning_texts(env.lang), env.lang)
    if out:
        write_penalty_slips(statement, out, env.lang)
    work.answer(
        fmt,
        lambda: statement.to_dict(env.lang),
        lambda: penalties_text(statement, env.lang),
        out and say("cli.slips_written", env.lang) + out,
    )


@click.command()
@click.argument("book")
@month_option(required=True)
@out_option("Also write the statement workbook: orders, per store, per technician.")
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
      svctools settle 售后台帐.xlsx --month 2026-10 --out 结算-2026-10.xlsx
    """
    from svctools.compute.settlement import compute_settlement
    from svctools.outputs.statements import settlement_text
    from svctools.outputs.statements_xlsx import write_settlement

    env = env_for(ctx, config, lang)
    first_day, next_first_day = env.month(month, as_of)
    work = Computation(env, book, "settle", as_of, skip_invalid)
    with work.phase():
        result = compute_settlement(work.records, env.policy, first_day, next_first_day)
    if env.mask(mask):  # one place: every renderer below reads the masked settlement
        from svctools.compute.privacy import mask_settlement

        result = mask_settlement(result)
    if out:
        write_settlement(result, out, env.lang)
    work.answer(
        fmt,
        lambda: result.to_dict(env.lang),
        lambda: settlement_text(result, env.lang),
        out and say("cli.statement_written", env.lang) + out,
    )
