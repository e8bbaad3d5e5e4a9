"""Documents of one template converted together (:mod:`naskah.pdf.group`): the pages each
document gets are the pages it gets converted alone, pixel for pixel, and anything that
could make them differ keeps a document out of a group."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import docx
import pytest
from pypdf import PdfReader

import naskah
from naskah import pdf
from naskah.pdf import group as pdf_group
from naskah.pdf import warm as pdf_warm
from naskah.pdf.pipeline import PdfPipeline
from tests.helpers import EXAMPLES, load_example_data
from tests.pdf_pages import page_images


def _variants(jenis: str) -> list[dict[str, Any]]:
    """Documents of a type growing past the end of their first page, a little at a time:
    page breaks fall everywhere a layout difference could show."""
    out = []
    for n in range(0, 16, 2):
        data = load_example_data(jenis)
        if n % 4 == 2:  # a kop with a logo: a drawing in the body, its id made unique
            data["kop"] = {**naskah.Instansi.kemenko_polhukam().model_dump(
                mode="json", exclude_none=True), "logo": str(EXAMPLES / "logo-contoh.png")}
        if jenis == "nota-dinas":
            data["isi"] = [*data["isi"], *(f"Paragraf tambahan nomor {i} untuk mengisi "
                                           "halaman sampai batas bawah." for i in range(n))]
        else:
            data["kepada"] = [f"Kepala Biro Nomor {i}" for i in range(2 + 3 * n)]
        out.append(data)
    return out


@pytest.fixture
def warm(uno: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("NASKAH_PDF_WARM", "1")
    pdf_warm.shutdown()
    converter = pdf_warm.shared()
    assert converter is not None, "python3-uno is installed but no warm converter was made"
    yield converter
    pdf_warm.shutdown()


@pytest.mark.libreoffice
@pytest.mark.parametrize("jenis", ["nota-dinas", "undangan"])
def test_grouped_pages_are_the_pages_of_each_document_alone(
    soffice: str, warm: Any, tmp_path: Path, jenis: str
) -> None:
    docs = [naskah.render(naskah.load_naskah(jenis, data)) for data in _variants(jenis)]
    keys = [pdf_group.group_key(d) for d in docs]
    assert None not in keys and len(set(keys)) == 2  # with and without a logo in the kop
    alone = tmp_path / "alone"
    alone.mkdir()
    for i, data in enumerate(docs):
        (alone / f"{i}.docx").write_bytes(data)
    # One conversion per document: convert_to_pdf would group them too.
    singles = [pdf.convert_to_pdf([alone / f"{i}.docx"], alone)[0] for i in range(len(docs))]
    pages_seen = []
    for key in sorted(set(keys), key=str):
        members = [i for i, k in enumerate(keys) if k == key]
        merged = tmp_path / f"group-{key}.docx"
        merged.write_bytes(pdf_group.merge([docs[i] for i in members]))
        assert warm.convert_one(merged, merged.with_suffix(".pdf"), destinations=True) is None
        parts = pdf_group.split(merged.with_suffix(".pdf").read_bytes(), len(members),
                                [{"Title": f"Judul {i}"} for i in members])
        for i, part in zip(members, parts, strict=True):
            (tmp_path / f"part{i}.pdf").write_bytes(part)
            expected = page_images(singles[i], tmp_path / f"img-single-{i}")
            got = page_images(tmp_path / f"part{i}.pdf", tmp_path / f"img-part-{i}")
            assert [p.read_bytes() for p in got] == [p.read_bytes() for p in expected], (
                f"{jenis} document {i}: grouped pages differ from its pages alone")
            pages_seen.append(len(got))
            reader = PdfReader(io.BytesIO(part))
            assert reader.metadata is not None and reader.metadata["/Title"] == f"Judul {i}"
            assert reader.metadata["/Producer"].startswith("LibreOffice")
            root = reader.trailer["/Root"]
            assert root["/Lang"] == PdfReader(singles[i]).trailer["/Root"]["/Lang"]
            assert root["/OpenAction"][0].get_object() == reader.pages[0].get_object()
    assert max(pages_seen) >= 2  # page numbers restart in the next document


@pytest.mark.parametrize("jenis", ["disposisi", "notulen", "laporan"])
def test_documents_ending_in_a_table_are_converted_alone(jenis: str) -> None:
    # After a paragraph added to end a table-ending document's section, LibreOffice
    # gave the next document a line more on its first page (laporan): not grouped.
    assert pdf_group.group_key(naskah.render(naskah.load_naskah(
        jenis, load_example_data(jenis)))) is None


def _docx_bytes(build: Callable[[Any], None] | None = None) -> bytes:
    document = docx.Document()
    document.add_paragraph("Isi naskah")
    if build is not None:
        build(document)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _with_part(data: bytes, name: str, edit: Callable[[str], str]) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == name:
                content = edit(content.decode()).encode()
            target.writestr(item, content)
    return out.getvalue()


def test_documents_that_could_look_different_together_are_not_grouped() -> None:
    plain = _docx_bytes()
    assert pdf_group.group_key(plain) is not None
    assert pdf_group.group_key(plain) == pdf_group.group_key(
        _docx_bytes(lambda d: d.add_paragraph("Paragraf lain")))

    def numpages(document: Any) -> None:
        run = document.sections[0].header.paragraphs[0].add_run()
        run._r.append(run._r.makeelement(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}instrText"))
        run._r[-1].text = " NUMPAGES "

    refused = {
        "NUMPAGES counts every document's pages": _docx_bytes(numpages),
        "a list would continue its numbering": _docx_bytes(
            lambda d: d.add_paragraph("Butir", style="List Number")),
        "two sections": _docx_bytes(lambda d: d.add_section()),
        "a table last: no paragraph to end the section": _with_part(
            plain, "word/document.xml",
            lambda x: x.replace("<w:sectPr", "<w:tbl><w:tr><w:tc><w:p/></w:tc></w:tr></w:tbl>"
                                "<w:sectPr", 1)),
        "even and odd headers": _with_part(
            plain, "word/settings.xml",
            lambda x: x.replace("</w:settings>", "<w:evenAndOddHeaders/></w:settings>")),
        "a bookmark of its own": _with_part(
            plain, "word/document.xml",
            lambda x: x.replace("<w:r>", '<w:bookmarkStart w:id="0" w:name="a"/><w:r>', 1)),
        "not a zip": b"PK\x03\x04 broken",
        # convert_to_pdf takes any file: a zip bomb is not unpacked to find its key.
        "a zip bomb": _with_part(plain, "word/styles.xml",
                                 lambda x: x + " " * (10 * 1024 * 1024)),
    }
    for reason, data in refused.items():
        assert pdf_group.group_key(data) is None, reason
    other_header = _docx_bytes(lambda d: d.sections[0].header.add_paragraph("Kop lain"))
    assert pdf_group.group_key(other_header) not in (None, pdf_group.group_key(plain))


@pytest.mark.libreoffice
def test_a_group_that_cannot_be_split_is_converted_one_by_one(
    soffice: str, warm: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(pdf_bytes: bytes, count: int, infos: Any) -> list[bytes]:
        raise ValueError("no marks")

    monkeypatch.setattr(pdf_group, "split", broken)
    stage = tmp_path / "stage"
    stage.mkdir()
    sources = []
    for i in range(3):
        sources.append(stage / f"{i}.docx")
        sources[-1].write_bytes(_docx_bytes(lambda d, i=i: d.add_paragraph(f"Nomor {i}")))
    with PdfPipeline(stage) as pipeline:
        done = [o for i, s in enumerate(sources)
                for o in pipeline.submit(i, s, {"Title": f"T{i}"}, tmp_path / f"{i}.pdf")]
        done += pipeline.drain()
    assert [(o.key, o.error) for o in done] == [(0, None), (1, None), (2, None)]
    for i in range(3):
        text = "".join(p.extract_text() for p in PdfReader(tmp_path / f"{i}.pdf").pages)
        assert f"Nomor {i}" in text
        assert PdfReader(tmp_path / f"{i}.pdf").metadata["/Title"] == f"T{i}"
    assert sorted(p.name for p in stage.iterdir()) == ["0.docx", "1.docx", "2.docx"]  # only ours


@pytest.mark.libreoffice
def test_convert_to_pdf_groups_documents_of_one_template_wherever_they_are(
    soffice: str, warm: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sizes: list[int] = []
    real_merge = pdf_group.merge

    def counting_merge(docs: Any) -> bytes:
        sizes.append(len(docs))
        return real_merge(docs)

    monkeypatch.setattr(pdf_group, "merge", counting_merge)
    sources = []
    for i in range(5):
        jenis = "nota-dinas" if i % 2 == 0 else "disposisi"  # a disposisi is never joined
        data = load_example_data(jenis)
        data["hal"] = f"Hal khusus nomor {i}"
        sources.append(tmp_path / f"{i}-{jenis}.docx")
        sources[-1].write_bytes(naskah.render(naskah.load_naskah(jenis, data)))
    made = pdf.convert_to_pdf(sources, tmp_path / "out")
    assert [p.stem for p in made] == [s.stem for s in sources]
    for i, path in enumerate(made):
        text = "".join(page.extract_text() for page in PdfReader(path).pages)
        assert f"Hal khusus nomor {i}" in text
        assert all(f"Hal khusus nomor {j}" not in text for j in range(5) if j != i)
    assert sizes == [3]  # the three nota dinas together, though not next to each other
