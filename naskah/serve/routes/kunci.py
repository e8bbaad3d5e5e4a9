"""An official's own key: ``POST /v1/kunci`` (enrol a PKCS#12 once), ``GET /v1/kunci``,
and ``POST /v1/tanda-tangan`` (sign a PDF with the secret in the request)."""

from __future__ import annotations

from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import Response
from pydantic import TypeAdapter, ValidationError

from naskah.errors import InputError
from naskah.serve import kunci
from naskah.serve.akun import Pengguna, Peran
from naskah.serve.auth import perlu
from naskah.serve.halaman import catatan
from naskah.serve.masalah import Masalah, responses
from naskah.serve.middleware import catat
from naskah.serve.routes.umum import content_disposition, layanan, not_found

router = APIRouter(tags=["tanda tangan"])
Pejabat = Annotated[Pengguna, Depends(perlu(Peran.PEJABAT))]
_RAHASIA = TypeAdapter(kunci.Rahasia)


def parse_rahasia(text: str, field: str = "kunci") -> Any:
    """The signing secret from a form field's JSON (never echoed in a problem)."""
    try:
        return _RAHASIA.validate_json(text)
    except ValidationError as exc:
        errors = [(".".join([field, *(str(p) for p in e["loc"])]), e["msg"])
                  for e in exc.errors(include_input=False)]
        raise InputError(f"{field}: " + "; ".join(f"{f}: {m}" for f, m in errors),
                         errors) from None


@router.post("/v1/kunci", status_code=201, summary="Enrol your PKCS#12 (once)",
             description="The file is kept encrypted with your passphrase, which is checked "
                         "here and never stored; steps you sign send it again.",
             openapi_extra={"requestBody": {"content": {"multipart/form-data": {"example": {
                 "p12": "(197005151995031001.p12)", "passphrase": "rahasia-anda"}}}}},
             responses={201: {"content": {"application/json": {"example": {
                 "nip": "197005151995031001", "penandatangan": {
                     "nama": "Agus Setiawan, S.H., M.Si.", "nip": "197005151995031001",
                     "jabatan": "Kepala Biro Perencanaan dan Organisasi", "instansi": None},
                 "sertifikat": "-----BEGIN CERTIFICATE-----\n..."}}}},
                 **responses(400, 401, 403, 413, 422)})
async def daftarkan(request: Request, who: Pejabat,
                    p12: Annotated[UploadFile, File(description="your .p12/.pfx")],
                    passphrase: Annotated[str, Form(min_length=1, max_length=1000)]
                    ) -> dict[str, Any]:
    data = await p12.read(kunci.MAX_P12 + 1)
    result: dict[str, Any] = await anyio.to_thread.run_sync(
        kunci.daftarkan, layanan(request), who, data, passphrase)
    catat(request.state, kunci=who.nip)
    return result


@router.get("/v1/kunci", summary="Your enrolled certificate",
            responses={200: {"content": {"application/json": {"example": {
                "nip": "197005151995031001", "sertifikat": "-----BEGIN CERTIFICATE-----\n..."}}}},
                **responses(401, 403, 404)})
def lihat(request: Request, who: Pejabat) -> dict[str, Any]:
    pem = kunci.sertifikat(layanan(request), who.nip or "")
    if pem is None:
        raise not_found(f"an enrolled key for NIP {who.nip}")
    return {"nip": who.nip, "sertifikat": pem}


@router.post("/v1/tanda-tangan", summary="Sign a PDF (PAdES) with your own key",
             description="`kunci` is JSON: `{\"jenis\": \"pkcs12\", \"passphrase\": ...}`, "
                         "`{\"jenis\": \"pkcs11\", \"pin\": ..., \"token\": ..., \"kunci\": "
                         "...}` or `{\"jenis\": \"bsre\", \"nik\": ..., \"passphrase\": ...}`. "
                         "The key must be certified for your account's NIP.",
             openapi_extra={"requestBody": {"content": {"multipart/form-data": {"example": {
                 "pdf": "(nota-dinas.pdf)",
                 "kunci": '{"jenis": "pkcs12", "passphrase": "rahasia-anda"}'}}}}},
             response_class=Response,
             responses={200: {"content": {"application/pdf": {"schema": {
                 "type": "string", "format": "binary"}}}},
                 **responses(400, 401, 403, 413, 422, 503)})
async def tanda_tangan(request: Request, who: Pejabat,
                       pdf: Annotated[UploadFile, File(description="the PDF to sign")],
                       kunci_json: Annotated[str, Form(alias="kunci", max_length=4000)],
                       doc_id: Annotated[str | None, Form(max_length=100)] = None,
                       keterangan_json: Annotated[str | None, Form(
                           alias="keterangan", max_length=5000,
                           description="JSON (`Keterangan`): jenis, nomor, tanggal, hal, sifat "
                                       "that the public verification page shows")] = None
                       ) -> Response:
    rahasia = parse_rahasia(kunci_json)
    keterangan = parse_keterangan(keterangan_json)
    data = await pdf.read()
    parts = layanan(request)
    token = catatan.token_baru()
    base = parts.settings.url_publik
    # No placeholder host: without url_publik the QR carries the bare token (a service
    # that knows its address can still look it up) and the answer says so.
    qr = f"{base.rstrip('/')}/v/{token}" if base else token

    def work() -> bytes:
        import hashlib

        from naskah.errors import BsreAnswerError
        from naskah.tte.pades import PdfSignOptions
        from naskah.tte.verify import verify_pdf

        with kunci.signer(parts, who, rahasia) as key:
            kunci.check_owner(who, key)
            options = PdfSignOptions(doc_id=doc_id or hashlib.sha256(data).hexdigest()[:16],
                                     qr_url=qr)
            try:
                signed: bytes = key.sign_pdf(data, options)
            except BsreAnswerError as exc:
                if exc.signed_by is None:
                    raise
                nip: str | None = exc.signed_by  # BSrE's client checked who signed
            else:
                nip = who.nip
                if key.certificate_der() is None:  # BSrE: read back who signed
                    reports = verify_pdf(signed, None).signatures
                    nip = (reports[-1].identitas.nip if reports and reports[-1].identitas
                           else None)
        if nip != who.nip:
            raise Masalah(403, "bukan-pejabatnya", f"BSrE signed with the certificate of "
                          f"NIP {nip or '-'}, not {who.nip}; the result is discarded")
        catatan.catat(parts.engine, token, signed, keterangan, "tanda-tangan")
        return signed

    signed = await anyio.to_thread.run_sync(work)
    catat(request.state, ditandatangani=who.nip)
    stem = (pdf.filename or "naskah").rsplit(".", 1)[0] + "-ttd"
    headers = {"Content-Disposition": content_disposition(stem, "pdf")}
    if base:
        headers["X-Naskah-Verifikasi"] = qr
    else:
        headers["X-Naskah-Peringatan"] = ("no url_publik (NASKAH_URL_PUBLIK): the QR code "
                                          "carries the verification token, not a URL")
    return Response(signed, media_type="application/pdf", headers=headers)


def parse_keterangan(text: str | None) -> catatan.Keterangan:
    """The ``keterangan`` form field (JSON) for the verification page; empty: none."""
    if not text:
        return catatan.Keterangan()
    try:
        return catatan.Keterangan.model_validate_json(text)
    except ValidationError as exc:
        errors = [(".".join(["keterangan", *(str(p) for p in e["loc"])]), e["msg"])
                  for e in exc.errors(include_input=False)]
        raise InputError("keterangan: " + "; ".join(f"{f}: {m}" for f, m in errors),
                         errors) from None


__all__ = ["parse_keterangan", "parse_rahasia", "router"]

