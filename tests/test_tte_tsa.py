"""Issue 16, item 6: signing time proven by RFC 3161 timestamps from a TSA stand-in on
127.0.0.1 (real HTTP, ``application/timestamp-query`` → ``timestamp-reply``), and what
verification says once the certificates have expired (the clock moved with faketime).

Before: no TSA could be given to a CMS signature, every signature was validated as of
now, and an expired certificate made every signature "not chain to a trusted root".
"""

from __future__ import annotations

import base64
import io
import json
import shutil
import threading
import time
from pathlib import Path

import pytest
from asn1crypto import cms
from pyhanko.pdf_utils.reader import PdfFileReader

from naskah.tte.cms import verify_bytes
from naskah.tte.pades import PdfSignOptions
from naskah.tte.passphrase import Passphrase
from naskah.tte.pkcs12 import Pkcs12Signer
from naskah.tte.pki import TestPki as Pki
from naskah.tte.pki import init_test_pki
from naskah.tte.signer import sign_pdf_file
from naskah.tte.trust import TrustStore
from naskah.tte.tsa import HttpTimeStamper, TsaError
from naskah.tte.validasi import Status
from naskah.tte.verify import verify_pdf
from tests.attack_kit import naskah_cli, no_traceback
from tests.tsa_standin import TsaStandin, down_url
from tests.tte_helpers import KARO, surat_pdf

PW = "uji-tsa-123"
LATER = ["faketime", "-f", "+1100d"]
"""Three years on: the pejabat certificates (two years) expired, root and TSA not."""


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return init_test_pki(tmp_path_factory.mktemp("pki") / "pki", [KARO], PW.encode())


@pytest.fixture
def tsa(pki: Pki) -> TsaStandin:
    with TsaStandin.of_pki(pki.folder, PW.encode()) as server:
        yield server  # type: ignore[misc]


def karo(pki: Pki) -> Pkcs12Signer:
    assert KARO.nip
    return Pkcs12Signer(pki.p12[KARO.nip], Passphrase.literal(PW))


def trust(pki: Pki) -> TrustStore:
    return TrustStore.from_files([pki.ca_pem])


def unsigned_attrs(der: bytes) -> list[str]:
    (info,) = cms.ContentInfo.load(der)["content"]["signer_infos"]
    return [a["type"].native for a in info["unsigned_attrs"]] if info[
        "unsigned_attrs"].native else []


def test_pki_init_makes_a_timestamp_authority(pki: Pki) -> None:
    from cryptography import x509
    from cryptography.x509.oid import ExtendedKeyUsageOID

    assert pki.tsa_pem is not None and pki.crl is not None
    cert = x509.load_pem_x509_certificate(pki.tsa_pem.read_bytes())
    eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    assert eku.critical and list(eku.value) == [ExtendedKeyUsageOID.TIME_STAMPING]
    assert "TSA" in cert.subject.rfc4514_string()
    assert x509.load_pem_x509_crl(pki.crl.read_bytes()).next_update_utc is not None


@pytest.mark.slow
def test_pdf_b_t_and_b_lt_through_http(pki: Pki, tsa: TsaStandin,
                                       tmp_path: Path) -> None:
    signed = karo(pki).sign_pdf(surat_pdf(), PdfSignOptions(doc_id="T-1", tsa_url=tsa.url))
    assert tsa.requests and set(tsa.content_types) == {"application/timestamp-query"}
    (report,) = verify_pdf(signed, trust(pki)).signatures
    assert report.ok and report.timestamped, report
    # B-LT: the chain and the CA's CRL in the DSS, added after the signature: still VALID
    store = TrustStore.from_files([pki.ca_pem], crl_files=[pki.crl])  # type: ignore[list-item]
    lt = karo(pki).sign_pdf(surat_pdf(), PdfSignOptions(
        doc_id="T-2", tsa_url=tsa.url, embed_validation_info=True, trust=store, certify=True))
    reader = PdfFileReader(io.BytesIO(lt))
    dss = reader.root["/DSS"]
    assert len(dss["/Certs"]) >= 3 and len(dss["/CRLs"]) == 1  # signer, CA, TSA; the CRL
    (report,) = verify_pdf(lt, trust(pki)).signatures
    assert report.ok and report.timestamped and report.certification == 1, report
    assert not report.whole_file  # the DSS revision follows, and is allowed


@pytest.mark.slow
def test_cms_signature_carries_a_signature_time_stamp_token(pki: Pki,
                                                            tsa: TsaStandin) -> None:
    signer = karo(pki).bound(timestamper=HttpTimeStamper(tsa.url))
    sig = signer.sign_bytes(b"entri ledger")
    assert unsigned_attrs(sig) == ["signature_time_stamp_token"]
    report = verify_bytes(b"entri ledger", sig, trust(pki))
    assert report.ok and report.timestamp is not None
    assert verify_bytes(b"entri lain", sig, trust(pki)).status is Status.TAMPERED
    assert unsigned_attrs(karo(pki).sign_bytes(b"tanpa")) == []


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["down", "refuse", "html", "garbage", "huge"])
def test_an_unusable_tsa_refuses_and_writes_nothing(pki: Pki, tsa: TsaStandin,
                                                    tmp_path: Path, mode: str) -> None:
    url = down_url() if mode == "down" else tsa.url
    tsa.mode = mode
    src, out = tmp_path / "surat.pdf", tmp_path / "surat-ttd.pdf"
    src.write_bytes(surat_pdf())
    with pytest.raises(TsaError, match=r"tsa: .*gave no timestamp.*nothing was signed"):
        sign_pdf_file(karo(pki), src, out, PdfSignOptions(doc_id="T-3", tsa_url=url))
    assert not out.exists()
    with pytest.raises(TsaError):
        karo(pki).bound(timestamper=HttpTimeStamper(url)).sign_bytes(b"x")


@pytest.mark.slow
def test_a_trickling_tsa_hits_the_deadline(pki: Pki, tsa: TsaStandin) -> None:
    tsa.mode = "trickle"
    outcome: list[object] = []

    def sign() -> None:
        try:
            outcome.append(karo(pki).bound(timestamper=HttpTimeStamper(tsa.url, timeout=2))
                           .sign_bytes(b"x"))
        except Exception as exc:
            outcome.append(exc)

    started = time.monotonic()
    worker = threading.Thread(target=sign, daemon=True)
    worker.start()
    worker.join(timeout=20)
    assert time.monotonic() - started < 10, "still reading the trickled reply"
    assert len(outcome) == 1 and isinstance(outcome[0], TsaError), outcome
    assert "within 2 s" in str(outcome[0])


@pytest.mark.slow
def test_after_expiry_timestamped_valid_untimestamped_not_tampered(
        pki: Pki, tsa: TsaStandin, tmp_path: Path) -> None:
    if shutil.which("faketime") is None:
        pytest.fail("faketime is not installed: run tools/install-system-deps.sh")
    stamped, bare = tmp_path / "stamped.pdf", tmp_path / "bare.pdf"
    stamped.write_bytes(karo(pki).sign_pdf(surat_pdf(), PdfSignOptions(
        doc_id="T-4", tsa_url=tsa.url)))
    bare.write_bytes(karo(pki).sign_pdf(surat_pdf(), PdfSignOptions(doc_id="T-5")))
    for path in (stamped, bare):  # today both are valid
        assert naskah_cli("verify", path, "--trust", pki.ca_pem).code == 0
    later = naskah_cli("verify", stamped, "--trust", pki.ca_pem, "--json", prefix=LATER)
    no_traceback(later)
    (sig,) = json.loads(later.out)["signatures"]
    assert later.code == 0 and sig["verdict"] == "VALID" and sig["timestamped"], later
    later = naskah_cli("verify", bare, "--trust", pki.ca_pem, prefix=LATER)
    no_traceback(later)
    assert later.code == 1, later
    assert "TTE: CANNOT BE VALIDATED AFTER EXPIRY" in later.out, later.out
    assert "cannot be validated after expiry: the certificate expired on" in later.out
    assert "chain" not in later.out and "INVALID" not in later.out


@pytest.mark.slow
def test_cms_after_expiry(pki: Pki, tsa: TsaStandin, tmp_path: Path) -> None:
    """The same for the CMS signatures of ledger entries and paraf, in a process whose
    clock is three years on."""
    if shutil.which("faketime") is None:
        pytest.fail("faketime is not installed: run tools/install-system-deps.sh")
    signer = karo(pki)
    sigs = {"stamped": signer.bound(timestamper=HttpTimeStamper(tsa.url)).sign_bytes(b"isi"),
            "bare": signer.sign_bytes(b"isi")}
    (tmp_path / "sigs.json").write_text(json.dumps(
        {k: base64.b64encode(v).decode() for k, v in sigs.items()}))
    script = tmp_path / "cek.py"
    script.write_text(
        "import base64, json, sys\n"
        "from naskah.tte.cms import verify_bytes\n"
        "from naskah.tte.trust import TrustStore\n"
        "trust = TrustStore.from_files([sys.argv[2]])\n"
        "sigs = json.load(open(sys.argv[1]))\n"
        "print(json.dumps({k: [verify_bytes(b'isi', base64.b64decode(v), trust).status,"
        " list(verify_bytes(b'isi', base64.b64decode(v), trust).problems)]"
        " for k, v in sigs.items()}))\n")
    import subprocess
    import sys

    out = subprocess.run([*LATER, sys.executable, str(script), str(tmp_path / "sigs.json"),
                          str(pki.ca_pem)], capture_output=True, text=True, timeout=120,
                         check=True).stdout
    result = json.loads(out.strip().splitlines()[-1])
    assert result["stamped"] == ["valid", []], result
    status, problems = result["bare"]
    assert status == "expired" and problems[0].startswith("cannot be validated after expiry")


def _with_token_of(target: bytes, donor: bytes) -> bytes:
    """``target`` with the unsigned attributes (its timestamp) of ``donor``: no key needed,
    unsigned attributes are outside what the signer signed."""
    info = cms.ContentInfo.load(target)
    other = cms.ContentInfo.load(donor)
    info["content"]["signer_infos"][0]["unsigned_attrs"] = \
        other["content"]["signer_infos"][0]["unsigned_attrs"].copy()
    return bytes(cms.ContentInfo.load(info.dump(force=True)).dump())


@pytest.mark.slow
def test_a_replaced_timestamp_is_reported_not_ignored(pki: Pki, tsa: TsaStandin,
                                                      tmp_path: Path) -> None:
    """The token rides outside the signed attributes: an attacker can swap it. A token
    over another signature, or from a TSA nobody trusts, is a problem, not a proof."""
    from naskah.tte.pki import buat_root_ca
    from tests.tsa_standin import issue_tsa

    stamper = HttpTimeStamper(tsa.url)
    mine = karo(pki).bound(timestamper=stamper).sign_bytes(b"isi")
    other = karo(pki).bound(timestamper=stamper).sign_bytes(b"lain")
    swapped = verify_bytes(b"isi", _with_token_of(mine, other), trust(pki))
    assert not swapped.ok and swapped.timestamp is None
    assert swapped.problems == ("its timestamp does not match the signature (the token was "
                                "changed)",)
    with TsaStandin(issue_tsa(buat_root_ca("TSA lain"))) as foreign:
        alien = karo(pki).bound(timestamper=HttpTimeStamper(foreign.url)).sign_bytes(b"isi")
    report = verify_bytes(b"isi", alien, trust(pki))
    assert not report.ok and report.timestamp is None
    assert report.problems[0].startswith("its timestamp is not trusted")
