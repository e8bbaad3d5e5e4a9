"""Shared fixtures and the test markers. The helpers themselves live in ``tests/helpers.py``
(documents), ``tests/trail_support.py`` (trails), ``tests/trail_keys.py`` and
``tests/tte_helpers.py`` (test PKIs).

Markers (registered in pyproject.toml; ``make test-fast`` leaves out all three):

- ``libreoffice``: starts LibreOffice. Set by hand, and on every test that uses the
  ``soffice`` fixture, directly or through another (the demo berkas signs PDFs, so
  every test on a copy of it is one). ``pdf`` is its old name, still accepted.
- ``postgres``: needs the PostgreSQL of ``$NASKAH_TEST_PG``; set on the ``postgresql``
  case of every test using ``db_url``.
- ``slow``: takes seconds without either (concurrency, benchmarks, big batches).

What the suite needs and is missing (LibreOffice, its Python binding, PostgreSQL,
poppler, SoftHSM2) skips a test with the reason, and fails it under ``CI=true``
(:func:`tests.helpers.unavailable`).

Hypothesis runs without its wall-clock deadline (see the ``naskah`` profile below).

Expensive things are made once per session and shared by the xdist workers
(:func:`_shared_folder`): the 14-step demo berkas (``demo_master``) and the demo made
through the command line with its berkas PDF (``demo_cli``). A test that changes one
works on a copy (``berkas``, ``partial``).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from filelock import FileLock
from hypothesis import HealthCheck, settings

import naskah
from naskah import demo
from naskah.errors import PdfError
from naskah.pdf import find_soffice
from naskah.trail import Trail
from naskah.tte.pki import buat_root_ca
from tests import trail_support
from tests.helpers import (
    ALL_JENIS,
    EXAMPLES,
    docx_lines,
    docx_text,
    load_example,
    load_example_data,
    png_bytes,
    unavailable,
)
from tests.trail_keys import PASS_ENV, PASSPHRASE, TrailPki, make_trail_pki
from tests.trail_support import files_of, problems, read_ledger, rewind_register, write_ledger
from tests.tte_helpers import (
    KABAG,
    KARO,
    Pki,
    SoftHsm,
    make_pki,
    make_softhsm_token,
    softhsm_module,
)

__all__ = ["ALL_JENIS", "EXAMPLES", "docx_lines", "docx_text", "png_bytes"]

# The demo's test keys: the published passphrase, for the CLI runs that sign with them.
os.environ.setdefault(demo.PASSPHRASE_ENV, demo.DEMO_PASSPHRASE)

# Property tests check properties, not speed: on a shared 2-core machine, with two xdist
# workers and LibreOffice beside them, a wall-clock deadline (200 ms) or the "input
# generation is slow" health check fail by load alone. The number of examples stays each
# test's own (hypothesis' 100 unless it says otherwise).
settings.register_profile("naskah", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("naskah")


# ---------------------------------------------------------------- markers


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark what a test needs from what it uses, so no marker can be forgotten."""
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        if "soffice" in fixtures or item.get_closest_marker("pdf") is not None:
            item.add_marker(pytest.mark.libreoffice)
        callspec = getattr(item, "callspec", None)
        if callspec is not None and callspec.params.get("db_url") == "postgresql":
            item.add_marker(pytest.mark.postgres)


# ---------------------------------------------------------------- environment


@pytest.fixture(scope="session", autouse=True)
def _own_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """naskah's per-user cache (the LibreOffice profile seed) in a folder of the run's,
    not the home folder of whoever runs the tests; subprocesses inherit it."""
    os.environ["NASKAH_CACHE_DIR"] = str(tmp_path_factory.mktemp("naskah-cache"))


@pytest.fixture(scope="session")
def soffice() -> str:
    """Path of soffice; skip without LibreOffice, but fail under CI=true (PDF tests must run)."""
    try:
        return find_soffice()
    except PdfError as exc:
        unavailable(f"LibreOffice is not installed: {exc}")


@pytest.fixture(scope="session")
def uno(soffice: str) -> str:
    """The Python the warm converter drives LibreOffice with (python3-uno); skip without
    it, but fail under CI=true (the warm converter is what naskah uses there)."""
    from naskah.pdf import warm

    python = warm.uno_python()
    if python is None:
        unavailable("python3-uno is not installed (no /usr/bin/python3)")
    probe = subprocess.run([python, "-c", "import uno"], capture_output=True, text=True,
                           timeout=60, check=False)
    if probe.returncode != 0:
        unavailable(f"python3-uno is not installed ({python} cannot import uno)")
    return python


# ---------------------------------------------------------------- examples and keys


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
def trail_pki(tmp_path_factory: pytest.TempPathFactory) -> TrailPki:
    """A test PKI for the example roster (root + one key per official), once per session;
    its passphrase is in the environment variable ``trail_keys.PASS_ENV`` for CLI runs."""
    os.environ[PASS_ENV] = PASSPHRASE
    return make_trail_pki(tmp_path_factory.mktemp("trail-pki"))


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    """A test CA with PKCS#12 keys for Karo PO and Kabag (tests/tte_helpers.py), once per
    session. Read only: a test that needs another CA makes its own."""
    return make_pki(tmp_path_factory.mktemp("pki"), [KARO, KABAG])


# ---------------------------------------------------------------- the demo berkas


@pytest.fixture(scope="session")
def softhsm(tmp_path_factory: pytest.TempPathFactory) -> SoftHsm:
    """A SoftHSM2 token holding KARO's key and certificate, one per test process.

    SoftHSM reads SOFTHSM2_CONF once, when a process first loads the library, and
    python-pkcs11 keeps it loaded: a second token made later in the same process would
    never be seen, so every PKCS#11 test of a process shares this one.
    """
    module = softhsm_module()
    if module is None or shutil.which("softhsm2-util") is None:
        unavailable("SoftHSM2 is not installed (tools/install-system-deps.sh)")
    base = tmp_path_factory.mktemp("softhsm")
    ca = buat_root_ca()
    os.environ["SOFTHSM2_CONF"] = str(make_softhsm_token(base, module, ca, KARO))
    (base / "ca.pem").write_bytes(ca.cert_pem())
    return SoftHsm(module, base / "ca.pem")


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """One Chromium for the browser tests of a module (closed with the module, so no
    browser and no Playwright event loop outlive them in a worker)."""
    from tests.browser_support import browser

    with browser() as b:
        yield b


def _shared_folder(tmp_path_factory: pytest.TempPathFactory, name: str,
                   build: Callable[[Path], None]) -> Path:
    """``name``, built once per test run by ``build(folder)``: under pytest-xdist the
    first worker to need it builds it (under a lock) and the others use it."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # shared by the workers of this run
    folder, done = base / "shared" / name, base / "shared" / f"{name}.done"
    done.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(base / "shared" / f"{name}.lock")):
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)  # what a failed build left
            build(folder)
            done.write_text("ok", encoding="ascii")
    return folder


@pytest.fixture(scope="session")
def demo_run(soffice: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The 14-step demo trail, run once into an empty folder that already exists: its
    ``folder``, what its verification said (``utuh``, ``langkah``) and whether the folder
    existed empty (``empty_folder_before``)."""
    def build(folder: Path) -> None:
        folder.mkdir(parents=True)
        empty = folder.is_dir() and not any(folder.iterdir())
        _, result = demo.run(folder, mulai=demo.MULAI)
        assert result.utuh, problems(result)
        (folder.parent / f"{folder.name}.json").write_text(json.dumps(
            {"utuh": result.utuh, "langkah": result.langkah, "empty_folder_before": empty}),
            encoding="utf-8")

    folder = _shared_folder(tmp_path_factory, "demo-master", build)
    trail_support._MASTER[:] = [folder]
    result = json.loads((folder.parent / f"{folder.name}.json").read_text(encoding="utf-8"))
    return {"folder": folder, **result}


@pytest.fixture(scope="session")
def demo_master(demo_run: dict[str, Any]) -> Path:
    """The completed demo berkas of the session. Read only: use ``berkas`` or ``partial``
    to change one."""
    folder: Path = demo_run["folder"]
    return folder


@pytest.fixture
def berkas(demo_master: Path, tmp_path: Path) -> Path:
    """A private copy of the completed demo berkas."""
    target = tmp_path / "berkas"
    shutil.copytree(demo_master, target)
    return target


_PARTIALS: dict[int, Path] = {}


@pytest.fixture
def partial(demo_master: Path, tmp_path: Path,
            tmp_path_factory: pytest.TempPathFactory) -> Callable[[int], Path]:
    """partial(k): a private berkas in the state right after step k (0 = just started).

    The demo copy with the ledger cut after entry k and the later steps' files removed:
    the chain only looks backwards, so that is exactly the berkas a trail has right
    after step k. Each state is made (and verified) once per session, then copied.
    """

    def make(k: int) -> Path:
        if k not in _PARTIALS:
            source = tmp_path_factory.mktemp(f"partial-{k}") / "berkas"
            shutil.copytree(demo_master, source)
            data = read_ledger(source)
            data["entries"] = data["entries"][:k]
            write_ledger(source, data)
            for rel in files_of(source):
                if int(rel.split("/")[1][:2]) > k:
                    (source / rel).unlink()
            rewind_register(source, k)
            result = Trail.open(source).verify()
            assert result.utuh and result.langkah == k, problems(result)
            assert result.anchored, result.peringatan
            _PARTIALS[k] = source
        target = tmp_path / f"berkas-{k}"
        shutil.copytree(_PARTIALS[k], target)
        return target

    return make


@pytest.fixture
def trail(berkas: Path) -> Trail:
    return Trail.open(berkas)


@pytest.fixture(scope="session")
def demo_cli(soffice: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """``naskah demo OUT`` run once in a real process, with PDFs and the sealed berkas PDF:
    ``folder``, ``returncode``, ``stdout``, ``stderr``. Read only."""
    def build(folder: Path) -> None:
        proc = subprocess.run([sys.executable, "-m", "naskah", "demo", "-o", str(folder)],
                              capture_output=True, text=True, timeout=600, check=False)
        (folder.parent / f"{folder.name}.json").write_text(json.dumps(
            {"returncode": proc.returncode, "stdout": proc.stdout, "stderr": proc.stderr}),
            encoding="utf-8")

    folder = _shared_folder(tmp_path_factory, "demo-cli", build)
    run = json.loads((folder.parent / f"{folder.name}.json").read_text(encoding="utf-8"))
    return {"folder": folder, **run}

