"""The SOP as data: roles, steps, their kelengkapan, waktu and outputs.

An SOP file (JSON, ``naskah-sop/1``) is validated as a whole when loaded: steps are
numbered 1..n, every pelaksana is a declared role, every kelengkapan is an output of
an earlier step (or a declared external input), and paraf/tanda-tangan outputs act on
a document an earlier step produced.
"""

from __future__ import annotations

import os
from datetime import date, timedelta, timezone
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Literal

from pydantic import Field, model_validator

from naskah.errors import InputError
from naskah.hashing import canonical_json, sha256_bytes
from naskah.inputs import load_json_file
from naskah.models import JENIS
from naskah.models.base import NaskahModel, Teks
from naskah.models.pengesahan import Status
from naskah.sop.jam_kerja import JamKerja


class _JenisOutput(StrEnum):
    """Behaviour of :data:`JenisOutput` (an enum without members, so it can be extended)."""

    @property
    def naskah(self) -> bool:
        """True for the naskah dinas types rendered from a model (naskah.models.JENIS)."""
        return self.value in JENIS

    @property
    def pengesahan(self) -> bool:
        """True for paraf and tanda tangan, which act on an existing document."""
        return self.value in ("paraf", "tanda-tangan")


_PROSES = {"LAMPIRAN": "lampiran", "TINDAKAN": "tindakan", "PARAF": "paraf",
           "TANDA_TANGAN": "tanda-tangan"}

if TYPE_CHECKING:

    class JenisOutput(_JenisOutput):
        """What a step produces (see the run-time definition below)."""

        LAMPIRAN = "lampiran"
        TINDAKAN = "tindakan"
        PARAF = "paraf"
        TANDA_TANGAN = "tanda-tangan"

else:
    # One member per document type registered in naskah.models.JENIS ('disposisi' ->
    # DISPOSISI, 'nota-dinas' -> NOTA_DINAS), so a new type is an SOP output kind without
    # touching this module, then the kinds of the procedure itself.
    JenisOutput = _JenisOutput("JenisOutput", {
        **{jenis.upper().replace("-", "_"): jenis for jenis in JENIS}, **_PROSES})
    JenisOutput.__doc__ = (
        "What a step produces: a naskah dinas of a type in naskah.models.JENIS; a lampiran "
        "(an attached file, e.g. 'Bahan rapat'); a tindakan (a recorded action with a "
        "written account); or a paraf or tanda-tangan on a document produced earlier "
        "(named by the output's kode)."
    )
    JenisOutput.__module__ = __name__


class Peran(NaskahModel):
    """A role in the SOP (a column of its pelaksana table)."""

    kode: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    """Short identifier, e.g. 'karo-po'."""
    nama: Teks
    """Name as in the SOP, e.g. 'Karo PO'."""
    jabatan: Teks | None = None
    """The post, e.g. 'Kepala Biro Perencanaan dan Organisasi'."""


class Masukan(NaskahModel):
    """An input the procedure receives from outside (not produced by a step)."""

    kode: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    nama: Teks
    jenis: Literal["lampiran"] = "lampiran"


class Kelengkapan(NaskahModel):
    """A step's required input: an earlier output (or external input) by kode."""

    kode: str
    """The output or input required."""
    status: Status | None = None
    """For a document: the approval state it must be in (konsep/diparaf/ditandatangani)."""


class Penomoran(NaskahModel):
    """How a signed document takes its number from the trail's register (when it has one)."""

    pola: str = Field(pattern=r"^[a-z0-9][a-z0-9\-]{0,49}$")
    """The register's number pattern, e.g. 'nota-dinas' or 'surat'."""
    unit: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9.\-]*$", max_length=50)
    """The unit code in the number, e.g. 'Ses.PO'."""
    kka: str | None = Field(default=None, pattern=r"^[A-Za-z0-9][A-Za-z0-9.\-]*$",
                            max_length=50)
    """The kode klasifikasi arsip, e.g. 'OT.01.02' (when the pattern has one)."""


class Output(NaskahModel):
    """One output of a step."""

    kode: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    """Identifier; for paraf/tanda-tangan, the document acted on."""
    nama: Teks
    """Name as in the SOP."""
    jenis: JenisOutput
    """What kind of output it is."""
    penomoran: Penomoran | None = Field(default=None, exclude_if=lambda v: v is None)
    """On a tanda-tangan output: the number the document takes from the trail's register
    at signing. A trail without a register ignores it (the document keeps its own nomor)."""

    @model_validator(mode="after")
    def _numbered_at_signing(self) -> Output:
        if self.penomoran is not None and self.jenis.value != "tanda-tangan":
            raise ValueError(f"penomoran: output {self.kode!r} is a {self.jenis.value}; "
                             "numbers are given at signing (a tanda-tangan output)")
        return self


class Langkah(NaskahModel):
    """One step of the SOP."""

    nomor: int = Field(ge=1)
    """Step number."""
    kegiatan: Teks
    """The activity, as written in the SOP."""
    pelaksana: list[str] = Field(min_length=1)
    """Role kode(s) that may perform the step."""
    kelengkapan: list[Kelengkapan] = Field(default_factory=list)
    """Required inputs."""
    waktu: Teks
    """Time standard as written: '10 Menit', '1 Hari'."""
    output: list[Output] = Field(min_length=1)
    """What the step produces."""


class Sop(NaskahModel):
    """A standard operating procedure (SOP makro) in the naskah-sop/1 format."""

    format: Literal["naskah-sop/1"] = "naskah-sop/1"
    nomor: Teks
    """Nomor SOP."""
    judul: Teks
    """Judul SOP, e.g. 'Pelaksanaan Tata Kelola Data'."""
    instansi: Teks
    unit: Teks | None = None
    disahkan_oleh: Teks | None = None
    tanggal_pembuatan: date | None = None
    tanggal_efektif: date | None = None
    zona_waktu: str = Field(default="+07:00", pattern=r"^[+-]\d{2}:\d{2}$")
    """UTC offset used for times in reports (WIB is +07:00)."""
    jam_kerja: JamKerja = Field(default_factory=JamKerja)
    """Office hours; a step's waktu counts working time."""
    peran: list[Peran] = Field(min_length=1)
    masukan: list[Masukan] = Field(default_factory=list)
    langkah: list[Langkah] = Field(min_length=1)
    paraf_dan_tanda_tangan_sama: bool = Field(default=False, exclude_if=lambda v: not v)
    """Whether one official may give both a paraf and the tanda tangan on the same
    document (default no: a paraf is a check by someone other than the signer)."""

    @model_validator(mode="after")
    def _consistent(self) -> Sop:
        roles = {p.kode for p in self.peran}
        known: dict[str, JenisOutput | str] = {m.kode: "lampiran" for m in self.masukan}
        for i, step in enumerate(self.langkah, 1):
            where = f"langkah {step.nomor}"
            if step.nomor != i:
                raise ValueError(f"steps must be numbered 1..n in order; found {step.nomor} at {i}")
            for role in step.pelaksana:
                if role not in roles:
                    raise ValueError(f"{where}: pelaksana {role!r} is not a declared peran")
            for need in step.kelengkapan:
                if need.kode not in known:
                    raise ValueError(
                        f"{where}: kelengkapan {need.kode!r} is not an output of an earlier step "
                        "nor a declared masukan"
                    )
            self.jam_kerja.durasi_menit(step.waktu)  # raises for an unreadable waktu
            kodes = [out.kode for out in step.output]
            if len(set(kodes)) != len(kodes):
                raise ValueError(f"{where}: an output kode appears more than once in the step")
            for out in step.output:
                if out.jenis.pengesahan:
                    kind = known.get(out.kode)
                    if not (isinstance(kind, JenisOutput) and kind.naskah):
                        raise ValueError(
                            f"{where}: {out.jenis.value} needs {out.kode!r} to be a document "
                            "produced by an earlier step"
                        )
                else:
                    known[out.kode] = out.jenis
        return self

    @property
    def tz(self) -> timezone:
        sign = 1 if self.zona_waktu[0] == "+" else -1
        hours, minutes = int(self.zona_waktu[1:3]), int(self.zona_waktu[4:6])
        return timezone(sign * timedelta(hours=hours, minutes=minutes))

    def langkah_ke(self, nomor: int) -> Langkah:
        """Step ``nomor`` (1-based); InputError naming ``step`` when there is none."""
        if not 1 <= nomor <= len(self.langkah):
            raise InputError(f"step: this SOP has steps 1-{len(self.langkah)}; there is no "
                             f"step {nomor}", [("step", "no such step")])
        return self.langkah[nomor - 1]

    def peran_ke(self, kode: str) -> Peran:
        """The role ``kode``; InputError naming ``peran`` when the SOP has none such."""
        for p in self.peran:
            if p.kode == kode:
                return p
        raise InputError(f"peran: this SOP has no role {kode!r}; it has "
                         + ", ".join(p.kode for p in self.peran), [("peran", "unknown")])

    def waktu_menit(self, langkah: Langkah) -> int:
        """The step's time standard in working minutes."""
        return self.jam_kerja.durasi_menit(langkah.waktu)

    def canonical_json(self) -> bytes:
        """The SOP as canonical JSON bytes, the form hashed into a trail's ledger."""
        return canonical_json(self.model_dump(mode="json"))

    def sha256(self) -> str:
        return sha256_bytes(self.canonical_json())

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Sop:
        """Load and validate an SOP file; errors name the file and the field."""
        return load_json_file(cls, path, "SOP file")

    @classmethod
    def tata_kelola_data(cls) -> Sop:
        """The packaged SOP 'Pelaksanaan Tata Kelola Data' (Kemenko Polhukam, 14 steps)."""
        return _packaged("tata-kelola-data.json")


@cache
def _packaged(name: str) -> Sop:
    text = resources.files("naskah.sop").joinpath(name).read_text(encoding="utf-8")
    return Sop.model_validate_json(text)
