"""Hostile and clumsy inputs (issue 7, item 6 and the low items): every input read with a
byte cap, only regular files, huge integers, duplicate keys, a BOM, bad output paths.

Attacks that would hang or eat memory without the fix (``/dev/zero``, a FIFO) run in a
subprocess with a timeout, so a regression fails the test instead of hanging the suite.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import naskah
from naskah.cli import main
from naskah.cli import main as cli
from naskah.docx.package import MAX_TEMPLATE_BYTES
from naskah.inputs import MAX_JSON_BYTES, parse_json, read_stdin, read_text
from naskah.trail import Trail
from naskah.trail.data_langkah import DataLangkah
from tests.helpers import EXAMPLES, docx_text, load_example, load_example_data
from tests.trail_keys import TrailPki, cli_init_args
from tests.trail_support import (
    DATA,
    KASUBBAG,
    assert_refused,
    demo_key_args,
    encrypted_pdf,
    files_of,
    read_ledger,
    step_data,
)

REPO = Path(__file__).parent.parent
TRAIL_DATA = EXAMPLES / "trail"
EXIT_OK, EXIT_FAILED, EXIT_INPUT = 0, 1, 2
HUGE = "9" * 5000


def run(*args: str, stdin: Any = subprocess.DEVNULL, cwd: Path = REPO,
        prefix: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*prefix, sys.executable, "-m", "naskah", *args], cwd=cwd,
                          stdin=stdin, capture_output=True, text=True, timeout=60, check=False)


def assert_one_message(proc: subprocess.CompletedProcess[str], code: int, *needles: str) -> None:
    assert proc.returncode == code, (proc.returncode, proc.stderr)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.stderr.startswith("naskah: galat: "), proc.stderr
    for needle in needles:
        assert needle in proc.stderr, (needle, proc.stderr)


def _special(kind: str, tmp_path: Path) -> Path:
    if kind == "dev-zero":
        return Path("/dev/zero")
    if kind == "fifo":
        path = tmp_path / "pipe.json"
        os.mkfifo(path)
        return path
    path = tmp_path / "folder.json"
    path.mkdir()
    return path


SPECIAL = ["dev-zero", "fifo", "folder"]
SPECIAL_MESSAGE = {"dev-zero": "a device", "fifo": "a FIFO", "folder": "a folder"}


# ---------------------------------------------------------------- non-regular files


@pytest.mark.parametrize("kind", SPECIAL)
def test_render_input_must_be_a_regular_file(kind: str, tmp_path: Path) -> None:
    source = _special(kind, tmp_path)
    out = tmp_path / "out.docx"
    proc = run("render", "nota-dinas", str(source), "-o", str(out))
    assert_one_message(proc, EXIT_INPUT, str(source), "not a regular file",
                       SPECIAL_MESSAGE[kind])
    assert not out.exists()


@pytest.mark.parametrize("kind", SPECIAL)
def test_template_must_be_a_regular_file(kind: str, tmp_path: Path) -> None:
    template = _special(kind, tmp_path)
    out = tmp_path / "out.docx"
    proc = run("render", "nota-dinas", str(EXAMPLES / "nota-dinas.json"), "-o", str(out),
               "--template", str(template))
    assert_one_message(proc, EXIT_INPUT, str(template), "not a regular file")
    assert not out.exists()


@pytest.mark.slow
def test_trail_inputs_must_be_regular_files(tmp_path: Path, trail_pki: TrailPki) -> None:
    # --pelaksana, --sop, --data and --dokumen all read through naskah.inputs.read_text.
    folder = tmp_path / "berkas"
    proc = run("trail", "init", str(folder), "--pelaksana", "/dev/zero")
    assert_one_message(proc, EXIT_INPUT, "/dev/zero", "not a regular file")
    assert not folder.exists()
    pipe = tmp_path / "sop.json"
    os.mkfifo(pipe)
    proc = run("trail", "init", str(folder), "--pelaksana", str(TRAIL_DATA / "pelaksana.json"),
               "--sop", str(pipe))
    assert_one_message(proc, EXIT_INPUT, str(pipe), "not a regular file")
    assert not folder.exists()

    assert main(["trail", "init", str(folder), *cli_init_args(trail_pki, tmp_path)]) == EXIT_OK
    before = sorted(p.relative_to(folder) for p in folder.rglob("*"))
    proc = run("trail", "do", str(folder), "1", "--data", "/dev/zero")
    assert_one_message(proc, EXIT_INPUT, "/dev/zero", "not a regular file")
    proc = run("trail", "do", str(folder), "1", "--data",
               str(TRAIL_DATA / "langkah-01.json"), "--dokumen", f"disposisi={pipe}")
    assert_one_message(proc, EXIT_INPUT, str(pipe), "not a regular file")
    assert sorted(p.relative_to(folder) for p in folder.rglob("*")) == before


# ---------------------------------------------------------------- byte caps


def test_json_file_over_the_cap_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "big.json"
    # valid JSON, padded with whitespace past the cap: refused for its size alone
    text = json.dumps(load_example_data("nota-dinas"))
    source.write_text(text + " " * (MAX_JSON_BYTES - len(text) + 1), encoding="utf-8")
    out = tmp_path / "out.docx"
    proc = run("render", "nota-dinas", str(source), "-o", str(out))
    assert_one_message(proc, EXIT_INPUT, str(source), "lebih besar dari 10 MB")
    assert not out.exists()


def test_json_file_at_the_cap_is_read(tmp_path: Path) -> None:
    source = tmp_path / "full.json"
    text = json.dumps(load_example_data("nota-dinas"))
    source.write_text(text + " " * (MAX_JSON_BYTES - len(text)), encoding="utf-8")
    assert source.stat().st_size == MAX_JSON_BYTES
    assert parse_json(read_text(source))["hal"] == load_example_data("nota-dinas")["hal"]


def test_endless_stdin_is_cut_at_the_cap(tmp_path: Path) -> None:
    out = tmp_path / "out.docx"
    with open("/dev/zero", "rb") as zero:
        proc = run("render", "nota-dinas", "-", "-o", str(out), stdin=zero)
    assert_one_message(proc, EXIT_INPUT, "<stdin>", "lebih besar dari 10 MB")
    assert not out.exists()


def test_read_stdin_cap_from_a_stream() -> None:
    assert read_stdin(limit=5, stream=io.BytesIO(b"12345")) == "12345"
    with pytest.raises(naskah.InputError, match="lebih besar dari 5 bytes"):
        read_stdin(limit=5, stream=io.BytesIO(b"123456"))


def test_template_over_the_cap_is_refused(tmp_path: Path) -> None:
    template = tmp_path / "huge.docx"
    with open(template, "wb") as fh:  # sparse: no disk used
        fh.truncate(MAX_TEMPLATE_BYTES + 1)
    out = tmp_path / "out.docx"
    proc = run("render", "nota-dinas", str(EXAMPLES / "nota-dinas.json"), "-o", str(out),
               "--template", str(template))
    assert_one_message(proc, EXIT_INPUT, str(template), "larger than 50 MB")
    assert not out.exists()


# ---------------------------------------------------------------- JSON content


def _render_cli(tmp_path: Path, text: str | bytes, capsys: pytest.CaptureFixture[str],
                jenis: str = "nota-dinas") -> tuple[int, str, Path]:
    source = tmp_path / "input.json"
    if isinstance(text, str):
        source.write_text(text, encoding="utf-8")
    else:
        source.write_bytes(text)
    out = tmp_path / "out.docx"
    code = main(["render", jenis, str(source), "-o", str(out)])
    return code, capsys.readouterr().err, out


def test_huge_integer_in_render_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = json.dumps(load_example_data("nota-dinas"))
    text = data.replace('"hal":', f'"x": {HUGE}, "hal":', 1)
    code, err, out = _render_cli(tmp_path, text, capsys)
    assert code == EXIT_INPUT, err
    assert "5000 digit" in err and "Traceback" not in err
    assert not out.exists()


def test_huge_integer_where_a_number_belongs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = json.dumps(load_example_data("undangan")).replace('"jumlah": 1', f'"jumlah": -{HUGE}')
    assert HUGE in text
    code, err, out = _render_cli(tmp_path, text, capsys, "undangan")
    assert code == EXIT_INPUT, err
    assert "5000 digit" in err
    assert not out.exists()


def test_huge_integer_on_stdin(tmp_path: Path) -> None:
    out = tmp_path / "out.docx"
    text = json.dumps(load_example_data("undangan")).replace("{", f'{{"n": {HUGE},', 1)
    proc = subprocess.run([sys.executable, "-m", "naskah", "render", "undangan", "-", "-o",
                           str(out)], input=text, capture_output=True, text=True, timeout=60,
                          check=False)
    assert_one_message(proc, EXIT_INPUT, "<stdin>", "5000 digit")
    assert not out.exists()


@pytest.mark.slow
def test_huge_integer_in_trail_init_and_data(tmp_path: Path, trail_pki: TrailPki) -> None:
    roster = (TRAIL_DATA / "pelaksana.json").read_text(encoding="utf-8")
    bad_roster = tmp_path / "pelaksana.json"
    bad_roster.write_text(roster.replace("{", f'{{"n": {HUGE},', 1), encoding="utf-8")
    folder = tmp_path / "berkas"
    assert main(["trail", "init", str(folder), "--pelaksana", str(bad_roster)]) == EXIT_INPUT
    assert not folder.exists()

    assert main(["trail", "init", str(folder), *cli_init_args(trail_pki, tmp_path)]) == EXIT_OK
    step = (TRAIL_DATA / "langkah-01.json").read_text(encoding="utf-8")
    data_file = tmp_path / "langkah.json"
    data_file.write_text(step.replace("{", f'{{"n": {HUGE},', 1), encoding="utf-8")
    proc = run("trail", "do", str(folder), "1", "--data", str(data_file))
    assert_one_message(proc, EXIT_INPUT, str(data_file), "5000 digit")
    assert json.loads(run("trail", "status", str(folder), "--json").stdout)["entries"] == []


def test_duplicate_key_is_refused_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = json.dumps(load_example_data("nota-dinas"))
    text = data.replace('"hal":', '"hal": "Yang pertama", "hal":', 1)
    code, err, out = _render_cli(tmp_path, text, capsys)
    assert code == EXIT_INPUT
    assert "'hal' diberikan dua kali" in err
    assert not out.exists()


def test_duplicate_key_in_a_nested_object() -> None:
    with pytest.raises(naskah.InputError, match="'nip' diberikan dua kali") as info:
        parse_json('{"a": [{"nip": "1", "nama": "x", "nip": "2"}]}')
    assert info.value.errors == [("nip", "given twice")]


def test_utf8_bom_is_accepted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = load_example_data("nota-dinas")
    text = json.dumps(data, ensure_ascii=False).encode("utf-8")
    code, err, out = _render_cli(tmp_path, b"\xef\xbb\xbf" + text, capsys)
    assert code == EXIT_OK, err
    assert data["hal"] in docx_text(out)


def test_utf8_bom_on_stdin(tmp_path: Path) -> None:
    data = load_example_data("undangan")
    out = tmp_path / "out.docx"
    proc = subprocess.run([sys.executable, "-m", "naskah", "render", "undangan", "-", "-o",
                           str(out)], input=b"\xef\xbb\xbf" + json.dumps(data).encode(),
                          capture_output=True, timeout=60, check=False)
    assert proc.returncode == EXIT_OK, proc.stderr
    assert naskah.read_metadata(out).naskah["hal"] == data["hal"]


def test_utf8_bom_in_trail_roster(tmp_path: Path, trail_pki: TrailPki) -> None:
    folder = tmp_path / "berkas"
    args = cli_init_args(trail_pki, tmp_path, bom=True)
    assert (tmp_path / "pelaksana-tte.json").read_bytes().startswith(b"\xef\xbb\xbf")
    assert main(["trail", "init", str(folder), *args]) == EXIT_OK
    assert (folder / "ledger.json").is_file()


# ---------------------------------------------------------------- output paths


def test_read_only_output_is_not_replaced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.docx"
    out.write_bytes(b"the signed original")
    out.chmod(0o444)
    source = tmp_path / "input.json"
    source.write_text(json.dumps(load_example_data("nota-dinas")), encoding="utf-8")
    code = main(["render", "nota-dinas", str(source), "-o", str(out)])
    err = capsys.readouterr().err
    assert code == EXIT_INPUT
    assert str(out) in err and "read-only" in err
    assert out.read_bytes() == b"the signed original"
    assert stat.S_IMODE(out.stat().st_mode) == 0o444
    with pytest.raises(naskah.InputError, match="read-only"):
        naskah.save(load_example("nota-dinas"), out)
    assert out.read_bytes() == b"the signed original"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["input.json", "out.docx"]


def test_read_only_output_refused_by_write_atomic(tmp_path: Path) -> None:
    from naskah.fileio import write_atomic

    out = tmp_path / "ledger.json"
    out.write_bytes(b"old")
    out.chmod(0o444)
    with pytest.raises(PermissionError) as info:
        write_atomic(out, b"new")
    assert info.value.filename == str(out)
    assert out.read_bytes() == b"old"


@pytest.mark.parametrize("name", ["out.odt", "out", "out.docx.bak"])
def test_bad_output_extension_is_input_error(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "input.json"
    source.write_text(json.dumps(load_example_data("nota-dinas")), encoding="utf-8")
    assert main(["render", "nota-dinas", str(source), "-o", str(tmp_path / name)]) == EXIT_INPUT
    assert name in capsys.readouterr().err
    with pytest.raises(naskah.InputError):
        naskah.Renderer().save_many([(load_example("nota-dinas"), tmp_path / name)])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["input.json"]


def test_output_path_that_is_a_device_or_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "input.json"
    source.write_text(json.dumps(load_example_data("nota-dinas")), encoding="utf-8")
    folder = tmp_path / "x.docx"
    folder.mkdir()
    assert main(["render", "nota-dinas", str(source), "-o", str(folder)]) == EXIT_INPUT
    assert "is a folder" in capsys.readouterr().err


def test_long_output_name_is_written(tmp_path: Path) -> None:
    # the temporary file's name is derived from the target's; it must still fit in 255 bytes
    out = tmp_path / ("n" * 245 + ".docx")
    naskah.save(load_example("nota-dinas"), out)
    assert naskah.read_metadata(out).jenis == "nota-dinas"


def test_read_only_folder_error_names_the_target() -> None:
    # Root may write into a 0555 folder, so the attack runs as an unprivileged user.
    prefix: tuple[str, ...] = ()
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without setpriv to drop privileges")
        prefix = (setpriv, "--reuid=65534", "--regid=65534", "--clear-groups")
        # The unprivileged user must be able to run naskah from this checkout at all: a
        # clone inside a private (0700) folder is out of its reach, whatever naskah does.
        probe = subprocess.run([*prefix, sys.executable, "-c", "import naskah.cli"],
                               capture_output=True, text=True, check=False)
        if probe.returncode != 0:
            pytest.skip("the unprivileged user cannot run naskah from this checkout "
                        f"(a private folder?): {probe.stderr.strip()[-200:]}")
    base = Path(tempfile.mkdtemp(prefix="naskah-ro-"))
    try:
        base.chmod(0o755)
        source = base / "input.json"
        source.write_text(json.dumps(load_example_data("nota-dinas")), encoding="utf-8")
        source.chmod(0o644)
        locked = base / "locked"
        locked.mkdir()
        locked.chmod(0o555)
        out = locked / "out.docx"
        proc = run("render", "nota-dinas", str(source), "-o", str(out), prefix=prefix)
        assert_one_message(proc, EXIT_FAILED, "out.docx", str(locked), "Permission denied")
        assert ".tmp" not in proc.stderr  # the temporary file means nothing to the user
        assert list(locked.iterdir()) == []
    finally:
        shutil.rmtree(base)


# ----------------------------------------------------- trail attachments: types, confinement, sizes


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
