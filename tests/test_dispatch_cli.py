"""``svctools dispatch`` on real .xlsx books and on a Google Sheet (tests/sheets_server.py), and
the ledger rule that lets a waiting order have no technician."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import Book, set_cell, valid_rows, validate_book, write_book
from sheets_server import SheetsServer

from svctools.cli import cli

AS_OF = "2026-11-20T09:00"
TAB = "派单建议 (svctools)"


def run(*args: object) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout, result.stderr


def one_line(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(autouse=True)
def _no_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("SVCTOOLS_CONFIG", "GOOGLE_APPLICATION_CREDENTIALS"):
        monkeypatch.delenv(name, raising=False)


def morning() -> Book:
    """The valid book plus a morning's waiting work.

    Staff: T01 李强 skill 4, region 华北, 1 open order (W002 维修中); T02 resigned; T03 skill 2,
    region 朝阳, nothing open. Waiting: C003 (urgent, level 1, no order yet), W003 (待派单, no
    technician, call C004 level 3 in 朝阳区) and C005 (level 1, no order yet).
    """
    rows = valid_rows()
    rows["员工花名册"].append(
        ["T03", "赵敏", "维修员", 2, "朝阳", "S01", "在岗", date(2025, 2, 1), None, 5000,
         "t03@example.com", "13900000004"]
    )  # fmt: skip
    calls = rows["来电登记"]
    for cid, when, level, urgent, address in (
        ("C003", datetime(2026, 11, 20, 8, 10), 1, "是", "北京市海淀区学院路3号"),
        ("C004", datetime(2026, 11, 19, 16, 0), 3, None, "北京市朝阳区建国路8号"),
        ("C005", datetime(2026, 11, 20, 7, 50), 1, "否", "北京市丰台区丽泽路5号"),
    ):
        calls.append(
            [cid, when, "客户" + cid, "13812345678", None, address, "电话", "KX-200", None, None,
             "不制冷", level, urgent, "A01", None]
        )  # fmt: skip
    ledger = rows["维修台帐"]
    ledger.append(["W003", "C004", None, "上门", "待派单"] + [None] * 15)
    return rows


def config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "policy.toml"  # not ./svctools.toml: only --config finds it
    path.write_text(text, encoding="utf-8")
    return path


# -- the ledger rule -----------------------------------------------------------------------------


def test_a_waiting_order_may_have_no_technician_but_a_dispatched_one_may_not(
    tmp_path: Path,
) -> None:
    loaded = validate_book(write_book(tmp_path / "ok.xlsx", morning()))
    assert [p for p in loaded.problems if p.severity == "error"] == []
    rows = morning()
    set_cell(rows, "维修台帐", 4, "状态", "已派单")
    problems = validate_book(write_book(tmp_path / "bad.xlsx", rows)).problems
    (problem,) = [p for p in problems if p.severity == "error"]
    assert (problem.cell, problem.code) == ("C4", "missing_required")
    assert problem.message("zh") == (
        "「维修员」必须填写（状态 = 已派单、维修中、已完工、已取消时必填）"
    )
    assert problem.message("en") == (
        "'维修员' must be filled in (required when Status = dispatched, in_progress, "
        "completed, cancelled)"
    )


def test_no_technician_column_is_fine_until_an_order_is_dispatched(tmp_path: Path) -> None:
    rows = morning()
    for row in rows["维修台帐"]:
        del row[2]  # the 维修员 column
    problems = validate_book(write_book(tmp_path / "book.xlsx", rows)).problems
    (problem,) = [p for p in problems if p.severity == "error"]
    assert problem.code == "missing_column"  # W001 is completed, W002 in progress
    assert problem.message("en").startswith(
        "Rows with Status = dispatched, in_progress, completed, cancelled need the column '维修员'"
    )
    for row in rows["维修台帐"][1:]:
        row[3] = "待派单"
    problems = validate_book(write_book(tmp_path / "waiting.xlsx", rows)).problems
    assert [p for p in problems if p.severity == "error"] == []


# -- the command on an .xlsx book ----------------------------------------------------------------


def test_suggestions_as_text_and_json(tmp_path: Path) -> None:
    path = write_book(tmp_path / "book.xlsx", morning())
    code, out, err = run("dispatch", path, "--as-of", AS_OF, "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["as_of"] == "2026-11-20T09:00:00" and data["plan"] is False
    # Priority: C003 (urgent) first, then C005 (level 1), then W003 (level 3).
    summary = [
        (i["call_id"], i["order_id"], [c["staff_id"] for c in i["candidates"]], i["reason"])
        for i in data["items"]
    ]
    assert summary == [
        # level 1 needs skill 4: only T01 (1 open: W002); T03 (skill 2) and T02 (left) not.
        ("C003", None, ["T01"], "非本区域 · 在手 1/8 · 技能 4 ≥ 4"),
        ("C005", None, ["T01"], "非本区域 · 在手 1/8 · 技能 4 ≥ 4"),
        # level 3 needs 2: T03's region 朝阳 is in the address; T01 second.
        ("C004", "W003", ["T03", "T01"], "区域匹配 · 在手 0/8 · 技能 2 ≥ 2"),
    ]
    assert all("assigned" not in i for i in data["items"])
    code, out, _ = run("dispatch", path, "--as-of", AS_OF)
    assert code == 0
    assert out.startswith("派单建议（截至 2026-11-20 09:00）：待派 3 项")
    assert "T03 赵敏  区域匹配 · 在手 0/8 · 技能 2 ≥ 2" in out
    code, out, _ = run("dispatch", path, "--as-of", AS_OF, "--lang", "en")
    assert out.startswith("Dispatch suggestions (as of 2026-11-20 09:00): 3 waiting")
    assert "same region · 0/8 open · skill 2 ≥ 2" in out


def test_plan_leaves_the_later_item_when_the_urgent_one_took_the_last_capable_technician(
    tmp_path: Path,
) -> None:
    # max_open_orders = 2. T01 has 1 open; urgent C003 takes T01 (now 2/2). C005 also needs
    # skill 4: T01 is full, T03 has skill 2, T02 left: unassigned. W003 (level 3) -> T03.
    path = write_book(tmp_path / "book.xlsx", morning())
    policy = config(tmp_path, "[dispatch]\nmax_open_orders = 2\n")
    args = ("dispatch", path, "--plan", "--as-of", AS_OF, "--config", policy)
    code, out, err = run(*args, "--format", "json")
    assert code == 0, err
    items = json.loads(out)["items"]
    assert [(i["call_id"], i["assigned"]) for i in items] == [
        ("C003", "T01"),
        ("C005", None),
        ("C004", "T03"),
    ]
    assert items[1]["reason"] == (
        "无可派维修员：已离职：T02；技能不足：T03（2 < 4）；在手已满：T01（2/2，含本计划 1）"
    )
    assert [(e["staff_id"], e["why"], e["reason"]) for e in items[1]["excluded"]] == [
        ("T01", "full", "在手已满 2/2（含本计划 1）"),
        ("T02", "resigned", "已离职"),
        ("T03", "short_skill", "技能不足 2 < 4"),
    ]
    code, out, _ = run(*args)
    assert out.startswith("派单计划（截至 2026-11-20 09:00）：待派 3 项，派出 2 项，未派 1 项")
    assert "派给" in out and "（无）" in out


def test_out_writes_a_printable_sheet_and_never_the_book(tmp_path: Path) -> None:
    path = write_book(tmp_path / "book.xlsx", morning())
    before = path.read_bytes()
    out = tmp_path / "派单建议.xlsx"
    code, stdout, err = run("dispatch", path, "--plan", "--as-of", AS_OF, "--out", out)
    assert code == 0, err
    assert stdout.rstrip().endswith(f"派单建议表：{out}")
    assert path.read_bytes() == before
    ws = openpyxl.load_workbook(out)["派单建议"]
    assert ws["A1"].value == "派单计划（截至 2026-11-20 09:00）：待派 3 项，派出 3 项，未派 0 项"
    header = [c.value for c in ws[3]]
    assert header[:3] == ["序号", "来电编号", "工单号"]
    assert header[9:] == ["建议维修员", "理由", "备选一", "备选二"]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=4)]
    assert [(r[1], r[2], r[9]) for r in rows] == [
        ("C003", None, "T01 李强"),
        ("C005", None, "T01 李强"),
        ("C004", "W003", "T03 赵敏"),
    ]
    # W003: T03 suggested; T01 the alternative, now with 3 open (W002 + the two planned).
    assert rows[2][11] == "T01 李强\n非本区域 · 在手 3/8（含本计划 2） · 技能 4 ≥ 2"
    assert rows[0][5] == datetime(2026, 11, 20, 8, 10)
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert ws.print_title_rows == "$3:$3"
    assert ws.freeze_panes == "A4"


def test_refusals_name_the_problem(tmp_path: Path) -> None:
    path = write_book(tmp_path / "book.xlsx", morning())
    before = path.read_bytes()
    code, _, err = run("dispatch", path, "--as-of", AS_OF, "--out", path)
    assert code == 2 and "台帐从不改写" in one_line(err)
    code, _, err = run("dispatch", path, "--as-of", AS_OF, "--write-back", "--lang", "en")
    assert code == 2 and "--write-back works on Google Sheets only" in one_line(err)
    assert path.read_bytes() == before
    bad = config(tmp_path, "[dispatch]\nmax_open_orders = 0\n")
    code, _, err = run("dispatch", path, "--as-of", AS_OF, "--config", bad)
    assert code == 2 and "[dispatch] max_open_orders：应大于 0（填的是 0）" in err
    bad = config(tmp_path, "[dispatch]\nmin_skill = { 1 = 4, 2 = 3 }\n")
    code, _, err = run("dispatch", path, "--as-of", AS_OF, "--config", bad)
    assert code == 2 and "[dispatch] min_skill：故障等级 [3, 4] 没有技能要求" in err
    bad = config(tmp_path, "[dispatch]\nmin_skill = { 1 = 6, 2 = 3, 3 = 2, 4 = 1 }\n")
    code, _, err = run("dispatch", path, "--as-of", AS_OF, "--config", bad)
    assert code == 2 and "[dispatch] min_skill.1：不能大于 5（填的是 6）" in err
    bad = config(tmp_path, "[dispatch]\npending_day = 3\n")
    code, _, err = run("dispatch", path, "--as-of", AS_OF, "--config", bad, "--lang", "en")
    assert (
        code == 2
        and "dispatch.pending_day: unknown key; did you mean dispatch.pending_days?" in err
    )
    rows = morning()
    set_cell(rows, "维修台帐", 4, "状态", "已派单")  # a dispatched order with no technician
    broken = write_book(tmp_path / "broken.xlsx", rows)
    code, _, err = run("dispatch", broken, "--as-of", AS_OF)
    assert code == 1 and "dispatch 用到的工作表（维修台帐）中有 1 处错误" in one_line(err)


def test_config_shows_the_dispatch_keys() -> None:
    code, out, _ = run("config", "--format", "json")
    assert code == 0
    assert json.loads(out)["dispatch"] == {
        "min_skill": {"1": 4, "2": 3, "3": 2, "4": 1},
        "max_open_orders": 8,
        "pending_days": 14,
    }


# -- a Google Sheet: --write-back ----------------------------------------------------------------


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[SheetsServer]:
    with SheetsServer() as sheets:
        monkeypatch.setenv("SVCTOOLS_GOOGLE_API_ROOT", sheets.url)
        sheets.add_spreadsheet("MORNING", morning(), "售后台账")
        yield sheets


def test_write_back_writes_its_own_tab_in_one_batch_update(server: SheetsServer) -> None:
    ledger_before = server.values("MORNING", "维修台帐")
    args = ("dispatch", "gsheet:MORNING", "--plan", "--as-of", AS_OF, "--write-back")
    server.counts.clear()
    code, out, err = run(*args)
    assert code == 0, err
    assert server.counts["spreadsheets.batchUpdate"] == 1
    assert out.rstrip().endswith(f"已写入工作表：{TAB}")
    tab = server.values("MORNING", TAB)
    assert tab[0][:3] == ["序号", "来电编号", "工单号"]
    assert [(r[1], r[9]) for r in tab[1:]] == [
        ("C003", "T01 李强"),
        ("C005", "T01 李强"),
        ("C004", "T03 赵敏"),
    ]
    assert server.values("MORNING", "维修台帐") == ledger_before  # the ledger is untouched
    server.counts.clear()
    code, _, _ = run(*args, "--lang", "en")  # again, in English: the tab is replaced
    assert code == 0 and server.counts["spreadsheets.batchUpdate"] == 1
    titles = [sheet.title for sheet in server.books["MORNING"].sheets]
    assert "Dispatch (svctools)" in titles and TAB not in titles


# -- init: the 维修员 column follows -----------------------------------------------------------


def test_init_offers_the_staff_ids_and_says_when_the_technician_is_required(tmp_path: Path) -> None:
    path = tmp_path / "new.xlsx"
    assert run("init", path)[0] == 0
    workbook = openpyxl.load_workbook(path)
    ledger = workbook["维修台帐"]
    assert ledger["C1"].value == "维修员" and ledger["C1"].font.color.rgb != "00C00000"  # not red
    (picker,) = [dv for dv in ledger.data_validations.dataValidation if str(dv.sqref) == "C2:C5000"]
    assert picker.formula1 == "'员工花名册'!$A$2:$A$5000" and picker.errorStyle == "warning"
    assert picker.prompt == "状态为 已派单、维修中、已完工、已取消 时必填"
    assert workbook["员工花名册"]["A1"].value == "工号"  # where the list comes from


def test_init_on_a_google_sheet_offers_the_staff_ids(server: SheetsServer) -> None:
    server.add_empty("NEW")
    assert run("init", "gsheet:NEW")[0] == 0
    ledger = server.books["NEW"].sheet("维修台帐")
    rules = {v["range"]["startColumnIndex"]: v["rule"] for v in ledger.validations}
    assert rules[2] == {
        "condition": {
            "type": "ONE_OF_RANGE",
            "values": [{"userEnteredValue": "='员工花名册'!A2:A"}],
        },
        "strict": False,
        "showCustomUi": True,
    }
