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

_HTML = etree.HTMLParser(encoding="utf-8")  # poppler's XHTML names no charset


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
    """The pages (size in points) and every printed row of a PDF, page by page, top to
    bottom (see :func:`_rows`)."""
    out = subprocess.run([_tool("pdftotext"), "-bbox-layout", str(pdf), "-"],
                         capture_output=True, check=True, timeout=120).stdout
    root = etree.fromstring(out, _HTML)
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
        lines += _rows(found)
    return pages, lines


def _rows(found: list[Line]) -> list[Line]:
    """poppler's lines of one page joined into printed rows: pieces on one baseline (a
    label, its colon and value in table cells or after tabs) become one line, left to
    right."""
    rows: list[list[Line]] = []
    for line in sorted(found, key=lambda ln: (ln.y1, ln.x0)):
        if rows and abs(rows[-1][0].y1 - line.y1) < 2.5:
            rows[-1].append(line)
        else:
            rows.append([line])
    out = []
    for row in rows:
        row.sort(key=lambda ln: ln.x0)
        out.append(Line(row[0].page, row[0].x0, min(ln.y0 for ln in row), row[-1].x1,
                        max(ln.y1 for ln in row), " ".join(ln.text for ln in row)))
    return sorted(out, key=lambda ln: (ln.y0, ln.x0))


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
    """The gaps (points) between the consecutive words ``needle`` is made of, where they
    are printed (however far apart)."""
    out = subprocess.run([_tool("pdftotext"), "-bbox", str(pdf), "-"],
                         capture_output=True, check=True, timeout=120).stdout
    root = etree.fromstring(out, _HTML)
    words = [(w.text or "", float(w.get("xmin")), float(w.get("xmax")))
             for w in root.iter("word")]
    wanted = needle.split()
    for i in range(len(words) - len(wanted) + 1):
        if [w[0] for w in words[i:i + len(wanted)]] == wanted:
            return [b[1] - a[2] for a, b in itertools.pairwise(words[i:i + len(wanted)])]
    raise AssertionError(f"the words {needle!r} are not in {pdf.name}")


def gray_png(pdf: Path, out_dir: Path, dpi: int) -> list[Path]:
    """Every page as an 8-bit grayscale PNG, in page order (``pdftoppm -gray`` writes
    PGM; :func:`write_gray_png` makes the PNG)."""
    from tests.pdf_pages import read_pgm

    out_dir.mkdir(parents=True, exist_ok=True)
    prefix = out_dir / pdf.stem
    subprocess.run([_tool("pdftoppm"), "-r", str(dpi), "-gray", str(pdf), str(prefix)],
                   check=True, timeout=120)
    pngs = []
    for pgm in sorted(out_dir.glob(f"{pdf.stem}-*.pgm")):
        png = pgm.with_name(f"{pdf.stem}-{int(pgm.stem.rsplit('-', 1)[1])}.png")
        write_gray_png(png, *read_pgm(pgm))
        pgm.unlink()
        pngs.append(png)
    return pngs


def write_gray_png(path: Path, width: int, height: int, pixels: bytes) -> None:
    """An 8-bit grayscale PNG, each row filtered against the one above (small for text)."""
    rows = []
    prior = bytes(width)
    for y in range(height):
        row = pixels[y * width:(y + 1) * width]
        rows.append(b"\x02" + bytes((a - b) & 0xFF for a, b in zip(row, prior, strict=True)))
        prior = row

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
                     + chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + chunk(b"IEND", b""))


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
