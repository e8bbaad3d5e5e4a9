"""Issue 16, item 3: whatever is added to a signed PDF after its last signature, other
than validation data (DSS) and document timestamps, makes the signature fail, naming
what was added; a document several officials sign (approval signatures) stays valid.

Each attack writes the PDF as an attacker without any key would (pyHanko's incremental
writer), then runs the real verifier. Before the fix: every case here but the second
signature over a certification was "VALID" (form filling, annotations through
``FORM_FILLING``, an /Info or XMP update and trailing bytes were all accepted), and a
second visible signature broke the first (its footer went into the page content).
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import add_validation_info
from pypdf import PdfReader, PdfWriter

from naskah.tte.errors import SigningError
from naskah.tte.pades import PdfSignOptions
from naskah.tte.passphrase import Passphrase
from naskah.tte.pkcs12 import Pkcs12Signer
from naskah.tte.pki import TestPki as Pki
from naskah.tte.pki import init_test_pki
from naskah.tte.trust import TrustStore
from naskah.tte.verify import verify_pdf
from tests.attack_kit import naskah_cli, no_traceback
from tests.tte_helpers import KABAG, KARO, surat_pdf

PW = "uji-revisi-1"
NOMOR = "B-12/PO/11/2026"


def n(value: str) -> generic.NameObject:
    return generic.NameObject(value)


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return init_test_pki(tmp_path_factory.mktemp("pki") / "pki", [KARO, KABAG], PW.encode())


def signer(pki: Pki, nip: str | None) -> Pkcs12Signer:
    assert nip
    return Pkcs12Signer(pki.p12[nip], Passphrase.literal(PW))


def trust(pki: Pki) -> TrustStore:
    return TrustStore.from_files([pki.ca_pem])


def verdicts(pdf: bytes, pki: Pki) -> dict[str, tuple[str, str]]:
    return {s.field_name: (s.verdict, " | ".join(s.problems))
            for s in verify_pdf(pdf, trust(pki)).signatures}


def incremental(pdf: bytes, change: object) -> bytes:
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    # pyHanko would rewrite the XMP packet on write; an attacker's tool does not
    writer._update_meta = lambda: None  # type: ignore[method-assign]
    change(writer)  # type: ignore[operator]
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def empty_field_over_nomor(writer: IncrementalPdfFileWriter) -> None:
    """An unsigned signature field with an opaque appearance printing another nomor."""
    fields.append_signature_field(writer, fields.SigFieldSpec(
        "Nomor", box=(60, 752, 360, 772), on_page=0))
    ap = generic.StreamObject({
        n("/Type"): n("/XObject"), n("/Subtype"): n("/Form"),
        n("/BBox"): generic.ArrayObject([generic.NumberObject(v) for v in (0, 0, 300, 20)])},
        stream_data=b"1 1 1 rg 0 0 300 20 re f")
    ref = writer.add_object(ap)
    for field_ref in writer.root["/AcroForm"]["/Fields"]:
        field = field_ref.get_object()
        if field.get("/T") == "Nomor":
            field[n("/AP")] = generic.DictionaryObject({n("/N"): ref})
            writer.update_container(field)


def freetext_over_nomor(writer: IncrementalPdfFileWriter) -> None:
    """A FreeText annotation (no form field at all) printing another nomor."""
    page_ref, _ = writer.find_page_for_modification(0)  # type: ignore[no-untyped-call]
    page = page_ref.get_object()
    annot = writer.add_object(generic.DictionaryObject({
        n("/Type"): n("/Annot"), n("/Subtype"): n("/FreeText"),
        n("/Rect"): generic.ArrayObject([generic.NumberObject(v) for v in (60, 752, 360, 772)]),
        n("/Contents"): generic.TextStringObject("Nomor: 99/PALSU"),
        n("/DA"): generic.TextStringObject("/Helv 11 Tf 0 g")}))
    annots = page.get("/Annots", generic.ArrayObject())
    page[n("/Annots")] = generic.ArrayObject([*annots, annot])
    writer.update_container(page)


def test_several_approval_signatures_stay_valid(pki: Pki) -> None:
    """Before: the second visible signature added its footer to the page content,
    which broke the first ("the PDF was changed after this signature")."""
    one = signer(pki, KARO.nip).sign_pdf(surat_pdf(), PdfSignOptions(doc_id="A",
                                                                       field_name="A"))
    two = signer(pki, KABAG.nip).sign_pdf(one, PdfSignOptions(doc_id="B", field_name="B",
                                                              page=0))
    assert verdicts(two, pki) == {"A": ("VALID", ""), "B": ("VALID", "")}
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(two)).pages)
    assert text.count("ID dokumen") == 1  # one footer: the first signer's


@pytest.mark.parametrize(("attack", "named"), [
    (empty_field_over_nomor,
     r"a signature field 'Nomor' \(empty\), with its own appearance was added on page 1"),
    (freetext_over_nomor, r"a FreeText annotation was added on page 1 at \[60, 752"),
])
def test_overlay_after_the_last_approval_signature_is_named(pki: Pki, attack: object,
                                                           named: str) -> None:
    signed = signer(pki, KARO.nip).sign_pdf(surat_pdf(), PdfSignOptions(doc_id="A",
                                                                          field_name="A"))
    forged = incremental(signed, attack)
    verdict, problems = verdicts(forged, pki)["A"]
    assert verdict == "INVALID" and re.search(named, problems), problems
    assert problems.startswith("the PDF was changed after this signature: ")


@pytest.mark.slow
def test_overlay_between_two_signatures_fails_the_first_only(pki: Pki) -> None:
    one = signer(pki, KARO.nip).sign_pdf(surat_pdf(), PdfSignOptions(doc_id="A",
                                                                       field_name="A"))
    forged = incremental(one, empty_field_over_nomor)
    two = signer(pki, KABAG.nip).sign_pdf(forged, PdfSignOptions(doc_id="B", field_name="B",
                                                                 page=0))
    found = verdicts(two, pki)
    assert found["B"] == ("VALID", "")  # the second signer signed what they saw
    assert found["A"][0] == "INVALID" and "'Nomor'" in found["A"][1]
    assert "'B'" not in found["A"][1]  # the later signature itself is not a change


def test_nothing_may_follow_a_certification_p1(pki: Pki) -> None:
    certified = signer(pki, KARO.nip).sign_pdf(surat_pdf(), PdfSignOptions(
        doc_id="A", field_name="A", certify=True))
    (sig,) = PdfFileReader(io.BytesIO(certified)).embedded_signatures
    assert sig.docmdp_level is not None and sig.docmdp_level.value == 1
    with pytest.raises(SigningError, match="cannot be signed"):
        signer(pki, KABAG.nip).sign_pdf(certified, PdfSignOptions(doc_id="B", field_name="B"))
    verdict, problems = verdicts(incremental(certified, freetext_over_nomor), pki)["A"]
    assert verdict == "INVALID" and "FreeText annotation was added on page 1" in problems


def with_xmp(pdf: bytes, title: str) -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(pdf))
    writer.add_metadata({"/Title": title})
    xmp = (f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/'
           f'02/22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"'
           f'><dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt>'
           f'</dc:title></rdf:Description></rdf:RDF></x:xmpmeta>')
    writer.xmp_metadata = xmp.encode()  # type: ignore[assignment]
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_metadata_only_updates_are_named(pki: Pki) -> None:
    base = with_xmp(surat_pdf(), "Surat Uji TTE")
    signed = signer(pki, KARO.nip).sign_pdf(base, PdfSignOptions(doc_id="A", field_name="A"))
    assert verdicts(signed, pki)["A"] == ("VALID", "")

    def info(writer: IncrementalPdfFileWriter) -> None:
        d = writer.trailer["/Info"].get_object()
        d[n("/Title")] = generic.TextStringObject("Nota Dinas 99/PALSU")
        writer.update_container(d)

    def xmp(writer: IncrementalPdfFileWriter) -> None:
        # a viewer's title bar shows the XMP title: a new one says "Nota Dinas 99/PALSU"
        packet = with_xmp(surat_pdf(), "Nota Dinas 99/PALSU")
        data = PdfReader(io.BytesIO(packet)).trailer["/Root"]["/Metadata"].get_object()
        writer.root[n("/Metadata")] = writer.add_object(generic.StreamObject(
            {n("/Type"): n("/Metadata"), n("/Subtype"): n("/XML")},
            stream_data=data.get_data()))
        writer.update_root()

    verdict, problems = verdicts(incremental(signed, info), pki)["A"]
    assert verdict == "INVALID"
    assert "the document information (/Info) was changed: /Title" in problems
    verdict, problems = verdicts(incremental(signed, xmp), pki)["A"]
    assert verdict == "INVALID" and "XMP metadata" in problems


@pytest.mark.slow
def test_catalog_additions_and_trailing_bytes_are_named(pki: Pki, tmp_path: Path) -> None:
    signed = signer(pki, KARO.nip).sign_pdf(surat_pdf(), PdfSignOptions(doc_id="A",
                                                                          field_name="A"))

    def open_action(writer: IncrementalPdfFileWriter) -> None:
        writer.root[n("/OpenAction")] = generic.DictionaryObject({
            n("/S"): n("/JavaScript"), n("/JS"): generic.TextStringObject("app.alert(1)")})
        writer.update_root()

    verdict, problems = verdicts(incremental(signed, open_action), pki)["A"]
    assert verdict == "INVALID" and "the document catalog's /OpenAction was added" in problems
    # trailing bytes, even ones that end in a look-alike %%EOF
    tail = signed + b"\n% NOMOR 99/PALSU\n%%EOF\n"
    verdict, problems = verdicts(tail, pki)["A"]
    assert verdict == "INVALID" and re.search(r"\d+ bytes were appended", problems), problems
    path = tmp_path / "ekor.pdf"
    path.write_bytes(tail)
    result = naskah_cli("verify", path, "--trust", pki.ca_pem)
    no_traceback(result)
    assert result.code == 1 and "A: INVALID" in result.out and "appended" in result.out
    # a look-alike revision pointing nowhere: the file is read up to its real end
    broken = tmp_path / "rusak.pdf"
    broken.write_bytes(signed + b"\n% NOMOR 99/PALSU\nstartxref\n0\n%%EOF\n")
    result = naskah_cli("verify", broken, "--trust", pki.ca_pem)
    no_traceback(result)
    assert result.code == 1 and "appended" in result.out, result


def test_validation_data_and_document_timestamps_may_follow(pki: Pki) -> None:
    """What PAdES B-LT/LTA adds after the last signature is not a change."""
    signed = signer(pki, KARO.nip).sign_pdf(surat_pdf(), PdfSignOptions(
        doc_id="A", field_name="A", certify=True))
    store = TrustStore.from_files([pki.ca_pem], crl_files=[pki.crl])  # type: ignore[list-item]
    (sig,) = PdfFileReader(io.BytesIO(signed)).embedded_signatures
    with_dss = add_validation_info(sig, store.validation_context(), output=io.BytesIO()
                                   ).getvalue()
    assert "/DSS" in PdfFileReader(io.BytesIO(with_dss)).root
    assert verdicts(with_dss, pki)["A"] == ("VALID", "")
    from naskah.tte.tsa import load_local_timestamper

    stamper = signers.PdfTimeStamper(load_local_timestamper(pki.folder / "tsa.p12",
                                                            PW.encode()))
    out = io.BytesIO()
    stamper.timestamp_pdf(IncrementalPdfFileWriter(io.BytesIO(with_dss)), "sha256",
                          output=out)
    stamped = out.getvalue()
    assert len(PdfFileReader(io.BytesIO(stamped)).embedded_timestamp_signatures) == 1
    assert verdicts(stamped, pki)["A"] == ("VALID", "")


@pytest.mark.slow
def test_cli_names_the_overlay(pki: Pki, tmp_path: Path) -> None:
    signed = signer(pki, KARO.nip).sign_pdf(surat_pdf(), PdfSignOptions(doc_id="A"))
    path = tmp_path / "tumpang.pdf"
    path.write_bytes(incremental(signed, empty_field_over_nomor))
    result = naskah_cli("verify", path, "--trust", pki.ca_pem, "--json")
    no_traceback(result)
    (sig,) = json.loads(result.out)["signatures"]
    assert result.code == 1 and sig["verdict"] == "INVALID" and not sig["ok"]
    assert any("'Nomor'" in p and "page 1" in p for p in sig["problems"]), sig
