"""Rendering tests on real DOCX output, read back with python-docx."""

from __future__ import annotations

import importlib.util
import io
import os
import re
import shutil
import stat
import time
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import docx
import pytest
from lxml import etree

import naskah
from naskah import formatting
from naskah.docx.renderer import packaged_template
from tests.helpers import (
    ALL_JENIS,
    docx_lines,
    docx_text,
    load_example,
    load_example_data,
    open_docx,
    png_bytes,
    zip_names,
)


def kop_lines(kop: naskah.Instansi) -> list[str]:
    """The kop text lines a rendered document starts with."""
    return [*kop.nama, *([kop.unit] if kop.unit else []), kop.alamat, kop.kontak]


def _listed(items: list[str], letters: bool = False) -> list[str]:
    """A rendered list: one item alone unnumbered, else '1.<tab>' (or 'a.<tab>') items."""
    if len(items) == 1 and not letters:
        return list(items)
    return [f"{formatting.huruf(i) if letters else i}.\t{t}" for i, t in enumerate(items, 1)]


def key_values(model: naskah.NaskahDinas) -> list[str]:
    """Lines (or parts of lines) the rendered example must contain, taken from the model."""
    from naskah.formatting import hari_tanggal, jumlah_terbilang, rentang_waktu, tanggal
    from naskah.profil.model import HARAPAN_PERMENPAN

    m: Any = model
    values: list[str] = []
    if m.jenis in ("undangan", "nota-dinas", "laporan"):
        ttd = m.penandatangan
        values += [*ttd.baris_jabatan(), ttd.pejabat.nama]
        if ttd.pejabat.nip:
            values.append(f"NIP {ttd.pejabat.nip}")
        if ttd.pejabat.pangkat_golongan:
            values.append(ttd.pejabat.pangkat_golongan)
    if m.jenis == "disposisi":
        values += [
            "Surat dari", m.surat_dari, "No. Surat", m.nomor_surat, "No. Agenda", m.nomor_agenda,
            "Tgl. Surat", tanggal(m.tanggal_surat), "Diterima Tgl.", tanggal(m.diterima_tanggal),
            m.sifat.value, m.klasifikasi.value, m.hal, "Diteruskan kepada Sdr.:",
            *_listed(m.diteruskan_kepada), "Dengan hormat harap:",
            *[f"☒ {h}" for h in m.harapan], "Catatan:", m.catatan or "",
            *naskah.Penandatangan(pejabat=m.pemberi).baris_jabatan(), m.pemberi.nama,
            tanggal(m.tanggal),
        ]
        # The pusat profile's boxes (the Permenpan RB 80/2012 form), unticked here.
        values += [f"☐ {h}" for h in HARAPAN_PERMENPAN if h not in m.harapan]
    elif m.jenis == "undangan":
        values += [
            f"Nomor\t:\t{m.nomor}\t{m.tempat or m.kop.kota}, {tanggal(m.tanggal)}",
            f"Sifat\t:\t{m.sifat.value}",
            f"Lampiran\t:\t{jumlah_terbilang(m.lampiran.jumlah, m.lampiran.satuan)}",
            f"Hal\t:\t{m.hal}", "Yth.", f"di {m.di}",
            m.pembuka, hari_tanggal(m.rapat.tanggal), m.rapat.tempat, m.acara, m.penutup,
            rentang_waktu(m.rapat.mulai, m.rapat.selesai, m.rapat.zona.value),
            *_listed(m.kepada), *_listed(m.tembusan),
        ]
        values += [v for v in (m.pimpinan_rapat, m.pakaian) if v]
    elif m.jenis == "notulen":
        values += [
            m.nama_rapat, hari_tanggal(m.rapat.tanggal), m.rapat.tempat, m.acara, m.ketua.nama,
            m.pencatat.nama, m.pembukaan, "Pimpinan rapat", "Pencatat,", "Ketua,",
            rentang_waktu(m.rapat.mulai, m.rapat.selesai, m.rapat.zona.value),
            *[p.nama for p in m.peserta], *[p.jabatan for p in m.peserta if p.jabatan],
            *_listed(m.pembahasan, letters=True), *_listed(m.kesimpulan, letters=True),
        ]
    elif m.jenis == "nota-dinas":
        values += [
            f"NOMOR {m.nomor}" if m.nomor else "NOMOR …", m.kepada, m.dari, tanggal(m.tanggal),
            m.sifat.value, jumlah_terbilang(m.lampiran.jumlah, m.lampiran.satuan), m.hal,
            *m.isi, *_listed(m.tembusan),
        ]
    elif m.jenis == "laporan":
        p = m.pendahuluan
        values += [
            "TENTANG", m.tentang.upper(), "A.\tPendahuluan", p.umum, p.maksud_dan_tujuan,
            p.ruang_lingkup, *_listed(p.dasar, letters=True),
            "B.\tKegiatan yang Dilaksanakan", *[f"{i}.\t{t}" for i, t in enumerate(m.kegiatan, 1)],
            "C.\tHasil yang Dicapai", *[f"{i}.\t{t}" for i, t in enumerate(m.hasil, 1)],
            "D.\tSimpulan dan Saran",
            *_listed(m.simpulan, letters=True), *_listed(m.saran, letters=True),
            "E.\tPenutup", m.penutup, f"{m.tempat or m.kop.kota}, {tanggal(m.tanggal)}",
        ]
    return values


def _mm(length: int) -> float:
    return length / 36000


def _render_nodin(**update: object) -> tuple[naskah.NotaDinas, list[str]]:
    model = load_example("nota-dinas").model_copy(update=update)
    assert isinstance(model, naskah.NotaDinas)
    return model, docx_lines(naskah.render(model))


def _load(jenis: str, **changes: object) -> naskah.NaskahDinas:
    data = load_example_data(jenis)
    data.update(changes)
    return naskah.load_naskah(jenis, data)


# ---------------------------------------------------------------- every example


@pytest.mark.parametrize("jenis", ALL_JENIS)
def test_every_example_renders(jenis: str, rendered_examples: dict[str, bytes]) -> None:
    data = rendered_examples[jenis]
    assert data[:2] == b"PK"
    model = load_example(jenis)
    lines = docx_lines(data)
    text = "\n".join(lines)
    # the kop comes first, line by line (after the empty logo cell)
    kop = kop_lines(model.kop)
    start = lines.index(kop[0])
    assert start <= 1
    assert lines[start : start + len(kop)] == kop
    # The example kop: the ministry under the name in force on the letter's date.
    assert model.kop is not None and model.tanggal_naskah is not None
    assert model.kop.nama == naskah.Instansi.kemenko_polhukam(model.tanggal_naskah).nama
    for value in key_values(model):
        assert value in text, value
    if jenis == "undangan":  # a surat undangan has a surat dinas heading, no title line
        assert model.judul not in lines
    else:
        assert model.judul in lines
        assert lines.index(model.judul) > start + len(kop)
    assert "{{" not in text and "{%" not in text and "}}" not in text


def _parts(data: bytes) -> dict[str, bytes]:
    """Every member of a DOCX zip, by name, in archive order."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {name: z.read(name) for name in z.namelist()}


@pytest.mark.parametrize("jenis", ALL_JENIS)
def test_rendering_is_deterministic_given_dibuat(jenis: str) -> None:
    # Every part's bytes are compared. The only volatile thing in the file is outside
    # the parts: the modification time python-docx writes into each zip entry header
    # (the time of saving), so the raw zip bytes may differ by a second; no part does.
    model = load_example(jenis)
    when = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
    first = _parts(naskah.render(model, dibuat=when))
    time.sleep(1.1)  # a later second, so a part that embedded the clock would differ
    second = _parts(naskah.render(model, dibuat=when))
    assert list(first) == list(second)
    assert [name for name in first if first[name] != second[name]] == []
    # The comparison can fail: another dibuat changes exactly the parts recording it.
    later = _parts(naskah.render(model, dibuat=when.replace(hour=9)))
    assert sorted(name for name in first if first[name] != later[name]) == [
        "customXml/naskah-metadata.xml", "docProps/core.xml"
    ]


def _build_templates_module() -> Any:
    path = Path(__file__).parent.parent / "tools" / "build_templates.py"
    spec = importlib.util.spec_from_file_location("build_templates", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _canonical(name: str, blob: bytes) -> bytes:
    # XML parts compared in canonical form (C14N): attribute order, quoting and the XML
    # declaration do not matter, every element, attribute and text does.
    if name.endswith((".xml", ".rels")):
        return etree.tostring(etree.fromstring(blob), method="c14n")
    return blob


def test_shipped_templates_equal_what_the_builder_builds() -> None:
    builder = _build_templates_module()
    shipped = sorted(p.name for p in Path(packaged_template("nota-dinas")).parent.glob("*.docx"))
    assert sorted(builder.BUILDERS) == shipped
    for name in builder.BUILDERS:
        built = _parts(builder.build_template(name))
        packaged = _parts((Path(packaged_template("nota-dinas")).parent / name).read_bytes())
        assert sorted(built) == sorted(packaged), name
        differing = [part for part in built
                     if _canonical(part, built[part]) != _canonical(part, packaged[part])]
        assert differing == [], f"{name}: run tools/build_templates.py ({differing})"


# ---------------------------------------------------------------- page layout


@pytest.mark.parametrize("jenis", ALL_JENIS)
def test_page_a4_margins_and_header(jenis: str, rendered_examples: dict[str, bytes]) -> None:
    document = open_docx(rendered_examples[jenis])
    for section in document.sections:
        assert _mm(section.page_width) == pytest.approx(210, abs=0.5)
        assert _mm(section.page_height) == pytest.approx(297, abs=0.5)
        assert _mm(section.top_margin) == pytest.approx(20, abs=0.2)
        assert _mm(section.bottom_margin) == pytest.approx(25, abs=0.2)
        assert _mm(section.left_margin) == pytest.approx(30, abs=0.2)
        assert _mm(section.right_margin) == pytest.approx(20, abs=0.2)
        assert section.different_first_page_header_footer is True
        header_xml = section.header._element.xml
        assert re.search(r'w:instr="\s*PAGE\b|<w:instrText[^>]*>\s*PAGE\b', header_xml)
        assert "PAGE" not in section.first_page_header._element.xml
        assert not section.header.is_linked_to_previous


def test_f4_paper() -> None:
    data = naskah.Renderer(kertas="F4").render(load_example("nota-dinas"))
    for section in open_docx(data).sections:
        assert _mm(section.page_width) == pytest.approx(215, abs=0.5)
        assert _mm(section.page_height) == pytest.approx(330, abs=0.5)
        assert _mm(section.left_margin) == pytest.approx(30, abs=0.2)
    assert naskah.Kertas("F4").ukuran_mm == (215, 330)


def test_unknown_paper_rejected() -> None:
    with pytest.raises(naskah.InputError, match=r"unknown paper 'Letter'; expected A4 or F4"):
        naskah.Renderer(kertas="Letter")


def test_unknown_jenis_in_templates_rejected(tmp_path: Path) -> None:
    with pytest.raises(naskah.InputError, match="unknown jenis"):
        naskah.Renderer({"surat-edaran": tmp_path / "x.docx"})


# ---------------------------------------------------------------- order


def _ttd_lines(model: Any) -> list[str]:
    ttd = model.penandatangan
    return [*ttd.baris_jabatan(), ttd.pejabat.nama]


def test_nota_dinas_order(rendered_examples: dict[str, bytes]) -> None:
    lines = docx_lines(rendered_examples["nota-dinas"])
    model: Any = load_example("nota-dinas")
    judul = lines.index("NOTA DINAS")
    nomor = lines.index(f"NOMOR {model.nomor}")
    yth = lines.index("Yth.")
    dari = lines.index("Dari")
    tanggal = lines.index("Tanggal")
    sifat = lines.index("Sifat")
    lampiran = lines.index("Lampiran")
    hal = lines.index("Hal")
    body = [lines.index(paragraf) for paragraf in model.isi]
    ttd = [lines.index(line, body[-1]) for line in _ttd_lines(model)]
    nip = lines.index(f"NIP {model.penandatangan.pejabat.nip}")
    tembusan = lines.index("Tembusan:")
    order = [judul, nomor, yth, dari, tanggal, sifat, lampiran, hal, *body, *ttd, nip, tembusan]
    assert order == sorted(order)
    assert len(set(order)) == len(order)
    # each label is followed by ":" and its value
    assert lines[yth + 1 : yth + 3] == [":", model.kepada]
    assert lines[dari + 1 : dari + 3] == [":", model.dari]
    assert lines[hal + 1 : hal + 3] == [":", model.hal]
    # a single tembusan is not numbered, and it closes the document: the titles of the
    # lampiran are listed only when the profile asks (daftar_lampiran)
    assert lines[tembusan + 1 :] == list(model.tembusan) == ["Kepala Bagian Data dan Informasi"]
    assert "Lampiran:" not in lines


def test_undangan_order(rendered_examples: dict[str, bytes]) -> None:
    from naskah.formatting import hari_tanggal, tempat_tanggal

    lines = docx_lines(rendered_examples["undangan"])
    model: Any = load_example("undangan")
    place_date = tempat_tanggal(model.tempat or model.kop.kota, model.tanggal)
    # The place and date on the Nomor line, at the right margin (a right tab).
    nomor = lines.index(f"Nomor\t:\t{model.nomor}\t{place_date}")
    hal = lines.index(f"Hal\t:\t{model.hal}")
    yth = lines.index("Yth.")
    invitees = [lines.index(f"{i}.\t{k}") for i, k in enumerate(model.kepada, 1)]
    di = lines.index(f"di {model.di}")
    pembuka = lines.index(model.pembuka)
    hari = lines.index("Hari/tanggal")
    waktu = lines.index("Waktu")
    tempat = lines.index("Tempat", waktu)
    acara = lines.index("Acara")
    penutup = lines.index(model.penutup)
    ttd = [lines.index(line, penutup) for line in _ttd_lines(model)]
    tembusan = lines.index("Tembusan:")
    order = [nomor, hal, yth, *invitees, di, pembuka, hari, waktu, tempat, acara,
             penutup, *ttd, tembusan]
    assert order == sorted(order)
    assert lines[hari + 1 : hari + 3] == [":", hari_tanggal(model.rapat.tanggal)]


def test_laporan_order(rendered_examples: dict[str, bytes]) -> None:
    model: Any = load_example("laporan")
    lines = docx_lines(rendered_examples["laporan"])
    heads = ["LAPORAN", "TENTANG", model.tentang.upper(), "A.\tPendahuluan", "1.\tUmum",
             model.pendahuluan.umum, "2.\tMaksud dan Tujuan", "3.\tRuang Lingkup",
             "4.\tDasar", "B.\tKegiatan yang Dilaksanakan", "C.\tHasil yang Dicapai",
             "D.\tSimpulan dan Saran", "E.\tPenutup", model.penutup]
    positions = [lines.index(h) for h in heads]
    positions += [lines.index(line, positions[-1]) for line in _ttd_lines(model)]
    assert positions == sorted(positions)


def test_notulen_order(rendered_examples: dict[str, bytes]) -> None:
    model: Any = load_example("notulen")
    lines = docx_lines(rendered_examples["notulen"])
    heads = ["NOTULEN RAPAT", "Rapat", "Hari/tanggal", "Waktu panggilan", "Waktu rapat",
             "Tempat", "Acara", "Pimpinan rapat", "Ketua", "Sekretaris", "Pencatat",
             "Peserta rapat:", "Kegiatan rapat:", "1.\tPembukaan", model.pembukaan,
             "2.\tPembahasan", "3.\tKeputusan/Kesimpulan", "Pencatat,", model.pencatat.nama,
             "Ketua,", model.ketua.nama]
    positions: list[int] = []
    for head in heads:
        positions.append(lines.index(head, positions[-1] if positions else 0))
    assert positions == sorted(positions)
    rows = [lines.index(p.nama, positions[11]) for p in model.peserta]
    assert rows == sorted(rows)
    assert positions[11] < rows[0] and rows[-1] < positions[12]
    # the pimpinan rapat in the heading are the officials who sign at the end
    ketua = lines.index("Ketua")
    assert lines[ketua + 1 : ketua + 3] == [":", model.ketua.nama]


# ---------------------------------------------------------------- signature lines


MENKO = "Menteri Koordinator Bidang Politik, Hukum, dan Keamanan"
SESMENKO = "Sekretaris Kementerian Koordinator"
KARO = "Kepala Biro Perencanaan dan Organisasi"
KABAG = "Kepala Bagian Data dan Informasi"


def _signer(jabatan_pejabat: str, **kwargs: object) -> naskah.Penandatangan:
    pejabat = naskah.Pejabat(
        nama="Rina Kusumawati, S.Kom., M.T.", jabatan=jabatan_pejabat, nip="197808242003122002"
    )
    return naskah.Penandatangan(pejabat=pejabat, **kwargs)


@pytest.mark.parametrize(
    ("penandatangan", "expected"),
    [
        (_signer(KARO), [f"{KARO},"]),
        (_signer(SESMENKO, atas_nama=MENKO), [f"a.n. {MENKO}", f"{SESMENKO},"]),
        (
            _signer(KARO, atas_nama=MENKO, untuk_beliau=SESMENKO),
            [f"a.n. {MENKO}", f"{SESMENKO},", "u.b.", f"{KARO},"],
        ),
        (_signer(KABAG, jabatan=KARO, pelaksana="Plt."), [f"Plt. {KARO},"]),
        (_signer(KABAG, jabatan=KARO, pelaksana="Plh."), [f"Plh. {KARO},"]),
        (
            _signer(KARO, jabatan=SESMENKO, pelaksana="Plh.", atas_nama=MENKO),
            [f"a.n. {MENKO}", f"Plh. {SESMENKO},"],
        ),
    ],
    ids=["plain", "an", "an-ub", "plt", "plh", "an-plh"],
)
def test_signature_lines_in_document(
    penandatangan: naskah.Penandatangan, expected: list[str]
) -> None:
    _, lines = _render_nodin(penandatangan=penandatangan)
    start = lines.index(expected[0])
    assert lines[start : start + len(expected)] == expected
    nama = lines.index("Rina Kusumawati, S.Kom., M.T.")
    assert start + len(expected) < nama < lines.index("NIP 197808242003122002")
    # the signature block comes after the body and before the tembusan
    assert lines.index(load_example("nota-dinas").isi[-1]) < start  # type: ignore[attr-defined]
    assert nama < lines.index("Tembusan:")
    # the author's own post is not printed when signing for another one
    if penandatangan.pelaksana and penandatangan.jabatan:
        assert f"{penandatangan.pejabat.jabatan}," not in lines


def test_signature_lines_in_laporan_and_undangan() -> None:
    signer = _signer(KARO, atas_nama=MENKO, untuk_beliau=SESMENKO)
    expected = [f"a.n. {MENKO}", f"{SESMENKO},", "u.b.", f"{KARO},"]
    for jenis in ("laporan", "undangan"):
        model = load_example(jenis).model_copy(update={"penandatangan": signer})
        lines = docx_lines(naskah.render(model))
        start = lines.index(expected[0])
        assert lines[start : start + 4] == expected, jenis


# ---------------------------------------------------------------- dates


def test_indonesian_dates() -> None:
    nodin = docx_lines(naskah.render(_load("nota-dinas", tanggal="2026-11-27")))
    assert nodin[nodin.index("Tanggal") + 1 : nodin.index("Tanggal") + 3] == [
        ":",
        "27 November 2026",
    ]
    data = load_example_data("undangan")
    data.update(tanggal="2026-11-24", tempat="Jakarta")
    data["rapat"]["tanggal"] = "2026-11-25"
    undangan = docx_lines(naskah.render(naskah.load_naskah("undangan", data)))
    assert "Rabu, 25 November 2026" in undangan
    assert any(line.endswith("\tJakarta, 24 November 2026") for line in undangan)
    data = load_example_data("notulen")
    data["rapat"]["tanggal"] = "2017-12-18"
    data["tanggal"] = "2018-01-17"
    notulen = docx_lines(naskah.render(naskah.load_naskah("notulen", data)))
    assert "Senin, 18 Desember 2017" in notulen
    assert f"{load_example('notulen').kop.kota}, 17 Januari 2018" in notulen
    data = load_example_data("disposisi")
    data.update(tanggal_surat="2026-08-20", diterima_tanggal="2026-09-01", tanggal="2026-10-02")
    disposisi = docx_lines(naskah.render(naskah.load_naskah("disposisi", data)))
    assert disposisi[disposisi.index("Tgl. Surat") + 1] == "20 Agustus 2026"
    assert disposisi[disposisi.index("Diterima Tgl.") + 1] == "1 September 2026"
    assert "2 Oktober 2026" in disposisi


def test_kota_of_kop_is_the_default_tempat() -> None:
    model: Any = load_example("laporan")
    kop = model.kop.model_copy(update={"kota": "Surabaya"})
    data = naskah.render(model.model_copy(update={"kop": kop, "tempat": None}))
    from naskah.formatting import tanggal

    assert f"Surabaya, {tanggal(model.tanggal)}" in docx_lines(data)


def test_tempat_overrides_kota() -> None:
    model = _load("laporan", tempat="Bandung", tanggal="2026-12-01")
    assert "Bandung, 1 Desember 2026" in docx_lines(naskah.render(model))


def test_open_ended_meeting() -> None:
    data = load_example_data("undangan")
    del data["rapat"]["selesai"]
    data["rapat"]["zona"] = "WITA"
    lines = docx_lines(naskah.render(naskah.load_naskah("undangan", data)))
    assert "pukul 09.00 WITA s.d. selesai" in lines


def test_konsep_without_nomor() -> None:
    data = load_example_data("nota-dinas")
    del data["nomor"]
    model = naskah.load_naskah("nota-dinas", data)
    data_bytes = naskah.render(model)
    assert "NOMOR …" in docx_lines(data_bytes)
    assert naskah.read_metadata(data_bytes).nomor is None


# ---------------------------------------------------------------- escaping


NASTY = "A & B <tag> \"quoted\" 'single' {{ 7*7 }} {% if %} {_{ x }_} {%p if x %} &amp; ]]>"


def test_escaping_single_line_field() -> None:
    model = _load("nota-dinas", hal=NASTY)
    lines = docx_lines(naskah.render(model))
    assert lines[lines.index("Hal") + 2] == NASTY


@pytest.mark.parametrize("jenis", ALL_JENIS)
def test_escaping_everywhere(jenis: str) -> None:
    field = {"disposisi": "hal", "undangan": "acara", "notulen": "nama_rapat",
             "nota-dinas": "dari", "laporan": "tentang"}[jenis]
    model = _load(jenis, **{field: NASTY})
    expected = NASTY.upper() if jenis == "laporan" else NASTY
    assert expected in docx_lines(naskah.render(model))


def test_escaping_multi_line_field_with_newline() -> None:
    paragraf = "Baris pertama & <b>tebal</b>\nBaris kedua {{ 7*7 }}\n\tBaris ketiga {_{ y }_}"
    data = load_example_data("nota-dinas")
    data["isi"][1] = paragraf
    data["tembusan"] = ["{% endfor %}", "{{ kop.nama }}"]
    model = naskah.load_naskah("nota-dinas", data)
    lines = docx_lines(naskah.render(model))
    assert paragraf in lines  # the line breaks come back as "\n" inside one paragraph
    assert "1.\t{% endfor %}" in lines
    assert "2.\t{{ kop.nama }}" in lines


@pytest.mark.parametrize(
    "text",
    ["{%tr for x in y %}", "{%tc if %}", "{%r x %}", "{{r x }}", "{_% x %_}", "a_{{b}}_c",
     "x_%y", "&#95;", "\\n", "<w:br/>", "💼 Ünïcödé ß ﬁ", "\u00a0nbsp\u00a0", "a\u2028b"],
)
def test_docxtpl_syntax_is_literal(text: str) -> None:
    data = load_example_data("laporan")
    data["kegiatan"][0] = text
    data["pendahuluan"]["dasar"][0] = text
    model: Any = naskah.load_naskah("laporan", data)
    value = model.kegiatan[0]
    assert value == text.strip()
    lines = docx_lines(naskah.render(model))
    assert f"1.\t{value}" in lines and f"a.\t{value}" in lines  # kegiatan; dasar lettered


# ---------------------------------------------------------------- metadata


@pytest.mark.parametrize("jenis", ALL_JENIS)
def test_metadata(jenis: str, rendered_examples: dict[str, bytes]) -> None:
    model = load_example(jenis)
    data = rendered_examples[jenis]
    meta = naskah.read_metadata(data)
    assert meta.jenis == jenis
    assert meta.nomor == (str(model.nomor) if getattr(model, "nomor", None) else None)
    assert meta.content_hash == model.content_hash()
    assert meta.naskah == model.model_dump(mode="json")
    assert meta.hal == model.hal_singkat
    assert meta.pengesahan.status == naskah.Status.KONSEP
    assert meta.generator == f"naskah {naskah.__version__}"
    # the recorded data re-validates to the same document
    again = naskah.load_naskah(jenis, meta.naskah)
    assert again == model and again.content_hash() == model.content_hash()
    props = open_docx(data).core_properties
    assert props.title == model.hal_singkat
    assert props.category == jenis
    assert props.language == "id-ID"


def test_metadata_from_saved_file(tmp_path: Path) -> None:
    model = load_example("undangan")
    path = naskah.save(model, tmp_path / "undangan.docx")
    assert path == tmp_path / "undangan.docx"
    meta = naskah.read_metadata(path)
    assert meta.nomor == str(model.nomor)  # type: ignore[attr-defined]
    assert meta.content_hash == model.content_hash()


def test_core_properties_are_not_templated() -> None:
    hal = "Rapat {{ 7*7 }} dan {% if true %}ya{% endif %} & <b>"
    model = _load("nota-dinas", hal=hal)
    data = naskah.render(model)
    props = open_docx(data).core_properties
    assert props.title == hal
    assert props.identifier == str(model.nomor)  # type: ignore[attr-defined]
    assert naskah.read_metadata(data).hal == hal
    assert naskah.read_metadata(data).naskah["hal"] == hal


def test_content_hash_changes_with_content() -> None:
    model = load_example("nota-dinas")
    other = _load("nota-dinas", hal="Hal lain")
    assert model.content_hash() != other.content_hash()
    assert model.content_hash() == load_example("nota-dinas").content_hash()
    # the same fields under another jenis hash differently
    assert len(model.content_hash()) == 64


def test_read_metadata_of_foreign_docx(tmp_path: Path) -> None:
    path = tmp_path / "plain.docx"
    docx.Document().save(str(path))
    with pytest.raises(naskah.MetadataError, match="no naskah metadata"):
        naskah.read_metadata(path)
    with pytest.raises(naskah.MetadataError):
        naskah.read_metadata(b"not a zip")


# ---------------------------------------------------------------- custom templates


def test_custom_template_with_unknown_variable(tmp_path: Path) -> None:
    template = tmp_path / "nota-dinas-sendiri.docx"
    shutil.copy(packaged_template("nota-dinas"), template)
    document = docx.Document(str(template))
    document.add_paragraph("{{ tidak_ada }}")
    document.save(str(template))
    renderer = naskah.Renderer({"nota-dinas": template})
    with pytest.raises(naskah.TemplateError, match="tidak_ada"):
        renderer.render(load_example("nota-dinas"))


def _write_template(path: Path, *paragraphs: str) -> None:
    """A minimal custom template: one paragraph per line of template text."""
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    document.save(str(path))


def test_custom_template_with_unknown_attribute(tmp_path: Path) -> None:
    template = tmp_path / "custom.docx"
    _write_template(template, "{{ kop.tidak_ada_juga }}")
    with pytest.raises(naskah.TemplateError, match="tidak_ada_juga"):
        naskah.Renderer({"nota-dinas": template}).render(load_example("nota-dinas"))


def test_custom_template_with_known_variables(tmp_path: Path) -> None:
    template = tmp_path / "minimal.docx"
    _write_template(template, "Hal: {{ hal }}", "Instansi: {{ kop.nama[0] }}")
    model = _load("nota-dinas", hal="Hal & <khusus> {{ 1+1 }}")
    data = naskah.Renderer({"nota-dinas": template}).render(model)
    lines = docx_lines(data)
    assert lines == [
        "Hal: Hal & <khusus> {{ 1+1 }}",
        "Instansi: KEMENTERIAN KOORDINATOR BIDANG",
    ]
    assert naskah.read_metadata(data).jenis == "nota-dinas"


def test_custom_template_only_for_its_jenis(tmp_path: Path) -> None:
    template = tmp_path / "minimal.docx"
    _write_template(template, "{{ hal }}")
    renderer = naskah.Renderer({"nota-dinas": template})
    lines = docx_lines(renderer.render(load_example("laporan")))
    assert "E.\tPenutup" in lines  # the packaged laporan template still serves laporan


def test_custom_template_missing(tmp_path: Path) -> None:
    renderer = naskah.Renderer({"nota-dinas": tmp_path / "missing.docx"})
    with pytest.raises(naskah.TemplateError, match="cannot read template"):
        renderer.render(load_example("nota-dinas"))


def test_custom_template_not_a_docx(tmp_path: Path) -> None:
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"not a docx")
    with pytest.raises(naskah.TemplateError, match="not a readable DOCX"):
        naskah.Renderer({"nota-dinas": bad}).render(load_example("nota-dinas"))


def test_custom_template_with_syntax_error(tmp_path: Path) -> None:
    template = tmp_path / "syntax.docx"
    _write_template(template, "{% if hal %}")
    with pytest.raises(naskah.TemplateError, match="syntax error"):
        naskah.Renderer({"nota-dinas": template}).render(load_example("nota-dinas"))


def test_template_check_names_unknown_variables(tmp_path: Path) -> None:
    from naskah.docx.template import Template
    from naskah.profil import load_profil, template_context

    model = load_example("nota-dinas")
    context = {**model.context(), **naskah.Pengesahan().context(),
               **template_context(load_profil(None), "nota-dinas")}
    Template.load(packaged_template("nota-dinas")).check(context)
    template = tmp_path / "t.docx"
    _write_template(template, "{{ hal }} {{ entah }}")
    with pytest.raises(naskah.TemplateError, match="entah"):
        Template.load(template).check(context)


# ---------------------------------------------------------------- custom kop with logo


def test_custom_kop_with_logo(tmp_path: Path) -> None:
    logo = tmp_path / "logo.png"
    logo.write_bytes(png_bytes(10, 10))
    kop = naskah.Instansi(
        nama=["PEMERINTAH KABUPATEN CONTOH", "DINAS KOMUNIKASI DAN INFORMATIKA"],
        unit="BIDANG STATISTIK",
        alamat="Jalan Merdeka Nomor 1, Contoh 12345",
        telepon="(0123) 456789",
        laman="diskominfo.contoh.go.id",
        email="diskominfo@contoh.go.id",
        logo=logo,
        kota="Contoh",
    )
    model = load_example("laporan").model_copy(update={"kop": kop})
    data = naskah.render(model)
    assert any(name.startswith("word/media/") for name in zip_names(data))
    lines = docx_lines(data)
    kop_lines = [
        "PEMERINTAH KABUPATEN CONTOH",
        "DINAS KOMUNIKASI DAN INFORMATIKA",
        "BIDANG STATISTIK",
        "Jalan Merdeka Nomor 1, Contoh 12345",
        # no-break spaces and hyphens inside a contact: a line wraps between contacts
        "Telepon\u00a0(0123)\u00a0456789 Laman\u00a0diskominfo.contoh.go.id "
        "Pos\u2011el\u00a0diskominfo@contoh.go.id",
    ]
    start = lines.index(kop_lines[0])
    assert lines[start : start + len(kop_lines)] == kop_lines
    assert f"Contoh, {formatting.tanggal(model.tanggal)}" in lines  # type: ignore[attr-defined]
    text = "\n".join(lines)
    assert "KEMENTERIAN KOORDINATOR" not in text.split("LAPORAN")[0]
    assert open_docx(data).core_properties.author == "BIDANG STATISTIK"
    document = open_docx(data)
    assert document.inline_shapes, "the logo is an inline picture"
    assert _mm(document.inline_shapes[0].width) == pytest.approx(22, abs=0.5)


def test_default_kop_has_no_image(rendered_examples: dict[str, bytes]) -> None:
    assert not any(n.startswith("word/media/") for n in zip_names(rendered_examples["laporan"]))


def test_logo_must_be_named_as_an_image_and_the_model_reads_no_file(tmp_path: Path) -> None:
    # The model is pure: it checks the name; the file is the renderer's to read.
    base = {"nama": ["X"], "alamat": "Y"}
    assert naskah.Instansi(**base, logo=tmp_path / "missing.png").logo == tmp_path / "missing.png"
    with pytest.raises(ValueError, match="must be an image file"):
        naskah.Instansi(**base, logo=tmp_path / "logo.txt")


@pytest.mark.parametrize(("content", "problem"), [
    (None, "does not exist"),
    (b"not an image at all", "it is not an image"),
    (b"GIF89a" + b"\x00" * 20, "its name says PNG but it holds a GIF image"),
])
def test_render_refuses_a_bad_logo_naming_the_field(tmp_path: Path, content: bytes | None,
                                                    problem: str) -> None:
    logo = tmp_path / "logo.png"
    if content is not None:
        logo.write_bytes(content)
    kop = naskah.Instansi(nama=["X"], alamat="Y", logo=logo)
    model = load_example("nota-dinas").model_copy(update={"kop": kop})
    target = tmp_path / "out.docx"
    with pytest.raises(naskah.InputError, match=problem) as caught:
        naskah.save(model, target)
    assert [path for path, _ in caught.value.errors] == ["kop.logo"]
    assert not target.exists()


def test_relative_logo_is_read_from_the_aset_folder(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "gambar").mkdir()
    (tmp_path / "gambar" / "logo.png").write_bytes(png_bytes(10, 10))
    kop = naskah.Instansi(nama=["X"], alamat="Y", logo=Path("logo.png"))
    model = load_example("nota-dinas").model_copy(update={"kop": kop})
    monkeypatch.chdir(tmp_path)  # not the current directory's logo.png (there is none)
    with pytest.raises(naskah.InputError, match=r"kop\.logo"):
        naskah.render(model)
    data = naskah.render(model, aset=tmp_path / "gambar")
    assert open_docx(data).inline_shapes
    assert naskah.read_metadata(data).naskah["kop"]["logo"] == "logo.png"  # recorded as given


# ---------------------------------------------------------------- atomic write


def _tmp_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_save_writes_a_docx(tmp_path: Path) -> None:
    target = tmp_path / "nota.docx"
    naskah.save(load_example("nota-dinas"), target)
    assert "NOTA DINAS" in docx_text(target)
    assert _tmp_files(tmp_path) == []


def test_failed_render_keeps_old_file(tmp_path: Path) -> None:
    target = tmp_path / "nota.docx"
    target.write_bytes(b"old content")
    template = tmp_path / "broken.docx"
    _write_template(template, "{{ tidak_ada }}")
    with pytest.raises(naskah.TemplateError):
        naskah.Renderer({"nota-dinas": template}).save(load_example("nota-dinas"), target)
    assert target.read_bytes() == b"old content"
    assert _tmp_files(tmp_path) == []


def test_failed_write_keeps_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "nota.docx"
    target.write_bytes(b"old content")

    def broken_replace(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("naskah.fileio.os.replace", broken_replace)
    with pytest.raises(OSError, match="No space left"):
        naskah.save(load_example("nota-dinas"), target)
    assert target.read_bytes() == b"old content"
    assert _tmp_files(tmp_path) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["nota.docx"]


def test_failed_save_creates_no_file(tmp_path: Path) -> None:
    model = load_example("nota-dinas")
    bad = naskah.Pengesahan(tanda_tangan=_tanda_tangan("f" * 64))
    with pytest.raises(naskah.NaskahError):
        naskah.save(model, tmp_path / "nota.docx", pengesahan=bad)
    assert list(tmp_path.iterdir()) == []


def test_unsupported_output_format(tmp_path: Path) -> None:
    with pytest.raises(naskah.NaskahError, match=r"nota\.odt.*\.docx"):
        naskah.save(load_example("nota-dinas"), tmp_path / "nota.odt")
    assert list(tmp_path.iterdir()) == []


def test_file_mode_follows_umask(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    os.umask(umask)
    target = naskah.save(load_example("nota-dinas"), tmp_path / "nota.docx")
    mode = stat.S_IMODE(target.stat().st_mode)
    assert mode & 0o044, f"file mode {mode:o} is private; expected readable under umask {umask:o}"
    if umask == 0o022:
        assert mode == 0o644


def test_file_mode_of_existing_file_kept(tmp_path: Path) -> None:
    target = tmp_path / "nota.docx"
    target.write_bytes(b"old")
    target.chmod(0o640)
    naskah.save(load_example("nota-dinas"), target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert "NOTA DINAS" in docx_text(target)


# ---------------------------------------------------------------- paraf and tanda tangan


RINA = naskah.Pejabat(nama="Rina Kusumawati, S.Kom., M.T.", jabatan=KABAG, nip="197808242003122002")
AGUS = naskah.Pejabat(nama="Agus Setiawan, S.H., M.Si.", jabatan=KARO, nip="197005151995031001")
WAKTU = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)


def _paraf(content_hash: str) -> naskah.Paraf:
    return naskah.Paraf(pejabat=RINA, peran="Kabag Data & Informasi", waktu=WAKTU,
                        content_hash=content_hash)


def _tanda_tangan(content_hash: str) -> naskah.TandaTangan:
    return naskah.TandaTangan(pejabat=AGUS, peran="Karo PO", waktu=WAKTU,
                              content_hash=content_hash)


def test_paraf_on_other_content_refused() -> None:
    model = load_example("nota-dinas")
    other = _load("nota-dinas", hal="Hal yang sudah diubah")
    pengesahan = naskah.Pengesahan(paraf=[_paraf(other.content_hash())])
    with pytest.raises(naskah.NaskahError, match="paraf 1 by Rina Kusumawati"):
        naskah.render(model, pengesahan=pengesahan)


def test_tanda_tangan_on_other_content_refused() -> None:
    model = load_example("nota-dinas")
    pengesahan = naskah.Pengesahan(
        paraf=[_paraf(model.content_hash())], tanda_tangan=_tanda_tangan("0" * 64)
    )
    with pytest.raises(naskah.NaskahError, match="tanda tangan by Agus Setiawan"):
        naskah.render(model, pengesahan=pengesahan)


def test_paraf_on_this_content_is_printed() -> None:
    model = load_example("nota-dinas")
    pengesahan = naskah.Pengesahan(paraf=[_paraf(model.content_hash())])
    data = naskah.render(model, pengesahan=pengesahan)
    lines = docx_lines(data)
    row = lines.index("1.")
    assert lines[row : row + 4] == ["1.", KABAG, "RK", "27/11/2026"]
    assert lines.index("Paraf:") < row < lines.index("Agus Setiawan, S.H., M.Si.")
    meta = naskah.read_metadata(data)
    assert meta.pengesahan == pengesahan
    assert meta.pengesahan.status == naskah.Status.DIPARAF
    assert open_docx(data).core_properties.content_status == "diparaf"


def test_signed_document_drops_paraf_table() -> None:
    model = load_example("nota-dinas")
    pengesahan = naskah.Pengesahan(
        paraf=[_paraf(model.content_hash())], tanda_tangan=_tanda_tangan(model.content_hash())
    )
    data = naskah.render(model, pengesahan=pengesahan)
    lines = docx_lines(data)
    assert "Paraf:" not in lines
    tanda = "Ditandatangani secara elektronik pada 27 November 2026 09.30"
    assert lines.index("Kepala Biro Perencanaan dan Organisasi,") < lines.index(tanda)
    assert lines.index(tanda) < lines.index("Agus Setiawan, S.H., M.Si.")
    assert naskah.read_metadata(data).pengesahan.status == naskah.Status.DITANDATANGANI


def test_pengesahan_transitions() -> None:
    model = load_example("nota-dinas")
    h = model.content_hash()
    state = naskah.Pengesahan().with_paraf(_paraf(h)).with_tanda_tangan(_tanda_tangan(h))
    assert state.status == naskah.Status.DITANDATANGANI
    with pytest.raises(naskah.InputError, match="already signed"):
        state.with_paraf(_paraf(h))
    with pytest.raises(naskah.InputError, match="already signed"):
        state.with_tanda_tangan(_tanda_tangan(h))


# ---------------------------------------------------------------- known gaps


@pytest.mark.parametrize("jenis", ["nota-dinas", "undangan"])
def test_lampiran_titles_are_printed(jenis: str) -> None:
    # Only when the profile asks (daftar_lampiran): the heading's count is the rule.
    data = load_example_data(jenis)
    data["lampiran"] = {"daftar": ["Judul Lampiran Satu-Satunya XQZ"]}
    model = naskah.load_naskah(jenis, data)
    lines = docx_lines(naskah.render(model))
    assert any(line.endswith("1 (satu) berkas") for line in lines)
    assert not any("XQZ" in line for line in lines) and "Lampiran:" not in lines
    profil = naskah.load_profil("pusat").model_copy(update={"daftar_lampiran": True})
    lines = docx_lines(naskah.Renderer(profil=profil).render(model))
    # one title: not numbered, and never with a Roman numeral (that is the sheet's own)
    assert lines[lines.index("Lampiran:") + 1] == "Judul Lampiran Satu-Satunya XQZ"
    data["lampiran"] = {"daftar": ["Satu", "Dua"]}
    lines = docx_lines(naskah.Renderer(profil=profil).render(naskah.load_naskah(jenis, data)))
    assert lines[lines.index("Lampiran:") + 1:][:2] == ["1.\tSatu", "2.\tDua"]


@pytest.mark.parametrize(
    ("klasifikasi", "merah"),
    [("Rahasia", True), ("Sangat Rahasia", True), ("Terbatas", False)],
)
@pytest.mark.parametrize("jenis", ["nota-dinas", "undangan"])
def test_klasifikasi_marking(jenis: str, klasifikasi: str, merah: bool) -> None:
    """R and SR are printed in red above the title, T in black; Biasa is not printed."""
    model = load_example(jenis).model_copy(update={"klasifikasi": naskah.Klasifikasi(klasifikasi)})
    document = docx.Document(io.BytesIO(naskah.render(model)))
    marks = [p for p in document.paragraphs if p.text == klasifikasi.upper()]
    assert len(marks) == 1
    color = marks[0].runs[0].font.color.rgb
    assert (color is not None and str(color) == "C00000") is merah
    plain = docx_text(naskah.render(load_example(jenis)))
    assert "RAHASIA" not in plain and "TERBATAS" not in plain


# ---------------------------------------------------------------- kop logos


def test_logo_that_is_not_an_image_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "logo.png"
    fake.write_text("<html>not a picture</html>", encoding="utf-8")
    kop = naskah.Instansi.kemenko_polhukam().model_copy(update={"logo": fake})
    model = load_example("nota-dinas").model_copy(update={"kop": kop})
    with pytest.raises(naskah.InputError, match=r"kop\.logo: .*not an image"):
        naskah.render(model)


def test_huge_fake_logo_is_refused_by_its_size(tmp_path: Path) -> None:
    """0.1.0 read a 1 GB 'logo.png' in full before failing. A sparse file costs no disk."""
    big = tmp_path / "logo.png"
    with big.open("wb") as fh:
        fh.write(png_bytes(2, 2))
        fh.truncate(1024 * 1024 * 1024)
    kop = naskah.Instansi.kemenko_polhukam().model_copy(update={"logo": big})
    model = load_example("nota-dinas").model_copy(update={"kop": kop})
    with pytest.raises(naskah.InputError, match=r"kop\.logo: .*larger than 5 MB"):
        naskah.render(model)


def test_logo_read_back_from_a_berkas_may_not_leave_it(tmp_path: Path) -> None:
    """A document in a berkas names its logo relative to the berkas, never outside it."""
    from naskah.trail.sources import aset_resolver

    (tmp_path / "luar.png").write_bytes(png_bytes())
    berkas = tmp_path / "berkas"
    (berkas / "aset").mkdir(parents=True)
    (berkas / "aset" / "logo.png").write_bytes(png_bytes())
    resolve = aset_resolver(berkas)
    assert resolve(Path("aset/logo.png")) == berkas / "aset" / "logo.png"
    for outside in ("../luar.png", str(tmp_path / "luar.png")):
        with pytest.raises(naskah.InputError, match="leads outside the berkas"):
            resolve(Path(outside))
    kop = naskah.Instansi.kemenko_polhukam().model_copy(update={"logo": Path("../luar.png")})
    model = load_example("nota-dinas").model_copy(update={"kop": kop})
    with pytest.raises(naskah.InputError, match=r"kop\.logo.*leads outside the berkas"):
        naskah.render(model, aset=resolve)
