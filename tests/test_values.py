"""Reading one cell (SPEC §2.1): every value form the SPEC lists, per type, plus a property test.

Expected values are worked out from the SPEC: 2026-10-05 is Excel serial 46300 (days since
1899-12-30), 14:30 is 14.5 / 24 = 0.604166… of a day.
"""

from __future__ import annotations

import re
import time as time_module
from collections.abc import Iterator
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

import pytest
from depth import examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from svctools.core.schema import Column, load_schema
from svctools.reading.values import (
    _DATETIME,
    CellError,
    _typed_moment,
    converter,
    enum_reader,
    int_reader,
    read_bool,
    read_date,
    read_datetime,
    read_email,
    read_money,
    read_phone,
    read_text,
)

SCHEMA = load_schema()
OCT5 = datetime(2026, 10, 5)
OCT5_1430 = datetime(2026, 10, 5, 14, 30)
SERIAL_OCT5 = 46300
SERIAL_OCT5_1430 = 46300 + 14.5 / 24


def column(sheet: str, key: str) -> Column:
    return SCHEMA[sheet].by_key[key]


def error_code(read: Any, value: Any) -> str:
    with pytest.raises(CellError) as caught:
        read(value)
    return caught.value.code


# --- datetime / date -------------------------------------------------------------------------

DATETIME_FORMS = [
    pytest.param(OCT5_1430, OCT5_1430, id="excel-datetime"),
    pytest.param(date(2026, 10, 5), OCT5, id="excel-date"),
    pytest.param(SERIAL_OCT5, OCT5, id="serial-int"),
    pytest.param(float(SERIAL_OCT5), OCT5, id="serial-float"),
    pytest.param(SERIAL_OCT5_1430, OCT5_1430, id="serial-with-time"),
    pytest.param("2026-10-05 14:30", OCT5_1430, id="iso-dash"),
    pytest.param("2026/10/5 14:30", OCT5_1430, id="slash"),
    pytest.param("2026.10.05", OCT5, id="dotted-date"),
    pytest.param("2026年10月5日 14时30分", OCT5_1430, id="chinese-datetime"),
    pytest.param("2026年10月5日", OCT5, id="chinese-date"),
    pytest.param("2026-10-05", OCT5, id="iso-date"),
    pytest.param("  2026-10-05 14:30  ", OCT5_1430, id="surrounding-spaces"),
    pytest.param("２０２６－１０－０５　１４：３０", OCT5_1430, id="full-width"),
    pytest.param("２０２６年１０月５日", OCT5, id="full-width-chinese"),
]

BAD_DATETIMES = [
    pytest.param("明天下午", id="words"),
    pytest.param("2026-13-01", id="month-13"),
    pytest.param("2026-02-30", id="feb-30"),
    pytest.param("2026年10月", id="no-day"),
    pytest.param("14:30", id="time-only-text"),
    pytest.param(time(14, 30), id="time-only-cell"),
    pytest.param(True, id="bool"),
    pytest.param(-5, id="negative-number"),
    pytest.param("#VALUE!", id="excel-error"),
]


@pytest.mark.parametrize(("raw", "expected"), DATETIME_FORMS)
def test_datetime_forms(raw: Any, expected: datetime) -> None:
    value = read_datetime(raw)
    assert type(value) is datetime
    assert value == expected
    assert value.tzinfo is None


@pytest.mark.parametrize(("raw", "expected"), DATETIME_FORMS)
def test_date_forms(raw: Any, expected: datetime) -> None:
    value = read_date(raw)
    assert type(value) is date
    assert value == expected.date()


@pytest.mark.parametrize("raw", BAD_DATETIMES)
def test_bad_datetime_is_bad_value(raw: Any) -> None:
    assert error_code(read_datetime, raw) == "bad_value"
    assert error_code(read_date, raw) == "bad_value"


@pytest.fixture
def machine_in_new_york(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The machine's own timezone is far from Asia/Shanghai for the duration of a test."""
    monkeypatch.setenv("TZ", "America/New_York")
    time_module.tzset()
    yield
    monkeypatch.undo()
    time_module.tzset()


@pytest.mark.usefixtures("machine_in_new_york")
@pytest.mark.parametrize(
    "raw", [OCT5_1430, SERIAL_OCT5_1430, "2026-10-05 14:30", "2026年10月5日 14时30分"]
)
def test_datetime_never_shifted_by_machine_timezone(raw: Any) -> None:
    assert read_datetime(raw) == OCT5_1430


# --- money -----------------------------------------------------------------------------------

MONEY_FORMS = [
    pytest.param(1234, Decimal("1234"), id="int"),
    pytest.param(1234.5, Decimal("1234.5"), id="float"),
    pytest.param(0.1, Decimal("0.1"), id="float-0.1-not-binary-noise"),
    pytest.param(0, Decimal("0"), id="zero"),
    pytest.param("¥1,234.50", Decimal("1234.50"), id="yen-thousands"),
    pytest.param("￥1,234.50", Decimal("1234.50"), id="full-width-yen"),
    pytest.param("1234.5元", Decimal("1234.5"), id="yuan-suffix"),
    pytest.param("１２３", Decimal("123"), id="full-width-digits"),
    pytest.param("１２３．５", Decimal("123.5"), id="full-width-decimal"),
    pytest.param(" 88 ", Decimal("88"), id="spaces"),
]


@pytest.mark.parametrize(("raw", "expected"), MONEY_FORMS)
def test_money_forms(raw: Any, expected: Decimal) -> None:
    value = read_money(raw)
    assert type(value) is Decimal
    assert value == expected


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(-5, id="negative-int"),
        pytest.param(-0.01, id="negative-float"),
        pytest.param("-5", id="negative-text"),
        pytest.param("¥-1,000.00", id="negative-yen"),
        pytest.param("一百元", id="words"),
        pytest.param("1.2.3", id="two-points"),
        pytest.param("abc", id="letters"),
        pytest.param(True, id="bool"),
        pytest.param(OCT5, id="datetime"),
    ],
)
def test_bad_money_is_bad_value(raw: Any) -> None:
    assert error_code(read_money, raw) == "bad_value"


def test_money_nan_is_bad_value() -> None:
    assert error_code(read_money, float("nan")) == "bad_value"


def test_money_infinity_is_bad_value() -> None:
    assert error_code(read_money, float("inf")) == "bad_value"


# --- int -------------------------------------------------------------------------------------

FAULT_LEVEL = ("call_log", "fault_level")
QTY = ("parts_used", "qty")
SKILL = ("staff", "skill_level")
REWORK = ("repair_ledger", "rework_count")


@pytest.mark.parametrize(
    ("where", "raw", "expected"),
    [
        pytest.param(FAULT_LEVEL, 3, 3, id="int"),
        pytest.param(FAULT_LEVEL, 3.0, 3, id="float-3.0"),
        pytest.param(FAULT_LEVEL, "3", 3, id="text-3"),
        pytest.param(FAULT_LEVEL, "3.0", 3, id="text-3.0"),
        pytest.param(FAULT_LEVEL, "３", 3, id="full-width"),
        pytest.param(FAULT_LEVEL, " 2 ", 2, id="spaces"),
        pytest.param(FAULT_LEVEL, "一级", 1, id="yiji"),
        pytest.param(FAULT_LEVEL, "二级", 2, id="erji"),
        pytest.param(FAULT_LEVEL, "三级", 3, id="sanji"),
        pytest.param(FAULT_LEVEL, "四级", 4, id="siji"),
        pytest.param(FAULT_LEVEL, 1, 1, id="level-1-lowest"),
        pytest.param(FAULT_LEVEL, 4, 4, id="level-4-highest"),
        pytest.param(QTY, 1, 1, id="qty-1"),
        pytest.param(QTY, "12", 12, id="qty-12"),
        pytest.param(SKILL, 5, 5, id="skill-5"),
        pytest.param(REWORK, 0, 0, id="rework-0"),
    ],
)
def test_int_forms(where: tuple[str, str], raw: Any, expected: int) -> None:
    value = int_reader(column(*where))(raw)
    assert type(value) is int
    assert value == expected


@pytest.mark.parametrize(
    ("where", "raw"),
    [
        pytest.param(FAULT_LEVEL, 5, id="fault-level-5"),
        pytest.param(FAULT_LEVEL, "5", id="fault-level-text-5"),
        pytest.param(FAULT_LEVEL, 0, id="fault-level-0"),
        pytest.param(FAULT_LEVEL, "五级", id="wuji"),
        pytest.param(FAULT_LEVEL, 2.5, id="fraction"),
        pytest.param(FAULT_LEVEL, "2.5", id="text-fraction"),
        pytest.param(FAULT_LEVEL, "high", id="word"),
        pytest.param(FAULT_LEVEL, True, id="bool"),
        pytest.param(QTY, 0, id="qty-0"),
        pytest.param(QTY, -1, id="qty-negative"),
        pytest.param(SKILL, 9, id="skill-9"),
        pytest.param(REWORK, -1, id="rework-negative"),
    ],
)
def test_bad_int_is_bad_value(where: tuple[str, str], raw: Any) -> None:
    assert error_code(int_reader(column(*where)), raw) == "bad_value"


# --- bool ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("是", True),
        ("否", False),
        ("Y", True),
        ("N", False),
        ("y", True),
        ("n", False),
        ("yes", True),
        ("no", False),
        ("YES", True),
        ("No", False),
        ("true", True),
        ("false", False),
        ("TRUE", True),
        ("False", False),
        ("√", True),
        ("×", False),
        ("1", True),
        ("0", False),
        (1, True),
        (0, False),
        (1.0, True),
        (0.0, False),
        (True, True),
        (False, False),
        (" 是 ", True),
    ],
)
def test_bool_forms(raw: Any, expected: bool) -> None:
    assert read_bool(raw) is expected


@pytest.mark.parametrize("raw", ["也许", "maybe", 2, -1, "2", OCT5])
def test_bad_bool_is_bad_value(raw: Any) -> None:
    assert error_code(read_bool, raw) == "bad_value"


# --- enum ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("where", "raw", "expected"),
    [
        pytest.param(("call_log", "channel"), "微信", "wechat", id="zh-label"),
        pytest.param(("call_log", "channel"), "wechat", "wechat", id="en-label"),
        pytest.param(("call_log", "channel"), " 微信 ", "wechat", id="zh-spaces"),
        pytest.param(("call_log", "channel"), "WeChat", "wechat", id="en-case"),
        pytest.param(("call_log", "channel"), "  PHONE ", "phone", id="en-upper-spaces"),
        pytest.param(("call_log", "channel"), "APP", "app", id="zh-label-app"),
        pytest.param(("call_log", "channel"), "app", "app", id="key-app"),
        pytest.param(("repair_ledger", "service_mode"), "寄修", "mail_in", id="mode-zh"),
        pytest.param(("repair_ledger", "service_mode"), "MAIL_IN", "mail_in", id="mode-key"),
        pytest.param(("repair_ledger", "status"), "已完工", "completed", id="status-zh"),
        pytest.param(("repair_ledger", "status"), "Completed", "completed", id="status-en"),
        pytest.param(("repair_ledger", "status"), "in_progress", "in_progress", id="status-key"),
        pytest.param(("repair_ledger", "warranty"), "保内", "in", id="warranty-zh"),
        pytest.param(("repair_ledger", "warranty"), "OUT", "out", id="warranty-en"),
        pytest.param(("repair_ledger", "fault_cause"), "人为损坏", "human", id="cause-zh"),
        pytest.param(("repair_ledger", "qc_result"), "不合格", "fail", id="qc-zh"),
        pytest.param(("complaints", "severity"), "严重", "serious", id="severity-zh"),
        pytest.param(("staff", "role"), "维修员", "technician", id="role-zh"),
        pytest.param(("staff", "status"), "On_Duty", "on_duty", id="staff-status-key"),
        pytest.param(("contracts", "renewal_status"), "未续签", "pending", id="renewal-zh"),
        pytest.param(("callbacks", "satisfaction"), "非常满意", 5, id="satisfaction-zh"),
        pytest.param(("callbacks", "satisfaction"), "Very Satisfied", 5, id="satisfaction-en"),
        pytest.param(("callbacks", "satisfaction"), "不满意", 2, id="satisfaction-zh-2"),
        pytest.param(("callbacks", "satisfaction"), 4, 4, id="satisfaction-int"),
        pytest.param(("callbacks", "satisfaction"), 4.0, 4, id="satisfaction-float"),
        pytest.param(("callbacks", "satisfaction"), "1", 1, id="satisfaction-text-digit"),
    ],
)
def test_enum_forms(where: tuple[str, str], raw: Any, expected: Any) -> None:
    assert enum_reader(column(*where))(raw) == expected


@pytest.mark.parametrize(
    ("where", "raw"),
    [
        pytest.param(("call_log", "channel"), "短信", id="unknown-zh"),
        pytest.param(("call_log", "channel"), "fax", id="unknown-en"),
        pytest.param(("repair_ledger", "status"), "完工了", id="status-near-miss"),
        pytest.param(("repair_ledger", "warranty"), "保修", id="warranty-word"),
        pytest.param(("callbacks", "satisfaction"), 6, id="satisfaction-6"),
        pytest.param(("callbacks", "satisfaction"), 0, id="satisfaction-0"),
        pytest.param(("callbacks", "satisfaction"), 4.5, id="satisfaction-fraction"),
    ],
)
def test_bad_enum_is_not_in_enum(where: tuple[str, str], raw: Any) -> None:
    assert error_code(enum_reader(column(*where)), raw) == "not_in_enum"


# --- phone -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("13812345678", "13812345678", id="mobile"),
        pytest.param("138 1234 5678", "13812345678", id="spaces"),
        pytest.param("138-1234-5678", "13812345678", id="dashes"),
        pytest.param("+86 138 1234 5678", "13812345678", id="plus86-spaces"),
        pytest.param("+8613812345678", "13812345678", id="plus86"),
        pytest.param("0086 13812345678", "13812345678", id="0086"),
        pytest.param("008613812345678", "13812345678", id="0086-joined"),
        pytest.param(13812345678, "13812345678", id="numeric-cell-int"),
        pytest.param(13812345678.0, "13812345678", id="numeric-cell-float"),
        pytest.param("19912345678", "19912345678", id="mobile-19"),
        pytest.param("010-12345678", "01012345678", id="landline-beijing"),
        pytest.param("0755-1234567", "07551234567", id="landline-3-digit-area-7"),
        pytest.param("021 8765 4321", "02187654321", id="landline-spaces"),
        pytest.param("１３８１２３４５６７８", "13812345678", id="full-width"),
    ],
)
def test_phone_forms(raw: Any, expected: str) -> None:
    assert read_phone(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param("12345", id="short"),
        pytest.param("12812345678", id="mobile-12-prefix"),
        pytest.param("1381234567", id="mobile-10-digits"),
        pytest.param("138123456789", id="mobile-12-digits"),
        pytest.param("10-12345678", id="landline-no-zero"),
        pytest.param("010-123456", id="landline-6-digits"),
        pytest.param("+1 415 555 0100", id="foreign"),
        pytest.param("电话坏了", id="words"),
        pytest.param(13812345678.5, id="numeric-fraction"),
    ],
)
def test_bad_phone(raw: Any) -> None:
    assert error_code(read_phone, raw) == "bad_phone"


# --- email and text --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("liu@example.com", "liu@example.com"),
        (" liu@example.com ", "liu@example.com"),
        ("a.b+c@mail.example.com.cn", "a.b+c@mail.example.com.cn"),
    ],
)
def test_email_forms(raw: str, expected: str) -> None:
    assert read_email(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "liu.example.com",
        "liu@",
        "@example.com",
        "liu@example",
        "a@b@example.com",
        "liu @example.com",
        "liu@example.com; wang@example.com",
    ],
)
def test_bad_email(raw: str) -> None:
    assert error_code(read_email, raw) == "bad_email"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("  张三  ", "张三", id="stripped"),
        pytest.param("KX-200", "KX-200", id="as-typed"),
        pytest.param(1001, "1001", id="numeric-id-int"),
        pytest.param(1001.0, "1001", id="numeric-id-float"),
    ],
)
def test_text_forms(raw: Any, expected: str) -> None:
    assert read_text(raw) == expected


# --- converter picks the right reader ----------------------------------------------------------


@pytest.mark.parametrize(
    ("where", "raw", "expected"),
    [
        (("call_log", "call_time"), "2026/10/5 14:30", OCT5_1430),
        (("call_log", "purchase_date"), "2026年10月5日", date(2026, 10, 5)),
        (("call_log", "fault_level"), "二级", 2),
        (("call_log", "urgent"), "√", True),
        (("call_log", "channel"), "电话", "phone"),
        (("call_log", "phone"), 13812345678, "13812345678"),
        (("call_log", "email"), "liu@example.com", "liu@example.com"),
        (("call_log", "customer_name"), " 刘女士 ", "刘女士"),
        (("repair_ledger", "labour_fee"), "¥1,234.50", Decimal("1234.50")),
        (("parts_used", "qty"), "３", 3),
    ],
)
def test_converter_follows_column_type(where: tuple[str, str], raw: Any, expected: Any) -> None:
    value = converter(column(*where))(raw)
    assert value == expected
    assert type(value) is type(expected)


# --- property: any cell value, any column, nothing but CellError ------------------------------

ALL_COLUMNS = [c for sheet in SCHEMA.sheets for c in sheet.columns]
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}\d{7,8}$")

CELL_VALUES = st.one_of(
    st.text(),
    st.text(alphabet="0123456789 -/.:年月日时分秒T¥,元+一二三四级", max_size=24),
    st.text(alphabet="￥０１２３４５６７８９．－：　", max_size=16),
    st.integers(),
    st.integers(min_value=-10, max_value=3_000_000),
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=-10, max_value=3_000_000),
    st.booleans(),
    st.datetimes(),
    st.dates(),
    st.times(),
    st.decimals(allow_nan=True, allow_infinity=True),
)


def _check_type(col: Column, value: Any) -> None:
    """What a successful read must be, per the column's type (SPEC §2, §2.1)."""
    if col.type == "datetime":
        assert type(value) is datetime and value.tzinfo is None
    elif col.type == "date":
        assert type(value) is date
    elif col.type == "money":
        assert type(value) is Decimal and value.is_finite() and value >= 0
    elif col.type == "int":
        assert type(value) is int
        assert col.min is None or value >= col.min
        assert col.max is None or value <= col.max
    elif col.type == "bool":
        assert type(value) is bool
    elif col.type == "enum":
        assert value in {option.key for option in col.enum}
    elif col.type == "phone":
        assert _MOBILE.match(value) or _LANDLINE.match(value)
    elif col.type == "email":
        assert type(value) is str and "@" in value
    else:
        assert type(value) is str


@settings(max_examples=examples(600), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(col=st.sampled_from(ALL_COLUMNS), value=CELL_VALUES)
def test_any_value_any_column_raises_only_cell_error(col: Column, value: Any) -> None:
    try:
        result = converter(col)(value)
    except CellError as error:
        assert error.code in {"bad_value", "not_in_enum", "bad_phone", "bad_email"}
        if col.type != "enum":
            assert error.code != "not_in_enum"
        return
    _check_type(col, result)


@pytest.mark.parametrize(
    "raw",
    [2958465.99999999, datetime(9999, 12, 31, 23, 59, 59, 999_999)],
    ids=["serial", "datetime"],
)
def test_last_excel_second_raises_only_cell_error(raw: Any) -> None:
    try:
        value = read_datetime(raw)
    except CellError:
        return
    assert value.year == 9999


def test_display_never_gives_json_what_it_cannot_hold() -> None:
    import json

    from svctools.core.problems import display

    # NaN and infinities as text: json.dumps would otherwise write NaN / Infinity (not JSON).
    assert json.dumps([display(float("nan")), display(float("-inf")), display(3.0)]) == (
        '["nan", "-inf", 3]'
    )


@settings(max_examples=examples(300), deadline=None)
@given(
    st.from_regex(r"\A\d{4}-\d\d-\d\d \d\d:\d\d(:\d\d)?\Z")
    | st.datetimes(datetime(1900, 1, 1), datetime(2999, 12, 31)).map(
        lambda d: d.strftime("%Y-%m-%d %H:%M:%S" if d.second % 2 else "%Y-%m-%d %H:%M")
    )
)
def test_the_iso_shortcut_reads_as_the_general_pattern(text: str) -> None:
    """``2026-10-05 14:30`` takes a shortcut (``fromisoformat``): same value, same refusal."""
    match = _DATETIME.match(text)
    assert match is not None
    expected: Any = _typed_moment(match.groups(), None) or "bad_value"
    try:
        found: Any = read_datetime(text)
    except CellError as error:
        found = error.code
    assert found == expected
