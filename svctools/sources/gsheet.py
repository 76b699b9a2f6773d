"""A Google Sheet as a ``BookSource``, and the few writes a command makes to one (SPEC §6).

Layered like gspread itself, on gspread's own HTTP client:

- ``SheetsHTTPClient`` (a gspread ``HTTPClient``) sends every request to ``[google] api_root``
  (gspread's URLs are constants, so they are rewritten per request) and retries 429 and 5xx
  answers with exponential backoff and jitter, honouring ``Retry-After``, within a time budget.
- ``_Spreadsheet`` is one spreadsheet on that client: every API failure becomes one
  ``BookError`` line naming the book.
- ``GoogleBook`` reads a whole book in two requests (metadata, then one ``values.batchGet`` over
  every sheet the schema knows), typed like the xlsx reader: numbers as numbers, dates as serial
  numbers, so both readers feed the same parsing.
- ``init_sheet``, ``annotate_sheet`` and ``write_back`` each write in one request.
"""

from __future__ import annotations

import math
import os
import random
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import requests
from google.auth.exceptions import GoogleAuthError, TransportError
from gspread.exceptions import APIError
from gspread.http_client import HTTPClient, ParamsType

from svctools.core.errors import BookError, ConfigError, UsageError
from svctools.core.records import column_letter, column_number
from svctools.sources.base import Row

if TYPE_CHECKING:
    from svctools.core.policy import Policy
    from svctools.core.problems import Problem
    from svctools.core.schema import Column, Schema

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
PROBLEMS_TAB = {"zh": "问题清单 (svctools)", "en": "Problems (svctools)"}
_PROBLEM_HEADERS = {
    "zh": ("工作表", "单元格", "行", "列", "级别", "代码", "值", "说明"),
    "en": ("Sheet", "Cell", "Row", "Column", "Severity", "Code", "Value", "Message"),
}
_BOOL = {"zh": ("是", "否"), "en": ("yes", "no")}
_SPEC = re.compile(
    r"^(?:gsheet:(?P<key>.*)|(?:https?://)?docs\.google\.com/spreadsheets/(?P<rest>.*))$"
)
_URL_KEY = re.compile(r"^(?:u/\d+/)?d/([A-Za-z0-9_-]+)")
_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_CELL = re.compile(r"^([A-Z]+)(\d+)$")
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
        raise UsageError(f"{spec}: not a Google Sheet (give gsheet:KEY or the sheet's URL)")
    if match.group("key") is not None:
        key = match.group("key").strip()
    else:
        found = _URL_KEY.match(match.group("rest"))
        key = found.group(1) if found else ""
    if not _KEY.match(key):
        raise UsageError(
            f"{spec}: no spreadsheet key found; copy the URL of the open sheet "
            "(https://docs.google.com/spreadsheets/d/KEY/edit) or give gsheet:KEY"
        )
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
        raise ConfigError(f"google.api_root: {root!r} is not an http(s) URL")
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
            raise ConfigError(
                f'{name}: a service-account key is needed: set credentials = "key.json" under '
                f"[google] in svctools.toml, or ${CREDENTIALS_ENV} (see docs/google-sheets.md)"
            )
        return SheetsHTTPClient(None, requests.Session(), api_root=root, backoff=backoff), None
    keys = _load_key(credentials, scopes)
    client = SheetsHTTPClient(keys, api_root=root, backoff=backoff)
    return client, cast(str | None, getattr(keys, "service_account_email", None))


def _load_key(path: str, scopes: list[str]) -> Any:
    from google.oauth2.service_account import Credentials

    if not Path(path).is_file():
        raise ConfigError(f"{path}: service-account key file not found ([google] credentials)")
    try:
        return Credentials.from_service_account_file(path, scopes=scopes)
    except (ValueError, KeyError, OSError) as exc:
        raise ConfigError(
            f"{path}: not a service-account key file ({exc}); download a JSON key from "
            "Google Cloud Console > IAM > Service accounts > Keys"
        ) from None


# --- one spreadsheet: requests and their errors ----------------------------------------------


@dataclass
class _Spreadsheet:
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
                f"{self.name}: cannot reach the sign-in server ({first[:200]})"
            ) from None
        except GoogleAuthError as exc:
            first = (str(exc).splitlines() or [type(exc).__name__])[0]
            raise BookError(
                f"{self.name}: the service-account key was refused ({first[:200]}); "
                "check [google] credentials"
            ) from None

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
            raise BookError(f"{self.name}: no sheet named '{title}' in this spreadsheet")
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


def _api_message(name: str, exc: APIError, email: str | None, sheet: str | None) -> str:
    status = exc.response.status_code
    detail = str(exc.error.get("message", "")).strip().splitlines()
    text = (detail[0] if detail else exc.response.reason or "")[:200]
    if status == 403:
        if "has not been used" in text or "disabled" in text.lower():
            return (
                f"{name}: the Google Sheets API is not enabled for the service account's "
                "project; enable it in Google Cloud Console > APIs & Services, then try again"
            )
        who = f"the service account {email}" if email else "the service account's email"
        return f"{name}: no access (403); share the spreadsheet with {who} and try again"
    if status == 404:
        return f"{name}: no spreadsheet with this key (404); check the key or URL"
    if status == 401:
        return f"{name}: not signed in (401: {text}); check [google] credentials"
    if status == 400 and sheet and "Unable to parse range" in text:
        return f"{name}: no sheet named '{sheet}' in this spreadsheet"
    return f"{name}: the Sheets API refused the request ({status}: {text})"


def _gave_up_message(name: str, exc: GaveUp) -> str:
    status = exc.error.response.status_code
    waited = f"after retrying for {exc.waited:.0f} s"
    if exc.asked is not None and exc.waited < 1:
        waited = f"and asked to wait {exc.asked:.0f} s"
    if status == 429:
        return (
            f"{name}: Google Sheets quota exceeded (429) {waited}; wait a minute and run again "
            "(each command uses 2 read requests; other programs may share the quota)"
        )
    return f"{name}: the Sheets API keeps failing ({status}) {waited}; try again later"


def _network_message(name: str, root: str, exc: requests.RequestException) -> str:
    reason = re.search(r"\[Errno -?\d+\] ([^'\")]+)", str(exc))
    why = reason.group(1).strip() if reason else type(exc).__name__
    return f"{name}: cannot reach the Sheets API at {root} ({why})"


def open_spreadsheet(
    spec: str, policy: Policy, scopes: list[str], backoff: Backoff | None = None
) -> _Spreadsheet:
    """Connect and read the metadata (one request); the caller closes it."""
    key = parse_spec(spec) if is_google_spec(spec) else spec
    client, email = connect(policy, scopes, backoff, f"gsheet:{key}")
    sheet = _Spreadsheet(key, client, email)
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


# --- writing: init -----------------------------------------------------------------------------


def init_sheet(
    spec: str, policy: Policy, schema: Schema, lang: str, *, backoff: Backoff | None = None
) -> list[str]:
    """Lay out every sheet (headers, dropdowns, frozen header row) in an EMPTY spreadsheet.

    Two reads (metadata, values) prove it is empty, then one ``batchUpdate`` writes everything,
    so a failure leaves the spreadsheet as it was. Returns the sheet titles.
    """
    sheet = open_spreadsheet(spec, policy, WRITE_SCOPES, backoff)
    try:
        for title, rows in sheet.values(list(sheet.grids)).items():
            if any(v is not None for _, values in rows for v in values):
                raise UsageError(
                    f"{sheet.name}: the spreadsheet already has data (sheet '{title}'); "
                    "init only lays out an empty spreadsheet: create a new one and try again"
                )
        sheet.batch_update(_layout_requests(sheet.grids, schema, lang))
    finally:
        sheet.close()
    return [s.title(lang) for s in schema.sheets]


def _layout_requests(
    existing: Mapping[str, Mapping[str, Any]], schema: Schema, lang: str
) -> list[dict[str, Any]]:
    """Reuse an empty sheet of the same name, rename one spare sheet, add the rest."""
    by_title = {t.casefold(): p for t, p in existing.items()}
    titles = {s.title(lang).casefold() for s in schema.sheets}
    spare = [p for t, p in existing.items() if t.casefold() not in titles][:1]
    next_id = max((int(p["sheetId"]) for p in existing.values()), default=0) + 1
    requests_: list[dict[str, Any]] = []
    for index, spec in enumerate(schema.sheets):
        title = spec.title(lang)
        width = max(26, len(spec.columns))
        found = by_title.get(title.casefold()) or (spare.pop() if spare else None)
        if found is None:
            sheet_id, next_id = next_id, next_id + 1
            grid = {"rowCount": 1000, "columnCount": width, "frozenRowCount": 1}
            props = {"sheetId": sheet_id, "title": title, "index": index, "gridProperties": grid}
            requests_.append({"addSheet": {"properties": props}})
        else:
            sheet_id = int(found["sheetId"])
            columns = int(found.get("gridProperties", {}).get("columnCount", 26))
            grid = {"frozenRowCount": 1, "columnCount": max(width, columns)}
            props = {"sheetId": sheet_id, "title": title, "index": index, "gridProperties": grid}
            fields = "title,index,gridProperties.frozenRowCount,gridProperties.columnCount"
            requests_.append({"updateSheetProperties": {"properties": props, "fields": fields}})
        requests_ += _header_requests(sheet_id, spec.columns, lang)
    return requests_


def _rgb(hex_color: str) -> dict[str, float]:
    return {
        k: int(hex_color[i : i + 2], 16) / 255
        for k, i in zip("red green blue".split(), (0, 2, 4), strict=True)
    }


def _header_requests(sheet_id: int, columns: Sequence[Column], lang: str) -> list[dict[str, Any]]:
    """The header row (required headers in red), its fill, widths and one dropdown per column."""
    header = [
        {
            "userEnteredValue": {"stringValue": c.header(lang)},
            "userEnteredFormat": {
                "textFormat": {
                    "bold": True,
                    "foregroundColor": _rgb("C00000" if c.required else "000000"),
                }
            },
        }
        for c in columns
    ]
    requests_: list[dict[str, Any]] = [
        {
            "updateCells": {
                "rows": [{"values": header}],
                "fields": "userEnteredValue,userEnteredFormat.textFormat",
                "start": {"sheetId": sheet_id, "rowIndex": 0, "columnIndex": 0},
            }
        },
        {
            "repeatCell": {
                "range": _grid_range(sheet_id, 0, 1, 0, len(columns)),
                "cell": {
                    "userEnteredFormat": {
                        "backgroundColor": _rgb("DDEBF7"),
                        "horizontalAlignment": "CENTER",
                    }
                },
                "fields": "userEnteredFormat(backgroundColor,horizontalAlignment)",
            }
        },
    ]
    for index, column in enumerate(columns):
        requests_.append(
            _width_request(sheet_id, index, max(column.width, len(column.header(lang)) * 2 + 4))
        )
        rule = _validation_rule(column, lang)
        if rule is not None:
            area = _grid_range(sheet_id, 1, None, index, index + 1)  # row 2 to the end
            requests_.append({"setDataValidation": {"range": area, "rule": rule}})
    return requests_


def _grid_range(
    sheet_id: int, row: int, end_row: int | None, column: int, end_column: int
) -> dict[str, int]:
    area = {"sheetId": sheet_id, "startRowIndex": row, "startColumnIndex": column}
    area["endColumnIndex"] = end_column
    if end_row is not None:
        area["endRowIndex"] = end_row
    return area


def _width_request(sheet_id: int, index: int, chars: int) -> dict[str, Any]:
    span = {"sheetId": sheet_id, "dimension": "COLUMNS", "startIndex": index, "endIndex": index + 1}
    return {
        "updateDimensionProperties": {
            "range": span,
            "properties": {"pixelSize": chars * 7 + 10},
            "fields": "pixelSize",
        }
    }


def _validation_rule(column: Column, lang: str) -> dict[str, Any] | None:
    """The same dropdowns as the xlsx ``init``; not strict, so a clerk's 一级 still goes in."""
    if column.type == "enum":
        options: Sequence[str] = [o.label(lang) for o in column.enum]
        condition = {"type": "ONE_OF_LIST", "values": [{"userEnteredValue": o} for o in options]}
    elif column.type == "bool":
        condition = {
            "type": "ONE_OF_LIST",
            "values": [{"userEnteredValue": o} for o in _BOOL[lang]],
        }
    elif column.type == "int" and (column.min is not None or column.max is not None):
        low = column.min if column.min is not None else -(2**31)
        high = column.max if column.max is not None else 2**31 - 1
        values = [{"userEnteredValue": str(low)}, {"userEnteredValue": str(high)}]
        condition = {"type": "NUMBER_BETWEEN", "values": values}
    else:
        return None
    return {
        "condition": condition,
        "strict": False,
        "showCustomUi": condition["type"] == "ONE_OF_LIST",
    }


# --- writing: validate --annotate --------------------------------------------------------------


def annotate_sheet(
    spec: str,
    policy: Policy,
    problems: Sequence[Problem],
    lang: str,
    *,
    backoff: Backoff | None = None,
) -> str:
    """Add a problems tab (links to the cells) and a note on each bad cell; values untouched.

    One read (sheet ids) and one ``batchUpdate``. An earlier run's tab is replaced and its
    notes on cells now fine are removed (one more read, of that tab), so running it again
    never piles up tabs or stale notes. Returns the tab's title.
    """
    sheet = open_spreadsheet(spec, policy, WRITE_SCOPES, backoff)
    try:
        title = PROBLEMS_TAB[lang]
        tab_id = max((int(p["sheetId"]) for p in sheet.grids.values()), default=0) + 1
        earlier = [t for t in PROBLEMS_TAB.values() if t in sheet.grids]
        listed = _listed_cells(sheet, earlier)
        requests_: list[dict[str, Any]] = [
            {"deleteSheet": {"sheetId": sheet.sheet_id(t)}} for t in earlier
        ]
        grid = {"rowCount": len(problems) + 20, "columnCount": 8, "frozenRowCount": 1}
        props = {"sheetId": tab_id, "title": title, "index": 0, "gridProperties": grid}
        requests_.append({"addSheet": {"properties": props}})
        requests_.append(_listing_request(tab_id, problems, sheet, lang))
        for index, chars in enumerate((14, 8, 6, 14, 8, 16, 18, 70)):
            requests_.append(_width_request(tab_id, index, chars))
        requests_ += _note_requests(problems, sheet, lang, listed)
        sheet.batch_update(requests_)
    finally:
        sheet.close()
    return title


def _listing_request(
    tab_id: int, problems: Sequence[Problem], sheet: _Spreadsheet, lang: str
) -> dict[str, Any]:
    bold = {"textFormat": {"bold": True}}
    rows = [{"values": [_cell(h) | {"userEnteredFormat": bold} for h in _PROBLEM_HEADERS[lang]]}]
    for problem in problems:
        link: dict[str, Any] = _cell(problem.cell)
        # Our one formula: a link to the cell. Only a plain A1 reference goes inside it.
        if problem.cell and problem.sheet in sheet.grids and _CELL.match(problem.cell):
            target = f"#gid={sheet.sheet_id(problem.sheet)}&range={problem.cell}"
            link = {
                "userEnteredValue": {"formulaValue": f'=HYPERLINK("{target}","{problem.cell}")'}
            }
        values = [
            _cell(problem.sheet),
            link,
            _cell(problem.row),
            _cell(problem.column),
            _cell(problem.severity),
            _cell(problem.code),
            _cell(problem.to_dict(lang)["value"]),
            _cell(problem.message(lang)),
        ]
        rows.append({"values": values})
    return {
        "updateCells": {
            "rows": rows,
            "fields": "userEnteredValue,userEnteredFormat.textFormat",
            "start": {"sheetId": tab_id, "rowIndex": 0, "columnIndex": 0},
        }
    }


def _cell(value: Any) -> dict[str, Any]:
    """A value as CellData; text is always a stringValue, never read as a formula."""
    if value is None or value == "":
        return {}
    if isinstance(value, bool):
        return {"userEnteredValue": {"boolValue": value}}
    if _is_number(value):
        return {"userEnteredValue": {"numberValue": value}}
    return {"userEnteredValue": {"stringValue": str(value)}}


def _is_number(value: Any) -> bool:
    """A number Sheets holds exactly; nan, inf (no JSON for them) and ints past 2**53 are text."""
    if isinstance(value, int):
        return abs(value) < 2**53
    return isinstance(value, float) and math.isfinite(value)


def _listed_cells(sheet: _Spreadsheet, tabs: Sequence[str]) -> set[tuple[str, str]]:
    """The (sheet, cell) pairs an earlier problems tab lists: where its notes were put."""
    cells = set()
    for rows in sheet.values(tabs).values():
        for number, values in rows:
            if number > 1 and len(values) > 1 and values[0] in sheet.grids:
                if isinstance(values[1], str) and _CELL.match(values[1]):
                    cells.add((str(values[0]), values[1]))
    return cells


def _note_requests(
    problems: Sequence[Problem], sheet: _Spreadsheet, lang: str, listed: set[tuple[str, str]]
) -> list[dict[str, Any]]:
    """One note per bad cell (all its problems); ``fields: note`` leaves the value alone.

    Cells an earlier run noted that are fine now get their note removed.
    """
    notes: dict[tuple[str, str], str | None] = {}
    for problem in problems:
        if problem.cell and problem.sheet in sheet.grids and _CELL.match(problem.cell):
            text = notes.get((problem.sheet, problem.cell)) or "svctools:"
            notes[(problem.sheet, problem.cell)] = text + "\n" + problem.message(lang)
    for place in listed:
        notes.setdefault(place, None)
    requests_ = []
    for (title, ref), note in notes.items():
        match = _CELL.match(ref)
        assert match is not None
        start = {
            "sheetId": sheet.sheet_id(title),
            "rowIndex": int(match.group(2)) - 1,
            "columnIndex": column_number(match.group(1)) - 1,
        }
        cell = {"note": note} if note else {}
        requests_.append(
            {"updateCells": {"rows": [{"values": [cell]}], "fields": "note", "start": start}}
        )
    return requests_


# --- writing: remind --write-back ------------------------------------------------------------


def write_back(
    key: str,
    policy: Policy,
    sheet_title: str,
    cells: Iterable[tuple[int, int | str, Any]],
    *,
    backoff: Backoff | None = None,
) -> int:
    """Write ``(row, column, value)`` cells of one sheet in ONE ``values.batchUpdate``; no read.

    ``row`` is the Excel row number, ``column`` a letter (``"K"``) or 1-based number. Text stays
    text (never a formula); dates and datetimes become real dates. Returns the cells updated.
    """
    key = parse_spec(key) if is_google_spec(key) else key
    data = []
    for row, column, value in cells:
        letters = column_letter(column) if isinstance(column, int) else column.upper()
        data.append(
            {"range": f"{quote_title(sheet_title)}!{letters}{row}", "values": [[_entered(value)]]}
        )
    if not data:
        return 0
    client, email = connect(policy, WRITE_SCOPES, backoff, f"gsheet:{key}")
    sheet = _Spreadsheet(key, client, email)
    body = {"valueInputOption": "USER_ENTERED", "data": data}
    try:
        with sheet.errors(sheet_title):
            answer = client.values_batch_update(sheet.key, body)
    finally:
        sheet.close()
    return int(answer.get("totalUpdatedCells", len(data)))


def _entered(value: Any) -> Any:
    """A value as USER_ENTERED input: dates parse as dates, text is kept literal by a quote."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool) or _is_number(value):
        return value
    if isinstance(value, Decimal):
        return float(value)
    return "'" + str(value)


def log_sent(
    spec: str,
    policy: Policy,
    title: str,
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    backoff: Backoff | None = None,
) -> int:
    """Append ``rows`` to the tab ``title`` (made, with ``header``, when missing).

    One metadata read and ONE ``spreadsheets.batchUpdate`` (addSheet + appendCells), so the
    log gains all of a run's lines or none. Text is written as text, never as a formula.
    """
    if not rows:
        return 0
    sheet = open_spreadsheet(spec, policy, WRITE_SCOPES, backoff)
    try:
        requests_: list[dict[str, Any]] = []
        lines = [list(row) for row in rows]
        if title in sheet.grids:
            sheet_id = sheet.sheet_id(title)
        else:
            sheet_id = max((int(p["sheetId"]) for p in sheet.grids.values()), default=0) + 1
            grid = {"frozenRowCount": 1, "rowCount": 1 + len(lines), "columnCount": len(header)}
            props = {"sheetId": sheet_id, "title": title, "gridProperties": grid}
            requests_.append({"addSheet": {"properties": props}})
            lines.insert(0, list(header))
        cells = [{"values": [_cell(_logged(value)) for value in line]} for line in lines]
        requests_.append(
            {"appendCells": {"sheetId": sheet_id, "rows": cells, "fields": "userEnteredValue"}}
        )
        with sheet.errors(title):
            sheet.batch_update(requests_)
    finally:
        sheet.close()
    return len(rows)


def _logged(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    return value
