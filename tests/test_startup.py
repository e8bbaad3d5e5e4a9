"""Start-up: what a process imports for one command (checked in ``sys.modules``, not timed).

bench/startup.py measures the time; these tests pin the imports that time comes from,
each in a fresh interpreter.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import naskah.models
from naskah.cli import COMMANDS, build_parser, main, parser_for
from naskah.docx.renderer import packaged_template
from naskah.models import JENIS, JENIS_MODULES, JENIS_NAMES, jenis_class
from tests.helpers import EXAMPLES, docx_lines


def _modules_after(code: str) -> set[str]:
    """The modules a fresh interpreter has imported after running ``code``."""
    probe = code + "\nimport sys, json\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True,
                         text=True)
    return set(json.loads(out.stdout.splitlines()[-1]))


def test_registry_names_each_class_by_its_jenis() -> None:
    assert JENIS_NAMES == tuple(JENIS) == ("disposisi", "undangan", "notulen", "nota-dinas",
                                           "laporan")
    for jenis, (module, name) in JENIS_MODULES.items():
        cls = JENIS[jenis]
        assert cls.jenis == jenis
        assert (cls.__module__, cls.__name__) == (module, name)
        assert jenis_class(jenis) is cls
    assert naskah.models.JENIS is JENIS  # built once


def test_jenis_class_imports_only_its_own_type() -> None:
    loaded = _modules_after("from naskah.models import jenis_class; jenis_class('nota-dinas')")
    assert "naskah.models.nota_dinas" in loaded
    others = {"naskah.models.disposisi", "naskah.models.undangan", "naskah.models.notulen",
              "naskah.models.laporan"}
    assert loaded & others == set()


def test_importing_the_models_package_builds_no_model() -> None:
    loaded = _modules_after("import naskah.models; assert naskah.models.JENIS_NAMES")
    assert not any(m.startswith("naskah.models.") for m in loaded)
    assert "pydantic" not in loaded


@given(st.integers(min_value=-(10**18), max_value=10**18))
def test_terbilang_is_num2words_indonesian(n: int) -> None:
    # terbilang loads num2words' Indonesian module alone; it must say what num2words says.
    from num2words import num2words

    from naskah.formatting import terbilang

    assert terbilang(n) == num2words(n, lang="id")


def test_terbilang_does_not_import_every_num2words_language() -> None:
    loaded = _modules_after("from naskah.formatting import terbilang\n"
                            "assert terbilang(21) == 'dua puluh satu'")
    assert "num2words" not in loaded
    assert "num2words.lang_JA" not in loaded


def _render_modules(tmp_path: Path, jenis: str, template: Path | None = None) -> set[str]:
    out = tmp_path / f"{jenis}.docx"
    argv = ["render", jenis, str(EXAMPLES / f"{jenis}.json"), "-o", str(out)]
    if template is not None:
        argv += ["--template", str(template)]
    loaded = _modules_after(f"from naskah.cli import main\nassert main({argv!r}) == 0")
    assert docx_lines(out.read_bytes()), "the command wrote no document"
    return loaded


# Imported only on the paths that need them: PDF, signing, the register, compiling templates
# (naskah.pdf.fonts, the font policy a Renderer is given, is a light module of its own).
NOT_FOR_A_DOCX = ("docx", "docxtpl", "pypdf", "pyhanko", "sqlalchemy", "alembic", "httpx",
                  "cryptography", "jinja2.meta", "subprocess", "getpass", "naskah.pdf.convert",
                  "naskah.pdf.soffice", "naskah.pdf.pipeline", "naskah.pdf.warm",
                  "naskah.pdf.bridge", "naskah.tte", "naskah.register", "naskah.trail")


@pytest.mark.slow
@pytest.mark.parametrize("jenis", ["nota-dinas", "disposisi"])
def test_render_to_docx_imports_only_what_a_docx_needs(tmp_path: Path, jenis: str) -> None:
    loaded = _render_modules(tmp_path, jenis)
    assert f"naskah.docx.templates.compiled.{jenis.replace('-', '_')}" in loaded  # precompiled
    heavy = sorted(m for m in loaded if m.split(".")[0] in NOT_FOR_A_DOCX
                   or any(m == name or m.startswith(name + ".") for name in NOT_FOR_A_DOCX))
    assert heavy == []
    # Spelled-out numbers load num2words' Indonesian module alone, never the package.
    assert "num2words" not in loaded


@pytest.mark.slow
def test_render_with_own_template_compiles_it(tmp_path: Path) -> None:
    # A user's own template is compiled (python-docx and docxtpl patch its XML).
    own = tmp_path / "own.docx"
    own.write_bytes(Path(packaged_template("nota-dinas")).read_bytes())
    loaded = _render_modules(tmp_path, "nota-dinas", own)
    assert {"docx", "docxtpl", "jinja2.meta"} <= loaded
    assert not any(m.startswith("naskah.docx.templates.compiled.") for m in loaded)


def _helps(parser: argparse.ArgumentParser, path: str = "") -> dict[str, str]:
    """The help text of a parser and of every subcommand under it, by command path."""
    out = {path: parser.format_help()}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                out.update(_helps(child, f"{path} {name}".strip()))
    return out


def _commands() -> list[str]:
    return [name for action in build_parser()._actions
            if isinstance(action, argparse._SubParsersAction) for name in action.choices]


def test_the_command_table_lists_every_command_in_help_order() -> None:
    assert list(COMMANDS) == _commands()


@pytest.mark.parametrize("command", _commands())
def test_one_command_parser_is_the_full_parsers_subcommand(command: str) -> None:
    # Running a command builds only its module's parsers; each must be the one
    # `naskah --help` lists.
    siblings = {name for name, module in COMMANDS.items() if module == COMMANDS[command]}
    full = {path: text for path, text in _helps(build_parser()).items()
            if path.split(" ")[0] in siblings}
    alone = _helps(build_parser(command))
    alone = {path: text for path, text in alone.items() if path}
    assert alone == full
    assert parser_for([command])._actions[-1].choices.keys() == siblings


def test_help_and_unknown_commands_get_the_full_parser(
    capsys: pytest.CaptureFixture[str],
) -> None:
    for argv in (["--help"], [], ["rendr"], ["--version"]):
        parser = parser_for(argv)
        assert set(_commands()) <= set(parser._actions[-1].choices)
    with pytest.raises(SystemExit) as exit_info:
        main(["rendr", "x"])
    assert exit_info.value.code == 2
    assert "invalid choice: 'rendr'" in capsys.readouterr().err


def test_program_entry_leaves_collection_on_for_the_command(tmp_path: Path) -> None:
    # run() (the naskah script, python -m naskah) freezes start-up's objects; the
    # collector itself stays on during the command, so a long render-batch or trail
    # still frees its garbage.
    out = tmp_path / "nota.docx"
    argv = ["naskah", "render", "nota-dinas", str(EXAMPLES / "nota-dinas.json"), "-o", str(out)]
    code = (
        "import gc, json, sys\n"
        f"sys.argv = {argv!r}\n"
        "import naskah.cli.dokumen as dokumen\n"
        "real, seen = dokumen.cmd_render, []\n"
        "def spy(args):\n"
        "    seen.append([gc.isenabled(), gc.get_freeze_count()])\n"
        "    return real(args)\n"
        "dokumen.cmd_render = spy\n"
        "from naskah.__main__ import run\n"
        "status = run()\n"
        "print(json.dumps([status, seen, gc.isenabled()]))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                          text=True)
    status, seen, enabled_after = json.loads(done.stdout.splitlines()[-1])
    assert status == 0 and enabled_after is True
    [[enabled, frozen]] = seen
    assert enabled is True
    assert frozen > 10_000  # start-up's objects, out of the collections' way
    assert "NOTA DINAS" in docx_lines(out.read_bytes())
