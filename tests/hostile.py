"""A corpus of broken and hostile ``.xlsx`` files, made here (never downloaded).

Each maker writes one file into a folder and returns its path. They start from a real, valid
book written by ``svctools init`` and change only the part that makes it hostile.
"""

from __future__ import annotations

import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from conftest import soffice_convert

from svctools.core.schema import load_schema
from svctools.outputs.blank import write_blank_book

SHEET = "xl/worksheets/sheet1.xml"
HEADER = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def _base(folder: Path) -> Path:
    path = folder / "base.xlsx"
    if not path.exists():
        write_blank_book(load_schema(), path, "zh")
    return path


def _replace(folder: Path, name: str, member: str, content: bytes | Callable[[Any], None]) -> Path:
    """Copy the base book to ``name`` with ``member`` replaced by ``content``."""
    source, target = _base(folder), folder / name
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            if item.filename != member:
                new.writestr(item, old.read(item.filename))
        if callable(content):
            with new.open(member, "w", force_zip64=True) as handle:
                content(handle)
        else:
            new.writestr(member, content)
    return target


def xml_bomb(folder: Path) -> Path:
    """Billion laughs: ten levels of entities, each ten times the one below, in a cell."""
    entities = ['<!ENTITY l0 "lollollollollol">']
    entities += [f'<!ENTITY l{n} "{("&l" + str(n - 1) + ";") * 10}">' for n in range(1, 10)]
    doctype = f"<!DOCTYPE worksheet [{''.join(entities)}]>"
    body = (
        f'<?xml version="1.0"?>{doctype}'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>&l9;</t></is></c></row>'
        "</sheetData></worksheet>"
    )
    return _replace(folder, "xml-bomb.xlsx", SHEET, body.encode())


def external_entity(folder: Path) -> Path:
    """XXE: an entity that would pull a local file into a cell."""
    body = (
        '<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>&x;</t></is></c></row>'
        "</sheetData></worksheet>"
    )
    return _replace(folder, "xxe.xlsx", SHEET, body.encode())


def zip_bomb(folder: Path, megabytes: int = 400) -> Path:
    """A sheet of a few hundred MB of blanks that packs into well under a megabyte."""
    chunk = b" " * (1 << 20)

    def write(handle: Any) -> None:
        handle.write(HEADER.encode() + b"<sheetData>")
        for _ in range(megabytes):
            handle.write(chunk)
        handle.write(b"</sheetData></worksheet>")

    return _replace(folder, "zip-bomb.xlsx", SHEET, write)


def million_columns(folder: Path) -> Path:
    """A sheet that claims the whole grid and has one cell in its last column and row."""
    body = (
        HEADER + '<dimension ref="A1:XFD1048576"/><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>来电编号</t></is></c></row>'
        '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
        "</sheetData></worksheet>"
    )
    return _replace(folder, "million-columns.xlsx", SHEET, body.encode())


def lying_dimension(folder: Path) -> Path:
    """A sheet whose <dimension> claims A1:B2 but which has a cell in the grid's last corner."""
    body = (
        HEADER + '<dimension ref="A1:B2"/><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>来电编号</t></is></c></row>'
        '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
        "</sheetData></worksheet>"
    )
    return _replace(folder, "lying-dimension.xlsx", SHEET, body.encode())


def truncated(folder: Path) -> Path:
    data = _base(folder).read_bytes()
    path = folder / "truncated.xlsx"
    path.write_bytes(data[: len(data) * 2 // 3])
    return path


def wrong_content_type(folder: Path) -> Path:
    """A book whose [Content_Types].xml names a Word document as its main part."""
    types = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.wordprocessingml.document.main+xml"/></Types>'
    )
    return _replace(folder, "wrong-content-type.xlsx", "[Content_Types].xml", types.encode())


def with_macros(folder: Path) -> Path:
    """An ``.xlsm`` carrying a (dummy) VBA project: read as data, the macros never run."""
    source = _replace(folder, "macros.tmp.xlsx", "xl/vbaProject.bin", b"\xd0\xcf\x11\xe0" * 64)
    target = folder / "with-macros.xlsm"
    shutil.move(source, target)
    return target


_ODS_CONTENT = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
    "<office:body><office:spreadsheet>"
    '<table:table table:name="来电登记"><table:table-row>'
    "<table:table-cell><text:p>来电编号</text:p></table:table-cell>"
    "</table:table-row></table:table></office:spreadsheet></office:body>"
    "</office:document-content>"
)


def _ods(folder: Path, name: str, content: str) -> Path:
    """A minimal OpenDocument spreadsheet holding ``content.xml``."""
    path = folder / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        book.writestr("content.xml", content)
        book.writestr("META-INF/manifest.xml", _MANIFEST)
    return path


_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
    'manifest:version="1.2"><manifest:file-entry manifest:full-path="/" '
    'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)
_VALUE_CELL = '<table:table-cell office:value-type="float" office:value="1"><text:p>1</text:p>'


def ods_repeat_bomb(folder: Path) -> Path:
    """A 1 KB content.xml: one number repeated over 8,000 columns of a row repeated 8,000
    times, 64 million cells (under calamine's own cap of 100 million: it would try)."""
    row = (
        '<table:table-row table:number-rows-repeated="8000">'
        + _VALUE_CELL.replace(
            "<table:table-cell ", '<table:table-cell table:number-columns-repeated="8000" '
        )  # fmt: skip
        + "</table:table-cell></table:table-row>"
    )
    return _ods(
        folder,
        "repeat-bomb.ods",
        _ODS_CONTENT.replace("</table:table-row>", "</table:table-row>" + row, 1),
    )


def ods_stray_corner(folder: Path) -> Path:
    """No repeats at all: a first row of 4,500 cells ending in a value and 4,500 rows of one
    value each, a 4,500 x 4,501 grid (20 million cells) from 300 KB of XML."""
    wide = "<table:table-row>" + "<table:table-cell/>" * 4500 + _VALUE_CELL
    rows = wide + "</table:table-cell></table:table-row>"
    rows += ("<table:table-row>" + _VALUE_CELL + "</table:table-cell></table:table-row>") * 4500
    return _ods(
        folder,
        "stray-corner.ods",
        _ODS_CONTENT.replace("</table:table-row>", "</table:table-row>" + rows, 1),
    )


def ods_zip_bomb(folder: Path, megabytes: int = 400) -> Path:
    """content.xml of a few hundred MB of blanks packed into well under a megabyte."""
    path = folder / "zip-bomb.ods"
    head, tail = _ODS_CONTENT.split("<office:body>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        book.writestr("META-INF/manifest.xml", _MANIFEST)
        with book.open("content.xml", "w", force_zip64=True) as handle:
            handle.write(head.encode())
            for _ in range(megabytes):
                handle.write(b" " * (1 << 20))
            handle.write(("<office:body>" + tail).encode())
    return path


def malformed_xls(folder: Path) -> Path:
    """An .xls: the OLE signature of Excel 97-2003, then garbage instead of its directory."""
    path = folder / "malformed.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 64)
    return path


def xls_stray_corner(folder: Path) -> Path:
    """A valid .xls (LibreOffice saves it) of four sheets, each with a header in A1 and one
    stray number in IV65536, the format's last cell: 67 million cells in a 7 KB file."""
    import openpyxl

    source = folder / "stray-corner.xlsx"
    book = openpyxl.Workbook()
    for number in range(4):
        sheet = book.active if number == 0 else book.create_sheet(f"Sheet{number + 1}")
        sheet["A1"], sheet["IV65536"] = "来电编号", 1
    book.save(source)
    return soffice_convert(source, "xls", folder)


def xls_too_big(folder: Path) -> Path:
    """An .xls of 300 MB (sparse on disk): beyond what svctools reads whole into memory."""
    path = folder / "too-big.xls"
    with open(path, "wb") as handle:
        handle.write(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
        handle.truncate(300 << 20)
    return path


def truncated_ods(folder: Path) -> Path:
    data = _ods(folder, "whole.ods", _ODS_CONTENT).read_bytes()
    path = folder / "truncated.ods"
    path.write_bytes(data[: len(data) // 2])
    return path


def ods_xml_bomb(folder: Path) -> Path:
    """Billion laughs in an .ods's content.xml."""
    entities = ['<!ENTITY l0 "lollollollollol">']
    entities += [f'<!ENTITY l{n} "{("&l" + str(n - 1) + ";") * 10}">' for n in range(1, 10)]
    content = _ODS_CONTENT.replace("来电编号", "&l9;").replace(
        "<office:document-content", f"<!DOCTYPE x [{''.join(entities)}]><office:document-content"
    )
    return _ods(folder, "xml-bomb.ods", content)


def web_page_xls(folder: Path) -> Path:
    """A web system's "Excel export": an HTML table named .xls."""
    path = folder / "export.xls"
    path.write_text("<html><body><table><tr><td>来电编号</td></tr></table></body></html>")
    return path


CORPUS: dict[str, Callable[[Path], Path]] = {
    "malformed_xls": malformed_xls,
    "xls_stray_corner": xls_stray_corner,
    "xls_too_big": xls_too_big,
    "ods_repeat_bomb": ods_repeat_bomb,
    "ods_stray_corner": ods_stray_corner,
    "ods_zip_bomb": ods_zip_bomb,
    "truncated_ods": truncated_ods,
    "ods_xml_bomb": ods_xml_bomb,
    "web_page_xls": web_page_xls,
    "xml_bomb": xml_bomb,
    "external_entity": external_entity,
    "zip_bomb": zip_bomb,
    "million_columns": million_columns,
    "lying_dimension": lying_dimension,
    "truncated": truncated,
    "wrong_content_type": wrong_content_type,
    "with_macros": with_macros,
}
