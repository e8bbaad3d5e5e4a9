"""The roster's bindings: each official's certificate in ``pelaksana.json`` must be issued
to that official (name and NIP in its subject), chain to the trust roots, and have been
valid when it signed.

Checked when a trail starts (:func:`check_roster`, refusing the first problem) and again
by every ``verify`` and before every step (:func:`roster_problems`, every problem): the
roster is only a file in the berkas, and whoever rewrites it with certificates of their
own (even ones issued under the same trusted root) must not pass for the officials.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
from typing import TYPE_CHECKING

from naskah.errors import InputError
from naskah.models.pejabat import Pejabat
from naskah.trail.folder import PELAKSANA_FILE
from naskah.trail.pelaksana import DaftarPelaksana, kunci

if TYPE_CHECKING:
    from naskah.tte.trust import TrustStore


def pem_to_der(pem_text: str, what: str) -> bytes:
    """The DER of one PEM certificate (InputError naming ``what`` when it is not one)."""
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding

    try:
        cert = x509.load_pem_x509_certificate(pem_text.encode("ascii"))
    except (ValueError, UnicodeEncodeError) as exc:
        raise InputError(f"{what}: not a PEM certificate ({exc})") from None
    return cert.public_bytes(Encoding.DER)


def subject_problems(roster: DaftarPelaksana) -> list[tuple[str, str]]:
    """(field, problem) for every official without a certificate or with one issued to
    someone else, and every certificate bound to nobody in the roster."""
    from naskah.tte.errors import CertificateError
    from naskah.tte.identity import check_matches, identitas_from_der

    found: list[tuple[str, str]] = []
    for pejabat in roster.orang():
        key = kunci(pejabat)
        where = f"sertifikat.{key}"
        pem = roster.sertifikat_pem(pejabat)
        if pem is None:
            found.append((where, f"no certificate for {pejabat.nama}; every official of a "
                                 "trail signs with their own key"))
            continue
        try:
            who = identitas_from_der(pem_to_der(pem, f"{PELAKSANA_FILE}: {where}"))
        except (InputError, ValueError) as exc:
            found.append((where, str(exc)))
            continue
        try:
            check_matches(who, nama=pejabat.nama, nip=pejabat.nip)
        except CertificateError as exc:
            found.append((where, f"{_without_prefix(str(exc))} (the certificate names "
                                 f"{who.nama!r}, NIP {who.nip or '-'})"))
    people = {kunci(p) for p in roster.orang()}
    found += [(f"sertifikat.{key}", "nobody in the roster has this NIP or name")
              for key in roster.sertifikat if key not in people]
    return found


def check_roster(roster: DaftarPelaksana, trust: TrustStore | None = None) -> None:
    """Refuse a roster where someone has no certificate (InputError), one issued to
    someone else or (with ``trust``) one that does not chain to those roots
    (:class:`~naskah.tte.errors.CertificateError`)."""
    from naskah.tte.errors import CertificateError

    problems = subject_problems(roster)
    if trust is not None and not problems:
        problems = chain_problems(roster, trust)
    if problems:
        field, text = problems[0]
        missing = text.startswith(("no certificate", "nobody in the roster"))
        error = InputError if missing else CertificateError
        raise error(f"{PELAKSANA_FILE}: {field}: {text}", [(field, text)])


def chain_problems(roster: DaftarPelaksana, trust: TrustStore) -> list[tuple[str, str]]:
    """(field, problem) for every roster certificate that does not chain to ``trust``."""
    found: list[tuple[str, str]] = []
    for key, pem in roster.sertifikat.items():
        try:
            der = pem_to_der(pem, f"{PELAKSANA_FILE}: sertifikat.{key}")
        except InputError:
            continue  # named by subject_problems
        problem = chain_problem(der, trust)
        if problem:
            found.append((f"sertifikat.{key}", problem))
    return found


def roster_problems(roster: DaftarPelaksana, trust: TrustStore | None) -> list[str]:
    """Every binding problem of the roster, as ``pelaksana.json: sertifikat.KEY: ...``
    (without ``trust``, only the subjects: that no root is given is one problem, said
    once by the caller)."""
    problems = subject_problems(roster)
    if trust is not None:
        problems += chain_problems(roster, trust)
    return [f"{PELAKSANA_FILE}: {field}: {text}" for field, text in problems]


def chain_problem(der: bytes, trust: TrustStore) -> str | None:
    """Why the certificate ``der`` does not chain to the roots of ``trust``, or None.

    The path is validated at a moment inside the certificate's own validity, so an
    expired certificate still chains (whether it was valid when it signed is checked
    per signature, :func:`validity_problem`)."""
    from asn1crypto import x509 as asn1_x509
    from pyhanko_certvalidator import CertificateValidator

    try:
        cert = asn1_x509.Certificate.load(der)
        validity = cert["tbs_certificate"]["validity"]
        start, end = validity["not_before"].native, validity["not_after"].native
    except (ValueError, TypeError, KeyError) as exc:
        return f"not a readable certificate ({str(exc)[:200]})"
    moment = min(max(dt.datetime.now(dt.UTC), start), end)
    validator = CertificateValidator(cert, validation_context=trust.validation_context(
        moment=moment))
    try:
        asyncio.run(validator.async_validate_path())
    except Exception as exc:  # pyHanko's path building and validation errors
        return ("issued under no root of the trust roots given; whoever holds it is not "
                f"vouched for ({type(exc).__name__}: {str(exc)[:160]})")
    return None


def validity_problem(der: bytes, when: dt.datetime | None, who: str) -> str | None:
    """Why the certificate ``der`` was not valid at ``when`` (a signing time), or None."""
    if when is None:
        return None
    from asn1crypto import x509 as asn1_x509

    validity = asn1_x509.Certificate.load(der)["tbs_certificate"]["validity"]
    start, end = validity["not_before"].native, validity["not_after"].native
    if when < start:
        return (f"the certificate of {who} was not yet valid when it signed "
                f"({when.isoformat()}, valid from {start.isoformat()})")
    if when > end:
        return (f"the certificate of {who} had expired when it signed "
                f"({when.isoformat()}, valid until {end.isoformat()})")
    return None


def roster_der(roster: DaftarPelaksana, pejabat: Pejabat) -> bytes | None:
    """The DER of the certificate the roster binds to ``pejabat`` (None: none, or not
    readable; :func:`subject_problems` names it)."""
    pem = roster.sertifikat_pem(pejabat)
    if pem is None:
        return None
    try:
        return pem_to_der(pem, PELAKSANA_FILE)
    except InputError:
        return None


def pdf_signers(data: bytes) -> list[bytes]:
    """The DER certificate of every signature in a PDF (empty when it has none or cannot
    be read; the validation of the PDF reports why)."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        return [bytes(sig.signer_cert.dump()) for sig in reader.embedded_signatures]
    except Exception:  # a mangled PDF or signature: verify_pdf reports it
        return []


def _without_prefix(text: str) -> str:
    return text.removeprefix("certificate: ")


__all__ = ["chain_problem", "chain_problems", "check_roster", "pdf_signers", "pem_to_der",
           "roster_der", "roster_problems", "subject_problems", "validity_problem"]
