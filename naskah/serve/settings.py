"""The service's settings: from ``naskah serve`` options or from environment variables.

``uvicorn naskah.serve:create_app --factory`` has no options of its own, so every
setting can also come from the environment (``NASKAH_DB``, ``NASKAH_DATA``,
``NASKAH_URL_PUBLIK``, ...; see :meth:`Settings.from_env`). Nothing here is kept per
process that two instances sharing one database would need to agree on: users, tokens,
jobs, idempotency keys, enrolled keys and the audit trail are database rows.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from naskah.errors import InputError

MB = 1024 * 1024


def default_data_dir() -> Path:
    """``$NASKAH_DATA``, else ``$XDG_DATA_HOME/naskah``, else ``~/.local/share/naskah``:
    never the current folder (a service started from a checkout must not write into it)."""
    explicit = os.environ.get("NASKAH_DATA")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "naskah"


@dataclass(frozen=True)
class Batas:
    """Body size caps per kind of route, in bytes (413 past them)."""

    json: int = 10 * MB
    """A document or any JSON body (the library's own cap on a JSON input)."""
    unggah: int = 50 * MB
    """An upload: a scan, a PDF to verify, a trail step with its attachments."""
    batch: int = 50 * MB
    """A batch: the base document and its rows (CSV, JSON lines or XLSX)."""
    baris: int = 10_000
    """Rows in one batch."""
    lain: int = 64 * 1024
    """Any other request (forms of a few fields)."""


@dataclass(frozen=True)
class Settings:
    """What one service instance runs with."""

    db: str
    """The register's database URL (SQLite file or PostgreSQL), shared by the instances."""
    data: Path
    """Trails, temporary files; never the current folder."""
    url_publik: str | None = None
    """Base of the verification URLs printed in the QR codes of signed letters."""
    timeout_s: float = 120.0
    """A request taking longer gets 503 (the work it started may still finish)."""
    pdf_antrian: int = 64
    """PDF conversions waiting at most; more get 503 with Retry-After."""
    pdf_timeout_s: float = 60.0
    pdf_tunggu_s: float = 0.05
    """While one LibreOffice is busy, how long another waits to join more letters."""
    batas: Batas = field(default_factory=Batas)
    worker: bool = True
    """Run the job worker in this instance (claims batch jobs and sends webhooks)."""
    poll_s: float = 1.0
    sewa_s: float = 30.0
    """A job's lease: a worker that stops renewing it for this long loses the job."""
    webhook_percobaan: int = 8
    webhook_jeda_s: float = 2.0
    """First retry delay of a webhook; it doubles with every failed attempt."""
    webhook_izin: tuple[str, ...] = ()
    """Hosts (``host`` or ``host:port``) webhooks may be sent to; empty: any host."""
    trust: tuple[Path, ...] = ()
    """Trust roots (PEM) for ``/v1/verifikasi`` and new trails."""
    pkcs11_modul: str | None = None
    """The PKCS#11 library of the tokens attached to this server (never from a request)."""
    bsre_url: str | None = None
    halaman_per_menit: int = 60
    """Requests per minute one client address may make to the public verification page."""

    def with_(self, **changes: object) -> Settings:
        """A copy with some settings changed."""
        return replace(self, **changes)  # type: ignore[arg-type]

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Settings from the environment; ``overrides`` (command-line options) win."""
        env = os.environ
        data = Path(str(overrides.pop("data", None) or default_data_dir()))
        db = overrides.pop("db", None) or env.get("NASKAH_DB") or f"sqlite:///{data / 'naskah.db'}"
        values: dict[str, object] = {
            "url_publik": env.get("NASKAH_URL_PUBLIK") or None,
            "timeout_s": _number(env, "NASKAH_SERVE_TIMEOUT", 120.0),
            "pdf_antrian": int(_number(env, "NASKAH_SERVE_PDF_ANTRIAN", 64)),
            "pdf_tunggu_s": _number(env, "NASKAH_SERVE_PDF_TUNGGU", 0.05),
            "worker": env.get("NASKAH_SERVE_WORKER", "1") != "0",
            "poll_s": _number(env, "NASKAH_SERVE_POLL", 1.0),
            "sewa_s": _number(env, "NASKAH_SERVE_SEWA", 30.0),
            "webhook_percobaan": int(_number(env, "NASKAH_WEBHOOK_PERCOBAAN", 8)),
            "webhook_jeda_s": _number(env, "NASKAH_WEBHOOK_JEDA", 2.0),
            "webhook_izin": tuple(h.strip() for h in env.get("NASKAH_WEBHOOK_IZIN", "").split(",")
                                  if h.strip()),
            "trust": tuple(Path(p) for p in env.get("NASKAH_TRUST", "").split(os.pathsep) if p),
            "pkcs11_modul": env.get("NASKAH_PKCS11_MODULE") or None,
            "bsre_url": env.get("NASKAH_BSRE_URL") or None,
            "halaman_per_menit": int(_number(env, "NASKAH_HALAMAN_PER_MENIT", 60)),
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(db=str(db), data=data, **values)  # type: ignore[arg-type]


def _number(env: os._Environ[str], name: str, default: float) -> float:
    text = env.get(name)
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        raise InputError(f"{name}: {text!r} is not a number", [(name, "not a number")]) from None
    if value < 0:
        raise InputError(f"{name}: must not be negative", [(name, "negative")])
    return value


__all__ = ["MB", "Batas", "Settings", "default_data_dir"]
