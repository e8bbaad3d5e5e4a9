"""The example Tata Kelola Data trail performed through the service's API: one pejabat
account per official, each with their own enrolled key (tests of pages and QR codes)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

from naskah.trail.pelaksana import DaftarPelaksana
from tests.helpers import EXAMPLES
from tests.serve_support import add_user
from tests.trail_keys import PASSPHRASE, ROSTER, SESMENKO, TrailPki

SECRET = {"jenis": "pkcs12", "passphrase": PASSPHRASE}
TRAIL = EXAMPLES / "trail"


def accounts(db: str) -> dict[str, dict[str, str]]:
    """A pejabat account per official of the example roster, by NIP."""
    return {p.nip: add_user(db, f"pejabat-{p.nip}", "pejabat", nip=p.nip)
            for p in DaftarPelaksana.model_validate(ROSTER).orang() if p.nip}


def enrol(client: Any, keys: TrailPki, auth: dict[str, dict[str, str]]) -> None:
    """Each official enrols their PKCS#12 once."""
    for nip, headers in auth.items():
        r = client.post("/v1/kunci", files={"p12": ("k.p12", keys.pki.p12[nip].read_bytes())},
                        data={"passphrase": PASSPHRASE}, headers=headers)
        assert r.status_code == 201, r.text


def start(client: Any, auth: dict[str, dict[str, str]]) -> str:
    """A new trail started by the Sesmenko; its id."""
    r = client.post("/v1/trail", json={"pelaksana": ROSTER, "oleh": SESMENKO, "kunci": SECRET},
                    headers=auth[SESMENKO])
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def step_input(n: int) -> tuple[dict[str, Any], dict[str, tuple[str, bytes]]]:
    """Step ``n`` of the example: its JSON (documents inlined) and its attachments."""
    raw = json.loads((TRAIL / f"langkah-{n:02d}.json").read_text(encoding="utf-8"))
    body: dict[str, Any] = {k: v for k, v in raw.items() if k not in ("dokumen", "lampiran")}
    body["dokumen"] = {kode: json.loads((TRAIL / doc).read_text(encoding="utf-8"))
                       if isinstance(doc, str) else doc
                       for kode, doc in raw.get("dokumen", {}).items()}
    files = {kode: (Path(path).name, (TRAIL / path).read_bytes())
             for kode, path in raw.get("lampiran", {}).items()}
    return body, files


def perform(client: Any, trail: str, n: int, auth: dict[str, dict[str, str]]) -> Any:
    """Step ``n`` performed by its official through ``POST /v1/trail/{id}/langkah/{n}``."""
    body, files = step_input(n)
    body["kunci"] = SECRET
    url, headers = f"/v1/trail/{trail}/langkah/{n}", auth[body["oleh"]]
    if not files:
        return client.post(url, json=body, headers=headers)
    return client.post(url, data={"data": json.dumps(body)}, files=files, headers=headers)


def qr_codes(pdf: bytes, folder: Path) -> list[str]:
    """What the QR codes on ``pdf``'s pages say, read from 150 dpi images (zbarimg)."""
    assert shutil.which("zbarimg") and shutil.which("pdftoppm"), "zbar-tools, poppler-utils"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "surat.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(folder / "surat.pdf"),
                    str(folder / "hal")], check=True, timeout=120)
    found: list[str] = []
    for image in sorted(folder.glob("hal*.png")):
        run = subprocess.run(["zbarimg", "--raw", "-q", str(image)], capture_output=True,
                             text=True, timeout=60)
        found += [line for line in run.stdout.splitlines() if line.strip()]
    return found


__all__ = ["SECRET", "accounts", "enrol", "perform", "qr_codes", "start", "step_input"]
