"""Console: "Ambil nomor": take a number from the register's patterns, provisional (for
a konsep) or final, make a provisional one final, and see this year's numbers.

Each form carries a one-time key: a form sent twice (a double click, a reload) is
answered as the first time, through the API's idempotency table, and never takes a
second number.
"""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

import anyio
from fastapi import APIRouter, Request
from fastapi.responses import Response

from naskah.errors import NaskahError
from naskah.models.klasifikasi import Klasifikasi
from naskah.serve import idempoten
from naskah.serve.halaman.konsol import ditolak_csrf, form_sah, ke_masuk, konsol, sesi_dari
from naskah.serve.halaman.sesi import Sesi
from naskah.serve.masalah import Masalah

router = APIRouter(include_in_schema=False)


def _register(request: Request) -> Any:
    from naskah.register import Register

    return Register(engine=request.app.state.layanan.engine)


def _halaman(request: Request, s: Sesi, status: int = 200, **context: Any) -> Response:
    reg = _register(request)
    context.setdefault("isian", {})
    return konsol("nomor.html", s, status, pola=reg.daftar_pola(),
                  nomor=list(reversed(reg.daftar(tahun=date.today().year)))[:50],
                  klasifikasi=[k.value for k in Klasifikasi], kunci=secrets.token_urlsafe(16),
                  **context)


def _operator(s: Sesi | None) -> bool:
    return s is not None and s.pengguna.peran.value in ("operator", "admin")


@router.get("/konsol/nomor")
async def nomor(request: Request) -> Response:
    s = await sesi_dari(request)
    if not _operator(s):
        return ke_masuk()
    assert s is not None
    return await anyio.to_thread.run_sync(lambda: _halaman(request, s))


async def _ambil(request: Request, s: Sesi, work: Any, isian: dict[str, str]) -> Response:
    """Run ``work(register)`` once for the form's key; the page with the result."""
    form = await form_sah(request, s)
    if form is None:
        return ditolak_csrf()
    key = str(form.get("kunci") or "")[:idempoten.MAX_KEY] or None
    engine = request.app.state.layanan.engine
    fingerprint = idempoten.sidik("POST", request.url.path,
                                  repr(sorted(isian.items())).encode())

    def run() -> Response:
        def job(conn: Any) -> tuple[int, dict[str, Any]]:
            found = work(idempoten.register_on(conn))
            return 201, {"teks": found.teks, "status": found.status}
        try:
            _status, answer, _replayed = idempoten.run(
                engine, s.pengguna.id, f"konsol:{key}" if key else None, request.url.path,
                fingerprint, job)
        except (NaskahError, Masalah) as exc:
            detail = exc.detail if isinstance(exc, Masalah) else str(exc)
            return _halaman(request, s, 422, galat=detail, isian=isian)
        label = "final" if answer["status"] == "final" else "sementara"
        return _halaman(request, s, pesan=f"Nomor {label}: {answer['teks']}")

    return await anyio.to_thread.run_sync(run)


@router.post("/konsol/nomor")
async def ambil(request: Request) -> Response:
    s = await sesi_dari(request)
    if not _operator(s):
        return ke_masuk()
    assert s is not None
    form = await request.form(max_files=0, max_fields=20)
    isian = {k: str(form.get(k) or "").strip() for k in
             ("pola", "unit", "kka", "klasifikasi", "tanggal", "status")}

    def work(reg: Any) -> Any:
        take = reg.ambil_final if isian["status"] == "final" else reg.ambil_sementara
        return take(isian["pola"], unit=isian["unit"], oleh=s.pengguna.nama,
                    kka=isian["kka"] or None, klasifikasi=isian["klasifikasi"] or "Biasa",
                    tanggal=isian["tanggal"] or None)

    return await _ambil(request, s, work, isian)


@router.post("/konsol/nomor/{id}/final")
async def final(request: Request, id: int) -> Response:
    s = await sesi_dari(request)
    if not _operator(s):
        return ke_masuk()
    assert s is not None
    form = await request.form(max_files=0, max_fields=20)
    isian = {"id": str(id), "tanggal": str(form.get("tanggal") or "").strip()}
    return await _ambil(request, s, lambda reg: reg.final(
        id, oleh=s.pengguna.nama, tanggal=isian["tanggal"] or None), isian)


__all__ = ["router"]
