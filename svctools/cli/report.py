"""``svctools report``: the monthly report workbook (KPIs, complaints, callbacks, charts).

Only parses options, calls ``report.compute_report`` and ``report_xlsx.write_report``, and
prints; importing this module registers the command on the ``cli`` group.
"""

from __future__ import annotations

import click

import svctools.core.paths  # noqa: F401  (registers report.empty_month)
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
@month_option(required=True)
@out_option(
    "The report workbook to write (overview, complaints, callbacks, technicians, parts).",
    required=True,
)
@as_of_option
@skip_invalid_option
@mask_option
@common_options
@click.pass_context
def report(
    ctx: click.Context,
    book: str,
    month: str,
    out: str,
    as_of: str | None,
    skip_invalid: bool,
    mask: bool | None,
    fmt: str,
    lang: str | None,
    config: str | None,
) -> None:
    """Write the monthly report of BOOK: KPIs beside the month before, the complaint
    summary, callback statistics, technicians and parts, with live Excel charts.

    Prints the overview (text) or every figure (json).

    \b
    Example:
      svctools report 售后台帐.xlsx --month 2026-10 --out 月报-2026-10.xlsx
      svctools report book.xlsx --month 2026-10 --out report.xlsx --format json
    """
    from svctools.compute.computing import collection_paused
    from svctools.compute.report import compute_report
    from svctools.outputs.render import dumps
    from svctools.outputs.report_text import report_text
    from svctools.outputs.report_xlsx import write_report

    env = env_for(ctx, config, lang)
    first_day, next_first_day = env.month(month, as_of)
    work = Computation(env, book, "report", as_of, skip_invalid)
    with work.phase():  # no collection walks the month's results while they are made
        result = compute_report(work.records, env.policy, first_day, next_first_day, work.as_of)
        if env.mask(mask):  # one place: the text, json and xlsx renderers read the masked report
            from svctools.compute.privacy import mask_report

            result = mask_report(result)
    warn(result.warnings(env.lang), env.lang)
    if not any(result.kpi(k).value for k in ("calls", "orders_opened", "orders_completed")):
        warn([say("report.empty_month", env.lang, month=f"{first_day:%Y-%m}")], env.lang)
    with collection_paused():  # nor the workbook's cells and charts while they are written
        write_report(result, out, env.lang)
    if fmt == "json":
        click.echo(dumps({**result.to_dict(env.lang), "out": out, **work.extra()}))
    else:
        click.echo(report_text(result, env.lang))
        click.echo(say("cli.report_written", env.lang) + out)
