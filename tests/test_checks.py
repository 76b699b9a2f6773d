"""Validation (SPEC §2.2): break one cell of the valid book, validate, find exactly that problem.

Locations are worked out from the valid book's layout (column letters listed in ``conftest.py``);
the valid book's facts used below: C001 was called 2026-10-05 14:30 and bought 2026-03-01 (in
warranty), C002 called 2026-10-12 09:15 and bought 2024-05-20 (out of warranty); W001 is completed
(dispatched 2026-10-05 15:10, accepted 15:30), W002 in progress; T02 left on 2025-06-30 and is
referenced by no row; contract HT001 runs 2026-01-01 to 2026-12-31; AS_OF is 2026-11-20 09:00.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import (
    AS_OF,
    SHEET,
    drop_column,
    set_cell,
    valid_rows,
    validate_book,
    where,
    write_book,
)

from svctools.core.problems import Problem

CALLS = SHEET["call_log"]
LEDGER = SHEET["repair_ledger"]
PARTS = SHEET["parts_used"]
COMPLAINTS = SHEET["complaints"]
STAFF = SHEET["staff"]
STORES = SHEET["stores"]
CONTRACTS = SHEET["contracts"]
CALLBACKS = SHEET["callbacks"]

E, W = "error", "warning"
SPEC_KEYS = {"severity", "sheet", "row", "column", "field", "cell", "code", "value", "message"}
_CJK = re.compile(r"[\u4e00-\u9fff]")


def broken(tmp_path: Path, *edits: tuple[str, int, str, Any]) -> list[Problem]:
    """Validate the valid book with ``(sheet, row, header, value)`` cells changed."""
    book = valid_rows()
    for sheet, row, header, value in edits:
        set_cell(book, sheet, row, header, value)
    return validate_book(write_book(tmp_path / "book.xlsx", book)).problems


def located(problem: Problem) -> tuple[Any, ...]:
    return (*where(problem), problem.value)


def assert_clerk_messages(problem: Problem) -> None:
    zh, en = problem.message("zh"), problem.message("en")
    assert zh and en and zh != en
    assert "\n" not in zh and "\n" not in en
    assert _CJK.search(zh)
    assert "{" not in zh and "{" not in en  # every placeholder filled
    if problem.column is not None and problem.code != "missing_sheet":
        assert problem.column in zh and problem.column in en
    for lang in ("zh", "en"):
        data = problem.to_dict(lang)
        assert set(data) == SPEC_KEYS
        assert data["message"] == problem.message(lang)
        assert (data["severity"], data["code"], data["sheet"], data["row"]) == (
            problem.severity,
            problem.code,
            problem.sheet,
            problem.row,
        )
        assert (data["column"], data["field"], data["cell"]) == (
            problem.column,
            problem.field,
            problem.cell,
        )


def test_valid_book_has_no_problems(valid_book: Path) -> None:
    assert validate_book(valid_book).problems == []
    assert validate_book(valid_book, lang="en").problems == []


# --- one broken cell, one problem ----------------------------------------------------------------

# (sheet, Excel row, header, new value) -> (severity, code, sheet, row, column, field, cell, value)
# fmt: off
ONE_CELL = [
    # missing_required
    pytest.param(
        (CALLS, 3, "客户姓名", None),
        (E, "missing_required", CALLS, 3, "客户姓名", "customer_name", "C3", None),
        id="missing_required-customer",
    ),
    pytest.param(
        (LEDGER, 2, "完工时间", None),
        (E, "missing_required", LEDGER, 2, "完工时间", "completed_at", "I2", None),
        id="missing_required-completed_at-when-completed",
    ),
    pytest.param(
        (LEDGER, 2, "故障原因", None),
        (E, "missing_required", LEDGER, 2, "故障原因", "fault_cause", "L2", None),
        id="missing_required-fault_cause-when-completed",
    ),
    pytest.param(
        (PARTS, 3, "成本单价", None),
        (E, "missing_required", PARTS, 3, "成本单价", "unit_cost", "E3", None),
        id="missing_required-unit_cost",
    ),
    pytest.param(
        (CALLBACKS, 2, "回访人", "  "),
        (E, "missing_required", CALLBACKS, 2, "回访人", "staff_id", "C2", None),
        id="missing_required-spaces-only",
    ),
    # bad_value
    pytest.param(
        (CALLS, 2, "来电时间", "昨天下午"),
        (E, "bad_value", CALLS, 2, "来电时间", "call_time", "B2", "昨天下午"),
        id="bad_value-datetime",
    ),
    pytest.param(
        (CONTRACTS, 2, "起始日期", "2026-02-30"),
        (E, "bad_value", CONTRACTS, 2, "起始日期", "start_date", "E2", "2026-02-30"),
        id="bad_value-date",
    ),
    pytest.param(
        (CALLS, 2, "故障等级", 5),
        (E, "bad_value", CALLS, 2, "故障等级", "fault_level", "L2", 5),
        id="bad_value-fault-level-5",
    ),
    pytest.param(
        (PARTS, 2, "数量", 0),
        (E, "bad_value", PARTS, 2, "数量", "qty", "D2", 0),
        id="bad_value-qty-0",
    ),
    pytest.param(
        (STAFF, 2, "技能等级", 9),
        (E, "bad_value", STAFF, 2, "技能等级", "skill_level", "D2", 9),
        id="bad_value-skill-9",
    ),
    pytest.param(
        (LEDGER, 3, "工时费", -120),
        (E, "bad_value", LEDGER, 3, "工时费", "labour_fee", "M3", -120),
        id="bad_value-negative-money",
    ),
    pytest.param(
        (CALLS, 2, "加急", "也许"),
        (E, "bad_value", CALLS, 2, "加急", "urgent", "M2", "也许"),
        id="bad_value-bool",
    ),
    # not_in_enum
    pytest.param(
        (CALLS, 2, "渠道", "短信"),
        (E, "not_in_enum", CALLS, 2, "渠道", "channel", "G2", "短信"),
        id="not_in_enum-channel",
    ),
    pytest.param(
        (LEDGER, 3, "状态", "完工了"),
        (E, "not_in_enum", LEDGER, 3, "状态", "status", "E3", "完工了"),
        id="not_in_enum-status",
    ),
    pytest.param(
        (CALLBACKS, 3, "满意度", 6),
        (E, "not_in_enum", CALLBACKS, 3, "满意度", "satisfaction", "D3", 6),
        id="not_in_enum-satisfaction-6",
    ),
    # bad_phone / bad_email
    pytest.param(
        (CALLS, 2, "联系电话", "12345"),
        (E, "bad_phone", CALLS, 2, "联系电话", "phone", "D2", "12345"),
        id="bad_phone-call",
    ),
    pytest.param(
        (CONTRACTS, 2, "联系电话", "021-123"),
        (E, "bad_phone", CONTRACTS, 2, "联系电话", "phone", "C2", "021-123"),
        id="bad_phone-contract",
    ),
    pytest.param(
        (CALLS, 2, "客户邮箱", "liu.example.com"),
        (E, "bad_email", CALLS, 2, "客户邮箱", "email", "E2", "liu.example.com"),
        id="bad_email-call",
    ),
    pytest.param(
        (STORES, 3, "门店邮箱", "haidian@"),
        (E, "bad_email", STORES, 3, "门店邮箱", "email", "D3", "haidian@"),
        id="bad_email-store",
    ),
    # duplicate_key (T02's row now repeats T01; nothing referred to T02)
    pytest.param(
        (STAFF, 4, "工号", "T01"),
        (E, "duplicate_key", STAFF, 4, "工号", "staff_id", "A4", "T01"),
        id="duplicate_key-staff",
    ),
    # unknown_ref
    pytest.param(
        (LEDGER, 2, "维修员", "T99"),
        (E, "unknown_ref", LEDGER, 2, "维修员", "technician_id", "C2", "T99"),
        id="unknown_ref-technician",
    ),
    pytest.param(
        (LEDGER, 3, "来电编号", "C999"),
        (E, "unknown_ref", LEDGER, 3, "来电编号", "call_id", "B3", "C999"),
        id="unknown_ref-call",
    ),
    pytest.param(
        (PARTS, 3, "工单号", "W999"),
        (E, "unknown_ref", PARTS, 3, "工单号", "order_id", "A3", "W999"),
        id="unknown_ref-parts-order",
    ),
    pytest.param(
        (COMPLAINTS, 2, "关联工单", "W404"),
        (E, "unknown_ref", COMPLAINTS, 2, "关联工单", "order_id", "E2", "W404"),
        id="unknown_ref-complaint-order",
    ),
    pytest.param(
        (STAFF, 2, "所属门店", "S09"),
        (E, "unknown_ref", STAFF, 2, "所属门店", "store_id", "F2", "S09"),
        id="unknown_ref-store",
    ),
    pytest.param(
        (CALLBACKS, 2, "工单号", "W999"),
        (E, "unknown_ref", CALLBACKS, 2, "工单号", "order_id", "A2", "W999"),
        id="unknown_ref-callback-order",
    ),
    # time_order
    pytest.param(
        (CALLS, 2, "首次响应时间", datetime(2026, 10, 5, 14, 0)),
        (E, "time_order", CALLS, 2, "首次响应时间", "first_response_at", "O2",
         datetime(2026, 10, 5, 14, 0)),
        id="time_order-response-before-call",
    ),
    pytest.param(
        (CALLS, 2, "购买日期", date(2026, 10, 6)),
        (E, "time_order", CALLS, 2, "购买日期", "purchase_date", "J2", date(2026, 10, 6)),
        id="time_order-purchase-after-call",
    ),
    pytest.param(
        (LEDGER, 2, "派单时间", datetime(2026, 10, 5, 14, 0)),
        (E, "time_order", LEDGER, 2, "派单时间", "dispatched_at", "F2",
         datetime(2026, 10, 5, 14, 0)),
        id="time_order-dispatch-before-call-other-sheet",
    ),
    pytest.param(
        (LEDGER, 2, "完工时间", datetime(2026, 10, 5, 15, 0)),
        (E, "time_order", LEDGER, 2, "完工时间", "completed_at", "I2",
         datetime(2026, 10, 5, 15, 0)),
        id="time_order-completed-before-accepted",
    ),
    pytest.param(
        (LEDGER, 3, "待料结束", datetime(2026, 10, 13, 17, 0)),
        (E, "time_order", LEDGER, 3, "待料结束", "parts_wait_to", "Q3",
         datetime(2026, 10, 13, 17, 0)),
        id="time_order-parts-wait",
    ),
    pytest.param(
        (COMPLAINTS, 2, "结案时间", datetime(2026, 10, 19, 12, 0)),
        (E, "time_order", COMPLAINTS, 2, "结案时间", "closed_at", "L2",
         datetime(2026, 10, 19, 12, 0)),
        id="time_order-closed-before-received",
    ),
    pytest.param(
        (CONTRACTS, 2, "到期日期", date(2026, 1, 1)),
        (E, "time_order", CONTRACTS, 2, "到期日期", "end_date", "F2", date(2026, 1, 1)),
        id="time_order-contract-ends-on-start",
    ),
    pytest.param(
        (STAFF, 4, "离职日期", date(2021, 12, 31)),
        (E, "time_order", STAFF, 4, "离职日期", "left_on", "I4", date(2021, 12, 31)),
        id="time_order-left-before-hired",
    ),
    # future_time (datetime columns only)
    pytest.param(
        (CALLBACKS, 3, "回访时间", datetime(2026, 11, 21, 10, 0)),
        (E, "future_time", CALLBACKS, 3, "回访时间", "called_at", "B3",
         datetime(2026, 11, 21, 10, 0)),
        id="future_time-callback",
    ),
    pytest.param(
        (COMPLAINTS, 2, "结案时间", datetime(2026, 11, 20, 9, 1)),
        (E, "future_time", COMPLAINTS, 2, "结案时间", "closed_at", "L2",
         datetime(2026, 11, 20, 9, 1)),
        id="future_time-one-minute-after-as-of",
    ),
    pytest.param(
        (CALLS, 3, "首次响应时间", "2026-12-01 10:00"),
        (E, "future_time", CALLS, 3, "首次响应时间", "first_response_at", "O3",
         datetime(2026, 12, 1, 10, 0)),
        id="future_time-typed-as-text",
    ),
    # inactive_staff: work dated after T02's left_on (2025-06-30)
    pytest.param(
        (CALLS, 2, "受理人", "T02"),
        (W, "inactive_staff", CALLS, 2, "受理人", "taken_by", "N2", "T02"),
        id="inactive_staff-call-taken_by",
    ),
    pytest.param(
        (LEDGER, 2, "维修员", "T02"),
        (W, "inactive_staff", LEDGER, 2, "维修员", "technician_id", "C2", "T02"),
        id="inactive_staff-technician",
    ),
    pytest.param(
        (COMPLAINTS, 2, "受理人", "T02"),
        (W, "inactive_staff", COMPLAINTS, 2, "受理人", "handled_by", "H2", "T02"),
        id="inactive_staff-complaint-handled_by",
    ),
    pytest.param(
        (CALLBACKS, 2, "回访人", "T02"),
        (W, "inactive_staff", CALLBACKS, 2, "回访人", "staff_id", "C2", "T02"),
        id="inactive_staff-callback",
    ),
    pytest.param(
        (CONTRACTS, 2, "负责人", "T02"),
        (W, "inactive_staff", CONTRACTS, 2, "负责人", "owner_id", "I2", "T02"),
        id="inactive_staff-contract-owner",
    ),
    # warranty_mismatch, on the ledger's warranty cell
    pytest.param(
        (LEDGER, 2, "保修状态", "保外"),
        (W, "warranty_mismatch", LEDGER, 2, "保修状态", "warranty", "K2", "保外"),
        id="warranty_mismatch-says-out-is-in",
    ),
    pytest.param(
        (LEDGER, 3, "保修状态", "保内"),
        (W, "warranty_mismatch", LEDGER, 3, "保修状态", "warranty", "K3", "保内"),
        id="warranty_mismatch-says-in-is-out",
    ),
]
# fmt: on


@pytest.mark.parametrize(("edit", "expected"), ONE_CELL)
def test_one_broken_cell_is_one_problem(
    tmp_path: Path, edit: tuple[str, int, str, Any], expected: tuple[Any, ...]
) -> None:
    problems = broken(tmp_path, edit)
    assert [located(p) for p in problems] == [expected]
    assert_clerk_messages(problems[0])


NOT_PROBLEMS = [
    pytest.param((CONTRACTS, 2, "到期日期", date(2030, 12, 31)), id="contract-end-far-ahead"),
    pytest.param((CONTRACTS, 3, "起始日期", date(2026, 11, 25)), id="contract-start-ahead"),
    pytest.param((STAFF, 2, "入职日期", date(2027, 1, 1)), id="hired-on-ahead"),
    pytest.param((CALLBACKS, 3, "回访时间", AS_OF), id="called-at-exactly-as-of"),
    pytest.param((CALLS, 2, "首次响应时间", datetime(2026, 10, 5, 14, 30)), id="response-at-call"),
    pytest.param((CALLS, 2, "购买日期", date(2026, 10, 5)), id="bought-on-call-day"),
    pytest.param((LEDGER, 2, "接单时间", datetime(2026, 10, 5, 15, 10)), id="accepted-at-dispatch"),
    pytest.param((CONTRACTS, 2, "到期日期", date(2026, 1, 2)), id="contract-one-day"),
    pytest.param((STAFF, 4, "离职日期", date(2022, 1, 4)), id="left-on-hire-day"),
    pytest.param((LEDGER, 3, "完工时间", None), id="not-completed-no-completed-at"),
    pytest.param((LEDGER, 2, "保修状态", None), id="warranty-blank-is-derived"),
    pytest.param((COMPLAINTS, 2, "责任人", "T02"), id="responsible-is-not-assigned-work"),
    pytest.param((CALLS, 2, "客户邮箱", None), id="optional-blank"),
]


@pytest.mark.parametrize("edit", NOT_PROBLEMS)
def test_not_a_problem(tmp_path: Path, edit: tuple[str, int, str, Any]) -> None:
    assert broken(tmp_path, edit) == []


def test_status_completed_requires_completed_at_and_fault_cause(tmp_path: Path) -> None:
    problems = broken(tmp_path, (LEDGER, 3, "状态", "已完工"))  # W002 has neither
    assert [located(p) for p in problems] == [
        (E, "missing_required", LEDGER, 3, "完工时间", "completed_at", "I3", None),
        (E, "missing_required", LEDGER, 3, "故障原因", "fault_cause", "L3", None),
    ]
    for problem in problems:
        assert_clerk_messages(problem)


def test_duplicate_key_reported_on_each_occurrence_after_the_first(tmp_path: Path) -> None:
    book = valid_rows()
    set_cell(book, COMPLAINTS, 3, "投诉编号", "K001")
    book[COMPLAINTS].append(list(book[COMPLAINTS][1]))  # row 4: K001 again
    problems = validate_book(write_book(tmp_path / "book.xlsx", book)).problems
    assert [located(p) for p in problems] == [
        (E, "duplicate_key", COMPLAINTS, 3, "投诉编号", "complaint_id", "A3", "K001"),
        (E, "duplicate_key", COMPLAINTS, 4, "投诉编号", "complaint_id", "A4", "K001"),
    ]
    assert "2" in problems[0].message("zh")  # names the first occurrence's row


@pytest.mark.parametrize(
    ("left_on", "expected"),
    [
        (date(2026, 10, 4), [(W, "inactive_staff", LEDGER, 2, "维修员", "technician_id", "C2")]),
        (date(2026, 10, 5), []),  # dispatched 2026-10-05 15:10: the day they left, not after
        (date(2026, 10, 6), []),
    ],
)
def test_inactive_staff_only_after_left_on(
    tmp_path: Path, left_on: date, expected: list[tuple[Any, ...]]
) -> None:
    problems = broken(tmp_path, (STAFF, 4, "离职日期", left_on), (LEDGER, 2, "维修员", "T02"))
    assert [where(p) for p in problems] == expected


@pytest.mark.parametrize(
    ("purchase", "expected"),
    [
        (date(2025, 10, 5), []),  # call 2026-10-05 = purchase + 12 months: still in warranty
        (date(2025, 10, 4), [(W, "warranty_mismatch", LEDGER, 2, "保修状态", "warranty", "K2")]),
    ],
)
def test_warranty_boundary_is_purchase_plus_12_months(
    tmp_path: Path, purchase: date, expected: list[tuple[Any, ...]]
) -> None:
    assert [where(p) for p in broken(tmp_path, (CALLS, 2, "购买日期", purchase))] == expected


# --- sheets and columns ----------------------------------------------------------------------


def test_missing_sheet_is_a_warning(tmp_path: Path) -> None:
    book = valid_rows()
    del book[CONTRACTS]
    problems = validate_book(write_book(tmp_path / "book.xlsx", book)).problems
    assert [where(p) for p in problems] == [(W, "missing_sheet", CONTRACTS, None, None, None, None)]
    assert CONTRACTS in problems[0].message("zh")
    assert_clerk_messages(problems[0])


def test_missing_required_column_is_one_error(tmp_path: Path) -> None:
    book = valid_rows()
    drop_column(book, CALLS, "联系电话")
    set_cell(book, CALLS, 3, "客户姓名", None)  # other problems of the sheet still reported
    problems = validate_book(write_book(tmp_path / "book.xlsx", book)).problems
    assert [located(p) for p in problems] == [
        (E, "missing_column", CALLS, 1, "联系电话", "phone", None, None),
        (E, "missing_required", CALLS, 3, "客户姓名", "customer_name", "C3", None),
    ]
    for problem in problems:
        assert_clerk_messages(problem)


def test_missing_id_column_hides_no_other_problem_and_invents_none(tmp_path: Path) -> None:
    """Without 工号 no reference to staff can be checked; nothing is reported as unknown."""
    book = valid_rows()
    drop_column(book, STAFF, "工号")
    set_cell(book, CALLS, 2, "联系电话", "12345")
    problems = validate_book(write_book(tmp_path / "book.xlsx", book)).problems
    assert [where(p) for p in problems] == [
        (E, "bad_phone", CALLS, 2, "联系电话", "phone", "D2"),
        (E, "missing_column", STAFF, 1, "工号", "staff_id", None),
    ]


# --- one bad cell never hides another --------------------------------------------------------


def test_two_broken_cells_in_different_sheets_are_both_reported(tmp_path: Path) -> None:
    problems = broken(tmp_path, (CALLS, 2, "联系电话", "12345"), (CONTRACTS, 3, "客户邮箱", "liu@"))
    assert {where(p) for p in problems} == {
        (E, "bad_phone", CALLS, 2, "联系电话", "phone", "D2"),
        (E, "bad_email", CONTRACTS, 3, "客户邮箱", "email", "D3"),
    }
    assert len(problems) == 2


def test_several_problems_in_one_row_are_all_reported(tmp_path: Path) -> None:
    problems = broken(
        tmp_path,
        (LEDGER, 2, "维修员", "T99"),
        (LEDGER, 2, "工时费", "abc"),
        (LEDGER, 2, "完工时间", None),
        (LEDGER, 2, "保修状态", "保外"),
    )
    assert {where(p) for p in problems} == {
        (E, "unknown_ref", LEDGER, 2, "维修员", "technician_id", "C2"),
        (E, "bad_value", LEDGER, 2, "工时费", "labour_fee", "M2"),
        (E, "missing_required", LEDGER, 2, "完工时间", "completed_at", "I2"),
        (W, "warranty_mismatch", LEDGER, 2, "保修状态", "warranty", "K2"),
    }
    assert len(problems) == 4


def test_one_broken_cell_in_every_sheet_all_reported(tmp_path: Path) -> None:
    problems = broken(
        tmp_path,
        (STORES, 2, "门店邮箱", "x@"),
        (STAFF, 3, "岗位", "厨师"),
        (CALLS, 3, "故障等级", "五级"),
        (LEDGER, 3, "已收金额", "-1"),
        (PARTS, 2, "数量", 0),
        (COMPLAINTS, 3, "投诉类别", "特急"),
        (CONTRACTS, 2, "负责人", "Z01"),
        (CALLBACKS, 3, "回访时间", datetime(2026, 12, 1, 9, 0)),
    )
    assert {where(p) for p in problems} == {
        (E, "bad_email", STORES, 2, "门店邮箱", "email", "D2"),
        (E, "not_in_enum", STAFF, 3, "岗位", "role", "C3"),
        (E, "bad_value", CALLS, 3, "故障等级", "fault_level", "L3"),
        (E, "bad_value", LEDGER, 3, "已收金额", "amount_paid", "T3"),
        (E, "bad_value", PARTS, 2, "数量", "qty", "D2"),
        (E, "not_in_enum", COMPLAINTS, 3, "投诉类别", "severity", "F3"),
        (E, "unknown_ref", CONTRACTS, 2, "负责人", "owner_id", "I2"),
        (E, "future_time", CALLBACKS, 3, "回访时间", "called_at", "B3"),
    }
    assert len(problems) == 8


def test_english_messages(tmp_path: Path) -> None:
    book = valid_rows()
    set_cell(book, CALLS, 2, "联系电话", "12345")
    del book[CONTRACTS]
    problems = validate_book(write_book(tmp_path / "book.xlsx", book), lang="en").problems
    by_code = {p.code: p for p in problems}
    assert set(by_code) == {"bad_phone", "missing_sheet"}
    assert by_code["bad_phone"].column == "联系电话"  # the header as written, in any language
    assert "Contracts" in by_code["missing_sheet"].message("en")
    for problem in problems:
        assert problem.to_dict("en")["message"] == problem.message("en")
        assert re.search(r"[A-Za-z]{4,}", problem.message("en"))


@pytest.mark.parametrize(
    ("header", "value"),
    [("联系\n电话", "12345"), ("联系电话", "138\n1234")],
    ids=["line-break-in-header", "line-break-in-value"],
)
def test_message_is_one_line_even_with_line_breaks_in_cells(
    tmp_path: Path, header: str, value: str
) -> None:
    book = valid_rows()
    book[CALLS][0][3] = header
    book[CALLS][1][3] = value
    problems = validate_book(write_book(tmp_path / "book.xlsx", book)).problems
    assert [(p.code, p.cell) for p in problems] == [("bad_phone", "D2")]
    for lang in ("zh", "en"):
        assert "\n" not in problems[0].message(lang)
