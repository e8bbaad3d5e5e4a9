"""The public verification page: ``GET /v/{token}`` (what the QR code of a signed letter
opens) and ``POST /v/{token}/cocokkan`` (compare a PDF received with the original).

No login, no listing. A token is looked up by its hash with one primary-key query and
every answer takes at least :data:`LANTAI_S`, so a wrong token and a revoked one cost
the same time. Requests are rate-limited per client address.
"""

from __future__ import annotations

import time
from importlib import resources
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, File, Path, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from naskah.models.klasifikasi import TERTUTUP
from naskah.serve.halaman import catatan, cocok
from naskah.serve.halaman.batas import Pembatas
from naskah.serve.halaman.tampilan import halaman

router = APIRouter(include_in_schema=False)
LANTAI_S = 0.05
"""Every answer of the page takes at least this long (the lookup itself is far faster)."""
MAX_UNGGAH = 20 * 1024 * 1024
"""The largest PDF "Cocokkan dokumen" reads (the body cap of the route is the service's)."""
Token = Annotated[str, Path(min_length=1, max_length=300)]


def _pembatas(request: Request) -> Pembatas:
    state = request.app.state
    if not hasattr(state, "pembatas_halaman"):
        state.pembatas_halaman = Pembatas(state.layanan.settings.halaman_per_menit)
    found: Pembatas = state.pembatas_halaman
    return found


def _terlalu_sering(request: Request) -> HTMLResponse | None:
    wait = _pembatas(request).izinkan(request.client.host if request.client else "-")
    if not wait:
        return None
    return halaman("terlalu_sering.html", 429, {"Retry-After": str(int(wait) + 1)},
                   detik=int(wait) + 1)


def status_of(rekaman: dict[str, Any] | None) -> tuple[str, str]:
    """(kode, label) of a record: asli, tidak-berlaku, dicabut or tidak-ditemukan."""
    if rekaman is None:
        return "tidak-ditemukan", "TIDAK DITEMUKAN"
    if rekaman["dicabut_pada"] is not None:
        return "dicabut", "DICABUT"
    if rekaman["diganti_pada"] is not None:
        return "tidak-berlaku", "TIDAK BERLAKU"
    return "asli", "ASLI — sah dan berlaku"


async def _page(request: Request, token: str, hasil: cocok.Hasil | None = None,
                status: int = 200) -> Response:
    t0 = time.monotonic()
    engine = request.app.state.layanan.lesen
    rekaman = await anyio.to_thread.run_sync(catatan.cari, engine, token)
    kode, label = status_of(rekaman)
    tertutup = rekaman is not None and rekaman["sifat"] in TERTUTUP
    response = halaman("verifikasi.html", status if rekaman is not None or hasil else 404,
                       r=rekaman, kode=kode, label=label, tertutup=tertutup, token=token,
                       hasil=hasil, maks_mb=MAX_UNGGAH // (1024 * 1024))
    # Constant time from the client's side: the same floor whatever was found.
    await anyio.sleep(max(LANTAI_S - (time.monotonic() - t0), 0))
    return response


@router.get("/v/{token}", response_class=HTMLResponse)
async def verifikasi(request: Request, token: Token) -> Response:
    """What the QR code of a signed letter opens."""
    return _terlalu_sering(request) or await _page(request, token)


@router.post("/v/{token}/cocokkan", response_class=HTMLResponse)
async def cocokkan(request: Request, token: Token,
                   berkas: Annotated[UploadFile, File()]) -> Response:
    """Compare the uploaded PDF with the registered original (read, never stored)."""
    limited = _terlalu_sering(request)
    if limited is not None:
        return limited
    data = await berkas.read(MAX_UNGGAH + 1)
    await berkas.close()
    if len(data) > MAX_UNGGAH:
        hasil = cocok.Hasil(False, f"Tidak dapat dicocokkan: berkas lebih besar dari "
                            f"{MAX_UNGGAH // (1024 * 1024)} MB.")
        return await _page(request, token, hasil, 413)
    parts = request.app.state.layanan

    def work() -> cocok.Hasil:
        from naskah.tte.trust import TrustStore

        trust = TrustStore.from_files(parts.settings.trust) if parts.settings.trust else None
        return cocok.cocokkan(data, catatan.cari(parts.lesen, token), trust)

    hasil = await anyio.to_thread.run_sync(work)
    return await _page(request, token, hasil)


@router.get("/halaman/gaya.css")
def gaya() -> Response:
    """The pages' one stylesheet (shipped in the package)."""
    css = resources.files("naskah.serve.halaman").joinpath("static/gaya.css").read_bytes()
    return Response(css, media_type="text/css",
                    headers={"Cache-Control": "public, max-age=3600",
                             "X-Content-Type-Options": "nosniff"})


__all__ = ["LANTAI_S", "MAX_UNGGAH", "router", "status_of"]
