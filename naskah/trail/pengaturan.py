"""The trail's settings (``pengaturan.json``): which register numbers its documents,
which format profile renders them and which timestamp authority (TSA) timestamps its
signatures, and where its signed originals are checked, fixed when the trail starts.

They are chosen at :meth:`naskah.trail.Trail.init` (``naskah trail init --db URL
--profil NAME|FILE --tsa URL``) and kept in the berkas, its hash in the ledger header
like the SOP's and the roster's, so a step days later numbers from the same register,
renders with the same layout and is timestamped by the same TSA whatever the current
directory or machine:

- the profile is resolved (its ``extends`` chain merged) and copied as
  ``profil.json``: re-rendering never depends on a file outside the berkas, nor on
  the shipped profile of a later naskah version;
- a SQLite register inside the berkas is named relative to it (the berkas can be
  moved with its register); any other URL is kept absolute. A password is never
  written into the berkas: PostgreSQL takes it from ``PGPASSWORD`` or ``~/.pgpass``;
- with a TSA (``tsa``, an RFC 3161 URL), every signature of every step is timestamped
  and a step whose TSA cannot be reached is refused. The key is written only when set,
  so the settings of a trail without a TSA keep their earlier shape;
- ``url_publik`` (an http(s) URL, optional like ``tsa`` and written only when set; no
  format version change) is the address of the ``naskah serve`` sharing the register:
  a step signed with a register database gives each signed original's QR code
  ``{url_publik}/v/{token}`` and records the token there
  (:func:`naskah.serve.halaman.berkode.pilih_qr`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from naskah.errors import InputError, TamperError
from naskah.hashing import Sha256, canonical_json, sha256_bytes
from naskah.models.base import NaskahModel, Teks
from naskah.profil import Profil, load_profil
from naskah.trail import baca
from naskah.trail.folder import PENGATURAN_FILE, PROFIL_FILE

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

_SQLITE_COMPANIONS = ("", "-wal", "-shm", "-journal")
"""A SQLite database file and the files SQLite keeps beside it while it is open."""


class ProfilBerkas(NaskahModel):
    """The format profile a berkas renders with."""

    nama: Teks
    """The profile's name (``kemenko-polhukam``, ``pemda``, a user's own)."""
    sha256: Sha256
    """SHA-256 of ``profil.json`` in the berkas (the resolved profile)."""


class Pengaturan(NaskahModel):
    """What a trail uses besides its SOP and roster."""

    format: str = "naskah-pengaturan/1"
    db: str | None = None
    """The register's database URL; a relative SQLite path is relative to the berkas.
    None: documents keep the nomor their data carries."""
    profil: ProfilBerkas | None = None
    """The format profile; None renders with the renderer given (default ``pusat``)."""
    tsa: str | None = None
    """The RFC 3161 timestamp authority (http(s) URL) of every signature; None: the
    signer's own, if any."""
    url_publik: str | None = None
    """The address of the ``naskah serve`` whose public page answers the signed
    originals' QR codes (with the register database); None: see ``--url-publik``."""

    def db_url(self, root: Path) -> str | None:
        """The URL to open, a berkas-relative SQLite path made absolute."""
        if self.db is None:
            return None
        url = _url(self.db)
        if url.get_backend_name() == "sqlite" and url.database and not os.path.isabs(
                url.database):
            url = url.set(database=str(root.resolve() / url.database))
        return url.render_as_string(hide_password=False)

    def db_files(self, root: Path) -> set[str]:
        """Names of the SQLite register's files when they lie in the berkas itself."""
        if self.db is None:
            return set()
        url = _url(self.db)
        if url.get_backend_name() != "sqlite" or not url.database:
            return set()
        rel = Path(url.database)
        if rel.is_absolute() or len(rel.parts) != 1:
            return set()
        return {rel.name + suffix for suffix in _SQLITE_COMPANIONS}


def stored_url(url: str, root: Path) -> str:
    """``url`` as the berkas keeps it: no password; a SQLite file inside the berkas
    relative to it, any other SQLite file absolute (the current directory changes)."""
    from naskah.register import resolve_url

    parsed = _url(resolve_url(url))
    if parsed.password is not None:
        # URL.set(password=None) keeps the password; build the URL again without it.
        parsed = type(parsed).create(parsed.drivername, parsed.username, None, parsed.host,
                                     parsed.port, parsed.database, parsed.query)
    if parsed.get_backend_name() == "sqlite" and parsed.database:
        path = Path(parsed.database).resolve()
        inside = path.parent == root.resolve()
        parsed = parsed.set(database=path.name if inside else str(path))
    return parsed.render_as_string(hide_password=False)


def check_url(url: str, field: str, what: str) -> str:
    """``url`` when it is an http(s) URL (no space or control character, at most 2000
    characters); else an :class:`InputError` naming ``field``."""
    if (not url.startswith(("http://", "https://")) or len(url) > 2000
            or len(url.split("://", 1)[1].split("/", 1)[0]) == 0
            or any(c.isspace() or ord(c) < 32 for c in url)):
        raise InputError(f"{field}: {what} is an http(s) URL",
                         [(field, "not an http(s) URL")])
    return url


def prepare(root: Path, register: str | None,
            profil: str | os.PathLike[str] | Profil | None, tsa: str | None = None,
            url_publik: str | None = None) -> dict[str, bytes]:
    """The settings files of a new berkas (``profil.json`` then ``pengaturan.json``, by
    name), nothing when there is nothing to set. Nothing is written: the trail signs its
    header (which holds their hash) before it writes any file."""
    if register is None and profil is None and tsa is None and url_publik is None:
        return {}
    if tsa is not None:
        check_url(tsa, "tsa", "the timestamp authority")
    if url_publik is not None:
        check_url(url_publik, "url_publik", "the public address of naskah serve")
        if register is None:  # no record would answer the tokens of its QR codes
            raise InputError("url_publik: needs the register database the service shares "
                             "(--db)", [("url_publik", "without a register database")])
    files: dict[str, bytes] = {}
    chosen: ProfilBerkas | None = None
    if profil is not None:
        resolved = load_profil(profil)
        data = canonical_json(resolved.model_dump(mode="json"))
        files[PROFIL_FILE] = data
        chosen = ProfilBerkas(nama=resolved.nama, sha256=sha256_bytes(data))
    settings = Pengaturan(db=stored_url(register, root) if register else None,
                          profil=chosen, tsa=tsa, url_publik=url_publik)
    # Optional keys are written only when set: earlier settings keep their bytes.
    unset = {k for k, v in (("tsa", tsa), ("url_publik", url_publik)) if v is None}
    files[PENGATURAN_FILE] = canonical_json(settings.model_dump(mode="json", exclude=unset))
    return files


def write(root: Path, register: str | None, profil: str | os.PathLike[str] | Profil | None
          ) -> bytes | None:
    """Write ``profil.json`` and ``pengaturan.json`` into a new berkas; the settings'
    bytes (for the header's hash), or None when there is nothing to set."""
    from naskah.fileio import write_atomic

    files = prepare(root, register, profil)
    for name, data in files.items():
        write_atomic(root / name, data)
    return files.get(PENGATURAN_FILE)


def read(root: Path, expected: str | None) -> Pengaturan:
    """The settings of a berkas whose header records ``expected`` (their SHA-256);
    empty settings when the header records none. Refused when changed."""
    if expected is None:
        return Pengaturan()
    path = root / PENGATURAN_FILE
    try:
        data = baca.read(path, baca.MAX_BERKAS_JSON_BYTES)
    except FileNotFoundError:
        raise TamperError(f"{PENGATURAN_FILE} is missing from the berkas") from None
    if sha256_bytes(data) != expected:
        raise TamperError(f"{PENGATURAN_FILE} was changed after the trail started")
    return Pengaturan.model_validate_json(data)


def profil(root: Path, settings: Pengaturan) -> Profil | None:
    """The berkas's own profile (from ``profil.json``), checked against its hash."""
    if settings.profil is None:
        return None
    path = root / PROFIL_FILE
    try:
        data = baca.read(path, baca.MAX_BERKAS_JSON_BYTES)
    except FileNotFoundError:
        raise TamperError(f"{PROFIL_FILE} is missing from the berkas") from None
    if sha256_bytes(data) != settings.profil.sha256:
        raise TamperError(f"{PROFIL_FILE} was changed after the trail started")
    return load_profil(path)


def problems(root: Path, expected: str | None) -> list[str]:
    """What is wrong with the settings and profile files (for verification)."""
    if expected is None:
        present = [n for n in (PENGATURAN_FILE, PROFIL_FILE) if (root / n).exists()]
        return [f"{n}: the ledger header records no settings, yet the file is in the berkas"
                for n in present]
    try:
        for name in (PENGATURAN_FILE, PROFIL_FILE):
            if (root / name).is_symlink():
                return [f"{name}: the file was replaced by a symbolic link"]
        profil(root, read(root, expected))
    except TamperError as exc:
        return [str(exc)]
    except ValueError as exc:
        return [f"{PENGATURAN_FILE}: {str(exc)[:300]}"]
    return []


def _url(text: str) -> URL:
    # SQLAlchemy is imported only by trails that use a register (see naskah.register).
    from sqlalchemy.engine import make_url

    return make_url(text)


__all__ = ["Pengaturan", "ProfilBerkas", "check_url", "prepare", "problems", "profil", "read",
           "stored_url", "write"]
