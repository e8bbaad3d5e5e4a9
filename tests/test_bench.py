"""The benchmarks run and print what they promise (their figures are for people, not tests:
speed is never asserted here)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


def _bench(*args: str) -> dict[str, object]:
    done = subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    report: dict[str, object] = json.loads(done.stdout)
    return report


def test_render_bench_compares_every_type_with_docxtpl() -> None:
    report = _bench("bench/render.py", "--json", "--rounds", "1")
    types = report["types"]
    assert isinstance(types, dict)
    assert sorted(types) == sorted(["disposisi", "undangan", "notulen", "nota-dinas", "laporan"])
    for figures in types.values():
        assert set(figures) >= {"naskah_ms", "docxtpl_ms", "ratio", "docxtpl_fat_ms", "ratio_fat"}
        assert figures["ratio"] == round(figures["naskah_ms"] / figures["docxtpl_ms"], 3)


def test_startup_bench_times_the_floor_and_the_render() -> None:
    report = _bench("bench/startup.py", "--json", "--runs", "1")
    commands = report["commands"]
    assert isinstance(commands, dict)
    assert set(commands) == {"python_pass", "dependency_floor", "import_naskah_cli",
                             "render_one_docx"}
