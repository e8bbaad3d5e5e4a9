"""Golden equivalence: naskah's fast renderer against stock docxtpl + python-docx.

The reference path is what naskah 0.1.0 did: docxtpl renders the same template with
the same context and the same (sandboxed) Jinja environment, python-docx sets the
paper size, margins and core properties, the metadata part is attached with python-docx's
own part API (:func:`attach`, what naskah 0.1.0 shipped as ``naskah.metadata.attach``),
and python-docx saves; then the profile's fonts and settings are applied to the saved
styles and settings parts with the same functions the renderer uses
(naskah.docx.appearance, tested on their own elsewhere). Every part of both packages is
compared: XML parsed and canonicalised (C14N), binary parts byte for byte.
Relationships, content types and core properties are sets, so their children are
compared in sorted order.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from docx.shared import Mm, Twips
from docxtpl import DocxTemplate, InlineImage
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

import naskah
from naskah.docx.appearance import Appearance, mark_heading, settings_xml, styles_xml
from naskah.docx.integrity import element_text
from naskah.docx.metadata import (
    ITEM_PART,
    PROPS_CONTENT_TYPE,
    PROPS_PART,
    NaskahMetadata,
    datastore_props_xml,
)
from naskah.docx.properties import core_properties
from naskah.docx.renderer import Kertas, packaged_template
from naskah.docx.template import make_environment
from naskah.models.naskah import Gambar
from naskah.models.pengesahan import Pengesahan
from naskah.profil import apply as apply_profil
from naskah.profil import load_profil, template_context
from naskah.version import __version__
from tests.helpers import ALL_JENIS, load_example, load_example_data, png_bytes

WHEN = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
_SETS = ("[Content_Types].xml", ".rels", "docProps/core.xml")
_PROPS = {"dc:title": "title", "dc:subject": "subject", "dc:creator": "author",
          "cp:keywords": "keywords", "dc:description": "comments",
          "cp:lastModifiedBy": "last_modified_by", "cp:category": "category",
          "dc:language": "language", "dc:identifier": "identifier",
          "cp:contentStatus": "content_status"}


def attach(document: Any, metadata: NaskahMetadata) -> None:
    """Add the metadata as a custom XML part to a python-docx document before saving."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    package = document.part.package
    item = Part(PackURI(ITEM_PART), "application/xml", metadata.to_xml(), package)
    props = Part(PackURI(PROPS_PART), PROPS_CONTENT_TYPE, datastore_props_xml(metadata), package)
    item.relate_to(props, RT.CUSTOM_XML_PROPS)
    document.part.relate_to(item, RT.CUSTOM_XML)


def _stock(model: naskah.NaskahDinas, template: Path, kertas: Kertas) -> bytes:
    doc = DocxTemplate(str(template))

    def bind(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: bind(v) for k, v in value.items()}
        if isinstance(value, list):
            return [bind(v) for v in value]
        if isinstance(value, Gambar):
            return InlineImage(doc, str(value.path), width=Mm(value.lebar_mm))
        return value

    profil = load_profil(None)
    context = apply_profil(profil, model.jenis, {**model.context(), **Pengesahan().context()})
    context.update(template_context(profil, model.jenis, kertas))
    context = bind(context)
    doc.render(context, jinja_env=make_environment())
    width, height = kertas.ukuran_mm
    look = Appearance.of(profil, model.jenis, kertas)
    for section in doc.docx.sections:
        section.page_width, section.page_height = Mm(width), Mm(height)
        section.top_margin, section.bottom_margin = (Twips(look.halaman.atas),
                                                     Twips(look.halaman.bawah))
        section.left_margin, section.right_margin = (Twips(look.halaman.kiri),
                                                     Twips(look.halaman.kanan))
    mark_heading(doc.docx.element.body)  # the title's outline level (a tagged PDF's H1)
    metadata = NaskahMetadata(
        generator=f"naskah {__version__}", jenis=model.jenis,
        nomor=str(nomor) if (nomor := getattr(model, "nomor", None)) else None,
        hal=model.hal_singkat, content_hash=model.content_hash(), dibuat=WHEN,
        naskah=model.model_dump(mode="json"), pengesahan=Pengesahan(),
        teks_hash=hashlib.sha256(element_text(doc.docx.element).encode()).hexdigest(),
    )
    props = doc.docx.core_properties
    for qname, value in core_properties(model, metadata).items():
        setattr(props, _PROPS[qname], value)
    props.created = props.modified = WHEN.replace(tzinfo=None)
    attach(doc.docx, metadata)
    out = io.BytesIO()
    doc.save(out)
    return _restyle(out.getvalue(), look)


def _restyle(blob: bytes, look: Appearance) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(blob)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/styles.xml":
                data = styles_xml(data, look.huruf)
            elif info.filename == "word/settings.xml":
                data = settings_xml(data)
            dst.writestr(info, data)
    return out.getvalue()


def _canonical(name: str, blob: bytes) -> bytes:
    if not name.endswith((".xml", ".rels")):
        return blob
    root = etree.fromstring(blob)
    if name.endswith(_SETS):
        children = sorted(root, key=lambda e: etree.tostring(e, method="c14n"))
        for child in list(root):
            root.remove(child)
        root.extend(children)
    return bytes(etree.tostring(root, method="c14n"))


def assert_equivalent(ours: bytes, stock: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(ours)) as a, zipfile.ZipFile(io.BytesIO(stock)) as b:
        assert sorted(a.namelist()) == sorted(b.namelist())
        for name in b.namelist():
            assert _canonical(name, a.read(name)) == _canonical(name, b.read(name)), name


def _ours(model: naskah.NaskahDinas, kertas: Kertas = Kertas.A4,
          templates: dict[str, Path] | None = None) -> bytes:
    return naskah.Renderer(templates, kertas=kertas).render(model, dibuat=WHEN)


@pytest.mark.parametrize("jenis", ALL_JENIS)
def test_every_part_equals_stock_docxtpl(jenis: str) -> None:
    model = load_example(jenis)
    assert_equivalent(_ours(model), _stock(model, packaged_template(jenis), Kertas.A4))


def test_f4_and_logo_equal_stock_docxtpl(tmp_path: Path) -> None:
    logo = tmp_path / "logo.png"
    logo.write_bytes(png_bytes(40, 30))
    model = load_example("undangan")
    model = model.model_copy(update={"kop": model.kop.model_copy(update={"logo": logo})})
    assert_equivalent(_ours(model, Kertas.F4),
                      _stock(model, packaged_template("undangan"), Kertas.F4))
    with zipfile.ZipFile(io.BytesIO(_ours(model, Kertas.F4))) as z:
        assert z.read("word/media/image1.png") == logo.read_bytes()
        assert b'w:w="12189"' in z.read("word/document.xml")  # 215 mm in twips


def test_custom_template_with_header_and_footnote_free_parts(tmp_path: Path) -> None:
    import docx

    template = tmp_path / "custom.docx"
    document = docx.Document()
    document.add_paragraph("Hal: {{ hal }}")
    document.sections[0].header.paragraphs[0].text = "{{ kop.nama[0] }} & co"
    document.sections[0].footer.paragraphs[0].text = "{% for t in tembusan %}{{ t }}{% endfor %}"
    document.save(str(template))
    model = load_example("nota-dinas")
    assert_equivalent(_ours(model, templates={"nota-dinas": template}),
                      _stock(model, template, Kertas.A4))


_PIECES = [*"ab <>&\"'{}%_#\n\t\\éß\u00a0", "{{", "}}", "{%", "%}", "{_{", "}_}", "]]>",
           "&amp;", "{{ hal }}"]
_HOSTILE = st.lists(st.sampled_from(_PIECES), min_size=1, max_size=25).map(
    lambda pieces: "".join(pieces).strip()).filter(bool)


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hal=_HOSTILE, isi=_HOSTILE, jenis=st.sampled_from(["nota-dinas", "laporan"]))
def test_hostile_text_equals_stock_docxtpl(hal: str, isi: str, jenis: str) -> None:
    data = load_example_data(jenis)
    if jenis == "nota-dinas":
        data["hal"] = hal.replace("\n", " ").replace("\t", " ").strip()
        data["isi"][0] = isi
    else:
        data["tentang"] = hal.replace("\n", " ").replace("\t", " ").strip()
        data["pendahuluan"]["umum"] = isi
    try:
        model = naskah.load_naskah(jenis, data)
    except naskah.InputError:
        return
    assert_equivalent(_ours(model), _stock(model, packaged_template(jenis), Kertas.A4))


def test_a_rendered_document_is_refused_as_a_template(tmp_path: Path) -> None:
    rendered = tmp_path / "hasil.docx"
    rendered.write_bytes(naskah.render(load_example("nota-dinas")))
    with pytest.raises(naskah.TemplateError, match="not a template"):
        naskah.Renderer({"nota-dinas": rendered}).render(load_example("nota-dinas"))
