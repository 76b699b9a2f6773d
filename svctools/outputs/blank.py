"""``init``: a blank book a clerk can start typing into, with dropdowns so typos never start."""

from __future__ import annotations

from pathlib import Path

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation

from svctools.core.messages import by_lang, say, template
from svctools.core.schema import Column, Schema, Sheet
from svctools.outputs.xlsxout import save_workbook

HEADER_FILL = PatternFill("solid", start_color="DDEBF7", end_color="DDEBF7")
_BOOL = by_lang(("blank.bool.yes", "blank.bool.no"))


def blank_book(schema: Schema, lang: str) -> Workbook:
    """Every sheet with its headers, frozen header row, widths and a dropdown per enum/bool."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet in schema.sheets:
        worksheet = workbook.create_sheet(sheet.title(lang))
        for index, column in enumerate(sheet.columns, start=1):
            cell = worksheet.cell(row=1, column=index, value=column.header(lang))
            cell.font = Font(bold=True, color="C00000" if column.required else "000000")
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(horizontal="center")
            letter = get_column_letter(index)
            worksheet.column_dimensions[letter].width = max(column.width, _width(cell.value))
            validation = _validation(column, lang) or _pick_list(schema, sheet, column, lang)
            if validation is not None:
                worksheet.add_data_validation(validation)
                validation.add(f"{letter}2:{letter}5000")
        worksheet.freeze_panes = "A2"
    return workbook


def _width(text: str) -> int:
    from wcwidth import wcswidth

    return max(wcswidth(text), 0) + 4


def _validation(column: Column, lang: str) -> DataValidation | None:
    if column.type == "enum":
        options: tuple[str, ...] = tuple(o.label(lang) for o in column.enum)
    elif column.type == "bool":
        options = _BOOL[lang]
    elif column.type == "int" and (column.min is not None or column.max is not None):
        low = column.min if column.min is not None else -(2**31)
        high = column.max if column.max is not None else 2**31 - 1
        return DataValidation(
            type="whole",
            operator="between",
            formula1=str(low),
            formula2=str(high),
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="warning",
        )
    else:
        return None
    return DataValidation(
        type="list",
        formula1='"' + ",".join(options) + '"',
        allow_blank=True,
        showDropDown=False,
        showErrorMessage=True,
        errorStyle="warning",
    )


def _pick_list(schema: Schema, sheet: Sheet, column: Column, lang: str) -> DataValidation | None:
    """A person column picks from the staff sheet's IDs (not enforced: a warning only) and,
    where a blank is fine on some rows only (维修员 while 待派单), its input message says when."""
    found = schema.pick_list(column)
    if found is None:
        return None
    listed, position = found
    letter = get_column_letter(position + 1)
    title = listed.title(lang).replace("'", "''")
    validation = DataValidation(
        type="list",
        formula1=f"'{title}'!${letter}$2:${letter}$5000",
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="warning",
    )
    if column.required_when:
        validation.showInputMessage = True
        validation.promptTitle = column.header(lang)
        validation.prompt = required_when_text(sheet, column, lang)
    return validation


def required_when_text(sheet: Sheet, column: Column, lang: str) -> str:
    """``状态为 已派单、维修中、已完工、已取消时必填``: the rows on which ``column`` is required."""
    parts = []
    for key, values in column.required_when:
        condition = sheet.by_key[key]
        labels = {o.key: o.label(lang) for o in condition.enum}
        shown = [labels.get(v, v) for v in values]
        values_text = template("punct.list", lang).join(shown)
        parts.append(
            say("blank.required_when", lang, column=condition.header(lang), values=values_text)
        )
    return (template("punct.semicolon", lang)).join(parts)


def write_blank_book(schema: Schema, path: Path, lang: str) -> Path:
    return save_workbook(blank_book(schema, lang), path)
