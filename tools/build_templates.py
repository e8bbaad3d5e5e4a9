"""Build the packaged docxtpl templates in ``naskah/docx/templates/``.

What ships is the ``.docx`` files; this script is how they are made, so a layout
change is a reviewable code change. Run ``python tools/build_templates.py`` (``make
templates``) and commit the result: the ``.docx`` files and their precompiled Jinja code
in ``naskah/docx/templates/compiled/``. The builders live in ``tools/templates/``.

Layout (README, "Format profiles"): kop on page 1 only; page numbers ``- 2 -`` centred
at the top from page 2; the signature block on the right, never split across pages;
tembusan bottom-left.

One template per type serves every format profile (naskah/profil). The template holds
no Jinja in any XML attribute: its page is A4 with the ``pusat`` margins and its text
takes font and size from named styles (Normal, "Naskah Judul", "Naskah Kop", "Naskah
Kop Kecil", "Naskah Kecil"), which the renderer sets to the profile's values on the
rendered package (naskah.docx.appearance). The kop kind and the heading layout
(``tata_letak``) are Jinja branches in the text, so a profile change needs no new
template, and the template opens and saves in Word, LibreOffice and python-docx.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Any

from naskah.models import JENIS

try:  # run as a script (tools/ is on sys.path) or imported as tools.build_templates
    from compile_templates import write as write_compiled
    from lean_template import trim_bytes
    from templates import BUILDERS_BY_JENIS
except ImportError:
    from tools.compile_templates import write as write_compiled
    from tools.lean_template import trim_bytes
    from tools.templates import BUILDERS_BY_JENIS

OUT = Path(__file__).resolve().parent.parent / "naskah" / "docx" / "templates"

BUILDERS: dict[str, Any] = {cls.template: BUILDERS_BY_JENIS[jenis]
                            for jenis, cls in JENIS.items()}
"""One builder per registered type (naskah.models.JENIS), by template file name."""


def build_template(name: str) -> bytes:
    """The finished template file ``name`` (e.g. ``nota_dinas.docx``) as bytes."""
    doc = BUILDERS[name]()
    buffer = io.BytesIO()
    doc.save(buffer)
    return trim_bytes(buffer.getvalue())


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else OUT
    out.mkdir(parents=True, exist_ok=True)
    for name in BUILDERS:
        (out / name).write_bytes(build_template(name))
        print(out / name)
    # Their Jinja code, precompiled for naskah.docx.templates.compiled (tools/compile_templates.py).
    for path in write_compiled(out):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
