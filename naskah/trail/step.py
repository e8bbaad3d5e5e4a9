"""Performing one step of a trail: every check, then the step's files and its entry, or nothing.

:func:`perform_step` is what :meth:`naskah.trail.Trail.perform` runs. Under the
berkas's exclusive lock it removes what a crashed step left, checks the ledger's chain
and the files the step depends on, applies the SOP's rules (:mod:`naskah.trail.rules`),
checks the trail's head in its register (never extending a truncated trail) and
cancels the numbers a killed step left, builds its documents
(:mod:`naskah.trail.approvals`), stages its files (:mod:`naskah.trail.folder`), signs
the originals and the entry, places the files and only then writes the entry, then
anchors the new head in the register (see :mod:`naskah.trail.penomoran` for the order).
A failure before the entry is written rolls the files back and cancels the register
numbers the step took.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, ValidationError

from naskah.clock import now
from naskah.errors import InputError, TamperError
from naskah.kalender import Kalender
from naskah.models import NaskahDinas
from naskah.models.pejabat import Pejabat
from naskah.models.pengesahan import Pengesahan
from naskah.sop.model import JenisOutput, Output, Sop
from naskah.trail import approvals, baca, pengaturan, penomoran, rules, signatures
from naskah.trail.asli import sign_originals
from naskah.trail.folder import LEDGER, PELAKSANA_FILE, SOP_FILE, StepFiles, exclusive_lock, recover
from naskah.trail.ledger import FORMAT, DraftEntry, Entry, JenisRujukan, Ledger, Rujukan
from naskah.trail.outputs import store_outputs
from naskah.trail.pelaksana import DaftarPelaksana
from naskah.trail.penomoran import Penomor
from naskah.trail.sources import aset_resolver, store_lampiran, store_logo
from naskah.trail.verification import Verifikasi, check_chain, check_files, check_signatures

if TYPE_CHECKING:
    from naskah.docx.renderer import Renderer
    from naskah.register import Kepala
    from naskah.tte.signer import Signer

M = TypeVar("M", bound=BaseModel)


def perform_step(
    folder: Path,
    renderer: Renderer,
    step: int,
    oleh: str,
    *,
    dokumen: Mapping[str, NaskahDinas | Mapping[str, Any]],
    lampiran: Mapping[str, str | os.PathLike[str]],
    tindakan: Mapping[str, str],
    mulai: datetime | None,
    selesai: datetime | None,
    catatan: str | None,
    signer: Signer | None,
    max_lampiran: int,
) -> Entry:
    """Perform step ``step`` of the trail in ``folder`` (see :meth:`naskah.trail.Trail.perform`)."""
    with exclusive_lock(folder):
        ledger = Ledger.read(folder / LEDGER)
        recover(folder, ledger.recorded_files())
        entries = _check_chain(folder, ledger)
        sop = read_model(Sop, folder / SOP_FILE)
        roster = read_model(DaftarPelaksana, folder / PELAKSANA_FILE)
        langkah = rules.check_order(sop, step, len(entries))
        pejabat, peran = rules.check_performer(sop, roster, langkah, oleh)
        key = signatures.require_signer(signer, roster, pejabat, f"step {step}")
        waktu = rules.check_times(sop, ledger.header.dibuat, entries, mulai, selesai, now())
        kalender = Kalender.muat(jam=sop.jam_kerja)
        state = rules.Keadaan.of(entries)
        masukan, external = rules.check_kelengkapan(sop, langkah, state, lampiran)
        rules.check_supplied(langkah, dokumen, lampiran, tindakan, external)
        _check_depends(folder, langkah.output, masukan, state)
        penomor = Penomor(folder, pengaturan.read(folder, ledger.header.pengaturan_sha256),
                          ledger.header.berkas)
        try:
            head = penomor.kepala([e.hash for e in entries], ledger.genesis)
            # The ledger is the trail's latest and this process holds its lock: a number
            # given to a later step is one a killed step left.
            penomor.selesaikan(len(entries), oleh=pejabat.nama)
        except BaseException:
            penomor.close()
            raise

        # The step's files are staged in .naskah-staging (outside the recorded folders)
        # as they are read and checked; a refused or failed step removes them there,
        # and from their places, and leaves no trace.
        files = StepFiles(folder)
        try:
            aset: list[Rujukan] = []
            rendered: dict[str, tuple[Output, NaskahDinas, Pengesahan]] = {}
            accounts: dict[str, str] = {}
            for out in langkah.output:
                if out.jenis.naskah:
                    model = approvals.new_document(out, dokumen[out.kode], pejabat)
                    # The kop it renders with is recorded in it: the berkas's documents
                    # never depend on the renderer that first rendered them.
                    try:
                        model = renderer.dengan_kop(model)
                    except InputError as exc:
                        raise InputError(f"dokumen {out.kode!r}: {exc}", exc.errors) from None
                    model = store_logo(files, step, out, model, aset)
                    rendered[out.kode] = (out, model, approvals.first_approval(
                        out, model, pejabat, peran, waktu.selesai))
                elif out.jenis is JenisOutput.TINDAKAN:
                    accounts[out.kode] = rules.validate_text(tindakan[out.kode],
                                                             f"tindakan.{out.kode}")
                elif out.jenis.pengesahan:
                    rendered[out.kode] = approvals.approve(
                        folder, out, state, pejabat, peran, waktu.selesai,
                        same_signer=sop.paraf_dan_tanda_tangan_sama,
                        isi=partial(penomor.beri, out, pejabat=pejabat, waktu=waktu.selesai,
                                    step=step),
                        tandai=partial(_sign_paraf, key, pejabat))
            note = rules.validate_text(catatan, "catatan") if catatan else None
            for kode in external:  # outside inputs are stored with the step needing them
                masukan.append(store_lampiran(
                    files, step, kode, rules.masukan_nama(sop, kode), JenisRujukan.MASUKAN,
                    lampiran[kode], max_lampiran))
            keluaran, to_sign = store_outputs(
                langkah.output, step, rendered, accounts, lampiran, files,
                render=partial(renderer.render, dibuat=waktu.selesai,
                               aset=aset_resolver(files.staging, folder)),
                max_lampiran=max_lampiran)
            if ledger.format == FORMAT:  # older ledgers keep the fields they were made with
                keluaran = [_numbered(ref, penomor) for ref in keluaran]
            asli = sign_originals(step, to_sign, key, files, ledger.header.berkas,
                                  renderer.profil.tte, renderer.profil.halaman)
            draft = DraftEntry(
                step=langkah.nomor, kegiatan=langkah.kegiatan, peran=peran, pelaksana=pejabat,
                mulai=waktu.mulai, selesai=waktu.selesai, dicatat=now().astimezone(sop.tz),
                waktu_dilaporkan=waktu.dilaporkan,
                durasi_menit=round(kalender.menit_kerja(waktu.mulai, waktu.selesai), 2),
                standar_menit=sop.waktu_menit(langkah), kalender=kalender.versi,
                masukan=masukan, keluaran=keluaran,
                aset=aset, tindakan=accounts, catatan=note, asli=asli,
            )
            # Signed before anything is placed: a wrong passphrase leaves no trace.
            payload_signer = lambda payload: signatures.sign(key, payload)  # noqa: E731
            recorded = ledger.append(draft, sign=payload_signer)
            files.place()
            ledger.save()  # the step exists from this write on, not before
        except BaseException as exc:
            files.rollback()  # the ledger was not written: neither are the files
            # ... nor the numbers: each is cancelled with the reason, never left a hole.
            try:
                penomor.batal(penomoran.alasan(exc, step), oleh=pejabat.nama)
            except Exception as cancel:  # the step's own failure is what to report
                exc.add_note(f"the numbers it took could not be cancelled: {cancel}")
            penomor.close()
            raise
        files.done()
        try:
            _anchor(penomor, len(entries) + 1, recorded, head)
        finally:
            penomor.close()
        return recorded


def _anchor(penomor: Penomor, count: int, recorded: Entry, head: Kepala | None) -> None:
    """Anchor the entry just written in the register. The step is recorded whatever
    happens here; a failure says so (and the next step anchors it). In the database
    trail store's one transaction (``penomor.terikat``) a failure undoes the whole step
    instead, and is raised as it is."""
    try:
        penomor.catat_kepala(count, recorded.hash, head)
    except TamperError as exc:
        if penomor.terikat:
            raise
        raise TamperError(f"step {recorded.step} was recorded, but {exc}") from None
    except Exception as exc:  # the register's database: gone, locked, refused
        if penomor.terikat:
            raise
        from naskah.register import RegisterError

        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        raise RegisterError(
            f"step {recorded.step} was recorded, but its head could not be anchored in the "
            f"register ({reason[0] if reason else type(exc).__name__}); the next step "
            "anchors it, and until then verify reports the trail as anchored one step "
            "behind") from None


def _numbered(ref: Rujukan, penomor: Penomor) -> Rujukan:
    """A signed document's reference with the register number it took (ledger format 3)."""
    nomor = penomor.per_kode.get(ref.kode)
    if nomor is None or ref.jenis.value != JenisOutput.TANDA_TANGAN.value:
        return ref
    return ref.model_copy(update={"nomor": nomor.teks, "nomor_id": nomor.id})


def _check_chain(folder: Path, ledger: Ledger) -> list[Entry]:
    """Refuse to extend a ledger whose chain, header, SOP or roster fails.

    Only the ledger (cheap: one JSON file, its signatures) and the small files it names are
    checked here, not every document of the berkas: that made each step re-hash
    and re-read everything before it, so a trail's cost grew with the square of
    its length. The files a step depends on are checked in _check_depends; the
    full check of every file is ``verify`` (and the berkas PDF, which runs it).
    """
    result = Verifikasi()
    entries = check_chain(folder, ledger, result)
    if entries is not None and not result.masalah:
        # The header's and the last entry's signatures: the last entry signs its
        # prev_hash, which chains every earlier entry, so a ledger rewritten without
        # the keys is never extended, at a constant cost per step. verify checks
        # each entry's own signature (and the signed PDFs).
        result.masalah.extend(check_signatures(folder, ledger, entries[-1:], None,
                                               originals=False))
    if result.masalah or entries is None:
        first = result.masalah[0] if result.masalah else "the ledger is unreadable"
        raise TamperError(f"refusing to extend a berkas that fails verification: {first}")
    return entries

def _check_depends(folder: Path, outputs: list[Output], masukan: list[Rujukan],
               state: rules.Keadaan) -> None:
    """The recorded files this step uses (its kelengkapan and the documents it
    approves) must be exactly as recorded."""
    kodes = [r.kode for r in masukan] + [o.kode for o in outputs if o.jenis.pengesahan]
    for kode in dict.fromkeys(kodes):
        if kode in state.refs:
            step, ref = state.refs[kode]
            problems = check_files(folder, step, [ref])
            if problems:
                raise TamperError("refusing to extend a berkas that fails verification: "
                                  f"{problems[0]}")


def _sign_paraf(key: Signer, pejabat: Pejabat, konsep_hash: str) -> str:
    """The paraf-giver's signature over the konsep hash (base64 CMS)."""
    return signatures.sign(key, signatures.paraf_payload(konsep_hash, pejabat))


def read_model(model: type[M], path: Path) -> M:
    """A berkas file (``sop.json``, ``pelaksana.json``) as its model; TamperError if bad."""
    try:
        return model.model_validate_json(baca.read(path, baca.MAX_BERKAS_JSON_BYTES))
    except (ValidationError, ValueError) as exc:
        raise TamperError(f"{path.name} is damaged: {str(exc)[:300]}") from None
    except FileNotFoundError:
        raise TamperError(f"{path.name} is missing from the berkas") from None


__all__ = ["perform_step", "read_model"]
