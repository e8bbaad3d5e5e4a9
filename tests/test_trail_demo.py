"""The 14-step demo trail (``naskah demo``): what its berkas holds (ledger chain, roles,
times, outputs, the documents' text, metadata and signatures) and how the demo treats
the folder it writes into.

The demo berkas is made once per session (``demo_master`` in conftest); each test that
changes it works on its own copy (``berkas``, ``partial``).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import io
import itertools
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import async_validate_pdf_signature

import naskah
import naskah.fileio
import naskah.trail
import naskah.trail.folder
import naskah.trail.ledger
from naskah import demo
from naskah.cli import main as cli
from naskah.models import jenis_class
from naskah.trail import Trail
from naskah.trail.ledger import entry_hash, header_hash
from naskah.tte.trust import TrustStore
from tests.helpers import docx_lines, docx_text
from tests.trail_support import (
    KABAG,
    KARO_PO,
    PELAKSANA,
    PERFORMER,
    ROLES,
    SESMENKO,
    SIGNED,
    files_of,
    problems,
    read_ledger,
    rechain,
    run_cli,
    sha256,
    wib,
)

# ---------------------------------------------------------------- the demo berkas


def test_demo_verifies_intact(trail: Trail) -> None:
    result = trail.verify()
    assert result.utuh, problems(result)
    assert result.pertama is None
    assert result.langkah == 14
    assert result.hash_akhir == trail.entries()[-1].hash
    assert trail.next_step() is None


def test_demo_ledger_chain(berkas: Path) -> None:
    raw = read_ledger(berkas)
    assert raw["format"] == "naskah-ledger/3"
    entries = raw["entries"]
    assert [e["step"] for e in entries] == list(range(1, 15))
    assert entries[0]["prev_hash"] == header_hash(raw["header"])
    for before, after in itertools.pairwise(entries):
        assert after["prev_hash"] == before["hash"]
    for entry in entries:
        assert entry["hash"] == entry_hash(entry)
    assert len({e["hash"] for e in entries}) == 14
    header = raw["header"]
    assert header["sop_sha256"] == sha256(berkas / "sop.json")
    assert header["pelaksana_sha256"] == sha256(berkas / "pelaksana.json")
    assert header["dibuat"] == "2026-11-24T07:55:00+07:00"


def test_demo_roles_per_step(trail: Trail) -> None:
    entries = trail.entries()
    assert {e.step: e.peran for e in entries} == ROLES
    for e in entries:
        assert e.pelaksana.nip == PERFORMER[e.peran]
        assert e.peran in trail.sop.langkah_ke(e.step).pelaksana
        assert e.kegiatan == trail.sop.langkah_ke(e.step).kegiatan


def test_demo_times(trail: Trail) -> None:
    entries = trail.entries()
    assert [e.durasi_menit for e in entries] == [
        10, 30, 60, 230, 55, 25, 25, 40, 5, 10, 120, 210, 50, 25,
    ]
    assert [e.standar_menit for e in entries] == [
        10, 30, 60, 510, 60, 30, 30, 60, 5, 5, 120, 510, 60, 20,
    ]
    assert [e.step for e in entries if e.melebihi] == [10, 14]
    for before, after in itertools.pairwise(entries):
        assert after.mulai >= before.selesai
    assert entries[10].mulai == wib("2026-11-25T09:00")  # the meeting starts at 09:00


def test_demo_ledger_hashes_match_files(berkas: Path, trail: Trail) -> None:
    seen = set()
    accounts = {k: v for e in trail.entries() for k, v in e.tindakan.items()}
    for entry in trail.entries():
        for ref in [*entry.masukan, *entry.keluaran, *entry.aset, *entry.asli]:
            if ref.file is None:
                assert ref.jenis == "tindakan"
                text = accounts[ref.kode].encode("utf-8")
                assert ref.sha256 == hashlib.sha256(text).hexdigest()
                continue
            assert ref.sha256 == sha256(berkas / ref.file), ref.file
            seen.add(ref.file)
    # every file in the berkas is referenced, and every produced file exists
    assert seen == files_of(berkas)


def test_demo_outputs_per_step(trail: Trail) -> None:
    out = {e.step: [(r.file, r.status.value if r.status else None) for r in e.keluaran]
           for e in trail.entries()}
    # a disposisi is final as given: signed by its giver, who performed the step
    assert out[1] == [("dokumen/01-disposisi-sesmenko.docx", "ditandatangani")]
    for step in (2, 3, 6, 7):
        assert [status for _, status in out[step] if status] == ["ditandatangani"]
    assert out[8] == [("dokumen/08-undangan-rapat.docx", "konsep"),
                      ("lampiran/08-bahan-rapat.txt", None)]
    assert out[9] == [("dokumen/09-undangan-rapat.docx", "diparaf")]
    assert out[10] == [("dokumen/10-undangan-rapat.docx", "ditandatangani")]
    assert out[13] == [("dokumen/13-laporan.docx", "diparaf"),
                       ("dokumen/13-nodin-pengantar.docx", "diparaf")]
    assert out[14] == [("dokumen/14-laporan.docx", "ditandatangani"),
                       ("dokumen/14-nodin-pengantar.docx", "ditandatangani")]
    entries = trail.entries()
    assert [(r.kode, r.file) for r in entries[0].masukan] == [
        ("program-kerja", "lampiran/01-program-kerja.txt")
    ]
    assert {r.kode: (r.file, r.status) for r in entries[9].masukan} == {
        "undangan-rapat": ("dokumen/09-undangan-rapat.docx", naskah.Status.DIPARAF),
        "bahan-rapat": ("lampiran/08-bahan-rapat.txt", None),
    }
    assert set(entries[1].tindakan) == {"koordinasi-karo-po"}
    assert trail.dokumen("undangan-rapat") == trail.folder / "dokumen/10-undangan-rapat.docx"
    assert trail.dokumen("laporan") == trail.folder / "dokumen/14-laporan.docx"


def test_disposisi_sesmenko_content(berkas: Path) -> None:
    text = docx_text(berkas / "dokumen/01-disposisi-sesmenko.docx")
    assert "LEMBAR DISPOSISI" in text
    assert PELAKSANA["peran"]["sesmenko"][0]["nama"] in text
    assert f"NIP {SESMENKO}" in text


def paraf_rows(lines: list[str]) -> list[str]:
    """The lines of the paraf table (from 'Paraf:' to the signature block)."""
    start = lines.index("Paraf:")
    return lines[start:start + 9]


def test_undangan_konsep_diparaf_has_paraf_table(berkas: Path) -> None:
    lines = docx_lines(berkas / "dokumen/09-undangan-rapat.docx")
    assert "Paraf:" in lines
    table = paraf_rows(lines)
    assert table[1:5] == ["No", "Jabatan", "Paraf", "Tanggal"]
    assert table[5:9] == ["1.", "Kepala Bagian Data dan Informasi", "RK", "24/11/2026"]
    assert not any("Ditandatangani secara elektronik" in line for line in lines)
    # the konsep before the paraf has neither
    konsep = docx_lines(berkas / "dokumen/08-undangan-rapat.docx")
    assert "Paraf:" not in konsep
    assert not any("Ditandatangani secara elektronik" in line for line in konsep)


def test_undangan_signed_has_no_paraf_table(berkas: Path) -> None:
    lines = docx_lines(berkas / "dokumen/10-undangan-rapat.docx")
    assert "Ditandatangani secara elektronik pada 25 November 2026 07.40" in lines
    assert "Paraf:" not in lines
    assert "RK" not in lines
    assert "a.n. Sekretaris Kementerian Koordinator Bidang Politik, Hukum, dan Keamanan" in lines


@pytest.mark.parametrize("name", ["14-laporan.docx", "14-nodin-pengantar.docx"])
def test_final_documents_are_signed(berkas: Path, name: str) -> None:
    lines = docx_lines(berkas / "dokumen" / name)
    assert "Ditandatangani secara elektronik pada 25 November 2026 15.45" in lines
    assert "Paraf:" not in lines
    assert "Agus Setiawan, S.H., M.Si." in lines


@pytest.mark.parametrize("name", ["13-laporan.docx", "13-nodin-pengantar.docx"])
def test_step_13_documents_are_initialled_not_signed(berkas: Path, name: str) -> None:
    lines = docx_lines(berkas / "dokumen" / name)
    assert "Paraf:" in lines
    assert not any("Ditandatangani secara elektronik" in line for line in lines)


def test_metadata_status_per_version(berkas: Path) -> None:
    meta8 = naskah.read_metadata(berkas / "dokumen/08-undangan-rapat.docx")
    meta9 = naskah.read_metadata(berkas / "dokumen/09-undangan-rapat.docx")
    meta10 = naskah.read_metadata(berkas / "dokumen/10-undangan-rapat.docx")
    assert meta8.jenis == meta9.jenis == meta10.jenis == "undangan"
    assert meta8.content_hash == meta9.content_hash
    # signing took the register's number and date: new content, the paraf still hold
    assert meta10.content_hash != meta9.content_hash
    assert meta10.nomor == "B-1/Ses.PO/OT.01.02/11/2026"
    assert meta8.pengesahan.status is naskah.Status.KONSEP
    assert meta8.pengesahan.paraf == [] and meta8.pengesahan.tanda_tangan is None

    assert meta9.pengesahan.status is naskah.Status.DIPARAF
    assert len(meta9.pengesahan.paraf) == 1
    paraf = meta9.pengesahan.paraf[0]
    assert paraf.pejabat.nip == KABAG
    assert paraf.peran == "kabag-datin"
    assert paraf.waktu == wib("2026-11-24T16:00")
    assert meta9.pengesahan.tanda_tangan is None

    assert meta10.pengesahan.status is naskah.Status.DITANDATANGANI
    ttd = meta10.pengesahan.tanda_tangan
    assert ttd is not None
    assert ttd.pejabat.nip == KARO_PO
    assert ttd.pejabat.nama == PELAKSANA["peran"]["karo-po"][0]["nama"]
    assert ttd.peran == "karo-po"
    assert ttd.delegasi == [naskah.Delegasi.AN]  # signed a.n. the Sesmenko
    assert [str(d) for d in ttd.delegasi] == ["a.n."]
    assert ttd.waktu == wib("2026-11-25T07:40")
    assert [p.pejabat.nip for p in meta10.pengesahan.paraf] == [KABAG]  # the paraf is kept

    for name in ("14-laporan.docx", "14-nodin-pengantar.docx"):
        meta = naskah.read_metadata(berkas / "dokumen" / name)
        assert meta.pengesahan.status is naskah.Status.DITANDATANGANI
        assert meta.pengesahan.tanda_tangan is not None
        assert meta.pengesahan.tanda_tangan.pejabat.nip == KARO_PO
        assert meta.pengesahan.tanda_tangan.delegasi == []  # signed in his own name
        assert [p.pejabat.nip for p in meta.pengesahan.paraf] == [KABAG]


def test_every_approval_refers_to_the_document_content(berkas: Path, trail: Trail) -> None:
    recorded = {r.file: r for e in trail.entries() for r in e.keluaran if r.file}
    docs = sorted((berkas / "dokumen").glob("*.docx"))
    assert len(docs) == 15
    for path in docs:
        meta = naskah.read_metadata(path)
        model = jenis_class(meta.jenis).model_validate(meta.naskah)
        assert model.content_hash() == meta.content_hash, path.name
        assert recorded[f"dokumen/{path.name}"].content_hash == meta.content_hash
        assert recorded[f"dokumen/{path.name}"].status == meta.pengesahan.status
        for paraf in meta.pengesahan.paraf:  # given on the konsep, before numbering
            assert paraf.konsep_hash == model.konsep_hash(), path.name
        if meta.pengesahan.tanda_tangan is not None:
            assert meta.pengesahan.tanda_tangan.content_hash == meta.content_hash, path.name


# ---------------------------------------------------------------- the demo's signatures


def _paraf_refs(folder: Path) -> list[tuple[Any, Any]]:
    entries = Trail.open(folder).entries()
    return [(e, r) for e in entries for r in e.keluaran if r.jenis == "paraf"]


def test_paraf_signature_is_in_the_docx_metadata(demo_master: Path) -> None:
    """Issue 8: the paraf signature is stored in the DOCX metadata and in the ledger, the
    same CMS signature, by the paraf-giver's certificate over the konsep hash."""
    from naskah.trail.pelaksana import DaftarPelaksana
    from naskah.trail.signatures import paraf_payload, pem_to_der
    from naskah.tte.cms import signer_certificate, verify_bytes

    trust = TrustStore.from_files([demo_master / "pki-uji" / "ca.pem"])
    roster = DaftarPelaksana.model_validate_json((demo_master / "pelaksana.json").read_bytes())
    refs = _paraf_refs(demo_master)
    assert [(e.step, r.kode) for e, r in refs] == [
        (9, "undangan-rapat"), (13, "laporan"), (13, "nodin-pengantar")]
    for entry, ref in refs:
        meta = naskah.read_metadata(demo_master / str(ref.file))
        paraf = meta.pengesahan.paraf[-1]
        assert paraf.pejabat.nip == entry.pelaksana.nip
        assert paraf.tte is not None and paraf.tte == ref.tte
        assert paraf.konsep_hash == ref.konsep_hash
        sig = base64.b64decode(paraf.tte)
        report = verify_bytes(paraf_payload(str(paraf.konsep_hash), entry.pelaksana), sig, trust)
        assert report.intact and report.valid and report.trusted
        pem = roster.sertifikat_pem(entry.pelaksana)
        assert pem is not None and signer_certificate(sig) == pem_to_der(pem, "roster")
    # the signed documents keep the paraf (and its signature) through numbering
    final = naskah.read_metadata(demo_master / "dokumen/14-nodin-pengantar.docx")
    (paraf,) = final.pengesahan.paraf
    assert paraf.tte == refs[2][1].tte and final.nomor is not None


def test_signed_originals_validate_with_pyhanko_and_chain_to_the_demo_root(
        demo_master: Path) -> None:
    from naskah.tte.trust import TrustStore

    trust = TrustStore.from_files([demo_master / "pki-uji" / "ca.pem"])
    entries = Trail.open(demo_master).entries()
    recorded = {r.file: r for e in entries for r in e.asli}
    assert sorted(recorded) == sorted(SIGNED)
    for rel in SIGNED:
        reader = PdfFileReader(io.BytesIO((demo_master / rel).read_bytes()))
        (sig,) = reader.embedded_signatures
        status = asyncio.run(async_validate_pdf_signature(sig, trust.validation_context()))
        assert status.intact and status.valid and status.trusted, rel
        assert status.signing_cert.subject.native["serial_number"] == KARO_PO
        path = status.validation_path
        assert path is not None
        root = path.trust_anchor.authority.name.native["common_name"]
        assert root == "naskah UJI — bukan untuk produksi"


def test_ledger_signatures_are_base64_cms(demo_master: Path) -> None:
    from naskah.tte.cms import signer_certificate

    data = read_ledger(demo_master)
    header_cert = signer_certificate(base64.b64decode(data["header"]["ttd"]))
    roster = json.loads((demo_master / "pelaksana.json").read_text(encoding="utf-8"))
    from naskah.trail.signatures import pem_to_der

    assert header_cert == pem_to_der(roster["sertifikat"][SESMENKO], "x")
    assert all(isinstance(e["ttd"], str) for e in data["entries"])


def test_stamp_covers_the_templates_signature_line(demo_master: Path) -> None:
    """The stamp sits where the template prints "Ditandatangani secara elektronik pada
    ...", between the jabatan and the name, and hides that line (no second mark). The
    signature space is lower than the 20 mm QR code, so the code hangs to the left of it,
    beside the name (issue 17, item 12): the name stays right of the code."""
    from pypdf import PdfReader

    from naskah.tte.posisi import find_tag

    for rel in SIGNED:
        reader = PdfReader(demo_master / rel)
        page, x, y, _ = find_tag(reader, "Ditandatangani secara elektronik pada") or (
            -1, 0.0, 0.0, 0.0)
        _, name_x, _, _ = find_tag(reader, "Agus Setiawan, S.H., M.Si.") or (-1, 0, 0, 0)
        (widget,) = [a.get_object() for a in reader.pages[page].get("/Annots", [])
                     if a.get_object().get("/FT") == "/Sig"]
        x1, y1, _x2, y2 = (float(v) for v in widget["/Rect"])
        qr = y2 - y1  # the hanging QR code with its edges: as wide as the stamp is high
        assert qr >= 20 / 25.4 * 72, rel
        assert x1 + qr == pytest.approx(x, abs=1) and y1 < y < y2, rel
        assert name_x >= x1 + qr - 1, rel  # beside the QR code, not under it


# ---------------------------------------------------------------- the demo's folder


def test_cli_demo_twice(demo_cli: dict[str, Any], tmp_path: Path) -> None:
    # the first run (the session's `naskah demo`, conftest) made the PDFs too
    assert demo_cli["returncode"] == 0, demo_cli["stderr"]
    assert "verified: 14 steps intact" in demo_cli["stdout"]
    assert "over the time standard: steps 10, 14" in demo_cli["stdout"]
    out = tmp_path / "demo"
    shutil.copytree(demo_cli["folder"], out)  # the second run replaces it: on a copy
    assert (out / "dokumen/14-laporan.docx").is_file()
    assert (out / "ledger.json").is_file()
    assert (out / "berkas.pdf").is_file() and (out / "pdf").is_dir()
    first_berkas = read_ledger(out)["header"]["berkas"]
    # a second run replaces the previous demo, PDFs included
    second = run_cli("demo", "-o", str(out), "--no-pdf")
    assert second.returncode == 0, second.stderr
    assert read_ledger(out)["header"]["berkas"] != first_berkas
    assert len(read_ledger(out)["entries"]) == 14
    assert not (out / "pdf").exists() and not (out / "berkas.pdf").exists()
    result = Trail.open(out).verify()
    assert result.utuh, problems(result)


def test_demo_refuses_a_folder_that_is_not_a_berkas(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "milik-orang"
    (out / "dokumen").mkdir(parents=True)
    (out / "dokumen" / "penting.docx").write_bytes(b"jangan dihapus")
    (out / "catatan.txt").write_text("penting\n", encoding="utf-8")
    snapshot = sorted(str(p.relative_to(out)) for p in out.rglob("*"))
    assert cli(["demo", "-o", str(out), "--no-pdf"]) == 2
    assert "is not empty and holds no naskah berkas" in capsys.readouterr().err
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*")) == snapshot
    assert (out / "dokumen" / "penting.docx").read_bytes() == b"jangan dihapus"


def test_demo_into_an_empty_existing_folder(demo_run: dict[str, Any]) -> None:
    """The session's demo berkas is made so (conftest ``demo_run``): demo.run into a folder
    that exists and is empty."""
    assert demo_run["empty_folder_before"] is True
    assert demo_run["utuh"] and demo_run["langkah"] == 14


def test_demo_refuses_to_wipe_a_real_trail(partial: Callable[[int], Path],
                                           capsys: pytest.CaptureFixture[str]) -> None:
    """0.1.0: `naskah demo DIR` deleted any folder holding a ledger.json."""
    folder = partial(3)
    rechain(folder, lambda data: data["header"].pop("demo"))  # a trail someone started
    shutil.rmtree(folder / "pki-uji")  # its officials keep their keys elsewhere
    assert Trail.open(folder).verify().utuh
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    assert cli(["demo", "-o", str(folder), "--no-pdf"]) == 2
    assert "did not create" in capsys.readouterr().err
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before


def test_demo_replaces_its_own_berkas(berkas: Path) -> None:
    out = berkas  # a copy of the session's demo berkas: a first demo run
    assert read_ledger(out)["header"]["demo"] is True
    first_berkas = read_ledger(out)["header"]["berkas"]
    _, result = demo.run(out, mulai=demo.MULAI)
    assert result.utuh and result.langkah == 14
    assert read_ledger(out)["header"]["berkas"] != first_berkas
