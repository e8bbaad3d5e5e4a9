"""Signing with a key on a PKCS#11 token (smart card, USB token, HSM; SoftHSM2 in tests).

The private key never leaves the token: pyHanko sends the digest to the token and
gets the signature back. The token PIN comes from a :class:`Passphrase` (environment
variable, prompt or callback), never from the command line.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

from asn1crypto import x509 as asn1_x509
from pyhanko.config.pkcs11 import TokenCriteria
from pyhanko.sign import signers

from naskah.errors import InputError
from naskah.tte.errors import PassphraseError, SigningError
from naskah.tte.passphrase import Passphrase
from naskah.tte.signer import LocalKeySigner


class Pkcs11Signer(LocalKeySigner):
    """A key and certificate on a PKCS#11 token, found by token label and key label.

    ``module`` is the PKCS#11 library (e.g. ``/usr/lib/softhsm/libsofthsm2.so`` or the
    card vendor's ``.so``). A session is opened per operation and closed after it, so
    no token session stays logged in.
    """

    kind: ClassVar[str] = "pkcs11"

    def __init__(self, module: str | Path, token_label: str, key_label: str,
                 pin: Passphrase, *, cert_label: str | None = None) -> None:
        self.module = str(module)
        self.token_label = token_label
        self.key_label = key_label
        self.cert_label = cert_label or key_label
        self.pin = pin
        self._cert: asn1_x509.Certificate | None = None

    def __repr__(self) -> str:
        return (f"Pkcs11Signer({self.module!r}, token={self.token_label!r}, "
                f"key={self.key_label!r}, {self.pin!r})")

    @contextlib.contextmanager
    def _open(self) -> Iterator[signers.Signer]:
        # Imported here: python-pkcs11 is a compiled extension only this signer needs.
        try:
            import pkcs11
            from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session
        except ImportError as exc:  # pragma: no cover - depends on the installation
            raise SigningError(f"pkcs11: python-pkcs11 is not installed ({exc}); "
                               "pip install 'naskah[pkcs11]'") from None
        if not Path(self.module).exists():
            raise InputError(f"pkcs11: module {self.module} does not exist")
        pin = self.pin.get().decode("utf-8")
        try:
            session = open_pkcs11_session(
                self.module, token_criteria=TokenCriteria(label=self.token_label), user_pin=pin)
        except pkcs11.PinIncorrect:
            raise PassphraseError(f"pin: wrong PIN for token {self.token_label!r}") from None
        except pkcs11.PKCS11Error as exc:
            if type(exc) is pkcs11.PKCS11Error and exc.args:
                # pyHanko's own "no such token / slot" message: the configuration is wrong.
                raise InputError(f"pkcs11: token {self.token_label!r}: {exc}") from None
            raise SigningError(f"pkcs11: cannot open token {self.token_label!r}: "
                               f"{type(exc).__name__}") from None
        except Exception as exc:  # pyHanko raises its own errors for "no such token"
            raise InputError(f"pkcs11: token {self.token_label!r}: {exc}") from None
        try:
            signer = PKCS11Signer(session, cert_label=self.cert_label, key_label=self.key_label)
            try:
                self._cert = signer.signing_cert
            except Exception as exc:
                raise InputError(f"pkcs11: no certificate {self.cert_label!r} / key "
                                 f"{self.key_label!r} on token {self.token_label!r} ({exc})"
                                 ) from None
            yield signer
        finally:
            session.close()

    @property
    def certificate(self) -> asn1_x509.Certificate:
        if self._cert is None:
            with self._open():
                pass
        assert self._cert is not None
        return self._cert
