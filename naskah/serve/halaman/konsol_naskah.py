"""Console: "Buat naskah": a form per document type, generated from the model's JSON
Schema (:mod:`.formulir`); checked by the library's own validation (its messages, e.g.
a NIP's, shown beside the field); a PDF preview; the konsep as DOCX, or its JSON.
"""

from __future__ import annotations

import json
import re
from typing import Any

import anyio
from fastapi import APIRouter, Request
from fastapi.responses import Response

from naskah.errors import InputError
from naskah.models import JENIS_NAMES, jenis_class
from naskah.serve.halaman import formulir
from naskah.serve.halaman.konsol import ditolak_csrf, form_sah, ke_masuk, konsol, sesi_dari
from naskah.serve.halaman.sesi import Sesi
from naskah.serve.routes.umum import content_disposition

router = APIRouter(include_in_schema=False)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_INDEX = re.compile(r"\[(\d+)\]")


def _schema(jenis: str) -> dict[str, Any]:
    schema: dict[str, Any] = jenis_class(jenis).model_json_schema()
    return schema


def _boleh(s: Sesi | None) -> bool:
    return s is not None and s.pengguna.peran.value in ("operator", "admin")


@router.get("/konsol/naskah")
async def pilih(request: Request) -> Response:
    s = await sesi_dari(request)
    if not _boleh(s):
        return ke_masuk()
    assert s is not None
    return konsol("naskah_pilih.html", s,
                  jenis=[(j, jenis_class(j).judul.title()) for j in JENIS_NAMES])


def _form(s: Sesi, jenis: str, values: dict[str, Any], status: int = 200,
          galat: dict[str, str] | None = None, rows: dict[str, int] | None = None,
          **context: Any) -> Response:
    fields = formulir.isian(_schema(jenis), values, galat or {}, rows or {})
    return konsol("naskah_form.html", s, status, jenis=jenis,
                  judul_jenis=jenis_class(jenis).judul.title(), isian=fields, **context)


@router.get("/konsol/naskah/{jenis}")
async def baru(request: Request, jenis: str, contoh: bool = False) -> Response:
    s = await sesi_dari(request)
    if not _boleh(s):
        return ke_masuk()
    assert s is not None
    if jenis not in JENIS_NAMES:
        return konsol("pesan.html", s, 404, judul="Jenis tidak dikenal",
                      pesan=f"Tidak ada jenis naskah {jenis!r}.")
    values: dict[str, Any] = {}
    if contoh:
        from naskah.serve.routes.dokumen import example

        values = formulir.rata(example(jenis))
    return _form(s, jenis, values)


def _shift(answers: dict[str, str], rows: dict[str, int], target: str) -> None:
    """Remove row ``target`` (``list.i``) and move the later rows up."""
    path, _, index = target.rpartition(".")
    if not index.isdigit():
        return
    i = int(index)
    moved: dict[str, str] = {}
    for key, value in answers.items():
        if key.startswith(f"{path}."):
            head, _, rest = key[len(path) + 1:].partition(".")
            if head.isdigit():
                n = int(head)
                if n == i:
                    continue
                key = f"{path}.{n - 1 if n > i else n}" + (f".{rest}" if rest else "")
        moved[key] = value
    answers.clear()
    answers.update(moved)
    rows[path] = max(rows.get(path, 1) - 1, 0)


@router.post("/konsol/naskah/{jenis}")
async def kirim(request: Request, jenis: str) -> Response:
    s = await sesi_dari(request)
    if not _boleh(s) or jenis not in JENIS_NAMES:
        return ke_masuk()
    assert s is not None
    form = await form_sah(request, s)
    if form is None:
        return ditolak_csrf()
    answers = {k[2:]: str(v) for k, v in form.multi_items() if k.startswith("f.")
               and isinstance(v, str)}
    rows = {k[2:]: int(str(v)) for k, v in form.multi_items() if k.startswith("n.")
            and str(v).isdigit()}
    aksi = str(form.get("aksi") or "periksa")
    if aksi.startswith("tambah:"):
        path = aksi.split(":", 1)[1]
        rows[path] = min(rows.get(path, 1) + 1, formulir.MAKS_BARIS)
        return _form(s, jenis, answers, rows=rows, fokus=f"{path}.{rows[path] - 1}")
    if aksi.startswith("hapus:"):
        _shift(answers, rows, aksi.split(":", 1)[1])
        return _form(s, jenis, answers, rows=rows)
    data = formulir.dokumen(_schema(jenis), answers)
    parts = request.app.state.layanan

    def check() -> tuple[Any, bytes | None]:
        from naskah.inputs import load_naskah

        model = load_naskah(jenis, data, "formulir")
        return model, parts.renderer().render(model) if aksi in ("pratinjau", "docx") else None

    try:
        model, docx = await anyio.to_thread.run_sync(check)
    except InputError as exc:
        galat = {_INDEX.sub(r".\1", path): reason for path, reason in exc.errors}
        return _form(s, jenis, answers, 422, galat, rows,
                     ringkasan=[f"{path}: {reason}" for path, reason in exc.errors])
    stem = f"{jenis}-{getattr(model, 'nomor', None) or model.hal_singkat}"
    if aksi == "json":
        return Response(json.dumps(data, ensure_ascii=False, indent=2),
                        media_type="application/json", headers={
                            "Content-Disposition": content_disposition(stem, "json")})
    if aksi == "docx" and docx is not None:
        return Response(docx, media_type=DOCX, headers={
            "Content-Disposition": content_disposition(f"{stem}-konsep", "docx")})
    if aksi == "pratinjau" and docx is not None:
        from naskah.docx.properties import pdf_info

        pdf = await parts.pdf.convert(docx, pdf_info(model))
        return Response(pdf, media_type="application/pdf", headers={
            "Content-Disposition": content_disposition(f"{stem}-pratinjau", "pdf").replace(
                "attachment", "inline", 1), "Cache-Control": "no-store"})
    return _form(s, jenis, answers, rows=rows, pesan="Data naskah sah.")


__all__ = ["router"]
