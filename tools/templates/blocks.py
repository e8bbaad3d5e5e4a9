"""Blocks several document types share: the kop, label-value rows, lists, titles."""

from __future__ import annotations

from typing import Any

from docx.shared import Cm, Pt, RGBColor

from .common import (
    HANG,
    NO_INDENT,
    TEXT_WIDTH,
    Container,
    merge_row,
    para,
    rule,
    table,
    tag,
)

LABEL = Cm(3)
COLON = Cm(0.5)
LOGO = Cm(2.6)  # the kop's logo column, and the same width on the right to centre the text


def kop(doc: Any) -> None:
    """The kop, by kind: jabatan (Garuda centred), else instansi/daerah, logo left or centred."""
    tag(doc, 'if kop.jenis == "jabatan"')
    para(doc, "{{ kop.lambang }}", align="CENTER")
    tag(doc, "for baris in kop.nama")
    para(doc, "{{ baris }}", align="CENTER", style="Naskah Kop")
    tag(doc, "endfor")
    para(doc, "", after=Pt(12))
    tag(doc, 'elif profil.kop.logo == "tengah"')
    tag(doc, "if kop.logo")
    para(doc, "{{ kop.logo }}", align="CENTER")
    tag(doc, "endif")
    kop_text(doc)
    rule(doc, "thickThinSmallGap", 18, after=Pt(12))
    tag(doc, "else")
    t = table(doc, 1, [LOGO, TEXT_WIDTH - 2 * LOGO, LOGO])
    logo, text, right = t.rows[0].cells
    para(logo, "{{ kop.logo }}", align="CENTER")
    kop_text(text)
    para(right, "")
    rule(doc, "thickThinSmallGap", 18, after=Pt(12))
    tag(doc, "endif")


def kop_text(container: Container) -> None:
    """The kop's lines: daerah tiers, agency name, unit, address, contacts; all centred."""
    for var in ("kop.daerah", "kop.nama"):
        tag(container, f"for baris in {var}")
        para(container, "{{ baris }}", align="CENTER", style="Naskah Kop")
        tag(container, "endfor")
    tag(container, "if kop.unit")
    para(container, ("{{ kop.unit }}", {"bold": True}), align="CENTER")
    tag(container, "endif")
    para(container, "{{ kop.alamat }}", align="CENTER", style="Naskah Kop Kecil")
    tag(container, "if kop.kontak")
    para(container, "{{ kop.kontak }}", align="CENTER", style="Naskah Kop Kecil")
    tag(container, "endif")


def fields(container: Container, rows: list[tuple[str, str]], label: Any = LABEL,
           indent: frozenset[str] = frozenset()) -> None:
    """Label : value rows in a borderless table (Yth./Dari/Hal, Rapat/Tempat, ...).

    A row whose value is None is a heading over the rows after it (their labels in
    ``indent`` are set in by half a centimetre).
    """
    t = table(container, len(rows), [label, COLON, TEXT_WIDTH - label - COLON])
    for row, (name, value) in zip(t.rows, rows, strict=True):
        if value is None:
            para(merge_row(row), name)
            continue
        para(row.cells[0], name, left=Cm(0.5) if name in indent else None)
        para(row.cells[1], ":")
        para(row.cells[2], value)


def numbered(
    container: Container, var: str, left: Any = NO_INDENT, item: str = "x",
    align: str = "JUSTIFY", last_keep: bool = False,
) -> None:
    """A loop of list items: '1.<tab>text' with a hanging indent, or the text alone when
    the item has no number (a single tembusan). ``last_keep``: the last item is kept on
    the page of what follows (the signature block)."""
    tag(container, f"for {item} in {var}")
    tag(container, f"if {item}.no")
    if last_keep:
        tag(container, "if loop.last")
        _item(container, item, left, align, keep=True)
        tag(container, "else")
    _item(container, item, left, align, keep=False)
    if last_keep:
        tag(container, "endif")
    tag(container, "else")
    para(container, "{{ " + item + ".teks }}", left=left, align=align, keep=last_keep)
    tag(container, "endif")
    tag(container, "endfor")


def _item(container: Container, item: str, left: Any, align: str, keep: bool) -> None:
    para(container, "{{ " + item + ".no }}\t{{ " + item + ".teks }}", left=left + HANG,
         first=-HANG, tabs=[left + HANG], align=align, keep=keep)


def titled_list(doc: Any, heading: str, var: str, item: str) -> None:
    """A heading kept with its first item, then the list; only when the list is not empty."""
    tag(doc, f"if {var}")
    para(doc, heading, before=Pt(12), keep=True)
    numbered(doc, var, item=item, align="LEFT")
    tag(doc, "endif")


def klasifikasi(doc: Any) -> None:
    """The security marking above the title: red for RAHASIA/SANGAT RAHASIA, else black."""
    tag(doc, "if klasifikasi_merah")
    p = para(doc, ("{{ klasifikasi_cetak }}", {"bold": True}), align="CENTER", after=Pt(6))
    p.runs[0].font.color.rgb = RGBColor(0xC0, 0x00, 0x00)
    tag(doc, "elif klasifikasi_cetak")
    para(doc, ("{{ klasifikasi_cetak }}", {"bold": True}), align="CENTER", after=Pt(6))
    tag(doc, "endif")


def title(doc: Any, *lines: str) -> None:
    for line in lines:
        para(doc, line, align="CENTER", style="Naskah Judul")


def body(doc: Any, var: str, keep: bool = False) -> None:
    para(doc, "{{ " + var + " }}", align="JUSTIFY", first=Cm(1.25), after=Pt(6), keep=keep)


def paragraphs(doc: Any, var: str) -> None:
    """The body paragraphs; the last is kept on the page of the signature block."""
    tag(doc, f"for paragraf in {var}")
    tag(doc, "if loop.last")
    body(doc, "paragraf", keep=True)
    tag(doc, "else")
    body(doc, "paragraf")
    tag(doc, "endif")
    tag(doc, "endfor")
