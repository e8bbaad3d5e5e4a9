"""The ``naskah`` command line: in-process through ``naskah.cli.main`` and once for real
in a subprocess, to see the actual exit status and that no traceback escapes."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import docx
import pytest

import naskah
from naskah.cli import main
from tests.helpers import ALL_JENIS, EXAMPLES, docx_lines, load_example, load_example_data

EXIT_OK, EXIT_FAILED, EXIT_INPUT = 0, 1, 2


def _write(path: Path, data: Any) -> Path:
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def _render(tmp_path: Path, jenis: str, data: Any, *extra: str) -> tuple[int, Path]:
    source = _write(tmp_path / "input.json", data)
    out = tmp_path / "out.docx"
    return main(["render", jenis, str(source), "-o", str(out), *extra]), out


def _assert_failed_cleanly(tmp_path: Path, err: str) -> None:
    assert err.startswith("naskah: galat: "), err
    assert "Traceback" not in err
    outputs = sorted(p.name for p in tmp_path.iterdir() if p.name != "input.json")
    assert outputs == [], f"a failed run left files behind: {outputs}"


# ---------------------------------------------------------------- success


@pytest.mark.parametrize("jenis", ALL_JENIS)
def test_render_each_example(
    jenis: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / f"{jenis}.docx"
    code = main(["render", jenis, str(EXAMPLES / f"{jenis}.json"), "-o", str(out)])
    captured = capsys.readouterr()
    assert code == EXIT_OK, captured.err
    assert captured.out.strip() == str(out)
    assert captured.err == ""
    model = load_example(jenis)
    lines = docx_lines(out)
    assert model.kop.nama[0] in lines
    meta = naskah.read_metadata(out)
    assert meta.jenis == jenis
    assert meta.content_hash == model.content_hash()
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{jenis}.docx"]


def test_render_f4(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _render(tmp_path, "nota-dinas", load_example_data("nota-dinas"), "--kertas", "F4")
    assert code == EXIT_OK
    section = docx.Document(str(out)).sections[0]
    assert section.page_height is not None
    assert round(section.page_height / 36000) == 330


def test_render_from_stdin(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (EXAMPLES / "undangan.json").read_text(encoding="utf-8")
    monkeypatch.setattr("sys.stdin", io.StringIO(text))
    out = tmp_path / "undangan.docx"
    code = main(["render", "undangan", "-", "-o", str(out)])
    assert code == EXIT_OK, capsys.readouterr().err
    hal = load_example("undangan").hal  # type: ignore[attr-defined]
    assert f"Hal\t:\t{hal}" in docx_lines(out)


def test_render_with_custom_template(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    template = tmp_path / "t.docx"
    document = docx.Document()
    document.add_paragraph("Hal: {{ hal }}")
    document.save(str(template))
    source = _write(tmp_path / "in.json", load_example_data("nota-dinas"))
    out = tmp_path / "o.docx"
    code = main(["render", "nota-dinas", str(source), "-o", str(out), "--template", str(template)])
    assert code == EXIT_OK, capsys.readouterr().err
    assert docx_lines(out) == [f"Hal: {load_example('nota-dinas').hal}"]  # type: ignore[attr-defined]


def test_render_overwrites_existing_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "out.docx").write_bytes(b"old")
    code, out = _render(tmp_path, "laporan", load_example_data("laporan"))
    assert code == EXIT_OK
    assert "E.\tPenutup" in docx_lines(out)


@pytest.mark.parametrize("jenis", ALL_JENIS)
def test_schema(jenis: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", jenis]) == EXIT_OK
    schema = json.loads(capsys.readouterr().out)
    assert "properties" in schema
    assert schema == naskah.JENIS[jenis].model_json_schema()


def test_meta(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = naskah.save(load_example("nota-dinas"), tmp_path / "nota.docx")
    assert main(["meta", str(path)]) == EXIT_OK
    meta = json.loads(capsys.readouterr().out)
    assert meta["jenis"] == "nota-dinas"
    assert meta["content_hash"] == load_example("nota-dinas").content_hash()
    assert meta["naskah"] == load_example("nota-dinas").model_dump(mode="json")


def test_meta_of_foreign_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plain = tmp_path / "plain.docx"
    docx.Document().save(str(plain))
    assert main(["meta", str(plain)]) == EXIT_INPUT  # not a naskah document: bad input
    err = capsys.readouterr().err
    assert "no naskah metadata" in err and "Traceback" not in err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert naskah.__version__ in capsys.readouterr().out


# ---------------------------------------------------------------- failures


def test_malformed_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = _render(tmp_path, "nota-dinas", '{\n  "hal": "x",\n  "isi": [,]\n}')
    err = capsys.readouterr().err
    assert code == EXIT_INPUT
    assert "baris 3" in err and "kolom" in err
    _assert_failed_cleanly(tmp_path, err)


def test_empty_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = _render(tmp_path, "nota-dinas", "")
    err = capsys.readouterr().err
    assert code == EXIT_INPUT
    assert "baris 1, kolom 1" in err
    _assert_failed_cleanly(tmp_path, err)


@pytest.mark.parametrize("text", ["[]", "[{}]", '"text"', "42", "null"])
def test_top_level_not_an_object(
    text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _ = _render(tmp_path, "nota-dinas", text)
    err = capsys.readouterr().err
    assert code == EXIT_INPUT
    assert "tingkat teratas harus objek JSON" in err
    _assert_failed_cleanly(tmp_path, err)


def test_missing_field(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = load_example_data("undangan")
    del data["rapat"]["tempat"]
    code, _ = _render(tmp_path, "undangan", data)
    err = capsys.readouterr().err
    assert code == EXIT_INPUT
    assert "rapat.tempat: wajib diisi tetapi tidak ada" in err
    _assert_failed_cleanly(tmp_path, err)


def test_invalid_nip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = load_example_data("nota-dinas")
    data["penandatangan"]["pejabat"]["nip"] = "197005151995031000"
    code, _ = _render(tmp_path, "nota-dinas", data)
    err = capsys.readouterr().err
    assert code == EXIT_INPUT
    assert "penandatangan.pejabat.nip" in err
    assert "sequence number" in err
    _assert_failed_cleanly(tmp_path, err)


def test_control_character(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = load_example_data("laporan")
    data["kegiatan"][1] = "Pendataan \u0007 kebutuhan"
    code, _ = _render(tmp_path, "laporan", data)
    err = capsys.readouterr().err
    assert code == EXIT_INPUT
    assert "kegiatan[1]" in err and "U+0007" in err
    _assert_failed_cleanly(tmp_path, err)


def test_unknown_field(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = load_example_data("nota-dinas")
    data["tembusans"] = []
    code, _ = _render(tmp_path, "nota-dinas", data)
    err = capsys.readouterr().err
    assert code == EXIT_INPUT
    assert "tembusans" in err
    _assert_failed_cleanly(tmp_path, err)


def test_input_file_missing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out.docx"
    code = main(["render", "nota-dinas", str(tmp_path / "nope.json"), "-o", str(out)])
    err = capsys.readouterr().err
    assert code == EXIT_INPUT
    assert "file tidak ada" in err
    assert not out.exists()


def test_input_not_utf8(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "input.json"
    source.write_bytes(b'{"hal": "\xff"}')
    out = tmp_path / "out.docx"
    code = main(["render", "nota-dinas", str(source), "-o", str(out)])
    err = capsys.readouterr().err
    assert code == EXIT_INPUT
    assert "bukan teks UTF-8" in err
    _assert_failed_cleanly(tmp_path, err)


def test_unsupported_output_suffix(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = _write(tmp_path / "input.json", load_example_data("nota-dinas"))
    code = main(["render", "nota-dinas", str(source), "-o", str(tmp_path / "out.odt")])
    err = capsys.readouterr().err
    assert code == EXIT_INPUT  # a bad output name is bad input
    assert "out.odt" in err and ".docx or .pdf" in err
    _assert_failed_cleanly(tmp_path, err)


def test_render_refuses_unknown_template_variable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    template = tmp_path / "t.docx"
    document = docx.Document()
    document.add_paragraph("{{ tidak_ada }}")
    document.save(str(template))
    code, _ = _render(tmp_path, "nota-dinas", load_example_data("nota-dinas"),
                      "--template", str(template))
    err = capsys.readouterr().err
    assert code == EXIT_INPUT  # the template given is bad input
    assert "tidak_ada" in err
    template.unlink()
    _assert_failed_cleanly(tmp_path, err)


@pytest.mark.parametrize(
    "argv",
    [
        ["render", "surat-edaran", "x.json", "-o", "x.docx"],
        ["render", "nota-dinas", "x.json"],
        ["render", "nota-dinas", "x.json", "-o", "x.docx", "--kertas", "Letter"],
        ["schema", "surat"],
        [],
    ],
)
def test_bad_arguments_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == EXIT_INPUT
    assert "usage:" in capsys.readouterr().err


def test_output_folder_missing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = _write(tmp_path / "input.json", load_example_data("nota-dinas"))
    code = main(["render", "nota-dinas", str(source), "-o", str(tmp_path / "no" / "out.docx")])
    err = capsys.readouterr().err
    assert code == EXIT_INPUT
    assert "does not exist" in err
    _assert_failed_cleanly(tmp_path, err)


def test_template_not_a_docx(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    template = tmp_path / "bad.docx"
    template.write_bytes(b"plain text")
    code, _ = _render(tmp_path, "nota-dinas", load_example_data("nota-dinas"),
                      "--template", str(template))
    err = capsys.readouterr().err
    assert code == EXIT_INPUT
    assert "not a readable DOCX" in err


def test_deeply_nested_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = _render(tmp_path, "nota-dinas", "[" * 100_000 + "]" * 100_000)
    err = capsys.readouterr().err
    assert code == EXIT_INPUT
    _assert_failed_cleanly(tmp_path, err)


# ---------------------------------------------------------------- a real process


def _run(*args: str, stdin: str | None = None, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "naskah", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        check=False,
    )


@pytest.mark.slow
def test_subprocess_success_and_failure(tmp_path: Path) -> None:
    text = (EXAMPLES / "nota-dinas.json").read_text(encoding="utf-8")
    ok = _run("render", "nota-dinas", "-", "-o", "nota.docx", stdin=text, cwd=tmp_path)
    assert ok.returncode == EXIT_OK, ok.stderr
    assert ok.stdout.strip() == "nota.docx"
    assert "NOTA DINAS" in docx_lines(tmp_path / "nota.docx")

    data = load_example_data("nota-dinas")
    data["penandatangan"]["pejabat"]["nip"] = "19700515 1995 03 1 001"
    bad = _run("render", "nota-dinas", "-", "-o", "bad.docx", stdin=json.dumps(data),
               cwd=tmp_path)
    assert bad.returncode == EXIT_INPUT
    assert "Traceback" not in bad.stderr
    assert bad.stderr.startswith("naskah: galat: <stdin>:")
    assert "penandatangan.pejabat.nip" in bad.stderr
    assert bad.stdout == ""
    assert not (tmp_path / "bad.docx").exists()

    malformed = _run("render", "nota-dinas", "-", "-o", "bad.docx", stdin="{oops", cwd=tmp_path)
    assert malformed.returncode == EXIT_INPUT
    assert "baris 1, kolom 2" in malformed.stderr
    assert "Traceback" not in malformed.stderr

    meta = _run("meta", "nota.docx", cwd=tmp_path)
    assert meta.returncode == EXIT_OK
    assert json.loads(meta.stdout)["jenis"] == "nota-dinas"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["nota.docx"]
