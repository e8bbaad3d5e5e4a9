"""The QR code on a signed original: a verification URL a phone can open.

The code itself is drawn by pyHanko's QR stamp (pyHanko's ``qr`` extra, the
``qrcode`` library); this module builds the URL and exposes the same module matrix,
so a test can compare what is drawn in the PDF with what the URL encodes.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

import qrcode
import qrcode.constants

from naskah.errors import InputError


def verification_url(pattern: str, doc_id: str) -> str:
    """``pattern`` with ``{id}`` replaced by the URL-quoted document id.

    >>> verification_url("https://naskah.example.go.id/v/{id}", "B-12/2026")
    'https://naskah.example.go.id/v/B-12%2F2026'
    """
    if "{id}" not in pattern:
        raise InputError(f"url_pattern: {pattern!r} must contain {{id}}")
    if not doc_id.strip():
        raise InputError("doc_id: the document id is empty")
    url = pattern.replace("{id}", quote(doc_id, safe=""))
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise InputError(f"url_pattern: {pattern!r} is not an http(s) URL pattern")
    return url


def qr_matrix(payload: str) -> list[list[bool]]:
    """The QR module matrix (True = dark, with the 4-module quiet zone) for ``payload``,
    with the settings pyHanko's QR stamp uses (error correction M, smallest version)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(payload)
    code.make()
    return [list(row) for row in code.get_matrix()]
