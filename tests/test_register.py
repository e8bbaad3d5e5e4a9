"""The numbers register: patterns, provisional/final/sisipan/batal numbers, history,
the paraf surviving numbering at signing, the CLI and its exports. Both backends."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

import naskah
import naskah.clock
from naskah.cli import main
from naskah.errors import InputError, NaskahError
from naskah.register import Pola, Register, StatusNomor, bawaan, isi_nomor
from naskah.register.schema import nomor as t_nomor
from naskah.register.schema import riwayat_nomor
from tests.helpers import load_example
from tests.registerdb import db_url

__all__ = ["db_url"]

SES = {"unit": "Ses.PO", "kka": "OT.01.02", "oleh": "Sekretariat"}


def count(reg: Register) -> tuple[int, int]:
    """(numbers, history lines): to show a refused call wrote nothing."""
    with reg.engine.connect() as conn:
        return (conn.execute(select(func.count()).select_from(t_nomor)).scalar_one(),
                conn.execute(select(func.count()).select_from(riwayat_nomor)).scalar_one())


# ------------------------------------------------------------------ patterns


def test_shipped_patterns() -> None:
    patterns = {p.nama: p for p in bawaan().pola}
    assert patterns["surat"].format == "{kode_keamanan}-{urut}/{unit}/{kka}/{bulan:02}/{tahun}"
    assert patterns["nota-dinas"].format == "{urut}/{unit}/{kka}/{bulan:02}/{tahun}"
    assert patterns["permendagri"].per_kka


@pytest.mark.parametrize(("fmt", "message"), [
    ("{urut}/{satker}/{tahun}", "unknown token {satker}"),
    ("{urut}/{bulan:xx}/{tahun}", "token {bulan} does not take the format 'xx'"),
    ("{unit}/{tahun}", "{urut} exactly once"),
    ("{urut}/{urut}", "{urut} exactly once"),
    ("{urut}/{unit", "not a valid pattern"),
])
def test_bad_pattern_named(fmt: str, message: str) -> None:
    with pytest.raises(ValueError, match="format") as info:
        Pola(nama="x", format=fmt)
    assert message in str(info.value)


def test_pola_cli_refuses_unknown_token_and_writes_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = f"sqlite:///{tmp_path / 'r.db'}"
    bad = tmp_path / "pola.json"
    bad.write_text(json.dumps({"pola": [
        {"nama": "baru", "format": "{urut}/{unit}/{tahun}"},
        {"nama": "rusak", "format": "{urut}/{eselon}/{tahun}"}]}), encoding="utf-8")
    assert main(["nomor", "pola", "--db", db, "--muat", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "pola[1].format" in err and "{eselon}" in err
    assert main(["nomor", "pola", "--db", db, "--json"]) == 0
    names = [p["nama"] for p in json.loads(capsys.readouterr().out)]
    assert names == ["nota-dinas", "permendagri", "surat", "surat-romawi"]


# ------------------------------------------------------------------ numbers


def test_final_numbers_per_scope_and_year(db_url: str) -> None:
    with Register(db_url) as reg:
        texts = [reg.ambil_final("surat", tanggal="2026-11-24", **SES).teks for _ in range(3)]
        assert texts == [f"B-{i}/Ses.PO/OT.01.02/11/2026" for i in (1, 2, 3)]
        # another unit, another kind and another year each count from 1
        assert reg.ambil_final("surat", unit="Ses.KU", kka="KU.01", oleh="x",
                               tanggal="2026-11-24").teks == "B-1/Ses.KU/KU.01/11/2026"
        assert reg.ambil_final("nota-dinas", tanggal="2026-12-01", **SES).teks == \
            "1/Ses.PO/OT.01.02/12/2026"
        assert reg.ambil_final("surat", tanggal="2027-01-04", klasifikasi="Rahasia",
                               **SES).teks == "R-1/Ses.PO/OT.01.02/01/2027"
        # the kka is part of the number but not of the scope, unless the pattern says so
        assert reg.ambil_final("surat", unit="Ses.PO", kka="HK.02", oleh="x",
                               tanggal="2026-11-25").teks == "B-4/Ses.PO/HK.02/11/2026"
        assert reg.ambil_final("permendagri", unit="Ses.PO", kka="000.5.6.2", oleh="x",
                               tanggal="2025-05-02").teks == "000.5.6.2/1/2025"
        assert reg.ambil_final("permendagri", unit="Ses.PO", kka="100.3", oleh="x",
                               tanggal="2025-05-02").teks == "100.3/1/2025"
        assert reg.ambil_final("surat-romawi", tanggal="2026-11-25", **SES).teks == \
            "B-1/Ses.PO/OT.01.02/XI/2026"


def test_provisional_then_final(db_url: str) -> None:
    with Register(db_url) as reg:
        konsep = reg.ambil_sementara("nota-dinas", tanggal="2026-11-20", dokumen="Laporan TKD",
                                     **SES)
        assert konsep.status == "sementara" and konsep.urut is None
        assert konsep.teks == "     /Ses.PO/OT.01.02/11/2026"
        other = reg.ambil_final("nota-dinas", tanggal="2026-11-21", **SES)
        final = reg.final(konsep.id, oleh="Karo PO", tanggal="2026-12-01", content_hash="a" * 64)
        assert (other.teks, final.teks) == ("1/Ses.PO/OT.01.02/11/2026",
                                            "2/Ses.PO/OT.01.02/12/2026")
        assert final.content_hash == "a" * 64 and final.tanggal == date(2026, 12, 1)
        assert [(e.aksi, e.oleh) for e in reg.riwayat(final.id)] == [
            ("sementara", "Sekretariat"), ("final", "Karo PO")]
        before = count(reg)
        with pytest.raises(InputError, match="already final"):
            reg.final(konsep.id, oleh="x")
        assert count(reg) == before
        # The status is an enum whose values are what the database stores.
        assert konsep.status is StatusNomor.SEMENTARA and not konsep.is_final
        assert final.status is StatusNomor.FINAL and final.is_final
        assert final.as_dict()["status"] == "final"
        assert [n.status for n in reg.daftar(status="final")] == [StatusNomor.FINAL] * 2
        with pytest.raises(InputError, match="status: unknown 'selesai'"):
            reg.daftar(status="selesai")
        with reg.engine.connect() as conn:
            assert set(conn.execute(select(t_nomor.c.status)).scalars()) == {"final"}


def test_old_status_names_still_work_with_a_warning() -> None:
    import naskah.register
    import naskah.register.nomor

    assert [s.value for s in StatusNomor] == ["sementara", "final", "batal"]  # a contract
    for home in (naskah.register, naskah.register.nomor):
        with pytest.warns(DeprecationWarning, match=r"FINAL is deprecated; use StatusNomor\.FINAL"):
            assert home.FINAL is StatusNomor.FINAL and home.FINAL == "final"
        with pytest.warns(DeprecationWarning):
            assert (home.SEMENTARA, home.BATAL) == ("sementara", "batal")
    nomor = naskah.register.Nomor(
        id=1, pola="surat", teks="B-1/X/OT/01/2026", status=StatusNomor.FINAL, unit="X",
        kka="OT", kode_keamanan="B", tanggal=date(2026, 1, 5), urut=1, sisipan="", dokumen="",
        content_hash=None, dibuat_oleh="x", dibuat_pada=naskah.clock.now(),
        batal_oleh=None, batal_pada=None, alasan_batal=None)
    with pytest.warns(DeprecationWarning, match="Nomor.final is deprecated; use Nomor.is_final"):
        assert nomor.final is True


def test_sisipan_between_two_numbers(db_url: str) -> None:
    with Register(db_url) as reg:
        for day in ("2026-11-02", "2026-11-05", "2026-11-10"):
            reg.ambil_final("surat", tanggal=day, **SES)
        first = reg.sisipan("surat", tanggal="2026-11-06", **SES)
        second = reg.sisipan("surat", tanggal="2026-11-07", content_hash="b" * 64, **SES)
        early = reg.sisipan("surat", tanggal="2026-11-02", **SES)
        assert [first.teks, second.teks, early.teks] == [
            "B-2a/Ses.PO/OT.01.02/11/2026", "B-2b/Ses.PO/OT.01.02/11/2026",
            "B-1a/Ses.PO/OT.01.02/11/2026"]
        assert naskah.NomorNaskah.parse(first.teks).urut == "2a"
        before = count(reg)
        for day in ("2026-11-10", "2026-11-30", "2026-11-01"):
            with pytest.raises(InputError, match=r"^tanggal: .*between two issued numbers"):
                reg.sisipan("surat", tanggal=day, **SES)
        assert count(reg) == before
        # the ordinary sequence goes on after the sisipan
        assert reg.ambil_final("surat", tanggal="2026-11-11", **SES).urut == 4


def test_batal_is_recorded_and_never_reused(db_url: str) -> None:
    with Register(db_url) as reg:
        one = reg.ambil_final("surat", tanggal="2026-11-02", content_hash="c" * 64, **SES)
        draft = reg.ambil_sementara("surat", tanggal="2026-11-02", **SES)
        cancelled = reg.batal(one.teks, alasan="Salah alamat", oleh="Kabag TU")
        assert (cancelled.status, cancelled.batal_oleh, cancelled.alasan_batal) == (
            "batal", "Kabag TU", "Salah alamat")
        reg.batal(draft.id, alasan="Konsep ditarik", oleh="Kabag TU")
        history = reg.riwayat(one.id)
        assert [(e.aksi, e.oleh, e.content_hash) for e in history] == [
            ("final", "Sekretariat", "c" * 64), ("batal", "Kabag TU", "c" * 64)]
        before = count(reg)
        with pytest.raises(InputError, match=r"^nomor: .*was cancelled .* cannot be used"):
            reg.final(draft.id, oleh="x")
        with pytest.raises(InputError, match=r"^nomor: .*was cancelled"):
            reg.batal(one.id, alasan="again", oleh="x")
        assert count(reg) == before
        assert reg.ambil_final("surat", tanggal="2026-11-03", **SES).teks.startswith("B-2/")


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"pola": "surat", "unit": "Ses/PO", "kka": "OT", "oleh": "x"}, "unit"),
    ({"pola": "surat", "unit": "Ses.PO", "oleh": "x"}, "kka"),
    ({"pola": "surat", "unit": "Ses.PO", "kka": "OT", "oleh": "x\ny"}, "oleh"),
    ({"pola": "surat", "unit": "Ses.PO", "kka": "OT", "oleh": "x", "klasifikasi": "Top"},
     "klasifikasi"),
    ({"pola": "surat", "unit": "Ses.PO", "kka": "OT", "oleh": "x", "tanggal": "2026-13-01"},
     "tanggal"),
    ({"pola": "surat", "unit": "Ses.PO", "kka": "OT", "oleh": "x", "content_hash": "xyz"},
     "content_hash"),
    ({"pola": "memo", "unit": "Ses.PO", "oleh": "x"}, "pola"),
])
def test_bad_input_names_field_and_writes_nothing(tmp_path: Path, kwargs: dict[str, str],
                                                  field: str) -> None:
    with Register(f"sqlite:///{tmp_path / 'r.db'}") as reg:
        pola = kwargs.pop("pola")
        with pytest.raises(InputError, match=f"^{field}: "):
            reg.ambil_final(pola, **kwargs)  # type: ignore[arg-type]
        assert count(reg) == (0, 0)


@pytest.mark.slow
@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(oleh=st.text(max_size=40), dokumen=st.text(max_size=40))
def test_user_text_stored_exactly_or_refused(tmp_path_factory: pytest.TempPathFactory,
                                             oleh: str, dokumen: str) -> None:
    with Register(f"sqlite:///{tmp_path_factory.mktemp('h') / 'r.db'}") as reg:
        try:
            n = reg.ambil_final("nota-dinas", oleh=oleh, dokumen=dokumen, unit="U", kka="K")
        except InputError as exc:
            assert str(exc).split(":")[0] in ("oleh", "dokumen")
            assert count(reg) == (0, 0)
            return
        assert (n.dibuat_oleh, n.dokumen) == (oleh.strip(), dokumen.strip())
        assert reg.get(n.id) == n


# ------------------------------------------------------------------ signing


def test_paraf_survives_numbering_at_signing(db_url: str) -> None:
    konsep = load_example("nota-dinas")
    konsep = konsep.model_copy(update={"nomor": None})
    assert isinstance(konsep, naskah.NotaDinas)
    pejabat = konsep.penandatangan.pejabat
    waktu = naskah.clock.now()
    paraf = naskah.Paraf(pejabat=pejabat, peran="Kabag", waktu=waktu,
                         konsep_hash=konsep.konsep_hash())
    diparaf = naskah.Pengesahan(paraf=[paraf])
    naskah.render(konsep, pengesahan=diparaf)  # valid on the konsep
    with Register(db_url) as reg:
        reg.ambil_final("nota-dinas", tanggal="2026-11-26", **SES)
        signed, nomor = reg.beri_nomor(konsep, pola="nota-dinas", unit="Ses.PO",
                                       kka="OT.01.02", oleh="Karo PO", tanggal="2026-11-27")
        assert nomor.teks == "2/Ses.PO/OT.01.02/11/2026" and nomor.status is StatusNomor.FINAL
        assert str(signed.nomor) == nomor.teks and signed.tanggal == date(2026, 11, 27)
        assert nomor.content_hash == signed.content_hash() != konsep.content_hash()
        assert signed.konsep_hash() == konsep.konsep_hash()
        ttd = naskah.TandaTangan(pejabat=pejabat, peran="Karo PO", waktu=waktu,
                                 content_hash=signed.content_hash())
        final = diparaf.with_tanda_tangan(ttd)
        assert final.invalid_for(signed) == []
        meta = naskah.read_metadata(naskah.render(signed, pengesahan=final))
        assert meta.nomor == nomor.teks and meta.pengesahan.status == naskah.Status.DITANDATANGANI
        assert meta.pengesahan.paraf[0].konsep_hash == konsep.konsep_hash()
        # a change of isi voids the paraf (and the signature)
        changed = signed.model_copy(update={"isi": [*signed.isi, "Tambahan."]})
        problems = final.invalid_for(changed)
        assert len(problems) == 2 and "paraf 1" in problems[0]
        with pytest.raises(NaskahError, match=r"paraf 1 .* different content"):
            naskah.render(changed, pengesahan=final)


def test_paraf_on_full_content_is_void_after_numbering() -> None:
    konsep = load_example("nota-dinas").model_copy(update={"nomor": None})
    old = naskah.Paraf(pejabat=konsep.penandatangan_utama, peran="Kabag",
                       waktu=naskah.clock.now(), content_hash=konsep.content_hash())
    signed = isi_nomor(konsep, "5/Ses.PO/OT.01.02/11/2026", date(2026, 11, 27))
    assert naskah.Pengesahan(paraf=[old]).invalid_for(konsep) == []
    assert naskah.Pengesahan(paraf=[old]).invalid_for(signed) != []
    with pytest.raises(ValueError, match="exactly one of konsep_hash and content_hash"):
        naskah.Paraf(pejabat=konsep.penandatangan_utama, peran="x",
                     waktu=naskah.clock.now())


def test_beri_nomor_refuses_unusable_pattern_and_writes_nothing(tmp_path: Path) -> None:
    konsep = load_example("nota-dinas").model_copy(update={"nomor": None})
    with Register(f"sqlite:///{tmp_path / 'r.db'}") as reg:
        with pytest.raises(InputError, match=r"^nomor: "):
            reg.beri_nomor(konsep, pola="surat-romawi", unit="Ses.PO", kka="OT.01.02",
                           oleh="x")  # a Roman month is no NomorNaskah month
        assert count(reg) == (0, 0)
        assert reg.ambil_final("surat-romawi", unit="Ses.PO", kka="OT.01.02",
                               oleh="x").urut == 1


def test_beri_nomor_fills_a_regional_permendagri_nomor(tmp_path: Path) -> None:
    konsep = load_example("nota-dinas").model_copy(update={"nomor": None})
    with Register(f"sqlite:///{tmp_path / 'r.db'}") as reg:
        signed, nomor = reg.beri_nomor(konsep, pola="permendagri", unit="Setda",
                                       kka="000.5.6.2", oleh="x", tanggal=date(2026, 11, 27))
        assert nomor.teks == str(signed.nomor) == "000.5.6.2/1/2026"  # type: ignore[attr-defined]
        assert signed.konsep_hash() == konsep.konsep_hash()


def test_laporan_gets_date_and_register_number() -> None:
    laporan = load_example("laporan")
    filled = isi_nomor(laporan, "7/Ses.PO/OT.01.02/11/2026", date(2026, 11, 30))
    assert filled.tanggal == date(2026, 11, 30)  # type: ignore[attr-defined]
    assert filled.konsep_hash() == laporan.konsep_hash()


# ------------------------------------------------------------------ CLI and exports


def test_cli_numbers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = ["--db", f"sqlite:///{tmp_path / 'r.db'}"]
    scope = ["--unit", "Ses.PO", "--kka", "OT.01.02", "--tanggal", "2026-11-25"]
    assert main(["nomor", "ambil", "--pola", "surat", *scope, "--oleh", "TU", *db]) == 0
    assert capsys.readouterr().out == "B-1/Ses.PO/OT.01.02/11/2026\n"
    assert main(["nomor", "ambil", "--pola", "nota-dinas", "--sementara", *scope, *db]) == 0
    ident, text = capsys.readouterr().out.rstrip("\n").split("\t")
    assert text == "     /Ses.PO/OT.01.02/11/2026"
    assert main(["nomor", "batal", "B-1/Ses.PO/OT.01.02/11/2026", "--alasan", "Ganda",
                 "--oleh", "TU", *db]) == 0
    capsys.readouterr()
    assert main(["nomor", "final", ident, "--tanggal", "2026-11-26", *db]) == 0
    assert capsys.readouterr().out == "1/Ses.PO/OT.01.02/11/2026\n"
    # a cancelled number used again: exit 2, the field named, nothing written
    assert main(["nomor", "batal", "B-1/Ses.PO/OT.01.02/11/2026", "--alasan", "x", *db]) == 2
    assert capsys.readouterr().err.startswith("naskah: galat: nomor: ")
    assert main(["nomor", "sisipan", "--pola", "surat", *scope, *db]) == 2
    assert "naskah: galat: tanggal: " in capsys.readouterr().err
    assert main(["nomor", "daftar", "--json", "--tahun", "2026", *db]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["teks"], r["status"]) for r in rows] == [
        ("B-1/Ses.PO/OT.01.02/11/2026", "batal"), ("1/Ses.PO/OT.01.02/11/2026", "final")]
    assert rows[0]["alasan_batal"] == "Ganda" and rows[0]["batal_oleh"] == "TU"
    out = tmp_path / "register.xlsx"
    assert main(["nomor", "ekspor", "-o", str(out), *db]) == 0
    sheet = openpyxl.load_workbook(out).active
    assert sheet is not None
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][:3] == ["ID", "Nomor", "Pola"]
    assert values[1][1:3] == ["B-1/Ses.PO/OT.01.02/11/2026", "surat"]
    assert values[1][6] == "batal" and values[1][12] == "Ganda"
    assert main(["nomor", "ekspor", "-o", str(tmp_path / "r.txt"), *db]) == 2
    assert not (tmp_path / "r.txt").exists()


def test_register_on_schema_behind_asks_for_upgrade(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "old.db"
    import sqlite3

    sqlite3.connect(path).execute("CREATE TABLE alembic_version (version_num VARCHAR(32))")
    sqlite3.connect(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO alembic_version VALUES ('0000')")
    assert main(["nomor", "pola", "--db", str(path)]) == 1
    assert "naskah db upgrade" in capsys.readouterr().err


@pytest.mark.slow
def test_import_naskah_does_not_load_the_database_stack() -> None:
    code = ("import sys, naskah, naskah.cli; naskah.cli.build_parser(); "
            "print('sqlalchemy' in sys.modules, 'alembic' in sys.modules); "
            "naskah.Register; print('sqlalchemy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["False", "False", "True"]


def test_db_upgrade_is_idempotent(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    from alembic.script import ScriptDirectory

    from naskah.register.db import MIGRATIONS

    head = ScriptDirectory(str(MIGRATIONS)).get_current_head()
    assert head is not None and int(head) >= 3  # the register, trail anchors, the service
    for _ in range(2):
        assert main(["db", "upgrade", "--db", db_url]) == 0
        assert capsys.readouterr().out == f"{head}\n"
    assert main(["nomor", "pola", "--db", db_url]) == 0
    assert capsys.readouterr().out.count("\n") == 4


def test_unsupported_database_url(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["nomor", "daftar", "--db", "mysql://x@y/z"]) == 2
    assert capsys.readouterr().err.startswith("naskah: galat: --db: unsupported database")


def test_unreachable_database_is_one_message(capsys: pytest.CaptureFixture[str]) -> None:
    url = "postgresql+psycopg://postgres:x@127.0.0.1:1/none"
    for argv in (["nomor", "daftar", "--db", url], ["db", "upgrade", "--db", url]):
        assert main(argv) == 1
        err = capsys.readouterr().err
        assert err.startswith("naskah: galat: ") and "Connection refused" in err
        assert "Traceback" not in err
