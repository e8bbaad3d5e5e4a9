"""Hostile templates and packages (issue 7, items 1 and 6): code-execution payloads,
include/import/extends, zip bombs and malformed XML, on real DOCX files.

Each payload, if it ran, would create a marker file; the tests check the marker was
never created, that the refusal is one clear message without a traceback, and that no
output was written.
"""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pytest

import naskah
from naskah.cli import main
from naskah.docx.package import MAX_UNPACKED_BYTES
from tests.helpers import EXAMPLES, load_example

REPO = Path(__file__).parent.parent
EXIT_OK, EXIT_FAILED, EXIT_INPUT = 0, 1, 2


def _payloads(marker: Path) -> dict[str, str]:
    touch = f"touch {marker}"
    return {
        "cycler": f"{{{{ cycler.__init__.__globals__.os.popen('{touch}').read() }}}}",
        "lipsum": f"{{{{ lipsum.__globals__['os'].popen('{touch}').read() }}}}",
        "mro": (
            "{% for c in ''.__class__.__mro__[1].__subclasses__() %}"
            "{% if c.__name__ == 'Popen' %}"
            f"{{{{ c(['touch', '{marker}']).wait() }}}}"
            "{% endif %}{% endfor %}"
        ),
        # through a variable the document type does provide, past the variable check
        "mro-via-hal": (
            "{% for c in hal.__class__.__mro__[1].__subclasses__() %}"
            "{% if c.__name__ == 'Popen' %}"
            f"{{{{ c(['touch', '{marker}']).wait() }}}}"
            "{% endif %}{% endfor %}"
        ),
        "format-globals": "{{ hal.__init__.__globals__ }}",
        "mutate": "{{ tembusan.append('x') }}{{ tembusan.clear() }}",
    }


def _template(path: Path, *paragraphs: str) -> Path:
    document = docx.Document()
    document.add_paragraph("NOTA DINAS {{ hal }}")
    for text in paragraphs:
        document.add_paragraph(text)
    document.save(str(path))
    return path


PAYLOADS = list(_payloads(Path("/x")))


@pytest.mark.parametrize("name", PAYLOADS)
def test_code_payload_refused_through_api(name: str, tmp_path: Path) -> None:
    marker = tmp_path / "PWNED"
    template = _template(tmp_path / f"{name}.docx", _payloads(marker)[name])
    out = tmp_path / "out.docx"
    renderer = naskah.Renderer({"nota-dinas": template})
    with pytest.raises(naskah.TemplateError) as info:
        renderer.save(load_example("nota-dinas"), out)
    assert str(template) in str(info.value)
    assert not marker.exists(), "the template ran a command"
    assert not out.exists()


@pytest.mark.slow
@pytest.mark.parametrize("name", PAYLOADS)
def test_code_payload_refused_through_cli(name: str, tmp_path: Path) -> None:
    marker = tmp_path / "PWNED"
    template = _template(tmp_path / f"{name}.docx", _payloads(marker)[name])
    out = tmp_path / "out.docx"
    proc = subprocess.run(
        [sys.executable, "-m", "naskah", "render", "nota-dinas",
         str(EXAMPLES / "nota-dinas.json"), "-o", str(out), "--template", str(template)],
        cwd=REPO, capture_output=True, text=True, timeout=60, check=False,
    )
    assert proc.returncode in (EXIT_FAILED, EXIT_INPUT), proc
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith("naskah: galat: template ")
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert proc.stdout == ""
    assert not marker.exists(), "the template ran a command"
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{name}.docx"]


def test_sandbox_keeps_ordinary_templates_working(tmp_path: Path) -> None:
    template = _template(tmp_path / "ok.docx", "{% for t in tembusan %}{{ loop.index }}. "
                         "{{ t.teks }}{% endfor %}", "{{ hal | upper }}")
    data = naskah.Renderer({"nota-dinas": template}).render(load_example("nota-dinas"))
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
    model = load_example("nota-dinas")
    assert model.hal.upper() in text
    assert f"1. {model.tembusan[0]}" in text


@pytest.mark.slow
@pytest.mark.parametrize("tag", [
    "{% include '/etc/passwd' %}",
    "{% import '/etc/passwd' as p %}",
    "{% from '/etc/passwd' import x %}",
    "{% extends '/etc/passwd' %}",
])
def test_other_files_refused(tag: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    template = _template(tmp_path / "t.docx", tag)
    with pytest.raises(naskah.TemplateError, match="include, import and extends are not allowed"):
        naskah.Renderer({"nota-dinas": template}).render(load_example("nota-dinas"))
    out = tmp_path / "out.docx"
    code = main(["render", "nota-dinas", str(EXAMPLES / "nota-dinas.json"), "-o", str(out),
                 "--template", str(template)])
    err = capsys.readouterr().err
    assert code == EXIT_INPUT
    assert "not allowed" in err and "root:" not in err
    assert not out.exists()


# ---------------------------------------------------------------- zip bombs, bad XML


def _bomb(path: Path, base: Path | None = None) -> Path:
    """A DOCX (a real one when ``base`` is given) plus one member of zeros that expands
    past the unpacked cap while the file stays a few hundred KB."""
    members: dict[str, bytes] = {}
    if base is not None:
        with zipfile.ZipFile(base) as z:
            members = {n: z.read(n) for n in z.namelist()}
    else:
        buf = io.BytesIO()
        docx.Document().save(buf)
        with zipfile.ZipFile(buf) as z:
            members = {n: z.read(n) for n in z.namelist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, data in members.items():
            z.writestr(name, data)
        with z.open("word/media/zeros.bin", "w", force_zip64=True) as member:
            chunk = bytes(16 * 1024 * 1024)
            for _ in range(MAX_UNPACKED_BYTES // len(chunk) + 1):
                member.write(chunk)
    return path


@pytest.mark.slow
def test_zip_bomb_template_refused(tmp_path: Path) -> None:
    template = _bomb(tmp_path / "bomb.docx")
    assert template.stat().st_size < 2 * 1024 * 1024
    with pytest.raises(naskah.TemplateError, match="MB"):
        naskah.Renderer({"nota-dinas": template}).render(load_example("nota-dinas"))
    out = tmp_path / "out.docx"
    proc = subprocess.run(
        [sys.executable, "-m", "naskah", "render", "nota-dinas",
         str(EXAMPLES / "nota-dinas.json"), "-o", str(out), "--template", str(template)],
        cwd=REPO, capture_output=True, text=True, timeout=60, check=False,
    )
    assert proc.returncode == EXIT_INPUT
    assert "refused" in proc.stderr and "Traceback" not in proc.stderr
    assert not out.exists()


@pytest.mark.slow
def test_zip_bomb_docx_refused_by_meta(tmp_path: Path) -> None:
    real = tmp_path / "real.docx"
    naskah.save(load_example("nota-dinas"), real)
    bomb = _bomb(tmp_path / "bomb.docx", base=real)
    with pytest.raises(naskah.MetadataError, match="refused"):
        naskah.read_metadata(bomb)
    with pytest.raises(naskah.MetadataError, match="refused"):
        naskah.read_metadata(bomb.read_bytes())
    proc = subprocess.run([sys.executable, "-m", "naskah", "meta", str(bomb)], cwd=REPO,
                          capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == EXIT_INPUT
    assert "refused" in proc.stderr and "Traceback" not in proc.stderr
    assert proc.stdout == ""


def test_template_with_malformed_xml(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = _template(tmp_path / "good.docx", "{{ isi }}")
    bad = tmp_path / "bad.docx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as dst:
        for name in src.namelist():
            data = src.read(name)
            if name == "word/document.xml":
                data = data.replace(b"</w:body>", b"<w:p><w:r></w:body>")
            dst.writestr(name, data)
    with pytest.raises(naskah.TemplateError, match="not a readable DOCX"):
        naskah.Renderer({"nota-dinas": bad}).render(load_example("nota-dinas"))
    out = tmp_path / "out.docx"
    code = main(["render", "nota-dinas", str(EXAMPLES / "nota-dinas.json"), "-o", str(out),
                 "--template", str(bad)])
    err = capsys.readouterr().err
    assert code == EXIT_INPUT
    assert err.startswith("naskah: galat: template ") and "Traceback" not in err
    assert not out.exists()


@pytest.mark.slow
@pytest.mark.parametrize("reader", ["head -1", "true"])
def test_schema_into_closed_pipe_is_quiet(reader: str) -> None:
    # `true` exits before naskah writes, so the write surely meets a closed pipe (the
    # schema, ~15 KB, is larger than Python's 8 KB stdout buffer); `head -1` is the
    # everyday case.
    proc = subprocess.run(f"{sys.executable} -m naskah schema undangan | {reader}; "
                          "exit ${PIPESTATUS[0]}",
                          shell=True, executable="/bin/bash", cwd=REPO, capture_output=True,
                          text=True, timeout=60, check=False)
    assert proc.returncode == EXIT_OK, proc.stderr
    assert proc.stdout == ("{\n" if reader.startswith("head") else "")
    assert proc.stderr == ""
