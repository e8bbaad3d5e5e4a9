"""The console's "Agenda surat masuk" over HTTP against a real uvicorn on 127.0.0.1: a
letter registered with its scan through the form, the scan downloaded byte for byte,
disposisi down the tree between accounts, the recipient's state changes, the XLSX
equal to the API's; CSRF refusals; bad input naming the field and storing nothing; a
Rahasia letter's hal hidden from a pejabat it did not pass through
(tests/test_browser_agenda.py drives the same pages in Chromium)."""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape

from naskah.kalender import Kalender
from naskah.register import Register
from naskah.serve import akun
from naskah.serve.layanan import open_database
from tests.serve_support import Server, in_process, running
from tests.test_halaman_konsol import PASSWORD
from tests.tte_helpers import KABAG, KARO, surat_pdf

pytestmark = pytest.mark.serve
HARI_INI = date.today()
SURAT = {"pengirim": "Kementerian Dalam Negeri", "nomor_surat": "005/123/SJ",
         "tanggal_surat": HARI_INI.isoformat(), "diterima_tanggal": HARI_INI.isoformat(),
         "hal": "Undangan Rapat Koordinasi Data", "sifat": "Segera", "klasifikasi": "Biasa"}


def accounts(db: str) -> None:
    """The secretariat's operator and three officials, each with a password."""
    engine = open_database(db)
    try:
        akun.tambah(engine, "operator1", "operator", password=PASSWORD)
        akun.tambah(engine, "kaban", "pejabat", nip="196803121990031002", password=PASSWORD)
        akun.tambah(engine, "karo", "pejabat", nip=KARO.nip, password=PASSWORD)
        akun.tambah(engine, "kabag", "pejabat", nip=KABAG.nip, password=PASSWORD)
    finally:
        engine.dispose()


@pytest.fixture
def srv(tmp_path: Path) -> Iterator[Server]:
    db = f"sqlite:///{tmp_path / 'naskah.db'}"
    with running(tmp_path / "data", db) as server:
        accounts(db)
        yield server


def csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, html
    return found.group(1)


@contextmanager
def masuk(url: str, nama: str) -> Iterator[httpx.Client]:
    """A client logged in to the console as ``nama`` (the login form fetched and posted)."""
    with httpx.Client(base_url=url, timeout=60) as client:
        form = client.get("/konsol/masuk")
        r = client.post("/konsol/masuk", data={"csrf": csrf(form.text), "nama": nama,
                                               "password": PASSWORD})
        assert r.status_code == 303, r.text
        yield client


def catat(client: httpx.Client, scan: bytes | None, **changes: str) -> httpx.Response:
    page = client.get("/konsol/agenda")
    files = {"scan": ("surat masuk.pdf", scan, "application/pdf")} if scan else \
        {"scan": ("", b"", "application/octet-stream")}
    return client.post("/konsol/agenda", data={"csrf": csrf(page.text), **SURAT, **changes},
                       files=files, follow_redirects=False)


def register(server: Server) -> Register:
    return Register(engine=open_database(server.db))


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def disposisi(client: httpx.Client, agenda_id: int, **data: Any) -> httpx.Response:
    page = client.get(f"/konsol/agenda/{agenda_id}")
    return client.post(f"/konsol/agenda/{agenda_id}/disposisi",
                       data={"csrf": csrf(page.text), **data})


def test_register_dispose_down_the_tree_and_export(srv: Server) -> None:
    pdf = surat_pdf("Undangan rapat")
    with masuk(srv.url, "operator1") as op:
        r = catat(op, pdf)
        assert r.status_code == 303 and r.headers["location"] == "/konsol/agenda/1?pesan=dicatat"
        page = op.get(r.headers["location"])
        agenda = f"1/{HARI_INI.year}"
        assert f"Surat masuk dicatat dengan nomor agenda {agenda}." in text_of(page.text)
        # the list, in agenda order, with the row's cells
        listing = op.get("/konsol/agenda").text
        row = re.search(r"<tr>\s*<td><a href=\"/konsol/agenda/1\">(.*?)</tr>", listing, re.S)
        assert row, listing
        cells = text_of(row.group(0))
        for text in (agenda, "Kementerian Dalam Negeri", "005/123/SJ",
                     "Undangan Rapat Koordinasi Data", "Segera", "Belum didisposisi"):
            assert text in cells, text
        # the scan: its own type, as an attachment, the same bytes
        got = op.get("/konsol/agenda/1/scan")
        assert got.status_code == 200 and got.content == pdf
        assert got.headers["content-type"] == "application/pdf"
        assert got.headers["content-disposition"].startswith('attachment; filename="surat')
        assert register(srv).agenda.get(1).scan_sha256 == hashlib.sha256(pdf).hexdigest()

        # the operator records the head's disposisi to karo, due in 3 working days
        r = disposisi(op, 1, dari="kaban", kepada="karo", instruksi="Hadiri dan laporkan",
                      tanggal=HARI_INI.isoformat(), batas_hari_kerja="3")
        assert r.status_code == 303, r.text
        page = text_of(op.get("/konsol/agenda/1").text)
        due = Kalender.muat().tambah_hari_kerja(HARI_INI, 3)
        assert "kaban → karo : Hadiri dan laporkan" in page
        assert "(sisa 3 hari kerja)" in page and "Status: belum dibaca" in page
        assert "Tandai selesai" not in page  # the operator is not its recipient

    with masuk(srv.url, "karo") as karo:
        page = karo.get("/konsol/agenda/1")
        assert "Tandai selesai" in page.text and "Dari: karo" in text_of(page.text)
        item = register(srv).disposisi.pohon(1)[0]
        assert item.batas_waktu == due and item.kepada == "karo"
        # karo passes it down to kabag, then marks his own read and done
        r = disposisi(karo, 1, induk=str(item.id), kepada="kabag",
                      instruksi="Siapkan bahan paparan", batas_waktu=due.isoformat())
        assert r.status_code == 303, r.text
        for status in ("dibaca", "selesai"):
            page = karo.get("/konsol/agenda/1")
            r = karo.post(f"/konsol/agenda/1/disposisi/{item.id}/status",
                          data={"csrf": csrf(page.text), "status": status,
                                "catatan": "Sudah dihadiri" if status == "selesai" else ""})
            assert r.status_code == 303, r.text
        page = text_of(karo.get("/konsol/agenda/1?pesan=status").text)
        assert "Status disposisi diperbarui." in page
        assert "karo → kabag (diteruskan) : Siapkan bahan paparan" in page
        assert "Status: selesai" in page and "Catatan: Sudah dihadiri" in page
        # a status can only move forward: done cannot become read again
        r = karo.post(f"/konsol/agenda/1/disposisi/{item.id}/status",
                      data={"csrf": csrf(karo.get("/konsol/agenda/1").text),
                            "status": "dibaca"})
        assert r.status_code == 409 and "cannot become dibaca" in r.text

    tree = register(srv).disposisi.pohon(1)
    assert [(t.dari, t.kepada, t.status.value) for t in tree] == [("kaban", "karo", "selesai")]
    assert [(t.dari, t.kepada, t.status.value) for t in tree[0].turunan] == [
        ("karo", "kabag", "belum dibaca")]
    with masuk(srv.url, "kabag") as kabag:
        page = kabag.get("/konsol/agenda/1").text
        assert "Tandai dibaca" in page and "Tandai selesai" in page
        listing = text_of(kabag.get("/konsol/agenda").text)
        assert "2 disposisi: 1 selesai, 1 belum dibaca" in listing

    # the XLSX: the API's own export, cell for cell
    from openpyxl import load_workbook

    engine = open_database(srv.db)
    token = akun.token_baru(engine, "operator1")
    engine.dispose()
    with masuk(srv.url, "operator1") as op:
        got = op.get("/konsol/agenda/ekspor.xlsx")
    assert got.status_code == 200 and got.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert got.headers["content-disposition"].startswith('attachment; filename="agenda.xlsx"')
    api = httpx.get(f"{srv.url}/v1/agenda/ekspor.xlsx",
                    headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 200

    def cells(data: bytes) -> list[list[Any]]:
        sheet = load_workbook(io.BytesIO(data)).active
        assert sheet is not None
        return [list(r) for r in sheet.iter_rows(values_only=True)]

    rows = cells(got.content)
    assert rows == cells(api.content)
    # The book's layout, as `naskah agenda ekspor` writes it: title, header on row 4.
    assert rows[0][0] == "BUKU AGENDA SURAT MASUK"
    header, row = rows[3], rows[4]
    assert header == ["No. Agenda", "Tanggal Diterima", "Pengirim", "Nomor Surat",
                      "Tanggal Surat", "Hal", "Sifat", "Klasifikasi", "Disposisi",
                      "Diteruskan Kepada", "Keterangan", "Scan SHA-256"]
    assert row[:2] == [agenda, datetime.combine(HARI_INI, time())]
    assert row[2:8] == ["Kementerian Dalam Negeri", "005/123/SJ",
                        datetime.combine(HARI_INI, time()), "Undangan Rapat Koordinasi Data",
                        "Segera", "Biasa"]
    # each letter's disposisi down the tree, where it went and where each stands
    assert row[8] == "kaban: Hadiri dan laporkan\nkaro: Siapkan bahan paparan"
    assert row[9] == "karo\nkaro → kabag"
    assert row[10].splitlines()[0].startswith("karo: selesai")
    assert row[-1] == hashlib.sha256(pdf).hexdigest()


def test_bad_input_names_the_field_and_stores_nothing(srv: Server) -> None:
    with masuk(srv.url, "operator1") as op:
        cases = [({"pengirim": "  "}, None, "pengirim"),
                 ({"tanggal_surat": "31-13-2026"}, None, "tanggal_surat"),
                 ({"tanggal_surat": "2026-12-31", "diterima_tanggal": "2026-01-02"}, None,
                  "diterima_tanggal"),
                 ({"klasifikasi": "Super Rahasia"}, None, "klasifikasi"),
                 ({}, b"<html><script>alert(1)</script></html>", "scan"),
                 ({}, b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>', "scan")]
        for changes, scan, field in cases:
            r = catat(op, scan, **{"nomor_surat": "TETAP/01", **changes})
            assert r.status_code == 422, (field, r.text)
            assert f'id="galat-{field}"' in r.text and f'id="{field}"' in r.text
            error = re.search(rf'id="galat-{field}">([^<]+)<', r.text)
            assert error and error.group(1).startswith(f"{field}: "), field
            assert 'value="TETAP/01"' in r.text  # what was typed is kept
            assert register(srv).agenda.daftar() == []
        # a disposisi to nobody, or due before it is given, names its field
        assert catat(op, None).status_code == 303
        for data, field in [({"kepada": []}, "kepada"),
                            ({"kepada": "karo", "batas_waktu": "2000-01-01"}, "batas_waktu"),
                            ({"kepada": "orang-luar"}, "kepada"),
                            ({"kepada": "karo", "batas_hari_kerja": "tiga"},
                             "batas_hari_kerja")]:
            r = disposisi(op, 1, dari="kaban", instruksi="Tindak lanjuti",
                          tanggal=HARI_INI.isoformat(), **data)
            assert r.status_code == 422 and f'id="galat-{field}"' in r.text, (field, r.text)
            assert "Tindak lanjuti</textarea>" in r.text
        assert register(srv).disposisi.pohon(1) == []
        assert op.get("/konsol/agenda/99").status_code == 404
        assert op.get("/konsol/agenda/1/scan").status_code == 404  # registered without one


def test_forms_refused_without_their_csrf_token(srv: Server) -> None:
    with masuk(srv.url, "operator1") as op:
        assert catat(op, None).status_code == 303
        r = op.post("/konsol/agenda", data={**SURAT, "csrf": "x" * 43},
                    files={"scan": ("s.pdf", surat_pdf(), "application/pdf")})
        assert r.status_code == 403 and "Formulir ditolak" in r.text
        r = op.post("/konsol/agenda/1/disposisi", data={"dari": "kaban", "kepada": "karo",
                                                        "instruksi": "Hadiri"})
        assert r.status_code == 403
        assert len(register(srv).agenda.daftar()) == 1
        assert register(srv).disposisi.pohon(1) == []
        assert disposisi(op, 1, dari="kaban", kepada="karo", instruksi="Hadiri"
                         ).status_code == 303
    with masuk(srv.url, "karo") as karo:
        item = register(srv).disposisi.pohon(1)[0]
        r = karo.post(f"/konsol/agenda/1/disposisi/{item.id}/status",
                      data={"status": "selesai"})
        assert r.status_code == 403
        assert register(srv).disposisi.pohon(1)[0].status.value == "belum dibaca"
    # without a session nothing at all: the login page
    r = httpx.post(f"{srv.url}/konsol/agenda", data=SURAT)
    assert r.status_code == 303 and r.headers["location"] == "/konsol/masuk"


def test_only_the_recipient_moves_a_disposisi(srv: Server) -> None:
    with masuk(srv.url, "operator1") as op:
        assert catat(op, None).status_code == 303
        assert disposisi(op, 1, dari="kaban", kepada="karo", instruksi="Hadiri"
                         ).status_code == 303
        item = register(srv).disposisi.pohon(1)[0]
        r = op.post(f"/konsol/agenda/1/disposisi/{item.id}/status",
                    data={"csrf": csrf(op.get("/konsol/agenda/1").text), "status": "selesai"})
        assert r.status_code == 403
    with masuk(srv.url, "kabag") as kabag:
        page = kabag.get("/konsol/agenda/1")
        r = kabag.post(f"/konsol/agenda/1/disposisi/{item.id}/status",
                       data={"csrf": csrf(page.text), "status": "selesai"})
        assert r.status_code == 403
        # a pejabat passes down only what was given to them, as themself
        r = disposisi(kabag, 1, induk=str(item.id), dari="karo", kepada="kaban",
                      instruksi="Balik")
        assert r.status_code == 422 and 'id="galat-dari"' in r.text
        # and registers no mail: that is the secretariat's
        assert "Catat surat masuk" not in kabag.get("/konsol/agenda").text
        r = kabag.post("/konsol/agenda", data={**SURAT, "csrf": csrf(page.text)})
        assert r.status_code == 303 and r.headers["location"] == "/konsol/masuk"
    assert register(srv).disposisi.pohon(1)[0].status.value == "belum dibaca"
    assert len(register(srv).agenda.daftar()) == 1
    assert register(srv).disposisi.pohon(1)[0].turunan == []


def test_rahasia_hal_only_for_whom_it_passed(srv: Server) -> None:
    hal = "Rencana Pengamanan Khusus Gedung"
    pdf = surat_pdf("Rahasia")
    with masuk(srv.url, "operator1") as op:
        assert catat(op, pdf, hal=hal, klasifikasi="Rahasia").status_code == 303
        assert hal in op.get("/konsol/agenda").text  # the secretariat sees it
        assert disposisi(op, 1, dari="kaban", kepada="karo", instruksi="Amankan"
                         ).status_code == 303
    with masuk(srv.url, "kabag") as kabag:  # not in the letter's disposisi
        for path in ("/konsol/agenda", "/konsol/agenda/1"):
            page = kabag.get(path)
            assert page.status_code == 200 and hal not in page.text
            assert "(dirahasiakan)" in page.text and "Amankan" not in page.text
        assert kabag.get("/konsol/agenda/1/scan").status_code == 404
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(kabag.get("/konsol/agenda/ekspor.xlsx").content)).active
        assert sheet is not None and sheet["F5"].value == "(dirahasiakan)"
        assert not sheet["I5"].value and not sheet["J5"].value  # nor its disposisi
        assert sheet.cell(5, sheet.max_column).value in (None, "")
        r = disposisi(kabag, 1, kepada="kaban", instruksi="x")
        assert r.status_code == 403
    with masuk(srv.url, "karo") as karo:  # the recipient sees it, and its scan
        assert hal in karo.get("/konsol/agenda/1").text
        assert karo.get("/konsol/agenda/1/scan").content == pdf


def test_scan_over_the_registers_cap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A scan past the library's cap is refused naming ``scan``; nothing is stored."""
    import naskah.register.agenda as library

    monkeypatch.setattr(library, "MAX_SCAN_BYTES", 2000)
    db = f"sqlite:///{tmp_path / 'n.db'}"
    with in_process(tmp_path / "data", db) as client:
        accounts(db)
        form = client.get("/konsol/masuk")
        client.post("/konsol/masuk", data={"csrf": csrf(form.text), "nama": "operator1",
                                           "password": PASSWORD}, follow_redirects=False)
        big = surat_pdf("x" * 40) + b"%" + b"0" * 4000
        r = catat(client, big)
        assert r.status_code == 422 and 'id="galat-scan"' in r.text, r.text
        assert Register(engine=open_database(db)).agenda.daftar() == []
        assert catat(client, surat_pdf()[:1900]).status_code == 303


def test_overdue_marked_and_passed_down_by_the_secretariat(srv: Server) -> None:
    received = date(HARI_INI.year - 1, 1, 5)  # in the past whatever today is
    with masuk(srv.url, "operator1") as op:
        assert catat(op, None, tanggal_surat=received.isoformat(),
                     diterima_tanggal=received.isoformat()).status_code == 303
        assert disposisi(op, 1, dari="kaban", kepada="karo", instruksi="Segera tanggapi",
                         tanggal=received.isoformat(),
                         batas_waktu=date(HARI_INI.year - 1, 1, 7).isoformat()).status_code == 303
        item = register(srv).disposisi.pohon(1)[0]
        # passing it down on karo's behalf: the giver is the one it was given to
        r = disposisi(op, 1, dari="operator1", induk=str(item.id), kepada="kabag",
                      instruksi="Siapkan jawaban", tanggal=received.isoformat())
        assert r.status_code == 303, r.text
        page = op.get("/konsol/agenda/1").text
        late = re.search(rf'<li class="tingkat-0 terlambat" id="disposisi-{item.id}">(.*?)</li>',
                         page, re.S)
        assert late, page
        lewat = -Kalender.muat().hari_kerja_antara(HARI_INI, date(HARI_INI.year - 1, 1, 7))
        assert "Terlambat" in late.group(1) and f"({lewat} hari kerja lewat)" in \
            text_of(late.group(1))
        assert "karo → kabag (diteruskan) : Siapkan jawaban" in text_of(page)
        assert "2 disposisi: 2 belum dibaca; 1 terlambat" in text_of(
            op.get("/konsol/agenda").text)
    tree = register(srv).disposisi.pohon(1)
    assert [(t.dari, t.kepada) for t in tree[0].turunan] == [("karo", "kabag")]


@pytest.fixture(scope="module")
def konsol_op(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, str]]:
    """An operator logged in to an in-process service (for many quick examples)."""
    folder = tmp_path_factory.mktemp("agenda-hypothesis")
    db = f"sqlite:///{folder / 'n.db'}"
    with in_process(folder / "data", db) as client:
        accounts(db)
        form = client.get("/konsol/masuk")
        client.post("/konsol/masuk", data={"csrf": csrf(form.text), "nama": "operator1",
                                           "password": PASSWORD}, follow_redirects=False)
        yield client, db


@given(pengirim=st.text(max_size=120), hal=st.text(max_size=120))
@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_text_is_stored_and_shown_escaped_or_named(konsol_op: tuple[Any, str],
                                                       pengirim: str, hal: str) -> None:
    client, db = konsol_op
    reg = Register(engine=open_database(db))
    before = len(reg.agenda.daftar())
    r = catat(client, None, pengirim=pengirim, hal=hal)
    if r.status_code == 303:
        entry = reg.agenda.daftar()[-1]
        page = client.get(r.headers["location"]).text
        assert str(escape(entry.pengirim)) in page and str(escape(entry.hal)) in page
        assert entry.pengirim == pengirim.strip() and entry.hal == hal.strip()
    else:
        assert r.status_code == 422, r.text
        assert re.search(r'id="galat-(pengirim|hal)">(pengirim|hal): ', r.text), r.text
        assert len(reg.agenda.daftar()) == before


def test_an_image_scan_is_served_as_an_image(konsol_op: tuple[Any, str]) -> None:
    client, _db = konsol_op
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    page = client.get("/konsol/agenda")
    r = client.post("/konsol/agenda", data={"csrf": csrf(page.text), **SURAT},
                    files={"scan": ("halaman 1.png", png, "image/png")},
                    follow_redirects=False)
    assert r.status_code == 303
    got = client.get(r.headers["location"].split("?")[0] + "/scan")
    assert got.content == png and got.headers["content-type"] == "image/png"
    assert got.headers["content-disposition"].startswith('attachment; filename="halaman-1.png"')
    assert "sandbox" in got.headers["content-security-policy"]
