"""A local stand-in for the BSrE signing API, for tests (127.0.0.1 only).

Speaks the same HTTP API as :mod:`naskah.tte.bsre` documents (v1 multipart
``/api/sign/pdf``, v2 JSON ``/api/v2/sign/pdf`` and ``/api/v2/verify/pdf``, Basic auth,
``{"error", "status_code"}`` answers) over a real socket, and signs with pyHanko using
per-NIK keys from the test PKI. ``fail_next`` makes the next N requests answer 503.

``mode`` makes it misbehave as a broken or hostile server would (issue 16, item 12):

* ``"another-pdf"``: answers a PDF signed by the right account, of *another* document
  (``other_pdf``), not the bytes it was sent;
* ``"unsigned"``: answers the bytes it was sent, unsigned (they start with ``%PDF``);
* ``"not-a-pdf"``: answers ``%PDF-1.7`` followed by garbage;
* ``"wrong-signer"``: signs the bytes it was sent with the key of the account
  ``sign_as`` instead of the one asked for;
* ``"trickle"``: answers 200 with the signed PDF, one byte a second (``stop()`` ends it);
* ``"echo"``: refuses with an error text that repeats the passphrase it was sent,
  terminal control characters, a forged second line and 5,000 more characters.
"""

from __future__ import annotations

import base64
import datetime as dt
import email.parser
import email.policy
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from pyhanko.sign import signers

from naskah.tte.identity import Identitas
from naskah.tte.pades import PdfSignOptions, sign_pdf_bytes
from naskah.tte.trust import TrustStore
from naskah.tte.verify import verify_pdf


@dataclass
class StandinUser:
    """A BSrE account: passphrase, key (pyHanko signer) and who it is."""

    passphrase: str
    signer: signers.SimpleSigner
    identitas: Identitas


@dataclass
class BsreStandin:
    """The server; use as a context manager, ``url`` is its base URL."""

    users: dict[str, StandinUser]
    trust: TrustStore
    username: str = "aplikasi"
    password: str = "rahasia-aplikasi"
    fail_next: int = 0
    mode: str = "normal"
    other_pdf: bytes | None = None
    """For ``mode="another-pdf"``: the unrelated document answered (signed)."""
    sign_as: str | None = None
    """For ``mode="wrong-signer"``: the NIK whose key signs instead."""
    requests: list[dict[str, Any]] = field(default_factory=list)
    _server: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None
    _stopped: threading.Event = field(default_factory=threading.Event)

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> BsreStandin:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # quiet
                pass

            def do_POST(self) -> None:
                standin._handle(self)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """End whatever answer is being trickled."""
        self._stopped.set()

    def __exit__(self, *exc: object) -> None:
        assert self._server is not None and self._thread is not None
        self.stop()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    # -- request handling ------------------------------------------------------------

    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        length = int(h.headers.get("Content-Length", "0"))
        body = h.rfile.read(length)
        self.requests.append({"path": h.path, "content_type": h.headers.get("Content-Type")})
        if self.fail_next > 0:
            self.fail_next -= 1
            return _send_json(h, 503, {"error": "Service Unavailable", "status_code": 503})
        expected = base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
        if h.headers.get("Authorization") != f"Basic {expected}":
            return _send_json(h, 401, {"error": "Unauthorized", "status_code": 401})
        try:
            if h.path == "/api/sign/pdf":
                return self._sign_v1(h, body)
            if h.path == "/api/v2/sign/pdf":
                return self._sign_v2(h, json.loads(body))
            if h.path == "/api/v2/verify/pdf":
                return self._verify_v2(h, json.loads(body))
        except (ValueError, KeyError) as exc:
            return _send_json(h, 400, {"error": f"Periksa kembali data anda: {exc}",
                                       "status_code": 400})
        _send_json(h, 404, {"error": "Not Found", "status_code": 404})

    def _user(self, h: BaseHTTPRequestHandler, nik: str, passphrase: str | None,
              totp: str | None = None) -> StandinUser | None:
        if self.mode == "echo":
            echoed = (f"Passphrase anda salah: '{passphrase or totp}'\x1b[2J\x1b[31m\r\n"
                      "naskah: signed OK by BSrE\x07\x00" + "A" * 5000)
            _send_json(h, 400, {"error": echoed, "status_code": 2031})
            return None
        user = self.users.get(nik)
        if user is None:
            _send_json(h, 400, {"error": "User tidak terdaftar", "status_code": 2011})
            return None
        if (passphrase or totp) != user.passphrase:
            _send_json(h, 400, {"error": "Passphrase anda salah", "status_code": 2031})
            return None
        cert = user.signer.signing_cert
        assert cert is not None
        end = cert["tbs_certificate"]["validity"]["not_after"].native
        if end < dt.datetime.now(dt.UTC):
            _send_json(h, 400, {"error": "Sertifikat pengguna sudah kadaluarsa",
                                "status_code": 2051})
            return None
        return user

    def _sign(self, user: StandinUser, pdf: bytes, *, visible: bool, link_qr: str | None,
              tag: str | None, page: int | None, box: tuple[int, int, int, int] | None,
              reason: str | None) -> bytes:
        options = PdfSignOptions(
            doc_id=link_qr.rsplit("/", 1)[-1] if link_qr else "bsre", visible=visible,
            tag=tag, page=page - 1 if page else None, box=box, reason=reason,
            qr_url=link_qr or "https://bsre.example.go.id/verifikasi", field_name="BSrE")
        if self.mode == "another-pdf":
            assert self.other_pdf is not None
            return sign_pdf_bytes(self.other_pdf, user.signer, user.identitas, options)
        if self.mode == "unsigned":
            return pdf
        if self.mode == "not-a-pdf":
            return b"%PDF-1.7\n%% ini bukan dokumen bertanda tangan\n" + bytes(range(256))
        if self.mode == "wrong-signer":
            assert self.sign_as is not None
            other = self.users[self.sign_as]
            return sign_pdf_bytes(pdf, other.signer, other.identitas, options)
        return sign_pdf_bytes(pdf, user.signer, user.identitas, options)

    def _send_pdf(self, h: BaseHTTPRequestHandler, signed: bytes) -> None:
        if self.mode == "trickle":
            return self._send_body(h, signed, "application/pdf")
        h.send_response(200)
        h.send_header("Content-Type", "application/pdf")
        h.send_header("id_dokumen", "standin-1")
        h.send_header("Content-Length", str(len(signed)))
        h.end_headers()
        h.wfile.write(signed)

    def _sign_v1(self, h: BaseHTTPRequestHandler, body: bytes) -> None:
        head = f"Content-Type: {h.headers['Content-Type']}\r\n\r\n".encode()
        msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
        form: dict[str, str] = {}
        files: dict[str, bytes] = {}
        for part in msg.iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True)
            if part.get_filename():
                files[str(name)] = payload
            else:
                form[str(name)] = payload.decode("utf-8")
        user = self._user(h, form["nik"], form.get("passphrase"))
        if user is None:
            return
        box = None
        if "xAxis" in form:
            x, y = int(float(form["xAxis"])), int(float(form["yAxis"]))
            box = (x, y, x + int(float(form["width"])), y + int(float(form["height"])))
        signed = self._sign(user, files["file"], visible=form["tampilan"] == "visible",
                            link_qr=form.get("linkQR"), tag=form.get("tag_koordinat"),
                            page=int(form["page"]) if "page" in form else None, box=box,
                            reason=form.get("reason"))
        self._send_pdf(h, signed)

    def _sign_v2(self, h: BaseHTTPRequestHandler, data: dict[str, Any]) -> None:
        user = self._user(h, data["nik"], data.get("passphrase"), data.get("totp"))
        if user is None:
            return
        prop = data["signatureProperties"][0]
        box = None
        if "originX" in prop:
            x, y = int(prop["originX"]), int(prop["originY"])
            box = (x, y, x + int(prop["width"]), y + int(prop["height"]))
        out = []
        for encoded in data["file"]:
            out.append(base64.b64encode(self._sign(
                user, base64.b64decode(encoded), visible=prop["tampilan"] == "VISIBLE",
                link_qr=None, tag=prop.get("tag"), page=prop.get("page"), box=box,
                reason=prop.get("reason"))).decode())
        if self.mode == "trickle":
            body = json.dumps({"file": out, "time": 1}).encode("utf-8")
            return self._send_body(h, body, "application/json")
        _send_json(h, 200, {"file": out, "time": 1})

    def _send_body(self, h: BaseHTTPRequestHandler, body: bytes, ctype: str) -> None:
        h.send_response(200)
        h.send_header("Content-Type", ctype)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        for i in range(len(body)):  # one byte a second: each read is "on time"
            if self._stopped.wait(1.0):
                return
            h.wfile.write(body[i:i + 1])
            h.wfile.flush()

    def _verify_v2(self, h: BaseHTTPRequestHandler, data: dict[str, Any]) -> None:
        result = verify_pdf(base64.b64decode(data["file"]), self.trust)
        infos = [{"signerName": s.identitas.nama if s.identitas else None,
                  "signatureDate": s.signing_time.isoformat() if s.signing_time else None,
                  "integrityValid": s.intact and s.valid, "certificateTrusted": s.trusted,
                  "fieldName": s.field_name} for s in result.signatures]
        conclusion = ("NO_SIGNATURE" if not infos else "VALID" if result.ok else "INVALID")
        _send_json(h, 200, {"conclusion": conclusion, "signatureInformations": infos,
                            "signatureCount": len(infos)})


def _send_json(h: BaseHTTPRequestHandler, status: int, data: dict[str, Any]) -> None:
    body = json.dumps(data).encode("utf-8")
    h.send_response(status)
    h.send_header("Content-Type", "application/json")
    h.send_header("Content-Length", str(len(body)))
    h.end_headers()
    h.wfile.write(body)
