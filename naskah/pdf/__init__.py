"""The PDF stage: DOCX converted by LibreOffice, document information, font checks.

One job per module: :mod:`~naskah.pdf.soffice` (finding LibreOffice, one cold
``soffice --convert-to`` run), :mod:`~naskah.pdf.profile` (throwaway user profiles
seeded from a kept one), :mod:`~naskah.pdf.worker` and :mod:`~naskah.pdf.bridge` (one
LibreOffice kept running, driven over UNO), :mod:`~naskah.pdf.warm` (the pool of
them), :mod:`~naskah.pdf.group` (documents of one template joined into one load),
:mod:`~naskah.pdf.pipeline` (a stream of documents converted while the caller renders),
:mod:`~naskah.pdf.convert` (the functions below), :mod:`~naskah.pdf.info` (document
information and XMP) and :mod:`~naskah.pdf.fonts` (the fonts a PDF uses, against the
profile). Names are imported on first use, so ``import naskah.pdf`` costs nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from naskah.lazy import exported

if TYPE_CHECKING:
    from naskah.pdf.convert import convert_to_pdf, docx_to_pdf_bytes
    from naskah.pdf.info import stamp_metadata
    from naskah.pdf.soffice import find_soffice, soffice_available

_HOME = {
    "convert_to_pdf": "naskah.pdf.convert",
    "docx_to_pdf_bytes": "naskah.pdf.convert",
    "stamp_metadata": "naskah.pdf.info",
    "find_soffice": "naskah.pdf.soffice",
    "soffice_available": "naskah.pdf.soffice",
}


def __getattr__(name: str) -> Any:
    return exported(__name__, _HOME, name)


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOME})


__all__ = ["convert_to_pdf", "docx_to_pdf_bytes", "find_soffice", "soffice_available",
           "stamp_metadata"]
