""""Cabut naskah" in a real Chromium against a real ``naskah serve`` on 127.0.0.1: the
signer finds his letter by nomor, revokes it with a reason and the confirmation, using
the keyboard-reachable form; the QR's page then says DICABUT; axe-core finds nothing
serious on the console page, at desktop and phone width."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.browser_support import (
    DESKTOP,
    PONSEL,
    axe_serious,
    no_horizontal_scroll,
    screenshot,
    server,
)
from tests.halaman_support import KETERANGAN, pejabat, tanda_tangan
from tests.test_halaman_cabut import _password
from tests.test_halaman_konsol import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.serve]


def test_signer_revokes_in_the_browser(tmp_path: Path, chromium: Any) -> None:
    with server(tmp_path) as srv, httpx.Client(base_url=srv.url, timeout=60) as api:
        who = pejabat(api, srv.db, tmp_path / "pki")
        _, url = tanda_tangan(api, who, KETERANGAN)
        _password(srv.db, "karo")
        page = chromium.new_context(viewport=DESKTOP).new_page()
        page.goto(f"{srv.url}/konsol/masuk")
        page.get_by_label("Nama pengguna").fill("karo")
        page.get_by_label("Kata sandi").fill(PASSWORD)
        page.get_by_role("button", name="Masuk").click()
        page.get_by_role("link", name="Cabut naskah").click()
        page.get_by_label("Nomor naskah atau SHA-256").fill(KETERANGAN["nomor"])
        page.get_by_label("Nomor naskah atau SHA-256").press("Enter")
        section = page.locator("section.rekaman")
        assert section.count() == 1
        assert KETERANGAN["hal"] in section.inner_text()
        assert "ASLI" in section.locator(".status-rekaman").inner_text()
        assert axe_serious(page) == []
        screenshot(page, "cabut-desktop")
        # the browser itself refuses a form without reason or confirmation (required)
        page.get_by_role("button", name="Cabut", exact=True).click()
        assert page.url.endswith(f"q={KETERANGAN['nomor'].replace('/', '%2F')}")
        page.get_by_label("Alasan pencabutan").fill("Salah alamat tujuan")
        page.get_by_label("Saya yakin").check()
        page.get_by_role("button", name="Cabut", exact=True).click()
        assert "telah dicabut" in page.locator("#hasil-cabut").inner_text()
        status = page.locator(".status-rekaman").inner_text()
        assert status.startswith("DICABUT") and "Salah alamat tujuan" in status
        assert page.get_by_role("button", name="Cabut", exact=True).count() == 0
        assert axe_serious(page) == []

        phone = chromium.new_context(viewport=PONSEL)
        phone.add_cookies(page.context.cookies())
        small = phone.new_page()
        small.goto(page.url)
        assert no_horizontal_scroll(small) and axe_serious(small) == []
        screenshot(small, "cabut-360")

        public = chromium.new_page(viewport=PONSEL)
        public.goto(url)
        assert public.locator(".status h2").inner_text() == "Status: DICABUT"
        body = public.locator("main").inner_text()
        assert "Salah alamat tujuan" in body and "Dicabut pada" in body
        assert axe_serious(public) == []
