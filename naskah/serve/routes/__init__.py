"""The service's routes, one module per resource; :data:`ROUTERS` lists them."""

from __future__ import annotations

from fastapi import APIRouter

from naskah.serve.halaman import konsol, konsol_naskah, konsol_nomor, konsol_trail, publik
from naskah.serve.routes import agenda, batch, dokumen, kunci, meta, nomor, trail, verifikasi

ROUTERS: tuple[APIRouter, ...] = (meta.router, dokumen.router, nomor.router, agenda.router,
                                  batch.router, trail.router, kunci.router, verifikasi.router,
                                  publik.router, konsol.router,
                                  konsol_nomor.router, konsol_trail.router,
                                  konsol_naskah.router)

__all__ = ["ROUTERS"]
