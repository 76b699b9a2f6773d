"""The demo: deterministic, its planted problems found and nothing else, every step run."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from svctools.cli import cli
from svctools.demo.sample import DEMO_AS_OF, Planted, build_demo_book

README = Path(__file__).resolve().parent.parent / "README.md"

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
    "repair_ledger": "维修台帐",
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


@pytest.fixture(scope="module")
def seven() -> tuple[openpyxl.Workbook, list[Planted]]:
    """The demo book of seed 7, built once for the tests that only read it."""
    return build_demo_book(7, DEMO_AS_OF)


def test_planted_problems_are_found_and_nothing_else(
    tmp_path: Path, seven: tuple[openpyxl.Workbook, list[Planted]]
) -> None:
    workbook, planted = seven
    assert {(p.sheet, p.field, p.code) for p in planted} == PLANTED
    path = tmp_path / "demo.xlsx"
    workbook.save(path)
    found = {(p["sheet"], p["row"], p["field"], p["code"]) for p in validate_json(path)["problems"]}
    assert found == {(SHEET_NAMES[p.sheet], p.row, p.field, p.code) for p in planted}


def cells(workbook: openpyxl.Workbook) -> dict[str, list[tuple[object, ...]]]:
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in workbook.worksheets}


def test_same_seed_same_book_other_seed_other_book(
    seven: tuple[openpyxl.Workbook, list[Planted]],
) -> None:
    a = cells(seven[0])
    assert a == cells(build_demo_book(7, DEMO_AS_OF)[0])
    assert a != cells(build_demo_book(8, DEMO_AS_OF)[0])


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_other_seeds_still_plant_exactly_twelve(tmp_path: Path, seed: int) -> None:
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
    # The README's tour is this run, word for word (as ``svctools demo demo`` prints it).
    tour = README.read_text("utf-8").split("## A tour", 1)[1].split("```text\n", 1)[1]
    assert result.stdout.replace(str(folder), "demo") == tour.split("```", 1)[0]


# Mobile prefixes the three carriers issue (MIIT numbering plan), written out here by hand.
REAL_PREFIXES = set(
    "130 131 132 133 134 135 136 137 138 139 145 147 149 150 151 152 153 155 156 157 158 159 "
    "162 165 166 167 170 171 172 173 175 176 177 178 180 181 182 183 184 185 186 187 188 189 "
    "190 191 192 193 195 196 197 198 199".split()
)
CITY_OF_STORE = {"S01": "北京市", "S02": "上海市", "S03": "广州市"}
# Words that tell which kind of appliance a model is, and which a fault is about.
KIND_OF_MODEL = {"KFR": "空调", "BCD": "冰箱", "TG100": "洗衣机", "CXW": "油烟机", "i110": "燃气灶",
                 "HZ65": "电视", "F6032": "热水器"}  # fmt: skip
FAULT_WORDS = {"空调": ("空调", "室内机", "遥控"), "冰箱": ("冰箱",), "洗衣机": ("洗衣机",),
               "油烟机": ("油烟机",), "燃气灶": ("燃气灶",), "电视": ("电视",),
               "热水器": ("热水器",)}  # fmt: skip


@pytest.fixture(scope="module")
def demo_rows(
    tmp_path_factory: pytest.TempPathFactory, seven: tuple[openpyxl.Workbook, list[Planted]]
) -> dict:
    """The demo book written and read back: sheet title -> list of {header: value}, and widths."""
    workbook, _ = seven
    path = tmp_path_factory.mktemp("demo") / "demo.xlsx"
    workbook.save(path)
    book = openpyxl.load_workbook(path)
    sheets: dict = {}
    for ws in book.worksheets:
        rows = list(ws.iter_rows(values_only=True))
        header_at = 1 if ws.merged_cells.ranges else 0  # a merged title row above the header
        header = rows[header_at]
        sheets[ws.title] = {
            "rows": [dict(zip(header, r, strict=False)) for r in rows[header_at + 1 :] if r[1]],
            "ws": ws,
        }
    return sheets


def test_three_full_months_before_the_demo_month(demo_rows: dict) -> None:
    """Every month the report compares (Oct against Sep, Sep against Aug) has calls and orders."""
    months: dict[str, int] = {}
    for row in demo_rows["来电登记"]["rows"]:
        when = row["来电时间"]
        key = f"{when:%Y-%m}" if hasattr(when, "year") else when[:7].replace("/", "-")
        key = key if "年" not in key else f"{key[:4]}-{int(key[5:].split('月')[0]):02d}"
        months[key] = months.get(key, 0) + 1
    for month in ("2026-08", "2026-09", "2026-10"):
        assert months.get(month, 0) >= 50, (month, months)


def test_nobody_works_at_night(demo_rows: dict) -> None:
    from datetime import datetime

    seen = 0
    for sheet in ("维修台帐", "来电登记", "投诉登记"):
        for row in demo_rows[sheet]["rows"]:
            for value in row.values():
                if isinstance(value, datetime) and (value.hour, value.minute) != (0, 0):
                    seen += 1  # a date alone (purchase date) reads as midnight
                    assert 8 <= value.hour < 20, (sheet, row)
    assert seen > 500


def test_models_match_faults_and_customers_live_near_their_store(demo_rows: dict) -> None:
    calls: dict = {}
    for row in demo_rows["来电登记"]["rows"]:
        calls.setdefault(row["来电编号"], row)  # the planted duplicate ID comes last
    store_of = {r["Staff ID"]: r["Store"] for r in demo_rows["员工花名册"]["rows"]}
    for call in calls.values():
        kind = next(k for word, k in KIND_OF_MODEL.items() if word in call["产品型号"])
        assert any(w in call["故障描述"] for w in FAULT_WORDS[kind]), call
    checked = 0
    for order in demo_rows["维修台帐"]["rows"]:
        store = store_of.get(order["维修员"])
        call = calls.get(order["来电编号"])
        if store and call:
            checked += 1
            assert call["地址"].startswith(CITY_OF_STORE[store]), (order, call)
    assert checked > 150
    for contract in demo_rows["服务协议"]["rows"]:
        city = {"S01": "北京", "S02": "上海", "S03": "广州"}[contract["所属门店"]]
        assert contract["客户姓名"] and city  # names are chosen per store in the catalogue


def test_phones_have_real_mobile_prefixes(demo_rows: dict) -> None:
    numbers = [r["联系电话"] for r in demo_rows["来电登记"]["rows"]]
    numbers += [r["Phone"] for r in demo_rows["员工花名册"]["rows"]]
    digits = ["".join(ch for ch in str(n) if ch.isdigit()).removeprefix("86") for n in numbers]
    mobiles = [d for d in digits if len(d) == 11]
    assert len(mobiles) >= len(digits) - 1  # the one planted bad phone has 10 digits
    assert {d[:3] for d in mobiles} <= REAL_PREFIXES


def test_date_columns_are_wide_enough(demo_rows: dict) -> None:
    """A yyyy-mm-dd hh:mm value needs about 16 characters, a date 10, or Excel shows ###."""
    checked = 0
    for title, sheet in demo_rows.items():
        ws = sheet["ws"]
        for column in ws.iter_cols(min_row=2):
            formats = {c.number_format for c in column if c.is_date}
            need = 17 if any("h" in f for f in formats) else 11 if formats else 0
            width = ws.column_dimensions[column[0].column_letter].width
            assert width >= need, (title, column[0].column_letter, width)
            checked += need > 0
    assert checked >= 15


def test_one_spelling_of_the_repair_ledger(tmp_path: Path) -> None:
    """维修台帐 in init, the demo and the README; 维修台账 is still read (an alias)."""
    workbook, _ = build_demo_book(7, DEMO_AS_OF)
    assert "维修台帐" in workbook.sheetnames
    blank = tmp_path / "blank.xlsx"
    assert CliRunner().invoke(cli, ["init", str(blank)]).exit_code == 0
    assert "维修台帐" in openpyxl.load_workbook(blank).sheetnames
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    lines = [line for line in readme.splitlines() if "维修台账" in line]
    assert lines and all("a sheet the firm named" in x or "duplicate_sheet" in x for x in lines)
    workbook["维修台帐"].title = "维修台账"
    workbook.save(tmp_path / "other.xlsx")
    problems = validate_json(tmp_path / "other.xlsx")["problems"]
    assert {p["sheet"] for p in problems if p["field"] == "technician_id"} == {"维修台账"}
