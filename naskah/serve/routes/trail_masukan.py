"""What a request to the service's trail routes gives: the trail to start
(:class:`TrailBaru`), a step to perform (:class:`LangkahBaru`, JSON or multipart with its
attachments), the trust roots and the trail's profile."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path as FsPath
from typing import Any

from fastapi import Request
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from naskah.errors import InputError
from naskah.serve import kunci
from naskah.serve.routes.dokumen import Profil
from naskah.serve.routes.umum import json_body, json_object, no_server_files

NAMA_FILE = re.compile(r"^[\w][\w.\-]{0,200}$")
"""An output kode, or a file name the service accepts (no path, no leading dot)."""


class TrailBaru(BaseModel):
    """A trail to start: the roster, the trust roots, and the starter's secret."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "pelaksana": {"peran": {"sesmenko": [{"nama": "Dr. Hendra Wirawan, S.H., M.Hum.",
                                              "jabatan": "Sekretaris Kementerian Koordinator",
                                              "nip": "196703121992031002"}]}},
        "oleh": "196703121992031002", "kunci": {"jenis": "pkcs12", "passphrase": "rahasia"}}]})
    pelaksana: dict[str, Any] = Field(description="the roster (pelaksana.json); a "
                                      "certificate missing from `sertifikat` is taken from the "
                                      "keys the officials enrolled")
    oleh: str = Field(min_length=1, max_length=300, description="who starts it (NIP or name)")
    kunci: kunci.Rahasia
    sop: dict[str, Any] | None = Field(default=None, description="an SOP (default: the "
                                       "shipped Tata Kelola Data)")
    trust: list[str] | None = Field(default=None, max_length=20,
                                    description="trust roots (PEM); default: the service's")
    profil: Profil | None = None
    penomoran: bool = Field(default=True, description="number the signed documents in the "
                           "service's register")


class LangkahBaru(BaseModel):
    """One step: who performs it, what it supplies, and their secret to sign it with."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "oleh": "196703121992031002", "dokumen": {}, "tindakan": {},
        "kunci": {"jenis": "pkcs12", "passphrase": "rahasia"}}]})
    oleh: str = Field(min_length=1, max_length=300)
    kunci: kunci.Rahasia
    dokumen: dict[str, dict[str, Any]] = Field(default_factory=dict, max_length=20)
    tindakan: dict[str, str] = Field(default_factory=dict, max_length=20)
    catatan: str | None = Field(default=None, max_length=10_000)
    mulai: datetime | None = None
    selesai: datetime | None = None


def profil_trail(nama: Any) -> Any:
    """The trail's profile (the service's public URL goes to the trail's settings: a
    ``{url}/v/{id}`` pattern would name a document id the public page does not know)."""
    from naskah.profil import load_profil

    return load_profil(nama.value if nama else None)


def trust_files(parts: Any, pems: list[str] | None, work: FsPath) -> list[FsPath]:
    """The trust roots of a new trail: the request's PEMs (written into ``work``), else
    the service's ``NASKAH_TRUST``."""
    if pems:
        files = []
        for i, pem in enumerate(pems):
            if "-----BEGIN CERTIFICATE-----" not in pem or len(pem) > 100_000:
                raise InputError(f"trust.{i}: not a PEM certificate", [(f"trust.{i}", "not PEM")])
            path = work / f"trust-{i}.pem"
            path.write_text(pem, encoding="ascii", errors="replace")
            files.append(path)
        return files
    if parts.settings.trust:
        return list(parts.settings.trust)
    raise InputError("trust: give the trust roots (PEM), or start the service with "
                     "NASKAH_TRUST", [("trust", "required")])


async def step_input(request: Request, work: FsPath
                     ) -> tuple[LangkahBaru, dict[str, FsPath]]:
    """The step in the request (JSON, or multipart: JSON in ``data`` and each attachment
    in a part named by its output kode, written into ``work``)."""
    kind = request.headers.get("content-type", "").split(";")[0].strip()
    lampiran: dict[str, FsPath] = {}
    if kind == "multipart/form-data":
        form = await request.form(max_files=20, max_fields=40)
        raw = form.get("data")
        if not isinstance(raw, str):
            raise InputError("data: the step's JSON is missing", [("data", "missing")])
        body = json_object(raw, "data")
        for name, value in form.multi_items():
            if name == "data" or isinstance(value, str):
                continue
            if not NAMA_FILE.match(name):
                raise InputError(f"{name!r}: not an output kode", [(name, "not a kode")])
            filename = FsPath(value.filename or name).name
            suffix = FsPath(filename).suffix if NAMA_FILE.match(filename) else ""
            target = work / f"{name}{suffix}"
            target.write_bytes(await value.read())
            lampiran[name] = target
    else:
        body = await json_body(request, "langkah")
    try:
        data = LangkahBaru.model_validate(body)
    except ValidationError as exc:
        errors = [(".".join(str(p) for p in e["loc"]), e["msg"])
                  for e in exc.errors(include_input=False)]
        raise InputError("; ".join(f"{f}: {m}" for f, m in errors), errors) from None
    for kode, doc in data.dokumen.items():
        no_server_files(doc, f"dokumen.{kode}.")
    return data, lampiran


__all__ = ["NAMA_FILE", "LangkahBaru", "TrailBaru", "profil_trail", "step_input", "trust_files"]
