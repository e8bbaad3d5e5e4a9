"""The public verification page: what the QR code of a letter signed through the service
opens, "Cocokkan dokumen", Rahasia letters, replaced and revoked letters, rate limit
and timing (in-process; the browser tests drive the same pages in Chromium)."""

from __future__ import annotations

import hashlib
import io
import json
import re
import statistics
import time
from pathlib import Path

import pytest
from pypdf import PdfWriter
from sqlalchemy import select

from naskah.serve.halaman import catatan
from naskah.serve.layanan import open_database
from naskah.serve.tabel import tanda_tangan as t_ttd
from naskah.trail import Trail
from tests import trail_api
from tests.halaman_support import KETERANGAN, pejabat, tanda_tangan, token_of
from tests.serve_support import add_user, in_process
from tests.trail_keys import TrailPki
from tests.tte_helpers import KARO, surat_pdf

pytestmark = pytest.mark.serve
URL = "https://naskah.kemenko.go.id"


def _text(html: str) -> str:
    """The page's visible text, whitespace collapsed."""
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def test_signed_letter_page_shows_asli(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'n.db'}"
    with in_process(tmp_path / "data", db, url_publik=URL) as client:
        who = pejabat(client, db, tmp_path / "pki")
        signed, url = tanda_tangan(client, who, KETERANGAN)
        assert url.startswith(f"{URL}/v/")
        token = token_of(url)
        r = client.get(f"/v/{token}")
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
        assert r.headers["referrer-policy"] == "no-referrer"
        assert "script-src 'self'" in r.headers["content-security-policy"]
        text = _text(r.text)
        for expected in ("Status: ASLI — sah dan berlaku", "Jenis naskah Nota Dinas",
                         "Nomor B-12/Ses.PO/OT.01/11/2026", "Tanggal 25 November 2026",
                         "Hal Penyampaian Data Triwulan III",
                         f"Penanda tangan {KARO.nama} {KARO.jabatan}",
                         "WIB menurut jam penanda tangan",
                         f"SHA-256 dokumen {hashlib.sha256(signed).hexdigest()}",
                         "Penerbit sertifikat", "layanan verifikasi"):
            assert expected in text, expected
        from cryptography.x509.oid import NameOID

        ca = who.pki.ca.cert.subject
        cn, org = (str(ca.get_attributes_for_oid(oid)[0].value)
                   for oid in (NameOID.COMMON_NAME, NameOID.ORGANIZATION_NAME))
        assert f"Penerbit sertifikat {cn}, {org}" in text
    # the table holds the token's hash, never the token
    engine = open_database(db)
    rows = engine.connect().execute(select(t_ttd)).all()
    engine.dispose()
    assert len(rows) == 1 and rows[0].token_sha256 == catatan.sidik(token)
    assert token not in repr(rows[0])


def test_cocokkan_says_why(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'n.db'}"
    with in_process(tmp_path / "data", db, url_publik=URL) as client:
        who = pejabat(client, db, tmp_path / "pki")
        signed, url = tanda_tangan(client, who, KETERANGAN)
        token = token_of(url)
        other, _ = tanda_tangan(client, who, {**KETERANGAN, "nomor": "B-13/Ses.PO/2026"})

        def check(data: bytes) -> str:
            r = client.post(f"/v/{token}/cocokkan", files={"berkas": ("x.pdf", data)})
            assert r.status_code == 200, r.text
            found = re.search(r'class="hasil[^"]*" role="status">([^<]+)<', r.text)
            assert found, r.text
            return found.group(1)

        assert check(signed).startswith("Cocok: berkas ini adalah dokumen asli yang terdaftar")
        # one byte of the signed content changed ("Hal" -> "Hak")
        at = signed.index(b"(Hal: Surat Uji TTE)")
        tampered = signed[:at + 3] + b"k" + signed[at + 4:]
        assert "isinya diubah setelah ditandatangani" in check(tampered)
        # a page appended after signing (an incremental update)
        writer = PdfWriter(io.BytesIO(signed), incremental=True)
        writer.add_blank_page(595, 842)
        out = io.BytesIO()
        writer.write(out)
        assert "ditambahkan ke berkas setelah ditandatangani" in check(out.getvalue())
        # another letter validly signed, but not the one this QR belongs to
        assert "bukan dokumen asli yang terdaftar" in check(other)
        assert check(surat_pdf()) == ("Tidak cocok: berkas ini tidak memuat tanda tangan "
                                      "elektronik.")
        assert check(b"PK\x03\x04 not a pdf") == "Tidak cocok: berkas yang diunggah bukan PDF."
        # the upload is never stored: nothing new under the service's data folder
        assert not any(tampered in p.read_bytes() for p in (tmp_path / "data").rglob("*")
                       if p.is_file())


def test_rahasia_shows_only_who_and_when(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'n.db'}"
    with in_process(tmp_path / "data", db, url_publik=URL) as client:
        who = pejabat(client, db, tmp_path / "pki")
        for sifat in ("Rahasia", "Terbatas"):
            _, url = tanda_tangan(client, who, {**KETERANGAN, "sifat": sifat,
                                                "nomor": f"R-1/{sifat}",
                                                "hal": "Rencana Operasi Khusus"})
            text = _text(client.get(f"/v/{token_of(url)}").text)
            assert "ASLI" in text and f"Nomor R-1/{sifat}" in text and KARO.nama in text
            assert "WIB" in text and f"bersifat {sifat}" in text
            for hidden in ("Rencana Operasi Khusus", "Nota Dinas", "SHA-256", "25 November"):
                assert hidden not in text, (sifat, hidden)


def test_replaced_and_revoked(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'n.db'}"
    with in_process(tmp_path / "data", db, url_publik=URL) as client:
        who = pejabat(client, db, tmp_path / "pki")
        first, url1 = tanda_tangan(client, who, KETERANGAN)
        _, url2 = tanda_tangan(client, who, {**KETERANGAN, "hal": "Perbaikan"})
        assert "Status: TIDAK BERLAKU" in _text(client.get(f"/v/{token_of(url1)}").text)
        assert "Status: ASLI" in _text(client.get(f"/v/{token_of(url2)}").text)
        r = client.post(f"/v/{token_of(url1)}/cocokkan", files={"berkas": ("a.pdf", first)})
        assert "TIDAK BERLAKU lagi karena telah diganti" in r.text
        engine = open_database(db)
        assert catatan.cabut(engine, token_of(url2), "Salah alamat tujuan")
        assert not catatan.cabut(engine, "tidak-ada", "x")
        engine.dispose()
        text = _text(client.get(f"/v/{token_of(url2)}").text)
        assert "Status: DICABUT" in text and "Salah alamat tujuan" in text
        r = client.get("/v/AAAAAAAAAAAAAAAAAAAAAA")
        assert r.status_code == 404 and "Status: TIDAK DITEMUKAN" in _text(r.text)
        assert "Cocokkan" not in r.text  # nothing to compare with, no form


def test_wrong_and_revoked_tokens_take_the_same_time(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'n.db'}"
    with in_process(tmp_path / "data", db, url_publik=URL, halaman_per_menit=10_000) as client:
        who = pejabat(client, db, tmp_path / "pki")
        _, url = tanda_tangan(client, who, KETERANGAN)
        revoked = token_of(url)
        engine = open_database(db)
        catatan.cabut(engine, revoked, "uji")
        engine.dispose()

        def median(token: str) -> float:
            times = []
            for _ in range(15):
                t0 = time.perf_counter()
                assert client.get(f"/v/{token}").status_code in (200, 404)
                times.append(time.perf_counter() - t0)
            return statistics.median(times)

        wrong = catatan.token_baru()
        a, b = median(wrong), median(revoked)
        # both answers wait for the same floor; what differs is far below it
        assert a >= 0.05 and b >= 0.05
        assert abs(a - b) < 0.02, (a, b)


def test_rate_limit_per_client(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'n.db'}"
    with in_process(tmp_path / "data", db, halaman_per_menit=5) as client:
        codes = [client.get(f"/v/{catatan.token_baru()}").status_code for _ in range(7)]
        assert codes == [404] * 5 + [429] * 2
        r = client.get("/v/x")
        assert int(r.headers["retry-after"]) >= 1 and "Terlalu banyak" in r.text


def test_without_url_publik_no_placeholder_host(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'n.db'}"
    with in_process(tmp_path / "data", db) as client:
        who = pejabat(client, db, tmp_path / "pki")
        r = client.post("/v1/tanda-tangan", headers=who.headers,
                        data={"kunci": '{"jenis": "pkcs12", "passphrase": "uji-rahasia-123"}'},
                        files={"pdf": ("a.pdf", surat_pdf())})
        assert r.status_code == 200
        assert "url_publik" in r.headers["x-naskah-peringatan"]
        assert b"example.go.id" not in r.content and "x-naskah-verifikasi" not in r.headers


def test_keterangan_is_checked(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'n.db'}"
    with in_process(tmp_path / "data", db, url_publik=URL) as client:
        who = pejabat(client, db, tmp_path / "pki")
        r = client.post("/v1/tanda-tangan", headers=who.headers,
                        data={"kunci": '{"jenis": "pkcs12", "passphrase": "uji-rahasia-123"}',
                              "keterangan": '{"sifat": "Amat Rahasia"}'},
                        files={"pdf": ("a.pdf", surat_pdf())})
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "keterangan.sifat"


@pytest.mark.pdf
def test_trail_signed_original_opens_its_page(tmp_path: Path, trail_pki: TrailPki,
                                              soffice: str) -> None:
    """Step 10 (Karo signs the undangan) through the service: the QR of the signed
    original, read from a 150 dpi image of its page, opens a page saying ASLI."""
    db = f"sqlite:///{tmp_path / 'n.db'}"
    with in_process(tmp_path / "data", db, url_publik=URL, trust=(trail_pki.ca,)) as client:
        auth = trail_api.accounts(db)
        trail_api.enrol(client, trail_pki, auth)
        trail = trail_api.start(client, auth)
        for n in range(1, 11):
            r = trail_api.perform(client, trail, n, auth)
            assert r.status_code == 201, (n, r.text)
        asli = r.json()["asli"]
        assert [a["kode"] for a in asli] == ["undangan-rapat"]
        operator = add_user(db, "op", "operator")
        pdf = client.get(f"/v1/trail/{trail}/dokumen/10-undangan-rapat.pdf", headers=operator)
        codes = trail_api.qr_codes(pdf.content, tmp_path / "qr")
        assert len(codes) == 1 and codes[0].startswith(f"{URL}/v/"), codes
        path = codes[0][len(URL):]
        text = _text(client.get(path).text)
        nomor = re.search(r"Nomor (\S+)", text)
        assert "Status: ASLI — sah dan berlaku" in text and "Jenis naskah Undangan" in text
        assert nomor and nomor.group(1) != "-"
        assert f"SHA-256 dokumen {hashlib.sha256(pdf.content).hexdigest()}" in text
        assert "Penanda tangan Agus Setiawan" in text
        r = client.post(f"{path}/cocokkan", files={"berkas": ("u.pdf", pdf.content)})
        assert "Cocok: berkas ini adalah dokumen asli" in r.text
        # a short URL (the token only), so that a 150 dpi scan of the small stamp reads
        assert len(token_of(codes[0])) == 22 and len(codes[0]) == len(URL) + 3 + 22


@pytest.mark.pdf
def test_cli_trail_with_register_is_verifiable_on_the_service(
        tmp_path: Path, trail_pki: TrailPki, soffice: str,
        capsys: pytest.CaptureFixture[str]) -> None:
    """`trail do` on a trail whose register is the service's database: the signed
    original's QR (read at 150 dpi) opens ASLI on a service sharing that database."""
    from naskah.cli import main as cli
    from tests.trail_keys import cli_init_args, key_args

    db = f"sqlite:///{tmp_path / 'bersama.db'}"
    folder = tmp_path / "berkas"
    assert cli(["trail", "init", str(folder), *cli_init_args(trail_pki, tmp_path),
                "--db", db, "--mulai", "2026-11-24T07:55+07:00"]) == 0
    data = Path(__file__).parent.parent / "examples" / "data" / "trail"
    for n in range(1, 11):
        oleh = json.loads((data / f"langkah-{n:02d}.json").read_text())["oleh"]
        assert cli(["trail", "do", str(folder), str(n), "--data",
                    str(data / f"langkah-{n:02d}.json"), "--url-publik", URL,
                    *key_args(trail_pki, oleh)]) == 0, n
    out = capsys.readouterr().out
    assert f"verification: {URL}/v/" in out
    pdf = (folder / "dokumen" / "10-undangan-rapat.pdf").read_bytes()
    codes = trail_api.qr_codes(pdf, tmp_path / "qr")
    assert len(codes) == 1 and codes[0].startswith(f"{URL}/v/") and codes[0] in out
    with in_process(tmp_path / "data", db, url_publik=URL) as client:
        text = _text(client.get(codes[0][len(URL):]).text)
        assert "Status: ASLI — sah dan berlaku" in text and "Jenis naskah Undangan" in text
        assert f"SHA-256 dokumen {hashlib.sha256(pdf).hexdigest()}" in text
    assert Trail.open(folder).verify().utuh


def test_upload_over_the_cap_is_refused(tmp_path: Path) -> None:
    from naskah.serve.halaman.publik import MAX_UNGGAH
    from naskah.serve.settings import Batas

    db = f"sqlite:///{tmp_path / 'n.db'}"
    with in_process(tmp_path / "data", db, url_publik=URL) as client:
        who = pejabat(client, db, tmp_path / "pki")
        _, url = tanda_tangan(client, who, KETERANGAN)
        big = b"%PDF-1.7\n" + b"0" * MAX_UNGGAH
        r = client.post(f"/v/{token_of(url)}/cocokkan", files={"berkas": ("b.pdf", big)})
        assert r.status_code == 413 and "lebih besar dari 20 MB" in r.text
    # past the service's body cap the request is cut off as it streams in
    with in_process(tmp_path / "data2", db, batas=Batas(unggah=1_000_000)) as client:
        r = client.post(f"/v/{token_of(url)}/cocokkan", files={"berkas": ("b.pdf", big)})
        assert r.status_code == 413
    assert not [p for p in (tmp_path / "data").rglob("*") if p.is_file()
                and p.stat().st_size >= MAX_UNGGAH]
