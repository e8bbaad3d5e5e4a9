"""Small parts shared by several document types: lampiran and peserta."""

from __future__ import annotations

from pydantic import Field, model_validator

from naskah.models.base import MAX_DAFTAR, NaskahModel, Teks


class Lampiran(NaskahModel):
    """What is attached: a count and unit (``1 (satu) berkas``) and optionally the titles.

    Several lampiran are numbered with Roman numerals (I, II, ...) in the document.
    """

    jumlah: int = Field(default=0, ge=0, le=9999)
    """How many; 0 prints '-'."""
    satuan: Teks = "berkas"
    """The unit counted: 'berkas', 'lembar', 'eksemplar'."""
    daftar: list[Teks] = Field(default_factory=list, max_length=MAX_DAFTAR)
    """Titles of the attached documents, if they are to be listed."""

    @model_validator(mode="before")
    @classmethod
    def _count_from_daftar(cls, data: object) -> object:
        # Giving only the titles is the common case: count them.
        if isinstance(data, dict) and "jumlah" not in data and data.get("daftar"):
            return {**data, "jumlah": len(data["daftar"])}
        return data

    @model_validator(mode="after")
    def _daftar_fits(self) -> Lampiran:
        if len(self.daftar) > self.jumlah:
            raise ValueError(
                f"daftar lists {len(self.daftar)} documents but jumlah is {self.jumlah}"
            )
        return self


class Peserta(NaskahModel):
    """A meeting participant."""

    nama: Teks
    """Name, or the unit represented when the name is not recorded."""
    jabatan: Teks | None = None
    """Jabatan or unit."""
