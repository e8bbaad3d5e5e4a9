"""A local RFC 3161 time-stamping authority for tests (127.0.0.1 only), for issue 16
item 6: PAdES B-T originals and timestamped ledger/paraf signatures.

It answers ``application/timestamp-query`` POSTs over real HTTP with an
``application/timestamp-reply`` signed by a TSA certificate (EKU timeStamping,
critical); pyHanko's own in-memory TSA (``DummyTimeStamper``) builds the token. The key
comes from a test PKI (:meth:`TsaStandin.of_pki`, its ``tsa.p12``) or a certificate
issued here (:func:`issue_tsa`).

``down=True`` makes it refuse every request (HTTP 503); ``mode`` makes it misbehave:
``"refuse"`` (a ``rejection`` status), ``"html"`` (200 with an HTML page), ``"garbage"``
(a reply that is not DER), ``"huge"`` (megabytes) and ``"trickle"`` (the reply one byte
a second). :func:`down_url` is a URL where nothing listens. ``requests`` holds each
query's body, ``content_types`` its Content-Type.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from asn1crypto import keys, tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.sign.timestamps import TimeStamper

from naskah.tte.pki import Sertifikat, new_key
from naskah.tte.tsa import load_local_timestamper


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


def _stamper_of(tsa: Sertifikat) -> TimeStamper:
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

    cert = asn1_x509.Certificate.load(tsa.cert.public_bytes(serialization.Encoding.DER))
    key = keys.PrivateKeyInfo.load(tsa.key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    return DummyTimeStamper(tsa_cert=cert, tsa_key=key)


@dataclass
class TsaStandin:
    """The TSA; use as a context manager, ``url`` is its endpoint."""

    tsa: Sertifikat | None = None
    down: bool = False
    mode: str = "normal"
    timestamper: TimeStamper | None = None
    requests: list[bytes] = field(default_factory=list)
    content_types: list[str] = field(default_factory=list)
    _server: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None
    _stopped: threading.Event = field(default_factory=threading.Event)

    @classmethod
    def of_pki(cls, folder: Path, passphrase: bytes) -> TsaStandin:
        """The TSA of a test PKI made by ``naskah pki init`` (its ``tsa.p12``)."""
        return cls(timestamper=load_local_timestamper(folder / "tsa.p12", passphrase))

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/tsa"

    def __enter__(self) -> TsaStandin:
        standin = self
        if self.timestamper is None:
            assert self.tsa is not None, "give the TSA's certificate or a timestamper"
            self.timestamper = _stamper_of(self.tsa)

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                standin.requests.append(body)
                standin.content_types.append(self.headers.get("Content-Type", ""))
                standin._answer(self, body)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._server is not None and self._thread is not None
        self._stopped.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def _answer(self, h: BaseHTTPRequestHandler, body: bytes) -> None:
        if self.down:
            return _send(h, 503, b"", "text/plain")
        if h.headers.get("Content-Type") != "application/timestamp-query":
            return _send(h, 415, b"not a timestamp query", "text/plain")
        request = tsp.TimeStampReq.load(body)
        if self.mode == "refuse":
            reply = tsp.TimeStampResp({"status": {"status": "rejection",
                                                  "status_string": ["tidak dilayani"]}})
            return _send(h, 200, reply.dump())
        if self.mode == "html":
            return _send(h, 200, b"<html>Login</html>", "text/html")
        if self.mode == "garbage":
            return _send(h, 200, b"\x30\x82\xff\xffbukan DER")
        if self.mode == "huge":
            return _send(h, 200, b"\x30" * (4 << 20))
        assert self.timestamper is not None
        data = asyncio.run(self.timestamper.async_request_tsa_response(request)).dump()
        if self.mode == "trickle":
            h.send_response(200)
            h.send_header("Content-Type", "application/timestamp-reply")
            h.send_header("Content-Length", str(len(data)))
            h.end_headers()
            for i in range(len(data)):  # one byte a second: each read is "on time"
                if self._stopped.wait(1.0):
                    return None
                h.wfile.write(data[i:i + 1])
                h.wfile.flush()
            return None
        return _send(h, 200, data)


def _send(h: BaseHTTPRequestHandler, status: int, body: bytes,
          kind: str = "application/timestamp-reply") -> None:
    h.send_response(status)
    h.send_header("Content-Type", kind)
    h.send_header("Content-Length", str(len(body)))
    h.end_headers()
    h.wfile.write(body)


def down_url() -> str:
    """A TSA URL on 127.0.0.1 where nothing listens (the port was just freed)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/tsa"


__all__ = ["TsaStandin", "down_url", "issue_tsa"]
