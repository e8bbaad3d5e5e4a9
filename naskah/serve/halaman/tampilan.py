"""Templates and what every HTML page carries: security headers, Indonesian dates."""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape

WIB = ZoneInfo("Asia/Jakarta")

HEADERS = {
    # No script, no outside resource, no framing; the token in the URL never leaves
    # in a Referer; nothing is cached (a page's status can change: DICABUT).
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self' data:; "
                               "script-src 'self'; form-action 'self'; base-uri 'none'; "
                               "frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
}


def waktu_wib(value: datetime | None) -> str:
    """``25 November 2026 pukul 09.00 WIB``."""
    if value is None:
        return "-"
    from naskah.formatting import tanggal

    local = value.astimezone(WIB) if value.tzinfo else value.replace(tzinfo=WIB)
    return f"{tanggal(local.date())} pukul {local.hour:02d}.{local.minute:02d} WIB"


def tanggal_id(value: date | str | None) -> str:
    """``25 November 2026`` (an ISO date string or a date)."""
    if not value:
        return "-"
    from naskah.formatting import tanggal

    return tanggal(date.fromisoformat(value) if isinstance(value, str) else value)


@cache
def env() -> Environment:
    """The templates shipped in ``naskah/serve/halaman/templates`` (autoescaped)."""
    environment = Environment(loader=PackageLoader("naskah.serve.halaman", "templates"),
                              autoescape=select_autoescape(default=True),
                              trim_blocks=True, lstrip_blocks=True)
    environment.filters["wib"] = waktu_wib
    environment.filters["tanggal"] = tanggal_id
    return environment


def halaman(name: str, status: int = 200, headers: dict[str, str] | None = None,
            **context: Any) -> HTMLResponse:
    """The page ``name`` rendered with ``context``, with :data:`HEADERS`."""
    body = env().get_template(name).render(**context)
    return HTMLResponse(body, status_code=status, headers={**HEADERS, **(headers or {})})


__all__ = ["HEADERS", "WIB", "env", "halaman", "tanggal_id", "waktu_wib"]
