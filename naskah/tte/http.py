"""Bounded HTTP for the signing services (BSrE, a timestamp authority): one total
deadline per request and a cap on the answer's size, and server text made safe to show.

httpx's timeouts apply to each network operation: a server that answers one byte a
second never trips a 60-second read timeout and holds the caller for hours. Here a
watchdog shuts the request's socket down when the total deadline passes, whatever the
request is doing then (connecting, sending, waiting, reading), and the body is read in
chunks up to ``max_bytes``.
"""

from __future__ import annotations

import contextlib
import re
import socket
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import httpx

from naskah.errors import AnswerTooLarge, DeadlineExceeded


@dataclass(frozen=True)
class Answer:
    """A complete HTTP answer, read within the deadline and the size cap."""

    status_code: int
    headers: httpx.Headers
    content: bytes

    def json(self) -> Any:
        """The body as JSON (``ValueError`` when it is not)."""
        import json

        return json.loads(self.content)


class _Watchdog:
    """Shuts every socket of one request down once its deadline has passed."""

    def __init__(self, seconds: float) -> None:
        self.fired = False
        self._streams: list[Any] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True

    def trace(self, event: str, info: dict[str, Any]) -> None:
        # httpcore reports each new connection (and its TLS upgrade) with the stream.
        if event in ("connection.connect_tcp.complete", "connection.start_tls.complete"):
            stream = info.get("return_value")
            if stream is not None:
                with self._lock:
                    self._streams.append(stream)
                    late = self.fired
                if late:
                    self._fire()

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            streams = list(self._streams)
        for stream in streams:
            sock = stream.get_extra_info("socket")
            if isinstance(sock, socket.socket):
                # shutdown, not close: it wakes a recv/send blocked in another thread.
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def __enter__(self) -> _Watchdog:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()


def post(client: httpx.Client, url: str, *, deadline: float, max_bytes: int,
         **kwargs: Any) -> Answer:
    """POST with a total ``deadline`` (seconds) and at most ``max_bytes`` of answer.

    Raises :class:`DeadlineExceeded`, :class:`AnswerTooLarge` or httpx's own errors
    (connection refused, protocol errors). The client should not keep connections
    alive (``httpx.Limits(max_keepalive_connections=0)``): the watchdog knows the
    sockets a request opens, not those it reuses.
    """
    end = time.monotonic() + deadline
    with _Watchdog(deadline) as dog:
        try:
            with client.stream("POST", url, timeout=httpx.Timeout(deadline),
                               extensions={"trace": dog.trace}, **kwargs) as response:
                body = bytearray()
                for chunk in response.iter_bytes():
                    body += chunk
                    if len(body) > max_bytes:
                        raise AnswerTooLarge(f"more than {max_bytes} bytes")
                    if time.monotonic() > end:
                        raise DeadlineExceeded
                return Answer(response.status_code, response.headers, bytes(body))
        except httpx.HTTPError:
            if dog.fired or time.monotonic() > end:
                raise DeadlineExceeded from None
            raise


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]+")


def safe_text(text: object, *, secrets: Iterable[str | bytes | None] = (),
              limit: int = 200) -> str:
    """Server text fit for an error message: every secret (e.g. the passphrase sent)
    blanked out, control and bidi characters replaced by a space, at most ``limit``
    characters. Never show a server's text without it: it could hide or forge lines
    on a terminal, or repeat what the user typed."""
    words = [s.decode("utf-8", "replace") if isinstance(s, bytes) else s
             for s in secrets if s]
    value = str(text)
    for word in words:
        value = value.replace(word, "***")
    value = " ".join(_CONTROL.sub(" ", value).split())
    for word in words:  # again: control characters could have split one
        value = value.replace(word, "***")
    return value if len(value) <= limit else value[:limit - 1] + "…"


__all__ = ["Answer", "AnswerTooLarge", "DeadlineExceeded", "post", "safe_text"]
