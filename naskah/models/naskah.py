"""NaskahDinas: what every document type shares, and the pieces of its template context."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, ClassVar

from pydantic import BaseModel, model_validator

from naskah import formatting
from naskah.models.base import MAX_GANTI_BARIS, MAX_TEKS_NASKAH, Jam, NaskahModel, Teks
from naskah.models.instansi import Instansi
from naskah.models.klasifikasi import Klasifikasi
from naskah.models.pejabat import Pejabat
from naskah.models.penandatangan import Penandatangan
from naskah.models.umum import Lampiran
from naskah.pilihan import Pilihan

Context = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Gambar:
    """An image slot in a template context; the renderer reads the file (a relative path
    against the document's image folder), checks it and places it."""

    path: Path
    lebar_mm: float
    lokasi: str
    """The field it comes from (``kop.logo``), for messages."""


class Zona(Pilihan):
    """Indonesian time zones."""

    WIB = "WIB"
    WITA = "WITA"
    WIT = "WIT"


class JadwalRapat(NaskahModel):
    """When and where a meeting takes place."""

    tanggal: date
    """The day of the meeting (ISO date, e.g. '2026-11-26')."""
    mulai: Jam
    """Start time, e.g. '09:00'."""
    selesai: Jam | None = None
    """End time; none prints 'selesai' (until finished)."""
    zona: Zona = Zona.WIB
    """Time zone printed after the time."""
    tempat: Teks
    """Venue, e.g. 'Ruang Rapat Lantai 3, Gedung Kemenko Polhukam'."""

    @model_validator(mode="after")
    def _selesai_after_mulai(self) -> JadwalRapat:
        if self.selesai is not None and self.selesai <= self.mulai:
            raise ValueError(
                f"selesai ({self.selesai:%H:%M}) must be later than mulai ({self.mulai:%H:%M})"
            )
        return self

    def context(self) -> Context:
        return {
            "hari_tanggal": formatting.hari_tanggal(self.tanggal),
            "waktu": formatting.rentang_waktu(self.mulai, self.selesai, self.zona.value),
            "tempat": self.tempat,
        }


class NaskahDinas(NaskahModel):
    """Base of the five document types.

    Subclasses set ``jenis`` (the name used on the command line and in metadata) and
    ``template`` (the packaged template file), and build their template context in
    :meth:`context`.
    """

    jenis: ClassVar[str]
    """Document type name: 'disposisi', 'undangan', 'notulen', 'nota-dinas', 'laporan'."""
    template: ClassVar[str]
    """File name of the packaged template in ``naskah/templates``."""
    judul: ClassVar[str]
    """Heading printed on the document."""

    kop: Instansi | None = None
    """The issuing agency's kop (letterhead). When a document names none, the renderer
    takes the one it was given, else the profile's (:meth:`naskah.Renderer.kop_untuk`);
    with none anywhere, rendering is refused: naskah never prints a kop of its own."""

    @model_validator(mode="after")
    def _total_length(self) -> NaskahDinas:
        # Each field has its own limit; this caps their sum, so that a document with
        # every list full of full paragraphs still converts to PDF in seconds.
        texts = list(_texts(self))
        total = sum(len(text) for text in texts)
        if total > MAX_TEKS_NASKAH:
            raise ValueError(
                f"the document holds {total:,} characters of text; at most "
                f"{MAX_TEKS_NASKAH:,} are accepted in one document (split it, or move "
                "long material into a lampiran file)"
            )
        breaks = sum(text.count("\n") for text in texts)
        if breaks > MAX_GANTI_BARIS:
            raise ValueError(
                f"the document's text fields hold {breaks:,} line breaks; at most "
                f"{MAX_GANTI_BARIS:,} are accepted in one document (use list items or "
                "paragraphs, or move long material into a lampiran file)"
            )
        return self

    # -- identity ---------------------------------------------------------

    def content_hash(self) -> str:
        """SHA-256 of the document's content (canonical JSON of its fields).

        A paraf or tanda tangan records this hash; if the content changes afterwards
        the hash no longer matches and the paraf is void.
        """
        payload = self.model_dump_json(exclude_none=False).encode("utf-8")
        return hashlib.sha256(f"{self.jenis}\n".encode() + payload).hexdigest()

    DIISI_SAAT_TTD: ClassVar[tuple[str, ...]] = ("nomor", "tanggal")
    """Fields filled in when the document is signed (the register's final nomor and the
    signing date); :meth:`konsep_hash` leaves them out."""

    def konsep_hash(self) -> str:
        """SHA-256 of the konsep: the content without the nomor and tanggal filled at signing.

        Paraf cover this hash, so they stay valid when the secretariat gives the konsep its
        final number and date at signing; any other change (isi, hal, penandatangan ...)
        changes it and voids them. The tanda tangan covers :meth:`content_hash`.
        """
        exclude = {name for name in self.DIISI_SAAT_TTD if name in type(self).model_fields}
        payload = self.model_dump_json(exclude=exclude, exclude_none=False).encode("utf-8")
        # A different prefix keeps a konsep hash from ever equalling a content hash.
        return hashlib.sha256(f"konsep\n{self.jenis}\n".encode() + payload).hexdigest()

    @property
    def hal_singkat(self) -> str:
        """A one-line description used for titles and bookmarks."""
        return self.judul.title()

    @property
    def tanggal_naskah(self) -> date | None:
        """The document's own date (a notulen's: its meeting's, when it has none)."""
        value = getattr(self, "tanggal", None)
        return value if isinstance(value, date) else None

    @property
    def kota(self) -> str:
        """The city of the place-and-date lines: the kop's ("" while the document has
        none; the renderer renders it with the kop it resolves)."""
        return self.kop.kota if self.kop is not None else ""

    @property
    def penandatangan_utama(self) -> Pejabat:
        """The official whose signature (or paraf, for a disposisi) completes the document."""
        raise NotImplementedError

    # -- template context -------------------------------------------------

    def context(self) -> Context:
        """The template context: plain strings, lists and dicts, already formatted.

        The kop is in it when the document names one; the renderer fills in the kop it
        resolves otherwise (:func:`kop_context`).
        """
        out: Context = {"judul": self.judul}
        if self.kop is not None:
            out["kop"] = kop_context(self.kop)
        return out


def kop_context(kop: Instansi) -> Context:
    """The kop's part of a template context."""
    # jenis "" means: the profile's kop kind (filled in by naskah.profil at render time).
    return {
        "nama": list(kop.nama),
        "unit": kop.unit or "",
        "alamat": kop.alamat,
        "kontak": kop.kontak,
        "logo": Gambar(kop.logo, 22.0, "kop.logo") if kop.logo else "",
        "jenis": kop.jenis_kop.value if kop.jenis_kop else "",
        "daerah": kop.baris_daerah,
        "lambang": Gambar(kop.lambang, 25.0, "kop.lambang") if kop.lambang else "",
    }


def ttd_context(penandatangan: Penandatangan, tempat_tanggal: str = "") -> Context:
    """The signature block: place and date, jabatan lines, name, pangkat, NIP."""
    pejabat = penandatangan.pejabat
    return {
        "tempat_tanggal": tempat_tanggal,
        "jabatan": penandatangan.baris_jabatan(),
        "nama": pejabat.nama,
        "pangkat": pejabat.pangkat_golongan or "",
        "nip": f"NIP {pejabat.nip}" if pejabat.nip else "",
        # For the profile's signature-name rules (naskah.profil), applied at render time.
        "pelaksana": penandatangan.pelaksana.value if penandatangan.pelaksana else "",
        "pimpinan_daerah": (
            penandatangan.pimpinan_daerah.value if penandatangan.pimpinan_daerah else ""
        ),
    }


def pejabat_ttd_context(pejabat: Pejabat, tempat_tanggal: str = "") -> Context:
    """A signature block for an official signing in their own post."""
    return ttd_context(Penandatangan(pejabat=pejabat), tempat_tanggal)


def daftar(items: list[str], *, huruf: bool = False, satu_tanpa_nomor: bool = False
           ) -> list[Context]:
    """List items: ``[{"no": "1.", "teks": ...}, ...]``.

    ``huruf``: lettered ``a.``, ``b.``, ... (the level under ``1.``: A. -> 1. -> a. -> 1)
    -> a)). ``satu_tanpa_nomor``: a list of one item has no number (a single tembusan or
    addressee is written without one).
    """
    if satu_tanpa_nomor and len(items) == 1:
        return [{"no": "", "teks": items[0]}]
    return [{"no": f"{formatting.huruf(i) if huruf else i}.", "teks": item}
            for i, item in enumerate(items, 1)]


def lampiran_context(lampiran: Lampiran) -> Context:
    """'1 (satu) berkas', and the titles (numbered 1., 2. when several).

    Roman numerals belong to the lampiran sheets themselves (LAMPIRAN I, II), not to
    this list; whether the list is printed at all is the profile's choice.
    """
    return {
        "lampiran": formatting.jumlah_terbilang(lampiran.jumlah, lampiran.satuan),
        "daftar_lampiran": daftar(list(lampiran.daftar), satu_tanpa_nomor=True),
    }


def klasifikasi_context(klasifikasi: Klasifikasi) -> Context:
    """The security marking printed above the title: none for Biasa, red for R and SR."""
    return {
        "klasifikasi": klasifikasi.value,
        "klasifikasi_cetak": "" if klasifikasi is Klasifikasi.BIASA else klasifikasi.value.upper(),
        "klasifikasi_merah": klasifikasi.merah,
    }


def nomor_text(nomor: object | None) -> str:
    """The printed nomor; an unnumbered konsep leaves room for the number to come."""
    return str(nomor) if nomor is not None else "…"


def tempat_atau_kota(tempat: Teks | None, naskah: NaskahDinas) -> str:
    """The place in a place-and-date line: given, or the city of the document's kop."""
    return tempat or naskah.kota


def _texts(value: Any) -> Iterator[str]:
    """Every text in a model's fields, lists and sub-models."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _texts(getattr(value, name))
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _texts(item)
