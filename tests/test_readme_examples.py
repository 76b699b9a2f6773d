"""The README's example outputs are what the commands print today.

A ```text block right after a ``<!-- example: the demo book -->`` line starts with
``$ svctools ...``; the command is run in a folder holding ``svctools demo demo``'s output, and
every line of the block after it (``…`` lines and blank lines aside) must appear in its standard
output, in order. ``…`` marks where the README leaves lines out.
"""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from svctools.cli import cli

README = Path(__file__).resolve().parent.parent / "README.md"
MARK = "<!-- example: the demo book -->"


def examples() -> list[tuple[str, list[str]]]:
    """(command line, the lines the README shows) for each marked block."""
    found = []
    for part in README.read_text("utf-8").split(MARK)[1:]:
        block = part.split("```text\n", 1)[1].split("```", 1)[0].splitlines()
        command, *shown = block
        assert command.startswith("$ svctools "), command
        found.append((command[2:], [line for line in shown if line.strip() not in ("", "…")]))
    return found


def in_order(shown: list[str], printed: list[str]) -> list[str]:
    """The README lines not found, in order, among the printed lines."""
    rest = iter(printed)
    return [line for line in shown if not any(line == candidate for candidate in rest)]


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("readme")
    result = CliRunner().invoke(cli, ["demo", str(folder / "demo")])
    assert result.exit_code == 0, result.output
    return folder


def test_the_readme_marks_its_examples() -> None:
    assert len(examples()) >= 3


@pytest.mark.parametrize("command, shown", examples(), ids=lambda v: str(v)[:40])
def test_readme_example_is_what_the_command_prints(
    demo_folder: Path, monkeypatch: pytest.MonkeyPatch, command: str, shown: list[str]
) -> None:
    monkeypatch.chdir(demo_folder)
    result = CliRunner().invoke(cli, shlex.split(command)[1:])
    assert result.exit_code in (0, 1), result.output
    assert in_order(shown, result.stdout.splitlines()) == []
