"""``POST /v1/verifikasi``: a PDF (or DOCX) in, the signature report (and, with a trail,
the file's standing in it) out."""

from __future__ import annotations

from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Depends, File, Form, Request, UploadFile

from naskah.errors import InputError
from naskah.serve.akun import Pengguna, Peran
from naskah.serve.auth import perlu
from naskah.serve.masalah import responses
from naskah.serve.routes.umum import layanan

router = APIRouter(tags=["verifikasi"])
_EXAMPLE = {"ok": True, "signatures": [{
    "field": "TTE", "penandatangan": {"nama": "Agus Setiawan, S.H., M.Si.",
                                      "nip": "197005151995031001", "jabatan": None,
                                      "instansi": None},
    "waktu": "2026-11-25T09:00:00+07:00", "timestamped": False, "intact": True, "valid": True,
    "trusted": True, "whole_file": True, "ok": True, "problems": []}],
    "trail": {"status": "VALID", "step": 14, "kode": "nodin-pengantar",
              "file": "dokumen/14-nodin-pengantar.pdf", "replaced_by": None,
              "trail_intact": True, "trail_problem": None}}


@router.post("/v1/verifikasi", summary="Verify a signed PDF (and its standing in a trail)",
             openapi_extra={"requestBody": {"content": {"multipart/form-data": {"example": {
                 "berkas": "(nota-dinas-ttd.pdf)"}}}}},
             responses={200: {"content": {"application/json": {"example": _EXAMPLE}}},
                        **responses(400, 401, 403, 404, 413, 422)})
async def verifikasi(
    request: Request, _: Annotated[Pengguna, Depends(perlu(*Peran))],
    berkas: Annotated[UploadFile, File(description="a signed .pdf, or a .pdf/.docx with trail")],
    trail: Annotated[str | None, Form(pattern="^[0-9a-f]{32}$",
                                      description="a trail of this service")] = None,
) -> dict[str, Any]:
    data = await berkas.read()
    name = (berkas.filename or "").lower()
    is_docx = name.endswith(".docx") or data[:2] == b"PK"
    if is_docx and trail is None:
        raise InputError("berkas: a .docx is verified against a trail; give trail",
                         [("trail", "required for a .docx")])

    def work() -> dict[str, Any]:
        from naskah.tte.trust import TrustStore
        from naskah.tte.verify import verify_pdf

        parts = layanan(request)
        standing = None
        trust = TrustStore.from_files(parts.settings.trust) if parts.settings.trust else None
        if trail is not None:
            from naskah.serve.routes.trail import _open
            from naskah.trail.signatures import load_trust
            from naskah.trail.status import kedudukan

            opened = _open(request, trail)
            check = opened.verify(trust)
            found = kedudukan(opened.entries(), data)
            standing = {"status": found.status.value, "step": found.step,
                        "kode": found.ref.kode if found.ref else None,
                        "file": found.ref.file if found.ref else None,
                        "replaced_by": found.pengganti, "trail_intact": check.utuh,
                        "trail_problem": str(check.pertama) if check.pertama else None}
            if trust is None:
                trust = load_trust((opened.folder / "trust.pem").read_bytes())
        signatures = [] if is_docx else verify_pdf(data, trust).signatures
        ok = (is_docx or (bool(signatures) and all(s.ok for s in signatures))) and (
            standing is None or (standing["status"] == "VALID" and standing["trail_intact"]))
        return {"ok": ok, "signatures": [s.as_dict() for s in signatures],
                **({"trail": standing} if standing else {})}

    return await anyio.to_thread.run_sync(work)


__all__ = ["router"]
