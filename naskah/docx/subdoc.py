"""Sub-documents: paragraphs, tables and pictures built with python-docx, printed by a template.

docxtpl's ``tpl.new_subdoc()`` for :func:`naskah.render_template`: :func:`new_subdoc`
opens the template with python-docx the way docxtpl does (a fresh python-docx document
whose part is the template's, so styles resolve against the template), and printing the
sub-document carries its pictures and links over into the rendered package, checked
like any image. A sub-document is made for one template and printed only by it, only
in the body. docxtpl's ``new_subdoc(path)``, which merges another DOCX file's styles
and numbering with docxcompose, is not offered.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
from copy import deepcopy
from pathlib import Path
from typing import TYPE_CHECKING, Any

from naskah.docx.layout import RT_IMAGE, W_NS, rels_name
from naskah.docx.rendering import Rendering
from naskah.docx.values import Opaque, active
from naskah.errors import InputError, TemplateError

if TYPE_CHECKING:
    from docx.document import Document

_R_ATTR = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"  # r:embed...


class Subdoc(Opaque):
    """Paragraphs, tables and pictures built with python-docx, printed with ``{{p sd }}``.

    Made by :func:`new_subdoc` for one template, like docxtpl's ``tpl.new_subdoc()``:
    its styles are that template's. Build it with python-docx's ``Document`` methods,
    which it passes on (``sd.add_paragraph(...)``, ``sd.add_table(...)``,
    ``sd.add_picture(...)``; ``sd.document`` is the python-docx document itself).
    """

    __slots__ = ("_source", "document")

    def __init__(self, document: Document, source: str) -> None:
        self.document = document
        self._source = source

    def __getattr__(self, name: str) -> Any:
        return getattr(self.document, name)

    def __html__(self) -> str:
        from lxml import etree

        rendering = active()
        if rendering.source != self._source:
            raise TemplateError("a sub-document can only be printed by the template it was "
                                "made for (naskah.docx.new_subdoc(template))")
        if rendering.current != rendering.layout.main:
            raise TemplateError(f"a sub-document can only be printed in the document body, "
                                f"not in {rendering.current}")
        body = deepcopy(self.document.element.body)
        for sect in body.findall(f"{{{W_NS}}}sectPr"):
            body.remove(sect)
        _relink(body, self.document, rendering)
        xml = etree.tostring(body, encoding="unicode", pretty_print=False)
        return re.sub(r"</?w:body[^>]*>", "", xml)


def new_subdoc(template: str | os.PathLike[str]) -> Subdoc:
    """An empty sub-document for ``template`` (a path), to fill and put in its context.

    Only a sub-document built here can be printed, and only by this template: docxtpl's
    ``new_subdoc(path_of_another_docx)``, which merges another file's styles and
    numbering with docxcompose, is not offered.
    """
    import docx

    from naskah.docx.compiler import read_file, read_layout

    p = Path(template)
    blob = read_file(p)
    read_layout(blob, str(p))  # the zip caps and the template checks
    try:
        opened = docx.Document(io.BytesIO(blob))
    except Exception as exc:  # python-docx raises many kinds for a broken package
        raise TemplateError(f"template {p} is not a readable DOCX file: {exc}") from None
    document = docx.Document()
    document._part = opened.part  # docxtpl's way: the template's styles, numbering, media
    return Subdoc(document, hashlib.sha256(blob).hexdigest())


def _relink(body: Any, document: Document, rendering: Rendering) -> None:
    """Point the sub-document's relationships (pictures, links) at the rendered package."""
    from naskah import sniff

    main = rendering.layout.main
    kept = rendering.layout.rels.get(rels_name(main))
    original = kept.ids if kept else frozenset()
    rels = document.part.rels
    moved: dict[str, str] = {}
    for element in body.iter():
        for attr, rid in element.attrib.items():
            if not attr.startswith(_R_ATTR) or rid in original:
                continue
            if rid not in moved:
                rel = rels.get(rid)
                if rel is None:
                    raise TemplateError(f"the sub-document refers to a missing relationship {rid}")
                if rel.is_external:
                    moved[rid] = rendering.relate(main, rel.reltype, rel.target_ref, True)
                elif rel.reltype == RT_IMAGE:
                    blob = rel.target_part.blob
                    if len(blob) > sniff.MAX_IMAGE_BYTES:
                        raise InputError(f"a picture in the sub-document is over "
                                         f"{sniff.MAX_IMAGE_BYTES // (1024 * 1024)} MB")
                    try:
                        sniff.check_image(blob)
                    except ValueError as exc:
                        raise InputError(f"a picture in the sub-document: {exc}") from None
                    name, _ = rendering.add_media(blob)
                    moved[rid] = rendering.relate(main, RT_IMAGE, name)
                else:
                    raise TemplateError(f"the sub-document holds a part naskah cannot carry "
                                        f"over ({rel.reltype.rsplit('/', 1)[-1]})")
            element.set(attr, moved[rid])



__all__ = ["Subdoc", "new_subdoc"]
