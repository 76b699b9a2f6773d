"""``svctools remind``: the command cron runs every morning (SPEC §5). Parsing and printing only:
``compute.reminders`` says what is due, ``mail.delivery`` sends it, ``mail.state`` keeps each
key once, ``outputs.remind_text`` shows the run.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import click

from svctools.cli.env import Computation, Env, env_for
from svctools.cli.options import (
    as_of_option,
    common_options,
    mask_option,
    skip_invalid_option,
)
from svctools.core.errors import MissingSheet, UsageError
from svctools.core.messages import Msg, say
from svctools.sources.base import is_google

# For `remind all`: a part runs when its first sheet is in the book; it then needs the rest.
_PARTS = {
    "renewal": ("contracts", "staff"),
    "callback": ("repair_ledger", "call_log", "callbacks", "staff"),
}


@click.command()
@click.argument(
    "kind", required=False, metavar="KIND", type=click.Choice(["renewals", "callbacks", "all"])
)
@click.argument("book", required=False, metavar="BOOK")
@as_of_option
@click.option("--dry-run", is_flag=True, help="Write every message to the outbox; send nothing.")
@click.option(
    "--templates",
    type=click.Path(file_okay=False, exists=True),
    default=None,
    metavar="DIR",
    help="The firm's edited templates (searched before the shipped ones).",
)
@click.option("--status", "show_status", is_flag=True, help="List sent, failed and unknown keys.")
@click.option(
    "--resolve",
    type=(str, click.Choice(["sent", "resend"])),
    default=None,
    metavar="KEY ACTION",
    help="Settle a failed or unknown key: 'sent' (leave it) or 'resend' (send it next run).",
)
@click.option("--quiet", "-q", is_flag=True, help="Print nothing when there is no news (for cron).")
@click.option(
    "--write-back",
    is_flag=True,
    help="Google Sheets: also log each reminder sent in a tab of the book (提醒记录).",
)
@skip_invalid_option
@mask_option
@common_options
@click.pass_context
def remind(
    ctx: click.Context,
    kind: str | None,
    book: str | None,
    as_of: str | None,
    dry_run: bool,
    templates: str | None,
    show_status: bool,
    resolve: tuple[str, str] | None,
    quiet: bool,
    write_back: bool,
    skip_invalid: bool,
    mask: bool | None,
    fmt: str,
    lang: str | None,
    config: str | None,
) -> None:
    """Send the reminders due in BOOK: contract renewals and callback digests, each once.

    KIND is renewals, callbacks or all. Without [smtp] host, or with --dry-run, each message
    is written to the outbox as an .eml file. Exits 3 when something could not be delivered
    (it is tried again next run) or a failed/unknown key awaits --resolve.

    \b
    Example:
      svctools remind all 售后台账.xlsx --dry-run
      svctools remind all 售后台账.xlsx --quiet          # from cron, every morning
      svctools remind --status
      svctools remind --resolve renewal:HT001:7 resend
    """
    env = env_for(ctx, config, lang)
    if show_status or resolve:
        _state_command(env, show_status, resolve, fmt)
        return
    if not kind or not book:
        raise UsageError(Msg("arg.remind_what"))
    if write_back and not is_google(book):
        raise UsageError(Msg("arg.write_back_xlsx", book=book))
    report = _run(env, kind, book, as_of, dry_run, templates, skip_invalid, env.mask(mask))
    if write_back and not dry_run:
        _write_back(env, book, report, env.as_of(as_of))
    data = report.to_dict()
    if fmt == "json":
        click.echo(_dumps(data))
    elif report.news or not quiet:
        from svctools.outputs.remind_text import report_text

        click.echo(report_text(data, env.lang))
    if report.error:
        click.echo(f"svctools: {report.error}", err=True)
    ctx.exit(3 if report.undelivered else 0)


LOG_TITLE = {"zh": "提醒记录", "en": "Reminder Log"}
LOG_HEADER = {
    "zh": ("提醒键", "类型", "收件人", "发送时间"),
    "en": ("Key", "Kind", "To", "Sent At"),
}


def _write_back(env: Env, book: str, report: Any, moment: datetime) -> None:
    """Append this run's sent reminders to the book's log tab, in one batched write."""
    from svctools.outputs.gsheet_write import log_sent

    rows = [
        (due.key, due.kind, ", ".join(str(p) for p in due.to), moment)
        for due in report.due
        if report.status.get(due.key) in ("sent", "written")
    ]
    log_sent(book, env.policy, LOG_TITLE[env.lang], LOG_HEADER[env.lang], rows)


def _run(
    env: Env,
    kind: str,
    book: str,
    as_of: str | None,
    dry_run: bool,
    templates: str | None,
    skip_invalid: bool,
    mask: bool,
) -> Any:
    from svctools.compute.reminders import KINDS, due_reminders
    from svctools.mail.delivery import Delivery, Templates, resolve_path

    work = Computation(env, book, f"remind_{kind}", as_of, skip_invalid)
    kinds = KINDS[kind] if kind != "all" else _parts_present(env, book, work.records)
    policy = env.policy
    delivery = Delivery(
        templates=Templates(templates),
        lang=env.lang,
        smtp=policy.smtp,
        state=resolve_path(policy, policy.reminders.state),
        outbox=resolve_path(policy, policy.reminders.outbox),
        zone=policy.zone,
        dry_run=dry_run,
        mask=mask,
    )
    from svctools.compute.entitlements import rights_by_call

    rights = rights_by_call(work.records, policy, work.as_of) if "callback" in kinds else None
    due = due_reminders(work.records, policy.reminders, work.as_of, kinds, rights)
    return delivery.run(due, work.as_of)


def _parts_present(env: Env, book: str, records: Any) -> tuple[Any, ...]:
    """``remind all``: renewals if the book keeps contracts, callbacks if it keeps a ledger."""
    schema = env.schema()
    kinds = tuple(k for k, sheets in _PARTS.items() if records.has(sheets[0]))
    if not kinds:
        names = " / ".join(schema[s[0]].title(env.lang) for s in _PARTS.values())
        raise MissingSheet(Msg("book.remind_needs_any", book=book, names=names))
    for part in kinds:
        for key in _PARTS[part][1:]:
            if not records.has(key):
                raise MissingSheet(
                    Msg("book.remind_needs_sheet", book=book, part=part, title=schema[key].title)
                )
    return kinds


def _state_command(env: Env, show_status: bool, resolve: tuple[str, str] | None, fmt: str) -> None:
    from svctools.core.clock import now_local
    from svctools.mail.delivery import resolve_path
    from svctools.mail.state import State, read_rows
    from svctools.outputs.remind_text import status_text

    policy = env.policy
    path = resolve_path(policy, policy.reminders.state)
    resolved = None
    if resolve:
        if not path.is_file():
            raise UsageError(Msg("arg.no_state", path=path))
        with State.locked(path) as state:
            resolved = state.resolve(resolve[0], resolve[1], now_local(policy.zone))
    rows = read_rows(path) if show_status else []
    if fmt == "json":
        data: dict[str, Any] = {"state": str(path)}
        if resolved:
            data["resolved"] = resolved.to_dict()
        if show_status:
            data["reminders"] = [row.to_dict() for row in rows]
        click.echo(_dumps(data))
        return
    if resolved:
        done = say("cli.updated", env.lang)
        click.echo(f"{done}: {resolved.key} -> {resolved.shown}")
    if show_status:
        click.echo(status_text([r.to_dict() for r in rows], path, env.lang))


def _dumps(data: Any) -> str:
    from svctools.outputs.render import dumps

    return dumps(data)
