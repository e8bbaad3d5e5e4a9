"""Zip packages assembled from members copied still compressed plus a few new ones.

A DOCX rendered from a template shares most of its parts (styles, theme, fonts,
numbering, settings) with the template, byte for byte. :mod:`zipfile` can only
write a member by compressing it again; this module keeps each unchanged member's
compressed bytes as read and writes them into the new archive untouched, so a
render only pays for compressing the few parts it changed.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from dataclasses import dataclass

_LOCAL = struct.Struct("<4s5H3L2H")
_CENTRAL = struct.Struct("<4s6H3L5H2L")
_END = struct.Struct("<4s4H2LH")
_UTF8_FLAG = 0x800
# A fixed timestamp (1980-01-01 00:00) keeps a render's bytes a function of its input.
_DOS_TIME, _DOS_DATE = 0, (0 << 9) | (1 << 5) | 1


@dataclass(frozen=True, slots=True)
class Member:
    """One archive member as stored: name, compression method, CRC, sizes and data."""

    name: str
    method: int
    crc: int
    size: int
    data: bytes

    @classmethod
    def deflate(cls, name: str, content: bytes, level: int = 1) -> Member:
        """A new member holding ``content``, deflated (stored when under 4 KB: for the
        small per-document parts compressing costs more time than it saves space)."""
        if len(content) < 4096:
            return cls(name, zipfile.ZIP_STORED, zlib.crc32(content), len(content), content)
        packer = zlib.compressobj(level, zlib.DEFLATED, -15)
        data = packer.compress(content) + packer.flush()
        return cls(name, zipfile.ZIP_DEFLATED, zlib.crc32(content), len(content), data)

    def content(self) -> bytes:
        """The member's uncompressed bytes."""
        if self.method == zipfile.ZIP_STORED:
            return self.data
        return zlib.decompress(self.data, -15)


def read_members(blob: bytes) -> list[Member]:
    """Every member of a zip archive in stored order, without decompressing any.

    Folder entries (names ending in ``/``, which some zip tools add) are not parts of
    a package and are left out, as python-docx leaves them out.

    Raises :class:`zipfile.BadZipFile` for a damaged archive or an unsupported
    compression method (only stored and deflated members occur in DOCX files).
    """
    import io

    members = []
    with zipfile.ZipFile(io.BytesIO(blob)) as archive:
        for info in archive.infolist():
            if info.filename.endswith("/"):
                continue
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise zipfile.BadZipFile(f"{info.filename}: unsupported compression method")
            if info.flag_bits & 0x1:
                raise zipfile.BadZipFile(f"{info.filename}: encrypted member")
            header = blob[info.header_offset:info.header_offset + _LOCAL.size]
            if len(header) < _LOCAL.size or header[:4] != b"PK\x03\x04":
                raise zipfile.BadZipFile(f"{info.filename}: bad local header")
            name_len, extra_len = struct.unpack("<2H", header[26:30])
            start = info.header_offset + _LOCAL.size + name_len + extra_len
            data = blob[start:start + info.compress_size]
            if len(data) != info.compress_size:
                raise zipfile.BadZipFile(f"{info.filename}: truncated member")
            members.append(
                Member(info.filename, info.compress_type, info.CRC, info.file_size, data)
            )
    return members


def write_zip(members: list[Member]) -> bytes:
    """A zip archive of ``members``, in that order (no zip64: DOCX parts are small)."""
    chunks: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for m in members:
        name = m.name.encode("utf-8")
        flags = 0 if name.isascii() else _UTF8_FLAG
        local = _LOCAL.pack(b"PK\x03\x04", 20, flags, m.method, _DOS_TIME, _DOS_DATE,
                            m.crc, len(m.data), m.size, len(name), 0)
        central.append(_CENTRAL.pack(b"PK\x01\x02", 20, 20, flags, m.method, _DOS_TIME,
                                     _DOS_DATE, m.crc, len(m.data), m.size, len(name), 0, 0,
                                     0, 0, 0, offset) + name)
        chunks += (local, name, m.data)
        offset += len(local) + len(name) + len(m.data)
    directory = b"".join(central)
    end = _END.pack(b"PK\x05\x06", 0, 0, len(members), len(members), len(directory), offset, 0)
    return b"".join(chunks) + directory + end


__all__ = ["Member", "read_members", "write_zip"]
