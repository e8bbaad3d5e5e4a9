"""Draw the demo's placeholder logo: examples/data/logo-contoh.png.

A neutral mark the project draws itself, clearly not an official emblem: a grey
ring around a pale square crossed corner to corner, the usual "image goes here"
sign. Made with zlib and struct only (no imaging library is a dependency).
Run ``python tools/make_logo_contoh.py`` and commit the PNG.
"""

from __future__ import annotations

import math
import struct
import sys
import zlib
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "examples" / "data" / "logo-contoh.png"
SIZE = 240
WHITE, GREY, DARK, PALE = (255, 255, 255), (150, 150, 150), (90, 90, 90), (232, 232, 232)


def pixel(x: int, y: int) -> tuple[int, int, int]:
    c = (SIZE - 1) / 2
    r = math.hypot(x - c, y - c)
    if 104 <= r <= 116:
        # a dashed ring: 24 dashes around the circle
        return GREY if int((math.atan2(y - c, x - c) + math.pi) / (2 * math.pi) * 48) % 2 else WHITE
    lo, hi = 62, SIZE - 63
    if lo <= x <= hi and lo <= y <= hi:
        on_edge = min(x - lo, hi - x, y - lo, hi - y) < 4
        on_cross = abs((x - lo) - (y - lo)) < 4 or abs((x - lo) - (hi - y)) < 4
        return DARK if on_edge or on_cross else PALE
    return WHITE


def png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(
        b"\x00" + b"".join(bytes(pixel(x, y)) for x in range(width)) for y in range(height)
    )
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else OUT
    out.write_bytes(png(SIZE, SIZE))
    print(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
