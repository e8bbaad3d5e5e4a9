"""The forms and the report: disposisi, notulen, laporan."""

from __future__ import annotations

from typing import Any

from docx.shared import Cm, Pt

from .blocks import fields, kop, numbered, title
from .common import (
    HANG,
    blank,
    gap,
    new_document,
    para,
    row_tag,
    table,
    tag,
)
from .ttd import GUTTER, TTD_INDENT, TTD_WIDTH, paraf_and_ttd, ttd_block


def _merge(row: Any, first: int, last: int) -> Any:
    """Cells ``first``..``last`` of a row as one (python-docx merges cells with a paragraph)."""
    cells = row.cells
    for c in cells[first:last + 1]:
        c.add_paragraph()
    cell = cells[first].merge(cells[last])
    for p in list(cell.paragraphs):
        cell._tc.remove(p._p)
    return cell


def disposisi() -> Any:
    doc = new_document()
    kop(doc)
    title(doc, "{{ judul }}")
    blank(doc)
    # Long values (a nomor such as ND-412/Ses.PO/OT.01.02/11/2026, the sender) get a
    # whole row; the dates, agenda number, sifat and klasifikasi share rows.
    t = table(doc, 5, [Cm(2.8), Cm(5.2), Cm(3.2), Cm(4.8)], borders=True, keep_rows=True)
    rows = t.rows
    para(rows[0].cells[0], "Surat dari")
    para(_merge(rows[0], 1, 2), "{{ surat_dari }}")
    para(rows[0].cells[3], "Klasifikasi: {{ klasifikasi }}")
    para(rows[1].cells[0], "No. Surat")
    para(_merge(rows[1], 1, 3), "{{ nomor_surat }}")
    for row, values in zip(rows[2:4], [
        ("Tgl. Surat", "{{ tanggal_surat }}", "Diterima Tgl.", "{{ diterima_tanggal }}"),
        ("No. Agenda", "{{ nomor_agenda }}", "Sifat", "{{ sifat }}"),
    ], strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            para(cell, value)
    para(rows[4].cells[0], "Hal")
    para(_merge(rows[4], 1, 3), "{{ hal }}")
    gap(doc)
    t = table(doc, 2, [Cm(8.0), Cm(8.0)], borders=True, keep_rows=True)
    left, right = t.rows[0].cells
    para(left, ("Diteruskan kepada Sdr.:", {"bold": True}))
    numbered(left, "diteruskan_kepada", item="d", align="LEFT")
    para(right, ("Dengan hormat harap:", {"bold": True}))
    tag(right, "for h in harapan")
    tag(right, "if h.kotak")
    para(right, "{{ h.kotak }} {{ h.teks }}")
    # A blank line of dots for an instruction written by hand (typed dots: LibreOffice
    # draws no tab leader on a line that holds nothing else).
    tag(right, "else")
    para(right, "." * 48, left=Cm(0.5))
    tag(right, "endif")
    tag(right, "endfor")
    cell = _merge(t.rows[1], 0, 1)
    para(cell, ("Catatan:", {"bold": True}))
    para(cell, "{{ catatan }}", align="JUSTIFY")
    blank(cell, 2)
    paraf_and_ttd(doc)
    return doc


def notulen() -> Any:
    doc = new_document()
    kop(doc)
    title(doc, "{{ judul }}")
    blank(doc)
    # The pimpinan rapat (ketua, sekretaris, pencatat) under one heading; the ketua
    # and pencatat named as they sign below.
    fields(
        doc,
        [
            ("Rapat", "{{ nama_rapat }}"),
            ("Hari/tanggal", "{{ hari_tanggal }}"),
            ("Waktu panggilan", "{{ waktu_panggilan }}"),
            ("Waktu rapat", "{{ waktu_rapat }}"),
            ("Tempat", "{{ tempat }}"),
            ("Acara", "{{ acara }}"),
            ("Pimpinan rapat", None),
            ("Ketua", "{{ ttd.nama }}"),
            ("Sekretaris", "{{ sekretaris }}"),
            ("Pencatat", "{{ ttd_pencatat.nama }}"),
        ],
        label=Cm(4),
        indent=frozenset({"Ketua", "Sekretaris", "Pencatat"}),
    )
    para(doc, ("Peserta rapat:", {"bold": True}), before=Pt(12), after=Pt(4), keep=True)
    t = table(doc, 4, [Cm(1.0), Cm(7.0), Cm(8.0)], borders=True, keep_rows=True)
    for c, head in zip(t.rows[0].cells, ("No", "Nama", "Jabatan/Unit"), strict=True):
        para(c, (head, {"bold": True}), align="CENTER")
    row_tag(t.rows[1], "for p in peserta")
    for c, value in zip(t.rows[2].cells, ("{{ p.no }}", "{{ p.nama }}", "{{ p.jabatan }}"),
                        strict=True):
        para(c, value)
    row_tag(t.rows[3], "endfor")
    para(doc, ("Kegiatan rapat:", {"bold": True}), before=Pt(12), keep=True)
    para(doc, "1.\tPembukaan", tabs=[HANG], before=Pt(6), keep=True)
    para(doc, "{{ pembukaan }}", left=HANG, align="JUSTIFY")
    para(doc, "2.\tPembahasan", tabs=[HANG], before=Pt(6), keep=True)
    numbered(doc, "pembahasan", left=HANG, item="b")
    para(doc, "3.\tKeputusan/Kesimpulan", tabs=[HANG], before=Pt(6), keep=True)
    numbered(doc, "kesimpulan", left=HANG, item="k", last_keep=True)
    blank(doc, keep=True)
    t = table(doc, 1, [TTD_INDENT - GUTTER, GUTTER, TTD_WIDTH], keep_rows=True)
    left, mid, right = t.rows[0].cells
    para(left, "")  # level with the place and date over the ketua's block
    ttd_block(left, "ttd_pencatat", label="Pencatat,")
    para(mid, "")
    ttd_block(right, "ttd", label="Ketua,")
    return doc


def laporan() -> Any:
    doc = new_document()
    kop(doc)
    title(doc, "{{ judul }}", "TENTANG", "{{ tentang }}")
    blank(doc)

    def heading(text: str) -> None:
        para(doc, (text, {"bold": True}), tabs=[HANG], before=Pt(6), keep=True)

    def sub(text: str) -> None:
        para(doc, text, left=HANG, tabs=[HANG * 2], before=Pt(4), keep=True)

    def text(var: str, keep: bool = False) -> None:
        para(doc, "{{ " + var + " }}", left=HANG * 2, align="JUSTIFY", keep=keep)

    # Levels A. -> 1. -> a.: the items under 4. Dasar, 1. Simpulan and 2. Saran are a., b.
    heading("A.\tPendahuluan")
    sub("1.\tUmum")
    text("umum")
    sub("2.\tMaksud dan Tujuan")
    text("maksud_dan_tujuan")
    sub("3.\tRuang Lingkup")
    text("ruang_lingkup")
    sub("4.\tDasar")
    numbered(doc, "dasar", left=HANG * 2, item="d")
    heading("B.\tKegiatan yang Dilaksanakan")
    numbered(doc, "kegiatan", left=HANG, item="k")
    heading("C.\tHasil yang Dicapai")
    numbered(doc, "hasil", left=HANG, item="h")
    heading("D.\tSimpulan dan Saran")
    sub("1.\tSimpulan")
    numbered(doc, "simpulan", left=HANG * 2, item="s")
    tag(doc, "if saran")
    sub("2.\tSaran")
    numbered(doc, "saran", left=HANG * 2, item="s")
    tag(doc, "endif")
    heading("E.\tPenutup")
    para(doc, "{{ penutup }}", left=HANG, align="JUSTIFY", keep=True)
    paraf_and_ttd(doc)
    return doc


__all__ = ["disposisi", "laporan", "notulen"]
