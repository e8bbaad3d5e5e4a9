""""Agenda surat masuk" in a real Chromium against a real ``naskah serve`` on 127.0.0.1:
the secretariat registers a letter with its PDF scan (typed with the keyboard), downloads
the scan and the XLSX, records the head's disposisi; the official it went to logs in,
finds it and marks it done; a bad date names its field; a tampered CSRF token does
nothing; axe-core finds nothing serious on either page, at desktop and at 360 px."""

from __future__ import annotations

import io
from datetime import datetime, time
from pathlib import Path
from typing import Any

import pytest

from naskah.register import Register
from naskah.serve.layanan import open_database
from tests.browser_support import (
    DESKTOP,
    PONSEL,
    axe_serious,
    keep,
    no_horizontal_scroll,
    screenshot,
    server,
)
from tests.test_halaman_agenda import HARI_INI, accounts
from tests.test_halaman_konsol import PASSWORD
from tests.tte_helpers import surat_pdf

pytestmark = [pytest.mark.browser, pytest.mark.serve]


def _login(page: Any, url: str, nama: str) -> None:
    page.goto(f"{url}/konsol/masuk")
    page.get_by_label("Nama pengguna").fill(nama)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"{url}/konsol")


def _focused(page: Any) -> str:
    return str(page.evaluate("document.activeElement.id"))


def test_agenda_in_the_browser(tmp_path: Path, chromium: Any) -> None:
    pdf = surat_pdf("Undangan rapat koordinasi")
    (tmp_path / "surat-kemendagri.pdf").write_bytes(pdf)
    agenda = f"1/{HARI_INI.year}"
    with server(tmp_path) as srv:
        accounts(srv.db)
        context = chromium.new_context(viewport=DESKTOP, accept_downloads=True)
        page = context.new_page()
        _login(page, srv.url, "operator1")
        page.get_by_role("link", name="Agenda surat masuk").first.click()
        page.wait_for_url(f"{srv.url}/konsol/agenda")
        assert "Belum ada surat masuk." in page.locator("table").inner_text()

        # a bad pair of dates: the field is named, what was typed stays
        page.get_by_label("Asal surat (pengirim)").fill("Kementerian Dalam Negeri")
        page.get_by_label("Nomor surat").fill("005/123/SJ")
        page.get_by_label("Tanggal surat").fill(HARI_INI.isoformat())
        page.get_by_label("Tanggal diterima").fill("2000-01-03")
        page.get_by_label("Hal", exact=True).fill("Undangan Rapat Koordinasi Data")
        page.get_by_role("button", name="Catat surat masuk").click()
        alert = page.get_by_role("alert").inner_text()
        assert "Surat belum dicatat" in alert and "diterima_tanggal" in alert
        assert page.locator("#galat-diterima_tanggal").inner_text().startswith(
            "diterima_tanggal: ")
        assert page.get_by_label("Nomor surat").input_value() == "005/123/SJ"
        assert page.locator("#diterima_tanggal").get_attribute("aria-invalid") == "true"
        assert Register(engine=open_database(srv.db)).agenda.daftar() == []

        # the keyboard alone for the form (the scan chosen as a file dialog would)
        page.get_by_label("Asal surat (pengirim)").fill("")
        page.get_by_label("Asal surat (pengirim)").focus()
        page.keyboard.type("Kementerian Dalam Negeri")
        page.keyboard.press("Tab")
        assert _focused(page) == "nomor_surat"
        page.keyboard.press("Tab")
        assert _focused(page) == "tanggal_surat"
        page.get_by_label("Tanggal diterima").fill(HARI_INI.isoformat())
        page.get_by_label("Hal", exact=True).focus()
        page.keyboard.press("Tab")
        assert _focused(page) == "sifat"
        page.get_by_label("Sifat (kecepatan)").select_option("Segera")
        page.set_input_files("#scan", str(tmp_path / "surat-kemendagri.pdf"))
        page.get_by_role("button", name="Catat surat masuk").focus()
        page.keyboard.press("Enter")
        page.wait_for_url(f"{srv.url}/konsol/agenda/1?pesan=dicatat")
        assert page.get_by_role("status").inner_text() == \
            f"Surat masuk dicatat dengan nomor agenda {agenda}."
        with page.expect_download() as download:
            page.get_by_role("link", name="Unduh scan (surat-kemendagri.pdf)").click()
        assert Path(download.value.path()).read_bytes() == pdf
        assert download.value.suggested_filename == "surat-kemendagri.pdf"

        # the head's disposisi, recorded by the secretariat: tick, type, Enter
        page.get_by_label("Dari (yang memberi disposisi)").select_option("kaban")
        page.get_by_label("karo (pejabat)").focus()
        page.keyboard.press("Space")
        assert page.get_by_label("karo (pejabat)").is_checked()
        page.get_by_label("Instruksi").focus()
        page.keyboard.type("Hadiri dan laporkan hasilnya")
        page.get_by_label("atau batas waktu dalam hari kerja").focus()
        page.keyboard.type("3")
        page.keyboard.press("Enter")
        page.wait_for_url("**/konsol/agenda/1?pesan=disposisi*")
        item = page.locator(".pohon li").first
        assert "kaban → karo" in item.inner_text() and "sisa 3 hari kerja" in item.inner_text()
        assert axe_serious(page) == []
        screenshot(page, "konsol-agenda-surat")

        # a tampered CSRF token: nothing is given
        page.evaluate("document.querySelector('form[action$=\"/disposisi\"] "
                      "input[name=csrf]').value = 'x'")
        page.get_by_label("Instruksi").fill("Tidak boleh tercatat")
        page.get_by_label("kabag (pejabat)").check()
        page.get_by_role("button", name="Beri disposisi").click()
        assert "Formulir ditolak" in page.locator("h1").inner_text()
        tree = Register(engine=open_database(srv.db)).disposisi.pohon(1)
        assert [(t.dari, t.kepada) for t in tree] == [("kaban", "karo")]

        # the buku agenda: the row, and the XLSX the API exports
        page.goto(f"{srv.url}/konsol/agenda")
        row = page.locator("tbody tr").first.inner_text()
        for text in (agenda, "Kementerian Dalam Negeri", "005/123/SJ", "Segera",
                     "1 disposisi: 1 belum dibaca"):
            assert text in row, text
        assert axe_serious(page) == []
        keep(screenshot(page, "konsol-agenda"), "konsol-agenda.png")
        with page.expect_download() as download:
            page.get_by_role("link", name="Unduh XLSX").click()
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
        assert sheet is not None
        # the book's layout: title rows, the header on row 4, the letter on row 5
        assert sheet["A4"].value == "No. Agenda"
        hari = datetime.combine(HARI_INI, time())
        assert [c.value for c in sheet[5]][:8] == [
            agenda, hari, "Kementerian Dalam Negeri", "005/123/SJ", hari,
            "Undangan Rapat Koordinasi Data", "Segera", "Biasa"]
        context.close()

        # the official it went to, on a phone: finds it, marks it done
        context = chromium.new_context(viewport=PONSEL)
        phone = context.new_page()
        _login(phone, srv.url, "karo")
        phone.goto(f"{srv.url}/konsol/agenda")
        assert no_horizontal_scroll(phone)
        assert axe_serious(phone) == []
        screenshot(phone, "konsol-agenda-360")
        phone.get_by_role("link", name=agenda).click()
        assert "Hadiri dan laporkan hasilnya" in phone.locator(".pohon").inner_text()
        phone.get_by_label("Catatan tindak lanjut (opsional)").fill("Sudah dihadiri")
        phone.get_by_role("button", name="Tandai selesai").click()
        assert phone.get_by_role("status").inner_text() == "Status disposisi diperbarui."
        text = phone.locator(".pohon").inner_text()
        assert "Status: selesai" in text and "Catatan: Sudah dihadiri" in text
        assert phone.get_by_role("button", name="Tandai selesai").count() == 0
        assert no_horizontal_scroll(phone)
        assert axe_serious(phone) == []
        screenshot(phone, "konsol-agenda-surat-360")
        context.close()
    tree = Register(engine=open_database(srv.db)).disposisi.pohon(1)
    assert [(t.kepada, t.status.value, t.catatan) for t in tree] == [
        ("karo", "selesai", "Sudah dihadiri")]
