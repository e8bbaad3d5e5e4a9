"""What the QR code on a signed original holds, decided here and nowhere else.

The code itself is drawn by pyHanko's QR stamp (pyHanko's ``qr`` extra, the
``qrcode`` library); this module decides its content (:func:`isi_qr`):

1. the URL the signing names as is (``PdfSignOptions.qr_url``: a ``naskah serve``
   page ``{url_publik}/v/{token}`` whose token is recorded where the service reads it);
2. else the profile's ``tte.url_verifikasi`` with ``{id}`` replaced by the document id
   (an instansi's own checking page);
3. else the document id as plain text, not a URL, with a :class:`QrWarning`: a phone
   shows the id printed in the footer, and no letter points to a host that does not
   answer (no placeholder).
"""

from __future__ import annotations

import warnings
from urllib.parse import quote, urlsplit

from naskah.errors import InputError

TANPA_URL = ("no verification URL (url_publik with a register database, or the profile's "
             "tte.url_verifikasi): the QR code holds the document id as text, not a link")
"""The :class:`QrWarning` of a document signed without a verification URL."""


class QrWarning(UserWarning):
    """A signed PDF's QR code holds the document id as text: no verification URL was
    given (:data:`TANPA_URL`)."""


def verification_url(pattern: str, doc_id: str) -> str:
    """``pattern`` with ``{id}`` replaced by the URL-quoted document id.

    >>> verification_url("https://cek.instansi.go.id/v/{id}", "B-12/2026")
    'https://cek.instansi.go.id/v/B-12%2F2026'
    """
    if "{id}" not in pattern:
        raise InputError(f"url_verifikasi: {pattern!r} must contain {{id}}")
    _check_id(doc_id)
    url = pattern.replace("{id}", quote(doc_id, safe=""))
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise InputError(f"url_verifikasi: {pattern!r} is not an http(s) URL pattern")
    return url


def isi_qr(qr_url: str | None, pattern: str | None, doc_id: str) -> str:
    """What the QR code holds: ``qr_url`` as is, else ``pattern`` with the document id
    (:func:`verification_url`), else ``doc_id`` as text with a :class:`QrWarning`.

    >>> isi_qr(None, "https://cek.instansi.go.id/{id}", "ND-7")
    'https://cek.instansi.go.id/ND-7'
    """
    if qr_url:
        return qr_url
    if pattern:
        return verification_url(pattern, doc_id)
    _check_id(doc_id)
    warnings.warn(TANPA_URL, QrWarning, stacklevel=3)
    return doc_id


def _check_id(doc_id: str) -> None:
    if not doc_id.strip():
        raise InputError("doc_id: the document id is empty")


__all__ = ["TANPA_URL", "QrWarning", "isi_qr", "verification_url"]
