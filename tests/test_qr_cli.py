"""No letter carries a placeholder host (issue 19): what the QR code of a letter signed
from the command line holds, read back with zbarimg from a 150 dpi image of its page.

- ``naskah ttd`` with the default profile: the document id as text, one warning;
- a trail step without a public URL: the document id as text, one warning;
- a trail whose settings name the public URL of a ``naskah serve`` sharing its register:
  ``{url_publik}/v/{token}``, which that service (a real uvicorn) answers ASLI;
- the rule's precedence (``--url-publik`` > ``$NASKAH_URL_PUBLIK`` > the trail's
  setting; no register database: not used, with a warning).
"""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from naskah.cli import main
from naskah.errors import InputError
from naskah.serve.halaman.berkode import SignerBerkode, pilih_qr
from naskah.trail import Trail
from naskah.trail.pengaturan import check_url, prepare
from naskah.tte.passphrase import Passphrase
from naskah.tte.pkcs12 import Pkcs12Signer
from naskah.tte.qr import TANPA_URL, QrWarning
from tests import trail_api
from tests.helpers import load_example_data
from tests.registerdb import db_url
from tests.serve_support import running
from tests.test_sop import PELAKSANA, small_sop, write_sop
from tests.trail_keys import TrailPki, key_args
from tests.tte_helpers import KARO, PASSPHRASE, Pki, surat_pdf

__all__ = ["db_url"]  # the fixture, once per backend

ENV = "NASKAH_UJI_QR"
PEOPLE = PELAKSANA["peran"]
STAF, KASUBBAG, KEPALA = (PEOPLE[r][0]["nip"] for r in ("kasubbag-data", "kabag-datin",
                                                           "karo-po"))


def _text(html: str) -> str:
    """A page's visible text, whitespace collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _warnings(err: str) -> list[str]:
    return [line for line in err.splitlines() if "naskah: peringatan:" in line]


# ------------------------------------------------------------------------ naskah ttd


@pytest.mark.slow
def test_ttd_with_the_default_profile_holds_the_id(
        pki: Pki, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv(ENV, PASSPHRASE)
    source = tmp_path / "surat.pdf"
    source.write_bytes(surat_pdf())
    out = tmp_path / "surat-ttd.pdf"
    assert main(["ttd", str(source), "-o", str(out), "--p12", str(pki.p12[KARO.nip]),
                 "--passphrase-env", ENV, "--id", "B-12/PO/11/2026"]) == 0
    signed = out.read_bytes()
    assert trail_api.qr_codes(signed, tmp_path / "qr") == ["B-12/PO/11/2026"]
    assert b"example.go.id" not in signed
    # One warning on stderr, though the stamp's size and drawing both ask for the QR.
    assert _warnings(capsys.readouterr().err) == [f"naskah: peringatan: {TANPA_URL}"]


@pytest.mark.slow
def test_ttd_with_qr_url_warns_nothing(pki: Pki, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv(ENV, PASSPHRASE)
    source = tmp_path / "surat.pdf"
    source.write_bytes(surat_pdf())
    out = tmp_path / "surat-ttd.pdf"
    url = "https://cek.instansi-uji.go.id/v/ND-7"
    assert main(["ttd", str(source), "-o", str(out), "--p12", str(pki.p12[KARO.nip]),
                 "--passphrase-env", ENV, "--qr-url", url]) == 0
    assert trail_api.qr_codes(out.read_bytes(), tmp_path / "qr") == [url]
    assert _warnings(capsys.readouterr().err) == []


# ------------------------------------------------------------------ trail steps (CLI)


def _init(keys: TrailPki, tmp_path: Path, *extra: str, target: list[str] | None = None
          ) -> Path:
    roster = {"peran": {"staf": PEOPLE["kasubbag-data"], "kasubbag": PEOPLE["kabag-datin"],
                        "kepala": PEOPLE["karo-po"]}}
    path = tmp_path / "pelaksana.json"
    path.write_text(json.dumps(keys.roster(roster)), encoding="utf-8")
    folder = tmp_path / "berkas"
    assert main(["trail", "init", *(target or [str(folder)]), "--pelaksana", str(path),
                 "--sop", str(write_sop(tmp_path, small_sop())), "--trust", str(keys.ca),
                 "--oleh", STAF, "--mulai", "2026-11-23T07:50+07:00", *key_args(keys, STAF),
                 *extra]) == 0
    return folder


def _three_steps(keys: TrailPki, tmp_path: Path, folder: Path | list[str], *extra: str) -> str:
    """Steps 1-3 (the kepala signs the nota dinas in step 3) on the berkas ``folder`` or
    the database trail ``--db URL --trail-id ID``; stderr of step 3."""
    target = [str(folder)] if isinstance(folder, Path) else folder
    nodin = tmp_path / "nodin.json"
    nodin.write_text(json.dumps(load_example_data("nota-dinas")), encoding="utf-8")
    (tmp_path / "permohonan.txt").write_text("Mohon disampaikan.\n", encoding="utf-8")
    assert main(["trail", "do", *target, "1", "--oleh", STAF, "--dokumen",
                 f"nodin={nodin}", "--lampiran", f"permohonan={tmp_path / 'permohonan.txt'}",
                 "--tindakan", "telaah=Sudah ditelaah.", "--mulai", "2026-11-23T08:00+07:00",
                 "--selesai", "2026-11-23T10:30+07:00", *key_args(keys, STAF)]) == 0
    assert main(["trail", "do", *target, "2", "--oleh", KASUBBAG,
                 "--selesai", "2026-11-23T10:40+07:00", *key_args(keys, KASUBBAG)]) == 0
    import contextlib
    import io

    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        assert main(["trail", "do", *target, "3", "--oleh", KEPALA,
                     "--selesai", "2026-11-24T08:30+07:00", *key_args(keys, KEPALA),
                     *extra]) == 0
    return err.getvalue()


@pytest.mark.libreoffice
def test_trail_step_without_a_url_holds_the_document_id(
        soffice: str, trail_pki: TrailPki, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NASKAH_URL_PUBLIK", raising=False)
    folder = _init(trail_pki, tmp_path)
    err = _three_steps(trail_pki, tmp_path, folder)
    signed = (folder / "dokumen" / "03-nodin.pdf").read_bytes()
    berkas = Trail.open(folder).header.berkas
    assert trail_api.qr_codes(signed, tmp_path / "qr") == [f"{berkas}-03-nodin"]
    assert b"example.go.id" not in signed
    assert _warnings(err) == [f"naskah: peringatan: {TANPA_URL}"]
    assert Trail.open(folder).verify().utuh


@pytest.mark.libreoffice
@pytest.mark.serve
def test_trail_settings_url_publik_with_a_register_opens_asli_on_the_service(
        soffice: str, trail_pki: TrailPki, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """`trail init --db --url-publik` keeps the service's address in the trail's
    settings; step 3, performed without --url-publik or $NASKAH_URL_PUBLIK, gives the
    signed original a token URL that a real `naskah serve` sharing the database answers
    ASLI (the QR read at 150 dpi and opened over HTTP)."""
    monkeypatch.delenv("NASKAH_URL_PUBLIK", raising=False)
    db = f"sqlite:///{tmp_path / 'bersama.db'}"
    with running(tmp_path / "data", db) as server:
        folder = _init(trail_pki, tmp_path, "--db", db, "--url-publik", server.url)
        assert Trail.open(folder).pengaturan.url_publik == server.url
        assert f"membuka {server.url}/v/" in capsys.readouterr().out
        err = _three_steps(trail_pki, tmp_path, folder)
        assert _warnings(err) == []
        signed = (folder / "dokumen" / "03-nodin.pdf").read_bytes()
        codes = trail_api.qr_codes(signed, tmp_path / "qr")
        assert len(codes) == 1 and re.fullmatch(
            re.escape(server.url) + r"/v/[A-Za-z0-9_-]{22}", codes[0]), codes
        assert codes[0] in capsys.readouterr().out  # the CLI says where it is checked
        page = httpx.get(codes[0], timeout=30)
        assert page.status_code == 200
        text = _text(page.text)
        assert "ASLI — sah dan berlaku" in text and "Jenis naskah Nota Dinas" in text
        assert "Penanda tangan Agus Setiawan" in text
        # A token that was never issued: not found (the page answers only real tokens).
        assert httpx.get(f"{server.url}/v/{'A' * 22}", timeout=30).status_code == 404
    assert Trail.open(folder).verify().utuh


@pytest.mark.libreoffice
@pytest.mark.serve
def test_database_trail_settings_url_publik_opens_asli(
        soffice: str, trail_pki: TrailPki, db_url: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A trail in a database (`--trail-id`): its settings' public URL gives the signed
    original a token URL recorded in that database, which a service sharing it answers."""
    from tests.serve_support import in_process

    monkeypatch.delenv("NASKAH_URL_PUBLIK", raising=False)
    url = "https://naskah.instansi-uji.go.id"
    target = ["--db", db_url, "--trail-id", "qr-uji"]
    _init(trail_pki, tmp_path, "--url-publik", url, target=target)
    err = _three_steps(trail_pki, tmp_path, target)
    assert _warnings(err) == []
    out = tmp_path / "ekspor"
    assert main(["trail", "ekspor", "qr-uji", str(out), "--db", db_url]) == 0
    signed = (out / "dokumen" / "03-nodin.pdf").read_bytes()
    (code,) = trail_api.qr_codes(signed, tmp_path / "qr")
    assert re.fullmatch(re.escape(url) + r"/v/[A-Za-z0-9_-]{22}", code), code
    with in_process(tmp_path / "data", db_url, url_publik=url) as client:
        text = _text(client.get(code[len(url):]).text)
    assert "ASLI — sah dan berlaku" in text and "Jenis naskah Nota Dinas" in text


# ---------------------------------------------------------------------------- the rule


@pytest.fixture
def karo(pki: Pki) -> Pkcs12Signer:
    assert KARO.nip
    return Pkcs12Signer(pki.p12[KARO.nip], Passphrase.literal(PASSPHRASE))


def test_rule_precedence_flag_env_setting(karo: Pkcs12Signer) -> None:
    db = "sqlite:///register.db"
    for given_urls, expected in (
            (("https://a.go.id", "https://b.go.id", "https://c.go.id"), "https://a.go.id"),
            ((None, "https://b.go.id/", "https://c.go.id"), "https://b.go.id"),
            ((None, None, "https://c.go.id"), "https://c.go.id")):
        chosen = pilih_qr(karo, db, *given_urls)
        assert isinstance(chosen, SignerBerkode) and chosen.base == expected
        assert chosen.inner is karo
    assert pilih_qr(karo, db, None, None, None) is karo  # none: the profile, else the id
    assert pilih_qr(None, db, "https://a.go.id") is None  # nothing is signed


def test_rule_without_a_register_does_not_use_the_url(karo: Pkcs12Signer) -> None:
    with pytest.warns(QrWarning, match="no register database"):
        assert pilih_qr(karo, None, "https://a.go.id") is karo


def test_rule_refuses_a_url_that_is_not_http(karo: Pkcs12Signer) -> None:
    for bad in ("naskah.go.id", "ftp://a.go.id", "https://", "https://a .go.id"):
        with pytest.raises(InputError, match="url_publik"):
            pilih_qr(karo, "sqlite:///r.db", bad)


@given(st.text(max_size=80))
@settings(max_examples=200, deadline=None)
def test_any_text_as_url_publik_is_a_url_or_one_clear_error(text: str) -> None:
    try:
        url = check_url(text, "url_publik", "the public address")
    except InputError as exc:
        assert exc.errors == [("url_publik", "not an http(s) URL")]
    else:
        assert url.startswith(("http://", "https://")) and not any(c.isspace() for c in url)


def test_trail_settings_keep_their_bytes_without_url_publik(tmp_path: Path) -> None:
    """The key is written only when set: no format version change."""
    plain = prepare(tmp_path, None, None, "https://tsa.instansi-uji.go.id/tsr")
    assert b"url_publik" not in plain["pengaturan.json"]
    db = f"sqlite:///{tmp_path / 'register.db'}"
    with_url = prepare(tmp_path, db, None, None, "https://naskah.instansi-uji.go.id")
    settings_json = json.loads(with_url["pengaturan.json"])
    assert settings_json == {"format": "naskah-pengaturan/1", "db": "sqlite:///register.db",
                             "profil": None, "url_publik": "https://naskah.instansi-uji.go.id"}
    with pytest.raises(InputError, match="url_publik"):
        prepare(tmp_path, db, None, None, "javascript:alert(1)")
    # Without a register no record would answer its tokens: refused when the trail starts.
    with pytest.raises(InputError, match="url_publik: needs the register database"):
        prepare(tmp_path, None, None, None, "https://naskah.instansi-uji.go.id")


def test_trail_init_refuses_url_publik_without_a_register(
        trail_pki: TrailPki, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    roster = tmp_path / "pelaksana.json"
    roster.write_text(json.dumps(trail_pki.roster()), encoding="utf-8")
    folder = tmp_path / "berkas"
    from tests.trail_keys import SESMENKO

    code = main(["trail", "init", str(folder), "--pelaksana", str(roster), "--trust",
                 str(trail_pki.ca), "--oleh", SESMENKO, *key_args(trail_pki, SESMENKO),
                 "--url-publik", "https://naskah.instansi-uji.go.id"])
    assert code == 2
    assert "url_publik: needs the register database" in capsys.readouterr().err
    assert not folder.exists() or not any(folder.iterdir())


def test_library_warning_is_silent_when_a_url_is_given(karo: Pkcs12Signer) -> None:
    from naskah.tte.pades import PdfSignOptions

    with warnings.catch_warnings():
        warnings.simplefilter("error", QrWarning)
        signer = pilih_qr(karo, "sqlite:///r.db", "https://naskah.instansi-uji.go.id")
        assert signer is not None
        signer.sign_pdf(surat_pdf(), PdfSignOptions(doc_id="X-1"))
    assert isinstance(signer, SignerBerkode) and list(signer.token) == ["X-1"]


@pytest.mark.serve
def test_service_trails_keep_the_public_url_only_with_their_register(
        trail_pki: TrailPki, tmp_path: Path) -> None:
    """A trail the service starts keeps its url_publik in the trail's settings when it
    numbers from the service's database, and starts without it when it does not."""
    from naskah.serve.trails import membaca
    from naskah.trail import pengaturan
    from tests.serve_support import in_process
    from tests.trail_keys import ROSTER, SESMENKO

    db = f"sqlite:///{tmp_path / 'n.db'}"
    url = "https://naskah.instansi-uji.go.id"
    with in_process(tmp_path / "data", db, url_publik=url, trust=(trail_pki.ca,)) as client:
        auth = trail_api.accounts(db)
        trail_api.enrol(client, trail_pki, auth)
        found = {}
        for penomoran in (True, False):
            r = client.post("/v1/trail", headers=auth[SESMENKO], json={
                "pelaksana": ROSTER, "oleh": SESMENKO, "kunci": trail_api.SECRET,
                "penomoran": penomoran})
            assert r.status_code == 201, r.text
            parts = client.app.state.layanan
            with membaca(parts.trails, r.json()["id"], tmp_path / "cache") as trail:
                found[penomoran] = (trail.pengaturan.url_publik, trail.pengaturan.db)
                # No {url}/v/{id} pattern in the berkas's profile: the page knows no ids.
                profil = pengaturan.profil(trail.folder, trail.pengaturan)
                assert profil is not None and profil.tte.url_verifikasi is None
    assert found[True][0] == url and found[True][1] is not None
    assert found[False] == (None, None)
