"""The CLI reference (``docs/cli.md``) made from the click commands themselves, so the help a
clerk sees and the docs cannot drift: ``scripts/cli-docs`` writes it, a test fails when stale."""

from __future__ import annotations

import click

WIDTH = 100  # the help is laid out for this terminal width, whatever terminal writes the docs


def _help(command: click.Command, path: list[str], parent: click.Context | None) -> str:
    ctx = click.Context(
        command,
        info_name=path[-1],
        parent=parent,
        terminal_width=WIDTH,
        max_content_width=WIDTH,
        help_option_names=["-h", "--help"],
    )
    return command.get_help(ctx)


def _sections(command: click.Command, path: list[str], parent: click.Context | None) -> list[str]:
    ctx = click.Context(command, info_name=path[-1], parent=parent)
    title = "#" * min(len(path) + 1, 4) + " " + " ".join(path)
    out = [f"{title}\n\n```\n{_help(command, path, parent)}\n```\n"]
    if isinstance(command, click.Group):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None and not sub.hidden:
                out += _sections(sub, [*path, name], ctx)
    return out


def reference_markdown(root: click.Group) -> str:
    """Every command's ``--help``, in the order ``svctools --help`` lists them."""
    head = (
        "# svctools command reference\n\n"
        "Generated from the commands' own `--help` by `scripts/cli-docs`; do not edit by hand "
        "(`tests/test_cli_docs.py` fails when this file is stale).\n"
    )
    return "\n".join([head, *_sections(root, ["svctools"], None)])
