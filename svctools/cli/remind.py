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
from svctools.core.messages import Msg, by_lang, say
from svctools.sources.base import is_google

_COMMANDS = ["renewals", "callbacks", "sla-risk", "stock", "all"]  # REGISTRY's commands, plus all


@click.command()
@click.argument("kind", required=False, metavar="KIND", type=click.Choice(_COMMANDS))
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
    """Send the reminders due in BOOK: contract renewals, callback digests, deadlines at risk.

    KIND is renewals, callbacks, sla-risk (deadlines due within [reminders] risk_hours; run
    it hourly) or all (every daily kind: renewals and callbacks). Mail goes by SMTP, or to
    the outbox as .eml files without [smtp] host or with --dry-run; [notify] chat robots get
    a Markdown digest (--dry-run writes it as .md). `all` sends each kind whose sheets are
    clean and reports the kinds the book's errors block (exit 1). Exits 3 when something
    could not be delivered (tried again next run) or a failed/unknown key awaits --resolve.

    \b
    Example:
      svctools remind all 售后台帐.xlsx --dry-run
      svctools remind all 售后台帐.xlsx --quiet          # from cron, every morning
      svctools remind sla-risk 售后台帐.xlsx --quiet     # from cron, every hour
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
    for blocked in report.blocked:
        click.echo(f"svctools: {blocked['message']}", err=True)
    ctx.exit(3 if report.undelivered else 1 if report.blocked else 0)


LOG_TITLE = by_lang("remind.log_title")
LOG_HEADER = by_lang(("remind.log.key", "remind.log.kind", "remind.log.to", "remind.log.sent_at"))


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
    from svctools.compute.reminders import REGISTRY, due_reminders
    from svctools.mail.chat import check_routes
    from svctools.mail.delivery import Delivery, Templates, resolve_path

    policy = env.policy
    check_routes(policy.notify, {k.kind for k in REGISTRY.values()})
    if kind == "all":
        moment, parts, blocked = _each_kind(env, book, as_of, skip_invalid)
    else:
        work = Computation(env, book, f"remind_{kind}", as_of, skip_invalid)
        moment, parts, blocked = work.as_of, [(kind, work.records)], []
    delivery = Delivery(
        templates=Templates(templates),
        lang=env.lang,
        smtp=policy.smtp,
        state=resolve_path(policy, policy.reminders.state),
        outbox=resolve_path(policy, policy.reminders.outbox),
        zone=policy.zone,
        dry_run=dry_run,
        timeout=policy.smtp.timeout,
        mask=mask,
        notify=policy.notify,
    )
    due = [
        d
        for command, records in parts
        for d in due_reminders(
            records, policy, moment, command, _rights(command, records, policy, moment)
        )
    ]
    report = delivery.run(due, moment)
    report.blocked = blocked
    return report


def _each_kind(
    env: Env, book: str, as_of: str | None, skip_invalid: bool
) -> tuple[datetime, list[tuple[str, Any]], list[dict[str, str]]]:
    """``remind all``: each daily kind the book keeps, on its own sheets; a kind whose sheets
    have errors (or lack a sheet) is blocked and reported, the others still go (issue 13).
    A kind the policy leaves nothing to send (no ``[stock] notify``) is not run at all."""
    from svctools.compute.reminders import kinds_for
    from svctools.core.errors import BookHasErrors
    from svctools.reading.usable import COMMAND_SHEETS, usable_records

    kinds = [k for k in kinds_for("all") if k.sends_under(env.policy)]
    loaded, moment, _ = env.read_checked(book, as_of, _reads(kinds, env.schema()))
    parts: list[tuple[str, Any]] = []
    blocked: list[dict[str, str]] = []
    kept = [k for k in kinds if loaded.records.has(COMMAND_SHEETS[_cmd(k)][0][0])]
    if not kept:
        names = " / ".join(
            env.schema()[COMMAND_SHEETS[_cmd(k)][0][0]].title(env.lang) for k in kinds
        )
        raise MissingSheet(Msg("book.remind_needs_any", book=book, names=names))
    for kind in kept:
        try:
            usable = usable_records(loaded, env.schema(), _cmd(kind), skip_invalid, env.lang)
        except (BookHasErrors, MissingSheet) as exc:
            said = say("remind.blocked", env.lang, command=kind.command, why=exc.text(env.lang))
            blocked.append({"kind": kind.kind, "command": kind.command, "message": said})
            continue
        parts.append((kind.command, usable.records))
    return moment, parts, blocked


def _reads(kinds: list[Any], schema: Any) -> Any:
    """The sheets ``remind all`` reads: every daily kind's, or, when the policy leaves a kind
    idle, only those of the kinds that send. The reorder list's stock moves are half the rows
    of a year's book, read and checked for nothing when nobody is to get the list."""
    from svctools.compute.reminders import kinds_for
    from svctools.reading.usable import COMMAND_SHEETS, read_by

    if kinds == kinds_for("all"):
        return read_by("remind_all", schema)
    return schema.needing(key for k in kinds for group in COMMAND_SHEETS[_cmd(k)] for key in group)


def _rights(command: str, records: Any, policy: Any, moment: datetime) -> Any:
    """The 三包 rights marked on callback lines (SPEC §7.3); other kinds need none."""
    if command != "callbacks":
        return None
    from svctools.compute.entitlements import rights_by_call

    return lambda calls: rights_by_call(records, policy, moment, calls)  # the digests' calls only


def _cmd(kind: Any) -> str:
    return f"remind_{kind.command}"


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
            resolved = state.resolve(resolve[0], resolve[1], now_local(policy.zone), env.lang)
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
