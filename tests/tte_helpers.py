"""Shared pieces of the TTE tests: small real PDFs and a test PKI."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

from naskah.tte.identity import Identitas
from naskah.tte.pki import Sertifikat, buat_root_ca, pkcs12_bytes, terbitkan
from naskah.tte.trust import TrustStore

PASSPHRASE = "uji-rahasia-123"

KARO = Identitas("Agus Setiawan, S.H., M.Si.", "197005151995031001",
                 "Kepala Biro Perencanaan dan Organisasi")
KABAG = Identitas("Rina Kusumawati, S.Kom., M.T.", "197808242003122002",
                  "Kepala Bagian Data dan Informasi")


def make_pdf(pages: list[list[tuple[float, float, str]]]) -> bytes:
    """A real PDF (A4) with Helvetica text: per page a list of (x, y, text)."""
    writer = PdfWriter()
    for items in pages:
        page = writer.add_blank_page(595, 842)
        font = DictionaryObject({
            NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
            NameObject("/Encoding"): NameObject("/WinAnsiEncoding")})
        page[NameObject("/Resources")] = DictionaryObject({
            NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)})})
        ops = []
        for x, y, text in items:
            escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            ops.append(f"BT /F1 11 Tf {x} {y} Td ({escaped}) Tj ET")
        stream = DecodedStreamObject()
        stream.set_data("\n".join(ops).encode("latin-1"))
        page[NameObject("/Contents")] = writer._add_object(stream)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def surat_pdf(tag: str | None = None) -> bytes:
    """A two-page letter-like PDF; the signature block (with ``tag``) on page 2."""
    last = [(72, 760, "Demikian disampaikan, atas perhatiannya diucapkan terima kasih."),
            (330, 640, "Kepala Biro Perencanaan dan Organisasi,")]
    if tag:
        last.append((330, 600, tag))
    last.append((330, 520, "Agus Setiawan, S.H., M.Si."))
    return make_pdf([[(72, 760, "Nomor: B-12/PO/11/2026"), (72, 740, "Hal: Surat Uji TTE")],
                     last])


@dataclass
class Pki:
    """A test CA with issued certificates and their PKCS#12 files."""

    ca: Sertifikat
    ca_pem: Path
    p12: dict[str, Path]
    certs: dict[str, Sertifikat]


def make_pki(folder: Path, people: list[Identitas], *, ca_name: str | None = None) -> Pki:
    """A CA (default name: the naskah UJI root) and a .p12 per person in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    ca = buat_root_ca(ca_name) if ca_name else buat_root_ca()
    ca_pem = folder / "ca.pem"
    ca_pem.write_bytes(ca.cert_pem())
    p12: dict[str, Path] = {}
    certs: dict[str, Sertifikat] = {}
    for person in people:
        s = terbitkan(ca, person)
        assert person.nip
        path = folder / f"{person.nip}.p12"
        path.write_bytes(pkcs12_bytes(s, ca.cert, PASSPHRASE.encode()))
        p12[person.nip] = path
        certs[person.nip] = s
    return Pki(ca, ca_pem, p12, certs)


SOFTHSM_PIN, SOFTHSM_SO_PIN, SOFTHSM_TOKEN, SOFTHSM_LABEL = (
    "123456", "12345678", "naskah-uji", "karo-po")

_IMPORT_CERT = """
import sys, pkcs11
from pkcs11 import Attribute, CertificateType, ObjectClass
lib = pkcs11.lib(sys.argv[1])
token = lib.get_token(token_label=sys.argv[2])
der = open(sys.argv[4], "rb").read()
with token.open(rw=True, user_pin=sys.argv[3]) as session:
    session.create_object({
        Attribute.CLASS: ObjectClass.CERTIFICATE,
        Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
        Attribute.TOKEN: True, Attribute.LABEL: sys.argv[5], Attribute.ID: b"\\x01",
        Attribute.VALUE: der, Attribute.SUBJECT: bytes.fromhex(sys.argv[6]),
    })
"""


def softhsm_module() -> str | None:
    """The SoftHSM2 PKCS#11 library, where Debian installs it."""
    for path in ("/usr/lib/softhsm/libsofthsm2.so",
                 "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
                 "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so"):
        if os.path.exists(path):
            return path
    return None


@dataclass(frozen=True)
class SoftHsm:
    """The SoftHSM2 token of this test process (see the ``softhsm`` fixture)."""

    module: str
    """The PKCS#11 library."""
    ca_pem: Path
    """The root certificate that issued the token's certificate."""

    def trust(self) -> TrustStore:
        """A trust store of that root only."""
        return TrustStore.from_files([self.ca_pem])


def make_softhsm_token(base: Path, module: str, ca: Sertifikat, person: Identitas) -> Path:
    """A SoftHSM2 token in ``base`` holding a key + certificate for ``person``; returns
    the SOFTHSM2_CONF file to point the process at *before* it loads the module.

    Done in subprocesses (softhsm2-util; python-pkcs11 in a child interpreter) so the
    calling process loads SoftHSM only once the token is complete.
    """
    (base / "tokens").mkdir(parents=True)
    conf = base / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {base / 'tokens'}\nobjectstore.backend = file\n"
                    "log.level = ERROR\n")
    env = {**os.environ, "SOFTHSM2_CONF": str(conf)}
    s = terbitkan(ca, person)
    key_pem = base / "key.pem"
    key_pem.write_bytes(s.key.private_bytes(serialization.Encoding.PEM,
                                            serialization.PrivateFormat.PKCS8,
                                            serialization.NoEncryption()))
    cert_der = base / "cert.der"
    cert_der.write_bytes(s.cert.public_bytes(serialization.Encoding.DER))
    try:
        subprocess.run(["softhsm2-util", "--init-token", "--free", "--label", SOFTHSM_TOKEN,
                        "--pin", SOFTHSM_PIN, "--so-pin", SOFTHSM_SO_PIN],
                       check=True, env=env, capture_output=True)
        subprocess.run(["softhsm2-util", "--import", str(key_pem), "--token", SOFTHSM_TOKEN,
                        "--label", SOFTHSM_LABEL, "--id", "01", "--pin", SOFTHSM_PIN],
                       check=True, env=env, capture_output=True)
    finally:
        key_pem.unlink()  # the key now lives only on the token
    subprocess.run([sys.executable, "-c", _IMPORT_CERT, module, SOFTHSM_TOKEN, SOFTHSM_PIN,
                    str(cert_der), SOFTHSM_LABEL, s.cert.subject.public_bytes().hex()],
                   check=True, env=env, capture_output=True)
    return conf


def qr_matrix(payload: str) -> list[list[bool]]:
    """The QR module matrix (True = dark, with the 4-module quiet zone) for ``payload``,
    with the settings pyHanko's QR stamp uses (error correction M, smallest version), so
    a test can compare what is drawn in the PDF with what the URL encodes."""
    import qrcode
    import qrcode.constants

    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(payload)
    code.make()
    return [list(row) for row in code.get_matrix()]
