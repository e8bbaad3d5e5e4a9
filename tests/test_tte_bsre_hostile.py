"""Issue 16, item 12: a BSrE server (tests/bsre_standin.py on 127.0.0.1) that answers
what it should not. Complements tests/test_attack_pdf.py (another document, unsigned,
not a PDF, another signer, trickled body, echoed passphrase).

Before: anything starting with ``%PDF`` was the signed document, each read had its own
timeout (a server sending one byte a second, even of its headers, held the caller
indefinitely), and no answer size was capped.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from naskah.tte.bsre import BsreClient, BsreConfig, BsreError
from naskah.tte.bsre_signer import BsreSigner
from naskah.tte.errors import SigningError
from naskah.tte.pades import PdfSignOptions
from naskah.tte.passphrase import Passphrase
from naskah.tte.pki import buat_root_ca
from naskah.tte.signer import sign_pdf_file
from naskah.tte.trust import TrustStore
from naskah.tte.verify import verify_pdf
from tests.bsre_standin import BsreStandin, StandinUser
from tests.test_tte_bsre import NIK_KARO, PP, accounts  # noqa: F401 - fixture
from tests.tte_helpers import KARO, surat_pdf

Accounts = tuple[dict[str, StandinUser], TrustStore]


@pytest.fixture
def server(accounts: Accounts) -> Iterator[BsreStandin]:  # noqa: F811
    with BsreStandin(users=accounts[0], trust=accounts[1]) as standin:
        yield standin


def client(standin: BsreStandin, api: str, **kw: Any) -> BsreClient:
    return BsreClient(BsreConfig(base_url=standin.url, username=standin.username,
                                 password=Passphrase.literal(standin.password),
                                 api=api, backoff=0.01, **kw))  # type: ignore[arg-type]


def karo(c: BsreClient) -> BsreSigner:
    return BsreSigner(c, NIK_KARO, KARO, passphrase=Passphrase.literal(PP))


@pytest.mark.slow
@pytest.mark.parametrize("api", ["v1", "v2"])
@pytest.mark.parametrize(("mode", "said"), [
    ("appended", "changed after its signature"),
    ("overlay", "changed after its signature"),
    ("edited", "not an incremental update of the document sent"),
])
def test_a_signed_answer_that_is_not_the_document_sent(server: BsreStandin, tmp_path: Path,
                                                      api: str, mode: str, said: str) -> None:
    server.mode = mode
    src, out = tmp_path / "surat.pdf", tmp_path / "surat-ttd.pdf"
    src.write_bytes(surat_pdf())
    with client(server, api) as c, pytest.raises(SigningError, match=said):
        sign_pdf_file(karo(c), src, out, PdfSignOptions(doc_id="B-9"))
    assert not out.exists()


@pytest.mark.slow
def test_an_untrusted_bsre_signature_is_refused_when_roots_are_given(
        server: BsreStandin, accounts: Accounts) -> None:  # noqa: F811
    other = TrustStore(roots=[_asn1(buat_root_ca("bukan BSrE").cert)])
    with client(server, "v2", trust=other) as c, pytest.raises(SigningError,
                                                               match="not trusted"):
        karo(c).sign_pdf(surat_pdf(), PdfSignOptions(doc_id="B-10"))
    with client(server, "v2", trust=accounts[1]) as c:
        signed = karo(c).sign_pdf(surat_pdf(), PdfSignOptions(doc_id="B-11"))
    (sig,) = verify_pdf(signed, accounts[1]).signatures
    assert sig.ok and sig.identitas is not None and sig.identitas.nip == KARO.nip


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["stall", "slow-headers"])
def test_a_silent_or_slow_server_hits_the_total_deadline(server: BsreStandin,
                                                         mode: str) -> None:
    server.mode = mode
    outcome: list[BaseException | bytes] = []

    def sign() -> None:
        try:
            with client(server, "v1", timeout=2.0, retries=2) as c:
                outcome.append(karo(c).sign_pdf(surat_pdf(), PdfSignOptions(doc_id="B-12")))
        except Exception as exc:
            outcome.append(exc)

    started = time.monotonic()
    worker = threading.Thread(target=sign, daemon=True)
    worker.start()
    worker.join(timeout=20)
    took = time.monotonic() - started
    server.stop()
    worker.join(timeout=10)
    assert took < 8, f"{mode}: the call took {took:.1f} s with a 2 s deadline"
    assert len(outcome) == 1 and isinstance(outcome[0], BsreError), outcome
    assert "timed out after 2 s" in str(outcome[0])


def test_a_huge_answer_is_cut_off(server: BsreStandin) -> None:
    server.mode = "huge"
    pdf = surat_pdf()
    with client(server, "v1") as c, pytest.raises(BsreError, match="answered more than"):
        karo(c).sign_pdf(pdf, PdfSignOptions(doc_id="B-13"))


def test_server_text_is_cleaned() -> None:
    from naskah.tte.http import safe_text

    text = safe_text("salah: 'Rahasia-1'\x1b[2J\r\nnaskah: OK\u202e\x00" + "x" * 500,
                     secrets=[b"Rahasia-1", None])
    assert "Rahasia-1" not in text and "***" in text
    assert not any(ord(c) < 32 or 0x7f <= ord(c) <= 0x9f or c == "\u202e" for c in text)
    assert len(text) <= 200 and text.endswith("…")


def _asn1(cert: Any) -> Any:
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives.serialization import Encoding

    return asn1_x509.Certificate.load(cert.public_bytes(Encoding.DER))


def test_bsre_answer_error_is_a_signing_error() -> None:
    from naskah.tte.bsre_check import BsreAnswerError

    assert issubclass(BsreAnswerError, SigningError)
