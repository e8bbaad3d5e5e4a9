"""Documents and their approvals in a step: the model of a new document, the approval it
starts with, and paraf or tanda tangan on the current version of an earlier one.

The rules (:func:`check_pemberi`, :func:`check_approval`) and the records
(:func:`paraf_record`, :func:`ttd_record`, :func:`first_approval`) are the same
functions for a step about to be performed and for a recorded one that ``verify``
judges again (:mod:`naskah.trail.riwayat`); :func:`expected_pengesahan` folds the
ledger's paraf and tanda tangan on a document into the records its file must carry.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from naskah.docx.metadata import read_metadata
from naskah.errors import TamperError, TrailError
from naskah.inputs import input_error, validate
from naskah.models import JENIS, NaskahDinas, jenis_class
from naskah.models.disposisi import Disposisi
from naskah.models.pejabat import Pejabat
from naskah.models.pengesahan import Paraf, Pengesahan, TandaTangan
from naskah.sop.model import JenisOutput, Output
from naskah.trail.ledger import Entry
from naskah.trail.pelaksana import person_mismatch, same_person
from naskah.trail.rules import Keadaan


def new_document(out: Output, data: NaskahDinas | Mapping[str, Any], performer: Pejabat
                 ) -> NaskahDinas:
    """The validated model of a document the step produces."""
    cls = jenis_class(out.jenis.value)
    if isinstance(data, NaskahDinas):
        if not isinstance(data, cls):
            raise TrailError(
                f"dokumen {out.kode!r} must be a {cls.__name__}, got {type(data).__name__}"
            )
        model: NaskahDinas = data
    else:
        model = validate(cls, dict(data), f"dokumen {out.kode}")
    check_pemberi(out.kode, model, performer)
    return model


def check_pemberi(kode: str, model: NaskahDinas, performer: Pejabat) -> None:
    """A disposisi is given by the one who performs the step; nobody else may sign it,
    and it may not print another name over the performer's NIP."""
    if isinstance(model, Disposisi):
        problem = person_mismatch(model.pemberi, performer)
        if problem:
            raise TrailError(
                f"dokumen {kode!r}: the disposisi is given by {model.pemberi.nama}, "
                f"but the step is performed by {performer.nama} ({problem})"
            )


def check_approval(out: Output, model: NaskahDinas, pengesahan: Pengesahan, pejabat: Pejabat,
                   *, same_signer: bool) -> None:
    """May ``pejabat`` give the paraf or tanda tangan ``out`` on this version of the
    document (``model`` with its records ``pengesahan``)? TrailError naming why not.

    Nothing is added once the document is signed. The signer must be the document's
    penandatangan, and an official who gave a paraf may not also sign unless the SOP
    allows it (``same_signer``, its ``paraf_dan_tanda_tangan_sama``): a paraf is a
    check by someone other than the signer.
    """
    if pengesahan.tanda_tangan is not None:
        what = "add a paraf" if out.jenis is JenisOutput.PARAF else "sign it again"
        raise TrailError(f"{out.kode}: the document is already signed; nobody may {what}")
    if out.jenis is JenisOutput.PARAF:
        return
    if not same_signer and any(same_person(p.pejabat, pejabat) for p in pengesahan.paraf):
        raise TrailError(
            f"{out.kode}: {pejabat.nama} gave a paraf on this document and may not "
            "also sign it (the SOP does not allow paraf_dan_tanda_tangan_sama)")
    signer = model.penandatangan_utama
    problem = person_mismatch(signer, pejabat)
    if problem:
        raise TrailError(
            f"{out.kode}: the document names {signer.nama} as its penandatangan; "
            f"{pejabat.nama} cannot sign it ({problem})"
        )


def first_approval(out: Output, model: NaskahDinas, pejabat: Pejabat, peran: str,
                   waktu: datetime) -> Pengesahan:
    """The approval a new document starts with.

    A disposisi is final when its giver (the performer, checked in new_document)
    gives it; every other document starts as a konsep.
    """
    if out.jenis.value != Disposisi.jenis:
        return Pengesahan()
    return Pengesahan(tanda_tangan=ttd_record(model, pejabat, peran, waktu))


def paraf_record(pejabat: Pejabat, peran: str, waktu: datetime, konsep_hash: str,
                 tte: str | None) -> Paraf:
    """The paraf record a step writes into the document (and the ledger keeps)."""
    return Paraf(pejabat=pejabat, peran=peran, waktu=waktu, konsep_hash=konsep_hash, tte=tte)


def ttd_record(model: NaskahDinas, pejabat: Pejabat, peran: str, waktu: datetime
               ) -> TandaTangan:
    """The tanda tangan record of ``model`` (its final content) given by ``pejabat``."""
    penandatangan = getattr(model, "penandatangan", None)
    return TandaTangan(pejabat=pejabat, peran=peran, waktu=waktu,
                       content_hash=model.content_hash(),
                       delegasi=penandatangan.delegasi if penandatangan else [])


def approve(root: Path, out: Output, state: Keadaan, pejabat: Pejabat, peran: str,
            waktu: datetime, *, same_signer: bool = False,
            isi: Callable[[NaskahDinas], NaskahDinas] | None = None,
            tandai: Callable[[str], str] | None = None
            ) -> tuple[Output, NaskahDinas, Pengesahan]:
    """Paraf or sign the current version of a document (checked; nothing written).

    A paraf covers the konsep (its ``konsep_hash``); ``isi`` fills in what signing
    adds (the register's number and the date) before the tanda tangan covers the
    final content. ``tandai`` signs a paraf (its konsep hash in, the base64 CMS
    signature out), kept in the paraf record (:attr:`~naskah.pengesahan.Paraf.tte`).
    """
    _, current = state.refs[out.kode]
    meta = read_metadata(root / str(current.file))
    try:
        model = jenis_class(meta.jenis).model_validate(meta.naskah)
    except ValidationError as exc:
        raise input_error(exc, str(current.file)) from None
    if model.content_hash() != current.content_hash:
        raise TamperError(f"{current.file}: its content does not match the ledger")
    check_approval(out, model, meta.pengesahan, pejabat, same_signer=same_signer)
    if out.jenis is JenisOutput.PARAF:
        konsep = model.konsep_hash()
        # Signed only once every check has passed.
        pengesahan = meta.pengesahan.with_paraf(paraf_record(
            pejabat, peran, waktu, konsep, tandai(konsep) if tandai is not None else None))
    else:
        # Numbered only once every check has passed: a refused signing takes no number.
        if isi is not None:
            model = isi(model)
        pengesahan = meta.pengesahan.with_tanda_tangan(ttd_record(model, pejabat, peran, waktu))
    source = Output(kode=out.kode, nama=out.nama, jenis=JenisOutput(meta.jenis))
    return source, model, pengesahan


def expected_pengesahan(entries: Sequence[Entry], step: int, kode: str, model: NaskahDinas
                        ) -> Pengesahan:
    """The records the version of document ``kode`` made at ``step`` must carry: every
    paraf and tanda tangan the ledger holds on it since the step that created it (each
    made by that entry's performer, in its role, at its end), nothing else. ``model`` is
    that version's data (a tanda tangan names its delegasi)."""
    pengesahan = Pengesahan()
    for entry in entries:
        if entry.step > step:
            break
        for ref in entry.keluaran:
            if ref.kode != kode:
                continue
            if ref.jenis.value in JENIS:  # the document is (re)created here
                out = Output(kode=kode, nama=ref.nama, jenis=JenisOutput(ref.jenis.value))
                pengesahan = first_approval(out, model, entry.pelaksana, entry.peran,
                                            entry.selesai)
                if pengesahan.tanda_tangan is not None:
                    pengesahan = Pengesahan(tanda_tangan=pengesahan.tanda_tangan.model_copy(
                        update={"content_hash": ref.content_hash}))
            elif ref.jenis.value == JenisOutput.PARAF.value and ref.konsep_hash is not None:
                pengesahan = pengesahan.model_copy(update={"paraf": [
                    *pengesahan.paraf, paraf_record(entry.pelaksana, entry.peran,
                                                    entry.selesai, ref.konsep_hash, ref.tte)]})
            elif ref.jenis.value == JenisOutput.TANDA_TANGAN.value:
                record = ttd_record(model, entry.pelaksana, entry.peran, entry.selesai)
                pengesahan = pengesahan.model_copy(update={"tanda_tangan": record.model_copy(
                    update={"content_hash": ref.content_hash})})
    return pengesahan


def pengesahan_mismatch(actual: Pengesahan, expected: Pengesahan) -> list[str]:
    """How a document's paraf and tanda tangan records differ from the ledger's."""
    found: list[str] = []
    for i in range(max(len(actual.paraf), len(expected.paraf))):
        have = actual.paraf[i] if i < len(actual.paraf) else None
        want = expected.paraf[i] if i < len(expected.paraf) else None
        if have == want:
            continue
        if want is None:
            assert have is not None
            found.append(f"paraf {i + 1} (by {have.pejabat.nama}) is not a paraf the ledger "
                         "holds on this document")
        elif have is None:
            found.append(f"the paraf of {want.pejabat.nama} that the ledger holds is missing "
                         f"from the document (paraf {i + 1})")
        else:
            found.append(f"paraf {i + 1} names {have.pejabat.nama} ({have.peran}); the ledger's "
                         f"paraf {i + 1} on this document was given by {want.pejabat.nama} "
                         f"({want.peran}) with another record or signature")
    have_ttd, want_ttd = actual.tanda_tangan, expected.tanda_tangan
    if have_ttd != want_ttd:
        if want_ttd is None:
            assert have_ttd is not None
            found.append(f"the tanda tangan of {have_ttd.pejabat.nama} is not one the ledger "
                         "holds: no recorded step signed this document")
        elif have_ttd is None:
            found.append(f"the tanda tangan of {want_ttd.pejabat.nama} that the ledger holds "
                         "is missing from the document")
        else:
            found.append(f"the tanda tangan names {have_ttd.pejabat.nama} ({have_ttd.peran}); "
                         f"the ledger's was given by {want_ttd.pejabat.nama} ({want_ttd.peran}) "
                         "with another record")
    return found


__all__ = ["approve", "check_approval", "check_pemberi", "expected_pengesahan",
           "first_approval", "new_document", "paraf_record", "pengesahan_mismatch",
           "ttd_record"]
