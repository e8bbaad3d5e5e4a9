"""Which body cap each route has (see :class:`naskah.serve.settings.Batas`)."""

from __future__ import annotations

import re

from naskah.serve.settings import Batas

_HALAMAN_UNGGAH = re.compile(r"^/v/[^/]+/cocokkan$|^/konsol/trail/[^/]+/langkah/[^/]+$"
                             r"|^/konsol/agenda$")
_UPLOADS = re.compile(r"^/v1/(agenda|verifikasi|kunci|trail/[^/]+/langkah/[^/]+)$")


def cap_for(batas: Batas, method: str, path: str) -> int:
    """The largest body a request to ``path`` may send, in bytes."""
    if method in ("GET", "HEAD", "OPTIONS", "DELETE"):
        return batas.lain
    if path.startswith(("/v1/dokumen/", "/konsol/naskah/")) or path == "/v1/trail":
        return batas.json
    if path == "/v1/batch":
        return batas.batch
    if _UPLOADS.match(path) or _HALAMAN_UNGGAH.match(path):
        return batas.unggah
    return batas.lain


__all__ = ["cap_for"]
