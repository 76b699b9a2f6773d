"""One member of a zip package, inflated straight from the file: a sheet's XML for the
``.xlsx`` checks (sources/calamine.py), content.xml for the ``.ods`` count (sources/grid.py)."""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

_CHUNK = 1 << 22  # bytes handed on at a time


@dataclass(frozen=True)
class Part:
    """A sheet's XML in the zip: its member name, its size and packed size, where its local
    header starts and how it is packed (so that it can be unpacked without ``zipfile``)."""

    member: str
    size: int
    packed: int
    offset: int = -1
    method: int = zipfile.ZIP_DEFLATED
    flags: int = 0


def unpacked(path: Path, part: Part) -> Iterator[bytes]:
    """The member's bytes, inflated straight from the file (no CRC pass: calamine checks it),
    at most ``_CHUNK`` at a time; anything unusual goes through ``zipfile``."""
    plain = part.offset >= 0 and not part.flags & 0x1 and part.method == zipfile.ZIP_DEFLATED
    if not plain:
        with zipfile.ZipFile(path) as archive, archive.open(part.member) as stream:
            while chunk := stream.read(_CHUNK):
                yield chunk
        return
    with open(path, "rb") as handle:
        handle.seek(part.offset)
        header = handle.read(30)
        if len(header) < 30 or header[:4] != b"PK\x03\x04":
            raise zipfile.BadZipFile(f"{part.member}: bad local header")
        name_length, extra_length = struct.unpack("<HH", header[26:30])
        handle.seek(part.offset + 30 + name_length + extra_length)
        inflate = zlib.decompressobj(-zlib.MAX_WBITS)
        left, pending = part.packed, b""
        while True:
            if not pending:
                if left <= 0:
                    break
                pending = handle.read(min(1 << 20, left))
                if not pending:
                    raise zipfile.BadZipFile(f"{part.member}: truncated")
                left -= len(pending)
            chunk = inflate.decompress(pending, _CHUNK)
            pending = inflate.unconsumed_tail
            if chunk:
                yield chunk
        if rest := inflate.flush():
            yield rest


def part_of(info: zipfile.ZipInfo) -> Part:
    """The ``Part`` of a member as ``zipfile`` lists it."""
    return Part(
        info.filename, info.file_size, info.compress_size, info.header_offset,
        info.compress_type, info.flag_bits,
    )  # fmt: skip
