"""The QR code on a signed original: a verification URL a phone can open.

The code itself is drawn by pyHanko's QR stamp (pyHanko's ``qr`` extra, the
``qrcode`` library); this module builds the URL it holds.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from naskah.errors import InputError


def verification_url(pattern: str, doc_id: str) -> str:
    """``pattern`` with ``{id}`` replaced by the URL-quoted document id.

    >>> verification_url("https://naskah.example.go.id/v/{id}", "B-12/2026")
    'https://naskah.example.go.id/v/B-12%2F2026'
    """
    if "{id}" not in pattern:
        raise InputError(f"url_verifikasi: {pattern!r} must contain {{id}}")
    if not doc_id.strip():
        raise InputError("doc_id: the document id is empty")
    url = pattern.replace("{id}", quote(doc_id, safe=""))
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise InputError(f"url_verifikasi: {pattern!r} is not an http(s) URL pattern")
    return url

