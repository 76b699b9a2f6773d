"""A small Google Sheets API v4 server for tests: real HTTP on 127.0.0.1, Google's JSON shapes.

    with SheetsServer() as server:
        server.add_workbook("KEY", openpyxl_workbook)      # or add_spreadsheet / add_empty
        ...point svctools at server.url ($SVCTOOLS_GOOGLE_API_ROOT)...
        server.counts["values.batchGet"]                  # requests per endpoint

Implemented, after the v4 reference: ``spreadsheets.get`` (``includeGridData``, ``fields``),
``values.get``, ``values.batchGet`` (``valueRenderOption`` UNFORMATTED_VALUE / FORMATTED_VALUE /
FORMULA, ``dateTimeRenderOption`` SERIAL_NUMBER / FORMATTED_STRING; trailing blank rows and
cells omitted), ``values.update``, ``values.batchUpdate`` and ``values.append`` (RAW and
USER_ENTERED), and ``spreadsheets.batchUpdate`` (atomic: addSheet, deleteSheet,
updateSheetProperties, setDataValidation, updateCells, repeatCell, updateDimensionProperties).
Errors use Google's body ``{"error": {"code", "message", "status"}}``; ``fail_next`` injects
429 (with ``Retry-After``) / 5xx / 403 / 404 answers; ``token`` makes it demand a bearer token
that its ``/token`` endpoint hands out to a service-account JWT.

Cells are held as Google's ``CellData`` dicts (``userEnteredValue``, ``userEnteredFormat``,
``note``); dates are serial numbers with a date ``numberFormat``, exactly as Sheets holds them.
"""

from __future__ import annotations

import copy
import json
import re
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

EPOCH = datetime(1899, 12, 30)
CELL_FIELDS = {"userEnteredValue", "userEnteredFormat", "note", "dataValidation", "textFormatRuns"}
STATUS = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}
MESSAGES = {
    401: "Request is missing required authentication credential.",
    403: "The caller does not have permission",
    404: "Requested entity was not found.",
    429: "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute "
    "per user' of service 'sheets.googleapis.com'.",
    500: "Internal error encountered.",
    503: "The service is currently unavailable.",
}
_A1 = re.compile(r"^\$?([A-Z]*)\$?(\d*)$")


class ApiError(Exception):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message

    def body(self) -> dict[str, Any]:
        status = STATUS.get(self.code, "UNKNOWN")
        return {"error": {"code": self.code, "message": self.message, "status": status}}


def bad(message: str) -> ApiError:
    return ApiError(400, message)


# --- the model --------------------------------------------------------------------------------


@dataclass
class Sheet:
    sheet_id: int
    title: str
    index: int
    rows: int = 1000
    columns: int = 26
    frozen_rows: int = 0
    cells: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)  # 0-based
    validations: list[dict[str, Any]] = field(default_factory=list)  # {"range", "rule"}
    pixel_sizes: dict[tuple[str, int], int] = field(default_factory=dict)

    def properties(self) -> dict[str, Any]:
        grid: dict[str, Any] = {"rowCount": self.rows, "columnCount": self.columns}
        if self.frozen_rows:
            grid["frozenRowCount"] = self.frozen_rows
        return {
            "sheetId": self.sheet_id,
            "title": self.title,
            "index": self.index,
            "sheetType": "GRID",
            "gridProperties": grid,
        }

    def extent(self) -> tuple[int, int]:
        """(rows, columns) up to the last non-blank value."""
        used = [k for k, c in self.cells.items() if "userEnteredValue" in c]
        return (
            max((r for r, _ in used), default=-1) + 1,
            max((c for _, c in used), default=-1) + 1,
        )


@dataclass
class Spreadsheet:
    key: str
    title: str
    sheets: list[Sheet] = field(default_factory=list)
    locale: str = "zh_CN"
    time_zone: str = "Asia/Shanghai"

    def sheet(self, title: str) -> Sheet:
        for sheet in self.sheets:
            if sheet.title == title:
                return sheet
        raise bad(f"Unable to parse range: {title}")

    def by_id(self, sheet_id: Any) -> Sheet:
        for sheet in self.sheets:
            if sheet.sheet_id == sheet_id:
                return sheet
        raise bad(f"No grid with id: {sheet_id}")

    def renumber(self) -> None:
        for index, sheet in enumerate(self.sheets):
            sheet.index = index


# --- values: python <-> CellData --------------------------------------------------------------


def serial(value: datetime | date | time) -> float | int:
    """A date as Sheets holds it: days since 1899-12-30, the time of day as the fraction."""
    if isinstance(value, datetime):
        number = (value.replace(tzinfo=None) - EPOCH) / timedelta(days=1)
        return int(number) if number.is_integer() else number
    if isinstance(value, date):
        return (value - EPOCH.date()).days
    return (value.hour * 3600 + value.minute * 60 + value.second) / 86400


def cell_of(value: Any, number_format: str | None = None) -> dict[str, Any]:
    """A Python value (as openpyxl holds it) as the CellData Sheets would keep for it."""
    if value is None:
        return {}
    if isinstance(value, bool):
        return {"userEnteredValue": {"boolValue": value}}
    if isinstance(value, datetime | date | time):
        kind = "TIME" if isinstance(value, time) else "DATE"
        if isinstance(value, datetime):
            kind = "DATE_TIME"
        pattern = number_format or {"DATE": "yyyy-mm-dd", "TIME": "hh:mm"}.get(
            kind, "yyyy-mm-dd hh:mm"
        )
        return {
            "userEnteredValue": {"numberValue": serial(value)},
            "userEnteredFormat": {"numberFormat": {"type": kind, "pattern": pattern}},
        }
    if isinstance(value, int | float):
        return {"userEnteredValue": {"numberValue": value}}
    text = str(value)
    if text.startswith("="):
        return {"userEnteredValue": {"formulaValue": text}}
    return {"userEnteredValue": {"stringValue": text}}


_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")


def entered(value: Any, option: str) -> dict[str, Any]:
    """A value sent through the values API as CellData, per ``valueInputOption``."""
    if value == "":
        return {}
    if option == "RAW" or not isinstance(value, str):
        if isinstance(value, str):
            return {"userEnteredValue": {"stringValue": value}}
        return cell_of(value)
    if value.startswith("'"):
        return {"userEnteredValue": {"stringValue": value[1:]}}
    if value.startswith("="):
        return {"userEnteredValue": {"formulaValue": value}}
    if _NUMBER.match(value.strip()):
        number = float(value)
        return {"userEnteredValue": {"numberValue": int(number) if number.is_integer() else number}}
    if value.strip().upper() in ("TRUE", "FALSE"):
        return {"userEnteredValue": {"boolValue": value.strip().upper() == "TRUE"}}
    match = _ISO.match(value.strip())
    if match:
        parts = [int(p) if p else 0 for p in match.groups()]
        try:
            moment = datetime(*parts)  # type: ignore[misc]
        except ValueError:
            return {"userEnteredValue": {"stringValue": value}}
        return cell_of(moment if match.group(4) else moment.date())
    return {"userEnteredValue": {"stringValue": value}}


def plain_number(number: float | int) -> float | int:
    """Google's JSON writes an integral double without a fraction: 350, not 350.0."""
    if isinstance(number, float) and number.is_integer() and abs(number) < 2**53:
        return int(number)
    return number


# --- A1 notation ------------------------------------------------------------------------------


def column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1


def column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def quote_title(title: str) -> str:
    return title if re.fullmatch(r"\w+", title) else "'" + title.replace("'", "''") + "'"


@dataclass
class Area:
    """A rectangle of one sheet, 0-based, end-exclusive; ``None`` ends run to the grid's edge."""

    sheet: Sheet
    row: int
    column: int
    end_row: int | None
    end_column: int | None

    def bounded(self) -> tuple[int, int, int, int]:
        end_row = self.sheet.rows if self.end_row is None else self.end_row
        end_column = self.sheet.columns if self.end_column is None else self.end_column
        return self.row, self.column, end_row, end_column

    def a1(self) -> str:
        row, column, end_row, end_column = self.bounded()
        first = f"{column_letters(column)}{row + 1}"
        last = f"{column_letters(end_column - 1)}{end_row}"
        return f"{quote_title(self.sheet.title)}!{first}" + (f":{last}" if last != first else "")


def split_range(text: str) -> tuple[str | None, str]:
    """``'It''s'!A1:B2`` -> ("It's", "A1:B2"); ``Sheet1`` -> ("Sheet1", "")."""
    if text.startswith("'"):
        end = 1
        while True:
            end = text.index("'", end)
            if text[end + 1 : end + 2] == "'":
                end += 2
                continue
            break
        title = text[1:end].replace("''", "'")
        rest = text[end + 1 :]
        return title, rest[1:] if rest.startswith("!") else rest
    if "!" in text:
        title, _, cells = text.rpartition("!")
        return title, cells
    return None, text


def parse_range(book: Spreadsheet, text: str) -> Area:
    title, cells = split_range(text.strip())
    if title is None:
        if any(s.title == cells for s in book.sheets):
            title, cells = cells, ""
        else:
            title = book.sheets[0].title
    sheet = book.sheet(title)
    if not cells:
        return Area(sheet, 0, 0, None, None)
    first, _, last = cells.partition(":")
    a, b = _A1.match(first), _A1.match(last or first)
    if a is None or b is None or not (a.group(1) or a.group(2)):
        raise bad(f"Unable to parse range: {text}")
    row = int(a.group(2)) - 1 if a.group(2) else 0
    column = column_index(a.group(1)) if a.group(1) else 0
    end_row = int(b.group(2)) if b.group(2) else None
    end_column = column_index(b.group(1)) + 1 if b.group(1) else None
    return Area(sheet, row, column, end_row, end_column)


def grid_area(book: Spreadsheet, grid: dict[str, Any]) -> Area:
    """A GridRange: missing indexes are unbounded; out of the grid is an error, as at Google."""
    sheet = book.by_id(grid.get("sheetId", 0))
    area = Area(
        sheet,
        grid.get("startRowIndex", 0),
        grid.get("startColumnIndex", 0),
        grid.get("endRowIndex"),
        grid.get("endColumnIndex"),
    )
    check_grid(area)
    return area


def check_grid(area: Area) -> None:
    row, column, end_row, end_column = area.bounded()
    if end_row > area.sheet.rows or end_column > area.sheet.columns or row < 0 or column < 0:
        raise bad(
            f"Range ({area.a1()}) exceeds grid limits. Max rows: {area.sheet.rows}, "
            f"max columns: {area.sheet.columns}"
        )


# --- field masks ------------------------------------------------------------------------------


def mask_paths(mask: str) -> list[list[str]]:
    """``a,b.c,d(e,f.g)`` -> [[a], [b, c], [d, e], [d, f, g]]."""
    paths: list[list[str]] = []

    def walk(text: str, prefix: list[str]) -> None:
        depth, start = 0, 0
        for i, char in enumerate(text + ","):
            if char == "(":
                depth += 1
            elif char == ")":
                depth -= 1
            elif char == "," and depth == 0:
                part = text[start:i].strip()
                start = i + 1
                if not part:
                    continue
                if "(" in part:
                    head, inner = part.split("(", 1)
                    walk(inner[:-1], prefix + head.split("."))
                else:
                    paths.append(prefix + part.split("."))

    walk(mask, [])
    return paths


def apply_mask(target: dict[str, Any], source: dict[str, Any], mask: str) -> None:
    """Set (or clear, when absent in ``source``) each masked field of ``target``."""
    paths = [[name] for name in CELL_FIELDS] if mask.strip() == "*" else mask_paths(mask)
    for path in paths:
        if path[0] not in CELL_FIELDS:
            raise bad(f"Invalid field mask: '{'.'.join(path)}' is not a field of CellData")
        src: Any = source
        for name in path:
            src = src.get(name) if isinstance(src, dict) else None
        node = target
        for name in path[:-1]:
            node = node.setdefault(name, {})
        if src is None:
            node.pop(path[-1], None)
        else:
            node[path[-1]] = copy.deepcopy(src)
        if not target.get(path[0]) and path[0] in target:
            del target[path[0]]


def select(data: Any, mask: str | None) -> Any:
    """Keep only the masked fields of a response (the ``fields`` query parameter)."""
    if not mask:
        return data
    tree: dict[str, Any] = {}
    for path in mask_paths(mask):
        node = tree
        for name in path:
            node = node.setdefault(name, {})
    return _select(data, tree)


def _select(data: Any, tree: dict[str, Any]) -> Any:
    if not tree:
        return data
    if isinstance(data, list):
        return [_select(item, tree) for item in data]
    if not isinstance(data, dict):
        return data
    return {k: _select(v, tree[k]) for k, v in data.items() if k in tree}


# --- rendering cells --------------------------------------------------------------------------


def effective(book: Spreadsheet, sheet: Sheet, cell: dict[str, Any]) -> Any:
    """The cell's value: a formula is computed (HYPERLINK, SUM; others are #ERROR!)."""
    value = cell.get("userEnteredValue")
    if not value:
        return None
    if "formulaValue" in value:
        return evaluate(book, sheet, value["formulaValue"])
    if "errorValue" in value:
        return "#ERROR!"
    return next(iter(value.values()))


def evaluate(book: Spreadsheet, sheet: Sheet, formula: str) -> Any:
    link = re.fullmatch(r'=HYPERLINK\("([^"]*)"\s*(?:,\s*"([^"]*)")?\)', formula, re.I)
    if link:
        return link.group(2) if link.group(2) is not None else link.group(1)
    total = re.fullmatch(r"=SUM\(([^)]*)\)", formula, re.I)
    if total:
        title, cells = split_range(total.group(1))
        area = parse_range(book, f"{quote_title(title or sheet.title)}!{cells}")
        row, column, end_row, end_column = area.bounded()
        numbers = [
            effective(book, area.sheet, area.sheet.cells.get((r, c), {}))
            for r in range(row, end_row)
            for c in range(column, end_column)
        ]
        numbers = [n for n in numbers if isinstance(n, int | float) and not isinstance(n, bool)]
        return plain_number(float(sum(numbers)))
    return "#ERROR!"


def render(book: Spreadsheet, sheet: Sheet, cell: dict[str, Any], how: str, dates: str) -> Any:
    """A cell as the values API returns it for ``valueRenderOption``/``dateTimeRenderOption``."""
    value = cell.get("userEnteredValue") or {}
    if how == "FORMULA" and "formulaValue" in value:
        return value["formulaValue"]
    result = effective(book, sheet, cell)
    if result is None:
        return ""
    number_format = cell.get("userEnteredFormat", {}).get("numberFormat", {})
    is_date = number_format.get("type") in ("DATE", "DATE_TIME", "TIME")
    if isinstance(result, bool):
        return result if how != "FORMATTED_VALUE" else ("TRUE" if result else "FALSE")
    if isinstance(result, int | float):
        if is_date and (how == "FORMATTED_VALUE" or dates == "FORMATTED_STRING"):
            return format_date(result, number_format.get("type", "DATE"))
        if how == "FORMATTED_VALUE":
            return str(plain_number(result))
        return plain_number(result)
    return result


def format_date(number: float, kind: str) -> str:
    moment = EPOCH + timedelta(days=number)
    moment = (moment + timedelta(microseconds=500_000)).replace(microsecond=0)
    if kind == "DATE":
        return moment.strftime("%Y-%m-%d")
    if kind == "TIME":
        return moment.strftime("%H:%M:%S")
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def value_rows(book: Spreadsheet, area: Area, how: str, dates: str) -> list[list[Any]]:
    """Rows of the area with trailing blank cells and trailing blank rows left out."""
    row, column, end_row, end_column = area.bounded()
    used_rows, used_columns = area.sheet.extent()
    rows: list[list[Any]] = []
    for r in range(row, min(end_row, used_rows)):
        values = [
            render(book, area.sheet, area.sheet.cells.get((r, c), {}), how, dates)
            for c in range(column, min(end_column, used_columns))
        ]
        while values and values[-1] == "":
            values.pop()
        rows.append(values)
    while rows and not rows[-1]:
        rows.pop()
    return rows


# --- the server -------------------------------------------------------------------------------


@dataclass
class Fault:
    code: int
    times: int
    retry_after: str | None = None
    message: str | None = None


class SheetsServer:
    """The Sheets API on 127.0.0.1:<free port>, in a thread; ``url`` is its api_root."""

    def __init__(self) -> None:
        self.books: dict[str, Spreadsheet] = {}
        self.forbidden: set[str] = set()
        self.counts: Counter[str] = Counter()
        self.faults: list[Fault] = []
        self.token: str | None = None  # set: demand "Authorization: Bearer <token>"
        self.assertions: list[str] = []  # service-account JWTs posted to /token
        self.authorizations: list[str | None] = []
        self.lock = threading.RLock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        self.httpd.serve_forever(poll_interval=0.01)  # a quick shutdown keeps tests fast

    def __enter__(self) -> SheetsServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()

    # -- set-up and inspection, for tests --

    def add_spreadsheet(
        self, key: str, sheets: dict[str, list[list[Any]]], title: str = ""
    ) -> Spreadsheet:
        book = Spreadsheet(key, title or key)
        for index, (name, rows) in enumerate(sheets.items()):
            sheet = Sheet(1000 + index if index else 0, name, index)
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    if value is not None:
                        sheet.cells[(r, c)] = cell_of(value)
            sheet.rows = max(1000, len(rows))
            sheet.columns = max(26, max((len(r) for r in rows), default=0))
            book.sheets.append(sheet)
        self.books[key] = book
        return book

    def add_empty(self, key: str, title: str = "新表格") -> Spreadsheet:
        """A spreadsheet as Google creates it: one empty sheet."""
        return self.add_spreadsheet(key, {"工作表1": []}, title)

    def add_workbook(self, key: str, workbook: Any, title: str = "") -> Spreadsheet:
        """An openpyxl workbook uploaded to Sheets: values, date formats, formulas, frozen rows."""
        book = Spreadsheet(key, title or key)
        for index, worksheet in enumerate(workbook.worksheets):
            sheet = Sheet(1000 + index if index else 0, worksheet.title, index)
            for row in worksheet.iter_rows():
                for cell in row:
                    if cell.value is not None:
                        data = cell_of(cell.value, _pattern(cell.number_format))
                        sheet.cells[(cell.row - 1, cell.column - 1)] = data
            sheet.rows = max(1000, worksheet.max_row)
            sheet.columns = max(26, worksheet.max_column)
            if worksheet.freeze_panes:
                sheet.frozen_rows = int(re.sub(r"\D", "", worksheet.freeze_panes)) - 1
            book.sheets.append(sheet)
        self.books[key] = book
        return book

    def fail_next(
        self, code: int, times: int = 1, retry_after: str | None = None, message: str | None = None
    ) -> None:
        """The next ``times`` requests, whatever they ask, get this error."""
        self.faults.append(Fault(code, times, retry_after, message))

    def values(self, key: str, title: str) -> list[list[Any]]:
        """What ``values.get`` with UNFORMATTED_VALUE would give (no request counted)."""
        book = self.books[key]
        return value_rows(
            book, Area(book.sheet(title), 0, 0, None, None), "UNFORMATTED_VALUE", "SERIAL_NUMBER"
        )

    def cell(self, key: str, title: str, ref: str) -> dict[str, Any]:
        area = parse_range(self.books[key], f"{quote_title(title)}!{ref}")
        return area.sheet.cells.get((area.row, area.column), {})

    def titles(self, key: str) -> list[str]:
        return [s.title for s in self.books[key].sheets]

    # -- dispatch --

    def handle(
        self, method: str, path: str, query: dict[str, list[str]], body: Any, auth: str | None
    ) -> Any:
        if path == "/token" and method == "POST":
            return self.issue_token(body)
        endpoint, key, rest = route(method, path)
        with self.lock:
            self.counts[endpoint] += 1
            self.authorizations.append(auth)
            self.inject()
            if self.token is not None and auth != f"Bearer {self.token}":
                raise ApiError(401, MESSAGES[401])
            if key in self.forbidden:
                raise ApiError(403, MESSAGES[403])
            if key not in self.books:
                raise ApiError(404, MESSAGES[404])
            book = self.books[key]
            return ENDPOINTS[endpoint](self, book, rest, query, body)

    def inject(self) -> None:
        if not self.faults:
            return
        fault = self.faults[0]
        fault.times -= 1
        if fault.times <= 0:
            self.faults.pop(0)
        error = ApiError(fault.code, fault.message or MESSAGES.get(fault.code, "error"))
        error.retry_after = fault.retry_after  # type: ignore[attr-defined]
        raise error

    def issue_token(self, form: Any) -> dict[str, Any]:
        self.assertions.append(str(form.get("assertion", "")))
        return {
            "access_token": self.token or "test-token",
            "expires_in": 3599,
            "token_type": "Bearer",
        }

    # -- endpoints --

    def spreadsheets_get(
        self, book: Spreadsheet, rest: str, query: dict[str, list[str]], body: Any
    ) -> Any:
        sheets = []
        for sheet in book.sheets:
            entry: dict[str, Any] = {"properties": sheet.properties()}
            if query.get("includeGridData", ["false"])[0] == "true":
                entry["data"] = [grid_data(book, sheet)]
            sheets.append(entry)
        answer = {
            "spreadsheetId": book.key,
            "properties": {
                "title": book.title,
                "locale": book.locale,
                "autoRecalc": "ON_CHANGE",
                "timeZone": book.time_zone,
            },
            "sheets": sheets,
            "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{book.key}/edit",
        }
        return select(answer, query.get("fields", [None])[0])

    def values_get(
        self, book: Spreadsheet, rest: str, query: dict[str, list[str]], body: Any
    ) -> Any:
        return value_range(book, rest, query)

    def values_batch_get(
        self, book: Spreadsheet, rest: str, query: dict[str, list[str]], body: Any
    ) -> Any:
        ranges = query.get("ranges", [])
        if not ranges:
            raise bad("Must specify at least one range.")
        return {
            "spreadsheetId": book.key,
            "valueRanges": [value_range(book, r, query) for r in ranges],
        }

    def values_update(
        self, book: Spreadsheet, rest: str, query: dict[str, list[str]], body: Any
    ) -> Any:
        option = input_option(query.get("valueInputOption", [None])[0])
        answer = write_values(book, {**body, "range": body.get("range", rest)}, option)
        return {"spreadsheetId": book.key, **answer}

    def values_batch_update(
        self, book: Spreadsheet, rest: str, query: dict[str, list[str]], body: Any
    ) -> Any:
        option = input_option(body.get("valueInputOption"))
        work = copy.deepcopy(book)
        responses = [
            {"spreadsheetId": book.key, **write_values(work, data, option)}
            for data in body.get("data", [])
        ]
        self.books[book.key] = work
        updated = {r["updatedRange"].rpartition("!")[0] for r in responses}
        return {
            "spreadsheetId": book.key,
            "totalUpdatedRows": sum(r["updatedRows"] for r in responses),
            "totalUpdatedColumns": sum(r["updatedColumns"] for r in responses),
            "totalUpdatedCells": sum(r["updatedCells"] for r in responses),
            "totalUpdatedSheets": len(updated),
            "responses": responses,
        }

    def values_append(
        self, book: Spreadsheet, rest: str, query: dict[str, list[str]], body: Any
    ) -> Any:
        option = input_option(query.get("valueInputOption", [None])[0])
        area = parse_range(book, rest)
        used_rows, _ = area.sheet.extent()
        table = Area(
            area.sheet, area.row, area.column, max(used_rows, area.row + 1), area.end_column
        )
        values = body.get("values", [])
        start = max(used_rows, area.row)
        area.sheet.rows = max(area.sheet.rows, start + len(values))  # append grows the grid
        target = Area(area.sheet, start, area.column, None, None)
        updates = write_values(book, {"range": target.a1().split(":")[0], "values": values}, option)
        return {
            "spreadsheetId": book.key,
            "tableRange": table.a1(),
            "updates": {"spreadsheetId": book.key, **updates},
        }

    def batch_update(
        self, book: Spreadsheet, rest: str, query: dict[str, list[str]], body: Any
    ) -> Any:
        work = copy.deepcopy(book)  # all or nothing, as at Google
        replies = []
        for number, request in enumerate(body.get("requests", [])):
            if not isinstance(request, dict) or len(request) != 1:
                raise bad(f"Invalid requests[{number}]: exactly one kind of request is allowed")
            kind, payload = next(iter(request.items()))
            if kind not in REQUESTS:
                raise bad(
                    f'Invalid JSON payload received. Unknown name "{kind}" at '
                    f"'requests[{number}]': Cannot find field."
                )
            try:
                replies.append(REQUESTS[kind](work, payload))
            except ApiError as error:
                raise bad(f"Invalid requests[{number}].{kind}: {error.message}") from None
        self.books[book.key] = work
        return {"spreadsheetId": book.key, "replies": replies}


def _pattern(number_format: str | None) -> str | None:
    return None if not number_format or number_format == "General" else number_format


def route(method: str, path: str) -> tuple[str, str, str]:
    found = re.fullmatch(r"/v4/spreadsheets/([^/:]+)(.*)", path)
    if not found:
        raise ApiError(404, f"Method not found: {method} {path}")
    key, rest = found.group(1), found.group(2)
    table = [
        ("GET", r"", "spreadsheets.get"),
        ("POST", r":batchUpdate", "spreadsheets.batchUpdate"),
        ("GET", r"/values:batchGet", "values.batchGet"),
        ("POST", r"/values:batchUpdate", "values.batchUpdate"),
        ("POST", r"/values/(.+):append", "values.append"),
        ("GET", r"/values/(.+)", "values.get"),
        ("PUT", r"/values/(.+)", "values.update"),
    ]
    for verb, pattern, name in table:
        match = re.fullmatch(pattern, rest)
        if verb == method and match:
            return name, key, match.group(1) if match.groups() else ""
    raise ApiError(404, f"Method not found: {method} {path}")


def input_option(option: Any) -> str:
    if option not in ("RAW", "USER_ENTERED"):
        raise bad(
            "'valueInputOption' is required but not specified"
            if option is None
            else f"Invalid valueInputOption: {option}"
        )
    return str(option)


def value_range(book: Spreadsheet, text: str, query: dict[str, list[str]]) -> dict[str, Any]:
    how = query.get("valueRenderOption", ["FORMATTED_VALUE"])[0]
    dates = query.get("dateTimeRenderOption", ["SERIAL_NUMBER"])[0]
    if query.get("majorDimension", ["ROWS"])[0] != "ROWS":
        raise bad("majorDimension COLUMNS is not implemented by this test server")
    area = parse_range(book, text)
    answer: dict[str, Any] = {"range": area.a1(), "majorDimension": "ROWS"}
    rows = value_rows(book, area, how, dates)
    if rows:
        answer["values"] = rows
    return answer


def write_values(book: Spreadsheet, data: dict[str, Any], option: str) -> dict[str, Any]:
    """One ValueRange written; ``None`` skips a cell, ``""`` clears it. Formats are kept."""
    area = parse_range(book, data.get("range", ""))
    values = data.get("values", [])
    if data.get("majorDimension", "ROWS") != "ROWS":
        raise bad("majorDimension COLUMNS is not implemented by this test server")
    width = max((len(r) for r in values), default=0)
    if area.end_row is not None and (area.end_row - area.row < len(values)):
        raise bad(
            f"Requested writing within range [{data.get('range')}], "
            f"but tried writing to row [{area.row + len(values)}]"
        )
    written = Area(area.sheet, area.row, area.column, area.row + len(values), area.column + width)
    check_grid(written)
    for r, row in enumerate(values):
        for c, value in enumerate(row):
            if value is None:
                continue
            cell = area.sheet.cells.setdefault((area.row + r, area.column + c), {})
            new = entered(value, option)
            cell.pop("userEnteredValue", None)
            if "userEnteredValue" in new:
                cell["userEnteredValue"] = new["userEnteredValue"]
            if "userEnteredFormat" in new and "numberFormat" not in cell.get(
                "userEnteredFormat", {}
            ):
                cell.setdefault("userEnteredFormat", {})["numberFormat"] = new["userEnteredFormat"][
                    "numberFormat"
                ]
    return {
        "updatedRange": written.a1() if values else area.a1(),
        "updatedRows": len(values),
        "updatedColumns": width,
        "updatedCells": sum(len(r) for r in values),
    }


def grid_data(book: Spreadsheet, sheet: Sheet) -> dict[str, Any]:
    rows, columns = (max((k[i] for k in sheet.cells), default=-1) + 1 for i in (0, 1))
    row_data = []
    for r in range(rows):
        cells = []
        for c in range(columns):
            cell = copy.deepcopy(sheet.cells.get((r, c), {}))
            value = effective(book, sheet, cell)
            if value is not None:
                kind = {bool: "boolValue", str: "stringValue"}.get(type(value), "numberValue")
                cell["effectiveValue"] = {kind: value}
                cell["formattedValue"] = render(
                    book, sheet, cell, "FORMATTED_VALUE", "FORMATTED_STRING"
                )
            cells.append(cell)
        row_data.append({"values": cells})
    return {"startRow": 0, "startColumn": 0, "rowData": row_data}


# --- spreadsheets.batchUpdate requests --------------------------------------------------------


def add_sheet(book: Spreadsheet, payload: dict[str, Any]) -> dict[str, Any]:
    props = payload.get("properties", {})
    ids = {s.sheet_id for s in book.sheets}
    sheet_id = props.get("sheetId", max(ids, default=0) + 1)
    if sheet_id in ids:
        raise bad(f"Sheet with id {sheet_id} already exists.")
    title = props.get("title", f"Sheet{len(book.sheets) + 1}")
    if any(s.title.casefold() == title.casefold() for s in book.sheets):
        raise bad(f'A sheet with the name "{title}" already exists. Please enter another name.')
    grid = props.get("gridProperties", {})
    sheet = Sheet(sheet_id, title, 0, grid.get("rowCount", 1000), grid.get("columnCount", 26))
    sheet.frozen_rows = grid.get("frozenRowCount", 0)
    if sheet.frozen_rows >= sheet.rows:
        raise bad("You can't freeze all visible rows on the sheet.")
    book.sheets.insert(min(props.get("index", len(book.sheets)), len(book.sheets)), sheet)
    book.renumber()
    return {"addSheet": {"properties": sheet.properties()}}


def delete_sheet(book: Spreadsheet, payload: dict[str, Any]) -> dict[str, Any]:
    sheet = book.by_id(payload.get("sheetId"))
    if len(book.sheets) == 1:
        raise bad("You can't remove all the sheets in a document.")
    book.sheets.remove(sheet)
    book.renumber()
    return {}


def update_sheet_properties(book: Spreadsheet, payload: dict[str, Any]) -> dict[str, Any]:
    props, mask = payload.get("properties", {}), payload.get("fields")
    if not mask:
        raise bad("At least one field must be specified in 'fields'.")
    sheet = book.by_id(props.get("sheetId"))
    for path in mask_paths(mask):
        name = ".".join(path)
        value: Any = props
        for part in path:
            value = value.get(part) if isinstance(value, dict) else None
        if name == "title":
            if any(
                s is not sheet and s.title.casefold() == str(value).casefold() for s in book.sheets
            ):
                raise bad(
                    f'A sheet with the name "{value}" already exists. Please enter another name.'
                )
            sheet.title = str(value)
        elif name == "index":
            book.sheets.remove(sheet)
            book.sheets.insert(min(int(value or 0), len(book.sheets)), sheet)
            book.renumber()
        elif name == "gridProperties.frozenRowCount":
            sheet.frozen_rows = int(value or 0)
        elif name == "gridProperties.rowCount":
            sheet.rows = int(value)
            sheet.cells = {k: v for k, v in sheet.cells.items() if k[0] < sheet.rows}
        elif name == "gridProperties.columnCount":
            sheet.columns = int(value)
            sheet.cells = {k: v for k, v in sheet.cells.items() if k[1] < sheet.columns}
        else:
            raise bad(f"Field '{name}' is not supported by this test server")
    if sheet.frozen_rows >= sheet.rows:
        raise bad("You can't freeze all visible rows on the sheet.")
    return {}


CONDITIONS = {
    "ONE_OF_LIST": (1, None),
    "NUMBER_BETWEEN": (2, 2),
    "BOOLEAN": (0, 2),
    "ONE_OF_RANGE": (1, 1),
}


def set_data_validation(book: Spreadsheet, payload: dict[str, Any]) -> dict[str, Any]:
    area = grid_area(book, payload.get("range", {}))
    rule = payload.get("rule")
    if rule is not None:
        condition = rule.get("condition", {})
        kind = condition.get("type")
        if kind not in CONDITIONS:
            raise bad(f"Invalid ConditionType for data validation: {kind}")
        low, high = CONDITIONS[kind]
        count = len(condition.get("values", []))
        if count < low or (high is not None and count > high):
            raise bad(f"Invalid DataValidation: {kind} needs {low}..{high} values, got {count}")
    area.sheet.validations.append({"range": payload.get("range"), "rule": copy.deepcopy(rule)})
    return {}


def update_cells(book: Spreadsheet, payload: dict[str, Any]) -> dict[str, Any]:
    mask = payload.get("fields")
    if not mask:
        raise bad("At least one field must be specified in 'fields'.")
    rows = payload.get("rows", [])
    if ("start" in payload) == ("range" in payload):
        raise bad("Exactly one of 'start' or 'range' must be set.")
    if "start" in payload:
        start = payload["start"]
        width = max((len(r.get("values", [])) for r in rows), default=0)
        grid = {
            "sheetId": start.get("sheetId", 0),
            "startRowIndex": start.get("rowIndex", 0),
            "startColumnIndex": start.get("columnIndex", 0),
            "endRowIndex": start.get("rowIndex", 0) + len(rows),
            "endColumnIndex": start.get("columnIndex", 0) + width,
        }
        area = grid_area(book, grid)
    else:
        area = grid_area(book, payload["range"])
    row, column, end_row, end_column = area.bounded()
    for r in range(row, end_row):
        given = rows[r - row].get("values", []) if r - row < len(rows) else []
        for c in range(column, end_column):
            source = given[c - column] if c - column < len(given) else {}
            check_cell(source)
            cell = area.sheet.cells.setdefault((r, c), {})
            apply_mask(cell, source, mask)
    return {}


def check_cell(cell: dict[str, Any]) -> None:
    value = cell.get("userEnteredValue") or {}
    if len(value) > 1:
        raise bad("Only one of numberValue, stringValue, boolValue, formulaValue may be set.")
    if "formulaValue" in value and not str(value["formulaValue"]).startswith("="):
        raise bad("formulaValue must start with '='")


def repeat_cell(book: Spreadsheet, payload: dict[str, Any]) -> dict[str, Any]:
    mask = payload.get("fields")
    if not mask:
        raise bad("At least one field must be specified in 'fields'.")
    area = grid_area(book, payload.get("range", {}))
    source = payload.get("cell", {})
    check_cell(source)
    row, column, end_row, end_column = area.bounded()
    for r in range(row, end_row):
        for c in range(column, end_column):
            apply_mask(area.sheet.cells.setdefault((r, c), {}), source, mask)
    return {}


def update_dimension_properties(book: Spreadsheet, payload: dict[str, Any]) -> dict[str, Any]:
    span = payload.get("range", {})
    sheet = book.by_id(span.get("sheetId", 0))
    dimension = span.get("dimension")
    if dimension not in ("ROWS", "COLUMNS"):
        raise bad("Invalid dimension: must be ROWS or COLUMNS")
    limit = sheet.rows if dimension == "ROWS" else sheet.columns
    if span.get("endIndex", limit) > limit:
        raise bad(f"Invalid range: endIndex {span.get('endIndex')} is beyond the grid ({limit})")
    if payload.get("fields") != "pixelSize":
        raise bad("This test server supports fields 'pixelSize' only")
    for index in range(span.get("startIndex", 0), span.get("endIndex", limit)):
        sheet.pixel_sizes[(dimension, index)] = int(payload["properties"]["pixelSize"])
    return {}


def append_cells(book: Spreadsheet, payload: dict[str, Any]) -> dict[str, Any]:
    """AppendCellsRequest: rows after the last row holding data; the grid grows to fit."""
    sheet = book.by_id(payload.get("sheetId", 0))
    mask = payload.get("fields")
    if not mask:
        raise bad("At least one field must be specified in 'fields'.")
    used = [r for (r, _), cell in sheet.cells.items() if cell.get("userEnteredValue")]
    start = max(used, default=-1) + 1
    rows = payload.get("rows", [])
    sheet.rows = max(sheet.rows, start + len(rows))
    for offset, row in enumerate(rows):
        values = row.get("values", [])
        sheet.columns = max(sheet.columns, len(values))
        for column, source in enumerate(values):
            check_cell(source)
            apply_mask(sheet.cells.setdefault((start + offset, column), {}), source, mask)
    return {}


REQUESTS = {
    "appendCells": append_cells,
    "addSheet": add_sheet,
    "deleteSheet": delete_sheet,
    "updateSheetProperties": update_sheet_properties,
    "setDataValidation": set_data_validation,
    "updateCells": update_cells,
    "repeatCell": repeat_cell,
    "updateDimensionProperties": update_dimension_properties,
}
ENDPOINTS = {
    "spreadsheets.get": SheetsServer.spreadsheets_get,
    "spreadsheets.batchUpdate": SheetsServer.batch_update,
    "values.get": SheetsServer.values_get,
    "values.batchGet": SheetsServer.values_batch_get,
    "values.update": SheetsServer.values_update,
    "values.batchUpdate": SheetsServer.values_batch_update,
    "values.append": SheetsServer.values_append,
}


def _handler(server: SheetsServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def answer(self, status: int, data: Any, headers: dict[str, str] | None = None) -> None:
            payload = json.dumps(data, ensure_ascii=False).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=UTF-8")
            self.send_header("Content-Length", str(len(payload)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)

        def dispatch(self, method: str) -> None:
            parts = urlsplit(self.path)
            query = parse_qs(parts.query, keep_blank_values=True)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                if self.headers.get("Content-Type", "").startswith(
                    "application/x-www-form-urlencoded"
                ):
                    body: Any = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
                else:
                    body = json.loads(raw) if raw else {}
            except ValueError:
                self.answer(400, bad("Invalid JSON payload received.").body())
                return
            try:
                data = server.handle(
                    method, unquote(parts.path), query, body, self.headers.get("Authorization")
                )
            except ApiError as error:
                extra = getattr(error, "retry_after", None)
                self.answer(error.code, error.body(), {"Retry-After": extra} if extra else None)
                return
            self.answer(200, data)

        def do_GET(self) -> None:  # noqa: N802
            self.dispatch("GET")

        def do_POST(self) -> None:  # noqa: N802
            self.dispatch("POST")

        def do_PUT(self) -> None:  # noqa: N802
            self.dispatch("PUT")

    return Handler
