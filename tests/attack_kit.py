"""What the attack tests (issue 16) share: an outsider's certificate under the demo's
own root, rewriting a berkas the way an attacker holding only that key can, and
running the real CLI in a subprocess (under resource limits when asked).

Every helper changes files exactly as an attacker with shell access to a copy of the
berkas would; none of them reaches into naskah's internals to make a check pass.
"""

from __future__ import annotations

import base64
import json
import os
import resource
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.serialization import load_pem_private_key
from lxml import etree

from naskah import demo
from naskah.hashing import canonical_json, sha256_bytes
from naskah.models.pejabat import Pejabat
from naskah.trail import signatures
from naskah.trail.ledger import entry_hash, entry_payload, header_hash, header_payload
from naskah.tte.identity import Identitas
from naskah.tte.passphrase import Passphrase
from naskah.tte.pkcs12 import Pkcs12Signer
from naskah.tte.pki import Sertifikat, pkcs12_bytes, terbitkan

REPO = Path(__file__).resolve().parent.parent
METADATA_ITEM = "customXml/naskah-metadata.xml"

OUTSIDER = Identitas("Eko Prasetyo, S.Kom.", "199512312020121001",
                     "Pranata Komputer Ahli Pertama")
"""A real employee with a real certificate under the trusted root, but on no roster."""


class Kunci:
    """A key the attacker holds: its signer, certificate (PEM) and PKCS#12 file."""

    def __init__(self, signer: Pkcs12Signer, pem: str, p12: Path, passphrase: str) -> None:
        self.signer, self.pem, self.p12, self.passphrase = signer, pem, p12, passphrase

    def __repr__(self) -> str:  # short: hypothesis prints it with a failing example
        return f"Kunci({self.p12.name})"


def demo_ca(master: Path) -> Sertifikat:
    """The demo's root CA (key and certificate), to issue one more certificate under it,
    as the real CA issues certificates to every employee."""
    from cryptography import x509

    pki = master / "pki-uji"
    secret = demo.passphrase_env()[0].encode("utf-8")
    key = load_pem_private_key((pki / "ca-key.pem").read_bytes(), secret)
    cert = x509.load_pem_x509_certificate((pki / "ca.pem").read_bytes())
    return Sertifikat(key, cert)  # type: ignore[arg-type]


def issue_key(ca: Sertifikat, who: Identitas, folder: Path, passphrase: str = "orang-luar"
              ) -> Kunci:
    """A certificate and PKCS#12 file for ``who`` under ``ca``."""
    cert = terbitkan(ca, who)
    folder.mkdir(parents=True, exist_ok=True)
    p12 = folder / f"{who.nip or 'kunci'}.p12"
    p12.write_bytes(pkcs12_bytes(cert, ca.cert, passphrase.encode("utf-8")))
    return Kunci(Pkcs12Signer(p12, Passphrase.literal(passphrase)),
                 cert.cert_pem().decode("ascii"), p12, passphrase)


# ---------------------------------------------------------------- ledger and roster


def read_json(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def write_ledger(folder: Path, data: dict[str, Any]) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    (folder / "ledger.json").write_text(text, encoding="utf-8")


def write_roster(folder: Path, roster: dict[str, Any], ledger: dict[str, Any]) -> None:
    """Write ``pelaksana.json`` and put its hash into the (not yet re-signed) header."""
    data = canonical_json(roster)
    (folder / "pelaksana.json").write_bytes(data)
    ledger["header"]["pelaksana_sha256"] = sha256_bytes(data)


def rebind_roster(folder: Path, ledger: dict[str, Any], pem: str,
                  nips: Iterable[str] | None = None) -> None:
    """Put the certificate ``pem`` under each of ``nips`` (default: every official)."""
    roster = read_json(folder / "pelaksana.json")
    for nip in list(roster["sertifikat"]) if nips is None else nips:
        roster["sertifikat"][nip] = pem
    write_roster(folder, roster, ledger)


def resign_ledger(data: dict[str, Any], signer_for: Callable[[str], Any]) -> None:
    """Rechain the ledger and sign the header and every entry with ``signer_for(nip)``."""
    header = data["header"]
    header.pop("ttd", None)
    header["ttd"] = signatures.sign(signer_for(header["oleh"]["nip"]), header_payload(header))
    previous = header_hash(header)
    for entry in data["entries"]:
        entry.pop("ttd", None)
        entry["prev_hash"] = previous
        entry["hash"] = previous = entry_hash(entry)
        entry["ttd"] = signatures.sign(signer_for(entry["pelaksana"]["nip"]),
                                       entry_payload(entry))


def resign_last(data: dict[str, Any], signer: Any) -> None:
    """Hash and sign the last entry again (its performer's own key can do no more)."""
    entry = data["entries"][-1]
    entry.pop("ttd", None)
    entry["hash"] = entry_hash(entry)
    entry["ttd"] = signatures.sign(signer, entry_payload(entry))


def set_file_hash(data: dict[str, Any], rel: str, sha: str) -> None:
    """Record ``sha`` for ``rel`` wherever the ledger refers to it."""
    for entry in data["entries"]:
        for key in ("masukan", "keluaran", "aset", "asli"):
            for ref in entry.get(key, []):
                if ref.get("file") == rel:
                    ref["sha256"] = sha


def rewrite_docx_metadata(path: Path, change: Callable[[dict[str, Any]], None]) -> None:
    """Edit the naskah metadata record inside a DOCX (and nothing else in it)."""
    with zipfile.ZipFile(path) as z:
        parts = {i: z.read(i) for i in z.infolist()}
    key = next(i for i in parts if i.filename == METADATA_ITEM)
    root = etree.fromstring(parts[key])
    meta = json.loads(root.text or "")
    change(meta)
    root.text = json.dumps(meta, ensure_ascii=False)
    parts[key] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, blob in parts.items():
            z.writestr(info, blob)


def resign_parafs(folder: Path, data: dict[str, Any], signer_for: Callable[[str], Any]
                  ) -> None:
    """Sign every paraf of the ledger again with ``signer_for(nip)``: in the ledger (where
    it is recorded and every later copy of the reference) and in the paraf record of
    the DOCX, whose new hash is recorded in turn."""
    for entry in data["entries"]:
        for ref in entry["keluaran"]:
            if ref.get("jenis") != "paraf" or not isinstance(ref.get("tte"), str):
                continue
            try:
                pejabat = Pejabat.model_validate(entry["pelaksana"])
            except ValueError:
                continue  # a performer no key can stand for: left as it is
            old = ref["tte"]
            new = signatures.sign(signer_for(pejabat.nip or pejabat.nama),
                                  signatures.paraf_payload(ref["konsep_hash"], pejabat))
            for other in data["entries"]:
                for key in ("masukan", "keluaran"):
                    for r in other.get(key, []):
                        if r.get("tte") == old:
                            r["tte"] = new
            path = folder / ref["file"]
            if not path.is_file():
                continue  # the reference itself was changed: no DOCX to sign again

            def swap(meta: dict[str, Any], old: str = old, new: str = new) -> None:
                for paraf in meta["pengesahan"]["paraf"]:
                    if paraf.get("tte") == old:
                        paraf["tte"] = new

            rewrite_docx_metadata(path, swap)
            set_file_hash(data, ref["file"], sha256_bytes(path.read_bytes()))


def cms_signer_nip(b64: str) -> str | None:
    """The serialNumber (NIP) of the certificate that made a stored CMS signature."""
    from naskah.tte.cms import signer_certificate
    from naskah.tte.identity import identitas_from_der

    return identitas_from_der(signer_certificate(base64.b64decode(b64))).nip


# ---------------------------------------------------------------- the CLI, for real


@dataclass(frozen=True)
class Hasil:
    """What a CLI run returned."""

    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        return self.out + self.err


def naskah_cli(*args: str | os.PathLike[str], env: dict[str, str] | None = None,
               timeout: float = 300, prefix: list[str] | None = None,
               memory: int | None = None, cwd: Path | None = None) -> Hasil:
    """Run ``naskah ARGS`` in a fresh interpreter (``prefix``: e.g. faketime), optionally
    with its address space capped at ``memory`` bytes. A run past ``timeout`` seconds is
    killed and reported as exit code -9 with "TIMEOUT" in err."""

    def limit() -> None:  # in the child, before exec
        if memory is not None:
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    command = [*(prefix or []), sys.executable, "-m", "naskah", *map(str, args)]
    full_env = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                              env=full_env, cwd=cwd or REPO, preexec_fn=limit)
    except subprocess.TimeoutExpired as exc:
        def text(blob: bytes | str | None) -> str:
            return blob.decode("utf-8", "replace") if isinstance(blob, bytes) else blob or ""

        return Hasil(-9, text(exc.stdout), text(exc.stderr) + f"\nTIMEOUT after {timeout}s")
    return Hasil(done.returncode, done.stdout, done.stderr)


def no_traceback(result: Hasil) -> None:
    """The CLI's promise: one clear message, never a Python traceback."""
    assert "Traceback (most recent call last)" not in result.text, result.text[-3000:]


def masalah(result: Hasil) -> list[dict[str, Any]]:
    """The problems of a ``trail verify --json`` run."""
    data = json.loads(result.out)
    found: list[dict[str, Any]] = data["masalah"]
    return found


__all__ = ["OUTSIDER", "Hasil", "Kunci", "cms_signer_nip", "demo_ca", "issue_key",
           "masalah", "naskah_cli", "no_traceback", "read_json", "rebind_roster",
           "resign_last", "resign_ledger", "resign_parafs", "rewrite_docx_metadata",
           "set_file_hash", "write_ledger", "write_roster"]
