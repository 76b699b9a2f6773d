"""The demo: deterministic, its planted problems found and nothing else, every step run."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from svctools.cli import cli
from svctools.demo.sample import DEMO_AS_OF, Planted, build_demo_book

# The twelve mistakes the demo plants (SPEC §2.2 codes), by sheet key, Excel row and column key.
PLANTED = {
    ("call_log", "phone", "bad_phone"),
    ("call_log", "purchase_date", "bad_value"),
    ("call_log", "call_id", "duplicate_key"),
    ("repair_ledger", "technician_id", "unknown_ref"),
    ("repair_ledger", "accepted_at", "time_order"),
    ("repair_ledger", "status", "not_in_enum"),
    ("repair_ledger", "fault_cause", "missing_required"),
    ("repair_ledger", "technician_id", "inactive_staff"),
    ("repair_ledger", "warranty", "warranty_mismatch"),
    ("parts_used", "unit_cost", "missing_required"),
    ("complaints", "first_feedback_at", "future_time"),
    ("staff", "email", "bad_email"),
}
SHEET_NAMES = {
    "call_log": "来电登记",
    "repair_ledger": "维修台账",
    "parts_used": "配件使用",
    "complaints": "投诉登记",
    "staff": "员工花名册",
}


def validate_json(path: Path) -> dict:
    result = CliRunner().invoke(
        cli, ["validate", str(path), "--format", "json", "--as-of", "2026-11-20T09:00"]
    )
    assert result.exit_code == 1
    return json.loads(result.stdout)


def test_planted_problems_are_found_and_nothing_else(tmp_path: Path) -> None:
    workbook, planted = build_demo_book(7, DEMO_AS_OF)
    assert {(p.sheet, p.field, p.code) for p in planted} == PLANTED
    path = tmp_path / "demo.xlsx"
    workbook.save(path)
    found = {(p["sheet"], p["row"], p["field"], p["code"]) for p in validate_json(path)["problems"]}
    assert found == {(SHEET_NAMES[p.sheet], p.row, p.field, p.code) for p in planted}


def test_same_seed_same_book_other_seed_other_book(tmp_path: Path) -> None:
    paths = []
    for name, seed in (("a", 7), ("b", 7), ("c", 8)):
        workbook, _ = build_demo_book(seed, DEMO_AS_OF)
        paths.append(tmp_path / f"{name}.xlsx")
        workbook.save(paths[-1])
    a, b, c = (validate_json(p) for p in paths)
    assert a == b
    assert a != c


def test_other_seeds_still_plant_exactly_twelve(tmp_path: Path) -> None:
    for seed in (1, 2, 3):
        workbook, planted = build_demo_book(seed, DEMO_AS_OF)
        path = tmp_path / f"s{seed}.xlsx"
        workbook.save(path)
        assert len(validate_json(path)["problems"]) == len(planted) == 12
        assert all(isinstance(p, Planted) for p in planted)


def test_demo_command_writes_every_result(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    result = CliRunner().invoke(cli, ["demo", str(folder)])
    assert result.exit_code == 0, result.output
    assert "全部找到" in result.stdout
    for name in (
        "svctools-demo.xlsx",
        "svctools.toml",
        "validate.txt",
        "validate.json",
        "validate-annotated.xlsx",
        "sla.txt",
        "sla.json",
        "penalties.txt",
        "penalties.xlsx",
        "settle.txt",
        "settle.xlsx",
        "blank-book.xlsx",
        "config.txt",
    ):
        assert (folder / name).is_file(), name
        assert str(folder / name) in result.stdout, name
    config = CliRunner().invoke(cli, ["--config", str(folder / "svctools.toml"), "config"])
    assert config.exit_code == 0
