"""When the next step of a trail is due: its standard time (*waktu*) counted in office
hours from when the previous step finished (or the trail was started)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from naskah.sop.jam_kerja import JamKerja

_MAX_DAYS = 3660  # ten years of calendar: a standard longer than that is not a deadline


def tambah_menit_kerja(jam: JamKerja, mulai: datetime, menit: float) -> datetime:
    """The moment ``menit`` working minutes after ``mulai`` (an aware datetime)."""
    tz = mulai.tzinfo
    left = float(menit)
    day: date = mulai.date()
    for _ in range(_MAX_DAYS):
        if day.isoweekday() in jam.hari:
            start = max(mulai, datetime.combine(day, jam.mulai, tz))
            end = datetime.combine(day, jam.selesai, tz)
            if end > start:
                available = (end - start).total_seconds() / 60
                if left <= available:
                    return start + timedelta(minutes=left)
                left -= available
        day += timedelta(days=1)
    raise ValueError("the standard time is longer than ten years")


def tenggat(sop: Any, status: dict[str, Any], dibuat: datetime) -> dict[str, Any] | None:
    """The next step's deadline from a trail's status (None when the trail is complete)."""
    nxt = status.get("next")
    if nxt is None:
        return None
    entries = status.get("entries") or []
    since = datetime.fromisoformat(entries[-1]["selesai"]) if entries else dibuat
    langkah = sop.langkah_ke(nxt["step"])
    menit = sop.waktu_menit(langkah)
    batas = tambah_menit_kerja(sop.jam_kerja, since.astimezone(sop.tz), menit)
    now = datetime.now(sop.tz)
    return {"step": nxt["step"], "sejak": since.isoformat(), "standar_menit": menit,
            "batas": batas.isoformat(), "terlambat": now > batas,
            "sisa_menit_kerja": round(sop.jam_kerja.menit_kerja(now, batas), 1)
            if now < batas else 0.0}


__all__ = ["tambah_menit_kerja", "tenggat"]
