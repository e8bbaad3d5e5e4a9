"""``naskah serve``: the library behind an HTTP API (FastAPI), kept warm, multi-user.

``create_app`` is the app factory (``uvicorn naskah.serve:create_app --factory``, with
its settings from the environment: see :class:`~naskah.serve.settings.Settings`).
One job per module: :mod:`~naskah.serve.settings`, :mod:`~naskah.serve.tabel` (the
service's tables), :mod:`~naskah.serve.akun` (accounts, tokens), :mod:`~naskah.serve.auth`,
:mod:`~naskah.serve.masalah` (problem+json), :mod:`~naskah.serve.middleware` (request
id, caps, timeout, audit), :mod:`~naskah.serve.konversi` (the PDF pool and its
micro-batching), :mod:`~naskah.serve.idempoten`, :mod:`~naskah.serve.pekerjaan` (jobs
as rows with a lease) and :mod:`~naskah.serve.worker`, :mod:`~naskah.serve.kunci` (the
officials' signers from the request's secret), and one module of routes per resource
in :mod:`naskah.serve.routes`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fastapi import FastAPI

    from naskah.serve.settings import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    """The ASGI app (see :func:`naskah.serve.app.create_app`)."""
    from naskah.serve.app import create_app as factory

    return factory(settings)


def __getattr__(name: str) -> Any:
    if name == "Settings":
        from naskah.serve.settings import Settings

        return Settings
    raise AttributeError(name)


__all__ = ["Settings", "create_app"]
