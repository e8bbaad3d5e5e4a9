"""A :class:`Signer` whose key BSrE holds: naskah sends the PDF through
:class:`naskah.tte.bsre.BsreClient` and gets it back signed.

Where the stamp goes: the options' ``tag`` becomes BSrE's ``tag_koordinat`` (v1) or
``tag`` (v2); without a tag, the fallback box (page + lower-left x/y + width/height in
PDF points) is sent. BSrE draws its own appearance with the QR code of ``linkQR`` (v1);
the footer statement is part of BSrE's own stamp profile, not naskah's.
"""

from __future__ import annotations

from typing import ClassVar

from naskah.tte.bsre import BsreClient, SignatureProperty
from naskah.tte.errors import PassphraseError
from naskah.tte.identity import Identitas
from naskah.tte.pades import PdfSignOptions
from naskah.tte.passphrase import Passphrase
from naskah.tte.signer import Signer


class BsreSigner(Signer):
    """A signer whose key is held by BSrE, identified by NIK.

    ``identitas`` is what naskah knows of the signer (from the roster); the PDF BSrE
    returns must carry a new signature whose certificate names them (serialNumber the
    NIK or NIP, common name the name), else it is refused. ``passphrase`` (or
    ``totp``, v2 only) is asked at signing time, never stored.
    """

    kind: ClassVar[str] = "bsre"

    def __init__(self, client: BsreClient, nik: str, identitas: Identitas, *,
                 passphrase: Passphrase | None = None, totp: Passphrase | None = None) -> None:
        if (passphrase is None) == (totp is None):
            raise PassphraseError("passphrase: give exactly one of passphrase or totp")
        if totp is not None and client.config.api != "v2":
            raise PassphraseError("totp: only the v2 API accepts a TOTP")
        self.client = client
        self.nik = nik
        self._identitas = identitas
        self.passphrase = passphrase
        self.totp = totp

    def __repr__(self) -> str:
        return f"BsreSigner(nik={self.nik!r}, {self.passphrase or self.totp!r})"

    @property
    def identitas(self) -> Identitas:
        return self._identitas

    def sign_pdf(self, pdf: bytes, options: PdfSignOptions) -> bytes:
        posisi = options.position(pdf) if options.visible and not options.tag else None
        box = posisi.box if posisi else None
        if self.client.config.api == "v1":
            assert self.passphrase is not None
            return self.client.sign_pdf_v1(
                pdf, nik=self.nik, passphrase=self.passphrase.get(),
                tampilan="visible" if options.visible else "invisible",
                link_qr=options.verification_url() if options.visible else None,
                tag_koordinat=options.tag if options.visible else None,
                page=posisi.page + 1 if posisi else None,
                x=box[0] if box else None, y=box[1] if box else None,
                width=box[2] - box[0] if box else None, height=box[3] - box[1] if box else None,
                reason=options.reason, location=options.location, expect=self._identitas)
        prop = SignatureProperty(
            tampilan="VISIBLE" if options.visible else "INVISIBLE",
            tag=options.tag if options.visible else None,
            page=posisi.page + 1 if posisi else None,
            origin_x=box[0] if box else None, origin_y=box[1] if box else None,
            width=box[2] - box[0] if box else None, height=box[3] - box[1] if box else None,
            reason=options.reason, location=options.location)
        return self.client.sign_pdf_v2(
            pdf, nik=self.nik,
            passphrase=self.passphrase.get() if self.passphrase else None,
            totp=self.totp.get().decode("utf-8") if self.totp else None,
            properties=[prop], expect=self._identitas)
