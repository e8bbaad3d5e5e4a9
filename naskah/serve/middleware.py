"""The service's outer layer (pure ASGI): request id, body caps, timeout, audit, problems.

One middleware, because the four share the request's life: the ``X-Request-ID`` it was
given (or a new one) is echoed on every answer and named in every problem and audit
row; a body over its route's cap is refused with 413 before the route reads it (by
``Content-Length``, or as it streams in); a request that runs past the timeout gets
503; each state-changing request (any method but GET/HEAD/OPTIONS) is written to the
audit table once it is answered, with who, what, when, the status and the request id.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from datetime import UTC, datetime
from typing import Any

import anyio
from sqlalchemy import Engine, insert

from naskah.serve import masalah
from naskah.serve.tabel import audit

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,100}")
_READS = frozenset({"GET", "HEAD", "OPTIONS"})
# POSTs that change nothing (a document rendered, a file verified): not audited, so the
# busiest routes do not pay a database write each.
_PURE = re.compile(r"^/v1/(dokumen/[^/]+|verifikasi)$")
log = logging.getLogger("naskah.serve")


def _too_large(cap: int) -> masalah.Masalah:
    # A Masalah: raised while a route reads its body, the app's own handler answers it.
    return masalah.Masalah(413, "terlalu-besar",
                           f"the request body is over this route's cap of {cap} bytes",
                           headers={"Connection": "close"})


class Lapisan:
    """Wraps the FastAPI app; ``cap(method, path)`` gives the body cap in bytes."""

    def __init__(self, app: ASGIApp, *, engine: Engine, cap: Callable[[str, str], int],
                 timeout_s: float) -> None:
        self.app, self.engine, self.cap, self.timeout_s = app, engine, cap, timeout_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1")
                   for k, v in scope.get("headers", [])}
        given = headers.get("x-request-id", "")
        request_id = given if _REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        method, path = scope["method"], scope["path"]
        started = {"status": 0}

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                started["status"] = message["status"]
                message["headers"] = [*message.get("headers", []),
                                      (b"x-request-id", request_id.encode())]
            await send(message)

        cap = self.cap(method, path)
        length = headers.get("content-length")
        t0 = time.monotonic()
        try:
            if length is not None and (not length.isdigit() or int(length) > cap):
                raise _too_large(cap)
            received = 0

            async def capped_receive() -> Message:
                nonlocal received
                message = await receive()
                if message["type"] == "http.request":
                    received += len(message.get("body", b""))
                    if received > cap:
                        raise _too_large(cap)
                return message

            with anyio.fail_after(self.timeout_s):
                await self.app(scope, capped_receive, send_with_id)
        except masalah.Masalah as exc:
            await self._problem(send_with_id, started, exc.status, exc.kode, exc.detail,
                                path, request_id)
        except TimeoutError:
            await self._problem(send_with_id, started, 503, "waktu-habis",
                                f"the request took over {self.timeout_s:g} s",
                                path, request_id)
        except Exception:  # the app's own handlers answer everything else; this is a bug
            log.exception("request %s failed", request_id)
            await self._problem(send_with_id, started, 500, "internal", "internal error",
                                path, request_id)
        finally:
            if method not in _READS and not _PURE.match(path):
                await self._audit(scope, state, method, path, started["status"], request_id,
                                  time.monotonic() - t0)

    async def _problem(self, send: Send, started: dict[str, int], status: int, kode: str,
                       detail: str, path: str, request_id: str) -> None:
        if started["status"]:
            return  # the answer had begun: the connection is closed by the server
        data = json.dumps(masalah.body(status, kode, detail, [], path, request_id)).encode()
        headers = [(b"content-type", masalah.MEDIA.encode()),
                   (b"content-length", str(len(data)).encode())]
        if status == 413:
            headers.append((b"connection", b"close"))
        if status == 503:
            headers.append((b"retry-after", b"5"))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": data})

    async def _audit(self, scope: Scope, state: dict[str, Any], method: str, path: str,
                     status: int, request_id: str, took: float) -> None:
        who = state.get("pengguna")
        client = scope.get("client")
        row = {
            "waktu": datetime.now(UTC), "pengguna": getattr(who, "nama", None),
            "peran": getattr(getattr(who, "peran", None), "value", None),
            "metode": method, "jalur": path[:500], "status": status or 499,
            "request_id": request_id, "alamat": client[0][:64] if client else None,
            "keterangan": json.dumps({"ms": round(took * 1000), **state.get("audit", {})},
                                     ensure_ascii=False)[:4000],
        }

        def write() -> None:
            with self.engine.begin() as conn:
                conn.execute(insert(audit).values(**row))

        try:
            await anyio.to_thread.run_sync(write)
        except Exception:  # the answer has gone; the log keeps what the table could not
            log.exception("audit row not written: %s", row)


def catat(request_state: Any, **fields: object) -> None:
    """Add what a route did (ids of what it made or changed) to its audit row."""
    current = getattr(request_state, "audit", None)
    if current is None:
        current = {}
        request_state.audit = current
    current.update(fields)


__all__ = ["Lapisan", "catat"]
