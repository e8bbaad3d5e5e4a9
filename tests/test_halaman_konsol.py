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
