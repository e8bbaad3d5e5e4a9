"""Format profiles: loading, extends, validation, signature rules, and the DOCX they give.

The PDF side (page size, fonts, heading order read back from LibreOffice's output)
is in tests/test_profil_pdf.py.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import docx
import pytest
from hypothesis import given
from hypothesis import strategies as st

import naskah
from naskah.cli import main
from naskah.errors import InputError
from naskah.profil import (
    TATA_LETAK_JENIS,
    Profil,
    daftar_profil,
    load_profil,
    tanpa_gelar,
    template_context,
)
from tests.helpers import EXAMPLES, docx_lines, load_example, load_example_data, png_bytes, zip_read

GELAR_DEPAN = load_profil("pusat").ttd.gelar_depan


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def pemda_kop(**extra: Any) -> dict[str, Any]:
    """A kop daerah of a desa: kabupaten, kecamatan and desa tiers."""
    return {
        "jenis_kop": "daerah",
        "daerah": [
            {"tingkat": "kabupaten", "nama": "Sukamaju"},
            {"tingkat": "kecamatan", "nama": "Sukasari"},
            {"tingkat": "desa", "nama": "Sukamulya"},
        ],
        "nama": ["KANTOR KEPALA DESA"],
        "alamat": "Jalan Raya Sukamulya Nomor 7, Sukasari 45112",
        "kota": "Sukamulya",
        **extra,
    }


def pemda_example() -> naskah.NaskahDinas:
    data = json.loads((EXAMPLES / "undangan-pemda.json").read_text(encoding="utf-8"))
    data["kop"]["logo"] = str(EXAMPLES / "logo-contoh.png")
    return naskah.load_naskah("undangan", data)


# ---------------------------------------------------------------- loading


def test_shipped_profiles_load_and_name_themselves() -> None:
    assert daftar_profil() == ["kemenko-polhukam", "pemda", "pusat"]
    for name in daftar_profil():
        profil = load_profil(name)
        assert profil.nama == name
        assert profil.sumber, f"{name} cites no source"


def test_kemenko_polhukam_extends_pusat() -> None:
    pusat, kemenko = load_profil("pusat"), load_profil("kemenko-polhukam")
    assert kemenko.extends == "pusat"
    assert kemenko.huruf.nama == "Bookman Old Style"
    assert "URW Bookman" in kemenko.huruf.pengganti
    # Everything it does not set is pusat's: margins, sizes, kop, layouts.
    assert kemenko.halaman == pusat.halaman
    assert kemenko.huruf.isi == pusat.huruf.isi == 12
    assert kemenko.tata_letak == pusat.tata_letak
    # The kop kind and sizes are pusat's; the ministry's own kop is its addition.
    assert kemenko.kop.model_copy(update={"instansi": []}) == pusat.kop
    assert pusat.kop.instansi == [] and len(kemenko.kop.instansi) == 2


def test_pemda_values() -> None:
    pemda = load_profil("pemda")
    assert pemda.huruf.nama == "Arial" and pemda.huruf.isi == 12
    assert pemda.kertas == naskah.Kertas.A4
    assert pemda.tata_letak_untuk("undangan") == "korespondensi"
    assert pemda.tata_letak_untuk("nota-dinas") == "korespondensi"
    assert pemda.tata_letak_untuk("laporan") == "judul"
    assert pemda.kop.jenis == "daerah"
    assert pemda.nomor == "permendagri"
    assert any("unverified" in note for note in pemda.catatan)


@pytest.mark.parametrize(
    ("pelaksana", "pimpinan", "expected"),
    [
        ("Pj.", "kepala-daerah", (False, False, False)),   # Pasal 44 ayat (4)
        ("Plh.", "kepala-daerah", (False, False, False)),
        ("Pj.", "sekretaris-daerah", (False, False, False)),  # ayat (5)
        ("", "sekretaris-daerah", (True, False, False)),  # ayat (2), (3) a contrario
        ("", "kepala-daerah", (True, False, False)),
        ("Plt.", "", (True, True, True)),  # any other official: ayat (3)
        ("", "", (True, True, True)),
    ],
)
def test_pemda_signature_rules(pelaksana: str, pimpinan: str,
                               expected: tuple[bool, bool, bool]) -> None:
    rule = load_profil("pemda").aturan_nama("undangan", pelaksana, pimpinan)
    assert (rule.gelar, rule.pangkat, rule.nip) == expected


def test_user_toml_extends_a_shipped_profile_deeply(tmp_path: Path) -> None:
    path = _write(tmp_path / "kabupaten.toml", """
nama = "kab-sukamaju"
judul = "Kabupaten Sukamaju (Perbup 12/2024)"
extends = "pemda"
kertas_per_jenis = { undangan = "F4", nota-dinas = "F4" }

[huruf]
isi = 11

[kop]
logo = "tengah"
""")
    profil = load_profil(path)
    assert profil.nama == "kab-sukamaju" and profil.extends == "pemda"
    assert profil.kertas_untuk("undangan") == "F4" and profil.kertas_untuk("laporan") == "A4"
    # Tables merge key by key: the font name and other sizes still come from the parent.
    assert profil.huruf.isi == 11 and profil.huruf.nama == "Arial" and profil.huruf.kop == 13
    assert profil.kop.logo == "tengah" and profil.kop.jenis == "daerah"
    assert len(profil.ttd.aturan) == 3


def test_user_json_extends_a_file_relative_to_it(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    _write(tmp_path / "base.toml", 'nama = "base"\njudul = "Base"\nextends = "pusat"\n'
           '[huruf]\nnama = "Bookman Old Style"\n')
    path = _write(tmp_path / "sub" / "child.json",
                  json.dumps({"nama": "child", "judul": "Child", "extends": "../base.toml",
                              "halaman": {"kiri": 3.5}}))
    profil = load_profil(path)
    assert profil.huruf.nama == "Bookman Old Style"
    assert profil.halaman.kiri == 3.5 and profil.halaman.kanan == 2.0


def test_extends_cycle_is_refused(tmp_path: Path) -> None:
    _write(tmp_path / "a.toml", 'nama = "a"\njudul = "A"\nextends = "b.toml"\n')
    _write(tmp_path / "b.toml", 'nama = "b"\njudul = "B"\nextends = "a.toml"\n')
    with pytest.raises(InputError, match="cycle") as info:
        load_profil(tmp_path / "a.toml")
    assert "a.toml" in str(info.value) and "b.toml" in str(info.value)


def test_extends_itself_is_a_cycle(tmp_path: Path) -> None:
    _write(tmp_path / "self.toml", 'nama = "s"\njudul = "S"\nextends = "self.toml"\n')
    with pytest.raises(InputError, match="cycle"):
        load_profil(tmp_path / "self.toml")


def test_extends_unknown(tmp_path: Path) -> None:
    path = _write(tmp_path / "x.toml", 'nama = "x"\njudul = "X"\nextends = "pusatt"\n')
    with pytest.raises(InputError, match="extends: 'pusatt'"):
        load_profil(path)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ('[huruf]\nisi = "besar"\n', "huruf.isi"),
        ("[huruf]\nisi = 40\n", "huruf.isi"),
        ("[halaman]\nkiri = 0\n", "halaman.kiri"),
        ('kertas = "Letter"\n', "kertas"),
        ('[kertas_per_jenis]\nsurat = "F4"\n', "kertas_per_jenis.surat"),
        ('[tata_letak]\nlaporan = "korespondensi"\n', "tata_letak.laporan"),
        ('[kop]\nwarna = "merah"\n', "kop.warna"),
        ('[[ttd.aturan]]\npelaksana = ["Wakil"]\n', "ttd.aturan[0].pelaksana[0]"),
    ],
)
def test_broken_field_is_named(tmp_path: Path, body: str, field: str) -> None:
    path = _write(tmp_path / "rusak.toml", 'nama = "rusak"\njudul = "R"\nextends = "pusat"\n'
                  + body)
    with pytest.raises(InputError) as info:
        load_profil(path)
    assert field in str(info.value)
    assert str(path) in str(info.value)


def test_malformed_toml_and_json(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="malformed TOML"):
        load_profil(_write(tmp_path / "a.toml", "nama = \n"))
    with pytest.raises(InputError, match="JSON rusak"):
        load_profil(_write(tmp_path / "a.json", "{nama"))
    with pytest.raises(InputError, match=r"\.toml or \.json"):
        load_profil(_write(tmp_path / "a.yaml", "nama: x"))
    with pytest.raises(InputError, match="unknown profil 'nasional'"):
        load_profil("nasional")


def test_every_layout_the_model_allows_is_in_the_templates() -> None:
    # The layouts a profile may choose are exactly the branches the builder writes.
    from naskah.docx.renderer import packaged_template

    for jenis, layouts in TATA_LETAK_JENIS.items():
        xml = zip_read(packaged_template(jenis), "word/document.xml")
        for layout in layouts[1:]:
            assert f"tata_letak == &quot;{layout}&quot;" in xml or (
                f'tata_letak == "{layout}"' in xml
            ), f"{jenis}: no {layout} branch"
    assert set(TATA_LETAK_JENIS) == set(naskah.JENIS)


def test_profile_json_schema() -> None:
    schema = Profil.model_json_schema()
    assert {"huruf", "kertas", "kop", "tata_letak", "ttd", "pdfa", "extends"} <= set(
        schema["properties"]
    )


# ---------------------------------------------------------------- signer names


@pytest.mark.parametrize(
    ("nama", "expected"),
    [
        ("Dr. Hendra Kusuma, S.H., M.Si.", "Hendra Kusuma"),
        ("Prof. Dr. Ir. Siti Aminah, M.Sc., Ph.D.", "Siti Aminah"),
        ("Drs. H. Ahmad Fauzi, M.M.", "H. Ahmad Fauzi"),  # haji is not an academic title
        ("Agus Setiawan", "Agus Setiawan"),
        ("dr. Rina Wati, Sp.A.", "Rina Wati"),
        ("Dr.", "Dr."),  # nothing left: unchanged rather than blank
    ],
)
def test_tanpa_gelar(nama: str, expected: str) -> None:
    assert tanpa_gelar(nama, GELAR_DEPAN) == expected


@given(st.text(min_size=1, max_size=60))
def test_tanpa_gelar_properties(nama: str) -> None:
    result = tanpa_gelar(nama, GELAR_DEPAN)
    assert result  # never blank
    assert tanpa_gelar(result, GELAR_DEPAN) == result or "," in result or result == nama
    if nama.strip() and "," not in nama and not set(nama.split()) & set(GELAR_DEPAN):
        assert result == re.sub(r"\s+", " ", nama).strip() or result == nama


# ---------------------------------------------------------------- the DOCX it gives


def _sect(data: bytes) -> dict[str, str]:
    xml = zip_read(data, "word/document.xml")
    pg = re.search(r"<w:pgSz [^>]*>", xml)
    mar = re.search(r"<w:pgMar [^>]*>", xml)
    assert pg and mar
    return dict(re.findall(r'w:(\w+)="([^"]*)"', pg.group() + mar.group()))


def test_template_context_units() -> None:
    a4 = template_context(load_profil("pusat"), "undangan")["profil"]
    assert (a4["halaman"]["lebar"], a4["halaman"]["tinggi"]) == (11906, 16838)
    f4 = template_context(load_profil("pusat"), "undangan", "F4")["profil"]
    assert (f4["halaman"]["lebar"], f4["halaman"]["tinggi"]) == (12189, 18709)
    assert a4["halaman"]["kiri"] == 1701 and a4["huruf"]["isi"] == 24


def test_docx_page_and_fonts_follow_the_profile(tmp_path: Path) -> None:
    nodin = load_example("nota-dinas")
    pusat = naskah.Renderer(profil="pusat").render(nodin)
    assert _sect(pusat)["w"] == "11906" and _sect(pusat)["h"] == "16838"
    assert _sect(pusat)["left"] == "1701" and _sect(pusat)["top"] == "1134"
    kemenko = naskah.Renderer(profil="kemenko-polhukam").render(nodin)
    xml = zip_read(kemenko, "word/document.xml")
    # The text names no font: the styles do, the profile's (document defaults, Normal).
    assert set(re.findall(r'w:ascii="([^"]*)"', xml)) == set()
    assert "{{" not in xml and "{%" not in xml
    styles = zip_read(kemenko, "word/styles.xml")
    assert set(re.findall(r'w:ascii="([^"]*)"', styles)) == {"Bookman Old Style"}
    assert "Arial" not in styles
    header = [n for n in _names(kemenko) if n.startswith("word/header")]
    assert not any("w:rFonts" in zip_read(kemenko, n) for n in header)
    f4 = naskah.Renderer(profil="pusat", kertas="F4").render(nodin)
    assert _sect(f4)["w"] == "12189" and _sect(f4)["h"] == "18709"


def _names(data: bytes) -> list[str]:
    from tests.helpers import zip_names

    return zip_names(data)


def test_pemda_undangan_docx_heading_and_signature() -> None:
    lines = [line for line in docx_lines(naskah.Renderer(profil="pemda").render(pemda_example()))
             if line.strip()]
    assert lines[:2] == ["PEMERINTAH KABUPATEN SUKAMAJU", "SEKRETARIAT DAERAH"]
    tanggal = lines.index("Sukamaju, 24 November 2026")

    def row(label: str) -> int:
        return next(i for i, line in enumerate(lines) if line.startswith(f"{label}\t:\t"))

    assert tanggal < row("Nomor") < row("Sifat") < row("Hal") < lines.index("Yth.")
    assert "Pj. Sekretaris Daerah," in lines and "Hendra Kusuma" in lines
    text = "\n".join(lines)
    assert "Dr. Hendra" not in text and "S.H." not in text and "NIP" not in text
    assert "Pembina Utama Muda" not in text


def test_same_document_under_pusat_keeps_gelar_and_nip() -> None:
    lines = docx_lines(naskah.Renderer(profil="pusat").render(pemda_example()))
    assert "Dr. Hendra Kusuma, S.H., M.Si." in lines
    assert "NIP 197203151998031004" in lines
    # On the Nomor line, at the right margin (a right tab).
    assert "Nomor\t:\t000.5.6.2/123/2026\tSukamaju, 24 November 2026" in lines


def test_kop_kinds(tmp_path: Path) -> None:
    garuda = tmp_path / "garuda.png"
    garuda.write_bytes(png_bytes(40, 40))
    data = load_example_data("nota-dinas")
    data["kop"] = {"jenis_kop": "jabatan", "lambang": str(garuda),
                   "nama": ["MENTERI KOORDINATOR", "REPUBLIK INDONESIA"], "alamat": "Jakarta"}
    out = naskah.render(naskah.load_naskah("nota-dinas", data))
    lines = [line for line in docx_lines(out) if line.strip()]
    assert lines[:3] == ["MENTERI KOORDINATOR", "REPUBLIK INDONESIA", "NOTA DINAS"]
    assert "Jakarta" not in lines[:3]  # a kop jabatan has no address
    assert len(docx.Document(__import__("io").BytesIO(out)).inline_shapes) == 1

    data["kop"] = pemda_kop()
    lines = [line for line in docx_lines(naskah.Renderer(profil="pemda").render(
        naskah.load_naskah("nota-dinas", data))) if line.strip()]
    assert lines[:4] == ["PEMERINTAH KABUPATEN SUKAMAJU", "KECAMATAN SUKASARI",
                         "DESA SUKAMULYA", "KANTOR KEPALA DESA"]


def test_kop_the_profile_needs_is_named() -> None:
    # pemda's kop is a kop daerah: a document without tiers gets one clear error.
    data = load_example_data("nota-dinas")
    del data["kop"]["jenis_kop"]  # the kop kind left to the profile
    with pytest.raises(InputError, match=r"kop\.daerah"):
        naskah.Renderer(profil="pemda").render(naskah.load_naskah("nota-dinas", data))


@pytest.mark.parametrize(
    ("kop", "match"),
    [
        ({"jenis_kop": "jabatan"}, "lambang"),
        ({"jenis_kop": "daerah"}, "tiers"),
        ({"daerah": [{"tingkat": "desa", "nama": "A"}, {"tingkat": "kabupaten", "nama": "B"}]},
         "top to bottom"),
        ({"daerah": [{"tingkat": "kota", "nama": "A"}, {"tingkat": "kabupaten", "nama": "B"}]},
         "each once"),
    ],
)
def test_instansi_kop_checks(kop: dict[str, Any], match: str) -> None:
    data = load_example_data("nota-dinas")
    data["kop"] = {"nama": ["X"], "alamat": "Y", **kop}
    with pytest.raises(InputError, match=match):
        naskah.load_naskah("nota-dinas", data)


def test_logo_must_really_be_an_image(tmp_path: Path) -> None:
    fake = _write(tmp_path / "logo.png", "<svg>not a png</svg>")
    data = load_example_data("nota-dinas")
    data["kop"] = {"nama": ["X"], "alamat": "Y", "logo": str(fake)}
    with pytest.raises(InputError, match=r"kop\.logo.*not an image"):
        naskah.render(naskah.load_naskah("nota-dinas", data))
    big = tmp_path / "big.png"
    big.write_bytes(png_bytes(4, 4) + b"\0" * (5 * 1024 * 1024))
    data["kop"]["logo"] = str(big)
    with pytest.raises(InputError, match=r"kop\.logo.*larger than 5 MB"):
        naskah.render(naskah.load_naskah("nota-dinas", data))


def test_users_own_template_still_works_with_a_profile(tmp_path: Path) -> None:
    template = tmp_path / "mine.docx"
    document = docx.Document()
    document.add_paragraph("{{ hal }} / {{ ttd.nama }} / {{ profil.nama }}")
    document.save(str(template))
    out = naskah.Renderer({"undangan": template}, profil="pemda").render(pemda_example())
    assert docx_lines(out) == [
        "Undangan Rapat Koordinasi Penyusunan Rencana Kerja Perangkat Daerah Tahun 2027"
        " / Hendra Kusuma / pemda"
    ]


# ---------------------------------------------------------------- CLI


def test_cli_profil_commands(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["profil", "daftar"]) == 0
    out = capsys.readouterr().out
    assert "pemda\tPemerintah daerah (Permendagri 1/2023) (extends pusat)" in out
    assert main(["profil", "tampil", "kemenko-polhukam"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["huruf"]["nama"] == "Bookman Old Style" and shown["halaman"]["kiri"] == 3.0
    assert main(["profil", "schema"]) == 0
    assert "huruf" in json.loads(capsys.readouterr().out)["properties"]


def test_cli_periksa(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = _write(tmp_path / "ok.toml", 'nama = "ok"\njudul = "OK"\nextends = "pemda"\n')
    assert main(["profil", "periksa", str(good)]) == 0
    assert "is valid (extends pemda)" in capsys.readouterr().out
    bad = _write(tmp_path / "bad.toml", 'nama = "b"\njudul = "B"\n[huruf]\nisi = "dua belas"\n')
    assert main(["profil", "periksa", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "huruf.isi" in err and "Traceback" not in err


def test_cli_periksa_unknown_font(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from naskah.pdf.fonts import fc_match

    if fc_match("Arial") is None:
        pytest.skip("no fontconfig on this machine")
    path = _write(tmp_path / "f.toml", 'nama = "f"\njudul = "F"\nextends = "pusat"\n'
                  '[huruf]\nnama = "Naskah Tidak Ada Sans"\npengganti = []\n')
    assert main(["profil", "periksa", str(path)]) == 1
    err = capsys.readouterr().err
    assert "'Naskah Tidak Ada Sans' is not installed" in err


def test_cli_render_broken_profile_exit_2_no_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = _write(tmp_path / "bad.json", json.dumps(
        {"nama": "b", "judul": "B", "extends": "pemda", "kop": {"logo": "atas"}}))
    out = tmp_path / "x.docx"
    code = main(["render", "undangan", str(EXAMPLES / "undangan.json"), "-o", str(out),
                 "--profil", str(bad)])
    assert code == 2
    assert "kop.logo" in capsys.readouterr().err
    assert not out.exists()


def test_cli_render_with_profil_docx(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(Path(__file__).parent.parent)  # the example names its logo from here
    out = tmp_path / "x.docx"
    assert main(["render", "undangan", "examples/data/undangan-pemda.json", "--profil", "pemda",
                 "-o", str(out)]) == 0
    lines = docx_lines(out)
    assert "PEMERINTAH KABUPATEN SUKAMAJU" in lines and "Hendra Kusuma" in lines


def test_readme_profile_example_is_valid(tmp_path: Path) -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```toml\n(# kabupaten\.toml\n.*?)```", readme, re.DOTALL)
    assert block, "the README has no kabupaten.toml example"
    profil = load_profil(_write(tmp_path / "kabupaten.toml", block.group(1)))
    assert profil.extends == "pemda" and profil.kertas_untuk("undangan") == "F4"
    assert profil.label.tembusan == "Tembusan, disampaikan kepada Yth.:"


def test_profile_text_is_escaped_in_the_document(tmp_path: Path) -> None:
    # Profile values are data from a file: markup or Jinja in them comes out literally.
    path = _write(tmp_path / "x.json", json.dumps({
        "nama": "x", "judul": "X", "extends": "pusat",
        "label": {"tembusan": "Tembusan <b>&amp; {{ 7*7 }}:"},
        "huruf": {"nama": 'Arial" w:evil="1'},
    }))
    out = naskah.Renderer(profil=path).render(load_example("nota-dinas"))
    assert "Tembusan <b>&amp; {{ 7*7 }}:" in docx_lines(out)
    xml = zip_read(out, "word/styles.xml")
    assert 'w:evil="1"' not in xml
    from lxml import etree

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    fonts = {el.get(f"{w}ascii") for el in etree.fromstring(xml.encode()).iter(f"{w}rFonts")}
    assert fonts == {'Arial" w:evil="1'}


@pytest.mark.libreoffice
def test_profile_pdfa_default_reaches_the_pdf(soffice: str, tmp_path: Path) -> None:
    # A profile with ``pdfa = true`` makes every PDF of its renderer PDF/A-2b (XMP
    # pdfaid), without the caller asking; ``pdfa=False`` on the renderer overrides it.
    from pypdf import PdfReader

    profile = _write(tmp_path / "arsip.toml", 'nama = "arsip"\njudul = "Arsip"\n'
                     'extends = "pusat"\npdfa = true\n')
    assert naskah.Renderer().pdfa is False
    renderer = naskah.Renderer(profil=profile)
    assert renderer.pdfa is True
    model = load_example("nota-dinas")
    written = renderer.save_many([(model, tmp_path / "a.pdf")])
    plain = naskah.Renderer(profil=profile, pdfa=False).save(model, tmp_path / "b.pdf")

    def pdfaid(path: Path) -> bool:
        root = PdfReader(str(path)).trailer["/Root"]
        return "/Metadata" in root and b"pdfaid:part" in root["/Metadata"].get_object().get_data()

    assert pdfaid(written[0])
    assert not pdfaid(plain)


