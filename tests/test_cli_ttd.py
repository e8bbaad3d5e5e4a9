"""``naskah ttd``: signing an existing PDF from the command line (PKCS#12, BSrE on a
stand-in over 127.0.0.1), checked by pyHanko validation and by reading the stamp's
field rectangle and page text with pypdf; final PDFs are refused and nothing is
written."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from naskah.cli import main
from naskah.tte.pades import PdfSignOptions
from naskah.tte.passphrase import Passphrase
from naskah.tte.pkcs12 import Pkcs12Signer
from naskah.tte.qr import TANPA_URL
from naskah.tte.trust import TrustStore
from naskah.tte.verify import verify_pdf
from tests.tte_helpers import KABAG, KARO, PASSPHRASE, Pki, SoftHsm, surat_pdf

EXIT_OK, EXIT_FAILED, EXIT_INPUT = 0, 1, 2
ENV = "NASKAH_UJI_TTD"


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV, PASSPHRASE)


def _widgets(pdf: bytes) -> list[tuple[int, str, list[float]]]:
    """(page index, field name, rectangle) of every signature widget."""
    out = []
    for index, page in enumerate(PdfReader(io.BytesIO(pdf)).pages):
        for ref in page.get("/Annots") or []:
            annot = ref.get_object()
            if annot.get("/FT") == "/Sig" or annot.get("/Parent", {}).get("/FT") == "/Sig":
                out.append((index, str(annot.get("/T")), [float(v) for v in annot["/Rect"]]))
    return out


def _sign(pki: Pki, tmp_path: Path, name: str, pdf: bytes, *extra: str,
          nip: str | None = KARO.nip) -> tuple[int, Path]:
    assert nip
    source = tmp_path / f"{name}.pdf"
    source.write_bytes(pdf)
    out = tmp_path / f"{name}-ttd.pdf"
    code = main(["ttd", str(source), "-o", str(out), "--p12", str(pki.p12[nip]),
                 "--passphrase-env", ENV, *extra])
    return code, out


@pytest.mark.slow
def test_visible_stamp_at_tag_verifies(pki: Pki, tmp_path: Path, env: None,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _sign(pki, tmp_path, "surat", surat_pdf(tag="#ttd#"), "--tag", "#ttd#",
                      "--id", "B-12/PO/11/2026")
    assert code == EXIT_OK
    assert f"ditandatangani oleh {KARO.nama} (NIP {KARO.nip})" in capsys.readouterr().out
    signed = out.read_bytes()
    result = verify_pdf(signed, TrustStore.from_files([pki.ca_pem]))
    assert result.ok
    (sig,) = result.signatures
    assert sig.identitas is not None and sig.identitas.nip == KARO.nip
    ((page, field, rect),) = _widgets(signed)
    # The tag is drawn on page 2 at (330, 600): the stamp's top-left corner is there.
    assert page == 1 and field == "TTE"
    assert abs(rect[0] - 330) < 15 and 560 < rect[3] < 640 and rect[2] - rect[0] > 100
    text = PdfReader(io.BytesIO(signed)).pages[1].extract_text()
    assert "B-12/PO/11/2026" in text  # the footer with the document id, covered by the sig


@pytest.mark.slow
def test_page_and_box_then_invisible(pki: Pki, tmp_path: Path, env: None) -> None:
    code, out = _sign(pki, tmp_path, "kotak", surat_pdf(), "--halaman", "1",
                      "--posisi", "40,60,290,130")
    assert code == EXIT_OK
    ((page, _, rect),) = _widgets(out.read_bytes())
    assert page == 0 and rect == [40.0, 60.0, 290.0, 130.0]

    code, out = _sign(pki, tmp_path, "tak", surat_pdf(), "--tak-terlihat")
    assert code == EXIT_OK
    signed = out.read_bytes()
    assert verify_pdf(signed, TrustStore.from_files([pki.ca_pem])).ok
    widgets = _widgets(signed)
    assert widgets and all(r[2] - r[0] == 0 and r[3] - r[1] == 0 for _, _, r in widgets)
    assert "Dokumen ini telah ditandatangani" not in "".join(
        p.extract_text() for p in PdfReader(io.BytesIO(signed)).pages)


@pytest.mark.slow
def test_signed_pdf_refused_unless_tambah(pki: Pki, tmp_path: Path, env: None,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    code, first = _sign(pki, tmp_path, "satu", surat_pdf())
    assert code == EXIT_OK
    capsys.readouterr()
    again = tmp_path / "dua-ttd.pdf"
    code = main(["ttd", str(first), "-o", str(again), "--p12", str(pki.p12[str(KABAG.nip)]),
                 "--passphrase-env", ENV])
    assert code == EXIT_INPUT and not again.exists()
    assert "sudah ditandatangani (TTE)" in capsys.readouterr().err
    code = main(["ttd", str(first), "-o", str(again), "--p12", str(pki.p12[str(KABAG.nip)]),
                 "--passphrase-env", ENV, "--tambah", "--posisi", "40,60,290,130"])
    assert code == EXIT_OK
    result = verify_pdf(again.read_bytes(), TrustStore.from_files([pki.ca_pem]))
    assert [s.field_name for s in result.signatures] == ["TTE", "TTE-2"]
    assert [s.identitas.nip for s in result.signatures if s.identitas] == [KARO.nip, KABAG.nip]
    assert result.ok


@pytest.mark.parametrize(("docmdp", "allowed"), [(1, False), (2, True)])
def test_certified_pdf(pki: Pki, tmp_path: Path, env: None, docmdp: int, allowed: bool,
                       capsys: pytest.CaptureFixture[str]) -> None:
    code, cert = _sign(pki, tmp_path, f"sert{docmdp}", surat_pdf(), "--sertifikasi",
                       "--docmdp", str(docmdp))
    assert code == EXIT_OK
    capsys.readouterr()
    out = tmp_path / "lagi.pdf"
    code = main(["ttd", str(cert), "-o", str(out), "--p12", str(pki.p12[str(KABAG.nip)]),
                 "--passphrase-env", ENV, "--tambah", "--tak-terlihat"])
    if allowed:
        assert code == EXIT_OK
        result = verify_pdf(out.read_bytes(), TrustStore.from_files([pki.ca_pem]))
        assert result.ok and result.signatures[0].certification == 2
    else:
        assert code == EXIT_INPUT and not out.exists()
        assert "DocMDP P=1" in capsys.readouterr().err


def test_wrong_passphrase_and_bad_input_leave_nothing(pki: Pki, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]
                                                      ) -> None:
    monkeypatch.setenv(ENV, "salah")
    code, out = _sign(pki, tmp_path, "salah", surat_pdf())
    assert code == EXIT_INPUT and not out.exists()
    monkeypatch.setenv(ENV, PASSPHRASE)
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"bukan pdf")
    assert main(["ttd", str(junk), "-o", str(tmp_path / "x.pdf"), "--p12",
                 str(pki.p12[str(KARO.nip)]), "--passphrase-env", ENV]) == EXIT_INPUT
    assert main(["ttd", str(junk), "-o", str(tmp_path / "x.pdf")]) == EXIT_INPUT
    err = capsys.readouterr().err
    assert "tidak dapat dibaca" in err or "bukan PDF" in err
    src = tmp_path / "surat.pdf"
    src.write_bytes(surat_pdf())
    assert main(["ttd", str(src), "-o", str(tmp_path / "x.pdf")]) == EXIT_INPUT
    assert "tepat satu dari --p12, --pkcs11, --bsre" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()


@pytest.mark.slow
def test_stdout_in_a_real_process(pki: Pki, tmp_path: Path) -> None:
    src = tmp_path / "surat.pdf"
    src.write_bytes(surat_pdf())
    run = subprocess.run(
        [sys.executable, "-m", "naskah", "ttd", str(src), "-o", "-", "--p12",
         str(pki.p12[str(KARO.nip)]), "--passphrase-env", ENV],
        capture_output=True, timeout=120, env={**os.environ, ENV: PASSPHRASE})
    assert run.returncode == EXIT_OK, run.stderr
    # Nothing but the PDF on stdout; on stderr only the one warning of a QR code without
    # a verification URL (the real process prints it once, not per drawing of the QR).
    assert run.stdout.startswith(b"%PDF-")
    assert run.stderr.decode() == f"naskah: peringatan: {TANPA_URL}\n"
    assert verify_pdf(run.stdout, TrustStore.from_files([pki.ca_pem])).ok


@pytest.mark.slow
def test_bsre_standin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime as dt

    from pyhanko.sign import signers

    from naskah.tte.pki import buat_root_ca, pkcs12_bytes, terbitkan
    from tests.bsre_standin import BsreStandin, StandinUser

    ca = buat_root_ca("BSrE stand-in (uji ttd)")
    (tmp_path / "ca.pem").write_bytes(ca.cert_pem())
    trust = TrustStore.from_files([tmp_path / "ca.pem"])
    s = terbitkan(ca, KARO, not_before=dt.datetime.now(dt.UTC) - dt.timedelta(days=1))
    key = signers.SimpleSigner.load_pkcs12_data(pkcs12_bytes(s, ca.cert, b"k"),
                                                other_certs=[], passphrase=b"k")
    nik = "3171011505700001"
    src = tmp_path / "surat.pdf"
    src.write_bytes(surat_pdf())
    with BsreStandin(users={nik: StandinUser("pp-bsre", key, KARO)}, trust=trust) as server:
        monkeypatch.setenv("NASKAH_BSRE_PASSWORD", server.password)
        monkeypatch.setenv(ENV, "pp-bsre")
        out = tmp_path / "bsre.pdf"
        assert main(["ttd", str(src), "-o", str(out), "--bsre", server.url, "--nik", nik,
                     "--nama", KARO.nama, "--nip", str(KARO.nip), "--bsre-user",
                     server.username, "--passphrase-env", ENV]) == EXIT_OK
        assert len(server.requests) == 1
    result = verify_pdf(out.read_bytes(), trust)
    assert result.ok and result.signatures[0].identitas is not None
    assert result.signatures[0].identitas.nip == KARO.nip


def test_library_refusal_matches_a_signature_made_in_python(pki: Pki) -> None:
    from naskah.errors import InputError
    from naskah.tte.sudah import boleh_ditandatangani, tanda_tangan_ada

    signer = Pkcs12Signer(pki.p12[str(KARO.nip)], Passphrase.literal(PASSPHRASE))
    certified = signer.sign_pdf(surat_pdf(), PdfSignOptions(doc_id="x", certify=True))
    assert [(s.field_name, s.docmdp) for s in tanda_tangan_ada(certified)] == [("TTE", 1)]
    with pytest.raises(InputError, match="DocMDP P=1"):
        boleh_ditandatangani(certified, tambah=True)
    assert boleh_ditandatangani(surat_pdf()) == []


@pytest.mark.slow
def test_pkcs11_token_softhsm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                              softhsm: SoftHsm) -> None:
    """--pkcs11 MODULE:TOKEN:KEY with the PIN from the environment, on a real SoftHSM2."""
    from tests.tte_helpers import SOFTHSM_LABEL, SOFTHSM_PIN, SOFTHSM_TOKEN

    module = softhsm.module
    monkeypatch.setenv("NASKAH_UJI_PIN", SOFTHSM_PIN)
    src = tmp_path / "surat.pdf"
    src.write_bytes(surat_pdf(tag="#ttd#"))
    out = tmp_path / "token.pdf"
    assert main(["ttd", str(src), "-o", str(out), "--tag", "#ttd#", "--pkcs11",
                 f"{module}:{SOFTHSM_TOKEN}:{SOFTHSM_LABEL}",
                 "--passphrase-env", "NASKAH_UJI_PIN"]) == EXIT_OK
    result = verify_pdf(out.read_bytes(), softhsm.trust())
    assert result.ok and result.signatures[0].identitas is not None
    assert result.signatures[0].identitas.nip == KARO.nip
