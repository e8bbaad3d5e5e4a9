"""RFC 9457 problem details: every error the service answers is ``application/problem+json``.

Library errors map to statuses by kind (:func:`status_of`): bad input 422 with the field
paths the library reports (``InputError.errors``), a refused trail step 409, LibreOffice
or the database unavailable 503. Nothing else reaches a client: a foreign exception is
a 500 naming only the request id (the traceback goes to the server's log), never a
driver message.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, Field

from naskah.errors import (
    BsreError,
    InputError,
    NaskahError,
    PdfError,
    RegisterConflictError,
    RegisterError,
    SigningError,
    TamperError,
    TrailError,
    UnsupportedOperation,
)

MEDIA = "application/problem+json"
log = logging.getLogger("naskah.serve")


class Masalah(Exception):
    """A response the service gives on purpose: status, short code, message, fields."""

    def __init__(self, status: int, kode: str, detail: str,
                 errors: Sequence[tuple[str, str]] = (), *,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status, self.kode, self.detail = status, kode, detail
        self.errors = list(errors)
        self.headers = headers or {}


class FieldError(BaseModel):
    """One field's problem: its dotted path as the library reports it, and a JSON pointer."""

    field: str = Field(examples=["penandatangan.pejabat.nip"])
    pointer: str = Field(examples=["#/penandatangan/pejabat/nip"])
    message: str = Field(examples=["digit 15 is the gender code and must be 1 or 2"])


class Problem(BaseModel):
    """An RFC 9457 problem details object."""

    type: str = Field(examples=["urn:naskah:masalah:input"])
    title: str = Field(examples=["Unprocessable Content"])
    status: int = Field(examples=[422])
    detail: str = Field(examples=["penandatangan.pejabat.nip: digit 15 is the gender code "
                                  "and must be 1 or 2"])
    instance: str = Field(examples=["/v1/dokumen/nota-dinas"])
    request_id: str = Field(examples=["3f1c2a9e0b7d4e21a5c6d7e8f9a0b1c2"])
    errors: list[FieldError] = Field(default_factory=list)


TITLES = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
          405: "Method Not Allowed", 409: "Conflict", 413: "Content Too Large",
          415: "Unsupported Media Type", 422: "Unprocessable Content",
          500: "Internal Server Error", 503: "Service Unavailable"}


def pointer(path: str) -> str:
    """``a.b[0]`` (or ``a.b.0``) as the JSON pointer ``#/a/b/0``."""
    if not path:
        return "#"
    path = re.sub(r"\[(\d+)\]", r".\1", path)  # the library writes list items as isi[0]
    return "#/" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in path.split("."))


def body(status: int, kode: str, detail: str, errors: Sequence[tuple[str, str]],
         instance: str, request_id: str) -> dict[str, Any]:
    """The problem object as a dict (what is sent)."""
    return {
        "type": f"urn:naskah:masalah:{kode}",
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail[:2000],
        "instance": instance,
        "request_id": request_id,
        "errors": [{"field": f, "pointer": pointer(f), "message": m[:500]} for f, m in errors],
    }


def dari(exc: BaseException) -> Masalah:
    """The problem an exception is answered with."""
    if isinstance(exc, Masalah):
        return exc
    if isinstance(exc, RegisterConflictError):  # also an InputError: the state, not the input
        return Masalah(409, "konflik", str(exc), exc.errors)
    if isinstance(exc, InputError):
        return Masalah(422, "input", str(exc), exc.errors)
    if isinstance(exc, TamperError):
        return Masalah(409, "trail-rusak", str(exc))
    if isinstance(exc, TrailError):
        return Masalah(409, "langkah-ditolak", str(exc))
    if isinstance(exc, PdfError):
        return Masalah(503, "pdf-tidak-tersedia", f"PDF conversion failed: {exc}",
                       headers={"Retry-After": "5"})
    if isinstance(exc, RegisterError) or _database(exc):
        return Masalah(503, "basis-data", "the database is unavailable; try again later",
                       headers={"Retry-After": "5"})
    if isinstance(exc, (SigningError, BsreError, UnsupportedOperation)):
        return Masalah(503, "tanda-tangan", f"signing failed: {exc}")
    if isinstance(exc, NaskahError):
        return Masalah(422, "ditolak", str(exc))
    return Masalah(500, "internal", "internal error; the request id names it in the "
                   "server's log")


def _database(exc: BaseException) -> bool:
    # By module, so a driver's message (host names, SQL) is never shown.
    return type(exc).__module__.startswith(("sqlalchemy", "psycopg", "sqlite3"))


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries for the problems a route may answer."""
    return {s: {"model": Problem, "description": TITLES.get(s, "Error"),
                "content": {MEDIA: {"schema": {"$ref": "#/components/schemas/Problem"}}}}
            for s in statuses}


__all__ = ["MEDIA", "FieldError", "Masalah", "Problem", "body", "dari", "pointer", "responses"]
