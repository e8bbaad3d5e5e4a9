"""Reading rendered PDFs back: text lines by layout, and page images a person can look at.

``page_images`` renders pages with ``pdftoppm`` (poppler). Set ``NASKAH_TEST_PAGES`` to a
folder to keep the PNGs of the profile tests there for review
(``NASKAH_TEST_PAGES=/tmp/pages pytest tests/test_profil_pdf.py``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from tests.helpers import unavailable


def _tool(name: str) -> str:
    exe = shutil.which(name)
    if exe is None:
        unavailable(f"{name} (poppler-utils) is not installed")
    return exe


def layout_lines(pdf: Path, page: int = 1) -> list[str]:
    """The text of one page as ``pdftotext -layout`` sees it: a line per printed line."""
    out = subprocess.run(
        [_tool("pdftotext"), "-layout", "-f", str(page), "-l", str(page), str(pdf), "-"],
        capture_output=True, text=True, check=True, timeout=60,
    ).stdout
    return [line.rstrip() for line in out.splitlines() if line.strip()]


def page_images(pdf: Path, out_dir: Path, dpi: int = 50, gray: bool = False) -> list[Path]:
    """Render every page to an image (PNG, or PGM when ``gray``); returns them in page order.

    When ``NASKAH_TEST_PAGES`` is set, PNGs are also copied there for a person to review.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    prefix = out_dir / pdf.stem
    fmt = ["-gray"] if gray else ["-png"]
    subprocess.run([_tool("pdftoppm"), "-r", str(dpi), *fmt, str(pdf), str(prefix)],
                   check=True, timeout=120)
    images = sorted(out_dir.glob(f"{pdf.stem}-*.{'pgm' if gray else 'png'}"))
    keep = os.environ.get("NASKAH_TEST_PAGES")
    if keep and not gray:
        Path(keep).mkdir(parents=True, exist_ok=True)
        for image in images:
            shutil.copy(image, Path(keep) / image.name)
    return images


def read_pgm(path: Path) -> tuple[int, int, bytes]:
    """(width, height, pixels) of a binary PGM (P5, 8-bit), as pdftoppm -gray writes it."""
    data = path.read_bytes()
    fields: list[bytes] = []
    pos = 0
    while len(fields) < 4:
        while data[pos:pos + 1].isspace():
            pos += 1
        start = pos
        while not data[pos:pos + 1].isspace():
            pos += 1
        fields.append(data[start:pos])
    assert fields[0] == b"P5", f"{path} is not a binary PGM"
    width, height = int(fields[1]), int(fields[2])
    return width, height, data[pos + 1:pos + 1 + width * height]


def ink_share(path: Path, box: tuple[float, float, float, float]) -> float:
    """Share of inked pixels (grey < 200) in a box given as fractions (left, top, right, bottom)."""
    width, height, pixels = read_pgm(path)
    x0, y0, x1, y1 = (int(box[0] * width), int(box[1] * height),
                      int(box[2] * width), int(box[3] * height))
    dark = total = 0
    for y in range(y0, y1):
        row = pixels[y * width + x0:y * width + x1]
        dark += sum(1 for v in row if v < 200)
        total += len(row)
    return dark / max(total, 1)
