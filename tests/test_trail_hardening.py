"""Issue 7, trail side: each test performs an attack or a clumsy mistake on a real berkas.

Every test here fails on naskah 0.1.0 (see the docstrings for what happened then).
"""

# The trail fixtures are imported from test_trail; pytest injects them by name.
# ruff: noqa: F811

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfWriter

import naskah
import naskah.trail.ledger
from naskah import demo
from naskah.cli import main as cli
from naskah.hashing import canonical_json, sha256_bytes
from naskah.trail import JenisMasalah, Trail
from naskah.trail.berkas.build import build_berkas
from naskah.trail.data_langkah import DataLangkah
from naskah.trail.folder import shared_lock
from naskah.trail.ledger import entry_hash, header_hash
from tests.helpers import load_example, png_bytes
from tests.test_trail import (  # noqa: F401 - fixtures
    DATA,
    KABAG,
    KASUBBAG,
    PELAKSANA,
    REPO,
    SESMENKO,
    assert_refused,
    demo_key_args,
    demo_master,
    files_of,
    partial,
    read_ledger,
    resign,
    step_data,
    write_ledger,
)


def rechain(folder: Path, edit: Callable[[dict[str, Any]], None]) -> None:
    """Edit the ledger, recompute every hash and sign it again with the officials' (test)
    keys: a consistent, validly signed trail holding the edit."""
    data = read_ledger(folder)
    edit(data)
    resign(data)
    write_ledger(folder, data)


# ---------------------------------------------------------------- item 2: demo


def test_demo_refuses_to_wipe_a_real_trail(partial: Callable[[int], Path],
                                           capsys: pytest.CaptureFixture[str]) -> None:
    """0.1.0: `naskah demo DIR` deleted any folder holding a ledger.json."""
    folder = partial(3)
    rechain(folder, lambda data: data["header"].pop("demo"))  # a trail someone started
    shutil.rmtree(folder / "pki-uji")  # its officials keep their keys elsewhere
    assert Trail.open(folder).verify().utuh
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    assert cli(["demo", str(folder), "--no-pdf"]) == 2
    assert "did not create" in capsys.readouterr().err
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before


def test_demo_replaces_its_own_berkas(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    demo.run(out, mulai=demo.MULAI)
    assert read_ledger(out)["header"]["demo"] is True
    _, result = demo.run(out, mulai=demo.MULAI)
    assert result.utuh and result.langkah == 14


# ---------------------------------------------------------------- item 3: logo


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


def test_logo_that_is_not_an_image_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "logo.png"
    fake.write_text("<html>not a picture</html>", encoding="utf-8")
    kop = naskah.Instansi.kemenko_polhukam().model_copy(update={"logo": fake})
    model = load_example("nota-dinas").model_copy(update={"kop": kop})
    with pytest.raises(naskah.InputError, match=r"kop\.logo: .*not an image"):
        naskah.render(model)


def test_huge_fake_logo_is_refused_by_its_size(tmp_path: Path) -> None:
    """0.1.0 read a 1 GB 'logo.png' in full before failing. A sparse file costs no disk."""
    big = tmp_path / "logo.png"
    with big.open("wb") as fh:
        fh.write(png_bytes(2, 2))
        fh.truncate(1024 * 1024 * 1024)
    kop = naskah.Instansi.kemenko_polhukam().model_copy(update={"logo": big})
    model = load_example("nota-dinas").model_copy(update={"kop": kop})
    with pytest.raises(naskah.InputError, match=r"kop\.logo: .*larger than 5 MB"):
        naskah.render(model)


# ---------------------------------------------------------------- item 4: attachment types


def encrypted_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.encrypt("rahasia")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


BAD_ATTACHMENTS: dict[str, tuple[str, bytes, str]] = {
    "fake-png": (".png", b"GIF89a but really text", r"its name says PNG but it holds a GIF"),
    "text-as-png": (".png", b"just text", r"it is not an image"),
    "not-a-pdf": (".pdf", b"hello, not a pdf", r"it is not a PDF"),
    "encrypted-pdf": (".pdf", encrypted_pdf(), r"the PDF is encrypted"),
    "truncated-pdf": (".pdf", b"%PDF-1.7\n1 0 obj <<", r"the PDF (cannot be read|has no pages)"),
    "csv-field-over-128k": (".csv", b'a,"' + b"x" * (129 * 1024) + b'"\n',
                            r"the CSV cannot be read"),
    "binary-as-text": (".txt", b"\x00\x01\x02", r"binary data"),
    "fake-docx": (".docx", b"PK\x05\x06" + b"\x00" * 18, r"(not a DOCX|not a readable DOCX)"),
}


@pytest.mark.parametrize("case", sorted(BAD_ATTACHMENTS))
def test_bad_attachment_is_refused_at_trail_do(partial: Callable[[int], Path], tmp_path: Path,
                                               case: str) -> None:
    """0.1.0 accepted these; `naskah berkas` then crashed on them for good."""
    suffix, content, message = BAD_ATTACHMENTS[case]
    source = tmp_path / f"bahan{suffix}"
    source.write_bytes(content)
    data = step_data(8)
    data["lampiran"]["bahan-rapat"] = str(source)
    assert_refused(partial(7), 8, data, message, naskah.InputError)


def test_cli_bad_attachment_exits_2(partial: Callable[[int], Path], tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    folder = partial(7)
    (tmp_path / "bahan.pdf").write_bytes(encrypted_pdf())
    code = cli(["trail", "do", str(folder), "8", "--data", str(DATA / "langkah-08.json"),
                "--lampiran", f"bahan-rapat={tmp_path / 'bahan.pdf'}", *demo_key_args(KASUBBAG)])
    assert code == 2
    assert "encrypted" in capsys.readouterr().err
    assert len(read_ledger(folder)["entries"]) == 7


# ---------------------------------------------------------------- item 5: confinement


def write_step_8(folder: Path, lampiran: str) -> Path:
    data = json.loads((DATA / "langkah-08.json").read_text(encoding="utf-8"))
    data["lampiran"]["bahan-rapat"] = lampiran
    data["dokumen"] = {k: str((DATA / v).resolve()) for k, v in data["dokumen"].items()}
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "langkah-08.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.parametrize("lampiran", ["../rahasia.txt", "../../../../../../etc/passwd",
                                      "/etc/passwd", "tautan.txt"])
def test_data_file_paths_may_not_leave_its_folder(tmp_path: Path, lampiran: str) -> None:
    """0.1.0 copied ../ paths, absolute paths and symlink targets into the berkas and PDF."""
    (tmp_path / "rahasia.txt").write_text("kata sandi", encoding="utf-8")
    staf = tmp_path / "staf"
    path = write_step_8(staf, lampiran)
    (staf / "tautan.txt").symlink_to(tmp_path / "rahasia.txt")
    with pytest.raises(naskah.InputError, match=r"lampiran 'bahan-rapat': .* leads outside "
                       r"the folder"):
        DataLangkah.load(path)


def test_allow_outside_lets_a_data_file_reach_beside_it(partial: Callable[[int], Path],
                                                         tmp_path: Path) -> None:
    (tmp_path / "bahan.txt").write_text("bahan rapat di folder bersama", encoding="utf-8")
    path = write_step_8(tmp_path / "staf", "../bahan.txt")
    folder = partial(7)
    keys = demo_key_args(KASUBBAG)
    assert cli(["trail", "do", str(folder), "8", "--data", str(path), *keys]) == 2
    assert cli(["trail", "do", str(folder), "8", "--data", str(path), "--allow-outside",
                *keys]) == 0
    assert (folder / "lampiran/08-bahan-rapat.txt").read_text(encoding="utf-8") == (
        "bahan rapat di folder bersama")


@pytest.mark.parametrize("special", ["/proc/self/environ", "/dev/zero", "/sys/kernel/uevent_seqnum",
                                     "fifo"])
def test_special_files_are_refused(partial: Callable[[int], Path], tmp_path: Path,
                                   special: str) -> None:
    """0.1.0 copied /proc/self/environ (the process's secrets) into the berkas."""
    if special == "fifo":
        os.mkfifo(tmp_path / "pipa.txt")
        special = str(tmp_path / "pipa.txt")
    data = step_data(8)
    data["lampiran"]["bahan-rapat"] = special
    assert_refused(partial(7), 8, data, r"lampiran 'bahan-rapat': .*(system file|not a regular)",
                   naskah.InputError)


def test_symlink_given_directly_may_not_leave_its_folder(partial: Callable[[int], Path],
                                                         tmp_path: Path) -> None:
    (tmp_path / "staf").mkdir()
    (tmp_path / "staf" / "bahan.txt").symlink_to("/etc/passwd")
    data = step_data(8)
    data["lampiran"]["bahan-rapat"] = str(tmp_path / "staf" / "bahan.txt")
    assert_refused(partial(7), 8, data, r"leads outside the folder", naskah.InputError)


def test_attachment_size_cap(partial: Callable[[int], Path], tmp_path: Path) -> None:
    big = tmp_path / "bahan.txt"
    big.write_bytes(b"baris\n" * 200_000)  # 1.2 MB
    data = step_data(8)
    data["lampiran"]["bahan-rapat"] = str(big)
    folder = partial(7)
    before = files_of(folder)
    with pytest.raises(naskah.InputError, match=r"over the limit of 1 MB"):
        Trail.open(folder, max_lampiran=1024 * 1024).perform(8, **data)
    assert files_of(folder) == before
    Trail.open(folder).perform(8, **data)  # the default cap is 50 MB


# ---------------------------------------------------------------- item 7: dates


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


# ---------------------------------------------------------------- item 8: canonical hashing, lock


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


HOLD_LOCK = """
import sys, time
from pathlib import Path
from naskah.trail.folder import exclusive_lock
with exclusive_lock(Path(sys.argv[1])):
    print("locked", flush=True)
    sys.stdin.readline()
"""


def test_readers_wait_for_a_step_in_progress(partial: Callable[[int], Path]) -> None:
    """0.1.0: verify running during `trail do` read half a step and reported TAMPERED."""
    folder = partial(2)
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(folder)], cwd=REPO,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        with pytest.raises(naskah.TrailLockedError), shared_lock(folder, wait=0.3):
            pass
    finally:
        assert holder.stdin is not None
        holder.stdin.write("\n")
        holder.stdin.close()
        holder.wait(timeout=30)
    with shared_lock(folder, wait=0.3):
        assert Trail.open(folder).verify().utuh  # readers share the lock


# ---------------------------------------------------------------- item 9: leftovers


def test_stale_engine_temp_files_are_cleaned_staff_files_kept(
    partial: Callable[[int], Path]
) -> None:
    folder = partial(2)
    (folder / ".ledger.json.k3j2l1.tmp").write_bytes(b'{"half": ')
    old_temp = folder / "dokumen" / ".03-disposisi-kabag-datin.docx.a1b2c3d4.tmp"  # 0.1.0
    old_temp.write_bytes(b"PK half")
    (folder / "dokumen" / ".~lock.03-catatan.docx#").write_bytes(b"staff editor lock")
    result = Trail.open(folder).verify()
    assert sorted((m.jenis.value, m.file) for m in result.masalah) == [
        ("hidden", "dokumen/.~lock.03-catatan.docx#"), ("leftover", ".ledger.json.k3j2l1.tmp"),
        ("leftover", "dokumen/.03-disposisi-kabag-datin.docx.a1b2c3d4.tmp")]
    Trail.open(folder).perform(3, **step_data(3))
    assert not (folder / ".ledger.json.k3j2l1.tmp").exists() and not old_temp.exists()
    assert (folder / "dokumen" / ".~lock.03-catatan.docx#").read_bytes() == b"staff editor lock"


# ---------------------------------------------------------------- item 10: berkas -o


@pytest.mark.parametrize("name", ["ledger.json", "dokumen/01-disposisi-sesmenko.docx",
                                  "lampiran/baru.pdf", "sop.json"])
def test_berkas_output_may_not_overwrite_the_trail(partial: Callable[[int], Path], name: str,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """0.1.0: `naskah berkas DIR -o DIR/ledger.json` replaced the ledger with a PDF, exit 0."""
    folder = partial(2)
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    assert cli(["berkas", str(folder), "-o", str(folder / name)]) == 2
    assert "lies inside the berkas" in capsys.readouterr().err
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before


def test_berkas_output_through_a_symlinked_folder_is_refused(partial: Callable[[int], Path],
                                                             tmp_path: Path) -> None:
    folder = partial(1)
    (tmp_path / "keluar").symlink_to(folder)
    with pytest.raises(naskah.InputError, match="lies inside the berkas"):
        build_berkas(folder, tmp_path / "keluar" / "ledger.json")


# ---------------------------------------------------------------- low items


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


def test_disposisi_with_the_performers_nip_under_another_name_is_refused(
    partial: Callable[[int], Path]
) -> None:
    data = step_data(1)
    data["dokumen"]["disposisi-sesmenko"]["pemberi"]["nama"] = "Orang Lain, S.H."
    assert_refused(partial(0), 1, data, r"prints the name 'Orang Lain, S\.H\.' with NIP "
                   + SESMENKO)


def test_roster_with_one_nip_under_two_names_is_refused(tmp_path: Path) -> None:
    roster = json.loads(json.dumps(PELAKSANA))
    twin = dict(roster["peran"]["kabag-datin"][0], nama="Nama Kembar, S.T.")
    roster["peran"]["kasubbag-data"].append(twin)
    with pytest.raises(naskah.InputError, match=f"NIP {KABAG} is listed as"):
        Trail.init(tmp_path / "b", roster)
    assert not (tmp_path / "b" / "ledger.json").exists()


def broken_docx() -> bytes:
    """A zip that looks like a DOCX (passes the package check) but LibreOffice cannot load."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.'
                   'openxmlformats.org/package/2006/content-types"><Override PartName="/word/'
                   'document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                   'wordprocessingml.document.main+xml"/></Types>')
        z.writestr("word/document.xml", "<<<not xml")
    return buf.getvalue()


def test_rechained_trail_with_bad_attachments_still_builds_a_berkas(
    partial: Callable[[int], Path], soffice: str, tmp_path: Path
) -> None:
    """A trail holding files 0.1.0 accepted: `naskah berkas` crashed; now a page says why."""
    pytest.importorskip("pypdf")
    folder = partial(8)
    bad = {"lampiran/08-bahan-rapat.txt": ("lampiran/08-bahan-rapat.pdf", encrypted_pdf()),
           "lampiran/01-program-kerja.txt": ("lampiran/01-program-kerja.png", b"not png"),
           "lampiran/03-rencana-kegiatan.txt": (
               "lampiran/03-rencana-kegiatan.csv", b'"' + b"y" * (200 * 1024) + b'"\n'),
           "lampiran/04-kebutuhan-data.csv": ("lampiran/04-kebutuhan-data.docx", broken_docx())}
    for old, (new, content) in bad.items():
        (folder / old).unlink()
        (folder / new).write_bytes(content)

    def edit(data: dict[str, Any]) -> None:
        for entry in data["entries"]:
            for ref in entry.get("masukan", []) + entry.get("keluaran", []):
                if ref.get("file") in bad:
                    new, content = bad[ref["file"]]
                    ref["file"] = new
                    ref["sha256"] = sha256_bytes(content)

    rechain(folder, edit)
    assert Trail.open(folder).verify().utuh, Trail.open(folder).verify().masalah
    result = build_berkas(folder, tmp_path / "berkas.pdf")
    text = subprocess.run(["pdftotext", "-layout", str(result.path), "-"], check=True,
                          capture_output=True, text=True).stdout
    assert text.count("Lampiran tidak dapat ditampilkan") == 4
    assert "encrypted" in text and "not an image" in text and "CSV cannot be read" in text
    assert "LibreOffice cannot convert it" in text
    assert "Nota Dinas" in text or "UNDANGAN" in text.upper()  # the documents are all there


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
    shutil.rmtree(folder / "pki-uji")
    (folder / "trust.pem").unlink()
    result = Trail.open(folder).verify()
    assert {m.jenis for m in result.masalah} == {JenisMasalah.SIGNATURE}, result.masalah
    assert [m.step for m in result.masalah] == [1, 2, 3, None, None]
    assert all("not signed" in m.pesan or "no trust roots" in m.pesan for m in result.masalah)
    with pytest.raises(naskah.TamperError, match="fails verification"):
        Trail.open(folder).perform(4, **step_data(4))
    assert len(read_ledger(folder)["entries"]) == 3


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


def test_logo_read_back_from_a_berkas_may_not_leave_it(tmp_path: Path) -> None:
    """A document in a berkas names its logo relative to the berkas, never outside it."""
    from naskah.trail.sources import aset_resolver

    (tmp_path / "luar.png").write_bytes(png_bytes())
    berkas = tmp_path / "berkas"
    (berkas / "aset").mkdir(parents=True)
    (berkas / "aset" / "logo.png").write_bytes(png_bytes())
    resolve = aset_resolver(berkas)
    assert resolve(Path("aset/logo.png")) == berkas / "aset" / "logo.png"
    for outside in ("../luar.png", str(tmp_path / "luar.png")):
        with pytest.raises(naskah.InputError, match="leads outside the berkas"):
            resolve(Path(outside))
    kop = naskah.Instansi.kemenko_polhukam().model_copy(update={"logo": Path("../luar.png")})
    model = load_example("nota-dinas").model_copy(update={"kop": kop})
    with pytest.raises(naskah.InputError, match=r"kop\.logo.*leads outside the berkas"):
        naskah.render(model, aset=resolve)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53)
    | st.floats(allow_nan=False, allow_infinity=False, width=64) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                 max_size=4),
    max_leaves=20,
)


@given(value=JSON_VALUES, indent=st.sampled_from([None, 1, 2, 4]), ascii_only=st.booleans())
def test_canonical_json_survives_reformatting(value: Any, indent: int | None,
                                              ascii_only: bool) -> None:
    """Any JSON value, rewritten as `jq .` or another indent would, hashes the same."""
    rewritten = json.loads(json.dumps(jq_dot(value), indent=indent, ensure_ascii=ascii_only))
    assert canonical_json(rewritten) == canonical_json(value)


def test_verify_json_lists_problems_by_kind(partial: Callable[[int], Path],
                                            capsys: pytest.CaptureFixture[str]) -> None:
    folder = partial(2)
    (folder / "lampiran" / "01-program-kerja.txt").write_text("diubah", encoding="utf-8")
    assert cli(["trail", "verify", str(folder), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["utuh"] is False and report["langkah"] == 2
    assert [(m["jenis"], m["step"], m["file"]) for m in report["masalah"]] == [
        ("file-changed", 1, "lampiran/01-program-kerja.txt")]


def test_trail_started_in_the_future_is_refused(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(["trail", "init", str(tmp_path / "b"), "--pelaksana",
                str(DATA / "pelaksana.json"), "--mulai", "2099-01-01T08:00+07:00"]) == 2
    assert "lies in the future" in capsys.readouterr().err
    assert not (tmp_path / "b" / "ledger.json").exists()


def test_planted_staging_link_is_not_written_through(partial: Callable[[int], Path],
                                                     tmp_path: Path) -> None:
    folder = partial(2)
    outside = tmp_path / "di-luar"
    outside.mkdir()
    (folder / ".naskah-staging").symlink_to(outside)
    Trail.open(folder).perform(3, **step_data(3))
    assert list(outside.iterdir()) == []
    assert Trail.open(folder).verify().utuh


def test_tracked_folder_replaced_by_a_link_is_refused(partial: Callable[[int], Path],
                                                      tmp_path: Path) -> None:
    folder = partial(2)
    moved = shutil.move(folder / "lampiran", tmp_path / "lampiran-lain")
    (folder / "lampiran").symlink_to(moved)
    assert [(m.jenis, m.file) for m in Trail.open(folder).verify().masalah] == [
        (JenisMasalah.SYMLINK, "lampiran")]
    with pytest.raises(naskah.TrailError, match="is a symbolic link"):
        Trail.open(folder).perform(3, **step_data(3))
    assert sorted(p.name for p in Path(moved).iterdir()) == ["01-program-kerja.txt"]
