"""The profile's page and type, set on a rendered package (not written into templates).

A template holds no Jinja in XML attributes: Word and LibreOffice cannot keep a tag in
a page size or a font name (LibreOffice saves them as a 0 x 0 page), and python-docx
cannot open such a file. Instead, after rendering:

- every section of the body gets the profile's paper size and margins (``w:pgSz``,
  ``w:pgMar``);
- the styles part gets the profile's font in the document defaults and the Normal style,
  the body size and line spacing in Normal, and the sizes of naskah's named styles
  (:data:`STYLE_SIZES`); text that names no font of its own (everything the shipped
  templates write, and what a person types into the document later) is in the
  profile's font;
- the settings part keeps a justified line ended by a manual line break from being
  stretched (``w:doNotExpandShiftReturn``, honoured by Word and LibreOffice).

The styles and settings parts depend only on the template and the profile, so a
:class:`~naskah.docx.template.Template` patches them once per profile and reuses them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from lxml import etree

from naskah.docx.layout import DECL, PackageLayout, rels_name

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=False)

STYLE_SIZES = {"Naskah Judul": "judul", "Naskah Kop": "kop", "Naskah Kop Kecil": "kop_kecil",
               "Naskah Kecil": "kecil"}
"""naskah's named styles (character styles in the shipped templates; a paragraph style of
the same name in a user's template works too) and the profile size each takes."""


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def twips_mm(mm: float) -> int:
    """Millimetres in twips, rounded as python-docx rounds (via EMU)."""
    return round(int(mm * 36000) / 635)


@dataclass(frozen=True)
class Halaman:
    """Paper size and margins in twips."""

    lebar: int
    tinggi: int
    atas: int
    bawah: int
    kiri: int
    kanan: int


@dataclass(frozen=True)
class Huruf:
    """Font family, sizes in half-points, line spacing in 240ths of a line."""

    nama: str
    isi: int
    judul: int
    kop: int
    kop_kecil: int
    kecil: int
    spasi: int


@dataclass(frozen=True)
class Appearance:
    """What a profile sets on a rendered document of one type."""

    halaman: Halaman
    huruf: Huruf

    @classmethod
    def of(cls, profil: Any, jenis: str, kertas: Any = None) -> Appearance:
        """The appearance of a ``jenis`` document under a :class:`~naskah.profil.Profil`;
        ``kertas`` (a :class:`~naskah.profil.Kertas`) overrides the profile's paper."""
        from naskah.profil.model import Kertas

        lebar, tinggi = Kertas(kertas or profil.kertas_untuk(jenis)).ukuran_mm
        h, f = profil.halaman, profil.huruf
        return cls(
            Halaman(twips_mm(lebar), twips_mm(tinggi), twips_mm(h.atas * 10),
                    twips_mm(h.bawah * 10), twips_mm(h.kiri * 10), twips_mm(h.kanan * 10)),
            Huruf(f.nama, round(f.isi * 2), round(f.judul * 2), round(f.kop * 2),
                  round(f.kop_kecil * 2), round(f.kecil * 2), round(f.spasi * 240)),
        )


# ------------------------------------------------------------------ sections

_SECTIONS = etree.XPath("./w:p/w:pPr/w:sectPr | ./w:sectPr", namespaces={"w": W})
_SECT_ORDER = ("headerReference", "footerReference", "footnotePr", "endnotePr", "type",
               "pgSz", "pgMar", "paperSrc", "pgBorders", "lnNumType", "pgNumType", "cols",
               "formProt", "vAlign", "noEndnote", "titlePg", "textDirection", "bidi",
               "rtlGutter", "docGrid", "printerSettings", "sectPrChange")


def set_page(body: Any, halaman: Halaman) -> None:
    """Every section of a body element (``w:body``): the paper size and the margins."""
    for sect in _SECTIONS(body):
        size = _child(sect, "pgSz", _SECT_ORDER)
        size.set(_w("w"), str(halaman.lebar))
        size.set(_w("h"), str(halaman.tinggi))
        margins = _child(sect, "pgMar", _SECT_ORDER)
        for attr, value in (("top", halaman.atas), ("bottom", halaman.bawah),
                            ("left", halaman.kiri), ("right", halaman.kanan)):
            margins.set(_w(attr), str(value))
        for attr, default in (("header", "709"), ("footer", "709"), ("gutter", "0")):
            if margins.get(_w(attr)) is None:  # required by the schema
                margins.set(_w(attr), default)


_TITLE_STYLE = "NaskahJudul"


def mark_heading(body: Any) -> None:
    """The document's title (its first paragraph set wholly in the Naskah Judul style:
    NOTA DINAS, LAPORAN, NOTULEN RAPAT) gets outline level 1, which LibreOffice's tagged
    PDF marks as a heading (H1) for a screen reader. Nothing else changes on the page."""
    for p in body.iter(_w("p")):
        runs = [r for r in p.iter(_w("r")) if "".join(t.text or "" for t in r.iter(_w("t")))]
        styles = {(r.find(f"{_w('rPr')}/{_w('rStyle')}") is not None
                   and r.find(f"{_w('rPr')}/{_w('rStyle')}").get(_w("val"))) for r in runs}
        if runs and styles == {_TITLE_STYLE}:
            ppr = p.find(_w("pPr"))
            if ppr is None:
                ppr = etree.Element(_w("pPr"))
                p.insert(0, ppr)
            _child(ppr, "outlineLvl", _PPR_ORDER).set(_w("val"), "0")
            return


def page_problems(body: Any) -> list[str]:
    """What is wrong with a body's page setup: a section without a paper size or
    margins, or with a zero (or unreadable) one, as LibreOffice leaves a page whose
    template had Jinja tags there."""
    problems = []
    for n, sect in enumerate(_SECTIONS(body), 1):
        for tag, attrs in (("pgSz", ("w", "h")), ("pgMar", ("top", "bottom", "left", "right"))):
            el = sect.find(_w(tag))
            if el is None:
                what = "paper size" if tag == "pgSz" else "margins"
                problems.append(f"section {n}: no {tag} ({what})")
                continue
            for attr in attrs:
                value = el.get(_w(attr))
                if value is None or not re.fullmatch(r"-?\d+", value) or (
                        int(value) <= 0 if tag == "pgSz" else int(value) == 0):
                    problems.append(f"section {n}: {tag} {attr}={value!r}")
    return problems


# ------------------------------------------------------------------ styles

BAHASA = "id-ID"
"""The documents' language (the DOCX default, hence the PDF's /Lang)."""
_RPR_ORDER = ("rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike",
              "dstrike", "outline", "shadow", "emboss", "imprint", "noProof", "snapToGrid",
              "vanish", "webHidden", "color", "spacing", "w", "kern", "position", "sz",
              "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign",
              "rtl", "cs", "em", "lang", "eastAsianLayout", "specVanish", "oMath")
_PPR_ORDER = ("pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl",
              "numPr", "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens",
              "kinsoku", "wordWrap", "overflowPunct", "topLinePunct", "autoSpaceDE",
              "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid", "spacing", "ind",
              "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc", "textDirection",
              "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr",
              "sectPr", "pPrChange")
_STYLE_ORDER = ("name", "aliases", "basedOn", "next", "link", "autoRedefine", "hidden",
                "uiPriority", "semiHidden", "unhideWhenUsed", "qFormat", "locked", "personal",
                "personalCompose", "personalReply", "rsid", "pPr", "rPr", "tblPr", "trPr",
                "tcPr", "tblStylePr")


def _child(parent: Any, tag: str, order: Sequence[str]) -> Any:
    """``parent``'s child ``tag``, created in its schema place when missing."""
    found = parent.find(_w(tag))
    if found is not None:
        return found
    el = etree.Element(_w(tag))
    later = set(order[order.index(tag) + 1:])
    for i, child in enumerate(parent):
        if isinstance(child.tag, str) and etree.QName(child).localname in later:
            parent.insert(i, el)
            return el
    parent.append(el)
    return el


def _font(rpr: Any, name: str) -> None:
    fonts = _child(rpr, "rFonts", _RPR_ORDER)
    for attr in list(fonts.attrib):
        if attr.lower().endswith("theme"):  # a theme font wins over a named one
            del fonts.attrib[attr]
    for attr in ("ascii", "hAnsi", "cs", "eastAsia"):
        fonts.set(_w(attr), name)


def _size(rpr: Any, half_points: int) -> None:
    for tag in ("sz", "szCs"):
        _child(rpr, tag, _RPR_ORDER).set(_w("val"), str(half_points))


def styles_xml(blob: bytes, huruf: Huruf) -> bytes:
    """The styles part ``blob`` with the profile's font, sizes and line spacing."""
    root = etree.fromstring(blob, _PARSER)
    defaults = root.find(_w("docDefaults"))
    if defaults is None:
        defaults = etree.Element(_w("docDefaults"))
        root.insert(0, defaults)
    rpr_default = _child(defaults, "rPrDefault", ("rPrDefault", "pPrDefault"))
    rpr = _child(rpr_default, "rPr", ("rPr",))
    _font(rpr, huruf.nama)
    _size(rpr, huruf.isi)
    # The text's language: a tagged PDF's /Lang (what a screen reader speaks) comes from it.
    _child(rpr, "lang", _RPR_ORDER).set(_w("val"), BAHASA)
    named = [(s.find(_w("name")).get(_w("val")), s) for s in root.iter(_w("style"))
             if s.find(_w("name")) is not None]
    paragraph = {name: s for name, s in named if s.get(_w("type")) == "paragraph"}
    normal = paragraph.get("Normal")
    if normal is None:
        normal = next((s for s in paragraph.values() if s.get(_w("default")) == "1"), None)
    if normal is None:
        normal = etree.SubElement(root, _w("style"), {_w("type"): "paragraph",
                                                      _w("default"): "1",
                                                      _w("styleId"): "Normal"})
        etree.SubElement(normal, _w("name"), {_w("val"): "Normal"})
    rpr = _child(normal, "rPr", _STYLE_ORDER)
    _font(rpr, huruf.nama)
    _size(rpr, huruf.isi)
    spacing = _child(_child(normal, "pPr", _STYLE_ORDER), "spacing", _PPR_ORDER)
    spacing.set(_w("line"), str(huruf.spasi))
    spacing.set(_w("lineRule"), "auto")
    for name, style in named:
        if name in STYLE_SIZES and style.get(_w("type")) in ("paragraph", "character"):
            _size(_child(style, "rPr", _STYLE_ORDER), getattr(huruf, STYLE_SIZES[name]))
    return _serialise(root)


_COMPAT_FIRST = ("useSingleBorderforContiguousCells", "wpJustification", "noTabHangInd",
                 "noLeading", "spaceForUL", "noColumnBalance", "balanceSingleByteDoubleByteWidth",
                 "noExtraLineSpacing", "doNotLeaveBackslashAlone", "ulTrailSpace",
                 "doNotExpandShiftReturn")
_SETTINGS_AFTER_COMPAT = ("docVars", "rsids", "mathPr", "attachedSchema", "themeFontLang",
                          "clrSchemeMapping", "doNotIncludeSubdocsInStats",
                          "doNotAutoCompressPictures", "forceUpgrade", "captions",
                          "readModeInkLockDown", "smartTagType", "schemaLibrary",
                          "shapeDefaults", "doNotEmbedSmartTags", "decimalSymbol",
                          "listSeparator")


def settings_xml(blob: bytes) -> bytes:
    """The settings part ``blob`` with ``w:doNotExpandShiftReturn`` in its compatibility
    options."""
    root = etree.fromstring(blob, _PARSER)
    compat = root.find(_w("compat"))
    if compat is None:
        compat = etree.Element(_w("compat"))
        after = [c for c in root if isinstance(c.tag, str)
                 and etree.QName(c).localname in _SETTINGS_AFTER_COMPAT]
        if after:
            after[0].addprevious(compat)
        else:
            root.append(compat)
    if compat.find(_w("doNotExpandShiftReturn")) is None:
        flag = etree.Element(_w("doNotExpandShiftReturn"))
        later = [c for c in compat if isinstance(c.tag, str)
                 and etree.QName(c).localname not in _COMPAT_FIRST]
        if later:
            later[0].addprevious(flag)
        else:
            compat.append(flag)
    return _serialise(root)


def _serialise(root: Any) -> bytes:
    text: str = etree.tostring(root, encoding="unicode")
    return (DECL + text).encode("utf-8")


def part_names(layout: PackageLayout) -> dict[str, str]:
    """The main document's styles and settings parts by kind (``styles``, ``settings``)."""
    rels = layout.rels.get(rels_name(layout.main))
    if rels is None or rels.xml is None:
        return {}
    folder = layout.main.rsplit("/", 1)[0]
    out = {}
    for rel in etree.fromstring(rels.xml.encode("utf-8"), _PARSER):
        kind = rel.get("Type", "").removeprefix(_RT)
        if kind in ("styles", "settings") and rel.get("TargetMode") != "External":
            target = rel.get("Target", "")
            out[kind] = target.lstrip("/") if target.startswith("/") else f"{folder}/{target}"
    return out


def patched_parts(layout: PackageLayout, huruf: Huruf) -> dict[str, bytes]:
    """The styles and settings parts of a template with a profile's type applied."""
    members = {m.name: m for m in layout.members}
    out = {}
    for kind, name in part_names(layout).items():
        member = members.get(name)
        if member is None:
            continue
        blob = member.content()
        out[name] = styles_xml(blob, huruf) if kind == "styles" else settings_xml(blob)
    return out


__all__ = ["STYLE_SIZES", "Appearance", "Halaman", "Huruf", "page_problems", "part_names",
           "patched_parts", "set_page", "settings_xml", "styles_xml", "twips_mm"]
