"""The visible TTE stamp: what it says (a configurable profile) and how pyHanko draws it.

Stamp (signature appearance, inside the signature field):

    [QR]  Ditandatangani secara elektronik oleh:
          <jabatan>
          <nama>
          NIP <nip>

Footer (small text at the bottom of the signed page, added in the same revision just
before signing, so it is covered by the signature): the profile's footer statement
(UU ITE / BSrE) and the document id.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from pyhanko.pdf_utils import layout
from pyhanko.pdf_utils.content import RawContent
from pyhanko.pdf_utils.font.basic import SimpleFontEngineFactory
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.stamp import QRStampStyle, TextStampStyle

from naskah.tte.identity import Identitas

DEFAULT_FOOTER = (
    "Dokumen ini telah ditandatangani secara elektronik menggunakan sertifikat elektronik "
    "yang diterbitkan oleh Balai Besar Sertifikasi Elektronik (BSrE), BSSN. "
    "UU ITE No. 11 Tahun 2008 Pasal 5 ayat 1: \"Informasi Elektronik dan/atau Dokumen "
    "Elektronik dan/atau hasil cetaknya merupakan alat bukti hukum yang sah.\""
)


class ProfilTte(BaseModel):
    """What a signed original shows; load one from JSON to match an instansi's practice."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    judul: str = "Ditandatangani secara elektronik oleh:"
    """First line of the stamp."""
    url_pattern: str = "https://naskah.example.go.id/v/{id}"
    """Verification URL in the QR code; ``{id}`` becomes the document id."""
    footer: str = DEFAULT_FOOTER
    """Statement printed small at the bottom of the signed page; empty = none."""
    label_id: str = "ID dokumen:"
    """Label before the document id in the footer."""
    ukuran_huruf: int = Field(default=7, gt=3, le=14)
    """Stamp font size (pt)."""
    ukuran_footer: int = Field(default=6, gt=3, le=10)
    """Footer font size (pt)."""


def _font() -> SimpleFontEngineFactory:
    # A standard-14 font: no font file to embed, readable by every PDF viewer.
    return SimpleFontEngineFactory("Helvetica", 0.5)


def stamp_style(profil: ProfilTte) -> QRStampStyle:
    """pyHanko's QR stamp style for the signature appearance."""
    return QRStampStyle(
        stamp_text=f"{profil.judul}\n%(jabatan)s\n%(nama)s\nNIP %(nip)s",
        text_box_style=TextBoxStyle(font=_font(), font_size=profil.ukuran_huruf, leading=None),
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


def footer_style(profil: ProfilTte) -> TextStampStyle:
    """Plain small text for the footer statement (no border, no timestamp)."""
    return TextStampStyle(
        stamp_text="%(footer)s",
        text_box_style=TextBoxStyle(font=_font(), font_size=profil.ukuran_footer),
        border_width=0,
        background=None,
    )


def footer_text(profil: ProfilTte, doc_id: str, width_chars: int = 130) -> str:
    """The footer lines: the statement wrapped to the page, then the document id."""
    lines = [_wrap(profil.footer, width_chars)] if profil.footer.strip() else []
    lines.append(f"{profil.label_id} {doc_id}")
    return "\n".join(lines)


def _wrap(text: str, width: int) -> str:
    # pyHanko's text box does not wrap; long jabatan / footer lines are wrapped here.
    import textwrap

    return "\n".join(textwrap.wrap(text, width=width)) if text else text
