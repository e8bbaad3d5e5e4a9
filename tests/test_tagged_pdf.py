"""Issue 17, item 17: the PDFs naskah makes are tagged (a structure tree a screen reader
follows), in Indonesian (/Lang id-ID), with the title shown; signing keeps the tags, and
every font of a signed original is embedded (item 11, on LibreOffice's real output)."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

import naskah
from tests.helpers import EXAMPLES

pytestmark = pytest.mark.libreoffice


def structure_types(reader: PdfReader) -> set[str]:
    """Every structure type in the document's structure tree (role-mapped to standard)."""
    root = reader.trailer["/Root"]
    tree = root["/StructTreeRoot"].get_object()
    role = {str(k): str(v) for k, v in (tree.get("/RoleMap") or {}).items()}
    seen: set[str] = set()
    stack: list[Any] = [tree]
    while stack:
        node = stack.pop()
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, list):
            stack.extend(node)
        elif hasattr(node, "keys"):
            if "/S" in node:
                kind = str(node["/S"])
                seen.add(role.get(kind, kind))
            if "/K" in node:
                stack.append(node["/K"])
    return seen


def _tagged(reader: PdfReader) -> None:
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert root["/Lang"] == "id-ID"
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    assert reader.metadata is not None and reader.metadata.title
    kinds = structure_types(reader)
    assert {"/Document", "/Table", "/TR", "/TD"} <= kinds, kinds
    assert "/P" in kinds or any(k.startswith("/Naskah") for k in kinds)


def test_a_converted_letter_is_tagged_in_indonesian_with_its_title(tmp_path: Path) -> None:
    undangan = naskah.load_naskah("undangan", (EXAMPLES / "undangan.json").read_text())
    out = naskah.save(undangan, tmp_path / "u.pdf")
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True).stdout
    assert "Tagged:          yes" in info
    _tagged(PdfReader(out))


def test_signed_originals_stay_tagged_and_embed_every_font(demo_master: Path) -> None:
    originals = sorted((demo_master / "dokumen").glob("*.pdf"))
    assert originals
    for pdf in originals:
        _tagged(PdfReader(pdf))
        lines = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True,
                               check=True).stdout.splitlines()
        emb, fonts = lines[0].index("emb"), lines[2:]
        assert fonts and all(line[emb:emb + 3] == "yes" for line in fonts), (pdf.name, fonts)
        assert any("DejaVuSans" in line for line in fonts)  # the stamp's and footer's font


@pytest.mark.parametrize(("jenis", "judul"), [("nota-dinas", "NOTA DINAS"),
                                              ("laporan", "LAPORAN")])
def test_the_title_is_marked_as_a_heading(tmp_path: Path, jenis: str, judul: str) -> None:
    doc = naskah.load_naskah(jenis, (EXAMPLES / f"{jenis}.json").read_text())
    reader = PdfReader(naskah.save(doc, tmp_path / "d.pdf"))
    assert "/H1" in structure_types(reader)
    # LibreOffice also lists a heading as the PDF's bookmark: the title, once.
    assert [item["/Title"] for item in reader.outline] == [judul]
