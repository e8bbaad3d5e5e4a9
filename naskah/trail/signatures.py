"""The trail's electronic signatures: who must sign what, and checking that they did.

Every step is signed by its performer (a detached CMS signature over the ledger
entry), the ledger header by whoever started the trail, each paraf over the konsep
hash by the paraf-giver, and each signed original is a PAdES PDF by the signer. The
key must be the one of the certificate ``pelaksana.json`` binds to the person; the
certificate must chain to the trust roots. So a consistent rewrite of the ledger, the
roster, the times or a document, made without the private keys, fails verification.

The trust roots given at ``trail init`` are kept in the berkas (``trust.pem``, hashed
into the signed header). Whoever can replace the berkas's trust file *and* every
certificate and signature could make a new, self-consistent berkas: verify with the
roots you hold yourself (``trail verify --trust CA.pem``) to rule that out.

pyHanko is imported only when a signature is made or checked.
"""

from __future__ import annotations

import base64
import binascii
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from naskah.errors import InputError, SignerMissingError
from naskah.hashing import sha256_bytes
from naskah.models.pejabat import Pejabat
from naskah.sop.model import JenisOutput
from naskah.trail.folder import TRUST_FILE
from naskah.trail.ledger import Entry, Ledger, entry_payload, header_payload
from naskah.trail.pelaksana import DaftarPelaksana, kunci

if TYPE_CHECKING:
    from naskah.tte.signer import Signer
    from naskah.tte.trust import TrustStore

PARAF_PAYLOAD = "naskah-paraf:v1:{hash}:{nip}"
"""What a paraf signature signs: the konsep hash and who gives it."""


@dataclass(frozen=True)
class Temuan:
    """A signature problem: the step (None: the header) and file it concerns."""

    pesan: str
    step: int | None = None
    file: str | None = None


def paraf_payload(konsep_hash: str, pejabat: Pejabat) -> bytes:
    """The bytes a paraf-giver signs."""
    return PARAF_PAYLOAD.format(hash=konsep_hash, nip=kunci(pejabat)).encode("utf-8")


def pem_to_der(pem_text: str, what: str) -> bytes:
    """The DER of one PEM certificate (InputError naming ``what`` when it is not one)."""
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding

    try:
        cert = x509.load_pem_x509_certificate(pem_text.encode("ascii"))
    except (ValueError, UnicodeEncodeError) as exc:
        raise InputError(f"{what}: not a PEM certificate ({exc})") from None
    return cert.public_bytes(Encoding.DER)


def check_roster(roster: DaftarPelaksana) -> None:
    """Refuse a roster where someone has no certificate, or one issued to someone else."""
    from naskah.tte.identity import check_matches, identitas_from_der

    for pejabat in roster.orang():
        key = kunci(pejabat)
        pem = roster.sertifikat_pem(pejabat)
        if pem is None:
            raise InputError(
                f"pelaksana.json: sertifikat.{key}: no certificate for {pejabat.nama}; every "
                "official of a trail signs with their own key", [(f"sertifikat.{key}", "missing")])
        der = pem_to_der(pem, f"pelaksana.json: sertifikat.{key}")
        check_matches(identitas_from_der(der), nama=pejabat.nama, nip=pejabat.nip)
    people = {kunci(p) for p in roster.orang()}
    for key in roster.sertifikat:
        if key not in people:
            raise InputError(f"pelaksana.json: sertifikat.{key}: nobody in the roster has this "
                             "NIP or name", [(f"sertifikat.{key}", "unknown")])


def require_signer(signer: Signer | None, roster: DaftarPelaksana, pejabat: Pejabat,
                   what: str) -> Signer:
    """The performer's signer, refused when missing or holding someone else's key."""
    from naskah.tte.errors import CertificateError

    if signer is None:
        raise SignerMissingError(
            f"signer: {what} must be signed by {pejabat.nama} (NIP {pejabat.nip or '-'}) with "
            "their own key; give their signer (--p12 FILE --passphrase-env VAR)")
    pem = roster.sertifikat_pem(pejabat)
    if pem is None:
        raise CertificateError(f"pelaksana.json: no certificate for {pejabat.nama}")
    expected = pem_to_der(pem, f"pelaksana.json: sertifikat.{kunci(pejabat)}")
    if signer.certificate_der() is None:
        # BSrE's API signs only PDFs; a ledger entry needs a detached CMS signature.
        raise SignerMissingError(
            f"signer: a {signer.kind} signer cannot sign trail steps (ledger entries are "
            "detached CMS signatures); use the official's PKCS#12 file or PKCS#11 token")
    if signer.certificate_der() != expected:
        who = signer.identitas
        if who.nip == pejabat.nip and pejabat.nip is not None:
            raise CertificateError(
                f"signer: the key given is certified for {who.nama} (NIP {who.nip}), but with "
                f"another certificate than the one pelaksana.json binds to {pejabat.nama}; "
                f"{what} is refused")
        raise CertificateError(
            f"signer: the key given belongs to {who.nama} (NIP {who.nip or '-'}), not to "
            f"{pejabat.nama} (NIP {pejabat.nip or '-'}) whose certificate pelaksana.json holds; "
            f"{what} is refused")
    return signer


def sign(signer: Signer, payload: bytes) -> str:
    """A detached CMS signature over ``payload``, base64 for JSON."""
    return base64.b64encode(signer.sign_bytes(payload)).decode("ascii")


def trust_pem(paths: Sequence[str | os.PathLike[str]]) -> bytes:
    """The root certificates in ``paths`` (PEM or DER) as one PEM file for the berkas."""
    from asn1crypto import pem

    from naskah.tte.trust import load_certificates

    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    if not paths:
        raise InputError("trust: give the root CA certificate(s) the officials' certificates "
                         "chain to (--trust CA.pem)", [("trust", "missing")])
    certs = [c for p in paths for c in load_certificates(Path(p))]
    data = b"".join(pem.armor("CERTIFICATE", c.dump()) for c in certs)
    load_trust(data)  # at least one root
    return data


def load_trust(data: bytes) -> TrustStore:
    """The trust store of a berkas's ``trust.pem``."""
    from asn1crypto import pem
    from asn1crypto import x509 as asn1_x509

    from naskah.tte.trust import TrustStore

    store = TrustStore()
    try:
        for kind, _, der in pem.unarmor(data, True):
            if kind == "CERTIFICATE":
                cert = asn1_x509.Certificate.load(der)
                (store.roots if cert.self_signed != "no" else store.intermediates).append(cert)
    except (ValueError, TypeError) as exc:
        raise InputError(f"{TRUST_FILE}: not PEM certificates ({exc})") from None
    if not store.roots:
        raise InputError(f"{TRUST_FILE}: no self-signed root certificate")
    return store


def _cms_problem(payload: bytes, b64: Any, trust: TrustStore, roster_pem: str | None,
                 who: str) -> str | None:
    """Why a stored CMS signature does not prove ``who`` signed ``payload``, or None."""
    from naskah.tte.cms import signer_certificate, verify_bytes

    if not isinstance(b64, str):
        return f"not signed: no signature of {who}"
    try:
        sig = base64.b64decode(b64, validate=True)
        report = verify_bytes(payload, sig, trust)
        cert = signer_certificate(sig)
    except (binascii.Error, ValueError, InputError) as exc:
        return f"the signature of {who} is unreadable ({str(exc)[:200]})"
    if not report.intact or not report.valid:
        return f"the signature of {who} does not match what was recorded (changed after signing)"
    if not report.trusted:
        return f"the signature of {who} does not chain to a trusted root"
    if roster_pem is None:
        return f"pelaksana.json holds no certificate for {who}"
    try:
        expected = pem_to_der(roster_pem, "pelaksana.json")
    except InputError as exc:
        return str(exc)
    if cert != expected:
        return (f"the signature was made with another certificate than the one pelaksana.json "
                f"binds to {who}")
    return None


def check(ledger: Ledger, entries: list[Entry], roster: DaftarPelaksana | None,
          trust: TrustStore | None, read: Any,
          kemajuan: Callable[[str, int, int], None] | None = None) -> list[Temuan]:
    """Every signature problem of a ledger whose chain was checked. ``read(rel)`` gives a
    recorded file's bytes (None when it cannot be read; that is reported elsewhere).
    ``kemajuan("tanda tangan", done, total)`` is called after each entry."""
    from naskah.tte.trust import TrustStore
    from naskah.tte.verify import verify_pdf

    found: list[Temuan] = []
    if roster is None:
        return [Temuan("the trail's signatures cannot be checked without its roster",
                       None, "pelaksana.json")]
    if trust is None:
        found.append(Temuan("no trust roots: no signature of this trail can be trusted "
                            "(give them with --trust CA.pem)", None, TRUST_FILE))
        trust = TrustStore()  # nothing chains to an empty store
    raw = ledger.raw_header
    header_oleh = raw.get("oleh")
    oleh = Pejabat.model_validate(header_oleh) if isinstance(header_oleh, dict) else None
    if oleh is None:
        found.append(Temuan("the ledger header is not signed: nothing proves who started "
                            "the trail (made without keys, or by naskah before 0.3)",
                            None, "ledger.json"))
    else:
        problem = _cms_problem(header_payload(raw), raw.get("ttd"), trust,
                               roster.sertifikat_pem(oleh), f"{oleh.nama} (who started the trail)")
        if problem:
            found.append(Temuan(f"ledger header: {problem}", None, "ledger.json"))
    raws = {r.get("step"): r for r in ledger.raw_entries if isinstance(r, dict)}
    for done, entry in enumerate(entries, 1):
        if kemajuan is not None and done > 1:
            kemajuan("tanda tangan", done - 1, len(entries))
        pem = roster.sertifikat_pem(entry.pelaksana)
        who = f"{entry.pelaksana.nama} (the performer)"
        problem = _cms_problem(entry_payload(raws.get(entry.step, {})), entry.ttd, trust, pem,
                               who)
        if problem:
            found.append(Temuan(problem, entry.step, "ledger.json"))
        for ref in entry.keluaran:
            if ref.jenis.value != JenisOutput.PARAF.value:
                continue
            if ref.konsep_hash is None:
                found.append(Temuan(f"paraf on {ref.kode} is not signed", entry.step, ref.file))
                continue
            problem = _cms_problem(paraf_payload(ref.konsep_hash, entry.pelaksana), ref.tte,
                                   trust, pem, f"{entry.pelaksana.nama} (paraf)")
            if problem:
                found.append(Temuan(f"paraf on {ref.kode}: {problem}", entry.step, ref.file))
        for ref in entry.asli:
            data = read(ref.file)
            if data is None or sha256_bytes(data) != ref.sha256:
                continue  # missing or changed: check_files reports it
            try:
                report = verify_pdf(data, trust)
            except InputError as exc:
                found.append(Temuan(f"the signed original cannot be read ({exc})", entry.step,
                                    ref.file))
                continue
            if not report.ok:
                why = "; ".join(p for s in report.signatures for p in s.problems) or "unsigned"
                found.append(Temuan(f"the signed original does not validate: {why}",
                                    entry.step, ref.file))
            elif pem is None or any(
                    s.identitas is None or s.identitas.nip != entry.pelaksana.nip
                    for s in report.signatures):
                found.append(Temuan(f"the signed original is not signed by {entry.pelaksana.nama}",
                                    entry.step, ref.file))
    if kemajuan is not None and entries:
        kemajuan("tanda tangan", len(entries), len(entries))
    return found


__all__ = ["PARAF_PAYLOAD", "TRUST_FILE", "SignerMissingError", "Temuan", "check",
           "check_roster", "load_trust", "paraf_payload", "pem_to_der", "require_signer",
           "sign", "trust_pem"]
