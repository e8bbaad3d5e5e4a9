"""SOP trails run by the service: ``POST /v1/trail``, its status, its steps (each signed by
the official performing it, with the secret in the request), verification and berkas PDF.

A trail is kept by the instance's trail store (:mod:`naskah.serve.trails`): in the
database on PostgreSQL (shared by every instance), a berkas folder under the data folder
(``trail/ID``) on SQLite; the database records which trails the service runs. Its
register is the service's own database, so the numbers its signing steps take are the
ones ``/v1/nomor`` lists. What the requests give is read in
:mod:`naskah.serve.routes.trail_masukan`.
"""

from __future__ import annotations

import logging
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path as FsPath
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError
from sqlalchemy import insert, select

from naskah.errors import InputError
from naskah.serve import kunci
from naskah.serve.akun import Pengguna, Peran
from naskah.serve.auth import periksa_nip, perlu
from naskah.serve.halaman import catatan
from naskah.serve.halaman.berkode import SignerBerkode
from naskah.serve.masalah import responses
from naskah.serve.middleware import catat
from naskah.serve.routes.trail_masukan import (
    NAMA_FILE,
    LangkahBaru,
    TrailBaru,
    profil_trail,
    step_input,
    trust_files,
)
from naskah.serve.routes.umum import content_disposition, iso, layanan, not_found
from naskah.serve.tabel import trail as t_trail
from naskah.serve.tenggat import tenggat

router = APIRouter(tags=["trail"])
log = logging.getLogger("naskah.serve")
Siapa = Annotated[Pengguna, Depends(perlu(*Peran))]
Pejabat = Annotated[Pengguna, Depends(perlu(Peran.PEJABAT))]
IdTrail = Annotated[str, Path(pattern="^[0-9a-f]{32}$", description="the trail's id")]
Nomor = Annotated[int, Path(ge=1, le=1000, description="the step's number in the SOP")]


@contextmanager
def _reading(request: Request, trail_id: str) -> Iterator[Any]:
    """The trail as a berkas folder to read (naskah.serve.trails); 404 when unknown."""
    from naskah.serve.trails import membaca

    parts = layanan(request)
    with parts.engine.connect() as conn:
        found = conn.execute(select(t_trail.c.folder).where(t_trail.c.id == trail_id)).first()
    if found is None:
        raise not_found(f"trail {trail_id}")
    with membaca(parts.trails, trail_id, parts.tmp / "trail-cache") as trail:
        yield trail


def _open(request: Request, trail_id: str) -> Any:
    """The trail to read, in a folder that outlives the call (the berkas itself, or the
    database trail's cache folder at its head: kept while in use)."""
    with _reading(request, trail_id) as trail:
        return trail


def _folder(request: Request, trail_id: str) -> FsPath:
    """The trail's berkas folder, to read (see :func:`_open`): with the database store a
    cache at the trail's head, so whatever is written there stays on this instance."""
    return FsPath(_open(request, trail_id).folder)


@router.post("/v1/trail", status_code=201, summary="Start a trail (signed by its starter)",
             responses={201: {"content": {"application/json": {"example": {
                 "id": "0f1e2d3c4b5a69788796a5b4c3d2e1f0", "status": {"selesai": False}}}}},
                 **responses(400, 401, 403, 413, 422)})
def mulai(request: Request, who: Pejabat, data: TrailBaru) -> JSONResponse:
    from naskah.trail.pelaksana import DaftarPelaksana

    parts = layanan(request)
    try:
        roster = DaftarPelaksana.model_validate(data.pelaksana)
    except ValidationError as exc:
        from naskah.inputs import input_error

        raise input_error(exc, "pelaksana") from None
    try:
        starter, _roles = roster.cari(data.oleh)
    except KeyError as exc:
        raise InputError(f"oleh: {exc.args[0]}", [("oleh", "not in the roster")]) from None
    periksa_nip(who, starter.nip or "", "starting a trail")
    certs = dict(roster.sertifikat)
    for person in roster.orang():
        if person.nip and person.nip not in certs:
            pem = kunci.sertifikat(parts, person.nip)
            if pem:
                certs[person.nip] = pem
    roster = roster.model_copy(update={"sertifikat": certs})
    sop = None
    if data.sop is not None:
        from naskah.inputs import validate
        from naskah.sop.model import Sop

        sop = validate(Sop, data.sop, "sop")
    trail_id = secrets.token_hex(16)
    relative = f"trail/{trail_id}"
    work = FsPath(tempfile.mkdtemp(prefix="trust-", dir=parts.tmp))
    try:
        roots = trust_files(parts, data.trust, work)
        with kunci.signer(parts, who, data.kunci) as key:
            kunci.check_owner(who, key)
            parts.trails.init(trail_id, roster, sop=sop, trust=roots,
                              oleh=data.oleh, signer=key,
                              register=parts.settings.db if data.penomoran else None,
                              profil=profil_trail(data.profil),
                              # For a later `trail do` from the command line, which
                              # records tokens only in the trail's register.
                              url_publik=parts.settings.url_publik if data.penomoran
                              else None)
    except BaseException:
        shutil.rmtree(parts.settings.data / relative, ignore_errors=True)
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    with parts.engine.begin() as conn:
        conn.execute(insert(t_trail).values(id=trail_id, folder=relative, dibuat_oleh=who.nama,
                                            dibuat_pada=datetime.now(UTC)))
    catat(request.state, trail=trail_id)
    return JSONResponse({"id": trail_id, "status": _status(request, trail_id)},
                        status_code=201, headers={"Location": f"/v1/trail/{trail_id}"})


def _status(request: Request, trail_id: str) -> dict[str, Any]:
    from naskah.trail.ringkasan import laporan_waktu, status

    with _reading(request, trail_id) as trail:
        result: dict[str, Any] = status(trail)
        result["waktu"] = [asdict(b) for b in laporan_waktu(trail)]
        sop = trail.sop
    result.pop("berkas", None)  # a path on the server
    result["tenggat"] = tenggat(sop, result, datetime.fromisoformat(result["dibuat"]))
    return result


@router.get("/v1/trail", summary="The service's trails",
            responses={200: {"content": {"application/json": {"example": [{
                "id": "0f1e2d3c4b5a69788796a5b4c3d2e1f0", "dibuat_oleh": "sesmenko",
                "dibuat_pada": "2026-11-25T02:00:00+00:00"}]}}}, **responses(401)})
def daftar(request: Request, _: Siapa) -> list[dict[str, Any]]:
    with layanan(request).engine.connect() as conn:
        rows = conn.execute(select(t_trail).order_by(t_trail.c.dibuat_pada.desc())).all()
    return [{"id": r.id, "dibuat_oleh": r.dibuat_oleh,
             "dibuat_pada": iso(r.dibuat_pada)} for r in rows]


@router.get("/v1/trail/{id}", summary="A trail's status: steps done, the next one, times",
            responses={200: {"content": {"application/json": {"example": {
                "selesai": False, "next": {"step": 2, "kegiatan": "...", "pelaksana": ["..."],
                                           "kelengkapan": [], "waktu": "1 Hari"}}}}},
                       **responses(401, 404, 422)})
async def status_trail(request: Request, id: IdTrail, _: Siapa) -> dict[str, Any]:
    result: dict[str, Any] = await anyio.to_thread.run_sync(_status, request, id)
    return result


@router.post("/v1/trail/{id}/langkah/{n}", status_code=201,
             summary="Perform step n, signed with the performer's secret",
             description="JSON (`LangkahBaru`), or multipart with the JSON in part `data` and "
                         "each attachment in a part named by its output kode. The account must "
                         "be the pejabat performing the step; 409 when the step was already "
                         "performed or is out of order.",
             responses={201: {"content": {"application/json": {"example": {
                 "step": 1, "hash": "0" * 64}}}},
                 **responses(400, 401, 403, 404, 409, 413, 415, 422, 503)},
             openapi_extra={"requestBody": {"required": True, "content": {
                 "application/json": {"schema": {"$ref": "#/components/schemas/LangkahBaru"}},
                 "multipart/form-data": {"schema": {"type": "object", "required": ["data"],
                                                    "properties": {"data": {
                                                        "type": "string",
                                                        "description": "LangkahBaru JSON"}},
                                                    "additionalProperties": {
                                                        "type": "string",
                                                        "format": "binary"}}}}}})
async def langkah(request: Request, id: IdTrail, n: Nomor, who: Pejabat) -> JSONResponse:
    parts = layanan(request)
    work = FsPath(tempfile.mkdtemp(prefix="langkah-", dir=parts.tmp))
    try:
        data, lampiran = await step_input(request, work)
        entry = await anyio.to_thread.run_sync(_perform, request, id, n, who, data, lampiran)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    catat(request.state, trail=id, langkah=n, hash=entry["hash"])
    return JSONResponse(entry, status_code=201)


def _perform(request: Request, trail_id: str, n: int, who: Pengguna, data: LangkahBaru,
             lampiran: dict[str, FsPath]) -> dict[str, Any]:
    with _reading(request, trail_id) as trail:
        roster = trail.pelaksana
    try:
        pejabat, _roles = roster.cari(data.oleh)
    except KeyError as exc:
        raise InputError(f"oleh: {exc.args[0]}", [("oleh", "not in the roster")]) from None
    periksa_nip(who, pejabat.nip or "", f"step {n}")
    base = layanan(request).settings.url_publik
    with kunci.signer(layanan(request), who, data.kunci) as key:
        kunci.check_owner(who, key)
        # Each signed original's QR opens the public page by its own short token.
        signer = SignerBerkode(key, base) if base else key
        entry = layanan(request).trails.perform(
            trail_id, n, data.oleh, dokumen=data.dokumen, lampiran=lampiran,
            tindakan=data.tindakan, mulai=data.mulai, selesai=data.selesai,
            catatan=data.catatan, signer=signer)
    if isinstance(signer, SignerBerkode):
        try:
            with _reading(request, trail_id) as trail:
                catatan.catat_langkah(layanan(request).engine, trail, entry, signer.token)
        except Exception:  # the step is performed and recorded in the ledger all the same
            log.exception("trail %s step %d: the verification page's record failed",
                          trail_id, n)
    result: dict[str, Any] = entry.model_dump(mode="json")
    return result


@router.get("/v1/trail/{id}/verifikasi", summary="Verify every hash, file and signature",
            responses={200: {"content": {"application/json": {"example": {
                "utuh": True, "status": "intact", "langkah": 14, "hash_akhir": "0" * 64,
                "masalah": []}}}},
                       **responses(401, 404, 422)})
async def verifikasi(request: Request, id: IdTrail, _: Siapa) -> dict[str, Any]:
    def work() -> dict[str, Any]:
        with _reading(request, id) as trail:
            result = trail.verify()
        return {"utuh": result.utuh, "status": result.status, "langkah": result.langkah,
                "hash_akhir": result.hash_akhir,
                "masalah": [{"jenis": m.jenis.value, "step": m.step, "file": m.file,
                             "pesan": m.pesan} for m in result.masalah]}
    return await anyio.to_thread.run_sync(work)


@router.get("/v1/trail/{id}/berkas.pdf", summary="The whole trail as one bookmarked PDF",
            response_class=Response,
            responses={200: {"content": {"application/pdf": {"schema": {
                "type": "string", "format": "binary"}}}}, **responses(401, 404, 409, 422, 503)})
async def berkas(request: Request, id: IdTrail, _: Siapa) -> Response:
    from naskah.trail.berkas import build_berkas

    work = FsPath(tempfile.mkdtemp(prefix="berkas-", dir=layanan(request).tmp))
    try:
        target = work / "berkas.pdf"

        def build() -> None:
            with _reading(request, id) as trail:
                build_berkas(trail.folder, target)
        await anyio.to_thread.run_sync(build)
        data = target.read_bytes()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return Response(data, media_type="application/pdf",
                    headers={"Content-Disposition": content_disposition(f"berkas-{id}", "pdf")})


@router.get("/v1/trail/{id}/dokumen/{nama}", summary="A document of the trail (e.g. a signed "
            "original, dokumen/NN-kode.pdf)", response_class=Response,
            responses={200: {"content": {"application/octet-stream": {"schema": {
                "type": "string", "format": "binary"}}}}, **responses(401, 404, 422)})
def dokumen(request: Request, id: IdTrail, nama: Annotated[str, Path(max_length=200)],
            _: Siapa) -> Response:
    with _reading(request, id) as trail:
        folder = trail.folder / "dokumen"
        path = folder / nama
        if (not NAMA_FILE.match(nama) or not path.is_file() or path.is_symlink()
                or path.resolve().parent != folder.resolve()):
            raise not_found(f"dokumen/{nama}")
        data = path.read_bytes()
    media = {"pdf": "application/pdf", "docx": "application/vnd.openxmlformats-officedocument."
             "wordprocessingml.document"}.get(path.suffix.lstrip("."), "application/octet-stream")
    return Response(data, media_type=media, headers={
        "Content-Disposition": content_disposition(path.stem, path.suffix.lstrip("."))})


__all__ = ["LangkahBaru", "TrailBaru", "router"]

