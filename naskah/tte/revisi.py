"""What a PDF gained after a signature, in words: new or changed annotations and form
fields (with their page), changed page content, document information (``/Info``) and
XMP metadata, catalog entries, and bytes after the file's last ``%%EOF``.

pyHanko's difference analysis decides whether later revisions are harmless (validation
data, document timestamps, further signatures); this module names what they added, so
``naskah verify`` can say *what* an attacker put over a signed letter, and checks the
two things pyHanko lets through: an ``/Info``-only update and trailing bytes.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from typing import Any

from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import DictionaryObject, IndirectObject

_STAMPED_INFO = frozenset({"/ModDate", "/Producer"})
"""What every incremental writer (pyHanko, adding a signature or validation data)
updates in /Info; anything else changed there after a signature is reported."""
_ALLOWED_CATALOG = frozenset({"/DSS", "/AcroForm", "/Metadata", "/Extensions", "/Perms",
                              "/Version", "/Pages"})
"""Catalog entries later revisions may touch (each is checked on its own)."""
_XMP_WORDS = re.compile(
    rb"<(dc:title|dc:description|dc:subject|dc:creator|pdf:Keywords|pdf:Title|"
    rb"pdf:Subject|pdf:Author)\b[^>]*>(.*?)</\1>", re.S)
_XMP_ATTRS = re.compile(rb'\b(pdf:Keywords|pdf:Title|pdf:Subject|pdf:Author)="([^"]*)"')
_EOF = re.compile(rb"startxref\s+(\d+)\s*%%EOF")


def trailing_bytes(data: bytes, last_startxref: int, xref_end: int) -> int:
    """How many bytes follow the ``%%EOF`` of the file's last revision (line ends not
    counted); -1 when the file does not end with that revision's ``startxref`` and
    ``%%EOF``."""
    match = _EOF.search(data, xref_end)
    while match is not None and int(match[1]) != last_startxref:
        match = _EOF.search(data, match.end())
    if match is None:
        return -1
    return len(data[match.end():].strip(b"\r\n\t \x00"))


def _reader(data: bytes) -> PdfReader | None:
    try:
        return PdfReader(io.BytesIO(data), strict=False)
    except (PyPdfError, ValueError, KeyError, TypeError, RecursionError):
        return None


def _norm(obj: Any, depth: int = 0) -> Any:
    """A comparable form of a PDF object: references by number, not by reader."""
    if isinstance(obj, IndirectObject):
        return ("ref", obj.idnum, obj.generation)
    if depth > 16:
        return "…"
    if isinstance(obj, dict):
        return tuple(sorted((str(k), _norm(v, depth + 1)) for k, v in obj.items()))
    if isinstance(obj, list):
        return tuple(_norm(v, depth + 1) for v in obj)
    return str(obj)


def _id(obj: Any) -> int | None:
    return obj.idnum if isinstance(obj, IndirectObject) else None


def _field_name(annot: Any) -> str | None:
    parts: list[str] = []
    node, depth = annot, 0
    while node is not None and depth < 32:
        if node.get("/T") is not None:
            parts.append(str(node["/T"]))
        parent = node.get("/Parent")
        node = parent.get_object() if parent is not None else None
        depth += 1
    return ".".join(reversed(parts)) or None


def _annotations(reader: PdfReader) -> dict[int, tuple[int, Any]]:
    """Annotation object id → (page index, annotation) of every page."""
    found: dict[int, tuple[int, Any]] = {}
    for index, page in enumerate(reader.pages):
        for ref in page.get("/Annots") or []:
            key = _id(ref)
            if key is not None:
                found[key] = (index, ref.get_object())
    return found


def _describe_annotation(annot: Any, page: int, verb: str) -> str:
    subtype = str(annot.get("/Subtype", "/?"))[1:]
    rect = annot.get("/Rect")
    where = (f" at [{', '.join(str(round(float(v))) for v in rect)}]"
             if isinstance(rect, list) and len(rect) == 4 else "")
    if subtype == "Widget":
        name = _field_name(annot)
        kind = "signature field" if annot.get("/FT") == "/Sig" else "form field"
        filled = " (empty)" if annot.get("/FT") == "/Sig" and annot.get("/V") is None else ""
        own = ", with its own appearance" if annot.get("/AP") is not None else ""
        return f"a {kind} {name!r}{filled}{own} was {verb} on page {page + 1}{where}"
    return f"a {subtype} annotation was {verb} on page {page + 1}{where}"


def _page_contents(reader: PdfReader) -> list[bytes]:
    out = []
    for page in reader.pages:
        try:
            contents = page.get_contents()
            out.append(contents.get_data() if contents is not None else b"")
        except (PyPdfError, ValueError, KeyError, TypeError):
            out.append(b"?")
    return out


def _info(reader: PdfReader) -> dict[str, str]:
    info = reader.trailer.get("/Info")
    if info is None:
        return {}
    return {str(k): str(v) for k, v in info.get_object().items()}


def _root(reader: PdfReader) -> DictionaryObject:
    root = reader.trailer["/Root"].get_object()
    if not isinstance(root, DictionaryObject):
        raise ValueError("the document catalog is not a dictionary")
    return root


def _xmp_words(reader: PdfReader) -> list[tuple[bytes, bytes]]:
    meta = _root(reader).get("/Metadata")
    if meta is None:
        return []
    try:
        data = meta.get_object().get_data()
    except (PyPdfError, ValueError, KeyError, TypeError):
        return [(b"?", b"?")]
    words = [(m[1], b" ".join(re.sub(rb"<[^>]+>", b" ", m[2]).split()))
             for m in _XMP_WORDS.finditer(data)]
    return sorted(words + [(m[1], m[2]) for m in _XMP_ATTRS.finditer(data)])


def describe(signed: bytes, current: bytes, explained: Iterable[str] = ()) -> list[str]:
    """What ``current`` has that the signed revision ``signed`` (the file up to the
    signature's byte range end) did not. ``explained``: names of fields holding a later
    signature or document timestamp (not reported)."""
    old, new = _reader(signed), _reader(current)
    if old is None or new is None:
        return ["the later revisions cannot be read"]
    skip = set(explained)
    found: list[str] = []
    try:
        if len(new.pages) != len(old.pages):
            found.append(f"the page count changed from {len(old.pages)} to {len(new.pages)}")
        before, after = _annotations(old), _annotations(new)
        for key, (page, annot) in sorted(after.items()):
            if _field_name(annot) in skip:
                continue
            if key not in before:
                found.append(_describe_annotation(annot, page, "added"))
            elif _norm(annot) != _norm(before[key][1]):
                found.append(_describe_annotation(annot, page, "changed"))
        for key, (page, annot) in sorted(before.items()):
            if key not in after:
                found.append(_describe_annotation(annot, page, "removed"))
        for index, (a, b) in enumerate(zip(_page_contents(old), _page_contents(new),
                                           strict=False)):
            if a != b:
                found.append(f"the content of page {index + 1} was changed")
        old_fields = set((old.get_fields() or {}).keys())
        for name, value in sorted((new.get_fields() or {}).items()):
            if name not in old_fields and name not in skip and not any(
                    name in text for text in found):
                found.append(f"a form field {name!r} ({value.get('/FT', '?')}) was added")
        found += info_changes(_info(old), _info(new))
        if _xmp_words(old) != _xmp_words(new):
            found.append("the XMP metadata (title, author, subject or keywords) was changed")
        old_root, new_root = _root(old), _root(new)
        for key in sorted(set(old_root) | set(new_root)):
            if key not in _ALLOWED_CATALOG and _norm(old_root.get(key)) != _norm(
                    new_root.get(key)):
                verb = "added" if key not in old_root else "changed"
                found.append(f"the document catalog's {key} was {verb}")
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        found.append("the later revisions cannot be read in full")
    return found


def info_changes(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """The document information (``/Info``) entries changed, besides the dates and
    producer every incremental writer stamps."""
    keys = sorted(k for k in set(before) | set(after)
                  if k not in _STAMPED_INFO and before.get(k) != after.get(k))
    if not keys:
        return []
    return [f"the document information (/Info) was changed: {', '.join(keys)}"]


def info_changed(signed: bytes, current: bytes) -> list[str]:
    """:func:`info_changes` between a signed revision and the current file, and a
    change of the XMP metadata's descriptive words."""
    old, new = _reader(signed), _reader(current)
    if old is None or new is None:
        return ["the later revisions cannot be read"]
    try:
        found = info_changes(_info(old), _info(new))
        if _xmp_words(old) != _xmp_words(new):
            found.append("the XMP metadata (title, author, subject or keywords) was changed")
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return ["the later revisions cannot be read in full"]
    return found


__all__ = ["describe", "info_changed", "info_changes", "trailing_bytes"]
