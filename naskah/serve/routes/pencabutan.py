"""``POST /v1/verifikasi/cabut``: revoke a signed original, found by the SHA-256 of its
signed PDF or by its nomor (the newest record of either); the public page of its QR then
says DICABUT. For an admin, or the pejabat whose NIP signed it."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from naskah.errors import InputError
from naskah.serve.akun import Pengguna, Peran
from naskah.serve.auth import perlu
from naskah.serve.halaman import pencabutan
from naskah.serve.masalah import Masalah, responses
from naskah.serve.middleware import catat
from naskah.serve.routes.umum import layanan

router = APIRouter(tags=["verifikasi"])
Pencabut = Annotated[Pengguna, Depends(perlu(Peran.ADMIN, Peran.PEJABAT))]


class Pencabutan(BaseModel):
    """Which signed original (``sha256`` or ``nomor``, one of them) and why."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "nomor": "B-12/Ses.PO/OT.01/11/2026", "alasan": "Salah alamat tujuan"}]})
    sha256: str | None = Field(default=None, pattern="^[0-9a-f]{64}$",
                               description="SHA-256 of the signed PDF (lowercase hex)")
    nomor: str | None = Field(default=None, min_length=1, max_length=200,
                              description="the letter's nomor (its newest signed version)")
    alasan: str = Field(max_length=pencabutan.MAKS_ALASAN * 4,
                        description=f"why (required; at most {pencabutan.MAKS_ALASAN} "
                                    "characters once spaces are collapsed); the public page "
                                    "shows it")


class Dicabut(BaseModel):
    """The revoked record, as the console shows it (no hal of a Terbatas/Rahasia letter)."""

    kunci: str
    nomor: str | None
    jenis: str | None
    sifat: str | None
    hal: str | None
    tertutup: bool
    penandatangan: str
    nip: str | None
    ditandatangani_pada: datetime
    dokumen_sha256: str
    status: str = Field(examples=["dicabut"])
    dicabut_pada: datetime | None
    alasan_cabut: str | None
    dicabut_oleh: str | None


@router.post("/v1/verifikasi/cabut", response_model=Dicabut,
             summary="Revoke a signed letter (its QR page then says DICABUT)",
             description="By `sha256` of the signed PDF or by `nomor` (exactly one). "
                         "404 when no signed original matches, 409 when it is already "
                         "revoked, 403 unless you are an admin or the pejabat who signed it.",
             responses={200: {"content": {"application/json": {"example": {
                 "kunci": "9f2c...", "nomor": "B-12/Ses.PO/OT.01/11/2026",
                 "jenis": "Nota Dinas", "sifat": "Biasa",
                 "hal": "Penyampaian Data Triwulan III", "tertutup": False,
                 "penandatangan": "Agus Setiawan, S.H., M.Si.", "nip": "197005151995031001",
                 "ditandatangani_pada": "2026-11-25T02:00:00Z",
                 "dokumen_sha256": "3b4c...", "status": "dicabut",
                 "dicabut_pada": "2026-11-26T03:00:00Z", "alasan_cabut": "Salah alamat tujuan",
                 "dicabut_oleh": "karo"}}}},
                 **responses(400, 401, 403, 404, 409, 415, 422)})
async def cabut(request: Request, who: Pencabut, data: Pencabutan) -> dict[str, Any]:
    if (data.sha256 is None) == (data.nomor is None):
        raise InputError("give sha256 or nomor (exactly one)",
                         [("sha256", "give sha256 or nomor, exactly one")])
    alasan = pencabutan.alasan_sah(data.alasan)  # 422 before anything is looked up
    engine = layanan(request).engine

    def work() -> dict[str, Any]:
        found = pencabutan.cari(engine, sha256=data.sha256, nomor=data.nomor)
        if not found:
            field = "sha256" if data.sha256 else "nomor"
            raise Masalah(404, "tidak-ditemukan", f"{field}: no signed original matches",
                          [(field, "not found")])
        target = found[0]
        if not pencabutan.boleh_cabut(who, target):
            raise Masalah(403, "bukan-pejabatnya", "only an admin or the pejabat who signed "
                          f"it may revoke it; the account {who.nama!r} is not")
        return pencabutan.ringkas(pencabutan.cabut(engine, target["token_sha256"], alasan,
                                                   who.nama))

    result: dict[str, Any] = await anyio.to_thread.run_sync(work)
    catat(request.state, dicabut=result["dokumen_sha256"])
    return result


__all__ = ["router"]
