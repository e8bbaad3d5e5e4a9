"""Trail: an SOP run step by step in a folder (the berkas), with a tamper-evident ledger.

A berkas folder holds::

    sop.json          the SOP the trail runs under (canonical JSON)
    pelaksana.json    who holds which role
    ledger.json       the hash-chained entries, one per step
    dokumen/NN-kode.docx    documents, one file per step that produced or approved them
    lampiran/NN-kode.ext    attached files

Steps may be performed days apart and from different processes. Each
:meth:`Trail.perform` takes a file lock on the berkas, re-reads and verifies the
ledger, checks order, role and kelengkapan, writes its files atomically, and only
then appends its entry (atomically). A crash before the ledger write leaves the
ledger as it was; the step can simply be performed again.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any

from filelock import FileLock, Timeout
from pydantic import TypeAdapter, ValidationError

from naskah.errors import (
    InputError,
    MetadataError,
    NaskahError,
    TamperError,
    TrailError,
    TrailLockedError,
)
from naskah.fileio import write_atomic
from naskah.formatting import singkat
from naskah.inputs import validate
from naskah.ledger import Entry, Header, Ledger, Rujukan, entry_hash, sha256_bytes, sha256_file
from naskah.metadata import now, read_metadata
from naskah.models import NaskahDinas, jenis_class
from naskah.models.base import TeksPanjang
from naskah.models.disposisi import Disposisi
from naskah.models.pejabat import Pejabat
from naskah.pelaksana import DaftarPelaksana, same_person
from naskah.pengesahan import Paraf, Pengesahan, TandaTangan
from naskah.render import Renderer, default_renderer
from naskah.sop.model import JenisOutput, Langkah, Output, Sop, canonical_json

LEDGER, SOP_FILE, PELAKSANA_FILE, LOCK_FILE = (
    "ledger.json",
    "sop.json",
    "pelaksana.json",
    ".naskah.lock",
)
DOKUMEN, LAMPIRAN = "dokumen", "lampiran"
_TEKS: TypeAdapter[str] = TypeAdapter(TeksPanjang)
_UNRECORDED = "the file is not recorded in the ledger"


@dataclass(frozen=True)
class Masalah:
    """One problem found by :meth:`Trail.verify`."""

    pesan: str
    """What is wrong."""
    step: int | None = None
    """The step it concerns, if any."""
    file: str | None = None
    """The file it concerns (relative to the berkas), if any."""

    def __str__(self) -> str:
        where = []
        if self.step is not None:
            where.append(f"step {self.step}")
        if self.file is not None:
            where.append(self.file)
        return f"{': '.join(where)}: {self.pesan}" if where else self.pesan


@dataclass
class Verifikasi:
    """The result of verifying a berkas: intact, or the problems in step order."""

    masalah: list[Masalah] = field(default_factory=list)
    langkah: int = 0
    """How many steps the ledger records."""
    hash_akhir: str | None = None
    """The last entry's hash (the genesis hash for an empty trail)."""

    @property
    def utuh(self) -> bool:
        """True when nothing was changed, removed or reordered."""
        return not self.masalah

    @property
    def pertama(self) -> Masalah | None:
        """The first problem: the earliest step that was tampered with."""
        return self.masalah[0] if self.masalah else None


@dataclass(frozen=True)
class _State:
    """The latest version of every output produced so far, by kode."""

    refs: dict[str, tuple[int, Rujukan]]

    @classmethod
    def of(cls, entries: list[Entry]) -> _State:
        refs: dict[str, tuple[int, Rujukan]] = {}
        for entry in entries:
            for ref in [*entry.masukan, *entry.keluaran]:
                if ref.kode not in refs or entry.step >= refs[ref.kode][0]:
                    refs[ref.kode] = (entry.step, ref)
        return cls(refs)


class Trail:
    """A trail in a berkas folder. Start one with :meth:`init`, reopen with :meth:`open`."""

    def __init__(self, folder: Path, renderer: Renderer | None = None) -> None:
        self.folder = folder
        self.renderer = renderer or default_renderer()

    # ------------------------------------------------------------ lifecycle

    @classmethod
    def init(
        cls,
        folder: str | os.PathLike[str],
        pelaksana: DaftarPelaksana | Mapping[str, Any],
        *,
        sop: Sop | None = None,
        dibuat: datetime | None = None,
        renderer: Renderer | None = None,
    ) -> Trail:
        """Start a trail in ``folder`` (created if needed; must hold no trail yet)."""
        sop = sop or Sop.tata_kelola_data()
        if not isinstance(pelaksana, DaftarPelaksana):
            pelaksana = validate(DaftarPelaksana, pelaksana, PELAKSANA_FILE)
        unknown = pelaksana.unknown_roles({p.kode for p in sop.peran})
        if unknown:
            raise InputError(
                f"{PELAKSANA_FILE}: role(s) {', '.join(unknown)} are not in the SOP; "
                f"its roles are {', '.join(p.kode for p in sop.peran)}"
            )
        root = Path(folder)
        root.mkdir(parents=True, exist_ok=True)
        trail = cls(root, renderer)
        with trail._locked():
            if (root / LEDGER).exists():
                raise TrailError(f"{root} already holds a trail ({LEDGER} exists)")
            sop_bytes = sop.canonical_json()
            roster_bytes = canonical_json(pelaksana.model_dump(mode="json"))
            write_atomic(root / SOP_FILE, sop_bytes)
            write_atomic(root / PELAKSANA_FILE, roster_bytes)
            header = Header(
                berkas=str(uuid.uuid4()),
                sop_judul=sop.judul,
                sop_nomor=sop.nomor,
                sop_sha256=sha256_bytes(sop_bytes),
                pelaksana_sha256=sha256_bytes(roster_bytes),
                dibuat=(dibuat or now()).astimezone(sop.tz),
            )
            Ledger.new(root / LEDGER, header).save()
        return trail

    @classmethod
    def open(cls, folder: str | os.PathLike[str], renderer: Renderer | None = None) -> Trail:
        """Open an existing trail."""
        root = Path(folder)
        if not (root / LEDGER).is_file():
            raise TrailError(f"{root} holds no trail ({LEDGER} not found); start one with init")
        return cls(root, renderer)

    # ------------------------------------------------------------ reading

    @property
    def sop(self) -> Sop:
        """The SOP this trail runs under (from the berkas's sop.json)."""
        return Sop.model_validate_json((self.folder / SOP_FILE).read_bytes())

    @property
    def pelaksana(self) -> DaftarPelaksana:
        """The roster of this berkas."""
        return DaftarPelaksana.model_validate_json((self.folder / PELAKSANA_FILE).read_bytes())

    @property
    def header(self) -> Header:
        return Ledger.read(self.folder / LEDGER).header

    def entries(self) -> list[Entry]:
        """The ledger's entries, in order."""
        return Ledger.read(self.folder / LEDGER).entries()

    def next_step(self) -> Langkah | None:
        """The step to perform next, or None when the trail is complete."""
        done = len(Ledger.read(self.folder / LEDGER).raw_entries)
        langkah = self.sop.langkah
        return langkah[done] if done < len(langkah) else None

    def dokumen(self, kode: str) -> Path:
        """The current file of an output (its latest version)."""
        state = _State.of(self.entries())
        if kode not in state.refs or state.refs[kode][1].file is None:
            raise KeyError(f"no file for {kode!r} in this trail yet")
        return self.folder / str(state.refs[kode][1].file)

    # ------------------------------------------------------------ performing

    def perform(
        self,
        step: int,
        oleh: str,
        *,
        dokumen: Mapping[str, NaskahDinas | Mapping[str, Any]] | None = None,
        lampiran: Mapping[str, str | os.PathLike[str]] | None = None,
        tindakan: Mapping[str, str] | None = None,
        mulai: datetime | None = None,
        selesai: datetime | None = None,
        catatan: str | None = None,
    ) -> Entry:
        """Perform step ``step`` as the official ``oleh`` (NIP or full name).

        ``dokumen`` gives the model (or its JSON data) for each naskah output of the
        step, ``lampiran`` a file for each attachment output (and for external inputs
        such as 'program-kerja' at the step that needs them), ``tindakan`` a written
        account for each recorded action. Paraf and tanda tangan outputs need nothing:
        the engine applies them to the current version of the document.

        ``mulai`` defaults to when the previous step finished, ``selesai`` to now.
        Raises :class:`TrailError` when the step is refused and
        :class:`TrailLockedError` when another process holds the berkas.
        """
        dokumen, lampiran, tindakan = dict(dokumen or {}), dict(lampiran or {}), dict(
            tindakan or {}
        )
        with self._locked():
            ledger = Ledger.read(self.folder / LEDGER)
            leftovers = self._check_intact(len(ledger.raw_entries) + 1)
            entries = ledger.entries()
            sop = self.sop
            langkah = self._check_order(sop, step, len(entries))
            pejabat, peran = self._check_performer(sop, langkah, oleh)
            selesai_at = (selesai or now()).astimezone(sop.tz)
            mulai_at = self._check_times(ledger, entries, mulai, selesai_at, sop)
            state = _State.of(entries)
            masukan, external = self._check_kelengkapan(sop, langkah, state, lampiran)
            self._check_supplied(langkah, dokumen, lampiran, tindakan, external)

            # Everything is validated before the first file is written, so a refused
            # step leaves no trace.
            rendered: dict[str, tuple[Output, NaskahDinas, Pengesahan]] = {}
            accounts: dict[str, str] = {}
            for out in langkah.output:
                if out.jenis.naskah:
                    model = self._document(out, dokumen[out.kode], pejabat)
                    rendered[out.kode] = (out, model, self._given(out, model, pejabat, peran,
                                                                  selesai_at))
                elif out.jenis is JenisOutput.TINDAKAN:
                    accounts[out.kode] = validate_text(tindakan[out.kode], f"tindakan.{out.kode}")
                elif out.jenis.pengesahan:
                    rendered[out.kode] = self._approval(out, state, pejabat, peran, selesai_at)
            note = validate_text(catatan, "catatan") if catatan else None

            for leftover in leftovers:  # of an earlier attempt at this step that crashed
                leftover.unlink(missing_ok=True)
            written: list[Path] = []
            try:
                for kode in external:  # external inputs are stored with the step needing them
                    masukan.append(self._store_lampiran(step, kode, _masukan_nama(sop, kode),
                                                        "masukan", Path(lampiran[kode]), written))
                keluaran: list[Rujukan] = []
                for out in langkah.output:
                    if out.jenis is JenisOutput.LAMPIRAN:
                        keluaran.append(self._store_lampiran(
                            step, out.kode, out.nama, out.jenis.value, Path(lampiran[out.kode]),
                            written))
                    elif out.jenis is JenisOutput.TINDAKAN:
                        keluaran.append(Rujukan(
                            kode=out.kode, nama=out.nama, jenis=out.jenis.value,
                            sha256=sha256_bytes(accounts[out.kode].encode("utf-8"))))
                    else:
                        source, model, pengesahan = rendered[out.kode]
                        ref = self._store_naskah(step, source, model, pengesahan, selesai_at,
                                                 written)
                        keluaran.append(ref.model_copy(update={"jenis": out.jenis.value}))
                recorded = self._record(ledger, sop, langkah, peran, pejabat, mulai_at,
                                        selesai_at, masukan, keluaran, accounts, note)
            except BaseException:
                for path in written:  # the ledger was not written: neither are the files
                    path.unlink(missing_ok=True)
                raise
            return recorded

    @staticmethod
    def _record(
        ledger: Ledger,
        sop: Sop,
        langkah: Langkah,
        peran: str,
        pejabat: Pejabat,
        mulai_at: datetime,
        selesai_at: datetime,
        masukan: list[Rujukan],
        keluaran: list[Rujukan],
        accounts: dict[str, str],
        catatan: str | None,
    ) -> Entry:
        entry: dict[str, Any] = {
            "step": langkah.nomor,
            "kegiatan": langkah.kegiatan,
            "peran": peran,
            "pelaksana": pejabat.model_dump(mode="json"),
            "mulai": mulai_at.isoformat(),
            "selesai": selesai_at.isoformat(),
            "dicatat": now().astimezone(sop.tz).isoformat(),
            "durasi_menit": round(sop.jam_kerja.menit_kerja(mulai_at, selesai_at), 2),
            "standar_menit": sop.waktu_menit(langkah),
            "masukan": [r.model_dump(mode="json", exclude_none=True) for r in masukan],
            "keluaran": [r.model_dump(mode="json", exclude_none=True) for r in keluaran],
            "tindakan": accounts,
        }
        if catatan:
            entry["catatan"] = catatan
        recorded = ledger.append(entry)
        ledger.save()  # the step exists from this write on, not before
        return recorded

    def _check_intact(self, next_step: int) -> list[Path]:
        """Refuse a tampered berkas; return leftover files of a crashed attempt at next_step."""
        verification = self.verify()
        prefix = f"{next_step:02d}-"
        leftovers = [m for m in verification.masalah
                     if m.step is None and m.file and PurePosixPath(m.file).name.startswith(prefix)
                     and m.pesan.startswith(_UNRECORDED)]
        problems = [m for m in verification.masalah if m not in leftovers]
        if problems:
            raise TamperError(
                f"refusing to extend a berkas that fails verification: {problems[0]}"
            )
        return [self.folder / str(m.file) for m in leftovers]

    # ------------------------------------------------------------ checks

    @staticmethod
    def _check_order(sop: Sop, step: int, done: int) -> Langkah:
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

    def _check_performer(self, sop: Sop, langkah: Langkah, oleh: str) -> tuple[Pejabat, str]:
        try:
            pejabat, roles = self.pelaksana.cari(oleh)
        except KeyError as exc:
            raise TrailError(str(exc.args[0])) from None
        allowed = [r for r in langkah.pelaksana if r in roles]
        if not allowed:
            held = ", ".join(sop.peran_ke(r).nama for r in roles) or "no role"
            needed = " or ".join(sop.peran_ke(r).nama for r in langkah.pelaksana)
            raise TrailError(
                f"{pejabat.nama} holds {held}; step {langkah.nomor} must be performed by {needed}"
            )
        return pejabat, allowed[0]

    @staticmethod
    def _check_times(
        ledger: Ledger,
        entries: list[Entry],
        mulai: datetime | None,
        selesai: datetime,
        sop: Sop,
    ) -> datetime:
        if not entries:
            # The first step may be recorded after the fact: the trail's start is only a
            # default, not a bound ("dicatat" keeps the real recording time).
            dibuat = ledger.header.dibuat
            mulai_at = (mulai or min(dibuat, selesai)).astimezone(sop.tz)
            if selesai < mulai_at:
                raise TrailError(
                    f"selesai {selesai.isoformat()} is before mulai {mulai_at.isoformat()}"
                )
            return mulai_at
        previous = entries[-1].selesai
        mulai_at = (mulai or previous).astimezone(sop.tz)
        if mulai_at < previous:
            raise TrailError(
                f"mulai {mulai_at.isoformat()} is before the previous step finished "
                f"({previous.isoformat()})"
            )
        if selesai < mulai_at:
            raise TrailError(
                f"selesai {selesai.isoformat()} is before mulai {mulai_at.isoformat()}"
            )
        return mulai_at

    def _check_kelengkapan(
        self, sop: Sop, langkah: Langkah, state: _State, lampiran: Mapping[str, Any]
    ) -> tuple[list[Rujukan], list[str]]:
        masukan: list[Rujukan] = []
        external: list[str] = []
        declared = {m.kode for m in sop.masukan}
        for need in langkah.kelengkapan:
            if need.kode not in state.refs:
                if need.kode in declared:
                    if need.kode not in lampiran:
                        raise TrailError(
                            f"step {langkah.nomor} needs the kelengkapan {need.kode!r} "
                            f"({_masukan_nama(sop, need.kode)}): supply it as a lampiran file"
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

    @staticmethod
    def _check_supplied(
        langkah: Langkah,
        dokumen: Mapping[str, Any],
        lampiran: Mapping[str, Any],
        tindakan: Mapping[str, Any],
        external: list[str],
    ) -> None:
        def expect(kind: str, given: Mapping[str, Any], wanted: set[str]) -> None:
            missing = sorted(wanted - given.keys())
            extra = sorted(given.keys() - wanted)
            if missing:
                raise TrailError(
                    f"step {langkah.nomor} needs {kind} for: {', '.join(missing)}"
                )
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
        for kode, path in lampiran.items():
            if not Path(path).is_file():
                raise TrailError(f"lampiran {kode!r}: file {os.fspath(path)!r} does not exist")

    @staticmethod
    def _document(out: Output, data: NaskahDinas | Mapping[str, Any], performer: Pejabat
                  ) -> NaskahDinas:
        cls = jenis_class(out.jenis.value)
        if isinstance(data, NaskahDinas):
            if not isinstance(data, cls):
                raise TrailError(
                    f"dokumen {out.kode!r} must be a {cls.__name__}, got {type(data).__name__}"
                )
            model: NaskahDinas = data
        else:
            model = validate(cls, dict(data), f"dokumen {out.kode}")
        # A disposisi is given by the one who performs the step; nobody else may sign it.
        if isinstance(model, Disposisi) and not same_person(model.pemberi, performer):
            raise TrailError(
                f"dokumen {out.kode!r}: the disposisi is given by {model.pemberi.nama}, "
                f"but the step is performed by {performer.nama}"
            )
        return model

    # ------------------------------------------------------------ writing

    def _file_name(self, folder: str, step: int, kode: str, suffix: str) -> PurePosixPath:
        return PurePosixPath(folder) / f"{step:02d}-{kode}{suffix}"

    def _write(self, rel: PurePosixPath, data: bytes, written: list[Path]) -> str:
        target = self.folder / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, data)
        written.append(target)
        return sha256_bytes(data)

    def _store_naskah(
        self,
        step: int,
        out: Output,
        model: NaskahDinas,
        pengesahan: Pengesahan,
        waktu: datetime,
        written: list[Path],
    ) -> Rujukan:
        data = self.renderer.render(model, pengesahan=pengesahan, dibuat=waktu)
        rel = self._file_name(DOKUMEN, step, out.kode, ".docx")
        digest = self._write(rel, data, written)
        return Rujukan(
            kode=out.kode,
            nama=out.nama,
            jenis=out.jenis.value,
            file=str(rel),
            sha256=digest,
            content_hash=model.content_hash(),
            status=pengesahan.status,
        )

    def _store_lampiran(
        self, step: int, kode: str, nama: str, jenis: str, source: Path, written: list[Path]
    ) -> Rujukan:
        rel = self._file_name(LAMPIRAN, step, kode, source.suffix.lower())
        digest = self._write(rel, source.read_bytes(), written)
        return Rujukan(kode=kode, nama=nama, jenis=jenis, file=str(rel), sha256=digest)

    @staticmethod
    def _given(
        out: Output, model: NaskahDinas, pejabat: Pejabat, peran: str, waktu: datetime
    ) -> Pengesahan:
        """The approval a new document starts with.

        A disposisi is final when its giver (the performer, checked in _document)
        gives it; every other document starts as a konsep.
        """
        if out.jenis is not JenisOutput.DISPOSISI:
            return Pengesahan()
        return Pengesahan(tanda_tangan=TandaTangan(
            pejabat=pejabat, peran=peran, waktu=waktu, content_hash=model.content_hash()))

    def _approval(
        self, out: Output, state: _State, pejabat: Pejabat, peran: str, waktu: datetime
    ) -> tuple[Output, NaskahDinas, Pengesahan]:
        """Paraf or sign the current version of a document (checked, nothing written)."""
        _, current = state.refs[out.kode]
        meta = read_metadata(self.folder / str(current.file))
        model = validate(jenis_class(meta.jenis), meta.naskah, str(current.file))
        content_hash = model.content_hash()
        if content_hash != current.content_hash:
            raise TamperError(f"{current.file}: its content does not match the ledger")
        try:
            if out.jenis is JenisOutput.PARAF:
                pengesahan = meta.pengesahan.with_paraf(Paraf(
                    pejabat=pejabat, peran=peran, waktu=waktu, content_hash=content_hash))
            else:
                signer = model.penandatangan_utama
                if not same_person(signer, pejabat):
                    raise TrailError(
                        f"{out.kode}: the document names {signer.nama} as its penandatangan; "
                        f"{pejabat.nama} cannot sign it"
                    )
                penandatangan = getattr(model, "penandatangan", None)
                pengesahan = meta.pengesahan.with_tanda_tangan(TandaTangan(
                    pejabat=pejabat, peran=peran, waktu=waktu, content_hash=content_hash,
                    delegasi=penandatangan.delegasi if penandatangan else []))
        except ValueError as exc:
            raise TrailError(f"{out.kode}: {exc}") from None
        source = Output(kode=out.kode, nama=out.nama, jenis=JenisOutput(meta.jenis))
        return source, model, pengesahan

    # ------------------------------------------------------------ verifying

    def verify(self) -> Verifikasi:
        """Recompute every hash and check every file; report problems in step order."""
        result = Verifikasi()
        try:
            ledger = Ledger.read(self.folder / LEDGER)
        except TamperError as exc:
            result.masalah.append(Masalah(str(exc), file=LEDGER))
            return result
        try:
            header = ledger.header
        except ValueError as exc:
            result.masalah.append(Masalah(f"the ledger header is invalid: {exc}", file=LEDGER))
            return result
        for name, expected in ((SOP_FILE, header.sop_sha256),
                               (PELAKSANA_FILE, header.pelaksana_sha256)):
            problem = _file_problem(self.folder, name, expected)
            if problem:
                result.masalah.append(Masalah(problem, file=name))
        previous = ledger.genesis
        referenced: set[str] = set()
        for position, raw in enumerate(ledger.raw_entries, 1):
            step = raw.get("step") if isinstance(raw, dict) else None
            label = step if isinstance(step, int) else position
            if not isinstance(raw, dict):
                result.masalah.append(Masalah("the ledger entry is not an object", position))
                break
            if step != position:
                result.masalah.append(Masalah(
                    f"the ledger's entry {position} is for step {step}: entries were "
                    "removed or reordered", position, LEDGER))
            if raw.get("prev_hash") != previous:
                result.masalah.append(Masalah(
                    "the hash chain is broken before this entry: an earlier entry was "
                    "changed, removed or reordered", label, LEDGER))
            if entry_hash(raw) != raw.get("hash"):
                result.masalah.append(Masalah(
                    "the ledger entry was edited after it was recorded (hash mismatch)",
                    label, LEDGER))
            previous = str(raw.get("hash"))
            try:
                entry = Entry.model_validate(raw)
            except ValueError as exc:
                result.masalah.append(Masalah(f"the ledger entry is malformed: {exc}", label))
                continue
            for ref in [*entry.masukan, *entry.keluaran]:
                if ref.file is None:
                    continue
                referenced.add(ref.file)
                problem = _file_problem(self.folder, ref.file, ref.sha256)
                if problem is None and ref.content_hash is not None:
                    problem = _document_problem(self.folder / ref.file, ref)
                if problem:
                    result.masalah.append(Masalah(problem, entry.step, ref.file))
        for orphan in _orphans(self.folder, referenced):
            result.masalah.append(Masalah(
                f"{_UNRECORDED} (an interrupted step that was not performed again, or an "
                "added file)", None, orphan))
        result.langkah = len(ledger.raw_entries)
        result.hash_akhir = previous
        result.masalah.sort(key=lambda m: (m.step is None, m.step or 0))
        return result

    # ------------------------------------------------------------ locking

    @contextmanager
    def _locked(self) -> Iterator[None]:
        lock = FileLock(str(self.folder / LOCK_FILE), timeout=0)
        try:
            with lock:
                yield
        except Timeout:
            raise TrailLockedError(
                f"another process is performing a step on {self.folder} right now; "
                "try again when it has finished"
            ) from None


def validate_text(text: str, field: str) -> str:
    """Check free text for a ledger field (tindakan, catatan) like any model text."""
    try:
        return _TEKS.validate_python(text.strip() if isinstance(text, str) else text)
    except ValidationError as exc:
        reason = exc.errors()[0]["msg"].removeprefix("Value error, ")
        raise InputError(f"{field}: {reason}", [(field, reason)]) from None


def _file_problem(folder: Path, rel: str, expected: str) -> str | None:
    path = folder / rel
    if not path.is_file():
        return "the file is missing"
    actual = sha256_file(path)
    if actual != expected:
        return f"the file was changed after it was recorded (sha256 {actual[:12]}…, " \
               f"recorded {expected[:12]}…)"
    return None


def _document_problem(path: Path, ref: Rujukan) -> str | None:
    try:
        meta = read_metadata(path)
    except MetadataError as exc:
        return str(exc)
    try:
        model = jenis_class(meta.jenis).model_validate(meta.naskah)
    except (ValueError, NaskahError) as exc:
        return f"the document data in its metadata is invalid: {exc}"
    content_hash = model.content_hash()
    if content_hash != ref.content_hash or meta.content_hash != content_hash:
        return "the document's content does not match its recorded content hash"
    problems = meta.pengesahan.invalid_records(content_hash)
    return "; ".join(problems) or None


def _orphans(folder: Path, referenced: set[str]) -> list[str]:
    found = []
    for sub in (DOKUMEN, LAMPIRAN):
        base = folder / sub
        if not base.is_dir():
            continue
        for path in sorted(base.iterdir()):
            rel = str(PurePosixPath(sub) / path.name)
            if path.name.startswith("."):
                continue  # temporary files of an atomic write in progress
            if rel not in referenced:
                found.append(rel)
    return found


def _masukan_nama(sop: Sop, kode: str) -> str:
    return next((m.nama for m in sop.masukan if m.kode == kode), kode)


__all__ = ["Masalah", "Trail", "Verifikasi"]
