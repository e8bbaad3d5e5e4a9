"""What a profile puts into a template context.

The packaged templates read page size, margins, fonts, line spacing, kop kind and
heading layout from ``profil`` and ``tata_letak`` (see tools/build_templates.py), so
a profile reaches the document through the template alone. Values come in the units
WordprocessingML uses: twips (1/20 pt) for lengths, half-points for font sizes,
240ths of a line for spacing. The signature-name rule is applied to the signature
blocks of the document's own context.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from naskah.errors import InputError
from naskah.models.instansi import JenisKop
from naskah.models.naskah import Context, Gambar
from naskah.profil.model import AturanNama, Profil

_TWIPS_PER_MM = 1440 / 25.4


def _twips_mm(mm: float) -> int:
    return round(mm * _TWIPS_PER_MM)


def _half_points(pt: float) -> int:
    return round(pt * 2)


def template_context(profil: Profil, jenis: str, kertas: str | None = None) -> Context:
    """``profil`` and ``tata_letak`` for a document type; ``kertas`` overrides the paper."""
    from naskah.profil.model import Kertas

    lebar, tinggi = Kertas(kertas or profil.kertas_untuk(jenis)).ukuran_mm
    h, f = profil.halaman, profil.huruf
    return {
        "profil": {
            "nama": profil.nama,
            "halaman": {
                "lebar": _twips_mm(lebar),
                "tinggi": _twips_mm(tinggi),
                "atas": _twips_mm(h.atas * 10),
                "bawah": _twips_mm(h.bawah * 10),
                "kiri": _twips_mm(h.kiri * 10),
                "kanan": _twips_mm(h.kanan * 10),
            },
            "huruf": {
                "nama": f.nama,
                "isi": _half_points(f.isi),
                "judul": _half_points(f.judul),
                "kop": _half_points(f.kop),
                "kop_kecil": _half_points(f.kop_kecil),
                "kecil": _half_points(f.kecil),
                "spasi": round(f.spasi * 240),
            },
            "kop": {"logo": profil.kop.logo.value},
            "label": {"tembusan": profil.label.tembusan, "lampiran": profil.label.lampiran},
        },
        "tata_letak": profil.tata_letak_untuk(jenis).value,
    }


def apply(profil: Profil, jenis: str, context: Context) -> Context:
    """The document's context with the profile's kop kind and signature rules applied."""
    out = dict(context)
    kop = out.get("kop")
    if isinstance(kop, dict):
        out["kop"] = _kop(profil, kop)
    for key, value in context.items():
        if isinstance(value, dict) and "pimpinan_daerah" in value and "nama" in value:
            rule = profil.aturan_nama(jenis, value["pelaksana"], value["pimpinan_daerah"])
            out[key] = _ttd(value, rule, profil.ttd.gelar_depan)
    return out


def _kop(profil: Profil, kop: dict[str, Any]) -> dict[str, Any]:
    out = dict(kop)
    jenis = JenisKop(kop.get("jenis") or profil.kop.jenis)
    out["jenis"] = jenis.value
    if jenis is JenisKop.JABATAN and not kop.get("lambang"):
        raise InputError(
            "kop.lambang: the profile's kop is a kop jabatan, which needs the Garuda emblem "
            "image (naskah ships none); set kop.lambang or kop.jenis_kop",
            [("kop.lambang", "required for a kop jabatan")],
        )
    if jenis is JenisKop.DAERAH and not kop.get("daerah"):
        raise InputError(
            "kop.daerah: the profile's kop is a kop daerah, which needs the tiers "
            "(e.g. [{\"tingkat\": \"kabupaten\", \"nama\": \"...\"}]); set kop.daerah",
            [("kop.daerah", "required for a kop daerah")],
        )
    widths = (("logo", profil.kop.lebar_logo_mm), ("lambang", profil.kop.lebar_lambang_mm))
    for key, width in widths:
        image = kop.get(key)
        if isinstance(image, Gambar):
            out[key] = dataclasses.replace(image, lebar_mm=width)
    return out


def _ttd(ttd: dict[str, Any], rule: AturanNama, gelar_depan: list[str]) -> dict[str, Any]:
    out = dict(ttd)
    if not rule.gelar:
        out["nama"] = tanpa_gelar(str(ttd["nama"]), gelar_depan)
    if not rule.pangkat:
        out["pangkat"] = ""
    if not rule.nip:
        out["nip"] = ""
    return out


def tanpa_gelar(nama: str, gelar_depan: list[str]) -> str:
    """A name without academic titles.

    Titles after a name follow the first comma ('Ahmad Fauzi, S.H., M.Si.'); titles
    before it are the ``gelar_depan`` words ('Dr.', 'Ir.'), compared without case.
    Anything else, such as 'H.' (haji, not an academic title), stays. A name that
    would become empty is returned unchanged.
    """
    inti = nama.split(",", 1)[0].strip()
    prefixes = {g.casefold() for g in gelar_depan}
    words = inti.split()
    while words and words[0].casefold() in prefixes:
        words.pop(0)
    result = re.sub(r"\s+", " ", " ".join(words)).strip()
    return result or nama
