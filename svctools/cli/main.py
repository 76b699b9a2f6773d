"""The ``svctools`` command: parse options, call the library, print, map errors to exit codes.

Exit codes (SPEC §6): 0 fine; 1 the book has errors; 2 bad usage, unreadable input or config;
3 reminders not delivered. A user's mistake is one line on stderr, never a traceback.
"""

import os
import sys
from typing import Any

import click

from svctools import __version__
from svctools.cli import click_words
from svctools.cli.env import Env
from svctools.core.errors import SvctoolsError
from svctools.core.messages import Msg, say

click_words.install()  # click's usage errors speak the clerk's language


class SvctoolsGroup(click.Group):
    """Turns the library's errors into one line on stderr and the exit code SPEC §6 names."""

    def main(self, args: Any = None, *more: Any, **options: Any) -> Any:
        """The whole run, with click's own words in the run's language (``click_words``)."""
        argv = sys.argv[1:] if args is None else list(args)
        token = click_words.CLICK_LANG.set(click_words.RunLang(argv))
        try:
            return super().main(args, *more, **options)
        finally:
            click_words.CLICK_LANG.reset(token)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        ctx.meta["svctools.argv"] = list(args)  # to know, on a refusal, if JSON was asked for
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SvctoolsError as exc:
            if _debug(ctx):
                raise
            lang = _lang(ctx)
            if _wants_json(ctx):  # a script reading stdout gets the refusal as JSON too
                from svctools.outputs.render import dumps

                error = {"code": exc.exit_code, "message": exc.text(lang)}
                if exc.msg is not None:
                    error["id"] = exc.msg.id
                click.echo(dumps({"ok": False, "error": error}))
            problems = getattr(exc, "problems", None)
            if problems:
                from svctools.outputs.render import problems_text

                click.echo(problems_text(problems, "", lang).rsplit("\n\n", 1)[0], err=True)
            click.echo(f"svctools: {exc.text(lang)}", err=True)
            ctx.exit(exc.exit_code)
        except click.ClickException as exc:
            if _wants_json(ctx):
                from svctools.outputs.render import dumps

                error = {"code": exc.exit_code, "message": exc.format_message()}
                click.echo(dumps({"ok": False, "error": error}))
            raise
        except (click.exceptions.Exit, click.Abort):
            raise
        except KeyboardInterrupt:
            click.echo("svctools: " + say("cli.interrupted", _lang(ctx)), err=True)
            ctx.exit(130)
        except Exception as exc:
            if _debug(ctx):
                raise
            internal = say("cli.internal", _lang(ctx), kind=type(exc).__name__, detail=exc)
            click.echo(f"svctools: {internal}", err=True)
            ctx.exit(70)


def _lang(ctx: click.Context) -> str:
    """The language of an error line: the command's --lang, the group's, the config's, zh.
    An error while the command's arguments are parsed comes before its Env: the last --lang
    typed is taken then."""
    argv = ctx.meta.get("svctools.argv", [])
    typed = [b for a, b in zip(argv, argv[1:], strict=False) if a == "--lang" and b in ("zh", "en")]
    if not isinstance(ctx.obj, Env):
        return typed[-1] if typed else "zh"
    if ctx.obj.current is ctx.obj and typed:
        return typed[-1]
    try:
        return ctx.obj.current.error_lang()
    except Exception:  # the line must be printed whatever is broken
        return "zh"


def _wants_json(ctx: click.Context) -> bool:
    """``--format json`` (or ``--format=json``) anywhere in the command line."""
    argv = ctx.meta.get("svctools.argv", [])
    pairs = zip(argv, [*argv[1:], ""], strict=True)
    return "--format=json" in argv or any(a == "--format" and b == "json" for a, b in pairs)


def _debug(ctx: click.Context) -> bool:
    return isinstance(ctx.obj, Env) and ctx.obj.debug


@click.group(cls=SvctoolsGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="svctools")
@click.option(
    "--config",
    type=click.Path(dir_okay=False),
    default=None,
    help="Policy file (default: $SVCTOOLS_CONFIG, then ./svctools.toml).",
)
@click.option(
    "--lang",
    type=click.Choice(["zh", "en"]),
    default=None,
    help="Language of headers and messages.",
)
@click.option("--debug", is_flag=True, help="Show the full traceback of an error.")
@click.option(
    "--password",
    "ask_password",
    is_flag=True,
    help="Ask for the password of a protected book (else $SVCTOOLS_BOOK_PASSWORD or keyring).",
)
@click.option(
    "--encrypt",
    is_flag=True,
    help="Encrypt every workbook written with the same password.",
)
@click.pass_context
def cli(
    ctx: click.Context,
    config: str | None,
    lang: str | None,
    debug: bool,
    ask_password: bool,
    encrypt: bool,
) -> None:
    """Run a service firm's after-sales office from the workbook it already keeps.

    \b
    Example:
      svctools demo ./demo
      svctools validate 售后台帐.xlsx --annotate 标注.xlsx
    """
    password = None
    if ask_password:
        password = click.prompt("Book password", hide_input=True, err=True)
    ctx.obj = Env(config, lang, debug, password)
    if encrypt:
        from svctools.core.errors import UsageError
        from svctools.outputs.xlsxout import OUTPUT_PASSWORD
        from svctools.sources.crypto import PASSWORD_ENV

        secret = password or os.environ.get(PASSWORD_ENV)
        if not secret:
            raise UsageError(Msg("cli.encrypt_password", env=PASSWORD_ENV))
        token = OUTPUT_PASSWORD.set(secret)
        ctx.call_on_close(lambda: OUTPUT_PASSWORD.reset(token))
