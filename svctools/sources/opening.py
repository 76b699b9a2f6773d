"""Opening BOOK as given on the command line: an ``.xlsx`` path or a Google Sheet."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from svctools.sources.base import BookSource, is_google


def open_book(spec: str, policy: Any = None, password: str | None = None) -> BookSource:
    """Open BOOK as given on the command line: an ``.xlsx`` path, or a Google Sheet.

    ``policy`` supplies ``[google]`` (credentials, api_root); gspread is imported only then.
    """
    if is_google(spec):
        from svctools.core.policy import Policy
        from svctools.sources.gsheet import GoogleBook, parse_spec

        return GoogleBook(parse_spec(spec), policy if policy is not None else Policy())
    from svctools.sources.calamine import open_xlsx  # calamine, or openpyxl by $SVCTOOLS_READER

    return open_xlsx(Path(spec), password)
