"""Trails and signing through the service: each official with their own account, key and
secret; the same step attempted by 8 clients at once on a real uvicorn."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from naskah.trail.pelaksana import DaftarPelaksana
from tests.helpers import EXAMPLES
from tests.serve_support import add_user, db_for, in_process, running
from tests.trail_keys import PASSPHRASE, ROSTER, SESMENKO, TrailPki

pytestmark = pytest.mark.serve
KARO = "197005151995031001"
SECRET = {"jenis": "pkcs12", "passphrase": PASSPHRASE}
STEP1: dict[str, Any] = {
    "oleh": SESMENKO, "mulai": "2026-11-24T08:00+07:00", "selesai": "2026-11-24T08:10+07:00",
    "dokumen": {"disposisi-sesmenko": json.loads((EXAMPLES / "disposisi.json").read_text())},
    "kunci": SECRET}
PROGRAM = EXAMPLES / "trail" / "lampiran" / "program-kerja-2027.txt"


def _accounts(db: str) -> dict[str, dict[str, str]]:
    return {p.nip: add_user(db, f"pejabat-{p.nip}", "pejabat", nip=p.nip)
            for p in DaftarPelaksana.model_validate(ROSTER).orang() if p.nip}


def _enrol(client: Any, keys: TrailPki, auth: dict[str, dict[str, str]]) -> None:
    for nip, headers in auth.items():
        r = client.post("/v1/kunci", files={"p12": ("k.p12", keys.pki.p12[nip].read_bytes())},
                        data={"passphrase": PASSPHRASE}, headers=headers)
        assert r.status_code == 201, r.text
        assert r.json()["penandatangan"]["nip"] == nip and "passphrase" not in r.text


def _step1(client: Any, trail: str, headers: dict[str, str], body: dict[str, Any] = STEP1
           ) -> Any:
    return client.post(f"/v1/trail/{trail}/langkah/1", data={"data": json.dumps(body)},
                       files={"program-kerja": (PROGRAM.name, PROGRAM.read_bytes())},
                       headers=headers)


def test_trail_signed_by_each_official(tmp_path: Path, trail_pki: TrailPki) -> None:
    db = f"sqlite:///{tmp_path / 'n.db'}"
    with in_process(tmp_path / "data", db, trust=(trail_pki.ca,)) as client:
        auth = _accounts(db)
        operator = add_user(db, "op", "operator")
        _enrol(client, trail_pki, auth)
        # enrolling another official's key is refused
        r = client.post("/v1/kunci", files={"p12": ("k.p12",
                                                    trail_pki.pki.p12[KARO].read_bytes())},
                        data={"passphrase": PASSPHRASE}, headers=auth[SESMENKO])
        assert r.status_code == 403
        start = {"pelaksana": ROSTER, "oleh": SESMENKO, "kunci": SECRET}
        assert client.post("/v1/trail", json=start, headers=operator).status_code == 403
        assert client.post("/v1/trail", json=start, headers=auth[KARO]).status_code == 403
        r = client.post("/v1/trail", json=start, headers=auth[SESMENKO])
        assert r.status_code == 201, r.text
        trail = r.json()["id"]
        assert r.json()["status"]["next"]["step"] == 1
        # Karo's account may not perform the Sesmenko's step, whatever it sends
        assert _step1(client, trail, auth[KARO]).status_code == 403
        assert _step1(client, trail, auth[KARO], {**STEP1, "oleh": KARO}).status_code == 409
        # a wrong passphrase writes nothing and never echoes the secret
        wrong = {**STEP1, "kunci": {"jenis": "pkcs12", "passphrase": "salah-sekali-123"}}
        r = _step1(client, trail, auth[SESMENKO], wrong)
        assert r.status_code == 422 and "salah-sekali-123" not in r.text
        assert client.get(f"/v1/trail/{trail}", headers=operator).json()["entries"] == []
        r = _step1(client, trail, auth[SESMENKO])
        assert r.status_code == 201, r.text
        entry = r.json()
        assert entry["step"] == 1 and entry["pelaksana"]["nip"] == SESMENKO
        status = client.get(f"/v1/trail/{trail}", headers=operator).json()
        assert [e["step"] for e in status["entries"]] == [1]
        assert status["next"]["step"] == 2 and "berkas" not in status
        due = status["tenggat"]
        from datetime import datetime

        from naskah.sop.model import Sop

        sop = Sop.tata_kelola_data()
        assert due["step"] == 2 and due["sejak"] == status["entries"][0]["selesai"]
        assert due["standar_menit"] == sop.waktu_menit(sop.langkah_ke(2))
        worked = sop.jam_kerja.menit_kerja(datetime.fromisoformat(due["sejak"]),
                                           datetime.fromisoformat(due["batas"]))
        assert round(worked, 3) == due["standar_menit"] and due["terlambat"] is True
        check = client.get(f"/v1/trail/{trail}/verifikasi", headers=operator).json()
        assert check == {"utuh": True, "status": "intact", "langkah": 1,
                         "hash_akhir": entry["hash"], "masalah": []}
        docx = client.get(f"/v1/trail/{trail}/dokumen/01-disposisi-sesmenko.docx",
                          headers=operator)
        assert docx.status_code == 200 and docx.content[:2] == b"PK"
        assert client.get(f"/v1/trail/{trail}/dokumen/..%2Fledger.json",
                          headers=operator).status_code == 404


@pytest.mark.pdf
def test_sign_and_verify_a_pdf(tmp_path: Path, trail_pki: TrailPki, soffice: str) -> None:
    db = f"sqlite:///{tmp_path / 'n.db'}"
    with in_process(tmp_path / "data", db, trust=(trail_pki.ca,),
                    url_publik="https://naskah.contoh.go.id") as client:
        auth = _accounts(db)
        operator = add_user(db, "op", "operator")
        _enrol(client, trail_pki, {KARO: auth[KARO]})
        nodin = json.loads((EXAMPLES / "nota-dinas.json").read_text())
        pdf = client.post("/v1/dokumen/nota-dinas?format=pdf", json=nodin, headers=operator)
        assert pdf.status_code == 200
        signed = client.post("/v1/tanda-tangan", files={"pdf": ("nodin.pdf", pdf.content)},
                             data={"kunci": json.dumps(SECRET), "doc_id": "uji-1"},
                             headers=auth[KARO])
        assert signed.status_code == 200, signed.text
        # someone else's account cannot sign with the Karo's enrolled key
        other = client.post("/v1/tanda-tangan", files={"pdf": ("nodin.pdf", pdf.content)},
                            data={"kunci": json.dumps(SECRET)}, headers=auth[SESMENKO])
        assert other.status_code == 422  # no key enrolled for that NIP
        report = client.post("/v1/verifikasi", files={"berkas": ("ttd.pdf", signed.content)},
                             headers=operator).json()
        assert report["ok"] is True
        (sig,) = report["signatures"]
        assert sig["penandatangan"]["nip"] == KARO and sig["trusted"] and sig["intact"]
        from naskah.tte.verify import verify_pdf

        assert verify_pdf(signed.content, None).signatures[0].intact  # pyHanko agrees
        tampered = bytearray(signed.content)
        at = tampered.index(b"NOTA DINAS") if b"NOTA DINAS" in tampered else len(tampered) // 3
        tampered[at] ^= 0x01
        bad = client.post("/v1/verifikasi", files={"berkas": ("x.pdf", bytes(tampered))},
                          headers=operator).json()
        assert bad["ok"] is False


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_eight_clients_same_step(tmp_path: Path, trail_pki: TrailPki, backend: str) -> None:
    db = db_for(backend, tmp_path)
    auth = _accounts(db)
    with running(tmp_path / "data", db, NASKAH_SERVE_WORKER="0",
                 NASKAH_TRUST=str(trail_pki.ca)) as server:
        with httpx.Client(base_url=server.url, timeout=120) as c:
            _enrol(c, trail_pki, auth)
            r = c.post("/v1/trail", json={"pelaksana": ROSTER, "oleh": SESMENKO,
                                          "kunci": SECRET}, headers=auth[SESMENKO])
            assert r.status_code == 201, r.text
            trail = r.json()["id"]

        def attempt(_: int) -> int:
            with httpx.Client(base_url=server.url, timeout=120) as c:
                return int(_step1(c, trail, auth[SESMENKO]).status_code)

        with ThreadPoolExecutor(8) as pool:
            codes = sorted(pool.map(attempt, range(8)))
        assert codes == [201] + [409] * 7
        with httpx.Client(base_url=server.url, timeout=120, headers=auth[SESMENKO]) as c:
            check = c.get(f"/v1/trail/{trail}/verifikasi").json()
    assert check["utuh"] is True and check["langkah"] == 1


def test_deadline_counts_office_hours() -> None:
    from datetime import datetime, timedelta, timezone

    from naskah.serve.tenggat import tambah_menit_kerja
    from naskah.sop.jam_kerja import JamKerja

    wib = timezone(timedelta(hours=7))
    friday = datetime(2026, 11, 27, 15, 55, tzinfo=wib)
    assert tambah_menit_kerja(JamKerja(), friday, 35) == datetime(2026, 11, 30, 8, 0,
                                                                  tzinfo=wib)
    assert tambah_menit_kerja(JamKerja(), friday, 5) == datetime(2026, 11, 27, 16, 0,
                                                                 tzinfo=wib)
    saturday = datetime(2026, 11, 28, 10, 0, tzinfo=wib)  # counted from Monday's start
    assert tambah_menit_kerja(JamKerja(), saturday, 510) == datetime(2026, 11, 30, 16, 0,
                                                                     tzinfo=wib)
