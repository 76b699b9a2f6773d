"""A folder of ``.csv`` files, one per sheet and named after it (``来电登记.csv``), as a book.

Excel on Chinese Windows saves CSV in GB18030/GBK, newer Excel and WPS in UTF-8 with a byte-order
mark, scripts in plain UTF-8; "Unicode text" is UTF-16 with tabs. Each file's encoding is found
from its bytes (a byte-order mark, else the one of UTF-8 and GB18030 that reads it), never from
the machine's locale. A cell whose bytes fit neither is an ``Undecodable`` value: the reading
layer reports it with its line, the rest of the file is read.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from svctools.core.errors import BookError
from svctools.core.messages import Msg
from svctools.sources.base import EPOCH_1900, Row, Undecodable

SUFFIX = ".csv"
_ESCAPED = re.compile("[\udc80-\udcff]")  # bytes surrogateescape kept undecoded
_ENCODINGS = ("utf-8", "gb18030")
_NAMES = {"utf-8": "UTF-8", "gb18030": "GB18030", "utf-16": "UTF-16"}


def is_csv_folder(path: Path) -> bool:
    return path.is_dir() and any(child.suffix.lower() == SUFFIX for child in path.iterdir())


class CsvFolderBook:
    """Sheets are the folder's ``.csv`` files (name without ``.csv``), in name order."""

    epoch = EPOCH_1900

    def __init__(self, path: Path) -> None:
        self.path, self.name = path, str(path)
        files = sorted(
            child for child in path.iterdir() if child.suffix.lower() == SUFFIX and child.is_file()
        )
        if not files:
            raise BookError(Msg("file.folder_no_csv", path=path))
        self._files = {child.stem: child for child in files}

    def sheet_names(self) -> list[str]:
        return list(self._files)

    def rows(self, sheet: str) -> Iterator[Row]:
        try:
            data = self._files[sheet].read_bytes()
        except OSError as exc:
            unreadable = Msg("file.unreadable", path=self._files[sheet], reason=exc.strerror)
            raise BookError(unreadable) from None
        text, encoding = decode(data)
        delimiter = "\t" if encoding == "utf-16" else _delimiter(text)
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            for number, values in enumerate(reader, start=1):
                yield number, [_cell(value, encoding) for value in values]
        except csv.Error as exc:
            raise BookError(
                Msg("file.sheet_damaged", path=self._files[sheet], sheet=sheet, detail=exc)
            ) from None

    def close(self) -> None:
        """Nothing is held open between reads."""

    def __enter__(self) -> CsvFolderBook:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def decode(data: bytes) -> tuple[str, str]:
    """The file's text and its encoding: a byte-order mark decides; else UTF-8 if it reads,
    else GB18030 if it reads, else the one with fewer undecodable bytes, those kept escaped."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", "surrogateescape"), "utf-8"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", "replace"), "utf-16"
    for encoding in _ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    texts = {encoding: data.decode(encoding, "surrogateescape") for encoding in _ENCODINGS}
    best = min(_ENCODINGS, key=lambda encoding: len(_ESCAPED.findall(texts[encoding])))
    return texts[best], best


def _delimiter(text: str) -> str:
    """Comma, unless the first line is clearly split by semicolons or tabs (some exports)."""
    first = text.split("\n", 1)[0]
    counts = {mark: first.count(mark) for mark in (",", ";", "\t")}
    if not any(counts.values()):
        return ","
    return max(counts, key=lambda mark: (counts[mark], mark == ","))


def _cell(value: str, encoding: str) -> Any:
    if not value:
        return None
    if _ESCAPED.search(value) or "\ufffd" in value:
        cell = Undecodable(_ESCAPED.sub("\ufffd", value))
        cell.encoding = _NAMES.get(encoding, encoding)  # type: ignore[attr-defined]
        return cell
    return value
