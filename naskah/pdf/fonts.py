"""Checking the fonts of a converted PDF against the format profile.

LibreOffice never fails on a missing font: it silently draws the text in another.
For an official document that is a different document (other line and page breaks),
so after conversion every font of the PDF is read back and checked:

- it is embedded (a PDF that relies on the reader's fonts looks different elsewhere);
- its family is the profile's font (``huruf.nama``), one of the metric-compatible
  substitutes the profile accepts (``huruf.pengganti``, e.g. Liberation Sans for
  Arial, URW Bookman for Bookman Old Style), or a symbol font it accepts
  (``huruf.simbol``, for glyphs such as ☐ the text font lacks);
- the text font (or a substitute) is used at all.

The fontconfig aliases that make LibreOffice pick those substitutes are installed by
tools/install-system-deps.sh (tools/fontconfig/60-naskah-aliases.conf).
"""

from __future__ import annotations

import io
import re
import warnings
from dataclasses import dataclass
from typing import Any, Literal, cast

from naskah.errors import InputError, PdfError
from naskah.profil.model import Profil

FontCheck = Literal["warn", "error", "off"]
"""What a font problem in a PDF gets: a :class:`FontWarning`, a PdfError, or nothing."""


class FontWarning(UserWarning):
    """A PDF does not use the profile's font (or an accepted substitute), or does not embed it."""


@dataclass(frozen=True, slots=True)
class PdfFont:
    """One font of a PDF: its PostScript name without the subset prefix, and whether embedded."""

    nama: str
    tertanam: bool

    @property
    def keluarga(self) -> str:
        """The family key: 'LiberationSans-Bold' -> 'liberationsans'."""
        return family_key(self.nama)


def family_key(name: str) -> str:
    """A font family name reduced for comparison: no subset prefix, style, spaces or case."""
    name = re.sub(r"^[A-Z]{6}\+", "", name)
    name = re.split(r"[-,]", name, maxsplit=1)[0]
    return re.sub(r"[\s_]", "", name).casefold()


def check_mode(value: str) -> FontCheck:
    """``value`` as a :data:`FontCheck`, or an InputError naming the choices."""
    if value not in ("warn", "error", "off"):
        raise InputError(f"font_check must be 'warn', 'error' or 'off', got {value!r}",
                         [("font_check", "unknown mode")])
    return cast(FontCheck, value)


def pdf_fonts(data: bytes) -> list[PdfFont]:
    """Every font the pages of a PDF use (including inside form XObjects), once each."""
    # pypdf is imported here, not at the top: `naskah render -o x.docx` never needs it.
    from pypdf import PdfReader
    from pypdf.generic import DictionaryObject

    reader = PdfReader(io.BytesIO(data))
    found: dict[str, PdfFont] = {}
    seen: set[int] = set()

    def walk(resources: Any) -> None:
        resources = _resolve(resources)
        if not isinstance(resources, DictionaryObject) or id(resources) in seen:
            return
        seen.add(id(resources))
        for ref in (_resolve(resources.get("/Font")) or {}).values():
            font = _resolve(ref)
            name = str(font.get("/BaseFont", "")).lstrip("/")
            font_obj = found.get(name)
            if font_obj is None or not font_obj.tertanam:
                found[name] = PdfFont(re.sub(r"^[A-Z]{6}\+", "", name), _embedded(font))
        for ref in (_resolve(resources.get("/XObject")) or {}).values():
            xobject = _resolve(ref)
            if xobject.get("/Subtype") == "/Form":
                walk(xobject.get("/Resources"))

    for page in reader.pages:
        walk(page.get("/Resources"))
    return sorted(found.values(), key=lambda f: f.nama)


def _resolve(value: Any) -> Any:
    return value.get_object() if hasattr(value, "get_object") else value


def _embedded(font: Any) -> bool:
    if font.get("/Subtype") == "/Type3":
        return True  # glyphs are drawn by the PDF itself
    descendants = _resolve(font.get("/DescendantFonts"))
    target = _resolve(descendants[0]) if descendants else font
    descriptor = _resolve(target.get("/FontDescriptor"))
    if descriptor is None:
        return False
    return any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def font_problems(data: bytes, profil: Profil) -> list[str]:
    """What is wrong with the fonts of a PDF under a profile; empty when all is well."""
    huruf = profil.huruf
    text_families = {family_key(n) for n in [huruf.nama, *huruf.pengganti]}
    symbol_families = {family_key(n) for n in huruf.simbol}
    problems: list[str] = []
    used_text_font = False
    found = pdf_fonts(data)
    for font in found:
        if not font.tertanam:
            problems.append(f"font {font.nama} is not embedded")
        if _matches(font.keluarga, text_families):
            used_text_font = True
        elif not _matches(font.keluarga, symbol_families):
            problems.append(
                f"font {font.nama} is neither {huruf.nama} nor an accepted substitute "
                f"({', '.join(huruf.pengganti) or 'none listed'}): LibreOffice fell back to "
                "another font; install the font or its substitute "
                "(tools/install-system-deps.sh) or list it in huruf.pengganti"
            )
    if not used_text_font:
        problems.append(
            f"no text is set in {huruf.nama} or an accepted substitute; the PDF uses "
            f"{', '.join(f.nama for f in found) or 'no fonts'}: LibreOffice fell back to them"
        )
    return problems


def _matches(family: str, accepted: set[str]) -> bool:
    # 'ArialMT' and 'URWBookmanL' are the families 'Arial' and 'URW Bookman'.
    return any(family == a or family.startswith(a) for a in accepted)


def check_pdf(data: bytes, profil: Profil, mode: FontCheck = "warn", label: str = "PDF") -> None:
    """Check a PDF's fonts; warn (:class:`FontWarning`) or raise PdfError as ``mode`` says."""
    if mode == "off":
        return
    problems = font_problems(data, profil)
    if not problems:
        return
    message = (f"{label}: fonts differ from profil {profil.nama!r}: " + "; ".join(problems))
    if mode == "error":
        raise PdfError(message)
    warnings.warn(message, FontWarning, stacklevel=3)


def fc_match(family: str) -> str | None:
    """The family fontconfig (and so LibreOffice) uses for ``family``; None without fc-match."""
    import shutil
    import subprocess  # only here: rendering a DOCX starts without it

    exe = shutil.which("fc-match")
    if exe is None:
        return None
    try:
        out = subprocess.run([exe, "--format=%{family[0]}", family], capture_output=True,
                             text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() or None


def installed_problems(profil: Profil) -> list[str]:
    """Whether this machine can render the profile's font: fc-match must give it or a substitute."""
    resolved = fc_match(profil.huruf.nama)
    if resolved is None:
        return []  # no fontconfig: nothing to ask; the PDF check still runs after conversion
    accepted = {family_key(n) for n in [profil.huruf.nama, *profil.huruf.pengganti]}
    if _matches(family_key(resolved), accepted):
        return []
    return [
        f"huruf.nama: {profil.huruf.nama!r} is not installed and has no accepted substitute "
        f"here; fontconfig would use {resolved!r} instead (install the font, or a "
        f"metric-compatible one listed in huruf.pengganti)"
    ]


__all__ = [
    "FontCheck",
    "FontWarning",
    "PdfFont",
    "check_mode",
    "check_pdf",
    "family_key",
    "fc_match",
    "font_problems",
    "installed_problems",
    "pdf_fonts",
]
