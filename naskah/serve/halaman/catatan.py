"""What the public verification page knows about a signed original: recorded at signing.

A signed original gets a random token (128 bits, :func:`token_baru`); its QR code
carries ``{url_publik}/v/{token}``. The database keeps the token's SHA-256 only, with
what the page shows: the letter's jenis, nomor, tanggal, hal and sifat, the signer,
the signing time and its source, the certificate's issuer and validity, and the
SHA-256 of the signed bytes (what "Cocokkan dokumen" compares an upload with).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select, update
from sqlalchemy.engine import Engine

from naskah.models.klasifikasi import Klasifikasi
from naskah.serve.tabel import tanda_tangan as t_ttd

TOKEN_BYTES = 16
"""128 bits: the token cannot be guessed or enumerated."""


def token_baru() -> str:
    """A new random token for a QR code (URL-safe, 22 characters)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def sidik(token: str) -> str:
    """What the table keeps of a token: its SHA-256."""
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


class Keterangan(BaseModel):
    """What the page says about the letter (``keterangan`` of ``POST /v1/tanda-tangan``)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "jenis": "Nota Dinas", "nomor": "B-12/Ses.PO/OT.01/11/2026", "tanggal": "2026-11-25",
        "hal": "Penyampaian Data Triwulan III", "sifat": "Biasa"}]})
    jenis: str | None = Field(default=None, max_length=100)
    nomor: str | None = Field(default=None, max_length=200)
    tanggal: date | None = None
    hal: str | None = Field(default=None, max_length=2000)
    sifat: Klasifikasi = Field(default=Klasifikasi.BIASA, description="klasifikasi keamanan: "
                               "for Terbatas and above the page shows no hal")


def keterangan_dari_docx(docx: bytes) -> Keterangan:
    """What the page shows, from the naskah metadata a DOCX of naskah carries."""
    from naskah.docx.metadata import read_metadata
    from naskah.models import jenis_class

    meta = read_metadata(docx, periksa=False)
    data = meta.naskah
    try:
        judul = jenis_class(meta.jenis).judul.title()
    except Exception:  # an unknown jenis from another naskah version: say it as recorded
        judul = meta.jenis
    sifat = Klasifikasi.BIASA
    if data.get("klasifikasi") in {k.value for k in Klasifikasi}:
        sifat = Klasifikasi(data["klasifikasi"])
    elif meta.nomor and "-" in meta.nomor:  # the nomor's code: B-, T-, R-, SR-
        with contextlib.suppress(KeyError, ValueError):
            sifat = Klasifikasi.from_kode(meta.nomor.split("-", 1)[0])
    tanggal = data.get("tanggal")
    try:
        when = date.fromisoformat(tanggal) if isinstance(tanggal, str) else None
    except ValueError:
        when = None
    return Keterangan(jenis=judul[:100], nomor=(meta.nomor or None) and meta.nomor[:200],
                      tanggal=when, hal=meta.hal[:2000], sifat=sifat)


@dataclass(frozen=True)
class Tanda:
    """The signature of a signed original, read back from its bytes."""

    nama: str
    nip: str | None
    jabatan: str | None
    waktu: datetime
    sumber_waktu: str
    penerbit: str | None
    berlaku_dari: datetime | None
    berlaku_sampai: datetime | None


def baca_tanda(pdf: bytes) -> Tanda:
    """The last signature's signer, time and certificate (the one the QR belongs to)."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    from naskah.tte.identity import identitas_from_der

    sig = list(PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures)[-1]
    cert = sig.signer_cert
    who = identitas_from_der(bytes(cert.dump()))
    tsa = _waktu_tsa(sig)
    if tsa is not None:
        when, source = tsa, "tsa"
    else:
        when = sig.self_reported_timestamp or datetime.now(UTC)
        source = "penanda-tangan"
    validity = cert["tbs_certificate"]["validity"]
    return Tanda(who.nama, who.nip, who.jabatan, when, source,
                 _penerbit(cert.issuer.native), validity["not_before"].native,
                 validity["not_after"].native)


def _penerbit(issuer: dict[str, Any]) -> str:
    """``CN, O`` of the issuer, as a reader knows it (e.g. ``BSrE, BSSN``)."""
    parts = [str(issuer[k]) for k in ("common_name", "organization_name") if issuer.get(k)]
    unique = [p for i, p in enumerate(parts) if p not in parts[:i]]
    return ", ".join(unique) or "-"


def _waktu_tsa(sig: Any) -> datetime | None:
    """The time of the signature's RFC 3161 timestamp token, if it has one."""
    from pyhanko.sign.general import NonexistentAttributeError, find_unique_cms_attribute

    try:
        token = find_unique_cms_attribute(sig.signer_info["unsigned_attrs"],
                                          "signature_time_stamp_token")
    except (NonexistentAttributeError, KeyError, ValueError):
        return None
    tst = token["content"]["encap_content_info"]["content"].parsed
    found: datetime = tst["gen_time"].native
    return found


def catat(engine: Engine, token: str, pdf: bytes, keterangan: Keterangan, asal: str) -> None:
    """Record the signed original ``pdf`` under ``token``. An earlier signed version of
    the same nomor is marked replaced (TIDAK BERLAKU)."""
    tanda = baca_tanda(pdf)
    now = datetime.now(UTC)
    with engine.begin() as conn:
        if keterangan.nomor:
            conn.execute(update(t_ttd).where(t_ttd.c.nomor == keterangan.nomor,
                                             t_ttd.c.diganti_pada.is_(None))
                         .values(diganti_pada=now))
        conn.execute(t_ttd.insert().values(
            token_sha256=sidik(token), dokumen_sha256=hashlib.sha256(pdf).hexdigest(),
            jenis=keterangan.jenis, nomor=keterangan.nomor,
            tanggal=keterangan.tanggal.isoformat() if keterangan.tanggal else None,
            hal=keterangan.hal, sifat=keterangan.sifat.value, penandatangan=tanda.nama[:300],
            nip=tanda.nip, jabatan=(tanda.jabatan or "")[:300] or None,
            ditandatangani_pada=tanda.waktu, sumber_waktu=tanda.sumber_waktu,
            penerbit=(tanda.penerbit or "")[:500] or None, berlaku_dari=tanda.berlaku_dari,
            berlaku_sampai=tanda.berlaku_sampai, asal=asal[:100], dicatat_pada=now))


def catat_langkah(engine: Engine, trail: Any, entry: Any, token: dict[str, str]) -> None:
    """Record each signed original of a trail step; ``token``: the token each document id
    got in its QR code (:class:`naskah.serve.halaman.berkode.SignerBerkode`)."""
    docx = {ref.kode: ref.file for ref in entry.keluaran if ref.file
            and ref.file.endswith(".docx")}
    for ref in entry.asli:
        doc_id = f"{trail.header.berkas}-{entry.step:02d}-{ref.kode}"  # as naskah.trail.asli
        if doc_id not in token:
            continue
        keterangan = (keterangan_dari_docx((trail.folder / docx[ref.kode]).read_bytes())
                      if ref.kode in docx else Keterangan())
        catat(engine, token[doc_id], (trail.folder / ref.file).read_bytes(),
              keterangan, f"trail/{trail.folder.name}"[:100])


def cari(engine: Engine, token: str) -> dict[str, Any] | None:
    """The record of ``token``, or None. One primary-key lookup by the token's hash,
    whatever the token: an unknown token costs what a known one does."""
    with engine.connect() as conn:
        row = conn.execute(select(t_ttd).where(t_ttd.c.token_sha256 == sidik(token))).first()
    return dict(row._mapping) if row is not None else None


def cabut(engine: Engine, token: str, alasan: str) -> bool:
    """Revoke the record of ``token`` (the page then says DICABUT); False if unknown.

    Staff revoke by nomor or SHA-256, with who and a checked reason:
    :mod:`naskah.serve.halaman.pencabutan`."""
    with engine.begin() as conn:
        done = conn.execute(update(t_ttd).where(t_ttd.c.token_sha256 == sidik(token))
                            .values(dicabut_pada=datetime.now(UTC), alasan_cabut=alasan))
    return bool(done.rowcount)


__all__ = ["TOKEN_BYTES", "Keterangan", "Tanda", "baca_tanda", "cabut", "cari", "catat",
           "catat_langkah", "keterangan_dari_docx", "sidik", "token_baru"]
