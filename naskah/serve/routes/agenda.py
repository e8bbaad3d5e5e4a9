"""The agenda of incoming letters: ``POST /v1/agenda`` (with its scan), the list, the
scan, disposisi down the tree, their status, and the XLSX export.

A pejabat's token sees the hal, scan and disposisi of a Terbatas or Rahasia letter only
when its disposisi passed through that account (:mod:`naskah.serve.agenda_akses`)."""

from __future__ import annotations

import re
import shutil
import tempfile
from datetime import date
from pathlib import Path as FsPath
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Depends, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from naskah.models.klasifikasi import Klasifikasi, Sifat
from naskah.register.disposisi import StatusDisposisi
from naskah.serve import agenda_akses as akses
from naskah.serve.akun import Pengguna, Peran
from naskah.serve.auth import perlu
from naskah.serve.masalah import Masalah, responses
from naskah.serve.middleware import catat
from naskah.serve.routes.register_errors import translated
from naskah.serve.routes.umum import content_disposition, iso, layanan

router = APIRouter(tags=["agenda"])
Operator = Annotated[Pengguna, Depends(perlu(Peran.OPERATOR))]
Siapa = Annotated[Pengguna, Depends(perlu(*Peran))]
IdAgenda = Annotated[int, Path(ge=1, le=2**31 - 1, description="the agenda entry's id")]
IdDisposisi = Annotated[int, Path(ge=1, le=2**31 - 1, description="the disposisi's id")]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_SURAT_EXAMPLE = {
    "id": 1, "tahun": 2026, "nomor_agenda": 1, "agenda": "1/2026",
    "pengirim": "Kementerian Dalam Negeri", "nomor_surat": "005/123/SJ",
    "tanggal_surat": "2026-11-20", "hal": "Undangan Rapat Koordinasi", "sifat": "Biasa",
    "klasifikasi": "Biasa", "diterima_tanggal": "2026-11-21", "scan_nama": "surat.pdf",
    "scan_sha256": "0" * 64, "dicatat_oleh": "operator",
    "dicatat_pada": "2026-11-21T08:00:00+07:00"}


def _surat(entry: Any) -> dict[str, Any]:
    data: dict[str, Any] = {k: iso(v) for k, v in entry.as_dict().items()}
    data["agenda"] = entry.agenda
    data["dicatat_pada"] = iso(entry.dicatat_pada)
    return data


def _register(request: Request) -> Any:
    from naskah.register import Register

    return Register(engine=layanan(request).engine)


@router.post("/v1/agenda", status_code=201, summary="Register an incoming letter (with its scan)",
             openapi_extra={"requestBody": {"content": {"multipart/form-data": {"example": {
                 "pengirim": "Kementerian Dalam Negeri", "nomor_surat": "005/123/SJ",
                 "tanggal_surat": "2026-11-20", "hal": "Undangan Rapat Koordinasi",
                 "sifat": "Biasa", "klasifikasi": "Biasa", "scan": "(surat.pdf)"}}}}},
             responses={201: {"content": {"application/json": {"example": _SURAT_EXAMPLE}}},
                        **responses(400, 401, 403, 413, 422)})
async def masuk(
    request: Request, who: Operator,
    pengirim: Annotated[str, Form(max_length=300)],
    nomor_surat: Annotated[str, Form(max_length=300)],
    tanggal_surat: Annotated[date, Form()],
    hal: Annotated[str, Form(max_length=2000)],
    sifat: Annotated[Sifat, Form()] = Sifat.BIASA,
    klasifikasi: Annotated[Klasifikasi, Form()] = Klasifikasi.BIASA,
    diterima_tanggal: Annotated[date | None, Form()] = None,
    scan: Annotated[UploadFile | None, File(description="the letter's scan (PDF or image)")]
    = None,
) -> dict[str, Any]:
    folder = FsPath(tempfile.mkdtemp(prefix="scan-", dir=layanan(request).tmp))
    try:
        path = None
        if scan is not None and scan.filename:
            name = re.sub(r"[^\w.\- ]+", "_", FsPath(scan.filename).name)[:200]
            if not name.strip(". "):  # "", "." and ".." would name the folder or its parent
                name = "scan"
            path = folder / name
            with path.open("wb") as out:
                shutil.copyfileobj(scan.file, out)

        def work() -> Any:
            return _register(request).agenda.masuk(
                pengirim=pengirim, nomor_surat=nomor_surat, tanggal_surat=tanggal_surat,
                hal=hal, oleh=who.nama, sifat=sifat, klasifikasi=klasifikasi,
                diterima_tanggal=diterima_tanggal, scan=path)

        entry = await anyio.to_thread.run_sync(work)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    catat(request.state, agenda=entry.id)
    return _surat(entry)


@router.get("/v1/agenda", summary="Incoming letters in agenda order",
            responses={200: {"content": {"application/json": {"example": [_SURAT_EXAMPLE]}}},
                       **responses(401, 422)})
def daftar(request: Request, who: Siapa,
           tahun: Annotated[int | None, Query(ge=1900, le=9999)] = None,
           bulan: Annotated[int | None, Query(ge=1, le=12)] = None) -> list[dict[str, Any]]:
    reg = _register(request)
    entries = reg.agenda.daftar(tahun=tahun, bulan=bulan)
    return [_surat(e) for e in akses.terlihat(who, entries, reg.disposisi.pohon)]


@router.get("/v1/agenda/ekspor.xlsx", summary="The buku agenda as XLSX",
            response_class=Response,
            responses={200: {"content": {XLSX: {"schema": {"type": "string",
                                                           "format": "binary"}}}},
                       **responses(401, 422)})
def ekspor(request: Request, who: Siapa,
           tahun: Annotated[int | None, Query(ge=1900, le=9999)] = None,
           bulan: Annotated[int | None, Query(ge=1, le=12)] = None) -> Response:
    data = akses.buku_xlsx(who, _register(request), tahun=tahun, bulan=bulan)
    stem = "agenda" + (f"-{tahun}" if tahun else "") + (f"-{bulan:02d}" if bulan else "")
    return Response(data, media_type=XLSX,
                    headers={"Content-Disposition": content_disposition(stem, "xlsx")})


@router.get("/v1/agenda/{id}", summary="One incoming letter",
            responses={200: {"content": {"application/json": {"example": _SURAT_EXAMPLE}}},
                       **responses(401, 404, 422)})
def satu(request: Request, id: IdAgenda, who: Siapa) -> dict[str, Any]:
    reg = _register(request)
    with translated():
        return _surat(akses.terlihat(who, [reg.agenda.get(id)], reg.disposisi.pohon)[0])


@router.get("/v1/agenda/{id}/scan", summary="The scan of an incoming letter",
            response_class=Response,
            responses={200: {"content": {"application/octet-stream": {"schema": {
                "type": "string", "format": "binary"}}}}, **responses(401, 404, 422)})
def scan_surat(request: Request, id: IdAgenda, who: Siapa) -> Response:
    reg = _register(request)
    with translated():
        entry = akses.terlihat(who, [reg.agenda.get(id)], reg.disposisi.pohon)[0]
        if entry.scan_sha256 is None:
            from naskah.serve.routes.umum import not_found

            raise not_found(f"a scan of agenda entry {id}")
        data = reg.agenda.scan(id)
    stem, _dot, ext = (entry.scan_nama or "scan").rpartition(".")
    return Response(data, media_type="application/octet-stream", headers={
        "Content-Disposition": content_disposition(stem or ext, ext if stem else "bin")})


class DisposisiBaru(BaseModel):
    """A disposisi on an incoming letter, to one or more recipients."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "dari": "Sekretaris Kementerian Koordinator", "kepada": ["Kepala Biro Umum"],
        "instruksi": "Hadiri dan laporkan hasilnya", "batas_waktu": "2026-11-28"}]})
    dari: str = Field(min_length=1, max_length=300)
    kepada: list[str] = Field(min_length=1, max_length=50)
    instruksi: str = Field(min_length=1, max_length=10_000)
    tanggal: date | None = None
    batas_waktu: date | None = None
    induk_id: int | None = Field(default=None, ge=1, le=2**31 - 1)


_ITEM_EXAMPLE: dict[str, Any] = {"id": 1, "agenda_id": 1, "induk_id": None,
                 "dari": "Sekretaris Kementerian Koordinator", "kepada": "Kepala Biro Umum",
                 "instruksi": "Hadiri dan laporkan hasilnya", "tanggal": "2026-11-21",
                 "batas_waktu": "2026-11-28", "status": "belum_dibaca", "catatan": "",
                 "diubah_oleh": "operator", "diubah_pada": "2026-11-21T08:00:00+07:00",
                 "turunan": []}


def _item(item: Any) -> dict[str, Any]:
    return {"id": item.id, "agenda_id": item.agenda_id, "induk_id": item.induk_id,
            "dari": item.dari, "kepada": item.kepada, "instruksi": item.instruksi,
            "tanggal": item.tanggal.isoformat(),
            "batas_waktu": item.batas_waktu.isoformat() if item.batas_waktu else None,
            "status": item.status.value, "catatan": item.catatan,
            "diubah_oleh": item.diubah_oleh, "diubah_pada": iso(item.diubah_pada),
            "turunan": [_item(t) for t in item.turunan]}


@router.post("/v1/agenda/{id}/disposisi", status_code=201,
             summary="Give a disposisi (down the tree with induk_id)",
             responses={201: {"content": {"application/json": {"example": [_ITEM_EXAMPLE]}}},
                        **responses(400, 401, 403, 404, 422)})
def beri_disposisi(request: Request, id: IdAgenda, who: Operator,
                   data: DisposisiBaru) -> list[dict[str, Any]]:
    reg = _register(request)
    with translated():
        reg.agenda.get(id)  # 404 for an unknown letter
        items = reg.disposisi.beri(id, dari=data.dari, kepada=data.kepada,
                                   instruksi=data.instruksi, tanggal=data.tanggal,
                                   batas_waktu=data.batas_waktu, induk_id=data.induk_id)
    catat(request.state, agenda=id, disposisi=[i.id for i in items], oleh=who.nama)
    return [_item(i) for i in items]


@router.get("/v1/agenda/{id}/disposisi", summary="The disposisi of a letter, as a tree",
            responses={200: {"content": {"application/json": {"example": [_ITEM_EXAMPLE]}}},
                       **responses(401, 404, 422)})
def pohon(request: Request, id: IdAgenda, who: Siapa) -> list[dict[str, Any]]:
    reg = _register(request)
    with translated():
        entry = reg.agenda.get(id)
    tree = reg.disposisi.pohon(id)
    if not akses.boleh_lihat(who, entry, tree):
        from naskah.serve.routes.umum import not_found

        raise not_found(f"a disposisi tree of agenda entry {id} this account may see")
    return [_item(i) for i in tree]


class StatusBaru(BaseModel):
    """A disposisi moved forward, or cancelled while unread."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "status": "selesai", "catatan": "Sudah dihadiri; laporan terlampir"}]})
    status: StatusDisposisi
    catatan: str = Field(default="", max_length=4000)


@router.post("/v1/agenda/{id}/disposisi/{disposisi_id}/status",
             summary="Move a disposisi forward (dibaca, ditindaklanjuti, selesai) or cancel it",
             description="A pejabat moves only a disposisi given to their account (by name); "
                         "an operator records any. Statuses only move forward; `batal` only "
                         "while unread (409 otherwise).",
             responses={200: {"content": {"application/json": {"example": _ITEM_EXAMPLE}}},
                        **responses(400, 401, 403, 404, 409, 422)})
def ubah_status(request: Request, id: IdAgenda, disposisi_id: IdDisposisi, who: Siapa,
                data: StatusBaru) -> dict[str, Any]:
    reg = _register(request)
    with translated():
        reg.agenda.get(id)
    found = _cari(reg.disposisi.pohon(id), disposisi_id)
    if found is None:
        from naskah.serve.routes.umum import not_found

        raise not_found(f"disposisi {disposisi_id} of agenda entry {id}")
    if not akses.sekretariat(who) and found.kepada != who.nama:
        raise Masalah(403, "peran", f"disposisi {disposisi_id} was given to {found.kepada!r}, "
                      f"not to the account {who.nama!r}")
    item = reg.disposisi.ubah_status(disposisi_id, data.status, oleh=who.nama,
                                     catatan=data.catatan)
    catat(request.state, agenda=id, disposisi=disposisi_id, status=item.status.value)
    return _item(item)


def _cari(tree: list[Any], id: int) -> Any:
    for item in tree:
        if item.id == id:
            return item
        found = _cari(item.turunan, id)
        if found is not None:
            return found
    return None


__all__ = ["router"]
