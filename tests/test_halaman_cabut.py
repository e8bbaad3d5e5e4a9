"""Revoking a signed letter: the console's "Cabut naskah" (by its signer, CSRF, another
pejabat refused, reason and confirmation required), ``POST /v1/verifikasi/cabut``
(403/404/409 problem JSON) and what the public page of its QR says afterwards."""

from __future__ import annotations

import hashlib
import html
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from naskah.serve import akun
from naskah.serve.halaman import catatan, pencabutan
from naskah.serve.layanan import open_database
from naskah.serve.tabel import tanda_tangan as t_ttd
from tests.halaman_support import KETERANGAN, pejabat, tanda_tangan, token_of
from tests.serve_support import add_user, in_process
from tests.test_halaman_konsol import PASSWORD, login

pytestmark = pytest.mark.serve
URL = "https://naskah.kemenko.go.id"
NIP_LAIN = "198203102006042002"


def _text(page: str) -> str:
    page = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)).strip())


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, page
    return found.group(1)


def _kunci(page: str) -> list[str]:
    return re.findall(r'name="kunci" value="([0-9a-f]{64})"', page)


def _password(db: str, nama: str, peran: str = "pejabat", nip: str | None = None) -> None:
    """A console account (with a password) on ``db``."""
    engine = open_database(db)
    try:
        if nama == "karo":  # made by tests.halaman_support.pejabat, without a password
            from sqlalchemy import update

            from naskah.serve.tabel import pengguna as t_pengguna

            with engine.begin() as conn:
                conn.execute(update(t_pengguna).where(t_pengguna.c.nama == nama)
                             .values(password_hash=akun.hash_password(PASSWORD)))
        else:
            akun.tambah(engine, nama, peran, nip=nip, password=PASSWORD)
    finally:
        engine.dispose()


def _cocokkan(client: Any, token: str, pdf: bytes) -> str:
    r = client.post(f"/v/{token}/cocokkan", files={"berkas": ("a.pdf", pdf)})
    found = re.search(r'class="hasil[^"]*" role="status">([^<]+)<', r.text)
    assert found, r.text
    return found.group(1)


def test_signer_revokes_through_the_console(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'n.db'}"
    with in_process(tmp_path / "data", db, url_publik=URL) as client:
        who = pejabat(client, db, tmp_path / "pki")
        signed, url = tanda_tangan(client, who, KETERANGAN)
        token = token_of(url)
        assert _cocokkan(client, token, signed).startswith("Cocok:")
        _password(db, "karo")
        _password(db, "kabag", nip=NIP_LAIN)
        nomor = KETERANGAN["nomor"]

        # another pejabat: his search finds nothing, his forged form is refused
        assert login(client, "kabag", PASSWORD).status_code == 303
        page = client.get("/konsol/cabut", params={"q": nomor})
        assert page.status_code == 200 and 'id="hasil-kosong"' in page.text
        kunci = catatan.sidik(token)
        r = client.post("/konsol/cabut", data={"csrf": _csrf(page.text), "kunci": kunci,
                                               "q": nomor, "alasan": "iseng", "yakin": "ya"})
        assert r.status_code == 403 and "Tidak diizinkan" in r.text
        client.cookies.clear()

        # the signer finds it by nomor and by the PDF's SHA-256
        assert login(client, "karo", PASSWORD).status_code == 303
        home = client.get("/konsol")
        assert 'href="/konsol/cabut"' in home.text
        page = client.get("/konsol/cabut", params={"q": nomor})
        text = _text(page.text)
        assert page.status_code == 200 and _kunci(page.text) == [kunci]
        for expected in (f"Jenis naskah {KETERANGAN['jenis']}", f"Hal {KETERANGAN['hal']}",
                         "Status ASLI — sah dan berlaku", "WIB",
                         f"SHA-256 dokumen {hashlib.sha256(signed).hexdigest()}"):
            assert expected in text, expected
        by_hash = client.get("/konsol/cabut",
                             params={"q": hashlib.sha256(signed).hexdigest().upper()})
        assert _kunci(by_hash.text) == [kunci]
        csrf = _csrf(page.text)
        form = {"csrf": csrf, "kunci": kunci, "q": nomor, "alasan": "Salah alamat tujuan",
                "yakin": "ya"}
        # without the session's CSRF token: refused, nothing revoked
        for bad in ({**form, "csrf": "x" * 43}, {k: v for k, v in form.items() if k != "csrf"}):
            assert client.post("/konsol/cabut", data=bad).status_code == 403
        # the reason and the confirmation are required
        r = client.post("/konsol/cabut", data={**form, "alasan": "  \n "})
        assert r.status_code == 422 and "alasan: wajib diisi" in r.text
        r = client.post("/konsol/cabut", data={k: v for k, v in form.items() if k != "yakin"})
        assert r.status_code == 422 and "konfirmasi" in r.text
        assert "Salah alamat tujuan" in r.text  # what was typed is kept
        assert "Status: ASLI" in _text(client.get(f"/v/{token}").text)

        r = client.post("/konsol/cabut", data=form, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/konsol/cabut?")
        after = client.get(r.headers["location"])
        text = _text(after.text)
        assert f"Naskah {nomor} telah dicabut" in text
        assert "Status DICABUT" in text and "oleh karo: Salah alamat tujuan" in text
        assert _kunci(after.text) == []  # no form for a revoked letter
        # the message comes from the record, not the URL: a crafted link claims nothing
        forged = client.get("/konsol/cabut", params={"q": nomor, "dicabut": "f" * 64,
                                                     "nomor": "B-99/PALSU"})
        assert "telah dicabut" not in forged.text and "PALSU" not in forged.text
        # the same form again (a reload of the POST): a clear conflict, nothing changes
        r = client.post("/konsol/cabut", data=form)
        assert r.status_code == 409 and "sudah dicabut" in r.text

    # the public page and "Cocokkan dokumen"
    with in_process(tmp_path / "data", db, url_publik=URL) as client:
        text = _text(client.get(f"/v/{token}").text)
        assert "Status: DICABUT" in text and "Alasan pencabutan Salah alamat tujuan" in text
        assert re.search(r"Dicabut pada \d+ \w+ 20\d\d pukul \d\d\.\d\d WIB", text), text
        said = _cocokkan(client, token, signed)
        assert not said.startswith("Cocok") and "DICABUT" in said
    engine = open_database(db)
    with engine.connect() as conn:
        row = conn.execute(select(t_ttd)).one()
    engine.dispose()
    assert row.dicabut_oleh == "karo" and row.alasan_cabut == "Salah alamat tujuan"
    assert row.dicabut_pada is not None


def test_operator_may_not_open_the_page(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'n.db'}"
    with in_process(tmp_path / "data", db) as client:
        _password(db, "operator1", "operator")
        assert login(client, "operator1", PASSWORD).status_code == 303
        assert 'href="/konsol/cabut"' not in client.get("/konsol").text
        assert client.get("/konsol/cabut").status_code == 403
        client.cookies.clear()
        r = client.get("/konsol/cabut", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/konsol/masuk"


def test_rahasia_hal_not_shown_in_the_console(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'n.db'}"
    with in_process(tmp_path / "data", db, url_publik=URL) as client:
        who = pejabat(client, db, tmp_path / "pki")
        tanda_tangan(client, who, {**KETERANGAN, "sifat": "Rahasia", "nomor": "R-1/2026",
                                   "hal": "Rencana Operasi Khusus"})
        _password(db, "admin1", "admin")
        assert login(client, "admin1", PASSWORD).status_code == 303
        page = client.get("/konsol/cabut", params={"q": "R-1/2026"})
        assert len(_kunci(page.text)) == 1  # an admin may revoke any letter
        assert "Rencana Operasi Khusus" not in page.text
        assert "Tidak ditampilkan (naskah bersifat Rahasia)" in _text(page.text)


def _problem(r: Any, status: int, field: str | None = None) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = r.json()
    assert body["status"] == status and body["type"].startswith("urn:naskah:masalah:")
    if field is not None:
        assert field in [e["field"] for e in body["errors"]], body
    return body


def test_api_revokes_by_sha256_and_nomor(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'n.db'}"
    with in_process(tmp_path / "data", db, url_publik=URL) as client:
        who = pejabat(client, db, tmp_path / "pki")
        first, url1 = tanda_tangan(client, who, KETERANGAN)
        second, url2 = tanda_tangan(client, who, {**KETERANGAN, "nomor": "B-13/2026"})
        lain = add_user(db, "kabag", "pejabat", nip=NIP_LAIN)
        operator = add_user(db, "operator1", "operator")
        admin = add_user(db, "admin1", "admin")
        api = "/v1/verifikasi/cabut"
        sha = hashlib.sha256(first).hexdigest()

        _problem(client.post(api, json={"sha256": sha, "alasan": "x"}), 401)
        _problem(client.post(api, headers=operator, json={"sha256": sha, "alasan": "x"}), 403)
        body = _problem(client.post(api, headers=lain, json={"sha256": sha, "alasan": "x"}),
                        403)
        assert "kabag" in body["detail"]
        _problem(client.post(api, headers=who.headers, json={"sha256": "0" * 64,
                                                             "alasan": "x"}), 404, "sha256")
        _problem(client.post(api, headers=who.headers, json={"nomor": "B-99/2026",
                                                             "alasan": "x"}), 404, "nomor")
        _problem(client.post(api, headers=who.headers, json={"alasan": "x"}), 422, "sha256")
        _problem(client.post(api, headers=who.headers,
                             json={"sha256": sha, "nomor": "B-13/2026", "alasan": "x"}),
                 422, "sha256")
        _problem(client.post(api, headers=who.headers, json={"sha256": sha, "alasan": " "}),
                 422, "alasan")
        _problem(client.post(api, headers=who.headers, json={"sha256": "ABC", "alasan": "x"}),
                 422)
        _problem(client.post(api, headers=who.headers,
                             json={"sha256": sha, "alasan": "a" * (pencabutan.MAKS_ALASAN + 1)}),
                 422, "alasan")
        assert "Status: ASLI" in _text(client.get(f"/v/{token_of(url1)}").text)

        r = client.post(api, headers=who.headers, json={"sha256": sha, "alasan": "Ganda"})
        assert r.status_code == 200, r.text
        out = r.json()
        assert out["status"] == "dicabut" and out["alasan_cabut"] == "Ganda"
        assert out["dicabut_oleh"] == "karo" and out["dokumen_sha256"] == sha
        body = _problem(client.post(api, headers=who.headers,
                                    json={"sha256": sha, "alasan": "lagi"}), 409)
        assert "sudah dicabut" in body["detail"]
        # an admin, by nomor
        r = client.post(api, headers=admin, json={"nomor": "B-13/2026", "alasan": "Batal"})
        assert r.status_code == 200 and r.json()["dicabut_oleh"] == "admin1"
        for token, alasan in ((token_of(url1), "Ganda"), (token_of(url2), "Batal")):
            text = _text(client.get(f"/v/{token}").text)
            assert "Status: DICABUT" in text and f"Alasan pencabutan {alasan}" in text
        assert "DICABUT" in _cocokkan(client, token_of(url2), second)
        schema = client.get("/openapi.json").json()
        op = schema["paths"]["/v1/verifikasi/cabut"]["post"]
        assert {"200", "403", "404", "409", "422"} <= set(op["responses"])


_ALASAN = st.text(min_size=1, max_size=80).filter(lambda t: any(c.isprintable()
                                                                 and not c.isspace() for c in t))


def test_reason_is_stored_and_shown_escaped(tmp_path: Path) -> None:
    from markupsafe import escape

    db = f"sqlite:///{tmp_path / 'n.db'}"
    with in_process(tmp_path / "data", db, url_publik=URL,
                    halaman_per_menit=10_000) as client:
        engine = open_database(db)
        admin = add_user(db, "admin1", "admin")

        @settings(max_examples=40, deadline=None,
                  suppress_health_check=[HealthCheck.too_slow])
        @given(alasan=_ALASAN)
        def check(alasan: str) -> None:
            token = catatan.token_baru()
            sha = hashlib.sha256(token.encode()).hexdigest()
            now = catatan.datetime.now(catatan.UTC)
            with engine.begin() as conn:  # a record as signing leaves it (no PKI each time)
                conn.execute(t_ttd.insert().values(
                    token_sha256=catatan.sidik(token), dokumen_sha256=sha, nomor=None,
                    sifat="Biasa", penandatangan="Uji", nip="197005151995031001",
                    ditandatangani_pada=now, sumber_waktu="penanda-tangan", asal="uji",
                    dicatat_pada=now))
            r = client.post("/v1/verifikasi/cabut", headers=admin,
                            json={"sha256": sha, "alasan": alasan})
            assert r.status_code == 200, r.text
            kept = r.json()["alasan_cabut"]
            assert kept == " ".join("".join(c if c.isprintable() else " "
                                            for c in alasan).split())
            with engine.connect() as conn:
                assert conn.execute(select(t_ttd.c.alasan_cabut).where(
                    t_ttd.c.dokumen_sha256 == sha)).scalar_one() == kept
            page = client.get(f"/v/{token}").text
            found = re.search(r"<dt>Alasan pencabutan</dt><dd>(.*?)</dd>", page, flags=re.S)
            assert found, page
            assert found.group(1) == str(escape(kept)) and html.unescape(found.group(1)) == kept
            assert "<" not in found.group(1) and ">" not in found.group(1)

        check()
        engine.dispose()


def test_migration_adds_dicabut_oleh_to_an_older_database(tmp_path: Path) -> None:
    """A database made before revision 0006 (no ``dicabut_oleh``) gets the column, and
    a revocation on it records who; downgrading removes it again."""
    import sqlalchemy as sa
    from alembic import command
    from alembic.config import Config

    from naskah.register.db import MIGRATIONS, create, upgrade

    engine = create(f"sqlite:///{tmp_path / 'lama.db'}")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0005")
        conn.execute(sa.text("ALTER TABLE verifikasi_publik DROP COLUMN dicabut_oleh"))

    def columns() -> set[str]:
        return {c["name"] for c in sa.inspect(engine).get_columns("verifikasi_publik")}

    assert "dicabut_oleh" not in columns()
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(config).get_current_head()
    assert upgrade(engine) == head and "dicabut_oleh" in columns()
    token = catatan.token_baru()
    now = catatan.datetime.now(catatan.UTC)
    with engine.begin() as conn:
        conn.execute(t_ttd.insert().values(
            token_sha256=catatan.sidik(token), dokumen_sha256="b" * 64, nomor="B-2/2026",
            penandatangan="Uji", ditandatangani_pada=now, sumber_waktu="tsa", asal="uji",
            dicatat_pada=now))
    done = pencabutan.cabut(engine, catatan.sidik(token), "Keliru", "admin1")
    assert done["dicabut_oleh"] == "admin1"
    from naskah.errors import InputError, RegisterConflictError

    with pytest.raises(RegisterConflictError, match="sudah dicabut"):
        pencabutan.cabut(engine, catatan.sidik(token), "Lagi", "admin1")
    with pytest.raises(InputError, match="tidak ada naskah"):
        pencabutan.cabut(engine, "c" * 64, "Keliru", "admin1")
    assert pencabutan.rekaman(engine, catatan.sidik(token))["alasan_cabut"] == "Keliru"
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0005")
    assert "dicabut_oleh" not in columns()
    engine.dispose()


def test_cli_revokes_by_nomor_and_sha256(tmp_path: Path) -> None:
    import json
    import os
    import subprocess
    import sys

    db = f"sqlite:///{tmp_path / 'n.db'}"
    with in_process(tmp_path / "data", db, url_publik=URL) as client:
        who = pejabat(client, db, tmp_path / "pki")
        first, url1 = tanda_tangan(client, who, KETERANGAN)
        second, url2 = tanda_tangan(client, who, {**KETERANGAN, "nomor": "B-13/2026"})
    env = {k: v for k, v in os.environ.items() if k not in ("NASKAH_DB", "NASKAH_DATA")}

    def naskah(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "naskah", "verifikasi", "cabut",
                               "--db", db, *args], env=env, text=True, capture_output=True,
                              timeout=120)

    for args, field in ((["--nomor", "B-99/2026", "--alasan", "x"], "--nomor"),
                        (["--sha256", "0" * 64, "--alasan", "x"], "--sha256"),
                        (["--sha256", "xyz", "--alasan", "x"], "sha256"),
                        (["--nomor", "B-13/2026", "--alasan", " "], "alasan"),
                        (["--alasan", "x"], "--sha256"),
                        (["--nomor", "B-13/2026", "--alasan", "x", "--db",
                          f"sqlite:///{tmp_path / 'tidak-ada.db'}"], "--db"),
                        (["--nomor", "B-13/2026", "--sha256", "0" * 64, "--alasan", "x"],
                         "--sha256")):
        bad = naskah(*args)
        assert bad.returncode == 2, (args, bad.stderr)
        assert field in bad.stderr and "Traceback" not in bad.stderr, (args, bad.stderr)
    assert not (tmp_path / "tidak-ada.db").exists()  # no database made to revoke in
    done = naskah("--nomor", "B-13/2026", "--alasan", "Salah kirim", "--oleh", "sekretariat",
                  "--json")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["dokumen_sha256"] == hashlib.sha256(second).hexdigest()
    assert out["dicabut_oleh"] == "sekretariat" and "DICABUT" in done.stderr
    sha = hashlib.sha256(first).hexdigest().upper()
    assert naskah("--sha256", sha, "--alasan", "Ganda").returncode == 0
    again = naskah("--sha256", sha, "--alasan", "Ganda")
    assert again.returncode == 2 and "sudah dicabut" in again.stderr
    with in_process(tmp_path / "data", db, url_publik=URL) as client:
        for url, alasan in ((url1, "Ganda"), (url2, "Salah kirim")):
            text = _text(client.get(f"/v/{token_of(url)}").text)
            assert "Status: DICABUT" in text and f"Alasan pencabutan {alasan}" in text


@pytest.mark.postgres
def test_two_revocations_at_once_on_postgresql(tmp_path: Path) -> None:
    """Two requests revoking the same letter at once: one is done, the other is told 409;
    the reason kept is the winner's (the update only touches a record not yet revoked)."""
    from concurrent.futures import ThreadPoolExecutor

    from tests.serve_support import db_for

    db = db_for("postgres", tmp_path)
    with in_process(tmp_path / "data", db, url_publik=URL) as client:
        who = pejabat(client, db, tmp_path / "pki")
        signed, url = tanda_tangan(client, who, KETERANGAN)
        admin = add_user(db, "admin1", "admin")
        sha = hashlib.sha256(signed).hexdigest()

        def revoke(headers_alasan: tuple[dict[str, str], str]) -> Any:
            headers, alasan = headers_alasan
            return client.post("/v1/verifikasi/cabut", headers=headers,
                               json={"sha256": sha, "alasan": alasan})

        with ThreadPoolExecutor(2) as pool:
            answers = list(pool.map(revoke, [(who.headers, "Oleh karo"),
                                             (admin, "Oleh admin")]))
        codes = sorted(r.status_code for r in answers)
        assert codes == [200, 409], [r.text for r in answers]
        winner = next(r for r in answers if r.status_code == 200).json()
        text = _text(client.get(f"/v/{token_of(url)}").text)
        assert "Status: DICABUT" in text and f"Alasan pencabutan {winner['alasan_cabut']}" in text
        engine = open_database(db)
        with engine.connect() as conn:
            row = conn.execute(select(t_ttd)).one()
        engine.dispose()
        assert row.dicabut_oleh == winner["dicabut_oleh"]
        # a NUL in a nomor is refused by name (PostgreSQL itself would fail on it)
        _problem(client.post("/v1/verifikasi/cabut", headers=admin,
                             json={"nomor": "B-1\u0000/2026", "alasan": "x"}), 422, "nomor")

        # eight writers released together on the library: exactly one revokes
        import threading

        from naskah.errors import RegisterConflictError

        tanda_tangan(client, who, {**KETERANGAN, "nomor": "B-14/2026"})
        engine = open_database(db)
        kunci = pencabutan.cari(engine, nomor="B-14/2026")[0]["token_sha256"]
        gate = threading.Barrier(8)

        def one(i: int) -> str:
            gate.wait()
            try:
                pencabutan.cabut(engine, kunci, f"alasan {i}", f"akun{i}")
            except RegisterConflictError:
                return "409"
            return "ok"

        with ThreadPoolExecutor(8) as pool:
            results = list(pool.map(one, range(8)))
        kept = pencabutan.rekaman(engine, kunci)
        engine.dispose()
        assert sorted(results) == ["409"] * 7 + ["ok"]
        assert kept is not None and kept["alasan_cabut"] == f"alasan {kept['dicabut_oleh'][4:]}"


def test_console_search_text_is_shown_escaped(tmp_path: Path) -> None:
    """Whatever is typed into the search box: a page (never a 500), the text given back
    escaped in the box, no result for a pejabat's search of letters not his."""
    from markupsafe import escape

    db = f"sqlite:///{tmp_path / 'n.db'}"
    with in_process(tmp_path / "data", db) as client:
        _password(db, "kabag", nip=NIP_LAIN)
        assert login(client, "kabag", PASSWORD).status_code == 303

        @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
        @given(q=st.text(max_size=250))
        def check(q: str) -> None:
            r = client.get("/konsol/cabut", params={"q": q})
            assert r.status_code == 200, r.text
            shown = q.strip()[:200]
            if shown:
                assert f'value="{escape(shown)}"' in r.text
                assert 'id="hasil-kosong"' in r.text or 'role="alert"' in r.text
            assert _kunci(r.text) == []

        check()
