"""Numbering at signing: a trail with a register gives each signed document the final
number its SOP output names (``penomoran``: pola, unit, kka), in the register's one
transaction that also records the numbered document's content hash and the trail step
that took it (:class:`~naskah.register.Jejak`).

The paraf on the konsep cover its :meth:`~naskah.models.NaskahDinas.konsep_hash`
(nomor and tanggal left out), so they stay valid when the number and the signing date
are filled in. A step that fails after taking a number cancels it (``batal``, with the
reason) so the register shows no hole it cannot explain; a step killed outright
(``kill -9``) leaves its number final, and the next step cancels it
(:meth:`Penomor.selesaikan`). A nomor the konsep carries is replaced by the register's
at signing (a konsep normally circulates without one, shown as ``…``). Without a
register (or for an output the SOP does not number) a document keeps the nomor its
data carries.

The register also anchors the trail's head (:mod:`naskah.trail.jangkar`). The order of
one step's writes, and what a crash between them leaves:

1. the number, in its own transaction, before the document is rendered (the signed
   content carries it); a crash after it leaves a final number no document holds:
   reported by verify, cancelled by the next step;
2. the step's files, then its ledger entry (the step exists from this write on);
3. the head (entry count and hash), in a second transaction; a crash before it leaves
   the head one step behind: verify says so, the next step moves it on.

The number cannot share the head's transaction: the head is the hash of an entry that
holds the signed document, which holds the number. In the database trail store
(:mod:`naskah.trail.store.database`) the register is bound to the step's own transaction
(:func:`naskah.register.db.bound`): the number, the entry with its files and the head
commit together, and a crash leaves none of them.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from naskah.errors import TamperError
from naskah.models import NaskahDinas
from naskah.models.pejabat import Pejabat
from naskah.sop.model import JenisOutput, Output, Penomoran, Sop
from naskah.trail.ledger import Entry
from naskah.trail.masalah import JenisMasalah, Masalah
from naskah.trail.pengaturan import Pengaturan

if TYPE_CHECKING:
    from naskah.register import Kepala, Nomor, NomorTrail, Register


class Penomor:
    """The register of one step of the trail ``berkas`` (opened on first use): the numbers
    the step takes, and the trail's head."""

    def __init__(self, root: Path, settings: Pengaturan, berkas: str = "") -> None:
        self.url = settings.db_url(root)
        self.berkas = berkas
        self.diambil: list[Nomor] = []
        """The numbers taken in this step, in order."""
        self.per_kode: dict[str, Nomor] = {}
        """... by the document they number."""
        self._register: Register | None = None
        self._shared = False

    def beri(self, out: Output, model: NaskahDinas, pejabat: Pejabat, waktu: datetime,
             step: int = 0) -> NaskahDinas:
        """``model`` with its final number and signing date, when the output is numbered."""
        if self.url is None or out.penomoran is None:
            return model
        from naskah.register import Jejak

        rule = out.penomoran
        signed, nomor = self._open().beri_nomor(
            model, pola=rule.pola, unit=rule.unit, kka=rule.kka, oleh=pejabat.nama,
            tanggal=waktu.date(), jejak=Jejak(self.berkas, step, out.kode) if step else None)
        self.diambil.append(nomor)
        self.per_kode[out.kode] = nomor
        return signed

    def batal(self, alasan: str, oleh: str) -> None:
        """Cancel every number this step took (the step failed before it was recorded)."""
        while self.diambil:
            nomor = self.diambil.pop()
            self.per_kode = {k: n for k, n in self.per_kode.items() if n.id != nomor.id}
            self._open().batal(nomor.id, alasan=alasan, oleh=oleh)

    def kepala(self, hashes: list[str], genesis: str) -> Kepala | None:
        """The head the register holds for the trail, refused (TamperError) when the
        ledger (its entries' ``hashes``) is shorter or another history: a step never
        extends a truncated or rewritten trail. None when there is none yet."""
        if self.url is None:
            return None
        head = self._open().jangkar.baca(self.berkas)
        if head is None:
            return None
        if head.langkah > len(hashes):
            raise TamperError(
                f"refusing to extend a truncated trail: the register records {head.langkah} "
                f"steps ending in {head.hash_akhir[:12]}…, the ledger holds {len(hashes)}")
        at = hashes[head.langkah - 1] if head.langkah else genesis
        if at != head.hash_akhir:
            raise TamperError(
                f"refusing to extend the trail: the register records another history (after "
                f"step {head.langkah} its hash is {head.hash_akhir[:12]}…, the ledger's "
                f"{at[:12]}…)")
        return head

    def selesaikan(self, done: int, oleh: str) -> list[Nomor]:
        """Cancel the numbers a killed step left: those the register gave this trail for
        a step after the ``done`` the ledger records, still in force. Call only under the
        berkas's exclusive lock, after :meth:`kepala` (so the ledger is the trail's
        latest: no other step of it can be running)."""
        if self.url is None:
            return []
        from naskah.register import StatusNomor

        settled = []
        for item in self._open().jangkar.nomor(self.berkas):
            if item.langkah > done and item.nomor.status != StatusNomor.BATAL:
                settled.append(self._open().batal(
                    item.nomor.id, oleh=oleh, alasan=f"langkah {item.langkah} tidak selesai: "
                    f"the step ({item.kode}) stopped after taking this number and before it "
                    "was recorded; no document holds it"))
        return settled

    def catat_kepala(self, langkah: int, hash_akhir: str, sebelumnya: Kepala | None) -> None:
        """Move the trail's head in the register to the entry just written (only from
        ``sebelumnya``, the head :meth:`kepala` read)."""
        if self.url is not None:
            self._open().jangkar.catat(self.berkas, langkah, hash_akhir,
                                       sebelumnya=sebelumnya)

    @property
    def terikat(self) -> bool:
        """Whether the register writes in the caller's transaction (the database trail
        store's step): a failure then undoes the whole step, never half of it."""
        return self._shared

    def close(self) -> None:
        if self._register is not None and not self._shared:
            self._register.close()
        self._register = None

    def _open(self) -> Register:
        if self._register is None:
            from naskah.register import Register
            from naskah.register.db import bound_connection, same_database

            conn = bound_connection()
            if conn is not None and self.url is not None and same_database(
                    conn.engine.url, self.url):
                # The database trail store's step: the numbers and the head are written
                # in the transaction that records the step (all or nothing).
                self._register, self._shared = Register(engine=conn.engine), True
            else:
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


def cross_check(sop: Sop, entries: list[Entry], linked: list[NomorTrail],
                by_hash: list[Nomor], head: int = 0) -> list[Masalah]:
    """The register and the ledger, both ways: every document the ledger records as
    signed with a register number holds a final number the register gave it (``linked``
    to its step, or for numbers taken before the register linked them, ``by_hash``: the
    register's numbers with those content hashes); every number the register gave the
    trail is held by a recorded document, or cancelled. ``head``: the steps the
    register's head records (a number of a step it records, missing from the ledger,
    was dropped with it; one past it was left by an interrupted step)."""
    from naskah.register import StatusNomor

    found: list[Masalah] = []
    held: set[int] = set()
    for entry in entries:
        for ref in entry.keluaran:
            if ref.jenis.value != JenisOutput.TANDA_TANGAN.value or rule_for(
                    sop, ref.kode) is None:
                continue
            match = [x.nomor for x in linked if x.langkah == entry.step and x.kode == ref.kode]
            candidates = match or by_hash
            nomor = next((n for n in candidates if n.status == StatusNomor.FINAL
                          and n.content_hash == ref.content_hash
                          and (ref.nomor_id is None or n.id == ref.nomor_id)
                          and (ref.nomor is None or n.teks == ref.nomor)), None)
            if nomor is None:
                what = f"nomor {ref.nomor}" if ref.nomor else "its register number"
                found.append(Masalah(JenisMasalah.REGISTER, (
                    f"{ref.kode}: signed with {what}, which the register does not hold as "
                    "final for this document"), entry.step, ref.file))
            else:
                held.add(nomor.id)
    done = len(entries)
    for item in linked:
        if item.nomor.id in held or item.nomor.status == StatusNomor.BATAL:
            continue
        if done < item.langkah <= head:
            text = (f"nomor {item.nomor.teks} was given to step {item.langkah} ({item.kode}), "
                    "which the register records as done and the ledger no longer holds")
        elif item.langkah > done:
            text = (f"nomor {item.nomor.teks} was given to step {item.langkah} ({item.kode}), "
                    "which the ledger does not record: the step stopped after taking it; the "
                    "next step cancels it")
        else:
            text = (f"nomor {item.nomor.teks} was given to step {item.langkah} ({item.kode}), "
                    "but no recorded document holds it")
        found.append(Masalah(JenisMasalah.REGISTER, text, item.langkah, None))
    return found


__all__ = ["Penomor", "alasan", "cross_check", "rule_for"]
