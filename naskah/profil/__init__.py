"""Format profiles: the layout rules of a tata naskah regime as data.

``pusat`` (Permenpan RB 80/2012, Peraturan ANRI 5/2021), ``kemenko-polhukam`` (on top
of ``pusat``: Bookman Old Style 12, Permenko Polhukam 2/2017) and ``pemda``
(Permendagri 1/2023) are shipped in ``naskah/profil/data``; a user's own JSON or TOML
file may ``extends`` any of them. See :class:`Profil` for every setting.
"""

from __future__ import annotations

from naskah.profil.konteks import apply, tanpa_gelar, template_context
from naskah.profil.loader import DEFAULT, daftar_profil, load_profil, merge, profil_json
from naskah.profil.model import (
    TATA_LETAK_JENIS,
    AturanNama,
    AturanTandaTangan,
    AturanTtd,
    Halaman,
    Huruf,
    JenisNaskah,
    Kertas,
    Kop,
    Label,
    PosisiLogo,
    Profil,
    TataLetak,
    Tte,
)

__all__ = [
    "DEFAULT",
    "TATA_LETAK_JENIS",
    "AturanNama",
    "AturanTandaTangan",
    "AturanTtd",
    "Halaman",
    "Huruf",
    "JenisNaskah",
    "Kertas",
    "Kop",
    "Label",
    "PosisiLogo",
    "Profil",
    "TataLetak",
    "Tte",
    "apply",
    "daftar_profil",
    "load_profil",
    "merge",
    "profil_json",
    "tanpa_gelar",
    "template_context",
]
