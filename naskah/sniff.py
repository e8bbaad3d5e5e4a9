"""What a file really is: magic bytes, then one real open, for logos and attachments.

A file is judged by its content, not its name: a ``.png`` must start like a PNG and
have an image header python-docx can read (the same code that later places it in a
DOCX), a ``.pdf`` must open in pypdf without a password, a ``.csv`` must parse with
no field over 128 KB, a ``.docx`` must be a zip within naskah's package caps. The
check runs on bytes already read (with a size cap), so what is checked is exactly
what gets stored.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable

from docx.image.exceptions import UnrecognizedImageError
from docx.image.image import Image
from pypdf import PdfReader

from naskah.docx.package import check_zip
from naskah.errors import BadFile

MAX_IMAGE_BYTES = 5 * 1024 * 1024
"""Largest kop image (logo, lambang) accepted: a kop image is a few hundred kilobytes."""
IMAGE_SUFFIXES = {".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg", ".gif": "gif", ".bmp": "bmp",
                  ".tif": "tiff", ".tiff": "tiff"}
"""Image suffixes and the format each must hold."""
TEXT_SUFFIXES = frozenset({".txt", ".md", ".json", ".xml"})
CSV_SUFFIXES = frozenset({".csv"})
CSV_FIELD_LIMIT = 128 * 1024
"""Largest CSV field accepted (Python's csv module refuses longer ones)."""

_MAGIC: dict[str, tuple[bytes, ...]] = {
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpeg": (b"\xff\xd8\xff",),
    "gif": (b"GIF87a", b"GIF89a"),
    "bmp": (b"BM",),
    "tiff": (b"II*\x00", b"MM\x00*"),
}


def check(data: bytes, suffix: str) -> None:
    """Refuse ``data`` unless it really is what ``suffix`` (e.g. '.png') promises.

    Suffixes naskah does not display (e.g. '.zip') are accepted as opaque files.
    """
    checker = _CHECKERS.get(suffix.lower())
    if checker is not None:
        checker(data)
    elif suffix.lower() in IMAGE_SUFFIXES:
        check_image(data, IMAGE_SUFFIXES[suffix.lower()])


def check_image(data: bytes, expected: str | None = None) -> str:
    """The image format of ``data`` (png, jpeg, gif, bmp), refusing anything else.

    Only the magic bytes and the header are parsed, by python-docx's own image code
    (the code that will embed it), so a broken header fails here, not while rendering.
    """
    kind = next((k for k, magics in _MAGIC.items() if data.startswith(magics)), None)
    if kind is None:
        raise BadFile("it is not an image (PNG, JPEG, GIF, BMP or TIFF): its content does not "
                      "start like one")
    if expected is not None and kind != expected:
        raise BadFile(f"its name says {expected.upper()} but it holds a {kind.upper()} image")
    try:
        image = Image.from_blob(data)
        if image.px_width <= 0 or image.px_height <= 0:
            raise BadFile("the image has no size")
    except (UnrecognizedImageError, ValueError, IndexError, KeyError, EOFError) as exc:
        raise BadFile(f"the {kind.upper()} image header is damaged ({exc or type(exc).__name__})"
                      ) from None
    except Exception as exc:
        raise BadFile(f"the {kind.upper()} image cannot be read ({type(exc).__name__})"
                      ) from None
    return kind


def check_pdf(data: bytes) -> int:
    """The page count of a PDF, refusing non-PDFs, encrypted and unreadable ones."""
    if not data.lstrip(b"\r\n\t ")[:5] == b"%PDF-":
        raise BadFile("it is not a PDF: its content does not start with %PDF-")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise BadFile("the PDF is encrypted (password-protected); attach an open copy")
        pages = len(reader.pages)
        for page in reader.pages:
            page.mediabox  # noqa: B018 - touching each page parses its dictionary once
    except BadFile:
        raise
    except Exception as exc:
        raise BadFile(f"the PDF cannot be read ({type(exc).__name__}: {exc})") from None
    if pages < 1:
        raise BadFile("the PDF has no pages")
    return pages


def check_csv(data: bytes) -> None:
    """Refuse a CSV that is not UTF-8 text or holds a field over 128 KB."""
    text = _text(data)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for row in reader:
            for value in row:
                if len(value) > CSV_FIELD_LIMIT:
                    raise csv.Error("field larger than field limit")
    except csv.Error as exc:
        raise BadFile(f"the CSV cannot be read: {exc} (fields may be at most "
                      f"{CSV_FIELD_LIMIT // 1024} KB)") from None


def check_text(data: bytes) -> None:
    """Refuse binary content under a text suffix."""
    _text(data)


def check_docx(data: bytes) -> None:
    """Refuse a .docx that is not a zip with a document part, or is a zip bomb."""
    try:
        check_zip(data)
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            if "word/document.xml" not in z.namelist():
                raise BadFile("it is a zip archive but not a DOCX (no word/document.xml)")
    except BadFile:
        raise
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise BadFile(f"it is not a readable DOCX ({exc})") from None


def _text(data: bytes) -> str:
    if b"\x00" in data:
        raise BadFile("it holds binary data (NUL bytes), not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadFile(f"it is not UTF-8 text ({exc.reason} at byte {exc.start})") from None


def _pdf(data: bytes) -> None:
    check_pdf(data)


_CHECKERS: dict[str, Callable[[bytes], None]] = {
    ".pdf": _pdf,
    ".csv": check_csv,
    ".docx": check_docx,
    **{s: check_text for s in TEXT_SUFFIXES},
}


__all__ = ["CSV_FIELD_LIMIT", "IMAGE_SUFFIXES", "BadFile", "check", "check_csv", "check_docx",
           "check_image", "check_pdf", "check_text"]
