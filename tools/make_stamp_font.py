"""Make naskah/tte/huruf/DejaVuSans.ttf: DejaVu Sans (Debian fonts-dejavu-core) rescaled
to 1000 units per em, without hinting.

Why: pyHanko 0.38's font engine writes a CIDFont's glyph widths in the font's own
units, which PDF reads as thousandths of an em; DejaVu's 2048 units per em would print
every letter twice as far apart. The Bitstream Vera license allows modified copies
whose names contain neither "Bitstream" nor "Vera" (the DejaVu name does not).

    python tools/make_stamp_font.py [/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf]
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools.ttLib import TTFont
from fontTools.ttLib.scaleUpem import scale_upem

SOURCE = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
TARGET = Path(__file__).resolve().parents[1] / "naskah" / "tte" / "huruf" / "DejaVuSans.ttf"


def main() -> None:
    font = TTFont(sys.argv[1] if len(sys.argv) > 1 else SOURCE)
    # Hinting and tables that do not survive rescaling; and the OpenType layout tables
    # (GSUB, GPOS, kern: ligatures, kerning, mark positioning): fontTools reads them whole
    # to subset the font, which made each signature take seconds. Every precomposed
    # letter (é, ā, ặ, Đ) is its own glyph, so names print the same without them.
    for table in ("fpgm", "prep", "cvt ", "hdmx", "LTSH", "VDMX", "FFTM", "GSUB", "GPOS",
                  "GDEF", "kern", "MATH"):
        if table in font:
            del font[table]
    for glyph in font["glyf"].glyphs.values():
        if hasattr(glyph, "program"):
            glyph.program.fromBytecode(b"")
    scale_upem(font, 1000)
    font.save(TARGET)
    print(f"{TARGET}: {TARGET.stat().st_size} bytes, {len(font.getGlyphOrder())} glyphs")


if __name__ == "__main__":
    main()
