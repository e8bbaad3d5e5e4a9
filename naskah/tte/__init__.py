"""Electronic signatures (tanda tangan elektronik, TTE) for naskah dinas.

Signers (one per person with a key)::

    Pkcs12Signer(path, Passphrase.from_env("NASKAH_TTE_PASSPHRASE"))
    Pkcs11Signer(module, token_label, key_label, Passphrase.prompt("PIN: "))
    BsreSigner(BsreClient(BsreConfig(base_url, username, password)), nik, identitas,
               passphrase=Passphrase.from_env(...))

What they sign:

* a PDF, PAdES (``signer.sign_pdf(pdf, PdfSignOptions(doc_id=...))`` or
  :func:`sign_pdf_file`), with the visible stamp (QR + jabatan, nama, NIP) and the
  footer statement; B-B, B-T with a timestamp authority, B-LT with validation data;
* bytes or a SHA-256 digest, detached CMS (``signer.sign_bytes`` /
  ``signer.sign_digest``; local keys only): paraf, ledger entries.

Checking: :func:`verify_pdf` and :func:`verify_bytes` against a :class:`TrustStore`.

``import naskah`` does not import this package (pyHanko is loaded only when signing or
verifying).
"""

from __future__ import annotations

from typing import Any

from naskah.tte.bsre import BsreClient, BsreConfig, BsreError, BsreVerification
from naskah.tte.bsre_signer import BsreSigner
from naskah.tte.cms import CmsReport, signer_certificate, verify_bytes
from naskah.tte.errors import (
    CertificateError,
    PassphraseError,
    SignerNotRegisteredError,
    SigningError,
    UnsupportedOperation,
)
from naskah.tte.identity import Identitas, check_matches, identitas_from_der
from naskah.tte.pades import PdfSignOptions
from naskah.tte.passphrase import Passphrase
from naskah.tte.pkcs11 import Pkcs11Signer
from naskah.tte.pkcs12 import Pkcs12Signer
from naskah.tte.qr import QrWarning
from naskah.tte.signer import LocalKeySigner, Signer, sign_pdf_file
from naskah.tte.trust import TrustStore
from naskah.tte.verify import PdfVerification, SignatureReport, verify_pdf


def __getattr__(name: str) -> Any:
    # ProfilTte: the stamp's settings before they became the format profile's [tte] (0.3).
    if name == "ProfilTte":
        from naskah.lazy import deprecated

        return deprecated(__name__, name, "naskah.profil", "Tte")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "BsreClient",
    "BsreConfig",
    "BsreError",
    "BsreSigner",
    "BsreVerification",
    "CertificateError",
    "CmsReport",
    "Identitas",
    "LocalKeySigner",
    "Passphrase",
    "PassphraseError",
    "PdfSignOptions",
    "PdfVerification",
    "Pkcs11Signer",
    "Pkcs12Signer",
    "QrWarning",
    "SignatureReport",
    "Signer",
    "SignerNotRegisteredError",
    "SigningError",
    "TrustStore",
    "UnsupportedOperation",
    "check_matches",
    "identitas_from_der",
    "sign_pdf_file",
    "signer_certificate",
    "verify_bytes",
    "verify_pdf",
]
