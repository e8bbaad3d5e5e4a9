"""Closed sets of words (sifat, klasifikasi, statuses, paper sizes...) read in any case.

Staff type ``segera`` as often as ``Segera``: :class:`Pilihan` is a ``StrEnum`` whose
values are found whatever their case and spacing (``"SANGAT  segera"`` is
``Sifat.SANGAT_SEGERA``), and always print in their one canonical form. Pydantic
models, the register and the command line all take values through the enum, so one
rule holds everywhere.
"""

from __future__ import annotations

from enum import StrEnum


def _kunci(text: str) -> str:
    return " ".join(text.split()).casefold()


class Pilihan(StrEnum):
    """A ``StrEnum`` that also finds its members by value in any case and spacing."""

    @classmethod
    def _missing_(cls, value: object) -> Pilihan | None:
        if isinstance(value, str):
            wanted = _kunci(value)
            for member in cls:
                if _kunci(member.value) == wanted:
                    return member
        return None


__all__ = ["Pilihan"]
