"""The SOP as data: the packaged 'Pelaksanaan Tata Kelola Data', other SOP files, jam kerja."""

from __future__ import annotations

import copy
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

import naskah
from naskah.sop import JamKerja, JenisOutput, Sop
from naskah.trail import Trail
from tests.helpers import EXAMPLES, load_example_data
from tests.trail_keys import TrailPki

WIB = "+07:00"
PACKAGED = Path(naskah.__file__).parent / "sop" / "tata-kelola-data.json"
PELAKSANA = json.loads((EXAMPLES / "trail" / "pelaksana.json").read_text(encoding="utf-8"))


def at(text: str) -> datetime:
    """An aware datetime in WIB from 'YYYY-MM-DD HH:MM'."""
    return datetime.fromisoformat(text.replace(" ", "T") + WIB)


# ---------------------------------------------------------------- the packaged SOP


@pytest.fixture(scope="module")
def sop() -> Sop:
    return Sop.tata_kelola_data()


def test_packaged_sop_identity(sop: Sop) -> None:
    assert sop.nomor == "OT.01.02-084-097.Set.PO"
    assert sop.judul == "Pelaksanaan Tata Kelola Data"
    assert len(sop.langkah) == 14
    assert [step.nomor for step in sop.langkah] == list(range(1, 15))


def test_packaged_sop_file_is_what_is_loaded(sop: Sop) -> None:
    assert Sop.load(PACKAGED) == sop


def test_packaged_sop_roles(sop: Sop) -> None:
    assert [p.nama for p in sop.peran] == [
        "Sesmenko",
        "Karo PO",
        "Kabag Data & Informasi",
        "Kasubbag Data",
        "Unit Organisasi terkait",
    ]
    assert [p.kode for p in sop.peran] == [
        "sesmenko", "karo-po", "kabag-datin", "kasubbag-data", "unit-organisasi",
    ]


def test_packaged_sop_waktu_in_working_minutes(sop: Sop) -> None:
    assert [sop.waktu_menit(step) for step in sop.langkah] == [
        10, 30, 60, 510, 60, 30, 30, 60, 5, 5, 120, 510, 60, 20,
    ]


def test_packaged_sop_pelaksana_per_step(sop: Sop) -> None:
    first = [step.pelaksana[0] for step in sop.langkah]
    assert first == [
        "sesmenko", "karo-po", "kabag-datin", "kasubbag-data", "kabag-datin", "karo-po",
        "kabag-datin", "kasubbag-data", "kabag-datin", "karo-po", "kasubbag-data",
        "kasubbag-data", "kabag-datin", "karo-po",
    ]
    # the meeting (step 11) is held together with the unit organisasi
    assert "unit-organisasi" in sop.langkah_ke(11).pelaksana


def test_packaged_sop_output_kinds(sop: Sop) -> None:
    kinds = {step.nomor: sorted(o.jenis.value for o in step.output) for step in sop.langkah}
    assert kinds[1] == ["disposisi"]
    assert kinds[8] == ["lampiran", "undangan"]
    assert kinds[9] == ["paraf"]
    assert kinds[10] == ["tanda-tangan"]
    assert kinds[11] == ["notulen"]
    assert kinds[12] == ["laporan", "nota-dinas"]
    assert kinds[13] == ["paraf", "paraf"]
    assert kinds[14] == ["tanda-tangan", "tanda-tangan"]
    # the paraf and signatures act on the documents produced at steps 8 and 12
    assert [o.kode for o in sop.langkah_ke(9).output] == ["undangan-rapat"]
    assert [o.kode for o in sop.langkah_ke(10).output] == ["undangan-rapat"]
    assert sorted(o.kode for o in sop.langkah_ke(13).output) == ["laporan", "nodin-pengantar"]
    assert sorted(o.kode for o in sop.langkah_ke(14).output) == ["laporan", "nodin-pengantar"]


def test_packaged_sop_kelengkapan_statuses(sop: Sop) -> None:
    def needs(nomor: int) -> dict[str, str | None]:
        return {
            k.kode: (k.status.value if k.status else None)
            for k in sop.langkah_ke(nomor).kelengkapan
        }

    assert needs(1) == {"program-kerja": None}
    assert needs(9)["undangan-rapat"] == "konsep"
    assert needs(10)["undangan-rapat"] == "diparaf"
    assert needs(11)["undangan-rapat"] == "ditandatangani"
    assert needs(14) == {"laporan": "diparaf", "nodin-pengantar": "diparaf"}
    assert [m.kode for m in sop.masukan] == ["program-kerja"]


def test_langkah_ke_out_of_range(sop: Sop) -> None:
    with pytest.raises(naskah.InputError, match="1-14"):
        sop.langkah_ke(15)
    with pytest.raises(naskah.InputError, match="no step 0"):
        sop.langkah_ke(0)


def test_jenis_output_flags() -> None:
    undangan = JenisOutput("undangan")
    assert undangan.naskah and not undangan.pengesahan
    assert JenisOutput.PARAF.pengesahan and not JenisOutput.PARAF.naskah
    assert not JenisOutput.LAMPIRAN.naskah and not JenisOutput.TINDAKAN.naskah


def test_canonical_json_is_stable(sop: Sop) -> None:
    again = Sop.model_validate_json(sop.canonical_json())
    assert again.canonical_json() == sop.canonical_json()
    assert again.sha256() == sop.sha256()


# ---------------------------------------------------------------- another SOP from a file


def small_sop() -> dict[str, Any]:
    """A 3-step SOP: staf drafts a nota dinas, the kasubbag initials it, the kepala signs."""
    return {
        "format": "naskah-sop/1",
        "nomor": "SOP-UJI-001",
        "judul": "Penyampaian Nota Dinas Uji",
        "instansi": "Instansi Uji",
        "jam_kerja": {"mulai": "08:00", "selesai": "16:00", "hari": [1, 2, 3, 4, 5]},
        "peran": [
            {"kode": "staf", "nama": "Staf"},
            {"kode": "kasubbag", "nama": "Kasubbag"},
            {"kode": "kepala", "nama": "Kepala Biro"},
        ],
        "masukan": [{"kode": "permohonan", "nama": "Surat permohonan"}],
        "langkah": [
            {
                "nomor": 1,
                "kegiatan": "Menyusun konsep nota dinas",
                "pelaksana": ["staf"],
                "kelengkapan": [{"kode": "permohonan"}],
                "waktu": "2 Jam",
                "output": [
                    {"kode": "nodin", "nama": "Konsep nota dinas", "jenis": "nota-dinas"},
                    {"kode": "telaah", "nama": "Telaahan", "jenis": "tindakan"},
                ],
            },
            {
                "nomor": 2,
                "kegiatan": "Memaraf konsep nota dinas",
                "pelaksana": ["kasubbag"],
                "kelengkapan": [{"kode": "nodin", "status": "konsep"}],
                "waktu": "15 Menit",
                "output": [{"kode": "nodin", "nama": "Nota dinas diparaf", "jenis": "paraf"}],
            },
            {
                "nomor": 3,
                "kegiatan": "Menandatangani nota dinas",
                "pelaksana": ["kepala"],
                "kelengkapan": [{"kode": "nodin", "status": "diparaf"}],
                "waktu": "1 Hari",
                "output": [
                    {"kode": "nodin", "nama": "Nota dinas", "jenis": "tanda-tangan"},
                ],
            },
        ],
    }


def write_sop(tmp_path: Path, data: dict[str, Any], name: str = "sop.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_other_sop_loads(tmp_path: Path) -> None:
    sop = Sop.load(write_sop(tmp_path, small_sop()))
    assert len(sop.langkah) == 3
    assert [p.kode for p in sop.peran] == ["staf", "kasubbag", "kepala"]
    # its own jam kerja: a working day of 8 hours
    assert sop.jam_kerja.menit_per_hari == 480
    assert [sop.waktu_menit(step) for step in sop.langkah] == [120, 15, 480]


def test_trail_runs_under_another_sop(soffice: str, tmp_path: Path, trail_pki: TrailPki) -> None:
    sop = Sop.load(write_sop(tmp_path, small_sop()))
    people = PELAKSANA["peran"]
    roster = {"peran": {
        "staf": people["kasubbag-data"],
        "kasubbag": people["kabag-datin"],
        "kepala": people["karo-po"],  # the example nota dinas is signed by the Karo PO
    }}
    permohonan = tmp_path / "permohonan.txt"
    permohonan.write_text("Mohon disampaikan.\n", encoding="utf-8")
    berkas = tmp_path / "berkas"
    budi, rina, agus = (people[r][0]["nip"] for r in ("kasubbag-data", "kabag-datin", "karo-po"))
    trail = Trail.init(berkas, trail_pki.roster(roster), sop=sop, dibuat=at("2026-11-23 07:50"),
                       **trail_pki.init_kwargs(budi))
    assert trail.sop == sop

    trail.perform(1, budi, dokumen={"nodin": load_example_data("nota-dinas")},
                  lampiran={"permohonan": permohonan}, tindakan={"telaah": "Sudah ditelaah."},
                  mulai=at("2026-11-23 08:00"), selesai=at("2026-11-23 10:30"),
                  signer=trail_pki.signer(budi))
    trail.perform(2, rina, selesai=at("2026-11-23 10:40"), signer=trail_pki.signer(rina))
    trail.perform(3, agus, selesai=at("2026-11-24 08:30"), signer=trail_pki.signer(agus))

    result = trail.verify()
    assert result.utuh, [str(m) for m in result.masalah]
    assert result.langkah == 3
    entries = trail.entries()
    assert [e.peran for e in entries] == ["staf", "kasubbag", "kepala"]
    assert [e.standar_menit for e in entries] == [120, 15, 480]
    # 08:00-10:30 is 150 working minutes: over the 2 Jam standard
    assert [e.durasi_menit for e in entries] == [150, 10, 350]
    assert [e.melebihi for e in entries] == [True, False, False]
    meta = naskah.read_metadata(trail.dokumen("nodin"))
    assert meta.pengesahan.status is naskah.Status.DITANDATANGANI
    assert meta.pengesahan.tanda_tangan is not None
    assert meta.pengesahan.tanda_tangan.peran == "kepala"
    assert trail.next_step() is None
    with pytest.raises(naskah.InputError, match="no file for 'telaah'") as info:
        trail.dokumen("telaah")  # a tindakan: recorded, but no file
    assert info.value.errors == [("kode", "no file yet")]


def test_trail_under_another_sop_refuses_roles_it_does_not_declare(tmp_path: Path) -> None:
    sop = Sop.load(write_sop(tmp_path, small_sop()))
    with pytest.raises(naskah.InputError, match=r"sesmenko.*not in the SOP"):
        Trail.init(tmp_path / "berkas", PELAKSANA, sop=sop)
    assert not (tmp_path / "berkas" / "ledger.json").exists()


def broken(mutate: Any) -> dict[str, Any]:
    data = copy.deepcopy(small_sop())
    mutate(data)
    return data


def _unknown_role(d: dict[str, Any]) -> None:
    d["langkah"][1]["pelaksana"] = ["sekretaris"]


def _kelengkapan_not_produced(d: dict[str, Any]) -> None:
    d["langkah"][0]["kelengkapan"] = [{"kode": "nodin"}]


def _kelengkapan_produced_later(d: dict[str, Any]) -> None:
    d["langkah"][0]["kelengkapan"].append({"kode": "telaah-lanjutan"})
    d["langkah"][2]["output"].append(
        {"kode": "telaah-lanjutan", "nama": "Telaahan lanjutan", "jenis": "tindakan"}
    )


def _paraf_on_non_document(d: dict[str, Any]) -> None:
    d["langkah"][1]["output"] = [{"kode": "telaah", "nama": "Telaahan diparaf", "jenis": "paraf"}]


def _paraf_on_unknown(d: dict[str, Any]) -> None:
    d["langkah"][1]["output"] = [{"kode": "surat", "nama": "Surat diparaf", "jenis": "paraf"}]


def _bad_waktu(d: dict[str, Any]) -> None:
    d["langkah"][1]["waktu"] = "sebentar"


def _steps_not_in_order(d: dict[str, Any]) -> None:
    d["langkah"][1]["nomor"], d["langkah"][2]["nomor"] = 3, 2


def _steps_not_from_one(d: dict[str, Any]) -> None:
    for step in d["langkah"]:
        step["nomor"] += 1


def _unknown_field(d: dict[str, Any]) -> None:
    d["langkah"][0]["keterangan"] = "?"


def _bad_jenis(d: dict[str, Any]) -> None:
    d["langkah"][0]["output"][1]["jenis"] = "memo"


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (_unknown_role, r"pelaksana 'sekretaris' is not a declared peran"),
        (_kelengkapan_not_produced, r"langkah 1: kelengkapan 'nodin' is not an output of an "
                                    r"earlier step"),
        (_kelengkapan_produced_later, r"kelengkapan 'telaah-lanjutan' is not an output of an "
                                      r"earlier step"),
        (_paraf_on_non_document, r"langkah 2: paraf needs 'telaah' to be a document"),
        (_paraf_on_unknown, r"paraf needs 'surat' to be a document"),
        (_bad_waktu, r"waktu 'sebentar' is not a duration"),
        (_steps_not_in_order, r"numbered 1\.\.n in order; found 3 at 2"),
        (_steps_not_from_one, r"numbered 1\.\.n in order; found 2 at 1"),
        (_unknown_field, r"keterangan: bukan ruas yang dikenal"),
        (_bad_jenis, r"langkah\[0\]\.output\[1\]\.jenis"),
    ],
    ids=lambda v: v.__name__.strip("_") if callable(v) else None,
)
def test_invalid_sop_files_are_rejected(tmp_path: Path, mutate: Any, expected: str) -> None:
    path = write_sop(tmp_path, broken(mutate), "rusak.json")
    with pytest.raises(naskah.InputError, match=expected) as info:
        Sop.load(path)
    assert "rusak.json" in str(info.value)  # the message names the file


def test_sop_file_that_is_not_json(tmp_path: Path) -> None:
    path = tmp_path / "rusak.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(naskah.InputError, match=r"rusak\.json: JSON rusak"):
        Sop.load(path)
    with pytest.raises(naskah.InputError, match="tidak dapat membaca SOP file"):
        Sop.load(tmp_path / "missing.json")


# ---------------------------------------------------------------- jam kerja


JAM = JamKerja()  # 07:30-16:00, Monday to Friday


def test_jam_kerja_defaults() -> None:
    assert JAM.menit_per_hari == 510
    assert JAM.hari == [1, 2, 3, 4, 5]


@pytest.mark.parametrize(
    ("teks", "menit"),
    [("1 Hari", 510), ("2 Jam", 120), ("10 Menit", 10), ("5 menit", 5), ("2 hari", 1020),
     (" 60  Menit ", 60)],
)
def test_durasi_menit(teks: str, menit: int) -> None:
    assert JAM.durasi_menit(teks) == menit


@pytest.mark.parametrize("teks", ["sebentar", "1,5 Jam", "Menit", "-5 Menit", "1 Minggu", ""])
def test_durasi_menit_refuses_unreadable(teks: str) -> None:
    with pytest.raises(naskah.InputError, match="is not a duration"):
        JAM.durasi_menit(teks)


@pytest.mark.parametrize(
    ("mulai", "selesai", "menit"),
    [
        # same day (Tuesday)
        ("2026-11-24 08:00", "2026-11-24 08:10", 10),
        ("2026-11-24 09:40", "2026-11-24 13:30", 230),
        # before office hours counts from 07:30; after closing is not counted
        ("2026-11-24 06:00", "2026-11-24 08:00", 30),
        ("2026-11-24 15:30", "2026-11-24 18:00", 30),
        # across a night: 16:00 -> 07:40 next day
        ("2026-11-24 16:00", "2026-11-25 07:40", 10),
        ("2026-11-24 15:55", "2026-11-25 07:40", 15),
        # across a weekend: Friday 15:00 -> Monday 08:00
        ("2026-11-27 15:00", "2026-11-30 08:00", 90),
        # entirely on a weekend
        ("2026-11-28 09:00", "2026-11-29 15:00", 0),
        # a full working week
        ("2026-11-23 07:30", "2026-11-27 16:00", 5 * 510),
        # end before start, or equal
        ("2026-11-24 10:00", "2026-11-24 09:00", 0),
        ("2026-11-24 10:00", "2026-11-24 10:00", 0),
    ],
)
def test_menit_kerja(mulai: str, selesai: str, menit: float) -> None:
    assert JAM.menit_kerja(at(mulai), at(selesai)) == menit


def test_menit_kerja_compares_in_the_start_zone() -> None:
    # 01:00 UTC is 08:00 WIB: ten minutes after 07:50 WIB
    mulai = at("2026-11-24 07:50")
    selesai = datetime.fromisoformat("2026-11-24T01:00+00:00")
    assert JAM.menit_kerja(mulai, selesai) == 10


def test_jam_kerja_custom_days_and_hours() -> None:
    six_days = JamKerja.model_validate({"mulai": "08:00", "selesai": "12:00",
                                        "hari": [1, 2, 3, 4, 5, 6]})
    assert six_days.menit_per_hari == 240
    assert six_days.durasi_menit("1 Hari") == 240
    # Friday 11:00 -> Monday 09:00: 60 (Fri) + 240 (Sat) + 60 (Mon)
    assert six_days.menit_kerja(at("2026-11-27 11:00"), at("2026-11-30 09:00")) == 360


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"mulai": "16:00", "selesai": "07:30"}, "selesai must be after"),
        ({"hari": [0, 1]}, "ISO weekdays 1-7"),
        ({"hari": []}, "at least 1"),
    ],
)
def test_jam_kerja_invalid(data: dict[str, Any], expected: str) -> None:
    with pytest.raises(ValueError, match=expected):
        JamKerja.model_validate(data)


def test_duplicate_output_kode_in_one_step_is_rejected() -> None:
    data = json.loads(Sop.tata_kelola_data().canonical_json())
    data["langkah"][12]["output"][1]["kode"] = "laporan"  # paraf the laporan twice in step 13
    with pytest.raises(ValidationError, match="more than once"):
        Sop.model_validate(data)
