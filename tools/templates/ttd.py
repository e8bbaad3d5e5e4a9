"""The end of a document: paraf table, signature block, tembusan, lampiran titles.

The signature block sits in one table row that may not split across pages
(``cantSplit``): jabatan, the signature space, name, pangkat and NIP always share a
page, and the paragraph before the row is kept with it, so the closing paragraph
moves to the next page with the block rather than leaving it alone there.
"""

from __future__ import annotations

from typing import Any

from docx.shared import Cm, Pt

from .blocks import titled_list
from .common import TEXT_WIDTH, Container, blank, close_cell, para, row_tag, table, tag

TTD_WIDTH = Cm(9)
"""The signature column: names with gelar, pangkat, 'NIP 19700515 199503 1 001' and a
jabatan such as 'Kepala Biro Perencanaan dan Organisasi,' on one line each, in
Bookman Old Style 12 too."""
GUTTER = Cm(0.5)
TTD_INDENT = TEXT_WIDTH - TTD_WIDTH
PARAF_WIDTHS = [Cm(0.7), Cm(2.7), Cm(1.3), Cm(1.8)]  # No / Jabatan / Paraf / Tanggal


def ttd_block(cell: Container, var: str = "ttd", label: str | None = None) -> None:
    """Place and date, jabatan lines, the signature space, name, pangkat, NIP."""
    tag(cell, f"if {var}.tempat_tanggal")
    para(cell, "{{ " + var + ".tempat_tanggal }}")
    tag(cell, "endif")
    if label:
        para(cell, label)
    else:
        tag(cell, f"for baris in {var}.jabatan")
        para(cell, "{{ baris }}")
        tag(cell, "endfor")
    # The signature space: empty on a konsep, the tanda (e.g. electronic signature) once signed.
    para(cell, "{{ pengesahan.tanda }}", style="Naskah Kecil")
    blank(cell, 2)
    para(cell, ("{{ " + var + ".nama }}", {"bold": True}))
    tag(cell, f"if {var}.pangkat")
    para(cell, "{{ " + var + ".pangkat }}")
    tag(cell, "endif")
    tag(cell, f"if {var}.nip")
    para(cell, "{{ " + var + ".nip }}")
    tag(cell, "endif")


def paraf_table(cell: Container) -> None:
    """No / Jabatan / Paraf / Tanggal: the paraf hierarki and koordinasi on a konsep."""
    tag(cell, "if paraf")
    para(cell, "Paraf:", style="Naskah Kecil")
    t = table(cell, 4, PARAF_WIDTHS, borders=True)
    for c, head in zip(t.rows[0].cells, ("No", "Jabatan", "Paraf", "Tanggal"), strict=True):
        para(c, (head, {"bold": True}), size=Pt(8), align="CENTER")
    row_tag(t.rows[1], "for p in paraf", size=Pt(8))
    for c, value in zip(
        t.rows[2].cells, ("{{ p.no }}", "{{ p.jabatan }}", "{{ p.paraf }}", "{{ p.tanggal }}"),
        strict=True,
    ):
        para(c, value, size=Pt(8))
    row_tag(t.rows[3], "endfor", size=Pt(8))
    tag(cell, "endif")
    close_cell(cell)


def paraf_and_ttd(doc: Any) -> None:
    """The paraf table on the left and the signature block on the right, on one page."""
    blank(doc, keep=True)
    t = table(doc, 1, [TTD_INDENT - GUTTER, GUTTER, TTD_WIDTH], keep_rows=True)
    left, mid, right = t.rows[0].cells
    paraf_table(left)
    para(mid, "")
    ttd_block(right)


def closing(doc: Any) -> None:
    """What ends a letter: paraf table and signature, tembusan, and (when the profile
    asks for it) the titles of the lampiran."""
    paraf_and_ttd(doc)
    titled_list(doc, "{{ profil.label.tembusan }}", "tembusan", item="t")
    titled_list(doc, "{{ profil.label.lampiran }}", "daftar_lampiran", item="lp")


__all__ = ["TTD_INDENT", "TTD_WIDTH", "closing", "paraf_and_ttd", "ttd_block"]
