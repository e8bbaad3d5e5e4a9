"""Shared fixtures. The helpers themselves live in ``tests/helpers.py``."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest

import naskah
from naskah.errors import PdfError
from naskah.pdf import find_soffice
from tests.helpers import (
    ALL_JENIS,
    EXAMPLES,
    docx_lines,
    docx_text,
    load_example,
    load_example_data,
    png_bytes,
)
from tests.trail_keys import PASS_ENV, PASSPHRASE, TrailPki, make_trail_pki

__all__ = ["ALL_JENIS", "EXAMPLES", "docx_lines", "docx_text", "png_bytes"]


@pytest.fixture(scope="session", autouse=True)
def _own_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """naskah's per-user cache (the LibreOffice profile seed) in a folder of the run's,
    not the home folder of whoever runs the tests; subprocesses inherit it."""
    os.environ["NASKAH_CACHE_DIR"] = str(tmp_path_factory.mktemp("naskah-cache"))


@pytest.fixture
def example_data() -> Callable[[str], dict[str, Any]]:
    """``example_data(jenis)``: the example JSON of a type as a fresh dict."""
    return load_example_data


@pytest.fixture
def example() -> Callable[[str], naskah.NaskahDinas]:
    """``example(jenis)``: the example document of a type as a validated model."""
    return load_example


@pytest.fixture(scope="session")
def rendered_examples() -> dict[str, bytes]:
    """Every example rendered once with the packaged templates, by jenis."""
    return {jenis: naskah.render(load_example(jenis)) for jenis in ALL_JENIS}


@pytest.fixture(scope="session")
def soffice() -> str:
    """Path of soffice; skip without LibreOffice, but fail under CI=true (PDF tests must run)."""
    try:
        return find_soffice()
    except PdfError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"LibreOffice is required on CI: {exc}")
        pytest.skip(f"LibreOffice not installed: {exc}")


@pytest.fixture(scope="session")
def trail_pki(tmp_path_factory: pytest.TempPathFactory) -> TrailPki:
    """A test PKI for the example roster (root + one key per official), once per session;
    its passphrase is in the environment variable ``trail_keys.PASS_ENV`` for CLI runs."""
    os.environ[PASS_ENV] = PASSPHRASE
    return make_trail_pki(tmp_path_factory.mktemp("trail-pki"))
