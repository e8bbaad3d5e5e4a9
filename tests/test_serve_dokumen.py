"""The service's documents, errors, limits and auth: in-process and on a real uvicorn."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from docx import Document
from hypothesis import given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st
from pypdf import PdfReader
from sqlalchemy import select

from tests.helpers import EXAMPLES
from tests.serve_support import add_user, in_process, running

pytestmark = pytest.mark.serve

NODIN = json.loads((EXAMPLES / "nota-dinas.json").read_text(encoding="utf-8"))


def _text(docx: bytes) -> str:
    doc = Document(io.BytesIO(docx))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts += [c.text for c in row.cells]
    return "\n".join(parts)


def _problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["status"] == status and body["type"].startswith("urn:naskah:masalah:")
    assert body["request_id"] == response.headers["x-request-id"]
    assert "Traceback" not in response.text and "sqlalchemy" not in response.text.lower()
    return body


def test_docx_in_process(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'n.db'}"
    with in_process(tmp_path / "data", db) as client:
        auth = add_user(db, "op", "operator")
        r = client.post("/v1/dokumen/nota-dinas", json=NODIN, headers=auth)
        assert r.status_code == 200, r.text
        assert r.headers["content-type"].startswith("application/vnd.openxmlformats")
        assert r.headers["content-disposition"] == (
            'attachment; filename="nota-dinas-27-Ses.PO-OT.01.02-11-2026.docx"; '
            "filename*=UTF-8''nota-dinas-27%2FSes.PO%2FOT.01.02%2F11%2F2026.docx")
        text = _text(r.content)
        assert NODIN["hal"] in text and NODIN["nomor"] in text
        assert NODIN["penandatangan"]["pejabat"]["nama"] in text
        from naskah.docx.metadata import read_metadata

        meta = read_metadata(r.content)
        assert meta.jenis == "nota-dinas" and meta.content_hash == r.headers[
            "x-naskah-content-hash"]


@pytest.mark.pdf
def test_pdf_on_real_uvicorn(tmp_path: Path, soffice: str) -> None:
    db = f"sqlite:///{tmp_path / 'n.db'}"
    auth = add_user(db, "op", "operator")
    with running(tmp_path / "data", db) as server:
        r = httpx.post(f"{server.url}/v1/dokumen/nota-dinas?format=pdf&kertas=F4", json=NODIN,
                       headers={**auth, "X-Request-ID": "uji-123"}, timeout=120)
        assert r.status_code == 200, r.text
        assert r.headers["x-request-id"] == "uji-123"
        assert r.headers["content-type"] == "application/pdf"
        assert re.match(r'attachment; filename="nota-dinas-27-Ses\.PO-OT\.01\.02-11-2026\.pdf"',
                        r.headers["content-disposition"])
        reader = PdfReader(io.BytesIO(r.content))
        text = "\n".join(page.extract_text() for page in reader.pages)
        assert "NOTA DINAS" in text and NODIN["nomor"] in text
        assert " ".join(NODIN["hal"].split()[:3]) in " ".join(text.split())
        width, height = (float(v) for v in reader.pages[0].mediabox[2:])
        assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (215, 330)  # F4
        assert reader.metadata is not None and reader.metadata.title == NODIN["hal"]
        health = httpx.get(f"{server.url}/health", timeout=30).json()
        assert health["status"] == "ok" and health["libreoffice"]["dikonversi"] >= 1


def test_problem_names_the_field(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'n.db'}"
    with in_process(tmp_path / "data", db) as client:
        auth = add_user(db, "op", "operator")
        bad = json.loads(json.dumps(NODIN))
        bad["penandatangan"]["pejabat"]["nip"] = "197005151995033001"
        body = _problem(client.post("/v1/dokumen/nota-dinas", json=bad, headers=auth), 422)
        assert body["errors"][0]["field"] == "penandatangan.pejabat.nip"
        assert body["errors"][0]["pointer"] == "#/penandatangan/pejabat/nip"
        assert "gender code" in body["errors"][0]["message"]
        body = _problem(client.post("/v1/dokumen/nota-dinas", content=b'{"hal": ',
                                    headers={**auth, "content-type": "application/json"}), 400)
        body = _problem(client.post("/v1/dokumen/nota-dinas", json={**NODIN, "extra": 1},
                                    headers=auth), 422)
        assert body["errors"][0]["field"] == "extra"
        body = _problem(client.post("/v1/nomor", json={"pola": "nota-dinas"}, headers=auth),
                        422)
        assert {e["field"] for e in body["errors"]} == {"unit"}
        _problem(client.get("/v1/tidak-ada", headers=auth), 404)


def test_a_server_file_cannot_be_named(tmp_path: Path) -> None:
    """The attack: a kop logo naming a file on the server. The renderer would read and
    embed any image the service can read; the service refuses the document instead."""
    db = f"sqlite:///{tmp_path / 'n.db'}"
    secret = tmp_path / "rahasia.png"
    secret.write_bytes((EXAMPLES / "logo-contoh.png").read_bytes())
    with in_process(tmp_path / "data", db) as client:
        auth = add_user(db, "op", "operator")
        doc = {**NODIN, "kop": {"nama": ["KEMENTERIAN"], "logo": str(secret)}}
        body = _problem(client.post("/v1/dokumen/nota-dinas", json=doc, headers=auth), 422)
        assert body["errors"][0]["field"] == "kop.logo"
        missing = {**NODIN, "kop": {"nama": ["KEMENTERIAN"], "logo": "/tidak/ada.png"}}
        again = _problem(client.post("/v1/dokumen/nota-dinas", json=missing, headers=auth), 422)
        assert again["errors"] == body["errors"]  # no oracle for which files exist


def test_auth(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'n.db'}"
    with in_process(tmp_path / "data", db) as client:
        operator = add_user(db, "op", "operator")
        pejabat = add_user(db, "pj", "pejabat", nip="197005151995031001")
        assert _problem(client.get("/v1/jenis"), 401)["type"].endswith("tanpa-token")
        r = client.get("/v1/jenis", headers={"Authorization": "Bearer nsk_palsu"})
        assert _problem(r, 401)["type"].endswith("token-ditolak")
        assert r.headers["www-authenticate"].startswith("Bearer")
        assert client.get("/v1/jenis", headers=pejabat).status_code == 200
        # a pejabat does not take numbers or register letters; an operator does not sign
        _problem(client.post("/v1/nomor", json={"pola": "surat", "unit": "X"}, headers=pejabat),
                 403)
        _problem(client.post("/v1/tanda-tangan", files={"pdf": ("a.pdf", b"%PDF")},
                             data={"kunci": '{"jenis": "pkcs12", "passphrase": "x"}'},
                             headers=operator), 403)
        assert client.get("/health").status_code == 200 and client.get("/version").json()
        # revoked: the token stops working at once
        from naskah.serve import akun
        from naskah.serve.layanan import open_database

        engine = open_database(db)
        akun.cabut(engine, "op")
        engine.dispose()
        _problem(client.get("/v1/jenis", headers=operator), 401)


def test_body_caps_and_audit(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'n.db'}"
    from naskah.serve.settings import Batas

    with in_process(tmp_path / "data", db, batas=Batas(json=50_000, lain=2_000)) as client:
        auth = add_user(db, "op", "operator")
        big = {**NODIN, "isi": ["x" * 9_000] * 6}
        body = _problem(client.post("/v1/dokumen/nota-dinas", json=big, headers=auth), 413)
        assert "50000" in body["detail"]
        # a chunked body (no Content-Length) is cut off as it streams in
        def chunks() -> Any:
            for _ in range(10):
                yield b" " * 1000
        _problem(client.post("/v1/nomor", content=chunks(),
                             headers={**auth, "content-type": "application/json"}), 413)
        client.post("/v1/nomor", json={"pola": "nota-dinas", "unit": "Ses.PO", "kka": "OT.01"},
                    headers={**auth, "X-Request-ID": "audit-1"})
        from naskah.serve.layanan import open_database
        from naskah.serve.tabel import audit

        engine = open_database(db)
        with engine.connect() as conn:
            rows = conn.execute(select(audit).order_by(audit.c.id)).all()
        engine.dispose()
        assert [r.status for r in rows] == [413, 201]  # rendering changes nothing: not audited
        last = rows[-1]
        assert (last.pengguna, last.peran, last.metode, last.jalur, last.request_id) == (
            "op", "operator", "POST", "/v1/nomor", "audit-1")
        assert json.loads(last.keterangan)["nomor"] == 1


def test_docs_are_served_from_the_package(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'n.db'}"
    with in_process(tmp_path / "data", db) as client:
        page = client.get("/docs")
        assert page.status_code == 200
        assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
        assert assets and all(a.startswith("/") for a in assets), assets  # nothing outside
        for asset in assets:
            assert client.get(asset).status_code == 200
        assert "http" not in client.get("/docs/docs.js").text.replace("http://", "")
        spec = client.get("/openapi.json").json()
        assert spec["openapi"].startswith("3.1")
        paths = spec["paths"]
        for path in ("/health", "/version", "/v1/jenis", "/v1/jenis/{jenis}/schema",
                     "/v1/dokumen/nota-dinas", "/v1/batch", "/v1/jobs/{id}",
                     "/v1/jobs/{id}/hasil", "/v1/nomor", "/v1/nomor/{id}/final",
                     "/v1/nomor/{id}/batal", "/v1/agenda", "/v1/agenda/{id}/disposisi",
                     "/v1/agenda/ekspor.xlsx", "/v1/trail", "/v1/trail/{id}",
                     "/v1/trail/{id}/langkah/{n}", "/v1/trail/{id}/verifikasi",
                     "/v1/trail/{id}/berkas.pdf", "/v1/verifikasi"):
            assert path in paths, path
        body = paths["/v1/dokumen/nota-dinas"]["post"]["requestBody"]["content"]
        example = body["application/json"]["examples"]["contoh"]["value"]
        assert example["hal"] == NODIN["hal"]
        assert "NotaDinas" in spec["components"]["schemas"]
        refs = set(re.findall(r'"#/components/schemas/([^"]+)"', json.dumps(spec)))
        assert refs and refs <= set(spec["components"]["schemas"])  # every $ref resolves
        for item in paths.values():
            for op in item.values():
                for status, answer in op["responses"].items():
                    if status[0] in "45":
                        assert list(answer["content"]) == ["application/problem+json"]


@pytest.mark.pdf
def test_timeout_queue_and_health(tmp_path: Path, soffice: str) -> None:
    db = f"sqlite:///{tmp_path / 'n.db'}"
    with in_process(tmp_path / "data", db, pdf_antrian=0) as client:
        auth = add_user(db, "op", "operator")
        r = client.post("/v1/dokumen/nota-dinas?format=pdf", json=NODIN, headers=auth)
        assert _problem(r, 503)["type"].endswith("pdf-antrian-penuh")
        assert r.headers["retry-after"] == "2"
    with in_process(tmp_path / "data2", db, timeout_s=0.01) as client:
        r = client.post("/v1/dokumen/nota-dinas?format=pdf", json=NODIN, headers=auth)
        assert _problem(r, 503)["type"].endswith("waktu-habis")
    with in_process(tmp_path / "data3", db) as client:
        assert client.get("/health").json()["status"] == "ok"
        client.app.state.layanan.pdf.close()  # type: ignore[attr-defined]  # LibreOffice down
        r = client.get("/health")
        assert r.status_code == 503
        assert r.json()["libreoffice"]["ok"] is False and r.json()["basis_data"]["ok"] is True


@given(st.text(max_size=300))
@hyp_settings(max_examples=200, deadline=None)
def test_content_disposition_is_a_safe_header(stem: str) -> None:
    """Any nomor or hal makes a header value: ASCII, one line, the name quoted safely, and
    the UTF-8 name decoding back to the text given."""
    from urllib.parse import unquote

    from naskah.serve.routes.umum import content_disposition

    value = content_disposition(stem, "pdf")
    value.encode("latin-1")  # a header value: no character outside it
    assert value.isascii() and "\r" not in value and "\n" not in value
    plain = re.match(r'attachment; filename="([A-Za-z0-9._-]+)"; filename\*=UTF-8\'\'(\S+)$',
                     value)
    assert plain is not None, value
    assert not plain.group(1).startswith(".")
    assert unquote(plain.group(2)) == stem[:120] + ".pdf"


@given(st.lists(st.one_of(st.text(min_size=1, max_size=10).filter(lambda t: "." not in t
                                                                  and "[" not in t),
                          st.integers(0, 99)), min_size=1, max_size=5))
def test_pointer_of_a_library_path(parts: list[str | int]) -> None:
    from naskah.serve.masalah import pointer

    path = ""
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else part)
    if path.startswith("["):
        return  # the library never starts a path with a list index
    expected = "#/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in parts)
    assert pointer(path) == expected


@pytest.mark.pdf
def test_concurrent_pdfs_are_converted_together_and_each_gets_its_own(
        tmp_path: Path, soffice: str) -> None:
    """Requests waiting together for one template are joined into one conversion; each
    client still gets exactly its own letter (its hal, its metadata), never a neighbour's."""
    from concurrent.futures import ThreadPoolExecutor

    db = f"sqlite:///{tmp_path / 'n.db'}"
    auth = add_user(db, "op", "operator")
    with running(tmp_path / "data", db, NASKAH_SERVE_WORKER="0",
                 NASKAH_PDF_PROCESSES="1") as server:
        def one(i: int) -> tuple[int, bytes, str]:
            doc = {**NODIN, "hal": f"Surat Uji Kelompok Nomor {i:02d}"}
            r = httpx.post(f"{server.url}/v1/dokumen/nota-dinas?format=pdf", json=doc,
                           headers=auth, timeout=300)
            assert r.status_code == 200, r.text
            return i, r.content, r.headers["x-naskah-content-hash"]

        with ThreadPoolExecutor(12) as pool:
            results = list(pool.map(one, range(24)))
        groups = httpx.get(f"{server.url}/health", timeout=30).json()["libreoffice"]
    assert groups["kelompok"] >= 1, groups  # some were converted together
    for i, pdf, content_hash in results:
        reader = PdfReader(io.BytesIO(pdf))
        text = " ".join("".join(p.extract_text() for p in reader.pages).split())
        assert f"Surat Uji Kelompok Nomor {i:02d}" in text
        others = [j for j in range(24) if j != i and f"Kelompok Nomor {j:02d}" in text]
        assert others == []
        assert reader.metadata is not None
        assert reader.metadata.title == f"Surat Uji Kelompok Nomor {i:02d}"
        assert reader.metadata["/NaskahContentHash"] == content_hash
