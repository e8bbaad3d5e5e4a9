"""``naskah trail ... --db URL --trail-id ID``, ``trail ekspor`` and ``trail impor`` in real
processes."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.registerdb import db_url
from tests.trail_keys import SESMENKO, TrailPki, cli_init_args, key_args
from tests.trail_support import run_cli

__all__ = ["db_url"]
# Each test runs a trail through several `naskah` processes: seconds, not milliseconds.
pytestmark = pytest.mark.slow
KABAG = "197808242003122002"


def _times() -> list[str]:
    mulai = datetime.now(UTC).astimezone() - timedelta(minutes=20)
    return ["--mulai", mulai.isoformat(), "--selesai", (mulai + timedelta(minutes=10)).isoformat()]


def test_cli_trail_in_database(db_url: str, tmp_path: Path, trail_pki: TrailPki) -> None:
    target = ["--db", db_url, "--trail-id", "tkd-2027"]
    init = run_cli("trail", "init", *target, *cli_init_args(trail_pki, tmp_path))
    assert init.returncode == 0, init.stderr
    assert "dimulai di basis data (jejak tkd-2027)" in init.stdout
    done = run_cli("trail", "do", "1", *target, "--data", "examples/data/trail/langkah-01.json",
                   *_times(), *key_args(trail_pki, SESMENKO))
    assert done.returncode == 0, done.stderr
    assert "langkah 1 dilaksanakan oleh Dr. Hendra Wirawan" in done.stdout
    # the same step again: refused, exit 1, one clear line
    again = run_cli("trail", "do", "1", *target, "--data",
                    "examples/data/trail/langkah-01.json", *_times(),
                    *key_args(trail_pki, SESMENKO))
    assert again.returncode == 1 and "Traceback" not in again.stderr, again.stderr
    status = run_cli("trail", "status", *target, "--json")
    assert status.returncode == 0, status.stderr
    info = json.loads(status.stdout)
    assert [e["step"] for e in info["entries"]] == [1] and info["next"]["step"] == 2
    verify = run_cli("trail", "verify", *target, "--trust", str(trail_pki.ca))
    # anchored: the database holds the trail's head (read on the store's own connection,
    # though the berkas's settings keep no password)
    assert verify.returncode == 0 and verify.stdout.startswith("intact: 1 steps"), (
        verify.stdout + verify.stderr)
    assert "anchored: the register" in verify.stdout

    # ekspor: a berkas folder that verifies offline with the same command
    out = tmp_path / "ekspor"
    ekspor = run_cli("trail", "ekspor", "--db", db_url, "tkd-2027", str(out))
    assert ekspor.returncode == 0, ekspor.stderr
    offline = run_cli("trail", "verify", str(out), "--trust", str(trail_pki.ca), "--json")
    assert offline.returncode == 0, offline.stderr
    assert json.loads(offline.stdout)["langkah"] == 1
    # never over a folder that holds something
    over = run_cli("trail", "ekspor", "--db", db_url, "tkd-2027", str(out))
    assert over.returncode == 2 and "not an empty folder" in over.stderr

    # impor: a tampered folder is refused (exit 1), nothing stored; the intact one loads
    disposisi = next((out / "dokumen").glob("01-*.docx"))
    original = disposisi.read_bytes()
    disposisi.write_bytes(original[:-1] + bytes([original[-1] ^ 1]))
    bad = run_cli("trail", "impor", "--db", db_url, str(out), "--trail-id", "salinan",
                  "--trust", str(trail_pki.ca))
    assert bad.returncode == 1 and "refusing to import" in bad.stderr, bad.stderr
    missing = run_cli("trail", "status", "--db", db_url, "--trail-id", "salinan")
    assert missing.returncode == 1 and "no trail 'salinan'" in missing.stderr
    # the same berkas under another id: refused too (its berkas id is taken)
    disposisi.write_bytes(original)
    twice = run_cli("trail", "impor", "--db", db_url, str(out), "--trail-id", "salinan",
                    "--trust", str(trail_pki.ca))
    assert twice.returncode == 1 and "already in the database" in twice.stderr


def test_cli_import_then_continue(db_url: str, tmp_path: Path, trail_pki: TrailPki) -> None:
    folder = tmp_path / "berkas"
    assert run_cli("trail", "init", str(folder),
                   *cli_init_args(trail_pki, tmp_path)).returncode == 0
    done = run_cli("trail", "do", str(folder), "1", "--data",
                   "examples/data/trail/langkah-01.json", *_times(),
                   *key_args(trail_pki, SESMENKO))
    assert done.returncode == 0, done.stderr
    impor = run_cli("trail", "impor", "--db", db_url, str(folder), "--trust", str(trail_pki.ca))
    assert impor.returncode == 0, impor.stderr
    berkas = json.loads((folder / "ledger.json").read_text())["header"]["berkas"]
    assert f"as trail {berkas} (1 steps" in impor.stdout
    # DIR and --trail-id together, or neither: bad input
    both = run_cli("trail", "status", str(folder), "--db", db_url, "--trail-id", berkas)
    assert both.returncode == 2 and "not both" in both.stderr
    neither = run_cli("trail", "status")
    assert neither.returncode == 2 and "--trail-id" in neither.stderr
