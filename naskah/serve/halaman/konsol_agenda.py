"""Console: "Agenda surat masuk": the buku agenda in agenda order with the state of each
letter's disposisi, the form that registers an incoming letter with its scan, the
buku's XLSX (the API's own export) and the scan itself. A letter's page and its
disposisi: :mod:`.konsol_disposisi`.

Who sees what (the hal and scan of a closed letter) is the API's rule:
:mod:`naskah.serve.agenda_akses`.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Sequence
from datetime import date
from pathlib import Path as FsPath
from typing import Any

import anyio
from fastapi import APIRouter, Path, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import UploadFile

from naskah.errors import NaskahError
from naskah.models.klasifikasi import Klasifikasi, Sifat
from naskah.serve import agenda_akses as akses
from naskah.serve.agenda_akses import DISAMARKAN, sekretariat
from naskah.serve.halaman.konsol import ke_masuk, kiriman, konsol, sesi_dari
from naskah.serve.halaman.sesi import Sesi
from naskah.serve.routes.umum import content_disposition

router = APIRouter(include_in_schema=False)
IdAgenda = Path(ge=1, le=2**31 - 1)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ISIAN = ("pengirim", "nomor_surat", "tanggal_surat", "diterima_tanggal", "hal", "sifat",
         "klasifikasi")
# The scan's type from its first bytes: the console keeps PDFs and raster images only
# (an SVG or HTML "scan" could carry script), and serves each with its own type.
_JENIS_SCAN = ((b"%PDF-", "application/pdf"), (b"\x89PNG\r\n\x1a\n", "image/png"),
               (b"\xff\xd8\xff", "image/jpeg"), (b"II*\x00", "image/tiff"),
               (b"MM\x00*", "image/tiff"), (b"GIF87a", "image/gif"), (b"GIF89a", "image/gif"))


def register(request: Request) -> Any:
    """The register on the service's database."""
    from naskah.register import Register

    return Register(engine=request.app.state.layanan.engine)


def operator(s: Sesi) -> bool:
    """Whether the account registers mail (and may see every letter)."""
    return sekretariat(s.pengguna)


def boleh_lihat(s: Sesi, entry: Any, tree: Sequence[Any]) -> bool:
    """Whether ``s`` may see the hal and scan of ``entry`` (:mod:`naskah.serve.agenda_akses`)."""
    return akses.boleh_lihat(s.pengguna, entry, tree)


def jenis_scan(data: bytes) -> str | None:
    """The media type of a scan (PDF or raster image), or None for anything else."""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return next((media for magic, media in _JENIS_SCAN if data.startswith(magic)), None)


def ringkas(tree: Sequence[Any], today: date) -> str:
    """One line on where a letter's disposisi stand: '2 disposisi: 1 selesai, 1 dibaca'."""
    items: list[Any] = []

    def walk(level: Sequence[Any]) -> None:
        for item in level:
            items.append(item)
            walk(item.turunan)

    walk(tree)
    if not items:
        return "Belum didisposisi"
    counts: dict[str, int] = {}
    for item in items:
        counts[item.status.value] = counts.get(item.status.value, 0) + 1
    text = f"{len(items)} disposisi: " + ", ".join(f"{n} {s}" for s, n in counts.items())
    late = sum(item.terlambat(today) for item in items)
    return text + (f"; {late} terlambat" if late else "")


def _daftar(request: Request, s: Sesi, status: int = 200, **context: Any) -> Response:
    reg = register(request)
    today = date.today()
    rows = []
    for entry in reg.agenda.daftar():
        tree = reg.disposisi.pohon(entry.id)
        rows.append({"e": entry, "lihat": boleh_lihat(s, entry, tree),
                     "keadaan": ringkas(tree, today)})
    context.setdefault("isian", {"diterima_tanggal": today.isoformat()})
    context.setdefault("galat", {})
    from naskah.register.agenda import MAX_SCAN_BYTES

    return konsol("agenda_daftar.html", s, status, surat=rows, samaran=DISAMARKAN,
                  sifat=[v.value for v in Sifat], klasifikasi=[k.value for k in Klasifikasi],
                  maks_mb=MAX_SCAN_BYTES // (1024 * 1024), **context)


@router.get("/konsol/agenda")
async def daftar(request: Request) -> Response:
    s = await sesi_dari(request)
    if s is None:
        return ke_masuk()
    return await anyio.to_thread.run_sync(lambda: _daftar(request, s))


def _galat(exc: NaskahError) -> dict[str, str]:
    """The refused fields and why, by form field name."""
    errors = getattr(exc, "errors", None) or []
    found = {str(f).split(".")[0]: str(reason) for f, reason in errors}
    return found or {"umum": str(exc)}


@router.post("/konsol/agenda")
async def catat(request: Request) -> Response:
    """Register a letter; on success, the letter's page (post/redirect/get)."""
    got = await kiriman(request, max_files=1, boleh=operator)
    if isinstance(got, Response):
        return got
    s, form = got
    from naskah.register.agenda import MAX_SCAN_BYTES

    isian = {k: str(form.get(k) or "").strip()[:3000] for k in ISIAN}
    scan = form.get("scan")
    folder = FsPath(tempfile.mkdtemp(prefix="konsol-scan-",
                                     dir=request.app.state.layanan.tmp))
    try:
        path = None
        if isinstance(scan, UploadFile) and scan.filename:
            head = await scan.read(16)
            if jenis_scan(head) is None:
                message = "scan: bukan PDF atau gambar (PNG, JPEG, TIFF, GIF, WebP)"
                return await anyio.to_thread.run_sync(lambda: _daftar(
                    request, s, 422, isian=isian, galat={"scan": message},
                    ringkasan=[message]))
            # Named as the API names it; the library checks and caps what it reads.
            name = re.sub(r"[^\w.\- ]+", "_", FsPath(scan.filename).name)[:200]
            path = folder / (name if name.strip(". ") else "scan")
            with path.open("wb") as out:
                out.write(head)
                # Past the library's cap the library refuses it; no need to copy more.
                shutil.copyfileobj(_Capped(scan, MAX_SCAN_BYTES + 1 - len(head)), out)

        def work() -> Any:
            return register(request).agenda.masuk(
                pengirim=isian["pengirim"], nomor_surat=isian["nomor_surat"],
                tanggal_surat=isian["tanggal_surat"], hal=isian["hal"], oleh=s.pengguna.nama,
                sifat=isian["sifat"] or Sifat.BIASA.value,
                klasifikasi=isian["klasifikasi"] or Klasifikasi.BIASA.value,
                diterima_tanggal=isian["diterima_tanggal"] or None, scan=path)

        try:
            entry = await anyio.to_thread.run_sync(work)
        except NaskahError as exc:
            galat, ringkasan = _galat(exc), [str(exc)]
            return await anyio.to_thread.run_sync(lambda: _daftar(
                request, s, 422, isian=isian, galat=galat, ringkasan=ringkasan))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    from naskah.serve.middleware import catat as audit

    audit(request.state, agenda=entry.id)
    return RedirectResponse(f"/konsol/agenda/{entry.id}?pesan=dicatat", status_code=303)


class _Capped:
    """An upload read up to ``left`` bytes (a file-like object for ``copyfileobj``)."""

    def __init__(self, upload: UploadFile, left: int) -> None:
        self.upload, self.left = upload, left

    def read(self, size: int = -1) -> bytes:
        if self.left <= 0:
            return b""
        want = self.left if size < 0 else min(size, self.left)
        data: bytes = self.upload.file.read(want)
        self.left -= len(data)
        return data


@router.get("/konsol/agenda/ekspor.xlsx")
async def ekspor(request: Request) -> Response:
    """The buku agenda as the API exports it (closed hal hidden from who may not see it)."""
    s = await sesi_dari(request)
    if s is None:
        return ke_masuk()

    def work() -> bytes:
        return akses.buku_xlsx(s.pengguna, register(request))

    data = await anyio.to_thread.run_sync(work)
    return Response(data, media_type=XLSX, headers={
        "Content-Disposition": content_disposition("agenda", "xlsx"), "Cache-Control": "no-store"})


@router.get("/konsol/agenda/{id}/scan")
async def scan(request: Request, id: int = IdAgenda) -> Response:
    """The letter's scan, with its own type, as a download."""
    s = await sesi_dari(request)
    if s is None:
        return ke_masuk()

    def work() -> Response:
        reg = register(request)
        try:
            entry = reg.agenda.get(id)
            if entry.scan_sha256 is None or not boleh_lihat(s, entry, reg.disposisi.pohon(id)):
                raise LookupError
            data = reg.agenda.scan(id)
        except (NaskahError, LookupError):
            return konsol("pesan.html", s, 404, judul="Scan tidak ada",
                          pesan=f"Tidak ada scan surat masuk {id} yang dapat Anda lihat.")
        media = jenis_scan(data) or "application/octet-stream"
        stem, _dot, ext = (entry.scan_nama or "scan").rpartition(".")
        return Response(data, media_type=media, headers={
            "Content-Disposition": content_disposition(stem or ext, ext if stem else "bin"),
            "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; sandbox"})

    return await anyio.to_thread.run_sync(work)


__all__ = ["DISAMARKAN", "ISIAN", "boleh_lihat", "jenis_scan", "operator", "register",
           "ringkas", "router"]
