"""Issue 17, items 11-13: the stamp's embedded Unicode font, a QR code a phone reads
from a print, and a footer inside the margins that names the certificate's real issuer.

Checked on the signed PDFs with the tools a reader would use: pdffonts (every font
embedded), zbarimg on a 150 dpi rendering (the QR code), pdftotext -bbox (where the
footer sits), and pyHanko's validation (the signature still holds).
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from naskah.profil import Tte, load_profil
from naskah.tte.identity import Identitas
from naskah.tte.pades import PdfSignOptions
from naskah.tte.passphrase import Passphrase
from naskah.tte.penerbit import BSRE
from naskah.tte.pkcs12 import Pkcs12Signer
from naskah.tte.qr import QrWarning
from naskah.tte.trust import TrustStore
from naskah.tte.verify import verify_pdf
from tests.test_tte import shown_lines, signature_widget
from tests.tte_helpers import KARO, PASSPHRASE, Pki, make_pki, surat_pdf

CM = 72 / 2.54
LONG_ID = "6554dd3b-4dfc-4eb5-a73b-487094a8af28-14-disposisi-kabag-datin"
"""As long as a trail's document ids get (berkas uuid, step, kode)."""
UNICODE = Identitas("Ni Luh Putu Ayu Saraswatī, Đặng Thị Hằng, S.Kom.", "199001012015032001",
                    "Kepala Subbagian Tata Usaha — Bagian Umum", "naskah UJI")


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed (tools/install-system-deps.sh)")
    return path


def _sign(pki: Pki, who: Identitas, **options: Any) -> bytes:
    assert who.nip
    signer = Pkcs12Signer(pki.p12[who.nip], Passphrase.literal(PASSPHRASE))
    options.setdefault("doc_id", LONG_ID)
    return signer.sign_pdf(surat_pdf(options.pop("tag_text", None)), PdfSignOptions(**options))


@pytest.fixture(scope="module")
def uji(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki-print"), [KARO, UNICODE])


@pytest.fixture(scope="module")
def bsre(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    """A CA whose name says BSrE (what a BSrE certificate's issuer says)."""
    return make_pki(tmp_path_factory.mktemp("pki-bsre"), [KARO], ca_name="OSD BSrE Uji")


def pdffonts(pdf: bytes, tmp_path: Path) -> list[dict[str, str]]:
    path = tmp_path / "f.pdf"
    path.write_bytes(pdf)
    out = subprocess.run([_tool("pdffonts"), str(path)], capture_output=True, text=True,
                         check=True).stdout.splitlines()
    header = out[0]
    cols = {name: header.index(name) for name in ("name", "type", "emb")}
    return [{"name": line[:cols["type"]].strip(),
             "emb": line[cols["emb"]:cols["emb"] + 3].strip()} for line in out[2:]]


def footer_words(pdf: bytes, page: int, tmp_path: Path) -> list[tuple[float, float, float, float,
                                                                      str]]:
    """(xmin, ymin, xmax, ymax, word) of the footer's words (font size < 7), top-down y."""
    path = tmp_path / "b.pdf"
    path.write_bytes(pdf)
    html = subprocess.run([_tool("pdftotext"), "-bbox", "-f", str(page), "-l", str(page),
                           str(path), "-"], capture_output=True, text=True, check=True).stdout
    words = [(float(a), float(b), float(c), float(d), w) for a, b, c, d, w in re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<', html)]
    return [w for w in words if w[3] - w[1] < 7.5]


# ------------------------------------------------------------------ 11. embedded font


def test_stamp_and_footer_fonts_are_embedded_and_print_unicode_names(
        uji: Pki, tmp_path: Path) -> None:
    pdf = _sign(uji, UNICODE, tag="#ttd#", tag_text="#ttd#")
    fonts = pdffonts(pdf, tmp_path)
    added = [f for f in fonts if "DejaVu" in f["name"]]
    assert len(added) == 2 and all(f["emb"] == "yes" for f in added), fonts
    # Only the test PDF's own Helvetica is left unembedded: the signature added none.
    assert {f["name"] for f in fonts if f["emb"] != "yes"} == {"Helvetica"}
    _, _, appearance, _ = signature_widget(pdf)
    # (blank lines pad the text to the top of a hanging QR code)
    assert [line for line in shown_lines(appearance) if line.strip()] == [
        "Ditandatangani secara elektronik oleh:", "Kepala Subbagian Tata Usaha — Bagian Umum",
        "Ni Luh Putu Ayu Saraswatī, Đặng Thị Hằng, S.Kom.", "NIP 199001012015032001"]
    # The glyphs are there: the embedded subset maps them back to the same text.
    assert b"/ToUnicode" in pdf
    assert verify_pdf(pdf, TrustStore.from_files([uji.ca_pem])).ok


# ------------------------------------------------------------------ 12. QR from a print


@pytest.mark.slow
@pytest.mark.parametrize("stamp_size", [(255.0, 48.0), (250.0, 70.0)],
                         ids=["signature-space", "fallback-box"])
def test_qr_decodes_from_a_150_dpi_rendering(uji: Pki, tmp_path: Path,
                                             stamp_size: tuple[float, float]) -> None:
    # A long URL (an instansi's own page with the trail's long document id).
    tte = Tte(url_verifikasi="https://verifikasi.instansi-uji.go.id/naskah/v/{id}")
    pdf = _sign(uji, KARO, tag="#ttd#", tag_text="#ttd#", stamp_size=stamp_size, tte=tte)
    assert _qr_at_150_dpi(pdf, tmp_path) == (
        f"https://verifikasi.instansi-uji.go.id/naskah/v/{LONG_ID}")
    # At least 20 mm wide: the QR form's size in the stamp's appearance.
    reader = PdfReader(io.BytesIO(pdf))
    (widget,) = [a.get_object() for a in reader.pages[1]["/Annots"]]
    stream = widget["/AP"]["/N"].get_object().get_data()
    scale = float(re.search(rb"([\d.]+) 0 0 [\d.]+ [\d.]+ [\d.]+ cm /QR Do", stream)[1])
    qr_form = widget["/AP"]["/N"].get_object()["/Resources"]["/XObject"]["/QR"].get_object()
    width_mm = float(qr_form["/BBox"][2]) * scale / 72 * 25.4
    assert width_mm >= 19.9


def _qr_at_150_dpi(pdf: bytes, tmp_path: Path) -> str:
    """What zbarimg reads in the QR code of page 2 rendered at 150 dpi."""
    path = tmp_path / "s.pdf"
    path.write_bytes(pdf)
    subprocess.run([_tool("pdftoppm"), "-r", "150", "-png", "-f", "2", "-l", "2",
                    "-singlefile", str(path), str(tmp_path / "p")], check=True)
    out = subprocess.run([_tool("zbarimg"), "-q", "--raw", str(tmp_path / "p.png")],
                         capture_output=True, text=True)
    return out.stdout.strip()


@pytest.mark.slow
def test_qr_without_a_url_reads_as_the_document_id(uji: Pki, tmp_path: Path) -> None:
    """The default profile names no checking page: the QR code holds the document id
    as text (with a QrWarning), never a placeholder host."""
    with pytest.warns(QrWarning, match="document id as text"):
        pdf = _sign(uji, KARO, tag="#ttd#", tag_text="#ttd#")
    assert _qr_at_150_dpi(pdf, tmp_path) == LONG_ID
    assert b"example.go.id" not in pdf


def test_a_low_stamp_box_hangs_the_qr_left_and_covers_only_its_own_box(
        uji: Pki) -> None:
    pdf = _sign(uji, KARO, tag="#ttd#", tag_text="#ttd#", stamp_size=(255.0, 48.0))
    reader = PdfReader(io.BytesIO(pdf))
    (widget,) = [a.get_object() for a in reader.pages[1]["/Annots"]]
    x1, y1, x2, y2 = (float(v) for v in widget["/Rect"])
    qr = y2 - y1 - 4  # the box is as high as the QR code with its 2 pt edges
    assert qr >= 20 / 25.4 * 72 - 1
    assert x2 - x1 == pytest.approx(255 + qr + 4, abs=1.5)  # the QR's width added on the left
    # The name under the signature space is still on the page, not painted over.
    assert "Agus Setiawan, S.H., M.Si." in reader.pages[1].extract_text()


# ------------------------------------------------------------------ 13. the footer


def test_footer_sits_inside_the_margins_in_the_bottom_margin(uji: Pki, tmp_path: Path) -> None:
    halaman = load_profil("pusat").halaman
    pdf = _sign(uji, KARO, tag="#ttd#", tag_text="#ttd#", halaman=halaman)
    words = footer_words(pdf, 2, tmp_path)
    assert words and any("ID dokumen:" in w[4] for w in words)
    assert min(w[0] for w in words) >= halaman.kiri * CM - 0.5
    assert max(w[2] for w in words) <= 595 - halaman.kanan * CM + 0.5
    assert min(w[1] for w in words) >= 842 - halaman.bawah * CM  # below the body text
    assert max(w[3] for w in words) <= 842 - 5 / 25.4 * 72  # above a printer's edge


@pytest.mark.slow
def test_footer_names_the_test_issuer_never_bsre(uji: Pki) -> None:
    pdf = _sign(uji, KARO, tag="#ttd#", tag_text="#ttd#")
    text = " ".join(PdfReader(io.BytesIO(pdf)).pages[1].extract_text().split())
    assert ("sertifikat elektronik yang diterbitkan oleh naskah UJI (sertifikat uji, bukan "
            "untuk produksi).") in text
    assert "BSrE" not in text and "komdigi" not in text


def test_a_profile_text_claiming_bsre_is_not_printed_for_a_test_certificate(uji: Pki) -> None:
    """A profile written before {penerbit} that names BSrE outright."""
    tte = load_profil("pusat").tte.model_copy(update={"catatan_kaki": (
        "Dokumen ini ditandatangani dengan sertifikat elektronik dari BSrE, BSSN.")})
    pdf = _sign(uji, KARO, tte=tte)
    text = " ".join(PdfReader(io.BytesIO(pdf)).pages[1].extract_text().split())
    assert "BSrE" not in text and "diterbitkan oleh naskah UJI" in text


def test_a_bsre_certificate_gets_bsre_s_full_name_and_the_national_verifier(
        bsre: Pki) -> None:
    pdf = _sign(bsre, KARO, tag="#ttd#", tag_text="#ttd#")
    text = " ".join(PdfReader(io.BytesIO(pdf)).pages[1].extract_text().split())
    assert f"diterbitkan oleh {BSRE}." in text
    assert BSRE == "Balai Besar Sertifikasi Elektronik (BSrE), Badan Siber dan Sandi Negara"
    assert "https://tte.komdigi.go.id/verifyPDF" in text
