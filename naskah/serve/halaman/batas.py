"""A per-client rate limit for the public pages (a fixed one-minute window per address).

In memory, per process: it slows down someone walking tokens from one address; it is
not a substitute for a limit at the reverse proxy when many instances run.
"""

from __future__ import annotations

import threading
import time

_MAX_CLIENTS = 50_000
"""Addresses remembered at most; older windows are dropped first."""


class Pembatas:
    """At most ``per_menit`` requests per client address per minute."""

    def __init__(self, per_menit: int, window_s: float = 60.0) -> None:
        self.per_menit, self.window_s = per_menit, window_s
        self._seen: dict[str, tuple[float, int]] = {}
        self._lock = threading.Lock()

    def izinkan(self, alamat: str) -> float:
        """0 when ``alamat`` may go on, else the seconds until it may."""
        now = time.monotonic()
        with self._lock:
            start, count = self._seen.get(alamat, (now, 0))
            if now - start >= self.window_s:
                start, count = now, 0
            if count >= self.per_menit:
                return max(start + self.window_s - now, 0.001)
            self._seen[alamat] = (start, count + 1)
            if len(self._seen) > _MAX_CLIENTS:
                self._forget(now)
            return 0.0

    def _forget(self, now: float) -> None:
        for key in [k for k, (s, _) in self._seen.items() if now - s >= self.window_s]:
            del self._seen[key]
        while len(self._seen) > _MAX_CLIENTS:  # all recent: drop the oldest windows
            del self._seen[min(self._seen, key=lambda k: self._seen[k][0])]


__all__ = ["Pembatas"]
