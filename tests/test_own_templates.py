"""A user's own docxtpl templates: through Renderer(templates=...) and naskah.render_template.

The fixes of issue 17 item 10 (footnotes written with two XML declarations, a second
``<Default Extension="png">``, ``|default`` and ``is defined`` refused as missing, ``&`` in
a string literal escaped twice) and what render_template offers (links, images sized by
width and height, filters, core properties, sub-documents), each checked on the
document python-docx reads back; the attacks on the new values are performed.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.shared import Mm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

import naskah
from naskah.docx import InlineImage, Listing, RichText, RichTextParagraph, new_subdoc
from tests.helpers import docx_lines, load_example, png_bytes, zip_read

DOCXTPL = Path(__file__).parent / "docxtpl_templates"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def make_template(path: Path, *paragraphs: str, header: str | None = None,
                  picture: bytes | None = None, **core: str) -> Path:
    """A template made with python-docx: body paragraphs, a header, a picture, core props."""
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if header is not None:
        document.sections[0].header.paragraphs[0].text = header
    if picture is not None:
        document.add_picture(io.BytesIO(picture), width=Mm(10))
    for name, value in core.items():
        setattr(document.core_properties, name, value)
    document.save(str(path))
    return path


def body(data: bytes) -> list[str]:
    return docx_lines(data)


# -- footnotes: the part kept one XML declaration (issue 17 item 10) --------------------


def footnote_template(tmp_path: Path, variable: str) -> Path:
    """docxtpl's footnotes_tpl.docx (saved by Word) with its footnote naming ``variable``."""
    source = DOCXTPL / "footnotes_tpl.docx"
    target = tmp_path / "footnotes.docx"
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "word/footnotes.xml":
                data = data.replace(b"a_jinja_variable", variable.encode())
            zout.writestr(item, data)
    return target


def footnote_texts(data: bytes) -> list[str]:
    root = etree.fromstring(zip_read(data, "word/footnotes.xml").encode())
    return ["".join(t.text or "" for t in note.iter(f"{W}t")) for note in root.iter(f"{W}footnote")]


def test_renderer_keeps_one_declaration_in_footnotes(tmp_path: Path) -> None:
    template = footnote_template(tmp_path, "hal")
    model = load_example("nota-dinas")
    data = naskah.Renderer({"nota-dinas": template}).render(model)
    xml = zip_read(data, "word/footnotes.xml")
    assert xml.count("<?xml") == 1 and xml.startswith("<?xml")
    assert any(model.hal in text for text in footnote_texts(data))  # parses, tag rendered


@pytest.mark.pdf
def test_renderer_footnotes_open_in_libreoffice(soffice: str, tmp_path: Path) -> None:
    from pypdf import PdfReader

    model = load_example("nota-dinas")
    target = naskah.Renderer({"nota-dinas": footnote_template(tmp_path, "hal")},
                             font_check="off").save(model, tmp_path / "nota.pdf")
    text = "".join(page.extract_text() for page in PdfReader(target).pages)
    assert " ".join(model.hal.split()[:3]) in " ".join(text.split())


# -- content types: one Default per extension --------------------------------------------


def _defaults(data: bytes, ext: str) -> int:
    types = etree.fromstring(zip_read(data, "[Content_Types].xml").encode())
    return sum(1 for e in types if e.get("Extension", "").lower() == ext)


def test_an_image_of_a_type_the_template_has_adds_no_second_default(tmp_path: Path) -> None:
    template = make_template(tmp_path / "t.docx", "Logo: {{ kop.logo }}", picture=png_bytes(5, 5))
    logo = tmp_path / "logo.png"
    logo.write_bytes(png_bytes(40, 30))
    model = load_example("nota-dinas")
    model = model.model_copy(update={"kop": model.kop.model_copy(update={"logo": logo})})
    data = naskah.Renderer({"nota-dinas": template}).render(model)
    assert _defaults(data, "png") == 1
    assert len(docx.Document(io.BytesIO(data)).inline_shapes) == 2
    mine = naskah.render_template(template, {"kop": {"logo": InlineImage(logo, width_mm=20)}})
    assert _defaults(mine, "png") == 1


# -- variables under |default and is defined ---------------------------------------------


def test_default_and_defined_make_a_variable_optional(tmp_path: Path) -> None:
    template = make_template(tmp_path / "t.docx", "{{ x|default('kosong') }}|{% if y is defined %}"
                             "{{ y }}{% else %}tanpa{% endif %}|{{ z }}")
    assert body(naskah.render_template(template, {"z": "ada"})) == ["kosong|tanpa|ada"]
    assert body(naskah.render_template(template, {"x": 1, "y": 2, "z": 3})) == ["1|2|3"]
    with pytest.raises(naskah.TemplateError, match=r"does not provide: z$"):
        naskah.render_template(template, {})


def test_a_guarded_variable_printed_unguarded_is_still_an_error(tmp_path: Path) -> None:
    template = make_template(tmp_path / "t.docx", "{{ x|default('a') }} {{ x }}")
    with pytest.raises(naskah.TemplateError, match="'x' is undefined"):
        naskah.render_template(template, {})


def test_renderer_accepts_a_defaulted_variable(tmp_path: Path) -> None:
    template = make_template(tmp_path / "t.docx", "Hal: {{ hal }}",
                             "Catatan: {{ catatan|default('-') }}")
    model = load_example("nota-dinas")
    data = naskah.Renderer({"nota-dinas": template}).render(model)
    assert body(data) == [f"Hal: {model.hal}", "Catatan: -"]


# -- '&' typed in a string literal ---------------------------------------------------------


def test_ampersand_in_a_literal_is_escaped_once(tmp_path: Path) -> None:
    template = make_template(tmp_path / "t.docx", "{{ 'Umum & Kepegawaian' }} {{ hal }}",
                             "{% if hal == 'A & B' %}sama{% endif %}")
    data = naskah.render_template(template, {"hal": "A & B"})
    assert body(data) == ["Umum & Kepegawaian A & B", "sama"]
    assert "&amp;amp;" not in zip_read(data, "word/document.xml")
    model = load_example("nota-dinas")
    own = naskah.Renderer({"nota-dinas": template}).render(model)
    assert body(own)[0] == f"Umum & Kepegawaian {model.hal}"


# -- links -------------------------------------------------------------------------------


def test_links_in_body_and_header(tmp_path: Path) -> None:
    url = "https://jdih.example.go.id/peraturan?id=1&v=2"
    template = make_template(tmp_path / "t.docx", "Lihat {{r tautan }} dan {{r lagi }}.",
                             header="Situs {{r tautan }}")
    link = RichText("JDIH", url=url, bold=True)
    data = naskah.render_template(template, {"tautan": link, "lagi": RichText("lagi", url=url)})
    document = docx.Document(io.BytesIO(data))
    found = document.paragraphs[0].hyperlinks
    assert [(h.text, h.url) for h in found] == [("JDIH", url), ("lagi", url)]
    assert found[0].runs[0].bold
    assert zip_read(data, "word/_rels/document.xml.rels").count("TargetMode=\"External\"") == 1
    header = document.sections[0].header.paragraphs[0].hyperlinks
    assert [(h.text, h.url) for h in header] == [("JDIH", url)]  # related in the header part


def test_a_linked_image(tmp_path: Path) -> None:
    template = make_template(tmp_path / "t.docx", "{{ logo }}")
    image = InlineImage(png_bytes(20, 10), width_mm=20, url="https://example.go.id/")
    data = naskah.render_template(template, {"logo": image})
    xml = etree.fromstring(zip_read(data, "word/document.xml").encode())
    clicks = xml.xpath("//*[local-name()='hlinkClick']/@*[local-name()='id']")
    rels = etree.fromstring(zip_read(data, "word/_rels/document.xml.rels").encode())
    targets = {r.get("Id"): r.get("Target") for r in rels}
    assert len(clicks) == 2 and {targets[c] for c in clicks} == {"https://example.go.id/"}


# -- images by width and height ----------------------------------------------------------


def test_image_sized_by_width_and_height(tmp_path: Path) -> None:
    template = make_template(tmp_path / "t.docx", "{{ a }}{{ b }}{{ c }}")
    picture = tmp_path / "p.png"
    picture.write_bytes(png_bytes(40, 30))
    data = naskah.render_template(template, {
        "a": InlineImage(picture, width_mm=30, height_mm=60),
        "b": InlineImage(picture, height_mm=15),
        "c": InlineImage(picture.read_bytes(), width_mm=40)})
    shapes = docx.Document(io.BytesIO(data)).inline_shapes
    assert [(s.width, s.height) for s in shapes] == [
        (Mm(30), Mm(60)), (Mm(20), Mm(15)), (Mm(40), Mm(30))]
    assert zip_read(data, "word/document.xml").count('name="image.png"') == 1  # from bytes
    assert len([n for n in zipfile.ZipFile(io.BytesIO(data)).namelist()
                if n.startswith("word/media/")]) == 1  # one picture, stored once


@pytest.mark.parametrize("bad", [0, -5, float("nan"), float("inf"), True, "20"])
def test_image_size_must_be_a_positive_number(bad: Any) -> None:
    with pytest.raises(naskah.InputError, match="width_mm"):
        InlineImage(png_bytes(), width_mm=bad)


def test_image_is_judged_by_content_and_capped(tmp_path: Path) -> None:
    fake = tmp_path / "foto.png"
    fake.write_bytes(b"GIF89a" + b"\0" * 100)
    with pytest.raises(naskah.InputError, match=re.escape("foto.png")):
        InlineImage(fake)
    big = tmp_path / "besar.png"
    big.write_bytes(png_bytes() + b"\0" * (5 * 1024 * 1024))
    with pytest.raises(naskah.InputError, match=re.escape("besar.png")):
        InlineImage(big)
    with pytest.raises(naskah.InputError, match="does not exist"):
        InlineImage(tmp_path / "tidak-ada.png")


# -- filters -----------------------------------------------------------------------------


def rupiah(value: int) -> str:
    return "Rp" + f"{value:,}".replace(",", ".")


def test_custom_filters(tmp_path: Path) -> None:
    template = make_template(tmp_path / "t.docx", "{{ jumlah|rupiah }} {{ nama|tanda }}")
    data = naskah.render_template(template, {"jumlah": 1500000, "nama": "A&B"},
                                  filters={"rupiah": rupiah, "tanda": lambda s: f"<{s}>"})
    assert body(data) == ["Rp1.500.000 <A&B>"]  # a filter's output is escaped too
    with pytest.raises(naskah.TemplateError, match="No filter named 'rupiah'"):
        naskah.render_template(template, {"jumlah": 1, "nama": "x"})  # none given this time
    with pytest.raises(naskah.InputError, match="filters"):
        naskah.render_template(template, {}, filters={"rupiah": "not a function"})  # type: ignore[dict-item]


# -- core properties ----------------------------------------------------------------------


def test_tags_in_core_properties(tmp_path: Path) -> None:
    template = make_template(tmp_path / "t.docx", "{{ nomor }}", title="Surat {{ nomor }}",
                             author="{{ pembuat }}", subject="{{ perihal|default('') }}",
                             keywords="{{ not rendered }}")
    data = naskah.render_template(template, {"nomor": "B-1/2026", "pembuat": "Umum & SDM"})
    props = docx.Document(io.BytesIO(data)).core_properties
    assert (props.title, props.author, props.subject) == ("Surat B-1/2026", "Umum & SDM", "")
    assert props.keywords == "{{ not rendered }}"  # docxtpl renders six properties only
    with pytest.raises(naskah.TemplateError, match=r"does not provide: pembuat$"):
        naskah.render_template(template, {"nomor": "1"})
    with pytest.raises(naskah.TemplateError, match="at most 255"):
        naskah.render_template(template, {"nomor": "1", "pembuat": "x" * 300})


def test_core_property_cannot_reach_python(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    attack = f"{{{{ cycler.__init__.__globals__.os.system('touch {marker}') }}}}"
    template = make_template(tmp_path / "t.docx", "teks", title=attack)
    with pytest.raises(naskah.TemplateError, match=r"sandbox|unsafe|undefined"):
        naskah.render_template(template, {})
    assert not marker.exists()


# -- sub-documents ------------------------------------------------------------------------


def test_subdoc_with_table_and_picture(tmp_path: Path) -> None:
    template = make_template(tmp_path / "t.docx", "Sebelum", "{{p lampiran }}", "Sesudah")
    sd = new_subdoc(template)
    sd.add_paragraph("Daftar hadir")
    table = sd.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(1, 1).text = "Nama", "Hadir"
    sd.add_picture(io.BytesIO(png_bytes(30, 30)), width=Mm(15))
    data = naskah.render_template(template, {"lampiran": sd})
    document = docx.Document(io.BytesIO(data))
    assert body(data)[:2] == ["Sebelum", "Daftar hadir"] and body(data)[-1] == "Sesudah"
    assert document.tables[0].cell(1, 1).text == "Hadir"
    shape = document.inline_shapes[0]
    assert shape.width == Mm(15)
    blip = shape._inline.graphic.graphicData.pic.blipFill.blip.embed
    assert document.part.related_parts[blip].blob == png_bytes(30, 30)
    assert sd.paragraphs[0].text == "Daftar hadir"  # the caller's document is unchanged


def test_subdoc_only_for_its_template_and_its_body(tmp_path: Path) -> None:
    one = make_template(tmp_path / "a.docx", "{{p sd }}")
    other = make_template(tmp_path / "b.docx", "Lain: {{p sd }}")
    sd = new_subdoc(one)
    sd.add_paragraph("isi")
    with pytest.raises(naskah.TemplateError, match="template it was made for"):
        naskah.render_template(other, {"sd": sd})
    in_header = make_template(tmp_path / "c.docx", "teks", header="{{ sd }}")
    with pytest.raises(naskah.TemplateError, match="only be printed in the document body"):
        naskah.render_template(in_header, {"sd": new_subdoc(in_header)})
    with pytest.raises(naskah.TemplateError, match=r"from docx cannot be printed"):
        naskah.render_template(one, {"sd": docx.Document()})  # another DOCX, not merged


def test_template_cannot_call_into_a_subdoc(tmp_path: Path) -> None:
    targets = [tmp_path / "dicuri.docx", tmp_path / "juga.docx"]
    for attack, target in zip(("sd.save", "sd.document.save"), targets, strict=True):
        template = make_template(tmp_path / "t.docx", f"{{{{ {attack}('{target}') }}}}")
        with pytest.raises(naskah.TemplateError, match=r"sandbox|unsafe"):
            naskah.render_template(template, {"sd": new_subdoc(template)})
        assert not target.exists()


def test_template_cannot_change_a_value(tmp_path: Path) -> None:
    template = make_template(tmp_path / "t.docx", "{{ rt.add('tambahan') }}{{ rt }}")
    rt = RichText("asli")
    with pytest.raises(naskah.TemplateError):
        naskah.render_template(template, {"rt": rt})
    assert body(naskah.render_template(make_template(tmp_path / "u.docx", "{{r rt }}"),
                                       {"rt": rt})) == ["asli"]


# -- values are checked --------------------------------------------------------------------


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"color": 'ff0000"/><w:b/><w:color w:val="00ff00'}, "color"),
    ({"highlight": "yellow"}, "highlight"),
    ({"size": "12pt"}, "size"),
    ({"font": 'x="1" w:evil:Arial'}, "font region"),
    ({"url": "http://a\nb"}, "link"),
])
def test_rich_text_arguments_cannot_inject_xml(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(naskah.InputError, match=field):
        RichText("teks", **kwargs)


def test_rich_text_style_and_text_are_escaped(tmp_path: Path) -> None:
    template = make_template(tmp_path / "t.docx", "{{r rt }}", "{{p rp }}", "{{ li }}")
    data = naskah.render_template(template, {
        "rt": RichText("</w:t>&<", style='a"/><w:b/>', lang="id-ID"),
        "rp": RichTextParagraph("<p>", parastyle='x"y'), "li": Listing("a & b\nc")})
    assert body(data) == ["</w:t>&<", "<p>", "a & b\nc"]


def test_docxtpl_and_python_docx_values_are_refused(tmp_path: Path) -> None:
    import docxtpl

    template = make_template(tmp_path / "t.docx", "{{ v }}")
    for value in (docxtpl.RichText("x"), docx.Document().add_paragraph("x")):
        with pytest.raises(naskah.TemplateError, match=re.escape("naskah.docx")):
            naskah.render_template(template, {"v": value})
    with pytest.raises(naskah.InputError, match="docxtpl"):
        RichText(docxtpl.Listing("x"))


def test_control_characters_are_refused(tmp_path: Path) -> None:
    template = make_template(tmp_path / "t.docx", "{{ a }}", header="{{ a }}")
    with pytest.raises(naskah.InputError, match=re.escape("U+000B")):
        naskah.render_template(template, {"a": "x\x0by"})
    with pytest.raises(naskah.InputError, match=re.escape("U+0000")):
        RichText("x\x00")


# -- caps, cache, errors --------------------------------------------------------------------


def test_rendered_document_over_the_cap_is_refused(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from naskah.docx import freeform

    template = make_template(tmp_path / "t.docx", "{{ a }}")
    with zipfile.ZipFile(io.BytesIO(naskah.render_template(template, {"a": "x"}))) as z:
        size = sum(info.file_size for info in z.infolist())
    monkeypatch.setattr(freeform, "MAX_UNPACKED_BYTES", size + 100_000)
    naskah.render_template(template, {"a": "x" * 90_000})
    with pytest.raises(naskah.TemplateError, match="expand to more than"):
        naskah.render_template(template, {"a": "x" * 200_000})


def test_a_changed_file_is_compiled_again(tmp_path: Path) -> None:
    path = tmp_path / "t.docx"
    make_template(path, "Satu {{ a }}")
    assert body(naskah.render_template(path, {"a": 1})) == ["Satu 1"]
    assert naskah.render_template(path, {"a": 1}) == naskah.render_template(path, {"a": 1})
    make_template(path, "Dua {{ a }}")
    assert body(naskah.render_template(path, {"a": 1})) == ["Dua 1"]


def test_include_and_missing_file_are_refused(tmp_path: Path) -> None:
    template = make_template(tmp_path / "t.docx", "{% include '/etc/passwd' %}")
    with pytest.raises(naskah.TemplateError, match="include"):
        naskah.render_template(template, {})
    with pytest.raises(naskah.TemplateError, match="cannot read"):
        naskah.render_template(tmp_path / "tidak-ada.docx", {})


def test_exported_lazily() -> None:
    import naskah.docx

    assert "render_template" in naskah.__all__ and "render_template" in dir(naskah)
    assert naskah.render_template is naskah.docx.render_template
    assert {"RichText", "InlineImage", "new_subdoc"} <= set(naskah.docx.__all__)


_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters=(
    *map(chr, range(0x20)), "\ufffe", "\uffff")), max_size=40) | st.sampled_from(
    ["{{ a }}", "{_{", "}_}", "{%", "&amp;", "]]>", "<w:p>", "'\""])


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_TEXT, rich=_TEXT)
def test_any_text_comes_back_as_given(tmp_path_factory: pytest.TempPathFactory, text: str,
                                      rich: str) -> None:
    template = make_template(tmp_path_factory.mktemp("hyp") / "t.docx", "[{{ a }}]",
                             "[{{r b }}]", header="[{{ a }}]", title="{{ a }}")
    data = naskah.render_template(template, {"a": text, "b": RichText(rich, italic=True)})
    document = docx.Document(io.BytesIO(data))
    assert [p.text for p in document.paragraphs] == [f"[{text}]", f"[{rich}]"]
    assert document.sections[0].header.paragraphs[0].text == f"[{text}]"
    assert document.core_properties.title == text
