"""``svctools stock``: the spare-parts stock (SPEC §7.2). Parsing and printing only:
``compute.stock`` works it out, ``outputs.stock_text`` and ``outputs.stock_xlsx`` show it.
"""

from __future__ import annotations

import click

from svctools.cli.env import Computation, env_for, warn
from svctools.cli.options import as_of_option, common_options, skip_invalid_option
from svctools.core.messages import say


@click.command()
@click.argument("book")
@click.option(
    "--out",
    type=click.Path(dir_okay=False),
    default=None,
    metavar="F.xlsx",
    help="Also write the workbook: stock, count differences, issued vs used, old parts, "
    "reorder list.",
)
@as_of_option
@skip_invalid_option
@common_options
@click.pass_context
def stock(
    ctx: click.Context,
    book: str,
    out: str | None,
    as_of: str | None,
    skip_invalid: bool,
    fmt: str,
    lang: str | None,
    config: str | None,
) -> None:
    """Spare parts in BOOK: the book quantity of each part, negative stock, count
    differences, parts issued but not used (or used but not issued), old parts not returned,
    and what to reorder.

    \b
    Example:
      svctools stock 售后台帐.xlsx --out 库存-2026-10-20.xlsx
      svctools stock 售后台帐.xlsx --as-of 2026-10-20 --format json
    """
    from svctools.compute.stock import compute_stock
    from svctools.outputs.stock_text import stock_text

    env = env_for(ctx, config, lang)
    work = Computation(env, book, "stock", as_of, skip_invalid)
    with work.phase():
        result = compute_stock(work.records, env.policy, work.as_of)
    warn(result.warning_texts(env.lang), env.lang)
    if out:
        from svctools.outputs.stock_xlsx import write_stock

        write_stock(result, out, env.lang)
    work.answer(
        fmt,
        lambda: result.to_dict(env.lang),
        lambda: stock_text(result, env.lang),
        out and say("cli.stock_written", env.lang) + out,
    )
