"""The visible TTE stamp: how pyHanko draws what a profile's ``[tte]`` says.

Stamp (signature appearance, inside the signature field)::

    [QR]  Ditandatangani secara elektronik oleh:      <- Tte.label
          <jabatan>
          <nama>
          NIP <nip>

Footer (small text at the bottom of the signed page, added in the same revision just
before signing, so it is covered by the signature): the profile's statement
(``Tte.catatan_kaki``, UU ITE / BSrE) and the document id after ``Tte.label_id``. The
texts and sizes are :class:`naskah.profil.Tte`, a format profile's ``[tte]`` section:
the one place they are set.
"""

from __future__ import annotations

from typing import Any

from pyhanko.pdf_utils import layout
from pyhanko.pdf_utils.content import RawContent
from pyhanko.pdf_utils.font.basic import SimpleFontEngineFactory
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.stamp import QRStampStyle, TextStampStyle

from naskah.profil.model import Tte
from naskah.tte.identity import Identitas


def __getattr__(name: str) -> Any:
    # ProfilTte: the stamp's own settings before they moved into the profile (0.3).
    if name == "ProfilTte":
        from naskah.lazy import deprecated

        return deprecated(__name__, name, "naskah.profil", "Tte")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _font() -> SimpleFontEngineFactory:
    # A standard-14 font: no font file to embed, readable by every PDF viewer.
    return SimpleFontEngineFactory("Helvetica", 0.5)


def stamp_style(tte: Tte) -> QRStampStyle:
    """pyHanko's QR stamp style for the signature appearance."""
    # The label is data: a '%' in it must not be read as a pyHanko field.
    label = tte.label.replace("%", "%%")
    return QRStampStyle(
        stamp_text=f"{label}\n%(jabatan)s\n%(nama)s\nNIP %(nip)s",
        text_box_style=TextBoxStyle(font=_font(), font_size=tte.ukuran_huruf, leading=None),
        border_width=0,
        # Opaque white: a stamp placed at a tag covers the tag text (e.g. the template's
        # "Ditandatangani secara elektronik pada ..." line) instead of overprinting it.
        # The form's bounding box clips the rectangle to the stamp.
        background=RawContent(b"1 1 1 rg -1000 -1000 3000 3000 re f"),
        background_opacity=1.0,
        inner_content_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MIN, y_align=layout.AxisAlignment.ALIGN_MID,
            inner_content_scaling=layout.InnerScaling.SHRINK_TO_FIT),
    )


def stamp_params(identitas: Identitas, url: str) -> dict[str, str]:
    """Values for the stamp text's ``%(...)s`` fields (and the QR URL)."""
    return {
        "url": url,
        "jabatan": _wrap(identitas.jabatan or "", 48),
        "nama": identitas.nama,
        "nip": identitas.nip or "-",
    }


def footer_style(tte: Tte) -> TextStampStyle:
    """Plain small text for the footer statement (no border, no timestamp)."""
    return TextStampStyle(
        stamp_text="%(footer)s",
        text_box_style=TextBoxStyle(font=_font(), font_size=tte.ukuran_catatan_kaki),
        border_width=0,
        background=None,
    )


def footer_text(tte: Tte, doc_id: str, width_chars: int = 130) -> str:
    """The footer lines: the statement wrapped to the page, then the document id."""
    lines = [_wrap(tte.catatan_kaki, width_chars)] if tte.catatan_kaki.strip() else []
    lines.append(f"{tte.label_id} {doc_id}")
    return "\n".join(lines)


def _wrap(text: str, width: int) -> str:
    # pyHanko's text box does not wrap; long jabatan / footer lines are wrapped here.
    import textwrap

    return "\n".join(textwrap.wrap(text, width=width)) if text else text


__all__ = ["footer_style", "footer_text", "stamp_params", "stamp_style"]
