"""click's own usage errors in Chinese by default, in English with --lang en or the config's
``lang = "en"`` (issue 13, item 3): missing argument, unknown option, bad choice, no such
command, a bad --month, the "Usage:" and "Try …" lines and the "Error:" prefix; exit 2."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from svctools.cli import cli
from svctools.core.messages import CATALOGUE


def run(*args: object, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args], env=env, prog_name="svctools")
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout, result.stderr


def click_strings() -> set[str]:
    """Every string click's modules hand to ``_()`` or ``ngettext()``."""
    found = set()
    for path in Path(click.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") in ("_", "ngettext"):
                found |= {a.value for a in node.args if isinstance(a, ast.Constant)}
    return found


def test_every_click_word_in_the_catalogue_is_one_click_still_uses() -> None:
    ours = {en for key, (_, en) in CATALOGUE.items() if key.startswith("click.")}
    assert len(ours) > 30
    assert ours <= click_strings(), sorted(ours - click_strings())


@pytest.mark.parametrize(
    ("args", "zh", "en"),
    [
        (
            ["validate"],
            "用法: svctools validate [OPTIONS] BOOK\n请运行 'svctools validate --help' 查看帮助。"
            "\n\n错误：缺少参数 'BOOK'.\n",
            "Usage: svctools validate [OPTIONS] BOOK\nTry 'svctools validate --help' for help."
            "\n\nError: Missing argument 'BOOK'.\n",
        ),
        (
            ["frob"],
            "用法: svctools [OPTIONS] COMMAND [ARGS]...\n请运行 'svctools --help' 查看帮助。"
            "\n\n错误：没有 'frob' 这个命令。\n",
            "Usage: svctools [OPTIONS] COMMAND [ARGS]...\nTry 'svctools --help' for help."
            "\n\nError: No such command 'frob'.\n",
        ),
        (
            ["validate", "b.xlsx", "--formt", "json"],
            "错误：没有 '--formt' 这个选项。 你是想写 '--format' 吗？\n",
            "Error: No such option '--formt'. Did you mean '--format'?\n",
        ),
        (
            ["validate", "b.xlsx", "--format", "xml"],
            "错误：'--format' 的值不对：'xml' 不在 'text', 'json' 之中。\n",
            "Error: Invalid value for '--format': 'xml' is not one of 'text', 'json'.\n",
        ),
        (
            ["sla", "b.xlsx", "--month"],
            "错误：选项 '--month' 后面要写一个值。\n",
            "Error: Option '--month' requires an argument.\n",
        ),
        (
            ["remind", "bogus", "b.xlsx"],
            "错误：'KIND' 的值不对：'bogus' 不在 'renewals', 'callbacks', 'sla-risk', 'stock', "
            "'all' 之中。\n",
            "Error: Invalid value for 'KIND': 'bogus' is not one of 'renewals', 'callbacks', "
            "'sla-risk', 'stock', 'all'.\n",
        ),
        (
            ["remind", "--templates", "no-such-folder", "--status"],
            "错误：'--templates' 的值不对：'no-such-folder' 不存在。\n",
            "Error: Invalid value for '--templates': Directory 'no-such-folder' does not exist.\n",
        ),
        (
            ["validate", "a.xlsx", "b.xlsx"],
            "错误：多了一个参数（b.xlsx）\n",
            "Error: Got unexpected extra argument (b.xlsx)\n",
        ),
    ],
)
def test_usage_errors_in_chinese_then_english(args: list[str], zh: str, en: str) -> None:
    code, out, err = run(*args)
    assert (code, out) == (2, "") and err.endswith(zh), err
    assert "Usage" not in err and "Error" not in err and "Try" not in err
    after = [] if args[-1] == "--month" else [[*args, "--lang", "en"], [*args, "--lang=en"]]
    for english in (["--lang", "en", *args], *after):
        code, _, err = run(*english)  # --lang before or after the failing word
        assert code == 2 and err.endswith(en), (english, err)
        assert "错误" not in err


def test_a_bad_month_in_chinese_and_english(tmp_path: Path) -> None:
    """``--month`` is checked by svctools itself (before the book is opened)."""
    book = tmp_path / "b.xlsx"
    assert run("init", book)[0] == 0
    code, _, err = run("sla", book, "--month", "2026-13")
    assert code == 2 and err.startswith("svctools: --month '2026-13'：请写年月")
    code, _, err = run("sla", book, "--month", "2026-13", "--lang", "en")
    assert code == 2 and err.startswith("svctools: --month '2026-13': give a month as YYYY-MM")


def test_the_config_says_english(tmp_path: Path) -> None:
    conf = tmp_path / "svctools.toml"
    conf.write_text('lang = "en"\n', encoding="utf-8")
    code, _, err = run("--config", conf, "validate")
    assert code == 2 and err.endswith("Error: Missing argument 'BOOK'.\n")
    code, _, err = run("validate", env={"SVCTOOLS_CONFIG": str(conf)})
    assert code == 2 and err.endswith("Error: Missing argument 'BOOK'.\n")
    code, _, err = run("--config", conf, "--lang", "zh", "validate")  # --lang wins
    assert code == 2 and err.endswith("错误：缺少参数 'BOOK'.\n")


def test_a_bad_lang_itself_is_refused_in_chinese() -> None:
    code, _, err = run("--lang", "fr", "config")
    assert code == 2 and err.endswith("错误：'--lang' 的值不对：'fr' 不在 'zh', 'en' 之中。\n")


def test_json_refusal_of_a_usage_error_is_worded_too() -> None:
    code, out, err = run("validate", "b.xlsx", "--format", "json", "--bogus")
    assert code == 2 and json.loads(out)["error"]["message"] == "没有 '--bogus' 这个选项。"
    assert err.endswith("错误：没有 '--bogus' 这个选项。\n")


def test_the_real_command_line_speaks_chinese(tmp_path: Path) -> None:
    """Through ``python -m svctools`` as cron and the clerk run it (sys.argv, not CliRunner)."""
    done = subprocess.run(
        [sys.executable, "-m", "svctools", "frob"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 2 and done.stderr.endswith("错误：没有 'frob' 这个命令。\n")
    done = subprocess.run(
        [sys.executable, "-m", "svctools", "frob", "--lang", "en"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 2 and done.stderr.endswith("Error: No such command 'frob'.\n")


def test_help_pages_stay_english_unless_asked() -> None:
    """A help page's text is English (as docs/cli.md); its header follows unless --lang zh."""
    code, out, _ = run("validate", "--help")
    assert code == 0 and out.startswith("Usage: svctools validate [OPTIONS] BOOK")
    code, out, _ = run("--lang", "zh", "validate", "--help")
    assert code == 0 and out.startswith("用法: svctools validate [OPTIONS] BOOK")
