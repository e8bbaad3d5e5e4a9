"""Console: the trails. The list shows each trail's current step, who must act and its
deadline in office hours (a pejabat sees the steps waiting for them first); a trail's
page shows what the SOP asks of the next step (kelengkapan, outputs) and lets its
official perform it, signing with the passphrase typed on the page (used for this
request only, never stored); the verification result and the berkas PDF.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from datetime import datetime
from pathlib import Path as FsPath
from typing import Any

import anyio
from fastapi import APIRouter, Path, Request
from fastapi.responses import Response
from pydantic import SecretStr
from sqlalchemy import select
from starlette.datastructures import UploadFile

from naskah.errors import NaskahError
from naskah.serve.halaman.konsol import ke_masuk, kiriman, konsol, sesi_dari
from naskah.serve.halaman.sesi import Sesi
from naskah.serve.masalah import Masalah
from naskah.serve.tabel import trail as t_trail

router = APIRouter(include_in_schema=False)
IdTrail = Path(pattern="^[0-9a-f]{32}$")
_NASKAH = {"disposisi", "undangan", "notulen", "laporan", "nota-dinas"}


def _ringkas(request: Request, trail_id: str, nip: str | None) -> dict[str, Any]:
    """A trail's status with who must act next (names, NIPs) and whether it is ``nip``."""
    from naskah.serve.routes.trail import _open, _status

    status = _status(request, trail_id)
    trail = _open(request, trail_id)
    nxt = status.get("next")
    people: list[Any] = []
    if nxt is not None:
        for role in trail.sop.langkah_ke(nxt["step"]).pelaksana:
            people += trail.pelaksana.peran.get(role, [])
    status["id"] = trail_id
    status["pejabat"] = [{"nama": p.nama, "jabatan": p.jabatan, "nip": p.nip} for p in people]
    status["menunggu_anda"] = nip is not None and any(p.nip == nip for p in people)
    if status.get("tenggat"):
        status["tenggat"]["batas_dt"] = datetime.fromisoformat(status["tenggat"]["batas"])
    return status


@router.get("/konsol/trail")
async def daftar(request: Request) -> Response:
    s = await sesi_dari(request)
    if s is None:
        return ke_masuk()

    def work() -> Response:
        with request.app.state.layanan.lesen.connect() as conn:
            ids = [r.id for r in conn.execute(select(t_trail.c.id).order_by(
                t_trail.c.dibuat_pada.desc())).all()]
        trails = [_ringkas(request, i, s.pengguna.nip) for i in ids[:100]]
        trails.sort(key=lambda t: (not t["menunggu_anda"], t["selesai"]))
        return konsol("trail_daftar.html", s, trails=trails)

    return await anyio.to_thread.run_sync(work)


def _langkah(request: Request, trail_id: str) -> dict[str, Any] | None:
    """What the SOP asks of the next step: kelengkapan, outputs, outside inputs."""
    from naskah.serve.routes.trail import _open

    trail = _open(request, trail_id)
    step = trail.next_step()
    if step is None:
        return None
    have = {r.kode for e in trail.entries() for r in [*e.masukan, *e.keluaran]}
    declared = {m.kode: m.nama for m in trail.sop.masukan}
    return {
        "nomor": step.nomor, "kegiatan": step.kegiatan, "waktu": step.waktu,
        "kelengkapan": [{"kode": k.kode, "status": k.status.value if k.status else None}
                        for k in step.kelengkapan],
        "luar": [{"kode": k.kode, "nama": declared[k.kode]} for k in step.kelengkapan
                 if k.kode in declared and k.kode not in have],
        "output": [{"kode": o.kode, "nama": o.nama, "jenis": o.jenis.value,
                    "naskah": o.jenis.value in _NASKAH} for o in step.output],
    }


async def _halaman(request: Request, s: Sesi, trail_id: str, status: int = 200,
                   **context: Any) -> Response:
    def work() -> Response:
        with request.app.state.layanan.lesen.connect() as conn:
            if conn.execute(select(t_trail.c.id).where(t_trail.c.id == trail_id)).first() \
                    is None:
                return konsol("pesan.html", s, 404, judul="Trail tidak ditemukan",
                              pesan=f"Tidak ada trail {trail_id}.")
        ringkas = _ringkas(request, trail_id, s.pengguna.nip)
        return konsol("trail.html", s, status, t=ringkas, langkah=_langkah(request, trail_id),
                      **context)

    return await anyio.to_thread.run_sync(work)


@router.get("/konsol/trail/{id}")
async def satu(request: Request, id: str = IdTrail, periksa: bool = False) -> Response:
    s = await sesi_dari(request)
    if s is None:
        return ke_masuk()
    hasil = None
    if periksa:
        from naskah.serve.routes.trail import _open

        hasil = await anyio.to_thread.run_sync(lambda: _open(request, id).verify())
    return await _halaman(request, s, id, verifikasi=hasil)


@router.post("/konsol/trail/{id}/langkah/{n}")
async def langkah(request: Request, n: int, id: str = IdTrail) -> Response:
    got = await kiriman(request, max_files=20)
    if isinstance(got, Response):
        return got
    s, form = got
    from naskah.serve.kunci import KunciPkcs12
    from naskah.serve.routes.trail import LangkahBaru, _perform

    work_dir = FsPath(tempfile.mkdtemp(prefix="konsol-", dir=request.app.state.layanan.tmp))
    try:
        dokumen: dict[str, Any] = {}
        tindakan: dict[str, str] = {}
        lampiran: dict[str, FsPath] = {}
        for name, value in form.multi_items():
            if isinstance(value, UploadFile):
                raw = await value.read()
                if raw and name.startswith("lampiran:"):
                    kode = name.split(":", 1)[1]
                    suffix = FsPath(value.filename or "").suffix[:10]
                    lampiran[kode] = work_dir / f"{kode}{suffix if suffix.isascii() else ''}"
                    lampiran[kode].write_bytes(raw)
            elif name.startswith("dokumen:") and value.strip():
                dokumen[name.split(":", 1)[1]] = json.loads(value)
            elif name.startswith("tindakan:"):
                tindakan[name.split(":", 1)[1]] = value
        catatan = str(form.get("catatan") or "").strip() or None
        waktu = {k: _wib(str(form.get(k) or "")) for k in ("mulai", "selesai")}
        secret = SecretStr(str(form.get("passphrase") or ""))  # this request only
        data = LangkahBaru(oleh=s.pengguna.nip or s.pengguna.nama, dokumen=dokumen,
                           tindakan=tindakan, catatan=catatan, **waktu,
                           kunci=KunciPkcs12(jenis="pkcs12", passphrase=secret))
        entry = await anyio.to_thread.run_sync(_perform, request, id, n, s.pengguna, data,
                                               lampiran)
    except json.JSONDecodeError as exc:
        return await _halaman(request, s, id, 422, galat=f"Data naskah bukan JSON yang sah: "
                              f"{exc.msg} (baris {exc.lineno}).")
    except (NaskahError, Masalah, ValueError) as exc:
        detail = exc.detail if isinstance(exc, Masalah) else str(exc)
        return await _halaman(request, s, id, 422 if not isinstance(exc, Masalah)
                              else exc.status, galat=detail)
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)
    return await _halaman(request, s, id, pesan=f"Langkah {entry['step']} tercatat dan "
                          f"ditandatangani oleh {entry['pelaksana']['nama']}.")


def _wib(text: str) -> datetime | None:
    """A ``datetime-local`` answer, read as WIB (the SOP's time zone)."""
    if not text.strip():
        return None
    from naskah.serve.halaman.tampilan import WIB

    value = datetime.fromisoformat(text.strip())
    return value if value.tzinfo else value.replace(tzinfo=WIB)


@router.post("/konsol/trail/{id}/segel")
async def segel(request: Request, id: str = IdTrail) -> Response:
    """The berkas PDF sealed (signed) by the pejabat, with the passphrase typed now."""
    got = await kiriman(request)
    if isinstance(got, Response):
        return got
    s, form = got
    from naskah.serve import kunci
    from naskah.serve.kunci import KunciPkcs12
    from naskah.serve.routes.trail import _folder
    from naskah.serve.routes.umum import content_disposition
    from naskah.trail.berkas import build_berkas

    parts = request.app.state.layanan
    secret = KunciPkcs12(jenis="pkcs12", passphrase=SecretStr(str(form.get("passphrase") or "")))
    work_dir = FsPath(tempfile.mkdtemp(prefix="segel-", dir=parts.tmp))

    def work() -> bytes:
        with kunci.signer(parts, s.pengguna, secret) as key:
            kunci.check_owner(s.pengguna, key)
            build_berkas(_folder(request, id), work_dir / "berkas.pdf", seal=key)
        return (work_dir / "berkas.pdf").read_bytes()

    try:
        data = await anyio.to_thread.run_sync(work)
    except (NaskahError, Masalah) as exc:
        detail = exc.detail if isinstance(exc, Masalah) else str(exc)
        return await _halaman(request, s, id, 422, galat=detail)
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)
    return Response(data, media_type="application/pdf", headers={
        "Content-Disposition": content_disposition(f"berkas-{id}-tersegel", "pdf")})


@router.get("/konsol/trail/{id}/berkas.pdf")
async def berkas(request: Request, id: str = IdTrail) -> Response:
    s = await sesi_dari(request)
    if s is None:
        return ke_masuk()
    from naskah.serve.routes.trail import berkas as api_berkas

    return await api_berkas(request, id, s.pengguna)


__all__ = ["router"]
