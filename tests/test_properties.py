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
# labelled "Pencatat," / "Ketua," instead of the officials' jabatan, and the sekretaris
# appears by name only; the lampiran titles are listed only when the profile asks
# (daftar_lampiran, off in the default profile).
NOT_PRINTED_BY_DESIGN = {
    ("notulen", "ketua.jabatan"),
    ("notulen", "sekretaris.jabatan"),
    ("notulen", "pencatat.jabatan"),
    ("undangan", "lampiran.daftar[0]"),
    ("nota-dinas", "lampiran.daftar[0]"),
}
# The kop's contacts are printed with no-break spaces and hyphens inside each contact.
KONTAK = {"kop.telepon", "kop.faksimile", "kop.laman", "kop.email"}
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
    if name in KONTAK:
        return value.replace(" ", "\u00a0").replace("-", "\u2011")
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


# ---------------------------------------------------------------- limits and input paths


@pytest.mark.parametrize(
    ("jenis", "path"), FIELDS, ids=[f"{jenis}:{dotted(path)}" for jenis, path in FIELDS]
)
def test_text_at_the_length_limit_is_printed_or_refused_by_name(jenis: str, path: Path_) -> None:
    from naskah.models.base import MAX_BARIS, MAX_BARIS_KOP, MAX_PARAGRAF

    base = _base(jenis)
    name = dotted(path)
    limit = MAX_BARIS if _single_line(jenis, path) else MAX_PARAGRAF
    if name.startswith(("kop.nama", "kop.unit")):
        limit = MAX_BARIS_KOP

    # arbitrary text at the start, padded with one repeated character to the limit ± 2
    # (Hypothesis cannot draw strings of 10,000 characters directly)
    @settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(core=st.text(max_size=20), pad=st.sampled_from(["x", "é", "字", "&", "<", "🙂"]),
           delta=st.integers(-2, 2))
    def check(core: str, pad: str, delta: int) -> None:
        text = core + pad * max(0, limit + delta - len(core))
        try:
            model = naskah.load_naskah(jenis, _set(base, path, text))
        except naskah.InputError as exc:
            assert name in [p for p, _ in exc.errors], exc
            if len(text) <= limit:  # refused for another reason than its length
                assert "at most" not in str(exc), exc
            return
        value = _get(model.model_dump(mode="json"), path)
        assert len(value) <= limit
        expected = _expected(jenis, path, value)
        if expected is not None:
            assert any(expected in line for line in docx_lines(naskah.render(model)))

    check()


JSON_SCALARS = st.one_of(
    st.none(), st.booleans(), st.text(max_size=30),
    st.integers(min_value=-(10**6000), max_value=10**6000),
    st.floats(allow_nan=False, allow_infinity=False),
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                max_size=3),
    max_leaves=8,
)
INPUT_FIELDS = ["hal", "isi", "tembusan", "nomor", "penandatangan", "lampiran", "kepada"]


@settings(max_examples=150, deadline=None)
@given(field=st.sampled_from(INPUT_FIELDS), value=JSON_VALUES, bom=st.booleans(),
       spaces=st.sampled_from(["", " ", "\n"]))
def test_any_json_in_a_file_is_a_document_or_one_input_error(
    field: str, value: Any, bom: bool, spaces: str
) -> None:
    import json
    import os
    import sys
    import tempfile

    from naskah.inputs import parse_json, read_text

    data = _base("nota-dinas")
    data[field] = value
    limit = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)  # so the test can write the huge integers it drew
    try:
        text = json.dumps(data, ensure_ascii=False)
    finally:
        sys.set_int_max_str_digits(limit)
    raw = (b"\xef\xbb\xbf" if bom else b"") + (spaces + text).encode("utf-8", "surrogatepass")
    fd, name = tempfile.mkstemp(suffix=".json")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
        try:
            model = naskah.load_naskah("nota-dinas", parse_json(read_text(name), name), name)
        except naskah.InputError as exc:
            message = str(exc)
            assert message.startswith(name), message
            assert "Traceback" not in message
            return
    finally:
        os.unlink(name)
    assert field in model.model_dump(mode="json") or value is None


@settings(max_examples=60, deadline=None)
@given(key=st.sampled_from(sorted(_base("nota-dinas"))), bom=st.booleans())
def test_a_key_given_twice_is_refused_by_name(key: str, bom: bool) -> None:
    import json

    from naskah.inputs import parse_json

    text = json.dumps(_base("nota-dinas"), ensure_ascii=False)
    twice = text.replace("{", "{" + json.dumps(key) + ": null, ", 1)
    with pytest.raises(naskah.InputError) as info:
        parse_json(("\ufeff" if bom else "") + twice, "doc.json")
    assert info.value.errors == [(key, "given twice")]
