"""Console: "Cabut naskah": find a signed letter by its nomor or the SHA-256 of its
signed PDF and revoke it (the public page of its QR then says DICABUT).

For an admin (every letter) and a pejabat (only the letters his NIP signed). The form
asks for a reason and a confirmation; a revocation answers with a redirect to the
search it came from and a message (post/redirect/get), so a reload does nothing.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import anyio
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from naskah.errors import InputError, RegisterConflictError
from naskah.serve.akun import Peran
from naskah.serve.halaman import pencabutan
from naskah.serve.halaman.konsol import ke_masuk, kiriman, konsol, sesi_dari
from naskah.serve.halaman.sesi import Sesi

router = APIRouter(include_in_schema=False)
PESAN = {"dicabut": "Naskah {nomor} telah dicabut. Halaman verifikasinya kini menyatakan "
                    "DICABUT."}


def _boleh_buka(s: Sesi) -> bool:
    return s.pengguna.peran in (Peran.ADMIN, Peran.PEJABAT)


def _tidak_boleh(s: Sesi) -> Response:
    return konsol("pesan.html", s, 403, judul="Tidak diizinkan",
                  pesan="Pencabutan naskah hanya untuk admin atau pejabat penanda tangannya.")


def _nip(s: Sesi) -> str | None:
    """A pejabat sees only the letters his NIP signed."""
    return s.pengguna.nip if s.pengguna.peran is Peran.PEJABAT else None


def _halaman(request: Request, s: Sesi, q: str, status: int = 200,
             **context: Any) -> Response:
    engine = request.app.state.layanan.lesen
    hasil: list[dict[str, Any]] = []
    q = q.strip()[:200]
    if q:
        sha256, nomor = pencabutan.sha256_atau_nomor(q)
        try:
            found = pencabutan.cari(engine, sha256=sha256, nomor=nomor, nip=_nip(s))
        except InputError as exc:
            context.setdefault("galat", str(exc))
            found = []
        hasil = [{**pencabutan.ringkas(r), "boleh": pencabutan.boleh_cabut(s.pengguna, r)}
                 for r in found]
    # The message names the letter from the record itself, never from the URL: a crafted
    # link cannot make the page claim a revocation that did not happen.
    dicabut = str(request.query_params.get("dicabut") or "")[:64]
    if dicabut and "pesan" not in context and status == 200:
        done = pencabutan.rekaman(engine, dicabut)
        if done is not None and done["dicabut_pada"] is not None and \
                pencabutan.boleh_cabut(s.pengguna, done):
            context["pesan"] = PESAN["dicabut"].format(
                nomor=done["nomor"] or done["dokumen_sha256"][:16])
    context.setdefault("isian", {})
    return konsol("cabut.html", s, status, q=q, hasil=hasil, cari=bool(q),
                  maks_alasan=pencabutan.MAKS_ALASAN, **context)


@router.get("/konsol/cabut")
async def halaman_cabut(request: Request) -> Response:
    s = await sesi_dari(request)
    if s is None:
        return ke_masuk()
    if not _boleh_buka(s):
        return _tidak_boleh(s)
    q = str(request.query_params.get("q") or "")
    return await anyio.to_thread.run_sync(lambda: _halaman(request, s, q))


@router.post("/konsol/cabut")
async def cabut(request: Request) -> Response:
    got = await kiriman(request)
    if isinstance(got, Response):
        return got
    s, form = got
    if not _boleh_buka(s):
        return _tidak_boleh(s)
    kunci = str(form.get("kunci") or "")[:64]
    q = str(form.get("q") or "")[:200]
    alasan = str(form.get("alasan") or "")[:pencabutan.MAKS_ALASAN * 4]
    yakin = form.get("yakin") == "ya"
    engine = request.app.state.layanan.engine

    def run() -> Response:
        row = pencabutan.rekaman(engine, kunci)
        if row is None:
            return konsol("pesan.html", s, 404, judul="Naskah tidak ditemukan",
                          pesan="Tidak ada naskah bertanda tangan dengan kunci ini.")
        if not pencabutan.boleh_cabut(s.pengguna, row):
            return konsol("pesan.html", s, 403, judul="Tidak diizinkan",
                          pesan="Naskah ini hanya dapat dicabut oleh admin atau pejabat "
                                "yang menandatanganinya.")
        isian = {"kunci": kunci, "alasan": alasan}
        if not yakin:
            return _halaman(request, s, q, 422, galat="Centang konfirmasi pencabutan "
                            "terlebih dahulu.", isian=isian)
        try:
            done = pencabutan.cabut(engine, kunci, alasan, s.pengguna.nama)
        except RegisterConflictError:
            return _halaman(request, s, q, 409, galat="Naskah ini sudah dicabut sebelumnya.")
        except InputError as exc:
            return _halaman(request, s, q, 422, galat=str(exc), isian=isian)
        query = urlencode({"q": q or done["dokumen_sha256"], "dicabut": kunci})
        return RedirectResponse(f"/konsol/cabut?{query}", status_code=303)

    return await anyio.to_thread.run_sync(run)


__all__ = ["PESAN", "router"]
