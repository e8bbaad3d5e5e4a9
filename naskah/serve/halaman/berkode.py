"""A signer that gives each PDF it signs its own verification token in the QR code.

A trail step may sign several documents, each with the library's document id
(``{berkas}-{NN}-{kode}``, 50+ characters). A QR code carrying that id besides the
host no longer reads from a 150 dpi scan of the trail's small stamp; one carrying only
``{url_publik}/v/{token}`` does. This wrapper hands the official's own signer the
short URL and remembers which token went to which document id.

:func:`pilih_qr` is the command line's rule of what a step's QR codes hold.
"""

from __future__ import annotations

import dataclasses
import warnings
from typing import TYPE_CHECKING

from naskah.serve.halaman.catatan import token_baru
from naskah.tte.qr import QrWarning
from naskah.tte.signer import Signer

if TYPE_CHECKING:
    from naskah.tte.identity import Identitas
    from naskah.tte.pades import PdfSignOptions


class SignerBerkode(Signer):
    """``inner``, with ``{base}/v/{token}`` (a fresh token per PDF) in every QR code."""

    kind = "berkode"

    def __init__(self, inner: Signer, base: str) -> None:
        self.inner, self.base = inner, base.rstrip("/")
        self.kind = inner.kind  # type: ignore[misc]  # messages name the real kind
        self.token: dict[str, str] = {}
        """The token each signed document id got."""

    @property
    def identitas(self) -> Identitas:
        return self.inner.identitas

    def sign_pdf(self, pdf: bytes, options: PdfSignOptions) -> bytes:
        token = token_baru()
        signed = self.inner.sign_pdf(pdf, dataclasses.replace(
            options, qr_url=f"{self.base}/v/{token}"))
        self.token[options.doc_id] = token
        return signed

    def sign_bytes(self, data: bytes) -> bytes:
        return self.inner.sign_bytes(data)

    def sign_digest(self, digest: bytes) -> bytes:
        return self.inner.sign_digest(digest)

    def certificate_der(self) -> bytes | None:
        return self.inner.certificate_der()


def pilih_qr(signer: Signer | None, register: str | None,
             *url_publik: str | None) -> Signer | None:
    """The signer of a step performed from the command line, by the one rule of what
    its signed originals' QR codes hold.

    ``url_publik`` lists the public addresses of ``naskah serve`` by precedence
    (``--url-publik``, ``$NASKAH_URL_PUBLIK``, the trail's settings); the first given
    one counts. With it and a ``register`` database (which the service shares), each QR
    code holds ``{url_publik}/v/{token}`` with a fresh token the caller records there
    (:func:`naskah.serve.halaman.catatan.catat_langkah`): the :class:`SignerBerkode`
    returned. Otherwise the library decides (:func:`naskah.tte.qr.isi_qr`): the
    profile's ``url_verifikasi``, else the document id as text. A public address
    without a register is not used, since no record would answer its token; a
    :class:`~naskah.tte.qr.QrWarning` says so.
    """
    from naskah.trail.pengaturan import check_url

    base = next((u for u in url_publik if u), None)
    if base is None:
        return signer
    check_url(base, "url_publik", "the public address of naskah serve")
    if signer is None:
        return None
    if register:
        return SignerBerkode(signer, base)
    warnings.warn(f"url_publik {base}: the trail has no register database to record the "
                  "verification tokens in, so the QR codes do not point to it",
                  QrWarning, stacklevel=2)
    return signer


__all__ = ["SignerBerkode", "pilih_qr"]
