"""The rules of a step, as pure checks: a request and the trail so far in, a plan out.

Nothing here touches the disk. Each check raises :class:`~naskah.errors.TrailError`
(a refusal under the SOP's rules) or :class:`~naskah.errors.InputError` (input that
cannot be right, such as a date in the future) naming what is wrong.

They are the one rule engine of a trail: ``trail do`` runs them on a step before it is
performed, ``verify`` runs them again on every recorded entry with what it recorded
(:mod:`naskah.trail.riwayat`), so a step that the engine would refuse (another role,
out of order, before the previous step ended, a kelengkapan in the wrong status) never
verifies, whoever wrote it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from pydantic import TypeAdapter, ValidationError

from naskah.errors import InputError, TrailError
from naskah.formatting import singkat
from naskah.hashing import sha256_bytes
from naskah.models.base import TeksPanjang
from naskah.models.pejabat import Pejabat
from naskah.sop.model import JenisOutput, Langkah, Sop
from naskah.trail.ledger import Entry, Rujukan
from naskah.trail.pelaksana import DaftarPelaksana

_TEKS: TypeAdapter[str] = TypeAdapter(TeksPanjang)
CLOCK_SKEW = timedelta(minutes=5)
"""How far in the future a reported time may lie (clocks of two machines disagree a little)."""


@dataclass(frozen=True)
class Keadaan:
    """The latest version of every output produced so far, by kode."""

    refs: dict[str, tuple[int, Rujukan]]

    @classmethod
    def of(cls, entries: list[Entry]) -> Keadaan:
        refs: dict[str, tuple[int, Rujukan]] = {}
        for entry in entries:
            for ref in [*entry.masukan, *entry.keluaran]:
                if ref.kode not in refs or entry.step >= refs[ref.kode][0]:
                    refs[ref.kode] = (entry.step, ref)
        return cls(refs)


@dataclass(frozen=True)
class Waktu:
    """A step's times and which of them the performer reported."""

    mulai: datetime
    selesai: datetime
    dilaporkan: list[Literal["mulai", "selesai"]]


def check_order(sop: Sop, step: int, done: int) -> Langkah:
    """The step to perform, refusing any other than the next one."""
    total = len(sop.langkah)
    if not 1 <= step <= total:
        raise TrailError(f"there is no step {step}: this SOP has steps 1-{total}")
    if done >= total:
        raise TrailError(f"the trail is complete: all {total} steps were performed")
    expected = sop.langkah[done]
    if step != expected.nomor:
        if step <= done:
            raise TrailError(
                f"step {step} was already performed; the next step is {expected.nomor} "
                f"({singkat(expected.kegiatan)})"
            )
        raise TrailError(
            f"step {step} is out of order: the next step is {expected.nomor} "
            f"({singkat(expected.kegiatan)})"
        )
    return expected


def check_performer(sop: Sop, roster: DaftarPelaksana, langkah: Langkah, oleh: str,
                    peran: str | None = None) -> tuple[Pejabat, str]:
    """The official performing the step and the role they perform it in (``peran``, when
    given, must be one they hold that the step allows: a recorded entry's role)."""
    try:
        pejabat, roles = roster.cari(oleh)
    except InputError as exc:
        raise TrailError(str(exc)) from None
    allowed = [r for r in langkah.pelaksana if r in roles]
    if not allowed:
        held = ", ".join(sop.peran_ke(r).nama for r in roles) or "no role"
        needed = " or ".join(sop.peran_ke(r).nama for r in langkah.pelaksana)
        raise TrailError(
            f"{pejabat.nama} holds {held}; step {langkah.nomor} must be performed by {needed}"
        )
    if peran is not None and peran not in allowed:
        raise TrailError(
            f"step {langkah.nomor} records the role {peran!r}, which {pejabat.nama} does not "
            f"hold for this step (they perform it as {' or '.join(allowed)})")
    return pejabat, peran or allowed[0]


def check_times(sop: Sop, dibuat: datetime, entries: list[Entry], mulai: datetime | None,
                selesai: datetime | None, now: datetime) -> Waktu:
    """The step's start and end, refusing times in the future, before the previous step,
    or (for the first step) before the SOP took effect.

    ``mulai`` defaults to the previous step's end (the trail's start for step 1),
    ``selesai`` to ``now``; a time given is marked as reported by the performer.
    """
    tz = sop.tz
    reported: list[Literal["mulai", "selesai"]] = []
    for name, value in (("mulai", mulai), ("selesai", selesai)):
        if value is not None:
            reported.append(name)  # type: ignore[arg-type]
            if value.tzinfo is None:
                raise InputError(f"{name} {value.isoformat()} needs a UTC offset",
                                 [(name, "needs a UTC offset")])
            if value > now + CLOCK_SKEW:
                raise InputError(
                    f"{name} {value.isoformat()} lies in the future (now is "
                    f"{now.astimezone(tz).isoformat(timespec='minutes')}); give the time the "
                    "step was actually done", [(name, "lies in the future")])
    selesai_at = (selesai or now).astimezone(tz)
    if not entries:
        # The first step may be recorded after the fact: the trail's start is only a
        # default, not a bound ("dicatat" keeps the real recording time). The SOP's
        # effective date is a bound: no step of it can predate it.
        mulai_at = (mulai or min(dibuat, selesai_at)).astimezone(tz)
        if sop.tanggal_efektif is not None and mulai_at.date() < sop.tanggal_efektif:
            raise InputError(
                f"mulai {mulai_at.isoformat()} is before the SOP took effect "
                f"({sop.tanggal_efektif.isoformat()})", [("mulai", "before the SOP's date")])
    else:
        previous = entries[-1].selesai
        mulai_at = (mulai or previous).astimezone(tz)
        if mulai_at < previous:
            raise TrailError(
                f"mulai {mulai_at.isoformat()} is before the previous step finished "
                f"({previous.isoformat()})"
            )
    if selesai_at < mulai_at:
        raise TrailError(
            f"selesai {selesai_at.isoformat()} is before mulai {mulai_at.isoformat()}"
        )
    return Waktu(mulai_at, selesai_at, reported)


def check_kelengkapan(sop: Sop, langkah: Langkah, state: Keadaan, lampiran: Mapping[str, Any]
                      ) -> tuple[list[Rujukan], list[str]]:
    """The kelengkapan the step uses (as recorded) and the outside inputs to store with it."""
    masukan: list[Rujukan] = []
    external: list[str] = []
    declared = {m.kode for m in sop.masukan}
    for need in langkah.kelengkapan:
        if need.kode not in state.refs:
            if need.kode in declared:
                if need.kode not in lampiran:
                    raise TrailError(
                        f"step {langkah.nomor} needs the kelengkapan {need.kode!r} "
                        f"({masukan_nama(sop, need.kode)}): supply it as a lampiran file"
                    )
                external.append(need.kode)
                continue
            raise TrailError(
                f"step {langkah.nomor} needs the kelengkapan {need.kode!r}, which no "
                "earlier step produced"
            )
        _, ref = state.refs[need.kode]
        if need.status is not None and ref.status != need.status:
            raise TrailError(
                f"step {langkah.nomor} needs {need.kode!r} {need.status.value}, "
                f"but it is {ref.status.value if ref.status else 'not a document'}"
            )
        masukan.append(ref)
    return masukan, external


def ukuran(sop: Sop, langkah: Langkah, waktu: Waktu) -> tuple[float, int]:
    """The step's working minutes (mulai to selesai) and its time standard."""
    return (round(sop.jam_kerja.menit_kerja(waktu.mulai, waktu.selesai), 2),
            sop.waktu_menit(langkah))


def check_keluaran(langkah: Langkah, keluaran: Sequence[Rujukan],
                   tindakan: Mapping[str, str]) -> None:
    """A recorded step's outputs are the step's outputs, in the SOP's order, each of its
    kind, every written account recorded with its hash."""
    wanted = [(o.kode, o.jenis.value) for o in langkah.output]
    got = [(r.kode, r.jenis.value) for r in keluaran]
    if got != wanted:
        def show(items: list[tuple[str, str]]) -> str:
            return ", ".join(f"{k} ({j})" for k, j in items) or "none"

        raise TrailError(f"step {langkah.nomor} records the outputs {show(got)}; the SOP's "
                         f"step makes {show(wanted)}")
    for ref in keluaran:
        if ref.jenis.value == JenisOutput.TINDAKAN.value:
            text = tindakan.get(ref.kode)
            if text is None or sha256_bytes(text.encode("utf-8")) != ref.sha256:
                raise TrailError(f"step {langkah.nomor}: the written account of {ref.kode!r} "
                                 "is not the one its reference records")


def check_supplied(langkah: Langkah, dokumen: Mapping[str, Any], lampiran: Mapping[str, Any],
                   tindakan: Mapping[str, Any], external: list[str]) -> None:
    """Exactly the dokumen, lampiran and tindakan the step's outputs call for."""

    def expect(kind: str, given: Mapping[str, Any], wanted: set[str]) -> None:
        missing = sorted(wanted - given.keys())
        extra = sorted(given.keys() - wanted)
        if missing:
            raise TrailError(f"step {langkah.nomor} needs {kind} for: {', '.join(missing)}")
        if extra:
            raise TrailError(
                f"step {langkah.nomor} has no {kind} output named {', '.join(extra)}; "
                f"expected: {', '.join(sorted(wanted)) or 'none'}"
            )

    outs = langkah.output
    expect("dokumen", dokumen, {o.kode for o in outs if o.jenis.naskah})
    expect("lampiran", lampiran,
           {o.kode for o in outs if o.jenis is JenisOutput.LAMPIRAN} | set(external))
    expect("tindakan", tindakan, {o.kode for o in outs if o.jenis is JenisOutput.TINDAKAN})


def validate_text(text: str, field: str) -> str:
    """Check free text for a ledger field (tindakan, catatan) like any model text."""
    try:
        return _TEKS.validate_python(text.strip() if isinstance(text, str) else text)
    except ValidationError as exc:
        reason = exc.errors()[0]["msg"].removeprefix("Value error, ")
        raise InputError(f"{field}: {reason}", [(field, reason)]) from None


def masukan_nama(sop: Sop, kode: str) -> str:
    """The SOP's name for an outside input."""
    return next((m.nama for m in sop.masukan if m.kode == kode), kode)


__all__ = ["CLOCK_SKEW", "Keadaan", "Waktu", "check_kelengkapan", "check_keluaran",
           "check_order", "check_performer", "check_supplied", "check_times", "masukan_nama",
           "ukuran", "validate_text"]
