"""The main job: the full 14-step Tata Kelola Data trail on the packaged example data.

``naskah demo OUT_DIR`` (and ``make demo``) runs every step of the SOP as the people
in ``examples/data/trail/pelaksana.json``, across two working days, leaving a complete
berkas: every DOCX, the attachments, the ledger, and (with LibreOffice) PDFs.

Everything is signed with a TEST PKI made for the run (``OUT_DIR/pki-uji``: a root
"naskah UJI — bukan untuk produksi" and a PKCS#12 file per pejabat). Their passphrase
comes from ``NASKAH_DEMO_PASSPHRASE``; without it the demo uses the published
:data:`DEMO_PASSPHRASE` and says so. These certificates prove nothing outside the demo.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from naskah.data_langkah import DataLangkah
from naskah.errors import InputError, TamperError
from naskah.ledger import Ledger
from naskah.render import Renderer
from naskah.trail import LEDGER, Trail, Verifikasi
from naskah.trail.folder import DEMO_PKI, LOCK_FILE, STAGING, TRUST_FILE, exclusive_lock

if TYPE_CHECKING:
    from naskah.tte.pkcs12 import Pkcs12Signer

MULAI = datetime.fromisoformat("2026-11-24T07:55:00+07:00")
"""When the demo trail is started: Tuesday morning, before the first step."""

_DEMO_FILES = ("ledger.json", "sop.json", "pelaksana.json", "berkas.pdf", TRUST_FILE)
_DEMO_DIRS = ("dokumen", "lampiran", "aset", "pdf", DEMO_PKI)

PASSPHRASE_ENV = "NASKAH_DEMO_PASSPHRASE"
DEMO_PASSPHRASE = "naskah-uji-demo"
"""Used when NASKAH_DEMO_PASSPHRASE is not set: published, so the demo keys protect nothing."""


def data_dir() -> Path:
    """Folder of the packaged trail example data (examples/data/trail in the source)."""
    return Path(str(resources.files("naskah.contoh").joinpath("trail")))


def prepare(out: Path) -> None:
    """Make ``out`` ready: create it, or clear a berkas the demo itself wrote there.

    Only a folder whose ledger header carries the demo's mark is cleared; any other
    non-empty folder (a real trail above all) is refused with an
    :class:`~naskah.errors.InputError` and left untouched.
    """
    if out.exists() and not out.is_dir():
        raise InputError(f"{out} is a file, not a folder; choose another output folder")
    if out.exists() and any(out.iterdir()):
        if not (out / LEDGER).is_file():
            raise InputError(f"{out} is not empty and holds no naskah berkas; choose another")
        try:
            demo = Ledger.read(out / LEDGER).header.demo
        except (TamperError, ValueError):
            demo = False
        if not demo:
            raise InputError(
                f"{out} holds a trail that naskah demo did not create; it is never replaced. "
                "Choose another folder for the demo"
            )
        with exclusive_lock(out):
            extra = sorted(p.name for p in out.iterdir()
                           if p.name not in (*_DEMO_FILES, *_DEMO_DIRS, LOCK_FILE, STAGING))
            if extra:
                raise InputError(f"{out} holds files the demo did not write ({', '.join(extra)}); "
                                 "move them out or choose another folder")
            for name in _DEMO_FILES:
                (out / name).unlink(missing_ok=True)
            for name in _DEMO_DIRS:
                shutil.rmtree(out / name, ignore_errors=True)
            shutil.rmtree(out / STAGING, ignore_errors=True)
    out.mkdir(parents=True, exist_ok=True)


def passphrase_env() -> tuple[str, bool]:
    """The demo keys' passphrase and whether it is the published default."""
    value = os.environ.get(PASSPHRASE_ENV)
    return (value, False) if value else (DEMO_PASSPHRASE, True)


def make_pki(folder: Path, pelaksana: dict[str, Any]) -> dict[str, Any]:
    """Create the test PKI in ``folder/pki-uji``; the roster with each certificate."""
    from naskah.pelaksana import DaftarPelaksana, kunci
    from naskah.tte.identity import Identitas
    from naskah.tte.pki import init_test_pki

    roster = DaftarPelaksana.model_validate(pelaksana)
    people = roster.orang()
    pki = init_test_pki(folder / DEMO_PKI, [Identitas(p.nama, p.nip, p.jabatan) for p in people],
                        passphrase_env()[0].encode("utf-8"))
    return {**pelaksana, "sertifikat": {
        kunci(p): pki.cert_pem[kunci(p)].read_text(encoding="ascii") for p in people}}


def signer(folder: Path, nip: str) -> Pkcs12Signer:
    """The demo signer of the pejabat with ``nip`` in the demo berkas ``folder``."""
    from naskah.tte.passphrase import Passphrase
    from naskah.tte.pkcs12 import Pkcs12Signer

    return Pkcs12Signer(Path(folder) / DEMO_PKI / f"{nip}.p12",
                        Passphrase.literal(passphrase_env()[0]))


def run(
    out: str | Path,
    *,
    renderer: Renderer | None = None,
    progress: Callable[[str], None] | None = None,
) -> tuple[Trail, Verifikasi]:
    """Run all 14 steps into ``out``, each signed with the performer's test key, and
    verify the result."""
    folder = Path(out)
    prepare(folder)
    base = data_dir()
    pelaksana = make_pki(folder, json.loads((base / "pelaksana.json").read_text(
        encoding="utf-8")))
    first = DataLangkah.load(base / "langkah-01.json").oleh
    trail = Trail.init(folder, pelaksana, dibuat=MULAI, renderer=renderer, demo=True,
                       trust=[folder / DEMO_PKI / "ca.pem"], oleh=first,
                       signer=signer(folder, first))
    for langkah in trail.sop.langkah:
        data = DataLangkah.load(base / f"langkah-{langkah.nomor:02d}.json")
        entry = trail.perform(langkah.nomor, **data.perform_kwargs(),
                              signer=signer(folder, data.oleh))
        if progress:
            files = ", ".join(r.file for r in entry.keluaran if r.file) or "(tindakan)"
            progress(f"  {entry.step:>2}. {entry.pelaksana.nama:32} {files}")
    return trail, trail.verify()
