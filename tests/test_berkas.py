"""PDF export of single documents and the berkas dossier PDF, checked with pypdf."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

import naskah
from naskah import demo
from naskah.cli import main as cli
from naskah.hashing import sha256_bytes
from naskah.trail import Trail
from naskah.trail.berkas.build import build_berkas
from naskah.tte.trust import TrustStore
from naskah.tte.verify import verify_pdf
from tests.pdf_pages import page_images
from tests.trail_support import encrypted_pdf, rechain

pytestmark = pytest.mark.libreoffice

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "data"


def _text(reader: PdfReader, page: int) -> str:
    return " ".join((reader.pages[page].extract_text() or "").split())


def _outline(reader: PdfReader) -> list[tuple[str, int, list[tuple[str, int]]]]:
    """[(title, page, [(child title, page), ...]), ...] from the PDF's outline."""
    result: list[tuple[str, int, list[tuple[str, int]]]] = []
    for item in reader.outline:
        if isinstance(item, list):
            result[-1][2].extend(
                (child.title, reader.get_destination_page_number(child)) for child in item
            )
        else:
            result.append((item.title, reader.get_destination_page_number(item), []))
    return result


@pytest.fixture(scope="module")
def berkas(demo_cli: dict[str, Any]) -> Path:
    """What ``naskah demo`` leaves (run once per session): the demo berkas with its PDFs
    and its berkas PDF, sealed by the Karo PO. Read only."""
    assert demo_cli["returncode"] == 0, demo_cli["stderr"]
    folder: Path = demo_cli["folder"]
    return folder


KARO_PO = "197005151995031001"
SIGNED = ["10-undangan-rapat.pdf", "14-laporan.pdf", "14-nodin-pengantar.pdf"]


def _trust(folder: Path) -> TrustStore:
    return TrustStore.from_files([folder / "pki-uji" / "ca.pem"])


def test_berkas_embeds_each_signed_original_byte_for_byte(berkas: Path) -> None:
    reader = PdfReader(berkas / "berkas.pdf")
    attachments = reader.attachments
    assert sorted(attachments) == SIGNED
    for name in SIGNED:
        (data,) = attachments[name]
        assert data == (berkas / "dokumen" / name).read_bytes()
        result = verify_pdf(data, _trust(berkas))
        assert result.ok, name
        assert [s.identitas.nip for s in result.signatures if s.identitas] == [KARO_PO]


def test_berkas_is_sealed_and_shows_no_broken_signatures(berkas: Path) -> None:
    """The merged pages of the signed originals carry their stamp, not their (now broken)
    signature fields: the only signature of the berkas is its seal, and it validates."""
    result = verify_pdf((berkas / "berkas.pdf").read_bytes(), _trust(berkas))
    assert [s.field_name for s in result.signatures] == ["SegelBerkas"]
    assert result.ok
    assert result.signatures[0].identitas is not None
    assert result.signatures[0].identitas.nip == KARO_PO
    reader = PdfReader(berkas / "berkas.pdf")
    children = {t: p for _, _, kids in _outline(reader) for t, p in kids}
    stamp_page = children["Laporan Tata Kelola Data"] + 1  # the signature block page
    text = _text(reader, stamp_page)
    assert "Ditandatangani secara elektronik oleh:" in text and "NIP 197005151995031001" in text


def test_berkas_cover_lists_each_signature(berkas: Path) -> None:
    cover = _text(PdfReader(berkas / "berkas.pdf"), 0) + _text(
        PdfReader(berkas / "berkas.pdf"), 1)
    for name in SIGNED:
        assert re.search(rf"Langkah \d+ — {re.escape(name)}: Agus Setiawan, S\.H\., M\.Si\. "
                         rf"\(NIP {KARO_PO}; naskah UJI", cover), name
    assert cover.count("SAH: utuh dan terpercaya") == 3


def test_single_document_pdf_has_text_and_metadata(soffice: str, tmp_path: Path) -> None:
    nodin = naskah.load_naskah("nota-dinas", (EXAMPLES / "nota-dinas.json").read_text())
    out = naskah.save(nodin, tmp_path / "nodin.pdf")
    reader = PdfReader(out)
    text = _text(reader, 0)
    for expected in ("NOTA DINAS", "NOMOR 27/Ses.PO/OT.01.02/11/2026", "Yth.", "Dari", "Hal",
                     "25 November 2026", "Agus Setiawan, S.H., M.Si."):
        assert expected in text
    assert text.index("Yth.") < text.index("Dari") < text.index("Hal")
    meta = reader.metadata
    assert meta is not None
    assert meta["/Title"] == nodin.hal
    assert meta["/NaskahContentHash"] == nodin.content_hash()
    assert meta["/NaskahJenis"] == "nota-dinas"
    assert not list(tmp_path.glob(".*"))  # no temporary files left


def test_save_many_converts_every_pdf(soffice: str, tmp_path: Path) -> None:
    renderer = naskah.Renderer()
    jobs = []
    for jenis in naskah.JENIS:
        doc = naskah.load_naskah(jenis, (EXAMPLES / f"{jenis}.json").read_text())
        jobs += [(doc, tmp_path / f"{jenis}.pdf"), (doc, tmp_path / f"{jenis}.docx")]
    paths = renderer.save_many(jobs)
    assert [p.name for p in paths] == [Path(t).name for _, t in jobs]
    titles = {"disposisi": "LEMBAR DISPOSISI", "undangan": "Undangan Rapat",
              "notulen": "NOTULEN RAPAT", "nota-dinas": "NOTA DINAS", "laporan": "LAPORAN"}
    for jenis, title in titles.items():
        assert title in _text(PdfReader(tmp_path / f"{jenis}.pdf"), 0)


def test_cli_render_pdf(soffice: str, tmp_path: Path) -> None:
    out = tmp_path / "undangan.pdf"
    proc = subprocess.run(
        [sys.executable, "-m", "naskah", "render", "undangan", str(EXAMPLES / "undangan.json"),
         "-o", str(out)], capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    text = _text(PdfReader(out), 0)
    assert "B-215/Ses.PO/OT.01.02/11/2026" in text
    assert "Jakarta, 24 November 2026" in text
    assert "Rabu, 25 November 2026" in text


def test_berkas_outline_matches_ledger(berkas: Path) -> None:
    reader = PdfReader(berkas / "berkas.pdf")
    outline = _outline(reader)
    entries = Trail.open(berkas).entries()
    assert len(outline) == len(entries) == 14
    for (title, page, children), entry in zip(outline, entries, strict=True):
        assert title.startswith(f"Langkah {entry.step} — ")
        names = [r.nama for r in entry.keluaran]
        for name in names:
            assert name in title
        # every step has its documents (or a tindakan sheet) nested, on its own pages
        assert children
        assert page == children[0][1]
        for nama in (r.nama for r in entry.keluaran if r.file):
            assert any(child == nama for child, _ in children)
    assert "Langkah 4 — Kebutuhan Data dan Informasi" in [t for t, _, _ in outline]
    pages = [page for _, page, _ in outline]
    assert pages == sorted(pages) and pages[0] >= 1  # step order, after the cover


def test_berkas_pages_hold_each_documents_key_lines(berkas: Path) -> None:
    reader = PdfReader(berkas / "berkas.pdf")
    children = {title: page for _, _, kids in _outline(reader) for title, page in kids}
    expect = {
        "Disposisi/arahan Sesmenko": ["LEMBAR DISPOSISI", "Dr. Hendra Wirawan"],
        # The demo's register numbers the letters at signing; the konsep has none yet.
        "Konsep naskah dinas administrasi pelaksanaan rapat (undangan)":
            ["Nomor", "Undangan Rapat Pembahasan Tata"],
        # (naskah demo dates the trail to the latest working days: month and year vary)
        "Naskah dinas administrasi pelaksanaan rapat pembahasan (ditandatangani)":
            [re.compile(r"B-1/Ses\.PO/OT\.01\.02/\d{1,2}/20\d\d")],
        "Dokumentasi pelaksanaan rapat (notulen)": ["NOTULEN RAPAT", "Rapat Pembahasan Tata"],
        "Konsep laporan": ["LAPORAN", "TENTANG"],
        "Nota dinas pengantar (ditandatangani)": ["NOTA DINAS", "NOMOR 2/Ses.PO"],
        "Kebutuhan Data dan Informasi": ["Deputi Bidang Koordinasi Pertahanan Negara"],
    }
    for title, lines in expect.items():
        # In Bookman (the demo's kemenko-polhukam profile) a long nomor wraps after a '/'.
        page_text = _text(reader, children[title]).replace("/ ", "/")
        for line in lines:
            found = (line.search(page_text) if isinstance(line, re.Pattern)
                     else line in page_text)
            assert found, (title, line)
    # The signed undangan shows the electronic signature; the paraf'd konsep shows the
    # paraf table instead. Both are two pages long, so look at both.
    signed = children["Naskah dinas administrasi pelaksanaan rapat pembahasan (ditandatangani)"]
    konsep = children["Naskah dinas administrasi pelaksanaan rapat pembahasan terparaf"]
    signed_text = _text(reader, signed) + _text(reader, signed + 1)
    konsep_text = _text(reader, konsep) + _text(reader, konsep + 1)
    assert "Ditandatangani secara elektronik" in signed_text
    assert "Paraf:" in konsep_text and "Ditandatangani secara elektronik" not in konsep_text


def test_berkas_cover_summarises_the_trail(berkas: Path) -> None:
    reader = PdfReader(berkas / "berkas.pdf")
    cover = _text(reader, 0) + " " + _text(reader, 1)  # the whole activity texts: 2 pages
    verification = Trail.open(berkas).verify()
    assert "BERKAS PELAKSANAAN TATA KELOLA DATA" in cover
    assert "OT.01.02-084-097.Set.PO" in cover
    assert str(verification.hash_akhir) in cover.replace(" ", "")
    assert "Langkah melebihi standar waktu: 10, 14" in cover
    for name in ("Dr. Hendra Wirawan", "Agus Setiawan", "Rina Kusumawati", "Budi Santoso"):
        assert name in cover
    assert re.search(r"10 menit\s+10 menit", cover)  # standard and actual, one style


def test_berkas_metadata_and_page_mode(berkas: Path) -> None:
    reader = PdfReader(berkas / "berkas.pdf")
    meta = reader.metadata
    assert meta is not None
    final_hash = Trail.open(berkas).verify().hash_akhir
    assert meta["/Title"] == "Berkas Pelaksanaan Tata Kelola Data"
    assert meta["/Author"]
    assert "OT.01.02-084-097.Set.PO" in meta["/Subject"]
    assert final_hash in meta["/Keywords"]
    assert meta["/NaskahLedgerHash"] == final_hash
    assert reader.page_mode == "/UseOutlines"
    assert sorted(p.name for p in (berkas / "pdf").glob("14-*.pdf")) == [
        "14-laporan.pdf", "14-nodin-pengantar.pdf"]


def test_berkas_refuses_a_tampered_trail(berkas: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(berkas, copy)
    (copy / "dokumen" / "11-notulen-rapat.docx").write_bytes(b"not the notulen")
    with pytest.raises(naskah.TamperError, match="step 11"):
        build_berkas(copy, tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()
    proc = subprocess.run([sys.executable, "-m", "naskah", "berkas", str(copy), "-o",
                           str(tmp_path / "y.pdf")], capture_output=True, text=True, check=False)
    assert proc.returncode == 1
    assert "step 11" in proc.stderr and "Traceback" not in proc.stderr


def test_demo_cli_leaves_berkas_pdf(demo_cli: dict[str, Any]) -> None:
    out: Path = demo_cli["folder"]
    assert demo_cli["returncode"] == 0, demo_cli["stderr"]
    assert "verified: 14 steps intact" in demo_cli["stdout"]
    assert "signing with TEST certificates" in demo_cli["stdout"]
    assert "3 signed originals embedded; sealed by Agus Setiawan" in demo_cli["stdout"]
    assert verify_pdf((out / "berkas.pdf").read_bytes(), _trust(out)).ok
    reader = PdfReader(out / "berkas.pdf")
    assert len(_outline(reader)) == 14
    status = json.loads(subprocess.run(
        [sys.executable, "-m", "naskah", "trail", "status", str(out), "--json"],
        capture_output=True, text=True, check=True).stdout)
    assert reader.metadata is not None
    assert reader.metadata["/NaskahLedgerHash"] == status["hash_akhir"]


def test_pages_render_to_png_for_a_person_to_look_at(berkas: Path, tmp_path: Path) -> None:
    pngs = page_images(berkas / "berkas.pdf", tmp_path)
    assert len(pngs) == len(PdfReader(str(berkas / "berkas.pdf")).pages) >= 2
    assert all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in pngs)


def test_cli_berkas_sealed_with_a_p12(berkas: Path, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NASKAH_UJI_SEGEL", demo.passphrase_env()[0])
    out = tmp_path / "disegel.pdf"
    proc = subprocess.run(
        [sys.executable, "-m", "naskah", "berkas", str(berkas), "-o", str(out),
         "--p12", str(berkas / "pki-uji" / f"{KARO_PO}.p12"), "--passphrase-env",
         "NASKAH_UJI_SEGEL"], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "3 dokumen asli bertanda tangan disematkan; disegel" in proc.stdout
    result = verify_pdf(out.read_bytes(), _trust(berkas))
    assert result.ok and [s.field_name for s in result.signatures] == ["SegelBerkas"]
    wrong = subprocess.run(
        [sys.executable, "-m", "naskah", "berkas", str(berkas), "-o", str(tmp_path / "x.pdf"),
         "--p12", str(berkas / "pki-uji" / f"{KARO_PO}.p12"), "--passphrase-env", "TIDAK_ADA"],
        capture_output=True, text=True, check=False)
    assert wrong.returncode == 2 and "TIDAK_ADA is not set" in wrong.stderr
    assert not (tmp_path / "x.pdf").exists()


# --------------------------------------------------------- the berkas of a damaged or hostile trail


@pytest.mark.parametrize("name", ["ledger.json", "dokumen/01-disposisi-sesmenko.docx",
                                  "lampiran/baru.pdf", "sop.json"])
def test_berkas_output_may_not_overwrite_the_trail(partial: Callable[[int], Path], name: str,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """0.1.0: `naskah berkas DIR -o DIR/ledger.json` replaced the ledger with a PDF, exit 0."""
    folder = partial(2)
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    assert cli(["berkas", str(folder), "-o", str(folder / name)]) == 2
    assert "lies inside the berkas" in capsys.readouterr().err
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before


def test_berkas_output_through_a_symlinked_folder_is_refused(partial: Callable[[int], Path],
                                                             tmp_path: Path) -> None:
    folder = partial(1)
    (tmp_path / "keluar").symlink_to(folder)
    with pytest.raises(naskah.InputError, match="lies inside the berkas"):
        build_berkas(folder, tmp_path / "keluar" / "ledger.json")


def broken_docx() -> bytes:
    """A zip that looks like a DOCX (passes the package check) but LibreOffice cannot load."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.'
                   'openxmlformats.org/package/2006/content-types"><Override PartName="/word/'
                   'document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                   'wordprocessingml.document.main+xml"/></Types>')
        z.writestr("word/document.xml", "<<<not xml")
    return buf.getvalue()


def test_rechained_trail_with_bad_attachments_still_builds_a_berkas(
    partial: Callable[[int], Path], soffice: str, tmp_path: Path
) -> None:
    """A trail holding files 0.1.0 accepted: `naskah berkas` crashed; now a page says why."""
    pytest.importorskip("pypdf")
    folder = partial(8)
    bad = {"lampiran/08-bahan-rapat.txt": ("lampiran/08-bahan-rapat.pdf", encrypted_pdf()),
           "lampiran/01-program-kerja.txt": ("lampiran/01-program-kerja.png", b"not png"),
           "lampiran/03-rencana-kegiatan.txt": (
               "lampiran/03-rencana-kegiatan.csv", b'"' + b"y" * (200 * 1024) + b'"\n'),
           "lampiran/04-kebutuhan-data.csv": ("lampiran/04-kebutuhan-data.docx", broken_docx())}
    for old, (new, content) in bad.items():
        (folder / old).unlink()
        (folder / new).write_bytes(content)

    def edit(data: dict[str, Any]) -> None:
        for entry in data["entries"]:
            for ref in entry.get("masukan", []) + entry.get("keluaran", []):
                if ref.get("file") in bad:
                    new, content = bad[ref["file"]]
                    ref["file"] = new
                    ref["sha256"] = sha256_bytes(content)

    rechain(folder, edit)
    assert Trail.open(folder).verify().utuh, Trail.open(folder).verify().masalah
    result = build_berkas(folder, tmp_path / "berkas.pdf")
    text = subprocess.run(["pdftotext", "-layout", str(result.path), "-"], check=True,
                          capture_output=True, text=True).stdout
    assert text.count("Lampiran tidak dapat ditampilkan") == 4
    assert "encrypted" in text and "not an image" in text and "CSV cannot be read" in text
    assert "LibreOffice cannot convert it" in text
    assert "Nota Dinas" in text or "UNDANGAN" in text.upper()  # the documents are all there
