"""sla, penalties and settle through the command line on a small book worked out by hand."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
from click.testing import CliRunner
from conftest import set_cell, valid_rows, write_book

from svctools.cli import cli

AS_OF = "2026-11-20T09:00"


def run(*args: object) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout, result.stderr


def book(tmp_path: Path, **cells: object) -> Path:
    """The valid book, with ``sheet__row__header=value`` changes."""
    rows = valid_rows()
    for spec, value in cells.items():
        sheet, row, header = spec.split("__")
        set_cell(rows, sheet, int(row), header, value)
    return write_book(tmp_path / "book.xlsx", rows)


def test_sla_lists_the_one_open_breach(tmp_path: Path) -> None:
    # W002 (row 3) accepted Mon 2026-10-12 10:30; 3 working days -> Thu 10-15 10:30. Waiting for
    # parts 10-14 09:00 .. 10-16 17:00 covers the working days 10-14 and 10-15 (10-14 <= d < 10-16),
    # so the deadline moves two working days: Fri 10-16, Mon 10-19 10:30. Not completed at
    # 2026-11-20 09:00: open, late by 31 days 22.5 hours = 766.50 h. Every other limit is met
    # (W001 accepted 10-05 15:30 in the National Day holiday: 10-08, 10-09, 10-10 (a make-up
    # Saturday) -> 10-10 15:30, completed 10-07).
    code, out, _ = run(
        "sla", book(tmp_path), "--month", "2026-10", "--as-of", AS_OF, "--format", "json"
    )
    assert code == 0
    assert [
        {
            k: b[k]
            for k in (
                "rule",
                "sheet",
                "row",
                "record",
                "staff_id",
                "deadline",
                "actual",
                "late_hours",
            )
        }
        for b in json.loads(out)["breaches"]
    ] == [
        {
            "rule": "overdue_repair",
            "sheet": "维修台帐",
            "row": 3,
            "record": "W002",
            "staff_id": "T01",
            "deadline": "2026-10-19T10:30:00",
            "actual": None,
            "late_hours": "766.50",
        },
    ]


def test_sla_other_month_is_empty_and_text_says_so(tmp_path: Path) -> None:
    code, out, _ = run(
        "sla", book(tmp_path), "--month", "2026-09", "--as-of", AS_OF, "--lang", "en"
    )
    assert code == 0 and "No SLA breaches." in out


def test_penalties_for_october(tmp_path: Path) -> None:
    # T01: the open overdue repair of W002 (50) + upheld general complaint K001 closed 10-25 with
    # no manager's amount (complaint_general 100) = 150. Wage 6000: cap = min(0.2 x 6000 = 1200,
    # 6000 - 2000 = 4000) = 1200, so all 150 is deducted. K002 is not upheld. A01 has nothing.
    code, out, _ = run(
        "penalties", book(tmp_path), "--month", "2026-10", "--as-of", AS_OF, "--format", "json"
    )
    assert code == 0
    data = json.loads(out)
    assert data["month"] == "2026-10"
    [person] = data["staff"]
    assert {
        k: person[k] for k in ("staff_id", "name", "gross", "carried_in", "deducted", "carried_out")
    } == {
        "staff_id": "T01",
        "name": "李强",
        "gross": "150.00",
        "carried_in": "0.00",
        "deducted": "150.00",
        "carried_out": "0.00",
    }
    assert [(x["rule"], x["record"], x["amount"], x["open"]) for x in person["lines"]] == [
        ("overdue_repair", "W002", "50.00", True),
        ("complaint_general", "K001", "100.00", False),
    ]


def test_penalty_slips_workbook(tmp_path: Path) -> None:
    out = tmp_path / "slips.xlsx"
    code, text, _ = run(
        "penalties", book(tmp_path), "--month", "2026-10", "--as-of", AS_OF, "--out", out
    )
    assert code == 0 and str(out) in text
    workbook = openpyxl.load_workbook(out)
    assert len(workbook.sheetnames) == 2  # the summary, and T01's slip
    slip = workbook.worksheets[1]
    texts = [c.value for row in slip.iter_rows() for c in row if isinstance(c.value, str)]
    assert any("李强" in t for t in texts) and any("签" in t for t in texts)


def test_settle_free_repair(tmp_path: Path) -> None:
    # W001: warranty column 保内 and cause 质量问题 -> free. Parts 1 x 350 = 350 borne by the firm;
    # no shipping. Customer charge 0.00, company cost 350.00, paid 0 -> balance 0.00.
    code, out, _ = run(
        "settle", book(tmp_path), "--month", "2026-10", "--format", "json", "--as-of", AS_OF
    )
    assert code == 0
    data = json.loads(out)
    assert [
        (
            o["order_id"],
            o["free"],
            o["customer_charge"],
            o["company_cost"],
            o["amount_paid"],
            o["balance_due"],
        )
        for o in data["orders"]
    ] == [("W001", True, "0.00", "350.00", "0.00", "0.00")]
    keys = (
        "orders",
        "free_orders",
        "customer_charge",
        "company_cost",
        "amount_paid",
        "balance_due",
    )
    assert {k: data["totals"][k] for k in keys} == {
        "orders": 1,
        "free_orders": 1,
        "customer_charge": "0.00",
        "company_cost": "350.00",
        "amount_paid": "0.00",
        "balance_due": "0.00",
    }


def test_settle_charged_repair_with_markup(tmp_path: Path) -> None:
    # W001 out of warranty: labour 120 + parts 350 x 1.15 = 402.50 -> customer charge 522.50;
    # paid 100 -> balance due 422.50; the firm bears nothing.
    path = book(
        tmp_path, 维修台帐__2__保修状态="保外", 维修台帐__2__工时费=120, 维修台帐__2__已收金额=100
    )
    config = tmp_path / "svctools.toml"
    config.write_text('[fees]\nparts_markup = "0.15"\n', encoding="utf-8")
    code, out, _ = run(
        "--config",
        config,
        "settle",
        path,
        "--month",
        "2026-10",
        "--format",
        "json",
        "--as-of",
        AS_OF,
    )
    assert code == 0
    [order] = json.loads(out)["orders"]
    assert (
        order["free"],
        order["customer_charge"],
        order["company_cost"],
        order["balance_due"],
    ) == (False, "522.50", "0.00", "422.50")


def test_errors_refuse_then_skip_invalid_leaves_out_the_row_and_what_refers_to_it(
    tmp_path: Path,
) -> None:
    path = book(tmp_path, 来电登记__2__联系电话="12345")  # C001's phone: bad_phone
    code, out, err = run("settle", path, "--month", "2026-10", "--as-of", AS_OF)
    assert code == 1 and out == ""
    assert "bad_phone" in err and "--skip-invalid" in err
    code, out, err = run(
        "settle", path, "--month", "2026-10", "--as-of", AS_OF, "--format", "json", "--skip-invalid"
    )
    assert code == 0
    data = json.loads(out)
    assert data["orders"] == []  # W001 belongs to the broken call C001: left out with it
    skipped = {(s["sheet"], s["row"]) for s in data["skipped"]}
    # settle reads neither callbacks nor complaints: their rows of C001/W001 are not its concern
    assert {("来电登记", 2), ("维修台帐", 2), ("配件使用", 2)} == skipped
    code, out, err = run(
        "sla", path, "--as-of", AS_OF, "--format", "json", "--skip-invalid"
    )  # sla reads callbacks and complaints (not parts): it leaves out theirs
    assert code == 0
    skipped = {(s["sheet"], s["row"]) for s in json.loads(out)["skipped"]}
    assert {
        ("来电登记", 2),
        ("维修台帐", 2),
        ("回访登记", 2),
        ("回访登记", 3),
        ("投诉登记", 3),
    } == skipped


def test_missing_sheet_refuses_with_exit_1(tmp_path: Path) -> None:
    rows = valid_rows()
    del rows["维修台帐"]
    path = write_book(tmp_path / "no-ledger.xlsx", rows)
    code, _, err = run("sla", path, "--as-of", AS_OF)
    assert code == 1 and "维修台帐" in err and err.count("\n") == 1


def test_bad_month_is_usage_error(tmp_path: Path) -> None:
    code, _, err = run("settle", book(tmp_path), "--month", "October")
    assert code == 2 and "--month" in err
    code, _, err = run("penalties", book(tmp_path))
    assert code == 2 and "--month" in err


def test_each_command_reads_its_sheets_and_what_they_refer_to() -> None:
    from svctools.core.schema import load_schema
    from svctools.reading.usable import read_by

    schema = load_schema()
    keys = {command: {s.key for s in read_by(command, schema).sheets} for command in
            ("settle", "sla", "remind_renewals")}  # fmt: skip
    # parts_stock: parts_used's part numbers refer to it (checked when the book keeps one)
    assert keys["settle"] == {
        "call_log", "repair_ledger", "parts_used", "staff", "stores", "parts_stock"
    }  # fmt: skip
    assert keys["sla"] == keys["settle"] - {"parts_used", "parts_stock"} | {
        "complaints", "callbacks"
    }  # fmt: skip
    assert keys["remind_renewals"] == {"contracts", "staff", "stores"}  # staff -> stores


def test_sla_warnings_speak_the_clerks_language(tmp_path: Path) -> None:
    """A book without 回访登记: late_callback cannot be checked, and the clerk is told so in
    Chinese (stderr and the JSON's warnings), or in English with --lang en."""
    rows = valid_rows()
    del rows["回访登记"]
    book = write_book(tmp_path / "book.xlsx", rows)
    args = ["sla", str(book), "--as-of", "2026-11-20T09:00"]
    zh = CliRunner().invoke(cli, args)
    assert zh.exit_code == 0, zh.output
    said = "svctools: 警告：台帐中没有「回访登记」表：未检查回访超时（late_callback）\n"
    assert said in zh.stderr
    data = json.loads(CliRunner().invoke(cli, [*args, "--format", "json"]).stdout)
    assert data["warnings"] == [said.removeprefix("svctools: 警告：").rstrip()]
    en = CliRunner().invoke(cli, [*args, "--lang", "en"])
    assert "svctools: warning: the book has no callbacks sheet: late_callback was not checked" in (
        en.stderr
    )
