"""Konsep in a real Chromium against a real ``naskah serve`` on 127.0.0.1: a nota dinas
filled from the example, its hal typed, "Simpan konsep"; the list (axe-core finds
nothing serious, at desktop and at 360 px), "Buka" with the same hal, saved again as
version 2, then "Hapus" after its confirmation page."""

from __future__ import annotations

from pathlib import Path

import pytest

from naskah.serve import konsep
from naskah.serve.layanan import open_database
from tests.browser_support import (
    DESKTOP,
    PONSEL,
    axe_serious,
    browser,
    no_horizontal_scroll,
    screenshot,
    server,
)
from tests.test_browser_agenda import _login
from tests.test_halaman_agenda import accounts

pytestmark = [pytest.mark.browser, pytest.mark.serve]
HAL = "Rapat <Koordinasi> & Evaluasi \"Data\" Triwulan IV"


def _stored(db: str) -> list[konsep.Ringkasan]:
    engine = open_database(db)
    try:
        return konsep.daftar(engine)
    finally:
        engine.dispose()


def test_konsep_in_the_browser(tmp_path: Path) -> None:
    with browser() as chromium, server(tmp_path) as srv:
        accounts(srv.db)
        context = chromium.new_context(viewport=DESKTOP)
        page = context.new_page()
        _login(page, srv.url, "operator1")
        page.get_by_role("link", name="Buat naskah").first.click()
        page.get_by_role("link", name="Nota Dinas diisi contoh").click()
        page.locator("#f-hal").fill(HAL)
        page.get_by_role("button", name="Simpan konsep", exact=True).click()
        page.wait_for_url(f"{srv.url}/konsol/konsep/1?pesan=disimpan")
        assert page.get_by_role("status").inner_text() == "Konsep disimpan (versi 1)."

        page.get_by_role("link", name="Konsep", exact=True).click()
        page.wait_for_url(f"{srv.url}/konsol/konsep")
        row = page.locator("#konsep-1").inner_text()
        for text in ("Nota Dinas", HAL, "operator1", "versi 1"):
            assert text in row, text
        assert axe_serious(page) == []
        screenshot(page, "konsol-konsep")
        page.set_viewport_size(PONSEL)
        assert axe_serious(page) == [] and no_horizontal_scroll(page)
        screenshot(page, "konsol-konsep-ponsel")
        page.set_viewport_size(DESKTOP)

        page.get_by_role("link", name=f"Buka konsep 1: {HAL}").click()
        assert page.locator("#f-hal").input_value() == HAL
        page.locator("#f-hal").fill(HAL + " (revisi)")
        page.get_by_role("button", name="Simpan konsep", exact=True).click()
        page.wait_for_url(f"{srv.url}/konsol/konsep/1?pesan=disimpan")
        assert page.get_by_role("status").inner_text() == "Konsep disimpan (versi 2)."
        assert [(k.id, k.versi, k.hal) for k in _stored(srv.db)] == [(1, 2, HAL + " (revisi)")]

        page.goto(f"{srv.url}/konsol/konsep")
        page.get_by_role("link", name=f"Hapus konsep 1: {HAL} (revisi)").click()
        assert page.locator("h1").inner_text() == "Hapus konsep?"
        assert axe_serious(page) == []
        page.get_by_role("button", name="Ya, hapus konsep ini").click()
        page.wait_for_url(f"{srv.url}/konsol/konsep?pesan=dihapus")
        assert page.get_by_role("status").inner_text() == "Konsep dihapus."
        assert "Belum ada konsep." in page.locator("table").inner_text()
        assert _stored(srv.db) == []
        context.close()
