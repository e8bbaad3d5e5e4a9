"""Issue 16, item 7: revocation, from CRL files and from the OCSP responder a
certificate names (a stand-in on 127.0.0.1, tests/ocsp_standin.py).

A signature made after its key's revocation is reported; one a timestamp proves was
made before stays valid; PAdES B-LT carries the responder's answer, so the original
still validates with the responder gone. Before: OCSP was asked only with
``--fetch-revocation`` (which also fetched CRLs from anywhere), every signature was
judged as of now (a later revocation failed every earlier signature), and ``trail
verify`` took no ``--crl``.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives.serialization import Encoding
from pyhanko.pdf_utils.reader import PdfFileReader

from naskah.tte.cms import verify_bytes
from naskah.tte.pades import PdfSignOptions
from naskah.tte.passphrase import Passphrase
from naskah.tte.pkcs12 import Pkcs12Signer
from naskah.tte.pki import Sertifikat, buat_root_ca, crl, pkcs12_bytes, terbitkan, terbitkan_tsa
from naskah.tte.trust import Revocation, TrustStore
from naskah.tte.validasi import Status
from naskah.tte.verify import verify_pdf
from tests.attack_kit import naskah_cli, no_traceback
from tests.ocsp_standin import OcspStandin
from tests.tsa_standin import TsaStandin
from tests.tte_helpers import KARO, surat_pdf

PW = "uji-cabut-1"


@dataclass
class Setup:
    ca: Sertifikat
    ca_pem: Path
    karo: Sertifikat
    signer: Pkcs12Signer
    ocsp: OcspStandin
    tsa: TsaStandin

    def trust(self, **kw: bool) -> TrustStore:
        return TrustStore(roots=[asn1_x509.Certificate.load(
            self.ca.cert.public_bytes(Encoding.DER))], **kw)  # type: ignore[arg-type]


@pytest.fixture
def setup(tmp_path: Path) -> Iterator[Setup]:
    ca = buat_root_ca("naskah UJI cabut")
    ca_pem = tmp_path / "ca.pem"
    ca_pem.write_bytes(ca.cert_pem())
    with OcspStandin(ca) as ocsp, TsaStandin(terbitkan_tsa(ca)) as tsa:
        karo = terbitkan(ca, KARO, ocsp_url=ocsp.url)
        p12 = tmp_path / "karo.p12"
        p12.write_bytes(pkcs12_bytes(karo, ca.cert, PW.encode()))
        yield Setup(ca, ca_pem, karo, Pkcs12Signer(p12, Passphrase.literal(PW)), ocsp, tsa)


def ago(**kw: float) -> dt.datetime:
    return dt.datetime.now(dt.UTC) - dt.timedelta(**kw)


@pytest.mark.slow
def test_cms_timestamp_decides_before_or_after_revocation(setup: Setup) -> None:
    from naskah.tte.tsa import HttpTimeStamper

    stamped = setup.signer.bound(timestamper=HttpTimeStamper(setup.tsa.url)).sign_bytes(b"x")
    bare = setup.signer.sign_bytes(b"x")
    online = setup.trust(ocsp=True)
    assert verify_bytes(b"x", stamped, online).ok and verify_bytes(b"x", bare, online).ok
    assert setup.ocsp.requests, "the responder the certificate names was not asked"
    setup.ocsp.revoke(setup.karo.cert.serial_number, dt.datetime.now(dt.UTC))  # now: after
    report = verify_bytes(b"x", stamped, online)
    assert report.ok and report.timestamp is not None, report.problems
    report = verify_bytes(b"x", bare, online)
    assert report.status is Status.REVOKED
    assert "no timestamp proves the signature was made before" in report.problems[0]
    # revoked an hour before the timestamp: the signature came after the revocation
    setup.ocsp.revoke(setup.karo.cert.serial_number, ago(hours=1))
    report = verify_bytes(b"x", stamped, online)
    assert report.status is Status.REVOKED
    assert "the signature was made after the revocation" in report.problems[0]
    # offline, nothing is asked and nothing is known: soft-fail, as before
    asked = len(setup.ocsp.requests)
    assert verify_bytes(b"x", stamped, setup.trust()).ok
    assert len(setup.ocsp.requests) == asked


@pytest.mark.slow
def test_b_lt_carries_the_ocsp_answer(setup: Setup, tmp_path: Path) -> None:
    signed = setup.signer.sign_pdf(surat_pdf(), PdfSignOptions(
        doc_id="C-1", tsa_url=setup.tsa.url, embed_validation_info=True,
        trust=setup.trust(ocsp=True), certify=True))
    dss = PdfFileReader(io.BytesIO(signed)).root["/DSS"]
    assert len(dss["/OCSPs"]) >= 1, "no OCSP answer in the DSS"
    # The responder now says: revoked a minute ago (after the timestamp) — and then
    # goes away. Offline, from the DSS alone: valid. Online: still valid (proven before).
    setup.ocsp.revoke(setup.karo.cert.serial_number, ago(minutes=0))
    (report,) = verify_pdf(signed, setup.trust()).signatures
    assert report.ok and report.timestamped, report.problems
    (report,) = verify_pdf(signed, setup.trust(ocsp=True)).signatures
    assert report.ok, report.problems
    path = tmp_path / "asli.pdf"
    path.write_bytes(signed)
    result = naskah_cli("verify", path, "--trust", setup.ca_pem)
    no_traceback(result)
    assert result.code == 0 and "TTE: VALID" in result.out, result


@pytest.mark.slow
def test_pdf_signed_after_revocation_is_reported_by_ocsp_and_crl(setup: Setup,
                                                                 tmp_path: Path) -> None:
    setup.ocsp.revoke(setup.karo.cert.serial_number, ago(minutes=5))
    path = tmp_path / "asli.pdf"
    path.write_bytes(setup.signer.sign_pdf(surat_pdf(), PdfSignOptions(
        doc_id="C-2", tsa_url=setup.tsa.url)))
    result = naskah_cli("verify", path, "--trust", setup.ca_pem, "--json")
    no_traceback(result)
    (sig,) = json.loads(result.out)["signatures"]
    assert result.code == 1 and sig["verdict"] == "REVOKED", sig
    assert "made after the revocation" in sig["problems"][0]
    # --offline: the responder is not asked; a CRL file says the same
    asked = len(setup.ocsp.requests)
    result = naskah_cli("verify", path, "--trust", setup.ca_pem, "--offline")
    assert result.code == 0 and len(setup.ocsp.requests) == asked, result
    other = tmp_path / "lain.crl"
    other.write_bytes(crl(buat_root_ca("CA lain"), []))
    revoked = tmp_path / "ca.crl"
    revoked.write_bytes(crl(setup.ca, [setup.karo.cert], revoked_at=ago(minutes=5)))
    result = naskah_cli("verify", path, "--trust", setup.ca_pem, "--offline",
                        "--crl", other, "--crl", revoked)
    no_traceback(result)
    assert result.code == 1 and "TTE: REVOKED" in result.out, result


def test_revocation_sources_add_to_a_store() -> None:
    store = TrustStore(roots=[])
    ca = buat_root_ca("naskah UJI sumber")
    extra = Revocation([asn1_crl_of(crl(ca, []))], ocsp=True).apply(store)
    assert extra.ocsp and len(extra.crls) == 1 and not extra.allow_fetching
    assert store.crls == [] and not store.ocsp  # the store itself is unchanged


def asn1_crl_of(pem: bytes) -> object:
    from asn1crypto import crl as asn1_crl
    from asn1crypto import pem as asn1_pem

    return asn1_crl.CertificateList.load(asn1_pem.unarmor(pem)[2])


@pytest.mark.slow
def test_pki_init_names_an_ocsp_responder(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from cryptography import x509
    from cryptography.x509.oid import AuthorityInformationAccessOID

    from naskah.cli import main

    monkeypatch.setenv("NASKAH_PKI_PASSPHRASE", PW)
    assert main(["pki", "init", "-o", str(tmp_path / "pki"), "--ocsp",
                 "http://127.0.0.1:18599/ocsp"]) == 0
    cert = x509.load_pem_x509_certificate(
        (tmp_path / "pki" / "197005151995031001.pem").read_bytes())
    (access,) = cert.extensions.get_extension_for_class(x509.AuthorityInformationAccess).value
    assert access.access_method == AuthorityInformationAccessOID.OCSP
    assert access.access_location.value == "http://127.0.0.1:18599/ocsp"
