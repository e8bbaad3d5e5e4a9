"""Templates that survive an editor (issue 17, item 9).

The shipped templates hold no Jinja in XML attributes and open in python-docx; the
profile's page, fonts and spacing are set on the rendered package; a copy saved by
LibreOffice renders to the same page size, margins and fonts; ``naskah template
periksa`` and ``naskah template variabel`` tell a template designer what is wrong and
what is there.
"""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree
from pypdf import PdfReader

import naskah
from naskah.cli import main as cli
from naskah.docx.appearance import (
    STYLE_SIZES,
    Appearance,
    page_problems,
    settings_xml,
    styles_xml,
)
from naskah.docx.renderer import packaged_template
from naskah.docx.template import Template
from naskah.pdf.fonts import pdf_fonts
from naskah.profil import load_profil
from tests.helpers import ALL_JENIS, load_example, zip_read
from tests.pdf_layout import pdf_layout

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_JINJA_ATTR = re.compile(rb'="[^"]*(\{\{|\{%)')


def _styles(data: bytes) -> dict[str, etree._Element]:
    root = etree.fromstring(zip_read(data, "word/styles.xml").encode())
    return {s.find(f"{W}name").get(f"{W}val"): s for s in root.iter(f"{W}style")}


def _attr(el: etree._Element | None, path: str, attr: str) -> str | None:
    found = el.find(path) if el is not None else None
    return None if found is None else found.get(f"{W}{attr}")


@pytest.mark.parametrize("jenis", ALL_JENIS)
def test_shipped_template_opens_in_python_docx(jenis: str) -> None:
    path = packaged_template(jenis)
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.endswith(".xml"):
                assert not _JINJA_ATTR.search(z.read(name)), f"{name}: Jinja in an attribute"
    document = docx.Document(str(path))  # raised "not a valid length" before
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert [round(m.cm, 1) for m in (section.top_margin, section.bottom_margin,
                                     section.left_margin, section.right_margin)] == [
        2.0, 2.5, 3.0, 2.0]
    assert document.styles["Normal"].font.name == "Arial"
    assert {"Naskah Kop", "Naskah Kop Kecil", "Naskah Kecil"} <= {s.name for s in document.styles}
    assert "- 2 -" in "".join(t.text or "" for t in section.header._element.iter(f"{W}t")) \
        or section.header.paragraphs[0].text == "- 2 -"


def test_rendered_package_carries_the_profile(tmp_path: Path) -> None:
    profile = tmp_path / "lebar.toml"
    profile.write_text('nama = "lebar"\njudul = "L"\nextends = "kemenko-polhukam"\n'
                       'kertas = "F4"\n[halaman]\nkiri = 3.5\natas = 2.5\n'
                       '[huruf]\nisi = 11\njudul = 14\nkop = 15\nkop_kecil = 8\nkecil = 7\n'
                       'spasi = 1.5\n', encoding="utf-8")
    data = naskah.Renderer(profil=profile).render(load_example("nota-dinas"))
    body = etree.fromstring(zip_read(data, "word/document.xml").encode())
    sect = body.find(f"{W}body/{W}sectPr")
    assert _attr(sect, f"{W}pgSz", "w") == "12189" and _attr(sect, f"{W}pgSz", "h") == "18709"
    assert _attr(sect, f"{W}pgMar", "left") == "1984" and _attr(sect, f"{W}pgMar", "top") == "1417"
    styles = _styles(data)
    normal = styles["Normal"]
    # Typing into the document in Word gives the profile's font: the Normal style and the
    # document defaults name it, with no theme font over it.
    assert _attr(normal, f"{W}rPr/{W}rFonts", "ascii") == "Bookman Old Style"
    assert _attr(normal, f"{W}rPr/{W}rFonts", "asciiTheme") is None
    assert _attr(normal, f"{W}rPr/{W}sz", "val") == "22"
    assert _attr(normal, f"{W}pPr/{W}spacing", "line") == "360"
    root = etree.fromstring(zip_read(data, "word/styles.xml").encode())
    defaults = root.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}rFonts")
    assert defaults is not None and defaults.get(f"{W}hAnsi") == "Bookman Old Style"
    assert not any(a.endswith("Theme") for a in defaults.attrib)
    sizes = {name: _attr(styles[name], f"{W}rPr/{W}sz", "val") for name in STYLE_SIZES}
    assert sizes == {"Naskah Judul": "28", "Naskah Kop": "30", "Naskah Kop Kecil": "16",
                     "Naskah Kecil": "14"}
    assert "<w:doNotExpandShiftReturn/>" in zip_read(data, "word/settings.xml")
    # the template itself is unchanged: A4, Arial (its parts are shared by every render)
    assert docx.Document(str(packaged_template("nota-dinas"))).styles["Normal"].font.name == \
        "Arial"


def test_styles_patch_on_a_plain_word_styles_part() -> None:
    buffer = io.BytesIO()
    docx.Document().save(buffer)  # python-docx's default: theme fonts, no Naskah styles
    blob = zip_read(buffer.getvalue(), "word/styles.xml").encode()
    look = Appearance.of(load_profil("kemenko-polhukam"), "nota-dinas")
    out = styles_xml(blob, look.huruf)
    root = etree.fromstring(out)
    fonts = root.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}rFonts")
    assert fonts is not None and fonts.get(f"{W}ascii") == "Bookman Old Style"
    assert fonts.get(f"{W}asciiTheme") is None
    assert styles_xml(out, look.huruf) == out  # applying it twice changes nothing more
    settings = zip_read(buffer.getvalue(), "word/settings.xml").encode()
    once = settings_xml(settings)
    assert once.count(b"doNotExpandShiftReturn") == 1 and settings_xml(once) == once
    compat = etree.fromstring(once).find(f"{W}compat")
    assert compat is not None and compat[0].tag == f"{W}doNotExpandShiftReturn"


def _template(path: Path, *texts: str, sect: dict[str, str] | None = None) -> Path:
    """A template made with python-docx, its section attributes replaced as given."""
    document = docx.Document()
    for text in texts:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/document.xml" and sect:
                for attr, value in sect.items():
                    data = re.sub(rb'(<w:(?:pgSz|pgMar)\b[^>]*\bw:' + attr.encode()
                                  + rb'=")[^"]*"', rb"\g<1>" + value.encode() + b'"', data)
            dst.writestr(info, data)
    path.write_bytes(out.getvalue())
    return path


def test_a_template_with_tags_in_its_page_still_renders_to_the_profile(tmp_path: Path) -> None:
    # A template made the old way (Jinja in the page size) renders, and the profile's
    # page is set over whatever the tags gave.
    old = _template(tmp_path / "lama.docx", "{{ hal }}",
                    sect={"w": "{{ profil.halaman.lebar }}", "left": "{{ profil.halaman.kiri }}"})
    data = naskah.Renderer({"nota-dinas": old}, profil="pusat", kertas="F4").render(
        load_example("nota-dinas"))
    xml = zip_read(data, "word/document.xml")
    assert 'w:w="12189"' in xml and 'w:left="1701"' in xml and "{{" not in xml


def test_periksa_a_shipped_template(capsys: pytest.CaptureFixture[str]) -> None:
    path = packaged_template("undangan")
    assert cli(["template", "periksa", str(path), "--jenis", "undangan"]) == 0
    out = capsys.readouterr().out
    assert "variables used: " in out and "kepada" in out and out.rstrip().endswith("ok")


@pytest.mark.parametrize(
    ("texts", "sect", "jenis", "problem"),
    [
        (["{{ hal }} {{ nomor_surat }}"], None, "nota-dinas",
         "unknown to a nota-dinas: nomor_surat"),
        (["{{ hal }} {{ tidak_ada }}"], None, None, "unknown to any document type: tidak_ada"),
        (["{{ hal }}"], {"w": "{{ profil.halaman.lebar }}"}, None,
         "a Jinja tag in the attribute w:w"),
        (["{{ hal }}"], {"w": "0", "h": "0"}, None, "pgSz w='0'"),
        (["{{ hal }}"], {"left": "0"}, None, "pgMar left='0'"),
    ],
    ids=["other-type", "unknown", "jinja-attribute", "zero-page", "zero-margin"],
)
def test_periksa_names_each_problem(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                    texts: list[str], sect: dict[str, str] | None,
                                    jenis: str | None, problem: str) -> None:
    path = _template(tmp_path / "t.docx", *texts, sect=sect)
    args = ["template", "periksa", str(path), *(["--jenis", jenis] if jenis else [])]
    assert cli(args) == 1
    captured = capsys.readouterr()
    assert problem in captured.err
    assert "ok" not in captured.out.splitlines()[-1]


def test_periksa_a_missing_page_setup(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _template(tmp_path / "t.docx", "{{ hal }}")
    data = path.read_bytes()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            blob = src.read(info)
            if info.filename == "word/document.xml":
                blob = re.sub(rb"<w:pgSz[^>]*/>", b"", blob)
            dst.writestr(info, blob)
    path.write_bytes(out.getvalue())
    assert cli(["template", "periksa", str(path)]) == 1
    assert "no pgSz (paper size)" in capsys.readouterr().err


def test_periksa_refuses_what_is_no_template(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bukan.docx"
    bad.write_bytes(b"not a docx")
    assert cli(["template", "periksa", str(bad)]) == 2  # bad input, not a finding
    assert "not a readable DOCX" in capsys.readouterr().err


def test_variabel_lists_what_each_type_gives(capsys: pytest.CaptureFixture[str]) -> None:
    for jenis in ALL_JENIS:
        assert cli(["template", "variabel", jenis]) == 0
        rows = [line.split(None, 1) for line in capsys.readouterr().out.splitlines()]
        names = {row[0] for row in rows}
        top = {re.split(r"[.\[]", name)[0] for name in names}
        # every name the shipped template uses is listed
        assert Template.load(packaged_template(jenis)).variables <= top, jenis
        assert "ttd.nama" in names and "kop.nama[]" in names
        assert not any(name.startswith("profil.huruf") for name in names)
    assert cli(["template", "variabel", "disposisi", "--profil", "pusat"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^harapan\[\]\.teks\s+\"Tanggapan dan Saran\"$", out, re.MULTILINE)
    assert re.search(r'^ttd\.nama\s+"Dr\. Hendra Wirawan, S\.H\., M\.Hum\."$', out, re.MULTILINE)


# ---------------------------------------------------------------- saved by LibreOffice


def _libreoffice_copies(soffice: str, folder: Path) -> dict[str, Path]:
    """Every shipped template opened and saved as DOCX by LibreOffice (one soffice run)."""
    sources = [packaged_template(jenis) for jenis in ALL_JENIS]
    out = folder / "lo"
    subprocess.run([soffice, f"-env:UserInstallation={(folder / 'profil').as_uri()}",
                    "--headless", "--norestore", "--convert-to", "docx:MS Word 2007 XML",
                    "--outdir", str(out), *map(str, sources)],
                   check=True, capture_output=True, timeout=300)
    return {jenis: out / path.name for jenis, path in zip(ALL_JENIS, sources, strict=True)}


@pytest.mark.libreoffice
@pytest.mark.pdf
def test_a_copy_saved_by_libreoffice_renders_the_same(soffice: str, tmp_path: Path) -> None:
    copies = _libreoffice_copies(soffice, tmp_path)
    shipped = naskah.Renderer(profil="kemenko-polhukam", font_check="error")
    edited = naskah.Renderer(copies, profil="kemenko-polhukam", font_check="error")
    items_a, items_b = [], []
    for jenis in ALL_JENIS:
        model = load_example(jenis)
        a, b = shipped.render(model), edited.render(model)
        for data in (a, b):
            sect = etree.fromstring(zip_read(data, "word/document.xml").encode()).find(
                f"{W}body/{W}sectPr")
            assert page_problems(sect.getparent()) == []
            assert (_attr(sect, f"{W}pgSz", "w"), _attr(sect, f"{W}pgSz", "h")) == (
                "11906", "16838")
            assert [_attr(sect, f"{W}pgMar", side) for side in
                    ("top", "bottom", "left", "right")] == ["1134", "1417", "1701", "1134"]
            normal = _styles(data)["Normal"]
            assert _attr(normal, f"{W}rPr/{W}rFonts", "ascii") == "Bookman Old Style"
        items_a.append((model, tmp_path / f"a-{jenis}.pdf"))
        items_b.append((model, tmp_path / f"b-{jenis}.pdf"))
    shipped.save_many(items_a)
    edited.save_many(items_b)
    for (_, a), (_, b) in zip(items_a, items_b, strict=True):
        pages_a, lines_a = pdf_layout(a)
        pages_b, lines_b = pdf_layout(b)
        assert pages_a == pages_b, a.name  # page count and size
        box = PdfReader(b).pages[0].mediabox
        assert (round(float(box.width)), round(float(box.height))) == (595, 842)
        fonts_a = {f.keluarga for f in pdf_fonts(a.read_bytes())}
        assert fonts_a == {f.keluarga for f in pdf_fonts(b.read_bytes())}, b.name
        assert all(k.startswith(("urwbookman", "dejavu")) for k in fonts_a), fonts_a
        # the same text, on the same pages, from the same left margin (3 cm)
        assert [(ln.page, ln.text) for ln in lines_a] == [(ln.page, ln.text) for ln in lines_b]
        assert abs(min(ln.x0 for ln in lines_b) - min(ln.x0 for ln in lines_a)) < 1
