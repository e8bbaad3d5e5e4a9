"""The template builder's toolkit: a new document, its styles, paragraphs, tables, tags.

Nothing a profile decides is written into the template: no Jinja in an XML attribute.
Page size and margins are A4 with the ``pusat`` margins, and text takes its font and
size from a handful of named styles (:data:`STYLES`); the renderer sets the profile's
page, font, sizes and spacing on the rendered package (naskah.docx.appearance). So the
template opens in python-docx, Word and LibreOffice, and a copy saved by any of them
still renders to the profile's page.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Pt

FONT = "Arial"  # the template's own font; the profile's replaces it when rendering
TEXT_WIDTH = Cm(16)  # A4 210 mm - 30 mm left - 20 mm right
HANG = Cm(0.75)
NO_INDENT = Cm(0)

# Named character styles and their sizes in the template (the profile's huruf.* sizes
# replace them when rendering). Body text is Normal (huruf.isi). Character styles, not
# paragraph styles: a paragraph style may carry list numbering, so documents using one
# are never joined into one PDF conversion (naskah.pdf.group).
STYLES = {
    "Naskah Judul": ("judul", Pt(12), True),
    "Naskah Kop": ("kop", Pt(13), True),
    "Naskah Kop Kecil": ("kop_kecil", Pt(9), False),
    "Naskah Kecil": ("kecil", Pt(9), False),
}

Container = Any  # a Document or a table cell: both have add_paragraph/add_table


def new_document() -> Any:
    """An empty A4 document: the styles, the page number header from page 2, no body."""
    doc = Document()
    section = doc.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2.5)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    section.header_distance, section.footer_distance = Cm(1.25), Cm(1.25)
    _styles(doc)
    _page_number(section)
    _no_stretched_breaks(doc)

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


def _set_fonts(rpr: Any, name: str) -> None:
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        if attr.endswith("Theme") or attr.endswith("theme"):
            del fonts.attrib[attr]
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), name)


def _styles(doc: Any) -> None:
    """Normal (body text, Indonesian) and the named styles every template shares."""
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(12)
    rpr = normal.element.get_or_add_rPr()
    _set_fonts(rpr, FONT)
    fmt = normal.paragraph_format
    fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(0), Pt(0), 1.0
    fmt.widow_control = True
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "id-ID")
    rpr.append(lang)
    # The document defaults too: text outside any style (a new table in Word) is the
    # profile's font, never the theme's Calibri.
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    _set_fonts(defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")), FONT)
    for name, (_, size, bold) in STYLES.items():
        style = doc.styles.add_style(name, WD_STYLE_TYPE.CHARACTER)
        style.font.size = size
        style.font.bold = bold or None
        style.quick_style = True


def _page_number(section: Any) -> None:
    """'- 2 -' centred at the top from page 2 (the first page has its own, empty header)."""
    section.different_first_page_header_footer = True
    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    header.add_run("- ")
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = header.add_run("2")
    field.append(run._r)
    header._p.append(field)
    header._p.append(header.add_run(" -")._r)
    section.first_page_header.paragraphs[0].text = ""


def _no_stretched_breaks(doc: Any) -> None:
    """A line ended by a manual line break in a justified paragraph keeps its spacing."""
    settings = doc.settings.element
    compat = settings.find(qn("w:compat"))
    if compat is None:
        compat = OxmlElement("w:compat")
        settings.append(compat)
    flag = OxmlElement("w:doNotExpandShiftReturn")
    compat.insert(0, flag)


def para(
    container: Container,
    *runs: str | tuple[str, dict[str, Any]],
    align: str | None = None,
    left: Any = None,
    first: Any = None,
    after: Any = None,
    before: Any = None,
    tabs: Iterable[Any] = (),
    right_tabs: Iterable[Any] = (),
    style: str | None = None,
    size: Any = None,
    bold: bool = False,
    keep: bool = False,
) -> Any:
    """A paragraph of runs; a run is text or (text, {"bold": True, ...}). '\\t' is a tab.

    ``style`` is one of :data:`STYLES`, for every run (body text is Normal); ``size`` a
    fixed size for text the profile does not size (the paraf table). ``keep``: kept
    with the next paragraph on one page.
    """
    p = container.add_paragraph()
    fmt = p.paragraph_format
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
    for stop in right_tabs:
        fmt.tab_stops.add_tab_stop(stop, WD_TAB_ALIGNMENT.RIGHT)
    for item in runs:
        text, run_style = (item, {}) if isinstance(item, str) else item
        for i, piece in enumerate(text.split("\t")):
            if i:
                p.add_run().add_tab()
            if piece:
                run = p.add_run(piece)
                run.bold = run_style.get("bold", bold) or None
                run.underline = run_style.get("underline") or None
                if style is not None:
                    run.style = style
                if size is not None:
                    run.font.size = size
                # Every text node keeps its spaces: user text may start or end with one.
                run._r.find(qn("w:t")).set(qn("xml:space"), "preserve")
    return p


def tag(container: Container, statement: str) -> None:
    """A docxtpl paragraph tag ({%p ... %}): the whole paragraph becomes the statement."""
    container.add_paragraph("{%p " + statement + " %}")


def gap(container: Container) -> None:
    """A tiny paragraph between two tables: adjacent tables would merge into one."""
    para(container, "", size=Pt(4))


def blank(container: Container, n: int = 1, keep: bool = False) -> None:
    for _ in range(n):
        para(container, keep=keep)


def table(container: Container, rows: int, widths: list[Any], borders: bool = False,
          keep_rows: bool = False) -> Any:
    """A fixed-width table; ``keep_rows``: no row is split across two pages."""
    widths = [Emu(int(w)) for w in widths]
    t = container.add_table(rows=rows, cols=len(widths))
    t.alignment = WD_TABLE_ALIGNMENT.LEFT
    t.autofit = False
    _set_table_borders(t, borders)
    for row in t.rows:
        if keep_rows:
            cant_split(row)
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width
            # A fresh cell holds one empty paragraph; callers add their own.
            cell._tc.remove(cell.paragraphs[0]._p)
    _fixed_layout(t, widths)
    _schema_order(t._tbl.tblPr)
    return t


def cant_split(row: Any) -> None:
    """The row stays whole on one page (<w:cantSplit/>)."""
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:cantSplit"))


_PPR_AFTER_PBDR = (
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
    "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
    "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
    "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
    "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)
"""What may follow ``w:pBdr`` in a paragraph's properties (the schema's order)."""

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


def merge_row(row: Any) -> Any:
    """Merge a row's cells into one (python-docx merges only cells holding a paragraph)."""
    for c in row.cells:
        c.add_paragraph()
    cell = row.cells[0].merge(row.cells[-1])
    for p in list(cell.paragraphs):
        cell._tc.remove(p._p)
    return cell


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
    p_pr.insert_element_before(bdr, *_PPR_AFTER_PBDR)


def row_tag(row: Any, statement: str, size: Any = None) -> None:
    """A docxtpl row tag ({%tr ... %}): the whole table row becomes the statement."""
    para(row.cells[0], "{%tr " + statement + " %}", size=size)
    for cell in row.cells[1:]:
        para(cell, "")
