"""``/v1/agenda`` for a pejabat's token: a Terbatas or Rahasia letter's hal, scan and
disposisi only when its disposisi passed through that account (the attack: reading them
with any token); and ``POST /v1/agenda/{id}/disposisi/{d}/status``, by the recipient or
the secretariat only, forward only."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from tests.serve_support import add_user, in_process
from tests.tte_helpers import KABAG, KARO, surat_pdf

pytestmark = pytest.mark.serve
HAL = "Rencana Pengamanan Khusus Gedung"
SURAT = {"pengirim": "Kementerian Pertahanan", "nomor_surat": "R-17/KH/2026",
         "tanggal_surat": "2026-11-20", "diterima_tanggal": "2026-11-23", "hal": HAL,
         "klasifikasi": "Rahasia"}


def _setup(client: Any, db: str) -> dict[str, dict[str, str]]:
    auth = {"op": add_user(db, "op", "operator"),
            "karo": add_user(db, "karo", "pejabat", nip=KARO.nip),
            "kabag": add_user(db, "kabag", "pejabat", nip=KABAG.nip)}
    r = client.post("/v1/agenda", data=SURAT, headers=auth["op"],
                    files={"scan": ("r.pdf", surat_pdf("Rahasia"), "application/pdf")})
    assert r.status_code == 201, r.text
    return auth


def _hal_xlsx(client: Any, headers: dict[str, str]) -> Any:
    r = client.get("/v1/agenda/ekspor.xlsx", headers=headers)
    assert r.status_code == 200
    sheet = load_workbook(io.BytesIO(r.content)).active
    assert sheet is not None
    return sheet["F5"].value  # the first row under the header (row 4)


def test_a_pejabat_reads_a_closed_letter_only_through_its_disposisi(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'n.db'}"
    with in_process(tmp_path / "data", db) as client:
        auth = _setup(client, db)
        # the secretariat sees everything
        assert client.get("/v1/agenda/1", headers=auth["op"]).json()["hal"] == HAL
        assert _hal_xlsx(client, auth["op"]) == HAL
        # any other token: no hal, no scan, no tree
        for path in ("/v1/agenda", "/v1/agenda/1"):
            body = client.get(path, headers=auth["karo"]).json()
            entry = body[0] if isinstance(body, list) else body
            assert entry["hal"] == "(dirahasiakan)" and entry["scan_sha256"] is None
            assert entry["nomor_surat"] == "R-17/KH/2026"  # the agenda itself stays
            assert HAL not in client.get(path, headers=auth["karo"]).text
        assert client.get("/v1/agenda/1/scan", headers=auth["karo"]).status_code == 404
        assert client.get("/v1/agenda/1/disposisi", headers=auth["karo"]).status_code == 404
        assert _hal_xlsx(client, auth["karo"]) == "(dirahasiakan)"
        # once it is given to karo, karo reads it; kabag still does not
        r = client.post("/v1/agenda/1/disposisi", headers=auth["op"], json={
            "dari": "Kepala Badan", "kepada": ["karo"], "instruksi": "Amankan"})
        assert r.status_code == 201, r.text
        assert client.get("/v1/agenda/1", headers=auth["karo"]).json()["hal"] == HAL
        assert client.get("/v1/agenda/1/scan", headers=auth["karo"]).content == \
            surat_pdf("Rahasia")
        assert client.get("/v1/agenda/1/disposisi", headers=auth["karo"]).json()[0][
            "instruksi"] == "Amankan"
        assert client.get("/v1/agenda/1", headers=auth["kabag"]).json()["hal"] == \
            "(dirahasiakan)"
        # a Biasa letter is open to every account
        r = client.post("/v1/agenda", headers=auth["op"],
                        data={**SURAT, "klasifikasi": "Biasa", "hal": "Undangan"})
        assert client.get("/v1/agenda/2", headers=auth["kabag"]).json()["hal"] == "Undangan"


def test_status_by_the_recipient_forward_only(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'n.db'}"
    with in_process(tmp_path / "data", db) as client:
        auth = _setup(client, db)
        r = client.post("/v1/agenda/1/disposisi", headers=auth["op"], json={
            "dari": "Kepala Badan", "kepada": ["karo", "kabag"], "instruksi": "Amankan"})
        karo_id, kabag_id = (i["id"] for i in r.json())
        url = f"/v1/agenda/1/disposisi/{karo_id}/status"
        r = client.post(url, headers=auth["kabag"], json={"status": "selesai"})
        assert r.status_code == 403  # not kabag's
        r = client.post(url, headers=auth["karo"], json={"status": "dibaca"})
        assert r.status_code == 200 and r.json()["status"] == "dibaca"
        assert r.json()["diubah_oleh"] == "karo"
        r = client.post(url, headers=auth["karo"], json={"status": "batal"})
        assert r.status_code == 409  # read already
        r = client.post(url, headers=auth["karo"], json={"status": "selesai",
                                                         "catatan": "Sudah diamankan"})
        assert r.json()["status"] == "selesai" and r.json()["catatan"] == "Sudah diamankan"
        r = client.post(url, headers=auth["karo"], json={"status": "dibaca"})
        assert r.status_code == 409 and "cannot become dibaca" in r.json()["detail"]
        r = client.post(url, headers=auth["karo"], json={"status": "hilang"})
        assert r.status_code == 422
        # the secretariat records kabag's on paper; unknown ids are 404
        r = client.post(f"/v1/agenda/1/disposisi/{kabag_id}/status", headers=auth["op"],
                        json={"status": "batal", "catatan": "Salah alamat"})
        assert r.status_code == 200 and r.json()["status"] == "batal"
        assert client.post("/v1/agenda/1/disposisi/99/status", headers=auth["op"],
                           json={"status": "dibaca"}).status_code == 404
        assert client.post("/v1/agenda/9/disposisi/1/status", headers=auth["op"],
                           json={"status": "dibaca"}).status_code == 404
        tree = client.get("/v1/agenda/1/disposisi", headers=auth["op"]).json()
        assert [(t["kepada"], t["status"]) for t in tree] == [("karo", "selesai"),
                                                               ("kabag", "batal")]


@pytest.mark.parametrize("name", ["..", ".", " .. ", "../.."])
def test_a_scan_named_like_a_folder_is_stored_as_scan(tmp_path: Path, name: str) -> None:
    """The attack: a scan whose file name is ``..`` named the upload folder's parent,
    so writing it failed with a 500 (or, with another layout, wrote outside the folder)."""
    db = f"sqlite:///{tmp_path / 'n.db'}"
    with in_process(tmp_path / "data", db) as client:
        headers = add_user(db, "op", "operator")
        r = client.post("/v1/agenda", headers=headers, data={**SURAT, "klasifikasi": "Biasa"},
                        files={"scan": (name, surat_pdf("Biasa"), "application/pdf")})
        assert r.status_code == 201, r.text
        got = client.get("/v1/agenda/1/scan", headers=headers)
        assert got.status_code == 200 and got.content == surat_pdf("Biasa")
    assert not list(tmp_path.glob("*.pdf"))  # nothing written beside the upload folder
