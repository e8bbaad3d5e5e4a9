"""Errors of the signing layer; each derives from naskah's own error types."""

from __future__ import annotations

from naskah.errors import InputError, NaskahError


class SigningError(NaskahError):
    """A signature could not be made (token unreachable, service down, ...)."""


class PassphraseError(InputError):
    """The passphrase (or PIN) is missing or wrong. Never carries the passphrase itself."""


class CertificateError(InputError):
    """The signer's certificate is unusable: expired, not yet valid, or not for signing."""


class SignerNotRegisteredError(InputError):
    """The signing service does not know this signer (e.g. BSrE: NIK not registered)."""


class UnsupportedOperation(SigningError):
    """This kind of signer cannot do the requested operation (e.g. BSrE and raw CMS)."""
