"""Who issued a signing certificate, as the footer of a signed page names it.

A letter signed with a test certificate must never claim that BSrE issued it: the
footer names the issuer the certificate itself names. A certificate whose issuer is
BSrE (organisation Badan Siber dan Sandi Negara, or a name with BSrE / Sertifikasi
Elektronik in it) is named with BSrE's current full name.
"""

from __future__ import annotations

from dataclasses import dataclass

from asn1crypto import x509 as asn1_x509

BSRE = "Balai Besar Sertifikasi Elektronik (BSrE), Badan Siber dan Sandi Negara"
"""BSrE's current name (Balai Besar since 2023; formerly Balai Sertifikasi Elektronik)."""
_BSRE_MARKS = ("badan siber dan sandi negara", "bsre", "sertifikasi elektronik")


@dataclass(frozen=True)
class Penerbit:
    """The issuer of a signing certificate."""

    nama: str
    """How the footer names it."""
    bsre: bool
    """Whether it is BSrE (the national verifier then applies)."""


def penerbit_of(cert: asn1_x509.Certificate) -> Penerbit:
    """The issuer ``cert`` names: BSrE by its full name, any other by its organisation
    (else its common name, else the whole distinguished name)."""
    issuer = cert.issuer.native
    org = _text(issuer.get("organization_name"))
    common = _text(issuer.get("common_name"))
    names = " ".join((org, common)).casefold()
    if any(mark in names for mark in _BSRE_MARKS):
        return Penerbit(BSRE, True)
    return Penerbit(org or common or cert.issuer.human_friendly, False)


def _text(value: object) -> str:
    # A name attribute may repeat (a list) or be absent.
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    return " ".join(str(value).split()) if value else ""


__all__ = ["BSRE", "Penerbit", "penerbit_of"]
