"""A local RFC 3161 timestamp authority for tests (127.0.0.1 only), over real HTTP.

It answers ``POST`` requests of type ``application/timestamp-query`` with an
``application/timestamp-reply``, signing each token with a test PKI's TSA key through
pyHanko's in-memory TSA (:class:`pyhanko.sign.timestamps.DummyTimeStamper`).
``mode`` makes it misbehave: ``"refuse"`` (a ``rejection`` status), ``"html"`` (200 with
an HTML page), ``"garbage"`` (a reply that is not DER), ``"trickle"`` (the reply one
byte a second) and ``"huge"`` (a reply of several megabytes). :func:`down_url` is the
URL of a port nothing listens on.
"""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from asn1crypto import tsp
from pyhanko.sign.timestamps import TimeStamper

from naskah.tte.tsa import load_local_timestamper


@dataclass
class TsaStandin:
    """The stand-in; use as a context manager, ``url`` is where signers point."""

    timestamper: TimeStamper
    mode: str = "normal"
    requests: list[str] = field(default_factory=list)
    """The Content-Type of each request, in order."""
    _server: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None
    _stopped: threading.Event = field(default_factory=threading.Event)

    @classmethod
    def of_pki(cls, folder: Path, passphrase: bytes) -> TsaStandin:
        """The TSA of a test PKI made by ``naskah pki init`` (its ``tsa.p12``)."""
        return cls(load_local_timestamper(folder / "tsa.p12", passphrase))

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/tsa"

    def __enter__(self) -> TsaStandin:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                standin.requests.append(self.headers.get("Content-Type", ""))
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
        data = self.timestamper.request_tsa_response(request).dump()  # type: ignore[attr-defined]
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


__all__ = ["TsaStandin", "down_url"]
