"""Checking the free text and dates the register is given, with errors naming the field."""

from __future__ import annotations

from datetime import UTC, date, datetime

from pydantic import TypeAdapter, ValidationError

from naskah.errors import InputError
from naskah.models.base import Teks, TeksPanjang

_TEKS: TypeAdapter[str] = TypeAdapter(Teks)
_PANJANG: TypeAdapter[str] = TypeAdapter(TeksPanjang)


def teks(value: str, field: str, *, max_length: int = 300, panjang: bool = False) -> str:
    """One line of text (``panjang``: several lines), stripped, XML-safe, not empty."""
    try:
        checked = (_PANJANG if panjang else _TEKS).validate_python(value.strip())
    except ValidationError as exc:
        reason = exc.errors()[0]["msg"].removeprefix("Value error, ")
        raise InputError(f"{field}: {reason}", [(field, reason)]) from None
    if len(checked) > max_length:
        raise InputError(f"{field}: longer than {max_length} characters",
                         [(field, "too long")])
    return checked


def tanggal(value: date | str | None, field: str) -> date:
    """A date (ISO text accepted); today (UTC) when None."""
    if value is None:
        return now().date()
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{field}: {value!r} is not an ISO date (YYYY-MM-DD)",
                         [(field, "not a date")]) from None


def now() -> datetime:
    """The current time, time-zone aware (UTC)."""
    return datetime.now(UTC)


__all__ = ["now", "tanggal", "teks"]
