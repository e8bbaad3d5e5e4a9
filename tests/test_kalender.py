"""Working days: Indonesia's national holidays and cuti bersama, local rules, office days,
and the deadlines and reports counted with them; the demo's dates that do not rot."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from naskah.cli import main
from naskah.errors import InputError
from naskah.example_dates import CONTOH_MULAI, GeserTanggal, mulai_terkini
from naskah.kalender import Kalender
from naskah.register import Register

NASKAH = [sys.executable, "-m", "naskah"]
WIB = CONTOH_MULAI.tzinfo


def wib(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=WIB)


@pytest.mark.slow
def test_hari_kerja_across_nyepi_and_idul_fitri_with_cuti_bersama() -> None:
    done = subprocess.run([*NASKAH, "kalender", "hari-kerja", "2026-03-17", "3"],
                          capture_output=True, text=True, timeout=120,
                          env={k: v for k, v in os.environ.items() if k != "NASKAH_KALENDER"})
    assert done.returncode == 0, done.stderr
    assert done.stdout == "2026-03-27\n"


def test_libur_lists_national_holidays_and_cuti_bersama(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NASKAH_KALENDER", raising=False)
    assert main(["kalender", "libur", "2026", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    days = {d["tanggal"]: (d["nama"], d["sumber"]) for d in data["libur"]}
    assert days["2026-03-19"] == ("Hari Suci Nyepi", "nasional")
    assert days["2026-03-18"] == ("Cuti Bersama Hari Suci Nyepi", "cuti bersama")
    assert days["2026-08-17"][1] == "nasional"
    assert [d for d, (_, s) in days.items() if s == "cuti bersama" and d.startswith("2026-03")] \
        == ["2026-03-18", "2026-03-20", "2026-03-23", "2026-03-24"]
    from importlib.metadata import version

    import holidays

    assert data["kalender"] == f"holidays {version('holidays')} ID"
    # cuti bersama are the package's GOVERNMENT category, not PUBLIC
    public = holidays.country_holidays("ID", years=2026, categories=(holidays.PUBLIC,))
    assert date(2026, 3, 18) not in public and date(2026, 3, 19) in public
    assert main(["kalender", "libur", "2026"]) == 0
    assert "2026-03-19\tKamis\tHari Suci Nyepi\t(nasional)" in capsys.readouterr().out


RULES = """
[[libur]]
tanggal = 2026-03-25
alasan = "SKB revisi: cuti bersama Idul Fitri tambahan"

[[libur]]
tanggal = 2026-10-07
alasan = "Hari jadi Kabupaten"

[[masuk]]
tanggal = 2026-03-23
alasan = "Cuti bersama dibatalkan untuk pelayanan"
"""


def test_local_rules_add_and_remove_days_and_name_the_calendar(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rules = tmp_path / "kalender.toml"
    rules.write_text(RULES, encoding="utf-8")
    kalender = Kalender.muat(rules)
    assert kalender.nama_libur(date(2026, 3, 25)).startswith("SKB revisi")
    assert kalender.hari_kerja(date(2026, 3, 23))  # given back to work
    # 17 Mar + 3: 23 (worked), 24 is cuti bersama, 25 the SKB's day off, then 26, 27
    assert kalender.tambah_hari_kerja(date(2026, 3, 17), 3) == date(2026, 3, 27)
    assert kalender.tambah_hari_kerja(date(2026, 3, 17), 4) == date(2026, 3, 30)
    import hashlib

    digest = hashlib.sha256(rules.read_bytes()).hexdigest()
    assert kalender.versi.endswith(f"aturan sha256:{digest}")
    assert main(["kalender", "libur", "2026", "--aturan", str(rules)]) == 0
    out = capsys.readouterr().out
    assert "2026-10-07\tRabu\tHari jadi Kabupaten\t(lokal)" in out
    assert "2026-03-23" not in out
    assert main(["kalender", "hari-kerja", "2026-03-17", "1", "--aturan", str(rules)]) == 0
    assert capsys.readouterr().out == "2026-03-23\n"


@pytest.mark.parametrize(("text", "where"), [
    ("[[libur]]\ntanggal = 'bukan'\nalasan = 'x'\n", "libur.0.tanggal"),
    ("[[libur]]\ntanggal = 2026-01-02\n", "libur.0.alasan"),
    ("hari = [0, 1]\n", "kalender"),
    ("[[libur]]\ntanggal = 2026-01-02\nalasan = 'a'\n[[masuk]]\ntanggal = 2026-01-02\n"
     "alasan = 'b'\n", "kalender"),
    ("libur = [", "kalender"),
])
def test_bad_rules_file_exits_2_naming_the_field(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                 text: str, where: str) -> None:
    rules = tmp_path / "k.toml"
    rules.write_text(text, encoding="utf-8")
    assert main(["kalender", "hari-kerja", "2026-03-17", "3", "--aturan", str(rules)]) == 2
    err = capsys.readouterr().err
    assert where in err and "Traceback" not in err


def test_six_day_week_from_a_profile(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NASKAH_KALENDER", raising=False)
    profil = tmp_path / "enam-hari.toml"
    profil.write_text('nama = "enam-hari"\njudul = "Uji"\nextends = "pusat"\n'
                      '[jam_kerja]\nhari = [1, 2, 3, 4, 5, 6]\nmulai = "07:30"\n'
                      'selesai = "14:00"\n', encoding="utf-8")
    # Friday 27 Nov 2026 + 1: Saturday 28 Nov in a six-day office, Monday 30 Nov otherwise
    assert main(["kalender", "hari-kerja", "2026-11-27", "1", "--profil", str(profil)]) == 0
    assert capsys.readouterr().out == "2026-11-28\n"
    assert main(["kalender", "hari-kerja", "2026-11-27", "1"]) == 0
    assert capsys.readouterr().out == "2026-11-30\n"
    assert main(["kalender", "hari-kerja", "2026-11-27", "1", "--hari", "1,2,3,4,5,6"]) == 0
    assert capsys.readouterr().out == "2026-11-28\n"


def test_working_minutes_skip_holidays() -> None:
    kalender = Kalender()
    # Tue 17 Mar 15:00 -> Wed 25 Mar 08:30: one hour on the 17th, one on the 25th
    assert kalender.menit_kerja(wib("2026-03-17T15:00"), wib("2026-03-25T08:30")) == 120
    assert kalender.jam.menit_kerja(wib("2026-03-17T15:00"), wib("2026-03-25T08:30")) == \
        60 + 5 * 510 + 60  # Monday-Friday alone counts 18-20 and 23-24 March as work
    with pytest.raises(InputError, match="hari kerja"):
        kalender.tambah_hari_kerja(date(2026, 1, 1), 10**6)


@given(start=st.dates(min_value=date(2024, 1, 1), max_value=date(2028, 12, 31)),
       n=st.integers(min_value=-40, max_value=40))
def test_adding_working_days_lands_on_a_working_day_and_counts_back(start: date, n: int) -> None:
    kalender = Kalender()
    end = kalender.tambah_hari_kerja(start, n)
    assert kalender.hari_kerja_antara(start, end) == n
    if n:
        assert kalender.hari_kerja(end)
        assert (end > start) == (n > 0)


def test_disposisi_due_in_working_days(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NASKAH_KALENDER", raising=False)
    url = f"sqlite:///{tmp_path / 'r.db'}"
    with Register(url) as reg:
        surat = reg.agenda.masuk(pengirim="Kemendagri", nomor_surat="B-1/X/2026",
                                 tanggal_surat="2026-03-16", hal="Data", oleh="TU",
                                 diterima_tanggal="2026-03-17")
        items = reg.disposisi.beri(surat.id, dari="Sekretaris", kepada=["Karo PO"],
                                   instruksi="Tindak lanjuti", tanggal="2026-03-17",
                                   batas_hari_kerja=3)
        assert items[0].batas_waktu == date(2026, 3, 27)
        with pytest.raises(InputError, match="not both"):
            reg.disposisi.beri(surat.id, dari="Sekretaris", kepada=["Karo Umum"],
                               instruksi="x", tanggal="2026-03-17", batas_waktu="2026-03-20",
                               batas_hari_kerja=2)
    assert main(["agenda", "disposisi", "beri", str(surat.id), "--dari", "Sekretaris",
                 "--kepada", "Karo Umum", "--instruksi", "Arsipkan", "--tanggal", "2026-03-17",
                 "--batas-hari-kerja", "1", "--db", url]) == 0
    assert capsys.readouterr().out.strip().endswith("Karo Umum\tbatas 2026-03-25")


# ------------------------------------------------------------------ dates that do not rot


def test_demo_start_is_the_last_two_working_days_before_now() -> None:
    kalender = Kalender()
    # Thursday 19 Mar 2026 (Nyepi) at 10:00: the last finished working day is Tue 17 Mar,
    # so the demo's two days are Mon 16 and Tue 17
    assert mulai_terkini(wib("2026-03-19T10:00"), kalender) == wib("2026-03-16T07:55")
    # Wednesday 25 Nov 2026 after office hours: that day counts
    assert mulai_terkini(wib("2026-11-25T16:30"), kalender) == wib("2026-11-24T07:55")
    assert mulai_terkini(wib("2026-11-25T15:59"), kalender) == wib("2026-11-23T07:55")


def test_example_dates_move_by_working_days() -> None:
    geser = GeserTanggal(wib("2026-03-17T07:55"), Kalender())
    moved = geser({"tanggal": "2026-11-24", "rapat": {"tanggal": "2026-11-25"},
                   "mulai": "2026-11-25T09:00+07:00", "diterima_tanggal": "2026-11-23",
                   "nomor_surat": "ND-4/Ses/11/2026", "tanggal_surat": "2026-11-20",
                   "nomor_agenda": "1187/Ses/XI/2026",
                   "isi": ["tersedia Rabu 25 November 2026 pukul 09.00"]})
    assert moved == {"tanggal": "2026-03-17", "rapat": {"tanggal": "2026-03-25"},
                     "mulai": "2026-03-25T09:00+07:00", "diterima_tanggal": "2026-03-16",
                     "nomor_surat": "ND-4/Ses/03/2026", "tanggal_surat": "2026-03-13",
                     "nomor_agenda": "1187/Ses/III/2026",
                     "isi": ["tersedia Rabu 25 Maret 2026 pukul 09.00"]}


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("faketime") is None, reason="faketime not installed")
def test_demo_runs_on_a_machine_whose_clock_is_before_the_example_data(tmp_path: Path) -> None:
    """0.1.0: the demo started at 2026-11-24 and refused every step on an earlier clock."""
    out = tmp_path / "berkas"
    code = ("from naskah import demo; import sys; t, r = demo.run(sys.argv[1], sampai=3); "
            "print(t.entries()[0].mulai.isoformat(), r.utuh, t.entries()[0].kalender)")
    done = subprocess.run(["faketime", "2025-06-11 10:00:00", sys.executable, "-c", code,
                           str(out)], capture_output=True, text=True, timeout=600,
                          env={**os.environ, "TZ": "UTC"})
    assert done.returncode == 0, done.stderr[-2000:]
    mulai, utuh, kalender = done.stdout.split(" ", 2)
    # 11 Jun 2025 17:00 WIB: the 11th's office hours are over -> Tue 10 and Wed 11 June
    assert mulai == "2025-06-10T08:00:00+07:00"
    assert utuh == "True"
    assert kalender.startswith("holidays ")
    ledger = json.loads((out / "ledger.json").read_text(encoding="utf-8"))
    assert ledger["header"]["dibuat"] == "2025-06-10T07:55:00+07:00"
    assert all(datetime.fromisoformat(e["selesai"]) <= wib("2025-06-11T17:00")
               for e in ledger["entries"])


@pytest.mark.slow
def test_time_report_names_the_calendar(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from naskah import demo
    from naskah.trail.ringkasan import laporan_waktu_teks, status

    monkeypatch.delenv("NASKAH_KALENDER", raising=False)
    rules = tmp_path / "k.toml"
    rules.write_text('[[libur]]\ntanggal = 2020-01-02\nalasan = "uji"\n', encoding="utf-8")
    monkeypatch.setenv("NASKAH_KALENDER", str(rules))
    now = datetime.now(WIB)
    trail, result = demo.run(tmp_path / "b", sampai=2,
                             mulai=mulai_terkini(now - timedelta(days=7)))
    assert result.utuh
    versi = Kalender.muat(rules).versi
    assert [e.kalender for e in trail.entries()] == [versi, versi]
    assert f"Kalender hari kerja: {versi}" in laporan_waktu_teks(trail)
    assert {e["kalender"] for e in status(trail)["entries"]} == {versi}
