"""Signatures on the trail: no step without the performer's key, and every rewrite made
without the private keys fails ``verify`` naming the first bad step.

Each attack is performed on a real copy of the demo berkas (signed with the demo's test
PKI), then checked with the real verifier (pyHanko for the PDFs, CMS for the ledger).
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import naskah
import naskah.trail.ledger
from naskah import demo
from naskah.cli import main as cli
from naskah.trail import JenisMasalah, Trail
from naskah.trail.signatures import SignerMissingError
from naskah.tte.errors import CertificateError
from naskah.tte.identity import Identitas
from naskah.tte.passphrase import Passphrase
from naskah.tte.pkcs12 import Pkcs12Signer
from naskah.tte.pki import buat_root_ca, pkcs12_bytes, terbitkan
from naskah.tte.trust import TrustStore
from tests.helpers import load_example_data
from tests.trail_keys import TrailPki
from tests.trail_support import (
    KABAG,
    KARO_PO,
    SESMENKO,
    first,
    read_ledger,
    rechain_without_keys,
    resign,
    signer_of,
    step_data,
    write_ledger,
)

# ---------------------------------------------------------------- the performer's key


def test_step_without_signer_is_refused(partial: Callable[[int], Path]) -> None:
    folder = partial(4)
    before = (folder / "ledger.json").read_bytes()
    kwargs = step_data(5)
    del kwargs["signer"]
    with pytest.raises(SignerMissingError, match=r"step 5 must be signed by Rina Kusumawati"):
        Trail.open(folder).perform(5, **kwargs)
    assert (folder / "ledger.json").read_bytes() == before


def test_step_with_another_persons_key_is_refused(partial: Callable[[int], Path]) -> None:
    """Typing the Karo PO's NIP is not enough: step 14's key must be his."""
    folder = partial(13)
    before = (folder / "ledger.json").read_bytes()
    kwargs = step_data(14) | {"signer": signer_of(KABAG)}
    with pytest.raises(CertificateError, match=r"belongs to Rina Kusumawati.*not to Agus "
                       r"Setiawan"):
        Trail.open(folder).perform(14, **kwargs)
    assert (folder / "ledger.json").read_bytes() == before
    assert not list((folder / "dokumen").glob("14-*"))


def test_cli_step_without_key_exits_2(partial: Callable[[int], Path],
                                      capsys: pytest.CaptureFixture[str]) -> None:
    folder = partial(13)
    code = cli(["trail", "do", str(folder), "14", "--data",
                str(naskah.demo.data_dir() / "langkah-14.json")])
    assert code == 2
    assert "must be signed by Agus Setiawan" in capsys.readouterr().err
    assert len(read_ledger(folder)["entries"]) == 13


def test_wrong_passphrase_writes_nothing(partial: Callable[[int], Path]) -> None:
    folder = partial(13)
    before = (folder / "ledger.json").read_bytes()
    bad = Pkcs12Signer(demo_master_key(folder, KARO_PO), Passphrase.literal("salah"))
    with pytest.raises(naskah.InputError, match="wrong passphrase"):
        Trail.open(folder).perform(14, **step_data(14) | {"signer": bad})
    assert (folder / "ledger.json").read_bytes() == before
    assert not list((folder / "dokumen").glob("14-*"))


def demo_master_key(folder: Path, nip: str) -> Path:
    return folder / "pki-uji" / f"{nip}.p12"


def test_init_refuses_a_certificate_issued_to_someone_else(tmp_path: Path,
                                                           demo_master: Path) -> None:
    roster = json.loads((demo_master / "pelaksana.json").read_text(encoding="utf-8"))
    roster["sertifikat"][KABAG] = roster["sertifikat"][KARO_PO]
    with pytest.raises(CertificateError, match=r"serialNumber '197005151995031001' is not the "
                       r"NIP '197808242003122002'"):
        Trail.init(tmp_path / "b", roster, trust=[demo_master / "pki-uji" / "ca.pem"],
                   oleh=SESMENKO, signer=signer_of(SESMENKO))
    assert not (tmp_path / "b" / "ledger.json").exists()


def test_init_requires_a_certificate_for_everyone(tmp_path: Path, demo_master: Path) -> None:
    roster = json.loads((demo_master / "pelaksana.json").read_text(encoding="utf-8"))
    del roster["sertifikat"][KABAG]
    with pytest.raises(naskah.InputError, match=rf"sertifikat.{KABAG}: no certificate"):
        Trail.init(tmp_path / "b", roster, trust=[demo_master / "pki-uji" / "ca.pem"],
                   oleh=SESMENKO, signer=signer_of(SESMENKO))


def test_paraf_giver_may_not_sign_unless_the_sop_allows(tmp_path: Path,
                                                        demo_master: Path) -> None:
    """A variant SOP where the Kabag initials (step 9) and also signs (step 10)."""
    data = json.loads(Trail.open(demo_master).sop.canonical_json())
    data["langkah"][9]["pelaksana"] = ["kabag-datin"]
    roster = json.loads((demo_master / "pelaksana.json").read_text(encoding="utf-8"))
    for allowed in (False, True):
        data["paraf_dan_tanda_tangan_sama"] = allowed
        sop = naskah.sop.Sop.model_validate(data)
        folder = tmp_path / f"varian-{allowed}"
        trail = Trail.init(folder, roster, sop=sop, dibuat=demo.MULAI,
                           trust=[demo_master / "pki-uji" / "ca.pem"], oleh=SESMENKO,
                           signer=signer_of(SESMENKO))
        for n in range(1, 10):
            trail.perform(n, **step_data(n))
        kwargs = step_data(10) | {"oleh": KABAG, "signer": signer_of(KABAG)}
        if allowed:  # then the document's own penandatangan rule still applies
            with pytest.raises(naskah.TrailError, match="names Agus Setiawan"):
                trail.perform(10, **kwargs)
        else:
            with pytest.raises(naskah.TrailError, match="gave a paraf on this document and "
                               "may not also sign it"):
                trail.perform(10, **kwargs)


# ---------------------------------------------------------------- rewrites without keys


def test_rewritten_times_fail_at_that_step(berkas: Path) -> None:
    data = read_ledger(berkas)
    data["entries"][6]["selesai"] = "2026-11-24T13:00:00+07:00"  # step 7
    data["entries"][6]["durasi_menit"] = 60.0
    rechain_without_keys(data)
    write_ledger(berkas, data)
    problem = first(berkas)
    assert (problem.jenis, problem.step) == (JenisMasalah.SIGNATURE, 7)
    assert "Rina Kusumawati" in problem.pesan and "does not match" in problem.pesan


def test_swapped_certificate_in_the_roster_fails(berkas: Path, tmp_path: Path) -> None:
    """Attack: another CA issues a certificate in the Kabag's name; the roster is rewritten
    to it, the header's roster hash updated, her entries re-signed with that key and
    the chain rebuilt. The header's signature (the Sesmenko's) no longer matches, and
    the new certificate does not chain to the berkas's roots."""
    rogue_ca = buat_root_ca("Rogue CA")
    kabag = Identitas("Rina Kusumawati, S.Kom., M.T.", KABAG,
                      "Kepala Bagian Data dan Informasi")
    rogue = terbitkan(rogue_ca, kabag)
    (tmp_path / "rogue.p12").write_bytes(pkcs12_bytes(rogue, rogue_ca.cert, b"x"))
    rogue_signer = Pkcs12Signer(tmp_path / "rogue.p12", Passphrase.literal("x"))
    roster = json.loads((berkas / "pelaksana.json").read_text(encoding="utf-8"))
    roster["sertifikat"][KABAG] = rogue.cert_pem().decode("ascii")
    roster_bytes = naskah.hashing.canonical_json(roster)
    (berkas / "pelaksana.json").write_bytes(roster_bytes)
    data = read_ledger(berkas)
    data["header"]["pelaksana_sha256"] = naskah.hashing.sha256_bytes(roster_bytes)
    rechain_without_keys(data)
    from naskah.trail import signatures
    from naskah.trail.ledger import entry_payload

    for entry in data["entries"]:
        if entry["pelaksana"]["nip"] == KABAG:
            entry["ttd"] = signatures.sign(rogue_signer, entry_payload(entry))
    write_ledger(berkas, data)
    result = Trail.open(berkas).verify()
    assert not result.utuh
    kinds = {(m.jenis, m.step) for m in result.masalah}
    assert (JenisMasalah.SIGNATURE, 3) in kinds  # the Kabag's first step
    assert any(m.step == 3 and "does not chain to a trusted root" in m.pesan
               for m in result.masalah)
    assert any(m.step is None and "ledger header" in m.pesan for m in result.masalah)


def test_replaced_trust_roots_are_caught_by_the_verifiers_own_roots(berkas: Path,
                                                                     tmp_path: Path) -> None:
    """The limit of the berkas's own trust.pem: whoever replaces it and re-signs
    everything with their own CA makes a self-consistent berkas. Verifying against the
    roots the verifier holds (the real CA) catches it, at step 1."""
    rogue_ca = buat_root_ca("Rogue CA")
    roster = json.loads((berkas / "pelaksana.json").read_text(encoding="utf-8"))
    signers: dict[str, Pkcs12Signer] = {}
    for people in roster["peran"].values():
        for p in people:
            cert = terbitkan(rogue_ca, Identitas(p["nama"], p["nip"], p["jabatan"]))
            path = tmp_path / f"{p['nip']}.p12"
            path.write_bytes(pkcs12_bytes(cert, rogue_ca.cert, b"x"))
            signers[p["nip"]] = Pkcs12Signer(path, Passphrase.literal("x"))
            roster["sertifikat"][p["nip"]] = cert.cert_pem().decode("ascii")
    roster_bytes = naskah.hashing.canonical_json(roster)
    (berkas / "pelaksana.json").write_bytes(roster_bytes)
    (berkas / "trust.pem").write_bytes(rogue_ca.cert_pem())
    data = read_ledger(berkas)
    data["header"]["pelaksana_sha256"] = naskah.hashing.sha256_bytes(roster_bytes)
    data["header"]["trust_sha256"] = naskah.hashing.sha256_bytes(rogue_ca.cert_pem())
    from naskah.trail import signatures
    from naskah.trail.ledger import entry_payload, header_payload

    data["header"].pop("ttd")
    data["header"]["ttd"] = signatures.sign(signers[SESMENKO], header_payload(data["header"]))
    rechain_without_keys(data)
    for entry in data["entries"]:
        entry.pop("ttd")
        entry["ttd"] = signatures.sign(signers[entry["pelaksana"]["nip"]], entry_payload(entry))
    write_ledger(berkas, data)
    real = TrustStore.from_files([berkas / "pki-uji" / "ca.pem"])
    problem = first(berkas, real)
    assert (problem.jenis, problem.step) == (JenisMasalah.SIGNATURE, 1)
    assert "does not chain to a trusted root" in problem.pesan


def test_rewritten_document_metadata_fails_at_that_step(berkas: Path) -> None:
    """Attack: the notulen (step 11) is re-rendered with another text, its new hashes
    written into the ledger, the chain rebuilt; only the Kasubbag's key could sign it."""
    from naskah.models import jenis_class

    path = berkas / "dokumen/11-notulen-rapat.docx"
    meta = naskah.read_metadata(path)
    model = jenis_class(meta.jenis).model_validate(meta.naskah)
    changed = model.model_copy(update={"hal": "Notulen yang diubah"}) if hasattr(
        model, "hal") else model
    data_bytes = naskah.render(changed, pengesahan=meta.pengesahan, aset=berkas)
    path.write_bytes(data_bytes)
    data = read_ledger(berkas)
    ref = data["entries"][10]["keluaran"][0]
    ref["sha256"] = naskah.hashing.sha256_bytes(data_bytes)
    ref["content_hash"] = changed.content_hash()
    rechain_without_keys(data)
    write_ledger(berkas, data)
    result = Trail.open(berkas).verify()
    assert result.pertama is not None
    assert result.pertama.step == 11, [str(m) for m in result.masalah]
    assert any(m.jenis is JenisMasalah.SIGNATURE and m.step == 11 for m in result.masalah)


def test_forged_paraf_signature_fails(berkas: Path) -> None:
    """A paraf signature replaced by one over another konsep (re-signed ledger: only the
    paraf itself is wrong)."""
    data = read_ledger(berkas)
    paraf = data["entries"][12]["keluaran"][0]  # step 13: the Kabag's paraf on the laporan
    other = data["entries"][12]["keluaran"][1]
    paraf["tte"] = other["tte"]
    resign(data)
    write_ledger(berkas, data)
    result = Trail.open(berkas).verify()
    at_13 = [m for m in result.masalah if m.step == 13]
    assert result.pertama is not None and result.pertama.step == 13
    # the ledger's paraf signature is over another konsep ...
    assert any(m.jenis is JenisMasalah.SIGNATURE and "paraf on laporan" in m.pesan
               for m in at_13), [str(m) for m in at_13]
    # ... and is not the one the document's paraf record carries
    assert any(m.jenis is JenisMasalah.DOCUMENT_MISMATCH and m.file == paraf["file"]
               for m in at_13), [str(m) for m in at_13]


def _rewrite_paraf_tte(path: Path, tte: str) -> None:
    """Replace the last paraf's signature in a DOCX's naskah metadata, nothing else."""
    import zipfile

    from lxml import etree

    item = "customXml/naskah-metadata.xml"
    with zipfile.ZipFile(path) as z:
        parts = {i: z.read(i) for i in z.infolist()}
    key = next(i for i in parts if i.filename == item)
    root = etree.fromstring(parts[key])
    meta = json.loads(root.text or "")
    meta["pengesahan"]["paraf"][-1]["tte"] = tte
    root.text = json.dumps(meta)
    parts[key] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in parts.items():
            z.writestr(info, data)


def test_swapped_paraf_signature_in_the_docx_is_found(berkas: Path) -> None:
    """Someone holding the keys re-signs the ledger over a DOCX whose paraf record carries
    another paraf's signature: the file and ledger agree, every ledger signature
    validates, yet the document's paraf is not the one the ledger signed."""
    data = read_ledger(berkas)
    laporan, nodin = data["entries"][12]["keluaran"][:2]
    path = berkas / laporan["file"]
    _rewrite_paraf_tte(path, nodin["tte"])
    assert naskah.read_metadata(path).pengesahan.paraf[-1].tte == nodin["tte"]
    laporan["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    resign(data)
    write_ledger(berkas, data)
    problem = first(berkas)
    assert (problem.jenis, problem.step, problem.file) == (
        JenisMasalah.DOCUMENT_MISMATCH, 13, laporan["file"])
    assert "paraf signature in the document is not the one in the ledger" in problem.pesan


# ---------------------------------------------------------------- signed originals


def test_flipped_byte_in_a_signed_original_fails(berkas: Path) -> None:
    """Flipped inside the signed range; the ledger re-signed with the keys, so only the
    PAdES check can catch it."""
    path = berkas / "dokumen/14-laporan.pdf"
    raw = bytearray(path.read_bytes())
    at = raw.index(b"/Contents", 200) - 400  # inside the page content, inside the range
    raw[at] ^= 0x01
    path.write_bytes(bytes(raw))
    assert first(berkas).jenis is JenisMasalah.FILE_CHANGED
    data = read_ledger(berkas)
    data["entries"][13]["asli"][0]["sha256"] = naskah.hashing.sha256_bytes(bytes(raw))
    resign(data)
    write_ledger(berkas, data)
    problem = first(berkas)
    assert (problem.jenis, problem.step, problem.file) == (
        JenisMasalah.SIGNATURE, 14, "dokumen/14-laporan.pdf")
    assert "does not validate" in problem.pesan


# ---------------------------------------------------------------- naskah verify --trail


@pytest.mark.parametrize(("rel", "status", "code"), [
    ("dokumen/14-laporan.pdf", "VALID", 0),
    ("dokumen/10-undangan-rapat.pdf", "VALID", 0),
    ("dokumen/12-laporan.docx", "VOID", 1),
    ("dokumen/14-laporan.docx", "VALID", 0),
])
def test_verify_trail_standing(demo_master: Path, capsys: pytest.CaptureFixture[str],
                               rel: str, status: str, code: int) -> None:
    assert cli(["verify", str(demo_master / rel), "--trail", str(demo_master), "--json"]) == code
    report = json.loads(capsys.readouterr().out)
    assert report["trail"]["status"] == status
    assert report["trail"]["file"] == rel
    assert report["trail"]["trail_intact"] is True
    if status == "VOID":
        assert report["trail"]["replaced_by"] == "dokumen/14-laporan.docx"
    if rel.endswith(".pdf"):
        (sig,) = report["signatures"]
        assert sig["ok"] and sig["penandatangan"]["nip"] == KARO_PO


def test_verify_trail_not_in_trail(demo_master: Path, tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    """The same letter signed again outside the trail validates as a PDF, but is not the
    trail's document."""
    from naskah.tte.pades import PdfSignOptions

    other = tmp_path / "14-laporan.pdf"
    signed = (demo_master / "dokumen/14-laporan.pdf").read_bytes()
    # The signed original is certified (nothing may follow its signature): sign the
    # export it was made from, the revision before the signature, again.
    from pyhanko.pdf_utils.reader import PdfFileReader

    xrefs = PdfFileReader(io.BytesIO(signed)).xrefs
    source = signed[:signed.index(b"%%EOF", xrefs.get_startxref_for_revision(0)) + 5] + b"\n"
    other.write_bytes(signer_of(KARO_PO).sign_pdf(source, PdfSignOptions(
        doc_id="lain", visible=False, field_name="Lagi")))
    assert cli(["verify", str(other), "--trail", str(demo_master)]) == 1
    out = capsys.readouterr().out
    assert f"in trail {demo_master}: NOT IN TRAIL" in out


def test_verify_trail_on_a_tampered_trail_is_not_valid(berkas: Path,
                                                       capsys: pytest.CaptureFixture[str]
                                                       ) -> None:
    data = read_ledger(berkas)
    data["entries"][4]["catatan"] = "diubah"
    rechain_without_keys(data)
    write_ledger(berkas, data)
    assert cli(["verify", str(berkas / "dokumen/14-laporan.pdf"), "--trail", str(berkas)]) == 1
    assert "the trail fails verification: step 5" in capsys.readouterr().out


def test_rechained_ledger_is_not_extended(partial: Callable[[int], Path]) -> None:
    """A step checks the header's and the last entry's signatures (the last signs the
    whole chain): a ledger rechained without the keys is refused before anything is
    written."""
    folder = partial(6)
    data = read_ledger(folder)
    data["entries"][1]["catatan"] = "diubah"
    rechain_without_keys(data)
    write_ledger(folder, data)
    before = (folder / "ledger.json").read_bytes()
    with pytest.raises(naskah.TamperError, match=r"refusing to extend.*step 6: ledger\.json: "
                       r"the signature of Agus Setiawan"):
        Trail.open(folder).perform(7, **step_data(7))
    assert (folder / "ledger.json").read_bytes() == before
    assert not list((folder / "dokumen").glob("07-*"))


@given(st.text(max_size=400))
@settings(max_examples=60, deadline=None)
def test_any_text_as_a_certificate_is_one_clear_error(text: str) -> None:
    from naskah.trail.signatures import load_trust, pem_to_der

    with pytest.raises(naskah.InputError, match=r"sertifikat\.X: not a PEM certificate"):
        pem_to_der(text, "sertifikat.X")
    with pytest.raises(naskah.InputError, match=r"trust\.pem"):
        load_trust(text.encode("utf-8", "surrogatepass"))


@given(st.binary(max_size=300))
@settings(max_examples=60, deadline=None)
def test_any_bytes_as_a_stored_signature_is_a_problem_not_a_crash(blob: bytes) -> None:
    from naskah.trail.signatures import _cms_problem

    problem = _cms_problem(b"payload", base64.b64encode(blob).decode(), TrustStore(), None,
                           "X")
    assert problem is not None and "X" in problem[1] and problem[0] == "signature"


def test_signed_original_shows_the_berkas_profiles_tte(soffice: str, tmp_path: Path,
                                                       trail_pki: TrailPki) -> None:
    """The profile a trail starts with drives its signed originals: the stamp's label,
    the footer statement and the QR's verification URL come from its [tte]."""
    from pypdf import PdfReader

    from tests.test_sop import PELAKSANA, at, small_sop, write_sop
    from tests.test_tte import shown_lines, signature_widget

    own = tmp_path / "instansi.toml"
    own.write_text('nama = "uji"\njudul = "Profil uji"\nextends = "pusat"\n[tte]\n'
                   'label = "Disahkan secara elektronik oleh:"\n'
                   'catatan_kaki = "Pernyataan tanda tangan elektronik instansi uji."\n'
                   'url_verifikasi = "https://cek.instansi-uji.go.id/dokumen/{id}"\n'
                   'label_id = "Kode dokumen:"\n', encoding="utf-8")
    people = PELAKSANA["peran"]
    roster = {"peran": {"staf": people["kasubbag-data"], "kasubbag": people["kabag-datin"],
                        "kepala": people["karo-po"]}}
    budi, rina, agus = (people[r][0]["nip"] for r in ("kasubbag-data", "kabag-datin", "karo-po"))
    (tmp_path / "permohonan.txt").write_text("Mohon disampaikan.\n", encoding="utf-8")
    trail = Trail.init(tmp_path / "berkas", trail_pki.roster(roster),
                       sop=naskah.sop.Sop.load(write_sop(tmp_path, small_sop())),
                       dibuat=at("2026-11-23 07:50"), profil=own, **trail_pki.init_kwargs(budi))
    trail.perform(1, budi, dokumen={"nodin": load_example_data("nota-dinas")},
                  lampiran={"permohonan": tmp_path / "permohonan.txt"},
                  tindakan={"telaah": "Sudah ditelaah."}, mulai=at("2026-11-23 08:00"),
                  selesai=at("2026-11-23 10:30"), signer=trail_pki.signer(budi))
    trail.perform(2, rina, selesai=at("2026-11-23 10:40"), signer=trail_pki.signer(rina))
    trail = Trail.open(tmp_path / "berkas")  # reopened: the profile comes from the berkas
    trail.perform(3, agus, selesai=at("2026-11-24 08:30"), signer=trail_pki.signer(agus))
    assert trail.verify().utuh

    signed = (tmp_path / "berkas" / "dokumen" / "03-nodin.pdf").read_bytes()
    _, _, appearance, _ = signature_widget(signed)
    assert shown_lines(appearance)[0] == "Disahkan secara elektronik oleh:"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(signed)).pages)
    header = read_ledger(tmp_path / "berkas")["header"]
    assert "Pernyataan tanda tangan elektronik instansi uji." in text
    assert f"Kode dokumen: {header['berkas']}-03-nodin" in text
    assert "UU ITE" not in text and "ID dokumen:" not in text
    # The QR code holds the profile's URL: compare the drawn modules with its matrix.
    url = f"https://cek.instansi-uji.go.id/dokumen/{header['berkas']}-03-nodin"
    from tests.tte_helpers import qr_matrix

    _, _, _, qr_stream = signature_widget(signed)
    assert qr_stream.count(b" 1 1 re") == sum(map(sum, qr_matrix(url)))
