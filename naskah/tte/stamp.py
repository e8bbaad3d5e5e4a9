"""The visible TTE stamp: how pyHanko draws what a profile's ``[tte]`` says.

Stamp (signature appearance, inside the signature field)::

    [QR]  Ditandatangani secara elektronik oleh:      <- Tte.label
          <jabatan>
          <nama>
          NIP <nip>

Footer (small text at the bottom of the signed page, added in the same revision just
before signing, so it is covered by the signature): the profile's statement
(``Tte.catatan_kaki``, naming the certificate's real issuer), the pointer to the national
verifier when a BSrE certificate signed (``Tte.verifikasi_nasional``), and the document
id after ``Tte.label_id``. It sits inside the page's left and right margins, in the
bottom margin. The texts and sizes are :class:`naskah.profil.Tte`.

Both are set in DejaVu Sans (shipped in ``naskah/tte/huruf`` with its license), embedded
as a subset: any name or jabatan in Unicode prints, and a PDF/A document stays PDF/A
(an unembedded standard-14 font would break it).
"""

from __future__ import annotations

import textwrap
from functools import cache
from pathlib import Path
from typing import Any

from pyhanko.pdf_utils import layout
from pyhanko.pdf_utils.content import RawContent
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.stamp import QRStampStyle, TextStampStyle

from naskah.profil.model import Tte
from naskah.tte.identity import Identitas
from naskah.tte.penerbit import Penerbit

FONT_FILE = Path(__file__).with_name("huruf") / "DejaVuSans.ttf"
"""The stamp's and footer's font (DejaVu Sans, Bitstream Vera license: huruf/LICENSE-DejaVu.txt)."""
LEADING = 1.2
"""Line height of the stamp and footer text, in font sizes."""
INNSEP = 2
"""Space (pt) between the QR code and the stamp's edge."""


def __getattr__(name: str) -> Any:
    # ProfilTte: the stamp's own settings before they moved into the profile (0.3).
    if name == "ProfilTte":
        from naskah.lazy import deprecated

        return deprecated(__name__, name, "naskah.profil", "Tte")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_TIGHT = layout.SimpleBoxLayoutRule(
    x_align=layout.AxisAlignment.ALIGN_MIN, y_align=layout.AxisAlignment.ALIGN_MIN,
    margins=layout.Margins(0, 0, 0, 0), inner_content_scaling=layout.InnerScaling.NO_SCALING)
"""No margins, no scaling: coordinates as written (pyHanko's default adds 5-10 pt)."""
_TEXT_MARGIN = layout.SimpleBoxLayoutRule(
    x_align=layout.AxisAlignment.ALIGN_MIN, y_align=layout.AxisAlignment.ALIGN_MID,
    margins=layout.Margins(4, 0, 0, 0), inner_content_scaling=layout.InnerScaling.NO_SCALING)
"""The stamp text: 4 pt right of the QR code."""


def leading(size: int) -> int:
    """Line height (pt) of text at ``size``."""
    return max(size + 1, round(size * LEADING))


def _font(size: float) -> GlyphAccumulatorFactory:
    return GlyphAccumulatorFactory(str(FONT_FILE), font_size=round(size),
                                   bcp47_lang_code="id")


@cache
def _advances() -> tuple[dict[int, int], int, int]:
    """(code point -> advance width, missing-glyph width, units per em) of the font."""
    from fontTools.ttLib import TTFont

    with TTFont(str(FONT_FILE), lazy=True) as font:
        cmap = font.getBestCmap()
        hmtx = font["hmtx"]
        widths = {cp: hmtx[name][0] for cp, name in cmap.items()}
        return widths, hmtx[".notdef"][0], font["head"].unitsPerEm


def text_width(text: str, size: float) -> float:
    """Width (pt) of ``text`` set in the stamp font at ``size`` (no kerning)."""
    widths, missing, em = _advances()
    return sum(widths.get(ord(c), missing) for c in text) * size / em


def wrap(text: str, size: float, width: float) -> list[str]:
    """``text`` broken at spaces into lines at most ``width`` pt wide (a longer word
    stands alone on its line)."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}" if line else word
            if line and text_width(candidate, size) > width:
                lines.append(line)
                line = word
            else:
                line = candidate
        lines.append(line)
    return lines


def stamp_style(tte: Tte, qr_pt: float | None = None, text_band: float | None = None
                ) -> QRStampStyle:
    """pyHanko's QR stamp style for the signature appearance.

    ``qr_pt`` fixes the QR code's size; ``text_band`` (pt) is the height of the stamp's
    top band that is painted white (the signature space the stamp covers, with the tag
    text in it); None paints the whole stamp white.
    """
    # The label is data: a '%' in it must not be read as a pyHanko field.
    label = tte.label.replace("%", "%%")
    if text_band is None:
        background = b"1 1 1 rg -1000 -1000 3000 3000 re f"
    else:
        # The band right of the QR code, from the top: the stamp's box clips it.
        background = b"1 1 1 rg %g %g 3000 3000 re f" % (
            (qr_pt or 0) + 2 * INNSEP, (qr_pt or 0) + 2 * INNSEP - text_band)
    return QRStampStyle(
        stamp_text=f"{label}\n%(jabatan)s\n%(nama)s\nNIP %(nip)s%(spasi)s",
        text_box_style=TextBoxStyle(font=_font(tte.ukuran_huruf), font_size=tte.ukuran_huruf,
                                    leading=leading(tte.ukuran_huruf),
                                    box_layout_rule=_TEXT_MARGIN),
        border_width=0,
        innsep=INNSEP,
        qr_inner_size=round(qr_pt) if qr_pt else None,
        # Opaque white: a stamp placed at a tag covers the tag text (e.g. the template's
        # "Ditandatangani secara elektronik pada ..." line) instead of overprinting it.
        # The form's bounding box clips the rectangle to the stamp.
        background=RawContent(background),
        background_layout=_TIGHT,
        background_opacity=1.0,
        inner_content_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MIN, y_align=layout.AxisAlignment.ALIGN_MID,
            inner_content_scaling=layout.InnerScaling.SHRINK_TO_FIT),
    )


def stamp_params(identitas: Identitas, url: str, tte: Tte | None = None,
                 text_width_pt: float = 160, tinggi: float | None = None) -> dict[str, str]:
    """Values for the stamp text's ``%(...)s`` fields (and the QR URL). With ``tinggi``
    (the stamp's height, pt) the text is padded with blank lines to that height: pyHanko
    centres the text beside the QR code, and a hanging QR code is taller than the space
    the text must stay in, so the padding puts the text at the top."""
    size = (tte or Tte()).ukuran_huruf
    jabatan = wrap(identitas.jabatan, size, text_width_pt) if identitas.jabatan else [""]
    spasi = ""
    if tinggi is not None:
        extra = int((tinggi - 2 * INNSEP) // leading(size)) - (3 + len(jabatan))
        spasi = "\n " * max(0, extra)
    return {
        "url": url,
        "jabatan": "\n".join(jabatan),
        "nama": identitas.nama,
        "nip": identitas.nip or "-",
        "spasi": spasi,
    }


def footer_style(tte: Tte) -> TextStampStyle:
    """Plain small text for the footer statement (no border, no timestamp)."""
    return TextStampStyle(
        stamp_text="%(footer)s",
        text_box_style=TextBoxStyle(font=_font(tte.ukuran_catatan_kaki),
                                    font_size=tte.ukuran_catatan_kaki,
                                    leading=leading(tte.ukuran_catatan_kaki),
                                    box_layout_rule=_TIGHT),
        border_width=0,
        background=None,
        inner_content_layout=_TIGHT,
    )


def footer_text(tte: Tte, doc_id: str, penerbit: Penerbit | None = None,
                width_pt: float | None = None, width_chars: int = 130) -> str:
    """The footer lines: the statement naming ``penerbit`` (the signing certificate's
    issuer), the national verifier's sentence for a BSrE certificate, then the document
    id; wrapped to ``width_pt`` (else ``width_chars`` characters)."""
    parts = [statement(tte, penerbit)]
    if penerbit is not None and penerbit.bsre and tte.verifikasi_nasional:
        parts.append(tte.verifikasi_nasional)
    text = " ".join(p for p in parts if p.strip())
    size = tte.ukuran_catatan_kaki
    if not text:
        lines = []
    elif width_pt is not None:
        lines = wrap(text, size, width_pt)
    else:
        lines = textwrap.wrap(text, width=width_chars)
    lines.append(f"{tte.label_id} {doc_id}")
    return "\n".join(lines)


def statement(tte: Tte, penerbit: Penerbit | None) -> str:
    """The profile's statement with ``{penerbit}`` filled in. A profile text that names
    BSrE outright is used as written only for a BSrE certificate: for any other issuer
    (a test PKI) the default statement names the real one."""
    text = tte.catatan_kaki
    if penerbit is None:
        return text.replace("{penerbit}", "penyelenggara sertifikasi elektronik")
    if "{penerbit}" not in text and not penerbit.bsre and _claims_bsre(text):
        text = Tte.model_fields["catatan_kaki"].default
    return text.replace("{penerbit}", penerbit.nama)


def _claims_bsre(text: str) -> bool:
    folded = text.casefold()
    return any(n in folded for n in ("bsre", "sertifikasi elektronik", "bssn",
                                     "badan siber dan sandi negara"))


__all__ = ["FONT_FILE", "footer_style", "footer_text", "leading", "stamp_params", "stamp_style",
           "statement", "text_width", "wrap"]
