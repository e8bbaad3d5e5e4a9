"""Issue 16, signed PDFs and what makes them: attacks under which ``naskah verify``
reports VALID or the signing path accepts what it should not, each performed for real.

Items: 3 (changes after the last signature: an overlay field over the nomor, trailing
bytes, an /Info-only update; DocMDP), 6 (expiry under ``faketime``; RFC 3161
timestamps), 7 (revocation: ``trail verify --crl``, and OCSP against a responder on
127.0.0.1: tests/ocsp_standin.py), 12 (a misbehaving BSrE server on
127.0.0.1: tests/bsre_standin.py), 13 (custom templates that reach outside: a linked
image over HTTP, a ``file://`` image, rendering that runs away).
"""
# The trail and BSrE fixtures are imported; pytest injects them by name.
# ruff: noqa: F811

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import io
import json
import re
import shutil
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import docx
import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields
from pypdf import PdfReader

import naskah
from naskah import demo
from naskah.trail import Trail
from naskah.tte.bsre import BsreConfig
from naskah.tte.bsre_signer import BsreSigner
from naskah.tte.errors import PassphraseError, SigningError
from naskah.tte.pades import PdfSignOptions
from naskah.tte.passphrase import Passphrase
from naskah.tte.posisi import find_tag
from naskah.tte.signer import sign_pdf_file
from naskah.tte.trust import TrustStore
from naskah.tte.verify import verify_pdf
from tests.attack_fixtures import (  # noqa: F401 - fixtures
    KARO_PO,
    SESMENKO,
    ca_of,
    copy_of,
    demo_upto,
    step_kwargs,
)
from tests.attack_kit import demo_ca, masalah, naskah_cli, no_traceback
from tests.bsre_standin import BsreStandin
from tests.helpers import EXAMPLES, png_bytes
from tests.ocsp_standin import OcspStandin, issue_with_ocsp
from tests.test_tte_bsre import NIK_KABAG, NIK_KARO, PP, accounts  # noqa: F401
from tests.tsa_standin import TsaStandin, issue_tsa
from tests.tte_helpers import KARO, make_pdf, surat_pdf

pytestmark = pytest.mark.attack

SIGNED = ("dokumen/10-undangan-rapat.pdf", "dokumen/14-laporan.pdf",
          "dokumen/14-nodin-pengantar.pdf")
NODIN = "dokumen/14-nodin-pengantar.pdf"


def verify_cli(pdf: Path, ca: Path, *extra: str, prefix: list[str] | None = None
               ) -> tuple[Any, dict[str, Any]]:
    result = naskah_cli("verify", pdf, "--trust", ca, "--json", *extra, prefix=prefix)
    no_traceback(result)
    return result, json.loads(result.out) if result.out.strip() else {}


def problems(report: dict[str, Any]) -> str:
    return " | ".join(p for s in report.get("signatures", []) for p in s["problems"])


# ================================================================ 3. changes after signing


def _name(value: str) -> generic.NameObject:
    return generic.NameObject(value)


def overlay_nomor(pdf: bytes, nomor: str, forged: str) -> tuple[bytes, tuple[int, ...]]:
    """Add, in an incremental update and with no key, an *empty* signature field whose
    appearance is an opaque white box printing ``forged``, over where ``nomor`` is drawn."""
    page, x, y, size = find_tag(PdfReader(io.BytesIO(pdf)), nomor) or (-1, 0.0, 0.0, 0.0)
    assert page >= 0, f"{nomor} is not on any page"
    box = (int(x) - 60, int(y) - 4, int(x) + 240, int(y) + int(size) + 4)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    fields.append_signature_field(writer, fields.SigFieldSpec("Nomor", box=box, on_page=page))
    width, height = box[2] - box[0], box[3] - box[1]
    font = generic.DictionaryObject({_name("/Type"): _name("/Font"),
                                     _name("/Subtype"): _name("/Type1"),
                                     _name("/BaseFont"): _name("/Helvetica-Bold")})
    text = f"NOMOR {forged}".replace("(", "\\(").replace(")", "\\)")
    appearance = generic.StreamObject({
        _name("/Type"): _name("/XObject"), _name("/Subtype"): _name("/Form"),
        _name("/BBox"): generic.ArrayObject([generic.NumberObject(v)
                                             for v in (0, 0, width, height)]),
        _name("/Resources"): generic.DictionaryObject({_name("/Font"): generic.DictionaryObject(
            {_name("/F1"): font})}),
    }, stream_data=(f"1 1 1 rg 0 0 {width} {height} re f "
                    f"BT 0 0 0 rg /F1 11 Tf 60 5 Td ({text}) Tj ET").encode("latin-1"))
    ref = writer.add_object(appearance)
    for field_ref in writer.root["/AcroForm"]["/Fields"]:
        field = field_ref.get_object()
        if field.get("/T") == "Nomor":
            field[_name("/AP")] = generic.DictionaryObject({_name("/N"): ref})
            writer.update_container(field)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), box


def info_only_update(pdf: bytes) -> bytes:
    """An incremental update that changes nothing but the document information (/Info)."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    info = writer.trailer["/Info"].get_object()
    info[_name("/Title")] = generic.TextStringObject("Nota Dinas 99/PALSU/OT.01.02/11/2026")
    info[_name("/Author")] = generic.TextStringObject("Biro Lain")
    writer.update_container(info)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.slow
def test_overlay_field_over_the_nomor_is_not_valid(demo_master: Path, tmp_path: Path) -> None:
    """Item 3: after the Karo PO signed the nota dinas, someone without any key adds an
    empty signature field whose appearance is an opaque box printing another nomor,
    exactly over the nomor. A viewer shows "NOMOR 99/PALSU/...".

    Today: "TTE: VALID ... nothing added after: NO", exit 0 (form filling is accepted).
    Fixed: exit 1, the problem names what was added after the signature, e.g. "the PDF
    was changed after this signature: a signature field 'Nomor' (an annotation with
    its own appearance) was added on page 1"."""
    nomor = naskah.read_metadata(demo_master / "dokumen/14-nodin-pengantar.docx").nomor
    assert nomor
    forged, box = overlay_nomor((demo_master / NODIN).read_bytes(), nomor,
                                "99/PALSU/OT.01.02/11/2026")
    # the overlay is there, over the nomor, with its own (opaque) appearance
    widgets = [a.get_object() for a in PdfReader(io.BytesIO(forged)).pages[0]["/Annots"]]
    (over,) = [w for w in widgets if w.get("/T") == "Nomor"]
    assert [int(float(v)) for v in over["/Rect"]] == list(box) and "/AP" in over
    path = tmp_path / "14-nodin-pengantar.pdf"
    path.write_bytes(forged)
    result, report = verify_cli(path, ca_of(demo_master))
    assert result.code == 1, result
    assert report["ok"] is False
    assert re.search(r"field|annotation|widget|added|ditambah", problems(report), re.I), report


@pytest.mark.slow
def test_bytes_after_the_last_eof_are_not_valid(demo_master: Path, tmp_path: Path) -> None:
    """Item 3: text appended after the final ``%%EOF``. Today: VALID, exit 0.
    Fixed: exit 1 by default, naming the change ("N bytes after the end of the signed
    file (after the last %%EOF)")."""
    path = tmp_path / "ekor.pdf"
    path.write_bytes((demo_master / NODIN).read_bytes()
                     + b"\n% ditambahkan setelah ditandatangani\nNOMOR 99/PALSU\n")
    result, report = verify_cli(path, ca_of(demo_master))
    assert result.code == 1, result
    assert re.search(r"byte|EOF|trailing|after", problems(report), re.I), report


@pytest.mark.slow
def test_an_info_only_update_is_not_valid(demo_master: Path, tmp_path: Path) -> None:
    """Item 3: an incremental update changing only /Info (title "Nota Dinas 99/PALSU",
    author). Today: VALID, exit 0. Fixed: exit 1 by default, naming the change (the
    document information /Info was changed after the signature)."""
    path = tmp_path / "info.pdf"
    path.write_bytes(info_only_update((demo_master / NODIN).read_bytes()))
    assert PdfReader(path).metadata.title.startswith("Nota Dinas 99/PALSU")  # type: ignore[union-attr]
    result, report = verify_cli(path, ca_of(demo_master))
    assert result.code == 1, result
    assert re.search(r"Info|metadata|informa", problems(report), re.I), report


def test_signed_originals_are_certification_signatures(demo_master: Path) -> None:
    """Item 3: the signed original's signature certifies the document (DocMDP), so PDF
    viewers flag later changes too. Today: an approval signature (no /DocMDP)."""
    for rel in SIGNED:
        (sig,) = PdfFileReader(io.BytesIO((demo_master / rel).read_bytes())).embedded_signatures
        assert sig.docmdp_level is not None, f"{rel}: not a certification (DocMDP) signature"


# ================================================================ 6. expiry


LATER = ["faketime", "-f", "+1100d"]
"""Three years on: the officials' certificates (two years) have expired, the root not."""


@pytest.fixture(scope="module")
def faketime() -> list[str]:
    if shutil.which("faketime") is None:
        pytest.fail("faketime is not installed: run tools/install-system-deps.sh")
    return LATER


@pytest.mark.slow
def test_an_untouched_trail_after_expiry_is_not_tampered(demo_master: Path,
                                                         faketime: list[str]) -> None:
    """Item 6: the untouched demo trail, verified three years later.

    Today: "TAMPERED: step 1: ledger.json: the signature of Dr. Hendra Wirawan ...
    does not chain to a trusted root" and the same for every step, exit 1.
    Fixed: timestamped signatures verify after expiry (exit 0); an untimestamped one
    says "cannot be validated after expiry", never TAMPERED nor "does not chain"."""
    result = naskah_cli("trail", "verify", demo_master, "--trust", ca_of(demo_master),
                        "--json", prefix=faketime)
    no_traceback(result)
    found = masalah(result)
    text = naskah_cli("trail", "verify", demo_master, "--trust", ca_of(demo_master),
                      prefix=faketime)
    assert "TAMPERED" not in text.text, text.text[:2000]
    for m in found:
        assert re.search(r"expir|kedaluwarsa", m["pesan"], re.I), found[:3]
        assert "does not chain" not in m["pesan"], found[:3]


@pytest.mark.slow
def test_a_signed_original_after_expiry(demo_master: Path, faketime: list[str]) -> None:
    """Item 6: ``naskah verify`` of a signed original three years later. Today: INVALID,
    "the certificate does not chain to a trusted root (OUT_OF_BOUNDS_NO_POE)", exit 1.
    Fixed: VALID through its timestamp (exit 0), or "cannot be validated after expiry"."""
    result, report = verify_cli(demo_master / NODIN, ca_of(demo_master), prefix=faketime)
    if result.code != 0:
        assert re.search(r"expir|kedaluwarsa", problems(report), re.I), report
        assert "does not chain" not in problems(report), report


def _cms_has_timestamp(b64: str) -> bool:
    from asn1crypto import cms

    info = cms.ContentInfo.load(base64.b64decode(b64))
    (signer,) = info["content"]["signer_infos"]
    attrs = signer["unsigned_attrs"].native or []
    return any(a["type"] == "signature_time_stamp_token" for a in attrs)


def test_signatures_carry_rfc3161_timestamps(demo_master: Path) -> None:
    """Item 6: signing time is proven. The signed originals are PAdES B-LT (a signature
    timestamp, and certificates plus CRL/OCSP answers in the DSS); the header's, each
    entry's and each paraf's CMS signature carries a timestamp token (unsigned attribute
    id-aa-signatureTimeStampToken). Today: none has any."""
    trust = TrustStore.from_files([ca_of(demo_master)])
    for rel in SIGNED:
        data = (demo_master / rel).read_bytes()
        (report,) = verify_pdf(data, trust).signatures
        assert report.timestamped, f"{rel}: no signature timestamp (PAdES B-T)"
        root = PdfFileReader(io.BytesIO(data)).root
        assert "/DSS" in root, f"{rel}: no DSS (PAdES B-LT)"
    ledger = json.loads((demo_master / "ledger.json").read_text(encoding="utf-8"))
    assert _cms_has_timestamp(ledger["header"]["ttd"]), "ledger header"
    for entry in ledger["entries"]:
        assert _cms_has_timestamp(entry["ttd"]), f"step {entry['step']}"
        for ref in entry["keluaran"]:
            if ref.get("tte"):
                assert _cms_has_timestamp(ref["tte"]), f"step {entry['step']} paraf {ref['kode']}"


def test_the_tsa_standin_speaks_rfc_3161() -> None:
    """The loopback TSA (tests/tsa_standin.py) the fix's tests need: pyHanko's own HTTP
    client gets a token from it that validates against its root; when ``down`` it
    refuses (a step whose TSA cannot be reached must then be refused, nothing written)."""
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives.serialization import Encoding
    from pyhanko.sign.timestamps import HTTPTimeStamper
    from pyhanko.sign.validation.generic_cms import validate_tst_signed_data
    from pyhanko_certvalidator import ValidationContext

    from naskah.tte.pki import buat_root_ca

    ca = buat_root_ca("naskah UJI TSA root")
    root = asn1_x509.Certificate.load(ca.cert.public_bytes(Encoding.DER))
    digest = bytes(range(32))
    with TsaStandin(issue_tsa(ca)) as tsa:
        token = asyncio.run(HTTPTimeStamper(tsa.url).async_timestamp(digest, "sha256"))
        status = asyncio.run(validate_tst_signed_data(
            token["content"], ValidationContext(trust_roots=[root]), lambda _: digest))
        assert status["intact"] and status["valid"], status
        assert status["trust_problem_indic"] is None and status["validation_path"], status
        tsa.down = True
        with pytest.raises(Exception, match=r"503|status|[Tt]imestamp"):
            asyncio.run(HTTPTimeStamper(tsa.url).async_timestamp(digest, "sha256"))
    assert len(tsa.requests) == 2


# ================================================================ 7. revocation


def _crl(master: Path, nip: str, revoked_at: dt.datetime) -> bytes:
    """A CRL of the demo's root revoking ``nip``'s certificate as of ``revoked_at``."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization

    ca = demo_ca(master)
    cert = x509.load_pem_x509_certificate((master / "pki-uji" / f"{nip}.pem").read_bytes())
    now = dt.datetime.now(dt.UTC)
    crl = (x509.CertificateRevocationListBuilder().issuer_name(ca.cert.subject)
           .last_update(now - dt.timedelta(minutes=5)).next_update(now + dt.timedelta(days=7))
           .add_revoked_certificate(x509.RevokedCertificateBuilder()
                                    .serial_number(cert.serial_number)
                                    .revocation_date(revoked_at).build())
           .sign(ca.key, hashes.SHA256()))
    return crl.public_bytes(serialization.Encoding.PEM)


@pytest.mark.slow
def test_a_step_signed_after_revocation_is_reported(demo_upto: Callable[[int], Path],
                                                    copy_of: Callable[[Path], Path],
                                                    tmp_path: Path) -> None:
    """Item 7: the Karo PO's certificate is revoked; afterwards, step 14 is signed with
    his key (the ledger entry and both PAdES originals).

    Today: ``trail verify --crl`` is refused: "unrecognized arguments: --crl", exit 2
    (and without it: "intact: 14 steps"). Fixed: exit 1, step 14 named, "revoked"
    (dicabut) for the entry's signature and each signed original."""
    folder = copy_of(demo_upto(13))
    crl = tmp_path / "ca.crl"
    crl.write_bytes(_crl(folder, KARO_PO, dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)))
    Trail.open(folder).perform(14, **step_kwargs(14), signer=demo.signer(folder, KARO_PO))
    # naskah verify already takes --crl: the signed original is reported revoked
    pdf, report = verify_cli(folder / NODIN, ca_of(folder), "--crl", str(crl))
    assert pdf.code == 1 and re.search(r"revok", problems(report)), report
    result = naskah_cli("trail", "verify", folder, "--trust", ca_of(folder), "--crl", crl,
                        "--json")
    no_traceback(result)
    assert result.code == 1, result
    found = masalah(result)
    assert any(m["step"] == 14 and re.search(r"revok|dicabut", m["pesan"], re.I)
               for m in found), found


@pytest.mark.slow
def test_a_signature_proven_before_revocation_stays_valid(berkas: Path, demo_master: Path,
                                                         tmp_path: Path) -> None:
    """Item 7: the Karo PO's certificate is revoked now, after the demo trail was signed.
    With timestamps proving each signature older than the revocation, the trail stays
    intact. Today: "unrecognized arguments: --crl", exit 2. Fixed: exit 0."""
    crl = tmp_path / "ca.crl"
    crl.write_bytes(_crl(demo_master, KARO_PO, dt.datetime.now(dt.UTC)))
    result = naskah_cli("trail", "verify", berkas, "--trust", ca_of(demo_master), "--crl", crl)
    no_traceback(result)
    assert result.code == 0, result


@pytest.fixture
def ocsp_trail(tmp_path: Path) -> Iterator[tuple[Path, Path, OcspStandin]]:
    """Steps 1-4 of a trail whose certificates name an OCSP responder on 127.0.0.1 (their
    own root); the Karo PO's certificate is revoked after step 1, and he signs step 2."""
    from naskah.trail.pelaksana import DaftarPelaksana, kunci
    from naskah.tte.identity import Identitas
    from naskah.tte.pkcs12 import Pkcs12Signer
    from naskah.tte.pki import buat_root_ca, pkcs12_bytes

    ca = buat_root_ca("naskah UJI OCSP")
    ca_pem = tmp_path / "ca.pem"
    ca_pem.write_bytes(ca.cert_pem())
    roster = json.loads((demo.data_dir() / "pelaksana.json").read_text(encoding="utf-8"))
    with OcspStandin(ca) as responder:
        keys: dict[str, Pkcs12Signer] = {}
        issued: dict[str, Any] = {}
        for p in DaftarPelaksana.model_validate(roster).orang():
            cert = issue_with_ocsp(ca, Identitas(p.nama, p.nip, p.jabatan), responder.url)
            p12 = tmp_path / f"{kunci(p)}.p12"
            p12.write_bytes(pkcs12_bytes(cert, ca.cert, b"ocsp-uji"))
            keys[kunci(p)], issued[kunci(p)] = Pkcs12Signer(
                p12, Passphrase.literal("ocsp-uji")), cert
        roster["sertifikat"] = {k: c.cert_pem().decode("ascii") for k, c in issued.items()}
        folder = tmp_path / "berkas"
        trail = Trail.init(folder, roster, dibuat=demo.MULAI, trust=[ca_pem], oleh=SESMENKO,
                           signer=keys[SESMENKO])
        for n in range(1, 5):
            if n == 2:
                responder.revoke(issued[KARO_PO].cert.serial_number,
                                 dt.datetime.now(dt.UTC) - dt.timedelta(seconds=2))
            kwargs = step_kwargs(n, numbered=False)
            trail.perform(n, **kwargs, signer=keys[kwargs["oleh"]])
        yield folder, ca_pem, responder


@pytest.mark.slow
def test_trail_verify_asks_the_ocsp_responder_a_certificate_names(
        ocsp_trail: tuple[Path, Path, OcspStandin]) -> None:
    """Item 7: the officials' certificates name an OCSP responder (on 127.0.0.1); it
    says the Karo PO's certificate was revoked before he signed step 2.

    Today: "intact: 4 steps", exit 0, and the responder is never asked. Fixed: exit 1,
    step 2 named as signed with a revoked certificate (from the responder's answer)."""
    folder, ca_pem, responder = ocsp_trail
    result = naskah_cli("trail", "verify", folder, "--trust", ca_pem, "--json", timeout=120)
    no_traceback(result)
    assert result.code == 1, (result, f"OCSP requests: {len(responder.requests)}")
    assert responder.requests, "the OCSP responder the certificates name was never asked"
    assert any(m["step"] == 2 and re.search(r"revok|dicabut", m["pesan"], re.I)
               for m in masalah(result)), result


# ================================================================ 12. a misbehaving BSrE


@pytest.fixture
def hostile(accounts: tuple[dict[str, Any], TrustStore]) -> Iterator[BsreStandin]:
    with BsreStandin(users=accounts[0], trust=accounts[1]) as server:
        yield server


def client(server: BsreStandin, api: str, **kw: Any) -> Any:
    from naskah.tte.bsre import BsreClient

    return BsreClient(BsreConfig(base_url=server.url, username=server.username,
                                 password=Passphrase.literal(server.password), api=api,  # type: ignore[arg-type]
                                 backoff=0.01, **kw))


OTHER = make_pdf([[(72, 760, "Nomor: B-99/PALSU/11/2026"),
                   (72, 740, "Hal: Surat yang tidak pernah dikirim untuk ditandatangani")],
                  [(330, 640, "Kepala Biro Perencanaan dan Organisasi,"),
                   (330, 520, "Agus Setiawan, S.H., M.Si.")]])
"""Another two-page letter (the stand-in must be able to sign it where it signs ours)."""


@pytest.mark.parametrize("api", ["v1", "v2"])
@pytest.mark.parametrize("mode", ["another-pdf", "unsigned", "not-a-pdf", "wrong-signer"])
def test_bsre_answer_that_is_not_the_document_signed_is_refused(
        hostile: BsreStandin, tmp_path: Path, api: str, mode: str) -> None:
    """Item 12: the server answers with something starting with ``%PDF`` that is not the
    document sent, signed by the expected signer: another document (validly signed by
    the Karo PO's account), the bytes sent unsigned, garbage after ``%PDF-1.7``, or the
    bytes sent signed by another account (the Kabag's).

    Today: every one is returned as "signed" and written as the signed file.
    Fixed: a SigningError (BsreError) saying the answer is not an incremental update of
    exactly the bytes sent with a valid signature of the expected signer; nothing
    written."""
    hostile.mode, hostile.other_pdf, hostile.sign_as = mode, OTHER, NIK_KABAG
    src, out = tmp_path / "surat.pdf", tmp_path / "surat-ttd.pdf"
    src.write_bytes(surat_pdf())
    with client(hostile, api) as c:
        signer = BsreSigner(c, NIK_KARO, KARO, passphrase=Passphrase.literal(PP))
        with pytest.raises(SigningError):
            sign_pdf_file(signer, src, out, PdfSignOptions(doc_id="B-1"))
    assert not out.exists()


@pytest.mark.slow
@pytest.mark.parametrize("api", ["v1", "v2"])
def test_bsre_trickling_one_byte_a_second_hits_the_deadline(hostile: BsreStandin,
                                                            api: str) -> None:
    """Item 12: the server answers 200 and then one byte a second, so no single read
    times out. Today: the client waits for the whole answer (tens of thousands of
    seconds for a signed PDF). Fixed: a total deadline; with ``timeout=2`` a BsreError
    ("timed out" / deadline) within a few seconds."""
    hostile.mode = "trickle"
    outcome: list[BaseException | bytes] = []

    def sign() -> None:
        try:
            with client(hostile, api, timeout=2.0, retries=0) as c:
                outcome.append(BsreSigner(c, NIK_KARO, KARO, passphrase=Passphrase.literal(
                    PP)).sign_pdf(surat_pdf(), PdfSignOptions(doc_id="B-3")))
        except Exception as exc:
            outcome.append(exc)

    started = time.monotonic()
    worker = threading.Thread(target=sign, daemon=True)
    worker.start()
    worker.join(timeout=15)
    took = time.monotonic() - started
    hostile.stop()
    worker.join(timeout=10)
    assert took < 15, "the client was still reading the trickled answer after 15 s"
    assert len(outcome) == 1 and isinstance(outcome[0], SigningError), outcome


@pytest.mark.parametrize("api", ["v1", "v2"])
def test_bsre_error_text_is_never_copied_verbatim(hostile: BsreStandin, api: str) -> None:
    """Item 12: the server's error repeats the passphrase, carries terminal control
    characters (clear screen, red, CR LF, BEL, NUL), a forged line "naskah: signed OK
    by BSrE" and 5,000 more characters. Today the exception message holds all of it.
    Fixed: no passphrase, no control character, a capped length."""
    hostile.mode = "echo"
    secret = "Rahasia-Sekali-123"
    # BSrE's code 2031 is a wrong passphrase: PassphraseError (an InputError), the error
    # naskah maps that code to, not a SigningError.
    with client(hostile, api) as c, pytest.raises((SigningError, PassphraseError)) as info:
        BsreSigner(c, NIK_KARO, KARO, passphrase=Passphrase.literal(secret)).sign_pdf(
            surat_pdf(), PdfSignOptions(doc_id="B-4"))
    message = str(info.value)
    assert secret not in message
    assert not re.search(r"[\x00-\x1f\x7f]", message), repr(message[:300])
    assert len(message) <= 1000, len(message)


# ================================================================ 13. custom templates


_DRAWING = (
    '<w:p xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:r>'
    '<w:drawing><wp:inline xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/'
    'wordprocessingDrawing"><wp:extent cx="914400" cy="914400"/><wp:docPr id="99" '
    'name="Gambar"/><a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/'
    'main"><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
    '<pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture">'
    '<pic:nvPicPr><pic:cNvPr id="99" name="luar.png"/><pic:cNvPicPr/></pic:nvPicPr>'
    '<pic:blipFill><a:blip xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships" r:link="rIdLuar"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>'
    '<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="914400" cy="914400"/></a:xfrm>'
    '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData>'
    '</a:graphic></wp:inline></w:drawing></w:r></w:p>')


def linked_image_template(path: Path, target: str) -> Path:
    """A nota dinas template with a picture *linked* (TargetMode="External") to ``target``."""
    document = docx.Document()
    document.add_paragraph("NOTA DINAS {{ hal }}")
    buf = io.BytesIO()
    document.save(buf)
    with zipfile.ZipFile(buf) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    rel = (f'<Relationship Id="rIdLuar" Type="http://schemas.openxmlformats.org/officeDocument/'
           f'2006/relationships/image" Target="{target}" TargetMode="External"/>')
    rels = "word/_rels/document.xml.rels"
    parts[rels] = parts[rels].replace(b"</Relationships>", rel.encode() + b"</Relationships>")
    parts["word/document.xml"] = parts["word/document.xml"].replace(
        b"<w:sectPr", _DRAWING.encode() + b"<w:sectPr", 1)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, blob in parts.items():
            z.writestr(name, blob)
    return path


def pdf_images(path: Path) -> list[tuple[int, int]]:
    """(width, height) of every image XObject the PDF's pages draw (forms included)."""
    def walk(resources: Any, depth: int = 0) -> list[tuple[int, int]]:
        found: list[tuple[int, int]] = []
        for obj in (resources or {}).get("/XObject", {}).values():
            obj = obj.get_object()
            if obj.get("/Subtype") == "/Image":
                found.append((int(obj["/Width"]), int(obj["/Height"])))
            elif obj.get("/Subtype") == "/Form" and depth < 8:
                found += walk(obj.get("/Resources"), depth + 1)
        return found

    return [size for page in PdfReader(path).pages for size in walk(page.get("/Resources"))]


@pytest.fixture
def image_server() -> Iterator[tuple[str, list[str]]]:
    """An HTTP server on 127.0.0.1 serving a 41×29 PNG; the paths it was asked for."""
    asked: list[str] = []
    body = png_bytes(41, 29, (0, 0, 200))

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            asked.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", asked
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def render_pdf(template: Path, out: Path, timeout: float = 300) -> Any:
    result = naskah_cli("render", "nota-dinas", EXAMPLES / "nota-dinas.json", "-o", out,
                        "--template", template, timeout=timeout)
    no_traceback(result)
    return result


def test_template_linking_an_image_over_http_fetches_nothing(
        soffice: str, tmp_path: Path, image_server: tuple[str, list[str]]) -> None:
    """Item 13: a custom template links a picture to http://127.0.0.1:PORT/logo.png.
    Today: LibreOffice fetches it during conversion (the server sees GET /logo.png) and
    the 41×29 image is in the PDF, exit 0. Fixed: refused (exit 2, naming the external
    relationship) or the link stripped: no request, no such image."""
    base, asked = image_server
    template = linked_image_template(tmp_path / "luar.docx", f"{base}/logo.png")
    out = tmp_path / "surat.pdf"
    result = render_pdf(template, out)
    assert asked == [], f"LibreOffice fetched {asked} from the template's link"
    if result.code == 2:
        assert not out.exists()
    else:
        assert result.code == 0, result
        assert (41, 29) not in pdf_images(out)


def test_template_linking_a_local_file_embeds_nothing(soffice: str, tmp_path: Path) -> None:
    """Item 13: a custom template links a picture to file:///.../rahasia.png (any file
    the converting machine can read). Today: the 37×23 image is embedded in the PDF,
    exit 0. Fixed: refused (exit 2) or stripped: the file is not in the PDF."""
    secret = tmp_path / "rahasia.png"
    secret.write_bytes(png_bytes(37, 23, (200, 0, 0)))
    template = linked_image_template(tmp_path / "lokal.docx", secret.as_uri())
    out = tmp_path / "surat.pdf"
    result = render_pdf(template, out)
    if result.code == 2:
        assert not out.exists()
    else:
        assert result.code == 0, result
        assert (37, 23) not in pdf_images(out), "the local file was embedded in the PDF"


RUNAWAY = {
    "nested-loops": "{% for a in range(100000) %}{% for b in range(100000) %}x"
                    "{% endfor %}{% endfor %}",
    "huge-string": "{{ 'x' * 4000000000 }}",
    "huge-power": "{{ 9 ** (9 ** 9) }}",
}


@pytest.mark.parametrize("name", list(RUNAWAY))
def test_runaway_template_stops_within_budget(name: str, tmp_path: Path) -> None:
    """Item 13: a template whose rendering runs away. Run under RLIMIT_AS 2 GB and a
    45 s wall clock. Today: the nested loops grow the output until a MemoryError
    traceback after ~35 s (exit 1; unbounded without the limit), the huge string dies
    at once with a MemoryError traceback (exit 1), the power runs until killed at 45 s.
    Fixed: stops within the time and size budget, exit 2, one message naming the
    template, no output file."""
    template = tmp_path / f"{name}.docx"
    document = docx.Document()
    document.add_paragraph("NOTA DINAS {{ hal }}")
    document.add_paragraph(RUNAWAY[name])
    document.save(str(template))
    out = tmp_path / "surat.docx"
    started = time.monotonic()
    result = naskah_cli("render", "nota-dinas", EXAMPLES / "nota-dinas.json", "-o", out,
                        "--template", template, timeout=45, memory=2 << 30)
    took = time.monotonic() - started
    no_traceback(result)
    assert result.code == 2 and took < 45, (result, took)
    assert str(template.name) in result.err, result
    assert not out.exists()
