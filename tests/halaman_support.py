"""Shared pieces of the page tests: an official with an enrolled key, letters signed
through the service (``POST /v1/tanda-tangan``) and what the page answers."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.serve_support import add_user
from tests.tte_helpers import KARO, PASSPHRASE, Pki, make_pki, surat_pdf

SECRET = json.dumps({"jenis": "pkcs12", "passphrase": PASSPHRASE})
KETERANGAN = {"jenis": "Nota Dinas", "nomor": "B-12/Ses.PO/OT.01/11/2026",
              "tanggal": "2026-11-25", "hal": "Penyampaian Data Triwulan III", "sifat": "Biasa"}
_TOKEN = re.compile(r"/v/([A-Za-z0-9_-]{22})$")


@dataclass
class Pejabat:
    """Karo PO's pejabat account with his PKCS#12 enrolled in the service."""

    pki: Pki
    headers: dict[str, str]


def pejabat(client: Any, db: str, folder: Path) -> Pejabat:
    """Karo's account on ``db``, his key enrolled through ``client``."""
    pki = make_pki(folder, [KARO])
    assert KARO.nip
    headers = add_user(db, "karo", "pejabat", nip=KARO.nip)
    r = client.post("/v1/kunci", files={"p12": ("k.p12", pki.p12[KARO.nip].read_bytes())},
                    data={"passphrase": PASSPHRASE}, headers=headers)
    assert r.status_code == 201, r.text
    return Pejabat(pki, headers)


def tanda_tangan(client: Any, who: Pejabat, keterangan: dict[str, Any] | None = None,
                 pdf: bytes | None = None) -> tuple[bytes, str]:
    """A letter signed through the service: its bytes and the QR's URL (or token)."""
    data = {"kunci": SECRET}
    if keterangan is not None:
        data["keterangan"] = json.dumps(keterangan)
    r = client.post("/v1/tanda-tangan", headers=who.headers, data=data,
                    files={"pdf": ("nota.pdf", pdf or surat_pdf(
                        "Ditandatangani secara elektronik pada"))})
    assert r.status_code == 200, r.text
    return r.content, r.headers.get("x-naskah-verifikasi", "")


def token_of(url: str) -> str:
    """The token at the end of a verification URL."""
    found = _TOKEN.search(url)
    assert found, url
    return found.group(1)


__all__ = ["KETERANGAN", "SECRET", "Pejabat", "pejabat", "tanda_tangan", "token_of"]
