"""The svctools command: options, the commands, exit codes.

``cli`` is the group; each command family lives in its own module and is added here, so no
command module imports another (and none imports this one).
"""

from svctools.cli.book import config_command, init, validate
from svctools.cli.compute import penalties, settle, sla
from svctools.cli.demo import demo
from svctools.cli.dispatch import dispatch
from svctools.cli.entitlements import entitlements
from svctools.cli.main import cli
from svctools.cli.remind import remind
from svctools.cli.report import report
from svctools.cli.stock import stock

for command in (validate, init, config_command, demo, sla, penalties, settle, remind, report):
    cli.add_command(command)
cli.add_command(dispatch)
cli.add_command(entitlements)
cli.add_command(stock)


def main() -> None:
    cli(prog_name="svctools")


__all__ = ["cli", "main"]
