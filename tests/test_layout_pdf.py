"""Layout rules checked where they matter, on the PDF (issue 17, items 1-6).

Letters of growing length (nota dinas of 1-15 paragraphs, undangan to 1-30 invitees) put
the signature block on every spot of a page; from the text positions in each PDF: the
block (jabatan, name, pangkat, NIP) is never split, the closing paragraph stays with it,
"Tembusan:" stays with its first item, pages from 2 are numbered "- 2 -" centred at the
top. The examples show the numbering levels, the tembusan and lampiran conventions, the
widths (ordinary values on one line, in Bookman Old Style too), the notulen's pimpinan
rapat, the undangan's times, the disposisi form from the profile, and a manual line
break in a justified paragraph. Each group is one LibreOffice batch.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest

import naskah
from naskah.pdf import convert_to_pdf
from naskah.profil import load_profil
from tests.helpers import ALL_JENIS, load_example_data
from tests.pdf_layout import Line, find, pdf_layout, pdf_lines, word_gaps

pytestmark = [pytest.mark.libreoffice, pytest.mark.pdf]

PARAGRAF = ("Laporan tersebut memuat hasil pendataan kebutuhan data dan informasi dari seluruh "
            "unit organisasi, hasil rapat pembahasan tata kelola data tanggal 25 November 2026, "
            "serta simpulan dan saran tindak lanjut yang perlu mendapat perhatian.")
PENUTUP_ND = "Demikian kami sampaikan, mohon arahan Bapak lebih lanjut."
JABATAN = "Kepala Biro Perencanaan dan Organisasi,"
NAMA, PANGKAT, NIP = "Agus Setiawan, S.H., M.Si.", "Pembina Utama Muda (IV/c)", \
    "NIP 197005151995031001"
CM = 72 / 2.54


def _nota_dinas(n: int) -> naskah.NaskahDinas:
    data = load_example_data("nota-dinas")
    data["isi"] = [PARAGRAF] * n + [PENUTUP_ND]
    data["tembusan"] = ["Kepala Bagian Data dan Informasi", "Kepala Bagian Umum"]
    return naskah.load_naskah("nota-dinas", data)


def _undangan(k: int) -> naskah.NaskahDinas:
    data = load_example_data("undangan")
    data["kepada"] = [f"Sekretaris Deputi Bidang Koordinasi Nomor {i}" for i in range(1, k + 1)]
    return naskah.load_naskah("undangan", data)


@pytest.fixture(scope="module")
def growing(soffice: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """45 letters: nota dinas with 1-15 paragraphs (pusat, Arial), undangan to 1-30
    invitees (kemenko-polhukam, Bookman Old Style)."""
    out = tmp_path_factory.mktemp("growing")
    nota = [(_nota_dinas(n), out / f"nd-{n:02d}.pdf") for n in range(1, 16)]
    undangan = [(_undangan(k), out / f"un-{k:02d}.pdf") for k in range(1, 31)]
    naskah.Renderer(profil="pusat", font_check="error").save_many(nota)
    naskah.Renderer(profil="kemenko-polhukam", font_check="error").save_many(undangan)
    return {p.stem: p for _, p in nota + undangan}


def _closing(name: str) -> str:
    return "lebih lanjut." if name.startswith("nd") else "kami ucapkan terima kasih."


def test_signature_block_is_never_split(growing: dict[str, Path]) -> None:
    landed: dict[int, list[float]] = {}
    for name, pdf in growing.items():
        pages, lines = pdf_layout(pdf)
        jabatan = find(lines, JABATAN)
        block = [lines[jabatan], *(lines[find(lines, text, jabatan)]
                                   for text in (NAMA, PANGKAT, NIP))]
        assert len({line.page for line in block}) == 1, (
            f"{name}: the signature block is split: {[(ln.page, ln.text) for ln in block]}")
        assert [ln.y0 for ln in block] == sorted(ln.y0 for ln in block), name
        # the closing paragraph's last line is on the block's page, just above it
        closing = lines[find(lines, _closing(name))]
        assert closing.page == block[0].page and closing.y0 < block[0].y0, (
            f"{name}: the closing paragraph is on page {closing.page}, "
            f"the block on {block[0].page}")
        landed.setdefault(block[0].page, []).append(
            (block[-1].y1) / pages[block[0].page - 1].height)
    # The block landed on more than one page, across most of the page's height (near
    # the bottom margin too): the cases above cover every spot a page break can fall.
    assert len(landed) >= 2
    spots = sorted(y for ys in landed.values() for y in ys)
    assert spots[0] < 0.3 and spots[-1] > 0.8, spots


def test_tembusan_stays_with_its_first_item(growing: dict[str, Path]) -> None:
    for name, pdf in growing.items():
        lines = pdf_lines(pdf)
        heading = find(lines, "Tembusan:")
        first = lines[heading + 1]
        assert first.page == lines[heading].page, f"{name}: 'Tembusan:' alone on its page"
        assert first.text.startswith(("1. Kepala Bagian", "Sekretaris Kementerian")), name


def test_page_numbers_from_page_two(growing: dict[str, Path]) -> None:
    numbered = 0
    for name, pdf in growing.items():
        pages, lines = pdf_layout(pdf)
        for n in range(1, len(pages) + 1):
            top = min((ln for ln in lines if ln.page == n), key=lambda ln: ln.y0)
            marks = [ln for ln in lines if ln.page == n and re.fullmatch(r"- ?\d+ ?-", ln.text)]
            if n == 1:
                assert marks == [], f"{name}: page 1 is numbered"
                continue
            assert top.text == f"- {n} -", f"{name} page {n}: {top.text!r}"
            # centred on the text area (3 cm left, 2 cm right margin)
            centre = (3 * CM + (pages[n - 1].width - 2 * CM)) / 2
            assert abs(top.centre - centre) < 3, (name, top.centre, centre)
            assert top.y0 < 2 * CM  # in the header, above the text
            numbered += 1
    assert numbered >= 30


# ---------------------------------------------------------------- the examples


USER = """
nama = "formulir-sendiri"
judul = "A profile with its own disposisi form"
extends = "pusat"
daftar_lampiran = true

[disposisi]
judul = "LEMBAR CATATAN"
harapan = ["Untuk diketahui", "Proses lebih lanjut"]
baris_kosong = 3
"""


@pytest.fixture(scope="module")
def examples(soffice: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The examples under kemenko-polhukam (Bookman Old Style), a few variants, and the
    disposisi and nota dinas under a profile with its own form and lampiran list."""
    out = tmp_path_factory.mktemp("contoh")
    items = [(naskah.load_naskah(j, load_example_data(j)), out / f"{j}.pdf") for j in ALL_JENIS]
    data = load_example_data("undangan")
    data.update(nomor="B-1/Ses.PO/OT.01.02/11/2026", tanggal="2026-11-03")
    data["rapat"]["tanggal"] = "2026-11-05"
    items.append((naskah.load_naskah("undangan", data), out / "undangan-b1.pdf"))
    data = load_example_data("disposisi")
    data["catatan"] = ("Agar dikoordinasikan dengan seluruh unit.\nLaporkan hasilnya kepada "
                       "saya paling lambat akhir bulan, beserta kendala yang dihadapi dalam "
                       "pelaksanaannya di lapangan.")
    items.append((naskah.load_naskah("disposisi", data), out / "disposisi-baris.pdf"))
    naskah.Renderer(profil="kemenko-polhukam", font_check="error").save_many(items)
    user = out / "formulir.toml"
    user.write_text(USER, encoding="utf-8")
    data = load_example_data("nota-dinas")
    data["lampiran"] = {"daftar": ["Laporan Hasil Tata Kelola Data", "Daftar Hadir Rapat"]}
    naskah.Renderer(profil=user, font_check="error").save_many([
        (naskah.load_naskah("disposisi", load_example_data("disposisi")),
         out / "disposisi-formulir.pdf"),
        (naskah.load_naskah("nota-dinas", data), out / "nota-dinas-lampiran.pdf")])
    return {p.stem: p for p in out.glob("*.pdf")}


def _texts(pdf: Path) -> list[str]:
    return [line.text for line in pdf_lines(pdf)]


def _after(texts: list[str], heading: str, count: int) -> list[str]:
    start = next(i for i, t in enumerate(texts) if t.startswith(heading))
    return [t.split(" ", 1)[0] for t in texts[start + 1:start + 1 + count]]


def test_numbering_levels(examples: dict[str, Path]) -> None:
    # A. -> 1. -> a.: laporan's 4. Dasar, 1. Simpulan, 2. Saran; notulen's 2. and 3.
    laporan = _texts(examples["laporan"])
    assert _after(laporan, "4. Dasar", 1) == ["a."]
    dasar = [t.split(" ", 1)[0] for t in laporan if re.match(r"^[a-c]\. (Peraturan|Disposisi)", t)]
    assert dasar == ["a.", "b.", "c."]
    assert _after(laporan, "1. Simpulan", 1) == ["a."]
    assert _after(laporan, "2. Saran", 1) == ["a."]
    assert _after(laporan, "B. Kegiatan", 1) == ["1."]
    notulen = _texts(examples["notulen"])
    assert _after(notulen, "2. Pembahasan", 1) == ["a."]
    assert _after(notulen, "3. Keputusan/Kesimpulan", 1) == ["a."]
    assert not any(re.match(r"^1\. (Kepala Bagian|Setiap)", t) for t in notulen)


def test_tembusan_and_lampiran_conventions(examples: dict[str, Path]) -> None:
    texts = {name: "\n".join(_texts(pdf)) for name, pdf in examples.items()}
    for name, text in texts.items():
        assert "sebagai laporan" not in text, name
    nota = _texts(examples["nota-dinas"])
    tembusan = nota.index("Tembusan:")
    assert nota[tembusan + 1] == "Kepala Bagian Data dan Informasi"  # one: no number
    assert "Lampiran:" not in nota and not any(t.startswith("I. ") for t in nota)
    listed = _texts(examples["nota-dinas-lampiran"])
    start = listed.index("Lampiran:")  # asked for by the profile: 1., 2., never I., II.
    assert listed[start + 1:start + 3] == ["1. Laporan Hasil Tata Kelola Data",
                                           "2. Daftar Hadir Rapat"]
    assert any(t.endswith(": 2 (dua) berkas") for t in listed)


def _whole_line(lines: list[Line], text: str) -> Line:
    found = [ln for ln in lines if text in ln.text]
    assert found, f"{text!r} is broken over lines: {[ln.text for ln in lines]}"
    return found[0]


def test_ordinary_values_fit_one_line(examples: dict[str, Path]) -> None:
    # Bookman Old Style 12, the widest of the shipped profiles' fonts.
    undangan = pdf_lines(examples["undangan"])
    for text in (JABATAN, NAMA, PANGKAT, NIP):
        assert _whole_line(undangan, text).text == text
    for name in ("undangan", "undangan-b1"):
        lines = pdf_lines(examples[name])
        nomor = _whole_line(lines, "/Ses.PO/OT.01.02/11/2026")
        assert re.fullmatch(r"Nomor : B-\d+/Ses\.PO/OT\.01\.02/11/2026 Jakarta, \d+ November "
                            r"2026", nomor.text), nomor.text
    disposisi = pdf_lines(examples["disposisi"])
    for text in ("Dr. Hendra Wirawan, S.H., M.Hum.", "ND-412/Ses.PO/OT.01.02/11/2026",
                 "Pembina Utama Madya (IV/d)", "Diterima Tgl. 23 November 2026"):
        _whole_line(disposisi, text)
    for text in ("Telepon (021) 3849453", "Faksimile (021) 3450918", "Laman www.polkam.go.id"):
        _whole_line(disposisi, text)  # a kop label never apart from its value


def test_notulen_pimpinan_rapat(examples: dict[str, Path]) -> None:
    lines = pdf_lines(examples["notulen"])
    texts = [ln.text for ln in lines]
    head = texts.index("Pimpinan rapat")
    assert [t.split(" :")[0] for t in texts[head + 1:head + 4]] == ["Ketua", "Sekretaris",
                                                                   "Pencatat"]
    assert texts[head + 1] == f"Ketua : {NAMA}"
    assert texts[head + 3] == "Pencatat : Budi Santoso, S.T., M.Kom."
    # the signatures under the same names, side by side: Pencatat left, Ketua right
    labels = lines[find(lines, "Ketua,")]
    assert labels.text == "Pencatat, Ketua,"
    names = lines[find(lines, "Budi Santoso, S.T., M.Kom.", find(lines, "Ketua,"))]
    assert names.text == f"Budi Santoso, S.T., M.Kom. {NAMA}" and names.page == labels.page


def test_undangan_times(examples: dict[str, Path]) -> None:
    texts = _texts(examples["undangan"])
    assert "Waktu : pukul 09.00\u201311.00 WIB" in texts
    assert "Waktu rapat : pukul 09.00\u201311.00 WIB" in _texts(examples["notulen"])
    assert "Waktu panggilan : pukul 08.45 WIB" in _texts(examples["notulen"])


def test_disposisi_form_comes_from_the_profile(examples: dict[str, Path]) -> None:
    pusat = _texts(examples["disposisi"])
    assert "LEMBAR DISPOSISI" in pusat
    boxes = _boxes(pusat)
    # The Permenpan RB 80/2012 form's boxes, then the example's own instructions
    # (ANRI's wording) written, ticked, on the blank lines.
    assert [b[2:] for b in boxes] == [*load_profil("pusat").disposisi.harapan,
                                      "Selesaikan/tindak lanjuti", "Koordinasikan"]
    assert [b[0] for b in boxes] == ["\u2610", "\u2610", "\u2610", "\u2612", "\u2612"]
    own = _texts(examples["disposisi-formulir"])
    assert "LEMBAR CATATAN" in own and "LEMBAR DISPOSISI" not in own
    boxes = _boxes(own)
    assert boxes == ["\u2610 Untuk diketahui", "\u2610 Proses lebih lanjut",
                     "\u2612 Selesaikan/tindak lanjuti", "\u2612 Koordinasikan"]
    assert sum(1 for t in own if re.search(r"\.{10,}$", t.replace(" ", ""))) == 1


def _boxes(texts: list[str]) -> list[str]:
    """The 'Dengan hormat harap' lines (the right column of their rows)."""
    return [m.group(0) for t in texts if (m := re.search("[\u2610\u2612] .*", t))]


def _without_flag(docx: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/settings.xml":
                data = data.replace(b"<w:doNotExpandShiftReturn/>", b"")
            dst.writestr(info, data)
    return out.getvalue()


def test_manual_line_break_does_not_stretch(examples: dict[str, Path], tmp_path: Path) -> None:
    line = "Agar dikoordinasikan dengan seluruh unit."
    gaps = word_gaps(examples["disposisi-baris"], line)
    assert max(gaps) < 6, gaps  # a space is about 3-4 pt in Bookman 12
    # The same document without w:doNotExpandShiftReturn: LibreOffice stretches the line
    # to the right edge, so the check above can fail.
    data = load_example_data("disposisi")
    data["catatan"] = ("Agar dikoordinasikan dengan seluruh unit.\nLaporkan hasilnya kepada "
                       "saya paling lambat akhir bulan, beserta kendala yang dihadapi dalam "
                       "pelaksanaannya di lapangan.")
    docx = naskah.Renderer(profil="kemenko-polhukam").render(
        naskah.load_naskah("disposisi", data))
    source = tmp_path / "tanpa.docx"
    source.write_bytes(_without_flag(docx))
    stretched = word_gaps(convert_to_pdf([source], tmp_path)[0], line)
    assert max(stretched) > 3 * max(gaps), (gaps, stretched)


def _rows(texts: list[str], labels: list[str]) -> list[int]:
    return [next(i for i, t in enumerate(texts) if t.startswith(f"{label} :"))
            for label in labels]


def test_pemda_nota_dinas_follows_its_profile(soffice: str, tmp_path: Path) -> None:
    from tests.helpers import EXAMPLES

    doc = naskah.load_naskah("nota-dinas", (EXAMPLES / "nota-dinas-pemda.json").read_text(
        encoding="utf-8"))
    pdf = tmp_path / "nd.pdf"
    naskah.Renderer(profil="pemda").save(doc, pdf, aset=EXAMPLES)
    texts = _texts(pdf)
    rows = _rows(texts, ["Yth.", "Dari", "Tanggal", "Nomor", "Sifat", "Lampiran", "Hal"])
    assert rows == sorted(rows) and rows[0] > texts.index("NOTA DINAS")
    assert texts[rows[2]] == "Tanggal : 25 November 2026"
    assert texts[rows[3]] == "Nomor : 000.5.6.2/124/2026"
