"""BSrE (Balai Besar Sertifikasi Elektronik, BSSN) signing API client.

The signing key lives on BSrE's server: naskah sends the PDF with the signer's NIK and
passphrase (or TOTP) and gets the signed PDF back. Two API generations:

* v1 ``POST /api/sign/pdf``: multipart form with ``file``, ``nik``, ``passphrase``,
  ``tampilan`` (visible/invisible), ``image`` (true/false), ``imageTTD``, ``linkQR``,
  ``page``, ``xAxis``, ``yAxis``, ``width``, ``height`` or ``tag_koordinat``;
  the response body is the signed PDF.
* v2 ``POST /api/v2/sign/pdf``: JSON ``{nik, passphrase | totp, signatureProperties:
  [{tampilan, imageBase64, page, originX, originY, width, height, tag, reason,
  location}], file: [base64]}``; the response is ``{file: [base64]}``.
  ``POST /api/v2/verify/pdf`` with ``{file: base64}`` reports the signatures.

Both authenticate the calling application with HTTP Basic auth. Errors come back as
``{"error": message, "status_code": code}``; codes 2011 (user not registered) and
2031 (wrong passphrase) are widely documented, an expired/revoked certificate is
recognised by its message. Retries: only on HTTP 5xx (the request may be repeated
safely: nothing was signed); a 4xx (e.g. wrong passphrase) is never retried, since
repeated wrong passphrases can lock the signer's account.

Nothing BSrE answers is taken on its word (:mod:`naskah.tte.bsre_check`): a signed PDF
must be an incremental update of exactly the bytes sent, carrying one new valid
signature (of the expected signer, when known; chaining to ``BsreConfig.trust`` when
set). Each call has one total deadline (``timeout``), however slowly the server
answers, and a size cap; the server's error text is shown only cleaned (no control
characters, at most 200 characters, never the passphrase).
"""

from __future__ import annotations

import base64
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import httpx

from naskah.errors import BsreError as BsreError  # re-exported: its old home
from naskah.errors import (
    CertificateError,
    PassphraseError,
    SignerNotRegisteredError,
)
from naskah.tte import http
from naskah.tte.bsre_check import check_signer, check_update
from naskah.tte.identity import Identitas
from naskah.tte.passphrase import Passphrase
from naskah.tte.trust import TrustStore

PATH_V1_SIGN = "/api/sign/pdf"
PATH_V2_SIGN = "/api/v2/sign/pdf"
PATH_V2_VERIFY = "/api/v2/verify/pdf"

ERROR_CODES: dict[int, type[Exception]] = {
    2011: SignerNotRegisteredError,  # "User tidak terdaftar"
    2031: PassphraseError,           # "Passphrase anda salah"
}
"""BSrE ``status_code`` → the naskah error it means."""

_EXPIRED = re.compile(r"kadaluarsa|kedaluwarsa|expired|tidak berlaku|dicabut|revoked",
                      re.IGNORECASE)
_NOT_REGISTERED = re.compile(r"tidak terdaftar|not registered|belum terdaftar", re.IGNORECASE)
_PASSPHRASE = re.compile(r"passphrase", re.IGNORECASE)


@dataclass
class BsreConfig:
    """Where and how to reach BSrE (or an instansi's gateway in front of it)."""

    base_url: str
    username: str | None = None
    """Basic-auth user of the calling application (from BSrE), not the signer."""
    password: Passphrase | None = None
    """Basic-auth password, e.g. ``Passphrase.from_env("BSRE_PASSWORD")``."""
    api: Literal["v1", "v2"] = "v2"
    timeout: float = 60.0
    """Seconds for a whole call, retries included, however slowly the server answers."""
    retries: int = 2
    """Extra attempts after an HTTP 5xx."""
    backoff: float = 0.5
    """Seconds before the first retry; doubled each time."""
    verify_tls: bool = True
    trust: TrustStore | None = None
    """Roots BSrE's signatures must chain to (e.g. the BSrE root); None: any valid
    signature of the expected signer is accepted, its trust is checked when verifying."""


@dataclass
class SignatureProperty:
    """One v2 ``signatureProperties`` entry: where and how the signature shows."""

    tampilan: Literal["VISIBLE", "INVISIBLE"] = "VISIBLE"
    image_base64: str | None = None
    tag: str | None = None
    page: int | None = None
    origin_x: float | None = None
    origin_y: float | None = None
    width: float | None = None
    height: float | None = None
    reason: str | None = None
    location: str | None = None

    def as_json(self) -> dict[str, Any]:
        """The API's field names, without the unset ones."""
        raw = {"tampilan": self.tampilan, "imageBase64": self.image_base64, "tag": self.tag,
               "page": self.page, "originX": self.origin_x, "originY": self.origin_y,
               "width": self.width, "height": self.height, "reason": self.reason,
               "location": self.location}
        return {k: v for k, v in raw.items() if v is not None}


@dataclass(frozen=True)
class BsreVerification:
    """``/api/v2/verify/pdf``'s answer: a conclusion and the raw per-signature details."""

    conclusion: str
    signatures: list[dict[str, Any]] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)


class BsreClient:
    """HTTP client for the BSrE signing API. ``transport`` is for tests/proxies."""

    def __init__(self, config: BsreConfig, *, transport: httpx.BaseTransport | None = None
                 ) -> None:
        self.config = config
        auth = None
        if config.username is not None:
            secret = config.password.get() if config.password is not None else b""
            auth = httpx.BasicAuth(config.username.encode("utf-8"), secret)
        # No kept-alive connections: the deadline's watchdog knows the sockets a request
        # opens, and signing is rare enough to connect each time.
        self._http = httpx.Client(base_url=config.base_url.rstrip("/"), auth=auth,
                                  timeout=httpx.Timeout(config.timeout),
                                  verify=config.verify_tls, transport=transport,
                                  limits=httpx.Limits(max_keepalive_connections=0))
        self._secrets: list[str | bytes | None] = [
            config.password.get() if config.password is not None else None]

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def __enter__(self) -> BsreClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _post(self, path: str, *, max_bytes: int, secrets: Sequence[str | bytes | None] = (),
              **kwargs: Any) -> http.Answer:
        secrets = [*self._secrets, *secrets]
        delay = self.config.backoff
        end = time.monotonic() + self.config.timeout
        timed_out = BsreError(f"bsre: {path} timed out after {self.config.timeout:g} s")
        for attempt in range(self.config.retries + 1):
            left = end - time.monotonic()
            if left <= 0:
                raise timed_out
            try:
                response = http.post(self._http, path, deadline=left, max_bytes=max_bytes,
                                     **kwargs)
            except (http.DeadlineExceeded, httpx.TimeoutException):
                raise timed_out from None
            except http.AnswerTooLarge:
                raise BsreError(f"bsre: {path} answered more than {max_bytes} bytes") from None
            except httpx.HTTPError as exc:
                where = http.safe_text(self.config.base_url, secrets=secrets, limit=120)
                raise BsreError(f"bsre: cannot reach {where}: {type(exc).__name__}") from None
            if response.status_code < 500 or attempt == self.config.retries:
                break
            time.sleep(min(delay, max(0.0, end - time.monotonic())))
            delay *= 2
        if response.status_code >= 400:
            raise _error(path, response, secrets)
        return response

    def sign_pdf_v1(self, pdf: bytes, *, nik: str, passphrase: bytes,
                    tampilan: Literal["visible", "invisible"] = "visible",
                    link_qr: str | None = None, image_ttd: bytes | None = None,
                    tag_koordinat: str | None = None, page: int | None = None,
                    x: float | None = None, y: float | None = None,
                    width: float | None = None, height: float | None = None,
                    reason: str | None = None, location: str | None = None,
                    expect: Identitas | None = None) -> bytes:
        """v1 ``POST /api/sign/pdf`` (multipart); returns the signed PDF, checked to be
        ``pdf`` with one new valid signature (of ``expect``, when given)."""
        form: dict[str, str] = {"nik": nik, "passphrase": passphrase.decode("utf-8"),
                                "tampilan": tampilan,
                                "image": "true" if image_ttd is not None else "false"}
        optional = {"linkQR": link_qr, "tag_koordinat": tag_koordinat, "page": page,
                    "xAxis": x, "yAxis": y, "width": width, "height": height,
                    "reason": reason, "location": location}
        form.update({k: _num(v) for k, v in optional.items() if v is not None})
        files: dict[str, tuple[str, bytes, str]] = {
            "file": ("naskah.pdf", pdf, "application/pdf")}
        if image_ttd is not None:
            files["imageTTD"] = ("ttd.png", image_ttd, "image/png")
        response = self._post(PATH_V1_SIGN, data=form, files=files,
                              max_bytes=_answer_cap(pdf), secrets=[passphrase])
        signed = _pdf_from(response, PATH_V1_SIGN, [*self._secrets, passphrase])
        return self._checked(pdf, signed, PATH_V1_SIGN, nik, expect)

    def _checked(self, sent: bytes, signed: bytes, path: str, nik: str,
                 expect: Identitas | None) -> bytes:
        checked = check_update(sent, signed, self.config.trust, f"bsre: {path}")
        return checked.pdf if expect is None else check_signer(checked, nik, expect,
                                                                f"bsre: {path}")

    def sign_pdf_v2(self, pdf: bytes, *, nik: str, passphrase: bytes | None = None,
                    totp: str | None = None,
                    properties: Sequence[SignatureProperty] = (SignatureProperty(),),
                    expect: Identitas | None = None) -> bytes:
        """v2 ``POST /api/v2/sign/pdf`` (JSON); returns the signed PDF, checked to be
        ``pdf`` with one new valid signature (of ``expect``, when given)."""
        if (passphrase is None) == (totp is None):
            raise PassphraseError("passphrase: give exactly one of passphrase or totp")
        body: dict[str, Any] = {
            "nik": nik,
            "signatureProperties": [p.as_json() for p in properties],
            "file": [base64.b64encode(pdf).decode("ascii")],
        }
        if passphrase is not None:
            body["passphrase"] = passphrase.decode("utf-8")
        else:
            body["totp"] = totp
        secrets = [passphrase, totp]
        data = _json(self._post(PATH_V2_SIGN, json=body, max_bytes=_answer_cap(pdf),
                                secrets=secrets), PATH_V2_SIGN, [*self._secrets, *secrets])
        files = data.get("file")
        if not isinstance(files, list) or not files or not isinstance(files[0], str):
            raise BsreError(f"bsre: {PATH_V2_SIGN} answered without a signed file")
        try:
            signed = base64.b64decode(files[0], validate=True)
        except ValueError:
            raise BsreError(f"bsre: {PATH_V2_SIGN} answered with invalid base64") from None
        return self._checked(pdf, signed, PATH_V2_SIGN, nik, expect)

    def verify_pdf(self, pdf: bytes) -> BsreVerification:
        """v2 ``POST /api/v2/verify/pdf``: BSrE's own verdict on the signatures."""
        data = _json(self._post(PATH_V2_VERIFY,
                                json={"file": base64.b64encode(pdf).decode("ascii")},
                                max_bytes=MAX_JSON), PATH_V2_VERIFY, self._secrets)
        sigs = data.get("signatureInformations") or []
        return BsreVerification(conclusion=str(data.get("conclusion", "")),
                                signatures=[s for s in sigs if isinstance(s, dict)], raw=data)


def _num(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


MAX_JSON = 16 << 20
"""Largest answer accepted besides a signed document."""


def _answer_cap(pdf: bytes) -> int:
    # A signed PDF is the PDF sent plus a signature and validation data; base64 in JSON
    # makes it a third larger.
    return 2 * len(pdf) + MAX_JSON


def _json(response: http.Answer, path: str, secrets: Sequence[str | bytes | None]
          ) -> dict[str, Any]:
    try:
        data = response.json()
    except (ValueError, RecursionError):
        raise BsreError(f"bsre: {path} answered with something that is not JSON") from None
    if not isinstance(data, dict):
        raise BsreError(f"bsre: {path} answered with unexpected JSON")
    if data.get("error"):
        raise _error(path, response, secrets)
    return data


def _pdf_from(response: http.Answer, path: str, secrets: Sequence[str | bytes | None]
              ) -> bytes:
    if "json" in response.headers.get("content-type", ""):
        data = _json(response, path, secrets)
        encoded = data.get("base64_signed_file") or data.get("file")
        if isinstance(encoded, list):
            encoded = encoded[0] if encoded else None
        if not isinstance(encoded, str):
            raise BsreError(f"bsre: {path} answered without a signed file")
        try:
            return base64.b64decode(encoded, validate=True)
        except ValueError:
            raise BsreError(f"bsre: {path} answered with invalid base64") from None
    return response.content


def _error(path: str, response: http.Answer, secrets: Sequence[str | bytes | None]
           ) -> Exception:
    """The exception for an error answer: the server's text cleaned (no control
    characters, capped, the passphrase and credentials blanked out)."""
    message, code = f"HTTP {response.status_code}", None
    try:
        data = response.json()
    except (ValueError, RecursionError):
        data = None
    if isinstance(data, dict):
        raw_code = data.get("status_code")
        code = raw_code if isinstance(raw_code, int) and not isinstance(raw_code, bool) else None
        message = http.safe_text(data.get("error") or data.get("message") or message,
                                 secrets=secrets)
    kind = ERROR_CODES.get(code) if code is not None else None
    if kind is None and response.status_code < 500:
        if _EXPIRED.search(message):
            kind = CertificateError
        elif _NOT_REGISTERED.search(message):
            kind = SignerNotRegisteredError
        elif _PASSPHRASE.search(message) and response.status_code in (400, 401, 403):
            kind = PassphraseError
    if kind is PassphraseError:
        return PassphraseError(f"passphrase: BSrE rejected the passphrase ({message})")
    if kind is SignerNotRegisteredError:
        return SignerNotRegisteredError(f"nik: not registered with BSrE ({message})")
    if kind is CertificateError:
        return CertificateError(f"certificate: the BSrE certificate is not usable ({message})")
    if response.status_code == 401:
        return BsreError(f"bsre: the application's credentials were rejected ({message})",
                         response.status_code, code)
    return BsreError(f"bsre: {path} failed: {message}", response.status_code, code)
