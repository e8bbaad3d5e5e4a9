"""``/health``, ``/version`` and the API documentation page (served from the package:
no CDN, no outside request)."""

from __future__ import annotations

from importlib import resources
from typing import Any

import anyio
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from naskah.serve.routes.umum import layanan
from naskah.version import __version__

router = APIRouter(tags=["layanan"])

_HEALTH_EXAMPLE = {
    "status": "ok", "basis_data": {"ok": True},
    "libreoffice": {"ok": True, "mode": "warm", "proses": 2, "antrian": 0, "sedang": 0,
                    "batas_antrian": 64, "dikonversi": 120, "kelompok": 14,
                    "galat_berturut": 0, "galat_terakhir": None},
    "worker": {"id": "host-1234-ab12", "berjalan": True}}


@router.get("/health", summary="LibreOffice pool and database status (503 when down)",
            responses={200: {"content": {"application/json": {"example": _HEALTH_EXAMPLE}}},
                       503: {"description": "LibreOffice or the database is down",
                             "content": {"application/json": {"example": {
                                 **_HEALTH_EXAMPLE, "status": "down"}}}}})
async def health(request: Request) -> JSONResponse:
    report: dict[str, Any] = await anyio.to_thread.run_sync(layanan(request).health)
    return JSONResponse(report, status_code=200 if report["status"] == "ok" else 503)


@router.get("/version", summary="The naskah version",
            responses={200: {"content": {"application/json": {"example": {
                "naskah": __version__}}}}})
def version() -> dict[str, str]:
    return {"naskah": __version__}


@router.get("/docs", include_in_schema=False)
def docs() -> HTMLResponse:
    page = resources.files("naskah.serve.static").joinpath("docs.html").read_text("utf-8")
    return HTMLResponse(page, headers={
        "Content-Security-Policy": "default-src 'self'; script-src 'self'; "
                                   "style-src 'self'; img-src 'self' data:"})


@router.get("/docs/{name}", include_in_schema=False)
def docs_asset(name: str) -> Response:
    from naskah.serve.masalah import Masalah

    kinds = {"docs.js": "text/javascript", "docs.css": "text/css"}
    if name not in kinds:
        raise Masalah(404, "tidak-ditemukan", "no such file")
    text = resources.files("naskah.serve.static").joinpath(name).read_text("utf-8")
    return Response(text, media_type=kinds[name], headers={"Cache-Control": "max-age=3600"})


__all__ = ["router"]
