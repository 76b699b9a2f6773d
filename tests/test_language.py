"""Chinese by default, English with --lang en: errors, refusals, config errors (issue 13 items 3, 7,
8), the one wording catalogue (core/messages.py), and --month as clerks type it."""

from __future__ import annotations

import json
import re
import string
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import set_cell, valid_rows, write_book

from svctools.cli import cli
from svctools.core.clock import parse_month
from svctools.core.errors import UsageError
from svctools.core.messages import CATALOGUE, Msg, duration, say

AS_OF = "2026-11-20T09:00"


def run(*args: object) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout, result.stderr


def one_line(err: str) -> str:
    assert err.count("\n") == 1, err
    return err


def config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "svctools.toml"
    path.write_text(text, encoding="utf-8")
    return path


# ------------------------------------------------------------------ the catalogue


def test_every_message_has_both_languages_and_formats() -> None:
    def fields(template: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(template) if name}

    for message_id, (zh, en) in CATALOGUE.items():
        assert zh and en, message_id
        params = dict.fromkeys(fields(zh) | fields(en), 1)
        assert say(message_id, "zh", **params) and say(message_id, "en", **params), message_id


def test_a_msg_is_worded_when_shown() -> None:
    error = UsageError(Msg("arg.month", text="2026-13"))
    assert str(error).startswith("--month '2026-13': give a month as YYYY-MM")
    assert error.text("zh").startswith("--month '2026-13'：请写年月")
    assert say("book.hint_header", "en") == "fix the header row first"
    with pytest.raises(KeyError):
        Msg("no.such.message")


# ------------------------------------------------------------------ item 3: errors in Chinese


def test_missing_book_in_chinese_and_english(tmp_path: Path) -> None:
    missing = tmp_path / "nope.xlsx"
    code, _, err = run("validate", missing)
    assert code == 2 and one_line(err) == f"svctools: {missing}：文件不存在\n"
    code, _, err = run("--lang", "en", "validate", missing)
    assert code == 2 and one_line(err) == f"svctools: {missing}: no such file\n"
    code, _, err = run("validate", missing, "--lang", "en")  # after the command as well
    assert code == 2 and err.endswith(": no such file\n")


@pytest.mark.parametrize(
    ("text", "zh", "en"),
    [
        (
            '[penalty]\nlate_response = "5"\n',
            "[penalty] → 你是想写 [penalties] 吗？",
            "penalty: unknown key; did you mean penalties?",
        ),
        (
            "[sla]\nrepair_dayz = 3\n",
            "[sla] repair_dayz → 你是想写 [sla] repair_days 吗？",
            "sla.repair_dayz: unknown key; did you mean sla.repair_days?",
        ),
        (
            '[penalties]\nlate_response = "abc"\n',
            '[penalties] late_response：应为数字（填的是 "abc"）',
            "penalties.late_response: Input should be a valid decimal",
        ),
        (
            "[sla]\nrepair_days = 0\n",
            "[sla] repair_days：应大于 0（填的是 0）",
            "sla.repair_days: Input should be greater than 0",
        ),
        (
            "[nothing_like_it]\n",
            "[nothing_like_it] 不是可用的配置项",
            "nothing_like_it: unknown key",
        ),
        (
            "[calendar]\nworking_hours = []\n",
            "[calendar] working_hours：至少需要一个工作时段",
            "calendar.working_hours: at least one working-hours window is needed",
        ),
        (
            "lang = “en”\n",
            "第 1 行第 8 列有误（Invalid value）；文件里有全角引号 “”：TOML 只认半角引号",
            "Invalid value (at line 1, column 8); the file has full-width quotes “”: TOML needs",
        ),
    ],
)
def test_config_errors_name_the_key_and_suggest_the_nearest(
    tmp_path: Path, text: str, zh: str, en: str
) -> None:
    path = config(tmp_path, text)
    code, _, err = run("--config", path, "config")
    assert code == 2 and zh in one_line(err) and str(path) in err
    assert "Input should" not in err
    code, _, err = run("--lang", "en", "--config", path, "config")
    assert code == 2 and en in one_line(err)


def test_a_config_that_says_lang_en_gets_its_errors_in_english(tmp_path: Path) -> None:
    path = config(tmp_path, 'lang = "en"\n[sla]\nrepair_days = "x"\n')
    code, _, err = run("--config", path, "config")
    assert code == 2 and "sla.repair_days: Input should be a valid integer" in one_line(err)
    code, _, err = run("--lang", "zh", "--config", path, "config")  # --lang wins
    assert code == 2 and '[sla] repair_days：应为整数（填的是 "x"）' in one_line(err)


def test_refusal_of_a_book_with_errors_in_chinese_and_english(tmp_path: Path) -> None:
    rows = valid_rows()
    set_cell(rows, "来电登记", 2, "联系电话", "12345")  # one bad phone
    book = write_book(tmp_path / "b.xlsx", rows)
    code, _, err = run("sla", book, "--as-of", AS_OF)
    last = err.strip().splitlines()[-1]
    assert code == 1
    assert last == (
        f"svctools: {book}：sla 用到的工作表（来电登记）中有 1 处错误；"
        "请改正，或加 --skip-invalid 只计算其余的行"
    )
    code, _, err = run("--lang", "en", "sla", book, "--as-of", AS_OF)
    assert err.strip().splitlines()[-1] == (
        f"svctools: {book}: 1 error(s) in the sheets sla uses (来电登记); "
        "fix them, or add --skip-invalid to compute on the other rows"
    )


def test_needs_the_sheet_in_chinese_and_english(tmp_path: Path) -> None:
    rows = valid_rows()
    del rows["来电登记"]
    book = write_book(tmp_path / "b.xlsx", rows)
    code, _, err = run("sla", book, "--as-of", AS_OF)
    assert code == 1 and "sla 需要工作表「来电登记」（可用名称：" in one_line(err)
    code, _, err = run("sla", book, "--as-of", AS_OF, "--lang", "en")
    assert code == 1 and "sla needs the sheet 'Call Log' (accepted names:" in one_line(err)


# ------------------------------------------------------------------ item 7: --month


@pytest.mark.parametrize(
    "text",
    ["2026-10", "2026/10", "2026年10月", "10月", " 2026.10 ", "２０２６年１０月", "2026-1０"],
)
def test_month_as_clerks_type_it(text: str) -> None:
    assert parse_month(text, 2026) == (date(2026, 10, 1), date(2026, 11, 1))


@pytest.mark.parametrize("text", ["2026-13", "13月", "2026", "Oct", "2026-00", ""])
def test_bad_month_is_refused(text: str) -> None:
    with pytest.raises(UsageError, match="--month"):
        parse_month(text, 2026)


def test_month_forms_give_the_same_settlement(tmp_path: Path) -> None:
    book = write_book(tmp_path / "b.xlsx", valid_rows())
    outputs = set()
    for month in ("2026-10", "2026/10", "2026年10月", "10月"):  # 10月: the year of --as-of
        code, out, _ = run("settle", book, "--month", month, "--as-of", AS_OF, "--format", "json")
        assert code == 0 and json.loads(out)["month"] == "2026-10"
        outputs.add(out)
    assert len(outputs) == 1
    code, out, _ = run(
        "settle", book, "--month", "1月", "--as-of", "2027-02-01", "--format", "json"
    )
    assert code == 0 and json.loads(out)["month"] == "2027-01"


@pytest.mark.parametrize("command", ["sla", "penalties", "settle", "report"])
def test_bad_month_is_refused_before_the_book_is_read(tmp_path: Path, command: str) -> None:
    rows = valid_rows()
    set_cell(rows, "来电登记", 2, "联系电话", "12345")  # the book has errors: no table first
    book = write_book(tmp_path / "b.xlsx", rows)
    args = [command, book, "--month", "2026-13", "--as-of", AS_OF, "--out", tmp_path / "o.xlsx"]
    if command == "sla":
        args = args[:-2]
    code, out, err = run(*args)
    assert code == 2 and out == ""
    assert one_line(err).startswith("svctools: --month '2026-13'：请写年月，例如 2026-10")
    code, _, err = run("--lang", "en", *args)
    assert code == 2 and one_line(err).startswith("svctools: --month '2026-13': give a month")
    code, _, err = run(command, tmp_path / "nope.xlsx", *args[2:])  # even before a missing book
    assert code == 2 and "--month" in one_line(err)


# ------------------------------------------------------------------ item 8: a name for an ID


def test_a_name_where_the_staff_id_belongs(tmp_path: Path) -> None:
    rows = valid_rows()
    set_cell(rows, "来电登记", 2, "受理人", "张丽")  # 张丽 is A01 in 员工花名册
    set_cell(rows, "来电登记", 3, "受理人", "赵六")  # nobody of that name: the plain message
    book = write_book(tmp_path / "b.xlsx", rows)
    code, out, _ = run("validate", book, "--as-of", AS_OF, "--format", "json")
    messages = [p["message"] for p in json.loads(out)["problems"] if p["code"] == "unknown_ref"]
    assert code == 1 and messages == [
        "「受理人」张丽 不是工号；员工花名册中 张丽 的工号是 A01",
        "「受理人」赵六 在工作表「员工花名册」中不存在",
    ]
    code, out, _ = run("validate", book, "--as-of", AS_OF, "--format", "json", "--lang", "en")
    messages = [p["message"] for p in json.loads(out)["problems"] if p["code"] == "unknown_ref"]
    assert messages[0] == "'受理人' 张丽 is not a 工号; in '员工花名册' 张丽 has the 工号 A01"


def test_namesakes_are_all_named(tmp_path: Path) -> None:
    rows = valid_rows()
    set_cell(rows, "员工花名册", 4, "姓名", "李强")  # T02 is also 李强 now
    set_cell(rows, "维修台帐", 2, "维修员", "李强")
    book = write_book(tmp_path / "b.xlsx", rows)
    code, out, _ = run("validate", book, "--as-of", AS_OF, "--format", "json")
    messages = [p["message"] for p in json.loads(out)["problems"] if p["code"] == "unknown_ref"]
    assert messages == ["「维修员」李强 不是工号；员工花名册中 李强 的工号是 T01 或 T02"]


# ------------------------------------------------------------------ item 3: slips speak to people


@pytest.mark.parametrize(
    ("hours", "zh", "en"),
    [
        ("0.18", "11 分钟", "11 minutes"),  # 0.18 × 60 = 10.8 -> 11
        ("1", "1 小时", "1 hour"),
        ("1.50", "1.5 小时", "1.5 hours"),
        ("23.99", "23.99 小时", "23.99 hours"),
        ("24.4", "1 天", "1 day"),  # whole hours past a day: 0.4 h rounds away
        ("25", "1 天 1 小时", "1 day 1 hour"),
        ("1016.25", "42 天 8 小时", "42 days 8 hours"),  # 42 × 24 = 1008; 8.25 -> 8
    ],
)
def test_lateness_reads_in_days_and_hours(hours: str, zh: str, en: str) -> None:
    assert duration(Decimal(hours), "zh") == zh and duration(Decimal(hours), "en") == en


def test_penalty_slip_says_what_was_late_and_where(tmp_path: Path) -> None:
    rows = valid_rows()
    # C001: called 2026-10-05 14:30, level 2 -> response within 2 hours, by 16:30 (calendar
    # hours); first response at 18:00 is 1.5 hours late; taken by A01.
    set_cell(rows, "来电登记", 2, "首次响应时间", datetime(2026, 10, 5, 18, 0))
    book = write_book(tmp_path / "b.xlsx", rows)
    slips = tmp_path / "slips.xlsx"
    args = ["penalties", book, "--month", "2026-10", "--as-of", AS_OF, "--format", "json"]
    code, out, _ = run(*args, "--out", slips)
    lines = [line for s in json.loads(out)["staff"] for line in s["lines"]]
    late = [line for line in lines if line["record"] == "C001"]
    assert code == 0 and [line["explain"] for line in late] == [
        "来电 C001 首次响应超时 1.5 小时（限 2 小时）"
    ]
    assert "=" not in "".join(line["explain"] for line in lines)  # no `late_response = 20.00`
    code, out, _ = run(*args, "--lang", "en")
    late = [
        line for s in json.loads(out)["staff"] for line in s["lines"] if line["record"] == "C001"
    ]
    assert late[0]["explain"] == "call C001: first response 1.5 hours late (limit 2 hours)"
    workbook = openpyxl.load_workbook(slips)
    texts = [c.value for ws in workbook for row in ws.iter_rows() for c in row if c.value]
    assert "来电登记 第 2 行" in texts and "来电 C001 首次响应超时 1.5 小时（限 2 小时）" in texts
    assert not [t for t in texts if isinstance(t, str) and re.fullmatch(r"[a-z_]+:\d+", t)]


def test_annotated_copy_level_column_in_chinese_and_english(tmp_path: Path) -> None:
    rows = valid_rows()
    set_cell(rows, "来电登记", 2, "联系电话", "12345")  # an error
    set_cell(rows, "维修台帐", 2, "保修状态", "保外")  # a warning: bought 2026-03-01, in warranty
    book = write_book(tmp_path / "b.xlsx", rows)
    for lang, expected in (("zh", {"错误", "警告"}), ("en", {"error", "warning"})):
        out = tmp_path / f"annotated-{lang}.xlsx"
        code, _, _ = run("validate", book, "--as-of", AS_OF, "--annotate", out, "--lang", lang)
        listing = openpyxl.load_workbook(out).worksheets[0]
        header = [c.value for c in listing[1]]
        level = header.index("级别" if lang == "zh" else "Severity")
        assert (
            code == 1
            and {r[level] for r in listing.iter_rows(min_row=2, values_only=True)} == expected
        )


def test_google_sheets_errors_in_chinese_and_english() -> None:
    code, _, err = run("validate", "gsheet:")  # no key
    assert code == 2 and "gsheet:：找不到表格的 key" in one_line(err)
    code, _, err = run("--lang", "en", "validate", "gsheet:")
    assert code == 2 and "gsheet:: no spreadsheet key found" in one_line(err)


def test_a_bad_config_is_one_line_before_the_books_error_table(tmp_path: Path) -> None:
    rows = valid_rows()
    set_cell(rows, "来电登记", 2, "联系电话", "12345")  # the book has errors
    book = write_book(tmp_path / "b.xlsx", rows)
    bad = config(tmp_path, "[penalty]\nlate_response = 5\n")
    for command in (["validate", book], ["sla", book], ["settle", book, "--month", "2026-10"]):
        code, out, err = run("--config", bad, *command, "--as-of", AS_OF)
        assert code == 2 and out == "" and "你是想写 [penalties] 吗？" in one_line(err)
        code, _, err = run("--config", bad, *command, "--as-of", AS_OF, "--lang", "en")
        assert code == 2 and "did you mean penalties?" in one_line(err)
