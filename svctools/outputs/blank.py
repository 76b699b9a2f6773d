"""``init``: a blank book a clerk can start typing into, with dropdowns so typos never start."""

from __future__ import annotations

from pathlib import Path

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation

from svctools.core.schema import Column, Schema
from svctools.outputs.xlsxout import save_workbook

HEADER_FILL = PatternFill("solid", start_color="DDEBF7", end_color="DDEBF7")
_BOOL = {"zh": ("是", "否"), "en": ("yes", "no")}


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
            validation = _validation(column, lang)
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


def write_blank_book(schema: Schema, path: Path, lang: str) -> Path:
    return save_workbook(blank_book(schema, lang), path)
