"""The signatures a PDF already carries, and whether one more may be added.

A PDF handed in to be signed may already be final: certified by someone else with a
DocMDP permission that forbids any change (P=1), or signed by others, who did not
agree that it gets another signature. :func:`boleh_ditandatangani` refuses those
before anything is signed, so an integrator's ``naskah ttd`` never produces a file in
which an earlier signature reports the document as changed.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from naskah.errors import InputError


@dataclass(frozen=True)
class TtdAda:
    """One signature already in the PDF: its field and, for a certification, its
    DocMDP permission (1 no changes, 2 form filling and signing, 3 also annotations)."""

    field_name: str
    docmdp: int | None


def tanda_tangan_ada(pdf: bytes, label: str = "pdf") -> list[TtdAda]:
    """The signatures embedded in ``pdf``, first to last; InputError if it is no PDF."""
    from pyhanko.pdf_utils.misc import PdfError as PyHankoPdfError
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        found = list(reader.embedded_signatures)
        return [TtdAda(str(s.field_name),
                       s.docmdp_level.value if s.docmdp_level is not None else None)
                for s in found]
    except (PyHankoPdfError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise InputError(f"{label}: bukan PDF yang dapat dibaca (not a readable PDF: "
                         f"{str(exc)[:200]})", [(label, "not a readable PDF")]) from None


def boleh_ditandatangani(pdf: bytes, *, tambah: bool = False, sertifikasi: bool = False,
                         label: str = "pdf") -> list[TtdAda]:
    """Check that ``pdf`` may receive a signature; the signatures it already has.

    Refused (:class:`InputError`): a PDF certified with DocMDP P=1 (nothing may be
    added), any signed PDF unless ``tambah`` (adding a signature to a document others
    signed is a decision, not a default), and a certification (``sertifikasi``) of a
    PDF that is already signed (a certification must be the first signature).
    """
    ada = tanda_tangan_ada(pdf, label)
    if not ada:
        return ada
    names = ", ".join(s.field_name for s in ada)
    for s in ada:
        if s.docmdp == 1:
            raise InputError(
                f"{label}: sudah final: disertifikasi oleh tanda tangan {s.field_name} yang "
                "tidak mengizinkan perubahan apa pun (DocMDP P=1); tanda tangan baru akan "
                "membatalkannya", [(label, "certified with DocMDP P=1")])
    if sertifikasi:
        raise InputError(f"{label}: sudah ditandatangani ({names}); sertifikasi (DocMDP) "
                         "harus menjadi tanda tangan pertama",
                         [(label, "already signed: a certification must come first")])
    if not tambah:
        raise InputError(f"{label}: sudah ditandatangani ({names}); berikan --tambah untuk "
                         "menambahkan tanda tangan berikutnya",
                         [(label, "already signed")])
    return ada


__all__ = ["TtdAda", "boleh_ditandatangani", "tanda_tangan_ada"]
