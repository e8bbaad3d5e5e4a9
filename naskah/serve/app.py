"""The app factory: ``create_app()`` (settings from the environment) or
``create_app(settings)``; ``uvicorn naskah.serve:create_app --factory`` runs it."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from naskah.errors import NaskahError
from naskah.serve import masalah
from naskah.serve.layanan import Layanan
from naskah.serve.middleware import Lapisan
from naskah.serve.settings import Settings
from naskah.version import __version__

log = logging.getLogger("naskah.serve")

DESCRIPTION = """\
Naskah dinas over HTTP: render documents (DOCX, PDF), batch mail merge as jobs, the
numbers register (with `Idempotency-Key`), the agenda of incoming letters and its
disposisi, SOP trails signed by each official with their own secret, and signature
verification.

Every route but `/health`, `/version` and the documentation needs
`Authorization: Bearer TOKEN` (`naskah pengguna tambah`). Errors are RFC 9457
`application/problem+json` with the field paths of the input that was refused.
"""


def create_app(settings: Settings | None = None, *, layanan: Layanan | None = None) -> FastAPI:
    """The ASGI app of one service instance (settings from the environment by default)."""
    from naskah.serve.halaman import (
        konsol,
        konsol_agenda,
        konsol_cabut,
        konsol_disposisi,
        konsol_konsep,
        konsol_naskah,
        konsol_nomor,
        konsol_trail,
        publik,
    )
    from naskah.serve.routes import (
        agenda,
        batch,
        dokumen,
        kunci,
        meta,
        nomor,
        pencabutan,
        trail,
        verifikasi,
    )

    routers = (meta.router, dokumen.router, nomor.router, agenda.router, batch.router,
               trail.router, kunci.router, verifikasi.router, pencabutan.router, publik.router,
               konsol.router, konsol_nomor.router, konsol_trail.router, konsol_naskah.router,
               konsol_agenda.router, konsol_disposisi.router, konsol_konsep.router,
               konsol_cabut.router)

    settings = settings or (layanan.settings if layanan else Settings.from_env())
    parts = layanan or Layanan(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        parts.start()
        try:
            yield
        finally:
            parts.stop()

    app = FastAPI(title="naskah", version=__version__, description=DESCRIPTION,
                  lifespan=lifespan, docs_url=None, redoc_url=None,
                  openapi_url="/openapi.json")
    app.state.layanan = parts
    for router in routers:
        app.include_router(router)
    _handlers(app)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    from naskah.serve.routes.batas import cap_for

    # Outermost: request id, caps, timeout and audit see every request and answer.
    app.add_middleware(Lapisan, engine=parts.engine,
                       cap=lambda method, path: cap_for(settings.batas, method, path),
                       timeout_s=settings.timeout_s)
    return app


def _problem_response(request: Request, problem: masalah.Masalah) -> JSONResponse:
    request_id = getattr(request.state, "request_id", "")
    data = masalah.body(problem.status, problem.kode, problem.detail, problem.errors,
                        request.url.path, request_id)
    return JSONResponse(data, status_code=problem.status, headers=problem.headers,
                        media_type=masalah.MEDIA)


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        found = exc.errors()
        if any(e.get("type") == "json_invalid" for e in found):
            return _problem_response(request, masalah.Masalah(
                400, "json", "the body is not valid JSON", [("", "not valid JSON")]))
        # loc is ("body" | "query" | "path" | "header", field, ...): the field path after it.
        errors = [(".".join(str(p) for p in e.get("loc", ())[1:]) or str(e.get("loc", [""])[0]),
                   str(e.get("msg", "invalid"))) for e in found]
        detail = "; ".join(f"{f}: {m}" for f, m in errors) or "invalid request"
        return _problem_response(request, masalah.Masalah(422, "input", detail, errors))

    @app.exception_handler(StarletteHTTPException)
    async def http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if isinstance(exc.__cause__, masalah.Masalah):  # e.g. 413 while FastAPI read the body
            return _problem_response(request, exc.__cause__)
        kode = {404: "tidak-ditemukan", 405: "metode"}.get(exc.status_code, "http")
        return _problem_response(request, masalah.Masalah(exc.status_code, kode,
                                                          str(exc.detail)))

    async def known(request: Request, exc: Exception) -> JSONResponse:
        return _problem_response(request, masalah.dari(exc))

    # Handled inside the app (ExceptionMiddleware): the library's errors and our own.
    app.add_exception_handler(NaskahError, known)
    app.add_exception_handler(masalah.Masalah, known)

    @app.exception_handler(Exception)
    async def other(request: Request, exc: Exception) -> JSONResponse:
        problem = masalah.dari(exc)
        if problem.status == 500:
            log.error("request %s failed", getattr(request.state, "request_id", "?"),
                      exc_info=exc)
        return _problem_response(request, problem)


def _openapi(app: FastAPI) -> dict[str, Any]:
    """FastAPI's description, with every error answer documented as problem+json."""
    if app.openapi_schema:
        return app.openapi_schema
    from fastapi.openapi.utils import get_openapi

    from naskah.serve.routes.dokumen import add_schemas

    schema = get_openapi(title=app.title, version=app.version, description=app.description,
                         routes=app.routes)
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["Problem"] = masalah.Problem.model_json_schema(
        ref_template="#/components/schemas/{model}")
    components.update({k: v for k, v in components["Problem"].pop("$defs", {}).items()})
    for name in ("HTTPValidationError", "ValidationError"):
        components.pop(name, None)
    add_schemas(components)
    problem = {masalah.MEDIA: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for path in schema.get("paths", {}).values():
        for op in path.values():
            responses = op.setdefault("responses", {})
            for status in list(responses):
                if status[0] in "45":
                    responses[status] = {"description": responses[status].get(
                        "description", masalah.TITLES.get(int(status), "Error")),
                        "content": problem}
            # What every route may answer, whatever it does.
            for status in ("413", "503"):
                responses.setdefault(status, {"description": masalah.TITLES[int(status)],
                                              "content": problem})
            if op.get("security"):
                responses.setdefault("401", {"description": "Unauthorized",
                                             "content": problem})
    app.openapi_schema = schema
    return schema


__all__ = ["create_app"]
