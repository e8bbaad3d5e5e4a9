"""Issue 16, inputs: unbounded reads (item 10), tracebacks (item 11) and exit codes
(item 14), each through the real CLI in a fresh process.

Every run that could exhaust the machine runs under resource limits: its address space
capped with RLIMIT_AS (1 GB, plenty for naskah: verifying the demo trail stays well
under it) and a wall clock (30 s), so today's failures are a MemoryError traceback or
a kill at the timeout, never a stalled test machine. Sparse files are made with
truncate(): 8 GB that take no disk.
"""
# The fixtures are imported from tests.attack_fixtures; pytest injects them by name.
# ruff: noqa: F811

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from naskah import demo
from naskah.register import Register
from tests.attack_fixtures import (  # noqa: F401 - fixtures
    KARO_PO,
    ca_of,
    copy_of,
    demo_upto,
)
from tests.attack_kit import Hasil, naskah_cli, no_traceback, read_json
from tests.helpers import EXAMPLES
from tests.registerdb import db_url
from tests.test_security_template import _bomb

__all__ = ["db_url"]

pytestmark = pytest.mark.attack

MEMORY = 1 << 30
WALL = 30.0
EIGHT_GB = 8 << 30


def bounded(*args: str | os.PathLike[str], timeout: float = WALL) -> tuple[Hasil, float]:
    started = time.monotonic()
    result = naskah_cli(*args, memory=MEMORY, timeout=timeout)
    return result, time.monotonic() - started


def sparse(path: Path, size: int = EIGHT_GB) -> Path:
    """``path`` replaced by a sparse file of ``size`` bytes (no disk used)."""
    path.unlink(missing_ok=True)
    with path.open("wb") as fh:
        fh.truncate(size)
    return path


# ================================================================ 10. unbounded reads


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    """A FIFO named x.pdf that nobody ever writes to."""
    path = tmp_path / "x.pdf"
    os.mkfifo(path)
    return path


def _cases(master: Path, tmp: Path, fifo: Path, partial: Path) -> dict[str, list[str]]:
    link = tmp / "tautan.pdf"
    link.symlink_to("/dev/zero")
    pdf, ca = str(master / "dokumen/14-laporan.pdf"), str(ca_of(master))
    return {
        "agenda masuk --scan /dev/zero": [
            "agenda", "masuk", "--db", f"sqlite:///{tmp / 'agenda.db'}", "--oleh", "uji",
            "--pengirim", "Deputi I", "--nomor-surat", "B-1/D.I/11/2026",
            "--tanggal-surat", "2026-11-20", "--hal", "Uji", "--scan", "/dev/zero"],
        "verify a link to /dev/zero": ["verify", str(link), "--trust", ca],
        "verify --trust /dev/zero": ["verify", pdf, "--trust", "/dev/zero"],
        "verify --crl /dev/zero": ["verify", pdf, "--trust", ca, "--crl", "/dev/zero"],
        "verify a FIFO named x.pdf": ["verify", str(fifo), "--trust", ca],
        "verify --trust FIFO": ["verify", pdf, "--trust", str(fifo)],
        "trail do --p12 /dev/zero": [
            "trail", "do", str(partial), "14", "--data",
            str(demo.data_dir() / "langkah-14.json"), "--p12", "/dev/zero",
            "--passphrase-env", demo.PASSPHRASE_ENV],
    }


CASES = ["agenda masuk --scan /dev/zero", "verify a link to /dev/zero",
         "verify --trust /dev/zero", "verify --crl /dev/zero", "verify a FIFO named x.pdf",
         "verify --trust FIFO", "trail do --p12 /dev/zero"]


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES)
def test_reading_a_device_or_fifo_is_bad_input(case: str, demo_master: Path, tmp_path: Path,
                                               fifo: Path, demo_upto: Callable[[int], Path],
                                               copy_of: Callable[[Path], Path]) -> None:
    """Item 10: every file naskah reads goes through one reader with a size cap and a
    regular-file check.

    Today (1 GB address space): "agenda masuk --scan /dev/zero", "verify" of a link to
    /dev/zero, "--trust /dev/zero" and "--crl /dev/zero" die with a MemoryError
    traceback (exit 1; unbounded memory without the limit); "verify x.pdf" on a FIFO
    and "--trust FIFO" hang until killed; "trail do --p12 /dev/zero" too.
    Fixed: exit 2 within seconds, one message naming the file ("... is not a regular
    file" / "is larger than ..."), no traceback."""
    partial = copy_of(demo_upto(13)) if case.startswith("trail do") else tmp_path
    args = _cases(demo_master, tmp_path, fifo, partial)[case]
    result, took = bounded(*args)
    no_traceback(result)
    assert result.code == 2 and took < WALL, (result, took)
    named = {"agenda": "/dev/zero", "verify a link": "tautan.pdf", "verify --trust /": "/dev/zero",
             "verify --crl": "/dev/zero", "verify a FIFO": "x.pdf", "verify --trust FIFO": "x.pdf",
             "trail do": "/dev/zero"}
    expected = next(v for k, v in named.items() if case.startswith(k))
    assert expected in result.err, result


@pytest.mark.slow
@pytest.mark.parametrize("rel", ["dokumen/14-laporan.pdf", "pelaksana.json", "ledger.json",
                                 "trust.pem"])
def test_a_recorded_file_replaced_by_an_8_gb_sparse_file(rel: str, berkas: Path,
                                                        demo_master: Path) -> None:
    """Item 10: a recorded file (a signed original, the roster, the ledger, the trust
    roots) replaced by an 8 GB sparse file. Today: the signed original hashes for more
    than 30 s and is then read whole (killed at the wall clock); pelaksana.json dies
    with a MemoryError traceback (exit 1). Fixed: TAMPERED (exit 1) within seconds in
    bounded memory, naming the file."""
    sparse(berkas / rel)
    result, took = bounded("trail", "verify", str(berkas), "--trust", str(ca_of(demo_master)))
    no_traceback(result)
    assert result.code == 1 and took < WALL, (result, took)
    assert rel in result.err, result


@pytest.mark.slow
def test_verify_trail_with_an_8_gb_sparse_ledger(berkas: Path, demo_master: Path) -> None:
    """Item 10 through ``naskah verify FILE --trail DIR``: the ledger is 8 GB of zeros.
    Fixed: exit 1 within seconds, the trail named as failing (the ledger too large)."""
    sparse(berkas / "ledger.json")
    result, took = bounded("verify", str(berkas / "dokumen/14-laporan.pdf"), "--trail",
                           str(berkas), "--trust", str(ca_of(demo_master)))
    no_traceback(result)
    assert result.code == 1 and took < WALL, (result, took)


# ================================================================ 11. tracebacks


@pytest.mark.slow
@pytest.mark.parametrize("field", ["durasi_menit", "standar_menit", "step"])
@pytest.mark.parametrize("command", ["trail verify", "trail status", "trail report",
                                     "verify --trail"])
def test_nan_in_a_ledger_number_is_one_clear_message(field: str, command: str, berkas: Path,
                                                     demo_master: Path) -> None:
    """Item 11: ``NaN`` (valid for Python's json) in entry 5's ``field``.

    Today: tracebacks, e.g. "ValueError: Out of range float values are not JSON
    compliant" (trail verify, verify --trail, durasi_menit), "ValueError: cannot
    convert float NaN to integer" (trail status/report, durasi_menit), an uncaught
    pydantic ValidationError (trail status, standar_menit/step). Fixed: one clear
    message naming step 5 (the ledger entry is malformed), exit 1 or 2."""
    data = read_json(berkas / "ledger.json")
    data["entries"][4][field] = float("nan")
    (berkas / "ledger.json").write_text(json.dumps(data, indent=2), encoding="utf-8")
    assert "NaN" in (berkas / "ledger.json").read_text(encoding="utf-8")
    ca = str(ca_of(demo_master))
    args = {"trail verify": ["trail", "verify", str(berkas), "--trust", ca],
            "trail status": ["trail", "status", str(berkas)],
            "trail report": ["trail", "report", str(berkas)],
            "verify --trail": ["verify", str(berkas / "dokumen/14-laporan.pdf"), "--trail",
                               str(berkas), "--trust", ca]}[command]
    result = naskah_cli(*args, timeout=120)
    no_traceback(result)
    assert result.code in (1, 2), result
    assert "5" in result.err, result


def _books(url: str) -> tuple[str, list[tuple[int, str]]]:
    """Number 1's status, and every disposisi (id, status) of letter 1."""
    with Register(url) as reg:
        return reg.get(1).status, [(d.id, str(d.status)) for d in reg.disposisi.pohon(1)]


def _first_of_each(url: str) -> None:
    """Provisional number 1, incoming letter 1 and its disposisi 1: what an ID read as
    1 hits (final and batal both act on a provisional number)."""
    with Register(url) as reg:
        assert reg.ambil_sementara("nota-dinas", unit="Ses.PO", kka="OT.01.02", oleh="uji",
                                   tanggal="2026-11-25").id == 1
        letter = reg.agenda.masuk(pengirim="Deputi I", nomor_surat="B-1/D.I/11/2026",
                                  tanggal_surat="2026-11-20", hal="Uji", sifat="Biasa",
                                  klasifikasi="Biasa", diterima_tanggal="2026-11-21",
                                  oleh="uji")
        (item,) = reg.disposisi.beri(letter.id, dari="Karo PO", kepada=["Kabag"],
                                     instruksi="uji", tanggal="2026-11-21")
        assert letter.id == 1 and item.id == 1


@pytest.mark.parametrize("ident", ["99999999999999999999999", "²", "١"])
@pytest.mark.parametrize("command", ["nomor batal", "nomor final", "agenda disposisi status",
                                     "agenda disposisi beri"])
def test_ids_beyond_64_bits_or_in_other_digits_are_bad_input(command: str, ident: str,
                                                             db_url: str) -> None:
    """Item 11: an ID past 64 bits, a superscript two, an Arabic-Indic one.

    Today (SQLite): "OverflowError: Python int too large to convert to SQLite INTEGER"
    tracebacks (batal, final, disposisi status); "nomor batal ²" a ValueError
    traceback; "nomor batal ١" cancels number 1 and "nomor final ١" makes it final
    (exit 0): int() reads Arabic-Indic digits, and argparse's int does too for the
    other commands. On PostgreSQL the huge ID is "the register's database failed:
    integer out of range", exit 1. Fixed: exit 2 (bad input, item 14), one message
    naming the argument; number 1, letter 1 and its disposisi untouched."""
    _first_of_each(db_url)
    before = _books(db_url)
    args = {
        "nomor batal": ["nomor", "batal", ident, "--alasan", "uji", "--oleh", "uji"],
        "nomor final": ["nomor", "final", ident, "--oleh", "uji"],
        "agenda disposisi status": ["agenda", "disposisi", "status", ident, "selesai",
                                    "--oleh", "uji"],
        "agenda disposisi beri": ["agenda", "disposisi", "beri", ident, "--dari", "Karo PO",
                                  "--kepada", "Kabag", "--instruksi", "uji"],
    }[command]
    result = naskah_cli(*args, "--db", db_url, timeout=120)
    no_traceback(result)
    assert result.code == 2, result
    assert _books(db_url) == before


@pytest.mark.parametrize("kind", ["arrays", "inline-tables"])
def test_deeply_nested_toml_is_one_clear_message(kind: str, tmp_path: Path) -> None:
    """Item 11: ``profil periksa`` of a TOML nested 100,000 arrays (or 5,000 inline
    tables) deep. Today: "RecursionError: maximum recursion depth exceeded" traceback,
    exit 1. Fixed: one message naming the file, exit 2 (bad input)."""
    path = tmp_path / "dalam.toml"
    path.write_text("a = " + ("[" * 100_000 + "]" * 100_000 if kind == "arrays"
                              else "{b = " * 5_000 + "1" + "}" * 5_000) + "\n", encoding="utf-8")
    result, _ = bounded("profil", "periksa", str(path))
    no_traceback(result)
    assert result.code == 2 and "dalam.toml" in result.err, result


# ================================================================ 14. exit codes


@pytest.mark.slow
def test_a_refused_template_exits_2(tmp_path: Path) -> None:
    """Item 14: a zip bomb given as --template. Today: "template ... is refused", exit 1
    (tests/test_security_template.py asserts 1). The README promises 2 for bad input."""
    template = _bomb(tmp_path / "bom.docx")
    out = tmp_path / "keluar.docx"
    result, _ = bounded("render", "nota-dinas", str(EXAMPLES / "nota-dinas.json"), "-o",
                        str(out), "--template", str(template), timeout=60)
    no_traceback(result)
    assert result.code == 2, result
    assert not out.exists()


@pytest.mark.parametrize("what", ["pdf", "text", "zip-bomb"])
def test_meta_on_something_that_is_not_a_docx_exits_2(what: str, demo_master: Path,
                                                      tmp_path: Path) -> None:
    """Item 14: ``naskah meta`` of a PDF, of text named .docx, of a zip bomb. Today:
    "... is not a readable DOCX file: File is not a zip file" (or "refused"), exit 1.
    Fixed: exit 2, the same one message."""
    if what == "pdf":
        path = tmp_path / "14-laporan.pdf"
        shutil.copy(demo_master / "dokumen/14-laporan.pdf", path)
    elif what == "text":
        path = tmp_path / "bukan.docx"
        path.write_text("ini bukan dokumen", encoding="utf-8")
    else:
        path = _bomb(tmp_path / "bom.docx", base=demo_master / "dokumen/14-laporan.docx")
    result, _ = bounded("meta", str(path), timeout=60)
    no_traceback(result)
    assert result.code == 2 and path.name in result.err, result
    assert result.out == ""
