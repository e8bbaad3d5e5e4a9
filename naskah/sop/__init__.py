"""Standard operating procedures as data; the packaged one is 'Pelaksanaan Tata Kelola Data'."""

from naskah.sop.jam_kerja import JamKerja
from naskah.sop.model import (
    JenisOutput,
    Kelengkapan,
    Langkah,
    Masukan,
    Output,
    Peran,
    Sop,
    canonical_json,
)

__all__ = [
    "JamKerja",
    "JenisOutput",
    "Kelengkapan",
    "Langkah",
    "Masukan",
    "Output",
    "Peran",
    "Sop",
    "canonical_json",
]
