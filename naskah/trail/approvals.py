"""Documents and their approvals in a step: the model of a new document, the approval it
starts with, and paraf or tanda tangan on the current version of an earlier one."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from naskah.docx.metadata import read_metadata
from naskah.errors import TamperError, TrailError
from naskah.inputs import input_error, validate
from naskah.models import NaskahDinas, jenis_class
from naskah.models.disposisi import Disposisi
from naskah.models.pejabat import Pejabat
from naskah.models.pengesahan import Paraf, Pengesahan, TandaTangan
from naskah.sop.model import JenisOutput, Output
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
    # A disposisi is given by the one who performs the step; nobody else may sign it,
    # and it may not print another name over the performer's NIP.
    if isinstance(model, Disposisi):
        problem = person_mismatch(model.pemberi, performer)
        if problem:
            raise TrailError(
                f"dokumen {out.kode!r}: the disposisi is given by {model.pemberi.nama}, "
                f"but the step is performed by {performer.nama} ({problem})"
            )
    return model


def first_approval(out: Output, model: NaskahDinas, pejabat: Pejabat, peran: str,
                   waktu: datetime) -> Pengesahan:
    """The approval a new document starts with.

    A disposisi is final when its giver (the performer, checked in new_document)
    gives it; every other document starts as a konsep.
    """
    if out.jenis.value != Disposisi.jenis:
        return Pengesahan()
    return Pengesahan(tanda_tangan=TandaTangan(
        pejabat=pejabat, peran=peran, waktu=waktu, content_hash=model.content_hash()))


def approve(root: Path, out: Output, state: Keadaan, pejabat: Pejabat, peran: str,
            waktu: datetime, *, same_signer: bool = False,
            isi: Callable[[NaskahDinas], NaskahDinas] | None = None,
            tandai: Callable[[str], str] | None = None
            ) -> tuple[Output, NaskahDinas, Pengesahan]:
    """Paraf or sign the current version of a document (checked; nothing written).

    The official who gave a paraf may not also sign the document unless the SOP allows
    it (``same_signer``, the SOP's ``paraf_dan_tanda_tangan_sama``): a paraf is a check
    by someone other than the signer.

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
    content_hash = model.content_hash()
    if content_hash != current.content_hash:
        raise TamperError(f"{current.file}: its content does not match the ledger")
    try:
        if out.jenis is JenisOutput.PARAF:
            pengesahan = meta.pengesahan.with_paraf(Paraf(
                pejabat=pejabat, peran=peran, waktu=waktu, konsep_hash=model.konsep_hash()))
        else:
            if not same_signer and any(same_person(p.pejabat, pejabat)
                                       for p in meta.pengesahan.paraf):
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
            if meta.pengesahan.tanda_tangan is not None:
                raise ValueError("the document is already signed")
    except ValueError as exc:
        raise TrailError(f"{out.kode}: {exc}") from None
    if out.jenis is JenisOutput.PARAF:
        if tandai is not None:  # signed only once every check has passed
            paraf = pengesahan.paraf[-1]
            pengesahan = meta.pengesahan.with_paraf(
                paraf.model_copy(update={"tte": tandai(str(paraf.konsep_hash))}))
    else:
        # Numbered only once every check has passed: a refused signing takes no number.
        if isi is not None:
            model = isi(model)
        penandatangan = getattr(model, "penandatangan", None)
        pengesahan = meta.pengesahan.with_tanda_tangan(TandaTangan(
            pejabat=pejabat, peran=peran, waktu=waktu, content_hash=model.content_hash(),
            delegasi=penandatangan.delegasi if penandatangan else []))
    source = Output(kode=out.kode, nama=out.nama, jenis=JenisOutput(meta.jenis))
    return source, model, pengesahan


__all__ = ["approve", "first_approval", "new_document"]
