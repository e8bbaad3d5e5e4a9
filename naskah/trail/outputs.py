"""Recording a step's outputs: each document rendered and staged, each attachment and
written account stored, as the ledger references (:class:`~naskah.ledger.Rujukan`) of
the step's entry."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence

from naskah.hashing import sha256_bytes
from naskah.models import NaskahDinas
from naskah.models.pengesahan import Pengesahan
from naskah.sop.model import JenisOutput, Output
from naskah.trail.folder import DOKUMEN, StepFiles, step_file
from naskah.trail.ledger import JenisRujukan, Rujukan
from naskah.trail.sources import store_lampiran

Render = Callable[..., bytes]
"""``Renderer.render`` with the step's time bound: (model, pengesahan=...) -> DOCX bytes."""


def store_outputs(
    outputs: Sequence[Output],
    step: int,
    rendered: Mapping[str, tuple[Output, NaskahDinas, Pengesahan]],
    accounts: Mapping[str, str],
    lampiran: Mapping[str, str | os.PathLike[str]],
    files: StepFiles,
    *,
    render: Render,
    max_lampiran: int,
) -> tuple[list[Rujukan], list[tuple[Rujukan, bytes]]]:
    """The step's output references in SOP order, and the signed documents among them
    with their DOCX bytes (to be exported and PAdES-signed)."""
    keluaran: list[Rujukan] = []
    to_sign: list[tuple[Rujukan, bytes]] = []
    for out in outputs:
        if out.jenis is JenisOutput.LAMPIRAN:
            keluaran.append(store_lampiran(
                files, step, out.kode, out.nama, JenisRujukan.LAMPIRAN,
                lampiran[out.kode], max_lampiran))
        elif out.jenis is JenisOutput.TINDAKAN:
            keluaran.append(Rujukan(
                kode=out.kode, nama=out.nama, jenis=JenisRujukan.TINDAKAN,
                sha256=sha256_bytes(accounts[out.kode].encode("utf-8"))))
        else:
            source, model, pengesahan = rendered[out.kode]
            data = render(model, pengesahan=pengesahan)
            rel = step_file(DOKUMEN, step, source.kode, ".docx")
            ref = Rujukan(kode=source.kode, nama=source.nama, jenis=JenisRujukan(out.jenis),
                          file=str(rel), sha256=files.add(rel, data),
                          content_hash=model.content_hash(), status=pengesahan.status)
            if out.jenis is JenisOutput.PARAF:
                # The same signature as in the document's paraf record.
                paraf = pengesahan.paraf[-1]
                ref = ref.model_copy(update={"konsep_hash": paraf.konsep_hash,
                                             "tte": paraf.tte})
            elif out.jenis is JenisOutput.TANDA_TANGAN:
                to_sign.append((ref, data))
            keluaran.append(ref)
    return keluaran, to_sign


__all__ = ["store_outputs"]
