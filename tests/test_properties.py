"""Property tests: any text in any free-text field is either refused with an error naming
the field, or comes back literally in the rendered DOCX.

The fields are discovered from the examples (the validated example dumped to JSON, so
fields left at their default, such as the undangan's ``pembuka`` or the kop, are covered
too): every string leaf except dates, times, enums, numbers (nomor, NIP, golongan) and the
logo path. For a list only its first item is varied.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import naskah
from tests.helpers import ALL_JENIS, docx_lines, load_example

NOT_FREE_TEXT = {
    "tanggal", "tanggal_surat", "diterima_tanggal", "mulai", "selesai", "zona", "sifat",
    "klasifikasi", "harapan", "nomor", "nip", "golongan", "logo",
    "waktu_panggilan",  # a time like "08:45", printed as "08.45"
}

Path_ = tuple[str | int, ...]

# Fields the packaged templates do not print, by design: the notulen signature blocks are
# labelled "Pencatat," / "Pimpinan Rapat," instead of the officials' jabatan, and the
# sekretaris appears by name only.
NOT_PRINTED_BY_DESIGN = {
    ("notulen", "ketua.jabatan"),
    ("notulen", "sekretaris.jabatan"),
    ("notulen", "pencatat.jabatan"),
}
# The place-and-date line falls back to the kop's city only where a document has one.
USES_KOTA = {"undangan", "notulen", "laporan"}


def dotted(path: Path_) -> str:
    """The path as naskah's errors write it: ``penandatangan.pejabat.nip``, ``isi[0]``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


def _leaves(value: Any, path: Path_ = (), key: str | None = None) -> list[Path_]:
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _leaves(v, (*path, k), k)]
    if isinstance(value, list):
        return _leaves(value[0], (*path, 0), key) if value else []
    if isinstance(value, str) and key not in NOT_FREE_TEXT:
        return [path]
    return []


def _base(jenis: str) -> dict[str, Any]:
    data: dict[str, Any] = load_example(jenis).model_dump(mode="json", exclude_none=True)
    return data


def _set(data: dict[str, Any], path: Path_, value: str) -> dict[str, Any]:
    data = copy.deepcopy(data)
    target: Any = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return data


def _get(data: Any, path: Path_) -> Any:
    for part in path:
        data = data[part]
    return data


FIELDS = [(jenis, path) for jenis in ALL_JENIS for path in _leaves(_base(jenis))]


def _single_line(jenis: str, path: Path_) -> bool:
    try:
        naskah.load_naskah(jenis, _set(_base(jenis), path, "satu\ndua"))
    except naskah.InputError:
        return True
    return False


def _expected(jenis: str, path: Path_, value: str) -> str | None:
    """What must appear in one paragraph of the document for this value; None: not printed."""
    name = dotted(path)
    if (jenis, name) in NOT_PRINTED_BY_DESIGN:
        return None
    if name == "kop.kota" and (jenis not in USES_KOTA or _base(jenis).get("tempat")):
        return None
    if jenis == "laporan" and name == "tentang":
        return value.upper()  # printed in capitals under "LAPORAN TENTANG"
    if path[0] in ("penandatangan", "pemberi") and path[-1] in (
        "jabatan", "atas_nama", "untuk_beliau"
    ):
        return value.rstrip(",")  # a jabatan line gets exactly one trailing comma
    return value


def test_fields_discovered() -> None:
    names = {(jenis, dotted(path)) for jenis, path in FIELDS}
    for expected in [
        ("nota-dinas", "hal"),
        ("nota-dinas", "isi[0]"),
        ("nota-dinas", "penandatangan.pejabat.nama"),
        ("undangan", "rapat.tempat"),
        ("undangan", "pembuka"),
        ("notulen", "peserta[0].jabatan"),
        ("laporan", "pendahuluan.dasar[0]"),
        ("disposisi", "catatan"),
        ("disposisi", "kop.alamat"),
    ]:
        assert expected in names
    assert not any(dotted(path).endswith(("nip", "tanggal", "nomor")) for _, path in FIELDS)
    # every exception listed above names a real field
    for jenis, name in NOT_PRINTED_BY_DESIGN:
        assert (jenis, name) in names


@pytest.mark.parametrize(
    ("jenis", "path"), FIELDS, ids=[f"{jenis}:{dotted(path)}" for jenis, path in FIELDS]
)
def test_any_text_is_refused_by_name_or_printed_literally(jenis: str, path: Path_) -> None:
    base = _base(jenis)
    name = dotted(path)
    single_line = _single_line(jenis, path)

    @settings(
        max_examples=15,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(text=st.text())
    def check(text: str) -> None:
        try:
            model = naskah.load_naskah(jenis, _set(base, path, text))
        except naskah.InputError as exc:
            assert name in str(exc), f"the error does not name {name}: {exc}"
            assert name in [p for p, _ in exc.errors]
            return
        value = _get(model.model_dump(mode="json"), path)
        assert isinstance(value, str)
        assert value == value.strip()
        assert value, "an empty value was accepted"
        if single_line:
            assert "\n" not in value and "\r" not in value
        lines = docx_lines(naskah.render(model))
        expected = _expected(jenis, path, value)
        if expected is not None:
            assert any(expected in line for line in lines), (
                f"{name}={value!r} not found literally in the document"
            )

    check()
