"""The pages in a real Chromium against a real ``naskah serve`` on 127.0.0.1: the QR of a
letter signed through the service, read from a 150 dpi image, opens ASLI; a tampered
upload says why; a Rahasia letter hides its hal; a phone's 360 px; the console's
login, CSRF refusal and lock-out; axe-core finds nothing serious."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests import trail_api
from tests.browser_support import (
    DESKTOP,
    PONSEL,
    axe_serious,
    keep,
    no_horizontal_scroll,
    screenshot,
    server,
)
from tests.halaman_support import KETERANGAN, pejabat, tanda_tangan
from tests.serve_support import add_user
from tests.test_halaman_konsol import PASSWORD
from tests.tte_helpers import KARO, surat_pdf

pytestmark = [pytest.mark.browser, pytest.mark.serve]


def test_qr_of_a_signed_letter_opens_asli(tmp_path: Path, chromium: Any) -> None:
    with server(tmp_path) as srv, httpx.Client(base_url=srv.url, timeout=60) as api:
        who = pejabat(api, srv.db, tmp_path / "pki")
        signed, header_url = tanda_tangan(api, who, KETERANGAN, surat_pdf(
            "Ditandatangani secara elektronik pada"))
        codes = trail_api.qr_codes(signed, tmp_path / "qr")
        assert codes == [header_url] and codes[0].startswith(f"{srv.url}/v/")
        page = chromium.new_page(viewport=DESKTOP)
        page.goto(codes[0])
        status = page.locator(".status h2").inner_text()
        assert status == "Status: ASLI — sah dan berlaku"
        body = page.locator("main").inner_text()
        for text in ("B-12/Ses.PO/OT.01/11/2026", "25 November 2026", KARO.nama,
                     "Penyampaian Data Triwulan III", "WIB"):
            assert text in body, text
        assert axe_serious(page) == []
        keep(screenshot(page, "verifikasi-desktop"), "verifikasi-desktop.png")

        # "Cocokkan dokumen": a byte of the signed content changed
        at = signed.index(b"(Hal: Surat Uji TTE)")
        tampered = signed[:at + 3] + b"k" + signed[at + 4:]
        (tmp_path / "diubah.pdf").write_bytes(tampered)
        (tmp_path / "asli.pdf").write_bytes(signed)
        page.set_input_files("#berkas", str(tmp_path / "diubah.pdf"))
        page.get_by_role("button", name="Cocokkan").click()
        answer = page.locator(".hasil").inner_text()
        assert answer.startswith("Tidak cocok") and "isinya diubah setelah ditandatangani" \
            in answer
        page.set_input_files("#berkas", str(tmp_path / "asli.pdf"))
        page.get_by_role("button", name="Cocokkan").click()
        assert page.locator(".hasil").inner_text().startswith("Cocok: berkas ini adalah")

        # a phone: 360 px wide, nothing scrolls sideways; print keeps the status, not the form
        phone = chromium.new_page(viewport=PONSEL)
        phone.goto(codes[0])
        assert no_horizontal_scroll(phone)
        assert phone.locator(".status h2").is_visible()
        keep(screenshot(phone, "verifikasi-360"), "verifikasi-360.png")
        assert axe_serious(phone) == []
        phone.emulate_media(media="print")
        assert phone.locator(".status h2").is_visible()
        assert not phone.locator("form").first.is_visible()
        screenshot(phone, "verifikasi-cetak")


def test_rahasia_hides_hal_and_unknown_token(tmp_path: Path, chromium: Any) -> None:
    with server(tmp_path) as srv, httpx.Client(base_url=srv.url, timeout=60) as api:
        who = pejabat(api, srv.db, tmp_path / "pki")
        _, url = tanda_tangan(api, who, {**KETERANGAN, "sifat": "Rahasia",
                                         "hal": "Rencana Pengamanan Khusus"})
        page = chromium.new_page(viewport=PONSEL)
        page.goto(url)
        body = page.locator("main").inner_text()
        assert "ASLI" in body and "Rahasia" in body and KARO.nama in body
        assert "Rencana Pengamanan Khusus" not in page.content()
        assert no_horizontal_scroll(page)
        page.goto(f"{srv.url}/v/AAAAAAAAAAAAAAAAAAAAAA")
        assert page.locator(".status h2").inner_text() == "Status: TIDAK DITEMUKAN"
        assert axe_serious(page) == []


def _login(page: Any, url: str, nama: str, password: str) -> None:
    page.goto(f"{url}/konsol/masuk")
    page.get_by_label("Nama pengguna").fill(nama)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()


def test_console_login_csrf_and_lock_out(tmp_path: Path, chromium: Any) -> None:
    from naskah.serve import akun
    from naskah.serve.layanan import open_database

    with server(tmp_path) as srv:
        engine = open_database(srv.db)
        for nama in ("operator1", "operator2"):
            akun.tambah(engine, nama, "operator", password=PASSWORD)
        engine.dispose()
        context = chromium.new_context(viewport=DESKTOP)
        page = context.new_page()
        page.goto(f"{srv.url}/konsol/masuk")
        assert axe_serious(page) == []
        keep(screenshot(page, "konsol-masuk"), "konsol-masuk.png")
        # the keyboard alone: tab to the fields, type, Enter
        page.keyboard.press("Tab")  # the skip link
        page.keyboard.press("Tab")
        page.keyboard.type("operator1")
        page.keyboard.press("Tab")
        page.keyboard.type(PASSWORD)
        page.keyboard.press("Enter")
        page.wait_for_url(f"{srv.url}/konsol")
        assert "Selamat datang, operator1" in page.locator("h1").inner_text()
        cookies = {c["name"]: c for c in context.cookies()}
        assert cookies["naskah_sesi"]["httpOnly"] and cookies["naskah_sesi"]["sameSite"] == \
            "Strict"
        assert page.evaluate("document.cookie") == ""  # HttpOnly: no script reads it
        assert axe_serious(page) == []
        # a form whose CSRF token was tampered with does nothing
        page.evaluate("document.querySelector('form.keluar input[name=csrf]').value = 'x'")
        page.get_by_role("button", name="Keluar").click()
        assert "Formulir ditolak" in page.locator("h1").inner_text()
        page.goto(f"{srv.url}/konsol")
        assert "Selamat datang" in page.locator("h1").inner_text()  # still logged in
        page.get_by_role("button", name="Keluar").click()
        page.wait_for_url(f"{srv.url}/konsol/masuk")

        # five wrong passwords lock the account, even against the right one
        other = chromium.new_page(viewport=PONSEL)
        for _ in range(5):
            _login(other, srv.url, "operator2", "bukan-kata-sandinya")
            assert other.get_by_role("alert").inner_text() == \
                "Nama pengguna atau kata sandi salah."
        _login(other, srv.url, "operator2", PASSWORD)
        assert "dikunci sementara" in other.get_by_role("alert").inner_text()
        assert no_horizontal_scroll(other)
        screenshot(other, "konsol-terkunci-360")
        context.close()


def test_json_api_still_answers(tmp_path: Path) -> None:
    """The pages sit beside the API: its routes and problems are unchanged."""
    with server(tmp_path) as srv:
        headers = add_user(srv.db, "op", "operator")
        r = httpx.get(f"{srv.url}/v1/jenis", headers=headers)
        assert r.status_code == 200 and "nota-dinas" in json.dumps(r.json())
        assert httpx.get(f"{srv.url}/openapi.json").json()["paths"].get("/v/{token}") is None


def test_letter_from_the_form_equals_the_json(tmp_path: Path, chromium: Any) -> None:
    """The nota dinas example typed into the empty form, rows added with "Tambah baris"
    (no script on the page), saved as konsep: the DOCX text equals the JSON's."""
    import naskah
    from naskah.serve import akun
    from naskah.serve.halaman import formulir
    from naskah.serve.layanan import open_database
    from tests.helpers import docx_text, load_example, load_example_data

    data = load_example_data("nota-dinas")
    for path in ("logo", "lambang"):  # server paths are not on the form
        data.get("kop", {}).pop(path, None)
    flat = formulir.rata(data)
    with server(tmp_path) as srv:
        engine = open_database(srv.db)
        akun.tambah(engine, "operator1", "operator", password=PASSWORD)
        engine.dispose()
        context = chromium.new_context(viewport=DESKTOP, java_script_enabled=False)
        page = context.new_page()
        page.goto(f"{srv.url}/konsol/masuk")
        page.get_by_label("Nama pengguna").fill("operator1")
        page.get_by_label("Kata sandi").fill(PASSWORD)
        page.get_by_role("button", name="Masuk").click()
        page.goto(f"{srv.url}/konsol/naskah/nota-dinas")
        # as many rows as each list of the example holds
        lists: dict[str, int] = {}
        for path in flat:
            parts = path.split(".")
            for i, part in enumerate(parts):
                if part.isdigit():
                    key = ".".join(parts[:i])
                    lists[key] = max(lists.get(key, 0), int(part) + 1)
        for key, count in lists.items():
            while page.locator(f"[name='f.{key}.{count - 1}']").count() == 0:
                page.locator(f"button[value='tambah:{key}']").click()
        for path, value in flat.items():
            if page.locator(f"select[name='f.{path}']").count():
                page.locator(f"select[name='f.{path}']").select_option(str(value))
            else:
                page.locator(f"[name='f.{path}']").fill(str(value))
        keep(screenshot(page, "konsol-buat-naskah"), "konsol-buat-naskah.png")
        with page.expect_download() as download:
            page.get_by_role("button", name="Unduh konsep (DOCX)").click()
        made = Path(download.value.path()).read_bytes()
        assert docx_text(made) == docx_text(naskah.render(load_example("nota-dinas")))
        context.close()
        # with scripts on (axe-core runs as one), at a phone's width
        context = chromium.new_context(viewport=PONSEL)
        phone = context.new_page()
        phone.goto(f"{srv.url}/konsol/masuk")
        phone.get_by_label("Nama pengguna").fill("operator1")
        phone.get_by_label("Kata sandi").fill(PASSWORD)
        phone.get_by_role("button", name="Masuk").click()
        phone.goto(f"{srv.url}/konsol/naskah/nota-dinas?contoh=1")
        assert no_horizontal_scroll(phone)
        assert axe_serious(phone) == []
        screenshot(phone, "konsol-buat-naskah-360")
        context.close()
