"""Issue 16, the trail: attacks under which ``naskah trail verify`` and ``naskah verify
--trail`` report *intact* / *VALID* on naskah 0.x, each performed for real on a copy of
the demo berkas (real DOCX, real PAdES originals, real CMS signatures, the demo's
real register) and checked with the real verifier.

Items: 1 (outsider rewrite), 2 (insider in the wrong role), 4 (truncation), 5 (silent
default trust), 9 (a number taken by a step killed with SIGKILL; register ↔ ledger),
and the property of "Done when": any single-field change re-signed with a key other
than the roster's makes verify fail.

Each test says, in its docstring, what the fixed verifier must print. Assertions hold
to exit codes, JSON kinds, steps and files, and to key words (the step, the file,
"truncat", the role), not to exact sentences that do not exist yet.
"""
# The fixtures are imported from tests.attack_fixtures; pytest injects them by name.
# ruff: noqa: F811

from __future__ import annotations

import json
import os
import re
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
from naskah.register import Register
from naskah.trail import Trail, rules
from naskah.trail.data_langkah import DataLangkah
from naskah.trail.folder import DEMO_PKI
from naskah.tte.trust import TrustStore
from tests.attack_fixtures import (  # noqa: F401 - fixtures
    KABAG,
    KARO_PO,
    KASUBBAG,
    SESMENKO,
    ca_of,
    copy_of,
    demo_upto,
    init_kwargs,
    outsider,
    roster_of,
    sealed_master,
    self_made,
    step_kwargs,
)
from tests.attack_kit import (
    OUTSIDER,
    REPO,
    Hasil,
    Kunci,
    demo_ca,
    issue_key,
    masalah,
    read_json,
    rebind_roster,
    resign_last,
    resign_ledger,
    resign_parafs,
    rewrite_docx_metadata,
    set_file_hash,
    write_ledger,
)
from tests.registerdb import BACKENDS, fresh_url

pytestmark = pytest.mark.attack

def run(capsys: pytest.CaptureFixture[str], *args: str | os.PathLike[str]) -> Hasil:
    """``naskah ARGS`` in this process (the real CLI entry point), its exit code and output."""
    code = cli([str(a) for a in args])
    out = capsys.readouterr()
    return Hasil(code, out.out, out.err)


def verify_json(capsys: pytest.CaptureFixture[str], folder: Path, ca: Path
                ) -> tuple[Hasil, list[dict[str, Any]]]:
    result = run(capsys, "trail", "verify", folder, "--trust", ca, "--json")
    return result, masalah(result)


def describe(found: list[dict[str, Any]]) -> list[str]:
    return [f"[{m['jenis']}] step {m['step']} {m['file']}: {m['pesan']}" for m in found]


# ---------------------------------------------------------------- helpers


# ================================================================ 1. outsider rewrite


@pytest.mark.slow
def test_outsider_rebinds_the_roster_and_resigns_everything(
        berkas: Path, demo_master: Path, outsider: Kunci,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Item 1 (the bindings): someone with a certificate under the trusted root, not on
    the roster, puts it under every official's NIP in pelaksana.json and signs the
    header, every entry and every paraf (ledger and DOCX record) again with it.

    Today: ``trail verify --trust ROOT`` prints "intact: 14 steps", exit 0.
    Fixed: exit 1; the roster's bindings are checked again at verify, e.g.
    "pelaksana.json: sertifikat.197005151995031001: issued to 'Eko Prasetyo, S.Kom.'
    (serialNumber 199512312020121001), not to Agus Setiawan, S.H., M.Si.", one per NIP.
    """
    ledger = read_json(berkas / "ledger.json")
    rebind_roster(berkas, ledger, outsider.pem)
    resign_parafs(berkas, ledger, lambda nip: outsider.signer)
    resign_ledger(ledger, lambda nip: outsider.signer)
    write_ledger(berkas, ledger)

    result, found = verify_json(capsys, berkas, ca_of(demo_master))
    assert result.code == 1, describe(found)
    assert any(m["file"] == "pelaksana.json" or OUTSIDER.nip in m["pesan"]
               or OUTSIDER.nama in m["pesan"] for m in found), describe(found)
    text = run(capsys, "trail", "verify", berkas, "--trust", ca_of(demo_master))
    assert text.code == 1 and "intact" not in text.out, text


@pytest.fixture
def outsider_rewrite(demo_upto: Callable[[int], Path], copy_of: Callable[[Path], Path],
                     tmp_path: Path) -> tuple[Path, Kunci]:
    """Item 1 in full: the laporan rewritten by an outsider at steps 12-14.

    On a trail after step 11: the outsider's certificate (same trusted root) goes under
    every NIP, the header, entries 1-11 and the paraf of step 9 are signed again with
    it, then steps 12-14 are performed with the engine, signing with the outsider's
    key: a laporan whose "hasil" says the opposite, the same paraf and tanda tangan
    records (naming the Kabag and the Karo PO). The engine made PAdES originals signed
    by the outsider at step 14; those would betray him, so he removes them from the
    entry and the folder and signs entry 14 again.
    """
    from naskah.trail import step
    from naskah.trail.penomoran import Penomor

    folder = copy_of(demo_upto(11))
    key = issue_key(demo_ca(folder), OUTSIDER, tmp_path / "luar")
    ledger = read_json(folder / "ledger.json")
    rebind_roster(folder, ledger, key.pem)
    resign_parafs(folder, ledger, lambda nip: key.signer)
    resign_ledger(ledger, lambda nip: key.signer)
    write_ledger(folder, ledger)
    trail = Trail.open(folder)
    # The outsider's own copy of naskah: a step no longer checks the ledger it extends
    # (naskah 0.3 refuses a roster binding certificates to the wrong people) nor the
    # trail's head in the register (which knows the history he rewrote).
    with pytest.MonkeyPatch.context() as lax:
        lax.setattr(step, "_check_chain", lambda folder, ledger: ledger.entries())
        lax.setattr(Penomor, "kepala", lambda self, hashes, genesis: (
            self._open().jangkar.baca(self.berkas) if self.url else None))
        for n in (12, 13, 14):
            kwargs = step_kwargs(n)
            if n == 12:
                kwargs["dokumen"]["laporan"]["hasil"] = [
                    "Tidak ada unit organisasi yang menyampaikan data; program dihentikan."]
            trail.perform(n, **kwargs, signer=key.signer)
    ledger = read_json(folder / "ledger.json")
    for ref in ledger["entries"][13].pop("asli"):
        (folder / ref["file"]).unlink()
    resign_ledger(ledger, lambda nip: key.signer)
    write_ledger(folder, ledger)
    (folder / "berkas.pdf").unlink(missing_ok=True)
    return folder, key


@pytest.mark.slow
def test_outsider_rewrites_the_laporan_at_steps_12_to_14(
        outsider_rewrite: tuple[Path, Kunci], capsys: pytest.CaptureFixture[str]) -> None:
    """Item 1 (the rewrite).

    Today: "intact: 14 steps" (exit 0); ``naskah meta dokumen/14-laporan.docx`` shows a
    tanda tangan by Agus Setiawan; ``naskah verify 14-laporan.docx --trail`` says VALID.
    Fixed: exit 1 with (a) the roster bindings (the outsider's certificate under the
    officials' NIPs) and (b) step 14, a tanda tangan step, without the PAdES original
    signed with the roster's certificate of the Karo PO, for each of laporan and
    nodin-pengantar, e.g. "step 14: dokumen/14-laporan.docx: signed (tanda tangan by
    Agus Setiawan) but no signed original (PAdES) by his certificate is recorded".
    """
    folder, _ = outsider_rewrite
    result, found = verify_json(capsys, folder, ca_of(folder))
    assert result.code == 1, describe(found)
    assert any(m["file"] == "pelaksana.json" or OUTSIDER.nip in m["pesan"]
               or OUTSIDER.nama in m["pesan"] for m in found), describe(found)
    at_14 = [m for m in found if m["step"] == 14]
    for kode in ("laporan", "nodin-pengantar"):
        assert any(kode in (m["file"] or "") + m["pesan"] for m in at_14), describe(found)
    assert any(re.search(r"PAdES|signed original|asli|tanda tangan", m["pesan"], re.I)
               for m in at_14), describe(found)


@pytest.mark.slow
def test_outsider_rewrite_is_not_a_valid_signed_document(
        outsider_rewrite: tuple[Path, Kunci], capsys: pytest.CaptureFixture[str]) -> None:
    """Item 1: the DOCX's tanda tangan record (Agus Setiawan) is bound to no signature
    of his. Today: ``naskah verify 14-laporan.docx --trail DIR --trust ROOT`` prints
    "VALID (step 14, dokumen/14-laporan.docx)", exit 0. Fixed: exit 1, "the trail fails
    verification" (and the record is not reported as his signature)."""
    folder, _ = outsider_rewrite
    meta = naskah.read_metadata(folder / "dokumen/14-laporan.docx")
    assert meta.pengesahan.tanda_tangan is not None
    assert meta.pengesahan.tanda_tangan.pejabat.nip == KARO_PO  # what `naskah meta` shows
    result = run(capsys, "verify", folder / "dokumen/14-laporan.docx", "--trail", folder,
                 "--trust", ca_of(folder), "--json")
    report = json.loads(result.out)
    assert result.code == 1, report
    assert report["ok"] is False and report["trail"]["trail_intact"] is False, report


def test_every_approval_record_in_a_docx_is_bound_to_a_signature(
        berkas: Path, demo_master: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Item 1 (the records): the paraf records a document carries on (every paraf but the
    last is checked by nobody today) must each match the ledger's paraf and its
    signature. Attack (with the Karo PO's own key, the only signer of entry 14): the
    Kabag's paraf record in the signed laporan is changed to name the Sesmenko, who
    never gave it; the file's hash is recorded and entry 14 re-signed by the Karo PO.

    Today: "intact" (exit 0): the paraf in 14-laporan.docx is not compared with the
    paraf of step 13. Fixed: exit 1, a document-mismatch (or signature) problem at
    step 14 on dokumen/14-laporan.docx naming the paraf."""
    path = berkas / "dokumen/14-laporan.docx"
    sesmenko = read_json(berkas / "ledger.json")["header"]["oleh"]

    def forge(meta: dict[str, Any]) -> None:
        meta["pengesahan"]["paraf"][0]["pejabat"] = sesmenko
        meta["pengesahan"]["paraf"][0]["peran"] = "sesmenko"

    rewrite_docx_metadata(path, forge)
    assert naskah.read_metadata(path).pengesahan.paraf[0].pejabat.nip == SESMENKO
    ledger = read_json(berkas / "ledger.json")
    set_file_hash(ledger, "dokumen/14-laporan.docx", naskah.hashing.sha256_file(path))
    resign_last(ledger, demo.signer(demo_master, KARO_PO))
    write_ledger(berkas, ledger)
    result, found = verify_json(capsys, berkas, ca_of(demo_master))
    assert result.code == 1, describe(found)
    assert any(m["step"] == 14 and m["file"] == "dokumen/14-laporan.docx"
               and re.search(r"paraf", m["pesan"], re.I) for m in found), describe(found)


# ================================================================ 2. insider, wrong role


Lax = Callable[[], pytest.MonkeyPatch]


@pytest.fixture
def lax_engine(monkeypatch: pytest.MonkeyPatch) -> Lax:
    """What an insider does first: a copy of naskah whose step checks accept anything
    (performer's role, document's penandatangan, paraf-giver = signer). The files the
    engine then writes are the attack; the real verifier judges them (``undo()`` first).
    Called once the trail to attack is made (the demo trails are made, and verified, by
    the real engine)."""
    from naskah.trail import approvals

    def any_role(sop: Any, roster: Any, langkah: Any, oleh: str) -> tuple[Any, str]:
        pejabat, _ = roster.cari(oleh)
        return pejabat, langkah.pelaksana[0]  # records the role the step asks for

    def lax() -> pytest.MonkeyPatch:
        monkeypatch.setattr(rules, "check_performer", any_role)
        monkeypatch.setattr(approvals, "person_mismatch", lambda *a: None)
        monkeypatch.setattr(approvals, "same_person", lambda *a: False)
        return monkeypatch

    return lax


@pytest.mark.slow
def test_kasubbag_performs_the_kabags_step(demo_upto: Callable[[int], Path],
                                           copy_of: Callable[[Path], Path],
                                           lax_engine: Lax,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    """Item 2 (role): Budi Santoso (Kasubbag Data) performs step 5, reserved for the
    Kabag Data dan Informasi, signing with his own key (the entry records the role
    the step asks for, kabag-datin, which he does not hold).

    Today: "intact: 5 steps", exit 0. Fixed: exit 1, "step 5: performed by Budi
    Santoso, who holds Kasubbag Data; step 5 must be performed by Kabag ..." (the rule
    engine `trail do` uses, re-run on the recorded history)."""
    folder = copy_of(demo_upto(4))
    kwargs = step_kwargs(5) | {"oleh": KASUBBAG}
    lax = lax_engine()
    Trail.open(folder).perform(5, **kwargs, signer=demo.signer(folder, KASUBBAG))
    lax.undo()  # the real verifier judges what the lax engine wrote
    result, found = verify_json(capsys, folder, ca_of(folder))
    assert result.code == 1, describe(found)
    assert any(m["step"] == 5 and re.search(r"role|peran|kabag|kasubbag", m["pesan"], re.I)
               for m in found), describe(found)


@pytest.mark.slow
def test_kasubbag_signs_the_karos_step_14(demo_upto: Callable[[int], Path],
                                          copy_of: Callable[[Path], Path],
                                          lax_engine: Lax,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    """Item 2 (the issue's case): the Kasubbag Data performs step 14 of the Karo PO and
    signs the laporan and the nota dinas, whose penandatangan is the Karo PO, with his
    own key (PAdES originals included: they validate, and are by the entry's performer).

    Today: "intact: 14 steps", exit 0, and ``naskah verify 14-laporan.pdf --trail``
    says VALID. Fixed: exit 1 with step 14 named for the role (karo-po, held by
    Agus Setiawan, not by Budi Santoso) and for the signer, who is not the documents'
    penandatangan (Agus Setiawan)."""
    folder = copy_of(demo_upto(13))
    kwargs = step_kwargs(14) | {"oleh": KASUBBAG}
    lax = lax_engine()
    Trail.open(folder).perform(14, **kwargs, signer=demo.signer(folder, KASUBBAG))
    lax.undo()  # the real verifier judges what the lax engine wrote
    result, found = verify_json(capsys, folder, ca_of(folder))
    assert result.code == 1, describe(found)
    at_14 = [m for m in found if m["step"] == 14]
    assert any(re.search(r"role|peran|karo", m["pesan"], re.I) for m in at_14), describe(found)
    assert any(re.search(r"penandatangan|signer|Agus Setiawan", m["pesan"], re.I)
               for m in at_14), describe(found)
    pdf = run(capsys, "verify", folder / "dokumen/14-laporan.pdf", "--trail", folder,
              "--trust", ca_of(folder))
    assert pdf.code == 1, pdf


@pytest.mark.slow
def test_step_14_signs_the_konsep_without_its_paraf(demo_upto: Callable[[int], Path],
                                                     copy_of: Callable[[Path], Path],
                                                     monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]
                                                     ) -> None:
    """Item 2 (kelengkapan and their status): the Karo PO (the right person, his own key)
    signs the konsep of step 12 instead of the version the Kabag initialled at step 13:
    step 14 needs 'laporan' and 'nodin-pengantar' *diparaf*; the entry records them as
    konsep, and the signed documents carry no paraf.

    Today: "intact", exit 0. Fixed: exit 1, "step 14 needs 'laporan' diparaf, but it is
    konsep" (the rule `trail do` applies), at step 14."""
    folder = copy_of(demo_upto(13))
    of = rules.Keadaan.of.__func__  # type: ignore[attr-defined]
    monkeypatch.setattr(rules.Keadaan, "of", classmethod(lambda cls, e: of(cls, e[:12])))

    def no_status(sop: Any, langkah: Any, state: Any, lampiran: Any) -> Any:
        return [state.refs[k.kode][1] for k in langkah.kelengkapan], []

    monkeypatch.setattr(rules, "check_kelengkapan", no_status)
    entry = Trail.open(folder).perform(14, **step_kwargs(14),
                                       signer=demo.signer(folder, KARO_PO))
    assert {r.status.value for r in entry.masukan if r.status} == {"konsep"}
    monkeypatch.undo()
    result, found = verify_json(capsys, folder, ca_of(folder))
    assert result.code == 1, describe(found)
    assert any(m["step"] == 14 and re.search(r"diparaf|kelengkapan|paraf", m["pesan"], re.I)
               for m in found), describe(found)


@pytest.mark.slow
def test_step_14_recorded_before_step_13_finished(demo_upto: Callable[[int], Path],
                                                  copy_of: Callable[[Path], Path],
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """Item 2 (order): the Karo PO records step 14 as done from 10:00 to 10:20, before
    the Kabag finished step 13 at 15:20 (`trail do` refuses: "mulai ... is before the
    previous step finished").

    Today: "intact", exit 0. Fixed: exit 1, step 14 named ("starts before step 13
    finished")."""
    from datetime import datetime

    folder = copy_of(demo_upto(13))

    early = (datetime.fromisoformat("2026-11-25T10:00:00+07:00"),
             datetime.fromisoformat("2026-11-25T10:20:00+07:00"))
    monkeypatch.setattr(rules, "check_times", lambda *a: rules.Waktu(
        early[0], early[1], ["mulai", "selesai"]))
    entry = Trail.open(folder).perform(14, **step_kwargs(14),
                                       signer=demo.signer(folder, KARO_PO))
    assert entry.mulai == early[0]
    monkeypatch.undo()
    result, found = verify_json(capsys, folder, ca_of(folder))
    assert result.code == 1, describe(found)
    assert any(m["step"] == 14 and re.search(r"before|sebelum|order|13", m["pesan"], re.I)
               for m in found), describe(found)


@pytest.mark.slow
def test_paraf_giver_signs_when_the_sop_forbids_it(demo_master: Path, tmp_path: Path,
                                                   lax_engine: Lax,
                                                   capsys: pytest.CaptureFixture[str]
                                                   ) -> None:
    """Item 2 (paraf-giver ≠ signer): an SOP variant where the Kabag may perform step 10,
    with ``paraf_dan_tanda_tangan_sama`` false; the undangan names her as penandatangan.
    She gives the paraf at step 9 and signs at step 10 (`trail do` refuses: "gave a
    paraf on this document and may not also sign it").

    Today: "intact: 10 steps", exit 0. Fixed: exit 1, step 10 named ("gave a paraf ...
    may not also sign it")."""
    data = json.loads(Trail.open(demo_master).sop.canonical_json())
    data["langkah"][9]["pelaksana"] = ["kabag-datin"]
    data["paraf_dan_tanda_tangan_sama"] = False
    sop = naskah.sop.Sop.model_validate(data)
    folder = tmp_path / "varian"
    lax = lax_engine()
    trail = Trail.init(folder, roster_of(demo_master), sop=sop, dibuat=demo.MULAI,
                       **init_kwargs(demo_master))
    kabag = roster_of(demo_master)["peran"]["kabag-datin"][0]
    for n in range(1, 11):
        kwargs = step_kwargs(n, numbered=False)
        if n == 8:  # the undangan is to be signed by the Kabag
            kwargs["dokumen"]["undangan-rapat"]["penandatangan"] = {"pejabat": kabag}
        if n == 10:
            kwargs["oleh"] = KABAG
        trail.perform(n, **kwargs, signer=demo.signer(demo_master, kwargs["oleh"]))
    lax.undo()
    result, found = verify_json(capsys, folder, ca_of(demo_master))
    assert result.code == 1, describe(found)
    assert any(m["step"] == 10 and re.search(r"paraf", m["pesan"], re.I) for m in found), \
        describe(found)


# ================================================================ 4. truncation


def _truncate(folder: Path, keep: int) -> None:
    """Drop the ledger's entries after ``keep`` and every file of those steps."""
    ledger = read_json(folder / "ledger.json")
    ledger["entries"] = ledger["entries"][:keep]
    write_ledger(folder, ledger)
    for sub in ("dokumen", "lampiran", "aset", "pdf"):
        for path in (folder / sub).glob("*") if (folder / sub).is_dir() else ():
            if int(path.name[:2]) > keep:
                path.unlink()


@pytest.mark.slow
@pytest.mark.parametrize("berkas_pdf", ["kept", "deleted"])
def test_dropping_the_last_steps_is_reported_as_truncation(
        sealed_master: Path, copy_of: Callable[[Path], Path], demo_master: Path,
        berkas_pdf: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Item 4: entries 13 and 14 and their files are dropped: the letter is un-signed
    without any key. The register (register.db, which numbered steps 10 and 14) and,
    when kept, the sealed berkas.pdf (14 steps) both know the trail was longer.

    Today: "intact: 12 steps, final hash ...", exit 0. Fixed: exit 1, "the trail was
    truncated: the register (and berkas.pdf) record 14 steps, ending in <hash>; the
    ledger holds 12"."""
    berkas = copy_of(sealed_master)
    assert (berkas / "berkas.pdf").is_file()
    _truncate(berkas, 12)
    if berkas_pdf == "deleted":
        (berkas / "berkas.pdf").unlink()
    result, found = verify_json(capsys, berkas, ca_of(demo_master))
    assert result.code == 1, describe(found)
    assert any(re.search(r"truncat", m["pesan"], re.I) for m in found), describe(found)
    assert any("14" in m["pesan"] or "13" in m["pesan"] for m in found
               if re.search(r"truncat", m["pesan"], re.I)), describe(found)
    text = run(capsys, "trail", "verify", berkas, "--trust", ca_of(demo_master))
    assert text.code == 1 and not text.out.startswith("intact"), text


def test_without_an_anchor_truncation_is_not_ruled_out(demo_master: Path, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]
                                                       ) -> None:
    """Item 4: a trail with no register and no berkas PDF, cut from 4 steps to 3.

    Today: "intact: 3 steps, final hash ...". Fixed: verify says plainly that
    truncation cannot be ruled out, e.g. "3 steps verified; no anchor (register or
    sealed berkas PDF): a trail cut short cannot be told from a shorter one
    (truncation not ruled out)" and does not print a bare "intact"."""
    folder = tmp_path / "tanpa-jangkar"
    trail = Trail.init(folder, roster_of(demo_master), dibuat=demo.MULAI,
                       **init_kwargs(demo_master))
    for n in range(1, 5):
        kwargs = step_kwargs(n, numbered=False)
        trail.perform(n, **kwargs, signer=demo.signer(demo_master, kwargs["oleh"]))
    _truncate(folder, 3)
    result = run(capsys, "trail", "verify", folder, "--trust", ca_of(demo_master))
    assert re.search(r"truncat", result.text, re.I), result
    assert not result.out.startswith("intact"), result


# ================================================================ 5. silent default trust


@pytest.mark.slow
def test_verify_without_trust_warns_that_only_the_berkas_vouches(
        self_made: Path, demo_master: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Item 5: ``naskah verify FILE --trail DIR`` trusts the berkas's own trust.pem, so a
    fully self-made PKI named like the real one passes.

    Today: "TTE: VALID ... in trail DIR: VALID", exit 0, not a word about trust.
    Fixed: a warning, e.g. "warning: no --trust given: the signatures were checked only
    against the berkas's own trust.pem, which whoever made the berkas chose; give the
    roots you trust (--trust CA.pem)". With the real root the forgery fails (exit 1)."""
    pdf = self_made / "dokumen/14-laporan.pdf"
    result = run(capsys, "verify", pdf, "--trail", self_made)
    assert re.search(r"warn|peringatan", result.text, re.I), result
    assert "trust.pem" in result.text and "--trust" in result.text, result
    real = run(capsys, "verify", pdf, "--trail", self_made, "--trust", ca_of(demo_master))
    assert real.code == 1, real


@pytest.mark.slow
def test_trail_verify_without_trust_warns(self_made: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    """Item 5, ``naskah trail verify DIR`` without --trust. Today: "intact: 14 steps",
    nothing else. Fixed: the same warning (trust.pem of the berkas only; --trust)."""
    result = run(capsys, "trail", "verify", self_made)
    assert re.search(r"warn|peringatan", result.text, re.I), result
    assert "trust.pem" in result.text and "--trust" in result.text, result


def test_verify_help_says_what_is_trusted_by_default(capsys: pytest.CaptureFixture[str]
                                                     ) -> None:
    """Item 5: ``naskah verify --help`` must say that without --trust a --trail's own
    trust.pem is what is trusted (``trail verify --help`` says so already)."""
    for command in (["verify", "--help"], ["trail", "verify", "--help"]):
        with pytest.raises(SystemExit) as exit_:
            cli(command)
        assert exit_.value.code == 0
        helptext = " ".join(capsys.readouterr().out.split())
        assert "trust.pem" in helptext, (command, helptext)


def test_every_verify_command_the_demo_prints_passes_trust(demo_cli: dict[str, Any]) -> None:
    """Item 5: ``naskah demo`` prints "check a signed original: naskah verify
    OUT/dokumen/14-nodin-pengantar.pdf --trail OUT" (no --trust). Fixed: every
    ``naskah verify`` / ``naskah trail verify`` it prints gives ``--trust``, and the
    command works as printed. (``demo_cli`` is the session's ``naskah demo`` process.)"""
    assert demo_cli["returncode"] == 0, demo_cli["stderr"]
    text = demo_cli["stdout"] + demo_cli["stderr"]
    commands = [line[line.index("naskah "):] for line in text.splitlines()
                if re.search(r"naskah (trail )?verify ", line)]
    assert commands, text
    for command in commands:
        assert "--trust" in command, command
        import shlex

        args = shlex.split(command)
        done = subprocess.run([sys.executable, "-m", *args], capture_output=True, text=True,
                              timeout=300, check=False)
        assert done.returncode == 0, (command, done.stdout, done.stderr)


def test_every_verify_command_in_the_readme_passes_trust() -> None:
    """Item 5: README lines 40, 183 and 360 show ``naskah verify ... --trail`` and
    ``naskah trail verify`` without --trust. Fixed: each passes --trust, and the README
    has the section "What verify proves, and what it does not"."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    lines = [line for line in readme.splitlines()
             if re.search(r"naskah (trail )?verify [^-\s]", line)]
    assert lines
    missing = [line for line in lines if "--trust" not in line]
    assert not missing, missing
    assert re.search(r"^#+ What verify proves, and what it does not", readme, re.M)


# ================================================================ 9. kill -9 while numbering


KILL_AT_SIGNING = """
import os, signal, sys
from naskah.tte.pkcs12 import Pkcs12Signer

def die(*args, **kwargs):
    # Signing the PDF original: the number was taken (approve -> Penomor.beri) and
    # committed in the register; the signed original and the ledger entry are not
    # written yet. Killed the way kill -9 kills.
    os.kill(os.getpid(), signal.SIGKILL)

Pkcs12Signer.sign_pdf = die
from naskah.cli import main
sys.exit(main(sys.argv[1:]))
"""


def _trail_numbers(url: str) -> list[Any]:
    with Register(url) as reg:
        return reg.daftar()


def _ledger_nomor(folder: Path) -> set[str]:
    """Every nomor the trail's documents carry (as recorded in their metadata)."""
    found: set[str] = set()
    for entry in Trail.open(folder).entries():
        for ref in entry.keluaran:
            if ref.file and ref.file.endswith(".docx"):
                nomor = naskah.read_metadata(folder / ref.file).nomor
                if nomor:
                    found.add(nomor)
    return found


def _run_to(folder: Path, url: str, sampai: int) -> None:
    """The demo's steps 1..sampai in ``folder``, numbering from the register ``url``."""
    pelaksana = demo.make_pki(folder, json.loads(
        (demo.data_dir() / "pelaksana.json").read_text(encoding="utf-8")))
    first = DataLangkah.load(demo.data_dir() / "langkah-01.json").oleh
    trail = Trail.init(folder, pelaksana, dibuat=demo.MULAI, demo=True,
                       trust=[ca_of(folder)], oleh=first, signer=demo.signer(folder, first),
                       register=url, profil=demo.PROFIL)
    for n in range(1, sampai + 1):
        kwargs = step_kwargs(n)
        trail.perform(n, **kwargs, signer=demo.signer(folder, kwargs["oleh"]))


@pytest.fixture(params=BACKENDS)
def numbered_trail(request: pytest.FixtureRequest, tmp_path: Path, demo_master: Path,
                   monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Path, str]]:
    """A trail after step 9 whose register (SQLite or PostgreSQL) numbers the undangan
    at step 10."""
    from sqlalchemy.engine import make_url

    url = fresh_url(request.param, tmp_path)
    password = make_url(url).password
    if password:  # a berkas never keeps it (naskah.trail.pengaturan): PostgreSQL's way
        monkeypatch.setenv("PGPASSWORD", str(password))
    folder = tmp_path / "berkas"
    _run_to(folder, url, 9)
    yield folder, url


@pytest.mark.slow
def test_sigkill_after_the_number_is_taken_is_settled(numbered_trail: tuple[Path, str],
                                                     capsys: pytest.CaptureFixture[str]
                                                     ) -> None:
    """Item 9: ``trail do DIR 10`` killed with SIGKILL after the register gave the
    undangan its final number, before the signed original and the ledger entry exist.

    Today: the number stays "final" with no document holding it; ``trail verify`` says
    "intact: 9 steps" (exit 0); the retried step 10 takes the next number and the
    first stays final forever. Fixed: ``trail verify`` reports the orphan number
    (exit 1, naming it) or settles it; after the next step it is cancelled with a
    reason (or is the number the document carries): every number the register gave
    the trail is in the ledger or batal with its reason."""
    folder, url = numbered_trail
    args = ["trail", "do", str(folder), "10", "--data",
            str(demo.data_dir() / "langkah-10.json"),
            "--p12", str(folder / DEMO_PKI / f"{KARO_PO}.p12"),
            "--passphrase-env", demo.PASSPHRASE_ENV]
    killed = subprocess.run([sys.executable, "-c", KILL_AT_SIGNING, *args], cwd=REPO,
                            env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True,
                            text=True, timeout=300)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    (orphan,) = [n for n in _trail_numbers(url) if n.status == "final"]
    assert len(Trail.open(folder).entries()) == 9  # the step left no entry

    result = run(capsys, "trail", "verify", folder, "--trust", ca_of(folder))
    with Register(url) as reg:
        settled = reg.get(orphan.id)
    assert (result.code == 1 and orphan.teks in result.text) or (
        settled.status == "batal" and settled.alasan_batal), (result, settled)

    Trail.open(folder).perform(10, **step_kwargs(10), signer=demo.signer(folder, KARO_PO))
    carried = _ledger_nomor(folder)
    for nomor in _trail_numbers(url):
        assert nomor.teks in carried or (nomor.status == "batal" and nomor.alasan_batal), (
            f"{nomor.teks} is {nomor.status} and no document of the trail holds it")


@pytest.mark.slow
def test_a_ledger_number_missing_from_the_register_is_reported(
        berkas: Path, demo_master: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Item 9 (the other way): the undangan's number (given at step 10) is deleted from
    the demo's register, as if never issued. Today: "intact: 14 steps". Fixed: exit 1,
    "step 10: dokumen/10-undangan-rapat.docx carries nomor B-1/... which the register
    does not hold"."""
    db = sqlite3.connect(berkas / "register.db")
    (nomor_id, teks), = db.execute("SELECT id, teks FROM nomor WHERE pola = 'surat'").fetchall()
    db.execute("DELETE FROM riwayat_nomor WHERE nomor_id = ?", (nomor_id,))
    db.execute("DELETE FROM nomor WHERE id = ?", (nomor_id,))
    db.commit()
    db.close()
    result, found = verify_json(capsys, berkas, ca_of(demo_master))
    assert result.code == 1, describe(found)
    assert any(teks in m["pesan"] or m["step"] == 10 for m in found), describe(found)


# ================================================================ the property


def _leaves(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _leaves(item, (*path, i))
    else:
        yield path


_SKIP = {"hash", "prev_hash", "ttd"}  # what the attacker recomputes anyway


def _targets(master: Path) -> list[tuple[str, str, tuple[Any, ...]]]:
    """Every single field an attacker could change: (where, file, path to the field)."""
    found: list[tuple[str, str, tuple[Any, ...]]] = []
    ledger = read_json(master / "ledger.json")
    for i, entry in enumerate(ledger["entries"]):
        found += [("entry", "ledger.json", ("entries", i, *p)) for p in _leaves(entry)
                  if not _SKIP & set(map(str, p))]
    found += [("roster", "pelaksana.json", p)
              for p in _leaves(read_json(master / "pelaksana.json"))]
    for path in sorted((master / "dokumen").glob("*.docx")):
        meta = naskah.read_metadata(path).model_dump(mode="json", exclude_none=True)
        found += [("docx", f"dokumen/{path.name}", p) for p in _leaves(meta)
                  if p[0] in ("naskah", "pengesahan", "nomor", "hal")]
    return found


def _changed(value: Any, text: str) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, (int, float)):
        return value + 1
    if isinstance(value, str):
        return value + text
    return text


def _set(root: Any, path: tuple[Any, ...], value: Any) -> None:
    for key in path[:-1]:
        root = root[key]
    root[path[-1]] = value


def _get(root: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        root = root[key]
    return root


class Targets(list[tuple[str, str, tuple[Any, ...]]]):
    def __repr__(self) -> str:  # hypothesis prints the arguments of a failing example
        return f"<{len(self)} fields>"


@pytest.fixture(scope="session")
def targets(demo_master: Path) -> Targets:
    return Targets(_targets(demo_master))


@pytest.mark.slow
@given(data=st.data(), rebind=st.booleans(),
       text=st.text(alphabet=st.characters(codec="utf-8", categories=["L", "N", "P", "Zs"]),
                    min_size=1, max_size=8))
@settings(max_examples=12, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_single_field_change_resigned_by_another_key_fails(
        data: st.DataObject, rebind: bool, text: str, demo_master: Path, outsider: Kunci,
        targets: Targets,
        tmp_path_factory: pytest.TempPathFactory) -> None:
    """"Done when": one field of a ledger entry, of the roster or of a document's
    metadata is changed; the attacker then makes everything consistent with the only
    key they hold (an outsider's, under the trusted root): file hashes recorded, paraf
    and every ledger signature made again with it, and (``rebind``) the outsider's
    certificate put under every NIP of the roster. ``trail verify`` must fail.

    Today it passes for every change when ``rebind`` is true (item 1's missing binding
    check), e.g. entry 5's "tindakan" text changed."""
    where, rel, path = data.draw(st.sampled_from(targets), label="field")
    folder = tmp_path_factory.mktemp("sifat") / "berkas"
    shutil.copytree(demo_master, folder)
    ledger = read_json(folder / "ledger.json")
    if where == "entry":
        _set(ledger, path, _changed(_get(ledger, path), text))
    elif where == "roster":
        roster = read_json(folder / "pelaksana.json")
        _set(roster, path, _changed(_get(roster, path), text))
        naskah_bytes = naskah.hashing.canonical_json(roster)
        (folder / "pelaksana.json").write_bytes(naskah_bytes)
        ledger["header"]["pelaksana_sha256"] = naskah.hashing.sha256_bytes(naskah_bytes)
    else:
        def change(meta: dict[str, Any]) -> None:
            _set(meta, path, _changed(_get(meta, path), text))

        rewrite_docx_metadata(folder / rel, change)
        set_file_hash(ledger, rel, naskah.hashing.sha256_file(folder / rel))
    if rebind:
        rebind_roster(folder, ledger, outsider.pem)
    resign_parafs(folder, ledger, lambda nip: outsider.signer)
    resign_ledger(ledger, lambda nip: outsider.signer)
    write_ledger(folder, ledger)
    result = Trail.open(folder).verify(TrustStore.from_files([ca_of(demo_master)]))
    assert not result.utuh, f"{where} {rel} {path} changed (rebind={rebind}): verify intact"
    shutil.rmtree(folder.parent, ignore_errors=True)
