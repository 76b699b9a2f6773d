"""``python -m svctools``: the same command as the ``svctools`` console script."""

from svctools.cli import main

main()
