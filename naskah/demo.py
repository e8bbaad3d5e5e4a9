"""The main job: the full 14-step Tata Kelola Data trail on the packaged example data.

``naskah demo OUT_DIR`` (and ``make demo``) runs every step of the SOP as the people
in ``examples/data/trail/pelaksana.json``, across two working days, leaving a complete
berkas: every DOCX, the attachments, the ledger, and (with LibreOffice) PDFs.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from datetime import datetime
from importlib import resources
from pathlib import Path

from naskah.data_langkah import DataLangkah
from naskah.errors import InputError, TamperError
from naskah.ledger import Ledger
from naskah.render import Renderer
from naskah.trail import LEDGER, Trail, Verifikasi
from naskah.trail.folder import LOCK_FILE, STAGING, exclusive_lock

MULAI = datetime.fromisoformat("2026-11-24T07:55:00+07:00")
"""When the demo trail is started: Tuesday morning, before the first step."""

_DEMO_FILES = ("ledger.json", "sop.json", "pelaksana.json", "berkas.pdf")
_DEMO_DIRS = ("dokumen", "lampiran", "aset", "pdf")


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


def run(
    out: str | Path,
    *,
    renderer: Renderer | None = None,
    progress: Callable[[str], None] | None = None,
) -> tuple[Trail, Verifikasi]:
    """Run all 14 steps into ``out`` and verify the result."""
    folder = Path(out)
    prepare(folder)
    base = data_dir()
    pelaksana = json.loads((base / "pelaksana.json").read_text(encoding="utf-8"))
    trail = Trail.init(folder, pelaksana, dibuat=MULAI, renderer=renderer, demo=True)
    for langkah in trail.sop.langkah:
        data = DataLangkah.load(base / f"langkah-{langkah.nomor:02d}.json")
        entry = trail.perform(langkah.nomor, **data.perform_kwargs())
        if progress:
            files = ", ".join(r.file for r in entry.keluaran if r.file) or "(tindakan)"
            progress(f"  {entry.step:>2}. {entry.pelaksana.nama:32} {files}")
    return trail, trail.verify()
