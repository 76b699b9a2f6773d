"""The command line: exit codes, error lines, JSON shapes, init, annotate and config (SPEC §6)."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from svctools.cli import cli
from svctools.demo.sample import DEMO_AS_OF, build_demo_book

AS_OF = "2026-11-20T09:00"
PROBLEM_KEYS = ["severity", "sheet", "row", "column", "field", "cell", "code", "value", "message"]


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def demo_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "book.xlsx"
    workbook, _ = build_demo_book(7, DEMO_AS_OF)
    workbook.save(path)
    return path


@pytest.fixture
def blank(tmp_path: Path) -> Path:
    path = tmp_path / "blank.xlsx"
    assert run("init", path)[0] == 0
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_init_book_validates_clean(blank: Path) -> None:
    code, out, err = run("validate", blank, "--format", "json", "--as-of", AS_OF)
    assert (code, err) == (0, "")
    assert json.loads(out) == {"ok": True, "problems": []}


def test_init_lays_out_every_sheet_with_dropdowns_and_frozen_headers(blank: Path) -> None:
    workbook = openpyxl.load_workbook(blank)
    assert workbook.sheetnames == [
        "来电登记",
        "维修台帐",
        "配件使用",
        "投诉登记",
        "员工花名册",
        "门店",
        "服务协议",
        "回访登记",
        "配件库存",
        "出入库",
        "盘点",
    ]
    moves = workbook["出入库"]
    kinds = {dv.formula1 for dv in moves.data_validations.dataValidation if dv.type == "list"}
    assert '"入库,领用,退库,报废,旧件回收"' in kinds
    assert moves.freeze_panes == "A2"
    ledger = workbook["维修台帐"]
    assert ledger["A1"].value == "工单号" and ledger.freeze_panes == "A2"
    lists = {dv.formula1 for dv in ledger.data_validations.dataValidation if dv.type == "list"}
    assert '"待派单,已派单,维修中,已完工,已取消"' in lists  # status
    assert '"是,否"' in lists  # complex (bool)
    call_log = workbook["来电登记"]
    whole = [dv for dv in call_log.data_validations.dataValidation if dv.type == "whole"]
    assert [(dv.formula1, dv.formula2) for dv in whole] == [("1", "4")]  # fault level 1-4
    assert call_log.column_dimensions["A"].width >= 10


def test_init_in_english(tmp_path: Path) -> None:
    path = tmp_path / "en.xlsx"
    assert run("--lang", "en", "init", path)[0] == 0
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames[:2] == ["Call Log", "Repair Ledger"]
    assert workbook["Call Log"]["A1"].value == "Call ID"
    assert run("validate", path, "--as-of", AS_OF)[0] == 0


def test_init_refuses_to_overwrite(blank: Path) -> None:
    before = digest(blank)
    code, out, err = run("--lang", "en", "init", blank)
    assert code == 2 and "already exists" in err and "--force" in err
    assert digest(blank) == before
    assert run("init", blank, "--force")[0] == 0


def test_validate_json_shape_and_exit_code(demo_book: Path) -> None:
    code, out, _ = run("validate", demo_book, "--format", "json", "--as-of", AS_OF)
    data = json.loads(out)
    assert code == 1 and data["ok"] is False
    assert all(list(p) == PROBLEM_KEYS for p in data["problems"])
    phone = next(p for p in data["problems"] if p["code"] == "bad_phone")
    assert phone == {
        "severity": "error",
        "sheet": "来电登记",
        "row": 7,
        "column": "联系电话",
        "field": "phone",
        "cell": "D7",
        "code": "bad_phone",
        "value": "138-1234-567",
        "message": phone["message"],
    }
    assert "138-1234-567" in phone["message"] and "电话" in phone["message"]


def test_validate_text_groups_by_sheet_and_sorts_by_row(demo_book: Path) -> None:
    code, out, _ = run("validate", demo_book, "--as-of", AS_OF, "--lang", "en")
    assert code == 1
    sections = [line for line in out.splitlines() if line.startswith("== ")]
    assert sections == [
        "== 来电登记 ==",
        "== 维修台帐 ==",
        "== 配件使用 ==",
        "== 投诉登记 ==",
        "== 员工花名册 ==",
    ]
    ledger = out.split("== 维修台帐 ==")[1].split("==")[0]
    rows = [int(line.split()[0]) for line in ledger.splitlines()[3:] if line.strip()]
    assert rows == sorted(rows) and rows[0] == 3
    assert "is not one of: new, dispatched, in_progress, completed, cancelled" in out
    assert out.rstrip().endswith("10 error(s), 2 warning(s)")


def test_warnings_alone_exit_zero(tmp_path: Path, blank: Path) -> None:
    workbook = openpyxl.load_workbook(blank)
    del workbook["服务协议"]  # a firm with no contracts: a warning, not an error
    path = tmp_path / "no-contracts.xlsx"
    workbook.save(path)
    code, out, _ = run("validate", path, "--format", "json", "--as-of", AS_OF)
    data = json.loads(out)
    assert code == 0 and data["ok"] is True
    assert [(p["code"], p["severity"], p["sheet"]) for p in data["problems"]] == [
        ("missing_sheet", "warning", "服务协议")
    ]


def test_annotate_marks_cells_and_leaves_the_book_alone(demo_book: Path, tmp_path: Path) -> None:
    before = digest(demo_book)
    out = tmp_path / "annotated.xlsx"
    code, text, _ = run("validate", demo_book, "--annotate", out, "--as-of", AS_OF)
    assert code == 1 and str(out) in text
    assert digest(demo_book) == before
    workbook = openpyxl.load_workbook(out)
    listing = workbook.worksheets[0]
    assert listing.title == "问题清单"
    assert listing.max_row == 1 + 12  # header + every problem
    assert listing["B2"].value == "D7" and listing["B2"].hyperlink.location == "'来电登记'!D7"
    phone = workbook["来电登记"]["D7"]
    assert phone.fill.start_color.rgb.endswith("FFC7CE") and "电话" in phone.comment.text
    warning = workbook["维修台帐"]["K10"]  # warranty_mismatch: a warning, amber
    assert warning.fill.start_color.rgb.endswith("FFEB9C")
    assert workbook["维修台帐"]["A8"].fill.fill_type is None  # a good cell stays as it was


def test_annotate_refuses_to_write_over_the_book(demo_book: Path) -> None:
    before = digest(demo_book)
    code, _, err = run("--lang", "en", "validate", demo_book, "--annotate", demo_book)
    assert code == 2 and "the book is never written" in err and digest(demo_book) == before


def _zip_truncated(source: Path, target: Path) -> Path:
    data = source.read_bytes()
    target.write_bytes(data[: len(data) // 2])
    return target


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("missing.xlsx", None, "no such file"),
        ("empty.xlsx", b"", "empty"),
        ("calls.csv", "来电编号,来电时间\nC1,2026-10-05\n".encode(), "CSV or text"),
        ("renamed.xlsx", b"just some notes\n", "CSV or text"),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "damaged or not an Excel"),
        ("image.xlsx", b"\x89PNG\r\n\x1a\n" + b"\0" * 50, "not a workbook"),
    ],
)
def test_unreadable_books_exit_2_with_one_line(
    tmp_path: Path, name: str, content: bytes | None, expected: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    code, out, err = run("--lang", "en", "validate", path)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and expected in err and str(path) in err
    assert "Traceback" not in err


def test_truncated_and_foreign_zip_exit_2(tmp_path: Path, blank: Path) -> None:
    truncated = _zip_truncated(blank, tmp_path / "cut.xlsx")
    code, _, err = run("--lang", "en", "validate", truncated)
    assert code == 2 and "damaged or incomplete" in err
    foreign = tmp_path / "letter.xlsx"
    with zipfile.ZipFile(foreign, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    code, _, err = run("--lang", "en", "validate", foreign)
    assert code == 2 and "damaged or not an Excel workbook" in err


def test_password_protected_book_exit_2(tmp_path: Path, blank: Path) -> None:
    from msoffcrypto.format.ooxml import OOXMLFile

    locked = tmp_path / "locked.xlsx"
    with open(blank, "rb") as plain, open(locked, "wb") as out:
        OOXMLFile(plain).encrypt("secret", out)
    code, _, err = run("--lang", "en", "validate", locked)
    assert code == 2 and "password-protected" in err and "secret" not in err


def test_bad_as_of_is_usage_error(blank: Path) -> None:
    code, _, err = run("validate", blank, "--as-of", "next tuesday")
    assert code == 2 and "--as-of" in err


def test_config_defaults_text_and_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SVCTOOLS_CONFIG", raising=False)
    code, out, _ = run("config", "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["source"] is None
    assert data["sla"]["repair_days"] == 3 and data["penalties"]["cap_ratio"] == "0.2"
    assert data["sla"]["response_hours"] == {"1": "1", "2": "2", "3": "2", "4": "2"}
    code, out, _ = run("config")
    assert code == 0 and out.startswith("# defaults") and "[penalties]" in out


def test_config_file_from_env_and_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "svctools.toml").write_text("[sla]\nrepair_days = 5\n", encoding="utf-8")
    monkeypatch.delenv("SVCTOOLS_CONFIG", raising=False)
    assert json.loads(run("config", "--format", "json")[1])["sla"]["repair_days"] == 5
    other = tmp_path / "firm.toml"
    other.write_text('[fees]\nparts_markup = "0.15"\n', encoding="utf-8")
    monkeypatch.setenv("SVCTOOLS_CONFIG", str(other))
    data = json.loads(run("config", "--format", "json")[1])
    assert data["fees"]["parts_markup"] == "0.15" and data["sla"]["repair_days"] == 3


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[sla]\nrepair_dayz = 3\n", "sla.repair_dayz: unknown key"),
        ("[sla]\nrepair_days = 0\n", "sla.repair_days: Input should be greater than 0"),
        ('[fees]\nreturn_shipping_payer = "nobody"\n', "fees.return_shipping_payer"),
        ('timezone = "Mars/Olympus"\n', "timezone"),
        ("[sla\n", "not valid TOML"),
        ('[calendar]\nextra_holidays = ["2026-13-01"]\n', "calendar.extra_holidays.0"),
    ],
)
def test_bad_config_is_one_line_naming_file_and_key(
    tmp_path: Path, text: str, expected: str
) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    code, _, err = run("--lang", "en", "--config", path, "config")
    assert code == 2 and expected in err and str(path) in err
    assert err.count("\n") == 1


def test_missing_config_file_is_exit_2(tmp_path: Path) -> None:
    code, _, err = run("--lang", "en", "--config", tmp_path / "nope.toml", "config")
    assert code == 2 and "not found" in err


def test_version_and_help() -> None:
    code, out, _ = run("--version")
    assert code == 0 and out.startswith("svctools, version ")
    code, out, _ = run("validate", "--help")
    assert code == 0 and "Example:" in out and "--annotate" in out
