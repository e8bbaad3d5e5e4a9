"""Indonesian dates, times and numbers as the tata naskah writes them.

Dates come from babel's ``id`` locale (day and month names), *terbilang* from
num2words; nothing here is hand-rolled beyond the layout of the result.
"""

from __future__ import annotations

from datetime import date, time

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
    """``Jakarta, 25 November 2026`` (no full stop at the end)."""
    return f"{tempat}, {tanggal(d)}"


def waktu(t: time) -> str:
    """``09.00``: Indonesian writes the hour and minute with a full stop."""
    return f"{t.hour:02d}.{t.minute:02d}"


def rentang_waktu(mulai: time, selesai: time | None, zona: str) -> str:
    """``09.00 - 11.00 WIB``, or ``09.00 WIB - selesai`` when the end is open."""
    if selesai is None:
        return f"{waktu(mulai)} {zona} - selesai"
    return f"{waktu(mulai)} - {waktu(selesai)} {zona}"


def terbilang(n: int) -> str:
    """A whole number in Indonesian words: ``21`` → ``dua puluh satu``."""
    from num2words import num2words  # 15 ms to import: only when a number is spelt out

    return str(num2words(n, lang="id"))


def jumlah_terbilang(n: int, satuan: str) -> str:
    """``1 (satu) berkas``; ``-`` for nothing."""
    if n == 0:
        return "-"
    return f"{n} ({terbilang(n)}) {satuan}"


_ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
          (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))


def romawi(n: int) -> str:
    """Roman numeral for numbering several lampiran: ``4`` → ``IV``."""
    if not 0 < n < 4000:
        raise ValueError(f"cannot write {n} in Roman numerals")
    out = []
    for value, symbol in _ROMAN:
        count, n = divmod(n, value)
        out.append(symbol * count)
    return "".join(out)


def singkat(text: str, limit: int = 70) -> str:
    """``text`` cut to ``limit`` characters at most, with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
