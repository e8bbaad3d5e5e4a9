"""The Tata Kelola Data trail performed in Chromium through the console, each step by
its official's own account, signing with the passphrase typed on the page; the QR of
the signed nota dinas opens its public page (ASLI); the berkas is sealed and whole."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from naskah.serve import akun
from naskah.serve.halaman.tampilan import WIB
from naskah.serve.layanan import open_database
from naskah.trail.pelaksana import DaftarPelaksana
from tests import trail_api
from tests.browser_support import DESKTOP, PONSEL, axe_serious, browser, keep, screenshot, server
from tests.test_halaman_konsol import PASSWORD
from tests.trail_keys import PASSPHRASE, ROSTER, TrailPki

pytestmark = [pytest.mark.browser, pytest.mark.serve, pytest.mark.pdf]
LANGKAH = int(__import__("os").environ.get("NASKAH_UJI_LANGKAH", "14"))
"""How many of the 14 steps to perform in the browser (all by default)."""


def _officials(db: str) -> tuple[dict[str, dict[str, str]], dict[str, str]]:
    """A pejabat account with a password per official: API headers and account names."""
    engine = open_database(db)
    headers, names = {}, {}
    try:
        for p in DaftarPelaksana.model_validate(ROSTER).orang():
            if p.nip:
                names[p.nip] = f"pejabat-{p.nip}"
                _u, token = akun.tambah(engine, names[p.nip], "pejabat", nip=p.nip,
                                        password=PASSWORD)
                headers[p.nip] = {"Authorization": f"Bearer {token}"}
    finally:
        engine.dispose()
    return headers, names


def _login(context: Any, url: str, nama: str) -> Any:
    page = context.new_page()
    page.goto(f"{url}/konsol/masuk")
    page.get_by_label("Nama pengguna").fill(nama)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"{url}/konsol")
    return page


def _perform(page: Any, url: str, trail: str, n: int, tmp: Path) -> None:
    body, files = trail_api.step_input(n)
    page.goto(f"{url}/konsol/trail/{trail}")
    assert page.locator("#langkah-judul").inner_text() == f"Laksanakan langkah {n}"
    for kode, doc in body.get("dokumen", {}).items():
        page.locator(f"#dokumen-{kode}").fill(json.dumps(doc, ensure_ascii=False))
    for kode, (name, data) in files.items():
        path = tmp / f"{n:02d}-{name}"
        path.write_bytes(data)
        page.set_input_files(f"#lampiran-{kode}", str(path))
    for kode, text in body.get("tindakan", {}).items():
        page.locator(f"#tindakan-{kode}").fill(text)
    for name in ("mulai", "selesai"):  # the example's times, as a datetime-local in WIB
        if body.get(name):
            when = datetime.fromisoformat(body[name]).astimezone(WIB)
            page.locator(f"#{name}").fill(when.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Passphrase kunci tanda tangan Anda").fill(PASSPHRASE)
    page.get_by_role("button", name="Laksanakan dan tandatangani").click()
    answer = page.locator("#hasil-langkah").inner_text(timeout=120_000)
    assert answer.startswith(f"Langkah {n} tercatat"), (n, answer)


def test_trail_through_the_console(tmp_path: Path, trail_pki: TrailPki) -> None:
    with browser() as chromium, server(tmp_path, NASKAH_TRUST=str(trail_pki.ca)) as srv, \
            httpx.Client(base_url=srv.url, timeout=120) as api:
        headers, names = _officials(srv.db)
        trail_api.enrol(api, trail_pki, headers)
        trail = trail_api.start(api, headers)
        pages: dict[str, Any] = {}
        for n in range(1, LANGKAH + 1):
            oleh = trail_api.step_input(n)[0]["oleh"]
            if oleh not in pages:
                pages[oleh] = _login(chromium.new_context(viewport=DESKTOP), srv.url,
                                     names[oleh])
            page = pages[oleh]
            if n == 2:
                # the list puts the steps waiting for this official first
                page.goto(f"{srv.url}/konsol/trail")
                first = page.locator("tbody tr").first
                assert "menunggu Anda" in first.inner_text()
                assert axe_serious(page) == []
                keep(screenshot(page, "konsol-trail-daftar"), "konsol-trail-daftar.png")
            _perform(page, srv.url, trail, n, tmp_path)
            if n == 1:
                assert axe_serious(page) == []
                screenshot(page, "konsol-trail-langkah")
        page.goto(f"{srv.url}/konsol/trail/{trail}?periksa=1")
        verdict = page.locator("#hasil-verifikasi").inner_text()
        assert verdict.startswith(f"Utuh: {LANGKAH} langkah"), verdict
        if LANGKAH == 14:
            assert page.locator("#status-langkah").inner_text().startswith("Selesai: 14")
            page.get_by_label("Passphrase kunci tanda tangan Anda").fill(PASSPHRASE)
            with page.expect_download(timeout=300_000) as download:
                page.get_by_role("button", name="Segel dan unduh berkas PDF").click()
            sealed = Path(download.value.path()).read_bytes()
            from naskah.tte.trust import TrustStore
            from naskah.tte.verify import verify_pdf

            # pyHanko runs its own event loop: not in this thread, where Playwright's runs
            with ThreadPoolExecutor(1) as pool:
                seal = pool.submit(verify_pdf, sealed,
                                   TrustStore.from_files([trail_pki.ca])).result()
            assert seal.ok, [s.problems for s in seal.signatures]
            # the signed nota dinas: its QR (150 dpi) opens ASLI in a phone's browser
            pdf = api.get(f"/v1/trail/{trail}/dokumen/14-nodin-pengantar.pdf",
                          headers=headers[trail_api.step_input(14)[0]["oleh"]]).content
            codes = trail_api.qr_codes(pdf, tmp_path / "qr")
            assert len(codes) == 1 and codes[0].startswith(f"{srv.url}/v/")
            phone = chromium.new_page(viewport=PONSEL)
            phone.goto(codes[0])
            assert phone.locator(".status h2").inner_text() == "Status: ASLI — sah dan berlaku"
            assert "Nota Dinas" in phone.locator("main").inner_text()
