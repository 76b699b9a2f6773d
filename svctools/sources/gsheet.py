"""A Google Sheet as a ``BookSource``, and the few writes a command makes to one (SPEC §6).

Layered like gspread itself, on gspread's own HTTP client:

- ``SheetsHTTPClient`` (a gspread ``HTTPClient``) sends every request to ``[google] api_root``
  (gspread's URLs are constants, so they are rewritten per request) and retries 429 and 5xx
  answers with exponential backoff and jitter, honouring ``Retry-After``, within a time budget.
- ``Spreadsheet`` is one spreadsheet on that client: every API failure becomes one
  ``BookError`` line naming the book.
- ``GoogleBook`` reads a whole book in two requests (metadata, then one ``values.batchGet`` over
  every sheet the schema knows), typed like the xlsx reader: numbers as numbers, dates as serial
  numbers, so both readers feed the same parsing.
- ``init_sheet``, ``annotate_sheet`` and ``write_back`` each write in one request.
"""

from __future__ import annotations

import os
import random
import re
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import requests
from google.auth.exceptions import GoogleAuthError, TransportError
from gspread.exceptions import APIError
from gspread.http_client import HTTPClient, ParamsType

from svctools.core.errors import BookError, ConfigError, UsageError
from svctools.core.messages import Msg
from svctools.core.records import column_number
from svctools.sources.base import Row

if TYPE_CHECKING:
    from svctools.core.policy import Policy
    from svctools.core.schema import Schema

GOOGLE_ROOT = "https://sheets.googleapis.com"
API_ROOT_ENV = "SVCTOOLS_GOOGLE_API_ROOT"
CREDENTIALS_ENV = "GOOGLE_APPLICATION_CREDENTIALS"
READ_SCOPES = ["https://www.googleapis.com/auth/spreadsheets.readonly"]
WRITE_SCOPES = ["https://www.googleapis.com/auth/spreadsheets"]
TIMEOUT = (10.0, 120.0)  # connect, read: a 10,000-row book is one large answer
READ_PARAMS: dict[str, str] = {
    "valueRenderOption": "UNFORMATTED_VALUE",  # numbers as numbers, like the xlsx reader
    "dateTimeRenderOption": "SERIAL_NUMBER",  # dates as Excel-style serial numbers
    "majorDimension": "ROWS",
}
METADATA_FIELDS = "properties.title,sheets.properties"
_SPEC = re.compile(
    r"^(?:gsheet:(?P<key>.*)|(?:https?://)?docs\.google\.com/spreadsheets/(?P<rest>.*))$"
)
_URL_KEY = re.compile(r"^(?:u/\d+/)?d/([A-Za-z0-9_-]+)")
_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_RANGE_START = re.compile(r"!\$?([A-Z]*)\$?(\d*)")
_RETRYABLE = {408, 429}


# --- BOOK as given on the command line ------------------------------------------------------


def is_google_spec(spec: str) -> bool:
    """``gsheet:KEY`` or the sheet's URL; anything else is a path."""
    return _SPEC.match(spec.strip()) is not None


def parse_spec(spec: str) -> str:
    """The spreadsheet key from ``gsheet:KEY`` or ``https://docs.google.com/spreadsheets/d/KEY/…``."""
    match = _SPEC.match(spec.strip())
    if match is None:
        raise UsageError(Msg("gsheet.not_a_sheet", spec=spec))
    if match.group("key") is not None:
        key = match.group("key").strip()
    else:
        found = _URL_KEY.match(match.group("rest"))
        key = found.group(1) if found else ""
    if not _KEY.match(key):
        raise UsageError(Msg("gsheet.no_key", spec=spec))
    return key


# --- transport: api_root and retries ---------------------------------------------------------


@dataclass(frozen=True)
class Backoff:
    """How 429/5xx answers are retried: exponential with jitter, never longer than ``budget``.

    ``sleep``, ``clock`` and ``jitter`` are injectable so tests never sleep for real. The budget
    outlasts one minute because Sheets quotas are per minute.
    """

    budget: float = 100.0
    base: float = 1.0
    cap: float = 32.0
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    jitter: Callable[[], float] = random.random

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """Seconds before retry number ``attempt`` (0-based); the server's Retry-After wins."""
        ceiling = min(self.cap, self.base * 2**attempt)
        wait = ceiling / 2 + ceiling / 2 * self.jitter()  # "equal jitter": spread, never zero
        return max(wait, retry_after or 0.0)


DEFAULT_BACKOFF = Backoff()


class GaveUp(Exception):
    """Retries did not get an answer within the budget; ``error`` is the last answer."""

    def __init__(self, error: APIError, waited: float, asked: float | None) -> None:
        super().__init__(str(error))
        self.error, self.waited, self.asked = error, waited, asked


def retry_after(response: requests.Response) -> float | None:
    """``Retry-After`` in seconds: a number, or an HTTP date."""
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - time.time())


class SheetsHTTPClient(HTTPClient):
    """gspread's HTTP client, pointed at ``api_root`` and retrying quota and server errors."""

    def __init__(
        self,
        auth: Any,
        session: requests.Session | None = None,
        *,
        api_root: str = GOOGLE_ROOT,
        backoff: Backoff | None = None,
    ) -> None:
        super().__init__(auth, session)
        self.api_root = api_root.rstrip("/")
        self.backoff = backoff or DEFAULT_BACKOFF
        self.set_timeout(TIMEOUT)

    def request(
        self,
        method: str,
        endpoint: str,
        params: ParamsType | None = None,
        data: bytes | None = None,
        json: Mapping[str, Any] | None = None,
        files: Any = None,
        headers: Any = None,
    ) -> requests.Response:
        if endpoint.startswith(GOOGLE_ROOT):
            endpoint = self.api_root + endpoint[len(GOOGLE_ROOT) :]
        started = self.backoff.clock()
        attempt = 0
        while True:
            try:
                return super().request(method, endpoint, params, data, json, files, headers)
            except APIError as error:
                status = error.response.status_code
                if status not in _RETRYABLE and status < 500:
                    raise
                asked = retry_after(error.response)
                wait = self.backoff.delay(attempt, asked)
                waited = self.backoff.clock() - started
                if waited + wait > self.backoff.budget:
                    raise GaveUp(error, waited, asked) from None
                self.backoff.sleep(wait)
                attempt += 1


def _settings(policy: Policy) -> tuple[str, str | None]:
    """(api_root, credentials path): the env var overrides api_root; the config wins for keys."""
    root = (os.environ.get(API_ROOT_ENV) or policy.google.api_root or GOOGLE_ROOT).strip()
    if not re.match(r"^https?://[^/]", root):
        raise ConfigError(Msg("gsheet.api_root", root=root))
    credentials = policy.google.credentials.strip() or os.environ.get(CREDENTIALS_ENV, "").strip()
    if credentials and policy.google.credentials.strip() and policy.source:
        credentials = str(Path(policy.source).parent / Path(credentials).expanduser())
    return root.rstrip("/"), credentials or None


def connect(
    policy: Policy, scopes: list[str], backoff: Backoff | None = None, name: str = "Google Sheets"
) -> tuple[SheetsHTTPClient, str | None]:
    """A client for the configured endpoint, and the service account's email if there is one.

    No credentials: fine for an emulator or proxy (``api_root`` set), one clear error for Google.
    """
    root, credentials = _settings(policy)
    if credentials is None:
        if root == GOOGLE_ROOT:
            raise ConfigError(Msg("gsheet.needs_key", name=name, env=CREDENTIALS_ENV))
        return SheetsHTTPClient(None, requests.Session(), api_root=root, backoff=backoff), None
    keys = _load_key(credentials, scopes)
    client = SheetsHTTPClient(keys, api_root=root, backoff=backoff)
    return client, cast(str | None, getattr(keys, "service_account_email", None))


def _load_key(path: str, scopes: list[str]) -> Any:
    from google.oauth2.service_account import Credentials

    if not Path(path).is_file():
        raise ConfigError(Msg("gsheet.key_missing", path=path))
    try:
        return Credentials.from_service_account_file(path, scopes=scopes)
    except (ValueError, KeyError, OSError) as exc:
        raise ConfigError(Msg("gsheet.key_bad", path=path, detail=exc)) from None


# --- one spreadsheet: requests and their errors ----------------------------------------------


@dataclass
class Spreadsheet:
    """One spreadsheet on a client; every failure becomes one line naming the book."""

    key: str
    client: SheetsHTTPClient
    email: str | None = None
    name: str = ""
    title: str = ""
    grids: dict[str, dict[str, Any]] = field(default_factory=dict)  # title -> sheet properties

    def __post_init__(self) -> None:
        self.name = self.name or f"gsheet:{self.key}"

    @contextmanager
    def errors(self, sheet: str | None = None) -> Iterator[None]:
        try:
            yield
        except GaveUp as exc:
            raise BookError(_gave_up_message(self.name, exc)) from None
        except APIError as exc:
            raise BookError(_api_message(self.name, exc, self.email, sheet)) from None
        except requests.RequestException as exc:
            raise BookError(_network_message(self.name, self.client.api_root, exc)) from None
        except TransportError as exc:
            first = (str(exc).splitlines() or [type(exc).__name__])[0]
            raise BookError(
                Msg("gsheet.sign_in_unreachable", name=self.name, detail=first[:200])
            ) from None
        except GoogleAuthError as exc:
            first = (str(exc).splitlines() or [type(exc).__name__])[0]
            raise BookError(Msg("gsheet.key_refused", name=self.name, detail=first[:200])) from None

    def load_metadata(self) -> None:
        """One ``spreadsheets.get``: the title and every grid sheet's properties, no cells."""
        with self.errors():
            meta = self.client.fetch_sheet_metadata(
                self.key, params={"includeGridData": "false", "fields": METADATA_FIELDS}
            )
        self.title = str(meta.get("properties", {}).get("title", ""))
        sheets = [s.get("properties", {}) for s in meta.get("sheets", [])]
        grids = [p for p in sheets if p.get("sheetType", "GRID") == "GRID"]
        self.grids = {p["title"]: p for p in sorted(grids, key=lambda p: p.get("index", 0))}

    def sheet_id(self, title: str) -> int:
        if title not in self.grids:
            raise BookError(Msg("gsheet.no_such_sheet", name=self.name, sheet=title))
        return int(self.grids[title]["sheetId"])

    def values(self, titles: Sequence[str]) -> dict[str, list[Row]]:
        """One ``values.batchGet`` over whole sheets: Excel row numbers, blanks as ``None``."""
        if not titles:
            return {}
        with self.errors():
            answer = self.client.values_batch_get(
                self.key, [quote_title(t) for t in titles], params=dict(READ_PARAMS)
            )
        ranges = answer.get("valueRanges", [])
        return {t: _numbered(r) for t, r in zip(titles, ranges, strict=False)}

    def batch_update(self, requests_: list[dict[str, Any]]) -> dict[str, Any]:
        with self.errors():
            return cast(dict[str, Any], self.client.batch_update(self.key, {"requests": requests_}))

    def close(self) -> None:
        self.client.session.close()


def quote_title(title: str) -> str:
    """A sheet title as an A1 range of the whole sheet: ``'It''s here'``."""
    return "'" + title.replace("'", "''") + "'"


def _numbered(value_range: Mapping[str, Any]) -> list[Row]:
    """Rows as the xlsx reader gives them: numbered from the range's first row, from column A."""
    found = _RANGE_START.search(str(value_range.get("range", "")))
    first_row = int(found.group(2)) if found and found.group(2) else 1
    pad = [None] * (column_number(found.group(1)) - 1 if found and found.group(1) else 0)
    rows: list[Row] = []
    for offset, values in enumerate(value_range.get("values", [])):
        cells = [None if v == "" else v for v in values]
        rows.append((first_row + offset, pad + cells if pad else cells))
    return rows


def _api_message(name: str, exc: APIError, email: str | None, sheet: str | None) -> Msg:
    status = exc.response.status_code
    detail = str(exc.error.get("message", "")).strip().splitlines()
    text = (detail[0] if detail else exc.response.reason or "")[:200]
    if status == 403:
        if "has not been used" in text or "disabled" in text.lower():
            return Msg("gsheet.api_disabled", name=name)
        if email:
            return Msg("gsheet.no_access", name=name, email=email)
        return Msg("gsheet.no_access_anon", name=name)
    if status == 404:
        return Msg("gsheet.not_found", name=name)
    if status == 401:
        return Msg("gsheet.not_signed_in", name=name, detail=text)
    if status == 400 and sheet and "Unable to parse range" in text:
        return Msg("gsheet.no_such_sheet", name=name, sheet=sheet)
    return Msg("gsheet.refused", name=name, status=status, detail=text)


def _gave_up_message(name: str, exc: GaveUp) -> Msg:
    status = exc.error.response.status_code
    waited = Msg("gsheet.waited", seconds=exc.waited)
    if exc.asked is not None and exc.waited < 1:
        waited = Msg("gsheet.asked", seconds=exc.asked)
    if status == 429:
        return Msg("gsheet.quota", name=name, waited=waited.text)
    return Msg("gsheet.keeps_failing", name=name, status=status, waited=waited.text)


def _network_message(name: str, root: str, exc: requests.RequestException) -> Msg:
    reason = re.search(r"\[Errno -?\d+\] ([^'\")]+)", str(exc))
    why = reason.group(1).strip() if reason else type(exc).__name__
    return Msg("gsheet.unreachable", name=name, root=root, why=why)


def open_spreadsheet(
    spec: str, policy: Policy, scopes: list[str], backoff: Backoff | None = None
) -> Spreadsheet:
    """Connect and read the metadata (one request); the caller closes it."""
    key = parse_spec(spec) if is_google_spec(spec) else spec
    client, email = connect(policy, scopes, backoff, f"gsheet:{key}")
    sheet = Spreadsheet(key, client, email)
    try:
        sheet.load_metadata()
    except BaseException:
        sheet.close()
        raise
    return sheet


# --- reading ---------------------------------------------------------------------------------


class GoogleBook:
    """A Google Sheet as a ``BookSource``: metadata now, all schema sheets' values in one go."""

    def __init__(
        self,
        key: str,
        policy: Policy,
        *,
        schema: Schema | None = None,
        backoff: Backoff | None = None,
    ) -> None:
        self._sheet = open_spreadsheet(key, policy, READ_SCOPES, backoff)
        self.key = self._sheet.key
        self.name = self._sheet.name
        self.title = self._sheet.title
        self._schema = schema
        self._values: dict[str, list[Row]] | None = None

    def sheet_names(self) -> list[str]:
        return list(self._sheet.grids)

    def rows(self, sheet: str) -> Iterator[Row]:
        self._sheet.sheet_id(sheet)  # a missing sheet: one line naming the book
        if self._values is None:
            self._values = self._sheet.values(self._wanted())
        if sheet not in self._values:  # a sheet the schema does not know: its own request
            self._values.update(self._sheet.values([sheet]))
        yield from self._values[sheet]

    def _wanted(self) -> list[str]:
        """Every sheet the schema matches, so the whole book costs one values request."""
        from svctools.core.schema import load_schema

        schema = self._schema or load_schema()
        return list(schema.match_sheet(self.sheet_names()).values())

    def close(self) -> None:
        self._sheet.close()

    def __enter__(self) -> GoogleBook:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
