"""The ``Signer`` interface: one object per person-with-a-key, whatever holds the key.

Three implementations: :class:`naskah.tte.pkcs12.Pkcs12Signer` (a .p12/.pfx file),
:class:`naskah.tte.pkcs11.Pkcs11Signer` (smart card / HSM through PKCS#11) and
:class:`naskah.tte.bsre.BsreSigner` (the key stays on BSrE's server).

Every signer can sign a PDF (PAdES). Local-key signers can also make detached CMS
signatures over bytes or a digest (paraf, ledger entries); BSrE's API signs only PDFs,
so it raises :class:`UnsupportedOperation` there.

A signer may be bound (:meth:`Signer.bound`) to a timestamp authority, which then
timestamps every signature it makes (PAdES B-T, CMS with a signature timestamp), and
to the roots and revocation sources whose answers a PAdES B-LT signature embeds.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
from abc import ABC, abstractmethod
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Self

from asn1crypto import x509 as asn1_x509
from pyhanko.sign import signers

from naskah.fileio import write_atomic
from naskah.tte import cms
from naskah.tte.errors import UnsupportedOperation
from naskah.tte.identity import Identitas, identitas_from_der
from naskah.tte.pades import PdfSignOptions, sign_pdf_bytes
from naskah.tte.trust import TrustStore, check_usable_now

if TYPE_CHECKING:
    from pyhanko.sign.timestamps import TimeStamper


class Signer(ABC):
    """Signs on behalf of one person."""

    kind: ClassVar[str]
    """"pkcs12", "pkcs11" or "bsre"."""
    timestamper: TimeStamper | None = None
    """The timestamp authority of every signature this signer makes (None: none)."""
    validation: TrustStore | None = None
    """Roots and revocation sources whose certificates and answers a PAdES B-LT
    signature embeds (None: B-T at most)."""

    def bound(self, *, timestamper: TimeStamper | None = None,
              validation: TrustStore | None = None) -> Self:
        """This signer with a timestamp authority and validation sources (a copy; the
        ones given replace this signer's own, None keeps them)."""
        new = copy.copy(self)
        new.timestamper = timestamper or self.timestamper
        new.validation = validation or self.validation
        return new

    @property
    @abstractmethod
    def identitas(self) -> Identitas:
        """Who signs (from the certificate for local keys; configured for BSrE)."""

    @abstractmethod
    def sign_pdf(self, pdf: bytes, options: PdfSignOptions) -> bytes:
        """``pdf`` with this signer's PAdES signature appended."""

    def sign_bytes(self, data: bytes) -> bytes:
        """A detached CMS signature (DER) over ``data``."""
        raise UnsupportedOperation(f"{self.kind} signers cannot make detached CMS signatures")

    def sign_digest(self, digest: bytes) -> bytes:
        """A detached CMS signature (DER) over data with this SHA-256 ``digest``."""
        raise UnsupportedOperation(f"{self.kind} signers cannot make detached CMS signatures")

    def certificate_der(self) -> bytes | None:
        """The signing certificate (DER), when known before signing."""
        return None


class LocalKeySigner(Signer):
    """A signer whose key naskah reaches itself, through a pyHanko ``Signer``."""

    @abstractmethod
    def _open(self) -> contextlib.AbstractContextManager[signers.Signer]:
        """The pyHanko signer, open for the duration of one operation."""

    @property
    @abstractmethod
    def certificate(self) -> asn1_x509.Certificate:
        """The signing certificate."""

    @property
    def identitas(self) -> Identitas:
        return identitas_from_der(bytes(self.certificate.dump()))

    def certificate_der(self) -> bytes:
        return bytes(self.certificate.dump())

    @contextlib.contextmanager
    def _usable(self) -> Iterator[signers.Signer]:
        with self._open() as signer:
            # Checked on the certificate the key actually comes with, every time.
            check_usable_now(signer.signing_cert)
            yield signer

    def sign_pdf(self, pdf: bytes, options: PdfSignOptions) -> bytes:
        if options.tsa_url is None and options.timestamper is None and self.timestamper:
            options = dataclasses.replace(options, timestamper=self.timestamper)
        if options.embed_validation_info and options.trust is None:
            options = dataclasses.replace(options, trust=self.validation)
        with self._usable() as signer:
            return sign_pdf_bytes(pdf, signer, self.identitas, options)

    def sign_bytes(self, data: bytes) -> bytes:
        with self._usable() as signer:
            return cms.sign_bytes(signer, data, timestamper=self.timestamper)

    def sign_digest(self, digest: bytes) -> bytes:
        with self._usable() as signer:
            return cms.sign_digest(signer, digest, timestamper=self.timestamper)


def sign_pdf_file(signer: Signer, source: str | Path, target: str | Path,
                  options: PdfSignOptions) -> Path:
    """Sign the PDF at ``source`` into ``target`` (may be the same path).

    ``target`` is written atomically and only after the signature is made: a wrong
    passphrase, an expired certificate or a failing service leaves no file behind and
    an existing ``target`` untouched.
    """
    from naskah.inputs import MAX_DOCUMENT_BYTES, read_bytes

    src = Path(source)
    pdf = read_bytes(src, "PDF", MAX_DOCUMENT_BYTES)
    signed = signer.sign_pdf(pdf, options)
    return write_atomic(target, signed)
