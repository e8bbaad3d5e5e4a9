"""The staff console's frame: login (``/konsol/masuk``), logout, the home page, and the
session and CSRF checks every console page uses.

The login form carries a CSRF token bound to a short-lived cookie (double submit: no
session exists yet); every form after login carries the session's own token. Cookies
are ``HttpOnly`` and ``SameSite=Strict``, and ``Secure`` when the request came over
https (behind a reverse proxy: uvicorn's ``--proxy-headers``).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

import anyio
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from naskah.serve.halaman import sesi
from naskah.serve.halaman.tampilan import halaman

router = APIRouter(include_in_schema=False)
COOKIE, COOKIE_MASUK = "naskah_sesi", "naskah_masuk"
MAKS_FORM = 40


def _cookie(response: Response, request: Request, name: str, value: str, max_age: int) -> None:
    response.set_cookie(name, value, max_age=max_age, path="/konsol", httponly=True,
                        samesite="strict", secure=request.url.scheme == "https")


async def sesi_dari(request: Request) -> sesi.Sesi | None:
    """The request's console session, if it has a live one."""
    engine = request.app.state.layanan.lesen
    return await anyio.to_thread.run_sync(sesi.dari_cookie, engine, request.cookies.get(COOKIE))


def ke_masuk() -> Response:
    """Where a request without a session goes."""
    return RedirectResponse("/konsol/masuk", status_code=303)


def ditolak_csrf() -> Response:
    """A form whose CSRF token is missing or wrong: nothing was done."""
    return halaman("pesan.html", 403, judul="Formulir ditolak",
                   pesan="Formulir ini tidak dapat diterima (token keamanan tidak cocok atau "
                         "kedaluwarsa). Muat ulang halaman lalu kirim lagi.")


async def form_sah(request: Request, s: sesi.Sesi, max_files: int = 0) -> FormData | None:
    """The posted form if it carries the session's CSRF token, else None."""
    form = await request.form(max_files=max_files, max_fields=MAKS_FORM * 10)
    given = form.get("csrf")
    return form if sesi.csrf_sah(s.csrf, given if isinstance(given, str) else None) else None


async def kiriman(request: Request, *, max_files: int = 0,
                  boleh: Callable[[sesi.Sesi], bool] | None = None
                  ) -> tuple[sesi.Sesi, FormData] | Response:
    """A console form post: its session and form, or the answer to give instead: the login
    page without a live session (or one ``boleh`` refuses), 403 when the form's CSRF token
    is not the session's (nothing is done). Every console POST starts here."""
    s = await sesi_dari(request)
    if s is None or (boleh is not None and not boleh(s)):
        return ke_masuk()
    form = await form_sah(request, s, max_files)
    if form is None:
        return ditolak_csrf()
    return s, form


def konsol(name: str, s: sesi.Sesi, status: int = 200, **context: Any) -> Response:
    """A console page: the template with the session's account and CSRF token."""
    return halaman(name, status, pengguna=s.pengguna, csrf=s.csrf, **context)


@router.get("/konsol/masuk")
async def masuk_form(request: Request) -> Response:
    if await sesi_dari(request) is not None:
        return RedirectResponse("/konsol", status_code=303)
    return _form_masuk(request)


def _form_masuk(request: Request, status: int = 200, galat: str | None = None,
                nama: str = "") -> Response:
    token = secrets.token_urlsafe(32)
    response = halaman("masuk.html", status, csrf=token, galat=galat, nama=nama)
    _cookie(response, request, COOKIE_MASUK, token, 3600)
    return response


@router.post("/konsol/masuk")
async def masuk(request: Request) -> Response:
    form = await request.form(max_files=0, max_fields=10)
    given = form.get("csrf")
    if not sesi.csrf_sah(request.cookies.get(COOKIE_MASUK),
                         given if isinstance(given, str) else None):
        return ditolak_csrf()
    nama, password = str(form.get("nama") or ""), str(form.get("password") or "")
    engine = request.app.state.layanan.engine
    try:
        _s, cookie = await anyio.to_thread.run_sync(sesi.masuk, engine, nama, password[:1000])
    except sesi.Ditolak as exc:
        galat = (f"Akun ini dikunci sementara setelah {sesi.MAKS_GAGAL} kali gagal masuk. "
                 f"Coba lagi dalam {sesi.KUNCI_S // 60} menit atau hubungi admin."
                 if exc.terkunci else "Nama pengguna atau kata sandi salah.")
        return _form_masuk(request, 429 if exc.terkunci else 401, galat, nama[:100])
    response = RedirectResponse("/konsol", status_code=303)
    _cookie(response, request, COOKIE, cookie, sesi.UMUR_S)
    response.delete_cookie(COOKIE_MASUK, path="/konsol")
    return response


@router.post("/konsol/keluar")
async def keluar(request: Request) -> Response:
    got = await kiriman(request)
    if isinstance(got, Response):
        return got
    await anyio.to_thread.run_sync(sesi.keluar, request.app.state.layanan.engine,
                                   request.cookies.get(COOKIE))
    response = ke_masuk()
    response.delete_cookie(COOKIE, path="/konsol")
    return response


@router.get("/konsol")
async def beranda(request: Request) -> Response:
    s = await sesi_dari(request)
    if s is None:
        return ke_masuk()
    return konsol("beranda.html", s)


__all__ = ["COOKIE", "form_sah", "ke_masuk", "kiriman", "konsol", "router", "sesi_dari"]
