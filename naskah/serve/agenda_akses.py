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

from naskah.models.klasifikasi import Klasifikasi
from naskah.register.agenda import SuratMasuk
from naskah.serve.akun import Pengguna, Peran

TERTUTUP = frozenset({Klasifikasi.TERBATAS.value, Klasifikasi.RAHASIA.value,
                      Klasifikasi.SANGAT_RAHASIA.value})
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


__all__ = ["DISAMARKAN", "TERTUTUP", "boleh_lihat", "disamarkan", "peserta", "sekretariat",
           "terlihat"]
