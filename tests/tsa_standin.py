"""A local RFC 3161 time-stamping authority for tests (127.0.0.1 only), for issue 16
item 6: PAdES B-T originals and timestamped ledger/paraf signatures.

It answers ``application/timestamp-query`` POSTs over real HTTP with a
``application/timestamp-reply`` signed by a TSA certificate (EKU timeStamping,
critical) issued by the given CA; pyHanko's own dummy stamper builds the token.
``down=True`` makes it refuse every request (HTTP 503), as an unreachable TSA would
fail a step; ``requests`` counts the queries.

Not used by a test yet (how a trail is given its TSA is the fix's to decide); checked
against pyHanko's HTTP client in ``tests/test_attack_pdf.py``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from asn1crypto import keys, tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from naskah.tte.pki import Sertifikat, new_key


def issue_tsa(ca: Sertifikat, nama: str = "naskah UJI TSA") -> Sertifikat:
    """A time-stamping certificate issued by ``ca``."""
    now = dt.datetime.now(dt.UTC)
    key = new_key()
    ca_ski = ca.cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, nama),
                                 x509.NameAttribute(NameOID.COUNTRY_NAME, "ID")]))
        .issuer_name(ca.cert.subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=True, key_encipherment=False,
            data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
            encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]),
                       critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                       critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski),
                       critical=False)
        .sign(ca.key, hashes.SHA256())
    )
    return Sertifikat(key, cert)


@dataclass
class TsaStandin:
    """The TSA; use as a context manager, ``url`` is its endpoint."""

    tsa: Sertifikat
    down: bool = False
    requests: list[bytes] = field(default_factory=list)
    _server: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/tsa"

    def _stamper(self) -> Any:
        from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

        cert = asn1_x509.Certificate.load(self.tsa.cert.public_bytes(serialization.Encoding.DER))
        key = keys.PrivateKeyInfo.load(self.tsa.key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption()))
        return DummyTimeStamper(tsa_cert=cert, tsa_key=key)

    def __enter__(self) -> TsaStandin:
        standin = self
        stamper = self._stamper()

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                standin.requests.append(body)
                if standin.down:
                    self.send_response(503)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                reply = asyncio.run(stamper.async_request_tsa_response(
                    tsp.TimeStampReq.load(body))).dump()
                self.send_response(200)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._server is not None and self._thread is not None
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


__all__ = ["TsaStandin", "issue_tsa"]
