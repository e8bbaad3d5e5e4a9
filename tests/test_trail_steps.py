"""Performing a trail's steps: the order, the performer, the documents and kelengkapan a
step needs, its times, logos and rosters; every refusal leaves no trace.

Each test works on its own copy of the demo berkas, cut back to the step it needs
(``partial`` in conftest).
"""

from __future__ import annotations

import copy
import json
import shutil
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

import naskah
import naskah.fileio
import naskah.trail
import naskah.trail.folder
import naskah.trail.ledger
from naskah import demo
from naskah.cli import main as cli
from naskah.sop import Sop
from naskah.trail import Trail
from tests.helpers import load_example_data, png_bytes
from tests.trail_support import (
    DATA,
    KABAG,
    KARO_PO,
    KASUBBAG,
    PACKAGED_SOP,
    PELAKSANA,
    SESMENKO,
    assert_refused,
    init_kwargs,
    read_ledger,
    run_steps,
    signed_roster,
    signer_of,
    step_data,
    wib,
)

# ---------------------------------------------------------------- refusals


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


def test_disposisi_with_the_performers_nip_under_another_name_is_refused(
    partial: Callable[[int], Path]
) -> None:
    data = step_data(1)
    data["dokumen"]["disposisi-sesmenko"]["pemberi"]["nama"] = "Orang Lain, S.H."
    assert_refused(partial(0), 1, data, r"prints the name 'Orang Lain, S\.H\.' with NIP "
                   + SESMENKO)


# ---------------------------------------------------------------- SOP variants and rosters


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


def test_roster_with_one_nip_under_two_names_is_refused(tmp_path: Path) -> None:
    roster = json.loads(json.dumps(PELAKSANA))
    twin = dict(roster["peran"]["kabag-datin"][0], nama="Nama Kembar, S.T.")
    roster["peran"]["kasubbag-data"].append(twin)
    with pytest.raises(naskah.InputError, match=f"NIP {KABAG} is listed as"):
        Trail.init(tmp_path / "b", roster)
    assert not (tmp_path / "b" / "ledger.json").exists()


# ---------------------------------------------------------------- times


def test_future_selesai_is_refused(partial: Callable[[int], Path]) -> None:
    """0.1.0 accepted 2099; every later step was then refused, for good."""
    data = step_data(3) | {"selesai": datetime(2099, 1, 1, tzinfo=UTC)}
    assert_refused(partial(2), 3, data, r"selesai 2099-01-01.* lies in the future",
                   naskah.InputError)


def test_first_step_before_the_sop_took_effect_is_refused(partial: Callable[[int], Path]) -> None:
    data = step_data(1) | {"mulai": datetime(1950, 1, 2, 8, tzinfo=UTC),
                           "selesai": datetime(1950, 1, 2, 9, tzinfo=UTC)}
    assert_refused(partial(0), 1, data, r"before the SOP took effect \(2018-05-02\)",
                   naskah.InputError)


def test_self_reported_times_are_marked(partial: Callable[[int], Path],
                                        capsys: pytest.CaptureFixture[str]) -> None:
    folder = partial(2)
    given = datetime.now(UTC) - timedelta(minutes=1)
    entry = Trail.open(folder).perform(3, **(step_data(3) | {"mulai": None, "selesai": given}))
    assert entry.waktu_dilaporkan == ["selesai"]
    assert read_ledger(folder)["entries"][-1]["waktu_dilaporkan"] == ["selesai"]
    assert read_ledger(folder)["entries"][0]["waktu_dilaporkan"] == ["mulai", "selesai"]
    assert cli(["trail", "report", str(folder)]) == 0
    assert "* waktu dilaporkan oleh pelaksana" in capsys.readouterr().out
    assert cli(["trail", "status", str(folder), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert [e["waktu_dilaporkan"] for e in info["entries"]][-1] == ["selesai"]
    assert info["entries"][-1]["dicatat"] >= info["entries"][-1]["selesai"][:19]


# ---------------------------------------------------------------- logos


def test_relative_logo_is_stored_in_the_berkas(partial: Callable[[int], Path], tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """0.1.0: a logo given relative to the cwd broke verify elsewhere; the trail was stuck."""
    folder = partial(0)
    work = tmp_path / "kantor"
    work.mkdir()
    (work / "logo.png").write_bytes(png_bytes(40, 40))
    monkeypatch.chdir(work)
    data = step_data(1)
    kop = naskah.Instansi.kemenko_polhukam().model_dump(mode="json", exclude_none=True)
    data["dokumen"]["disposisi-sesmenko"]["kop"] = kop | {"logo": "logo.png"}
    entry = Trail.open(folder).perform(1, **data)
    assert [(r.jenis.value, r.file) for r in entry.aset] == [
        ("aset", "aset/01-disposisi-sesmenko-logo.png")]
    assert (folder / "aset/01-disposisi-sesmenko-logo.png").read_bytes() == png_bytes(40, 40)
    meta = naskah.read_metadata(folder / "dokumen/01-disposisi-sesmenko.docx")
    assert meta.naskah["kop"]["logo"] == "aset/01-disposisi-sesmenko-logo.png"
    # elsewhere, with the original logo gone and the berkas moved: still intact, still usable
    (work / "logo.png").unlink()
    monkeypatch.chdir(tmp_path)
    moved = shutil.copytree(folder, tmp_path / "dipindah")
    assert Trail.open(moved).verify().utuh, Trail.open(moved).verify().masalah
    Trail.open(moved).perform(2, **step_data(2))
    assert Trail.open(moved).verify().utuh
