"""Values a user's own template prints: rich text, listings, images and links.

naskah's counterparts of docxtpl's ``RichText`` (``R``), ``RichTextParagraph`` (``RP``),
``Listing`` and ``InlineImage``, for :func:`naskah.render_template` (sub-documents are
in :mod:`naskah.docx.subdoc`). They write the XML docxtpl writes, with three
differences of principle:

- every argument is checked or escaped (a colour is six hex digits, a style name cannot
  close its attribute), and an image is read with a size cap and judged by its content;
- a link is given by its URL (``url=``): its relationship is added when the value is
  printed, in the part it is printed in (docxtpl's ``build_url_id`` always adds it to
  the document body, so a link in a header points nowhere);
- a template cannot look into them: the sandbox refuses their attributes, so a
  template can print a sub-document but not call ``save`` on it.
"""

from __future__ import annotations

import math
import os
import re
from html import escape
from pathlib import Path
from typing import Any

from naskah.docx.rendering import ACTIVE, RT_HYPERLINK, Rendering
from naskah.errors import InputError, TemplateError

_UNDERLINES = ("single", "double", "thick", "dotted", "dash", "dotDash", "dotDotDash", "wave")
_FONT_REGIONS = ("ascii", "hAnsi", "eastAsia", "cs")
_HEX = re.compile(r"[0-9A-Fa-f]{6}|auto")


class Opaque:
    """A value templates may print but not look into (see the module's docstring)."""

    __slots__ = ()

    def __html__(self) -> str:
        raise NotImplementedError

    def __str__(self) -> str:
        return self.__html__()


# What XML 1.0 cannot hold, but for docxtpl's markers \a (paragraph) and \f (page break).
_NOT_XML = re.compile("[\x00-\x06\x08\x0b\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def check_text(text: str, where: str = "a value") -> None:
    """InputError when ``text`` holds a character a DOCX cannot (naskah's models check
    their own text; a plain context is checked as it is printed)."""
    found = _NOT_XML.search(text)
    if found is not None:
        raise InputError(f"{where} contains the control character U+{ord(found.group()):04X} "
                         f"at position {found.start()}, which a DOCX document cannot hold")


def active() -> Rendering:
    """The rendering being rendered into; TemplateError outside one."""
    rendering = ACTIVE.get(None)
    if rendering is None:
        raise TemplateError("a link, image or sub-document can only be printed by a template "
                            "rendered with naskah.render_template")
    return rendering


class _Link:
    """A run of rich text that links to a URL, its relationship added when printed."""

    __slots__ = ("run", "url")

    def __init__(self, run: str, url: str) -> None:
        self.run, self.url = run, url

    def xml(self) -> str:
        rendering = active()
        rid = rendering.relate(rendering.current, RT_HYPERLINK, self.url, external=True)
        return f'<w:hyperlink r:id="{rid}" w:tgtFrame="_blank">{self.run}</w:hyperlink>'


class RichText(Opaque):
    """Formatted text inside a paragraph (docxtpl's ``RichText``): ``{{ rt }}`` or ``{{r rt }}``.

    ``add`` takes docxtpl's arguments, with ``url=`` for a link in place of ``url_id``.
    Text keeps docxtpl's control characters: ``\\n`` a line break, ``\\a`` a new
    paragraph, ``\\t`` a tab, ``\\f`` a page break.
    """

    __slots__ = ("_pieces",)

    def __init__(self, text: object = None, **props: Any) -> None:
        self._pieces: list[str | _Link] = []
        if text:
            self.add(text, **props)

    def add(self, text: object, style: str | None = None, color: str | None = None,
            highlight: str | None = None, size: int | None = None,
            subscript: bool | None = None, superscript: bool | None = None,
            bold: bool = False, italic: bool = False, underline: bool | str = False,
            strike: bool = False, font: str | None = None, url: str | None = None,
            rtl: bool = False, lang: str | None = None) -> None:
        """Append ``text`` (a string, or another :class:`RichText`) with these properties."""
        if isinstance(text, RichText):
            self._pieces += text._pieces
            return
        _refuse_foreign(text, "RichText")
        if isinstance(text, bytes):
            text = text.decode("utf-8", errors="ignore")
        text = str(text)
        check_text(text, "RichText text")
        prop = ""
        if style:
            prop += f'<w:rStyle w:val="{_attr(style)}"/>'
        if color:
            prop += f'<w:color w:val="{_hex(color, "color")}"/>'
        if highlight:
            prop += f'<w:shd w:fill="{_hex(highlight, "highlight")}"/>'
        if size:
            half_points = _size(size)
            prop += f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/>'
        if subscript:
            prop += '<w:vertAlign w:val="subscript"/>'
        if superscript:
            prop += '<w:vertAlign w:val="superscript"/>'
        if bold:
            prop += "<w:b/>" + ("<w:bCs/>" if rtl else "")
        if italic:
            prop += "<w:i/>" + ("<w:iCs/>" if rtl else "")
        if underline:
            prop += f'<w:u w:val="{underline if underline in _UNDERLINES else "single"}"/>'
        if strike:
            prop += "<w:strike/>"
        if font:
            prop += _fonts(font)
        if rtl:
            prop += '<w:rtl w:val="true"/>'
        if lang:
            prop += f'<w:lang w:val="{_attr(lang)}"/>'
        run = "<w:r>" + (f"<w:rPr>{prop}</w:rPr>" if prop else "")
        run += f'<w:t xml:space="preserve">{_text(text)}</w:t></w:r>'
        self._pieces.append(run if url is None else _Link(run, _url(url)))

    def __html__(self) -> str:
        return "".join(p if isinstance(p, str) else p.xml() for p in self._pieces)


class RichTextParagraph(Opaque):
    """Whole paragraphs of rich text (docxtpl's ``RichTextParagraph``): ``{{p rtp }}``."""

    __slots__ = ("_pieces",)

    def __init__(self, text: object = None, **props: Any) -> None:
        self._pieces: list[str | _Link] = []
        if text:
            self.add(text, **props)

    def add(self, text: object, parastyle: str | None = None) -> None:
        """Append a paragraph of ``text`` (a string or a :class:`RichText`)."""
        rich = text if isinstance(text, RichText) else RichText(text)
        style = f'<w:pPr><w:pStyle w:val="{_attr(parastyle)}"/></w:pPr>' if parastyle else ""
        self._pieces += ["<w:p>" + style, *rich._pieces, "</w:p>"]

    def __html__(self) -> str:
        return "".join(p if isinstance(p, str) else p.xml() for p in self._pieces)


class Listing(Opaque):
    """Text keeping the template's style, with docxtpl's control characters (``Listing``).

    Any string does the same in naskah; this is for code written for docxtpl.
    """

    __slots__ = ("_xml",)

    def __init__(self, text: object) -> None:
        _refuse_foreign(text, "Listing")
        plain = text.decode("utf-8", "ignore") if isinstance(text, bytes) else str(text)
        check_text(plain, "Listing text")
        self._xml = _text(plain)

    def __html__(self) -> str:
        return self._xml


class InlineImage(Opaque):
    """A picture in the text (docxtpl's ``InlineImage``), from a file or bytes.

    ``width_mm`` and ``height_mm``: given both, the picture takes that size; given one,
    the other follows the picture's proportions; given none, its own size. ``url``
    makes a click on it follow a link (docxtpl's ``anchor``). The image is read now,
    capped at :data:`naskah.sniff.MAX_IMAGE_BYTES` and judged by its content
    (InputError otherwise).
    """

    __slots__ = ("_blob", "_height", "_name", "_url", "_width")

    def __init__(self, image: str | os.PathLike[str] | bytes, width_mm: float | None = None,
                 height_mm: float | None = None, url: str | None = None) -> None:
        self._blob, self._name = _read_image(image)
        self._width = _length(width_mm, "width_mm")
        self._height = _length(height_mm, "height_mm")
        self._url = None if url is None else _url(url)

    def __html__(self) -> str:
        image = active().image(self._blob, self._name, self._width, self._height, self._url)
        return image.__html__()


def _read_image(image: str | os.PathLike[str] | bytes) -> tuple[bytes, str]:
    from docx.image.image import Image

    from naskah import sniff
    from naskah.fileio import read_capped

    name = None
    if isinstance(image, bytes | bytearray):
        blob, label, expected = bytes(image), "image bytes", None
        if len(blob) > sniff.MAX_IMAGE_BYTES:
            raise InputError(f"InlineImage: the {label} are over "
                             f"{sniff.MAX_IMAGE_BYTES // (1024 * 1024)} MB")
    else:
        path = Path(image)
        name = label = path.name
        expected = sniff.IMAGE_SUFFIXES.get(path.suffix.lower())
        try:
            blob = read_capped(path, sniff.MAX_IMAGE_BYTES)
        except FileNotFoundError:
            raise InputError(f"InlineImage: file {str(image)!r} does not exist") from None
        except OSError as exc:
            raise InputError(f"InlineImage: cannot read {str(image)!r}: "
                             f"{exc.strerror or exc}") from None
        except ValueError as exc:  # not a regular file, too large
            raise InputError(f"InlineImage: {label}: {exc}") from None
    try:
        sniff.check_image(blob, expected)
    except ValueError as exc:
        raise InputError(f"InlineImage: {label}: {exc}") from None
    # python-docx names a picture after its file, or image.<ext> when given bytes.
    return blob, name or f"image.{Image.from_blob(blob).ext}"


def _refuse_foreign(value: object, where: str) -> None:
    if type(value).__module__.startswith(("docxtpl", "docx.")):
        raise InputError(f"{where}: a {type(value).__name__} from docxtpl or python-docx "
                         "cannot be used here; use naskah.docx's own values")


def _text(text: str) -> str:
    # Escaped, and docxtpl's {_{ markers kept literal as the template's finalize keeps them.
    escaped = escape(text)
    return _MARKERS.sub("&#95;", escaped) if "_" in escaped else escaped


_MARKERS = re.compile(r"(?<=[{}%])_|_(?=[{}%])")


def _attr(text: str) -> str:
    return escape(str(text), quote=True)


def _hex(value: str, what: str) -> str:
    colour = str(value)[1:] if str(value).startswith("#") else str(value)
    if not _HEX.fullmatch(colour):
        raise InputError(f"RichText {what} {value!r}: expected six hex digits (ff00ff) or auto")
    return colour


def _size(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).isdigit():
        raise InputError(f"RichText size {value!r}: expected a whole number of half-points")
    return int(value)


def _fonts(font: str) -> str:
    region = ""
    if ":" in font:
        where, font = font.split(":", 1)
        if where not in _FONT_REGIONS:
            raise InputError(f"RichText font region {where!r}: expected one of "
                             f"{', '.join(_FONT_REGIONS)}")
        region = f' w:{where}="{_attr(font)}"'
    name = _attr(font)
    return f'<w:rFonts w:ascii="{name}" w:hAnsi="{name}" w:cs="{name}"{region}/>'


def _url(url: str) -> str:
    if not isinstance(url, str) or not url or any(c in url for c in "\r\n\t"):
        raise InputError(f"link {url!r}: expected a URL")
    return url


def _length(value: float | None, what: str) -> float | None:
    if value is None:
        return None
    if (isinstance(value, bool) or not isinstance(value, int | float)
            or not math.isfinite(value) or value <= 0):
        raise InputError(f"InlineImage {what} {value!r}: expected a positive number of mm")
    return float(value)


R = RichText
RP = RichTextParagraph

__all__ = ["RP", "InlineImage", "Listing", "Opaque", "R", "RichText", "RichTextParagraph",
           "active", "check_text"]
