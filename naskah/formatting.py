"""Indonesian dates, times and numbers as the tata naskah writes them.

Dates come from babel's ``id`` locale (day and month names), *terbilang* from
num2words; nothing here is hand-rolled beyond the layout of the result.
"""

from __future__ import annotations

import importlib.util
from datetime import date, datetime, time, timedelta, tzinfo
from functools import cache
from pathlib import Path
from typing import Any

from babel.dates import format_date

LOCALE = "id_ID"


def tanggal(d: date) -> str:
    """``25 November 2026``: day, month in words, year."""
    return format_date(d, "d MMMM y", locale=LOCALE)


def hari_tanggal(d: date) -> str:
    """``Rabu, 25 November 2026``: with the day name, as in the SOP's header."""
    return format_date(d, "EEEE, d MMMM y", locale=LOCALE)


def hari(d: date) -> str:
    """``Rabu``."""
    return format_date(d, "EEEE", locale=LOCALE)


def tempat_tanggal(tempat: str, d: date) -> str:
    """``Jakarta, 25 November 2026`` (no full stop at the end); the date alone without
    a place."""
    return f"{tempat}, {tanggal(d)}" if tempat else tanggal(d)


def waktu(t: time) -> str:
    """``09.00``: Indonesian writes the hour and minute with a full stop."""
    return f"{t.hour:02d}.{t.minute:02d}"


def zona(offset: timedelta | None) -> str:
    """The time zone's Indonesian name for a UTC offset: WIB (+07:00), WITA (+08:00),
    WIT (+09:00); any other as ``UTC+05:30``."""
    names = {7: "WIB", 8: "WITA", 9: "WIT"}
    if offset is None:
        return "UTC"
    minutes = round(offset.total_seconds() / 60)
    if minutes % 60 == 0 and minutes // 60 in names:
        return names[minutes // 60]
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def waktu_zona(when: datetime, tz: tzinfo | None = None) -> str:
    """``08.10 WIB``: ``when`` in ``tz`` (default: its own zone) with the zone's name."""
    local = when.astimezone(tz) if tz is not None else when
    return f"{waktu(local.time())} {zona(local.utcoffset())}"


def pukul(t: time, zona: str) -> str:
    """``pukul 08.45 WIB``."""
    return f"pukul {waktu(t)} {zona}"


def rentang_waktu(mulai: time, selesai: time | None, zona: str) -> str:
    """``pukul 09.00–11.00 WIB`` (an en dash, no spaces), or ``pukul 09.00 WIB s.d.
    selesai`` when the end is open."""
    if selesai is None:
        return f"pukul {waktu(mulai)} {zona} s.d. selesai"
    return f"pukul {waktu(mulai)}\u2013{waktu(selesai)} {zona}"


def terbilang(n: int) -> str:
    """A whole number in Indonesian words: ``21`` → ``dua puluh satu``."""
    return str(_num2words_id().to_cardinal(n))


@cache
def _num2words_id() -> Any:
    """num2words' Indonesian converter, what ``num2words(n, lang="id")`` calls.

    ``import num2words`` imports all of its 50-odd languages first (40 ms; Japanese
    alone 20 ms), so the Indonesian module, which imports nothing, is loaded by
    itself; should num2words ever lay it out differently, the package import it is.
    """
    spec = importlib.util.find_spec("num2words")
    folders = spec.submodule_search_locations if spec is not None else None
    source = Path(folders[0], "lang_ID.py") if folders else None
    if source is not None and source.is_file():
        module_spec = importlib.util.spec_from_file_location("naskah._num2words_lang_id", source)
        if module_spec is not None and module_spec.loader is not None:
            module = importlib.util.module_from_spec(module_spec)
            module_spec.loader.exec_module(module)
            converter = getattr(module, "Num2Word_ID", None)
            if converter is not None:
                return converter()
    from num2words import CONVERTER_CLASSES

    return CONVERTER_CLASSES["id"]


def jumlah_terbilang(n: int, satuan: str) -> str:
    """``1 (satu) berkas``; ``-`` for nothing."""
    if n == 0:
        return "-"
    return f"{n} ({terbilang(n)}) {satuan}"


_ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
          (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))


def huruf(n: int) -> str:
    """The letter of list item ``n``: ``1`` → ``a``, ``26`` → ``z``, ``27`` → ``aa``."""
    if n < 1:
        raise ValueError(f"cannot letter item {n}")
    out = ""
    while n:
        n, rest = divmod(n - 1, 26)
        out = chr(ord("a") + rest) + out
    return out


def romawi(n: int) -> str:
    """Roman numeral for numbering several lampiran: ``4`` → ``IV``."""
    if not 0 < n < 4000:
        from naskah.errors import InputError

        raise InputError(f"cannot write {n} in Roman numerals (1-3999 only)")
    out = []
    for value, symbol in _ROMAN:
        count, n = divmod(n, value)
        out.append(symbol * count)
    return "".join(out)


def singkat(text: str, limit: int = 70) -> str:
    """``text`` cut to ``limit`` characters at most, with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
