"""Every shipped profile and a user's own, every document type, read back from the PDF.

One LibreOffice run per profile (Renderer.save_many). From the PDF itself: the page
size, the fonts (embedded, the profile's family or its metric-compatible substitute),
the order of the heading lines of the layout, the kop lines, the signer's name rule.
"""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

import naskah
from naskah.errors import PdfError
from naskah.pdf.fonts import FontWarning, check_pdf, font_problems, pdf_fonts
from naskah.profil import load_profil
from tests.helpers import ALL_JENIS, EXAMPLES, load_example_data, png_bytes
from tests.pdf_pages import ink_share, layout_lines, page_images
from tests.test_profil import pemda_kop

A4 = (595.3, 841.9)  # 210 x 297 mm
F4 = (609.4, 935.4)  # 215 x 330 mm
# LibreOffice fits a page size to the nearest paper it knows: F4 comes out as
# 609.99 x 936 pt (215.2 x 330.2 mm). Half a millimetre is within printing tolerance.
TOLERANCE_PT = 1.5
FAMILY = {"pusat": "liberationsans", "pemda": "liberationsans",
          "kemenko-polhukam": "urwbookman", "user": "liberationsans"}


def _documents(profil: str, logo: Path) -> dict[str, naskah.NaskahDinas]:
    docs: dict[str, naskah.NaskahDinas] = {}
    for jenis in ALL_JENIS:
        data: dict[str, Any] = load_example_data(jenis)
        if profil in ("pemda", "user"):
            data["kop"] = pemda_kop(logo=str(logo))
        if jenis == "undangan" and profil == "pemda":
            data = json.loads((EXAMPLES / "undangan-pemda.json").read_text(encoding="utf-8"))
            data["kop"]["logo"] = str(logo)
        docs[jenis] = naskah.load_naskah(jenis, data)
    return docs


USER_PROFILE = """
nama = "kab-sukamaju"
judul = "Kabupaten Sukamaju (Perbup): F4 for letters, logo centred"
extends = "pemda"
kertas_per_jenis = { undangan = "F4", nota-dinas = "F4", disposisi = "F4" }

[kop]
logo = "tengah"
"""


@pytest.fixture(scope="module")
def rendered(soffice: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Path]]:
    """PDFs of the five types under each profile: {profil: {jenis: path}}."""
    base = tmp_path_factory.mktemp("profil-pdf")
    logo = EXAMPLES / "logo-contoh.png"
    user = base / "kab-sukamaju.toml"
    user.write_text(USER_PROFILE, encoding="utf-8")
    out: dict[str, dict[str, Path]] = {}
    for name, source in (("pusat", "pusat"), ("kemenko-polhukam", "kemenko-polhukam"),
                         ("pemda", "pemda"), ("user", str(user))):
        renderer = naskah.Renderer(profil=source, font_check="error")
        folder = base / name
        folder.mkdir()
        items = [(doc, folder / f"{jenis}.pdf") for jenis, doc in _documents(name, logo).items()]
        renderer.save_many(items)
        out[name] = {jenis: folder / f"{jenis}.pdf" for jenis in ALL_JENIS}
    return out


PROFILES = ("pusat", "kemenko-polhukam", "pemda", "user")


@pytest.mark.parametrize("profil", PROFILES)
def test_page_size(rendered: dict[str, dict[str, Path]], profil: str) -> None:
    for jenis, pdf in rendered[profil].items():
        box = PdfReader(pdf).pages[0].mediabox
        size = (float(box.width), float(box.height))
        f4 = profil == "user" and jenis in ("undangan", "nota-dinas", "disposisi")
        expected = F4 if f4 else A4
        assert all(abs(a - b) <= TOLERANCE_PT for a, b in zip(size, expected, strict=True)), (
            f"{profil}/{jenis}: {size}, expected {expected}")


@pytest.mark.parametrize("profil", PROFILES)
def test_fonts(rendered: dict[str, dict[str, Path]], profil: str) -> None:
    source = profil if profil != "user" else "pemda"
    for jenis, pdf in rendered[profil].items():
        data = pdf.read_bytes()
        fonts = pdf_fonts(data)
        assert fonts and all(f.tertanam for f in fonts), f"{profil}/{jenis}: {fonts}"
        text_fonts = {f.keluarga for f in fonts if not f.keluarga.startswith("dejavu")}
        assert text_fonts and all(k.startswith(FAMILY[profil]) for k in text_fonts), (
            f"{profil}/{jenis}: {sorted(text_fonts)}")
        assert font_problems(data, load_profil(source)) == []
        if jenis != "disposisi":  # only the disposisi's tick boxes need a symbol font
            assert not any(f.keluarga.startswith("dejavu") for f in fonts), f"{jenis}: {fonts}"


def _index(lines: list[str], needle: str) -> int:
    """The first line holding ``needle``; a one-word label must start the line."""
    label = re.fullmatch(r"[A-Z][a-z]+\.?", needle) is not None
    for i, line in enumerate(lines):
        if line.strip().startswith(needle) if label else needle in line:
            return i
    raise AssertionError(f"{needle!r} not in {lines}")


def test_heading_order_baku(rendered: dict[str, dict[str, Path]]) -> None:
    for profil in ("pusat", "kemenko-polhukam"):
        lines = layout_lines(rendered[profil]["undangan"])
        nomor = _index(lines, "Nomor")
        assert "Jakarta, 24 November 2026" in lines[nomor]  # on the Nomor line, right
        assert nomor < _index(lines, "Sifat") < _index(lines, "Lampiran") < _index(lines, "Hal")
        assert _index(lines, "Hal") < _index(lines, "Yth.")
        lines = layout_lines(rendered[profil]["nota-dinas"])
        assert _index(lines, "NOTA DINAS") < _index(lines, "NOMOR 27/Ses.PO") < _index(
            lines, "Yth.") < _index(lines, "Dari") < _index(lines, "Tanggal") < _index(lines, "Hal")


def test_heading_order_korespondensi(rendered: dict[str, dict[str, Path]]) -> None:
    for profil in ("pemda", "user"):
        lines = layout_lines(rendered[profil]["undangan"])
        tanggal = _index(lines, "24 November 2026")
        assert "Nomor" not in lines[tanggal]
        assert lines[tanggal].startswith(" " * 30)  # right-aligned
        assert tanggal < _index(lines, "Nomor") < _index(lines, "Sifat") < _index(
            lines, "Lampiran") < _index(lines, "Hal") < _index(lines, "Yth.")
        # The pemda profile's own order: Yth., Dari, Tanggal, Nomor, Sifat, Lampiran, Hal.
        lines = layout_lines(rendered[profil]["nota-dinas"])
        assert _index(lines, "NOTA DINAS") < _index(lines, "Yth.") < _index(
            lines, "Dari") < _index(lines, "Tanggal") < _index(lines, "Nomor") < _index(
            lines, "Sifat") < _index(lines, "Lampiran") < _index(lines, "Hal")
        assert "25 November 2026" in lines[_index(lines, "Tanggal")]
        assert not any("NOMOR" in line for line in lines)


def test_laporan_title_block(rendered: dict[str, dict[str, Path]]) -> None:
    for profil in PROFILES:
        lines = layout_lines(rendered[profil]["laporan"])
        assert _index(lines, "LAPORAN") < _index(lines, "TENTANG") < _index(
            lines, "HASIL PELAKSANAAN TATA KELOLA DATA") < _index(lines, "A.")


def test_kop_lines(rendered: dict[str, dict[str, Path]]) -> None:
    for jenis in ALL_JENIS:
        lines = layout_lines(rendered["pusat"][jenis])
        assert _index(lines, "KEMENTERIAN KOORDINATOR BIDANG") < _index(
            lines, "REPUBLIK INDONESIA") < _index(lines, "SEKRETARIAT KEMENTERIAN KOORDINATOR")
        assert not any("PEMERINTAH" in line for line in lines[:5])
    lines = layout_lines(rendered["pemda"]["undangan"])
    assert [line.strip() for line in lines[:2]] == ["PEMERINTAH KABUPATEN SUKAMAJU",
                                                   "SEKRETARIAT DAERAH"]
    for profil in ("pemda", "user"):
        for jenis in ("nota-dinas", "laporan", "disposisi", "notulen"):
            lines = [line.strip() for line in layout_lines(rendered[profil][jenis])]
            assert lines[:4] == ["PEMERINTAH KABUPATEN SUKAMAJU", "KECAMATAN SUKASARI",
                                 "DESA SUKAMULYA", "KANTOR KEPALA DESA"], f"{profil}/{jenis}"


def _all_text(pdf: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(pdf).pages)


def test_signature_name_rule(rendered: dict[str, dict[str, Path]]) -> None:
    # pemda, Pj. Sekretaris Daerah: no gelar, no NIP, no pangkat (Permendagri 1/2023 Pasal 44(5)).
    text = _all_text(rendered["pemda"]["undangan"])
    assert "Pj. Sekretaris Daerah," in text and "Hendra Kusuma" in text
    for absent in ("Dr. Hendra", "S.H.", "M.Si.", "NIP", "197203151998031004", "Pembina"):
        assert absent not in text, absent
    # pemda, an official below the Sekda: gelar, pangkat and NIP (ayat 3).
    text = _all_text(rendered["pemda"]["nota-dinas"])
    assert "Agus Setiawan, S.H., M.Si." in text and "NIP 197005151995031001" in text
    # pusat: the name as given, with gelar and NIP.
    text = _all_text(rendered["pusat"]["undangan"])
    assert "Agus Setiawan, S.H., M.Si." in text and "NIP 197005151995031001" in text


def test_logo_left_or_centred(rendered: dict[str, dict[str, Path]], tmp_path: Path) -> None:
    # The placeholder logo is the only drawing in the kop's top band: left of the text
    # for pemda (kop.logo = "kiri"), centred above it for the user's profile ("tengah").
    left = page_images(rendered["pemda"]["undangan"], tmp_path / "pemda", dpi=40, gray=True)[0]
    centred = page_images(rendered["user"]["nota-dinas"], tmp_path / "user", dpi=40, gray=True)[0]
    top_left = (0.12, 0.04, 0.25, 0.12)
    assert ink_share(left, top_left) > 0.02
    assert ink_share(centred, top_left) < 0.005
    assert ink_share(centred, (0.42, 0.04, 0.58, 0.10)) > 0.02
    # And PNGs a person can look at (kept under NASKAH_TEST_PAGES when set).
    pngs = page_images(rendered["pemda"]["undangan"], tmp_path / "png")
    assert pngs and pngs[0].read_bytes().startswith(b"\x89PNG")


def test_unknown_font_is_never_silent(soffice: str, tmp_path: Path) -> None:
    profile = tmp_path / "aneh.toml"
    profile.write_text('nama = "aneh"\njudul = "A"\nextends = "pusat"\n'
                       '[huruf]\nnama = "Naskah Tidak Ada Sans"\npengganti = []\n',
                       encoding="utf-8")
    targets = [tmp_path / "a.pdf", tmp_path / "b.pdf"]
    doc = naskah.load_naskah("nota-dinas", load_example_data("nota-dinas"))
    with pytest.raises(PdfError, match="Naskah Tidak Ada Sans") as info:
        naskah.Renderer(profil=profile, font_check="error").save_many(
            [(doc, target) for target in targets])
    assert "fell back" in str(info.value)
    assert not any(target.exists() for target in targets)  # no partial batch


def test_cli_warns_about_fonts(soffice: str, tmp_path: Path,
                               capsys: pytest.CaptureFixture[str]) -> None:
    from naskah.cli import main

    profile = tmp_path / "aneh.json"
    profile.write_text(json.dumps({"nama": "aneh", "judul": "A", "extends": "pusat",
                                   "huruf": {"nama": "Naskah Tidak Ada Sans",
                                             "pengganti": []}}), encoding="utf-8")
    out = tmp_path / "x.pdf"
    code = main(["render", "laporan", str(EXAMPLES / "laporan.json"), "-o", str(out),
                 "--profil", str(profile)])
    err = capsys.readouterr().err
    assert code == 0 and out.exists()  # warn (the default): the PDF is written, and said so
    assert "naskah: peringatan: x.pdf: fonts differ from profil 'aneh'" in err
    assert "Naskah Tidak Ada Sans" in err


def test_font_warning_names_the_fonts(rendered: dict[str, dict[str, Path]]) -> None:
    # A Bookman profile against an Arial-metric PDF: the warning says what was found.
    data = rendered["pusat"]["nota-dinas"].read_bytes()
    with pytest.warns(FontWarning, match=r"LiberationSans.*neither Bookman Old Style"):
        check_pdf(data, load_profil("kemenko-polhukam"), "warn", "nota-dinas.pdf")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check_pdf(data, load_profil("pusat"), "warn")  # no warning when all is well


def test_kop_jabatan_pdf(soffice: str, tmp_path: Path) -> None:
    garuda = tmp_path / "garuda.png"
    garuda.write_bytes(png_bytes(60, 60, (40, 40, 40)))
    data = load_example_data("nota-dinas")
    data["kop"] = {"jenis_kop": "jabatan", "lambang": str(garuda),
                   "nama": ["MENTERI KOORDINATOR BIDANG POLITIK DAN KEAMANAN",
                            "REPUBLIK INDONESIA"], "alamat": "Jakarta"}
    target = tmp_path / "jabatan.pdf"
    naskah.Renderer(profil="kemenko-polhukam", font_check="error").save(
        naskah.load_naskah("nota-dinas", data), target)
    lines = [line.strip() for line in layout_lines(target)]
    assert lines[:3] == ["MENTERI KOORDINATOR BIDANG POLITIK DAN KEAMANAN",
                         "REPUBLIK INDONESIA", "NOTA DINAS"]
    image = page_images(target, tmp_path / "img", dpi=40, gray=True)[0]
    assert ink_share(image, (0.44, 0.03, 0.56, 0.10)) > 0.2  # the emblem, centred
