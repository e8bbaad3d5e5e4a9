"""The berkas the attack tests (issue 16) start from, each made once per test process.

pytest makes one fixture per module that imports a fixture function, so a session
fixture imported by three modules would run three times; the expensive ones here keep
what they made in a process-wide cache instead (a demo run takes 10-20 s of LibreOffice
and signing). The complete demo berkas is conftest's ``demo_master``, shared by the
workers of a run. Tests always work on a copy (``berkas``, ``copy_of``). Every fixture
that runs the demo asks for ``soffice``, so its tests carry the ``libreoffice`` marker.
"""

from __future__ import annotations

import copy
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from naskah import demo
from naskah.sop import Sop
from naskah.trail import penomoran
from naskah.trail.data_langkah import DataLangkah
from naskah.trail.folder import DEMO_PKI
from tests.attack_kit import OUTSIDER, Kunci, demo_ca, issue_key, read_json

SESMENKO = "196703121992031002"
KARO_PO = "197005151995031001"
KABAG = "197808242003122002"
KASUBBAG = "198503172010011003"

_MADE: dict[str, Any] = {}

os.environ.setdefault(demo.PASSPHRASE_ENV, demo.DEMO_PASSPHRASE)


def _once(key: str, make: Callable[[], Any]) -> Any:
    if key not in _MADE:
        _MADE[key] = make()
    return _MADE[key]


def ca_of(folder: Path) -> Path:
    """The root of the demo PKI a berkas was signed with."""
    return folder / DEMO_PKI / "ca.pem"


def init_kwargs(master: Path, oleh: str = SESMENKO) -> dict[str, Any]:
    """Trail.init arguments signing with ``master``'s test PKI."""
    return {"trust": [ca_of(master)], "oleh": oleh, "signer": demo.signer(master, oleh)}


def roster_of(master: Path) -> dict[str, Any]:
    """The example roster bound to ``master``'s certificates."""
    return read_json(master / "pelaksana.json")


def step_kwargs(n: int, *, numbered: bool = True) -> dict[str, Any]:
    """perform() arguments of the example data for step n, as the demo gives them
    (``numbered``: no nomor on a document the register numbers at signing)."""
    data = DataLangkah.load(demo.data_dir() / f"langkah-{n:02d}.json")
    kwargs = copy.deepcopy(data.perform_kwargs())
    if not numbered:
        return kwargs
    sop = Sop.tata_kelola_data()
    kwargs["dokumen"] = {
        kode: ({k: v for k, v in model.items() if k != "nomor"}
               if penomoran.rule_for(sop, kode) is not None else model)
        for kode, model in kwargs["dokumen"].items()}
    return kwargs


def _demo(factory: pytest.TempPathFactory, name: str, sampai: int | None = None) -> Path:
    out = factory.mktemp(name) / "berkas"
    _, result = demo.run(out, sampai=sampai, mulai=demo.MULAI)
    assert result.utuh, [str(m) for m in result.masalah]
    return out


@pytest.fixture(scope="session")
def demo_upto(soffice: str,
              tmp_path_factory: pytest.TempPathFactory) -> Callable[[int], Path]:
    """``demo_upto(k)``: the demo run for real up to step k (its own PKI and register,
    in the state a trail has right after step k: nothing cut, so the register and
    whatever the engine records at each step are genuine)."""

    def make(k: int) -> Path:
        return _once(f"upto-{k}",  # type: ignore[no-any-return]
                     lambda: _demo(tmp_path_factory, f"demo-{k}", k))

    return make


@pytest.fixture
def copy_of(tmp_path: Path) -> Callable[[Path], Path]:
    """``copy_of(folder)``: a private copy of a berkas."""

    def make(source: Path) -> Path:
        target = tmp_path / f"salinan-{source.parent.name}"
        shutil.copytree(source, target)
        return target

    return make


@pytest.fixture(scope="session")
def sealed_master(demo_master: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo berkas with its sealed berkas PDF, as ``naskah demo`` leaves it."""

    def make() -> Path:
        from naskah.trail.berkas.build import build_berkas

        out = tmp_path_factory.mktemp("bersegel") / "berkas"
        shutil.copytree(demo_master, out)
        build_berkas(out, out / "berkas.pdf", pdf_dir=out / "pdf",
                     seal=demo.signer(out, KARO_PO))
        return out

    return _once("sealed", make)  # type: ignore[no-any-return]


@pytest.fixture(scope="session")
def self_made(soffice: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A berkas made from scratch with a PKI of its own named exactly like the real one
    (same root name, officials, NIPs, jabatan): ``naskah demo`` run a second time."""
    return _once("self-made", lambda: _demo(tmp_path_factory, "buatan"))  # type: ignore[no-any-return]


@pytest.fixture(scope="session")
def outsider(demo_master: Path, tmp_path_factory: pytest.TempPathFactory) -> Kunci:
    """A certificate under the demo master's trusted root for someone on no roster."""
    return _once("outsider",  # type: ignore[no-any-return]
                 lambda: issue_key(demo_ca(demo_master), OUTSIDER,
                                   tmp_path_factory.mktemp("luar")))


__all__ = ["KABAG", "KARO_PO", "KASUBBAG", "SESMENKO", "ca_of", "copy_of",
           "demo_upto", "init_kwargs", "outsider", "roster_of",
           "sealed_master", "self_made", "step_kwargs"]
