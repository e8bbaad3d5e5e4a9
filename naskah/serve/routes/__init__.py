"""The service's routes, one module per resource; :data:`ROUTERS` lists them."""

from __future__ import annotations

from fastapi import APIRouter

from naskah.serve.routes import agenda, batch, dokumen, meta, nomor

ROUTERS: tuple[APIRouter, ...] = (meta.router, dokumen.router, nomor.router, agenda.router,
                                 batch.router)

__all__ = ["ROUTERS"]
