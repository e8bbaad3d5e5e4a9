"""The console's saved konsep over HTTP against a real uvicorn on 127.0.0.1: a konsep
saved from the Buat naskah form, listed, opened again with the same values, updated
(its version counts up), a stale save refused without overwriting, deleted after a
confirmation; CSRF refused on every new POST; who sees what; a konsep's DOCX equal to
the same document made from JSON; hal text stored and shown escaped (hypothesis). The
library's own rules (size cap, concurrent writers) in-process on SQLite."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape

import naskah
from naskah.errors import InputError, RegisterConflictError
from naskah.serve import akun, konsep
from naskah.serve.layanan import open_database
from tests.helpers import docx_text, load_example, load_example_data
from tests.serve_support import Server, db_for, running
from tests.test_halaman_agenda import csrf, masuk, text_of
from tests.test_halaman_konsol import PASSWORD
from tests.test_halaman_naskah import _parse as _parse_form

pytestmark = pytest.mark.serve
_LOKASI = re.compile(r"^/konsol/konsep/(\d+)\?pesan=disimpan$")


@pytest.fixture(scope="module")
def srv(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("konsep")
    db = f"sqlite:///{tmp / 'naskah.db'}"
    with running(tmp / "data", db) as server:
        engine = open_database(db)
        try:
            for nama, peran in (("operator1", "operator"), ("operator2", "operator"),
                                ("admin1", "admin")):
                akun.tambah(engine, nama, peran, password=PASSWORD)
            akun.tambah(engine, "karo", "pejabat", nip="196803121990031002",
                        password=PASSWORD)
        finally:
            engine.dispose()
        yield server


@pytest.fixture(scope="module")
def op1(srv: Server) -> Iterator[httpx.Client]:
    with masuk(srv.url, "operator1") as client:
        yield client


@pytest.fixture(scope="module")
def op2(srv: Server) -> Iterator[httpx.Client]:
    with masuk(srv.url, "operator2") as client:
        yield client


class _Parsed:
    def __init__(self, fields: dict[str, str]) -> None:
        self.fields = fields


def _parse(html: str) -> _Parsed:
    """The form's fields as a browser sends them, with the konsep's hidden id/version."""
    fields = _parse_form(html).fields
    for name in ("konsep_id", "versi"):
        found = re.search(rf'<input type="hidden" name="{name}" value="(\d+)">', html)
        if found:
            fields[name] = found.group(1)
    return _Parsed(fields)


def _fields(client: httpx.Client, url: str) -> dict[str, str]:
    page = client.get(url)
    assert page.status_code == 200, page.text[-2000:]
    return _parse(page.text).fields


def _simpan(client: httpx.Client, fields: dict[str, str], jenis: str = "nota-dinas",
            **changes: str) -> httpx.Response:
    return client.post(f"/konsol/naskah/{jenis}",
                       data={**fields, **changes, "aksi": "simpan"})


def _saved_id(r: httpx.Response) -> int:
    assert r.status_code == 303, r.text[-3000:]
    found = _LOKASI.match(r.headers["location"])
    assert found, r.headers["location"]
    return int(found.group(1))


def _ambil(srv: Server, id: int) -> konsep.Konsep:
    engine = open_database(srv.db)
    try:
        return konsep.ambil(engine, id)
    finally:
        engine.dispose()


def _values(fields: dict[str, str]) -> dict[str, str]:
    """The document's answers (not the CSRF token, the konsep's id and version)."""
    return {k: v for k, v in fields.items() if k.startswith("f.")}


def test_save_list_open_update_and_stale_save(srv: Server, op1: httpx.Client,
                                              op2: httpx.Client) -> None:
    form = _fields(op1, "/konsol/naskah/nota-dinas?contoh=1")
    id = _saved_id(_simpan(op1, form))
    stored = _ambil(srv, id)
    # the stored JSON is the document the form makes (what "Unduh data (JSON)" gives)
    as_json = op1.post("/konsol/naskah/nota-dinas", data={**form, "aksi": "json"}).json()
    assert stored.data == as_json and stored.versi == 1 and stored.pembuat == "operator1"
    page = op1.get(f"/konsol/konsep/{id}?pesan=disimpan")
    assert "Konsep disimpan (versi 1)." in page.text
    opened = _parse(page.text).fields
    assert _values(opened) == _values(form)  # the form is filled with the same values
    assert opened["konsep_id"] == str(id) and opened["versi"] == "1"

    listing = op1.get("/konsol/konsep")
    row = re.search(rf'<tr id="konsep-{id}">(.*?)</tr>', listing.text, re.S)
    assert row, listing.text
    cells = text_of(row.group(1))
    assert "Nota Dinas" in cells and as_json["hal"] in cells and "operator1" in cells
    assert f'href="/konsol/konsep/{id}"' in row.group(1)

    # saving the opened form again updates the same konsep
    r = _simpan(op1, opened, **{"f.hal": "Hal yang diperbarui"})
    assert _saved_id(r) == id
    now = _ambil(srv, id)
    assert now.versi == 2 and now.data["hal"] == "Hal yang diperbarui"

    # the form still at version 1: refused, nothing overwritten
    r = _simpan(op1, opened, **{"f.hal": "Hal basi"})
    assert r.status_code == 409
    assert "sudah diubah oleh operator1" in r.text and "tidak ada yang ditimpa" in r.text
    assert _values(_parse(r.text).fields)["f.hal"] == "Hal basi"  # the typing is kept
    assert _ambil(srv, id).data["hal"] == "Hal yang diperbarui" and _ambil(srv, id).versi == 2

    # a colleague opens version 2 and saves; operator1's version-2 form then loses
    mine = _parse(op1.get(f"/konsol/konsep/{id}").text).fields
    theirs = _fields(op2, f"/konsol/konsep/{id}")
    assert _saved_id(_simpan(op2, theirs, **{"f.hal": "Hal dari operator2"})) == id
    r = _simpan(op1, mine, **{"f.hal": "Hal dari operator1"})
    assert r.status_code == 409 and "sudah diubah oleh operator2" in r.text
    assert f'href="/konsol/konsep/{id}"' in r.text  # a way to the newest version
    after = _ambil(srv, id)
    assert (after.versi, after.data["hal"], after.pengubah, after.pembuat) == (
        3, "Hal dari operator2", "operator2", "operator1")


def test_rows_and_checks_keep_the_konsep(srv: Server, op1: httpx.Client) -> None:
    """Adding a row or checking the form keeps which konsep (and version) it is."""
    form = _fields(op1, "/konsol/naskah/nota-dinas?contoh=1")
    id = _saved_id(_simpan(op1, form))
    opened = _fields(op1, f"/konsol/konsep/{id}")
    r = op1.post("/konsol/naskah/nota-dinas", data={**opened, "aksi": "tambah:isi"})
    grown = _parse(r.text).fields
    assert grown["konsep_id"] == str(id) and grown["versi"] == "1"
    last = max(int(k.rsplit(".", 1)[1]) for k in grown if re.fullmatch(r"f\.isi\.\d+", k))
    assert _saved_id(_simpan(op1, grown, **{f"f.isi.{last}": "Paragraf tambahan."})) == id
    now = _ambil(srv, id)
    assert now.versi == 2 and now.data["isi"][-1] == "Paragraf tambahan."


def test_invalid_document_is_not_saved(srv: Server, op1: httpx.Client) -> None:
    before = len(_daftar(srv))
    form = _fields(op1, "/konsol/naskah/nota-dinas?contoh=1")
    r = _simpan(op1, form, **{"f.penandatangan.pejabat.nip": "197013451995031001"})
    assert r.status_code == 422 and "Data naskah belum sah" in r.text
    assert len(_daftar(srv)) == before


def _daftar(srv: Server) -> list[konsep.Ringkasan]:
    engine = open_database(srv.db)
    try:
        return konsep.daftar(engine)
    finally:
        engine.dispose()


def test_delete_after_confirmation_and_csrf_on_every_post(srv: Server,
                                                           op1: httpx.Client) -> None:
    form = _fields(op1, "/konsol/naskah/nota-dinas?contoh=1")
    before = len(_daftar(srv))
    # saving without the session's token: refused, nothing stored
    for bad in ("", "x" * 43):
        assert _simpan(op1, {**form, "csrf": bad}).status_code == 403
    assert len(_daftar(srv)) == before
    id = _saved_id(_simpan(op1, form))
    opened = _fields(op1, f"/konsol/konsep/{id}")
    assert _simpan(op1, {**opened, "csrf": "x" * 43}, **{"f.hal": "Tanpa token"}
                   ).status_code == 403
    assert _ambil(srv, id).versi == 1

    ask = op1.get(f"/konsol/konsep/{id}/hapus")
    assert ask.status_code == 200 and "Hapus konsep?" in ask.text
    confirm = _parse(ask.text).fields
    assert confirm["versi"] == "1"
    for bad in ("", "x" * 43):
        r = op1.post(f"/konsol/konsep/{id}/hapus", data={"csrf": bad, "versi": "1"})
        assert r.status_code == 403
    # an old version: not deleted, the page says why
    r = op1.post(f"/konsol/konsep/{id}/hapus", data={"csrf": csrf(ask.text), "versi": "7"})
    assert r.status_code == 409 and "belum dihapus" in r.text
    assert _ambil(srv, id).versi == 1
    r = op1.post(f"/konsol/konsep/{id}/hapus", data={"csrf": csrf(ask.text), "versi": "1"})
    assert r.status_code == 303 and r.headers["location"] == "/konsol/konsep?pesan=dihapus"
    listing = op1.get(r.headers["location"])
    assert "Konsep dihapus." in listing.text and f'id="konsep-{id}"' not in listing.text
    assert op1.get(f"/konsol/konsep/{id}").status_code == 404
    with pytest.raises(InputError):
        _ambil(srv, id)
    # the form of the deleted konsep, saved: says so, and nothing comes back
    r = _simpan(op1, opened)
    assert r.status_code == 409 and "sudah dihapus" in r.text
    assert all(k.id != id for k in _daftar(srv))


def test_who_sees_the_konsep(srv: Server, op1: httpx.Client, op2: httpx.Client) -> None:
    """Rule: the secretariat's shared desk. Every operator and admin sees every konsep; a
    pejabat (no Buat naskah) sees none and can change none; no login, nothing."""
    id = _saved_id(_simpan(op1, _fields(op1, "/konsol/naskah/nota-dinas?contoh=1")))
    assert f'id="konsep-{id}"' in op2.get("/konsol/konsep").text
    with masuk(srv.url, "admin1") as admin:
        assert f'id="konsep-{id}"' in admin.get("/konsol/konsep").text
        assert admin.get(f"/konsol/konsep/{id}").status_code == 200
    with masuk(srv.url, "karo") as pejabat:
        home = pejabat.get("/konsol")
        assert 'href="/konsol/konsep"' not in home.text
        for url in ("/konsol/konsep", f"/konsol/konsep/{id}", f"/konsol/konsep/{id}/hapus"):
            r = pejabat.get(url)
            assert r.status_code == 303 and r.headers["location"] == "/konsol/masuk", url
        r = pejabat.post(f"/konsol/konsep/{id}/hapus", data={"csrf": csrf(home.text),
                                                             "versi": "1"})
        assert r.status_code == 303 and r.headers["location"] == "/konsol/masuk"
    with httpx.Client(base_url=srv.url) as anonymous:
        assert anonymous.get("/konsol/konsep").headers["location"] == "/konsol/masuk"
    assert _ambil(srv, id).versi == 1
    assert 'href="/konsol/konsep"' in op1.get("/konsol").text  # the nav entry


@pytest.mark.parametrize("jenis", ["nota-dinas", "undangan"])
def test_docx_of_a_konsep_equals_json(srv: Server, op1: httpx.Client, jenis: str) -> None:
    id = _saved_id(_simpan(op1, _fields(op1, f"/konsol/naskah/{jenis}?contoh=1"), jenis))
    opened = _fields(op1, f"/konsol/konsep/{id}")
    r = op1.post(f"/konsol/naskah/{jenis}", data={**opened, "aksi": "docx"})
    assert r.status_code == 200, r.text[-2000:]
    assert docx_text(r.content) == docx_text(naskah.render(load_example(jenis)))
    data = load_example_data(jenis)
    for path in ("logo", "lambang"):  # server paths are not on the form
        data.get("kop", {}).pop(path, None)
    assert _ambil(srv, id).data == data


_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1,
                max_size=60).map(str.strip).filter(bool)


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(hal=_TEXT)
def test_hal_text_stored_and_shown_escaped(srv: Server, op1: httpx.Client, hal: str) -> None:
    form = _fields(op1, "/konsol/naskah/nota-dinas?contoh=1")
    r = _simpan(op1, form, **{"f.hal": hal})
    if r.status_code == 422:  # the model refuses it (its message is on the form)
        assert "Data naskah belum sah" in r.text
        return
    id = _saved_id(r)
    stored = _ambil(srv, id)
    assert stored.data["hal"] == hal
    assert _parse(op1.get(f"/konsol/konsep/{id}").text).fields["f.hal"] == hal
    listing = op1.get("/konsol/konsep").text
    row = re.search(rf'<tr id="konsep-{id}">(.*?)</tr>', listing, re.S)
    assert row and f"<td>{escape(stored.hal)}</td>" in row.group(1)
    if "<" in hal:
        assert hal not in listing


# The library, in-process, on SQLite and on the PostgreSQL of $NASKAH_TEST_PG.

@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    engine = open_database(db_for(request.param, tmp_path))  # migrated on opening
    yield engine
    engine.dispose()


def test_size_capped(engine: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    data = load_example_data("nota-dinas")
    data.get("kop", {}).pop("logo", None)
    data.get("kop", {}).pop("lambang", None)
    import json

    size = len(json.dumps(data, ensure_ascii=False))
    monkeypatch.setattr(konsep, "MAKS_JSON", size - 1)
    with pytest.raises(InputError, match="paling banyak"):
        konsep.simpan(engine, "nota-dinas", data, "operator1")
    assert konsep.daftar(engine) == []
    monkeypatch.setattr(konsep, "MAKS_JSON", size)
    assert konsep.simpan(engine, "nota-dinas", data, "operator1").versi == 1


def test_concurrent_saves_one_wins(engine: Any) -> None:
    data = load_example_data("nota-dinas")
    first = konsep.simpan(engine, "nota-dinas", data, "operator1")
    results: list[str] = []
    barrier = threading.Barrier(4)

    def save(n: int) -> None:
        barrier.wait()
        try:
            konsep.simpan(engine, "nota-dinas", {**data, "hal": f"Hal {n}"}, f"op{n}",
                          first.id, 1)
            results.append(f"Hal {n}")
        except RegisterConflictError:
            results.append("konflik")

    threads = [threading.Thread(target=save, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    winners = [r for r in results if r != "konflik"]
    assert len(winners) == 1 and results.count("konflik") == 3
    now = konsep.ambil(engine, first.id)
    assert now.versi == 2 and now.data["hal"] == winners[0]
    with pytest.raises(RegisterConflictError, match="sudah diubah oleh"):
        konsep.hapus(engine, first.id, 1)
    konsep.hapus(engine, first.id, 2)
    assert konsep.daftar(engine) == []
