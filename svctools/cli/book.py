"""Commands on the book itself: ``validate``, ``init``, ``config``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from svctools.cli.env import env_for
from svctools.cli.options import OUTPUT_PATH, as_of_option, common_options
from svctools.core.messages import Msg, say


@click.command()
@click.argument("book")
@click.option(
    "--annotate",
    type=OUTPUT_PATH,
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
      svctools validate 售后台帐.xlsx --annotate 标注.xlsx
      svctools validate book.xlsx --lang en --format json
    """
    from svctools.core.errors import UsageError
    from svctools.outputs.render import dumps, problems_text
    from svctools.sources.base import is_google

    env = env_for(ctx, config, lang)
    if annotate and annotate != "-" and not is_google(book):
        from svctools.outputs.annotate import check_annotatable

        check_annotatable(book)
    loaded, _, _ = env.read_checked(book, as_of)
    errors = any(p.severity == "error" for p in loaded.problems)
    if annotate and is_google(book):  # a Sheet is marked in place: problems tab + notes
        from svctools.outputs.gsheet_write import annotate_sheet

        if annotate != "-":
            raise UsageError(Msg("arg.annotate_gsheet", out=annotate))
        annotate = annotate_sheet(book, env.policy, loaded.problems, env.lang)
    elif annotate:
        from svctools.outputs.annotate import annotate as write_annotated

        if annotate == "-":
            raise UsageError(Msg("arg.annotate_needs_out"))
        write_annotated(Path(book), Path(annotate), loaded.problems, env.lang, env.password)
    if fmt == "json":
        data = {"ok": not errors, "problems": [p.to_dict(env.lang) for p in loaded.problems]}
        click.echo(dumps(data))
    else:
        click.echo(problems_text(loaded.problems, book, env.lang))
        if annotate:
            click.echo(say("cli.annotated", env.lang) + annotate)
    ctx.exit(1 if errors else 0)


@click.command()
@click.argument("book", type=click.Path(dir_okay=False))  # what init writes: not an input
@click.option("--force", is_flag=True, help="Replace BOOK if it exists.")
@common_options
@click.pass_context
def init(
    ctx: click.Context, book: str, force: bool, fmt: str, lang: str | None, config: str | None
) -> None:
    """Write a blank BOOK: every sheet, headers, dropdowns, frozen header rows.

    \b
    Example:
      svctools init 售后台帐.xlsx
      svctools --lang en init service-book.xlsx
    """
    from svctools.core.errors import UsageError
    from svctools.outputs.blank import write_blank_book
    from svctools.outputs.render import dumps
    from svctools.sources.base import is_google

    env = env_for(ctx, config, lang)
    path = Path(book)
    schema = env.schema()
    if is_google(book):  # an empty Google Sheet is laid out in place, in one batchUpdate
        from svctools.outputs.gsheet_write import init_sheet

        init_sheet(book, env.policy, schema, env.lang)
    else:
        if path.exists() and not force:
            raise UsageError(Msg("arg.exists", path=path))
        write_blank_book(schema, path, env.lang)
    shown = book if is_google(book) else str(path)
    sheets = [s.title(env.lang) for s in schema.sheets]
    if fmt == "json":
        click.echo(dumps({"book": shown, "sheets": sheets}))
    else:
        done = say("cli.created", env.lang)
        click.echo(f"{done} {shown}: " + ", ".join(sheets))


@click.command("config")
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

    from svctools.outputs.render import dumps

    env = env_for(ctx, config, lang)
    policy = env.policy
    data = policy.to_dict()
    if fmt == "json":
        click.echo(dumps({"source": policy.source, **data}))
        return
    origin = f"# from {policy.source}" if policy.source else "# defaults (no svctools.toml found)"
    click.echo(origin + "\n" + tomli_w.dumps(_unset_left_out(data)).rstrip())


def _unset_left_out(data: dict[str, Any]) -> dict[str, Any]:
    """TOML has no null: a key left unset (``[notify] interval``) is not printed."""
    kept = {k: v for k, v in data.items() if v is not None}
    return {k: _unset_left_out(v) if isinstance(v, dict) else v for k, v in kept.items()}
