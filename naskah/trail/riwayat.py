"""The SOP's rules re-run on the recorded history, and every approval record in every
document held against the ledger.

``verify`` does not take a ledger's word that its steps were allowed: for each entry
it runs the same checks ``trail do`` runs before a step (:mod:`naskah.trail.rules`,
:mod:`naskah.trail.approvals`) with what the entry records: the order, the performer
and their role, the times, the kelengkapan (the current version of each, in the
status the step needs), the outputs, who may initial or sign each document. Then each
document's paraf and tanda tangan records must be exactly those the ledger holds on
it (each checked against its signature by :mod:`naskah.trail.signatures`), so a record
naming an official who never gave it, or dropping one, is found.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any

from naskah.docx.metadata import NaskahMetadata, read_metadata
from naskah.errors import MetadataError, NaskahError
from naskah.models import JENIS, NaskahDinas, jenis_class
from naskah.models.pejabat import Pejabat
from naskah.models.pengesahan import Status
from naskah.sop.model import JenisOutput, Langkah, Output, Sop
from naskah.trail import approvals, rules
from naskah.trail.ledger import Entry, JenisRujukan, Rujukan
from naskah.trail.masalah import JenisMasalah, Masalah
from naskah.trail.pelaksana import DaftarPelaksana, kunci, person_mismatch


@dataclass(frozen=True)
class Versi:
    """One recorded version of a document: its metadata and its model."""

    meta: NaskahMetadata
    model: NaskahDinas


class Dokumen:
    """The recorded documents of a berkas, each read once (cached)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._cache: dict[str, NaskahMetadata | MetadataError] = {}

    def meta(self, rel: str) -> NaskahMetadata:
        """The metadata of the document at ``rel`` (MetadataError when unreadable)."""
        if rel not in self._cache:
            try:
                self._cache[rel] = read_metadata(self.root / rel)
            except MetadataError as exc:
                self._cache[rel] = exc
        found = self._cache[rel]
        if isinstance(found, MetadataError):
            raise found
        return found

    def versi(self, ref: Rujukan) -> Versi | None:
        """The version ``ref`` records, or None when it cannot be read (check_files says
        why: missing, changed, damaged)."""
        if ref.file is None or PurePosixPath(ref.file).suffix != ".docx":
            return None
        try:
            meta = self.meta(ref.file)
            return Versi(meta, jenis_class(meta.jenis).model_validate(meta.naskah))
        except (NaskahError, ValueError, OSError):
            return None


def check_history(sop: Sop, roster: DaftarPelaksana, dibuat: datetime, entries: list[Entry],
                  dokumen: Dokumen) -> list[Masalah]:
    """Every rule a recorded entry breaks, and every approval record a recorded document
    carries that the ledger does not hold (see the module's doc)."""
    found: list[Masalah] = []
    for i, entry in enumerate(entries):
        for kind, text, file in _judge(sop, roster, dibuat, entries[:i], entry, dokumen):
            found.append(Masalah(kind, text, entry.step, file))
    return found


Temuan = tuple[JenisMasalah, str, str | None]


def _judge(sop: Sop, roster: DaftarPelaksana, dibuat: datetime, previous: list[Entry],
           entry: Entry, dokumen: Dokumen) -> Iterator[Temuan]:
    rule = JenisMasalah.RULE
    if not 1 <= entry.step <= len(sop.langkah):
        yield rule, f"the SOP has no step {entry.step}", None
        return
    langkah = sop.langkah_ke(entry.step)
    if entry.step == len(previous) + 1:  # otherwise check_chain reports the order
        yield from _rule(rules.check_order, sop, entry.step, len(previous))
    pejabat = entry.pelaksana
    try:
        pejabat, _ = rules.check_performer(sop, roster, langkah, kunci(entry.pelaksana),
                                           peran=entry.peran)
    except NaskahError as exc:
        yield rule, f"performed by {entry.pelaksana.nama}: {exc}", None
    else:
        if entry.pelaksana != pejabat:
            why = person_mismatch(entry.pelaksana, pejabat) or "another record"
            yield rule, (f"the entry records its performer {entry.pelaksana.nama} unlike "
                         f"the roster ({why})"), None
    yield from _times(sop, langkah, dibuat, previous, entry)
    state = rules.Keadaan.of(previous)
    yield from _kelengkapan(sop, langkah, state, entry)
    try:
        rules.check_keluaran(langkah, entry.keluaran, entry.tindakan)
    except NaskahError as exc:
        yield rule, str(exc), None
        return  # the documents below are judged output by output
    for out, ref in zip(langkah.output, entry.keluaran, strict=True):
        yield from _dokumen(sop, out.jenis, state, pejabat, ref, dokumen)
        yield from _records(previous, entry, ref, dokumen)


def _rule(check: Callable[..., object], *args: Any, **kwargs: Any) -> Iterator[Temuan]:
    """The rule ``check`` on a recorded step: what it would have refused, if anything."""
    try:
        check(*args, **kwargs)
    except NaskahError as exc:
        yield JenisMasalah.RULE, str(exc), None


def _times(sop: Sop, langkah: Langkah, dibuat: datetime, previous: list[Entry], entry: Entry
           ) -> Iterator[Temuan]:
    rule = JenisMasalah.RULE
    try:
        # The same check as before a step; "now" is when the entry says it was recorded.
        waktu = rules.check_times(sop, dibuat, previous, entry.mulai, entry.selesai,
                                  entry.dicatat)
    except NaskahError as exc:
        yield rule, str(exc), None
        return
    durasi, standar = rules.ukuran(sop, langkah, waktu)
    if (entry.durasi_menit, entry.standar_menit) != (durasi, standar):
        yield rule, (f"the entry records {entry.durasi_menit:g} of {entry.standar_menit} "
                     f"working minutes; its times and the SOP give {durasi:g} of {standar}"), None
    if entry.kegiatan != langkah.kegiatan:
        yield rule, "the entry's kegiatan is not the SOP's for this step", None


def _kelengkapan(sop: Sop, langkah: Langkah, state: rules.Keadaan, entry: Entry
                 ) -> Iterator[Temuan]:
    rule = JenisMasalah.RULE
    # What the step took from the trail so far, and the outside inputs stored with it.
    used = [r for r in entry.masukan if r.kode in state.refs]
    here = [r for r in entry.masukan if r.kode not in state.refs]
    try:
        needed, external = rules.check_kelengkapan(sop, langkah, state,
                                                   {r.kode: r for r in here})
    except NaskahError as exc:
        yield rule, str(exc), None
        return
    for ref in needed:
        got = next((r for r in used if r.kode == ref.kode), None)
        if got != ref:
            step = state.refs[ref.kode][0]
            had = (f"another version ({got.status.value if got and got.status else 'none'})"
                   if got is not None else "nothing")
            yield rule, (f"step {langkah.nomor} needs {ref.kode!r} as the current version, "
                         f"made at step {step} ({ref.status.value if ref.status else 'file'}); "
                         f"the entry used {had}"), got.file if got else ref.file
    if (len(used) != len(needed) or [r.kode for r in here] != external
            or any(r.jenis != JenisRujukan.MASUKAN for r in here)):
        yield rule, (f"the entry records the kelengkapan {[r.kode for r in entry.masukan]}; "
                     f"step {langkah.nomor} needs {[k.kode for k in langkah.kelengkapan]}"), None


def _dokumen(sop: Sop, jenis: JenisOutput, state: rules.Keadaan, pejabat: Pejabat,
             ref: Rujukan, dokumen: Dokumen) -> Iterator[Temuan]:
    """The document rules of one output: who gives a disposisi, who may initial or sign
    the version before this step, and what the new version may change."""
    rule = JenisMasalah.RULE
    if jenis.value in JENIS:
        made = dokumen.versi(ref)
        if made is not None:
            yield from _rule(approvals.check_pemberi, ref.kode, made.model, pejabat)
        return
    if not jenis.pengesahan:
        return
    if ref.kode not in state.refs:
        yield rule, f"{ref.kode}: no earlier step made this document", ref.file
        return
    _, before_ref = state.refs[ref.kode]
    before, after = dokumen.versi(before_ref), dokumen.versi(ref)
    if before is None or after is None:
        return  # unreadable or changed: check_files reports it
    out = Output(kode=ref.kode, nama=ref.nama, jenis=jenis)
    yield from _rule(approvals.check_approval, out, before.model, before.meta.pengesahan,
                     pejabat, same_signer=sop.paraf_dan_tanda_tangan_sama)
    if after.model.konsep_hash() != before.model.konsep_hash():
        yield rule, (f"{ref.kode}: the {jenis.value} changed the document beyond its nomor "
                     "and tanggal"), ref.file
    status = Status.DIPARAF if jenis is JenisOutput.PARAF else Status.DITANDATANGANI
    if jenis is JenisOutput.PARAF and (ref.content_hash != before_ref.content_hash
                                       or ref.konsep_hash != before.model.konsep_hash()):
        yield rule, f"{ref.kode}: the paraf is not on the version it initials", ref.file
    if ref.status is not status:
        yield rule, f"{ref.kode}: recorded as {ref.status}, not {status.value}", ref.file


def _records(previous: Sequence[Entry], entry: Entry, ref: Rujukan, dokumen: Dokumen
             ) -> Iterator[Temuan]:
    """The document's paraf and tanda tangan records, against the ledger's."""
    if ref.content_hash is None:
        return
    version = dokumen.versi(ref)
    if version is None:
        return
    expected = approvals.expected_pengesahan([*previous, entry], entry.step, ref.kode,
                                             version.model)
    for text in approvals.pengesahan_mismatch(version.meta.pengesahan, expected):
        yield JenisMasalah.APPROVAL, text, ref.file
    if ref.status is not None and ref.status is not expected.status:
        yield JenisMasalah.APPROVAL, (f"recorded as {ref.status.value}; the ledger's "
                                      f"approvals make it {expected.status.value}"), ref.file


__all__ = ["Dokumen", "Versi", "check_history"]
