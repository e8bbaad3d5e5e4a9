"""What the route modules share: the service's parts, JSON bodies, file names, refusals."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import quote

from fastapi import Request

from naskah.errors import InputError
from naskah.serve.layanan import Layanan
from naskah.serve.masalah import Masalah


def layanan(request: Request) -> Layanan:
    parts: Layanan = request.app.state.layanan
    return parts


async def json_body(request: Request, what: str = "body") -> dict[str, Any]:
    """The request's JSON object, read with the library's own checks (duplicate keys,
    huge integers, BOM); 400 when it is not JSON, 415 when it is not sent as JSON."""

    kind = request.headers.get("content-type", "application/json").split(";")[0].strip()
    if kind not in ("application/json", "") and not kind.endswith("+json"):
        raise Masalah(415, "jenis-isi", f"send {what} as application/json, not {kind}")
    raw = await request.body()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Masalah(400, "json", f"{what}: not UTF-8 text", [("", "not UTF-8")]) from None
    return json_object(text, what)


def json_object(text: str, what: str) -> dict[str, Any]:
    from naskah.inputs import parse_json

    try:
        return parse_json(text, what)
    except InputError as exc:
        raise Masalah(400, "json", str(exc), exc.errors) from None


def no_server_files(data: Mapping[str, Any], where: str = "") -> None:
    """Refuse a document that names a file on the server (a kop logo or lambang): over
    HTTP a path would read whatever the service can read. 422 naming the field."""
    kop = data.get("kop")
    if isinstance(kop, Mapping):
        for name in ("logo", "lambang"):
            if kop.get(name) not in (None, ""):
                field = f"{where}kop.{name}"
                raise InputError(f"{field}: a file on the server cannot be named over HTTP",
                                 [(field, "a file on the server cannot be named over HTTP; "
                                   "leave it out")])


def content_disposition(stem: str, ext: str) -> str:
    """``attachment`` with an ASCII name and the UTF-8 one (RFC 6266)."""
    plain = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    plain = re.sub(r"[^A-Za-z0-9._-]+", "-", plain).strip("-.")[:120] or "naskah"
    return (f'attachment; filename="{plain}.{ext}"; '
            f"filename*=UTF-8''{quote(stem[:120] + '.' + ext, safe='')}")


def iso(value: Any) -> Any:
    """A date-time as RFC 3339 text with its offset (SQLite hands back naive UTC)."""
    if isinstance(value, datetime):
        return (value if value.tzinfo is not None else value.replace(tzinfo=UTC)).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def not_found(what: str) -> Masalah:
    return Masalah(404, "tidak-ditemukan", f"{what} not found")


__all__ = ["content_disposition", "iso", "json_body", "json_object", "layanan", "no_server_files",
           "not_found"]
