"""One convention on the command line (issue 21, item 8): outputs as ``-o`` (the old
positional form still works for one release, with a deprecation warning), closed sets
of words read in any case and printed canonical, help text on every option of
``trail do``."""

from __future__ import annotations

import argparse
import io
import json
from pathlib import Path

import docx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import naskah
from naskah.cli import build_parser, main
from naskah.models import Klasifikasi, Sifat, Zona
from naskah.profil import Kertas
from naskah.register import Register, StatusDisposisi
from tests.helpers import EXAMPLES, load_example_data


@pytest.mark.slow
def test_pki_init_output_forms(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("NASKAH_PKI_PASSPHRASE", "pp-uji-konvensi")
    assert main(["pki", "init", "-o", str(tmp_path / "baru")]) == 0
    assert (tmp_path / "baru" / "ca.pem").is_file()
    assert "usang" not in capsys.readouterr().err
    assert main(["pki", "init", str(tmp_path / "lama")]) == 0  # the old form, one release
    assert (tmp_path / "lama" / "ca.pem").is_file()
    err = capsys.readouterr().err
    assert "sudah usang (deprecated)" in err and f"-o {tmp_path / 'lama'}" in err
    assert main(["pki", "init", str(tmp_path / "a"), "-o", str(tmp_path / "b")]) == 2
    assert "diberikan dua kali" in capsys.readouterr().err
    assert main(["pki", "init"]) == 2
    assert "berikan -o" in capsys.readouterr().err
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


def test_exports_take_o(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = ["--db", str(tmp_path / "r.db")]
    assert main(["agenda", "masuk", "--pengirim", "Dinas X", "--nomor-surat", "B-1/X/2026",
                 "--tanggal-surat", "2026-11-18", "--hal", "Data", "--diterima", "2026-11-20",
                 "--sifat", "sangat  SEGERA", "--klasifikasi", "terbatas", "--oleh", "TU",
                 *db]) == 0
    capsys.readouterr()
    out = tmp_path / "agenda.csv"
    assert main(["agenda", "ekspor", "-o", str(out), "--tahun", "2026", *db]) == 0
    text = out.read_text(encoding="utf-8-sig")
    assert "Sangat Segera" in text and "Terbatas" in text  # stored canonical
    old = tmp_path / "lama.csv"
    assert main(["agenda", "ekspor", str(old), *db]) == 0 and old.read_text(
        encoding="utf-8-sig") == text
    assert "usang" in capsys.readouterr().err


def test_enum_values_any_case() -> None:
    assert Sifat("segera") is Sifat.SEGERA and Sifat(" SANGAT segera ") is Sifat.SANGAT_SEGERA
    assert Klasifikasi("sangat rahasia") is Klasifikasi.SANGAT_RAHASIA
    assert Zona("wita") is Zona.WITA and Kertas("f4") is Kertas.F4
    assert StatusDisposisi("SELESAI") is StatusDisposisi.SELESAI
    with pytest.raises(ValueError):
        Sifat("kilat")
    data = load_example_data("nota-dinas")
    data["sifat"] = "segera"
    upper = naskah.buat("nota-dinas", **{**data, "sifat": "SEGERA"})
    lower = naskah.buat("nota-dinas", **data)
    assert lower.sifat is Sifat.SEGERA and lower.content_hash() == upper.content_hash()
    assert json.loads(lower.model_dump_json())["sifat"] == "Segera"


def test_disposisi_status_any_case(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = ["--db", str(tmp_path / "r.db")]
    with Register(f"sqlite:///{tmp_path / 'r.db'}") as reg:
        surat = reg.agenda.masuk(pengirim="X", nomor_surat="1", tanggal_surat="2026-11-18",
                                 hal="h", oleh="TU", diterima_tanggal="2026-11-20")
        (item,) = reg.disposisi.beri(surat.id, dari="Ses", kepada=["Karo PO"],
                                     instruksi="x", tanggal="2026-11-20")
    assert main(["agenda", "disposisi", "status", str(item.id), "DIBACA", *db]) == 0
    assert capsys.readouterr().out == f"{item.id}\tdibaca\n"  # printed canonical


def test_choices_any_case(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "nd.docx"
    assert main(["render", "NOTA-DINAS", str(EXAMPLES / "nota-dinas.json"), "-o", str(out),
                 "--kertas", "f4", "--font-check", "OFF"]) == 0
    section = docx.Document(io.BytesIO(out.read_bytes())).sections[0]
    assert round(section.page_height.mm) == 330
    capsys.readouterr()
    assert main(["schema", "Undangan"]) == 0
    assert json.loads(capsys.readouterr().out)["title"] == "UndanganRapat"
    with pytest.raises(SystemExit) as exit_:
        main(["render", "nota-dinas", str(EXAMPLES / "nota-dinas.json"), "-o",
              str(tmp_path / "x.docx"), "--kertas", "B5"])
    assert exit_.value.code == 2 and not (tmp_path / "x.docx").exists()


def _subparser(parser: argparse.ArgumentParser, *names: str) -> argparse.ArgumentParser:
    for name in names:
        action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        parser = action.choices[name]
    return parser


def test_every_trail_do_option_has_help() -> None:
    do = _subparser(build_parser("trail"), "trail", "do")
    options = [a for a in do._actions if a.option_strings and a.dest != "help"]
    assert len(options) >= 12
    missing = [a.option_strings[0] for a in options if not a.help or a.help == argparse.SUPPRESS]
    assert missing == []


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=30))
def test_any_text_is_a_member_by_its_words_or_refused(text: str) -> None:
    for enum in (Sifat, Klasifikasi, Zona, Kertas, StatusDisposisi):
        try:
            member = enum(text)
        except ValueError:
            assert all(" ".join(text.split()).casefold() != m.value.casefold() for m in enum)
        else:
            assert " ".join(text.split()).casefold() == member.value.casefold()


@settings(max_examples=100, deadline=None)
@given(value=st.sampled_from([m.value for m in Sifat]), data=st.data())
def test_every_casing_of_a_value_is_that_member(value: str, data: st.DataObject) -> None:
    flips = data.draw(st.lists(st.booleans(), min_size=len(value), max_size=len(value)))
    cased = "".join(c.upper() if f else c.lower() for c, f in zip(value, flips, strict=True))
    assert Sifat(f"  {cased} ") is Sifat(value)


@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pesan=st.text(max_size=200), lokasi=st.text(max_size=40))
def test_json_error_is_one_line_of_json(pesan: str, lokasi: str,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    from naskah.cli import galat

    galat.pilih_format(["--format-galat", "json"])
    try:
        galat.lapor(naskah.InputError(pesan, [(lokasi, pesan)]))
    finally:
        galat.pilih_format(["--format-galat", "teks"])
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert json.loads(err) == {"kode": "input-tidak-valid", "pesan": pesan,
                               "masalah": [{"lokasi": lokasi, "pesan": pesan}]}
