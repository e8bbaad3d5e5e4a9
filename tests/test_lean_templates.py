"""The shipped templates are trimmed (tools/lean_template.py) without losing a style they use."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree

from naskah.docx.renderer import packaged_template
from tests.helpers import ALL_JENIS
from tools.lean_template import trim

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _style_ids(z: zipfile.ZipFile) -> set[str]:
    root = etree.fromstring(z.read("word/styles.xml"))
    return {s.get(f"{W}styleId") for s in root.iter(f"{W}style")}


@pytest.mark.parametrize("jenis", ALL_JENIS)
def test_shipped_template_is_lean_and_complete(jenis: str) -> None:
    with zipfile.ZipFile(packaged_template(jenis)) as z:
        names = set(z.namelist())
        assert "word/stylesWithEffects.xml" not in names
        assert "docProps/thumbnail.jpeg" not in names
        ids = _style_ids(z)
        root = etree.fromstring(z.read("word/styles.xml"))
        assert root.find(f"{W}latentStyles") is None
        for name in names:
            if name.startswith("word/") and name.endswith(".xml"):
                for ref in re.findall(rb'w:(?:pStyle|rStyle|tblStyle|basedOn|next|link) '
                                      rb'w:val="([^"]+)"', z.read(name)):
                    assert ref.decode() in ids, f"{name} refers to missing style {ref!r}"
        for rels in ("word/_rels/document.xml.rels", "_rels/.rels"):
            for target in re.findall(rb'Target="([^"]+)"', z.read(rels)):
                base = "" if rels.startswith("_rels") else "word/"
                path = (base + target.decode()).replace("word/../", "")
                assert path.lstrip("/") in names, f"{rels} points at missing {path}"


def test_trim_keeps_used_styles_and_what_they_build_on(tmp_path: Path) -> None:
    path = tmp_path / "t.docx"
    document = docx.Document()
    document.add_paragraph("judul", style="Heading 1")  # based on Normal, next Normal
    document.add_paragraph("daftar", style="List Bullet")
    document.save(str(path))
    before = tmp_path / "before.docx"
    shutil.copy(path, before)
    trim(path)
    with zipfile.ZipFile(path) as z:
        ids = _style_ids(z)
    assert {"Heading1", "Heading1Char", "ListBullet", "Normal"} <= ids
    assert "Heading2" not in ids and "Title" not in ids
    trimmed = docx.Document(str(path))
    assert [p.style.name for p in trimmed.paragraphs] == ["Heading 1", "List Bullet"]
    assert path.stat().st_size < before.stat().st_size
