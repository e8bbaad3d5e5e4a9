"""``naskah verify`` and ``naskah pki init`` on real files, in process and once as a
real subprocess (exit codes, no traceback, nothing written on failure)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from naskah.cli import main
from naskah.tte.pades import PdfSignOptions
from naskah.tte.passphrase import Passphrase
from naskah.tte.pkcs12 import Pkcs12Signer
from naskah.tte.pki import ROOT_NAMA
from tests.tte_helpers import KARO, PASSPHRASE, Pki, make_pki, surat_pdf

EXIT_OK, EXIT_FAILED, EXIT_INPUT = 0, 1, 2


@pytest.fixture(scope="module")
def signed_file(pki: Pki, tmp_path_factory: pytest.TempPathFactory) -> Path:
    assert KARO.nip
    signer = Pkcs12Signer(pki.p12[KARO.nip], Passphrase.literal(PASSPHRASE))
    path = tmp_path_factory.mktemp("signed") / "surat-ttd.pdf"
    path.write_bytes(signer.sign_pdf(surat_pdf(), PdfSignOptions(doc_id="B-12/2026")))
    return path


def test_verify_valid_text_and_json(signed_file: Path, pki: Pki,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", str(signed_file), "--trust", str(pki.ca_pem)]) == EXIT_OK
    out = capsys.readouterr().out
    assert "TTE: VALID" in out
    assert f"penandatangan: {KARO.nama}, NIP {KARO.nip}, {KARO.jabatan}" in out
    assert "bytes intact:  yes; trusted: yes; nothing added after: yes" in out
    assert main(["verify", str(signed_file), "--trust", str(pki.ca_pem), "--json"]) == EXIT_OK
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is True
    (sig,) = data["signatures"]
    assert sig["penandatangan"]["nip"] == KARO.nip and sig["intact"] and sig["trusted"]
    assert sig["waktu"]


def test_verify_untrusted_and_tampered_exit_1(signed_file: Path, pki: Pki, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    rogue = make_pki(tmp_path / "rogue", [KARO], ca_name=ROOT_NAMA)
    assert main(["verify", str(signed_file), "--trust", str(rogue.ca_pem)]) == EXIT_FAILED
    assert "does not chain to a trusted root" in capsys.readouterr().out
    assert main(["verify", str(signed_file)]) == EXIT_FAILED
    assert "no trust roots given" in capsys.readouterr().out
    data = signed_file.read_bytes()
    at = data.index(b"Nomor: B-12") + 3
    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(data[:at] + b"x" + data[at + 1:])
    assert main(["verify", str(tampered), "--trust", str(pki.ca_pem), "--json"]) == EXIT_FAILED
    sig = json.loads(capsys.readouterr().out)["signatures"][0]
    assert sig["intact"] is False and sig["ok"] is False
    unsigned = tmp_path / "unsigned.pdf"
    unsigned.write_bytes(surat_pdf())
    assert main(["verify", str(unsigned), "--trust", str(pki.ca_pem)]) == EXIT_FAILED
    assert "not signed" in capsys.readouterr().out


def test_verify_bad_input_exit_2(tmp_path: Path, pki: Pki,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"not a pdf at all")
    assert main(["verify", str(junk), "--trust", str(pki.ca_pem)]) == EXIT_INPUT
    assert capsys.readouterr().err.startswith("naskah: galat: pdf:")
    assert main(["verify", str(tmp_path / "missing.pdf")]) == EXIT_INPUT
    assert main(["verify", str(junk), "--trust", str(junk)]) == EXIT_INPUT
    assert "trust:" in capsys.readouterr().err


@pytest.mark.slow
def test_pki_init_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("NASKAH_PKI_PASSPHRASE", "pp-uji-cli")
    out_dir = tmp_path / "pki"
    assert main(["pki", "init", "-o", str(out_dir)]) == EXIT_OK
    out = capsys.readouterr().out
    assert "BUKAN UNTUK PRODUKSI" in out and "TEST certificates" in out
    assert "pp-uji-cli" not in out
    # One .p12 per distinct pejabat of the example roster, each opening with the passphrase.
    p12 = sorted(out_dir.glob("*.p12"))
    assert len(p12) == 7 and (out_dir / "197005151995031001.p12") in p12
    assert (out_dir / "tsa.p12") in p12 and (out_dir / "tsa.pem").is_file()  # the test TSA
    assert (out_dir / "ca.crl").is_file()
    signer = Pkcs12Signer(out_dir / "197005151995031001.p12", Passphrase.from_env(
        "NASKAH_PKI_PASSPHRASE"))
    assert signer.identitas.nama == "Agus Setiawan, S.H., M.Si."
    signed = tmp_path / "s.pdf"
    signed.write_bytes(signer.sign_pdf(surat_pdf(), PdfSignOptions(doc_id="B-1")))
    assert main(["verify", str(signed), "--trust", str(out_dir / "ca.pem")]) == EXIT_OK
    assert b"pp-uji-cli" not in b"".join(p.read_bytes() for p in out_dir.iterdir())


def test_pki_init_without_passphrase_writes_nothing(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("NASKAH_PKI_PASSPHRASE", raising=False)
    assert main(["pki", "init", "-o", str(tmp_path / "pki")]) == EXIT_INPUT
    assert "NASKAH_PKI_PASSPHRASE" in capsys.readouterr().err
    assert not (tmp_path / "pki").exists()


@pytest.mark.slow
def test_subprocess_exit_codes_and_no_pyhanko_on_import(signed_file: Path, pki: Pki,
                                                        tmp_path: Path) -> None:
    ok = subprocess.run([sys.executable, "-m", "naskah", "verify", str(signed_file),
                         "--trust", str(pki.ca_pem)], capture_output=True, text=True,
                        stdin=subprocess.DEVNULL, timeout=120)
    assert ok.returncode == EXIT_OK and "VALID" in ok.stdout and ok.stderr == ""
    bad = subprocess.run([sys.executable, "-m", "naskah", "verify", str(signed_file)],
                         capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120)
    assert bad.returncode == EXIT_FAILED and "Traceback" not in bad.stderr
    assert bad.stderr == ""  # pyHanko's own log records do not leak onto the terminal
    probe = ("import sys, naskah, naskah.cli; naskah.cli.build_parser(); "
             "print(sorted(m for m in ('pyhanko', 'httpx', 'qrcode', 'naskah.tte') "
             "if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            timeout=120)
    assert loaded.stdout.strip() == "[]", loaded.stderr


def test_verify_with_a_crl_revoking_the_signer(signed_file: Path, pki: Pki, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    from naskah.tte.pki import crl

    assert KARO.nip
    crl_file = tmp_path / "ca.crl"
    crl_file.write_bytes(crl(pki.ca, [pki.certs[KARO.nip].cert]))
    args = ["verify", str(signed_file), "--trust", str(pki.ca_pem)]
    assert main([*args, "--crl", str(crl_file)]) == EXIT_FAILED
    assert "problem:       the certificate was revoked" in capsys.readouterr().out
    assert main(args) == EXIT_OK
    capsys.readouterr()
    assert main([*args, "--crl", str(pki.ca_pem)]) == EXIT_INPUT
    assert "crl:" in capsys.readouterr().err
    assert main([*args, "--crl", str(tmp_path / "missing.crl")]) == EXIT_INPUT
