"""The berkas's cover: the trail summarised, step by step, with its signatures."""

from __future__ import annotations

from pathlib import Path

from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from lxml import etree

from naskah.formatting import tanggal, waktu_zona
from naskah.sop.model import Sop
from naskah.trail.berkas.asli import Asli
from naskah.trail.berkas.halaman import page, printable
from naskah.trail.ledger import Entry, Header
from naskah.trail.ringkasan import durasi_teks


def sampul(header: Header, sop: Sop, entries: list[Entry], final_hash: str,
           originals: list[Asli]) -> DocxDocument:
    """The cover page of the berkas (A4 landscape)."""
    doc = page(landscape=True)
    doc.add_heading(f"BERKAS {sop.judul.upper()}", level=1)
    doc.add_paragraph(f"SOP {sop.nomor} — {sop.instansi}" + (f", {sop.unit}" if sop.unit else ""))
    tz = sop.tz
    dibuat = header.dibuat.astimezone(tz)
    doc.add_paragraph(f"Berkas {header.berkas}, dimulai {tanggal(dibuat.date())} "
                      f"{waktu_zona(dibuat)}; {len(entries)} dari {len(sop.langkah)} langkah "
                      "tercatat.")
    per_hari = sop.jam_kerja.menit_per_hari
    table = doc.add_table(rows=1, cols=7)
    table.style = "Table Grid"
    heads = ("No", "Kegiatan", "Pelaksana", "Selesai", "Standar", "Aktual", "Keluaran")
    for cell, text in zip(table.rows[0].cells, heads, strict=True):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    for e in entries:
        cells = table.add_row().cells
        selesai = e.selesai.astimezone(tz)
        values = (
            str(e.step),
            e.kegiatan,  # whole: the cell wraps it (it was cut mid-word)
            f"{e.pelaksana.nama} ({sop.peran_ke(e.peran).nama})",
            f"{selesai:%d-%m-%Y} {waktu_zona(selesai)}" + ("*" if e.waktu_dilaporkan else ""),
            # The standard in the same words as the actual time ("1 hari kerja", "10 menit").
            durasi_teks(sop.waktu_menit(sop.langkah_ke(e.step)), per_hari),
            durasi_teks(e.durasi_menit, per_hari) + (" — MELEBIHI" if e.melebihi else ""),
            "; ".join(r.nama for r in e.keluaran),
        )
        for cell, text in zip(cells, values, strict=True):
            cell.text = text
    widths = (Cm(0.9), Cm(7.2), Cm(4.4), Cm(2.6), Cm(2.2), Cm(2.9), Cm(5.5))
    table.autofit = False
    # LibreOffice lays a table out by its grid, Word by the cell widths: set both.
    for col, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=True):
        col.set(qn("w:w"), str(width.twips))
    for index, row in enumerate(table.rows):
        # A row stays on one page (its text wrapped whole), the heading repeats on each.
        row_pr = row._tr.get_or_add_trPr()
        etree.SubElement(row_pr, qn("w:cantSplit"))
        if index == 0:
            etree.SubElement(row_pr, qn("w:tblHeader"))
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width
            for p in cell.paragraphs:
                for run in p.runs:
                    run.font.size = Pt(8)
    over = [e.step for e in entries if e.melebihi]
    doc.add_paragraph()
    doc.add_paragraph("Langkah melebihi standar waktu: "
                      + (", ".join(map(str, over)) if over else "tidak ada"))
    if any(e.waktu_dilaporkan for e in entries):
        doc.add_paragraph("* Waktu dilaporkan oleh pelaksana; ledger mencatat kapan langkah "
                          "dicatat sistem.")
    doc.add_paragraph(f"Hash akhir ledger (SHA-256): {final_hash}")
    doc.add_paragraph("Verifikasi: utuh — setiap dokumen dan entri ledger cocok dengan hash "
                      "yang tercatat, dan setiap entri ditandatangani secara elektronik oleh "
                      "pelaksananya.")
    if originals:
        doc.add_paragraph("Tanda tangan elektronik (asli terlampir di berkas ini sebagai file "
                          "PDF bertanda tangan):")
        for tte in originals:
            doc.add_paragraph(printable(f"Langkah {tte.step} — {Path(str(tte.ref.file)).name}: "
                                         f"{tte.hasil}"), style="List Bullet")
    return doc


__all__ = ["sampul"]
