"""RFC 3161 timestamps: a timestamp authority (TSA) proves that a signature existed at
a time, so the signature can still be validated after its certificate expired or was
revoked later.

:class:`HttpTimeStamper` asks a TSA over HTTP (``application/timestamp-query`` →
``application/timestamp-reply``) within one total deadline and a size cap; pyHanko
builds the request, checks the nonce and embeds the token (PAdES: in the signature,
CMS: as the unsigned attribute ``signature-time-stamp-token``).
:func:`local_timestamper` is a TSA in the process, over a key file: for the test PKI of
``naskah demo`` and the tests' stand-in server, never for real documents.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path

import httpx
from asn1crypto import cms, core, keys, tsp
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from pyhanko.sign import general
from pyhanko.sign.general import simple_cms_attribute
from pyhanko.sign.timestamps import DummyTimeStamper, TimeStamper, TimestampRequestError
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from naskah.errors import TsaError
from naskah.tte import http

QUERY = "application/timestamp-query"
REPLY = "application/timestamp-reply"
MAX_REPLY = 256 * 1024
"""A timestamp reply is a few kilobytes (token + TSA chain); more is refused."""


class HttpTimeStamper(TimeStamper):
    """An RFC 3161 client over HTTP(S) with a total deadline (``timeout`` seconds)."""

    def __init__(self, url: str, *, timeout: float = 30.0,
                 transport: httpx.BaseTransport | None = None) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        if not url.startswith(("http://", "https://")):
            raise TsaError(f"tsa: {http.safe_text(url)!r} is not an http(s) URL")
        self.url = url
        self.timeout = timeout
        self._transport = transport

    def __repr__(self) -> str:
        return f"HttpTimeStamper({self.url!r})"

    def _request(self, req: tsp.TimeStampReq) -> tsp.TimeStampResp:
        where = http.safe_text(self.url, limit=120)
        try:
            with httpx.Client(transport=self._transport, follow_redirects=False,
                              limits=httpx.Limits(max_keepalive_connections=0)) as client:
                answer = http.post(client, self.url, deadline=self.timeout,
                                   max_bytes=MAX_REPLY, content=req.dump(),
                                   headers={"Content-Type": QUERY})
        except http.DeadlineExceeded:
            raise TimestampRequestError(f"{where} did not answer within "
                                        f"{self.timeout:g} s") from None
        except http.AnswerTooLarge:
            raise TimestampRequestError(f"{where} answered more than {MAX_REPLY} bytes"
                                        ) from None
        except httpx.HTTPError as exc:
            raise TimestampRequestError(f"cannot reach {where} ({type(exc).__name__})"
                                        ) from None
        if answer.status_code != 200:
            raise TimestampRequestError(f"{where} answered HTTP {answer.status_code}")
        kind = answer.headers.get("content-type", "").split(";")[0].strip()
        if kind != REPLY:
            raise TimestampRequestError(f"{where} answered {http.safe_text(kind, limit=60)!r}"
                                        f", not {REPLY}")
        try:
            resp = tsp.TimeStampResp.load(answer.content)
            resp.native  # noqa: B018 - parse fully here, not deep inside pyHanko
        except (ValueError, TypeError) as exc:
            raise TimestampRequestError(f"{where} answered something that is not a "
                                        f"timestamp reply ({type(exc).__name__})") from None
        return resp

    async def async_request_tsa_response(self, req: tsp.TimeStampReq) -> tsp.TimeStampResp:
        return await asyncio.to_thread(self._request, req)


def timestamper_for(url: str | None, *, timeout: float = 30.0) -> TimeStamper | None:
    """The timestamper of a TSA URL (None: no timestamps)."""
    return HttpTimeStamper(url, timeout=timeout) if url else None


def probe(timestamper: TimeStamper, what: str = "the timestamp authority") -> None:
    """Ask ``timestamper`` for one timestamp now, so that an unreachable TSA refuses an
    operation before it begins (pyHanko keeps the answer to size its signatures)."""
    try:
        asyncio.run(timestamper.async_dummy_response("sha256"))
    except Exception as exc:
        raise tsa_error(exc, what) from None


def tsa_error(exc: BaseException, what: str = "the timestamp authority") -> TsaError:
    """The naskah error for a failed timestamp request (never the server's raw text)."""
    detail = http.safe_text(exc, limit=240) if isinstance(exc, TimestampRequestError) \
        else type(exc).__name__
    return TsaError(f"tsa: {what} gave no timestamp: {detail}; nothing was signed")


class _LocalTsa(DummyTimeStamper):
    """pyHanko's in-memory TSA, with its key parsed once (pyHanko parses it again for
    every token: about 80 ms for RSA-2048, several times per trail step)."""

    _key: RSAPrivateKey | None = None

    def _sign_tst_info(self, tst_info_data: bytes, md_algorithm: str, dt: datetime
                       ) -> tuple[bytes, cms.CMSAttributes]:
        if self._key is None:
            key = serialization.load_der_private_key(self.tsa_key.dump(), password=None)
            if not isinstance(key, RSAPrivateKey):
                return super()._sign_tst_info(tst_info_data, md_algorithm, dt)
            self._key = key
        digest = hashes.Hash(get_pyca_cryptography_hash(md_algorithm))
        digest.update(tst_info_data)
        attribute = simple_cms_attribute
        signed_attrs = cms.CMSAttributes([
            attribute("content_type", "tst_info"),  # type: ignore[no-untyped-call]
            attribute("signing_time",  # type: ignore[no-untyped-call]
                      cms.Time({"utc_time": core.UTCTime(dt)})),
            attribute("signing_certificate",  # type: ignore[no-untyped-call]
                      general.as_signing_certificate(self.tsa_cert)),
            attribute("message_digest", digest.finalize()),  # type: ignore[no-untyped-call]
        ])
        signature = self._key.sign(signed_attrs.dump(), PKCS1v15(),
                                   get_pyca_cryptography_hash(md_algorithm.upper()))
        return signature, signed_attrs


def local_timestamper(cert: asn1_x509.Certificate, key_der: bytes,
                      chain: list[asn1_x509.Certificate] | None = None) -> TimeStamper:
    """A TSA inside this process, signing with ``key_der`` (PKCS#8 DER) for the TSA
    certificate ``cert`` (extended key usage id-kp-timeStamping). Test PKIs only."""
    return _LocalTsa(tsa_cert=cert, tsa_key=keys.PrivateKeyInfo.load(key_der),
                     certs_to_embed=list(chain or []))  # type: ignore[arg-type]


def load_local_timestamper(p12: str | Path, passphrase: bytes) -> TimeStamper:
    """:func:`local_timestamper` from a test PKI's ``tsa.p12``."""
    from naskah.errors import InputError

    try:
        data = Path(p12).read_bytes()
    except OSError as exc:
        raise InputError(f"tsa: cannot read {p12}: {exc.strerror or exc}") from None
    return local_timestamper_p12(data, passphrase)


def local_timestamper_p12(data: bytes, passphrase: bytes) -> TimeStamper:
    """:func:`local_timestamper` from the bytes of a PKCS#12 file."""
    from cryptography.hazmat.primitives.serialization import pkcs12

    from naskah.errors import InputError

    try:
        key, cert, extra = pkcs12.load_key_and_certificates(data, passphrase)
    except ValueError as exc:
        raise InputError(f"tsa: cannot open the TSA's PKCS#12 file: {type(exc).__name__}"
                         ) from None
    if key is None or cert is None:
        raise InputError("tsa: the TSA's PKCS#12 file holds no key and certificate")
    der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    as_asn1 = [asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER))
               for c in [cert, *extra]]
    return local_timestamper(as_asn1[0], der, as_asn1[1:])


__all__ = ["MAX_REPLY", "HttpTimeStamper", "TsaError", "load_local_timestamper",
           "local_timestamper", "local_timestamper_p12", "probe", "timestamper_for",
           "tsa_error"]
