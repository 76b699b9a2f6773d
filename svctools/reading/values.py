"""Reading one cell as its column's type (SPEC §2.1), the way a clerk typed it.

``converter(column)`` picks the parser once per column, so the per-cell work is one call. A parser
returns the typed value or raises ``CellError`` with the problem code; blanks never reach it.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any

from svctools.core.schema import Column, normalize
from svctools.sources.base import EPOCH_1900, Unreadable

Converter = Callable[[Any], Any]

EXCEL_ERRORS = frozenset({"#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!"})
_DATETIME = re.compile(
    r"^(?:(\d{4})\s*[-/.年]\s*)?(\d{1,2})\s*([-/.月])\s*(\d{1,2})\s*[日号]?"
    r"(?:(?:\s+|T|\s*)(上午|下午|晚上|中午|凌晨|早上)?\s*(\d{1,2})\s*"
    r"(?::\s*(\d{1,2})(?:\s*:\s*(\d{1,2}))?|[时点]\s*(?:(\d{1,2})\s*分?)?(?:\s*(\d{1,2})\s*秒)?))?$"
)
_AFTERNOON = {"下午": 12, "晚上": 12, "中午": 12}
_YYYYMMDD = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_ISO_MINUTES = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d(:\d\d)?", re.ASCII)  # the usual text
_MONEY_NOISE = re.compile(r"[\s¥$元]|RMB|CNY", re.IGNORECASE)
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")  # 1,234,567.50: commas group thousands
_THOUSANDS_DOT = re.compile(r"^[+-]?\d{1,3}\.\d{3}$")  # 1.200: 1.2, or 1200 as Europe writes it
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_INT = re.compile(r"^[+-]?\d+(\.0*)?$")
_PHONE_NOISE = re.compile(r"[\s\-()]")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
PLAIN_MOBILE = re.compile(r"1[3-9][0-9]{9}", re.ASCII)  # already clean: no NFKC, no strip
_LANDLINE = re.compile(r"^0\d{2,3}\d{7,8}$")
_EMAIL = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>.]+(\.[^@\s,;<>.]+)+$")
# _EMAIL where nothing is left to strip: an address that fullmatches is read as it is
PLAIN_EMAIL = re.compile(r"[^@\s,;<>]+@[^@\s,;<>.]+(\.[^@\s,;<>.]+)+")  # fullmatch
_TRUE = frozenset({"是", "y", "yes", "true", "√", "✓", "✔", "1", "对", "t"})
_FALSE = frozenset({"否", "n", "no", "false", "×", "✗", "✘", "x", "0", "f"})


class CellError(ValueError):
    """A cell that cannot be read as its type: ``code`` (SPEC §2.2) and a message ``detail``."""

    def __init__(self, code: str, detail: str = "", **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.detail = detail or code
        self.params = params


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text_of(value: Any) -> str:
    """A raw cell value as clean text: NFKC (full-width digits and signs) and stripped."""
    text = unicodedata.normalize("NFKC", value if isinstance(value, str) else str(value)).strip()
    if text in EXCEL_ERRORS:
        raise CellError("bad_value", "excel_error")
    return text


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def read_datetime(
    value: Any, epoch: datetime = EPOCH_1900, as_of: datetime | None = None
) -> datetime:
    """Real dates, Excel serials, ``yyyymmdd`` numbers and the text forms of SPEC §2.1.

    ``epoch``: serial day 0 of the book (``EPOCH_1904`` for a book saved with the 1904 date
    system), for numbers typed into a date column or read from a date format the reader did
    not recognise. ``as_of``: the year of a date typed without one (``10月5日 14:00``), the
    latest such date not after it."""
    if value.__class__ is datetime and not value.microsecond and value.tzinfo is None:
        return value  # the common case, already what it should be
    if isinstance(value, datetime):
        if value.microsecond:  # Excel's float time: 14:29:59.9996 is 14:30
            try:
                value = value.replace(microsecond=0) + timedelta(
                    seconds=value.microsecond >= 500_000
                )
            except OverflowError:  # the very last second Excel can hold
                value = value.replace(microsecond=0)
        return value.replace(tzinfo=None)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if _is_number(value):
        return _from_number(value, epoch)
    if isinstance(value, str):
        text = _text_of(value)
        if _ISO_MINUTES.fullmatch(text):  # a shape _DATETIME reads alike, five times faster
            try:
                return datetime.fromisoformat(text)
            except ValueError:
                pass
        match = _DATETIME.match(text)
        if match:
            moment = _typed_moment(match.groups(), as_of)
            if moment is not None:
                return moment
        match = _YYYYMMDD.match(text)
        if match:
            try:
                year, month, day = map(int, match.groups())
                return datetime(year, month, day)
            except ValueError:
                pass
        if _NUMBER.match(text):
            return _from_number(float(text), epoch)
    raise CellError("bad_value", "datetime")


def _typed_moment(groups: tuple[str | None, ...], as_of: datetime | None) -> datetime | None:
    """The moment of a ``_DATETIME`` match; a date without its year only with 月 and an as-of."""
    year, month, mark, day, half, hour, minute, second, minute_cn, second_cn = groups
    if year is None and (mark != "月" or as_of is None):
        return None
    clock = int(hour or 0)
    if half in _AFTERNOON and clock < 12:
        clock += _AFTERNOON[half]
    parts = (clock, int(minute or minute_cn or 0), int(second or second_cn or 0))
    try:
        if year is not None:
            return datetime(int(year), int(month or 0), int(day or 0), *parts)
        assert as_of is not None
        moment = datetime(as_of.year, int(month or 0), int(day or 0), *parts)
        return moment if moment <= as_of else moment.replace(year=as_of.year - 1)
    except ValueError:
        return None


def _from_number(value: float, epoch: datetime = EPOCH_1900) -> datetime:
    if 19000101 <= value <= 29991231 and float(value).is_integer():  # 20261005 typed as a number
        text = str(int(value))
        try:
            return datetime(int(text[:4]), int(text[4:6]), int(text[6:]))
        except ValueError:
            raise CellError("bad_value", "datetime") from None
    if not 1 <= value < 2958466:  # Excel's own range of serial dates
        raise CellError("bad_value", "datetime")
    moment = epoch + timedelta(days=float(value))
    return read_datetime(moment)


def read_date(value: Any, epoch: datetime = EPOCH_1900, as_of: datetime | None = None) -> date:
    if value.__class__ is datetime and not value.microsecond:
        return value.date()  # the common case: no rounding can move the day
    return read_datetime(value, epoch, as_of).date()


def read_money(value: Any) -> Decimal:
    """Numbers, ``¥1,234.50``, ``1234.5元``, full-width digits; negative is an error."""
    if _is_number(value):
        if isinstance(value, float) and not math.isfinite(value):
            raise CellError("bad_value", "money")
        amount = (
            Decimal(repr(round(float(value), 6))) if isinstance(value, float) else Decimal(value)
        )
    elif isinstance(value, str):
        text = _money_text(_MONEY_NOISE.sub("", _text_of(value)))
        if not _NUMBER.match(text):
            raise CellError("bad_value", "money")
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise CellError("bad_value", "money") from None
    else:
        raise CellError("bad_value", "money")
    if amount < 0:
        raise CellError("bad_value", "negative")
    return amount + 0  # normalise -0


def _money_text(text: str) -> str:
    """Money text without its thousands commas; text that could mean two amounts (``1.200,50``,
    ``1,5``, ``1.200``: a comma or a dot that may be a decimal mark) is refused, never guessed."""
    if "," in text:
        if not _GROUPED.match(text):
            raise CellError("bad_value", "ambiguous_money")
        return text.replace(",", "")
    if _THOUSANDS_DOT.match(text):
        raise CellError("bad_value", "ambiguous_money")
    return text


def int_reader(column: Column) -> Converter:
    labels = {normalize(label): number for label, number in column.labels}
    low, high = column.min, column.max

    def read_int(value: Any) -> int:
        if (
            value.__class__ is int
            and (low is None or value >= low)
            and (high is None or value <= high)
        ):
            return value  # the common case
        if _is_number(value):
            if not float(value).is_integer():
                raise CellError("bad_value", "int")
            number = int(value)
        elif isinstance(value, str):
            text = _text_of(value)
            if normalize(text) in labels:
                number = labels[normalize(text)]
            elif _INT.match(text):
                number = int(text.split(".")[0])
            else:
                raise CellError("bad_value", "int")
        else:
            raise CellError("bad_value", "int")
        if (low is not None and number < low) or (high is not None and number > high):
            raise CellError("bad_value", "range", min=low, max=high)
        return number

    return read_int


def read_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if _is_number(value) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        text = normalize(_text_of(value))
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    raise CellError("bad_value", "bool")


def enum_reader(column: Column) -> Converter:
    """An enum cell: the zh label, the en label or the key, any case and width."""
    options: dict[str, Any] = {}
    for option in column.enum:
        for name in (str(option.key), option.zh, option.en):
            options.setdefault(normalize(name), option.key)

    def read_enum(value: Any) -> Any:
        if _is_number(value) and float(value).is_integer():
            value = int(value)
        text = normalize(_text_of(value))
        if text not in options:
            raise CellError("not_in_enum")
        return options[text]

    return read_enum


def read_phone(value: Any) -> str:
    """A mobile or landline number as digits; spaces, dashes and +86/0086 removed."""
    if value.__class__ is str and PLAIN_MOBILE.fullmatch(value):
        return value  # the common case: nothing to clean
    if _is_number(value):
        if not float(value).is_integer():
            raise CellError("bad_phone")
        text = str(int(value))
    else:
        text = _PHONE_NOISE.sub("", _text_of(value))
    if text.startswith("+86"):
        text = text[3:]
    elif text.startswith("0086"):
        text = text[4:]
    if _MOBILE.match(text) or _LANDLINE.match(text):
        return text
    raise CellError("bad_phone")


def read_email(value: Any) -> str:
    text = _text_of(value)
    if _EMAIL.match(text):
        return text
    raise CellError("bad_email")


def read_text(value: Any) -> str:
    """Text as typed, stripped; a number that is really an id (``1001.0``) reads ``1001``."""
    if isinstance(value, str):  # the common case first
        text = value.strip()
        if text in EXCEL_ERRORS:
            raise CellError("bad_value", "excel_error")
        return text
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    return str(value)


_SIMPLE: dict[str, Converter] = {
    "datetime": read_datetime,
    "date": read_date,
    "money": read_money,
    "bool": read_bool,
    "phone": read_phone,
    "email": read_email,
    "text": read_text,
}


def converter(
    column: Column, epoch: datetime = EPOCH_1900, as_of: datetime | None = None
) -> Converter:
    """The parser for a column, chosen once from the schema (``epoch``: the book's, for dates;
    ``as_of``: the year of a date typed without one)."""
    if column.type == "int":
        return int_reader(column)
    if column.type == "enum":
        return enum_reader(column)
    if (epoch != EPOCH_1900 or as_of is not None) and column.type == "datetime":
        return partial(read_datetime, epoch=epoch, as_of=as_of)
    if (epoch != EPOCH_1900 or as_of is not None) and column.type == "date":
        return partial(read_date, epoch=epoch, as_of=as_of)
    return _SIMPLE[column.type]


_MEMO_LIMIT = 2048  # distinct texts remembered per column: labels, names, models, staff ids


def cell_reader(
    column: Column, latest: datetime | None = None, epoch: datetime = EPOCH_1900
) -> Converter:
    """One call per cell for whole rows on the happy path.

    Gives ``None`` for a blank cell, else what ``converter(column)`` gives; raises
    ``CellError`` for a bad cell, for a blank cell in a required column (``missing_required``)
    and for a datetime after ``latest`` (``future_time``), so that the caller can read that
    row again cell by cell and report it. Why: a book has millions of cells and most are
    already typed (real dates, whole numbers, plain text); those take a short path, and text
    results are remembered per column, so a repeated label or name is parsed once and stored
    once. Parsers are pure, so remembering is exact; only exact ``str`` keys are remembered
    (``1``, ``1.0`` and ``True`` read differently).
    """
    parse = converter(column, epoch, latest)
    required = column.required
    memo: dict[str, Any] = {}

    def blank() -> None:
        if required:
            raise CellError("missing_required")
        return None

    def general(value: Any) -> Any:
        if value is None:
            return blank()
        if isinstance(value, Unreadable):
            raise CellError(value.code)
        if value.__class__ is str:
            found = memo.get(value)
            if found is not None:
                return found
            if not value.strip():
                return blank()
            result = parse(value)
            if len(memo) < _MEMO_LIMIT:
                memo[value] = result
            return result
        if isinstance(value, str) and not value.strip():
            return blank()
        return parse(value)

    kind = column.type
    read: Converter = general
    if kind == "text":

        def read(value: Any) -> Any:
            if value.__class__ is str:
                found = memo.get(value)
                if found is not None:
                    return found
                text = value.strip()
                if not text:
                    return blank()
                if text in EXCEL_ERRORS:
                    raise CellError("bad_value", "excel_error")
                if len(memo) < _MEMO_LIMIT:
                    memo[value] = text
                return text
            return general(value)

    elif kind == "datetime":
        moment = general if latest is None else _no_later(general, latest)
        last = latest if latest is not None else datetime.max

        def read(value: Any) -> Any:
            if value.__class__ is datetime and not value.microsecond and value.tzinfo is None:
                if value > last:
                    raise CellError("future_time")
                return value
            if value is None and not required:  # an optional step not reached yet
                return None
            return moment(value)

    elif kind == "date":

        def read(value: Any) -> Any:
            if value.__class__ is datetime and not value.microsecond:
                return value.date()
            return general(value)

    elif kind == "money":
        read = _remember_numbers(general, parse)
    elif kind == "bool":

        def read(value: Any) -> Any:
            return value if value.__class__ is bool else general(value)

    elif kind == "phone":

        def read(value: Any) -> Any:
            if value.__class__ is str and PLAIN_MOBILE.fullmatch(value):
                return value
            if value.__class__ is int:  # Excel turned the phone number into a number
                text = str(value)
                if PLAIN_MOBILE.fullmatch(text):
                    return text
            return general(value)

    elif kind == "int":
        low, high = column.min, column.max

        def read(value: Any) -> Any:
            if (
                value.__class__ is int
                and (low is None or value >= low)
                and (high is None or value <= high)
            ):
                return value
            return general(value)

    return read


def _no_later(read: Converter, latest: datetime) -> Converter:
    def no_later(value: Any) -> Any:
        moment = read(value)
        if moment is not None and moment > latest:
            raise CellError("future_time")
        return moment

    return no_later


def _remember_numbers(general: Converter, parse: Converter) -> Converter:
    """Money typed as a number: each distinct amount becomes one ``Decimal``, shared."""
    numbers: dict[tuple[type, Any], Any] = {}

    def read(value: Any) -> Any:
        kind = value.__class__
        if kind is int or kind is float:
            key = (kind, value)  # 80 and 80.0 read differently: keep them apart
            found = numbers.get(key)
            if found is None:
                found = parse(value)
                if len(numbers) < _MEMO_LIMIT:
                    numbers[key] = found
            return found
        return general(value)

    return read
