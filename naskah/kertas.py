"""Paper sizes (*kertas*): kept apart from the profiles so the command line can offer
them without importing pydantic."""

from __future__ import annotations

from enum import StrEnum


class Kertas(StrEnum):
    """Paper size. A4 is the default; many agencies use F4 (folio)."""

    A4 = "A4"
    F4 = "F4"

    @property
    def ukuran_mm(self) -> tuple[int, int]:
        """(width, height) in millimetres."""
        return _UKURAN_MM[self]


_UKURAN_MM = {Kertas.A4: (210, 297), Kertas.F4: (215, 330)}

__all__ = ["Kertas"]
