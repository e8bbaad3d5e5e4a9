"""Verifying a trail: every edit of a file, of the ledger or of the berkas's own files is
found and named at the step it touches; formatting alone is not an edit; odd files,
links and malformed ledgers are reported, never a crash.

Signatures and rewrites made without the officials' keys are in test_trail_signatures.py.
"""

from __future__ import annotations

import copy
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import naskah
import naskah.fileio
import naskah.trail
import naskah.trail.folder
import naskah.trail.ledger
from naskah.cli import main as cli
from naskah.hashing import canonical_json
from naskah.models import jenis_class
from naskah.trail import JenisMasalah, Trail
from naskah.trail.ledger import entry_hash, header_hash
from tests.trail_support import (
    DATA,
    problems,
    read_ledger,
    reanchor,
    step_data,
    write_ledger,
)

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
    unrecorded = [(m.step, m.file) for m in result.masalah
                  if m.jenis is naskah.trail.JenisMasalah.UNRECORDED]
    assert unrecorded == [
        (None, "dokumen/14-laporan.docx"),
        (None, "dokumen/14-laporan.pdf"),
        (None, "dokumen/14-nodin-pengantar.docx"),
        (None, "dokumen/14-nodin-pengantar.pdf"),
    ]
    assert all("not recorded in the ledger" in m.pesan for m in result.masalah
               if m.jenis is naskah.trail.JenisMasalah.UNRECORDED)
    # The register anchors the head (14 steps) and numbered step 14's documents.
    (cut,) = [m for m in result.masalah if m.jenis is naskah.trail.JenisMasalah.TRUNCATED]
    assert cut.step == 14 and "records 14 steps" in cut.pesan and "holds 13" in cut.pesan
    orphans = [m for m in result.masalah if m.jenis is naskah.trail.JenisMasalah.REGISTER]
    assert len(orphans) == 2 and all("step 14" in m.pesan for m in orphans)
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
    ca = berkas / "pki-uji" / "ca.pem"
    assert cli(["trail", "verify", str(berkas), "--trust", str(ca)]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("intact: 14 steps, final hash ")
    first, *rest = out.splitlines()
    assert first.endswith(str(Trail.open(berkas).verify().hash_akhir))
    assert rest == ["  anchored: the register sqlite:///register.db records all 14 steps"]
    assert err == ""
    # Without --trust, the only roots are the berkas's own: said on stderr, every time.
    assert cli(["trail", "verify", str(berkas)]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("intact: 14 steps")
    assert err.startswith("warning: no --trust given: the signatures were checked only "
                          "against the berkas's own trust.pem")


def test_verify_cli_on_folder_without_trail(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(["trail", "verify", str(tmp_path)]) == 1
    assert "holds no trail (ledger.json not found)" in capsys.readouterr().err


# ---------------------------------------------------------------- formatting is not tampering


def jq_dot(value: Any) -> Any:
    """What `jq .` does to values: integral floats lose their '.0'."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e17:
        return int(value)
    if isinstance(value, dict):
        return {k: jq_dot(v) for k, v in value.items()}
    if isinstance(value, list):
        return [jq_dot(v) for v in value]
    return value


def test_reformatted_ledger_still_verifies(partial: Callable[[int], Path]) -> None:
    """0.1.0: `jq . ledger.json` (10.0 -> 10) flagged every entry and blocked the trail."""
    folder = partial(5)
    data = read_ledger(folder)
    assert any(isinstance(e["durasi_menit"], float) and e["durasi_menit"].is_integer()
               for e in data["entries"])
    text = json.dumps(jq_dot(data), indent=4, ensure_ascii=True) + "\n"
    (folder / "ledger.json").write_text(text, encoding="utf-8")
    sop = json.loads((folder / "sop.json").read_text(encoding="utf-8"))
    (folder / "sop.json").write_text(json.dumps(sop, indent=2), encoding="utf-8")
    assert Trail.open(folder).verify().utuh, Trail.open(folder).verify().masalah
    Trail.open(folder).perform(6, **step_data(6))
    assert Trail.open(folder).verify().utuh


def test_changed_value_is_still_tampering(partial: Callable[[int], Path]) -> None:
    folder = partial(3)
    data = read_ledger(folder)
    data["entries"][1]["durasi_menit"] += 1
    write_ledger(folder, data)
    result = Trail.open(folder).verify()
    assert [(m.jenis, m.step) for m in result.masalah] == [(JenisMasalah.ENTRY_EDITED, 2),
                                                           (JenisMasalah.SIGNATURE, 2)]


def test_canonical_json_ignores_formatting_only() -> None:
    assert canonical_json({"b": 10.0, "a": [1.5, "é"]}) == canonical_json({"a": [1.5, "é"],
                                                                             "b": 10})
    assert canonical_json({"a": 10.5}) != canonical_json({"a": 10})


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53)
    | st.floats(allow_nan=False, allow_infinity=False, width=64) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                 max_size=4),
    max_leaves=20,
)


@pytest.mark.slow
@given(value=JSON_VALUES, indent=st.sampled_from([None, 1, 2, 4]), ascii_only=st.booleans())
def test_canonical_json_survives_reformatting(value: Any, indent: int | None,
                                              ascii_only: bool) -> None:
    """Any JSON value, rewritten as `jq .` or another indent would, hashes the same."""
    rewritten = json.loads(json.dumps(jq_dot(value), indent=indent, ensure_ascii=ascii_only))
    assert canonical_json(rewritten) == canonical_json(value)


# ---------------------------------------------------------------- odd files and malformed ledgers


def test_huge_integer_in_the_ledger_is_a_clear_verify_failure(
    partial: Callable[[int], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    folder = partial(2)
    text = (folder / "ledger.json").read_text(encoding="utf-8")
    (folder / "ledger.json").write_text(text.replace('"step": 2', '"step": ' + "9" * 5000, 1),
                                        encoding="utf-8")
    assert cli(["trail", "verify", str(folder)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("TAMPERED: ledger.json: ledger.json is not valid JSON")
    assert "Traceback" not in err and len(err) < 2000


def test_deep_nesting_in_the_ledger_is_a_clear_verify_failure(
    partial: Callable[[int], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    folder = partial(2)
    data = read_ledger(folder)
    data["entries"][1]["catatan"] = "X"
    text = json.dumps(data).replace('"X"', "[" * 100_000 + "]" * 100_000)
    (folder / "ledger.json").write_text(text, encoding="utf-8")
    assert cli(["trail", "verify", str(folder)]) == 1
    assert capsys.readouterr().err.startswith("TAMPERED: ledger.json: ledger.json is ")
    assert cli(["trail", "do", str(folder), "3", "--data", str(DATA / "langkah-03.json")]) == 1


def test_document_replaced_by_a_symlink_is_reported(partial: Callable[[int], Path],
                                                    tmp_path: Path) -> None:
    """0.1.0 followed the link: an identical copy elsewhere read as intact."""
    folder = partial(2)
    doc = folder / "dokumen" / "02-disposisi-karo-po.docx"
    elsewhere = shutil.copy(doc, tmp_path / "salinan.docx")
    doc.unlink()
    doc.symlink_to(elsewhere)
    result = Trail.open(folder).verify()
    assert [(m.jenis, m.step, m.file) for m in result.masalah] == [
        (JenisMasalah.SYMLINK, 2, "dokumen/02-disposisi-karo-po.docx")]


def test_extra_and_hidden_files_are_reported(partial: Callable[[int], Path]) -> None:
    folder = partial(2)
    (folder / "lampiran" / ".tersembunyi.txt").write_text("x", encoding="utf-8")
    (folder / "catatan-liar.txt").write_text("x", encoding="utf-8")
    result = Trail.open(folder).verify()
    assert sorted((m.jenis.value, m.file) for m in result.masalah) == [
        ("hidden", "lampiran/.tersembunyi.txt"), ("unrecorded", "catatan-liar.txt")]


def test_ledger_of_naskah_0_1_keeps_its_hashes_but_is_unsigned(
        partial: Callable[[int], Path]) -> None:
    """A naskah-ledger/1 ledger was hashed over Python's JSON text; its chain still checks
    in that form. It carries no signatures, so nothing proves who performed its steps:
    verify says so (a 'signature' problem per step, nothing else) and it is not extended."""
    folder = partial(3)
    data = read_ledger(folder)
    data["format"] = "naskah-ledger/1"
    for key in ("demo", "oleh", "ttd", "trust_sha256"):
        del data["header"][key]
    previous = header_hash(data["header"], "naskah-ledger/1")
    for entry in data["entries"]:
        del entry["waktu_dilaporkan"]
        del entry["ttd"]
        entry["prev_hash"] = previous
        entry["hash"] = previous = entry_hash(entry, "naskah-ledger/1")
    write_ledger(folder, data)
    reanchor(folder)  # (0.1.0 kept no head in a register)
    shutil.rmtree(folder / "pki-uji")
    (folder / "trust.pem").unlink()
    result = Trail.open(folder).verify()
    assert {m.jenis for m in result.masalah} == {JenisMasalah.SIGNATURE}, result.masalah
    assert [m.step for m in result.masalah] == [1, 2, 3, None, None]
    assert all("not signed" in m.pesan or "no trust roots" in m.pesan for m in result.masalah)
    with pytest.raises(naskah.TamperError, match="fails verification"):
        Trail.open(folder).perform(4, **step_data(4))
    assert len(read_ledger(folder)["entries"]) == 3


def test_verify_json_lists_problems_by_kind(partial: Callable[[int], Path],
                                            capsys: pytest.CaptureFixture[str]) -> None:
    folder = partial(2)
    (folder / "lampiran" / "01-program-kerja.txt").write_text("diubah", encoding="utf-8")
    assert cli(["trail", "verify", str(folder), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["utuh"] is False and report["langkah"] == 2
    assert [(m["jenis"], m["step"], m["file"]) for m in report["masalah"]] == [
        ("file-changed", 1, "lampiran/01-program-kerja.txt")]
