""""Cocokkan dokumen": is an uploaded PDF the registered signed original, with valid
signatures? One sentence, and why not (the upload is read in memory, never stored)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from naskah.errors import InputError


@dataclass(frozen=True)
class Hasil:
    """The answer: ``cocok`` only for the registered original with valid signatures."""

    cocok: bool
    kalimat: str


def _alasan(problems: list[str]) -> str:
    """The first problem of a signature, in Indonesian."""
    text = " ".join(problems)
    if "signed bytes were changed" in text:
        return "isinya diubah setelah ditandatangani"
    if "does not verify" in text or "cannot be validated" in text:
        return "nilai tanda tangannya tidak dapat diverifikasi"
    if "changed after this signature" in text:
        return "ada perubahan yang ditambahkan ke berkas setelah ditandatangani"
    if "revoked" in text:
        return "sertifikat penanda tangan telah dicabut"
    if "does not chain" in text:
        return "sertifikatnya tidak diterbitkan oleh penerbit yang dipercaya"
    return "tanda tangannya tidak sah"


def cocokkan(data: bytes, rekaman: dict[str, Any] | None, trust: Any) -> Hasil:
    """Compare ``data`` (an upload) with the record of the page's token."""
    from naskah.tte.verify import verify_pdf

    if rekaman is None:
        return Hasil(False, "Tidak dapat dicocokkan: kode verifikasi ini tidak terdaftar.")
    if not data.startswith(b"%PDF"):
        return Hasil(False, "Tidak cocok: berkas yang diunggah bukan PDF.")
    try:
        signatures = verify_pdf(data, trust).signatures
    except InputError:
        return Hasil(False, "Tidak cocok: berkas yang diunggah bukan PDF yang dapat dibaca.")
    same = hashlib.sha256(data).hexdigest() == rekaman["dokumen_sha256"]
    if not signatures:
        return Hasil(False, "Tidak cocok: berkas ini tidak memuat tanda tangan elektronik.")
    # Without trust roots on the service, only the registered bytes vouch for the signer.
    bad = [s for s in signatures if not (s.intact and s.valid and not [
        p for p in s.problems if "no trust roots" not in p])]
    if bad:
        return Hasil(False, f"Tidak cocok: tanda tangan elektronik pada berkas ini tidak sah "
                     f"karena {_alasan(bad[0].problems)}.")
    if not same:
        return Hasil(False, "Tidak cocok: tanda tangannya sah, tetapi berkas ini bukan dokumen "
                     "asli yang terdaftar dengan kode verifikasi ini (isinya berbeda).")
    if rekaman.get("dicabut_pada") is not None:
        return Hasil(False, "Berkas ini sama dengan dokumen yang terdaftar, tetapi dokumen "
                     "tersebut telah DICABUT dan tidak berlaku lagi.")
    if rekaman.get("diganti_pada") is not None:
        return Hasil(False, "Berkas ini sama dengan dokumen yang terdaftar, tetapi dokumen "
                     "tersebut TIDAK BERLAKU lagi karena telah diganti versi yang lebih baru.")
    return Hasil(True, "Cocok: berkas ini adalah dokumen asli yang terdaftar dan tanda tangan "
                 "elektroniknya sah.")


__all__ = ["Hasil", "cocokkan"]
