"""Starting a trail: checking who starts it and with what, then writing the berkas's
fixed files (SOP, roster, trust roots, settings) and its signed ledger header.

Everything is checked, and the header signed, before the first file is written, so a
refused start (a wrong certificate, a wrong passphrase, a broken profile) leaves no
trail behind.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from naskah.clock import now
from naskah.errors import InputError, TrailError
from naskah.fileio import write_atomic
from naskah.hashing import canonical_json, sha256_bytes
from naskah.inputs import validate
from naskah.profil import Profil, load_profil
from naskah.sop.model import Sop
from naskah.trail import cap_waktu, pengaturan, rules, signatures
from naskah.trail.folder import (
    LEDGER,
    PELAKSANA_FILE,
    PENGATURAN_FILE,
    SOP_FILE,
    TRUST_FILE,
    exclusive_lock,
)
from naskah.trail.ledger import Header, Ledger
from naskah.trail.pelaksana import DaftarPelaksana

if TYPE_CHECKING:
    from naskah.tte.signer import Signer


def start(
    folder: str | os.PathLike[str],
    pelaksana: DaftarPelaksana | Mapping[str, Any],
    *,
    sop: Sop | None,
    dibuat: datetime | None,
    demo: bool,
    trust: Sequence[str | os.PathLike[str]],
    oleh: str | None,
    signer: Signer | None,
    register: str | None,
    profil: str | os.PathLike[str] | Profil | None,
    sertifikat: Mapping[str, str | os.PathLike[str]] | None = None,
    tsa: str | None = None,
    url_publik: str | None = None,
) -> Path:
    """Start a trail in ``folder`` (see :meth:`naskah.trail.Trail.init`); its path."""
    sop = sop or Sop.tata_kelola_data()
    if (Path(folder) / LEDGER).exists():  # checked again under the lock
        raise TrailError(f"{folder} already holds a trail ({LEDGER} exists)")
    if not isinstance(pelaksana, DaftarPelaksana):
        pelaksana = validate(DaftarPelaksana, pelaksana, PELAKSANA_FILE)
    pelaksana = pelaksana.with_sertifikat(sertifikat or {})
    unknown = pelaksana.unknown_roles({p.kode for p in sop.peran})
    if unknown:
        raise InputError(
            f"{PELAKSANA_FILE}: role(s) {', '.join(unknown)} are not in the SOP; "
            f"its roles are {', '.join(p.kode for p in sop.peran)}"
        )
    if dibuat is not None and dibuat > now() + rules.CLOCK_SKEW:
        raise InputError(f"dibuat {dibuat.isoformat()} lies in the future: a trail starts "
                         "when it is started", [("dibuat", "lies in the future")])
    signatures.check_roster(pelaksana)
    if not oleh:
        raise signatures.SignerMissingError(
            "oleh: say who starts the trail (NIP); they sign the ledger header",
            [("oleh", "missing")])
    try:
        pemula, _ = pelaksana.cari(oleh)
    except InputError as exc:
        raise InputError(f"oleh: {exc}", exc.errors) from None
    signer = signatures.require_signer(signer, pelaksana, pemula, "starting the trail")
    trust_bytes = signatures.trust_pem(trust)
    # Every official's certificate must chain to the roots the trail is started with.
    signatures.check_roster(pelaksana, signatures.load_trust(trust_bytes))
    # A bad TSA or public URL is refused here, before the TSA is asked for anything.
    pengaturan.prepare(Path(folder), register, None, tsa, url_publik)
    signer = cap_waktu.bind(signer, tsa, signatures.load_trust(trust_bytes))
    if profil is not None:
        profil = load_profil(profil)  # a broken profile is refused before anything is written
    root = Path(folder)
    root.mkdir(parents=True, exist_ok=True)
    with exclusive_lock(root):
        if (root / LEDGER).exists():
            raise TrailError(f"{root} already holds a trail ({LEDGER} exists)")
        settings_files = pengaturan.prepare(root, register, profil, tsa, url_publik)
        settings = settings_files.get(PENGATURAN_FILE)
        sop_bytes = sop.canonical_json()
        roster_bytes = canonical_json(pelaksana.model_dump(mode="json"))
        header = Header(
            berkas=str(uuid.uuid4()),
            sop_judul=sop.judul,
            sop_nomor=sop.nomor,
            sop_sha256=sha256_bytes(sop_bytes),
            pelaksana_sha256=sha256_bytes(roster_bytes),
            dibuat=(dibuat or now()).astimezone(sop.tz),
            demo=demo,
            pengaturan_sha256=sha256_bytes(settings) if settings is not None else None,
            trust_sha256=sha256_bytes(trust_bytes),
            oleh=pemula,
        )
        # Signed before anything is written: a wrong passphrase leaves no trail.
        ledger = Ledger.new(root / LEDGER, header,
                            sign=lambda payload: signatures.sign(signer, payload))
        for name, data in settings_files.items():
            write_atomic(root / name, data)
        write_atomic(root / SOP_FILE, sop_bytes)
        write_atomic(root / PELAKSANA_FILE, roster_bytes)
        write_atomic(root / TRUST_FILE, trust_bytes)
        ledger.save()
    return root


__all__ = ["start"]
