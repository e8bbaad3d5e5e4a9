"""Who a certificate names: nama, NIP and jabatan from its subject.

naskah's convention (also used by the test PKI): commonName = full name,
serialNumber = NIP (18 digits), title = jabatan, organizationName = instansi. A
BSrE certificate carries the name in commonName and the NIK/NIP in serialNumber too.
"""

from __future__ import annotations

from dataclasses import dataclass

from cryptography import x509
from cryptography.x509.oid import NameOID


@dataclass(frozen=True)
class Identitas:
    """The person a signing certificate belongs to."""

    nama: str
    nip: str | None
    jabatan: str | None
    instansi: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        """Plain dict for JSON output."""
        return {"nama": self.nama, "nip": self.nip, "jabatan": self.jabatan,
                "instansi": self.instansi}


def _attr(name: x509.Name, oid: x509.ObjectIdentifier) -> str | None:
    values = name.get_attributes_for_oid(oid)
    if not values:
        return None
    value = values[0].value
    return value if isinstance(value, str) else value.decode("utf-8", "replace")


def identitas_from_name(name: x509.Name) -> Identitas:
    """The identity in an X.509 subject name."""
    return Identitas(
        nama=_attr(name, NameOID.COMMON_NAME) or name.rfc4514_string(),
        nip=_attr(name, NameOID.SERIAL_NUMBER),
        jabatan=_attr(name, NameOID.TITLE),
        instansi=_attr(name, NameOID.ORGANIZATION_NAME),
    )


def identitas_from_cert(cert: x509.Certificate) -> Identitas:
    """The identity a (cryptography) certificate's subject names."""
    return identitas_from_name(cert.subject)


def identitas_from_der(der: bytes) -> Identitas:
    """The identity of a DER-encoded certificate (e.g. from an asn1crypto object's dump())."""
    return identitas_from_cert(x509.load_der_x509_certificate(der))


def _plain(text: str) -> str:
    return " ".join(text.split()).casefold()


def check_matches(identitas: Identitas, *, nama: str, nip: str | None) -> None:
    """Refuse a certificate that names someone else than the roster entry.

    The NIP must equal the certificate's serialNumber when the roster has a NIP (a
    certificate without one cannot stand for a NIP); the name must match ignoring case
    and spacing. For ``trail init`` (roster ↔ certificate) and for checking who signed.
    """
    from naskah.tte.errors import CertificateError

    if nip is not None and identitas.nip != nip:
        raise CertificateError(
            f"certificate: serialNumber {identitas.nip!r} is not the NIP {nip!r} of {nama}")
    if _plain(identitas.nama) != _plain(nama):
        raise CertificateError(
            f"certificate: issued to {identitas.nama!r}, not to {nama!r} (NIP {nip or '-'})")
