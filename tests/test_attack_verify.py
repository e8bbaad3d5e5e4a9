"""Issue 16, more attacks on the verifier (items 1, 2, 4, 9 and the ledger format), each
performed for real on a trail the engine wrote (the demo's test PKI, real DOCX, real PAdES
originals, a real SQLite or PostgreSQL register), each failing on naskah before 0.3's
verifier (said in the docstring) and checked with the real verifier.

The attacker here holds what the case says and no more: an official's own key, a
second certificate issued in an official's name, write access to the berkas folder (and
so to a SQLite register kept inside it, which ``reanchor`` moves along with a rewritten
ledger so that the register's head does not give the rewrite away first).
"""
# The trail fixtures are imported from test_trail; pytest injects them by name.

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import naskah
from naskah import demo
from naskah.cli import main as cli
from naskah.hashing import canonical_json, sha256_bytes, sha256_file
from naskah.trail import JenisMasalah, Trail
from naskah.trail.folder import DEMO_PKI
from naskah.tte.identity import Identitas
from naskah.tte.trust import TrustStore
from tests.attack_kit import (
    OUTSIDER,
    REPO,
    Kunci,
    demo_ca,
    issue_key,
    rebind_roster,
    resign_last,
    resign_ledger,
    resign_parafs,
    rewrite_docx_metadata,
    set_file_hash,
)
from tests.registerdb import fresh_url
from tests.trail_support import (
    DATA,
    KARO_PO,
    KASUBBAG,
    PELAKSANA,
    demo_key_args,
    init_kwargs,
    read_ledger,
    reanchor,
    resign,
    signed_roster,
    signer_of,
    step_data,
    write_ledger,
)

pytestmark = pytest.mark.attack


def kinds(result: naskah.trail.Verifikasi) -> set[tuple[JenisMasalah, int | None, str | None]]:
    return {(m.jenis, m.step, m.file) for m in result.masalah}


def ca(folder: Path) -> TrustStore:
    return TrustStore.from_files([folder / DEMO_PKI / "ca.pem"])


def truncate(folder: Path, keep: int) -> None:
    """Drop the ledger's entries after ``keep`` and every file of those steps."""
    data = read_ledger(folder)
    data["entries"] = data["entries"][:keep]
    write_ledger(folder, data)
    for sub in ("dokumen", "lampiran", "aset"):
        for path in (folder / sub).glob("*"):
            if int(path.name[:2]) > keep:
                path.unlink()


# ================================================================ 1. signed originals


def test_signed_original_made_with_another_certificate_in_the_signers_name(
        berkas: Path, demo_master: Path, tmp_path: Path, soffice: str) -> None:
    """Item 1: the signed original of the laporan is replaced by one the engine's own
    code makes with *another* certificate issued in the Karo PO's name and NIP under the
    trusted root (an old one, or one mis-issued to someone else); the ledger records its
    hash and the Karo PO signs entry 14 again with his own key.

    Before: "intact" (the PDF's signer was compared by the NIP in its subject). Now: the
    signer's certificate must be the one pelaksana.json binds to him, byte for byte."""
    from naskah.trail.asli import sign_originals
    from naskah.trail.folder import StepFiles

    karo = naskah.trail.pelaksana.DaftarPelaksana.model_validate(PELAKSANA).cari(KARO_PO)[0]
    twin = issue_key(demo_ca(demo_master), Identitas(karo.nama, karo.nip, karo.jabatan),
                     tmp_path / "kembar", "kembar")
    ledger = read_ledger(berkas)
    entry = ledger["entries"][13]
    (ref,) = [r for r in entry["keluaran"] if r["kode"] == "laporan"]
    work = tmp_path / "kerja"
    work.mkdir()
    (made,) = sign_originals(14, [(naskah.trail.ledger.Rujukan.model_validate(ref),
                                   (berkas / ref["file"]).read_bytes())],
                             twin.signer, StepFiles(work), ledger["header"]["berkas"],
                             Trail.open(berkas).renderer.profil.tte)
    assert made.file is not None
    pdf = (work / ".naskah-staging" / made.file).read_bytes()
    (berkas / made.file).write_bytes(pdf)
    set_file_hash(ledger, str(made.file), sha256_bytes(pdf))
    resign_last(ledger, signer_of(KARO_PO))
    write_ledger(berkas, ledger)
    reanchor(berkas)
    result = Trail.open(berkas).verify(ca(demo_master))
    assert kinds(result) == {(JenisMasalah.SIGNATURE, 14, "dokumen/14-laporan.pdf")}, \
        [str(m) for m in result.masalah]
    assert "not signed with the certificate pelaksana.json binds to" in str(result.pertama)


def test_tanda_tangan_without_its_signed_original(berkas: Path, demo_master: Path) -> None:
    """Item 1: the Karo PO (his own key) removes the signed original of the nota dinas
    from entry 14 and from the folder, and signs the entry again: the DOCX still says
    "ditandatangani". Before: "intact". Now: a tanda tangan needs its PAdES original."""
    ledger = read_ledger(berkas)
    entry = ledger["entries"][13]
    (gone,) = [r for r in entry["asli"] if r["kode"] == "nodin-pengantar"]
    entry["asli"].remove(gone)
    (berkas / gone["file"]).unlink()
    resign_last(ledger, signer_of(KARO_PO))
    write_ledger(berkas, ledger)
    reanchor(berkas)
    result = Trail.open(berkas).verify(ca(demo_master))
    assert kinds(result) == {(JenisMasalah.SIGNATURE, 14, "dokumen/14-nodin-pengantar.docx")}
    assert "no signed original (PAdES)" in str(result.pertama)


# ================================================================ 2. one rule engine


def test_verify_judges_a_recorded_step_as_trail_do_judges_it(
        partial: Callable[[int], Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """Item 2: the refusal ``trail do`` gives for the Kasubbag performing the Kabag's step
    5 is, word for word, what verify says of that step once a lax engine wrote it: one
    rule engine, before and after."""
    from naskah.trail import rules

    folder = partial(4)
    kwargs = step_data(5) | {"oleh": KASUBBAG, "signer": signer_of(KASUBBAG)}
    with pytest.raises(naskah.TrailError) as refused:
        Trail.open(folder).perform(5, **kwargs)
    check = rules.check_performer
    monkeypatch.setattr(rules, "check_performer", lambda sop, roster, langkah, oleh: (
        roster.cari(oleh)[0], langkah.pelaksana[0]))
    Trail.open(folder).perform(5, **kwargs)
    monkeypatch.setattr(rules, "check_performer", check)
    result = Trail.open(folder).verify(ca(folder))
    (rule,) = [m for m in result.masalah if m.jenis is JenisMasalah.RULE]
    assert rule.step == 5 and str(refused.value) in rule.pesan


# ================================================================ 4. truncation


def test_a_step_refuses_to_extend_a_truncated_trail(berkas: Path) -> None:
    """Item 4: steps 13 and 14 dropped; the Kabag performs step 13 again (a laporan
    initialled anew, to be signed again). Before: performed, the history replaced. Now:
    refused, the register's head records 14 steps; nothing written."""
    truncate(berkas, 12)
    before = (berkas / "ledger.json").read_bytes()
    with pytest.raises(naskah.TamperError, match="truncated trail: the register records 14"):
        Trail.open(berkas).perform(13, **step_data(13))
    assert (berkas / "ledger.json").read_bytes() == before
    assert not (berkas / "dokumen" / "13-laporan.docx").exists()


@pytest.fixture
def sealed_elsewhere(demo_master: Path, tmp_path: Path, soffice: str) -> tuple[Path, Path]:
    """A trail without a register (4 steps) and its sealed berkas PDF, archived outside
    the berkas."""
    from naskah.trail.berkas.build import build_berkas

    folder = tmp_path / "tanpa-register"
    trail = Trail.init(folder, signed_roster(), dibuat=demo.MULAI, **init_kwargs())
    for n in range(1, 5):
        trail.perform(n, **step_data(n))
    archived = tmp_path / "arsip" / "berkas.pdf"
    build_berkas(folder, archived, seal=signer_of(KARO_PO))
    return folder, archived


def test_a_berkas_pdf_kept_elsewhere_anchors_the_trail(
        sealed_elsewhere: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    """Item 4, ``--berkas-pdf``: without a register, the trail is "unanchored" (exit 0,
    truncation not ruled out); with the sealed berkas PDF archived elsewhere it is
    "intact", and once step 4 is dropped, TAMPERED (truncated). Before: "intact" in
    every case."""
    folder, archived = sealed_elsewhere
    trust = str(folder / "trust.pem")
    assert cli(["trail", "verify", str(folder), "--trust", trust]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("unanchored: 4 steps verified") and "truncation" in err
    assert cli(["trail", "verify", str(folder), "--trust", trust,
                "--berkas-pdf", str(archived)]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("intact: 4 steps") and "records all 4 steps" in out, (out, err)
    truncate(folder, 3)
    assert cli(["trail", "verify", str(folder), "--trust", trust]) == 0  # nothing knows
    capsys.readouterr()
    assert cli(["trail", "verify", str(folder), "--trust", trust,
                "--berkas-pdf", str(archived), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["status"] == "tampered"
    (cut,) = [m for m in report["masalah"] if m["jenis"] == "truncated"]
    assert cut["step"] == 4 and "records 4 steps" in cut["pesan"]


def test_a_berkas_pdf_whose_head_was_edited_is_not_an_anchor(
        sealed_elsewhere: tuple[Path, Path], tmp_path: Path) -> None:
    """Item 4: the archived berkas PDF's recorded step count edited in place (4 -> 3)
    after step 4 was dropped: its seal no longer validates, so it anchors nothing and
    says why."""
    folder, archived = sealed_elsewhere
    data = archived.read_bytes()
    assert b"/NaskahLedgerLangkah (4)" in data  # (the seal's update repeats the Info)
    edited = tmp_path / "diubah.pdf"
    edited.write_bytes(data.replace(b"/NaskahLedgerLangkah (4)", b"/NaskahLedgerLangkah (3)"))
    truncate(folder, 3)
    result = Trail.open(folder).verify(ca_file(folder), berkas_pdf=edited)
    assert [m.jenis for m in result.masalah] == [JenisMasalah.ANCHOR]
    assert "seal does not validate" in result.masalah[0].pesan
    assert not result.anchored


def ca_file(folder: Path) -> TrustStore:
    return TrustStore.from_files([folder / "trust.pem"])


KILL_AFTER_THE_LEDGER = """
import os, signal, sys
from naskah.trail.penomoran import Penomor

def die(*args, **kwargs):
    # The entry is written; the register's head is not moved yet.
    os.kill(os.getpid(), signal.SIGKILL)

Penomor.catat_kepala = die
from naskah.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_killed_after_the_ledger_before_the_anchor(partial: Callable[[int], Path],
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """Item 4, the order of a step's writes: ``trail do 10`` killed with SIGKILL after its
    entry was written, before the register's head moved. verify: every check passes, the
    register records 9 of the 10 steps: "unanchored" with a warning naming that (exit 0);
    the next step moves the head on and the trail is "intact" again."""
    folder = partial(9)
    args = ["trail", "do", str(folder), "10", "--data", str(DATA / "langkah-10.json"),
            *demo_key_args(KARO_PO)]
    killed = subprocess.run([sys.executable, "-c", KILL_AFTER_THE_LEDGER, *args], cwd=REPO,
                            env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True,
                            text=True, timeout=300)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    result = Trail.open(folder).verify(ca(folder))
    assert result.utuh and result.langkah == 10, [str(m) for m in result.masalah]
    assert result.status == "unanchored"
    assert any("records 9 of the ledger's 10 steps" in w for w in result.peringatan)
    Trail.open(folder).perform(11, **step_data(11))
    result = Trail.open(folder).verify(ca(folder))
    assert result.status == "intact" and result.langkah == 11, result.peringatan


# ================================================================ a fork, both backends


@pytest.fixture(params=["sqlite", "postgresql"])
def two_copies(request: pytest.FixtureRequest, tmp_path: Path, demo_master: Path,
               monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Path, Path, str]]:
    """Two copies of one trail (same berkas id, 2 steps) on one register outside them."""
    from sqlalchemy.engine import make_url

    url = fresh_url(request.param, tmp_path)
    if make_url(url).password:  # a berkas never keeps it
        monkeypatch.setenv("PGPASSWORD", str(make_url(url).password))
    first = tmp_path / "a"
    trail = Trail.init(first, signed_roster(), dibuat=demo.MULAI, register=url,
                       **init_kwargs())
    for n in (1, 2):
        trail.perform(n, **step_data(n))
    second = tmp_path / "b"
    shutil.copytree(first, second)
    yield first, second, url


def test_two_copies_of_a_berkas_cannot_both_extend_it(
        two_copies: tuple[Path, Path, str]) -> None:
    """Item 4: copy A performs step 3; copy B (the same trail, still at step 2) tries step
    3 too. Before: both succeed, two histories of one trail. Now: the register's head
    moved on, so B is refused as truncated; and verify of B says so."""
    first, second, _ = two_copies
    Trail.open(first).perform(3, **step_data(3))
    with pytest.raises(naskah.TamperError, match="truncated trail: the register records 3"):
        Trail.open(second).perform(3, **step_data(3))
    assert Trail.open(first).verify().status == "intact"
    assert [m.jenis for m in Trail.open(second).verify().masalah] == [JenisMasalah.TRUNCATED]


def test_two_copies_extended_at_the_same_time(two_copies: tuple[Path, Path, str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Item 4, the compare-and-set: B reads the head (2 steps), A performs step 3 and
    anchors it, then B writes its own step 3 and tries to anchor: refused (the head moved
    while B's step ran), and verify of B names the other history."""
    from naskah.trail.penomoran import Penomor

    first, second, _ = two_copies
    settle = Penomor.selesaikan

    def meanwhile(self: Penomor, done: int, oleh: str) -> Any:
        monkeypatch.setattr(Penomor, "selesaikan", settle)
        Trail.open(first).perform(3, **step_data(3))  # A, while B is in its step
        return settle(self, done, oleh)

    monkeypatch.setattr(Penomor, "selesaikan", meanwhile)
    with pytest.raises(naskah.TamperError, match=r"step 3 was recorded, but the register's "
                       r"head of trail .* moved while this step ran"):
        Trail.open(second).perform(3, **step_data(3))
    found = Trail.open(second).verify().masalah
    assert [m.jenis for m in found] == [JenisMasalah.ANCHOR], [str(m) for m in found]
    assert Trail.open(first).verify().status == "intact"


# ================================================================ older ledgers


def test_a_naskah_ledger_2_still_verifies_and_says_what_it_cannot_prove(
        partial: Callable[[int], Path]) -> None:
    """The format change: a ledger written before naskah 0.3 (``naskah-ledger/2``, no
    register numbers in its references, no head in the register, numbers not linked to
    their step) still verifies, is reported as such, numbers are matched to the register
    by content hash, and it is extended in its own format (and anchored from then on)."""
    folder = partial(9)
    data = read_ledger(folder)
    data["format"] = data["header"]["format"] = "naskah-ledger/2"
    resign(data)
    write_ledger(folder, data)
    db = sqlite3.connect(folder / "register.db")
    db.execute("DELETE FROM jangkar_trail")
    db.commit()
    db.close()
    result = Trail.open(folder).verify(ca(folder))
    assert result.utuh, [str(m) for m in result.masalah]
    assert result.format == "naskah-ledger/2" and result.status == "unanchored"
    assert any(w.startswith("naskah-ledger/2 (written before naskah 0.3)")
               for w in result.peringatan)
    Trail.open(folder).perform(10, **step_data(10))
    raw = read_ledger(folder)
    assert raw["format"] == "naskah-ledger/2"
    (signed,) = [r for r in raw["entries"][9]["keluaran"] if r["jenis"] == "tanda-tangan"]
    assert "nomor" not in signed and "nomor_id" not in signed
    db = sqlite3.connect(folder / "register.db")
    db.execute("DELETE FROM nomor_trail")  # a number taken before the register linked it
    db.commit()
    db.close()
    result = Trail.open(folder).verify(ca(folder))
    assert result.utuh and result.status == "intact", [str(m) for m in result.masalah]


# ================================================================ the property, anchored


def _leaves(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _leaves(item, (*path, i))
    else:
        yield path


class Fields(list[tuple[str, str, tuple[Any, ...]]]):
    def __repr__(self) -> str:  # hypothesis prints the arguments of a failing example
        return f"<{len(self)} fields>"


@pytest.fixture(scope="session")
def fields(demo_master: Path) -> Fields:
    """Every field of an entry (but its hash, prev_hash and signature), of the roster and
    of a document's metadata record."""
    found = Fields()
    ledger = read_ledger(demo_master)
    for i, entry in enumerate(ledger["entries"]):
        found += [("entry", "ledger.json", ("entries", i, *p)) for p in _leaves(entry)
                  if not {"hash", "prev_hash", "ttd"} & set(map(str, p))]
    found += [("roster", "pelaksana.json", p)
              for p in _leaves(read_ledger_like(demo_master / "pelaksana.json"))]
    for path in sorted((demo_master / "dokumen").glob("*.docx")):
        meta = naskah.read_metadata(path).model_dump(mode="json", exclude_none=True)
        found += [("docx", f"dokumen/{path.name}", p) for p in _leaves(meta)
                  if p[0] in ("naskah", "pengesahan", "nomor", "hal")]
    return found


@pytest.fixture(scope="session")
def outsider(demo_master: Path, tmp_path_factory: pytest.TempPathFactory) -> Kunci:
    return issue_key(demo_ca(demo_master), OUTSIDER, tmp_path_factory.mktemp("luar"))


def _changed(value: Any, text: str) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, (int, float)):
        return value + 1
    if isinstance(value, str):
        return value + text
    return text


def _at(root: Any, path: tuple[Any, ...]) -> Any:
    for key in path[:-1]:
        root = root[key]
    return root


@given(data=st.data(), rebind=st.booleans(),
       text=st.text(alphabet=st.characters(codec="utf-8", categories=["L", "N", "P", "Zs"]),
                    min_size=1, max_size=8))
@settings(max_examples=15, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_single_field_change_fails_even_with_the_register_moved_along(
        data: st.DataObject, rebind: bool, text: str, demo_master: Path, outsider: Kunci,
        fields: Fields, tmp_path_factory: pytest.TempPathFactory) -> None:
    """"Done when", without help from the anchor: one field of an entry, of the roster or
    of a document's metadata changed; file hashes recorded, every paraf and ledger
    signature made again with a key that is not the roster's (an outsider's, under the
    trusted root; ``rebind``: his certificate put under every NIP of the roster), and the
    register's head moved to the new ledger (the demo's register lies in the berkas).
    verify fails, and not only for the anchor: a signature, a binding, a rule or an
    approval record gives it away."""
    where, rel, path = data.draw(st.sampled_from(fields), label="field")
    folder = tmp_path_factory.mktemp("sifat") / "berkas"
    shutil.copytree(demo_master, folder)
    ledger = read_ledger(folder)
    if where == "entry":
        holder = _at(ledger, path)
        holder[path[-1]] = _changed(holder[path[-1]], text)
    elif where == "roster":
        roster = read_ledger_like(folder / "pelaksana.json")
        holder = _at(roster, path)
        holder[path[-1]] = _changed(holder[path[-1]], text)
        blob = canonical_json(roster)
        (folder / "pelaksana.json").write_bytes(blob)
        ledger["header"]["pelaksana_sha256"] = sha256_bytes(blob)
    else:
        def change(meta: dict[str, Any]) -> None:
            holder = _at(meta, path)
            holder[path[-1]] = _changed(holder[path[-1]], text)

        rewrite_docx_metadata(folder / rel, change)
        set_file_hash(ledger, rel, sha256_file(folder / rel))
    if rebind:
        rebind_roster(folder, ledger, outsider.pem)
    resign_parafs(folder, ledger, lambda nip: outsider.signer)
    resign_ledger(ledger, lambda nip: outsider.signer)
    write_ledger(folder, ledger)
    reanchor(folder)
    result = Trail.open(folder).verify(ca(demo_master))
    beyond = {m.jenis for m in result.masalah} - {JenisMasalah.ANCHOR, JenisMasalah.TRUNCATED}
    assert beyond, f"{where} {rel} {path} changed (rebind={rebind}): {result.status}"
    shutil.rmtree(folder.parent, ignore_errors=True)


def read_ledger_like(path: Path) -> dict[str, Any]:
    value: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return value
