"""The trail stores: the same trail in a berkas folder and in the database gives the same
ledger and both verify; a database step is all or nothing; export and import."""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import IntegrityError

from naskah.errors import InputError, TamperError, TrailError
from naskah.trail import Trail
from naskah.trail.data_langkah import DataLangkah
from naskah.trail.store import FolderStore, check_id
from naskah.trail.store.database import DatabaseStore
from naskah.trail.store.tabel import trail_blob, trail_entri, trail_file
from naskah.tte.trust import TrustStore
from tests.helpers import EXAMPLES
from tests.registerdb import db_url
from tests.trail_keys import SESMENKO, TrailPki

__all__ = ["db_url"]

DIBUAT = datetime.fromisoformat("2026-11-24T07:30+07:00")
# What differs between two runs of the same steps: when each was recorded, the
# signatures, the chain's hashes over them, and the trail's own id. Every file (its
# sha256) and everything else must be the same.
_VARYING = {"dicatat", "ttd", "hash", "prev_hash", "berkas"}


def step_kwargs(keys: TrailPki, n: int) -> dict[str, Any]:
    kwargs = DataLangkah.load(EXAMPLES / "trail" / f"langkah-{n:02d}.json").perform_kwargs()
    return kwargs | {"signer": keys.signer(kwargs["oleh"])}


def init_kwargs(keys: TrailPki) -> dict[str, Any]:
    return keys.init_kwargs(SESMENKO) | {"dibuat": DIBUAT}


def stable(value: Any) -> Any:
    """A ledger without what differs between two runs (times of recording, signatures,
    the hashes chaining them, the trail's id)."""
    if isinstance(value, dict):
        return {k: stable(v) for k, v in value.items() if k not in _VARYING}
    if isinstance(value, list):
        return [stable(v) for v in value]
    return value


def ledger(folder: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((folder / "ledger.json").read_text(encoding="utf-8"))
    return data


@pytest.fixture
def store(db_url: str, tmp_path: Path) -> Any:
    with DatabaseStore(db_url, staging=tmp_path / "staging") as opened:
        yield opened


@pytest.mark.slow
def test_same_trail_in_both_stores(store: DatabaseStore, tmp_path: Path,
                                   trail_pki: TrailPki) -> None:
    folders = FolderStore(tmp_path / "trails")
    roster = trail_pki.roster()
    folders.init("a", roster, **init_kwargs(trail_pki))
    store.init("a", roster, **init_kwargs(trail_pki))
    for n in (1, 2, 3):
        one = folders.perform("a", n, **step_kwargs(trail_pki, n))
        two = store.perform("a", n, **step_kwargs(trail_pki, n))
        assert (one.step, one.pelaksana, one.keluaran[0].file) == (
            two.step, two.pelaksana, two.keluaran[0].file)
    assert store.kepala("a")[0] == 3
    exported = store.ekspor("a", tmp_path / "ekspor")
    folder = folders.folder("a")
    assert stable(ledger(folder)) == stable(ledger(exported.folder))
    assert [e["step"] for e in ledger(exported.folder)["entries"]] == [1, 2, 3]
    # every recorded file came back byte for byte
    for rel in {r.file for e in exported.entries() for r in e.files if r.file}:
        assert (exported.folder / str(rel)).is_file()
    trust = TrustStore.from_files([trail_pki.ca])
    for trail in (Trail.open(folder), exported):
        result = trail.verify(trust)
        assert result.utuh and result.langkah == 3, result.masalah
    with store.baca("a") as reading:
        assert reading.verify(trust).utuh and len(reading.entries()) == 3
    # an export never lands in a folder that holds something
    with pytest.raises(Exception, match="not an empty folder"):
        store.ekspor("a", tmp_path / "ekspor")


@pytest.mark.slow
def test_failed_step_leaves_nothing(store: DatabaseStore, trail_pki: TrailPki) -> None:
    store.init("b", trail_pki.roster(), **init_kwargs(trail_pki))
    store.perform("b", 1, **step_kwargs(trail_pki, 1))
    head = store.kepala("b")
    files = _count(store, trail_file)
    # step 2 signed with another official's key: refused, nothing written
    wrong = step_kwargs(trail_pki, 2) | {"signer": trail_pki.signer(SESMENKO)}
    with pytest.raises(Exception, match=r"(?i)certificate|signer|key"):
        store.perform("b", 2, **wrong)
    assert store.kepala("b") == head and _count(store, trail_file) == files
    # out of order: refused (409 in the service)
    with pytest.raises(TrailError):
        store.perform("b", 3, **step_kwargs(trail_pki, 3))
    store.perform("b", 2, **step_kwargs(trail_pki, 2))
    assert store.kepala("b")[0] == 2


def test_forked_chain_impossible(store: DatabaseStore, trail_pki: TrailPki) -> None:
    """UNIQUE(trail, seq): a second step 1 cannot be stored, whoever writes it."""
    store.init("c", trail_pki.roster(), **init_kwargs(trail_pki))
    store.perform("c", 1, **step_kwargs(trail_pki, 1))
    with pytest.raises(IntegrityError), store.engine.begin() as conn:
        conn.execute(trail_entri.insert().values(trail_id="c", seq=1, hash="f" * 64,
                                                 data="{}"))
    with pytest.raises(TrailError, match="already"):
        store.perform("c", 1, **step_kwargs(trail_pki, 1))


@pytest.mark.slow
def test_import_verifies_first(store: DatabaseStore, tmp_path: Path,
                               trail_pki: TrailPki) -> None:
    folders = FolderStore(tmp_path / "trails")
    folders.init("d", trail_pki.roster(), **init_kwargs(trail_pki))
    for n in (1, 2):
        folders.perform("d", n, **step_kwargs(trail_pki, n))
    good = folders.folder("d")
    bad = tmp_path / "tampered"
    shutil.copytree(good, bad)
    doc = next((bad / "dokumen").iterdir())
    doc.write_bytes(doc.read_bytes() + b"\0")
    trust = TrustStore.from_files([trail_pki.ca])
    blobs = _count(store, trail_blob)
    with pytest.raises(TamperError, match="refusing to import"):
        store.impor(bad, "d", trust=trust)
    assert not store.ada("d") and _count(store, trail_blob) == blobs
    store.impor(good, "d", trust=trust)
    assert store.kepala("d") == (2, ledger(good)["entries"][-1]["hash"])
    # the imported trail goes on in the database
    store.perform("d", 3, **step_kwargs(trail_pki, 3))
    with store.baca("d") as trail:
        assert trail.verify(trust).utuh and len(trail.entries()) == 3
    # the same berkas twice is refused
    with pytest.raises(TrailError, match="already"):
        store.impor(good, "d2", trust=trust)


def test_blobs_stored_once(store: DatabaseStore, trail_pki: TrailPki) -> None:
    """The same file in two trails (their sop.json, trust.pem) is one blob."""
    for name in ("e1", "e2"):
        store.init(name, trail_pki.roster(), **init_kwargs(trail_pki))
    with store.engine.connect() as conn:
        sops = conn.execute(select(trail_file.c.sha256).where(
            trail_file.c.path == "sop.json")).scalars().all()
        assert len(sops) == 2 and sops[0] == sops[1]
        held = conn.execute(select(trail_blob.c.sha256).where(
            trail_blob.c.sha256 == sops[0])).scalars().all()
        assert held == [sops[0]]


def _count(store: DatabaseStore, table: Any) -> int:
    engine = create_engine(store.engine.url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text(f"SELECT count(*) FROM {table.name}")).scalar_one())
    finally:
        engine.dispose()


def test_stored_path_outside_a_berkas_is_refused(store: DatabaseStore, tmp_path: Path,
                                                 trail_pki: TrailPki) -> None:
    """A row naming a file outside the berkas (written by whoever can write the database)
    is refused when the trail is read: nothing is written outside the folder."""
    store.init("f", trail_pki.roster(), **init_kwargs(trail_pki))
    with store.engine.begin() as conn:
        digest = conn.execute(select(trail_file.c.sha256).where(
            trail_file.c.trail_id == "f", trail_file.c.path == "sop.json")).scalar_one()
        for bad in ("../../escaped.json", "/tmp/escaped.json", "dokumen/../../x.json"):
            conn.execute(trail_file.insert().values(trail_id="f", path=bad, seq=0,
                                                    sha256=digest))
    target = tmp_path / "out" / "berkas"
    with pytest.raises(TamperError, match="outside a berkas"):
        store.ekspor("f", target)
    assert not target.exists() and not (tmp_path / "escaped.json").exists()
    assert not Path("/tmp/escaped.json").exists()
    assert [p.name for p in (tmp_path / "out").iterdir()] == []  # nothing half-written


@given(st.text(max_size=80))
def test_trail_id_is_one_safe_name_or_refused(text_: str) -> None:
    try:
        got = check_id(text_)
    except InputError as exc:
        assert exc.errors == [("trail-id", "not an id")]
        return
    assert got == text_ and 1 <= len(got) <= 64
    assert PurePosixPath(got).name == got and got not in (".", "..") and "/" not in got


def test_import_refuses_a_trail_of_another_register(store: DatabaseStore, tmp_path: Path,
                                                    trail_pki: TrailPki) -> None:
    folders = FolderStore(tmp_path / "trails")
    other = f"sqlite:///{tmp_path / 'trails' / 'g' / 'register.db'}"
    folders.init("g", trail_pki.roster(), **init_kwargs(trail_pki), register=other)
    with pytest.raises(InputError, match="another register"):
        store.impor(folders.folder("g"), "g")
    assert not store.ada("g")
