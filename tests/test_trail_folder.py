"""The berkas folder (naskah.trail.folder): a step's files land all or nothing; crashes,
kills and full disks leave nothing a retry trips over; staff files are never deleted;
planted links are not followed; the lock keeps writers apart and readers off half a step.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import naskah
import naskah.fileio
import naskah.trail
import naskah.trail.folder
import naskah.trail.ledger
from naskah.trail import JenisMasalah, Trail
from naskah.trail.folder import shared_lock
from naskah.trail.ledger import Ledger
from tests.trail_support import (
    DATA,
    KABAG,
    REPO,
    demo_key_args,
    files_of,
    master,
    problems,
    read_ledger,
    step_data,
)

# ---------------------------------------------------------------- crashes


def test_crash_before_the_ledger_write(partial: Callable[[int], Path],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    folder = partial(2)
    before = (folder / "ledger.json").read_bytes()

    def crash(self: Ledger) -> None:
        raise RuntimeError("power cut")

    monkeypatch.setattr(naskah.trail.ledger.Ledger, "save", crash)
    with pytest.raises(RuntimeError, match="power cut"):
        Trail.open(folder).perform(3, **step_data(3))
    monkeypatch.undo()

    assert (folder / "ledger.json").read_bytes() == before
    result = Trail.open(folder).verify()
    assert result.langkah == 2
    # the step's files were rolled back with it: nothing unrecorded, no chain problem
    assert result.utuh, problems(result)
    assert not list((folder / "dokumen").glob("03-*"))
    assert not list((folder / "lampiran").glob("03-*"))


KILL_DURING_STEP = """
import os, signal, sys
import naskah.trail.ledger
from naskah.trail.data_langkah import DataLangkah
from naskah.trail import Trail

def killed(self):  # the process dies after placing the step's files, before the ledger
    os.kill(os.getpid(), signal.SIGKILL)

naskah.trail.ledger.Ledger.save = killed
from pathlib import Path
from naskah import demo
data = DataLangkah.load(sys.argv[2]).perform_kwargs()
data["signer"] = demo.signer(Path(sys.argv[4]), data["oleh"])
Trail.open(sys.argv[1]).perform(int(sys.argv[3]), **data)
"""


def test_hard_crash_leftovers_are_removed_on_retry(partial: Callable[[int], Path]) -> None:
    """A killed process cannot roll back: its placed files stay until the next step.

    verify reports them as unrecorded; the next attempt removes exactly those (named in
    the engine's journal, with their hashes) and performs the step.
    """
    folder = partial(2)
    killed = subprocess.run([sys.executable, "-c", KILL_DURING_STEP, str(folder),
                             str(DATA / "langkah-03.json"), "3", str(master())], cwd=REPO,
                            check=False)
    assert killed.returncode == -9
    result = Trail.open(folder).verify()
    assert sorted((m.jenis.value, m.file) for m in result.masalah) == [
        ("unrecorded", "dokumen/03-disposisi-kabag-datin.docx"),
        ("unrecorded", "lampiran/03-rencana-kegiatan.txt"),
    ]
    entry = Trail.open(folder).perform(3, **step_data(3))
    assert entry.step == 3
    assert Trail.open(folder).verify().utuh
    assert not (folder / ".naskah-staging").exists()


def test_staff_file_named_like_a_step_is_never_deleted(partial: Callable[[int], Path]) -> None:
    """Attack (issue 7, item 9): a staff file 'NN-...' not in the ledger was deleted."""
    folder = partial(2)
    staff = folder / "dokumen" / "03-disposisi-kabag-datin.docx"
    staff.write_bytes(b"the Kabag's own draft, kept here on purpose")
    other = folder / "lampiran" / "03-catatan-staf.txt"
    other.write_bytes(b"notes")
    with pytest.raises(naskah.TrailError, match=r"03-disposisi-kabag-datin\.docx already "
                       r"exists but is not recorded"):
        Trail.open(folder).perform(3, **step_data(3))
    assert staff.read_bytes() == b"the Kabag's own draft, kept here on purpose"
    assert other.read_bytes() == b"notes"
    assert len(read_ledger(folder)["entries"]) == 2
    assert not (folder / "lampiran" / "03-rencana-kegiatan.txt").exists()  # rolled back
    staff.rename(tmp := folder.parent / "draft.docx")
    Trail.open(folder).perform(3, **step_data(3))
    assert other.read_bytes() == b"notes" and tmp.is_file()
    result = Trail.open(folder).verify()
    assert [(m.jenis.value, m.file) for m in result.masalah] == [
        ("unrecorded", "lampiran/03-catatan-staf.txt")]


def test_added_file_of_a_later_step_is_reported_not_deleted(
    partial: Callable[[int], Path]
) -> None:
    folder = partial(2)
    (folder / "dokumen" / "05-sisipan.docx").write_bytes(b"inserted")
    Trail.open(folder).perform(3, **step_data(3))
    assert (folder / "dokumen" / "05-sisipan.docx").read_bytes() == b"inserted"
    result = Trail.open(folder).verify()
    assert [str(m) for m in result.masalah] == [
        "dokumen/05-sisipan.docx: the file is not recorded in the ledger (an interrupted "
        "step, or an added file)"]


def test_crash_before_the_ledger_write_then_retry(partial: Callable[[int], Path],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    folder = partial(2)

    def crash(self: Ledger) -> None:
        raise RuntimeError("power cut")

    monkeypatch.setattr(naskah.trail.ledger.Ledger, "save", crash)
    with pytest.raises(RuntimeError):
        Trail.open(folder).perform(3, **step_data(3))
    monkeypatch.undo()
    entry = Trail.open(folder).perform(3, **step_data(3))
    assert entry.step == 3
    result = Trail.open(folder).verify()
    assert result.utuh, problems(result)


def failing_write(after: int) -> tuple[Callable[..., str], list[Any]]:
    """A StepFiles.add that fails (disk full) on call number after+1."""
    original = naskah.trail.folder.StepFiles.add
    calls: list[Any] = []

    def write(self: naskah.trail.folder.StepFiles, rel: Any, data: bytes) -> str:
        calls.append(rel)
        if len(calls) == after + 1:
            raise OSError(28, "No space left on device")
        return original(self, rel, data)

    return write, calls


def test_crash_while_writing_a_document(partial: Callable[[int], Path],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    folder = partial(2)
    before = (folder / "ledger.json").read_bytes()
    files_before = files_of(folder)
    write, calls = failing_write(0)
    monkeypatch.setattr(naskah.trail.folder.StepFiles, "add", write)
    with pytest.raises(OSError, match="No space left"):
        Trail.open(folder).perform(3, **step_data(3))
    monkeypatch.undo()
    assert len(calls) == 1
    assert (folder / "ledger.json").read_bytes() == before
    assert files_of(folder) == files_before
    assert not [p for p in (folder / "lampiran").iterdir() if p.name.startswith(".")]
    assert Trail.open(folder).verify().utuh
    entry = Trail.open(folder).perform(3, **step_data(3))
    assert entry.step == 3
    assert Trail.open(folder).verify().utuh


def test_crash_while_writing_the_second_file_then_retry(partial: Callable[[int], Path],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    folder = partial(2)
    write, _ = failing_write(1)
    monkeypatch.setattr(naskah.trail.folder.StepFiles, "add", write)
    with pytest.raises(OSError):
        Trail.open(folder).perform(3, **step_data(3))
    monkeypatch.undo()
    Trail.open(folder).perform(3, **step_data(3))
    assert Trail.open(folder).verify().utuh


# ---------------------------------------------------------------- leftovers and links


def test_stale_engine_temp_files_are_cleaned_staff_files_kept(
    partial: Callable[[int], Path]
) -> None:
    folder = partial(2)
    (folder / ".ledger.json.k3j2l1.tmp").write_bytes(b'{"half": ')
    old_temp = folder / "dokumen" / ".03-disposisi-kabag-datin.docx.a1b2c3d4.tmp"  # 0.1.0
    old_temp.write_bytes(b"PK half")
    (folder / "dokumen" / ".~lock.03-catatan.docx#").write_bytes(b"staff editor lock")
    result = Trail.open(folder).verify()
    assert sorted((m.jenis.value, m.file) for m in result.masalah) == [
        ("hidden", "dokumen/.~lock.03-catatan.docx#"), ("leftover", ".ledger.json.k3j2l1.tmp"),
        ("leftover", "dokumen/.03-disposisi-kabag-datin.docx.a1b2c3d4.tmp")]
    Trail.open(folder).perform(3, **step_data(3))
    assert not (folder / ".ledger.json.k3j2l1.tmp").exists() and not old_temp.exists()
    assert (folder / "dokumen" / ".~lock.03-catatan.docx#").read_bytes() == b"staff editor lock"


def test_planted_staging_link_is_not_written_through(partial: Callable[[int], Path],
                                                     tmp_path: Path) -> None:
    folder = partial(2)
    outside = tmp_path / "di-luar"
    outside.mkdir()
    (folder / ".naskah-staging").symlink_to(outside)
    Trail.open(folder).perform(3, **step_data(3))
    assert list(outside.iterdir()) == []
    assert Trail.open(folder).verify().utuh


def test_tracked_folder_replaced_by_a_link_is_refused(partial: Callable[[int], Path],
                                                      tmp_path: Path) -> None:
    folder = partial(2)
    moved = shutil.move(folder / "lampiran", tmp_path / "lampiran-lain")
    (folder / "lampiran").symlink_to(moved)
    assert [(m.jenis, m.file) for m in Trail.open(folder).verify().masalah] == [
        (JenisMasalah.SYMLINK, "lampiran")]
    with pytest.raises(naskah.TrailError, match="is a symbolic link"):
        Trail.open(folder).perform(3, **step_data(3))
    assert sorted(p.name for p in Path(moved).iterdir()) == ["01-program-kerja.txt"]


# ---------------------------------------------------------------- locking


HOLD_LOCK = """
import sys
from pathlib import Path
from naskah.trail.folder import exclusive_lock, shared_lock
lock = exclusive_lock if sys.argv[2] == "writer" else shared_lock
with lock(Path(sys.argv[1])):
    print("locked", flush=True)
    sys.stdin.readline()
"""


@contextlib.contextmanager
def lock_held(folder: Path, holder: str) -> Iterator[None]:
    """Another process holds the berkas's lock as a ``writer`` (the exclusive lock of a step
    in progress) or a ``reader`` (the shared lock of verify, status, berkas) until the
    block ends."""
    proc = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(folder), holder], cwd=REPO,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline() == "locked\n"
        yield
    finally:
        assert proc.stdin is not None
        proc.stdin.write("\n")
        proc.stdin.close()
        proc.wait(timeout=30)


WAIT = 0.3
"""The lock waits of these tests (the library's: 2 s for a step, 60 s for a reader)."""


@contextlib.contextmanager
def refused_within_the_wait(match: str) -> Iterator[None]:
    """The block raises TrailLockedError matching ``match`` after waiting about WAIT."""
    start = time.monotonic()
    with pytest.raises(naskah.TrailLockedError, match=match):
        yield
    assert WAIT <= time.monotonic() - start < WAIT + 10


@pytest.mark.parametrize("holder", ["writer", "reader"])
def test_lock_held_by_another_process(partial: Callable[[int], Path], holder: str,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A step is refused while another process holds the berkas, reading it or writing it;
    a reader waits for a step in progress and is refused when it does not finish, but
    readers share. Released, the step goes through. The waits are shortened here."""
    monkeypatch.setattr(naskah.trail.folder, "WRITER_WAIT", WAIT)
    monkeypatch.setattr(naskah.trail.folder, "READER_WAIT", WAIT)
    folder = partial(1)
    before = (folder / "ledger.json").read_bytes()
    trail = Trail.open(folder)  # opened before the other process takes the berkas
    with lock_held(folder, holder):
        with refused_within_the_wait(r"another process is performing a step on .* \(or "
                                     r"reading it\) right now; try again when it has finished"):
            trail.perform(2, **step_data(2))
        if holder == "writer":
            reader = r"another process is performing a step on .* right now and did not finish"
            with refused_within_the_wait(reader):
                Trail.open(folder)
            with refused_within_the_wait(reader):
                trail.verify()
        else:
            assert Trail.open(folder).verify().utuh  # readers share the berkas
    assert (folder / "ledger.json").read_bytes() == before
    assert not (folder / ".naskah-staging").exists()
    # released: the step goes through
    Trail.open(folder).perform(2, **step_data(2))
    assert Trail.open(folder).verify().utuh


def test_readers_wait_for_a_step_in_progress(partial: Callable[[int], Path]) -> None:
    """0.1.0: verify running during `trail do` read half a step and reported TAMPERED."""
    folder = partial(2)
    with lock_held(folder, "writer"), pytest.raises(naskah.TrailLockedError), \
            shared_lock(folder, wait=0.3):
        pass
    with shared_lock(folder, wait=0.3):
        assert Trail.open(folder).verify().utuh  # readers share the lock


_RUNNER = """\
import sys, time
from pathlib import Path
from naskah.cli import main
ready, go = Path(sys.argv[1]), Path(sys.argv[2])
ready.write_text("ready")
deadline = time.monotonic() + 60
while not go.exists() and time.monotonic() < deadline:
    time.sleep(0.0005)
sys.exit(main(sys.argv[3:]))
"""


def test_two_concurrent_writers(partial: Callable[[int], Path], tmp_path: Path) -> None:
    """Two real processes perform the next step at the same moment: exactly one wins."""
    runner = tmp_path / "runner.py"
    runner.write_text(_RUNNER, encoding="utf-8")
    base = partial(8)
    for attempt in range(3):
        folder = tmp_path / f"concurrent-{attempt}"
        shutil.copytree(base, folder)
        go = tmp_path / f"go-{attempt}"
        readies = [tmp_path / f"ready-{attempt}-{i}" for i in range(2)]
        cmd = ["trail", "do", str(folder), "9", "--data", str(DATA / "langkah-09.json"),
               *demo_key_args(KABAG)]
        procs = [
            subprocess.Popen([sys.executable, str(runner), str(r), str(go), *cmd], cwd=REPO,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for r in readies
        ]
        deadline = time.monotonic() + 60
        while not all(r.exists() for r in readies) and time.monotonic() < deadline:
            time.sleep(0.005)
        go.write_text("go")  # both start together
        results = [(p.wait(timeout=60), *p.communicate()) for p in procs]
        assert sorted(code for code, _, _ in results) == [0, 1], results
        ok = next(r for r in results if r[0] == 0)
        failed = next(r for r in results if r[0] != 0)
        assert "langkah 9 dilaksanakan oleh Rina Kusumawati" in ok[1]
        assert failed[1] == ""
        # the lock caught it, or it ran just after the winner and the order check did
        assert ("another process is performing a step" in failed[2]
                or "step 9 was already performed" in failed[2]), failed[2]
        assert "Traceback" not in failed[2]
        trail = Trail.open(folder)
        assert [e.step for e in trail.entries()] == list(range(1, 10))
        result = trail.verify()
        assert result.utuh, problems(result)
