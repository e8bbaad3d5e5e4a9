"""Issue 17, items 14-16: the berkas is a clean PDF/A-3b document with a readable cover.

veraPDF is not packaged here; what a validator checks first is checked on the demo's
sealed berkas directly: the PDF/A-3 identification, XMP that agrees with the document
information, an output intent with an ICC profile, every font embedded, the embedded
originals as associated files (/AF, /AFRelationship, MIME subtype, dates), and a file
that qpdf and poppler read without a complaint. The seal still validates.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from pypdf import PdfReader

from naskah.trail import Trail
from naskah.tte.trust import TrustStore
from naskah.tte.verify import verify_pdf

pytestmark = pytest.mark.libreoffice

SIGNED = ["10-undangan-rapat.pdf", "14-laporan.pdf", "14-nodin-pengantar.pdf"]
RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"


@pytest.fixture(scope="module")
def berkas(demo_cli: dict[str, Any]) -> Path:
    """The demo's folder with its sealed berkas.pdf (built once per session). Read only."""
    assert demo_cli["returncode"] == 0, demo_cli["stderr"]
    folder: Path = demo_cli["folder"]
    return folder


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def _xmp(reader: PdfReader) -> dict[str, str]:
    """The XMP packet's simple values and first list items, by prefixed name."""
    packet = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    root = etree.fromstring(packet)
    prefixes = {"http://www.aiim.org/pdfa/ns/id/": "pdfaid", "http://purl.org/dc/elements/1.1/":
                "dc", "http://ns.adobe.com/pdf/1.3/": "pdf", "http://ns.adobe.com/xap/1.0/": "xmp"}
    out: dict[str, str] = {}
    for description in root.iter(f"{RDF}Description"):
        for attr, value in description.attrib.items():  # the attribute form
            q = etree.QName(attr)
            if q.namespace in prefixes:
                out[f"{prefixes[q.namespace]}:{q.localname}"] = value
        for child in description:
            q = etree.QName(child)
            if q.namespace in prefixes:
                item = child.find(f".//{RDF}li")
                out[f"{prefixes[q.namespace]}:{q.localname}"] = (
                    item.text if item is not None else child.text) or ""
    return out


# ------------------------------------------------------------------ 15. a clean PDF


@pytest.mark.parametrize("name", ["berkas.pdf", *(f"dokumen/{n}" for n in SIGNED)])
def test_qpdf_and_poppler_read_it_without_complaint(berkas: Path, name: str,
                                                     tmp_path: Path) -> None:
    path = str(berkas / name)
    check = _run("qpdf", "--check", path)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "No syntax or stream encoding errors found" in check.stdout
    for command in (["pdftotext", path, str(tmp_path / "t.txt")],
                    ["pdftoppm", "-r", "20", "-png", path, str(tmp_path / "p")],
                    ["pdfinfo", path], ["pdffonts", path]):
        out = _run(*command)
        assert out.returncode == 0 and out.stderr == "", (command[0], out.stderr[:500])


# ------------------------------------------------------------------ 16. PDF/A-3b


def test_berkas_identifies_as_pdfa_3b_and_its_xmp_agrees_with_the_info(berkas: Path) -> None:
    reader = PdfReader(berkas / "berkas.pdf")
    xmp = _xmp(reader)
    assert (xmp["pdfaid:part"], xmp["pdfaid:conformance"]) == ("3", "B")
    info = reader.metadata
    assert info is not None
    assert xmp["dc:title"] == info["/Title"] == "Berkas Pelaksanaan Tata Kelola Data"
    assert xmp["dc:creator"] == info["/Author"]
    assert xmp["dc:description"] == info["/Subject"]
    assert xmp["pdf:Keywords"] == info["/Keywords"]
    assert xmp["pdf:Producer"] == info["/Producer"]
    assert xmp["xmp:CreatorTool"] == info["/Creator"]
    for key, prop in (("/CreationDate", "xmp:CreateDate"), ("/ModDate", "xmp:ModifyDate")):
        m = re.fullmatch(r"D:(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)([+-])(\d\d)'(\d\d)'",
                         info[key])
        assert m, info[key]
        y, mo, d, h, mi, s, sign, oh, om = m.groups()
        assert xmp[prop] == f"{y}-{mo}-{d}T{h}:{mi}:{s}{sign}{oh}:{om}", (key, xmp[prop])
    assert reader.trailer["/Root"]["/Lang"] == "id-ID"


def test_berkas_has_an_srgb_output_intent_and_embeds_every_font(berkas: Path) -> None:
    reader = PdfReader(berkas / "berkas.pdf")
    (intent,) = [i.get_object() for i in reader.trailer["/Root"]["/OutputIntents"]]
    assert intent["/S"] == "/GTS_PDFA1"
    profile = intent["/DestOutputProfile"].get_object()
    icc = profile.get_data()
    assert profile["/N"] == 3 and icc[36:40] == b"acsp" and icc[16:20] == b"RGB "
    fonts = _run("pdffonts", str(berkas / "berkas.pdf")).stdout.splitlines()
    emb = fonts[0].index("emb")
    assert len(fonts) > 2
    assert all(line[emb:emb + 3] == "yes" for line in fonts[2:]), fonts


def test_embedded_originals_are_associated_files(berkas: Path) -> None:
    reader = PdfReader(berkas / "berkas.pdf")
    specs = [ref.get_object() for ref in reader.trailer["/Root"]["/AF"]]
    assert sorted(str(s["/F"]) for s in specs) == SIGNED
    for spec in specs:
        assert spec["/UF"] == spec["/F"]
        assert spec["/AFRelationship"] == "/Source"
        assert "Asli bertanda tangan elektronik" in spec["/Desc"]
        stream = spec["/EF"]["/F"].get_object()
        assert stream["/Subtype"] == "/application/pdf"
        assert stream["/Params"]["/ModDate"].startswith("D:")
        data = stream.get_data()
        assert stream["/Params"]["/Size"] == len(data)
        assert data == (berkas / "dokumen" / str(spec["/F"])).read_bytes()
    # The name tree lists the same files: viewers show them as attachments.
    assert sorted(reader.attachments) == SIGNED


def test_the_pdfa_berkas_is_still_sealed(berkas: Path) -> None:
    trust = TrustStore.from_files([berkas / "pki-uji" / "ca.pem"])
    result = verify_pdf((berkas / "berkas.pdf").read_bytes(), trust)
    assert [s.field_name for s in result.signatures] == ["SegelBerkas"]
    assert result.ok
    # The seal did not drop the identification (pyHanko rewrites XMP unless told not to).
    assert _xmp(PdfReader(berkas / "berkas.pdf"))["pdfaid:part"] == "3"


# ------------------------------------------------------------------ 14. the cover


def _cover(berkas: Path) -> str:
    reader = PdfReader(berkas / "berkas.pdf")
    pages = reader.outline[0]
    first_document = reader.get_destination_page_number(
        pages if not isinstance(pages, list) else pages[0])
    return " ".join(" ".join(reader.pages[i].extract_text().split())
                    for i in range(first_document))


def test_cover_writes_whole_activities_one_unit_style_and_local_times(berkas: Path) -> None:
    cover = _cover(berkas)
    assert "…" not in cover and "..." not in cover
    flat = cover.replace(" ", "")
    for entry in Trail.open(berkas).entries():
        assert entry.kegiatan.replace(" ", "") in flat, entry.step  # wrapped, not cut
    assert not re.search(r"\d (Menit|Jam|Hari)\b", cover)  # one style: '10 menit', '1 jam'
    assert "1 hari kerja" in cover  # a one-day standard, in the actual time's words
    times = re.findall(r"\d{2}-\d{2}-\d{4} (\d{2}[.:]\d{2})( WIB)?", cover)
    assert len(times) >= 14 + 3  # every step and every signature
    assert all(sep_ok == " WIB" and "." in t for t, sep_ok in times), times
    assert "UTC" not in cover and not re.search(r"\d{2}:\d{2}", cover)
    assert re.search(r"dimulai \d{1,2} \w+ \d{4} \d{2}\.\d{2} WIB", cover)


# ------------------------------------------------------------------ what is not PDF/A


@pytest.mark.parametrize("pdfa", [True, False])
def test_an_attachment_with_an_unembedded_font_is_not_declared_pdfa(
        berkas: Path, tmp_path: Path, pdfa: bool) -> None:
    """A PDF attachment merged as it is (here Helvetica, not embedded) is found, and a
    berkas holding one is written without the PDF/A identification."""
    import io
    from datetime import UTC, datetime

    from pypdf import PdfWriter

    from naskah.trail.berkas import pdfa as pdfa_mod
    from tests.tte_helpers import surat_pdf

    writer = PdfWriter()
    writer.append(berkas / "dokumen" / SIGNED[0])
    assert pdfa_mod.font_tidak_tertanam(writer) == []  # LibreOffice's and the stamp's
    if not pdfa:
        writer.append(io.BytesIO(surat_pdf()))
        assert pdfa_mod.font_tidak_tertanam(writer) == ["/Helvetica"]
    cover = sorted((berkas / "pdf").glob("*.pdf"))[0]
    pdfa_mod.tandai(writer, {"Title": "Uji", "Creator": "naskah"},
                    datetime(2026, 12, 1, 8, 10, tzinfo=UTC), cover,
                    pdfa=not pdfa_mod.font_tidak_tertanam(writer))
    out = tmp_path / "b.pdf"
    writer.write(out)
    xmp = _xmp(PdfReader(out))
    assert ("pdfaid:part" in xmp) is pdfa
    assert xmp["dc:title"] == "Uji" and xmp["xmp:CreateDate"] == "2026-12-01T08:10:00+00:00"
