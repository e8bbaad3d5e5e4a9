"""Signing with a key in a PKCS#12 file (.p12/.pfx) protected by a passphrase."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from pyhanko.sign import signers
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from naskah.errors import InputError
from naskah.tte.errors import PassphraseError
from naskah.tte.passphrase import Passphrase
from naskah.tte.signer import LocalKeySigner


class _LoadedKeySigner(signers.SimpleSigner):
    """pyHanko's SimpleSigner re-parses the private key for every raw signature (about
    80 ms for RSA-2048, twice per PDF with the size estimate); this keeps it parsed."""

    _key: object = None

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        if self._key is None:
            self._key = serialization.load_der_private_key(self.signing_key.dump(), None)
        if mechanism.signature_algo == "rsassa_pkcs1v15" and isinstance(self._key,
                                                                         RSAPrivateKey):
            return self._key.sign(data, PKCS1v15(),
                                  get_pyca_cryptography_hash(digest_algorithm))
        return super().sign_raw(data, digest_algorithm)


MAX_P12_BYTES = 1024 * 1024
"""Largest PKCS#12 file read: a key and a chain of certificates take a few KB."""


class Pkcs12Signer(LocalKeySigner):
    """A key + certificate (+ chain) from a PKCS#12 file.

    The passphrase is asked from ``passphrase`` on first use; the decrypted key is
    kept in memory for this object's life, the passphrase is not kept.
    """

    kind: ClassVar[str] = "pkcs12"

    def __init__(self, path: str | Path, passphrase: Passphrase) -> None:
        self.path = Path(path)
        self.passphrase = passphrase
        self._signer: signers.SimpleSigner | None = None

    def __repr__(self) -> str:
        return f"Pkcs12Signer({str(self.path)!r}, {self.passphrase!r})"

    def _load(self) -> signers.SimpleSigner:
        if self._signer is None:
            from naskah.inputs import read_bytes

            data = read_bytes(self.path, "PKCS#12 key file", MAX_P12_BYTES)
            secret = self.passphrase.get()  # a missing one is its own error, not "wrong"
            try:
                loaded = signers.SimpleSigner.load_pkcs12_data(
                    data, other_certs=[], passphrase=secret)
            except ValueError:
                # cryptography does not say whether the passphrase or the file is bad;
                # a readable PKCS#12 file failing to open is almost always the passphrase.
                raise PassphraseError(
                    f"passphrase: wrong passphrase for {self.path} (or not a PKCS#12 file)"
                ) from None
            if not isinstance(loaded, signers.SimpleSigner) or loaded.signing_cert is None:
                raise InputError(f"pkcs12: {self.path} holds no key with a certificate")
            self._signer = _LoadedKeySigner(signing_key=loaded.signing_key,
                                            signing_cert=loaded.signing_cert,
                                            cert_registry=loaded.cert_registry)
        return self._signer

    @property
    def certificate(self) -> asn1_x509.Certificate:
        cert = self._load().signing_cert
        assert cert is not None  # checked in _load
        return cert

    @contextlib.contextmanager
    def _open(self) -> Iterator[signers.Signer]:
        yield self._load()
