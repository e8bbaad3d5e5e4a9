"""The trail's electronic signatures: who must sign what, and checking that they did.

Every step is signed by its performer (a detached CMS signature over the ledger
entry), the ledger header by whoever started the trail, each paraf over the konsep
hash by the paraf-giver, and every tanda tangan makes a signed original, a PAdES PDF
by the signer. The key must be the one of the certificate ``pelaksana.json`` binds to
the person, that certificate must be issued to that person and chain to the trust
roots (:mod:`naskah.trail.ikatan`, re-checked at every verify) and have been valid
when it signed. So a consistent rewrite of the ledger, the roster, the times or a
document, made without the officials' own keys, fails verification.

Each signature is judged as of the time a timestamp proves (:mod:`naskah.tte.validasi`):
after the certificates expire, a timestamped signature still verifies and one without a
timestamp "cannot be validated after expiry" (kind ``unverifiable``, not tampering); a
signature made after its certificate's revocation is reported.

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
from naskah.trail.ikatan import (
    check_roster,
    pdf_signers,
    pem_to_der,
    roster_der,
    roster_problems,
    validity_problem,
)
from naskah.trail.ledger import Entry, Ledger, Rujukan, entry_payload, header_payload
from naskah.trail.pelaksana import DaftarPelaksana, kunci

if TYPE_CHECKING:
    from naskah.tte.signer import Signer
    from naskah.tte.trust import Revocation, TrustStore

PARAF_PAYLOAD = "naskah-paraf:v1:{hash}:{nip}"
"""What a paraf signature signs: the konsep hash and who gives it."""


SIGNATURE = "signature"
UNVERIFIABLE = "unverifiable"
BINDING = "binding"
"""Kinds of :class:`Temuan` (as :class:`~naskah.trail.masalah.JenisMasalah` values)."""


@dataclass(frozen=True)
class Temuan:
    """A signature problem: the step (None: the header) and file it concerns."""

    pesan: str
    step: int | None = None
    file: str | None = None
    jenis: str = SIGNATURE
    """The kind (:class:`~naskah.trail.masalah.JenisMasalah` value): ``signature``,
    ``binding``, or ``unverifiable`` for a signature that cannot be validated after its
    certificate expired (no timestamp proves when it was made)."""


def paraf_payload(konsep_hash: str, pejabat: Pejabat) -> bytes:
    """The bytes a paraf-giver signs."""
    return PARAF_PAYLOAD.format(hash=konsep_hash, nip=kunci(pejabat)).encode("utf-8")


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
                 who: str) -> tuple[str, str] | None:
    """Why a stored CMS signature does not prove ``who`` signed ``payload`` (kind and
    words), or None."""
    from naskah.tte.cms import verify_bytes
    from naskah.tte.validasi import EXPIRED_TEXT, Status

    if not isinstance(b64, str):
        return SIGNATURE, f"not signed: no signature of {who}"
    try:
        sig = base64.b64decode(b64, validate=True)
        report = verify_bytes(payload, sig, trust)
        # The signer's certificate as the validation found it: reading it out of the
        # signature again would parse the CMS twice (most of a verify's time).
        cert = report.certificate_der
    except (binascii.Error, ValueError, InputError) as exc:
        return SIGNATURE, f"the signature of {who} is unreadable ({str(exc)[:200]})"
    if not report.intact or not report.valid:
        return SIGNATURE, (f"the signature of {who} does not match what was recorded "
                           "(changed after signing)")
    if roster_pem is None:
        return SIGNATURE, f"pelaksana.json holds no certificate for {who}"
    try:
        expected = pem_to_der(roster_pem, "pelaksana.json")
    except InputError as exc:
        return SIGNATURE, str(exc)
    if cert is None or cert != expected:
        return SIGNATURE, (f"the signature was made with another certificate than the one "
                           f"pelaksana.json binds to {who}")
    if not report.ok:
        detail = "; ".join(report.problems)
        if report.status is Status.EXPIRED and all(p.startswith(EXPIRED_TEXT)
                                                   for p in report.problems):
            return UNVERIFIABLE, f"the signature of {who}: {detail}"
        if report.status is Status.UNTRUSTED:
            return SIGNATURE, (f"the signature of {who} does not chain to a trusted root"
                               + (f" ({detail})" if detail else ""))
        return SIGNATURE, f"the signature of {who}: {detail}"
    problem = validity_problem(cert, report.signing_time, who)
    return (SIGNATURE, problem) if problem else None


def check(ledger: Ledger, entries: list[Entry], roster: DaftarPelaksana | None,
          trust: TrustStore | None, read: Any, revocation: Revocation | None = None, *,
          originals: bool = True,
          kemajuan: Callable[[str, int, int], None] | None = None) -> list[Temuan]:
    """Every signature problem of a ledger whose chain was checked, and every binding
    problem of its roster. ``read(rel)`` gives a recorded file's bytes (None when it
    cannot be read; that is reported elsewhere); ``originals=False`` leaves the signed
    originals' PDFs unchecked (not whether each tanda tangan has one); ``revocation``:
    CRLs and OCSP to check the certificates against, besides the roots';
    ``kemajuan("tanda tangan", done, total)`` is called after each entry."""
    from naskah.tte.trust import TrustStore

    found: list[Temuan] = []
    if roster is None:
        return [Temuan("the trail's signatures cannot be checked without its roster",
                       None, "pelaksana.json")]
    found += [Temuan(text, None, "pelaksana.json", BINDING)
              for text in roster_problems(roster, trust)]
    if trust is None:
        found.append(Temuan("no trust roots: no signature of this trail can be trusted "
                            "(give them with --trust CA.pem)", None, TRUST_FILE))
        trust = TrustStore()  # nothing chains to an empty store
    if revocation is not None:
        trust = revocation.apply(trust)
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
            found.append(Temuan(f"ledger header: {problem[1]}", None, "ledger.json",
                                problem[0]))
    raws = {r.get("step"): r for r in ledger.raw_entries if isinstance(r, dict)}
    for done, entry in enumerate(entries, 1):
        if kemajuan is not None and done > 1:
            kemajuan("tanda tangan", done - 1, len(entries))
        pem = roster.sertifikat_pem(entry.pelaksana)
        who = f"{entry.pelaksana.nama} (the performer)"
        problem = _cms_problem(entry_payload(raws.get(entry.step, {})), entry.ttd, trust, pem,
                               who)
        if problem:
            found.append(Temuan(problem[1], entry.step, "ledger.json", problem[0]))
        for ref in entry.keluaran:
            if ref.jenis.value != JenisOutput.PARAF.value:
                continue
            if ref.konsep_hash is None:
                found.append(Temuan(f"paraf on {ref.kode} is not signed", entry.step, ref.file))
                continue
            problem = _cms_problem(paraf_payload(ref.konsep_hash, entry.pelaksana), ref.tte,
                                   trust, pem, f"{entry.pelaksana.nama} (paraf)")
            if problem:
                found.append(Temuan(f"paraf on {ref.kode}: {problem[1]}", entry.step, ref.file,
                                    problem[0]))
        found += _originals(entry, roster, trust, read if originals else None)
    if kemajuan is not None and entries:
        kemajuan("tanda tangan", len(entries), len(entries))
    return found


def _originals(entry: Entry, roster: DaftarPelaksana, trust: TrustStore, read: Any
               ) -> list[Temuan]:
    """Every tanda tangan of ``entry`` needs its signed original, a PAdES PDF signed
    with the certificate the roster binds to the performer (who the rules require to
    be the document's penandatangan); with ``read``, each PDF is validated."""
    from naskah.tte.validasi import EXPIRED_TEXT
    from naskah.tte.verify import verify_pdf

    found: list[Temuan] = []
    nama = entry.pelaksana.nama
    signed = [r for r in entry.keluaran if r.jenis.value == JenisOutput.TANDA_TANGAN.value]
    originals: dict[str, Rujukan] = {r.kode: r for r in entry.asli}
    for ref in signed:
        if ref.kode not in originals:
            found.append(Temuan(
                f"{ref.kode}: signed (tanda tangan by {nama}), but no signed original (PAdES) "
                f"signed with {nama}'s certificate is recorded", entry.step, ref.file))
    for ref in entry.asli:
        if ref.kode not in {r.kode for r in signed}:
            found.append(Temuan(f"{ref.kode}: a signed original of a document this step did "
                                "not sign", entry.step, ref.file))
        data = read(ref.file) if read is not None else None
        if data is None or sha256_bytes(data) != ref.sha256:
            continue  # not checked now, missing or changed: check_files reports it
        try:
            report = verify_pdf(data, trust)
        except InputError as exc:
            found.append(Temuan(f"the signed original cannot be read ({exc})", entry.step,
                                ref.file))
            continue
        expected = roster_der(roster, entry.pelaksana)
        if not report.ok:
            why = "; ".join(p for s in report.signatures for p in s.problems) or "unsigned"
            expired = bool(report.signatures) and all(
                s.verdict == EXPIRED_TEXT.upper() for s in report.signatures)
            found.append(Temuan(f"the signed original does not validate: {why}",
                                entry.step, ref.file, UNVERIFIABLE if expired else SIGNATURE))
        elif expected is None or not (ders := pdf_signers(data)) or any(
                der != expected for der in ders):
            found.append(Temuan(f"the signed original is not signed with the certificate "
                                f"pelaksana.json binds to {nama}", entry.step, ref.file))
        else:
            problem = next((p for s in report.signatures if (p := validity_problem(
                expected, s.signing_time, nama))), None)
            if problem:
                found.append(Temuan(f"the signed original: {problem}", entry.step, ref.file))
    return found


__all__ = ["BINDING", "PARAF_PAYLOAD", "SIGNATURE", "TRUST_FILE", "UNVERIFIABLE",
           "SignerMissingError", "Temuan", "check",
           "check_roster", "load_trust", "paraf_payload", "pem_to_der", "require_signer",
           "sign", "trust_pem"]
