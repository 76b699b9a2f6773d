"""``validate --annotate``: a copy of the book with each bad cell marked, and a problem list first.

The input is only read; the copy is written to a temporary file and moved into place.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from svctools.core.errors import UsageError
from svctools.core.messages import Msg, say, says, word
from svctools.core.problems import ERROR, Problem
from svctools.outputs.render import PROBLEM_COLUMNS
from svctools.outputs.xlsxout import clean_text, save_workbook, set_text

RED = "FFC7CE"
AMBER = "FFEB9C"


def annotate(book: Path, out: Path, problems: list[Problem], lang: str) -> Path:
    """Write ``out``: ``book`` with bad cells filled (errors red, warnings amber) and commented."""
    import openpyxl
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.hyperlink import Hyperlink

    if out.resolve() == book.resolve():
        raise UsageError(Msg("arg.annotate_self", out=out))
    workbook = openpyxl.load_workbook(book)
    by_cell: dict[tuple[str, str], list[Problem]] = defaultdict(list)
    for problem in problems:
        if problem.cell and problem.sheet in workbook.sheetnames:
            by_cell[(problem.sheet, problem.cell)].append(problem)
    for (sheet, ref), items in by_cell.items():
        cell = workbook[sheet][ref]
        worst = ERROR if any(p.severity == ERROR for p in items) else "warning"
        color = RED if worst == ERROR else AMBER
        cell.fill = PatternFill("solid", start_color=color, end_color=color)
        text = "\n".join(p.message(lang) for p in items)
        cell.comment = Comment(clean_text(text), "svctools", width=320, height=40 + 30 * len(items))

    title = say("annotate.title", lang)
    while title in workbook.sheetnames:
        title += "_"
    listing = workbook.create_sheet(title, 0)
    listing.append(says(tuple(f"col.{c}" for c in PROBLEM_COLUMNS), lang))
    for cell in listing[1]:
        cell.font = Font(bold=True)
    link_font = Font(color="0563C1", underline="single")
    for problem in problems:
        row = listing.max_row + 1
        values = (
            problem.sheet,
            problem.cell,
            problem.row,
            problem.column,
            word("level", problem.severity, lang),  # 错误/警告 (the code column stays a key)
            problem.code,
            problem.to_dict(lang)["value"],
            problem.message(lang),
        )
        for column, value in enumerate(values, start=1):
            set_text(listing.cell(row=row, column=column), value)
        if problem.cell and problem.sheet in workbook.sheetnames:
            link = listing.cell(row=row, column=2)
            quoted = problem.sheet.replace("'", "''")
            link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{quoted}'!{problem.cell}")
            link.font = link_font
    for letter, width in zip("ABCDEFGH", (14, 8, 6, 14, 8, 16, 18, 70), strict=True):
        listing.column_dimensions[letter].width = width
    listing.freeze_panes = "A2"
    workbook.active = 0
    return save_workbook(workbook, out)
