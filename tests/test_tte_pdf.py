"""Signing a real naskah: the example nota dinas rendered to DOCX and exported to PDF by
LibreOffice once per module, then signed and checked with pyHanko."""

from __future__ import annotations

import io

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pypdf import PdfReader

from naskah.pdf.convert import docx_to_pdf_bytes
from naskah.tte.pades import PdfSignOptions
from naskah.tte.passphrase import Passphrase
from naskah.tte.pkcs12 import Pkcs12Signer
from naskah.tte.trust import TrustStore
from naskah.tte.verify import verify_pdf
from tests.helpers import load_example
from tests.tte_helpers import KARO, PASSPHRASE, Pki

pytestmark = pytest.mark.libreoffice


@pytest.fixture(scope="module")
def nota_pdf(soffice: str, rendered_examples: dict[str, bytes]) -> bytes:
    return docx_to_pdf_bytes(rendered_examples["nota-dinas"])


def test_signed_nota_dinas_validates_and_keeps_its_text(nota_pdf: bytes, pki: Pki) -> None:
    assert KARO.nip
    signer = Pkcs12Signer(pki.p12[KARO.nip], Passphrase.literal(PASSPHRASE))
    model = load_example("nota-dinas")
    signed = signer.sign_pdf(nota_pdf, PdfSignOptions(doc_id="ND-2026-001"))
    trust = TrustStore.from_files([pki.ca_pem])
    (sig,) = PdfFileReader(io.BytesIO(signed)).embedded_signatures
    assert validate_pdf_signature(sig, trust.validation_context()).bottom_line
    assert verify_pdf(signed, trust).ok
    reader = PdfReader(io.BytesIO(signed))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert " ".join(model.hal.split()) in text
    assert "ID dokumen: ND-2026-001" in text
    assert signed.startswith(nota_pdf)


def test_signature_on_pdfa_output_validates_and_keeps_pdfa_identification(
    soffice: str, rendered_examples: dict[str, bytes], pki: Pki
) -> None:
    # Issue 11: a PDF/A-2b export (archiving) must still carry a valid PAdES signature,
    # and signing (an incremental update) must not drop the PDF/A identification.
    archival = docx_to_pdf_bytes(rendered_examples["nota-dinas"], pdfa=True)
    assert KARO.nip
    signer = Pkcs12Signer(pki.p12[KARO.nip], Passphrase.literal(PASSPHRASE))
    signed = signer.sign_pdf(archival, PdfSignOptions(doc_id="ND-ARSIP-1"))
    trust = TrustStore.from_files([pki.ca_pem])
    (sig,) = PdfFileReader(io.BytesIO(signed)).embedded_signatures
    assert validate_pdf_signature(sig, trust.validation_context()).bottom_line
    assert verify_pdf(signed, trust).ok
    root = PdfReader(io.BytesIO(signed)).trailer["/Root"]
    packet = root["/Metadata"].get_object().get_data()
    assert b"<pdfaid:part>2</pdfaid:part>" in packet
