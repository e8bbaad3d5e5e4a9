"""Helpers of the trail tests: the example roster and step data, signing with the demo
berkas's test keys, reading and rewriting ledgers, and checking refusals.

The session's demo berkas (``demo_master`` in ``tests/conftest.py``) holds the test PKI
(``pki-uji``) that signs the steps of every copy; :func:`master` is its folder.
"""

from __future__ import annotations

import copy
import hashlib
import io
import json
import sqlite3
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfWriter

import naskah
from naskah import demo
from naskah.trail import Trail
from naskah.trail.data_langkah import DataLangkah
from naskah.trail.ledger import entry_hash, header_hash
from tests.helpers import EXAMPLES

REPO = Path(__file__).resolve().parent.parent
DATA = EXAMPLES / "trail"
PELAKSANA: dict[str, Any] = json.loads((DATA / "pelaksana.json").read_text(encoding="utf-8"))
PACKAGED_SOP = Path(naskah.__file__).parent / "sop" / "tata-kelola-data.json"

SESMENKO = "196703121992031002"
KARO_PO = "197005151995031001"
KABAG = "197808242003122002"
KASUBBAG = "198503172010011003"

ROLES = {
    1: "sesmenko", 2: "karo-po", 3: "kabag-datin", 4: "kasubbag-data", 5: "kabag-datin",
    6: "karo-po", 7: "kabag-datin", 8: "kasubbag-data", 9: "kabag-datin", 10: "karo-po",
    11: "kasubbag-data", 12: "kasubbag-data", 13: "kabag-datin", 14: "karo-po",
}
PERFORMER = {
    "sesmenko": SESMENKO, "karo-po": KARO_PO, "kabag-datin": KABAG, "kasubbag-data": KASUBBAG,
}
SIGNED = ("dokumen/10-undangan-rapat.pdf", "dokumen/14-laporan.pdf",
          "dokumen/14-nodin-pengantar.pdf")
"""The signed originals (PAdES) of the demo berkas."""

_MASTER: list[Path] = []
"""Set by the ``demo_master`` fixture: the session's demo berkas."""


def master() -> Path:
    """The session's demo berkas (request the ``demo_master`` fixture first)."""
    assert _MASTER, "the test needs the demo_master fixture (directly or through another)"
    return _MASTER[0]


def wib(text: str) -> datetime:
    return datetime.fromisoformat(text + "+07:00")


def demo_key_args(nip: str) -> list[str]:
    """CLI options signing as ``nip`` with the demo's test key."""
    return ["--p12", str(master() / "pki-uji" / f"{nip}.p12"),
            "--passphrase-env", demo.PASSPHRASE_ENV]


def signer_of(nip: str) -> Any:
    """The demo's test signer of the official with ``nip``."""
    return demo.signer(master(), nip)


def step_data(n: int) -> dict[str, Any]:
    """perform() keyword arguments for step n of the example data (a fresh deep copy), with
    the performer's signer from the demo's test PKI."""
    kwargs = copy.deepcopy(DataLangkah.load(DATA / f"langkah-{n:02d}.json").perform_kwargs())
    return kwargs | {"signer": signer_of(kwargs["oleh"])}


def run_steps(trail: Trail, upto: int) -> None:
    for n in range(1, upto + 1):
        trail.perform(n, **step_data(n))


def signed_roster(roster: dict[str, Any] | None = None) -> dict[str, Any]:
    """``roster`` (default: the example) with the demo PKI's certificates."""
    data = copy.deepcopy(roster if roster is not None else PELAKSANA)
    certs = json.loads((master() / "pelaksana.json").read_text(encoding="utf-8"))["sertifikat"]
    nips = {p.get("nip") or p["nama"] for people in data["peran"].values() for p in people}
    data["sertifikat"] = {k: v for k, v in certs.items() if k in nips}
    return data


def init_kwargs(oleh: str = SESMENKO) -> dict[str, Any]:
    """Trail.init keyword arguments signing with the demo's test PKI."""
    return {"trust": [master() / "pki-uji" / "ca.pem"], "oleh": oleh,
            "signer": signer_of(oleh)}


def resign(data: dict[str, Any]) -> None:
    """Rechain ``data`` (a ledger) and sign it again with the demo's keys, as the officials
    themselves would: a consistent, validly signed ledger holding whatever was edited."""
    from naskah.trail import signatures
    from naskah.trail.ledger import entry_payload, header_payload

    header = data["header"]
    header.pop("ttd", None)
    header["ttd"] = signatures.sign(signer_of(header["oleh"]["nip"]), header_payload(header))
    previous = header_hash(header)
    for entry in data["entries"]:
        entry.pop("ttd", None)
        entry["prev_hash"] = previous
        entry["hash"] = previous = entry_hash(entry)
        entry["ttd"] = signatures.sign(signer_of(entry["pelaksana"]["nip"]),
                                       entry_payload(entry))


def rechain(folder: Path, edit: Any) -> None:
    """Edit the ledger with ``edit(data)``, recompute every hash and sign it again with the
    officials' (test) keys: a consistent, validly signed trail holding the edit."""
    data = read_ledger(folder)
    edit(data)
    resign(data)
    write_ledger(folder, data)
    reanchor(folder)  # and the register's head with it


def rechain_without_keys(data: dict[str, Any]) -> None:
    """What someone without the keys can do: make the hash chain consistent again."""
    previous = header_hash(data["header"])
    for entry in data["entries"]:
        entry["prev_hash"] = previous
        entry["hash"] = previous = entry_hash(entry)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_ledger(folder: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((folder / "ledger.json").read_text(encoding="utf-8"))
    return data


def write_ledger(folder: Path, data: dict[str, Any]) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    (folder / "ledger.json").write_text(text, encoding="utf-8")


def rewind_register(folder: Path, k: int) -> None:
    """The demo's register (register.db in the berkas) as it stood right after step k:
    the trail's head at step k, none of the numbers later steps took (their counters
    back where they were). The ledger cut after entry k, with this, is exactly the
    berkas a trail has after step k; without it the register shows the truncation."""
    data = read_ledger(folder)
    berkas = data["header"]["berkas"]
    head = data["entries"][k - 1]["hash"] if k else header_hash(data["header"])
    db = sqlite3.connect(folder / "register.db")
    try:
        later = [row[0] for row in db.execute(
            "SELECT nomor_id FROM nomor_trail WHERE berkas = ? AND langkah > ?", (berkas, k))]
        for nomor_id in later:
            for table, column in (("riwayat_nomor", "nomor_id"), ("nomor_trail", "nomor_id"),
                                  ("nomor", "id")):
                db.execute(f"DELETE FROM {table} WHERE {column} = ?", (nomor_id,))
        db.execute("UPDATE penghitung SET terakhir = COALESCE((SELECT MAX(urut) FROM nomor "
                   "WHERE nomor.lingkup = penghitung.lingkup), 0)")
        db.execute("UPDATE jangkar_trail SET langkah = ?, hash_akhir = ? WHERE berkas = ?",
                   (k, head, berkas))
        db.commit()
    finally:
        db.close()


def reanchor(folder: Path) -> None:
    """Move the trail's head in the demo's register (register.db in the berkas) to what
    its ledger now holds: what whoever controls that register can do after rewriting the
    ledger. Tests of other defences use it so that the register's head does not give the
    rewrite away first."""
    data = read_ledger(folder)
    fmt = data.get("format", "naskah-ledger/3")
    head = (data["entries"][-1]["hash"] if data["entries"]
            else header_hash(data["header"], fmt))
    db = sqlite3.connect(folder / "register.db")
    try:
        db.execute("UPDATE jangkar_trail SET langkah = ?, hash_akhir = ? WHERE berkas = ?",
                   (len(data["entries"]), head, data["header"]["berkas"]))
        db.commit()
    finally:
        db.close()


def files_of(folder: Path) -> set[str]:
    return {
        f"{sub}/{p.name}"
        for sub in ("dokumen", "lampiran", "aset")
        if (folder / sub).is_dir()
        for p in (folder / sub).iterdir()
    }


def problems(result: naskah.trail.Verifikasi) -> list[str]:
    return [str(m) for m in result.masalah]


def first(folder: Path, trust: Any = None) -> naskah.trail.Masalah:
    """The first problem verify finds in ``folder`` (which must not be intact)."""
    result = Trail.open(folder).verify(trust)
    assert not result.utuh
    assert result.pertama is not None
    return result.pertama


def assert_refused(
    folder: Path,
    step: int,
    kwargs: dict[str, Any],
    match: str,
    exc: type[Exception] = naskah.TrailError,
) -> Exception:
    """perform() is refused with a message matching ``match`` and leaves no trace."""
    ledger_before = (folder / "ledger.json").read_bytes()
    files_before = files_of(folder)
    with pytest.raises(exc, match=match) as info:
        Trail.open(folder).perform(step, **kwargs)
    assert (folder / "ledger.json").read_bytes() == ledger_before
    assert files_of(folder) == files_before
    assert not (folder / ".naskah-staging").exists()
    result = Trail.open(folder).verify()
    assert result.utuh, problems(result)
    return info.value


def encrypted_pdf() -> bytes:
    """A one-page PDF encrypted with a password."""
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.encrypt("rahasia")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def run_cli(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    """``python -m naskah ARGS`` in a real process."""
    return subprocess.run([sys.executable, "-m", "naskah", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=300, check=False)
