"""A throw-away test PKI: a root CA "naskah UJI — bukan untuk produksi", one
certificate + PKCS#12 file per pejabat, a timestamp authority's certificate (RFC 3161)
and the CA's current CRL.

For trying naskah's signing without a BSrE account, and for the test suite. The
certificates are plainly marked as test certificates (in the CA name, in the
organisation of every certificate, and in ``BACA-SAYA.txt``); a verifier that trusts
only real roots (BSrE) rejects them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from naskah import clock
from naskah.errors import InputError
from naskah.fileio import write_atomic
from naskah.tte.identity import Identitas

ROOT_NAMA = "naskah UJI — bukan untuk produksi"
"""Common name of the test root CA: says on every chain that it is not for production."""

ORGANISASI_UJI = "naskah UJI (sertifikat uji, bukan untuk produksi)"
"""Organisation of every test certificate, so no viewer can mistake it for BSrE."""

PERINGATAN = (
    "SERTIFIKAT UJI — BUKAN UNTUK PRODUKSI.\n"
    "These are TEST certificates made by `naskah pki init`. A signature made with them\n"
    "proves nothing outside this test; real TTE uses a BSrE/BSSN certificate.\n"
)

Key = rsa.RSAPrivateKey

CRL_URL_UJI = "http://naskah-uji.invalid/ca.crl"
"""CRL distribution point written into test certificates. ``.invalid`` never resolves:
the point is that the certificate *declares* revocation data, so a verifier given a CRL
(``naskah verify --crl``) checks it, as it would for a BSrE certificate."""

TSA_NAMA = "naskah UJI TSA — bukan untuk produksi"
"""Common name of the test timestamp authority."""


@dataclass(frozen=True)
class Sertifikat:
    """A key with its certificate."""

    key: Key
    cert: x509.Certificate

    def cert_pem(self) -> bytes:
        """The certificate as PEM."""
        return self.cert.public_bytes(serialization.Encoding.PEM)


@dataclass
class TestPki:
    """What :func:`init_test_pki` wrote."""

    folder: Path
    ca_pem: Path
    p12: dict[str, Path] = field(default_factory=dict)
    """NIP → PKCS#12 file."""
    cert_pem: dict[str, Path] = field(default_factory=dict)
    """NIP → certificate PEM."""
    tsa_pem: Path | None = None
    """The test timestamp authority's certificate (its key: ``tsa.p12``)."""
    crl: Path | None = None
    """The CA's current CRL (nothing revoked yet)."""


def new_key() -> Key:
    """A fresh RSA-2048 key (what BSrE issues; every PKCS#11 token supports it)."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def buat_root_ca(nama: str = ROOT_NAMA, *, now: dt.datetime | None = None,
                 days: int = 3650) -> Sertifikat:
    """A self-signed root CA certificate valid for ``days`` from ``now``."""
    now = now or clock.now()
    key = new_key()
    subject = x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, nama),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, ORGANISASI_UJI),
        x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
    ])
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject).issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(
            digital_signature=False, content_commitment=False, key_encipherment=False,
            data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
            encipher_only=False, decipher_only=False), critical=True)
        .add_extension(ski, critical=False)
        .sign(key, hashes.SHA256())
    )
    return Sertifikat(key, cert)


def terbitkan(ca: Sertifikat, orang: Identitas, *, not_before: dt.datetime | None = None,
              not_after: dt.datetime | None = None, key: Key | None = None,
              crl_url: str | None = CRL_URL_UJI, ocsp_url: str | None = None) -> Sertifikat:
    """A signing certificate for ``orang`` issued by ``ca``.

    Subject: CN = nama, serialNumber = NIP, title = jabatan, O = the test organisation.
    Key usage: digitalSignature + nonRepudiation (what a PAdES validator expects of a
    signer). ``not_before``/``not_after`` default to now-5min .. now+2 years; tests pass
    past dates to make an expired certificate. ``ocsp_url`` names an OCSP responder
    (authority information access), as BSrE's certificates do.
    """
    now = clock.now()
    key = key or new_key()
    attrs = [x509.NameAttribute(NameOID.COMMON_NAME, orang.nama)]
    if orang.nip:
        attrs.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, orang.nip))
    if orang.jabatan:
        attrs.append(x509.NameAttribute(NameOID.TITLE, orang.jabatan))
    attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, orang.instansi or ORGANISASI_UJI))
    attrs.append(x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"))
    ca_ski = ca.cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name(attrs)).issuer_name(ca.cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before or now - dt.timedelta(minutes=5))
        .not_valid_after(not_after or now + dt.timedelta(days=730))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=True, key_encipherment=False,
            data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
            encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]),
                       critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                       critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski),
                       critical=False)
    )
    if crl_url:
        builder = builder.add_extension(x509.CRLDistributionPoints([x509.DistributionPoint(
            full_name=[x509.UniformResourceIdentifier(crl_url)], relative_name=None,
            reasons=None, crl_issuer=None)]), critical=False)
    if ocsp_url:
        builder = builder.add_extension(x509.AuthorityInformationAccess([
            x509.AccessDescription(x509.oid.AuthorityInformationAccessOID.OCSP,
                                   x509.UniformResourceIdentifier(ocsp_url))]), critical=False)
    return Sertifikat(key, builder.sign(ca.key, hashes.SHA256()))


def terbitkan_tsa(ca: Sertifikat, nama: str = TSA_NAMA, *, days: int = 3650) -> Sertifikat:
    """A timestamp authority's certificate from ``ca``: extended key usage
    id-kp-timeStamping only, critical (RFC 3161 § 2.3). Valid as long as the root by
    default: a timestamp proves a signing time only while its TSA certificate is valid."""
    now = clock.now()
    key = new_key()
    subject = x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, nama),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, ORGANISASI_UJI),
        x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
    ])
    ca_ski = ca.cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject).issuer_name(ca.cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(min(now + dt.timedelta(days=days), ca.cert.not_valid_after_utc))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=True, key_encipherment=False,
            data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
            encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]),
                       critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                       critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski),
                       critical=False)
        .sign(ca.key, hashes.SHA256())
    )
    return Sertifikat(key, cert)


def crl(ca: Sertifikat, revoked: list[x509.Certificate], *, days: int = 7,
        revoked_at: dt.datetime | None = None) -> bytes:
    """A CRL (PEM) from ``ca`` revoking ``revoked`` as of ``revoked_at`` (default: a
    minute ago), valid for ``days``."""
    now = clock.now()
    builder = (x509.CertificateRevocationListBuilder().issuer_name(ca.cert.subject)
               .last_update(now - dt.timedelta(minutes=5))
               .next_update(now + dt.timedelta(days=days)))
    for cert in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(cert.serial_number)
            .revocation_date(revoked_at or now - dt.timedelta(minutes=1)).build())
    return builder.sign(ca.key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM)


def pkcs12_bytes(s: Sertifikat, ca_cert: x509.Certificate | None, passphrase: bytes) -> bytes:
    """``s`` (and its CA) as a passphrase-protected PKCS#12 archive."""
    if not passphrase:
        raise InputError("passphrase: a PKCS#12 file needs a non-empty passphrase")
    name = s.cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
    return pkcs12.serialize_key_and_certificates(
        name=str(name).encode("utf-8"), key=s.key, cert=s.cert,
        cas=[ca_cert] if ca_cert is not None else None,
        encryption_algorithm=serialization.BestAvailableEncryption(passphrase),
    )


def _file_stem(orang: Identitas) -> str:
    # NIP when there is one (unique, filename-safe); else a slug of the name.
    if orang.nip:
        return orang.nip
    return re.sub(r"[^A-Za-z0-9]+", "-", orang.nama).strip("-").lower() or "pejabat"


TSA_STEM = "tsa"
CRL_FILE = "ca.crl"
CRL_DAYS = 365
"""Validity of the test CA's CRL (a real CA publishes one every few days)."""
_RESERVED = {"ca", "ca-key", TSA_STEM, "BACA-SAYA"}


def init_test_pki(folder: str | Path, pejabat: Sequence[Identitas], passphrase: bytes, *,
                  ocsp_url: str | None = None) -> TestPki:
    """Create a test PKI in ``folder``: ``ca.pem``, ``ca-key.pem`` (encrypted with the
    passphrase), per pejabat ``<NIP>.pem`` + ``<NIP>.p12`` (same passphrase), a test
    timestamp authority (``tsa.pem`` + ``tsa.p12``), the CA's CRL ``ca.crl``, and
    ``BACA-SAYA.txt`` saying these are test certificates. ``ocsp_url``: an OCSP
    responder the pejabat certificates name (e.g. a stand-in on 127.0.0.1).

    Refuses a folder that already holds a ``ca.pem`` (never overwrites a PKI).
    """
    if not passphrase:
        raise InputError("passphrase: the test PKI needs a passphrase (NASKAH_PKI_PASSPHRASE)")
    if not pejabat:
        raise InputError("pejabat: no pejabat to issue certificates for")
    out = Path(folder)
    if (out / "ca.pem").exists():
        raise InputError(f"{out}: already holds a PKI (ca.pem); choose an empty folder")
    stems = [_file_stem(p) for p in pejabat]
    if len(set(stems)) != len(stems):
        raise InputError("pejabat: two pejabat share a NIP")
    if clash := _RESERVED.intersection(stems):
        raise InputError(f"pejabat: the file name {sorted(clash)[0]!r} is the PKI's own")
    # Build everything in memory first: a failure leaves no half-made PKI behind.
    ca = buat_root_ca()
    issued = [(stem, terbitkan(ca, p, ocsp_url=ocsp_url))
              for stem, p in zip(stems, pejabat, strict=True)]
    tsa = terbitkan_tsa(ca)
    files: dict[str, bytes] = {
        "ca.pem": ca.cert_pem(),
        "ca-key.pem": ca.key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(passphrase)),
        "BACA-SAYA.txt": PERINGATAN.encode("utf-8"),
        f"{TSA_STEM}.pem": tsa.cert_pem(),
        f"{TSA_STEM}.p12": pkcs12_bytes(tsa, ca.cert, passphrase),
        CRL_FILE: crl(ca, [], days=CRL_DAYS),
    }
    for stem, s in issued:
        files[f"{stem}.pem"] = s.cert_pem()
        files[f"{stem}.p12"] = pkcs12_bytes(s, ca.cert, passphrase)
    out.mkdir(parents=True, exist_ok=True)
    result = TestPki(folder=out, ca_pem=out / "ca.pem", tsa_pem=out / f"{TSA_STEM}.pem",
                     crl=out / CRL_FILE)
    for name, data in files.items():
        write_atomic(out / name, data)
    for stem, _ in issued:
        result.p12[stem] = out / f"{stem}.p12"
        result.cert_pem[stem] = out / f"{stem}.pem"
    return result
