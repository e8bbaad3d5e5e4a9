"""Helpers shared by the test suite: example data and text extraction from DOCX files.

Import them directly (``from tests.helpers import docx_lines``) or through the fixtures
in ``tests/conftest.py``.
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from pathlib import Path
from typing import Any, NoReturn

import docx
import pytest
from docx.document import Document as DocxDocument
from docx.table import Table
from docx.text.paragraph import Paragraph

import naskah

EXAMPLES = Path(__file__).parent.parent / "examples" / "data"
"""The example JSON documents, one per jenis: ``EXAMPLES / "nota-dinas.json"``."""

ALL_JENIS = ("disposisi", "undangan", "notulen", "nota-dinas", "laporan")
"""Every document type name, in the order of :data:`naskah.JENIS`."""

DocxSource = bytes | bytearray | str | os.PathLike[str] | DocxDocument


def unavailable(reason: str) -> NoReturn:
    """Something a test needs is not installed: skip the test with ``reason``, but fail it
    under ``CI=true``, where everything must be installed and every test must run."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"required on CI: {reason}")
    pytest.skip(reason)


def load_example_data(jenis: str) -> dict[str, Any]:
    """The example document of a type as a fresh JSON dict (safe to modify)."""
    data: dict[str, Any] = json.loads((EXAMPLES / f"{jenis}.json").read_text(encoding="utf-8"))
    return data


def load_example(jenis: str) -> naskah.NaskahDinas:
    """The example document of a type, validated through :func:`naskah.load_naskah`."""
    return naskah.load_naskah(jenis, load_example_data(jenis), source=f"{jenis}.json")


def open_docx(source: DocxSource) -> DocxDocument:
    """A python-docx Document from DOCX bytes, a path, or an already open Document."""
    if isinstance(source, DocxDocument):
        return source
    if isinstance(source, bytes | bytearray):
        return docx.Document(io.BytesIO(bytes(source)))
    return docx.Document(os.fspath(source))


def docx_bytes(source: bytes | bytearray | str | os.PathLike[str]) -> bytes:
    """The raw bytes of a DOCX given as bytes or a path."""
    if isinstance(source, bytes | bytearray):
        return bytes(source)
    return Path(source).read_bytes()


def make_docx(path: Path, text: str) -> Path:
    """A plain DOCX (python-docx's default template) with one paragraph of ``text``."""
    document = docx.Document()
    document.add_paragraph(text)
    document.save(str(path))
    return path


def docx_lines(source: DocxSource) -> list[str]:
    """The text of every paragraph of the body, in document order.

    Tables are entered recursively (rows, then cells, then the cells' paragraphs and
    nested tables). A merged cell, which python-docx returns once per grid column or
    row it spans, is read once. Tabs come back as ``"\\t"`` and line breaks as ``"\\n"``
    (python-docx's ``Paragraph.text``).
    """
    lines: list[str] = []

    def walk(container: Any) -> None:
        for block in container.iter_inner_content():
            if isinstance(block, Paragraph):
                lines.append(block.text)
            elif isinstance(block, Table):
                walk_table(block)

    def walk_table(table: Table) -> None:
        # Keep the <w:tc> elements themselves (not their id()): lxml proxies that are
        # no longer referenced can be freed and their ids reused for other cells.
        seen: set[Any] = set()
        for row in table.rows:
            for cell in row.cells:
                if cell._tc in seen:
                    continue
                seen.add(cell._tc)
                walk(cell)

    walk(open_docx(source))
    return lines


def docx_text(source: DocxSource) -> str:
    """All body text, one paragraph per line (see :func:`docx_lines`)."""
    return "\n".join(docx_lines(source))


def line_index(lines: list[str], needle: str, start: int = 0) -> int:
    """Index of the first line at or after ``start`` containing ``needle``; fails clearly."""
    for i in range(start, len(lines)):
        if needle in lines[i]:
            return i
    raise AssertionError(f"no line containing {needle!r} at or after line {start}: {lines!r}")


def zip_names(source: bytes | bytearray | str | os.PathLike[str]) -> list[str]:
    """Names of the parts (zip members) of a DOCX."""
    with zipfile.ZipFile(io.BytesIO(docx_bytes(source))) as z:
        return z.namelist()


def zip_read(source: bytes | bytearray | str | os.PathLike[str], name: str) -> str:
    """One part of a DOCX as text, e.g. ``word/document.xml``."""
    with zipfile.ZipFile(io.BytesIO(docx_bytes(source))) as z:
        return z.read(name).decode("utf-8")


def png_bytes(width: int = 10, height: int = 10, rgb: tuple[int, int, int] = (200, 0, 0)) -> bytes:
    """A small valid PNG (8-bit RGB, one colour), made with zlib and struct only."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    row = b"\x00" + bytes(rgb) * width
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


__all__ = [
    "ALL_JENIS",
    "EXAMPLES",
    "docx_bytes",
    "docx_lines",
    "docx_text",
    "line_index",
    "load_example",
    "load_example_data",
    "open_docx",
    "png_bytes",
    "unavailable",
    "zip_names",
    "zip_read",
]
