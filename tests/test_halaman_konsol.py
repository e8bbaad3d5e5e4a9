"""The staff console's login: cookies, CSRF on every form, lock-out after failures
(in-process; tests/test_browser.py drives the same pages in Chromium)."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

from naskah.serve import akun
from naskah.serve.halaman import sesi
from naskah.serve.layanan import open_database
from naskah.serve.tabel import gagal_masuk
from tests.serve_support import in_process

pytestmark = pytest.mark.serve
PASSWORD = "kata-sandi-operator-1"


def _user(db: str, nama: str = "operator1", peran: str = "operator",
          nip: str | None = None) -> None:
    engine = open_database(db)
    akun.tambah(engine, nama, peran, nip=nip, password=PASSWORD)
    engine.dispose()


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, html
    return found.group(1)


def login(client: Any, nama: str, password: str) -> Any:
    """The login form fetched and posted, as a browser does."""
    form = client.get("/konsol/masuk")
    return client.post("/konsol/masuk", data={"csrf": _csrf(form.text), "nama": nama,
                                              "password": password}, follow_redirects=False)


def test_login_cookie_and_logout(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'n.db'}"
    with in_process(tmp_path / "data", db) as client:
        _user(db)
        r = client.get("/konsol", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/konsol/masuk"
        r = login(client, "operator1", PASSWORD)
        assert r.status_code == 303 and r.headers["location"] == "/konsol"
        cookie = r.headers["set-cookie"]
        assert "naskah_sesi=" in cookie and "HttpOnly" in cookie
        assert "SameSite=strict" in cookie.replace("Strict", "strict") and "Path=/konsol" in cookie
        assert "Secure" not in cookie  # plain http on 127.0.0.1
        home = client.get("/konsol")
        assert home.status_code == 200 and "Selamat datang, operator1" in home.text
        # logging out needs the session's CSRF token
        assert client.post("/konsol/keluar", data={}).status_code == 403
        assert client.post("/konsol/keluar", data={"csrf": "x" * 43}).status_code == 403
        assert client.get("/konsol").status_code == 200
        r = client.post("/konsol/keluar", data={"csrf": _csrf(home.text)},
                        follow_redirects=False)
        assert r.status_code == 303
        assert client.get("/konsol", follow_redirects=False).status_code == 303


def test_secure_cookie_over_https(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'n.db'}"
    with in_process(tmp_path / "data", db) as client:
        _user(db)
        client.base_url = "https://testserver"  # type: ignore[assignment]
        r = login(client, "operator1", PASSWORD)
        assert r.status_code == 303 and "Secure" in r.headers["set-cookie"]


def test_login_refused_without_its_csrf_token(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'n.db'}"
    with in_process(tmp_path / "data", db) as client:
        _user(db)
        # a cross-site form: no token, or a token without the cookie it is bound to
        r = client.post("/konsol/masuk", data={"nama": "operator1", "password": PASSWORD},
                        follow_redirects=False)
        assert r.status_code == 403 and "naskah_sesi" not in r.headers.get("set-cookie", "")
        token = _csrf(client.get("/konsol/masuk").text)
        client.cookies.clear()
        r = client.post("/konsol/masuk", data={"csrf": token, "nama": "operator1",
                                               "password": PASSWORD}, follow_redirects=False)
        assert r.status_code == 403


def test_lock_out_after_five_failures(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'n.db'}"
    with in_process(tmp_path / "data", db) as client:
        _user(db)
        for _ in range(sesi.MAKS_GAGAL):
            r = login(client, "operator1", "salah-sekali-123")
            assert r.status_code == 401 and "Nama pengguna atau kata sandi salah." in r.text
            assert "salah-sekali-123" not in r.text
        r = login(client, "operator1", PASSWORD)  # the right password, while locked
        assert r.status_code == 429 and "dikunci sementara" in r.text
        assert "naskah_sesi" not in r.headers.get("set-cookie", "")
        engine = open_database(db)  # the lock runs out
        with engine.begin() as conn:
            conn.execute(update(gagal_masuk).values(terkunci_sampai=sesi._now()
                                                    - sesi.timedelta(seconds=1)))
        engine.dispose()
        assert login(client, "operator1", PASSWORD).status_code == 303


def test_unknown_name_costs_the_same(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'n.db'}"
    engine = open_database(db)
    akun.tambah(engine, "operator1", "operator", password=PASSWORD)

    def took(nama: str) -> float:
        t0 = time.perf_counter()
        with pytest.raises(sesi.Ditolak):
            sesi.masuk(engine, nama, "salah-sekali-123")
        return time.perf_counter() - t0

    known = min(took("operator1") for _ in range(3))
    unknown = min(took(f"tidak-ada-{i}") for i in range(3))
    engine.dispose()
    assert unknown > 0.5 * known, (known, unknown)  # both run argon2


def _field(html: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]+)"', html)
    assert found, name
    return found.group(1)


def test_take_a_number(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'n.db'}"
    with in_process(tmp_path / "data", db) as client:
        _user(db)
        assert login(client, "operator1", PASSWORD).status_code == 303
        page = client.get("/konsol/nomor")
        assert page.status_code == 200 and 'value="nota-dinas"' in page.text
        form = {"csrf": _csrf(page.text), "kunci": _field(page.text, "kunci"),
                "pola": "nota-dinas", "unit": "Ses.PO", "kka": "OT.01.02",
                "klasifikasi": "Biasa", "tanggal": "2026-11-25", "status": "final"}
        first = client.post("/konsol/nomor", data=form)
        found = re.search(r'id="hasil-nomor">Nomor final: ([^<]+)<', first.text)
        assert first.status_code == 200 and found, first.text
        assert found.group(1) == "1/Ses.PO/OT.01.02/11/2026"
        # the same form sent again (a double click) takes no second number
        again = client.post("/konsol/nomor", data=form)
        assert "Nomor final: 1/Ses.PO/OT.01.02/11/2026" in again.text
        assert "2/Ses.PO" not in again.text
        # a provisional one for a konsep, then final
        page = client.get("/konsol/nomor")
        r = client.post("/konsol/nomor", data={**form, "kunci": _field(page.text, "kunci"),
                                               "status": "sementara"})
        assert "Nomor sementara:" in r.text
        action = re.search(r'action="(/konsol/nomor/\d+/final)"', r.text)
        assert action
        kunci = re.search(r'action="/konsol/nomor/\d+/final">\s*<input type="hidden" '
                          r'name="csrf" value="[^"]+">\s*<input type="hidden" name="kunci" '
                          r'value="([^"]+)"', r.text)
        assert kunci
        r = client.post(action.group(1), data={"csrf": _csrf(r.text), "kunci": kunci.group(1),
                                               "tanggal": "2026-11-26"})
        assert "Nomor final: 2/Ses.PO/OT.01.02/11/2026" in r.text, r.text
        # refusals name the problem, take nothing; no CSRF token: nothing at all
        r = client.post("/konsol/nomor", data={**form, "kunci": "k2", "pola": "tidak-ada"})
        assert r.status_code == 422 and 'class="galat"' in r.text
        assert client.post("/konsol/nomor", data={**form, "csrf": "", "kunci": "k3"}
                           ).status_code == 403
        # a pejabat account has no numbers page
        _user(db, "karo", "pejabat", nip="197005151995031001")
        client.cookies.clear()
        login(client, "karo", PASSWORD)
        assert client.get("/konsol/nomor", follow_redirects=False).status_code == 303
