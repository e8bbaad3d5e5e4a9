"""Where text lands in a rendered PDF: lines with their page and position, from poppler.

``pdftotext -bbox-layout`` gives every printed line with its box in points (origin top
left); :func:`pdf_lines` returns them in reading order. :func:`gray_png` and
:func:`read_gray_png` make and read the page images the reference comparison uses
(8-bit grayscale PNG, as ``pdftoppm -gray -png`` writes it), without an imaging library.
"""

from __future__ import annotations

import itertools
import struct
import subprocess
import zlib
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from tests.pdf_pages import _tool


@dataclass(frozen=True)
class Line:
    """One printed line: page (1-based), box in points, and its text (words joined)."""

    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    text: str

    @property
    def centre(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass(frozen=True)
class Page:
    width: float
    height: float


def pdf_layout(pdf: Path) -> tuple[list[Page], list[Line]]:
    """The pages (size in points) and every line of a PDF, page by page, top to bottom."""
    out = subprocess.run([_tool("pdftotext"), "-bbox-layout", str(pdf), "-"],
                         capture_output=True, check=True, timeout=120).stdout
    root = etree.fromstring(out, etree.HTMLParser())
    pages: list[Page] = []
    lines: list[Line] = []
    for n, page in enumerate(root.iter("page"), 1):
        pages.append(Page(float(page.get("width")), float(page.get("height"))))
        found = []
        for line in page.iter("line"):
            words = [w for w in line.iter("word") if (w.text or "").strip()]
            if not words:
                continue
            found.append(Line(n, float(line.get("xmin")), float(line.get("ymin")),
                              float(line.get("xmax")), float(line.get("ymax")),
                              " ".join((w.text or "").strip() for w in words)))
        lines += sorted(found, key=lambda ln: (round(ln.y0), ln.x0))
    return pages, lines


def pdf_lines(pdf: Path) -> list[Line]:
    """Every line of a PDF (see :func:`pdf_layout`)."""
    return pdf_layout(pdf)[1]


def find(lines: list[Line], needle: str, start: int = 0) -> int:
    """Index of the first line at or after ``start`` containing ``needle``; fails clearly."""
    for i in range(start, len(lines)):
        if needle in lines[i].text:
            return i
    raise AssertionError(f"no line containing {needle!r}: {[ln.text for ln in lines]}")


def word_gaps(pdf: Path, needle: str) -> list[float]:
    """The gaps (points) between the words of the first line that contains ``needle``."""
    out = subprocess.run([_tool("pdftotext"), "-bbox-layout", str(pdf), "-"],
                         capture_output=True, check=True, timeout=120).stdout
    root = etree.fromstring(out, etree.HTMLParser())
    for line in root.iter("line"):
        words = list(line.iter("word"))
        if needle in " ".join(w.text or "" for w in words):
            return [float(b.get("xmin")) - float(a.get("xmax"))
                    for a, b in itertools.pairwise(words)]
    raise AssertionError(f"no line containing {needle!r}")


def gray_png(pdf: Path, out_dir: Path, dpi: int) -> list[Path]:
    """Every page as an 8-bit grayscale PNG (``pdftoppm -gray -png``), in page order."""
    out_dir.mkdir(parents=True, exist_ok=True)
    prefix = out_dir / pdf.stem
    subprocess.run([_tool("pdftoppm"), "-r", str(dpi), "-gray", "-png", str(pdf), str(prefix)],
                   check=True, timeout=120)
    return sorted(out_dir.glob(f"{pdf.stem}-*.png"))


def read_gray_png(path: Path) -> tuple[int, int, bytes]:
    """(width, height, pixels) of an 8-bit grayscale, non-interlaced PNG."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    pos, idat, header = 8, b"", b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = chunk
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert (depth, colour, interlace) == (8, 0, 0), f"{path}: not 8-bit gray, non-interlaced"
    raw = zlib.decompress(idat)
    rows, prior = [], bytearray(width)
    for y in range(height):
        kind, line = raw[y * (width + 1)], bytearray(raw[y * (width + 1) + 1:(y + 1) * (width + 1)])
        for x in range(width):
            left = line[x - 1] if x else 0
            up, corner = prior[x], prior[x - 1] if x else 0
            if kind == 1:
                line[x] = (line[x] + left) & 0xFF
            elif kind == 2:
                line[x] = (line[x] + up) & 0xFF
            elif kind == 3:
                line[x] = (line[x] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                pred = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                line[x] = (line[x] + pred) & 0xFF
        rows.append(bytes(line))
        prior = line
    return width, height, b"".join(rows)


def difference(a: Path, b: Path) -> tuple[float, float]:
    """(mean absolute difference 0-255, share of pixels differing by more than 64) of two
    grayscale PNGs of the same size."""
    wa, ha, pa = read_gray_png(a)
    wb, hb, pb = read_gray_png(b)
    assert (wa, ha) == (wb, hb), f"{a.name}: {wa}x{ha}, reference {wb}x{hb}"
    total = big = 0
    for x, y in zip(pa, pb, strict=True):
        d = abs(x - y)
        total += d
        big += d > 64
    return total / len(pa), big / len(pa)
