"""``svctools entitlements``: the calls that carry a 三包 right to a refund or an exchange."""

from __future__ import annotations

import click

from svctools.cli.env import Computation, env_for
from svctools.cli.options import (
    as_of_option,
    common_options,
    mask_option,
    out_option,
    skip_invalid_option,
)
from svctools.core.messages import say


@click.command()
@click.argument("book")
@click.option(
    "--month",
    default=None,
    metavar="YYYY-MM",
    help="The rights that arose in this month, e.g. 2026-10. Default: the 30 days up to --as-of.",
)
@out_option("Also write the list as a workbook to print (one line per right, with why it holds).")
@as_of_option
@skip_invalid_option
@mask_option
@common_options
@click.pass_context
def entitlements(
    ctx: click.Context,
    book: str,
    month: str | None,
    out: str | None,
    as_of: str | None,
    skip_invalid: bool,
    mask: bool | None,
    fmt: str,
    lang: str | None,
    config: str | None,
) -> None:
    """List the calls in BOOK whose customer may ask for a refund or an exchange (三包):
    a fault soon after purchase, repairs that keep failing, a part that never came.

    Each line says the remedy, when the right arose, the orders it rests on, and why.

    \b
    Example:
      svctools entitlements 售后台帐.xlsx
      svctools entitlements 售后台帐.xlsx --month 2026-10 --out 三包-2026-10.xlsx
    """
    from svctools.compute.entitlements import compute_entitlements
    from svctools.core.clock import parse_month
    from svctools.outputs.entitlements_text import render_text

    env = env_for(ctx, config, lang)
    first, stop = parse_month(month) if month else (None, None)
    work = Computation(env, book, "entitlements", as_of, skip_invalid)
    with work.phase():
        result = compute_entitlements(work.records, env.policy, work.as_of, first, stop, month)
    if env.mask(mask):  # one place: the text, json and xlsx renderers read the masked list
        from svctools.compute.privacy import mask_entitlements

        result = mask_entitlements(result)
    names = work.sheet_names
    if out:
        from svctools.outputs.entitlements_xlsx import write_entitlements

        write_entitlements(result, out, env.lang, names)
    work.answer(
        fmt,
        lambda: result.to_dict(env.lang, names),
        lambda: render_text(result, env.lang, names),
        out and say("cli.rights_written", env.lang) + out,
    )
