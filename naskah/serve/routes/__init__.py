"""The service's routes, one module per resource; :data:`ROUTERS` lists them."""

from __future__ import annotations

from fastapi import APIRouter

from naskah.serve.routes import dokumen, meta, nomor

ROUTERS: tuple[APIRouter, ...] = (meta.router, dokumen.router, nomor.router)

__all__ = ["ROUTERS"]
