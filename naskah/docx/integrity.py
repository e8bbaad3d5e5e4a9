"""The document-text fingerprint stored in naskah metadata (``teks_hash``).

A paraf or tanda tangan is given on the document's *data* (the content hash). That
alone cannot show that someone opened the signed DOCX in a word processor and changed
its text: the data in the metadata would still be intact. So the renderer also records
a hash of the visible text of the body, and :func:`naskah.metadata.read_metadata`
recomputes both.

The definition is exact, because every renderer (the docxtpl one and any other that
writes ``word/document.xml`` itself) must compute the same value:

1. Parse ``word/document.xml`` (the main document part).
2. Take every ``w:p`` element (namespace
   ``http://schemas.openxmlformats.org/wordprocessingml/2006/main``) in document
   order, including paragraphs in tables and text boxes.
3. A paragraph's text is the concatenation, in document order, of the text of every
   ``w:t`` element whose nearest ``w:p`` ancestor is that paragraph (so a paragraph
   in a text box counts once, as its own paragraph). ``w:tab``, ``w:br``, deleted
   text (``w:delText``) and field codes (``w:instrText``) are not ``w:t`` and do not
   count. Text is taken as-is: no trimming, no normalisation.
4. Join the paragraph texts with ``"\\n"`` (empty paragraphs give empty lines).
5. ``teks_hash`` is the lowercase hex SHA-256 of that string encoded as UTF-8.

Formatting, page size, properties and the metadata part itself do not enter the hash,
so re-saving without changing text keeps it; any edit of the words changes it.
"""

from __future__ import annotations

import hashlib

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_P = f"{{{W_NS}}}p"
_T = f"{{{W_NS}}}t"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def body_text(document_xml: bytes) -> str:
    """The visible text of ``word/document.xml`` as defined in this module's docstring."""
    return element_text(etree.fromstring(document_xml, _PARSER))


def element_text(root: etree._Element) -> str:
    """:func:`body_text` of an already parsed ``w:document`` element (no re-parsing)."""
    lines: list[str] = []
    for p in root.iter(_P):
        parts = [t.text or "" for t in p.iter(_T) if _paragraph_of(t) is p]
        lines.append("".join(parts))
    return "\n".join(lines)


def body_text_hash(document_xml: bytes) -> str:
    """SHA-256 (hex) of :func:`body_text` of ``word/document.xml``: the ``teks_hash``.

    Raises :class:`lxml.etree.XMLSyntaxError` when the part is not well-formed XML.
    """
    return hashlib.sha256(body_text(document_xml).encode("utf-8")).hexdigest()


def _paragraph_of(element: etree._Element) -> etree._Element | None:
    parent = element.getparent()
    while parent is not None and parent.tag != _P:
        parent = parent.getparent()
    return parent


__all__ = ["W_NS", "body_text", "body_text_hash", "element_text"]
