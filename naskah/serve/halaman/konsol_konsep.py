"""Console: the saved konsep (drafts) of "Buat naskah" (:mod:`naskah.serve.konsep`).

``/konsol/konsep`` lists them, last changed first; "Buka" opens one in the Buat naskah
form, whose "Simpan konsep" then updates it (refused, with who changed it, when someone
saved it in between); "Hapus" asks to confirm on its own page, then deletes with a POST.

Who sees what: the konsep are the secretariat's shared desk, so every operator and
admin sees, opens, saves and deletes every konsep (the list names who made it and who
saved it last); a pejabat, who has no Buat naskah, sees none.
"""

from __future__ import annotations

from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Path, Request
from fastapi.responses import RedirectResponse, Response

from naskah.errors import InputError, RegisterConflictError
from naskah.models import JENIS_NAMES, jenis_class
from naskah.serve import konsep
from naskah.serve.halaman import formulir
from naskah.serve.halaman.konsol import ke_masuk, kiriman, konsol, sesi_dari
from naskah.serve.halaman.konsol_naskah import boleh, tampil_form
from naskah.serve.halaman.sesi import Sesi

router = APIRouter(include_in_schema=False)
IdKonsep = Annotated[int, Path(ge=1, le=2**31 - 1)]


def _judul(jenis: str) -> str:
    return jenis_class(jenis).judul.title() if jenis in JENIS_NAMES else jenis


def _tidak_ada(s: Sesi, id: int) -> Response:
    return konsol("pesan.html", s, 404, judul="Konsep tidak ada",
                  pesan=f"Tidak ada konsep {id}; mungkin sudah dihapus.")


@router.get("/konsol/konsep")
async def daftar(request: Request) -> Response:
    s = await sesi_dari(request)
    if not boleh(s):
        return ke_masuk()
    assert s is not None
    rows = await anyio.to_thread.run_sync(konsep.daftar, request.app.state.layanan.lesen)
    # The flash message of post/redirect/get, named in the query (never its text).
    extra: dict[str, Any] = {}
    if request.query_params.get("pesan") == "dihapus":
        extra["pesan"] = "Konsep dihapus."
    return konsol("konsep_daftar.html", s, konsep=[(k, _judul(k.jenis)) for k in rows],
                  **extra)


async def _ambil(request: Request, id: int) -> konsep.Konsep | None:
    try:
        return await anyio.to_thread.run_sync(konsep.ambil, request.app.state.layanan.engine, id)
    except InputError:
        return None


@router.get("/konsol/konsep/{id}")
async def buka(request: Request, id: IdKonsep) -> Response:
    """The Buat naskah form filled with konsep ``id``; saving it updates the konsep."""
    s = await sesi_dari(request)
    if not boleh(s):
        return ke_masuk()
    assert s is not None
    k = await _ambil(request, id)
    if k is None or k.jenis not in JENIS_NAMES:
        return _tidak_ada(s, id)
    extra: dict[str, Any] = {"pesan": f"Konsep disimpan (versi {k.versi})."} \
        if request.query_params.get("pesan") == "disimpan" else {}
    return tampil_form(s, k.jenis, formulir.rata(k.data), konsep_id=k.id, versi=k.versi,
                       konsep_oleh=k.pembuat, konsep_pengubah=k.pengubah,
                       konsep_diubah=k.diubah_pada, **extra)


@router.get("/konsol/konsep/{id}/hapus")
async def hapus_tanya(request: Request, id: IdKonsep) -> Response:
    """Confirm before deleting (works without script: a page, not a dialog)."""
    s = await sesi_dari(request)
    if not boleh(s):
        return ke_masuk()
    assert s is not None
    k = await _ambil(request, id)
    if k is None:
        return _tidak_ada(s, id)
    return konsol("konsep_hapus.html", s, k=k, judul_jenis=_judul(k.jenis))


@router.post("/konsol/konsep/{id}/hapus")
async def hapus(request: Request, id: IdKonsep) -> Response:
    got = await kiriman(request, boleh=boleh)
    if isinstance(got, Response):
        return got
    s, form = got
    versi = str(form.get("versi") or "")
    if not versi.isdigit():
        return konsol("pesan.html", s, 400, judul="Konsep tidak dihapus",
                      pesan="Formulir hapus tidak lengkap (versi konsep tidak ada).")
    try:
        await anyio.to_thread.run_sync(konsep.hapus, request.app.state.layanan.engine, id,
                                       int(versi))
    except RegisterConflictError:
        k = await _ambil(request, id)
        if k is None:
            return _tidak_ada(s, id)
        return konsol("konsep_hapus.html", s, 409, k=k, judul_jenis=_judul(k.jenis),
                      konflik=f"Konsep ini sudah diubah oleh {k.pengubah} (versi {k.versi}) "
                              "sejak Anda membuka halaman ini; belum dihapus. Periksa lagi, "
                              "lalu hapus bila memang tidak diperlukan.")
    except InputError:
        return _tidak_ada(s, id)
    return RedirectResponse("/konsol/konsep?pesan=dihapus", status_code=303)


__all__ = ["router"]
