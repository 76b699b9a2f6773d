"""docs/cli.md is the commands' own --help, and every doc a message or comment cites exists."""

from __future__ import annotations

import re
from pathlib import Path

from svctools.cli import cli
from svctools.cli.reference import reference_markdown

ROOT = Path(__file__).resolve().parent.parent


def test_cli_reference_is_current() -> None:
    written = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert written == reference_markdown(cli), "docs/cli.md is stale: run scripts/cli-docs"


def test_every_command_is_in_the_reference() -> None:
    written = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    for name in cli.list_commands(None):  # type: ignore[arg-type]
        assert f"## svctools {name}\n" in written


def test_every_cited_doc_exists() -> None:
    cited = set()
    for path in [*ROOT.glob("svctools/**/*.py"), *ROOT.glob("scripts/*"), ROOT / "README.md"]:
        if path.is_file():
            cited |= set(re.findall(r"docs/[\w./-]+\.(?:md|png)", path.read_text(errors="ignore")))
    missing = sorted(c for c in cited if not (ROOT / c).exists())
    assert not missing, f"cited but missing: {missing}"
