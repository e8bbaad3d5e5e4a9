"""What a profile puts into a template context.

The packaged templates read the kop kind, the logo position, the heading layout
(``tata_letak``) and the fixed wording (``profil.label``) from the context. Page size,
margins, fonts and spacing are not template values: the renderer sets them on the
rendered package (:mod:`naskah.docx.appearance`). They stay in the context
(``profil.halaman``, ``profil.huruf``, in twips, half-points and 240ths of a line) for
templates made before naskah did that. The signature-name rule is applied to the
signature blocks of the document's own context, and the disposisi form's title and
boxes come from the profile.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from naskah.errors import InputError
from naskah.models.instansi import JenisKop
from naskah.models.naskah import Context, Gambar
from naskah.profil.model import AturanNama, FormDisposisi, Profil

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
    if jenis == "disposisi":
        out["judul"] = profil.disposisi.judul
        out["harapan"] = harapan(profil.disposisi, [h["teks"] for h in context["harapan"]])
    if "daftar_lampiran" in out and not profil.daftar_lampiran:
        out["daftar_lampiran"] = []
    for key, value in context.items():
        if isinstance(value, dict) and "pimpinan_daerah" in value and "nama" in value:
            rule = profil.aturan_nama(jenis, value["pelaksana"], value["pimpinan_daerah"])
            out[key] = _ttd(value, rule, profil.ttd.gelar_depan)
    return out


KOTAK_CENTANG, KOTAK_KOSONG = "\u2612", "\u2610"  # as naskah.models.disposisi writes them


def harapan(form: FormDisposisi, ticked: list[str]) -> list[dict[str, str]]:
    """The 'Dengan hormat harap' lines: the form's boxes (ticked where named), then each
    other instruction named, ticked, then the blank (dotted) lines left."""
    named = {t.casefold() for t in ticked}
    boxes = [{"kotak": KOTAK_CENTANG if b.casefold() in named else KOTAK_KOSONG, "teks": b}
             for b in form.harapan]
    known = {b.casefold() for b in form.harapan}
    extra = [{"kotak": KOTAK_CENTANG, "teks": t} for t in ticked if t.casefold() not in known]
    blank = [{"kotak": "", "teks": ""}] * max(0, form.baris_kosong - len(extra))
    return boxes + extra + blank


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
