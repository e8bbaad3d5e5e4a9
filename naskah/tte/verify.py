"""Verify the PAdES signatures in a PDF: who signed, when, intact, trusted, and nothing
added after.

pyHanko's validator does the cryptography and the difference analysis; this module
judges each signature in time (:mod:`naskah.tte.validasi`: a timestamp proves when it
was made), with the validation data the PDF carries (its DSS), and turns the result
into a plain report (for the CLI's text and ``--json`` output, and for the trail).

After the *last* signature only validation data (DSS) and document timestamps may
follow; after an earlier one, also the later signatures themselves. Anything else (a
form field or annotation over the text, changed page content, a changed ``/Info`` or
XMP title, bytes after the final ``%%EOF``) fails the signature, naming what was added.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from typing import Any

from asn1crypto import crl as asn1_crl
from asn1crypto import ocsp as asn1_ocsp
from pyhanko.pdf_utils.misc import PdfError as PyHankoPdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import DocumentSecurityStore, async_validate_pdf_signature
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from naskah.errors import InputError
from naskah.tte import revisi
from naskah.tte.identity import Identitas, identitas_from_der
from naskah.tte.trust import TrustStore
from naskah.tte.validasi import EXPIRED_TEXT, Status, ValidationData, judge

_AFTER_LAST = frozenset({"NONE", "LTA_UPDATES"})
"""What may follow the last signature: nothing, validation data, document timestamps."""
_AFTER_EARLIER = _AFTER_LAST | {"FORM_FILLING"}
"""What may follow an earlier one: also the later signatures' own fields."""


@dataclass(frozen=True)
class SignatureReport:
    """One signature's verification result."""

    field_name: str
    identitas: Identitas | None
    signing_time: dt.datetime | None
    """The timestamp's time when a trusted timestamp proves it, else the time the
    signer claims."""
    timestamped: bool
    """A trusted RFC 3161 timestamp proves when the signature existed."""
    intact: bool
    """The signed bytes are unchanged."""
    valid: bool
    """Intact and the signature value verifies."""
    trusted: bool
    """The certificate chains to a root in the trust store and was valid then."""
    whole_file: bool
    """Nothing was added after the signature (it covers the entire file)."""
    problems: list[str] = field(default_factory=list)
    status: Status = Status.UNTRUSTED
    """The verdict on the signature itself (see :class:`~naskah.tte.validasi.Status`)."""
    certification: int | None = None
    """DocMDP permission (1-3) of a certification signature; None: an approval."""

    @property
    def ok(self) -> bool:
        """Everything holds: intact, valid, trusted when made, nothing changed after."""
        return self.status is Status.VALID and not self.problems

    @property
    def verdict(self) -> str:
        """VALID, INVALID, REVOKED or CANNOT BE VALIDATED AFTER EXPIRY."""
        if self.ok:
            return "VALID"
        changed = any(not p.startswith(EXPIRED_TEXT) for p in self.problems)
        if self.status is Status.EXPIRED and not changed:
            return EXPIRED_TEXT.upper()
        if self.status is Status.REVOKED:
            return "REVOKED"
        return "INVALID"

    def as_dict(self) -> dict[str, Any]:
        """Plain dict for JSON output."""
        return {
            "field": self.field_name,
            "penandatangan": self.identitas.as_dict() if self.identitas else None,
            "waktu": self.signing_time.isoformat() if self.signing_time else None,
            "timestamped": self.timestamped,
            "intact": self.intact,
            "valid": self.valid,
            "trusted": self.trusted,
            "whole_file": self.whole_file,
            "certification": self.certification,
            "status": self.status.value,
            "verdict": self.verdict,
            "ok": self.ok,
            "problems": self.problems,
        }


@dataclass(frozen=True)
class PdfVerification:
    """Every signature of one PDF."""

    signatures: list[SignatureReport]

    @property
    def ok(self) -> bool:
        """At least one signature, and every signature holds."""
        return bool(self.signatures) and all(s.ok for s in self.signatures)


def verify_pdf(pdf: bytes, trust: TrustStore | None) -> PdfVerification:
    """Check every signature in ``pdf``. Without ``trust`` nothing is trusted.

    Raises :class:`InputError` when ``pdf`` is not a readable PDF.
    """
    try:
        pdf, reader, extra = _read(pdf)
        regular = list(reader.embedded_regular_signatures)
        stamps = list(reader.embedded_timestamp_signatures)
        data = _dss(reader)
        if not extra:
            last = reader.xrefs.total_revisions - 1
            extra = revisi.trailing_bytes(
                pdf, reader.xrefs.get_startxref_for_revision(last),
                reader.xrefs.get_xref_container_info(last).end_location)
    except _UNREADABLE as exc:
        raise InputError(f"pdf: not a readable PDF ({str(exc)[:200]})") from None
    tail = ([] if extra == 0 else
            ["the file does not end with its last revision"] if extra < 0 else
            [f"{extra} bytes were appended after the end of the file (after its last %%EOF)"])
    reports = []
    for sig in regular:
        later = {str(s.field_name) for s in [*regular, *stamps]
                 if s.signed_revision > sig.signed_revision}
        is_last = not any(s.signed_revision > sig.signed_revision for s in regular)
        reports.append(_report(pdf, sig, trust, data, later, is_last, tail))
    return PdfVerification(reports)


_UNREADABLE = (PyHankoPdfError, ValueError, KeyError, TypeError, AttributeError)
_MAX_TAIL_TRIES = 8


def _read(pdf: bytes) -> tuple[bytes, PdfFileReader, int]:
    """The PDF's reader. Bytes appended after the file's real end with a look-alike
    ``%%EOF`` stop a reader; then the PDF is read up to an earlier ``%%EOF`` instead, and
    the bytes after it are counted (the last element), to be reported."""
    try:
        return pdf, _reader(pdf), 0
    except _UNREADABLE:
        ends = [m.end() for m in re.finditer(rb"%%EOF", pdf)][-_MAX_TAIL_TRIES - 1:-1]
        for end in reversed(ends):
            try:
                reader = _reader(pdf[:end])
            except _UNREADABLE:
                continue
            return pdf[:end], reader, len(pdf[end:].strip(b"\r\n\t \x00")) or 1
        raise


def _reader(pdf: bytes) -> PdfFileReader:
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    reader.embedded_signatures  # noqa: B018 - parsed now, not later
    return reader


def _report(pdf: bytes, sig: EmbeddedPdfSignature, trust: TrustStore | None,
            data: ValidationData, later: set[str], is_last: bool, tail: list[str]
            ) -> SignatureReport:
    async def run(signer_vc: ValidationContext, ts_vc: ValidationContext) -> Any:
        return await async_validate_pdf_signature(sig, signer_vc, ts_vc)

    try:
        judged = asyncio.run(judge(run, sig.signer_info, sig.compute_digest, trust, data))
    except Exception as exc:  # a mangled signature dictionary or CMS blob
        return SignatureReport(str(sig.field_name), None, None, False, False, False, False,
                               False, [f"cannot be validated: {str(exc)[:200]}"],
                               Status.TAMPERED)
    status = judged.pyhanko
    cert = status.signing_cert
    whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    problems = list(judged.problems)
    if not whole:
        problems += _changes_after(pdf, sig, status, later, is_last)
    problems += tail
    docmdp = sig.docmdp_level
    return SignatureReport(
        field_name=str(sig.field_name),
        identitas=identitas_from_der(bytes(cert.dump())) if cert is not None else None,
        signing_time=judged.proven_time or status.signer_reported_dt,
        timestamped=judged.proven_time is not None, intact=bool(status.intact),
        valid=bool(status.valid), trusted=bool(status.trusted) and trust is not None,
        whole_file=whole and not tail, problems=problems, status=judged.status,
        certification=docmdp.value if docmdp is not None else None,
    )


def _changes_after(pdf: bytes, sig: EmbeddedPdfSignature, status: Any, later: set[str],
                   is_last: bool) -> list[str]:
    """Why what follows the signature is not allowed (empty: it is)."""
    level = status.modification_level
    fields = set(getattr(status.diff_result, "changed_form_fields", None) or ())
    allowed = _AFTER_LAST if is_last else _AFTER_EARLIER
    *_, start2, len2 = (int(v) for v in sig.byte_range)
    signed = pdf[:start2 + len2]
    fine = (bool(status.docmdp_ok) and level is not None and level.name in allowed
            and fields <= later)
    found = revisi.info_changed(signed, pdf) if fine else revisi.describe(signed, pdf, later)
    if not fine and not found:
        reason = status.diff_result if isinstance(status.diff_result, Exception) else None
        found = [f"{level.name if level else 'unknown'} changes"
                 + (f" ({str(reason)[:200]})" if reason else "")]
    if not found:
        return []
    return ["the PDF was changed after this signature: " + "; ".join(found)]


def _dss(reader: PdfFileReader) -> ValidationData:
    """The certificates and revocation answers in the PDF's DSS (PAdES B-LT)."""
    if "/DSS" not in reader.root:
        return ValidationData()
    try:
        dss = DocumentSecurityStore.read_dss(reader)
        crls = [asn1_crl.CertificateList.load(ref.get_object().data) for ref in dss.crls]
        ocsps = [asn1_ocsp.OCSPResponse.load(ref.get_object().data) for ref in dss.ocsps]
        return ValidationData(certs=list(dss.load_certs()), crls=crls, ocsps=ocsps)
    except Exception:  # an unreadable DSS is only missing validation data
        return ValidationData()


__all__ = ["PdfVerification", "SignatureReport", "verify_pdf"]
