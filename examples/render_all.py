"""Render the five example documents (examples/data/*.json) to DOCX, and PDF if possible.

Run from the project folder:

    .venv/bin/python examples/render_all.py [OUT_DIR]

Each JSON file is one document; edit a copy and run again to make your own. The files
are written as of November 2026; their dates are moved to the present here, as the demo
does (naskah.example_dates).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import naskah
from naskah.example_dates import GeserTanggal, mulai_terkini
from naskah.pdf import soffice_available

DATA = Path(__file__).resolve().parent / "data"


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "out/contoh")
    out.mkdir(parents=True, exist_ok=True)
    renderer = naskah.Renderer()  # keeps every template compiled: make one, reuse it
    make_pdf = soffice_available()
    jobs = []
    geser = GeserTanggal(mulai_terkini())
    for jenis in naskah.JENIS:
        data = json.loads((DATA / f"{jenis}.json").read_text(encoding="utf-8"))
        try:
            dokumen = naskah.load_naskah(jenis, geser(data), f"{jenis}.json")
        except naskah.InputError as exc:  # names every wrong field and why
            print(exc, file=sys.stderr)
            return 2
        jobs.append((dokumen, out / f"{jenis}.docx"))
        if make_pdf:
            jobs.append((dokumen, out / f"{jenis}.pdf"))
    # One call: all five PDFs come from a single LibreOffice run.
    for path in renderer.save_many(jobs):
        print(path)
    if not make_pdf:
        print("(LibreOffice not found: PDFs skipped; apt-get install libreoffice-writer-nogui)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
