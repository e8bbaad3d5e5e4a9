"""DaftarPelaksana: who holds which role of the SOP in a berkas.

The roster is fixed when a trail starts (``pelaksana.json`` in the berkas, hashed into
the ledger header); a step's performer is looked up in it by NIP or by name.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

from pydantic import Field, model_validator

from naskah.errors import InputError
from naskah.models.base import NaskahModel
from naskah.models.pejabat import Pejabat


class DaftarPelaksana(NaskahModel):
    """Role kode → the officials holding it, e.g. ``{"karo-po": [Pejabat(...)]}``."""

    peran: dict[str, list[Pejabat]] = Field(min_length=1)
    """The officials per role kode of the SOP."""
    sertifikat: dict[str, str] = Field(default_factory=dict)
    """Each official's signing certificate (PEM), by NIP (by full name for one without a
    NIP). ``trail init`` checks each against the official's name and NIP; every step,
    paraf, signed original and the ledger header must be signed with the key of that
    certificate. Never a passphrase or a key."""

    @model_validator(mode="after")
    def _one_name_per_nip(self) -> DaftarPelaksana:
        names: dict[str, str] = {}
        for role, people in self.peran.items():
            for p in people:
                if p.nip is None:
                    continue
                known = names.setdefault(p.nip, p.nama)
                if known.casefold() != p.nama.casefold():
                    raise ValueError(
                        f"peran.{role}: NIP {p.nip} is listed as {known!r} and as {p.nama!r}; "
                        "one NIP is one person"
                    )
        return self

    def cari(self, oleh: str) -> tuple[Pejabat, list[str]]:
        """The official named by ``oleh`` (NIP, grouped or not, or full name) and their roles.

        Raises InputError naming ``oleh`` when nobody matches.
        """
        key = oleh.strip()
        digits = re.sub(r"\s+", "", key)
        found: Pejabat | None = None
        roles: list[str] = []
        for role, people in self.peran.items():
            for p in people:
                if (p.nip is not None and p.nip == digits) or p.nama.casefold() == key.casefold():
                    found = found or p
                    if _same(found, p):
                        roles.append(role)
        if found is None:
            raise InputError(f"{oleh!r} is not in the berkas's daftar pelaksana (pelaksana.json)",
                             [("oleh", "not in the roster")])
        return found, roles

    def orang(self) -> list[Pejabat]:
        """Every official once (the first record of each NIP or name), in roster order."""
        seen: list[Pejabat] = []
        for people in self.peran.values():
            for p in people:
                if not any(_same(p, s) for s in seen):
                    seen.append(p)
        return seen

    def sertifikat_pem(self, pejabat: Pejabat) -> str | None:
        """The certificate (PEM) the roster binds to ``pejabat``, if any."""
        return self.sertifikat.get(kunci(pejabat))

    def with_sertifikat(self, files: Mapping[str, str | os.PathLike[str]]) -> DaftarPelaksana:
        """A copy binding each NIP (or name) in ``files`` to the certificate in that PEM
        file, over what the roster already binds. Each file is read with a size cap and
        must be a regular file (:class:`~naskah.errors.InputError` naming it)."""
        if not files:
            return self
        from naskah.inputs import read_text

        read = {key: read_text(path, f"sertifikat {key}") for key, path in files.items()}
        return self.model_copy(update={"sertifikat": {**self.sertifikat, **read}})

    def unknown_roles(self, known: set[str]) -> list[str]:
        """Role kodes in the roster that the SOP does not declare."""
        return sorted(set(self.peran) - known)


def kunci(pejabat: Pejabat) -> str:
    """The key of ``pejabat`` in :attr:`DaftarPelaksana.sertifikat`: NIP, else full name."""
    return pejabat.nip or pejabat.nama


def same_person(a: Pejabat, b: Pejabat) -> bool:
    """Two records name the same official: same NIP when both have one, else same name."""
    return _same(a, b)


def person_mismatch(named: Pejabat, performer: Pejabat) -> str | None:
    """Why ``named`` (e.g. a disposisi's pemberi) is not ``performer``, or None.

    Same NIP is not enough: a document printing another name over the performer's
    NIP would show a name that never gave it.
    """
    if not _same(named, performer):
        return "a different official"
    if named.nama.casefold() != performer.nama.casefold():
        return (f"it prints the name {named.nama!r} with NIP {named.nip}, which belongs to "
                f"{performer.nama!r}")
    return None


def _same(a: Pejabat, b: Pejabat) -> bool:
    if a.nip and b.nip:
        return a.nip == b.nip
    return a.nama.casefold() == b.nama.casefold()
