"""Console: "Buat naskah": a form per document type, generated from the model's JSON
Schema (:mod:`.formulir`); checked by the library's own validation (its messages, e.g.
a NIP's, shown beside the field); a PDF preview; the konsep as DOCX, or its JSON;
"Simpan konsep" keeps it in the service's database (:mod:`naskah.serve.konsep`, listed
by :mod:`.konsol_konsep`).
"""

from __future__ import annotations

import json
import re
from typing import Any

import anyio
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from naskah.errors import InputError, RegisterConflictError
from naskah.models import JENIS_NAMES, jenis_class
from naskah.serve.halaman import formulir
from naskah.serve.halaman.konsol import ke_masuk, kiriman, konsol, sesi_dari
from naskah.serve.halaman.sesi import Sesi
from naskah.serve.halaman.tampilan import waktu_wib
from naskah.serve.routes.umum import content_disposition

router = APIRouter(include_in_schema=False)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_INDEX = re.compile(r"\[(\d+)\]")


def _schema(jenis: str) -> dict[str, Any]:
    schema: dict[str, Any] = jenis_class(jenis).model_json_schema()
    return schema


def boleh(s: Sesi | None) -> bool:
    """Buat naskah and the konsep are the secretariat's (operators and admins)."""
    return s is not None and s.pengguna.peran.value in ("operator", "admin")


@router.get("/konsol/naskah")
async def pilih(request: Request) -> Response:
    s = await sesi_dari(request)
    if not boleh(s):
        return ke_masuk()
    assert s is not None
    return konsol("naskah_pilih.html", s,
                  jenis=[(j, jenis_class(j).judul.title()) for j in JENIS_NAMES])


def tampil_form(s: Sesi, jenis: str, values: dict[str, Any], status: int = 200,
                galat: dict[str, str] | None = None, rows: dict[str, int] | None = None,
                **context: Any) -> Response:
    """The Buat naskah form of ``jenis`` filled with ``values`` (field path -> answer)."""
    fields = formulir.isian(_schema(jenis), values, galat or {}, rows or {})
    return konsol("naskah_form.html", s, status, jenis=jenis,
                  judul_jenis=jenis_class(jenis).judul.title(), isian=fields, **context)


@router.get("/konsol/naskah/{jenis}")
async def baru(request: Request, jenis: str, contoh: bool = False) -> Response:
    s = await sesi_dari(request)
    if not boleh(s):
        return ke_masuk()
    assert s is not None
    if jenis not in JENIS_NAMES:
        return konsol("pesan.html", s, 404, judul="Jenis tidak dikenal",
                      pesan=f"Tidak ada jenis naskah {jenis!r}.")
    values: dict[str, Any] = {}
    if contoh:
        from naskah.serve.routes.dokumen import example

        values = formulir.rata(example(jenis))
    return tampil_form(s, jenis, values)


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
    got = await kiriman(request, boleh=lambda s: boleh(s) and jenis in JENIS_NAMES)
    if isinstance(got, Response):
        return got
    s, form = got
    answers = {k[2:]: str(v) for k, v in form.multi_items() if k.startswith("f.")
               and isinstance(v, str)}
    rows = {k[2:]: int(str(v)) for k, v in form.multi_items() if k.startswith("n.")
            and str(v).isdigit()}
    aksi = str(form.get("aksi") or "periksa")
    # The konsep this form was opened from (its id and the version it had then).
    asal: dict[str, Any] = {k: int(str(form.get(k))) for k in ("konsep_id", "versi")
            if str(form.get(k) or "").isdigit()}
    if aksi.startswith("tambah:"):
        path = aksi.split(":", 1)[1]
        rows[path] = min(rows.get(path, 1) + 1, formulir.MAKS_BARIS)
        return tampil_form(s, jenis, answers, rows=rows, fokus=f"{path}.{rows[path] - 1}", **asal)
    if aksi.startswith("hapus:"):
        _shift(answers, rows, aksi.split(":", 1)[1])
        return tampil_form(s, jenis, answers, rows=rows, **asal)
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
        return tampil_form(s, jenis, answers, 422, galat, rows,
                     ringkasan=[f"{path}: {reason}" for path, reason in exc.errors], **asal)
    if aksi == "simpan":
        return await _simpan(request, s, jenis, data, answers, rows, asal)
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
    return tampil_form(s, jenis, answers, rows=rows, pesan="Data naskah sah.", **asal)


async def _simpan(request: Request, s: Sesi, jenis: str, data: dict[str, Any],
                  answers: dict[str, str], rows: dict[str, int], asal: dict[str, Any]) -> Response:
    """Save the (valid) document as a konsep, then show it (post/redirect/get); a save
    someone made since this form was opened wins, and the form says so."""
    from naskah.serve import konsep

    engine = request.app.state.layanan.engine
    try:
        k = await anyio.to_thread.run_sync(lambda: konsep.simpan(
            engine, jenis, data, s.pengguna.nama, asal.get("konsep_id"), asal.get("versi")))
    except InputError as exc:  # someone saved or deleted it meanwhile, or too long
        if not isinstance(exc, RegisterConflictError) and ("konsep", "tidak ada") \
                not in exc.errors:
            return tampil_form(s, jenis, answers, 422, rows=rows, ringkasan=[
                f"{path}: {reason}" for path, reason in exc.errors], **asal)
        try:
            now = await anyio.to_thread.run_sync(konsep.ambil, engine, asal["konsep_id"])
        except InputError:
            return tampil_form(s, jenis, answers, 409, rows=rows, konflik=(
                "Konsep ini sudah dihapus. Perubahan Anda belum disimpan."), **asal)
        return tampil_form(s, jenis, answers, 409, rows=rows, terkini=now.id, konflik=(
            f"Konsep ini sudah diubah oleh {now.pengubah} pada {waktu_wib(now.diubah_pada)} "
            f"(versi {now.versi}) sejak Anda membukanya. Perubahan Anda belum disimpan dan "
            "tidak ada yang ditimpa."), **asal)
    return RedirectResponse(f"/konsol/konsep/{k.id}?pesan=disimpan", status_code=303)


__all__ = ["boleh", "router", "tampil_form"]
