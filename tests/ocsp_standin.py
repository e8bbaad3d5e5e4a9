"""A local OCSP responder for tests (127.0.0.1 only): RFC 6960 over real HTTP.

It answers POSTed (and GET, base64 in the path) OCSP requests for certificates of one
CA, signing each BasicOCSPResponse with that CA's own key (so no delegated responder
certificate is needed), echoing the request's nonce. ``revoke(serial, when)`` makes it
answer "revoked" for a serial from then on; ``requests`` counts what it was asked.

Also :func:`issue_with_ocsp`: a signing certificate like :func:`naskah.tte.pki.terbitkan`
makes, naming this responder in its Authority Information Access extension.
"""

from __future__ import annotations

import base64
import datetime as dt
import threading
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from asn1crypto import core, ocsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID, NameOID

from naskah.tte.identity import Identitas
from naskah.tte.pki import Sertifikat, new_key


@dataclass
class OcspStandin:
    """The responder; use as a context manager, ``url`` is where certificates point."""

    ca: Sertifikat
    revoked: dict[int, dt.datetime] = field(default_factory=dict)
    requests: list[int] = field(default_factory=list)
    """Serials asked about, in order."""
    _server: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/ocsp"

    def revoke(self, serial: int, when: dt.datetime) -> None:
        self.revoked[serial] = when

    def __enter__(self) -> OcspStandin:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                standin._answer(self, body)

            def do_GET(self) -> None:
                encoded = urllib.parse.unquote(self.path.split("/ocsp/", 1)[-1])
                standin._answer(self, base64.b64decode(encoded))

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._server is not None and self._thread is not None
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def _answer(self, h: BaseHTTPRequestHandler, body: bytes) -> None:
        request = ocsp.OCSPRequest.load(body)
        now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        answers = []
        for item in request["tbs_request"]["request_list"]:
            cert_id = item["req_cert"]
            serial = int(cert_id["serial_number"].native)
            self.requests.append(serial)
            when = self.revoked.get(serial)
            status = (ocsp.CertStatus(name="revoked", value=ocsp.RevokedInfo({
                "revocation_time": when, "revocation_reason": "key_compromise"}))
                if when is not None else ocsp.CertStatus(name="good", value=core.Null()))
            answers.append({"cert_id": cert_id, "cert_status": status,
                            "this_update": now - dt.timedelta(minutes=1),
                            "next_update": now + dt.timedelta(days=1)})
        extensions = [{"extn_id": "nonce", "critical": False, "extn_value": e["extn_value"]}
                      for e in request["tbs_request"]["request_extensions"] or []
                      if e["extn_id"].native == "nonce"]
        ca_cert = asn1_x509.Certificate.load(self.ca.cert.public_bytes(
            serialization.Encoding.DER))
        data = ocsp.ResponseData({
            "responder_id": ocsp.ResponderId(name="by_key", value=ca_cert.public_key.sha1),
            "produced_at": now, "responses": answers,
            **({"response_extensions": extensions} if extensions else {})})
        signature = self.ca.key.sign(data.dump(), padding.PKCS1v15(), hashes.SHA256())
        basic = ocsp.BasicOCSPResponse({
            "tbs_response_data": data, "signature_algorithm": {"algorithm": "sha256_rsa"},
            "signature": signature})
        answer = ocsp.OCSPResponse({"response_status": "successful", "response_bytes": {
            "response_type": "basic_ocsp_response", "response": basic}}).dump()
        h.send_response(200)
        h.send_header("Content-Type", "application/ocsp-response")
        h.send_header("Content-Length", str(len(answer)))
        h.end_headers()
        h.wfile.write(answer)


def issue_with_ocsp(ca: Sertifikat, orang: Identitas, ocsp_url: str) -> Sertifikat:
    """A signing certificate for ``orang`` (as the test PKI issues them) whose AIA names
    the OCSP responder at ``ocsp_url``."""
    now = dt.datetime.now(dt.UTC)
    key = new_key()
    attrs = [x509.NameAttribute(NameOID.COMMON_NAME, orang.nama)]
    if orang.nip:
        attrs.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, orang.nip))
    if orang.jabatan:
        attrs.append(x509.NameAttribute(NameOID.TITLE, orang.jabatan))
    attrs.append(x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"))
    ca_ski = ca.cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name(attrs)).issuer_name(ca.cert.subject)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=730))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=True, key_encipherment=False,
            data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
            encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]),
                       critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                       critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski),
                       critical=False)
        .add_extension(x509.AuthorityInformationAccess([x509.AccessDescription(
            AuthorityInformationAccessOID.OCSP, x509.UniformResourceIdentifier(ocsp_url))]),
            critical=False)
        .sign(ca.key, hashes.SHA256())
    )
    return Sertifikat(key, cert)


__all__ = ["OcspStandin", "issue_with_ocsp"]
