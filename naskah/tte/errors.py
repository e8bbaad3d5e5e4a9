"""Errors of the signing layer, re-exported from :mod:`naskah.errors` (where the whole
tree is drawn) so ``from naskah.tte.errors import PassphraseError`` keeps working."""

from __future__ import annotations

from naskah.errors import (
    BsreError,
    CertificateError,
    PassphraseError,
    SignerMissingError,
    SignerNotRegisteredError,
    SigningError,
    UnsupportedOperation,
)

__all__ = ["BsreError", "CertificateError", "PassphraseError", "SignerMissingError",
           "SignerNotRegisteredError", "SigningError", "UnsupportedOperation"]
