"""The BSrE API client against a stand-in server on 127.0.0.1 (tests/bsre_standin.py)
that speaks the API over a real socket and signs with pyHanko."""

from __future__ import annotations

import datetime as dt
import io
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.validation import validate_pdf_signature

from naskah.tte.bsre import BsreClient, BsreConfig, BsreError
from naskah.tte.bsre_signer import BsreSigner
from naskah.tte.errors import (
    CertificateError,
    PassphraseError,
    SignerNotRegisteredError,
    UnsupportedOperation,
)
from naskah.tte.identity import Identitas
from naskah.tte.pades import PdfSignOptions
from naskah.tte.passphrase import Passphrase
from naskah.tte.pki import buat_root_ca, pkcs12_bytes, terbitkan
from naskah.tte.signer import sign_pdf_file
from naskah.tte.trust import TrustStore
from naskah.tte.verify import verify_pdf
from tests.bsre_standin import BsreStandin, StandinUser
from tests.tte_helpers import KABAG, KARO, surat_pdf

NIK_KARO, NIK_KABAG, NIK_EXPIRED = "3171011505700001", "3171012408780002", "3171010000000009"
PP = "passphrase-bsre-uji"


@pytest.fixture(scope="module")
def accounts(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, StandinUser],
                                                                TrustStore]:
    """The stand-in's BSrE accounts (one with an expired certificate) and its CA."""
    ca = buat_root_ca("BSrE stand-in (uji)")
    folder = tmp_path_factory.mktemp("bsre")
    (folder / "ca.pem").write_bytes(ca.cert_pem())
    now = dt.datetime.now(dt.UTC)
    lama = Identitas("Pejabat Lama", "196001011980031001", "Mantan Kepala")
    users: dict[str, StandinUser] = {}
    for nik, who, expired in ((NIK_KARO, KARO, False), (NIK_KABAG, KABAG, False),
                              (NIK_EXPIRED, lama, True)):
        s = (terbitkan(ca, who, not_before=now - dt.timedelta(days=800),
                       not_after=now - dt.timedelta(days=5)) if expired
             else terbitkan(ca, who))
        signer = signers.SimpleSigner.load_pkcs12_data(
            pkcs12_bytes(s, ca.cert, b"k"), other_certs=[], passphrase=b"k")
        users[nik] = StandinUser(PP, signer, who)
    return users, TrustStore.from_files([folder / "ca.pem"])


@pytest.fixture
def trust(accounts: tuple[dict[str, StandinUser], TrustStore]) -> TrustStore:
    return accounts[1]


@pytest.fixture
def standin(accounts: tuple[dict[str, StandinUser], TrustStore]) -> Iterator[BsreStandin]:
    with BsreStandin(users=accounts[0], trust=accounts[1]) as server:
        yield server


def client_for(server: BsreStandin, api: str = "v2", **kw: object) -> BsreClient:
    config = BsreConfig(base_url=server.url, username=server.username,
                        password=Passphrase.literal(server.password), api=api,  # type: ignore[arg-type]
                        backoff=0.01, **kw)  # type: ignore[arg-type]
    return BsreClient(config)


def pyhanko_ok(pdf: bytes, trust: TrustStore) -> bool:
    (sig,) = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    return bool(validate_pdf_signature(sig, trust.validation_context()).bottom_line)


@pytest.mark.slow
@pytest.mark.parametrize("api", ["v1", "v2"])
def test_bsre_signs_and_the_result_validates(standin: BsreStandin, trust: TrustStore,
                                             api: str) -> None:
    with client_for(standin, api) as client:
        signer = BsreSigner(client, NIK_KARO, KARO, passphrase=Passphrase.literal(PP))
        pdf = signer.sign_pdf(surat_pdf(), PdfSignOptions(doc_id="B-77"))
        assert pyhanko_ok(pdf, trust)
        (sig,) = verify_pdf(pdf, trust).signatures
        assert sig.ok and sig.identitas is not None and sig.identitas.nip == KARO.nip
        remote = client.verify_pdf(pdf)
        assert remote.conclusion == "VALID"
        assert remote.signatures[0]["signerName"] == KARO.nama
        assert client.verify_pdf(surat_pdf()).conclusion == "NO_SIGNATURE"
    path, ctype = standin.requests[0]["path"], standin.requests[0]["content_type"]
    if api == "v1":
        assert path == "/api/sign/pdf" and ctype.startswith("multipart/form-data")
    else:
        assert path == "/api/v2/sign/pdf" and ctype == "application/json"


def test_bsre_v2_accepts_a_totp_and_places_the_stamp_at_the_tag(standin: BsreStandin,
                                                                trust: TrustStore) -> None:
    with client_for(standin, "v2") as client:
        signer = BsreSigner(client, NIK_KABAG, KABAG, totp=Passphrase.literal(PP))
        pdf = signer.sign_pdf(surat_pdf("$"), PdfSignOptions(doc_id="B-8", tag="$"))
    assert pyhanko_ok(pdf, trust)
    (sig,) = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    rect = [float(v) for v in sig.sig_field["/Rect"]]
    assert rect[0] == pytest.approx(330, abs=1)  # the "$" tag is drawn at x=330


def test_wrong_passphrase_is_clear_not_retried_and_writes_nothing(
        standin: BsreStandin, tmp_path: Path) -> None:
    src, out = tmp_path / "surat.pdf", tmp_path / "ttd.pdf"
    src.write_bytes(surat_pdf())
    with client_for(standin) as client:
        signer = BsreSigner(client, NIK_KARO, KARO, passphrase=Passphrase.literal("keliru!"))
        with pytest.raises(PassphraseError, match="rejected the passphrase") as info:
            sign_pdf_file(signer, src, out, PdfSignOptions(doc_id="B-1"))
    assert "keliru!" not in str(info.value)
    assert not out.exists()
    assert len(standin.requests) == 1  # a 4xx is never retried


def test_unregistered_nik_and_expired_certificate(standin: BsreStandin) -> None:
    with client_for(standin, "v1") as client:
        with pytest.raises(SignerNotRegisteredError, match="nik: not registered"):
            BsreSigner(client, "9999999999999999", KARO,
                       passphrase=Passphrase.literal(PP)).sign_pdf(
                surat_pdf(), PdfSignOptions(doc_id="B-1"))
        with pytest.raises(CertificateError, match="kadaluarsa"):
            BsreSigner(client, NIK_EXPIRED, KARO, passphrase=Passphrase.literal(PP)).sign_pdf(
                surat_pdf(), PdfSignOptions(doc_id="B-1"))


def test_5xx_is_retried_then_succeeds_or_gives_up(standin: BsreStandin,
                                                  trust: TrustStore) -> None:
    standin.fail_next = 2
    with client_for(standin, retries=2) as client:
        signer = BsreSigner(client, NIK_KARO, KARO, passphrase=Passphrase.literal(PP))
        assert pyhanko_ok(signer.sign_pdf(surat_pdf(), PdfSignOptions(doc_id="B-2")), trust)
    assert len(standin.requests) == 3
    standin.fail_next = 5
    with client_for(standin, retries=1) as client, pytest.raises(BsreError, match=r"503|Unavail"):
        BsreSigner(client, NIK_KARO, KARO, passphrase=Passphrase.literal(PP)).sign_pdf(
            surat_pdf(), PdfSignOptions(doc_id="B-2"))
    assert len(standin.requests) == 5


def test_wrong_application_credentials(standin: BsreStandin) -> None:
    config = BsreConfig(base_url=standin.url, username="aplikasi",
                        password=Passphrase.literal("salah"))
    with BsreClient(config) as client, pytest.raises(BsreError, match="credentials"):
        client.verify_pdf(surat_pdf())


def test_timeout_is_a_clear_error() -> None:
    # A server that accepts the connection and never answers.
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]
    accepted: list[socket.socket] = []
    thread = threading.Thread(target=lambda: accepted.append(listener.accept()[0]), daemon=True)
    thread.start()
    try:
        config = BsreConfig(base_url=f"http://127.0.0.1:{port}", timeout=0.5, retries=3)
        with BsreClient(config) as client, pytest.raises(BsreError, match="timed out"):
            client.verify_pdf(surat_pdf())
    finally:
        thread.join(timeout=5)
        for conn in accepted:
            conn.close()
        listener.close()


def test_bsre_cannot_make_detached_cms(standin: BsreStandin) -> None:
    with client_for(standin) as client:
        signer = BsreSigner(client, NIK_KARO, KARO, passphrase=Passphrase.literal(PP))
        with pytest.raises(UnsupportedOperation):
            signer.sign_bytes(b"paraf")
        with pytest.raises(PassphraseError, match="exactly one"):
            BsreSigner(client, NIK_KARO, KARO)
    with client_for(standin, "v1") as v1, pytest.raises(PassphraseError, match="totp"):
        BsreSigner(v1, NIK_KARO, KARO, totp=Passphrase.literal("123456"))
