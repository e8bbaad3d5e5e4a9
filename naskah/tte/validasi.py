"""Judging one signature in time: intact, made by whom, and valid *when it was made*.

Shared by PDF (PAdES) and detached CMS signatures. A trusted RFC 3161 timestamp on the
signature proves when it existed; the signer's certificate is then validated as of
that moment (revocation data issued later included), so a signature stays valid after
its certificate expired, and after a revocation that came later. Without a timestamp
the certificate is validated as of now: once it expired, the signature "cannot be
validated after expiry" (a status of its own: not valid, not tampered); once revoked,
nothing proves the signature came before, so it is reported revoked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from asn1crypto import cms as asn1_cms
from asn1crypto import crl as asn1_crl
from asn1crypto import ocsp as asn1_ocsp
from asn1crypto import x509 as asn1_x509
from pyhanko.sign.validation.generic_cms import collect_timing_info
from pyhanko.sign.validation.status import SignatureStatus
from pyhanko_certvalidator import ValidationContext

from naskah.tte.trust import TrustStore


class Status(StrEnum):
    """The verdict on one signature."""

    VALID = "valid"
    TAMPERED = "tampered"
    """The signed bytes changed, or the signature value does not verify."""
    UNTRUSTED = "untrusted"
    """No chain to a trusted root (or no roots given), or not valid when it was made."""
    REVOKED = "revoked"
    """The certificate was revoked before the signature's proven (or unproven) time."""
    EXPIRED = "expired"
    """Cannot be validated after expiry: no timestamp proves it was made in time."""


EXPIRED_TEXT = "cannot be validated after expiry"


@dataclass(frozen=True)
class ValidationData:
    """What a signed object carries to validate it later (a PDF's DSS)."""

    certs: list[asn1_x509.Certificate] = field(default_factory=list)
    crls: list[asn1_crl.CertificateList] = field(default_factory=list)
    ocsps: list[asn1_ocsp.OCSPResponse] = field(default_factory=list)


@dataclass(frozen=True)
class Judgement:
    """pyHanko's status of the signature as judged, with the verdict in words."""

    status: Status
    pyhanko: Any
    """The pyHanko status object of the final validation."""
    proven_time: dt.datetime | None
    """The time of a trusted timestamp on the signature (None: none)."""
    problems: list[str]


Run = Callable[[ValidationContext, ValidationContext], Awaitable[Any]]
"""Validates the signature with a signer and a timestamp validation context."""


async def judge(run: Run, signer_info: asn1_cms.SignerInfo,
                digest: Callable[[str], bytes], trust: TrustStore | None,
                data: ValidationData | None = None) -> Judgement:
    """Validate a signature (``run``) in time; ``digest(md)`` gives the signed data's
    digest (for the content timestamp pyHanko also checks)."""
    store = trust or TrustStore()  # nothing chains to an empty store
    extra = data or ValidationData()

    def context(moment: dt.datetime | None = None) -> ValidationContext:
        return store.validation_context(moment=moment, certs=extra.certs, crls=extra.crls,
                                        ocsps=extra.ocsps)

    problems: list[str] = []
    ts_vc = context()
    try:
        timing = await collect_timing_info(signer_info, ts_vc, raw_digest=digest)
        tsv = timing.get("timestamp_validity")
        proven = (tsv.timestamp if tsv is not None and tsv.intact and tsv.valid
                  and tsv.trusted else None)
        if tsv is not None and proven is None and trust is not None:
            problems.append(_timestamp_problem(tsv))
        status = await _run(run, context(proven), context())
        if (proven is not None and not status.trusted and status.revocation_details is None
                and store.revocation == "soft-fail" and (store.ocsp or extra.ocsps)):
            # pyHanko takes an OCSP answer "revoked at R", R after the validation time,
            # as no answer at all, and then fails the path: validate as of the
            # timestamp without OCSP, as an unreachable responder would be (a "revoked
            # before" answer fails above, with the revocation's details).
            offline = replace(store, ocsp=False, allow_fetching=False)
            again = await _run(run, offline.validation_context(
                moment=proven, certs=extra.certs, crls=extra.crls), context())
            status = again if again.trusted else status
        verdict, why = _verdict(status, proven, trust is not None)
        if verdict is Status.EXPIRED:
            # Valid when made, *if* made when it says? Tells an expired official's
            # signature from one that never chained.
            claimed = _claimed_moment(status)
            again = await _run(run, context(claimed), context()) if claimed else None
            if again is not None and again.revocation_details is not None:
                verdict, why = _verdict(again, None, True)
            elif again is None or not again.trusted:
                verdict = Status.UNTRUSTED
                why = ["the certificate expired, and does not chain to a trusted root even "
                       "while it was valid"]
    finally:
        await ts_vc.aclose()  # type: ignore[no-untyped-call]
    return Judgement(verdict, status, proven, problems + why)


async def _run(run: Run, signer_vc: ValidationContext, ts_vc: ValidationContext) -> Any:
    try:
        return await run(signer_vc, ts_vc)
    finally:
        await signer_vc.aclose()  # type: ignore[no-untyped-call]
        await ts_vc.aclose()  # type: ignore[no-untyped-call]


def _verdict(status: SignatureStatus, proven: dt.datetime | None, trusting: bool
             ) -> tuple[Status, list[str]]:
    if not status.intact:
        return Status.TAMPERED, ["the signed bytes were changed"]
    if not status.valid:
        return Status.TAMPERED, ["the signature value does not verify"]
    if not trusting:
        return Status.UNTRUSTED, ["no trust roots given (use --trust CA.pem)"]
    if status.trusted:
        return Status.VALID, []
    when = f"its timestamp ({proven.isoformat()})" if proven else None
    details = status.revocation_details
    if details is not None:
        whose = "a CA certificate of its chain" if details.ca_revoked else "the certificate"
        revoked = details.revocation_date.isoformat()
        if when:
            return Status.REVOKED, [f"{whose} was revoked on {revoked}, before {when}: "
                                    "the signature was made after the revocation"]
        return Status.REVOKED, [f"{whose} was revoked on {revoked}, and no timestamp "
                                "proves the signature was made before"]
    cert: asn1_x509.Certificate | None = status.signing_cert
    moment = proven or dt.datetime.now(dt.UTC)
    if cert is not None:
        start, end = cert.not_valid_before, cert.not_valid_after
        if moment > end and proven is None:
            return Status.EXPIRED, [f"{EXPIRED_TEXT}: the certificate expired on "
                                    f"{end.isoformat()} and no timestamp proves the "
                                    "signature was made before"]
        if not start <= moment <= end:
            return Status.UNTRUSTED, [f"the certificate was not valid at {when or 'now'} "
                                      f"(valid {start.isoformat()} to {end.isoformat()})"]
    indic = getattr(status.trust_problem_indic, "name", "")
    return Status.UNTRUSTED, ["the certificate does not chain to a trusted root"
                              + (f" ({indic})" if indic else "")]


def _timestamp_problem(tsv: Any) -> str:
    """Why a signature's timestamp proves nothing. The token is an unsigned attribute:
    anyone can replace it, so a bad one is reported, never ignored."""
    if not tsv.intact or not tsv.valid:
        return "its timestamp does not match the signature (the token was changed)"
    cert: asn1_x509.Certificate | None = tsv.signing_cert
    if cert is not None and dt.datetime.now(dt.UTC) > cert.not_valid_after:
        return (f"{EXPIRED_TEXT}: the certificate of its timestamp authority expired on "
                f"{cert.not_valid_after.isoformat()}")
    return ("its timestamp is not trusted: the timestamp authority's certificate does not "
            "chain to a trusted root (give its root with --trust)")


def _claimed_moment(status: SignatureStatus) -> dt.datetime | None:
    """The signer's own claimed signing time, within the certificate's validity."""
    cert = status.signing_cert
    if cert is None:
        return None
    claimed: dt.datetime | None = getattr(status, "signer_reported_dt", None)
    start, end = cert.not_valid_before, cert.not_valid_after
    if claimed is None or not start <= claimed <= end:
        claimed = end - dt.timedelta(seconds=1)
    return claimed


__all__ = ["EXPIRED_TEXT", "Judgement", "Status", "ValidationData", "judge"]
