"""Who may see what of an incoming letter, for the API and the console alike.

Operators and admins (the secretariat that registers the mail) see every letter. A
pejabat sees the hal, the scan and the disposisi of a Terbatas, Rahasia or Sangat
Rahasia letter only when its disposisi passed through their account (given or
received, by the account's name); elsewhere the hal reads :data:`DISAMARKAN`. These are
the classifications the public verification page keeps closed too.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from naskah.models.klasifikasi import TERTUTUP
from naskah.register.agenda import SuratMasuk
from naskah.serve.akun import Pengguna, Peran

DISAMARKAN = "(dirahasiakan)"
"""What stands for the hal of a closed letter its reader may not see."""


def sekretariat(who: Pengguna) -> bool:
    """Whether the account registers the mail (and sees every letter)."""
    return who.peran in (Peran.OPERATOR, Peran.ADMIN)


def peserta(tree: Sequence[Any]) -> set[str]:
    """Everyone a disposisi tree passed through: who gave and who received."""
    names: set[str] = set()
    for item in tree:
        names |= {item.dari, item.kepada} | peserta(item.turunan)
    return names


def boleh_lihat(who: Pengguna, entry: SuratMasuk, tree: Sequence[Any]) -> bool:
    """Whether ``who`` may see the hal, scan and disposisi of ``entry`` (its ``tree``)."""
    return entry.klasifikasi not in TERTUTUP or sekretariat(who) or who.nama in peserta(tree)


def disamarkan(entry: SuratMasuk) -> SuratMasuk:
    """The entry as shown to whom may not see it: no hal, no scan."""
    return dataclasses.replace(entry, hal=DISAMARKAN, scan_nama=None, scan_sha256=None)


def terlihat(who: Pengguna, entries: Sequence[SuratMasuk], pohon: Any) -> list[SuratMasuk]:
    """``entries`` as ``who`` may see them; ``pohon(id)`` gives a letter's tree (asked
    only for closed letters a pejabat reads)."""
    if sekretariat(who):
        return list(entries)
    return [e if e.klasifikasi not in TERTUTUP or boleh_lihat(who, e, pohon(e.id))
            else disamarkan(e) for e in entries]


def buku_xlsx(who: Pengguna, reg: Any, *, tahun: int | None = None,
              bulan: int | None = None) -> bytes:
    """The buku agenda as ``naskah agenda ekspor`` writes it (the book's layout, with each
    letter's disposisi), as ``who`` may see it: a closed letter hidden from them has
    neither hal nor disposisi in it. ``reg`` is a :class:`naskah.register.Register`."""
    from naskah.register.buku_agenda import buku_agenda_xlsx

    entries = reg.agenda.daftar(tahun=tahun, bulan=bulan)
    trees = {e.id: reg.disposisi.pohon(e.id) for e in entries}
    full = {e.id for e in entries if boleh_lihat(who, e, trees[e.id])}
    shown = [e if e.id in full else disamarkan(e) for e in entries]
    return buku_agenda_xlsx(shown, disposisi={i: trees[i] for i in full},
                            tahun=tahun, bulan=bulan)


__all__ = ["DISAMARKAN", "TERTUTUP", "boleh_lihat", "buku_xlsx", "disamarkan", "peserta",
           "sekretariat", "terlihat"]
