"""Verify the PAdES signatures in a PDF: who signed, when, intact, trusted.

pyHanko's validator does the work; this module turns its status objects into a plain
report (for the CLI's text and ``--json`` output, and for the trail later).
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

from pyhanko.pdf_utils.misc import PdfError as PyHankoPdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel

from naskah.errors import InputError
from naskah.tte.identity import Identitas, identitas_from_der
from naskah.tte.trust import TrustStore

_ALLOWED_AFTER = frozenset({"NONE", "LTA_UPDATES", "FORM_FILLING"})
"""What may follow a signature in later revisions: nothing, validation data and
document timestamps (PAdES B-LT/LTA), or further signatures (form filling). Page
content, annotations or anything else added afterwards makes the signature fail."""


@dataclass(frozen=True)
class SignatureReport:
    """One signature's verification result."""

    field_name: str
    identitas: Identitas | None
    signing_time: dt.datetime | None
    """The time the signer claims (or the timestamp's time, when there is a timestamp)."""
    timestamped: bool
    intact: bool
    """The signed bytes are unchanged."""
    valid: bool
    """Intact and the signature value verifies."""
    trusted: bool
    """The certificate chains to a root in the trust store and was valid then."""
    whole_file: bool
    """Nothing was added after the signature (it covers the entire file)."""
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Everything holds: intact, valid, trusted, and nothing appended after it."""
        return self.intact and self.valid and self.trusted and not self.problems

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
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        embedded = list(reader.embedded_signatures)
    except (PyHankoPdfError, ValueError, KeyError, TypeError) as exc:
        raise InputError(f"pdf: not a readable PDF ({exc})") from None
    reports: list[SignatureReport] = []
    for sig in embedded:
        vc = (trust or TrustStore()).validation_context()
        problems: list[str] = []
        try:
            status = validate_pdf_signature(sig, vc)
        except Exception as exc:  # a mangled signature dictionary or CMS blob
            reports.append(SignatureReport(sig.field_name, None, None, False, False, False,
                                           False, False, [f"cannot be validated: {exc}"]))
            continue
        cert = status.signing_cert
        identitas = identitas_from_der(bytes(cert.dump())) if cert is not None else None
        ts = status.timestamp_validity
        when = ts.timestamp if ts is not None else status.signer_reported_dt
        whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
        if not status.intact:
            problems.append("the signed bytes were changed")
        elif not status.valid:
            problems.append("the signature value does not verify")
        if trust is None:
            problems.append("no trust roots given (use --trust CA.pem)")
        elif not status.trusted:
            problems.append("the certificate does not chain to a trusted root"
                            + (f" ({getattr(status.trust_problem_indic, 'name', '')})"
                               if status.trust_problem_indic else ""))
        level = status.modification_level
        if not whole and not (status.docmdp_ok and level is not None
                              and level.name in _ALLOWED_AFTER):
            problems.append("the PDF was changed after this signature")
        if status.revoked:
            problems.append("the certificate was revoked")
        reports.append(SignatureReport(
            field_name=sig.field_name, identitas=identitas, signing_time=when,
            timestamped=ts is not None, intact=bool(status.intact), valid=bool(status.valid),
            trusted=bool(status.trusted) and trust is not None, whole_file=whole,
            problems=problems,
        ))
    return PdfVerification(reports)
