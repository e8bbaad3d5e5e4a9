"""The exception tree: one tree in naskah.errors, drawn in its docstring, importable from
naskah, with public functions raising its errors instead of ValueError/KeyError."""

from __future__ import annotations

import importlib
import pkgutil
import re
import warnings

import pytest

import naskah
import naskah.errors
from naskah.clock import now
from naskah.models.klasifikasi import Klasifikasi
from naskah.models.pengesahan import Paraf, TandaTangan
from naskah.sop import Sop
from naskah.trail.pelaksana import DaftarPelaksana
from tests.helpers import load_example

_LINE = re.compile(r"^    (?P<indent>(?:│   |    )*)(?:├── |└── )?(?P<name>[A-Z][A-Za-z]+)\b")


def _drawn() -> dict[str, str | None]:
    """The tree drawn in naskah.errors' docstring: class name -> drawn parent."""
    doc = naskah.errors.__doc__ or ""
    block = doc.split("::\n\n", 1)[1].split("\n\n", 1)[0]
    parents: dict[str, str | None] = {}
    stack: list[str] = []
    for line in block.splitlines():
        match = _LINE.match(line)
        assert match, f"unreadable tree line: {line!r}"
        depth = len(match["indent"]) // 4 + (0 if line.startswith("    N") else 1)
        del stack[depth:]
        parents[match["name"]] = stack[-1] if stack else None
        stack.append(match["name"])
    return parents


def _tree_classes() -> dict[str, type[BaseException]]:
    return {name: value for name, value in vars(naskah.errors).items()
            if isinstance(value, type) and issubclass(value, BaseException)
            and value.__module__ == "naskah.errors"}


def test_the_drawing_is_the_tree() -> None:
    drawn = _drawn()
    classes = _tree_classes()
    assert set(drawn) == set(classes)
    doc = naskah.errors.__doc__ or ""
    for name, parent in drawn.items():
        naskah_bases = [b.__name__ for b in classes[name].__bases__
                        if b.__module__ == "naskah.errors"]
        assert naskah_bases[:1] == ([parent] if parent else []), name
        # A second base (RegisterConflictError is an InputError too) is named on its line.
        line = next(li for li in doc.splitlines() if re.search(rf"── {name}\b", li)
                    or li.strip() == name)
        for also in naskah_bases[1:]:
            assert f"also an {also}" in line, (name, also)
    assert drawn["NaskahError"] is None
    assert all(issubclass(cls, naskah.NaskahError) for cls in classes.values())


def test_every_exception_is_exported_from_naskah() -> None:
    for name, cls in _tree_classes().items():
        assert name in naskah.__all__, name
        assert getattr(naskah, name) is cls
    for name in ("RegisterError", "SigningError", "DocumentChangedError"):
        assert name in naskah.__all__


def test_every_exception_class_in_naskah_lives_in_the_tree() -> None:
    """No module defines an exception of its own: each is in naskah.errors (a module may
    re-export one under its old home, which is the same class)."""
    own: list[str] = []
    # The service's answers are not errors of the library: a problem raised in a route
    # becomes problem+json there, a refused login the login page; neither reaches a
    # caller of naskah.
    answers = {"naskah.serve.masalah.Masalah", "naskah.serve.halaman.sesi.Ditolak"}
    for info in pkgutil.walk_packages(naskah.__path__, "naskah."):
        if (".migrations" in info.name or ".compiled" in info.name
                or info.name.endswith("__main__") or info.name == "naskah.errors"):
            continue
        with warnings.catch_warnings():  # naskah.render, naskah.berkas: deprecated aliases
            warnings.simplefilter("ignore", DeprecationWarning)
            module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if (isinstance(value, type) and issubclass(value, Exception)
                    and not issubclass(value, Warning) and value.__module__ == info.name
                    and not name.startswith("_")):
                own.append(f"{info.name}.{name}")
    assert [name for name in own if name not in answers] == []


def test_old_homes_still_serve_the_same_classes() -> None:
    from naskah import fileio, sniff
    from naskah.docx import metadata, package
    from naskah.pdf import worker
    from naskah.register import db
    from naskah.trail import signatures
    from naskah.tte import bsre
    from naskah.tte import errors as tte_errors

    e = naskah.errors
    assert (tte_errors.PassphraseError, tte_errors.CertificateError, tte_errors.SigningError,
            tte_errors.UnsupportedOperation, tte_errors.SignerNotRegisteredError) == (
        e.PassphraseError, e.CertificateError, e.SigningError, e.UnsupportedOperation,
        e.SignerNotRegisteredError)
    assert bsre.BsreError is e.BsreError and worker.UnoUnavailable is e.UnoUnavailable
    assert signatures.SignerMissingError is e.SignerMissingError
    assert metadata.DocumentChangedError is e.DocumentChangedError
    assert (fileio.NotARegularFile, fileio.FileTooLarge, package.PackageTooLarge,
            sniff.BadFile) == (e.NotARegularFile, e.FileTooLarge, e.PackageTooLarge, e.BadFile)
    assert db.RegisterError is e.RegisterError
    # InputError stays a ValueError: code that caught ValueError still does.
    assert issubclass(e.BadFile, ValueError) and issubclass(e.PassphraseError, ValueError)


def test_public_functions_raise_naskah_errors() -> None:
    from naskah.models import jenis_class

    with pytest.raises(naskah.InputError, match="unknown jenis 'surat-edaran'") as info:
        jenis_class("surat-edaran")
    assert info.value.errors == [("jenis", "unknown")]

    with pytest.raises(naskah.InputError, match="unknown kode keamanan 'X'"):
        Klasifikasi.from_kode("X")

    sop = Sop.tata_kelola_data()
    with pytest.raises(naskah.InputError, match="no step 99") as info:
        sop.langkah_ke(99)
    assert info.value.errors == [("step", "no such step")]
    with pytest.raises(naskah.InputError, match="no role 'menteri'") as info:
        sop.peran_ke("menteri")
    assert info.value.errors == [("peran", "unknown")]

    roster = DaftarPelaksana.model_validate({"peran": {"staf": [{
        "nama": "Budi Santoso, S.Kom.", "nip": "199001012015031001",
        "jabatan": "Kasubbag Data"}]}})
    assert roster.cari("199001012015031001")[1] == ["staf"]
    with pytest.raises(naskah.InputError, match="'Rina' is not in the berkas's daftar") as info:
        roster.cari("Rina")
    assert info.value.errors == [("oleh", "not in the roster")]


def test_pengesahan_refuses_with_input_error() -> None:
    nodin = load_example("nota-dinas")
    pejabat = nodin.penandatangan.pejabat
    ttd = TandaTangan(pejabat=pejabat, peran="kepala", waktu=now(),
                      content_hash=nodin.content_hash())
    signed = naskah.Pengesahan().with_tanda_tangan(ttd)
    with pytest.raises(naskah.InputError, match="already signed") as info:
        signed.with_paraf(Paraf(pejabat=pejabat, peran="kepala", waktu=now(),
                                konsep_hash=nodin.konsep_hash()))
    assert info.value.errors == [("paraf", "already signed")]
    with pytest.raises(naskah.InputError, match="already signed"):
        signed.with_tanda_tangan(ttd)


def test_deprecated_pelaksana_is_not_star_exported() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        namespace: dict[str, object] = {}
        exec("from naskah import *", namespace)  # the star import itself
    assert "JabatanSementara" in namespace and "Pelaksana" not in namespace
