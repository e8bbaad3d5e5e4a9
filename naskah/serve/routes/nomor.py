"""The numbers register: ``POST /v1/nomor`` (with ``Idempotency-Key``), ``/final``,
``/batal``, and the list."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Depends, Header, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from naskah.models.klasifikasi import Klasifikasi
from naskah.serve import idempoten
from naskah.serve.akun import Pengguna, Peran
from naskah.serve.auth import perlu
from naskah.serve.masalah import responses
from naskah.serve.middleware import catat
from naskah.serve.routes.register_errors import translated
from naskah.serve.routes.umum import iso, layanan

router = APIRouter(tags=["nomor"])
Operator = Annotated[Pengguna, Depends(perlu(Peran.OPERATOR))]
Siapa = Annotated[Pengguna, Depends(perlu(*Peran))]
IdempotencyKey = Annotated[str | None, Header(
    alias="Idempotency-Key", description="a retried request with the same key is answered "
    "as the first was; no second number is taken")]


class StatusNomor(StrEnum):
    SEMENTARA = "sementara"
    FINAL = "final"


class NomorBaru(BaseModel):
    """A number to take: final at once, or provisional for a konsep."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"pola": "nota-dinas", "unit": "Ses.PO", "kka": "OT.01.02", "status": "final"}]})
    pola: str = Field(max_length=50, description="the register's pattern (GET /v1/pola)")
    unit: str = Field(max_length=60)
    kka: str | None = Field(default=None, max_length=60)
    klasifikasi: Klasifikasi = Klasifikasi.BIASA
    tanggal: date | None = None
    status: StatusNomor = StatusNomor.FINAL
    dokumen: str = Field(default="", max_length=300)
    content_hash: str | None = Field(default=None, max_length=64)


class Finalisasi(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"tanggal": "2026-11-25"}]})
    tanggal: date | None = None
    content_hash: str | None = Field(default=None, max_length=64)


class Pembatalan(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"alasan": "surat tidak jadi dikirim"}]})
    alasan: str = Field(min_length=1, max_length=1000)


_NOMOR_EXAMPLE: dict[str, Any] = {
    "id": 7, "pola": "nota-dinas", "teks": "7/Ses.PO/OT.01.02/11/2026", "status": "final",
    "unit": "Ses.PO", "kka": "OT.01.02", "kode_keamanan": "B", "tanggal": "2026-11-25",
    "urut": 7, "sisipan": "", "dokumen": "", "content_hash": None,
    "dibuat_oleh": "operator", "dibuat_pada": "2026-11-25T09:00:00+07:00",
    "batal_oleh": None, "batal_pada": None, "alasan_batal": None}


class NomorOut(BaseModel):
    """One number as it stands in the register."""

    model_config = ConfigDict(json_schema_extra={"examples": [_NOMOR_EXAMPLE]})
    id: int
    pola: str
    teks: str
    status: str
    unit: str
    kka: str | None
    kode_keamanan: str
    tanggal: date
    urut: int | None
    sisipan: str
    dokumen: str
    content_hash: str | None
    dibuat_oleh: str
    dibuat_pada: datetime
    batal_oleh: str | None
    batal_pada: datetime | None
    alasan_batal: str | None


def _out(nomor: Any) -> dict[str, Any]:
    return {name: iso(getattr(nomor, name)) for name in NomorOut.model_fields}


async def _idempotent(request: Request, who: Pengguna, key: str | None, body: bytes,
                      work: Any, created: int = 200) -> JSONResponse:
    parts = layanan(request)
    fingerprint = idempoten.sidik(request.method, request.url.path, body)

    def run() -> tuple[int, dict[str, Any], bool]:
        def job(conn: Any) -> tuple[int, dict[str, Any]]:
            with translated():
                return created, _out(work(idempoten.register_on(conn)))
        return idempoten.run(parts.engine, who.id, key, request.url.path, fingerprint, job)

    status, answer, replayed = await anyio.to_thread.run_sync(run)
    catat(request.state, nomor=answer.get("id"), teks=answer.get("teks"),
          idempoten_ulang=replayed)
    headers = {"Idempotent-Replayed": "true"} if replayed else {}
    return JSONResponse(answer, status_code=status, headers=headers)


@router.post("/v1/nomor", status_code=201, response_model=NomorOut,
             summary="Take a number (final, or provisional for a konsep)",
             responses=responses(400, 401, 403, 409, 422))
async def ambil(request: Request, who: Operator, baru: NomorBaru,
                key: IdempotencyKey = None) -> JSONResponse:
    key = idempoten.check_key(key)
    body = await request.body()

    def work(reg: Any) -> Any:
        take = reg.ambil_final if baru.status is StatusNomor.FINAL else reg.ambil_sementara
        return take(baru.pola, unit=baru.unit, oleh=who.nama, kka=baru.kka,
                    klasifikasi=baru.klasifikasi, tanggal=baru.tanggal, dokumen=baru.dokumen,
                    content_hash=baru.content_hash)

    return await _idempotent(request, who, key, body, work, created=201)


IdNomor = Annotated[int, Path(ge=1, le=2**31 - 1, description="the number's id")]


@router.post("/v1/nomor/{id}/final", response_model=NomorOut,
             summary="Make a provisional number final (409 when it already is)",
             responses=responses(400, 401, 403, 404, 409, 422))
async def final(request: Request, id: IdNomor, who: Operator, data: Finalisasi,
                key: IdempotencyKey = None) -> JSONResponse:
    key = idempoten.check_key(key)
    body = await request.body()
    return await _idempotent(request, who, key, body, lambda reg: reg.final(
        id, oleh=who.nama, tanggal=data.tanggal, content_hash=data.content_hash))


@router.post("/v1/nomor/{id}/batal", response_model=NomorOut,
             summary="Cancel a number with a reason (409 when already cancelled)",
             responses=responses(400, 401, 403, 404, 409, 422))
async def batal(request: Request, id: IdNomor, who: Operator, data: Pembatalan,
                key: IdempotencyKey = None) -> JSONResponse:
    key = idempoten.check_key(key)
    body = await request.body()
    return await _idempotent(request, who, key, body, lambda reg: reg.batal(
        id, alasan=data.alasan, oleh=who.nama))


@router.get("/v1/nomor", response_model=list[NomorOut], summary="Numbers in the order issued",
            responses=responses(401, 422))
def daftar(request: Request, _: Siapa,
           tahun: Annotated[int | None, Query(ge=1900, le=9999)] = None,
           unit: Annotated[str | None, Query(max_length=60)] = None,
           pola: Annotated[str | None, Query(max_length=50)] = None,
           status: Annotated[str | None, Query(pattern="^(sementara|final|batal)$")] = None,
           ) -> list[dict[str, Any]]:
    from naskah.register import Register

    reg = Register(engine=layanan(request).engine)
    return [_out(n) for n in reg.daftar(tahun=tahun, unit=unit, pola=pola, status=status)]


@router.get("/v1/nomor/{id}", summary="One number with its history",
            responses={200: {"content": {"application/json": {"example": {
                **_NOMOR_EXAMPLE,
                "riwayat": [{"aksi": "final", "teks": "7/Ses.PO/OT.01.02/11/2026",
                             "oleh": "operator", "waktu": "2026-11-25T09:00:00+07:00",
                             "content_hash": None, "keterangan": ""}]}}}},
                       **responses(401, 404, 422)})
def satu(request: Request, id: IdNomor, _: Siapa) -> dict[str, Any]:
    from naskah.register import Register

    reg = Register(engine=layanan(request).engine)
    with translated():
        nomor = reg.get(id)
        riwayat = reg.riwayat(id)
    return {**_out(nomor), "riwayat": [{
        "aksi": p.aksi, "teks": p.teks, "oleh": p.oleh, "waktu": iso(p.waktu),
        "content_hash": p.content_hash, "keterangan": p.keterangan} for p in riwayat]}


@router.get("/v1/pola", summary="The register's numbering patterns",
            responses={200: {"content": {"application/json": {"example": [
                {"nama": "nota-dinas", "format": "{urut}/{unit}/{kka}/{bulan}/{tahun}",
                 "keterangan": "", "per_kka": False}]}}}, **responses(401)})
def pola(request: Request, _: Siapa) -> list[dict[str, Any]]:
    from naskah.register import Register

    reg = Register(engine=layanan(request).engine)
    return [p.model_dump(mode="json") for p in reg.daftar_pola()]


__all__ = ["router"]

