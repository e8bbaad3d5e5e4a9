"""The trail engine end to end: the 14-step demo, refusals, tampering, crashes, locking, CLI.

The demo berkas is produced once per session (``demo_master``); each test works on its
own copy. A *partial* trail at step k is the demo copy with the ledger cut after entry
k and the later steps' files removed: the chain only looks backwards, so that is
exactly the berkas a trail has right after step k.
"""

from __future__ import annotations

import copy
import hashlib
import io
import itertools
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import docx
import pytest
from filelock import FileLock

import naskah
import naskah.fileio
import naskah.trail
import naskah.trail.folder
import naskah.trail.ledger
from naskah import demo
from naskah.cli import main as cli
from naskah.models import jenis_class
from naskah.pdf import soffice_available
from naskah.sop import Sop
from naskah.trail import Trail
from naskah.trail.data_langkah import DataLangkah
from naskah.trail.ledger import Ledger, entry_hash, header_hash
from tests import trail_keys
from tests.helpers import EXAMPLES, docx_lines, docx_text, load_example_data
from tests.trail_keys import cli_init_args, key_args

REPO = Path(__file__).resolve().parent.parent
DATA = EXAMPLES / "trail"
PELAKSANA: dict[str, Any] = json.loads((DATA / "pelaksana.json").read_text(encoding="utf-8"))
PACKAGED_SOP = Path(naskah.__file__).parent / "sop" / "tata-kelola-data.json"

SESMENKO = "196703121992031002"
KARO_PO = "197005151995031001"
KABAG = "197808242003122002"
KASUBBAG = "198503172010011003"

ROLES = {
    1: "sesmenko", 2: "karo-po", 3: "kabag-datin", 4: "kasubbag-data", 5: "kabag-datin",
    6: "karo-po", 7: "kabag-datin", 8: "kasubbag-data", 9: "kabag-datin", 10: "karo-po",
    11: "kasubbag-data", 12: "kasubbag-data", 13: "kabag-datin", 14: "karo-po",
}
PERFORMER = {
    "sesmenko": SESMENKO, "karo-po": KARO_PO, "kabag-datin": KABAG, "kasubbag-data": KASUBBAG,
}


def wib(text: str) -> datetime:
    return datetime.fromisoformat(text + "+07:00")


os.environ.setdefault(demo.PASSPHRASE_ENV, demo.DEMO_PASSPHRASE)
_MASTER: list[Path] = []
"""The session's demo berkas: its test PKI (pki-uji) signs the steps of every copy."""


def demo_key_args(nip: str) -> list[str]:
    """CLI options signing as ``nip`` with the demo's test key."""
    return ["--p12", str(_MASTER[0] / "pki-uji" / f"{nip}.p12"),
            "--passphrase-env", demo.PASSPHRASE_ENV]


def signer_of(nip: str) -> Any:
    """The demo's test signer of the official with ``nip``."""
    return demo.signer(_MASTER[0], nip)


def step_data(n: int) -> dict[str, Any]:
    """perform() keyword arguments for step n of the example data (a fresh deep copy), with
    the performer's signer from the demo's test PKI."""
    kwargs = copy.deepcopy(DataLangkah.load(DATA / f"langkah-{n:02d}.json").perform_kwargs())
    return kwargs | {"signer": signer_of(kwargs["oleh"])}


def signed_roster(roster: dict[str, Any] | None = None) -> dict[str, Any]:
    """``roster`` (default: the example) with the demo PKI's certificates."""
    data = copy.deepcopy(roster if roster is not None else PELAKSANA)
    certs = json.loads((_MASTER[0] / "pelaksana.json").read_text(encoding="utf-8"))["sertifikat"]
    nips = {p.get("nip") or p["nama"] for people in data["peran"].values() for p in people}
    data["sertifikat"] = {k: v for k, v in certs.items() if k in nips}
    return data


def resign(data: dict[str, Any]) -> None:
    """Rechain ``data`` (a ledger) and sign it again with the demo's keys, as the officials
    themselves would: a consistent, validly signed ledger holding whatever was edited."""
    from naskah.trail import signatures
    from naskah.trail.ledger import entry_payload, header_payload

    header = data["header"]
    header.pop("ttd", None)
    header["ttd"] = signatures.sign(signer_of(header["oleh"]["nip"]), header_payload(header))
    previous = header_hash(header)
    for entry in data["entries"]:
        entry.pop("ttd", None)
        entry["prev_hash"] = previous
        entry["hash"] = previous = entry_hash(entry)
        entry["ttd"] = signatures.sign(signer_of(entry["pelaksana"]["nip"]),
                                       entry_payload(entry))


def init_kwargs(oleh: str = SESMENKO) -> dict[str, Any]:
    """Trail.init keyword arguments signing with the demo's test PKI."""
    return {"trust": [_MASTER[0] / "pki-uji" / "ca.pem"], "oleh": oleh,
            "signer": signer_of(oleh)}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_ledger(folder: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((folder / "ledger.json").read_text(encoding="utf-8"))
    return data


def write_ledger(folder: Path, data: dict[str, Any]) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    (folder / "ledger.json").write_text(text, encoding="utf-8")


def files_of(folder: Path) -> set[str]:
    return {
        f"{sub}/{p.name}"
        for sub in ("dokumen", "lampiran", "aset")
        if (folder / sub).is_dir()
        for p in (folder / sub).iterdir()
    }


def problems(result: naskah.trail.Verifikasi) -> list[str]:
    return [str(m) for m in result.masalah]


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def demo_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo") / "berkas"
    _, result = demo.run(out, mulai=demo.MULAI)
    assert result.utuh, problems(result)
    _MASTER[:] = [out]
    return out


@pytest.fixture
def berkas(demo_master: Path, tmp_path: Path) -> Path:
    """A private copy of the completed demo berkas."""
    target = tmp_path / "berkas"
    shutil.copytree(demo_master, target)
    return target


@pytest.fixture
def partial(demo_master: Path, tmp_path: Path) -> Callable[[int], Path]:
    """partial(k): a private berkas in the state right after step k (0 = just started)."""

    def make(k: int) -> Path:
        target = tmp_path / f"berkas-{k}"
        shutil.copytree(demo_master, target)
        data = read_ledger(target)
        data["entries"] = data["entries"][:k]
        write_ledger(target, data)
        for rel in files_of(target):
            if int(rel.split("/")[1][:2]) > k:
                (target / rel).unlink()
        result = Trail.open(target).verify()
        assert result.utuh and result.langkah == k, problems(result)
        return target

    return make


@pytest.fixture
def trail(berkas: Path) -> Trail:
    return Trail.open(berkas)


# ---------------------------------------------------------------- end to end


def test_demo_verifies_intact(trail: Trail) -> None:
    result = trail.verify()
    assert result.utuh, problems(result)
    assert result.pertama is None
    assert result.langkah == 14
    assert result.hash_akhir == trail.entries()[-1].hash
    assert trail.next_step() is None


def test_demo_ledger_chain(berkas: Path) -> None:
    raw = read_ledger(berkas)
    assert raw["format"] == "naskah-ledger/2"
    entries = raw["entries"]
    assert [e["step"] for e in entries] == list(range(1, 15))
    assert entries[0]["prev_hash"] == header_hash(raw["header"])
    for before, after in itertools.pairwise(entries):
        assert after["prev_hash"] == before["hash"]
    for entry in entries:
        assert entry["hash"] == entry_hash(entry)
    assert len({e["hash"] for e in entries}) == 14
    header = raw["header"]
    assert header["sop_sha256"] == sha256(berkas / "sop.json")
    assert header["pelaksana_sha256"] == sha256(berkas / "pelaksana.json")
    assert header["dibuat"] == "2026-11-24T07:55:00+07:00"


def test_demo_roles_per_step(trail: Trail) -> None:
    entries = trail.entries()
    assert {e.step: e.peran for e in entries} == ROLES
    for e in entries:
        assert e.pelaksana.nip == PERFORMER[e.peran]
        assert e.peran in trail.sop.langkah_ke(e.step).pelaksana
        assert e.kegiatan == trail.sop.langkah_ke(e.step).kegiatan


def test_demo_times(trail: Trail) -> None:
    entries = trail.entries()
    assert [e.durasi_menit for e in entries] == [
        10, 30, 60, 230, 55, 25, 25, 40, 5, 10, 120, 210, 50, 25,
    ]
    assert [e.standar_menit for e in entries] == [
        10, 30, 60, 510, 60, 30, 30, 60, 5, 5, 120, 510, 60, 20,
    ]
    assert [e.step for e in entries if e.melebihi] == [10, 14]
    for before, after in itertools.pairwise(entries):
        assert after.mulai >= before.selesai
    assert entries[10].mulai == wib("2026-11-25T09:00")  # the meeting starts at 09:00


def test_demo_ledger_hashes_match_files(berkas: Path, trail: Trail) -> None:
    seen = set()
    accounts = {k: v for e in trail.entries() for k, v in e.tindakan.items()}
    for entry in trail.entries():
        for ref in [*entry.masukan, *entry.keluaran, *entry.aset, *entry.asli]:
            if ref.file is None:
                assert ref.jenis == "tindakan"
                text = accounts[ref.kode].encode("utf-8")
                assert ref.sha256 == hashlib.sha256(text).hexdigest()
                continue
            assert ref.sha256 == sha256(berkas / ref.file), ref.file
            seen.add(ref.file)
    # every file in the berkas is referenced, and every produced file exists
    assert seen == files_of(berkas)


def test_demo_outputs_per_step(trail: Trail) -> None:
    out = {e.step: [(r.file, r.status.value if r.status else None) for r in e.keluaran]
           for e in trail.entries()}
    # a disposisi is final as given: signed by its giver, who performed the step
    assert out[1] == [("dokumen/01-disposisi-sesmenko.docx", "ditandatangani")]
    for step in (2, 3, 6, 7):
        assert [status for _, status in out[step] if status] == ["ditandatangani"]
    assert out[8] == [("dokumen/08-undangan-rapat.docx", "konsep"),
                      ("lampiran/08-bahan-rapat.txt", None)]
    assert out[9] == [("dokumen/09-undangan-rapat.docx", "diparaf")]
    assert out[10] == [("dokumen/10-undangan-rapat.docx", "ditandatangani")]
    assert out[13] == [("dokumen/13-laporan.docx", "diparaf"),
                       ("dokumen/13-nodin-pengantar.docx", "diparaf")]
    assert out[14] == [("dokumen/14-laporan.docx", "ditandatangani"),
                       ("dokumen/14-nodin-pengantar.docx", "ditandatangani")]
    entries = trail.entries()
    assert [(r.kode, r.file) for r in entries[0].masukan] == [
        ("program-kerja", "lampiran/01-program-kerja.txt")
    ]
    assert {r.kode: (r.file, r.status) for r in entries[9].masukan} == {
        "undangan-rapat": ("dokumen/09-undangan-rapat.docx", naskah.Status.DIPARAF),
        "bahan-rapat": ("lampiran/08-bahan-rapat.txt", None),
    }
    assert set(entries[1].tindakan) == {"koordinasi-karo-po"}
    assert trail.dokumen("undangan-rapat") == trail.folder / "dokumen/10-undangan-rapat.docx"
    assert trail.dokumen("laporan") == trail.folder / "dokumen/14-laporan.docx"


def test_disposisi_sesmenko_content(berkas: Path) -> None:
    text = docx_text(berkas / "dokumen/01-disposisi-sesmenko.docx")
    assert "LEMBAR DISPOSISI" in text
    assert PELAKSANA["peran"]["sesmenko"][0]["nama"] in text
    assert f"NIP {SESMENKO}" in text


def paraf_rows(lines: list[str]) -> list[str]:
    """The lines of the paraf table (from 'Paraf:' to the signature block)."""
    start = lines.index("Paraf:")
    return lines[start:start + 9]


def test_undangan_konsep_diparaf_has_paraf_table(berkas: Path) -> None:
    lines = docx_lines(berkas / "dokumen/09-undangan-rapat.docx")
    assert "Paraf:" in lines
    table = paraf_rows(lines)
    assert table[1:5] == ["No", "Jabatan", "Paraf", "Tanggal"]
    assert table[5:9] == ["1.", "Kepala Bagian Data dan Informasi", "RK", "24/11/2026"]
    assert not any("Ditandatangani secara elektronik" in line for line in lines)
    # the konsep before the paraf has neither
    konsep = docx_lines(berkas / "dokumen/08-undangan-rapat.docx")
    assert "Paraf:" not in konsep
    assert not any("Ditandatangani secara elektronik" in line for line in konsep)


def test_undangan_signed_has_no_paraf_table(berkas: Path) -> None:
    lines = docx_lines(berkas / "dokumen/10-undangan-rapat.docx")
    assert "Ditandatangani secara elektronik pada 25 November 2026 07.40" in lines
    assert "Paraf:" not in lines
    assert "RK" not in lines
    assert "a.n. Sekretaris Kementerian Koordinator Bidang Politik, Hukum, dan Keamanan" in lines


@pytest.mark.parametrize("name", ["14-laporan.docx", "14-nodin-pengantar.docx"])
def test_final_documents_are_signed(berkas: Path, name: str) -> None:
    lines = docx_lines(berkas / "dokumen" / name)
    assert "Ditandatangani secara elektronik pada 25 November 2026 15.45" in lines
    assert "Paraf:" not in lines
    assert "Agus Setiawan, S.H., M.Si." in lines


@pytest.mark.parametrize("name", ["13-laporan.docx", "13-nodin-pengantar.docx"])
def test_step_13_documents_are_initialled_not_signed(berkas: Path, name: str) -> None:
    lines = docx_lines(berkas / "dokumen" / name)
    assert "Paraf:" in lines
    assert not any("Ditandatangani secara elektronik" in line for line in lines)


def test_metadata_status_per_version(berkas: Path) -> None:
    meta8 = naskah.read_metadata(berkas / "dokumen/08-undangan-rapat.docx")
    meta9 = naskah.read_metadata(berkas / "dokumen/09-undangan-rapat.docx")
    meta10 = naskah.read_metadata(berkas / "dokumen/10-undangan-rapat.docx")
    assert meta8.jenis == meta9.jenis == meta10.jenis == "undangan"
    assert meta8.content_hash == meta9.content_hash
    # signing took the register's number and date: new content, the paraf still hold
    assert meta10.content_hash != meta9.content_hash
    assert meta10.nomor == "B-1/Ses.PO/OT.01.02/11/2026"
    assert meta8.pengesahan.status is naskah.Status.KONSEP
    assert meta8.pengesahan.paraf == [] and meta8.pengesahan.tanda_tangan is None

    assert meta9.pengesahan.status is naskah.Status.DIPARAF
    assert len(meta9.pengesahan.paraf) == 1
    paraf = meta9.pengesahan.paraf[0]
    assert paraf.pejabat.nip == KABAG
    assert paraf.peran == "kabag-datin"
    assert paraf.waktu == wib("2026-11-24T16:00")
    assert meta9.pengesahan.tanda_tangan is None

    assert meta10.pengesahan.status is naskah.Status.DITANDATANGANI
    ttd = meta10.pengesahan.tanda_tangan
    assert ttd is not None
    assert ttd.pejabat.nip == KARO_PO
    assert ttd.pejabat.nama == PELAKSANA["peran"]["karo-po"][0]["nama"]
    assert ttd.peran == "karo-po"
    assert ttd.delegasi == [naskah.Delegasi.AN]  # signed a.n. the Sesmenko
    assert [str(d) for d in ttd.delegasi] == ["a.n."]
    assert ttd.waktu == wib("2026-11-25T07:40")
    assert [p.pejabat.nip for p in meta10.pengesahan.paraf] == [KABAG]  # the paraf is kept

    for name in ("14-laporan.docx", "14-nodin-pengantar.docx"):
        meta = naskah.read_metadata(berkas / "dokumen" / name)
        assert meta.pengesahan.status is naskah.Status.DITANDATANGANI
        assert meta.pengesahan.tanda_tangan is not None
        assert meta.pengesahan.tanda_tangan.pejabat.nip == KARO_PO
        assert meta.pengesahan.tanda_tangan.delegasi == []  # signed in his own name
        assert [p.pejabat.nip for p in meta.pengesahan.paraf] == [KABAG]


def test_every_approval_refers_to_the_document_content(berkas: Path, trail: Trail) -> None:
    recorded = {r.file: r for e in trail.entries() for r in e.keluaran if r.file}
    docs = sorted((berkas / "dokumen").glob("*.docx"))
    assert len(docs) == 15
    for path in docs:
        meta = naskah.read_metadata(path)
        model = jenis_class(meta.jenis).model_validate(meta.naskah)
        assert model.content_hash() == meta.content_hash, path.name
        assert recorded[f"dokumen/{path.name}"].content_hash == meta.content_hash
        assert recorded[f"dokumen/{path.name}"].status == meta.pengesahan.status
        for paraf in meta.pengesahan.paraf:  # given on the konsep, before numbering
            assert paraf.konsep_hash == model.konsep_hash(), path.name
        if meta.pengesahan.tanda_tangan is not None:
            assert meta.pengesahan.tanda_tangan.content_hash == meta.content_hash, path.name


# ---------------------------------------------------------------- refusals


def assert_refused(
    folder: Path,
    step: int,
    kwargs: dict[str, Any],
    match: str,
    exc: type[Exception] = naskah.TrailError,
) -> Exception:
    """perform() is refused with a message matching ``match`` and leaves no trace."""
    ledger_before = (folder / "ledger.json").read_bytes()
    files_before = files_of(folder)
    with pytest.raises(exc, match=match) as info:
        Trail.open(folder).perform(step, **kwargs)
    assert (folder / "ledger.json").read_bytes() == ledger_before
    assert files_of(folder) == files_before
    assert not (folder / ".naskah-staging").exists()
    result = Trail.open(folder).verify()
    assert result.utuh, problems(result)
    return info.value


def _out_of_order() -> tuple[int, int, dict[str, Any], str]:
    return 1, 3, step_data(3), r"step 3 is out of order: the next step is 2 \(Melaksanakan"


def _already_performed() -> tuple[int, int, dict[str, Any], str]:
    return 2, 1, step_data(1), r"step 1 was already performed; the next step is 3"


def _repeat_last() -> tuple[int, int, dict[str, Any], str]:
    return 2, 2, step_data(2), r"step 2 was already performed; the next step is 3"


def _complete() -> tuple[int, int, dict[str, Any], str]:
    return 14, 14, step_data(14), r"the trail is complete: all 14 steps were performed"


def _wrong_role() -> tuple[int, int, dict[str, Any], str]:
    data = step_data(1) | {"oleh": KASUBBAG}
    return 0, 1, data, (r"Budi Santoso, S\.T\., M\.Kom\. holds Kasubbag Data; "
                        r"step 1 must be performed by Sesmenko")


def _wrong_role_by_name() -> tuple[int, int, dict[str, Any], str]:
    data = step_data(10) | {"oleh": "Rina Kusumawati, S.Kom., M.T."}
    return 9, 10, data, r"holds Kabag Data & Informasi; step 10 must be performed by Karo PO"


def _unknown_performer() -> tuple[int, int, dict[str, Any], str]:
    data = step_data(1) | {"oleh": "199912312020121001"}
    return 0, 1, data, r"'199912312020121001' is not in the berkas's daftar pelaksana"


def _missing_kelengkapan() -> tuple[int, int, dict[str, Any], str]:
    data = step_data(1) | {"lampiran": {}}
    return 0, 1, data, r"step 1 needs the kelengkapan 'program-kerja' \(Program kerja\)"


def _missing_dokumen() -> tuple[int, int, dict[str, Any], str]:
    data = step_data(1) | {"dokumen": {}}
    return 0, 1, data, r"step 1 needs dokumen for: disposisi-sesmenko"


def _missing_tindakan() -> tuple[int, int, dict[str, Any], str]:
    data = step_data(2) | {"tindakan": {}}
    return 1, 2, data, r"step 2 needs tindakan for: koordinasi-karo-po"


def _missing_lampiran() -> tuple[int, int, dict[str, Any], str]:
    data = step_data(8) | {"lampiran": {}}
    return 7, 8, data, r"step 8 needs lampiran for: bahan-rapat"


def _extra_dokumen() -> tuple[int, int, dict[str, Any], str]:
    data = step_data(1)
    data["dokumen"]["memo"] = load_example_data("nota-dinas")
    return 0, 1, data, r"step 1 has no dokumen output named memo; expected: disposisi-sesmenko"


def _dokumen_on_paraf_step() -> tuple[int, int, dict[str, Any], str]:
    data = step_data(9) | {"dokumen": {"undangan-rapat": load_example_data("undangan")}}
    return 8, 9, data, r"step 9 has no dokumen output named undangan-rapat; expected: none"


def _extra_tindakan() -> tuple[int, int, dict[str, Any], str]:
    data = step_data(9) | {"tindakan": {"catatan-kabag": "Sudah diperiksa."}}
    return 8, 9, data, r"step 9 has no tindakan output named catatan-kabag"


def test_lampiran_file_missing_is_an_input_error(partial: Callable[[int], Path]) -> None:
    data = step_data(8)
    data["lampiran"]["bahan-rapat"] = str(DATA / "lampiran" / "tidak-ada.txt")
    assert_refused(partial(7), 8, data,
                   r"lampiran 'bahan-rapat': file .*tidak-ada\.txt' does not exist",
                   naskah.InputError)


def _pemberi_not_performer() -> tuple[int, int, dict[str, Any], str]:
    data = step_data(2)
    data["dokumen"]["disposisi-karo-po"]["pemberi"] = PELAKSANA["peran"]["kabag-datin"][0]
    return 1, 2, data, (r"dokumen 'disposisi-karo-po': the disposisi is given by "
                        r"Rina Kusumawati, S\.Kom\., M\.T\., but the step is performed by "
                        r"Agus Setiawan")


def _mulai_before_previous() -> tuple[int, int, dict[str, Any], str]:
    data = step_data(2) | {"mulai": wib("2026-11-24T08:05")}
    return 1, 2, data, (r"mulai 2026-11-24T08:05:00\+07:00 is before the previous step "
                        r"finished \(2026-11-24T08:10:00\+07:00\)")


def _selesai_before_mulai() -> tuple[int, int, dict[str, Any], str]:
    data = step_data(2) | {"mulai": wib("2026-11-24T08:30"), "selesai": wib("2026-11-24T08:20")}
    return 1, 2, data, (r"selesai 2026-11-24T08:20:00\+07:00 is before mulai "
                        r"2026-11-24T08:30:00\+07:00")


def _selesai_before_previous() -> tuple[int, int, dict[str, Any], str]:
    data = step_data(2) | {"selesai": wib("2026-11-24T08:05")}
    return 1, 2, data, r"selesai 2026-11-24T08:05:00\+07:00 is before mulai"


REFUSALS = [
    _out_of_order, _already_performed, _repeat_last, _complete, _wrong_role,
    _wrong_role_by_name, _unknown_performer, _missing_kelengkapan, _missing_dokumen,
    _missing_tindakan, _missing_lampiran, _extra_dokumen, _dokumen_on_paraf_step,
    _extra_tindakan, _pemberi_not_performer, _mulai_before_previous,
    _selesai_before_mulai, _selesai_before_previous,
]


def test_first_step_may_be_recorded_after_the_fact(partial: Callable[[int], Path]) -> None:
    """A paper process recorded later: step 1 may start before the trail was created."""
    folder = partial(0)
    entry = Trail.open(folder).perform(1, **(step_data(1) | {"mulai": wib("2026-11-24T07:00")}))
    assert entry.mulai == wib("2026-11-24T07:00")
    assert entry.dicatat > entry.selesai  # the real recording time stays visible


@pytest.mark.parametrize("case", REFUSALS, ids=lambda f: f.__name__.strip("_"))
def test_refusal(partial: Callable[[int], Path], case: Callable[[], Any]) -> None:
    done, step, kwargs, match = case()
    assert_refused(partial(done), step, kwargs, match)


def test_refusal_then_correct_step_succeeds(partial: Callable[[int], Path]) -> None:
    folder = partial(1)
    assert_refused(folder, 2, step_data(2) | {"oleh": KABAG}, r"must be performed by Karo PO")
    entry = Trail.open(folder).perform(2, **step_data(2))
    assert entry.step == 2 and entry.peran == "karo-po"
    assert Trail.open(folder).verify().utuh


def test_invalid_dokumen_data_is_an_input_error(partial: Callable[[int], Path]) -> None:
    data = step_data(2)
    del data["dokumen"]["disposisi-karo-po"]["hal"]
    error = assert_refused(partial(1), 2, data, r"dokumen disposisi-karo-po", naskah.InputError)
    assert "hal" in str(error)


def test_performer_by_grouped_nip_or_name(partial: Callable[[int], Path]) -> None:
    folder = partial(1)
    trail = Trail.open(folder)
    entry = trail.perform(2, **step_data(2) | {"oleh": "19700515 199503 1 001"})
    assert entry.pelaksana.nip == KARO_PO
    entry = trail.perform(3, **step_data(3) | {"oleh": "rina kusumawati, s.kom., m.t."})
    assert entry.pelaksana.nip == KABAG
    assert trail.verify().utuh


def test_refused_disposisi_at_step_1_leaves_no_trace(partial: Callable[[int], Path]) -> None:
    data = step_data(1)
    data["dokumen"]["disposisi-sesmenko"]["pemberi"] = PELAKSANA["peran"]["karo-po"][0]
    folder = partial(0)
    assert_refused(folder, 1, data, r"the disposisi is given by Agus Setiawan")


def test_invalid_dokumen_at_step_3_leaves_no_trace(partial: Callable[[int], Path]) -> None:
    data = step_data(3)
    del data["dokumen"]["disposisi-kabag-datin"]["hal"]
    assert_refused(partial(2), 3, data, r"dokumen disposisi-kabag-datin", naskah.InputError)


def test_refused_disposisi_at_step_1_is_refused_and_ledger_unchanged(
    partial: Callable[[int], Path],
) -> None:
    """The part of the step-1 pemberi refusal that holds (see the xfail above for the rest)."""
    data = step_data(1)
    data["dokumen"]["disposisi-sesmenko"]["pemberi"] = PELAKSANA["peran"]["karo-po"][0]
    folder = partial(0)
    before = (folder / "ledger.json").read_bytes()
    with pytest.raises(naskah.TrailError, match=(
        r"dokumen 'disposisi-sesmenko': the disposisi is given by Agus Setiawan, S\.H\., "
        r"M\.Si\., but the step is performed by Dr\. Hendra Wirawan"
    )):
        Trail.open(folder).perform(1, **data)
    assert (folder / "ledger.json").read_bytes() == before
    assert Trail.open(folder).entries() == []


def test_step_zero_is_not_called_already_performed(partial: Callable[[int], Path]) -> None:
    folder = partial(1)
    with pytest.raises(naskah.TrailError) as info:
        Trail.open(folder).perform(0, **step_data(2))
    assert "already performed" not in str(info.value)


def test_tampered_berkas_is_not_extended(partial: Callable[[int], Path]) -> None:
    folder = partial(8)
    with (folder / "dokumen/08-undangan-rapat.docx").open("ab") as fh:
        fh.write(b"\0")
    before = (folder / "ledger.json").read_bytes()
    with pytest.raises(naskah.TamperError, match=(
        r"refusing to extend a berkas that fails verification: step 8: "
        r"dokumen/08-undangan-rapat\.docx"
    )):
        Trail.open(folder).perform(9, **step_data(9))
    assert (folder / "ledger.json").read_bytes() == before


def run_steps(trail: Trail, upto: int) -> None:
    for n in range(1, upto + 1):
        trail.perform(n, **step_data(n))


def test_signing_a_document_not_in_the_needed_status_is_refused(tmp_path: Path,
                                                                 demo_master: Path) -> None:
    """An SOP variant without the paraf step: the signing step finds the undangan konsep."""
    data = json.loads(PACKAGED_SOP.read_text(encoding="utf-8"))
    del data["langkah"][8]  # step 9: the Kabag's paraf
    for i, langkah in enumerate(data["langkah"], 1):
        langkah["nomor"] = i
    sop = Sop.model_validate(data)
    assert [o.jenis.value for o in sop.langkah_ke(9).output] == ["tanda-tangan"]
    assert sop.langkah_ke(9).kelengkapan[0].status is naskah.Status.DIPARAF

    folder = tmp_path / "varian"
    trail = Trail.init(folder, signed_roster(), sop=sop, dibuat=demo.MULAI, **init_kwargs())
    run_steps(trail, 8)
    assert_refused(folder, 9, {"oleh": KARO_PO, "selesai": wib("2026-11-24T16:00"),
                               "signer": signer_of(KARO_PO)},
                   r"step 9 needs 'undangan-rapat' diparaf, but it is konsep")


def test_signer_must_be_the_documents_penandatangan(tmp_path: Path, demo_master: Path) -> None:
    """Another holder of the karo-po role may not sign a document that names Agus."""
    roster = copy.deepcopy(PELAKSANA)
    other = {"nama": "Bambang Wijaya, S.E., M.M.", "jabatan": "Plh. Kepala Biro Perencanaan "
             "dan Organisasi", "nip": "197203101998031004"}
    roster["peran"]["karo-po"].append(other)
    folder = tmp_path / "roster"
    from tests.trail_keys import make_trail_pki

    keys = make_trail_pki(tmp_path / "pki", roster)
    trail = Trail.init(folder, keys.roster(roster), dibuat=demo.MULAI,
                       **keys.init_kwargs(SESMENKO))
    for n in range(1, 10):
        trail.perform(n, **step_data(n) | {"signer": keys.signer(step_data(n)["oleh"])})
    kwargs = step_data(10) | {"oleh": other["nip"], "signer": keys.signer(other["nip"])}
    assert_refused(folder, 10, kwargs, (
        r"undangan-rapat: the document names Agus Setiawan, S\.H\., M\.Si\. as its "
        r"penandatangan; Bambang Wijaya, S\.E\., M\.M\. cannot sign it"
    ))
    entry = Trail.open(folder).perform(10, **step_data(10) | {"signer": keys.signer(KARO_PO)})
    assert entry.pelaksana.nip == KARO_PO
    assert Trail.open(folder).verify().utuh


# ---------------------------------------------------------------- tampering


def _append_bytes(folder: Path) -> None:
    with (folder / "dokumen/09-undangan-rapat.docx").open("ab") as fh:
        fh.write(b"tambahan")


def _delete_document(folder: Path) -> None:
    (folder / "dokumen/11-notulen-rapat.docx").unlink()


def _edit_lampiran(folder: Path) -> None:
    with (folder / "lampiran/04-kebutuhan-data.csv").open("a", encoding="utf-8") as fh:
        fh.write("Unit Palsu,Data palsu,Bulanan,Elektronik,Ya\n")


def _edit_entry(key: str, value: Any) -> Callable[[Path], None]:
    def edit(folder: Path) -> None:
        data = read_ledger(folder)
        data["entries"][4][key] = value
        write_ledger(folder, data)

    edit.__name__ = f"_edit_entry_5_{key}"
    return edit


def _edit_entry_keeping_its_hash_valid(folder: Path) -> None:
    data = read_ledger(folder)
    entry = data["entries"][4]
    entry["catatan"] = "diubah"
    entry["hash"] = entry_hash(entry)
    write_ledger(folder, data)


def _swap_6_and_7(folder: Path) -> None:
    data = read_ledger(folder)
    e = data["entries"]
    e[5], e[6] = e[6], e[5]
    write_ledger(folder, data)


def _remove_entry_8(folder: Path) -> None:
    data = read_ledger(folder)
    del data["entries"][7]
    write_ledger(folder, data)


def _edit_header(folder: Path) -> None:
    data = read_ledger(folder)
    data["header"]["dibuat"] = "2026-11-23T07:55:00+07:00"
    write_ledger(folder, data)


def _edit_sop(folder: Path) -> None:
    data = json.loads((folder / "sop.json").read_text(encoding="utf-8"))
    data["langkah"][9]["waktu"] = "60 Menit"
    (folder / "sop.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def _edit_pelaksana(folder: Path) -> None:
    data = json.loads((folder / "pelaksana.json").read_text(encoding="utf-8"))
    data["peran"]["karo-po"][0]["nama"] = "Orang Lain"
    (folder / "pelaksana.json").write_text(json.dumps(data), encoding="utf-8")


def _rerender(name: str, change: Callable[[dict[str, Any]], None]) -> Callable[[Path], None]:
    def rerender(folder: Path) -> None:
        path = folder / "dokumen" / name
        meta = naskah.read_metadata(path)
        data = copy.deepcopy(meta.naskah)
        change(data)
        model = jenis_class(meta.jenis).model_validate(data)
        path.write_bytes(naskah.render(model, dibuat=meta.dibuat, aset=folder))
        # it is a perfectly valid naskah document of its own
        fresh = naskah.read_metadata(path)
        assert fresh.content_hash == model.content_hash() != meta.content_hash

    rerender.__name__ = f"_rerender_{name}"
    return rerender


def _change_simpulan(data: dict[str, Any]) -> None:
    data["simpulan"] = ["Tata kelola data belum perlu dibenahi."]


def _ledger_not_json(folder: Path) -> None:
    (folder / "ledger.json").write_text('{"format": "naskah-ledger/1", ', encoding="utf-8")


TAMPERING = [
    (_append_bytes, 9, "dokumen/09-undangan-rapat.docx", "changed after it was recorded"),
    (_delete_document, 11, "dokumen/11-notulen-rapat.docx", "the file is missing"),
    (_edit_lampiran, 4, "lampiran/04-kebutuhan-data.csv", "changed after it was recorded"),
    (_edit_entry("durasi_menit", 30.0), 5, "ledger.json", "edited after it was recorded"),
    (_edit_entry("catatan", "tidak ada"), 5, "ledger.json", "edited after it was recorded"),
    # its own hash recomputed: the chain breaks at 6, but its signature already at 5
    (_edit_entry_keeping_its_hash_valid, 5, "ledger.json",
     "signature of Rina Kusumawati, S.Kom., M.T. (the performer) does not match"),
    (_swap_6_and_7, 6, "ledger.json", "entry 6 is for step 7"),
    (_remove_entry_8, 8, "ledger.json", "entry 8 is for step 9"),
    (_edit_header, 1, "ledger.json", "hash chain is broken"),
    (_rerender("12-laporan.docx", _change_simpulan), 12, "dokumen/12-laporan.docx",
     "changed after it was recorded"),
    (_rerender("14-laporan.docx", _change_simpulan), 14, "dokumen/14-laporan.docx",
     "changed after it was recorded"),
]


@pytest.mark.parametrize(
    ("tamper", "step", "file", "message"), TAMPERING, ids=lambda v: getattr(v, "__name__", None)
)
def test_tampering_is_detected(
    berkas: Path,
    capsys: pytest.CaptureFixture[str],
    tamper: Callable[[Path], None],
    step: int,
    file: str,
    message: str,
) -> None:
    tamper(berkas)
    result = Trail.open(berkas).verify()
    assert not result.utuh
    first = result.pertama
    assert first is not None
    assert (first.step, first.file) == (step, file), problems(result)
    assert message in first.pesan
    capsys.readouterr()
    assert cli(["trail", "verify", str(berkas)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert f"TAMPERED: step {step}: {file}: " in err
    assert message in err


def test_removed_last_entry_leaves_reported_files(
    berkas: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = read_ledger(berkas)
    del data["entries"][-1]
    write_ledger(berkas, data)
    result = Trail.open(berkas).verify()
    assert not result.utuh
    assert result.langkah == 13
    assert [(m.step, m.file) for m in result.masalah] == [
        (None, "dokumen/14-laporan.docx"),
        (None, "dokumen/14-laporan.pdf"),
        (None, "dokumen/14-nodin-pengantar.docx"),
        (None, "dokumen/14-nodin-pengantar.pdf"),
    ]
    assert all("not recorded in the ledger" in m.pesan for m in result.masalah)
    assert cli(["trail", "verify", str(berkas)]) == 1
    err = capsys.readouterr().err
    assert "dokumen/14-laporan.docx" in err and "dokumen/14-nodin-pengantar.docx" in err


def test_added_file_is_reported(berkas: Path) -> None:
    (berkas / "lampiran" / "15-catatan.txt").write_text("tambahan\n", encoding="utf-8")
    result = Trail.open(berkas).verify()
    assert [(m.step, m.file) for m in result.masalah] == [(None, "lampiran/15-catatan.txt")]


@pytest.mark.parametrize(
    ("tamper", "file"),
    [(_edit_sop, "sop.json"), (_edit_pelaksana, "pelaksana.json"),
     (_ledger_not_json, "ledger.json")],
    ids=["sop", "pelaksana", "ledger-not-json"],
)
def test_tampered_berkas_files(
    berkas: Path, capsys: pytest.CaptureFixture[str], tamper: Callable[[Path], None], file: str
) -> None:
    tamper(berkas)
    result = Trail.open(berkas).verify()
    assert result.pertama is not None
    assert result.pertama.file == file, problems(result)
    assert cli(["trail", "verify", str(berkas)]) == 1
    assert f"TAMPERED: {file}: " in capsys.readouterr().err


def test_deeper_problems_are_listed_too(berkas: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _append_bytes(berkas)
    _delete_document(berkas)
    result = Trail.open(berkas).verify()
    # each file is reported at the step that produced it and at every step that used it
    assert [(m.step, m.file) for m in result.masalah] == [
        (9, "dokumen/09-undangan-rapat.docx"),
        (10, "dokumen/09-undangan-rapat.docx"),
        (11, "dokumen/11-notulen-rapat.docx"),
        (12, "dokumen/11-notulen-rapat.docx"),
    ]
    assert cli(["trail", "verify", str(berkas)]) == 1
    err = capsys.readouterr().err
    assert "also: step 11: dokumen/11-notulen-rapat.docx: the file is missing" in err


def test_rechaining_the_ledger_without_keys_fails_at_the_edited_step(berkas: Path) -> None:
    """Attack (issue 8): rewriting every hash from an edited entry on made the chain
    consistent and passed verify(). Without the performers' keys the signatures of the
    edited and every rechained entry no longer match: verify names step 5 first."""
    original = Trail.open(berkas).verify().hash_akhir
    data = read_ledger(berkas)
    previous = data["entries"][3]["hash"]
    for entry in data["entries"][4:]:
        if entry["step"] == 5:
            entry["catatan"] = "diubah"
        entry["prev_hash"] = previous
        entry["hash"] = previous = entry_hash(entry)
    write_ledger(berkas, data)
    result = Trail.open(berkas).verify()
    assert not result.utuh
    assert result.hash_akhir != original
    first = result.pertama
    assert first is not None and first.jenis.value == "signature"
    assert (first.step, first.file) == (5, "ledger.json")
    assert "does not match what was recorded" in first.pesan
    assert {m.step for m in result.masalah} == set(range(5, 15))


def test_intact_berkas_cli(berkas: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(["trail", "verify", str(berkas)]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("intact: 14 steps, final hash ")
    assert out.strip().endswith(str(Trail.open(berkas).verify().hash_akhir))
    assert err == ""


def test_verify_cli_on_folder_without_trail(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(["trail", "verify", str(tmp_path)]) == 1
    assert "holds no trail (ledger.json not found)" in capsys.readouterr().err


# ---------------------------------------------------------------- metadata


def test_meta_cli_round_trip(berkas: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("01-disposisi-sesmenko.docx", "10-undangan-rapat.docx", "14-laporan.docx"):
        path = berkas / "dokumen" / name
        capsys.readouterr()
        assert cli(["meta", str(path)]) == 0
        printed = json.loads(capsys.readouterr().out)
        assert printed == naskah.read_metadata(path).model_dump(mode="json")
        assert printed["format"] == "naskah/1"


def test_docx_without_metadata(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    document = docx.Document()
    document.add_paragraph("Bukan naskah")
    path = tmp_path / "polos.docx"
    document.save(str(path))
    with pytest.raises(naskah.MetadataError, match="holds no naskah metadata"):
        naskah.read_metadata(path)
    buffer = io.BytesIO()
    document.save(buffer)
    with pytest.raises(naskah.MetadataError, match="holds no naskah metadata"):
        naskah.read_metadata(buffer.getvalue())
    assert cli(["meta", str(path)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert "polos.docx holds no naskah metadata" in err


def test_not_a_docx(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bukan.docx"
    path.write_bytes(b"just text")
    with pytest.raises(naskah.MetadataError, match="not a readable DOCX"):
        naskah.read_metadata(path)
    assert cli(["meta", str(path)]) == 1


def test_metadata_text_is_never_evaluated(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    hal = "{{ 7*7 }} & <b>"
    data = load_example_data("nota-dinas") | {"hal": hal}
    nodin = naskah.NotaDinas.model_validate(data)
    path = tmp_path / "jinja.docx"
    path.write_bytes(naskah.render(nodin))
    meta = naskah.read_metadata(path)
    assert meta.hal == hal
    assert meta.naskah["hal"] == hal
    assert meta.content_hash == nodin.content_hash()
    assert hal in docx_lines(path)  # printed literally in the document too
    assert cli(["meta", str(path)]) == 0
    assert json.loads(capsys.readouterr().out)["hal"] == hal


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
                             str(DATA / "langkah-03.json"), "3", str(_MASTER[0])], cwd=REPO,
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


# ---------------------------------------------------------------- concurrency


def test_lock_held_by_another_process(partial: Callable[[int], Path]) -> None:
    folder = partial(1)
    before = (folder / "ledger.json").read_bytes()
    with FileLock(str(folder / ".naskah.lock")), pytest.raises(
        naskah.TrailLockedError, match=r"another process is performing a step on .* right now"
    ):
        Trail.open(folder).perform(2, **step_data(2))
    assert (folder / "ledger.json").read_bytes() == before
    # released: the step goes through
    Trail.open(folder).perform(2, **step_data(2))
    assert Trail.open(folder).verify().utuh


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
        assert "step 9 performed by Rina Kusumawati" in ok[1]
        assert failed[1] == ""
        # the lock caught it, or it ran just after the winner and the order check did
        assert ("another process is performing a step" in failed[2]
                or "step 9 was already performed" in failed[2]), failed[2]
        assert "Traceback" not in failed[2]
        trail = Trail.open(folder)
        assert [e.step for e in trail.entries()] == list(range(1, 10))
        result = trail.verify()
        assert result.utuh, problems(result)


# ---------------------------------------------------------------- command line


def run_cli(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "naskah", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120, check=False)


def test_cli_init_and_do_with_example_data(tmp_path: Path,
                                           trail_pki: trail_keys.TrailPki) -> None:
    folder = tmp_path / "berkas"
    init = run_cli("trail", "init", str(folder), *cli_init_args(trail_pki, tmp_path))
    assert init.returncode == 0, init.stderr
    done = run_cli("trail", "do", str(folder), "1", "--data",
                   "examples/data/trail/langkah-01.json", *key_args(trail_pki, SESMENKO))
    assert done.returncode == 0, done.stderr


def test_cli_init_do_status(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                            trail_pki: trail_keys.TrailPki) -> None:
    folder = tmp_path / "berkas"
    init = run_cli("trail", "init", str(folder), *cli_init_args(trail_pki, tmp_path))
    assert init.returncode == 0, init.stderr
    assert "started trail 'Pelaksanaan Tata Kelola Data' (14 steps)" in init.stdout
    # times from now on (the example's own times may lie before the trail was started);
    # paths inside the data file are relative to the data file, not to the cwd
    mulai = datetime.now(UTC).astimezone() - timedelta(minutes=20)
    selesai = mulai + timedelta(minutes=10)
    done = run_cli("trail", "do", str(folder), "1", "--data",
                   "examples/data/trail/langkah-01.json", "--mulai", mulai.isoformat(),
                   "--selesai", selesai.isoformat(), *key_args(trail_pki, SESMENKO))
    assert done.returncode == 0, done.stderr
    assert "step 1 performed by Dr. Hendra Wirawan" in done.stdout
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
        "naskah: error: step 3 is out of order: the next step is 2 (Melaksanakan koordinasi"
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
    assert "14 of 14 steps" in out and "complete; final hash" in out

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


def test_cli_demo_twice(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    # the first run makes the PDFs too where LibreOffice is installed
    first = run_cli("demo", str(out), *([] if soffice_available() else ["--no-pdf"]))
    assert first.returncode == 0, first.stderr
    assert "verified: 14 steps intact" in first.stdout
    assert "over the time standard: steps 10, 14" in first.stdout
    assert (out / "dokumen/14-laporan.docx").is_file()
    assert (out / "ledger.json").is_file()
    first_berkas = read_ledger(out)["header"]["berkas"]
    # a second run replaces the previous demo, PDFs included
    second = run_cli("demo", str(out), "--no-pdf")
    assert second.returncode == 0, second.stderr
    assert read_ledger(out)["header"]["berkas"] != first_berkas
    assert len(read_ledger(out)["entries"]) == 14
    assert not (out / "pdf").exists() and not (out / "berkas.pdf").exists()
    result = Trail.open(out).verify()
    assert result.utuh, problems(result)


def test_demo_refuses_a_folder_that_is_not_a_berkas(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "milik-orang"
    (out / "dokumen").mkdir(parents=True)
    (out / "dokumen" / "penting.docx").write_bytes(b"jangan dihapus")
    (out / "catatan.txt").write_text("penting\n", encoding="utf-8")
    snapshot = sorted(str(p.relative_to(out)) for p in out.rglob("*"))
    assert cli(["demo", str(out), "--no-pdf"]) == 2
    assert "is not empty and holds no naskah berkas" in capsys.readouterr().err
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*")) == snapshot
    assert (out / "dokumen" / "penting.docx").read_bytes() == b"jangan dihapus"


def test_demo_into_an_empty_existing_folder(tmp_path: Path) -> None:
    out = tmp_path / "kosong"
    out.mkdir()
    _, result = demo.run(out, mulai=demo.MULAI)
    assert result.utuh and result.langkah == 14


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

