"""Build the packaged docxtpl templates in ``naskah/templates/``.

What ships is the ``.docx`` files; this script is how they are made, so a layout
change is a reviewable code change. Run ``python tools/build_templates.py`` (``make templates``) and
commit the result: the ``.docx`` files and their precompiled Jinja code in
``naskah/templates/compiled/``. Users who want their own kop, font or layout start from a copy
of a shipped template and edit it in Word or LibreOffice.

Layout (tata-naskah-dinas.md): kop on page 1 only; page numbers centred at the top
from page 2; signature block on the right; tembusan bottom-left.

One template per type serves every format profile (naskah/profil): what a profile
decides reaches the document as template values, never by editing the rendered file:

- page size and margins: ``{{ profil.halaman.* }}`` (twips) in the section properties;
- font family, sizes and line spacing: ``{{ profil.huruf.* }}`` in every run and
  paragraph the builder writes (the styles part keeps Arial 12 as a plain fallback);
- the kop kind (instansi with the logo left or centred, jabatan with the Garuda
  emblem, daerah with its tiers) and the heading layout (``tata_letak``): Jinja
  branches, so a profile change needs no new template.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Pt, RGBColor

from naskah.models import JENIS

try:  # run as a script (tools/ is on sys.path) or imported as tools.build_templates
    from compile_templates import write as write_compiled
    from lean_template import trim_bytes
except ImportError:
    from tools.compile_templates import write as write_compiled
    from tools.lean_template import trim_bytes

OUT = Path(__file__).resolve().parent.parent / "naskah" / "docx" / "templates"
FONT = "Arial"  # the styles' fallback; runs name the profile's font
SIZE = Pt(12)
HURUF = "{{ profil.huruf.nama }}"
TEXT_WIDTH = Cm(16)  # A4 210 mm - 30 mm left - 20 mm right
TTD_INDENT = Cm(8.5)
HANG = Cm(0.75)
LABEL = Cm(3)
NO_INDENT = Cm(0)

Container = Any  # a Document or a table cell: both have add_paragraph/add_table

# ---------------------------------------------------------------- document


def new_document() -> Any:
    doc = Document()
    section = doc.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2.5)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    section.header_distance, section.footer_distance = Cm(1.25), Cm(1.25)

    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = SIZE
    rpr = normal.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    fmt = normal.paragraph_format
    fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(0), Pt(0), 1.0
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "id-ID")
    rpr.append(lang)

    # Page numbers from page 2: the first page has its own (empty) header.
    section.different_first_page_header_footer = True
    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = header.add_run("2")
    _profile_font(run, "isi")
    field.append(run._r)
    header._p.append(field)
    section.first_page_header.paragraphs[0].text = ""

    props = doc.core_properties
    props.author = "naskah"
    props.title = props.subject = props.comments = props.keywords = ""
    props.last_modified_by = "naskah"
    props.revision = 1
    props.created = props.modified = datetime(2026, 1, 1)
    props.language = "id-ID"
    # python-docx starts from a document holding one empty paragraph; drop it.
    body = doc.element.body
    for p in body.findall(qn("w:p")):
        body.remove(p)
    return doc


def _profile_page(section: Any) -> None:
    """Page size and margins from the profile (twips), in the section properties.

    Done last, just before saving: python-docx cannot read these values any more.
    """
    sect_pr = section._sectPr
    pg_sz, pg_mar = sect_pr.find(qn("w:pgSz")), sect_pr.find(qn("w:pgMar"))
    pg_sz.set(qn("w:w"), "{{ profil.halaman.lebar }}")
    pg_sz.set(qn("w:h"), "{{ profil.halaman.tinggi }}")
    for attr, key in (("top", "atas"), ("bottom", "bawah"), ("left", "kiri"), ("right", "kanan")):
        pg_mar.set(qn(f"w:{attr}"), "{{ profil.halaman." + key + " }}")


def _profile_font(run: Any, size: Any) -> None:
    """The profile's font on a run; ``size`` is a profile size name ('isi', 'kop') or fixed."""
    run.font.name = FONT  # creates <w:rFonts> in its schema place
    fonts = run._r.rPr.rFonts
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), HURUF)
    if isinstance(size, str):
        run.font.size = SIZE
        run._r.rPr.find(qn("w:sz")).set(qn("w:val"), "{{ profil.huruf." + size + " }}")
    else:
        run.font.size = size


def para(
    container: Container,
    *runs: str | tuple[str, dict[str, Any]],
    align: str | None = None,
    left: Any = None,
    first: Any = None,
    after: Any = None,
    before: Any = None,
    tabs: Iterable[Any] = (),
    size: Any = None,
    bold: bool = False,
    keep: bool = False,
) -> Any:
    """A paragraph of runs; a run is text or (text, {"bold": True, ...}). '\\t' is a tab.

    ``size`` is a profile size name ('isi' by default, 'judul', 'kop', 'kop_kecil',
    'kecil') or a fixed length.
    """
    p = container.add_paragraph()
    fmt = p.paragraph_format
    fmt.line_spacing = 1.0  # creates <w:spacing>; the profile's value replaces it
    p._p.pPr.find(qn("w:spacing")).set(qn("w:line"), "{{ profil.huruf.spasi }}")
    if align:
        p.alignment = getattr(WD_ALIGN_PARAGRAPH, align)
    if left is not None:
        fmt.left_indent = left
    if first is not None:
        fmt.first_line_indent = first
    if after is not None:
        fmt.space_after = after
    if before is not None:
        fmt.space_before = before
    if keep:
        fmt.keep_with_next = True
    for stop in tabs:
        fmt.tab_stops.add_tab_stop(stop, WD_TAB_ALIGNMENT.LEFT)
    for item in runs:
        text, style = (item, {}) if isinstance(item, str) else item
        for i, piece in enumerate(text.split("\t")):
            if i:
                p.add_run().add_tab()
            if piece:
                run = p.add_run(piece)
                run.bold = style.get("bold", bold) or None
                run.underline = style.get("underline") or None
                _profile_font(run, style.get("size", size or "isi"))
                # Every text node keeps its spaces: user text may start or end with one.
                run._r.find(qn("w:t")).set(qn("xml:space"), "preserve")
    return p


def tag(container: Container, statement: str) -> None:
    """A docxtpl paragraph tag ({%p ... %}): the whole paragraph becomes the statement."""
    container.add_paragraph("{%p " + statement + " %}")


def gap(container: Container) -> None:
    """A tiny paragraph between two tables: adjacent tables would merge into one."""
    para(container, "", size=Pt(4))


def blank(container: Container, n: int = 1) -> None:
    for _ in range(n):
        para(container)


def table(container: Container, rows: int, widths: list[Any], borders: bool = False) -> Any:
    widths = [Emu(int(w)) for w in widths]
    t = container.add_table(rows=rows, cols=len(widths))
    t.alignment = WD_TABLE_ALIGNMENT.LEFT
    t.autofit = False
    _set_table_borders(t, borders)
    for row in t.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width
            # A fresh cell holds one empty paragraph; callers add their own.
            cell._tc.remove(cell.paragraphs[0]._p)
    _fixed_layout(t, widths)
    _schema_order(t._tbl.tblPr)
    return t


_TBLPR_ORDER = [
    "tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize",
    "tblStyleColBandSize", "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd",
    "tblLayout", "tblCellMar", "tblLook",
]


def _schema_order(tbl_pr: Any) -> None:
    # Word and LibreOffice ignore tblPr children out of the schema's order.
    children = sorted(tbl_pr, key=lambda el: _TBLPR_ORDER.index(el.tag.split("}")[1]))
    for child in children:
        tbl_pr.append(child)


def _fixed_layout(t: Any, widths: list[Any]) -> None:
    grid = t._tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths, strict=True):
        col.set(qn("w:w"), str(int(width.twips)))


def _set_table_borders(t: Any, on: bool) -> None:
    tbl_pr = t._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "single" if on else "nil")
        if on:
            el.set(qn("w:sz"), "4")
            el.set(qn("w:space"), "0")
            el.set(qn("w:color"), "000000")
        borders.append(el)
    tbl_pr.append(borders)
    margins = OxmlElement("w:tblCellMar")
    for edge in ("left", "right"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:w"), "85" if on else "0")
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    tbl_pr.append(margins)


def close_cell(cell: Any) -> None:
    """End a cell with a plain paragraph.

    A cell must end with a paragraph, and a trailing {%p %} tag paragraph disappears
    when rendered: without this a cell can come out empty, which Word refuses and
    LibreOffice misreads (it drops the borders of the table before it).
    """
    cell.add_paragraph()


def rule(container: Container, style: str = "single", size: int = 8, after: Any = None) -> None:
    """An empty paragraph with a bottom border: the line under a kop or a header block."""
    p = para(container, after=after)
    p_pr = p._p.get_or_add_pPr()
    bdr = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    bottom.set(qn("w:val"), style)
    bottom.set(qn("w:sz"), str(size))
    bottom.set(qn("w:space"), "1")
    bottom.set(qn("w:color"), "000000")
    bdr.append(bottom)
    p_pr.append(bdr)


# ---------------------------------------------------------------- blocks


def kop(doc: Any) -> None:
    """The kop, by kind: jabatan (Garuda centred), else instansi/daerah, logo left or centred."""
    tag(doc, 'if kop.jenis == "jabatan"')
    para(doc, "{{ kop.lambang }}", align="CENTER")
    tag(doc, "for baris in kop.nama")
    para(doc, ("{{ baris }}", {"bold": True}), align="CENTER", size="kop")
    tag(doc, "endfor")
    para(doc, "", after=Pt(12))
    tag(doc, 'elif profil.kop.logo == "tengah"')
    tag(doc, "if kop.logo")
    para(doc, "{{ kop.logo }}", align="CENTER")
    tag(doc, "endif")
    kop_text(doc)
    rule(doc, "thickThinSmallGap", 18, after=Pt(12))
    tag(doc, "else")
    t = table(doc, 1, [Cm(2.6), Cm(10.8), Cm(2.6)])
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
        para(container, ("{{ baris }}", {"bold": True}), align="CENTER", size="kop")
        tag(container, "endfor")
    tag(container, "if kop.unit")
    para(container, ("{{ kop.unit }}", {"bold": True}), align="CENTER", size="isi")
    tag(container, "endif")
    para(container, "{{ kop.alamat }}", align="CENTER", size="kop_kecil")
    tag(container, "if kop.kontak")
    para(container, "{{ kop.kontak }}", align="CENTER", size="kop_kecil")
    tag(container, "endif")


def fields(container: Container, rows: list[tuple[str, str]], label: Any = LABEL) -> None:
    """Label : value rows in a borderless table (Yth./Dari/Hal, Rapat/Tempat, ...)."""
    t = table(container, len(rows), [label, Cm(0.5), TEXT_WIDTH - label - Cm(0.5)])
    for row, (name, value) in zip(t.rows, rows, strict=True):
        para(row.cells[0], name)
        para(row.cells[1], ":")
        para(row.cells[2], value)


def numbered(
    container: Container, var: str, left: Any = NO_INDENT, item: str = "x", align: str = "JUSTIFY"
) -> None:
    """A loop of numbered paragraphs: '1.<tab>text' with a hanging indent."""
    tag(container, f"for {item} in {var}")
    para(
        container,
        "{{ " + item + ".no }}\t{{ " + item + ".teks }}",
        left=left + HANG,
        first=-HANG,
        tabs=[left + HANG],
        align=align,
    )
    tag(container, "endfor")


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
    para(cell, "{{ pengesahan.tanda }}", size="kecil")
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
    para(cell, ("Paraf:", {"size": "kecil"}))
    t = table(cell, 4, [Cm(0.8), Cm(3.2), Cm(1.3), Cm(2.2)], borders=True)
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
    """The paraf table on the left and the signature block on the right."""
    blank(doc)
    t = table(doc, 1, [TTD_INDENT - Cm(0.5), Cm(0.5), TEXT_WIDTH - TTD_INDENT])
    left, _, right = t.rows[0].cells
    paraf_table(left)
    para(_, "")
    ttd_block(right)


def titled_list(doc: Any, heading: str, var: str, item: str) -> None:
    """A heading and a numbered list at the bottom-left, only when the list is not empty."""
    tag(doc, f"if {var}")
    para(doc, heading, before=Pt(12))
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


def closing(doc: Any) -> None:
    """What ends a letter: paraf table and signature, tembusan, the lampiran titles (I, II)."""
    paraf_and_ttd(doc)
    titled_list(doc, "{{ profil.label.tembusan }}", "tembusan", item="t")
    titled_list(doc, "{{ profil.label.lampiran }}", "daftar_lampiran", item="lp")


def row_tag(row: Any, statement: str, size: Any = None) -> None:
    """A docxtpl row tag ({%tr ... %}): the whole table row becomes the statement."""
    para(row.cells[0], "{%tr " + statement + " %}", size=size)
    for cell in row.cells[1:]:
        para(cell, "")


def title(doc: Any, *lines: str) -> None:
    for line in lines:
        para(doc, (line, {"bold": True}), align="CENTER", size="judul")


def body(doc: Any, var: str) -> None:
    para(doc, "{{ " + var + " }}", align="JUSTIFY", first=Cm(1.25), after=Pt(6))


# ---------------------------------------------------------------- types


def nota_dinas() -> Any:
    doc = new_document()
    kop(doc)
    klasifikasi(doc)
    title(doc, "{{ judul }}")
    # korespondensi (Permendagri 1/2023): the date top right, then Nomor ... Hal, then
    # the addressee; baku (Permenpan RB 80/2012): NOMOR under the title.
    tag(doc, 'if tata_letak == "korespondensi"')
    para(doc, "{{ tanggal }}", align="RIGHT", before=Pt(12), after=Pt(12))
    fields(
        doc,
        [
            ("Nomor", "{{ nomor }}"),
            ("Sifat", "{{ sifat }}"),
            ("Lampiran", "{{ lampiran }}"),
            ("Hal", "{{ hal }}"),
            ("Yth.", "{{ kepada }}"),
            ("Dari", "{{ dari }}"),
        ],
    )
    tag(doc, "else")
    para(doc, "NOMOR {{ nomor }}", align="CENTER", after=Pt(12))
    fields(
        doc,
        [
            ("Yth.", "{{ kepada }}"),
            ("Dari", "{{ dari }}"),
            ("Tanggal", "{{ tanggal }}"),
            ("Sifat", "{{ sifat }}"),
            ("Lampiran", "{{ lampiran }}"),
            ("Hal", "{{ hal }}"),
        ],
    )
    tag(doc, "endif")
    rule(doc, after=Pt(12))
    tag(doc, "for paragraf in isi")
    body(doc, "paragraf")
    tag(doc, "endfor")
    closing(doc)
    return doc


def undangan() -> Any:
    doc = new_document()
    kop(doc)
    klasifikasi(doc)
    rows = [("Nomor", "{{ nomor }}"), ("Sifat", "{{ sifat }}"),
            ("Lampiran", "{{ lampiran }}"), ("Hal", "{{ hal }}")]
    # korespondensi (Permendagri 1/2023): place and date top right on their own line;
    # baku (Permenpan RB 80/2012): on the Nomor line.
    tag(doc, 'if tata_letak == "korespondensi"')
    para(doc, "{{ tempat_tanggal }}", align="RIGHT", after=Pt(12))
    fields(doc, rows, label=Cm(2.6))
    tag(doc, "else")
    # The date column holds "Jakarta, 24 November 2026" on one line, in Bookman too.
    t = table(doc, 4, [Cm(2.6), Cm(0.5), Cm(6.4), Cm(6.5)])
    for row, (name, value) in zip(t.rows, rows, strict=True):
        para(row.cells[0], name)
        para(row.cells[1], ":")
        para(row.cells[2], value)
        para(row.cells[3], "{{ tempat_tanggal }}" if name == "Nomor" else "", align="RIGHT")
    tag(doc, "endif")
    blank(doc)
    para(doc, "Yth.")
    tag(doc, "for k in kepada")
    para(doc, "{{ k.no }}\t{{ k.teks }}", left=HANG, first=-HANG, tabs=[HANG])
    tag(doc, "endfor")
    para(doc, "di {{ di }}", after=Pt(12))
    body(doc, "pembuka")
    t = table(doc, 3, [Cm(1.25), Cm(3.5), Cm(0.5), TEXT_WIDTH - Cm(5.25)])
    row_tag(t.rows[0], "for r in rapat")
    for c, value in zip(t.rows[1].cells, ("", "{{ r.label }}", ":", "{{ r.isi }}"), strict=True):
        para(c, value)
    row_tag(t.rows[2], "endfor")
    blank(doc)
    body(doc, "penutup")
    closing(doc)
    return doc


def disposisi() -> Any:
    doc = new_document()
    kop(doc)
    title(doc, "{{ judul }}")
    blank(doc)
    t = table(doc, 4, [Cm(2.8), Cm(5.2), Cm(3.0), Cm(5.0)], borders=True)
    grid = [
        ("Surat dari", "{{ surat_dari }}", "Diterima Tgl.", "{{ diterima_tanggal }}"),
        ("No. Surat", "{{ nomor_surat }}", "No. Agenda", "{{ nomor_agenda }}"),
        ("Tgl. Surat", "{{ tanggal_surat }}", "Sifat", "{{ sifat }}"),
        ("Hal", "{{ hal }}", "Klasifikasi", "{{ klasifikasi }}"),
    ]
    for row, values in zip(t.rows, grid, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            para(cell, value)
    gap(doc)
    t = table(doc, 2, [Cm(8.0), Cm(8.0)], borders=True)
    left, right = t.rows[0].cells
    para(left, ("Diteruskan kepada Sdr.:", {"bold": True}))
    numbered(left, "diteruskan_kepada", item="d", align="LEFT")
    para(right, ("Dengan hormat harap:", {"bold": True}))
    tag(right, "for h in harapan")
    para(right, "{{ h.kotak }} {{ h.teks }}")
    tag(right, "endfor")
    for c in t.rows[1].cells:
        c.add_paragraph()  # python-docx can only merge cells that hold a paragraph
    cell = t.rows[1].cells[0].merge(t.rows[1].cells[1])
    cell._tc.remove(cell.paragraphs[0]._p)
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
    fields(
        doc,
        [
            ("Rapat", "{{ nama_rapat }}"),
            ("Hari/tanggal", "{{ hari_tanggal }}"),
            ("Waktu panggilan", "{{ waktu_panggilan }}"),
            ("Waktu rapat", "{{ waktu_rapat }}"),
            ("Tempat", "{{ tempat }}"),
            ("Acara", "{{ acara }}"),
            ("Ketua", "{{ ketua }}"),
            ("Sekretaris", "{{ sekretaris }}"),
            ("Pencatat", "{{ pencatat }}"),
        ],
        label=Cm(4),
    )
    para(doc, ("Peserta rapat:", {"bold": True}), before=Pt(12), after=Pt(4))
    t = table(doc, 4, [Cm(1.0), Cm(7.0), Cm(8.0)], borders=True)
    for c, head in zip(t.rows[0].cells, ("No", "Nama", "Jabatan/Unit"), strict=True):
        para(c, (head, {"bold": True}), align="CENTER")
    row_tag(t.rows[1], "for p in peserta")
    for c, value in zip(t.rows[2].cells, ("{{ p.no }}", "{{ p.nama }}", "{{ p.jabatan }}"),
                        strict=True):
        para(c, value)
    row_tag(t.rows[3], "endfor")
    para(doc, ("Kegiatan rapat:", {"bold": True}), before=Pt(12))
    para(doc, "1.\tPembukaan", tabs=[HANG], before=Pt(6))
    para(doc, "{{ pembukaan }}", left=HANG, align="JUSTIFY")
    para(doc, "2.\tPembahasan", tabs=[HANG], before=Pt(6))
    numbered(doc, "pembahasan", left=HANG, item="b")
    para(doc, "3.\tKeputusan/Kesimpulan", tabs=[HANG], before=Pt(6))
    numbered(doc, "kesimpulan", left=HANG, item="k")
    blank(doc)
    para(doc, "{{ tempat_tanggal }}", left=TTD_INDENT)
    t = table(doc, 1, [TTD_INDENT - Cm(0.5), Cm(0.5), TEXT_WIDTH - TTD_INDENT])
    left, mid, right = t.rows[0].cells
    ttd_block(left, "ttd_pencatat", label="Pencatat,")
    para(mid, "")
    ttd_block(right, "ttd", label="Pimpinan Rapat,")
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

    def text(var: str) -> None:
        para(doc, "{{ " + var + " }}", left=HANG * 2, align="JUSTIFY")

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
    para(doc, "{{ penutup }}", left=HANG, align="JUSTIFY")
    paraf_and_ttd(doc)
    return doc


BUILDERS = {cls.template: globals()[jenis.replace("-", "_")] for jenis, cls in JENIS.items()}
"""One builder per registered type (naskah.models.JENIS): the function named after its jenis."""


def build_template(name: str) -> bytes:
    """The finished template file ``name`` (e.g. ``nota_dinas.docx``) as bytes."""
    doc = BUILDERS[name]()
    _profile_page(doc.sections[0])
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
