"""Detached CMS signatures over bytes or a precomputed digest, and their verification.

For what is not a PDF: a paraf over a konsep's content hash, a ledger entry, a ledger
header. The signature is a DER ``ContentInfo`` (SignedData without the content,
carrying the signer certificate), small enough to store base64 in JSON or DOCX
metadata. With a timestamper, an RFC 3161 token over the signature value rides along
as the unsigned attribute ``signature-time-stamp-token`` (CAdES-T): the JSON that
stores the signature does not change shape, and the signature is validated as of the
token's time (see :mod:`naskah.tte.validasi`).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
from dataclasses import dataclass, field

from asn1crypto import cms as asn1_cms
from pyhanko.sign import signers
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes
from pyhanko.sign.timestamps import TimeStamper
from pyhanko.sign.validation.generic_cms import async_validate_detached_cms
from pyhanko_certvalidator import ValidationContext

from naskah.clock import now
from naskah.errors import InputError
from naskah.tte.identity import Identitas, identitas_from_der
from naskah.tte.trust import TrustStore
from naskah.tte.tsa import tsa_error
from naskah.tte.validasi import Status, judge

DIGEST = "sha256"


def _attrs() -> PdfCMSSignedAttributes:
    # The signing time goes into the signed attributes, so a verifier can report it.
    return PdfCMSSignedAttributes(signing_time=now())


def sign_bytes(signer: signers.Signer, data: bytes, *,
               timestamper: TimeStamper | None = None) -> bytes:
    """A detached CMS signature (DER) over ``data``, timestamped by ``timestamper``."""
    try:
        info = asyncio.run(signer.async_sign_general_data(
            data, DIGEST, detached=True, signed_attr_settings=_attrs(),
            timestamper=timestamper))
    except OSError as exc:  # pyHanko's TimestampRequestError is an IOError
        raise tsa_error(exc) from None
    return bytes(info.dump())


def sign_digest(signer: signers.Signer, digest: bytes, *,
                timestamper: TimeStamper | None = None) -> bytes:
    """A detached CMS signature (DER) over data whose SHA-256 is ``digest``.

    Verifies with :func:`verify_bytes` against the original data: CMS signs the
    messageDigest attribute, so hashing first gives the same signature structure.
    """
    if len(digest) != hashlib.sha256().digest_size:
        raise InputError(f"digest: expected a {DIGEST} digest of 32 bytes, got {len(digest)}")
    try:
        info = asyncio.run(signer.async_sign(digest, DIGEST, is_pdf_sig=False,
                                             signed_attr_settings=_attrs(),
                                             timestamper=timestamper))
    except OSError as exc:
        raise tsa_error(exc) from None
    return bytes(info.dump())


@dataclass(frozen=True)
class CmsReport:
    """The verification result of one detached CMS signature."""

    identitas: Identitas | None
    signing_time: dt.datetime | None
    intact: bool
    """The data matches the signed digest."""
    valid: bool
    """``intact`` and the signature value verifies with the certificate's key."""
    trusted: bool
    """The certificate chains to a root of the trust store (and was valid then)."""
    certificate_der: bytes | None = field(default=None, repr=False)
    status: Status = Status.UNTRUSTED
    """The verdict (valid, tampered, untrusted, revoked, or expired: cannot be
    validated after expiry)."""
    timestamp: dt.datetime | None = None
    """When a trusted timestamp proves the signature existed (None: no timestamp)."""
    problems: tuple[str, ...] = ()
    """What is wrong, in words (empty when valid)."""

    @property
    def ok(self) -> bool:
        """Intact, valid and trusted when it was made, and nothing wrong with its
        timestamp."""
        return self.status is Status.VALID and not self.problems


def _signed_data(signature: bytes) -> asn1_cms.SignedData:
    try:
        info = asn1_cms.ContentInfo.load(signature)
        if info["content_type"].native != "signed_data":
            raise ValueError("not SignedData")
        sd: asn1_cms.SignedData = info["content"]
        sd.native  # noqa: B018 - parse now so a corrupt signature fails here
        return sd
    except (ValueError, TypeError, KeyError) as exc:
        raise InputError(f"signature: not a CMS signature ({exc})") from None


def verify_bytes(data: bytes, signature: bytes, trust: TrustStore | None) -> CmsReport:
    """Check a detached CMS ``signature`` over ``data`` against ``trust`` (None = no
    roots, so never trusted)."""
    sd = _signed_data(signature)

    async def run(signer_vc: ValidationContext, ts_vc: ValidationContext) -> object:
        return await async_validate_detached_cms(data, sd, signer_validation_context=signer_vc,
                                                 ts_validation_context=ts_vc)

    def digest(md: str) -> bytes:
        return hashlib.new(md, data).digest()

    try:
        # No trust store = an empty one (never the operating system's CA list).
        verdict = asyncio.run(judge(run, sd["signer_infos"][0], digest, trust))
    except Exception as exc:  # pyHanko raises on structurally broken signer infos
        raise InputError(f"signature: cannot be checked ({str(exc)[:200]})") from None
    status = verdict.pyhanko
    cert = status.signing_cert
    der = bytes(cert.dump()) if cert is not None else None
    return CmsReport(
        identitas=identitas_from_der(der) if der else None,
        signing_time=verdict.proven_time or status.signer_reported_dt,
        intact=bool(status.intact),
        valid=bool(status.intact and status.valid),
        trusted=bool(status.trusted) if trust is not None else False,
        certificate_der=der,
        status=verdict.status,
        timestamp=verdict.proven_time,
        problems=tuple(verdict.problems),
    )


def signer_certificate(signature: bytes) -> bytes:
    """The DER certificate inside a CMS signature (to match it against a roster)."""
    sd = _signed_data(signature)
    sid = sd["signer_infos"][0]["sid"]
    for choice in sd["certificates"]:
        cert = choice.chosen
        if sid.name == "issuer_and_serial_number" and (
                cert.issuer == sid.chosen["issuer"]
                and cert.serial_number == sid.chosen["serial_number"].native):
            return bytes(cert.dump())
        if sid.name == "subject_key_identifier" and cert.key_identifier == sid.chosen.native:
            return bytes(cert.dump())
    raise InputError("signature: the signer's certificate is not in the signature")
