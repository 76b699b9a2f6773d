"""Hostile text and hostile templates (issue 8, items 2 and 6).

Formula injection: a book whose names, parts, complaints, comments and stores are written as
formulas (``=HYPERLINK(...)``, ``+1+1``, ``-2+3``, ``@SUM(A1)``) goes through every writer —
``validate --annotate``, ``penalties --out``, ``settle --out``, ``report --out``, the demo's
annotated copy, and on Google Sheets the problems tab, ``write_back`` and the reminder log.
Each output is opened again: no cell is a formula unless it is one of OURS (listed below), the
hostile strings are there verbatim as text, and text Excel would evaluate on an edit carries
the quote prefix.

Templates: a firm's template cannot read files, reach Python internals, or exhaust memory or
time.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import Book, set_cell, valid_rows, write_book

from svctools.cli import cli
from svctools.demo.sample import BOOK_NAME
from svctools.mail import templates as mail
from svctools.mail.templates import TemplateError, Templates
from svctools.outputs.xlsxout import FORMULA_START, set_text

HOSTILE = ('=HYPERLINK("http://x","点我")', "+1+1", "-2+3", "@SUM(A1)")
H0, H1, H2, H3 = HOSTILE
AS_OF = "2026-11-20T09:00"

# Our own formulas, the only ones an output may hold:
# - penalties, settle, report and the problems list of --annotate: none (figures are values);
# - the annotated copy: the book's own formulas, copied as they were (the demo's 合计 SUMs);
# - Google Sheets problems tab: =HYPERLINK("#gid=N&range=A1","A1") linking each bad cell.
OUR_SHEET_LINK = re.compile(r'^=HYPERLINK\("#gid=\d+&range=[A-Z]+\d+","[A-Z]+\d+"\)$')

# Text cells of the valid book set to hostile strings: (sheet, row, header, value).
TEXT_CELLS = [
    ("门店", 2, "门店名称", H0),
    ("门店", 2, "店长", H1),
    ("员工花名册", 2, "姓名", H0),
    ("员工花名册", 3, "姓名", H1),
    ("员工花名册", 2, "区域", H3),
    ("来电登记", 2, "客户姓名", H0),
    ("来电登记", 3, "客户姓名", H2),
    ("来电登记", 2, "地址", H1),
    ("来电登记", 2, "产品型号", H3),
    ("来电登记", 3, "故障描述", H2),
    ("配件使用", 2, "配件名称", H0),
    ("配件使用", 3, "配件名称", H1),
    ("配件使用", 3, "配件编号", H3),
    ("配件库存", 4, "配件编号", H3),  # so that 配件使用's part number is still a known part
    ("投诉登记", 2, "客户姓名", H1),
    ("投诉登记", 2, "投诉内容", H0),
    ("投诉登记", 3, "投诉内容", H3),
    ("服务协议", 2, "客户姓名", H2),
    ("回访登记", 2, "意见", H0),
]
# Typed cells set to hostile strings: each is a problem whose value the problems list shows.
TYPED_CELLS = [
    ("来电登记", 2, "联系电话", H0),  # bad_phone
    ("维修台帐", 3, "工时费", H1),  # bad_value (money)
    ("来电登记", 3, "故障等级", H2),  # bad_value (int)
    ("回访登记", 3, "满意度", H3),  # not_in_enum
]


def hostile_book(path: Path, cells: list[tuple[str, int, str, str]]) -> Path:
    """The valid book with ``cells`` set, saved as TEXT (as a web form's export would be)."""
    rows: Book = valid_rows()
    for sheet, row, header, value in cells:
        set_cell(rows, sheet, row, header, value)
    write_book(path, rows)
    workbook = openpyxl.load_workbook(path)
    for sheet in workbook.worksheets:
        for line in sheet.iter_rows():
            for cell in line:
                if cell.data_type == "f":  # write_book's openpyxl took "=..." for a formula
                    cell.data_type = "s"
    workbook.save(path)
    return path


def run(*args: Any) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout, result.stderr


def cells(path: Path) -> list[Any]:
    workbook = openpyxl.load_workbook(path)
    return [c for sheet in workbook.worksheets for row in sheet.iter_rows() for c in row]


def formulas(path: Path) -> list[tuple[str, str, Any]]:
    return [(c.parent.title, c.coordinate, c.value) for c in cells(path) if c.data_type == "f"]


def texts(path: Path) -> set[str]:
    return {c.value for c in cells(path) if c.data_type == "s" and isinstance(c.value, str)}


def assert_safe(path: Path, expected: tuple[str, ...]) -> None:
    """No formula at all; every hostile string present as text; quote prefix where needed."""
    assert formulas(path) == []
    assert [h for h in expected if h not in texts(path)] == []
    unquoted = [
        (c.parent.title, c.coordinate, c.value)
        for c in cells(path)
        if isinstance(c.value, str) and c.value.startswith(FORMULA_START) and not c.quotePrefix
    ]
    assert unquoted == []


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Hostile text in text columns only: no errors, every command computes."""
    return hostile_book(tmp_path_factory.mktemp("hostile") / "book.xlsx", TEXT_CELLS)


def test_the_hostile_book_reads_as_text(clean: Path) -> None:
    code, out, _ = run("validate", clean, "--as-of", AS_OF)
    assert code == 0 and "没有发现问题" in out


def test_annotate_copy_and_problem_list(tmp_path: Path) -> None:
    book = hostile_book(tmp_path / "book.xlsx", TEXT_CELLS + TYPED_CELLS)
    out = tmp_path / "annotated.xlsx"
    code, _, _ = run("validate", book, "--as-of", AS_OF, "--annotate", out)
    assert code == 1
    assert formulas(out) == []  # the test book has no formulas of its own
    assert set(HOSTILE) <= texts(out)
    listing = openpyxl.load_workbook(out)["问题清单"]
    values = {row[6].value: row[6] for row in listing.iter_rows(min_row=2)}
    for hostile in HOSTILE:  # each typed cell's value, listed as text with its quote prefix
        assert values[hostile].data_type == "s" and values[hostile].quotePrefix
    # the copied cells keep the book's text exactly (the book itself is not changed)
    copy = openpyxl.load_workbook(out)["来电登记"]
    assert (copy["C2"].value, copy["D2"].value) == (H0, H0)


def test_penalty_slips(clean: Path, tmp_path: Path) -> None:
    out = tmp_path / "slips.xlsx"
    code, _, err = run("penalties", clean, "--month", "2026-10", "--as-of", AS_OF, "--out", out)
    assert code == 0, err
    assert_safe(out, (H1,))  # T01's name, on the summary and his slip (no customer data)


@pytest.mark.parametrize("mask", ["--no-mask", "--mask"])
def test_settlement(clean: Path, tmp_path: Path, mask: str) -> None:
    out = tmp_path / "settle.xlsx"
    code, _, err = run(
        "settle", clean, "--month", "2026-10", "--as-of", AS_OF, "--out", out, mask
    )  # fmt: skip
    assert code == 0, err
    # customer H0 (W001), staff H1 (T01), store H0; masked: "=*********(...)" is still text
    assert_safe(out, (H0, H1) if mask == "--no-mask" else ())
    if mask == "--mask":
        assert any(t.startswith("=*") for t in texts(out))


def test_report(clean: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.xlsx"
    code, _, err = run("report", clean, "--month", "2026-10", "--as-of", AS_OF, "--out", out)
    assert code == 0, err
    # complaint texts H0 and H3, customers H1, technician H1, parts H0 and H1, part no. H3
    assert_safe(out, HOSTILE[:2] + (H3,))


def test_the_demo_annotated_copy_holds_only_the_books_own_totals(tmp_path: Path) -> None:
    code, _, err = run("demo", tmp_path / "demo")
    assert code == 0, err
    book = tmp_path / "demo" / BOOK_NAME
    copied = formulas(tmp_path / "demo" / "validate-annotated.xlsx")
    assert copied == formulas(book) and copied  # the demo's 合计 rows, nothing more
    assert all(re.fullmatch(r"=SUM\([A-Z]+\d+:[A-Z]+\d+\)", f) for _, _, f in copied)
    for name in ("penalties.xlsx", "settle.xlsx"):
        assert formulas(tmp_path / "demo" / name) == []


def test_set_text_keeps_every_value_an_xlsx_can_hold() -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    values = [*HOSTILE, "a\x01b\x1f", "x\ufffey", float("nan"), float("inf"), Decimal("NaN")]
    values += ["plain", 42, Decimal("1.50"), "—"]
    for number, value in enumerate(values, start=1):
        set_text(sheet.cell(row=number, column=1), value)
    data = io.BytesIO()
    workbook.save(data)  # control characters would make this raise
    data.seek(0)
    back = [c.value for c in openpyxl.load_workbook(data).active["A"]]
    assert back[:4] == list(HOSTILE)
    assert back[4:10] == ["a\ufffdb\ufffd", "x\ufffdy", "nan", "inf", "NaN", "plain"]
    assert back[10:] == [42, 1.5, "—"]


def test_names_an_xlsx_or_a_mail_cannot_hold_are_cleaned(tmp_path: Path) -> None:
    """A name typed over two lines (Alt+Enter), with control characters, or (from a Google
    Sheet's JSON) a lone surrogate: slips and mail are still written."""
    from datetime import datetime

    from svctools.compute.penalties import PenaltyStatement, StaffPenalty
    from svctools.compute.reminders import Person
    from svctools.core.policy import SmtpPolicy
    from svctools.mail.messages import build_message, sender_address
    from svctools.mail.templates import sample_reminders
    from svctools.outputs.statements_xlsx import write_penalty_slips

    one = Decimal(1)
    person = StaffPenalty("T\x01", "张\n丽\ud800", None, None, None, one, one, one, one, [])
    out = write_penalty_slips(PenaltyStatement("2026-10", [person], [], []), tmp_path / "p.xlsx")
    assert openpyxl.load_workbook(out).sheetnames[1] == "T\ufffd 张 丽\ufffd"
    due = sample_reminders()[0]
    due.to = [Person("张\n丽", "a01@example.com")]
    due.context["contract"] = {**due.context["contract"], "customer_name": "a\ud800\x01b"}
    rendered = Templates().render(due.kind, "zh", due.context)
    sender = sender_address(SmtpPolicy.model_validate({}), required=False)
    message = build_message(due, rendered, sender, datetime(2026, 1, 10, 8, 0))
    assert str(message["To"]) == "张 丽 <a01@example.com>" and message.as_bytes()


# --- Google Sheets -------------------------------------------------------------------------


@pytest.fixture
def sheets(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Any:
    from sheets_server import SheetsServer

    monkeypatch.chdir(tmp_path)
    for name in ("SVCTOOLS_CONFIG", "GOOGLE_APPLICATION_CREDENTIALS"):
        monkeypatch.delenv(name, raising=False)
    with SheetsServer() as server:
        monkeypatch.setenv("SVCTOOLS_GOOGLE_API_ROOT", server.url)
        rows: Book = valid_rows()
        for sheet, row, header, value in TEXT_CELLS + TYPED_CELLS:
            set_cell(rows, sheet, row, header, value)
        book = server.add_spreadsheet("HOSTILE", rows, "售后台账")
        for tab in book.sheets:  # typed by a clerk: text, not formulas
            for data in tab.cells.values():
                entered = data.get("userEnteredValue", {})
                if "formulaValue" in entered:
                    data["userEnteredValue"] = {"stringValue": entered["formulaValue"]}
        yield server


def sheet_formulas(server: Any, key: str) -> list[tuple[str, str]]:
    return [
        (tab.title, data["userEnteredValue"]["formulaValue"])
        for tab in server.books[key].sheets
        for data in tab.cells.values()
        if "formulaValue" in data.get("userEnteredValue", {})
    ]


def sheet_strings(server: Any, key: str, title: str) -> set[str]:
    tab = next(t for t in server.books[key].sheets if t.title == title)
    return {
        d["userEnteredValue"]["stringValue"]
        for d in tab.cells.values()
        if "stringValue" in d.get("userEnteredValue", {})
    }


def test_google_annotate_writes_only_our_links(sheets: Any) -> None:
    code, _, err = run("validate", "gsheet:HOSTILE", "--as-of", AS_OF, "--annotate")
    assert code == 1, err
    found = sheet_formulas(sheets, "HOSTILE")
    assert found and all(
        tab == "问题清单 (svctools)" and OUR_SHEET_LINK.match(f) for tab, f in found
    )
    assert set(HOSTILE) <= sheet_strings(sheets, "HOSTILE", "问题清单 (svctools)")


def test_google_write_back_and_log_keep_text(sheets: Any) -> None:
    from svctools.core.policy import Policy
    from svctools.outputs.gsheet_write import log_sent, write_back

    write_back("gsheet:HOSTILE", Policy(), "服务协议", [(2, "K", h) for h in HOSTILE[:1]])
    write_back("gsheet:HOSTILE", Policy(), "服务协议", [(3, 11, H1), (4, 11, H2), (5, 11, H3)])
    log_sent("gsheet:HOSTILE", Policy(), "提醒记录", ("键", "类型", "收件人", "时间"),
             [(h, "renewal", h, "2026-11-20") for h in HOSTILE])  # fmt: skip
    assert sheet_formulas(sheets, "HOSTILE") == []
    assert set(HOSTILE) <= sheet_strings(sheets, "HOSTILE", "服务协议")
    assert set(HOSTILE) <= sheet_strings(sheets, "HOSTILE", "提醒记录")


# --- templates -----------------------------------------------------------------------------


def firm(tmp_path: Path, html: str) -> Templates:
    (tmp_path / "renewal.en.txt").write_text(
        "{% block subject %}s{% endblock %}{% block body %}b{% endblock %}", encoding="utf-8"
    )
    (tmp_path / "renewal.en.html").write_text(html, encoding="utf-8")
    return Templates(tmp_path)


CONTEXT = {"contract": {"contract_id": "HT1", "customer_name": "x"}}


@pytest.mark.parametrize(
    "template",
    [
        "{% include '/etc/passwd' %}",
        "{% include '../../../../../../etc/passwd' %}",
        "{% import '/etc/passwd' as p %}{{ p }}",
        "{% from '../svctools/mail.py' import x %}{{ x }}",
        "{% extends '/etc/hostname' %}",
    ],
)
def test_a_template_cannot_read_files(tmp_path: Path, template: str) -> None:
    with pytest.raises(TemplateError, match="not found"):
        firm(tmp_path, template).render("renewal", "en", CONTEXT)


@pytest.mark.parametrize(
    "template",
    [
        "{{ cycler.__init__.__globals__ }}",
        "{{ joiner.__init__.__globals__.os }}",
        "{{ namespace.__init__ }}",
        "{{ ''.__class__.__mro__ }}",
        "{{ self.__dict__ }}",
        "{{ contract.__class__.__base__.__subclasses__() }}",
        "{{ contract.update(customer_name='y') }}",  # immutable: no changing its data
        "{{ [].append(1) }}",
        "{{ config }}",
    ],
)
def test_a_template_cannot_reach_outside_its_data(tmp_path: Path, template: str) -> None:
    with pytest.raises(TemplateError):
        firm(tmp_path, template).render("renewal", "en", CONTEXT)


@pytest.mark.parametrize(
    ("template", "why"),
    [
        ("{{ 'a' * 10**9 }}", "too long"),
        ("{{ 10 ** 10 ** 10 ** 10 ** 10 }}", "too large"),  # ((10**10)**10)**10)**10
        ("{{ 10 ** (10 ** 10) }}", "too large"),
        ("{{ 'a'.ljust(10**9) }}", "too much memory"),
        ("{{ 'x' | center(10**9) }}", "too much memory"),
        ("{{ '{0:>999999999}'.format('x') }}", "too much memory"),
        ("{{ ('%' ~ 10**9 ~ 's') % 'x' }}", "too much memory"),
        ("{% for i in range(99999) %}{{ 'x' * 9999 }}{% endfor %}", "more than"),
        ("{{ lipsum(10**6) }}", "undefined"),
        ("{{ range(10**9) | list }}", "Range too big"),
    ],
)
def test_a_template_cannot_exhaust_memory(tmp_path: Path, template: str, why: str) -> None:
    with pytest.raises(TemplateError, match=re.escape(why)):
        firm(tmp_path, template).render("renewal", "en", CONTEXT)


def test_ten_to_the_ten_to_the_ten_is_harmless_in_jinja(tmp_path: Path) -> None:
    """jinja's ``**`` is left-associative: (10**10)**10 = 10**100, a 101-digit number."""
    html = firm(tmp_path, "{{ 10 ** 10 ** 10 }}").render("renewal", "en", CONTEXT).html
    assert html == "1" + "0" * 100


def test_a_template_cannot_loop_for_ever(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mail, "RENDER_SECONDS", 0.3)
    template = "{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}"
    with pytest.raises(TemplateError, match="took longer than 0.3 s"):
        firm(tmp_path, template).render("renewal", "en", CONTEXT)
    assert firm(tmp_path, "{{ 6 * 7 }}").render("renewal", "en", CONTEXT).html == "42"
