"""``validate --annotate``: a copy of the book with each bad cell marked, and a problem list first.

The input is only read; the copy is written to a temporary file and moved into place. A plain
.xlsx is copied at the zip level (``annotate_zip``: only the sheets with marked cells are
edited, fast and bounded by the data); any other book, or one that path does not expect, is
loaded and saved whole by openpyxl (``annotate_with_openpyxl``, also the reference the tests
compare the fast path with).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

from svctools.core.errors import UsageError
from svctools.core.messages import Msg, say, says, word
from svctools.core.problems import ERROR, Problem
from svctools.outputs.annotate_zip import Listing, Mark, NotPlain, write_copy
from svctools.outputs.render import PROBLEM_COLUMNS
from svctools.outputs.xlsxout import CELL_LIMIT, clean_text, save_package, set_text

RED = "FFC7CE"
AMBER = "FFEB9C"
WIDTHS = (14, 8, 6, 14, 8, 16, 18, 70)  # the problem list's columns A-H

Plan = Callable[[list[str]], tuple[dict[str, dict[str, Mark]], Listing]]


OTHER_FORMATS = (".xls", ".xlsb", ".ods", ".csv")  # read by svctools, but not copied as .xlsx


def check_annotatable(book: str) -> None:
    """Refuse, before the book is read, a book whose copy cannot be an .xlsx: an .xls, .ods,
    .xlsb or a folder of CSV files (save it as .xlsx first)."""
    path = Path(book)
    if path.is_dir() or path.suffix.lower() in OTHER_FORMATS:
        raise UsageError(Msg("arg.annotate_format", book=book))


def annotate(
    book: Path, out: Path, problems: list[Problem], lang: str, password: str | None = None
) -> Path:
    """Write ``out``: ``book`` with bad cells filled (errors red, warnings amber) and commented.
    A password-protected book is decrypted in memory (``password`` as for reading it)."""
    from svctools.sources.crypto import decrypt, is_encrypted, password_for

    if out.resolve() == book.resolve():
        raise UsageError(Msg("arg.annotate_self", out=out))
    check_annotatable(str(book))
    source: Path | BinaryIO = book
    if is_encrypted(book):
        source = decrypt(book, password_for(book, password))
    plan = plan_for(problems, lang)
    try:
        return save_package(out, lambda target: write_copy(source, target, plan, lang))
    except NotPlain:
        if not isinstance(source, Path):
            source.seek(0)
        return annotate_with_openpyxl(source, out, plan, lang)


def plan_for(problems: list[Problem], lang: str) -> Plan:
    """What the copy gets, once the book's sheet names are known: the marks and the list."""

    def plan(sheet_names: list[str]) -> tuple[dict[str, dict[str, Mark]], Listing]:
        names = set(sheet_names)
        marks: dict[str, dict[str, Mark]] = defaultdict(dict)
        links: dict[int, str] = {}
        rows = []
        for number, problem in enumerate(problems, start=2):
            rows.append(
                (
                    problem.sheet,
                    problem.cell,
                    problem.row,
                    problem.column,
                    word("level", problem.severity, lang),  # 错误/警告 (the code stays a key)
                    problem.code,
                    problem.to_dict(lang)["value"],
                    problem.message(lang),
                )
            )
            if problem.cell and problem.sheet in names:
                mark = marks[problem.sheet].setdefault(problem.cell, Mark(AMBER))
                mark.color = RED if problem.severity == ERROR else mark.color
                mark.lines.append(problem.message(lang))
                quoted = problem.sheet.replace("'", "''")
                links[number] = f"'{quoted}'!{problem.cell}"
        title = say("annotate.title", lang)
        while title in names:
            title += "_"
        header = says(tuple(f"col.{c}" for c in PROBLEM_COLUMNS), lang)
        return dict(marks), Listing(title, header, rows, links, WIDTHS)

    return plan


def annotate_with_openpyxl(book: Path | BinaryIO, out: Path, plan: Plan, lang: str) -> Path:
    """The general path: openpyxl loads the whole book, marks it and saves it whole."""
    import openpyxl
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.hyperlink import Hyperlink

    workbook = openpyxl.load_workbook(book)
    marks, listing = plan(workbook.sheetnames)
    for sheet, notes in cut_long_cells(workbook, lang).items():
        for ref, note in notes.items():
            mark = marks.setdefault(sheet, {}).get(ref)
            marks[sheet][ref] = Mark(mark.color, mark.lines + note.lines) if mark else note
    for sheet, cells in marks.items():
        for ref, mark in cells.items():
            cell = workbook[sheet][ref]
            if mark.color:
                cell.fill = PatternFill("solid", start_color=mark.color, end_color=mark.color)
            text = clean_text("\n".join(mark.lines))
            cell.comment = Comment(text, "svctools", width=320, height=40 + 30 * len(mark.lines))

    sheet = workbook.create_sheet(listing.title, 0)
    sheet.append(listing.header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    link_font = Font(color="0563C1", underline="single")
    for number, values in enumerate(listing.rows, start=2):
        for column, value in enumerate(values, start=1):
            set_text(sheet.cell(row=number, column=column), value)
        if number in listing.links:
            link = sheet.cell(row=number, column=2)
            link.hyperlink = Hyperlink(ref=link.coordinate, location=listing.links[number])
            link.font = link_font
    for letter, width in zip("ABCDEFGH", listing.widths, strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    workbook.active = 0
    return save_package(out, workbook.save)


def cut_long_cells(workbook: Any, lang: str) -> dict[str, dict[str, Mark]]:
    """Text cells over Excel's limit, cut in the copy; a note for each (sheet -> cell -> note)."""
    notes: dict[str, dict[str, Mark]] = {}
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and len(cell.value) > CELL_LIMIT:
                    note = say("annotate.cut", lang, length=len(cell.value))
                    notes.setdefault(sheet.title, {})[cell.coordinate] = Mark(None, [note])
                    cell.value = clean_text(cell.value)
    return notes
