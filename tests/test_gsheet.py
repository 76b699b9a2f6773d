"""Google Sheets as a book: the real gspread client over HTTP against ``sheets_server``.

Every test points ``$SVCTOOLS_GOOGLE_API_ROOT`` at a local Sheets-API server and counts the
requests it receives; retries sleep on a fake clock, so nothing here waits for real.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import valid_rows
from sheets_server import SheetsServer

from svctools.cli import cli
from svctools.core.errors import BookError, UsageError
from svctools.core.policy import Policy
from svctools.core.schema import load_schema
from svctools.demo.sample import DEMO_AS_OF, build_demo_book
from svctools.outputs.blank import blank_book
from svctools.outputs.gsheet_write import write_back
from svctools.sources import gsheet
from svctools.sources.gsheet import Backoff, GoogleBook, parse_spec, retry_after

AS_OF = "2026-11-20T09:00"
PROBLEMS_TAB = "问题清单 (svctools)"
READ_ONLY = {"spreadsheets.get": 1, "values.batchGet": 1}


def run(*args: Any) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout, result.stderr


class FakeTime:
    """A clock that only moves when ``sleep`` is called: retries take no real time."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def clock(self) -> float:
        return self.now


@pytest.fixture(autouse=True)
def fake_time(monkeypatch: pytest.MonkeyPatch) -> FakeTime:
    fake = FakeTime()
    backoff = Backoff(sleep=fake.sleep, clock=fake.clock, jitter=lambda: 0.5)
    monkeypatch.setattr(gsheet, "DEFAULT_BACKOFF", backoff)
    return fake


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[SheetsServer]:
    monkeypatch.chdir(tmp_path)
    for name in ("SVCTOOLS_CONFIG", "GOOGLE_APPLICATION_CREDENTIALS"):
        monkeypatch.delenv(name, raising=False)
    with SheetsServer() as sheets:
        monkeypatch.setenv("SVCTOOLS_GOOGLE_API_ROOT", sheets.url)
        sheets.add_spreadsheet("VALID", valid_rows(), "售后台账")
        yield sheets


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Path]:
    workbook, _ = build_demo_book(7, DEMO_AS_OF)
    path = tmp_path_factory.mktemp("demo") / "book.xlsx"
    workbook.save(path)
    return workbook, path


def one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


# --- reading ----------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [10, 10_000])
def test_whole_book_costs_two_requests_whatever_its_size(server: SheetsServer, size: int) -> None:
    book = valid_rows()
    calls = book["来电登记"]
    for number in range(size - (len(calls) - 1)):
        calls.append([f"X{number:05d}", *calls[1][1:]])
    server.add_spreadsheet("BIG", book)
    server.counts.clear()
    code, out, err = run("validate", "gsheet:BIG", "--as-of", AS_OF, "--format", "json")
    assert (code, err) == (0, "")
    assert json.loads(out) == {"ok": True, "problems": []}
    assert server.counts == READ_ONLY


COMMANDS = [
    ("validate",),
    ("sla", "--skip-invalid"),
    ("penalties", "--month", "2026-10", "--skip-invalid"),
    ("settle", "--month", "2026-10", "--skip-invalid"),
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_demo_sheet_gives_byte_identical_json_to_the_xlsx(
    server: SheetsServer, demo: tuple[Any, Path], command: tuple[str, ...]
) -> None:
    server.add_workbook("DEMO", demo[0], "售后台账")
    options = ("--as-of", AS_OF, "--format", "json")
    from_xlsx = run(command[0], demo[1], *command[1:], *options)
    server.counts.clear()
    from_sheet = run(command[0], "gsheet:DEMO", *command[1:], *options)
    assert from_sheet == from_xlsx  # exit code, stdout and stderr, byte for byte
    assert len(from_xlsx[1]) > 1000
    assert server.counts == READ_ONLY


def test_a_sheet_url_is_the_same_book(server: SheetsServer) -> None:
    url = "https://docs.google.com/spreadsheets/d/VALID/edit#gid=0"
    code, out, err = run("validate", url, "--as-of", AS_OF, "--format", "json")
    assert (code, err, json.loads(out)["ok"]) == (0, "", True)


def test_rows_are_numbered_as_in_excel_blanks_are_none(server: SheetsServer) -> None:
    server.add_spreadsheet("ROWS", {"门店": [[], ["title"], [None, "", 3, None], [], ["x"]]})
    with GoogleBook("ROWS", Policy()) as book:
        rows = list(book.rows("门店"))
        assert book.sheet_names() == ["门店"]
    assert rows == [(1, []), (2, ["title"]), (3, [None, None, 3]), (4, []), (5, ["x"])]


def test_values_arrive_typed_like_the_xlsx_reader(server: SheetsServer) -> None:
    with GoogleBook("VALID", Policy()) as book:
        header, first = list(book.rows("来电登记"))[:2]
    assert header[1][:2] == ["来电编号", "来电时间"]
    assert first[1][1] == 46300.604166666664  # 2026-10-05 14:30 as a serial number
    assert first[1][9] == 46082  # the purchase date 2026-03-01
    assert first[1][11] == 2 and isinstance(first[1][11], int)  # fault level: a number


def test_a_missing_sheet_is_one_line_naming_the_book(server: SheetsServer) -> None:
    with GoogleBook("VALID", Policy()) as book, pytest.raises(BookError) as caught:
        list(book.rows("不存在"))
    assert str(caught.value) == "gsheet:VALID: no sheet named '不存在' in this spreadsheet"
    with pytest.raises(BookError, match="gsheet:VALID: no sheet named '不存在'"):
        write_back("gsheet:VALID", Policy(), "不存在", [(2, "A", "x")])


# --- quota and faults -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "header", "sleeps"), [(429, "7", [7, 7]), (503, None, [0.75, 1.5])]
)
def test_quota_and_server_errors_are_retried(
    server: SheetsServer, fake_time: FakeTime, status: int, header: str | None, sleeps: list[float]
) -> None:
    server.fail_next(status, times=2, retry_after=header)
    code, out, err = run("validate", "gsheet:VALID", "--as-of", AS_OF, "--format", "json")
    assert (code, err, json.loads(out)["ok"]) == (0, "", True)
    assert fake_time.sleeps == sleeps  # Retry-After honoured; else exponential with jitter
    assert server.counts == {"spreadsheets.get": 3, "values.batchGet": 1}


def test_server_errors_until_the_time_bound_give_one_line(
    server: SheetsServer, fake_time: FakeTime
) -> None:
    server.fail_next(500, times=1000)
    code, out, err = run("--lang", "en", "sla", "gsheet:VALID", "--as-of", AS_OF)
    line = one_line(err)
    assert code == 2 and out == ""
    assert line.startswith("svctools: gsheet:VALID: the Sheets API keeps failing (500)")
    assert fake_time.sleeps[:6] == [0.75, 1.5, 3, 6, 12, 24]  # doubling, capped at 32 s
    assert sum(fake_time.sleeps) <= Backoff().budget
    assert server.counts["spreadsheets.get"] == len(fake_time.sleeps) + 1


def test_quota_still_exceeded_says_to_wait(server: SheetsServer, fake_time: FakeTime) -> None:
    server.fail_next(429, times=1000, retry_after="30")
    code, _, err = run(
        "--lang", "en", "settle", "gsheet:VALID", "--month", "2026-10", "--as-of", AS_OF
    )
    assert code == 2
    assert "gsheet:VALID: Google Sheets quota exceeded (429)" in one_line(err)
    assert fake_time.sleeps == [30, 30, 30]


@pytest.mark.parametrize(
    ("key", "message"),
    [
        (
            "LOCKED",
            "gsheet:LOCKED: no access (403); share the spreadsheet with the service account",
        ),
        ("NOSUCH", "gsheet:NOSUCH: no spreadsheet with this key (404); check the key or URL"),
    ],
)
def test_no_access_and_wrong_key_are_one_clear_line(
    server: SheetsServer, key: str, message: str
) -> None:
    server.add_spreadsheet("LOCKED", valid_rows())
    server.forbidden.add("LOCKED")
    for command in (("validate",), ("penalties", "--month", "2026-10")):
        code, out, err = run(
            "--lang", "en", command[0], f"gsheet:{key}", *command[1:], "--as-of", AS_OF
        )
        assert (code, out) == (2, "")
        assert one_line(err).startswith(f"svctools: {message}")


def test_no_credentials_with_googles_endpoint_is_one_clear_error(
    server: SheetsServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SVCTOOLS_GOOGLE_API_ROOT")
    code, _, err = run("--lang", "en", "validate", "gsheet:VALID")
    assert code == 2
    line = one_line(err)
    assert "service-account key" in line and "GOOGLE_APPLICATION_CREDENTIALS" in line
    assert server.counts == {}


def test_an_unreachable_api_root_is_one_line(
    server: SheetsServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    with SheetsServer() as gone:
        url = gone.url
    monkeypatch.setenv("SVCTOOLS_GOOGLE_API_ROOT", url)
    code, _, err = run("--lang", "en", "validate", "gsheet:VALID")
    assert code == 2
    assert one_line(err).startswith(f"svctools: gsheet:VALID: cannot reach the Sheets API at {url}")


def _service_account_key(folder: Path, token_uri: str) -> Path:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    info = {
        "type": "service_account",
        "project_id": "svctools-test",
        "private_key_id": "k1",
        "private_key": pem,
        "client_email": "office@svctools-test.iam.gserviceaccount.com",
        "client_id": "1",
        "token_uri": token_uri,
    }
    path = folder / "key.json"
    path.write_text(json.dumps(info), encoding="utf-8")
    return path


def test_a_service_account_key_signs_in_and_names_itself_on_403(
    server: SheetsServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "office"
    folder.mkdir()
    _service_account_key(folder, server.url + "/token")
    (folder / "svctools.toml").write_text('[google]\ncredentials = "key.json"\n', encoding="utf-8")
    server.token = "tok-123"
    code, out, err = run(
        "--lang", "en", "--config", folder / "svctools.toml", "validate", "gsheet:VALID"
    )
    assert (code, err) == (0, "")
    assert set(server.authorizations) == {"Bearer tok-123"}
    claims = server.assertions[0].split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(claims + "=" * (-len(claims) % 4)))
    assert claims["scope"] == "https://www.googleapis.com/auth/spreadsheets.readonly"
    server.forbidden.add("VALID")
    code, _, err = run(
        "--lang", "en", "--config", folder / "svctools.toml", "validate", "gsheet:VALID"
    )
    assert code == 2
    assert "share the spreadsheet with the service account office@svctools-test" in one_line(err)


# --- writing ----------------------------------------------------------------------------------


def test_init_lays_out_an_empty_spreadsheet_in_one_batch_update(server: SheetsServer) -> None:
    server.add_empty("NEW")
    code, out, err = run("init", "gsheet:NEW", "--format", "json")
    assert (code, err) == (0, "")
    schema = load_schema()
    titles = [s.title("zh") for s in schema.sheets]
    assert json.loads(out) == {"book": "gsheet:NEW", "sheets": titles}
    assert server.counts == {**READ_ONLY, "spreadsheets.batchUpdate": 1}
    assert server.titles("NEW") == titles  # the empty 工作表1 became the first sheet
    blank = blank_book(schema, "zh")
    for title in titles:
        assert server.values("NEW", title) == [[c.value for c in blank[title][1]]]
        assert server.books["NEW"].sheet(title).frozen_rows == 1
    ledger = server.books["NEW"].sheet("维修台帐")
    lists = [v["rule"]["condition"] for v in ledger.validations]
    status = {
        "type": "ONE_OF_LIST",
        "values": [{"userEnteredValue": v} for v in "待派单 已派单 维修中 已完工 已取消".split()],
    }
    assert status in lists
    assert server.cell("NEW", "维修台帐", "A1")["userEnteredFormat"]["textFormat"]["bold"] is True

    server.counts.clear()
    code, out, err = run("validate", "gsheet:NEW", "--as-of", AS_OF, "--format", "json")
    assert (code, err, json.loads(out)) == (0, "", {"ok": True, "problems": []})


def test_init_refuses_a_spreadsheet_with_data(server: SheetsServer) -> None:
    code, out, err = run("--lang", "en", "init", "gsheet:VALID")
    assert (code, out) == (2, "")
    assert "gsheet:VALID: the spreadsheet already has data" in one_line(err)
    assert "spreadsheets.batchUpdate" not in server.counts


def test_validate_annotate_adds_a_problems_tab_and_notes_never_values(
    server: SheetsServer, demo: tuple[Any, Path]
) -> None:
    server.add_workbook("DEMO", demo[0])
    before = {t: server.values("DEMO", t) for t in server.titles("DEMO")}
    options = ("--as-of", AS_OF, "--format", "json")
    plain = run("validate", "gsheet:DEMO", *options)
    server.counts.clear()
    annotated = run("validate", "gsheet:DEMO", "--annotate", *options)
    assert annotated == plain  # same report; the marking is in the sheet
    assert server.counts == {
        "spreadsheets.get": 2,
        "values.batchGet": 1,
        "spreadsheets.batchUpdate": 1,
    }

    assert server.titles("DEMO") == [PROBLEMS_TAB, *before]
    assert {t: server.values("DEMO", t) for t in before} == before
    problems = json.loads(plain[1])["problems"]
    listing = server.values("DEMO", PROBLEMS_TAB)
    assert listing[0] == ["工作表", "单元格", "行", "列", "级别", "代码", "值", "说明"]
    assert len(listing) == len(problems) + 1
    sheet_ids = {s.title: s.sheet_id for s in server.books["DEMO"].sheets}
    cells = {(p["sheet"], p["cell"]) for p in problems if p["cell"]}
    for number, problem in enumerate(problems, start=2):
        if problem["cell"]:
            link = server.cell("DEMO", PROBLEMS_TAB, f"B{number}")["userEnteredValue"]
            target = f"#gid={sheet_ids[problem['sheet']]}&range={problem['cell']}"
            assert link == {"formulaValue": f'=HYPERLINK("{target}","{problem["cell"]}")'}
            note = server.cell("DEMO", problem["sheet"], problem["cell"])["note"]
            assert problem["message"] in note
    noted = {
        (sheet.title, f"{chr(65 + c)}{r + 1}")
        for sheet in server.books["DEMO"].sheets
        for (r, c), cell in sheet.cells.items()
        if "note" in cell
    }
    assert noted == cells and len(cells) > 5

    server.cell("DEMO", "来电登记", "D7")["userEnteredValue"] = {"stringValue": "13812345678"}
    server.counts.clear()
    run("validate", "gsheet:DEMO", "--annotate", *options)  # fixed D7, then again:
    assert server.titles("DEMO") == [PROBLEMS_TAB, *before]  # the tab is replaced
    assert "note" not in server.cell("DEMO", "来电登记", "D7")  # the stale note is gone
    assert "note" in server.cell("DEMO", "来电登记", "J10")
    assert server.counts["values.batchGet"] == 2  # the earlier tab, read once
    assert server.counts["spreadsheets.batchUpdate"] == 1


def test_annotate_takes_a_file_for_xlsx_and_none_for_a_sheet(
    server: SheetsServer, demo: tuple[Any, Path]
) -> None:
    code, _, err = run("--lang", "en", "validate", "gsheet:VALID", "--annotate", "out.xlsx")
    assert code == 2 and "on a Google Sheet, give --annotate without a file name" in one_line(err)
    code, _, err = run("--lang", "en", "validate", demo[1], "--annotate")
    assert code == 2 and "--annotate needs OUT.xlsx" in one_line(err)
    assert "spreadsheets.batchUpdate" not in server.counts


def test_write_back_is_one_values_batch_update(server: SheetsServer) -> None:
    cells = [
        (2, "K", date(2026, 11, 20)),
        (2, 12, "=HACK()"),
        (3, "k", datetime(2026, 11, 20, 9, 30)),
        (3, 12, "00120"),
        (4, "G", Decimal("120.50")),
    ]
    server.counts.clear()
    assert write_back("gsheet:VALID", Policy(), "服务协议", cells) == 5
    assert server.counts == {"values.batchUpdate": 1}
    rows = server.values("VALID", "服务协议")
    assert rows[1][10:12] == [46346, "=HACK()"]  # a real date; text stays text
    assert rows[2][10:12] == [46346.395833333336, "00120"]
    assert rows[3][6] == 120.5  # money: a number
    assert (
        server.cell("VALID", "服务协议", "K2")["userEnteredFormat"]["numberFormat"]["type"]
        == "DATE"
    )


def test_remind_write_back_logs_what_was_sent_in_one_batch_update(server: SheetsServer) -> None:
    # HT001 (owner A01 张丽, store S01) ends 2026-12-31 and is pending: on 12-30, d = 1 -> stage 1.
    # HT002 is renewed: nothing. No [smtp] host: the message goes to the outbox, recorded as
    # written (issue 13: not "sent" until an SMTP server has it).
    args = (
        "remind",
        "renewals",
        "gsheet:VALID",
        "--as-of",
        "2026-12-30T07:30",
        "--write-back",
        "--format",
        "json",
    )
    server.counts.clear()
    code, out, err = run(*args)
    assert code == 0, err
    assert [d["key"] for d in json.loads(out)["due"]] == ["renewal:HT001:1"]
    assert server.counts == {
        "spreadsheets.get": 2,
        "values.batchGet": 1,
        "spreadsheets.batchUpdate": 1,
    }
    log = server.values("VALID", "提醒记录")
    assert log[0] == ["提醒键", "类型", "收件人", "发送时间"]
    assert log[1][:2] == ["renewal:HT001:1", "renewal"]
    assert "a01@example.com" in log[1][2] and log[1][3] == "2026-12-30 07:30:00"
    server.counts.clear()
    code, out, _ = run(*args)  # the second run sends nothing new, and writes nothing
    assert code == 0 and json.loads(out)["already_written"] == 1
    assert "spreadsheets.batchUpdate" not in server.counts
    assert len(server.values("VALID", "提醒记录")) == 2


def test_remind_write_back_refuses_an_xlsx_book(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from conftest import write_book

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SVCTOOLS_CONFIG", raising=False)
    path = write_book(tmp_path / "book.xlsx", valid_rows())
    before = path.read_bytes()
    code, _, err = run(
        "--lang", "en", "remind", "renewals", path, "--as-of", "2026-12-30T07:30", "--write-back"
    )
    assert code == 2 and "Google Sheets only" in one_line(err)
    assert path.read_bytes() == before
    assert not (tmp_path / "outbox").exists()  # refused before anything was sent


# --- units ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "key"),
    [
        ("gsheet:1AbC-d_9", "1AbC-d_9"),
        ("https://docs.google.com/spreadsheets/d/1AbC-d_9/edit#gid=0", "1AbC-d_9"),
        ("https://docs.google.com/spreadsheets/u/1/d/1AbC-d_9/edit?usp=sharing", "1AbC-d_9"),
        ("docs.google.com/spreadsheets/d/1AbC-d_9", "1AbC-d_9"),
    ],
)
def test_parse_spec(spec: str, key: str) -> None:
    assert parse_spec(spec) == key


@pytest.mark.parametrize("spec", ["gsheet:", "https://docs.google.com/spreadsheets/", "book.xlsx"])
def test_parse_spec_refuses_what_names_no_sheet(spec: str) -> None:
    with pytest.raises(UsageError):
        parse_spec(spec)


def test_backoff_doubles_with_jitter_and_honours_retry_after() -> None:
    backoff = Backoff(jitter=lambda: 1.0)
    assert [backoff.delay(n, None) for n in range(7)] == [1, 2, 4, 8, 16, 32, 32]
    assert Backoff(jitter=lambda: 0.0).delay(3, None) == 4  # never below half the step
    assert backoff.delay(0, 20.0) == 20.0


def test_retry_after_reads_seconds_and_http_dates() -> None:
    import requests

    response = requests.Response()
    response.headers["Retry-After"] = "12"
    assert retry_after(response) == 12
    response.headers["Retry-After"] = "Wed, 21 Oct 2015 07:28:00 GMT"  # in the past
    assert retry_after(response) == 0
    response.headers["Retry-After"] = "soon"
    assert retry_after(response) is None
