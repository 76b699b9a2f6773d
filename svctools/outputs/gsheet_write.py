"""Writing to a Google Sheet: laying out an empty one (``init``), marking problems
(``validate --annotate``), and svctools' own tabs (``remind --write-back``).

Every write is one ``batchUpdate`` through the same client that reads (``sources.gsheet``),
and never touches a value cell the clerk typed.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from svctools.core.errors import UsageError
from svctools.core.messages import Msg, by_lang, says, word
from svctools.core.records import column_letter, column_number
from svctools.outputs.render import PROBLEM_COLUMNS
from svctools.sources.gsheet import (
    WRITE_SCOPES,
    Backoff,
    Spreadsheet,
    connect,
    is_google_spec,
    open_spreadsheet,
    parse_spec,
    quote_title,
)

if TYPE_CHECKING:
    from svctools.core.policy import Policy
    from svctools.core.problems import Problem
    from svctools.core.schema import Column, Schema, Sheet


PROBLEMS_TAB = by_lang("gsheet.problems_tab")
_BOOL = by_lang(("gsheet.bool.yes", "gsheet.bool.no"))
_CELL = re.compile(r"^([A-Z]+)(\d+)$")


def _problem_headers(lang: str) -> list[str]:
    return says(tuple(f"col.{c}" for c in PROBLEM_COLUMNS), lang)


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
                raise UsageError(Msg("gsheet.has_data", name=sheet.name, title=title))
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
        requests_ += _header_requests(
            sheet_id, spec.columns, lang, _pick_ranges(schema, spec, lang)
        )
    return requests_


def _pick_ranges(schema: Schema, spec: Sheet, lang: str) -> dict[str, str]:
    """Column key -> the range of IDs its dropdown offers (the people columns: staff IDs)."""
    ranges = {}
    for column in spec.columns:
        found = schema.pick_list(column)
        if found is not None:
            listed, position = found
            letter = column_letter(position + 1)
            title = listed.title(lang).replace("'", "''")
            ranges[column.key] = f"='{title}'!{letter}2:{letter}"
    return ranges


def _rgb(hex_color: str) -> dict[str, float]:
    return {
        k: int(hex_color[i : i + 2], 16) / 255
        for k, i in zip("red green blue".split(), (0, 2, 4), strict=True)
    }


def _header_requests(
    sheet_id: int, columns: Sequence[Column], lang: str, picks: Mapping[str, str] | None = None
) -> list[dict[str, Any]]:
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
        if rule is None and picks and column.key in picks:
            condition = {
                "type": "ONE_OF_RANGE",
                "values": [{"userEnteredValue": picks[column.key]}],
            }
            rule = {"condition": condition, "strict": False, "showCustomUi": True}
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
    tab_id: int, problems: Sequence[Problem], sheet: Spreadsheet, lang: str
) -> dict[str, Any]:
    bold = {"textFormat": {"bold": True}}
    rows = [{"values": [_cell(h) | {"userEnteredFormat": bold} for h in _problem_headers(lang)]}]
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
            _cell(word("level", problem.severity, lang)),
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


def _listed_cells(sheet: Spreadsheet, tabs: Sequence[str]) -> set[tuple[str, str]]:
    """The (sheet, cell) pairs an earlier problems tab lists: where its notes were put."""
    cells = set()
    for rows in sheet.values(tabs).values():
        for number, values in rows:
            if number > 1 and len(values) > 1 and values[0] in sheet.grids:
                if isinstance(values[1], str) and _CELL.match(values[1]):
                    cells.add((str(values[0]), values[1]))
    return cells


def _note_requests(
    problems: Sequence[Problem], sheet: Spreadsheet, lang: str, listed: set[tuple[str, str]]
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
    sheet = Spreadsheet(key, client, email)
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


# --- writing: dispatch --write-back ------------------------------------------------------------


def replace_tab(
    spec: str,
    policy: Policy,
    title: str,
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    earlier: Sequence[str] = (),
    widths: Sequence[int] = (),
    backoff: Backoff | None = None,
) -> int:
    """Write ``header`` and ``rows`` as svctools' own tab ``title``, replacing an earlier run's
    tab (``title`` or any of ``earlier``): one metadata read and ONE ``batchUpdate``, so the tab
    is all of this run's rows or unchanged; no cell of any other tab is touched. Text stays text.
    Returns the rows written."""
    sheet = open_spreadsheet(spec, policy, WRITE_SCOPES, backoff)
    try:
        old = [t for t in dict.fromkeys((title, *earlier)) if t in sheet.grids]
        requests_: list[dict[str, Any]] = [
            {"deleteSheet": {"sheetId": sheet.sheet_id(t)}} for t in old
        ]
        tab_id = max((int(p["sheetId"]) for p in sheet.grids.values()), default=0) + 1
        grid = {"rowCount": len(rows) + 1, "columnCount": len(header), "frozenRowCount": 1}
        props = {"sheetId": tab_id, "title": title, "index": 0, "gridProperties": grid}
        requests_.append({"addSheet": {"properties": props}})
        bold = {"textFormat": {"bold": True}}
        cells = [{"values": [_cell(h) | {"userEnteredFormat": bold} for h in header]}]
        cells += [{"values": [_cell(_logged(value)) for value in row]} for row in rows]
        requests_.append(
            {
                "updateCells": {
                    "rows": cells,
                    "fields": "userEnteredValue,userEnteredFormat.textFormat",
                    "start": {"sheetId": tab_id, "rowIndex": 0, "columnIndex": 0},
                }
            }
        )
        requests_ += [_width_request(tab_id, i, chars) for i, chars in enumerate(widths)]
        with sheet.errors(title):
            sheet.batch_update(requests_)
    finally:
        sheet.close()
    return len(rows)
