"""Progress of a long command on stderr: a tqdm bar per stage on a terminal, nothing
otherwise (the command's own output says what it did)."""

from __future__ import annotations

import sys
from typing import Any

_STAGES = {"berkas": "memeriksa berkas", "tanda tangan": "memeriksa tanda tangan",
           "dokumen": "menyiapkan dokumen", "konversi": "konversi PDF (LibreOffice)",
           "susun": "menyusun berkas PDF"}


class BarTahap:
    """A ``kemajuan(tahap, selesai, total)`` callback drawing one tqdm bar per stage."""

    def __init__(self) -> None:
        self._bar: Any = None
        self._tahap: str | None = None

    def __call__(self, tahap: str, selesai: int, total: int) -> None:
        if tahap != self._tahap:
            self.close()
            from tqdm import tqdm

            self._bar = tqdm(total=total, desc=_STAGES.get(tahap, tahap), unit="langkah",
                             file=sys.stderr, leave=False)
            self._tahap = tahap
        self._bar.update(selesai - self._bar.n)
        if selesai >= total:
            self._bar.refresh()  # the last state is drawn even between tqdm's redraws

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def bar_tahap() -> BarTahap | None:
    """A stage bar when stderr is a terminal, else None."""
    return BarTahap() if sys.stderr.isatty() else None


__all__ = ["BarTahap", "bar_tahap"]
