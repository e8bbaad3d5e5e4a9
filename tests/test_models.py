"""Model-level tests: NIP, nomor naskah, penandatangan, strict text, lampiran, formatting,
JSON Schema. Nothing here renders a document."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from datetime import date, time
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

import naskah
from naskah import formatting
from naskah.models import check_nip
from tests.helpers import ALL_JENIS, EXAMPLES, load_example, load_example_data
from tests.trail_support import REPO

MENKO = "Menteri Koordinator Bidang Politik, Hukum, dan Keamanan"
SESMENKO = "Sekretaris Kementerian Koordinator"
KARO = "Kepala Biro Perencanaan dan Organisasi"
KABAG = "Kepala Bagian Data dan Informasi"


def _input_error(jenis: str, data: dict) -> naskah.InputError:
    with pytest.raises(naskah.InputError) as info:
        naskah.load_naskah(jenis, data)
    return info.value


def _paths(error: naskah.InputError) -> list[str]:
    return [path for path, _ in error.errors]


# ---------------------------------------------------------------- NIP


class TestNip:
    def test_grouped_form_is_normalised(self) -> None:
        p = naskah.Pejabat(nama="A", jabatan=KARO, nip="19670312 199203 1 002")
        assert p.nip == "196703121992031002"
        assert p.nip_berkelompok == "19670312 199203 1 002"

    def test_grouped_form_with_surrounding_space(self) -> None:
        p = naskah.Pejabat(nama="A", jabatan=KARO, nip="  19680411 199303 1 009 ")
        assert p.nip == "196804111993031009"

    @pytest.mark.parametrize(
        "nip",
        [
            "195910081983031001",  # the SOP's own example
            "197005151995031001",
            "197808242003122002",  # female
            "198503172010011003",
            "19680411 199303 1 009",
        ],
    )
    def test_valid(self, nip: str) -> None:
        assert check_nip(nip.replace(" ", "")) == nip.replace(" ", "")
        assert naskah.Pejabat(nama="A", jabatan=KARO, nip=nip).nip == nip.replace(" ", "")

    def test_absent_nip_is_allowed(self) -> None:
        p = naskah.Pejabat(nama="A", jabatan=KARO)
        assert p.nip is None
        assert p.nip_berkelompok is None

    @pytest.mark.parametrize(
        ("nip", "rule"),
        [
            ("12345", "18 digits"),
            ("1967031219920310021", "18 digits"),
            ("19670312199203100A", "18 digits"),
            ("1967 0312 1992 0310 02", "18 digits"),  # wrongly grouped
            ("196702301992031002", "birth date"),  # 30 February
            ("196713121992031002", "birth date"),  # month 13
            ("189901011920011001", "birth year"),
            ("196703121992131002", "TMT CPNS month"),  # TMT month 13
            ("196703121992001002", "TMT CPNS month"),  # TMT month 00
            ("196703121980031002", "less than 17 years"),  # 13 years old at TMT
            ("196703121992033002", "gender"),
            ("196703121992030002", "gender"),
            ("196703121992031000", "sequence number"),
        ],
    )
    def test_each_rule_rejected_with_its_name(self, nip: str, rule: str) -> None:
        with pytest.raises(ValueError, match=re.escape(rule)):
            check_nip(nip.replace(" ", "") if rule != "18 digits" else nip)
        with pytest.raises(ValidationError, match=re.escape(rule)):
            naskah.Pejabat(nama="A", jabatan=KARO, nip=nip)

    def test_non_string_nip_rejected(self) -> None:
        with pytest.raises(ValidationError):
            naskah.Pejabat(nama="A", jabatan=KARO, nip=196703121992031002)

    def test_load_naskah_error_names_the_path(self) -> None:
        data = load_example_data("nota-dinas")
        data["penandatangan"]["pejabat"]["nip"] = "196703121992033002"
        error = _input_error("nota-dinas", data)
        assert "penandatangan.pejabat.nip" in str(error)
        assert "gender" in str(error)
        assert _paths(error) == ["penandatangan.pejabat.nip"]

    def test_load_naskah_error_names_nested_list_paths(self) -> None:
        data = load_example_data("notulen")
        data["pencatat"]["nip"] = "123"
        error = _input_error("notulen", data)
        assert _paths(error) == ["pencatat.nip"]
        assert "pencatat.nip: must be 18 digits" in str(error)


# ---------------------------------------------------------------- nomor naskah


class TestNomorNaskah:
    @pytest.mark.parametrize(
        ("text", "klasifikasi", "urut", "kode", "bulan", "tahun"),
        [
            ("B-123/Ses/OT.01.02/12/2017", "B", "123", ("Ses", "OT.01.02"), 12, 2017),
            ("190/D-IV/KKA/11/2012", None, "190", ("D-IV", "KKA"), 11, 2012),
            (
                "B-2217/DJ.I/Set.I/KP.08.1/07/2021",
                "B",
                "2217",
                ("DJ.I", "Set.I", "KP.08.1"),
                7,
                2021,
            ),
            ("SR-5/Ses/01/2026", "SR", "5", ("Ses",), 1, 2026),
            ("T-0042/Ses.PO/OT.01.02/03/2026", "T", "0042", ("Ses.PO", "OT.01.02"), 3, 2026),
            ("007/X/09/1999", None, "007", ("X",), 9, 1999),
        ],
    )
    def test_parse_and_format_round_trip(
        self, text: str, klasifikasi: str | None, urut: str, kode: tuple, bulan: int, tahun: int
    ) -> None:
        nomor = naskah.NomorNaskah.parse(text)
        assert nomor.urut == urut  # leading zeros are kept
        assert nomor.kode == kode
        assert (nomor.bulan, nomor.tahun) == (bulan, tahun)
        if klasifikasi is None:
            assert nomor.klasifikasi is None
        else:
            assert nomor.klasifikasi is not None
            assert nomor.klasifikasi.kode == klasifikasi
        assert str(nomor) == text
        assert naskah.NomorNaskah.parse(str(nomor)) == nomor

    @pytest.mark.parametrize(
        ("text", "kka", "urut", "kode", "tahun"),
        [
            ("000.5.6.2/123/2025", "000.5.6.2", "123", (), 2025),
            ("000.5.6.2/123a/Setda/2026", "000.5.6.2", "123a", ("Setda",), 2026),
            ("800/12/Dinkes/2024", "800", "12", ("Dinkes",), 2024),
            ("100.3/7/2026", "100.3", "7", (), 2026),
        ],
    )
    def test_regional_permendagri_nomor_round_trip(
        self, text: str, kka: str, urut: str, kode: tuple, tahun: int
    ) -> None:
        # Permendagri 83/2022 kode klasifikasi first, no month (Permendagri 1/2023 letters).
        nomor = naskah.NomorNaskah.parse(text)
        assert (nomor.kka_daerah, nomor.urut, nomor.kode, nomor.tahun) == (kka, urut, kode, tahun)
        assert nomor.bulan is None and nomor.klasifikasi is None
        assert str(nomor) == text
        assert naskah.NomorNaskah.parse(str(nomor)) == nomor

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("000.5.6.2/x/2025", "serial number"),
            ("000.5.6.2/12/25", "four digits"),
            ("190/D-IV/KKA/13/2012", "month 13"),  # central shape: its own error, not the regional
        ],
    )
    def test_regional_nomor_errors_name_the_part(self, text: str, message: str) -> None:
        with pytest.raises(ValueError, match=message):
            naskah.NomorNaskah.parse(text)

    def test_pemda_example_carries_a_regional_nomor(self) -> None:
        model = naskah.load_naskah(
            "undangan", (EXAMPLES / "undangan-pemda.json").read_text(encoding="utf-8"))
        assert str(model.nomor) == "000.5.6.2/123/2026"  # type: ignore[attr-defined]

    def test_kode_keamanan_maps_to_klasifikasi(self) -> None:
        assert naskah.NomorNaskah.parse("R-1/A/01/2020").klasifikasi is naskah.Klasifikasi.RAHASIA
        assert (
            naskah.NomorNaskah.parse("SR-1/A/01/2020").klasifikasi
            is naskah.Klasifikasi.SANGAT_RAHASIA
        )
        assert naskah.Klasifikasi.RAHASIA.merah and naskah.Klasifikasi.SANGAT_RAHASIA.merah
        assert not naskah.Klasifikasi.BIASA.merah and not naskah.Klasifikasi.TERBATAS.merah

    @pytest.mark.parametrize(
        ("text", "reason"),
        [
            ("X-123/Ses/OT.01.02/12/2017", "unknown kode keamanan 'X'"),
            ("Q-1/Ses/01/2020", "unknown kode keamanan"),
            ("B-123/Ses/OT.01.02/13/2017", "month 13 does not exist"),
            ("B-123/Ses/OT.01.02/00/2017", "month 00 does not exist"),
            ("B-123/Ses/OT.01.02/7/2017", "must be two digits"),
            ("B-123/Ses/OT.01.02/07/17", "must be four digits"),
            ("B-0/Ses/OT.01.02/07/2017", "serial number"),
            ("000/Ses/07/2017", "serial number"),
            ("B-123/07/2017", "at least four parts"),
            ("123", "at least four parts"),
            ("", "at least four parts"),
            ("B-123//07/2017", "code ''"),
            ("B-123/Ses OT/07/2017", "may hold only letters"),
            ("B123/Ses/07/2017", "first part"),
            ("b-123/Ses/07/2017", "first part"),
            ("B-12345678/Ses/07/2017", "first part"),
            ("1/Ses/07/1900", "year 1900 is outside"),
        ],
    )
    def test_rejections_say_why(self, text: str, reason: str) -> None:
        with pytest.raises(naskah.InputError, match=re.escape(reason)) as info:
            naskah.NomorNaskah.parse(text)
        assert info.value.errors[0][0] == "nomor"

    def test_no_codes_rejected(self) -> None:
        with pytest.raises(naskah.InputError, match="at least one unit or klasifikasi code"):
            naskah.NomorNaskah(urut="1", kode=(), bulan=1, tahun=2020)

    def test_in_a_model_serialises_to_text(self) -> None:
        nodin = load_example("nota-dinas")
        assert isinstance(nodin.nomor, naskah.NomorNaskah)
        assert nodin.model_dump(mode="json")["nomor"] == "27/Ses.PO/OT.01.02/11/2026"

    def test_in_a_model_error_names_nomor(self) -> None:
        data = load_example_data("undangan")
        data["nomor"] = "B-215/Ses.PO/OT.01.02/13/2026"
        error = _input_error("undangan", data)
        assert _paths(error) == ["nomor"]
        assert "month 13" in str(error)

    def test_non_string_rejected_in_a_model(self) -> None:
        data = load_example_data("undangan")
        data["nomor"] = 215
        assert _paths(_input_error("undangan", data)) == ["nomor"]

    def test_schema_pattern_matches_examples(self) -> None:
        schema = naskah.NotaDinas.model_json_schema()
        nomor = schema["properties"]["nomor"]
        pattern = next(s for s in nomor["anyOf"] if s.get("type") == "string")["pattern"]
        for text in (
            "B-123/Ses/OT.01.02/12/2017",
            "190/D-IV/KKA/11/2012",
            "B-2217/DJ.I/Set.I/KP.08.1/07/2021",
        ):
            assert re.fullmatch(pattern, text, re.ASCII)

    @pytest.mark.parametrize("text", ["١٢/Ses/٠٧/٢٠٢١", "１２/Ses/０７/２０２１"])
    def test_non_ascii_digits_rejected_or_round_trip(self, text: str) -> None:
        try:
            nomor = naskah.NomorNaskah.parse(text)
        except ValueError:
            return
        assert str(nomor) == text and str(nomor).isascii()


_URUT = st.integers(min_value=1, max_value=9_999_999).flatmap(
    lambda n: st.integers(min_value=len(str(n)), max_value=7).map(lambda w: str(n).zfill(w))
)
_KODE = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9.\-]{0,11}", fullmatch=True)


@st.composite
def nomor_texts(draw: st.DrawFn) -> str:
    keamanan = draw(st.sampled_from(["", "B-", "T-", "R-", "SR-"]))
    urut = draw(_URUT)
    kode = draw(st.lists(_KODE, min_size=1, max_size=4))
    bulan = draw(st.integers(min_value=1, max_value=12))
    tahun = draw(st.integers(min_value=1945, max_value=2200))
    return "/".join([keamanan + urut, *kode, f"{bulan:02d}", str(tahun)])


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(nomor_texts())
def test_nomor_round_trip_property(text: str) -> None:
    nomor = naskah.NomorNaskah.parse(text)
    assert str(nomor) == text
    assert naskah.NomorNaskah.parse(str(nomor)) == nomor
    assert naskah.NomorNaskah._validate(text) == nomor


# ---------------------------------------------------------------- penandatangan


def _ttd(jabatan_pejabat: str = KARO, **kwargs: object) -> naskah.Penandatangan:
    """A Penandatangan whose pejabat holds ``jabatan_pejabat``; kwargs go to Penandatangan."""
    pejabat = naskah.Pejabat(nama="Agus Setiawan, S.H., M.Si.", jabatan=jabatan_pejabat)
    return naskah.Penandatangan(pejabat=pejabat, **kwargs)


class TestPenandatangan:
    def test_plain(self) -> None:
        ttd = _ttd()
        assert ttd.baris_jabatan() == [f"{KARO},"]
        assert ttd.delegasi == []

    def test_atas_nama(self) -> None:
        ttd = _ttd(SESMENKO, atas_nama=MENKO)
        assert ttd.baris_jabatan() == [f"a.n. {MENKO}", f"{SESMENKO},"]
        assert ttd.delegasi == [naskah.Delegasi.AN]

    def test_atas_nama_untuk_beliau(self) -> None:
        ttd = _ttd(KARO, atas_nama=MENKO, untuk_beliau=SESMENKO)
        assert ttd.baris_jabatan() == [
            "a.n. Menteri Koordinator Bidang Politik, Hukum, dan Keamanan",
            "Sekretaris Kementerian Koordinator,",
            "u.b.",
            "Kepala Biro Perencanaan dan Organisasi,",
        ]
        assert ttd.delegasi == [naskah.Delegasi.AN, naskah.Delegasi.UB]

    def test_plt(self) -> None:
        ttd = _ttd(KABAG, jabatan=KARO, pelaksana="Plt.")
        assert ttd.baris_jabatan() == [f"Plt. {KARO},"]
        assert ttd.jabatan_ditandatangani == KARO
        assert ttd.delegasi == [naskah.Delegasi.PLT]

    def test_plh(self) -> None:
        ttd = _ttd(KABAG, jabatan=KARO, pelaksana=naskah.JabatanSementara.PLH)
        assert ttd.baris_jabatan() == [f"Plh. {KARO},"]
        assert ttd.delegasi == [naskah.Delegasi.PLH]

    def test_plh_of_own_post_without_jabatan(self) -> None:
        assert _ttd(KARO, pelaksana="Plh.").baris_jabatan() == [f"Plh. {KARO},"]

    def test_atas_nama_plh(self) -> None:
        ttd = _ttd(KARO, jabatan=SESMENKO, pelaksana="Plh.", atas_nama=MENKO)
        assert ttd.baris_jabatan() == [f"a.n. {MENKO}", f"Plh. {SESMENKO},"]
        assert ttd.delegasi == [naskah.Delegasi.AN, naskah.Delegasi.PLH]

    def test_trailing_commas_are_not_doubled(self) -> None:
        ttd = _ttd(KARO + ",", atas_nama=MENKO + ",", untuk_beliau=SESMENKO + ",")
        assert ttd.baris_jabatan() == [f"a.n. {MENKO}", f"{SESMENKO},", "u.b.", f"{KARO},"]

    def test_same_jabatan_without_pelaksana_is_fine(self) -> None:
        assert _ttd(KARO, jabatan=KARO).baris_jabatan() == [f"{KARO},"]

    def test_untuk_beliau_without_atas_nama_rejected(self) -> None:
        with pytest.raises(ValidationError, match="untuk_beliau"):
            _ttd(KARO, untuk_beliau=SESMENKO)

    def test_differing_jabatan_without_pelaksana_rejected(self) -> None:
        with pytest.raises(ValidationError, match="set pelaksana"):
            _ttd(KABAG, jabatan=KARO)

    def test_unknown_pelaksana_rejected(self) -> None:
        with pytest.raises(ValidationError):
            _ttd(KABAG, jabatan=KARO, pelaksana="Pjs.")

    def test_errors_through_load_naskah_name_penandatangan(self) -> None:
        data = load_example_data("nota-dinas")
        data["penandatangan"]["untuk_beliau"] = SESMENKO
        error = _input_error("nota-dinas", data)
        assert _paths(error) == ["penandatangan"]
        assert "untuk_beliau" in str(error)


# ---------------------------------------------------------------- strictness


class TestStrictness:
    def test_unknown_field_rejected_and_named(self) -> None:
        data = load_example_data("nota-dinas")
        data["tembusans"] = ["x"]
        error = _input_error("nota-dinas", data)
        assert _paths(error) == ["tembusans"]
        assert "tembusans: bukan ruas yang dikenal" in str(error)

    def test_unknown_nested_field_rejected_and_named(self) -> None:
        data = load_example_data("nota-dinas")
        data["penandatangan"]["pejabat"]["gelar"] = "S.H."
        assert _paths(_input_error("nota-dinas", data)) == ["penandatangan.pejabat.gelar"]

    def test_control_character_rejected_naming_the_field(self) -> None:
        data = load_example_data("nota-dinas")
        data["hal"] = "Penyampaian\x07 Laporan"
        error = _input_error("nota-dinas", data)
        assert _paths(error) == ["hal"]
        assert "U+0007" in str(error)
        assert "hal:" in str(error)

    @pytest.mark.parametrize("char", ["\x00", "\x08", "\x0b", "\x0c", "\x1b", "\ufffe", "\uffff"])
    def test_other_illegal_characters_rejected(self, char: str) -> None:
        data = load_example_data("nota-dinas")
        data["isi"][1] = f"Laporan {char} tersebut"
        error = _input_error("nota-dinas", data)
        assert _paths(error) == ["isi[1]"]
        assert f"U+{ord(char):04X}" in str(error)

    @pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
    def test_newline_in_single_line_field_rejected(self, newline: str) -> None:
        data = load_example_data("nota-dinas")
        data["hal"] = f"Penyampaian{newline}Laporan"
        error = _input_error("nota-dinas", data)
        assert _paths(error) == ["hal"]
        assert "single line" in str(error)

    def test_newline_in_list_of_single_line_items_rejected(self) -> None:
        data = load_example_data("nota-dinas")
        data["tembusan"] = ["Satu", "Dua\nTiga"]
        assert _paths(_input_error("nota-dinas", data)) == ["tembusan[1]"]

    def test_crlf_in_multi_line_field_normalised(self) -> None:
        data = load_example_data("nota-dinas")
        data["isi"][0] = "Baris satu\r\nBaris dua\rBaris tiga\nBaris empat"
        nodin = naskah.load_naskah("nota-dinas", data)
        assert nodin.isi[0] == "Baris satu\nBaris dua\nBaris tiga\nBaris empat"

    def test_tab_allowed(self) -> None:
        data = load_example_data("nota-dinas")
        data["hal"] = "Hal\tdengan tab"
        assert naskah.load_naskah("nota-dinas", data).hal == "Hal\tdengan tab"

    def test_whitespace_trimmed_and_blank_rejected(self) -> None:
        data = load_example_data("nota-dinas")
        data["hal"] = "   Penyampaian Laporan \t "
        assert naskah.load_naskah("nota-dinas", data).hal == "Penyampaian Laporan"
        data["hal"] = "   "
        assert _paths(_input_error("nota-dinas", data)) == ["hal"]

    def test_missing_field_named(self) -> None:
        data = load_example_data("nota-dinas")
        del data["penandatangan"]["pejabat"]["nama"]
        error = _input_error("nota-dinas", data)
        assert _paths(error) == ["penandatangan.pejabat.nama"]
        assert "wajib diisi tetapi tidak ada" in str(error)

    def test_models_are_frozen(self) -> None:
        nodin = load_example("nota-dinas")
        with pytest.raises(ValidationError):
            nodin.hal = "lain"  # type: ignore[misc]

    def test_dates_as_strings_and_objects(self) -> None:
        data = load_example_data("nota-dinas")
        data["tanggal"] = "2026-11-27"
        from_string = naskah.load_naskah("nota-dinas", data)
        data["tanggal"] = date(2026, 11, 27)
        from_object = naskah.load_naskah("nota-dinas", data)
        assert from_string.tanggal == from_object.tanggal == date(2026, 11, 27)
        assert from_string == from_object
        assert from_string.content_hash() == from_object.content_hash()

    def test_times_as_strings_and_objects(self) -> None:
        data = load_example_data("undangan")
        data["rapat"]["mulai"] = time(9, 0)
        data["rapat"]["selesai"] = "11:00:00"
        model = naskah.load_naskah("undangan", data)
        assert model.rapat.mulai == time(9, 0) and model.rapat.selesai == time(11, 0)

    def test_invalid_date_named(self) -> None:
        data = load_example_data("nota-dinas")
        data["tanggal"] = "2026-02-30"
        assert _paths(_input_error("nota-dinas", data)) == ["tanggal"]

    def test_unknown_enum_value_named(self) -> None:
        data = load_example_data("nota-dinas")
        data["sifat"] = "Kilat"
        assert _paths(_input_error("nota-dinas", data)) == ["sifat"]

    def test_unknown_jenis(self) -> None:
        with pytest.raises(naskah.InputError, match="unknown jenis"):
            naskah.load_naskah("surat-edaran", {})

    def test_json_text_input(self) -> None:
        text = (EXAMPLES / "nota-dinas.json").read_text(encoding="utf-8")
        assert naskah.load_naskah("nota-dinas", text) == load_example("nota-dinas")

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ('{"hal": ', "baris 1, kolom"),
            ("[1, 2]", "tingkat teratas harus objek JSON"),
            ('"hal"', "tingkat teratas harus objek JSON"),
            ("null", "tingkat teratas harus objek JSON"),
        ],
    )
    def test_json_text_problems(self, text: str, expected: str) -> None:
        with pytest.raises(naskah.InputError, match=re.escape(expected)):
            naskah.load_naskah("nota-dinas", text)

    def test_deeply_nested_json_is_an_input_error(self) -> None:
        with pytest.raises(naskah.InputError):
            naskah.load_naskah("nota-dinas", "[" * 100_000 + "]" * 100_000)


class TestDateOrder:
    def test_disposisi_diterima_before_surat(self) -> None:
        data = load_example_data("disposisi")
        data["diterima_tanggal"] = "2026-11-19"  # surat is dated 2026-11-20
        data["tanggal"] = "2026-11-19"
        error = _input_error("disposisi", data)
        assert "diterima_tanggal is before tanggal_surat" in str(error)

    def test_disposisi_given_before_received(self) -> None:
        data = load_example_data("disposisi")
        data["tanggal"] = "2026-11-22"
        assert "before diterima_tanggal" in str(_input_error("disposisi", data))

    def test_disposisi_same_day_is_fine(self) -> None:
        data = load_example_data("disposisi")
        data["tanggal_surat"] = data["diterima_tanggal"] = data["tanggal"] = "2026-11-23"
        naskah.load_naskah("disposisi", data)

    def test_disposisi_duplicate_harapan(self) -> None:
        data = load_example_data("disposisi")
        data["harapan"] = ["Pantau", "Pantau"]
        error = _input_error("disposisi", data)
        assert _paths(error) == ["harapan"]
        assert "more than once" in str(error)

    def test_undangan_meeting_before_letter(self) -> None:
        data = load_example_data("undangan")
        data["rapat"]["tanggal"] = "2026-11-23"
        assert "rapat.tanggal is before" in str(_input_error("undangan", data))

    def test_rapat_ends_before_it_starts(self) -> None:
        data = load_example_data("undangan")
        data["rapat"]["selesai"] = "08:00"
        error = _input_error("undangan", data)
        assert _paths(error) == ["rapat"]
        assert "selesai (08:00) must be later than mulai (09:00)" in str(error)

    def test_notulen_before_meeting(self) -> None:
        data = load_example_data("notulen")
        data["tanggal"] = "2026-11-24"
        assert "before rapat.tanggal" in str(_input_error("notulen", data))

    def test_notulen_called_after_start(self) -> None:
        data = load_example_data("notulen")
        data["waktu_panggilan"] = "09:30"
        assert "waktu_panggilan is after rapat.mulai" in str(_input_error("notulen", data))


# ---------------------------------------------------------------- lampiran, formatting


class TestLampiran:
    def test_jumlah_counted_from_daftar(self) -> None:
        lampiran = naskah.Lampiran(daftar=["Laporan", "Notulen"])
        assert lampiran.jumlah == 2
        assert lampiran.satuan == "berkas"

    def test_example_counts_its_daftar(self) -> None:
        assert load_example("nota-dinas").lampiran.jumlah == 1
        assert load_example("nota-dinas").pengantar

    def test_default_is_empty(self) -> None:
        lampiran = naskah.Lampiran()
        assert (lampiran.jumlah, lampiran.daftar) == (0, [])
        assert formatting.jumlah_terbilang(lampiran.jumlah, lampiran.satuan) == "-"

    def test_explicit_jumlah_larger_than_daftar(self) -> None:
        assert naskah.Lampiran(jumlah=3, satuan="lembar", daftar=["a"]).jumlah == 3

    def test_daftar_longer_than_jumlah_rejected(self) -> None:
        with pytest.raises(ValidationError, match="daftar lists 2 documents but jumlah is 1"):
            naskah.Lampiran(jumlah=1, daftar=["a", "b"])

    @pytest.mark.parametrize(
        ("n", "satuan", "text"),
        [
            (1, "berkas", "1 (satu) berkas"),
            (2, "lembar", "2 (dua) lembar"),
            (11, "eksemplar", "11 (sebelas) eksemplar"),
            (0, "berkas", "-"),
        ],
    )
    def test_jumlah_terbilang(self, n: int, satuan: str, text: str) -> None:
        assert formatting.jumlah_terbilang(n, satuan) == text

    def test_negative_jumlah_rejected(self) -> None:
        with pytest.raises(ValidationError):
            naskah.Lampiran(jumlah=-1)


class TestFormatting:
    def test_tanggal(self) -> None:
        assert formatting.tanggal(date(2026, 11, 25)) == "25 November 2026"
        assert formatting.tanggal(date(2013, 1, 17)) == "17 Januari 2013"
        assert formatting.tanggal(date(2026, 8, 5)) == "5 Agustus 2026"

    def test_hari_tanggal(self) -> None:
        assert formatting.hari_tanggal(date(2026, 11, 25)) == "Rabu, 25 November 2026"
        assert formatting.hari_tanggal(date(2017, 12, 18)) == "Senin, 18 Desember 2017"
        assert formatting.hari(date(2026, 11, 29)) == "Minggu"

    def test_tempat_tanggal(self) -> None:
        text = formatting.tempat_tanggal("Jakarta", date(2026, 11, 25))
        assert text == "Jakarta, 25 November 2026"
        assert not text.endswith(".")

    def test_waktu(self) -> None:
        assert formatting.waktu(time(9, 5)) == "09.05"
        # An en dash between the times, no spaces (or "s.d." to an open end).
        assert formatting.rentang_waktu(time(9), time(11), "WIB") == "pukul 09.00\u201311.00 WIB"
        assert formatting.rentang_waktu(time(9), None, "WITA") == "pukul 09.00 WITA s.d. selesai"

    @pytest.mark.parametrize(
        ("n", "words"),
        [(1, "satu"), (7, "tujuh"), (11, "sebelas"), (21, "dua puluh satu"), (100, "seratus")],
    )
    def test_terbilang(self, n: int, words: str) -> None:
        assert formatting.terbilang(n) == words

    @pytest.mark.parametrize(
        ("n", "roman"),
        [(1, "I"), (2, "II"), (4, "IV"), (9, "IX"), (14, "XIV"), (40, "XL"), (1994, "MCMXCIV")],
    )
    def test_romawi(self, n: int, roman: str) -> None:
        assert formatting.romawi(n) == roman

    @pytest.mark.parametrize("n", [0, -1, 4000])
    def test_romawi_out_of_range(self, n: int) -> None:
        with pytest.raises(naskah.InputError, match="Roman"):
            formatting.romawi(n)


# ---------------------------------------------------------------- JSON Schema


def _objects(schema: dict) -> list[tuple[str, dict]]:
    found = [("(root)", schema)]
    found += [(name, d) for name, d in schema.get("$defs", {}).items()]
    return [(name, d) for name, d in found if d.get("type") == "object"]


@pytest.mark.parametrize("jenis", ALL_JENIS)
def test_json_schema(jenis: str) -> None:
    schema = naskah.JENIS[jenis].model_json_schema()
    assert schema["title"] == naskah.JENIS[jenis].__name__
    assert schema["description"]
    for name, obj in _objects(schema):
        assert obj.get("additionalProperties") is False, name
        for field, prop in obj["properties"].items():
            assert prop.get("description"), f"{name}.{field} has no description"
    if "sifat" in schema["properties"]:
        assert schema["$defs"]["Sifat"]["enum"] == ["Sangat Segera", "Segera", "Biasa"]
        assert schema["$defs"]["Klasifikasi"]["enum"] == [
            "Biasa",
            "Terbatas",
            "Rahasia",
            "Sangat Rahasia",
        ]
    # everything the example leaves out must be optional
    required = set(schema.get("required", []))
    assert required <= set(load_example_data(jenis))


def test_json_schema_details() -> None:
    nodin = naskah.NotaDinas.model_json_schema()
    assert nodin["properties"]["hal"]["description"].strip()
    assert nodin["properties"]["hal"]["type"] == "string"
    assert set(nodin["required"]) == {"kepada", "dari", "tanggal", "hal", "isi", "penandatangan"}
    nip = nodin["$defs"]["Pejabat"]["properties"]["nip"]
    assert "18 digits" in str(nip)
    disposisi = naskah.Disposisi.model_json_schema()
    # Free text: the boxes printed are the profile's (disposisi.harapan).
    assert disposisi["properties"]["harapan"]["items"]["type"] == "string"
    undangan = naskah.UndanganRapat.model_json_schema()
    assert undangan["$defs"]["Zona"]["enum"] == ["WIB", "WITA", "WIT"]


# ---------------------------------------------------------------- length limits


def _schema_nodes(node: Any, path: str = "") -> Any:
    """Every (path, schema) pair in a JSON Schema, depth first."""
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from _schema_nodes(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _schema_nodes(value, f"{path}/{i}")


@pytest.mark.parametrize("jenis", ALL_JENIS)
def test_every_text_and_list_field_has_a_limit_in_the_schema(jenis: str) -> None:
    schema = naskah.JENIS[jenis].model_json_schema()
    unbounded = []
    for path, node in _schema_nodes(schema):
        kind = node.get("type")
        if kind == "string" and not ({"maxLength", "enum", "format", "const"} & node.keys()):
            # a pattern with a fixed shape (NIP, golongan) bounds the length too, but
            # only when it is anchored and has no open repetition
            pattern = node.get("pattern", "")
            if not (pattern.startswith("^") and pattern.endswith("$") and "*" not in pattern
                    and "+" not in pattern):
                unbounded.append(path)
        if kind == "array" and "maxItems" not in node:
            unbounded.append(path)
    assert unbounded == []


def test_limits_in_the_schema() -> None:
    schema = naskah.NotaDinas.model_json_schema()
    props = schema["properties"]
    assert props["hal"]["maxLength"] == 500
    assert props["isi"]["maxItems"] == 200
    assert props["isi"]["items"]["maxLength"] == 10_000
    assert props["tembusan"]["maxItems"] == 200
    assert props["nomor"]["anyOf"][0]["maxLength"] == 200


def _over(data: dict[str, Any], jenis: str) -> naskah.InputError:
    with pytest.raises(naskah.InputError) as info:
        naskah.load_naskah(jenis, data)
    return info.value


def test_text_limits_accept_the_limit_and_refuse_one_more(
    example_data: Callable[[str], dict[str, Any]]
) -> None:
    data = example_data("nota-dinas")
    data["hal"] = "h" * 500
    data["isi"] = ["i" * 10_000]
    model = naskah.load_naskah("nota-dinas", data)
    assert len(model.hal) == 500  # type: ignore[attr-defined]

    data["hal"] = "h" * 501
    err = _over(data, "nota-dinas")
    assert err.errors == [("hal", "String should have at most 500 characters")]

    data["hal"] = "h" * 500
    data["isi"] = ["ok", "i" * 10_001]
    err = _over(data, "nota-dinas")
    assert err.errors == [("isi[1]", "String should have at most 10000 characters")]


def test_a_ten_megabyte_hal_is_refused(example_data: Callable[[str], dict[str, Any]]) -> None:
    data = example_data("undangan")
    data["hal"] = "x" * (10 * 1024 * 1024)
    err = _over(data, "undangan")
    assert [path for path, _ in err.errors] == ["hal"]


def test_list_limits(example_data: Callable[[str], dict[str, Any]]) -> None:
    data = example_data("nota-dinas")
    data["isi"] = ["paragraf"] * 200
    data["tembusan"] = ["Yth. Pejabat"] * 200
    naskah.load_naskah("nota-dinas", data)
    data["tembusan"] = ["Yth. Pejabat"] * 201
    err = _over(data, "nota-dinas")
    assert err.errors[0][0] == "tembusan"
    assert "at most 200 items" in err.errors[0][1]
    kop = example_data("undangan")
    kop["kop"] = {"nama": ["BARIS"] * 6, "alamat": "Jalan"}
    assert "kop.nama" in str(_over(kop, "undangan"))


def test_whole_document_text_is_capped(example_data: Callable[[str], dict[str, Any]]) -> None:
    data = example_data("nota-dinas")
    data["isi"] = ["i" * 10_000] * 49  # 490,000 characters: fine
    naskah.load_naskah("nota-dinas", data)
    data["isi"] = ["i" * 10_000] * 51
    err = _over(data, "nota-dinas")
    assert "at most 500,000 are accepted in one document" in str(err)


def test_line_breaks_per_document_are_capped(
    example_data: Callable[[str], dict[str, Any]]
) -> None:
    data = example_data("nota-dinas")
    data["isi"] = ["baris\n" * 999 + "akhir", "baris\n" * 999 + "akhir"]  # 1,998 breaks
    naskah.load_naskah("nota-dinas", data)
    data["isi"].append("satu\ndua\ntiga")  # 2,000 in all: still fine
    naskah.load_naskah("nota-dinas", data)
    data["isi"].append("satu\ndua")
    err = _over(data, "nota-dinas")
    assert "2,001 line breaks" in str(err)


def test_long_nomor_is_refused_before_parsing(
    example_data: Callable[[str], dict[str, Any]]
) -> None:
    data = example_data("nota-dinas")
    data["nomor"] = "1/" + "A/" * 1_000_000 + "11/2026"
    err = _over(data, "nota-dinas")
    assert err.errors[0][0] == "nomor"
    assert "at most 200 characters" in err.errors[0][1]


# ---------------------------------------------------------------- Plt./Plh., the jenis registry


def test_plt_plh_enum_has_its_own_name() -> None:
    import naskah.models
    import naskah.models.penandatangan

    assert naskah.JabatanSementara.PLT.value == "Plt."
    assert "Pelaksana" not in naskah.__all__ and "Pelaksana" not in naskah.models.__all__
    # The old name still works, with a DeprecationWarning at every use and on every path.
    for home in (naskah, naskah.models, naskah.models.penandatangan):
        with pytest.warns(DeprecationWarning, match="Pelaksana is deprecated; use JabatanSem"):
            assert home.Pelaksana is naskah.JabatanSementara
        with pytest.warns(DeprecationWarning):
            assert home.Pelaksana is naskah.JabatanSementara
    with pytest.warns(DeprecationWarning):
        from naskah import Pelaksana
    assert Pelaksana.PLH == "Plh."


def test_template_builders_follow_the_jenis_registry() -> None:
    sys.path.insert(0, str(REPO / "tools"))
    try:
        import build_templates
    finally:
        sys.path.remove(str(REPO / "tools"))
    assert set(build_templates.BUILDERS) == {cls.template for cls in naskah.JENIS.values()}
    kinds = {kind.value for kind in naskah.sop.JenisOutput}
    assert kinds >= set(naskah.JENIS)
    assert {kind.value for kind in naskah.trail.ledger.JenisRujukan} == kinds | {"masukan", "aset"}
    # The ledger's enum is written out member by member (what mypy checks is what runs),
    # with the SOP's names, so a new document type must be added to it by hand.
    assert {k.name: k.value for k in naskah.trail.ledger.JenisRujukan} == {
        k.name: k.value for k in naskah.sop.JenisOutput} | {"MASUKAN": "masukan", "ASET": "aset"}
