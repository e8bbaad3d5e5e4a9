"""``naskah trail init|do|status|report`` on real berkas folders, in process and as real
processes (exit codes, one clear message, no traceback)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from naskah.cli import main as cli
from naskah.trail import Trail
from tests import trail_keys
from tests.trail_keys import cli_init_args, key_args
from tests.trail_support import (
    DATA,
    KABAG,
    KARO_PO,
    SESMENKO,
    demo_key_args,
    run_cli,
)


@pytest.mark.slow
def test_cli_init_and_do_with_example_data(tmp_path: Path,
                                           trail_pki: trail_keys.TrailPki) -> None:
    folder = tmp_path / "berkas"
    init = run_cli("trail", "init", str(folder), *cli_init_args(trail_pki, tmp_path))
    assert init.returncode == 0, init.stderr
    done = run_cli("trail", "do", str(folder), "1", "--data",
                   "examples/data/trail/langkah-01.json", *key_args(trail_pki, SESMENKO))
    assert done.returncode == 0, done.stderr


@pytest.mark.slow
def test_cli_init_do_status(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                            trail_pki: trail_keys.TrailPki) -> None:
    folder = tmp_path / "berkas"
    init = run_cli("trail", "init", str(folder), *cli_init_args(trail_pki, tmp_path))
    assert init.returncode == 0, init.stderr
    assert "jejak 'Pelaksanaan Tata Kelola Data' (14 langkah) dimulai" in init.stdout
    # times from now on (the example's own times may lie before the trail was started);
    # paths inside the data file are relative to the data file, not to the cwd
    mulai = datetime.now(UTC).astimezone() - timedelta(minutes=20)
    selesai = mulai + timedelta(minutes=10)
    done = run_cli("trail", "do", str(folder), "1", "--data",
                   "examples/data/trail/langkah-01.json", "--mulai", mulai.isoformat(),
                   "--selesai", selesai.isoformat(), *key_args(trail_pki, SESMENKO))
    assert done.returncode == 0, done.stderr
    assert "langkah 1 dilaksanakan oleh Dr. Hendra Wirawan" in done.stdout
    assert "dokumen/01-disposisi-sesmenko.docx" in done.stdout
    assert (folder / "lampiran/01-program-kerja.txt").read_bytes() == (
        DATA / "lampiran/program-kerja-2027.txt").read_bytes()

    assert cli(["trail", "status", str(folder), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert [e["step"] for e in info["entries"]] == [1]
    assert all("step" in e for e in info["entries"])
    assert info["next"]["step"] == 2
    assert info["next"]["pelaksana"] == ["Karo PO"]
    assert cli(["trail", "verify", str(folder)]) == 0

    # a refused step through the CLI: exit 1 and one clear line
    again = run_cli("trail", "do", str(folder), "3", "--data",
                    "examples/data/trail/langkah-03.json", *key_args(trail_pki, KABAG))
    assert again.returncode == 1
    assert again.stderr.startswith(
        "naskah: galat: step 3 is out of order: the next step is 2 (Melaksanakan koordinasi"
    )
    assert again.stderr.count("\n") == 1
    assert "Traceback" not in again.stderr


def test_cli_status_and_report(berkas: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(["trail", "status", str(berkas), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert len(info["entries"]) == 14
    assert all("step" in e for e in info["entries"])
    assert [e["step"] for e in info["entries"]] == list(range(1, 15))
    assert info["selesai"] is True and info["next"] is None
    assert info["hash_akhir"] == Trail.open(berkas).verify().hash_akhir

    assert cli(["trail", "status", str(berkas)]) == 0
    out = capsys.readouterr().out
    assert "14 dari 14 langkah" in out and "selesai; hash akhir" in out

    assert cli(["trail", "report", str(berkas)]) == 0
    report = capsys.readouterr().out
    for n in range(1, 15):
        assert any(line.split()[:1] == [str(n)] for line in report.splitlines()), n
    over = [line.split()[0] for line in report.splitlines() if line.rstrip().endswith("MELEBIHI")]
    assert over == ["10", "14"]
    assert "2 step(s) over the time standard:" in report
    assert "Langkah 10 (Karo PO, Agus Setiawan, S.H., M.Si.): 10 menit, standar 5 Menit" in report
    assert "Langkah 14 (Karo PO, Agus Setiawan, S.H., M.Si.): 25 menit, standar 20 Menit" in report

    assert cli(["trail", "report", str(berkas), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["melebihi"] == [10, 14]
    assert [r["step"] for r in data["langkah"]] == list(range(1, 15))


def test_cli_init_refuses_an_existing_trail(berkas: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    before = (berkas / "ledger.json").read_bytes()
    code = cli(["trail", "init", str(berkas), "--pelaksana", str(DATA / "pelaksana.json"),
                "--oleh", SESMENKO])
    assert code == 1
    assert "already holds a trail" in capsys.readouterr().err
    assert (berkas / "ledger.json").read_bytes() == before


def test_cli_do_on_a_complete_trail(berkas: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = cli(["trail", "do", str(berkas), "14", "--data", str(DATA / "langkah-14.json"),
                *demo_key_args(KARO_PO)])
    assert code == 1
    assert "the trail is complete: all 14 steps were performed" in capsys.readouterr().err


def test_trail_started_in_the_future_is_refused(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(["trail", "init", str(tmp_path / "b"), "--pelaksana",
                str(DATA / "pelaksana.json"), "--mulai", "2099-01-01T08:00+07:00"]) == 2
    assert "lies in the future" in capsys.readouterr().err
    assert not (tmp_path / "b" / "ledger.json").exists()
