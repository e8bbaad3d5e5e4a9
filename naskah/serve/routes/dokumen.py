"""``/v1/jenis`` (the document types and their JSON Schema) and ``POST /v1/dokumen/{jenis}``
(model JSON in, DOCX or PDF out)."""

from __future__ import annotations

import json
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel

from naskah.errors import InputError
from naskah.models import JENIS_NAMES, jenis_class
from naskah.profil.loader import daftar_profil
from naskah.serve.akun import Pengguna, Peran
from naskah.serve.auth import perlu
from naskah.serve.masalah import responses
from naskah.serve.routes.umum import content_disposition, json_body, layanan, no_server_files

router = APIRouter(tags=["dokumen"])
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_EXAMPLE_FILE = {"undangan": "undangan.json", "nota-dinas": "nota-dinas.json",
                 "disposisi": "disposisi.json", "notulen": "notulen.json",
                 "laporan": "laporan.json"}


class Format(StrEnum):
    DOCX = "docx"
    PDF = "pdf"


Profil = StrEnum("Profil", {name.replace("-", "_").upper(): name  # type: ignore[misc]
                            for name in daftar_profil()})
Kertas = StrEnum("Kertas", {"A4": "A4", "F4": "F4"})


@cache
def example(jenis: str) -> dict[str, Any]:
    """The shipped example document of a type (``examples/data``, packaged as naskah.contoh)."""
    name = _EXAMPLE_FILE.get(jenis)
    if name is None:
        return {}
    text = resources.files("naskah.contoh").joinpath(name).read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def add_schemas(components: dict[str, Any]) -> None:
    """Into the OpenAPI components: every document model's JSON Schema, and the bodies
    routes read themselves (a trail step, JSON or multipart)."""
    from naskah.serve.routes.trail_masukan import LangkahBaru

    models: list[type[BaseModel]] = [*(jenis_class(j) for j in JENIS_NAMES), LangkahBaru]
    for cls in models:
        schema = cls.model_json_schema(ref_template="#/components/schemas/{model}")
        components.update(schema.pop("$defs", {}))
        components[cls.__name__] = schema


@router.get("/v1/jenis", summary="The document types",
            responses={200: {"content": {"application/json": {"example": [
                {"jenis": "nota-dinas", "judul": "NOTA DINAS", "model": "NotaDinas"}]}}},
                **responses(401)})
def daftar_jenis(_: Annotated[Pengguna, Depends(perlu(*Peran))]) -> list[dict[str, str]]:
    return [{"jenis": j, "judul": jenis_class(j).judul,
             "model": jenis_class(j).__name__} for j in JENIS_NAMES]


JenisEnum = StrEnum("JenisEnum", {j.replace("-", "_").upper(): j  # type: ignore[misc]
                                  for j in JENIS_NAMES})


@router.get("/v1/jenis/{jenis}/schema", summary="JSON Schema of one document type",
            responses={200: {"content": {"application/json": {"example": {
                "title": "NotaDinas", "type": "object", "additionalProperties": False,
                "required": ["kepada", "dari", "tanggal", "hal", "isi", "penandatangan"],
                "properties": {"hal": {"type": "string", "maxLength": 500}}}}}},
                **responses(401, 404, 422)})
def schema_jenis(jenis: Annotated[JenisEnum, Path(description="document type")],
                 _: Annotated[Pengguna, Depends(perlu(*Peran))]) -> dict[str, Any]:
    schema: dict[str, Any] = jenis_class(jenis.value).model_json_schema()
    return schema


def _route(jenis: str) -> None:
    cls = jenis_class(jenis)

    async def render(
        request: Request,
        who: Annotated[Pengguna, Depends(perlu(*Peran))],
        format: Annotated[Format, Query(description="docx or pdf")] = Format.DOCX,
        profil: Annotated[Profil | None, Query(description="a shipped format profile")] = None,
        kertas: Annotated[Kertas | None, Query(description="paper size for every page")] = None,
        pdfa: Annotated[bool | None, Query(description="PDF/A-2b (pdf only)")] = None,
    ) -> Response:
        parts = layanan(request)
        data = await json_body(request, jenis)
        no_server_files(data)
        renderer = parts.renderer(profil.value if profil else None,
                                  kertas.value if kertas else None, pdfa)
        model, docx = await anyio.to_thread.run_sync(_render, renderer, jenis, data)
        stem = f"{jenis}-{getattr(model, 'nomor', None) or model.hal_singkat}"
        headers = {"X-Naskah-Content-Hash": model.content_hash()}
        if format is Format.DOCX:
            headers["Content-Disposition"] = content_disposition(stem, "docx")
            return Response(docx, media_type=DOCX, headers=headers)
        from naskah.docx.properties import pdf_info

        pdf = await parts.pdf.convert(docx, pdf_info(model), pdfa=renderer.pdfa)
        headers["Content-Disposition"] = content_disposition(stem, "pdf")
        return Response(pdf, media_type="application/pdf", headers=headers)

    render.__name__ = f"dokumen_{jenis.replace('-', '_')}"
    router.add_api_route(
        f"/v1/dokumen/{jenis}", render, methods=["POST"],
        summary=f"Render a {jenis} (DOCX or PDF)",
        description=f"The body is a `{cls.__name__}` document (see its schema). The file "
                    "comes back with a `Content-Disposition` name from its nomor (or hal). "
                    "A kop logo or lambang cannot be named: it would be a file on the server.",
        response_class=Response,
        responses={200: {"description": "the document", "content": {
            DOCX: {"schema": {"type": "string", "format": "binary"}},
            "application/pdf": {"schema": {"type": "string", "format": "binary"}}}},
            **responses(400, 401, 403, 413, 415, 422, 503)},
        openapi_extra={"requestBody": {"required": True, "content": {"application/json": {
            "schema": {"$ref": f"#/components/schemas/{cls.__name__}"},
            "examples": {"contoh": {"summary": f"a {jenis}", "value": example(jenis)}}}}}},
    )


def _render(renderer: Any, jenis: str, data: dict[str, Any]) -> tuple[Any, bytes]:
    from naskah.inputs import load_naskah

    model = load_naskah(jenis, data)
    try:
        return model, renderer.render(model)
    except ValueError as exc:  # e.g. a kertas the profile cannot take
        raise InputError(str(exc), [("", str(exc))]) from None


for _jenis in JENIS_NAMES:
    _route(_jenis)

__all__ = ["DOCX", "add_schemas", "example", "router"]
