"""Safe opening of DOCX (zip) packages from outside: size caps before any parsing.

A DOCX is a zip archive, and a small archive can expand to gigabytes (a zip bomb).
Every DOCX that comes from a user (a template, a file given to ``naskah meta``) is
checked here from its central directory, before a single member is decompressed.
"""

from __future__ import annotations

import io
import os
import zipfile

from naskah import fileio
from naskah.errors import FileTooLarge, PackageTooLarge

MAX_TEMPLATE_BYTES = 50 * 1024 * 1024
"""Largest template or DOCX file read (compressed size on disk)."""
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
"""Largest total uncompressed size of all members of a DOCX."""
MAX_RATIO = 200
"""Largest uncompressed/compressed ratio of a member larger than 1 MB (text XML is ~10–30)."""
_RATIO_FLOOR = 1024 * 1024


def read_capped(path: str | os.PathLike[str], limit: int) -> bytes:
    """A regular file's bytes, refusing special files and anything over ``limit``.

    Raises :class:`OSError` (unreadable), :class:`PackageTooLarge` (over the cap) or
    :class:`~naskah.errors.NotARegularFile` for a folder, FIFO or
    device.
    """
    try:
        return fileio.read_capped(path, limit)
    except FileTooLarge as exc:
        raise PackageTooLarge(str(exc)) from None


def check_zip(blob: bytes) -> None:
    """Refuse a zip whose members would expand past the caps. Reads only the directory.

    Raises :class:`zipfile.BadZipFile` for a non-zip and :class:`PackageTooLarge`.
    """
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        check_open_zip(z)


def check_open_zip(z: zipfile.ZipFile) -> None:
    """:func:`check_zip` for an archive that is already open."""
    total = 0
    for info in z.infolist():
        total += info.file_size
        if total > MAX_UNPACKED_BYTES:
            raise PackageTooLarge(
                f"expands to more than {MAX_UNPACKED_BYTES // (1024 * 1024)} MB"
            )
        if info.file_size > _RATIO_FLOOR and info.file_size > MAX_RATIO * max(
            info.compress_size, 1
        ):
            ratio = info.file_size // max(info.compress_size, 1)
            raise PackageTooLarge(f"member {info.filename} is compressed {ratio}:1 (a zip bomb?)")


__all__ = [
    "MAX_RATIO",
    "MAX_TEMPLATE_BYTES",
    "MAX_UNPACKED_BYTES",
    "PackageTooLarge",
    "check_open_zip",
    "check_zip",
    "read_capped",
]
