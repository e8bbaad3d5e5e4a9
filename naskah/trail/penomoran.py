"""Numbering at signing: a trail with a register gives each signed document the final
number its SOP output names (``penomoran``: pola, unit, kka), in the register's one
transaction that also records the numbered document's content hash.

The paraf on the konsep cover its :meth:`~naskah.models.NaskahDinas.konsep_hash`
(nomor and tanggal left out), so they stay valid when the number and the signing date
are filled in. A step that fails after taking a number cancels it (``batal``, with the
reason) so the register shows no hole it cannot explain. A nomor the konsep carries is
replaced by the register's at signing (a konsep normally circulates without one, shown
as ``…``). Without a register (or for an output the SOP does not number) a document
keeps the nomor its data carries.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from naskah.models import NaskahDinas
from naskah.models.pejabat import Pejabat
from naskah.sop.model import Output, Penomoran, Sop
from naskah.trail.pengaturan import Pengaturan

if TYPE_CHECKING:
    from naskah.register import Nomor, Register


class Penomor:
    """The numbers one step takes from the trail's register (opened on first use)."""

    def __init__(self, root: Path, settings: Pengaturan) -> None:
        self.url = settings.db_url(root)
        self.diambil: list[Nomor] = []
        """The numbers taken in this step, in order."""
        self._register: Register | None = None

    def beri(self, out: Output, model: NaskahDinas, pejabat: Pejabat, waktu: datetime
             ) -> NaskahDinas:
        """``model`` with its final number and signing date, when the output is numbered."""
        if self.url is None or out.penomoran is None:
            return model
        rule = out.penomoran
        signed, nomor = self._open().beri_nomor(
            model, pola=rule.pola, unit=rule.unit, kka=rule.kka, oleh=pejabat.nama,
            tanggal=waktu.date())
        self.diambil.append(nomor)
        return signed

    def batal(self, alasan: str, oleh: str) -> None:
        """Cancel every number this step took (the step failed before it was recorded)."""
        while self.diambil:
            nomor = self.diambil.pop()
            self._open().batal(nomor.id, alasan=alasan, oleh=oleh)

    def close(self) -> None:
        if self._register is not None:
            self._register.close()
            self._register = None

    def _open(self) -> Register:
        if self._register is None:
            from naskah.register import Register

            self._register = Register(self.url)
        return self._register


def rule_for(sop: Sop, kode: str) -> Penomoran | None:
    """The numbering rule of the document ``kode`` (on the output that signs it)."""
    for langkah in sop.langkah:
        for out in langkah.output:
            if out.kode == kode and out.penomoran is not None:
                return out.penomoran
    return None


def alasan(exc: BaseException, step: int) -> str:
    """The reason recorded on a number cancelled because its step failed."""
    text = str(exc).strip() or type(exc).__name__
    return f"step {step} failed after the number was taken: {text[:300]}"


__all__ = ["Penomor", "alasan", "rule_for"]
