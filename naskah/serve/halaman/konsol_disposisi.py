"""Console: one incoming letter: its details and scan, its disposisi as a tree (who gave
it to whom, asking what, by when, where it stands; overdue ones marked, what is left in
working days), the form that gives a disposisi (first, or down the tree under one the
giver received), and the buttons with which a recipient moves their own disposisi
forward (dibaca, ditindaklanjuti, selesai).

Recipients are the service's accounts, by name: the one logged in finds what was given
to them. An operator records a disposisi on behalf of who gave it (the lembar
disposisi on paper); a pejabat gives one only as themself.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import anyio
from fastapi import APIRouter, Path, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from naskah.errors import InputError, NaskahError, RegisterConflictError
from naskah.serve.halaman.konsol import ke_masuk, kiriman, konsol, sesi_dari
from naskah.serve.halaman.konsol_agenda import (
    DISAMARKAN,
    boleh_lihat,
    operator,
    register,
)
from naskah.serve.halaman.sesi import Sesi
from naskah.serve.middleware import catat as audit
from naskah.serve.tabel import pengguna as t_pengguna

router = APIRouter(include_in_schema=False)
IdAgenda = Path(ge=1, le=2**31 - 1)
IdDisposisi = Path(ge=1, le=2**31 - 1)
PESAN = {"dicatat": "Surat masuk dicatat dengan nomor agenda {agenda}.",
         "disposisi": "Disposisi diberikan.", "status": "Status disposisi diperbarui."}
"""The messages a redirect after a form names (post/redirect/get)."""
TOMBOL = {"dibaca": "Tandai dibaca", "ditindaklanjuti": "Tandai ditindaklanjuti",
          "selesai": "Tandai selesai"}
_LANJUT = ["belum dibaca", "dibaca", "ditindaklanjuti", "selesai"]


def akun(request: Request) -> list[Any]:
    """The active accounts (who a disposisi can go to), by name."""
    with request.app.state.layanan.engine.connect() as conn:
        return list(conn.execute(select(t_pengguna.c.nama, t_pengguna.c.peran, t_pengguna.c.nip)
                                 .where(t_pengguna.c.aktif.is_(True))
                                 .order_by(t_pengguna.c.nama)).all())


def _baris(tree: list[Any], today: date, kalender: Any, depth: int = 0) -> list[dict[str, Any]]:
    """The tree flattened in order, each item with its depth and working days left."""
    out: list[dict[str, Any]] = []
    for item in tree:
        sisa = None
        if item.batas_waktu is not None and item.status.value in _LANJUT[:-1]:
            sisa = kalender.hari_kerja_antara(today, item.batas_waktu)
        nxt = _LANJUT[_LANJUT.index(item.status.value) + 1:] if item.status.value in _LANJUT \
            else []
        out.append({"d": item, "tingkat": depth, "terlambat": item.terlambat(today),
                    "sisa": sisa, "lanjut": [(s, TOMBOL[s]) for s in nxt]})
        out += _baris(item.turunan, today, kalender, depth + 1)
    return out


def _halaman(request: Request, s: Sesi, id: int, status: int = 200, **context: Any
             ) -> Response:
    from naskah.kalender import Kalender

    reg = register(request)
    try:
        entry = reg.agenda.get(id)
    except NaskahError:
        return konsol("pesan.html", s, 404, judul="Surat tidak ditemukan",
                      pesan=f"Tidak ada surat masuk {id} di buku agenda.")
    tree = reg.disposisi.pohon(id)
    lihat = boleh_lihat(s, entry, tree)
    rows = _baris(tree, date.today(), Kalender.muat()) if lihat else []
    pesan = PESAN.get(str(request.query_params.get("pesan")))
    if pesan is not None and "pesan" not in context and status == 200:
        context["pesan"] = pesan.format(agenda=entry.agenda)
    saya = s.pengguna.nama
    induk = [r["d"] for r in rows if r["d"].status.value in _LANJUT[:-1]
             and (operator(s) or r["d"].kepada == saya)]
    context.setdefault("isian", {"dari": saya, "tanggal": date.today().isoformat()})
    context.setdefault("galat", {})
    return konsol("agenda_surat.html", s, status, e=entry, lihat=lihat, samaran=DISAMARKAN,
                  baris=rows, akun=akun(request), induk=induk, operator=operator(s),
                  boleh_beri=lihat, **context)


@router.get("/konsol/agenda/{id}")
async def surat(request: Request, id: int = IdAgenda) -> Response:
    s = await sesi_dari(request)
    if s is None:
        return ke_masuk()
    return await anyio.to_thread.run_sync(lambda: _halaman(request, s, id))


def _cari(tree: list[Any], id: int | None) -> Any:
    """The item ``id`` anywhere in ``tree``, or None."""
    for item in tree:
        found = item if item.id == id else _cari(item.turunan, id)
        if found is not None:
            return found
    return None


def _ids(text: str) -> int | None:
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None


@router.post("/konsol/agenda/{id}/disposisi")
async def beri(request: Request, id: int = IdAgenda) -> Response:
    """Give a disposisi to the accounts ticked; on success, back to the letter."""
    got = await kiriman(request)
    if isinstance(got, Response):
        return got
    s, form = got
    kepada = [str(k).strip() for k in form.getlist("kepada") if str(k).strip()][:50]
    isian: dict[str, Any] = {k: str(form.get(k) or "").strip()[:5000] for k in (
        "dari", "instruksi", "tanggal", "batas_waktu", "batas_hari_kerja", "induk")}
    isian["kepada"] = kepada
    # A pejabat gives a disposisi as themself; an operator records who gave it (passing
    # one down, its recipient: below).
    dari = isian["dari"] if operator(s) and isian["dari"] else s.pengguna.nama

    def work() -> Response:
        reg = register(request)
        try:
            entry = reg.agenda.get(id)
            if not boleh_lihat(s, entry, reg.disposisi.pohon(id)):
                return konsol("pesan.html", s, 403, judul="Tidak diizinkan",
                              pesan="Surat ini tidak untuk Anda.")
            known = {a.nama for a in akun(request)}
            stranger = next((k for k in kepada if k not in known), None)
            if stranger is not None or dari not in known:
                field = "kepada" if stranger is not None else "dari"
                raise InputError(f"{field}: {stranger or dari!r} is not an account of this "
                                 "service", [(field, "not an account")])
            hari = isian["batas_hari_kerja"]
            if hari and not (hari.isascii() and hari.isdigit() and len(hari) < 4):
                raise InputError("batas_hari_kerja: a whole number of working days",
                                 [("batas_hari_kerja", "not a number")])
            induk = isian["induk"]
            if induk and _ids(induk) is None:
                raise InputError("induk: not a disposisi id", [("induk", "not an id")])
            parent = _cari(reg.disposisi.pohon(id), _ids(induk)) if induk else None
            giver = parent.kepada if parent is not None and operator(s) else dari
            items = reg.disposisi.beri(id, dari=giver, kepada=kepada, instruksi=isian["instruksi"],
                               tanggal=isian["tanggal"] or None,
                               batas_waktu=isian["batas_waktu"] or None,
                               batas_hari_kerja=int(hari) if hari else None,
                               induk_id=_ids(induk) if induk else None)
        except NaskahError as exc:
            errors = getattr(exc, "errors", None) or []
            galat = {str(f).split(".")[0]: str(r) for f, r in errors} or {"umum": str(exc)}
            status = 409 if isinstance(exc, RegisterConflictError) else 422
            return _halaman(request, s, id, status, isian=isian, galat=galat,
                            ringkasan=[str(exc)])
        audit(request.state, agenda=id, disposisi=[i.id for i in items])
        return RedirectResponse(f"/konsol/agenda/{id}?pesan=disposisi#disposisi",
                                status_code=303)

    return await anyio.to_thread.run_sync(work)


@router.post("/konsol/agenda/{id}/disposisi/{did}/status")
async def ubah(request: Request, id: int = IdAgenda, did: int = IdDisposisi) -> Response:
    """The recipient moves their own disposisi forward."""
    got = await kiriman(request)
    if isinstance(got, Response):
        return got
    s, form = got
    target = str(form.get("status") or "")
    catatan = str(form.get("catatan") or "").strip()[:5000]

    def work() -> Response:
        reg = register(request)
        mine = _cari(reg.disposisi.pohon(id), did)
        if mine is None or mine.kepada != s.pengguna.nama or target not in TOMBOL:
            return konsol("pesan.html", s, 403, judul="Tidak diizinkan",
                          pesan="Hanya penerima disposisi yang dapat mengubah statusnya.")
        try:
            reg.disposisi.ubah_status(did, target, oleh=s.pengguna.nama, catatan=catatan)
        except NaskahError as exc:
            status = 409 if isinstance(exc, RegisterConflictError) else 422
            return _halaman(request, s, id, status, galat={"status": str(exc)},
                            ringkasan=[str(exc)])
        audit(request.state, agenda=id, disposisi=did, status=target)
        return RedirectResponse(f"/konsol/agenda/{id}?pesan=status#disposisi", status_code=303)

    return await anyio.to_thread.run_sync(work)


__all__ = ["PESAN", "TOMBOL", "akun", "router"]
