"""The official's signer for one request, from the secret in that request.

Three kinds, as the request says (``kunci.jenis``):

* ``pkcs12``: the official's PKCS#12 file, enrolled once into the service's keystore
  (a database table; the file stays encrypted with the official's passphrase), opened
  with the passphrase sent in this request. The key is decrypted in memory for this
  request only.
* ``pkcs11``: a token attached to the server (the module is the service's setting,
  never the request's), opened with the PIN sent.
* ``bsre``: BSrE's API holds the key; the request sends the NIK and passphrase. BSrE
  signs only PDFs, so it serves ``/v1/tanda-tangan``, not trail steps (a ledger entry
  is a detached CMS signature).

No secret is stored, logged or echoed: the models keep them as ``SecretStr`` and the
service's problems never quote a request's values. The signer must be the account's
official: :func:`check_owner` compares the certificate's NIP with the account's.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr
from sqlalchemy import delete, insert, select

from naskah.errors import InputError
from naskah.serve.akun import Pengguna
from naskah.serve.masalah import Masalah
from naskah.serve.tabel import kunci as t_kunci

MAX_P12 = 1024 * 1024


class KunciPkcs12(BaseModel):
    """The passphrase of your PKCS#12 enrolled in the service (``POST /v1/kunci``)."""

    model_config = ConfigDict(extra="forbid")
    jenis: Literal["pkcs12"]
    passphrase: SecretStr = Field(min_length=1, max_length=1000)


class KunciPkcs11(BaseModel):
    """The PIN of a PKCS#11 token attached to the server, and which key on it."""

    model_config = ConfigDict(extra="forbid")
    jenis: Literal["pkcs11"]
    pin: SecretStr = Field(min_length=1, max_length=256)
    token: str = Field(min_length=1, max_length=200)
    kunci: str = Field(min_length=1, max_length=200)


class KunciBsre(BaseModel):
    """Your NIK and BSrE passphrase (BSrE signs PDFs only)."""

    model_config = ConfigDict(extra="forbid")
    jenis: Literal["bsre"]
    nik: str = Field(pattern=r"^\d{16}$")
    passphrase: SecretStr = Field(min_length=1, max_length=1000)


Rahasia = Annotated[KunciPkcs12 | KunciPkcs11 | KunciBsre, Field(discriminator="jenis")]
"""The signing secret a request carries."""


@contextlib.contextmanager
def signer(layanan: Any, who: Pengguna, rahasia: KunciPkcs12 | KunciPkcs11 | KunciBsre,
           identitas: Any = None) -> Iterator[Any]:
    """The signer ``rahasia`` opens, for the official ``who`` is bound to."""
    from naskah.tte.passphrase import Passphrase

    if who.nip is None:
        raise Masalah(403, "bukan-pejabat", "only a pejabat account (bound to a NIP) signs")
    settings = layanan.settings
    if isinstance(rahasia, KunciPkcs12):
        from naskah.tte.pkcs12 import Pkcs12Signer

        with layanan.engine.connect() as conn:
            data = conn.execute(select(t_kunci.c.p12).where(
                t_kunci.c.nip == who.nip)).scalar_one_or_none()
        if data is None:
            raise InputError(f"kunci: no PKCS#12 is enrolled for NIP {who.nip}; enrol it "
                             "once with POST /v1/kunci", [("kunci", "not enrolled")])
        secret = rahasia.passphrase.get_secret_value()
        with _private_file(layanan.tmp, bytes(data)) as path:
            yield Pkcs12Signer(path, Passphrase.literal(secret))
        return
    if isinstance(rahasia, KunciPkcs11):
        from naskah.tte.pkcs11 import Pkcs11Signer

        if not settings.pkcs11_modul:
            raise InputError("kunci.jenis: this service has no PKCS#11 module "
                             "(NASKAH_PKCS11_MODULE)", [("kunci.jenis", "pkcs11 not set up")])
        yield Pkcs11Signer(settings.pkcs11_modul, rahasia.token, rahasia.kunci,
                           Passphrase.literal(rahasia.pin.get_secret_value()))
        return
    from naskah.tte.bsre import BsreClient, BsreConfig
    from naskah.tte.bsre_signer import BsreSigner
    from naskah.tte.identity import Identitas

    if not settings.bsre_url:
        raise InputError("kunci.jenis: this service has no BSrE address (NASKAH_BSRE_URL)",
                         [("kunci.jenis", "bsre not set up")])
    user = os.environ.get("NASKAH_BSRE_USER")
    config = BsreConfig(settings.bsre_url, username=user,
                        password=Passphrase.from_env("NASKAH_BSRE_PASSWORD") if user else None)
    client = BsreClient(config)
    try:
        yield BsreSigner(client, rahasia.nik,
                         # The account's name is a login, not the certificate's: the NIP binds it.
                         identitas or Identitas(nama="", nip=who.nip, jabatan=None),
                         passphrase=Passphrase.literal(rahasia.passphrase.get_secret_value()))
    finally:
        with contextlib.suppress(Exception):
            client.close()


def check_owner(who: Pengguna, key: Any) -> None:
    """403 unless the key's certificate names the account's NIP (local keys; BSrE's
    certificate is checked on the PDF it returns)."""
    if key.certificate_der() is None:
        return
    nip = key.identitas.nip
    if nip != who.nip:
        raise Masalah(403, "bukan-pejabatnya", f"the key given is certified for NIP "
                      f"{nip or '-'}; the account {who.nama!r} acts for NIP {who.nip}")


@contextlib.contextmanager
def _private_file(folder: Any, data: bytes) -> Iterator[str]:
    handle, path = tempfile.mkstemp(prefix="kunci-", suffix=".p12", dir=folder)
    try:
        with os.fdopen(handle, "wb") as out:  # mkstemp: mode 0600
            out.write(data)
        yield path
    finally:
        with contextlib.suppress(OSError):
            os.unlink(path)


def daftarkan(layanan: Any, who: Pengguna, p12: bytes, passphrase: str) -> dict[str, Any]:
    """Enrol (or replace) the account's PKCS#12: it must open with ``passphrase`` and be
    certified for the account's NIP. Returns what is recorded (never the passphrase)."""
    from naskah.tte.passphrase import Passphrase
    from naskah.tte.pkcs12 import Pkcs12Signer

    if who.nip is None:
        raise Masalah(403, "bukan-pejabat", "only a pejabat account enrols a key")
    if not p12 or len(p12) > MAX_P12:
        raise InputError("p12: 1 byte to 1 MB", [("p12", "size")])
    with _private_file(layanan.tmp, p12) as path:
        key = Pkcs12Signer(path, Passphrase.literal(passphrase))
        der = key.certificate_der()
        check_owner(who, key)
        identitas = key.identitas
    import base64

    pem = ("-----BEGIN CERTIFICATE-----\n"
           + "\n".join(base64.b64encode(der).decode()[i:i + 64]
                       for i in range(0, len(base64.b64encode(der)), 64))
           + "\n-----END CERTIFICATE-----\n")
    with layanan.engine.begin() as conn:
        conn.execute(delete(t_kunci).where(t_kunci.c.nip == who.nip))
        conn.execute(insert(t_kunci).values(nip=who.nip, p12=p12, sertifikat=pem,
                                            pengguna_id=who.id, dibuat_pada=datetime.now(UTC)))
    return {"nip": who.nip, "penandatangan": identitas.as_dict(), "sertifikat": pem}


def sertifikat(layanan: Any, nip: str) -> str | None:
    """The enrolled certificate (PEM) of ``nip``, if any."""
    with layanan.engine.connect() as conn:
        found: str | None = conn.execute(select(t_kunci.c.sertifikat).where(
            t_kunci.c.nip == nip)).scalar_one_or_none()
    return found


__all__ = ["KunciBsre", "KunciPkcs11", "KunciPkcs12", "Rahasia", "check_owner", "daftarkan",
           "sertifikat", "signer"]
