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
from naskah.tte.passphrase import Passphrase

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
    """Seconds per request (connect, read, write each)."""
    retries: int = 2
    """Extra attempts after an HTTP 5xx."""
    backoff: float = 0.5
    """Seconds before the first retry; doubled each time."""
    verify_tls: bool = True


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
        self._http = httpx.Client(base_url=config.base_url.rstrip("/"), auth=auth,
                                  timeout=httpx.Timeout(config.timeout),
                                  verify=config.verify_tls, transport=transport)

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def __enter__(self) -> BsreClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _post(self, path: str, **kwargs: Any) -> httpx.Response:
        delay = self.config.backoff
        for attempt in range(self.config.retries + 1):
            try:
                response = self._http.post(path, **kwargs)
            except httpx.TimeoutException:
                raise BsreError(f"bsre: {path} timed out after {self.config.timeout:g} s"
                                ) from None
            except httpx.HTTPError as exc:
                raise BsreError(f"bsre: cannot reach {self.config.base_url}: "
                                f"{type(exc).__name__}") from None
            if response.status_code < 500 or attempt == self.config.retries:
                break
            time.sleep(delay)
            delay *= 2
        if response.status_code >= 400:
            raise _error(path, response)
        return response

    def sign_pdf_v1(self, pdf: bytes, *, nik: str, passphrase: bytes,
                    tampilan: Literal["visible", "invisible"] = "visible",
                    link_qr: str | None = None, image_ttd: bytes | None = None,
                    tag_koordinat: str | None = None, page: int | None = None,
                    x: float | None = None, y: float | None = None,
                    width: float | None = None, height: float | None = None,
                    reason: str | None = None, location: str | None = None) -> bytes:
        """v1 ``POST /api/sign/pdf`` (multipart); returns the signed PDF."""
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
        response = self._post(PATH_V1_SIGN, data=form, files=files)
        return _pdf_from(response, PATH_V1_SIGN)

    def sign_pdf_v2(self, pdf: bytes, *, nik: str, passphrase: bytes | None = None,
                    totp: str | None = None,
                    properties: Sequence[SignatureProperty] = (SignatureProperty(),)) -> bytes:
        """v2 ``POST /api/v2/sign/pdf`` (JSON); returns the signed PDF."""
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
        data = _json(self._post(PATH_V2_SIGN, json=body), PATH_V2_SIGN)
        files = data.get("file")
        if not isinstance(files, list) or not files or not isinstance(files[0], str):
            raise BsreError(f"bsre: {PATH_V2_SIGN} answered without a signed file")
        try:
            signed = base64.b64decode(files[0], validate=True)
        except ValueError:
            raise BsreError(f"bsre: {PATH_V2_SIGN} answered with invalid base64") from None
        return _check_pdf(signed, PATH_V2_SIGN)

    def verify_pdf(self, pdf: bytes) -> BsreVerification:
        """v2 ``POST /api/v2/verify/pdf``: BSrE's own verdict on the signatures."""
        data = _json(self._post(PATH_V2_VERIFY,
                                json={"file": base64.b64encode(pdf).decode("ascii")}),
                     PATH_V2_VERIFY)
        sigs = data.get("signatureInformations") or []
        return BsreVerification(conclusion=str(data.get("conclusion", "")),
                                signatures=[s for s in sigs if isinstance(s, dict)], raw=data)


def _num(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _json(response: httpx.Response, path: str) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        raise BsreError(f"bsre: {path} answered with something that is not JSON") from None
    if not isinstance(data, dict):
        raise BsreError(f"bsre: {path} answered with unexpected JSON")
    if data.get("error"):
        raise _error(path, response)
    return data


def _pdf_from(response: httpx.Response, path: str) -> bytes:
    if "json" in response.headers.get("content-type", ""):
        data = _json(response, path)
        encoded = data.get("base64_signed_file") or data.get("file")
        if isinstance(encoded, list):
            encoded = encoded[0] if encoded else None
        if not isinstance(encoded, str):
            raise BsreError(f"bsre: {path} answered without a signed file")
        return _check_pdf(base64.b64decode(encoded), path)
    return _check_pdf(response.content, path)


def _check_pdf(data: bytes, path: str) -> bytes:
    if not data.startswith(b"%PDF-"):
        raise BsreError(f"bsre: {path} did not return a PDF")
    return data


def _error(path: str, response: httpx.Response) -> Exception:
    """The exception for an error answer; the passphrase is never part of a message."""
    message, code = f"HTTP {response.status_code}", None
    try:
        data = response.json()
    except ValueError:
        data = None
    if isinstance(data, dict):
        raw_code = data.get("status_code")
        code = raw_code if isinstance(raw_code, int) else None
        message = str(data.get("error") or data.get("message") or message)
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
