"""Summaries of a trail: its status (every entry, what comes next) and the time report."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from naskah.sop.model import Sop
from naskah.trail import Trail
from naskah.trail.ledger import Entry


def durasi_teks(menit: float, menit_per_hari: int) -> str:
    """Working minutes in words: '45 menit', '1 jam 5 menit', '1 hari kerja 30 menit'."""
    total = round(menit)
    hari, sisa = divmod(total, menit_per_hari)
    jam, mnt = divmod(sisa, 60)
    parts = []
    if hari:
        parts.append(f"{hari} hari kerja")
    if jam:
        parts.append(f"{jam} jam")
    if mnt or not parts:
        parts.append(f"{mnt} menit")
    return " ".join(parts)


def status(trail: Trail) -> dict[str, Any]:
    """The trail as a JSON-ready dict: every entry (key ``step``), the next step, the hash."""
    sop = trail.sop
    ledger = trail.ledger()  # read once (under the shared lock): entries, header, what is next
    entries, header = ledger.entries(), ledger.header
    nxt = sop.langkah[len(entries)] if len(entries) < len(sop.langkah) else None
    return {
        "berkas": str(trail.folder),
        "sop": {"nomor": sop.nomor, "judul": sop.judul, "langkah": len(sop.langkah)},
        "dibuat": header.dibuat.isoformat(),
        "entries": [_entry(sop, e) for e in entries],
        "selesai": nxt is None,
        "next": None if nxt is None else {
            "step": nxt.nomor,
            "kegiatan": nxt.kegiatan,
            "pelaksana": [sop.peran_ke(r).nama for r in nxt.pelaksana],
            "kelengkapan": [k.kode for k in nxt.kelengkapan],
            "waktu": nxt.waktu,
        },
        "hash_akhir": entries[-1].hash if entries else None,
    }


def _entry(sop: Sop, e: Entry) -> dict[str, Any]:
    return {
        "step": e.step,
        "kegiatan": e.kegiatan,
        "peran": sop.peran_ke(e.peran).nama,
        "pelaksana": e.pelaksana.nama,
        "nip": e.pelaksana.nip,
        "mulai": e.mulai.isoformat(),
        "selesai": e.selesai.isoformat(),
        "waktu_dilaporkan": list(e.waktu_dilaporkan),
        "dicatat": e.dicatat.isoformat(),
        "durasi_menit": e.durasi_menit,
        "standar_menit": e.standar_menit,
        "melebihi": e.melebihi,
        "kalender": e.kalender,
        "keluaran": [
            {k: v for k, v in {"kode": r.kode, "jenis": r.jenis, "file": r.file,
                               "status": r.status.value if r.status else None}.items()
             if v is not None}
            for r in e.keluaran
        ],
        "hash": e.hash,
    }


@dataclass(frozen=True)
class BarisWaktu:
    """One step in the time report."""

    step: int
    peran: str
    pelaksana: str
    durasi: str
    standar: str
    durasi_menit: float
    standar_menit: int
    melebihi: bool
    dilaporkan: bool = False
    """True when the performer reported the step's times (not the system clock)."""


_SENIN_JUMAT = "Senin-Jumat tanpa hari libur (dicatat sebelum naskah menghitung hari libur)"


def laporan_waktu(trail: Trail) -> list[BarisWaktu]:
    """Actual working time against the SOP's waktu, for every performed step."""
    sop = trail.sop
    per_hari = sop.jam_kerja.menit_per_hari
    return [
        BarisWaktu(
            step=e.step,
            peran=sop.peran_ke(e.peran).nama,
            pelaksana=e.pelaksana.nama,
            durasi=durasi_teks(e.durasi_menit, per_hari),
            standar=sop.langkah_ke(e.step).waktu,
            durasi_menit=e.durasi_menit,
            standar_menit=e.standar_menit,
            melebihi=e.melebihi,
            dilaporkan=bool(e.waktu_dilaporkan),
        )
        for e in trail.entries()
    ]


def laporan_waktu_teks(trail: Trail) -> str:
    """The time report as text, ending with the steps that went over standard."""
    rows = laporan_waktu(trail)
    sop = trail.sop
    lines = [f"SOP {sop.nomor}: {sop.judul}", "",
             f"{'Langkah':>7}  {'Pelaksana':24} {'Standar':>10}  {'Aktual':>23}  "]
    for r in rows:
        mark = "MELEBIHI" if r.melebihi else "ok"
        durasi = r.durasi + ("*" if r.dilaporkan else " ")
        lines.append(f"{r.step:>7}  {r.peran:24} {r.standar:>10}  {durasi:>23}  {mark}")
    over = [r for r in rows if r.melebihi]
    lines.append("")
    if not rows:
        lines.append("No step has been performed yet.")
    elif over:
        lines.append(f"{len(over)} step(s) over the time standard:")
        per_hari = sop.jam_kerja.menit_per_hari
        for r in over:
            lebih = durasi_teks(r.durasi_menit - r.standar_menit, per_hari)
            lines.append(f"  Langkah {r.step} ({r.peran}, {r.pelaksana}): {r.durasi}, "
                         f"standar {r.standar} (+{lebih})")
    else:
        lines.append("Every step was within its time standard.")
    versions = list(dict.fromkeys(e.kalender or _SENIN_JUMAT for e in trail.entries()))
    if versions:
        lines.append("Kalender hari kerja: " + " | ".join(versions))
    if any(r.dilaporkan for r in rows):
        lines.append("* waktu dilaporkan oleh pelaksana, bukan dicatat sistem (self-reported "
                     "times; the ledger keeps when each step was recorded)")
    return "\n".join(lines)
