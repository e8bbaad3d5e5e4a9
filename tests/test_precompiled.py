"""Precompiled shipped templates (naskah/templates/compiled): the same documents, no compiling.

The shipped templates' Jinja code is generated when they are built
(tools/compile_templates.py). Rendering through it must give, part for part, the DOCX
that compiling the template at run time gives; a template file or jinja2 version that
does not match what the code was generated from must be compiled as before.
"""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jinja2
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import naskah
import naskah.docx.templates.compiled as compiled
from naskah.docx.layout import PackageLayout
from naskah.docx.renderer import Renderer, packaged_template
from naskah.docx.template import Template, shared_environment
from tests.helpers import ALL_JENIS, docx_lines, load_example
from tests.test_properties import FIELDS, _base, _set
from tools.compile_templates import generate_all

WHEN = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
COMPILED = Path(compiled.__file__).parent
render_module = __import__("naskah.docx.renderer", fromlist=["Renderer"])


def _parts(blob: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        return {info.filename: z.read(info) for info in z.infolist()}


def _runtime_renderer() -> Renderer:
    """A renderer that compiles the shipped templates at run time (as a user's own)."""
    return Renderer({jenis: packaged_template(jenis) for jenis in ALL_JENIS})


PRECOMPILED, RUNTIME = Renderer(), _runtime_renderer()


@pytest.mark.parametrize("jenis", ALL_JENIS)
def test_every_shipped_template_loads_precompiled(jenis: str) -> None:
    template = PRECOMPILED.template(jenis)
    assert template.precompiled
    assert not RUNTIME.template(jenis).precompiled
    assert template.variables == RUNTIME.template(jenis).variables
    assert template.optional == RUNTIME.template(jenis).optional
    assert list(template._parts) == list(RUNTIME.template(jenis)._parts)


@pytest.mark.parametrize("jenis", ALL_JENIS)
def test_precomputed_layout_is_what_reading_the_package_gives(jenis: str) -> None:
    blob = Path(packaged_template(jenis)).read_bytes()
    found = compiled.find(Path(packaged_template(jenis)).name, blob)
    assert found is not None
    assert found.package(blob) == PackageLayout.read(blob)
    assert PRECOMPILED.template(jenis).package == RUNTIME.template(jenis).package


@pytest.mark.parametrize("jenis", ALL_JENIS)
def test_precompiled_renders_the_example_part_for_part_as_compiled(jenis: str) -> None:
    model = load_example(jenis)
    fast = _parts(PRECOMPILED.render(model, dibuat=WHEN))
    slow = _parts(RUNTIME.render(model, dibuat=WHEN))
    assert list(fast) == list(slow)
    assert [name for name in fast if fast[name] != slow[name]] == []
    assert model.kop.nama[0] in docx_lines(PRECOMPILED.render(model))


HOSTILE = st.one_of(
    st.text(),
    st.sampled_from(["{{ 7*7 }}", "{_{ x }_}", "{% if true %}a{% endif %}", "a & b < c > d",
                     "tab\there", "baris\nbaru", "<w:t>x</w:t>", "]]>", "&amp;", "\u00a0é字🙂",
                     "{{ cycler.__init__.__globals__.os }}", "{%_ x _%}"]),
)


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(field=st.sampled_from(FIELDS), text=HOSTILE)
def test_hostile_text_renders_identically_through_both_paths(
    field: tuple[str, tuple[str | int, ...]], text: str
) -> None:
    jenis, path = field
    try:
        model = naskah.load_naskah(jenis, _set(_base(jenis), path, text))
    except naskah.InputError:
        return  # refused by name before any template runs (tests/test_properties.py)
    fast = _parts(PRECOMPILED.render(model, dibuat=WHEN))
    slow = _parts(RUNTIME.render(model, dibuat=WHEN))
    assert fast == slow


def _edited_copy(jenis: str, folder: Path, old: bytes, new: bytes) -> Path:
    source = Path(packaged_template(jenis))
    target = folder / source.name
    with zipfile.ZipFile(source) as z, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in z.infolist():
            data = z.read(info)
            if info.filename == "word/document.xml":
                assert old in data
                data = data.replace(old, new)
            out.writestr(info, data)
    return target


def test_a_changed_template_file_is_compiled_not_served_stale(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Same name as the shipped file, other content: its sha256 no longer matches.
    edited = _edited_copy("nota-dinas", tmp_path, b"Yth.", b"YTH-DIUBAH")
    template = Template.packaged(edited)
    assert not template.precompiled
    monkeypatch.setattr(render_module, "packaged_template", lambda jenis: edited)
    renderer = Renderer()
    assert not renderer.template("nota-dinas").precompiled
    lines = docx_lines(renderer.render(load_example("nota-dinas")))
    assert any("YTH-DIUBAH" in line for line in lines)
    assert not any("Yth." in line for line in lines)


def test_another_jinja2_version_compiles_and_renders_the_same(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    expected = PRECOMPILED.render(load_example("undangan"), dibuat=WHEN)
    monkeypatch.setattr(jinja2, "__version__", "0.0.0-other")
    renderer = Renderer()
    assert not renderer.template("undangan").precompiled
    assert renderer.render(load_example("undangan"), dibuat=WHEN) == expected


def test_a_manifest_of_another_format_is_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(compiled, "FORMAT", compiled.FORMAT + 1)
    assert not Template.packaged(packaged_template("laporan")).precompiled


def test_precompiled_templates_share_the_strict_sandboxed_environment() -> None:
    env = shared_environment()
    assert isinstance(env, jinja2.sandbox.ImmutableSandboxedEnvironment)
    assert env.autoescape is True and env.undefined is jinja2.StrictUndefined
    for jenis in ALL_JENIS:
        template = PRECOMPILED.template(jenis)
        assert template._env is env
        for part in template._parts.values():
            assert part.environment is env
            assert part.root_render_func.__globals__["environment"] is env
    with pytest.raises(naskah.TemplateError, match="uses variables"):
        PRECOMPILED.template("nota-dinas").render({})


def test_shipped_compiled_modules_equal_what_the_builder_generates() -> None:
    shipped: dict[str, Any] = {
        p.name: p.read_text(encoding="utf-8") for p in COMPILED.glob("*.py")
        if p.name != "__init__.py"
    }
    recorded = {line.split("=", 1)[1].strip().strip("'")
                for name, text in shipped.items() if "__" not in name
                for line in text.splitlines() if line.startswith("JINJA2_VERSION")}
    if recorded != {jinja2.__version__}:
        pytest.skip(f"the compiled templates were generated with jinja2 {sorted(recorded)}, "
                    f"jinja2 {jinja2.__version__} is installed (they are compiled at run time)")
    generated = generate_all()
    assert sorted(generated) == sorted(shipped), "run tools/build_templates.py"
    stale = [name for name in generated if generated[name] != shipped[name]]
    assert stale == [], f"run tools/build_templates.py ({stale})"
