"""PKCS#11 signing against a real SoftHSM2 token (the ``softhsm`` fixture).

The token lives in a temporary SOFTHSM2_CONF directory; the key and certificate are
imported by subprocesses (softhsm2-util, and python-pkcs11 in a child interpreter)
before this process loads the PKCS#11 module, so SoftHSM sees a finished token.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature

from naskah.errors import InputError
from naskah.tte.cms import verify_bytes
from naskah.tte.errors import CertificateError, PassphraseError
from naskah.tte.pades import PdfSignOptions
from naskah.tte.passphrase import Passphrase
from naskah.tte.pkcs11 import Pkcs11Signer
from naskah.tte.trust import TrustStore
from naskah.tte.verify import verify_pdf
from tests.trail_keys import TrailPki
from tests.tte_helpers import (
    KARO,
    SOFTHSM_LABEL,
    SOFTHSM_PIN,
    SOFTHSM_TOKEN,
    SoftHsm,
    surat_pdf,
)

PIN, TOKEN, LABEL = SOFTHSM_PIN, SOFTHSM_TOKEN, SOFTHSM_LABEL


@pytest.fixture
def token(softhsm: SoftHsm) -> tuple[str, TrustStore]:
    return softhsm.module, softhsm.trust()


@pytest.mark.slow
def test_softhsm_signs_a_pdf_that_pyhanko_validates(token: tuple[str, TrustStore]) -> None:
    module, trust = token
    signer = Pkcs11Signer(module, TOKEN, LABEL, Passphrase.literal(PIN))
    assert signer.identitas.nip == KARO.nip
    pdf = signer.sign_pdf(surat_pdf("#ttd#"), PdfSignOptions(doc_id="B-9", tag="#ttd#"))
    (sig,) = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    status = validate_pdf_signature(sig, trust.validation_context())
    assert status.bottom_line and status.trusted
    result = verify_pdf(pdf, trust)
    assert result.ok and result.signatures[0].identitas is not None
    assert result.signatures[0].identitas.nama == KARO.nama


def test_softhsm_detached_cms_for_paraf(token: tuple[str, TrustStore]) -> None:
    module, trust = token
    signer = Pkcs11Signer(module, TOKEN, LABEL, Passphrase.literal(PIN))
    sig = signer.sign_bytes(b"sha256:konsep")
    assert verify_bytes(b"sha256:konsep", sig, trust).ok
    assert not verify_bytes(b"sha256:lain", sig, trust).ok


def test_softhsm_wrong_pin_and_unknown_token(token: tuple[str, TrustStore],
                                             tmp_path: Path) -> None:
    module, _ = token
    wrong = Pkcs11Signer(module, TOKEN, LABEL, Passphrase.literal("000000"))
    with pytest.raises(PassphraseError, match="wrong PIN") as info:
        wrong.sign_pdf(surat_pdf(), PdfSignOptions(doc_id="B-1"))
    assert "000000" not in str(info.value)
    with pytest.raises(InputError, match="token"):
        Pkcs11Signer(module, "tidak-ada", LABEL, Passphrase.literal(PIN)).sign_bytes(b"x")
    with pytest.raises(InputError, match="no certificate"):
        Pkcs11Signer(module, TOKEN, "tidak-ada", Passphrase.literal(PIN)).sign_bytes(b"x")
    with pytest.raises(InputError, match="does not exist"):
        Pkcs11Signer(tmp_path / "no.so", TOKEN, LABEL, Passphrase.literal(PIN)).sign_bytes(b"x")


def test_softhsm_key_performs_trail_steps(soffice: str, token: tuple[str, TrustStore],
                                          tmp_path: Path, trail_pki: TrailPki) -> None:
    """The Karo PO's key on a token: his steps (2, 6, 10, 14) are signed through PKCS#11,
    the signed originals validate, and the trail verifies against both roots."""
    from asn1crypto import pem

    from naskah import demo
    from naskah.trail import Trail
    from naskah.trail.data_langkah import DataLangkah

    module, token_trust = token
    karo = Pkcs11Signer(module, TOKEN, LABEL, Passphrase.literal(PIN))
    assert KARO.nip is not None
    roster = trail_pki.roster()
    roster["sertifikat"][KARO.nip] = pem.armor("CERTIFICATE", karo.certificate_der()).decode()
    token_ca = tmp_path / "token-ca.pem"
    token_ca.write_bytes(pem.armor("CERTIFICATE", token_trust.roots[0].dump()))
    init = trail_pki.init_kwargs("196703121992031002")
    trail = Trail.init(tmp_path / "berkas", roster, dibuat=demo.MULAI,
                       **init | {"trust": [trail_pki.ca, token_ca]})
    for n in range(1, 15):
        data = DataLangkah.load(demo.data_dir() / f"langkah-{n:02d}.json").perform_kwargs()
        if n == 14:  # a key certified for the same name and NIP, but not the roster's
            with pytest.raises(CertificateError, match=r"another certificate than the one "
                               r"pelaksana\.json binds to Agus Setiawan"):
                trail.perform(n, **data, signer=trail_pki.signer(KARO.nip))
        signer = karo if data["oleh"] == KARO.nip else trail_pki.signer(data["oleh"])
        trail.perform(n, **data, signer=signer)
    result = trail.verify()
    assert result.utuh, [str(m) for m in result.masalah]
    both = TrustStore.from_files([trail_pki.ca, token_ca])
    for ref in (r for e in trail.entries() for r in e.asli):
        report = verify_pdf((trail.folder / str(ref.file)).read_bytes(), both)
        assert report.ok and report.signatures[0].identitas is not None
        assert report.signatures[0].identitas.nip == KARO.nip
    assert trail.entries()[-1].pelaksana.nip == KARO.nip
