"""Where the visible stamp goes: at a tag text in the PDF, else a fallback box.

Like BSrE's ``tag_koordinat``: the document template prints a marker (e.g. ``#ttd#``)
where the signature belongs; pypdf's text extraction reports where that text is
drawn, and the stamp box is placed with its top-left corner there. Without the tag,
the stamp goes to the fallback box on the last page (above the bottom margin, on the
right where the signature block of a naskah dinas sits).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from pypdf import PdfReader

from naskah.errors import InputError

STAMP_WIDTH, STAMP_HEIGHT = 250.0, 70.0
"""Default stamp box size (pt)."""


@dataclass(frozen=True)
class Posisi:
    """A stamp box: page index (0-based) and (x1, y1, x2, y2) in PDF points."""

    page: int
    box: tuple[int, int, int, int]
    from_tag: bool


def find_tag(reader: PdfReader, tag: str) -> tuple[int, float, float, float] | None:
    """(page, x, y, font size) of the first occurrence of ``tag``, searching from the
    last page backwards (the signature block is at the end of a naskah)."""
    for index in range(len(reader.pages) - 1, -1, -1):
        hits: list[tuple[float, float, float]] = []

        def visit(text: str, cm: list[float], tm: list[float], _font: Any, size: float,
                  hits: list[tuple[float, float, float]] = hits) -> None:
            if tag in text:
                # Text space -> user space: the text matrix then the CTM.
                x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                hits.append((x, y, size * (abs(tm[3]) or 1.0) * (abs(cm[3]) or 1.0)))

        reader.pages[index].extract_text(visitor_text=visit)
        if hits:
            x, y, size = hits[0]
            return index, x, y, size
    return None


def locate(pdf: bytes, *, tag: str | None, page: int | None = None,
           box: tuple[int, int, int, int] | None = None,
           size: tuple[float, float] = (STAMP_WIDTH, STAMP_HEIGHT)) -> Posisi:
    """The stamp position for ``pdf``: at ``tag`` when found, else ``box`` on ``page``
    (default: the last page, lower right)."""
    try:
        reader = PdfReader(io.BytesIO(pdf), strict=False)
        n_pages = len(reader.pages)
    except Exception as exc:  # pypdf raises many types on broken files
        raise InputError(f"pdf: not a readable PDF ({exc})") from None
    if n_pages == 0:
        raise InputError("pdf: the PDF has no pages")
    w, h = size
    if tag:
        found = find_tag(reader, tag)
        if found is not None:
            index, x, y, font = found
            top = y + font
            return Posisi(index, (round(x), round(top - h), round(x + w), round(top)), True)
    index = n_pages - 1 if page is None else page
    if not 0 <= index < n_pages:
        raise InputError(f"page: {index + 1} is outside the PDF (1..{n_pages})")
    if box is None:
        media = reader.pages[index].mediabox
        right = float(media.right) - 57  # ~2 cm right margin
        box = (round(right - w), 100, round(right), round(100 + h))
    return Posisi(index, box, False)
