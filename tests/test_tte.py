"""TTE: PAdES signing with a PKCS#12 key, the visible stamp and QR, detached CMS,
trust, expiry, and the test PKI — all on real PDFs checked with pyHanko's validator."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import warnings
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pypdf import PdfReader
from pypdf.generic import create_string_object

from naskah.errors import InputError
from naskah.profil import Tte, load_profil
from naskah.tte.cms import signer_certificate, verify_bytes
from naskah.tte.errors import CertificateError, PassphraseError
from naskah.tte.identity import Identitas
from naskah.tte.pades import PdfSignOptions
from naskah.tte.passphrase import Passphrase
from naskah.tte.pkcs12 import Pkcs12Signer
from naskah.tte.pki import (
    ORGANISASI_UJI,
    ROOT_NAMA,
    buat_root_ca,
    init_test_pki,
    pkcs12_bytes,
    terbitkan,
)
from naskah.tte.qr import TANPA_URL, QrWarning, verification_url
from naskah.tte.signer import sign_pdf_file
from naskah.tte.trust import TrustStore
from naskah.tte.verify import verify_pdf
from tests.tte_helpers import KABAG, KARO, PASSPHRASE, Pki, make_pki, qr_matrix, surat_pdf


@pytest.fixture(scope="module")
def trust(pki: Pki) -> TrustStore:
    return TrustStore.from_files([pki.ca_pem])


@pytest.fixture
def karo(pki: Pki) -> Pkcs12Signer:
    assert KARO.nip
    return Pkcs12Signer(pki.p12[KARO.nip], Passphrase.literal(PASSPHRASE))


@pytest.fixture(scope="module")
def signed(pki: Pki) -> bytes:
    """The example letter signed by Karo PO at the #ttd# tag."""
    assert KARO.nip
    signer = Pkcs12Signer(pki.p12[KARO.nip], Passphrase.literal(PASSPHRASE))
    return signer.sign_pdf(surat_pdf("#ttd#"), PdfSignOptions(doc_id="B-12/PO/11/2026",
                                                              tag="#ttd#"))


def pyhanko_status(pdf: bytes, trust: TrustStore | None):  # type: ignore[no-untyped-def]
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    (sig,) = reader.embedded_signatures
    return validate_pdf_signature(sig, trust.validation_context() if trust else None)


def signature_widget(pdf: bytes) -> tuple[int, list[float], bytes, bytes]:
    """(page index, /Rect, appearance stream, QR XObject stream) of the signature."""
    reader = PdfReader(io.BytesIO(pdf))
    for index, page in enumerate(reader.pages):
        for ref in page.get("/Annots") or []:
            annot = ref.get_object()
            if annot.get("/FT") == "/Sig":
                ap = annot["/AP"]["/N"].get_object()
                qr = ap["/Resources"]["/XObject"]["/QR"].get_object()
                return (index, [float(v) for v in annot["/Rect"]], ap.get_data(),
                        qr.get_data())
    raise AssertionError("no signature widget")


def shown_lines(content: bytes) -> list[str]:
    """The lines a content stream shows: the stamp font is an embedded CID font whose
    strings are glyph ids, so each line's text is its marked-content /ActualText."""
    out = []
    for raw in re.findall(rb"/ActualText (\((?:[^()\\]|\\.)*\)|<[0-9A-Fa-f]*>)", content):
        if raw.startswith(b"<"):
            data = bytes.fromhex(raw[1:-1].decode("ascii"))
        else:
            data = re.sub(rb"\\([0-7]{1,3})", lambda m: bytes([int(m.group(1), 8)]), raw[1:-1])
            data = re.sub(rb"\\(.)", rb"\1", data)
        out.append(str(create_string_object(data)))  # UTF-16 or PDFDocEncoding
    return out


# -- PAdES with a PKCS#12 key ------------------------------------------------------------


def test_pyhanko_validator_accepts_the_signed_pdf(signed: bytes, trust: TrustStore) -> None:
    status = pyhanko_status(signed, trust)
    assert status.bottom_line and status.intact and status.valid and status.trusted
    assert status.coverage.name == "ENTIRE_FILE"
    assert signed.startswith(surat_pdf("#ttd#"))  # an incremental update: original kept


def test_verify_reports_signer_from_the_certificate(signed: bytes, trust: TrustStore) -> None:
    result = verify_pdf(signed, trust)
    assert result.ok
    (sig,) = result.signatures
    assert sig.identitas == Identitas(KARO.nama, KARO.nip, KARO.jabatan, ORGANISASI_UJI)
    assert sig.signing_time is not None
    assert abs(sig.signing_time - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=10)
    assert not sig.timestamped


def test_stamp_shows_heading_jabatan_name_nip_at_the_tag(signed: bytes) -> None:
    page, rect, appearance, _ = signature_widget(signed)
    assert page == 1  # the tag's page (the last)
    # The stamp's top-left corner sits at the tag (x=330, baseline y=600).
    assert rect[0] == pytest.approx(330, abs=1) and 600 <= rect[3] <= 615
    assert shown_lines(appearance) == ["Ditandatangani secara elektronik oleh:", KARO.jabatan,
                                       KARO.nama, f"NIP {KARO.nip}"]


def test_footer_statement_and_document_id_are_on_the_signed_page(signed: bytes) -> None:
    text = " ".join(PdfReader(io.BytesIO(signed)).pages[1].extract_text().split())
    assert "ID dokumen: B-12/PO/11/2026" in text
    assert "UU ITE No. 11 Tahun 2008" in text
    # A test certificate: the footer names its issuer, never BSrE (issue 17, item 13).
    assert "diterbitkan oleh naskah UJI (sertifikat uji, bukan untuk produksi)." in text
    assert "BSrE" not in text and "Badan Siber" not in text and "komdigi" not in text


def _qr_drawn(qr_stream: bytes) -> set[tuple[int, int]]:
    return {(int(r), int(c)) for c, r in
            re.findall(rb"^(\d+) (\d+) 1 1 re$", qr_stream, flags=re.MULTILINE)}


def _qr_of(payload: str) -> set[tuple[int, int]]:
    border = 4
    return {(r - border, c - border) for r, row in enumerate(qr_matrix(payload))
            for c, dark in enumerate(row) if dark}


def test_qr_without_a_url_holds_the_document_id_as_text(signed: bytes) -> None:
    """No qr_url and no url_verifikasi in the profile: the QR code holds the document
    id itself, never a placeholder host."""
    *_, qr_stream = signature_widget(signed)
    assert _qr_drawn(qr_stream) == _qr_of("B-12/PO/11/2026")
    assert _qr_of("B-12/PO/11/2026x") != _qr_of("B-12/PO/11/2026")  # it can tell apart
    assert b"example.go.id" not in signed


def test_qr_given_as_qr_url_is_drawn_as_is(karo: Pkcs12Signer) -> None:
    url = "https://naskah.instansi-uji.go.id/v/Abc_123-token"
    with warnings.catch_warnings():
        warnings.simplefilter("error", QrWarning)  # a URL was given: no warning
        pdf = karo.sign_pdf(surat_pdf(), PdfSignOptions(doc_id="X-1", qr_url=url))
    *_, qr_stream = signature_widget(pdf)
    assert _qr_drawn(qr_stream) == _qr_of(url)


def test_signing_without_a_url_warns_once_per_signature(karo: Pkcs12Signer) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        karo.sign_pdf(surat_pdf(), PdfSignOptions(doc_id="X-1"))
        # An invisible signature has no QR code: nothing to warn about.
        karo.sign_pdf(surat_pdf(), PdfSignOptions(doc_id="X-2", visible=False))
    qr = [w for w in caught if issubclass(w.category, QrWarning)]
    assert [str(w.message) for w in qr] == [TANPA_URL]
    assert "document id as text" in TANPA_URL


def test_without_tag_the_stamp_goes_to_the_fallback_box(karo: Pkcs12Signer,
                                                        trust: TrustStore) -> None:
    pdf = karo.sign_pdf(surat_pdf(), PdfSignOptions(doc_id="X-1", tag="#ttd#"))
    page, rect, _, _ = signature_widget(pdf)
    assert page == 1 and rect == [288.0, 100.0, 538.0, 170.0]
    custom = karo.sign_pdf(surat_pdf(), PdfSignOptions(doc_id="X-1", page=0,
                                                       box=(60, 60, 310, 130)))
    page, rect, _, _ = signature_widget(custom)
    assert page == 0 and rect == [60.0, 60.0, 310.0, 130.0]
    assert verify_pdf(custom, trust).ok


def test_profile_texts_are_configurable(karo: Pkcs12Signer, tmp_path: Path) -> None:
    """The stamp and footer say what a format profile's [tte] says."""
    own = tmp_path / "instansi.toml"
    own.write_text('nama = "uji"\njudul = "Profil uji"\nextends = "pusat"\n[tte]\n'
                   'label = "Telah ditandatangani secara elektronik oleh:"\n'
                   'url_verifikasi = "https://srikandi.example.go.id/cek?id={id}"\n'
                   'catatan_kaki = "Pernyataan instansi uji."\nlabel_id = "Kode:"\n',
                   encoding="utf-8")
    tte = load_profil(own).tte
    pdf = karo.sign_pdf(surat_pdf(), PdfSignOptions(doc_id="ND-7", tte=tte))
    _, _, appearance, qr_stream = signature_widget(pdf)
    assert shown_lines(appearance)[0] == "Telah ditandatangani secara elektronik oleh:"
    text = PdfReader(io.BytesIO(pdf)).pages[1].extract_text()
    assert "Pernyataan instansi uji." in text and "Kode: ND-7" in text
    assert "UU ITE" not in text
    matrix = qr_matrix("https://srikandi.example.go.id/cek?id=ND-7")
    assert qr_stream.count(b" 1 1 re") == sum(map(sum, matrix))


def test_shipped_profiles_share_one_tte_and_it_is_the_default() -> None:
    """One source: PdfSignOptions' default is the shipped profiles' [tte]."""
    tte = PdfSignOptions(doc_id="X").tte
    assert all(load_profil(name).tte == tte for name in ("pusat", "pemda", "kemenko-polhukam"))
    assert tte.label == "Ditandatangani secara elektronik oleh:"
    assert "diterbitkan oleh {penerbit}." in tte.catatan_kaki
    assert "tte.komdigi.go.id" in tte.verifikasi_nasional
    assert "UU ITE" in tte.catatan_kaki
    # No shipped profile names a checking page: no letter carries a placeholder host.
    assert tte.url_verifikasi is None


@pytest.mark.parametrize(("field", "value", "message"), [
    ("url_verifikasi", "https://cek.example.go.id/", "must contain {id}"),
    ("url_verifikasi", "ftp://cek.example.go.id/{id}", "http(s) URL"),
    ("label", "dua\nbaris", "single line"),
])
def test_profile_tte_refuses_what_cannot_be_drawn(field: str, value: str, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        Tte.model_validate({field: value})


def test_profil_tte_is_a_deprecated_name_of_the_profiles_tte() -> None:
    import naskah.tte
    import naskah.tte.stamp

    for home in (naskah.tte, naskah.tte.stamp):
        with pytest.warns(DeprecationWarning, match="ProfilTte is deprecated; use Tte"):
            assert home.ProfilTte is Tte
    # Its old field names still load (a JSON file written for 0.1), with a warning.
    with pytest.warns(DeprecationWarning, match="footer, judul, url_pattern are deprecated"):
        old = Tte.model_validate({"judul": "Oleh:", "footer": "", "url_pattern":
                                  "https://cek.example.go.id/{id}"})
    assert (old.label, old.catatan_kaki, old.url_verifikasi) == (
        "Oleh:", "", "https://cek.example.go.id/{id}")


def test_invisible_signature_has_no_stamp_and_validates(karo: Pkcs12Signer,
                                                        trust: TrustStore) -> None:
    original = surat_pdf()
    pdf = karo.sign_pdf(original, PdfSignOptions(doc_id="S-1", visible=False))
    assert pyhanko_status(pdf, trust).bottom_line
    assert "ID dokumen" not in PdfReader(io.BytesIO(pdf)).pages[1].extract_text()


def test_flipping_one_byte_in_the_signed_range_invalidates(signed: bytes,
                                                           trust: TrustStore) -> None:
    at = signed.index(b"Hal: Surat Uji TTE") + 5
    tampered = signed[:at] + b"X" + signed[at + 1:]
    assert len(tampered) == len(signed)
    assert not pyhanko_status(tampered, trust).intact
    result = verify_pdf(tampered, trust)
    assert not result.ok and not result.signatures[0].intact
    assert "the signed bytes were changed" in result.signatures[0].problems


def test_content_appended_after_signing_is_reported(signed: bytes, karo: Pkcs12Signer,
                                                    trust: TrustStore) -> None:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.stamp import TextStamp, TextStampStyle

    w = IncrementalPdfFileWriter(io.BytesIO(signed))
    TextStamp(w, TextStampStyle(stamp_text="DISETUJUI")).apply(0, 100, 400)
    out = io.BytesIO()
    w.write(out)
    result = verify_pdf(out.getvalue(), trust)
    assert not result.ok
    assert not result.signatures[0].whole_file
    (problem,) = result.signatures[0].problems
    assert problem == "the PDF was changed after this signature: the content of page 1 was changed"


def test_same_name_from_another_ca_is_untrusted(tmp_path: Path, trust: TrustStore) -> None:
    # An attacker's CA with the same name issues a certificate with the same subject.
    rogue = make_pki(tmp_path / "rogue", [KARO], ca_name=ROOT_NAMA)
    assert KARO.nip
    signer = Pkcs12Signer(rogue.p12[KARO.nip], Passphrase.literal(PASSPHRASE))
    pdf = signer.sign_pdf(surat_pdf(), PdfSignOptions(doc_id="B-1"))
    status = pyhanko_status(pdf, trust)
    assert status.intact and status.valid and not status.trusted
    result = verify_pdf(pdf, trust)
    assert not result.ok
    assert result.signatures[0].identitas is not None
    assert result.signatures[0].identitas.nip == KARO.nip  # claims the same person
    assert any("trusted root" in p for p in result.signatures[0].problems)
    assert not verify_pdf(pdf, None).ok  # and no trust store: never trusted


@pytest.mark.parametrize("when", ["expired", "not-yet-valid"])
def test_certificate_outside_its_validity_is_refused_at_signing(tmp_path: Path,
                                                                when: str) -> None:
    ca = buat_root_ca()
    now = dt.datetime.now(dt.UTC)
    if when == "expired":
        s = terbitkan(ca, KARO, not_before=now - dt.timedelta(days=400),
                      not_after=now - dt.timedelta(days=1))
    else:
        s = terbitkan(ca, KARO, not_before=now + dt.timedelta(days=1),
                      not_after=now + dt.timedelta(days=400))
    path = tmp_path / "k.p12"
    path.write_bytes(pkcs12_bytes(s, ca.cert, PASSPHRASE.encode()))
    signer = Pkcs12Signer(path, Passphrase.literal(PASSPHRASE))
    out = tmp_path / "signed.pdf"
    src = tmp_path / "surat.pdf"
    src.write_bytes(surat_pdf())
    with pytest.raises(CertificateError, match=r"expired|not valid before"):
        sign_pdf_file(signer, src, out, PdfSignOptions(doc_id="B-1"))
    with pytest.raises(CertificateError):
        signer.sign_bytes(b"paraf")
    assert not out.exists()


def test_wrong_passphrase_is_a_clear_error_and_writes_nothing(pki: Pki, tmp_path: Path) -> None:
    assert KARO.nip
    signer = Pkcs12Signer(pki.p12[KARO.nip], Passphrase.literal("salah-sekali"))
    src, out = tmp_path / "surat.pdf", tmp_path / "signed.pdf"
    src.write_bytes(surat_pdf())
    with pytest.raises(PassphraseError, match="wrong passphrase") as info:
        sign_pdf_file(signer, src, out, PdfSignOptions(doc_id="B-1"))
    assert "salah-sekali" not in str(info.value)
    assert "salah-sekali" not in repr(signer)
    assert not out.exists() and list(tmp_path.iterdir()) == [src]


def test_sign_pdf_file_writes_a_valid_signed_copy(karo: Pkcs12Signer, tmp_path: Path,
                                                  trust: TrustStore) -> None:
    src, out = tmp_path / "surat.pdf", tmp_path / "surat-ttd.pdf"
    src.write_bytes(surat_pdf())
    sign_pdf_file(karo, src, out, PdfSignOptions(doc_id="B-2"))
    assert verify_pdf(out.read_bytes(), trust).ok
    assert src.read_bytes() == surat_pdf()


def test_not_a_pdf_is_an_input_error(karo: Pkcs12Signer) -> None:
    with pytest.raises(InputError, match="pdf"):
        karo.sign_pdf(b"%PDF-1.7 but not really", PdfSignOptions(doc_id="B-1"))
    with pytest.raises(InputError, match="pdf"):
        verify_pdf(b"hello", None)


def test_b_t_with_a_timestamp_and_b_lt_with_validation_data(pki: Pki, karo: Pkcs12Signer,
                                                            trust: TrustStore) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from pyhanko.keys import load_cert_from_pemder, load_private_key_from_pemder_data
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

    tsa = terbitkan(pki.ca, Identitas("naskah UJI TSA", None, None))
    # A TSA certificate needs the critical timeStamping extended key usage.
    builder = x509.CertificateBuilder().subject_name(tsa.cert.subject).issuer_name(
        pki.ca.cert.subject).public_key(tsa.key.public_key()).serial_number(
        x509.random_serial_number()).not_valid_before(tsa.cert.not_valid_before_utc
        ).not_valid_after(tsa.cert.not_valid_after_utc).add_extension(
        x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
    from cryptography.hazmat.primitives import hashes

    tsa_cert = builder.sign(pki.ca.key, hashes.SHA256())
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".pem") as fh:
        fh.write(tsa_cert.public_bytes(serialization.Encoding.PEM))
        fh.flush()
        cert = load_cert_from_pemder(fh.name)
    key = load_private_key_from_pemder_data(tsa.key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()), None)
    stamper = DummyTimeStamper(tsa_cert=cert, tsa_key=key)
    options = PdfSignOptions(doc_id="B-3", timestamper=stamper)
    assert options.level() == "B-T"
    pdf = karo.sign_pdf(surat_pdf(), options)
    (sig,) = verify_pdf(pdf, trust).signatures
    assert sig.ok and sig.timestamped

    lt = PdfSignOptions(doc_id="B-4", timestamper=stamper, embed_validation_info=True,
                        trust=trust)
    assert lt.level() == "B-LT"
    pdf_lt = karo.sign_pdf(surat_pdf(), lt)
    reader = PdfFileReader(io.BytesIO(pdf_lt))
    assert "/DSS" in reader.root  # validation data embedded
    assert verify_pdf(pdf_lt, trust).ok
    with pytest.raises(InputError, match="B-LT"):
        karo.sign_pdf(surat_pdf(), PdfSignOptions(doc_id="B-5", embed_validation_info=True,
                                                  trust=trust))


# -- detached CMS (paraf, ledger entries) ---------------------------------------------


def test_detached_cms_over_bytes_verifies_and_detects_change(karo: Pkcs12Signer,
                                                             trust: TrustStore) -> None:
    data = b'{"step": 7, "hash": "sha256:ab12"}'
    sig = karo.sign_bytes(data)
    report = verify_bytes(data, sig, trust)
    assert report.ok and report.identitas is not None and report.identitas.nip == KARO.nip
    assert report.signing_time is not None
    bad = verify_bytes(data.replace(b"7", b"8"), sig, trust)
    assert not bad.intact and not bad.ok
    assert not verify_bytes(data, sig, None).ok


def test_detached_cms_over_a_digest_verifies_against_the_data(karo: Pkcs12Signer,
                                                              trust: TrustStore) -> None:
    konsep = b"isi konsep naskah" * 100
    sig = karo.sign_digest(hashlib.sha256(konsep).digest())
    assert verify_bytes(konsep, sig, trust).ok
    assert not verify_bytes(konsep + b".", sig, trust).ok
    assert signer_certificate(sig) == karo.certificate_der()
    with pytest.raises(InputError, match="digest"):
        karo.sign_digest(b"short")


def test_detached_cms_from_another_ca_is_untrusted(tmp_path: Path, trust: TrustStore) -> None:
    rogue = make_pki(tmp_path / "rogue", [KARO], ca_name=ROOT_NAMA)
    assert KARO.nip
    signer = Pkcs12Signer(rogue.p12[KARO.nip], Passphrase.literal(PASSPHRASE))
    report = verify_bytes(b"entry", signer.sign_bytes(b"entry"), trust)
    assert report.intact and report.valid and not report.trusted and not report.ok


def test_garbage_signature_is_an_input_error(trust: TrustStore) -> None:
    with pytest.raises(InputError, match="signature"):
        verify_bytes(b"x", b"\x30\x03\x02\x01\x01", trust)


# -- passphrases --------------------------------------------------------------------


def test_passphrase_sources_never_show_the_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NASKAH_UJI_PP", "r4hasia")
    p = Passphrase.from_env("NASKAH_UJI_PP")
    assert p.get() == b"r4hasia" and "r4hasia" not in repr(p)
    monkeypatch.delenv("NASKAH_UJI_PP")
    with pytest.raises(PassphraseError, match="NASKAH_UJI_PP is not set"):
        p.get()
    assert Passphrase.from_callback(lambda: b"dari-vault").get() == b"dari-vault"
    with pytest.raises(PassphraseError, match="none given"):
        Passphrase.literal("").get()
    monkeypatch.setattr("sys.stdin", io.StringIO())
    with pytest.raises(PassphraseError, match="no terminal"):
        Passphrase.prompt().get()


# -- test PKI -----------------------------------------------------------------------


def test_init_test_pki_issues_marked_certificates(tmp_path: Path) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    result = init_test_pki(tmp_path / "pki", [KARO, KABAG], b"pp-uji")
    ca = x509.load_pem_x509_certificate(result.ca_pem.read_bytes())
    assert ca.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == ROOT_NAMA
    assert "BUKAN UNTUK PRODUKSI" in (tmp_path / "pki" / "BACA-SAYA.txt").read_text()
    assert KARO.nip
    key, cert, _ = pkcs12.load_key_and_certificates(result.p12[KARO.nip].read_bytes(),
                                                    b"pp-uji")
    assert key is not None and cert is not None
    assert cert.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)[0].value == KARO.nip
    assert cert.subject.get_attributes_for_oid(NameOID.TITLE)[0].value == KARO.jabatan
    assert cert.issuer == ca.subject
    with pytest.raises(ValueError):
        pkcs12.load_key_and_certificates(result.p12[KARO.nip].read_bytes(), b"salah")
    before = sorted(p.name for p in (tmp_path / "pki").iterdir())
    with pytest.raises(InputError, match="already holds a PKI"):
        init_test_pki(tmp_path / "pki", [KARO], b"pp-uji")
    assert sorted(p.name for p in (tmp_path / "pki").iterdir()) == before


# -- QR URL: property test on user text ---------------------------------------------


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1, max_size=60).filter(str.strip))
def test_verification_url_round_trips_any_document_id(doc_id: str) -> None:
    url = verification_url("https://cek.instansi-uji.go.id/v/{id}", doc_id)
    parts = urlsplit(url)
    assert parts.netloc == "cek.instansi-uji.go.id"
    assert unquote(parts.path.removeprefix("/v/")) == doc_id
    assert "/" not in parts.path.removeprefix("/v/")


def test_bad_url_patterns_are_refused() -> None:
    with pytest.raises(InputError, match="url_verifikasi"):
        verification_url("https://x.go.id/v/", "B-1")
    with pytest.raises(InputError, match="url_verifikasi"):
        verification_url("javascript:{id}", "B-1")
    with pytest.raises(InputError, match="doc_id"):
        verification_url("https://x.go.id/v/{id}", "  ")


@pytest.mark.slow
@settings(max_examples=8, deadline=None)
@given(nama=st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126),
                    min_size=1, max_size=40).filter(str.strip),
       doc_id=st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126),
                      min_size=1, max_size=30).filter(str.strip))
def test_any_ascii_name_and_document_id_sign_and_validate(
        tmp_path_factory: pytest.TempPathFactory, nama: str, doc_id: str) -> None:
    ca = buat_root_ca()
    s = terbitkan(ca, Identitas(nama, "199001142014031002", "Analis (uji)"))
    path = tmp_path_factory.mktemp("p") / "k.p12"
    path.write_bytes(pkcs12_bytes(s, ca.cert, b"pp"))
    pdf = Pkcs12Signer(path, Passphrase.literal("pp")).sign_pdf(
        surat_pdf(), PdfSignOptions(doc_id=doc_id))
    ca_pem = path.parent / "ca.pem"
    ca_pem.write_bytes(ca.cert_pem())
    result = verify_pdf(pdf, TrustStore.from_files([ca_pem]))
    assert result.ok
    assert result.signatures[0].identitas is not None
    assert result.signatures[0].identitas.nama == nama
    text = " ".join(PdfReader(io.BytesIO(pdf)).pages[1].extract_text().split())
    assert " ".join(f"ID dokumen: {doc_id}".split()) in text


def test_certificate_must_match_the_roster(karo: Pkcs12Signer) -> None:
    from naskah.tte.identity import check_matches

    assert KARO.nip
    check_matches(karo.identitas, nama="agus  setiawan, S.H., M.Si.", nip=KARO.nip)
    with pytest.raises(CertificateError, match="not the NIP"):
        check_matches(karo.identitas, nama=KARO.nama, nip="197808242003122002")
    with pytest.raises(CertificateError, match="not to 'Rina"):
        check_matches(karo.identitas, nama=KABAG.nama, nip=KARO.nip)


def test_revoked_certificate_fails_when_a_crl_is_given(pki: Pki, tmp_path: Path,
                                                       karo: Pkcs12Signer) -> None:
    from naskah.tte.pki import crl

    assert KARO.nip and KABAG.nip
    crl_file = tmp_path / "ca.crl"
    crl_file.write_bytes(crl(pki.ca, [pki.certs[KARO.nip].cert]))
    with_crl = TrustStore.from_files([pki.ca_pem], crl_files=[crl_file])
    pdf = karo.sign_pdf(surat_pdf(), PdfSignOptions(doc_id="B-1"))
    assert verify_pdf(pdf, TrustStore.from_files([pki.ca_pem])).ok  # no CRL: not known
    (sig,) = verify_pdf(pdf, with_crl).signatures
    assert not sig.ok and not sig.trusted
    assert any(p.startswith("the certificate was revoked on ") for p in sig.problems)
    assert not verify_bytes(b"entry", karo.sign_bytes(b"entry"), with_crl).ok
    kabag = Pkcs12Signer(pki.p12[KABAG.nip], Passphrase.literal(PASSPHRASE))
    assert verify_pdf(kabag.sign_pdf(surat_pdf(), PdfSignOptions(doc_id="B-2")), with_crl).ok
