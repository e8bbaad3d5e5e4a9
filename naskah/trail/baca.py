"""Reading a berkas's own files: regular files only, each under a cap.

A berkas lies on a disk others can write to. Anything planted under a recorded name
(a FIFO that never answers, a link to ``/dev/zero``, an 8 GB sparse file) must make
verification report the file, within seconds and in bounded memory, never hang it or
exhaust the memory. naskah never writes a file over these caps, so one over a cap was
not written by naskah: a :class:`~naskah.errors.TamperError` naming the file.
Every read goes through :func:`naskah.fileio.read_capped` (hashing through
:func:`naskah.hashing.sha256_file`, which streams under the same checks).
"""

from __future__ import annotations

from pathlib import Path

from naskah.errors import FileTooLarge, NotARegularFile, TamperError
from naskah.fileio import describe_size, read_capped
from naskah.hashing import MAX_HASHED_BYTES, sha256_file
from naskah.inputs import MAX_DOCUMENT_BYTES, MAX_JSON_BYTES

MAX_RECORDED_BYTES = MAX_HASHED_BYTES
"""Largest file a trail records (an attachment; ``--max-lampiran-mb`` stays under it)."""
MAX_WHOLE_BYTES = MAX_DOCUMENT_BYTES
"""Largest recorded file read whole into memory (a document, a signed original)."""
MAX_BERKAS_JSON_BYTES = MAX_JSON_BYTES
"""Largest sop.json, pelaksana.json, settings or trust.pem (what ``trail init`` takes)."""


def read(path: Path, limit: int, name: str | None = None) -> bytes:
    """The bytes of the berkas file ``path`` (``name``: how messages call it; default
    its file name); TamperError when it is not a regular file or is over ``limit``.
    A missing file raises FileNotFoundError, for the caller to report as missing."""
    try:
        return read_capped(path, limit)
    except (NotARegularFile, FileTooLarge) as exc:
        raise _tampered(path, name, limit, exc) from None


def sha256(path: Path, limit: int = MAX_RECORDED_BYTES, name: str | None = None) -> str:
    """SHA-256 of the berkas file ``path``, streamed, refused as :func:`read` refuses."""
    try:
        return sha256_file(path, limit)
    except (NotARegularFile, FileTooLarge) as exc:
        raise _tampered(path, name, limit, exc) from None


def _tampered(path: Path, name: str | None, limit: int, exc: Exception) -> TamperError:
    what = name or path.name
    if isinstance(exc, FileTooLarge):
        return TamperError(f"{what} is larger than {describe_size(limit)}, more than naskah "
                           "ever writes there: it was replaced")
    return TamperError(f"{what} is {exc}: it was replaced")


__all__ = ["MAX_BERKAS_JSON_BYTES", "MAX_RECORDED_BYTES", "MAX_WHOLE_BYTES", "read", "sha256"]
