"""Filling a document with its final number and signing date."""

from __future__ import annotations

from datetime import date
from typing import TypeVar

from naskah.errors import InputError
from naskah.inputs import validate
from naskah.models.naskah import NaskahDinas
from naskah.models.nomor import NomorNaskah

N = TypeVar("N", bound=NaskahDinas)


def isi_nomor(naskah: N, nomor: str, tanggal: date) -> N:
    """``naskah`` with ``nomor`` (when the type has a nomor field) and ``tanggal`` set.

    The result is validated again (e.g. an undangan's meeting may not precede its new
    date). Its :meth:`~naskah.models.NaskahDinas.konsep_hash` equals the konsep's, so
    paraf given on the konsep stay valid. A laporan has no nomor field: only its date
    is filled, and the register keeps its number.
    """
    fields = type(naskah).model_fields
    # The fields as they are (not dumped): a kop read back from a berkas keeps the folder
    # its logo path is relative to, wherever the current directory is.
    data = {name: getattr(naskah, name) for name in fields}
    if "tanggal" in fields:
        data["tanggal"] = tanggal
    if "nomor" in fields:
        try:
            data["nomor"] = NomorNaskah.parse(nomor)
        except ValueError as exc:
            raise InputError(
                f"nomor: the pattern's number {nomor!r} cannot be a {naskah.jenis} nomor: {exc}",
                [("nomor", str(exc))]) from None
    return validate(type(naskah), data, naskah.jenis)


__all__ = ["isi_nomor"]
