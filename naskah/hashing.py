"""Hashing shared by the ledger, the SOP and approvals: canonical JSON and SHA-256.

Ledger hashes must survive harmless reformatting (``jq .`` turns ``10.0`` into ``10``
and re-indents everything), so entries are hashed over a canonical form in the spirit
of RFC 8785 (JCS): keys sorted, no whitespace, UTF-8, and numbers by *value* (an
integral float is written as an integer). Values matter; formatting does not.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from pathlib import Path
from typing import Annotated

from pydantic import Field

SHA256_PATTERN = r"^[0-9a-f]{64}$"
Sha256 = Annotated[str, Field(pattern=SHA256_PATTERN)]
"""A SHA-256 digest as 64 lowercase hex digits."""

_PLAIN_LIMIT = 1e21
"""Below this, RFC 8785 (ECMAScript number formatting) writes an integral number without
a fraction or exponent, whether it was read as 10 or 10.0."""


def sha256_bytes(data: bytes) -> str:
    """SHA-256 hex digest of ``data``."""
    return hashlib.sha256(data).hexdigest()


MAX_HASHED_BYTES = 1024 * 1024 * 1024
"""Largest file hashed (1 GB): no file naskah records is larger."""


def sha256_file(path: Path, limit: int = MAX_HASHED_BYTES) -> str:
    """SHA-256 hex digest of a regular file of at most ``limit`` bytes, read in chunks.

    Raises :class:`~naskah.errors.NotARegularFile` (a FIFO, a device) and
    :class:`~naskah.errors.FileTooLarge`, as :func:`naskah.fileio.read_capped` does.
    """
    from naskah.errors import FileTooLarge
    from naskah.fileio import open_regular

    h = hashlib.sha256()
    with open_regular(path) as fh:
        if os.fstat(fh.fileno()).st_size > limit:
            raise FileTooLarge(limit)
        seen = 0
        for chunk in iter(lambda: fh.read(1 << 16), b""):
            seen += len(chunk)
            if seen > limit:  # grown while read: the cap still holds
                raise FileTooLarge(limit)
            h.update(chunk)
    return h.hexdigest()


def canonical_json(data: object) -> bytes:
    """Canonical JSON bytes: sorted keys, no spaces, UTF-8, numbers by value.

    Keys are sorted by code point (RFC 8785 sorts by UTF-16 unit; the two differ only
    for keys beyond the Basic Multilingual Plane, which no naskah key uses).
    Raises ValueError for NaN/infinity, which JSON cannot hold.
    """
    return json.dumps(_normal(data), sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False, allow_nan=False).encode("utf-8")


def legacy_json(data: object) -> bytes:
    """The canonical form of naskah 0.1.0 ledgers (numbers as Python wrote them)."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _normal(value: object) -> object:
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer() and abs(value) < _PLAIN_LIMIT:
            return int(value)
        return value
    if isinstance(value, dict):
        return {k: _normal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normal(v) for v in value]
    return value


__all__ = [
    "MAX_HASHED_BYTES",
    "SHA256_PATTERN",
    "Sha256",
    "canonical_json",
    "legacy_json",
    "sha256_bytes",
    "sha256_file",
]
