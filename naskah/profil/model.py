"""The profile model: every format rule a naskah dinas layout follows, as data.

A profile is validated as a whole (after ``extends`` is resolved, see
:mod:`naskah.profil.loader`), so a mistake anywhere is reported with its field path.
Lengths are in the units the rules are written in: centimetres for margins, points
for font sizes, millimetres for images.
"""

from __future__ import annotations

import warnings
from datetime import date
from typing import Any, Literal, cast

from pydantic import Field, field_validator, model_validator

from naskah.kalender import JamKerja
from naskah.models.base import NaskahModel, Teks, TeksPanjang
from naskah.models.instansi import Instansi, JenisKop
from naskah.models.penandatangan import JabatanSementara, PimpinanDaerah
from naskah.pilihan import Pilihan


class Kertas(Pilihan):
    """Paper size. A4 is the default; many agencies use F4 (folio)."""

    A4 = "A4"
    F4 = "F4"

    @property
    def ukuran_mm(self) -> tuple[int, int]:
        """(width, height) in millimetres."""
        return _UKURAN_MM[self]


_UKURAN_MM = {Kertas.A4: (210, 297), Kertas.F4: (215, 330)}

JenisNaskah = Literal["disposisi", "undangan", "notulen", "nota-dinas", "laporan"]
"""The document type names (the keys of :data:`naskah.JENIS`)."""


class TataLetak(Pilihan):
    """How the heading of a document is laid out."""

    BAKU = "baku"
    """Permenpan RB 80/2012: nota dinas with NOMOR under the title; a letter with the
    place and date on the Nomor line."""
    KORESPONDENSI = "korespondensi"
    """Permendagri 1/2023: place and date top right, then Nomor/Sifat/Lampiran/Hal, then
    the addressee (letters, undangan, nota dinas)."""
    JUDUL = "judul"
    """A centred title block (LAPORAN / TENTANG / subject)."""
    FORMULIR = "formulir"
    """A form (disposisi, notulen): the same under every profile."""


# Which layouts the packaged templates implement for each type; the first is the default.
TATA_LETAK_JENIS: dict[str, tuple[TataLetak, ...]] = {
    "disposisi": (TataLetak.FORMULIR,),
    "undangan": (TataLetak.BAKU, TataLetak.KORESPONDENSI),
    "notulen": (TataLetak.FORMULIR,),
    "nota-dinas": (TataLetak.BAKU, TataLetak.KORESPONDENSI),
    "laporan": (TataLetak.JUDUL,),
}


class PosisiLogo(Pilihan):
    """Where the kop instansi puts the logo."""

    KIRI = "kiri"
    TENGAH = "tengah"


class Halaman(NaskahModel):
    """Page margins in centimetres."""

    atas: float = Field(default=2.0, ge=0.5, le=8)
    bawah: float = Field(default=2.5, ge=0.5, le=8)
    kiri: float = Field(default=3.0, ge=0.5, le=8)
    kanan: float = Field(default=2.0, ge=0.5, le=8)


class Huruf(NaskahModel):
    """Font family, sizes in points, and line spacing."""

    nama: Teks = "Arial"
    """The font family the documents name, e.g. 'Arial' or 'Bookman Old Style'."""
    pengganti: list[Teks] = Field(default_factory=list)
    """Metric-compatible substitutes accepted in the PDF when the named font is not
    installed (e.g. 'Liberation Sans' for Arial); anything else is reported."""
    simbol: list[Teks] = Field(default_factory=lambda: ["DejaVu Sans", "OpenSymbol"])
    """Fonts accepted in the PDF for symbols the text font lacks (the disposisi's ☐/☑)."""
    isi: float = Field(default=12, ge=6, le=24)
    """Body text."""
    judul: float = Field(default=12, ge=6, le=28)
    """Document titles (NOTA DINAS, LAPORAN)."""
    kop: float = Field(default=13, ge=6, le=28)
    """The agency/tier lines of the kop."""
    kop_kecil: float = Field(default=9, ge=5, le=16)
    """Address and contact lines of the kop."""
    kecil: float = Field(default=9, ge=5, le=16)
    """Small print: the paraf table heading, the signature stamp line."""
    spasi: float = Field(default=1.0, ge=1.0, le=3.0)
    """Line spacing (1.0 single)."""


class KopBawaan(Instansi):
    """A kop the profile gives the documents that name none (``[[kop.instansi]]``)."""

    sejak: date | None = None
    """The first day of this kop: an agency renamed lists its kops, and a document
    takes the one in force on its own date (none: in force since always)."""


class Kop(NaskahModel):
    """The kop (letterhead)."""

    jenis: JenisKop = JenisKop.INSTANSI
    """The kop kind used when the document's instansi does not name one."""
    logo: PosisiLogo = PosisiLogo.KIRI
    """Kop instansi/daerah: logo left of the text or centred above it."""
    lebar_logo_mm: float = Field(default=22, ge=8, le=45)
    lebar_lambang_mm: float = Field(default=25, ge=8, le=45)
    """Kop jabatan: width of the Garuda emblem."""
    instansi: list[KopBawaan] = Field(default_factory=list, max_length=20)
    """The agency's own kop, for documents that name none (a profile made for one agency,
    such as ``kemenko-polhukam``); none in a generic profile, where a document without a
    kop is refused. Image paths are read like a document's (``aset``)."""

    def untuk(self, tanggal: date | None) -> Instansi | None:
        """The kop in force on ``tanggal`` (today when None), or None."""
        day = tanggal or date.today()
        current = [k for k in self.instansi if k.sejak is None or k.sejak <= day]
        if not current:
            return None
        chosen = max(current, key=lambda k: k.sejak or date.min)
        return Instansi.model_validate(chosen.model_dump(exclude={"sejak"}))


class AturanNama(NaskahModel):
    """What the signature block shows under the signature."""

    gelar: bool = True
    """Academic titles in the name ('Dr. Ahmad Fauzi, S.H., M.Si.')."""
    pangkat: bool = True
    """Pangkat/golongan line."""
    nip: bool = True
    """NIP line."""


class AturanTtd(AturanNama):
    """A signature rule for the signers it matches; unset conditions match anything."""

    pimpinan_daerah: list[PimpinanDaerah | Literal["lainnya"]] | None = None
    """Matches these posts ('lainnya': a signer who is none of them)."""
    pelaksana: list[JabatanSementara | Literal["definitif"]] | None = None
    """Matches these acting appointments ('definitif': not acting)."""
    jenis: list[JenisNaskah] | None = None
    """Matches these document types."""
    sumber: Teks | None = None
    """The rule's source, e.g. 'Permendagri 1/2023 Pasal 44 ayat (4)'."""


class AturanTandaTangan(NaskahModel):
    """Signature block rules."""

    nama: AturanNama = AturanNama()
    """The rule for a signer no entry of ``aturan`` matches."""
    aturan: list[AturanTtd] = Field(default_factory=list)
    """Rules tried in order; the first that matches applies."""
    gelar_depan: list[Teks] = Field(default_factory=list)
    """Academic titles written before a name ('Dr.', 'Ir.'), removed when gelar is off;
    titles after the name follow the first comma and are removed with it."""


class Tte(NaskahModel):
    """What a signed original shows: the stamp beside the QR code, the verification URL
    the QR code holds, and the footer statement. The one source of these texts: the
    stamp (:mod:`naskah.tte.stamp`) draws them, and a trail signs with its profile's."""

    label: Teks = "Ditandatangani secara elektronik oleh:"
    """First line of the stamp, above the jabatan, nama and NIP."""
    catatan_kaki: TeksPanjang | Literal[""] = (
        "Dokumen ini telah ditandatangani secara elektronik menggunakan sertifikat elektronik "
        "yang diterbitkan oleh {penerbit}. "
        "UU ITE No. 11 Tahun 2008 Pasal 5 ayat 1: \"Informasi Elektronik dan/atau Dokumen "
        "Elektronik dan/atau hasil cetaknya merupakan alat bukti hukum yang sah.\""
    )
    """Statement printed small at the bottom of the signed page, covered by the
    signature; empty for none. ``{penerbit}`` becomes the signing certificate's issuer
    (BSrE by its full name, a test PKI by its own); a text that names BSrE outright is
    replaced by the default for a certificate BSrE did not issue."""
    verifikasi_nasional: TeksPanjang | Literal[""] = (
        "Keaslian dokumen ini dapat diperiksa dengan mengunggahnya ke laman verifikasi "
        "tanda tangan elektronik Kementerian Komunikasi dan Digital, "
        "https://tte.komdigi.go.id/verifyPDF."
    )
    """Sentence after the statement pointing to the national verifier, printed only when
    BSrE issued the signing certificate (the verifier knows no test PKI); empty for
    none."""
    url_verifikasi: Teks | None = None
    """Your instansi's own checking page for the QR code (an http(s) URL where ``{id}``
    becomes the document id). None (the shipped profiles): the QR code holds what the
    signing names (a ``naskah serve`` token URL), else the document id as text
    (:func:`naskah.tte.qr.isi_qr`); no letter carries a placeholder host."""
    label_id: Teks = "ID dokumen:"
    """Printed before the document id under the footer statement."""
    ukuran_huruf: int = Field(default=7, gt=3, le=14)
    """Stamp font size (pt)."""
    ukuran_catatan_kaki: int = Field(default=6, gt=3, le=10)
    """Footer font size (pt)."""

    @model_validator(mode="before")
    @classmethod
    def _old_names(cls, data: Any) -> Any:
        # naskah.tte.ProfilTte's field names before 0.3, accepted until 0.4.
        if isinstance(data, dict) and data.keys() & _TTE_OLD_NAMES:
            old = sorted(data.keys() & _TTE_OLD_NAMES)
            warnings.warn(f"tte: {', '.join(old)} are deprecated names; use "
                          + ", ".join(_TTE_OLD_NAMES[k] for k in old),
                          DeprecationWarning, stacklevel=2)
            return {_TTE_OLD_NAMES.get(k, k): v for k, v in data.items()}
        return data

    @field_validator("url_verifikasi")
    @classmethod
    def _url_has_id(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if "{id}" not in value:
            raise ValueError("must contain {id}, where the document id goes")
        if not value.startswith(("https://", "http://")):
            raise ValueError("must be an http(s) URL")
        return value


_TTE_OLD_NAMES = {"judul": "label", "url_pattern": "url_verifikasi", "footer": "catatan_kaki",
                  "ukuran_footer": "ukuran_catatan_kaki"}


HARAPAN_PERMENPAN = ["Tanggapan dan Saran", "Proses lebih lanjut", "Koordinasi/konfirmasikan"]
"""The 'Dengan hormat harap' boxes of the lembar disposisi form (Permenpan RB 80/2012)."""


class FormDisposisi(NaskahModel):
    """The disposisi form: its title and its 'Dengan hormat harap' boxes."""

    judul: Teks = "LEMBAR DISPOSISI"
    """The form's title ('LEMBAR DISPOSISI'; some agencies: 'LEMBAR CATATAN')."""
    harapan: list[Teks] = Field(default_factory=lambda: list(HARAPAN_PERMENPAN),
                                max_length=30)
    """The boxes, ticked when the disposisi names them; any other instruction it names
    is written, ticked, on one of the blank lines after them."""
    baris_kosong: int = Field(default=2, ge=0, le=10)
    """Blank lines after the boxes, for instructions the boxes do not name."""


class Label(NaskahModel):
    """Fixed wording printed by the templates."""

    tembusan: Teks = "Tembusan:"
    lampiran: Teks = "Lampiran:"


class Profil(NaskahModel):
    """A format profile: paper, margins, fonts, kop, layouts and signature rules."""

    nama: Teks
    """Short name, e.g. 'pemda'."""
    judul: Teks
    """What the profile is for, e.g. 'Pemerintah daerah (Permendagri 1/2023)'."""
    extends: Teks | None = None
    """The profile this one builds on: a shipped name or a file path (relative to this
    file). Its values apply unless this file sets them."""
    sumber: list[Teks] = Field(default_factory=list)
    """The regulations the values come from."""
    catatan: list[TeksPanjang] = Field(default_factory=list)
    """Notes, in particular where a value is a default rather than settled law."""
    kertas: Kertas = Kertas.A4
    """Paper for every type not listed in ``kertas_per_jenis``."""
    kertas_per_jenis: dict[JenisNaskah, Kertas] = Field(default_factory=dict)
    halaman: Halaman = Halaman()
    huruf: Huruf = Huruf()
    kop: Kop = Kop()
    tata_letak: dict[JenisNaskah, TataLetak] = Field(default_factory=dict)
    """Heading layout per type; a type not listed uses its first (baku) layout."""
    ttd: AturanTandaTangan = AturanTandaTangan()
    tte: Tte = Tte()
    label: Label = Label()
    disposisi: FormDisposisi = FormDisposisi()
    daftar_lampiran: bool = False
    """Print the titles of the lampiran under the tembusan ("Lampiran:" and the list).
    Off by default: the heading's "Lampiran: 1 (satu) berkas" is the rule, and the
    lampiran sheets carry their own titles (numbered I, II only when there are several)."""
    nomor: Teks = "surat"
    """The register pattern (`naskah nomor pola`) its letters are numbered with, e.g.
    'surat' (B-123/Ses.PO/OT.01.02/11/2026) or 'permendagri' (000.5.6.2/123/2026)."""
    pdfa: bool = False
    """Export PDF/A-2b for archiving by default."""
    jam_kerja: JamKerja | None = Field(default=None, exclude_if=lambda v: v is None)
    """The office's working days and hours (``[jam_kerja] hari = [1, 2, 3, 4, 5, 6]``)
    for deadlines counted in working days (:mod:`naskah.kalender`); None: Monday-Friday
    07:30-16:00. A trail counts with its SOP's ``jam_kerja``."""

    @model_validator(mode="after")
    def _layouts_exist(self) -> Profil:
        for jenis, letak in self.tata_letak.items():
            allowed = TATA_LETAK_JENIS[jenis]
            if letak not in allowed:
                raise ValueError(
                    f"tata_letak.{jenis}: {letak.value!r} is not a layout of {jenis}; "
                    f"expected {' or '.join(repr(a.value) for a in allowed)}"
                )
        return self

    def kertas_untuk(self, jenis: str) -> Kertas:
        """The paper of a document type."""
        return self.kertas_per_jenis.get(cast(JenisNaskah, jenis), self.kertas)

    def tata_letak_untuk(self, jenis: str) -> TataLetak:
        """The heading layout of a document type."""
        return self.tata_letak.get(cast(JenisNaskah, jenis), TATA_LETAK_JENIS[jenis][0])

    def aturan_nama(self, jenis: str, pelaksana: str, pimpinan_daerah: str) -> AturanNama:
        """The signature rule for a signer: the first matching ``ttd.aturan``, else ``ttd.nama``."""
        for aturan in self.ttd.aturan:
            if aturan.jenis is not None and jenis not in aturan.jenis:
                continue
            if aturan.pelaksana is not None and (pelaksana or "definitif") not in aturan.pelaksana:
                continue
            if aturan.pimpinan_daerah is not None and (
                pimpinan_daerah or "lainnya"
            ) not in aturan.pimpinan_daerah:
                continue
            return aturan
        return self.ttd.nama
