"""A signer that gives each PDF it signs its own verification token in the QR code.

A trail step may sign several documents, each with the library's document id
(``{berkas}-{NN}-{kode}``, 50+ characters). A QR code carrying that id besides the
host no longer reads from a 150 dpi scan of the trail's small stamp; one carrying only
``{url_publik}/v/{token}`` does. This wrapper hands the official's own signer the
short URL and remembers which token went to which document id.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from naskah.serve.halaman.catatan import token_baru
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


__all__ = ["SignerBerkode"]
