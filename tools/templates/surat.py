"""The letters: nota dinas and undangan, each with its baku and korespondensi heading."""

from __future__ import annotations

from typing import Any

from docx.shared import Cm, Pt

from .blocks import body, fields, klasifikasi, kop, numbered, paragraphs, title
from .common import TEXT_WIDTH, new_document, para, row_tag, rule, table, tag
from .ttd import closing

NOTA_DINAS_BAKU = ["Yth.", "Dari", "Tanggal", "Sifat", "Lampiran", "Hal"]
"""Permenpan RB 80/2012: the nota dinas heading under 'NOTA DINAS / NOMOR ...'."""
NOTA_DINAS_KORESPONDENSI = ["Yth.", "Dari", "Tanggal", "Nomor", "Sifat", "Lampiran", "Hal"]
"""Permendagri 1/2023 (the pemda profile's order): the Nomor among the rows."""
_VALUES = {"Yth.": "kepada", "Dari": "dari", "Tanggal": "tanggal", "Nomor": "nomor",
           "Sifat": "sifat", "Lampiran": "lampiran", "Hal": "hal"}

U_LABEL = Cm(2.4)  # "Lampiran" in Bookman Old Style 12
U_VALUE = Cm(2.8)


def nota_dinas() -> Any:
    doc = new_document()
    kop(doc)
    klasifikasi(doc)
    title(doc, "{{ judul }}")
    tag(doc, 'if tata_letak == "korespondensi"')
    para(doc, "", after=Pt(6))
    fields(doc, [(name, "{{ " + _VALUES[name] + " }}") for name in NOTA_DINAS_KORESPONDENSI])
    tag(doc, "else")
    para(doc, "NOMOR {{ nomor }}", align="CENTER", after=Pt(12))
    fields(doc, [(name, "{{ " + _VALUES[name] + " }}") for name in NOTA_DINAS_BAKU])
    tag(doc, "endif")
    rule(doc, after=Pt(12))
    paragraphs(doc, "isi")
    closing(doc)
    return doc


def _row(doc: Any, label: str, value: str, date: bool = False) -> None:
    """'Label<tab>:<tab>value', wrapping under the value; the Nomor row also carries the
    place and date at the right margin (a right tab), so neither is squeezed into a
    column: a long nomor and the date share the line as long as they fit together."""
    text = f"{label}\t:\t{value}" + ("\t{{ tempat_tanggal }}" if date else "")
    para(doc, text, left=U_VALUE, first=-U_VALUE, tabs=[U_LABEL, U_VALUE],
         right_tabs=[TEXT_WIDTH] if date else ())


def undangan() -> Any:
    doc = new_document()
    kop(doc)
    klasifikasi(doc)
    rows = [("Nomor", "{{ nomor }}"), ("Sifat", "{{ sifat }}"),
            ("Lampiran", "{{ lampiran }}"), ("Hal", "{{ hal }}")]
    # korespondensi (Permendagri 1/2023): place and date top right on their own line;
    # baku (Permenpan RB 80/2012): on the Nomor line, at the right margin.
    tag(doc, 'if tata_letak == "korespondensi"')
    para(doc, "{{ tempat_tanggal }}", align="RIGHT", after=Pt(12))
    for name, value in rows:
        _row(doc, name, value)
    tag(doc, "else")
    for name, value in rows:
        _row(doc, name, value, date=name == "Nomor")
    tag(doc, "endif")
    para(doc, "")
    para(doc, "Yth.")
    numbered(doc, "kepada", item="k", align="LEFT")
    para(doc, "di {{ di }}", after=Pt(12))
    body(doc, "pembuka")
    t = table(doc, 3, [Cm(1.25), Cm(3.5), Cm(0.5), TEXT_WIDTH - Cm(5.25)])
    row_tag(t.rows[0], "for r in rapat")
    for c, value in zip(t.rows[1].cells, ("", "{{ r.label }}", ":", "{{ r.isi }}"), strict=True):
        para(c, value)
    row_tag(t.rows[2], "endfor")
    para(doc, "")
    body(doc, "penutup", keep=True)
    closing(doc)
    return doc


__all__ = ["nota_dinas", "undangan"]
