"""Convert DOCX files to PDF with LibreOffice running headless.

Starting LibreOffice costs a second or more, so conversions go to a LibreOffice kept
running (:mod:`naskah.pdf.warm`, through :mod:`naskah.pdf.pipeline`) when its Python
binding (Debian's ``python3-uno``) is installed; without it, to cold ``soffice
--convert-to`` runs (:mod:`naskah.pdf.soffice`).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

from naskah.pdf import soffice
from naskah.pdf.pipeline import convert_files

__all__ = ["convert_to_pdf", "docx_to_pdf_bytes"]


def convert_to_pdf(
    sources: Sequence[Path], out_dir: Path, *, timeout: float = 180.0, pdfa: bool = False
) -> list[Path]:
    """Convert DOCX files to PDF with LibreOffice (kept running, see the module notes).

    Each result is written as ``out_dir / (source.stem + ".pdf")``; ``out_dir`` is
    created if needed and existing PDFs of the same name are replaced. The
    conversion is all or nothing: results are first written to a temporary
    directory inside ``out_dir`` and moved into place with :func:`os.replace` only
    once every one of them is a complete PDF, so a failure never leaves a partial
    or missing-sibling PDF at a final path.

    Args:
        sources: DOCX files (Office Open XML). Their stems must be distinct.
        out_dir: Directory to write the PDFs to.
        timeout: Seconds one document (warm converter) or one run of at most
            :data:`~naskah.pdf.soffice.CHUNK` documents (cold ``soffice``) may take
            before LibreOffice is killed.
        pdfa: Write PDF/A-2b (archival) instead of plain PDF.

    Returns:
        The PDF paths, in the same order as ``sources`` (``[]`` for no sources).

    Raises:
        PdfError: LibreOffice is missing, timed out, or did not produce a valid
            PDF for some source; a source is missing; or two sources share a stem.
    """
    if not sources:
        return []
    paths = [Path(source).resolve() for source in sources]
    soffice.check_sources(paths)
    soffice.find_soffice()
    out_dir = Path(out_dir).absolute()  # LibreOffice takes URLs, which must be absolute
    out_dir.mkdir(parents=True, exist_ok=True)
    # Same directory as the targets, so os.replace stays on one filesystem (atomic).
    work_dir = Path(tempfile.mkdtemp(prefix=".naskah-pdf-", dir=out_dir))
    try:
        produced = [work_dir / f"{path.stem}.pdf" for path in paths]
        errors = convert_files(paths, produced, work_dir, pdfa=pdfa, timeout=timeout)
        if errors is None:  # no warm converter
            return soffice.convert_cold(paths, out_dir, timeout=timeout, pdfa=pdfa)
        soffice.check_produced(paths, produced, "; ".join(
            f"{path.name}: {error}" for path, error in zip(paths, errors, strict=True) if error))
        targets = [out_dir / pdf.name for pdf in produced]
        for pdf, target in zip(produced, targets, strict=True):
            os.replace(pdf, target)
        return targets
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)


def docx_to_pdf_bytes(docx: bytes, *, timeout: float = 180.0, pdfa: bool = False) -> bytes:
    """Convert one in-memory DOCX document to PDF bytes.

    Raises:
        PdfError: As for :func:`convert_to_pdf`.
    """
    with tempfile.TemporaryDirectory(prefix="naskah-pdf-") as tmp:
        source = Path(tmp) / "naskah.docx"
        source.write_bytes(docx)
        (pdf,) = convert_to_pdf([source], Path(tmp) / "out", timeout=timeout, pdfa=pdfa)
        return pdf.read_bytes()
