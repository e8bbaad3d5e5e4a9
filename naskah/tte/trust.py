"""Trust: which root CAs a verifier accepts, and whether a certificate may sign now.

A :class:`TrustStore` holds root CA certificates (PEM or DER files; e.g. the BSrE
root and intermediate, or the test PKI's ``ca.pem``), optionally CRLs, and whether
revocation data may be fetched over the network (OCSP/CRL URLs in the certificates).

Revocation: with ``crls`` given, or ``allow_fetching=True`` and a reachable OCSP/CRL
server, a revoked certificate fails verification. Without revocation data the check
is "soft-fail" (pyHanko's default): an unreachable responder does not fail the
signature, a revoked answer does. Use ``revocation="hard-fail"`` to demand an answer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from asn1crypto import crl as asn1_crl
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from pyhanko_certvalidator import ValidationContext

from naskah import clock
from naskah.errors import InputError
from naskah.tte.errors import CertificateError

MAX_TRUST_BYTES = 10 * 1024 * 1024
"""Largest certificate or CRL file read (a CA's CRL runs to a few MB)."""


def _read(path: str | Path, field: str) -> tuple[Path, bytes]:
    from naskah.inputs import read_bytes

    p = Path(path)
    return p, read_bytes(p, field, MAX_TRUST_BYTES)  # a regular file, capped


def load_certificates(path: str | Path) -> list[asn1_x509.Certificate]:
    """Every certificate in a PEM (one or more blocks) or DER file."""
    p, data = _read(path, "trust")
    try:
        if pem.detect(data):
            return [asn1_x509.Certificate.load(der) for kind, _, der in pem.unarmor(data, True)
                    if kind == "CERTIFICATE"]
        cert = asn1_x509.Certificate.load(data)
        cert.native  # noqa: B018 - parse fully now so a bad file fails here, not later
        return [cert]
    except (ValueError, TypeError) as exc:
        raise InputError(f"trust: {p} is not a PEM or DER certificate file ({exc})") from None


def load_crl(path: str | Path) -> asn1_crl.CertificateList:
    """A certificate revocation list from a PEM or DER file."""
    p, data = _read(path, "crl")
    try:
        if pem.detect(data):
            _, _, data = pem.unarmor(data)
        crl = asn1_crl.CertificateList.load(data)
        crl.native  # noqa: B018 - parse fully now so a bad file fails here
        return crl
    except (ValueError, TypeError) as exc:
        raise InputError(f"crl: {p} is not a PEM or DER CRL file ({exc})") from None


@dataclass
class TrustStore:
    """Root certificates a signature must chain to, plus revocation settings."""

    roots: list[asn1_x509.Certificate] = field(default_factory=list)
    intermediates: list[asn1_x509.Certificate] = field(default_factory=list)
    crls: list[asn1_crl.CertificateList] = field(default_factory=list)
    allow_fetching: bool = False
    """Fetch OCSP/CRL over the network (off by default: verification stays offline)."""
    revocation: Literal["soft-fail", "hard-fail"] = "soft-fail"

    @classmethod
    def from_files(cls, paths: Iterable[str | Path], *, crl_files: Sequence[str | Path] = (),
                   allow_fetching: bool = False) -> TrustStore:
        """Roots from PEM/DER files. A self-signed certificate becomes a root; any
        other certificate in the files is kept as an intermediate for path building."""
        store = cls(allow_fetching=allow_fetching)
        for path in paths:
            for cert in load_certificates(path):
                (store.roots if cert.self_signed != "no" else store.intermediates).append(cert)
        for path in crl_files:
            store.crls.append(load_crl(path))
        if not store.roots:
            raise InputError("trust: no self-signed root certificate in the given files")
        return store

    def validation_context(self, *, moment: dt.datetime | None = None) -> ValidationContext:
        """A fresh pyHanko validation context (one per validation: it caches results)."""
        return ValidationContext(
            trust_roots=list(self.roots), other_certs=list(self.intermediates),
            crls=list(self.crls), allow_fetching=self.allow_fetching,
            revocation_mode=self.revocation, moment=moment,
        )


def check_usable_now(cert: asn1_x509.Certificate, *, now: dt.datetime | None = None) -> None:
    """Refuse a certificate outside its validity period: a signature made with an
    expired (or not yet valid) certificate is worthless, so it is never made."""
    now = now or clock.now()
    validity = cert["tbs_certificate"]["validity"]
    start: dt.datetime = validity["not_before"].native
    end: dt.datetime = validity["not_after"].native
    who = cert.subject.human_friendly
    if now < start:
        raise CertificateError(
            f"certificate: {who} is not valid before {start.isoformat()}; refusing to sign")
    if now > end:
        raise CertificateError(
            f"certificate: {who} expired on {end.isoformat()}; refusing to sign")
