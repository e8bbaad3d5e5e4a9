"""Trust: which root CAs a verifier accepts, and whether a certificate may sign now.

A :class:`TrustStore` holds root CA certificates (PEM or DER files; e.g. the BSrE
root and intermediate, or the test PKI's ``ca.pem``), optionally CRLs, and whether
revocation data may be fetched over the network (OCSP/CRL URLs in the certificates).

Revocation: with ``crls`` given, ``ocsp=True`` (ask the OCSP responder a certificate
names) or ``allow_fetching=True`` (OCSP and the CRL distribution points), a revoked
certificate fails verification. Without revocation data the check is "soft-fail"
(pyHanko's default): an unreachable responder does not fail the signature, a revoked
answer does. Use ``revocation="hard-fail"`` to demand an answer.

Validation at a past moment (a signature's timestamp) uses revocation data issued
after it (``retroactive_revinfo``): a CRL published today says whether the key was
already revoked when the timestamp was made.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncGenerator, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from asn1crypto import crl as asn1_crl
from asn1crypto import ocsp as asn1_ocsp
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.fetchers import (
    CertificateFetcher,
    CRLFetcher,
    Fetchers,
    OwnedFetcherBackend,
)
from pyhanko_certvalidator.fetchers.aiohttp_fetchers import AIOHttpFetcherBackend

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
    ocsp: bool = False
    """Ask the OCSP responder a certificate names (authority information access), and
    nothing else over the network (no CRL downloads, no certificates)."""

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

    def with_revocation(self, crls: Sequence[asn1_crl.CertificateList] = (), *,
                        ocsp: bool = False, allow_fetching: bool = False) -> TrustStore:
        """These roots with more revocation sources (CRLs, OCSP, fetching)."""
        return replace(self, crls=[*self.crls, *crls], ocsp=self.ocsp or ocsp,
                       allow_fetching=self.allow_fetching or allow_fetching)

    def validation_context(self, *, moment: dt.datetime | None = None,
                           certs: Sequence[asn1_x509.Certificate] = (),
                           crls: Sequence[asn1_crl.CertificateList] = (),
                           ocsps: Sequence[asn1_ocsp.OCSPResponse] = ()) -> ValidationContext:
        """A fresh pyHanko validation context (one per validation: it caches results).

        ``moment``: validate as of then (a signature's timestamp), with revocation data
        issued later; ``certs``/``crls``/``ocsps``: validation data the signed object
        carries (e.g. a PDF's DSS), used besides the store's own.
        """
        fetching = self.allow_fetching or self.ocsp
        # Owned: the context closes the backend's HTTP session when it is closed.
        backend = (OwnedFetcherBackend(_OcspOnly()) if self.ocsp and not self.allow_fetching
                   else None)
        return ValidationContext(
            trust_roots=list(self.roots), other_certs=[*self.intermediates, *certs],
            crls=[*self.crls, *crls], ocsps=list(ocsps), allow_fetching=fetching,
            fetcher_backend=backend, revocation_mode=self.revocation, moment=moment,
            retroactive_revinfo=moment is not None,
        )


@dataclass(frozen=True)
class Revocation:
    """Revocation sources a verifier adds to whatever roots it checks against (the
    berkas's own ``trust.pem`` or roots given): CRL files, the OCSP responders the
    certificates name, and (``fetch``) their CRL distribution points."""

    crls: list[asn1_crl.CertificateList] = field(default_factory=list)
    ocsp: bool = False
    fetch: bool = False

    @classmethod
    def from_files(cls, crl_files: Sequence[str | Path] = (), *, ocsp: bool = False,
                   fetch: bool = False) -> Revocation:
        """CRLs from PEM/DER files (``--crl``), with OCSP and fetching as given."""
        return cls([load_crl(p) for p in crl_files], ocsp=ocsp, fetch=fetch)

    def apply(self, store: TrustStore) -> TrustStore:
        """``store`` with these sources."""
        return store.with_revocation(self.crls, ocsp=self.ocsp, allow_fetching=self.fetch)


class _NoCrls(CRLFetcher):
    async def fetch(self, cert: object, *, use_deltas: object = None
                    ) -> Iterable[asn1_crl.CertificateList]:
        return []

    def fetched_crls(self) -> Iterable[asn1_crl.CertificateList]:
        return []

    def fetched_crls_for_cert(self, cert: object) -> Iterable[asn1_crl.CertificateList]:
        return []


class _NoCerts(CertificateFetcher):
    async def _none(self) -> AsyncGenerator[asn1_x509.Certificate, None]:
        nothing: tuple[asn1_x509.Certificate, ...] = ()
        for cert in nothing:
            yield cert

    def fetch_cert_issuers(self, cert: object) -> AsyncGenerator[asn1_x509.Certificate, None]:
        return self._none()

    def fetch_crl_issuers(self, certificate_list: object
                          ) -> AsyncGenerator[asn1_x509.Certificate, None]:
        return self._none()

    def fetched_certs(self) -> Iterable[asn1_x509.Certificate]:
        return []


class _OcspOnly(AIOHttpFetcherBackend):
    """pyHanko's network fetchers with only OCSP left on: a certificate's responder is
    asked (10 s per request); CRL distribution points and issuer URLs are not."""

    def get_fetchers(self) -> Fetchers:
        fetchers = super().get_fetchers()
        return Fetchers(ocsp_fetcher=fetchers.ocsp_fetcher, crl_fetcher=_NoCrls(),
                        cert_fetcher=_NoCerts())


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
