"""Trim a built template to what its documents use.

python-docx's default document carries 164 styles, 137 latent-style entries, a
``stylesWithEffects.xml`` copy of them and a thumbnail of an empty page: 788 KB of
the 841 KB unpacked, which every reader (LibreOffice included) parses again for
every document. This step, run by ``tools/build_templates.py`` after each build,
keeps the document defaults, the default styles and the styles the parts refer to
(with the styles those are based on, link to or are followed by), and drops the
rest. The page images do not change.
"""

from __future__ import annotations

import io
import re
import sys
import zipfile
from pathlib import Path

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_DROP_PARTS = ("word/stylesWithEffects.xml", "docProps/thumbnail.jpeg")
_REFS = re.compile(rb'<w:(?:pStyle|rStyle|tblStyle|numStyleLink|styleLink) w:val="([^"]+)"')


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def trim(path: Path) -> None:
    """Rewrite the template at ``path`` in place, lean (see the module docstring)."""
    path.write_bytes(trim_bytes(path.read_bytes()))


def trim_bytes(blob: bytes) -> bytes:
    """The template ``blob`` (DOCX bytes), lean (see the module docstring)."""
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        parts = {info.filename: z.read(info) for info in z.infolist()}
    used = {ref.decode() for name, blob in parts.items()
            if name.startswith("word/") and name != "word/styles.xml"
            for ref in _REFS.findall(blob)}
    styles = etree.fromstring(parts["word/styles.xml"])
    by_id = {s.get(_w("styleId")): s for s in styles.iter(_w("style"))}
    keep = {sid for sid, s in by_id.items() if s.get(_w("default")) == "1"} | used
    todo = list(keep)
    while todo:
        style = by_id.get(todo.pop())
        if style is None:
            continue
        for link in ("basedOn", "next", "link"):
            el = style.find(_w(link))
            if el is not None and (target := el.get(_w("val"))) not in keep:
                keep.add(target)
                todo.append(target)
    for sid, style in by_id.items():
        if sid not in keep:
            styles.remove(style)
    for latent in styles.findall(_w("latentStyles")):
        styles.remove(latent)
    parts["word/styles.xml"] = etree.tostring(styles, xml_declaration=True, encoding="UTF-8",
                                              standalone=True)
    for name in _DROP_PARTS:
        parts.pop(name, None)
    targets = tuple(name.split("/", 1)[1] if name.startswith("word/") else name
                    for name in _DROP_PARTS)
    for rels in ("word/_rels/document.xml.rels", "_rels/.rels"):
        root = etree.fromstring(parts[rels])
        for rel in list(root):
            if rel.get("Target", "").lstrip("/") in targets + _DROP_PARTS:
                root.remove(rel)
        parts[rels] = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                     standalone=True)
    types = etree.fromstring(parts["[Content_Types].xml"])
    for entry in list(types):
        if entry.get("PartName", "").lstrip("/") in _DROP_PARTS or (
            entry.get("Extension") == "jpeg"
            and not any(n.endswith(".jpeg") for n in parts)
        ):
            types.remove(entry)
    parts["[Content_Types].xml"] = etree.tostring(types, xml_declaration=True,
                                                  encoding="UTF-8", standalone=True)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), data,
                       compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        trim(Path(arg))
