"""Standard operating procedures as data; the packaged one is 'Pelaksanaan Tata Kelola Data'."""

from naskah.hashing import canonical_json
from naskah.sop.jam_kerja import JamKerja
from naskah.sop.model import (
    JenisOutput,
    Kelengkapan,
    Langkah,
    Masukan,
    Output,
    Peran,
    Sop,
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
