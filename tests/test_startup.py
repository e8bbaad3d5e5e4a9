"""Start-up: what a process imports for one command (checked in ``sys.modules``, not timed).

bench/startup.py measures the time; these tests pin the imports that time comes from,
each in a fresh interpreter.
"""

from __future__ import annotations

import json
import subprocess
import sys

from hypothesis import given
from hypothesis import strategies as st

import naskah.models
from naskah.models import JENIS, JENIS_MODULES, JENIS_NAMES, jenis_class


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
