"""Who is asking: ``Authorization: Bearer TOKEN`` on every route but the public ones.

Routes declare what they need with ``Depends(perlu(Peran.OPERATOR))``; an account that
is missing or revoked gets 401, one of the wrong role 403. A signing route also checks
that the account is the official who signs (:func:`periksa_nip`): a pejabat account
acts only for its own NIP, whatever secret it presents.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

import anyio
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from naskah.serve import akun
from naskah.serve.akun import Pengguna, Peran
from naskah.serve.masalah import Masalah

bearer = HTTPBearer(auto_error=False, scheme_name="token",
                    description="An API token from `naskah pengguna tambah` (shown once).")
_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="naskah"'}


async def pengguna(request: Request,
                   cred: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
                   ) -> Pengguna:
    """The account behind the request's token (401 without a valid one)."""
    if cred is None:
        raise Masalah(401, "tanpa-token", "this route needs Authorization: Bearer TOKEN",
                      headers=_CHALLENGE)
    engine = request.app.state.layanan.lesen
    found = await anyio.to_thread.run_sync(akun.dari_token, engine, cred.credentials)
    if found is None:
        raise Masalah(401, "token-ditolak", "the token is unknown or revoked",
                      headers=_CHALLENGE)
    request.state.pengguna = found
    return found


def perlu(*peran: Peran) -> Callable[..., object]:
    """A dependency: the account, which must hold one of ``peran`` (admin holds every
    role but pejabat's)."""
    allowed = set(peran)
    if Peran.OPERATOR in allowed:
        allowed.add(Peran.ADMIN)

    async def check(who: Annotated[Pengguna, Depends(pengguna)]) -> Pengguna:
        if who.peran not in allowed:
            raise Masalah(403, "peran", f"this route is for {' or '.join(sorted(allowed))}; "
                          f"the account {who.nama!r} is {who.peran.value}")
        return who

    return check


def periksa_nip(who: Pengguna, nip: str, what: str) -> None:
    """403 unless ``who`` is the pejabat account bound to ``nip``."""
    if who.peran is not Peran.PEJABAT or who.nip != nip:
        raise Masalah(403, "bukan-pejabatnya",
                      f"{what} is for the official with NIP {nip}; the account {who.nama!r} "
                      "is not bound to that NIP")


Siapa = Annotated[Pengguna, Depends(pengguna)]

__all__ = ["Siapa", "bearer", "pengguna", "periksa_nip", "perlu"]
