"""Issue 16, items 3 and 6 in a trail: ``trail init --tsa URL`` timestamps every
signature (header, entries, paraf, signed originals) through a TSA stand-in on
127.0.0.1; a step whose TSA cannot be reached is refused with nothing written; the
signed original is a certification (DocMDP P=1), PAdES B-LT; and three years later
(faketime) the trail still verifies.
"""

from __future__ import annotations

import base64
import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from asn1crypto import cms
from pyhanko.pdf_utils.reader import PdfFileReader

from naskah import demo
from naskah.trail import Trail
from naskah.trail.folder import STAGING
from naskah.tte.errors import SigningError
from naskah.tte.trust import TrustStore
from naskah.tte.verify import verify_pdf
from tests.attack_fixtures import step_kwargs
from tests.attack_kit import masalah, naskah_cli, no_traceback
from tests.tsa_standin import TsaStandin

pytestmark = pytest.mark.pdf

LATER = ["faketime", "-f", "+1100d"]


def stamped(b64: str) -> bool:
    (info,) = cms.ContentInfo.load(base64.b64decode(b64))["content"]["signer_infos"]
    return [a["type"].native for a in info["unsigned_attrs"]] == ["signature_time_stamp_token"]


def files_of(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file() and ".lock" not in p.name}


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """The example roster with a fresh test PKI (in ``keys/pki-uji``)."""
    folder = tmp_path_factory.mktemp("kunci")
    roster = json.loads((demo.data_dir() / "pelaksana.json").read_text(encoding="utf-8"))
    return folder, demo.make_pki(folder, roster)


def test_trail_with_a_tsa(soffice: str, keys: tuple[Path, dict[str, Any]],
                          tmp_path: Path) -> None:
    pki, roster = keys
    ca = pki / "pki-uji" / "ca.pem"
    berkas = tmp_path / "berkas"
    first = step_kwargs(1, numbered=False)["oleh"]
    with TsaStandin.of_pki(pki / "pki-uji", demo.passphrase_env()[0].encode()) as tsa:
        trail = Trail.init(berkas, roster, trust=[ca], oleh=first, tsa=tsa.url,
                           signer=demo.signer(pki, first))
        assert trail.pengaturan.tsa == tsa.url
        for n in range(1, 11):
            kwargs = step_kwargs(n, numbered=False)
            trail.perform(n, **kwargs, signer=demo.signer(pki, kwargs["oleh"]))
        asked = len(tsa.requests)
    assert asked >= 12  # a probe per step, and each signature
    ledger = json.loads((berkas / "ledger.json").read_text(encoding="utf-8"))
    assert stamped(ledger["header"]["ttd"])
    assert all(stamped(e["ttd"]) for e in ledger["entries"])
    parafs = [r["tte"] for e in ledger["entries"] for r in e["keluaran"] if r.get("tte")]
    assert parafs and all(stamped(t) for t in parafs)
    # the signed original: certification P=1, timestamped, DSS with chain and CRL
    original = (berkas / "dokumen" / "10-undangan-rapat.pdf").read_bytes()
    reader = PdfFileReader(io.BytesIO(original))
    (sig,) = reader.embedded_signatures
    assert sig.docmdp_level is not None and sig.docmdp_level.value == 1
    assert "/CRLs" in reader.root["/DSS"]
    (report,) = verify_pdf(original, TrustStore.from_files([ca])).signatures
    assert report.ok and report.timestamped and report.certification == 1

    # The TSA is down now: step 11 is refused before anything is done.
    before = files_of(berkas)
    kwargs = step_kwargs(11, numbered=False)
    with pytest.raises(SigningError, match="timestamp authority"):
        Trail.open(berkas).perform(11, **kwargs, signer=demo.signer(pki, kwargs["oleh"]))
    assert files_of(berkas) == before
    assert not (berkas / STAGING).exists() or not any((berkas / STAGING).iterdir())

    # Three years on, every certificate but the root's and the TSA's expired: intact.
    if shutil.which("faketime") is None:
        pytest.fail("faketime is not installed: run tools/install-system-deps.sh")
    later = naskah_cli("trail", "verify", berkas, "--trust", ca, "--json", prefix=LATER)
    no_traceback(later)
    assert later.code == 0, masalah(later)


def test_trail_init_with_an_unreachable_tsa_writes_nothing(
        keys: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    from tests.tsa_standin import down_url

    pki, roster = keys
    first = step_kwargs(1, numbered=False)["oleh"]
    berkas = tmp_path / "berkas"
    with pytest.raises(SigningError, match="timestamp authority"):
        Trail.init(berkas, roster, trust=[pki / "pki-uji" / "ca.pem"], oleh=first,
                   tsa=down_url(), signer=demo.signer(pki, first))
    assert not berkas.exists() or not any(berkas.iterdir())
    from naskah.errors import InputError

    with pytest.raises(InputError, match="tsa: the timestamp authority is an http"):
        Trail.init(berkas, roster, trust=[pki / "pki-uji" / "ca.pem"], oleh=first,
                   tsa="ftp://tsa.example/x", signer=demo.signer(pki, first))
    assert not berkas.exists() or not any(berkas.iterdir())


def test_untimestamped_trail_after_expiry_cannot_be_validated(
        keys: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    """Without a TSA, three years on: every signature "cannot be validated after expiry"
    (kind ``unverifiable``), the trail is not called TAMPERED; a changed file still is."""
    from naskah.tte.passphrase import Passphrase
    from naskah.tte.pkcs12 import Pkcs12Signer

    if shutil.which("faketime") is None:
        pytest.fail("faketime is not installed: run tools/install-system-deps.sh")
    pki, roster = keys

    def bare(nip: str) -> Pkcs12Signer:  # the test key without the demo's TSA
        return Pkcs12Signer(pki / "pki-uji" / f"{nip}.p12",
                            Passphrase.literal(demo.passphrase_env()[0]))

    ca = pki / "pki-uji" / "ca.pem"
    berkas = tmp_path / "berkas"
    first = step_kwargs(1, numbered=False)["oleh"]
    trail = Trail.init(berkas, roster, trust=[ca], oleh=first, signer=bare(first))
    for n in (1, 2):
        kwargs = step_kwargs(n, numbered=False)
        trail.perform(n, **kwargs, signer=bare(kwargs["oleh"]))
    assert naskah_cli("trail", "verify", berkas, "--trust", ca).code == 0
    later = naskah_cli("trail", "verify", berkas, "--trust", ca, "--json", prefix=LATER)
    no_traceback(later)
    found = masalah(later)
    assert later.code == 1 and found, later
    assert {m["jenis"] for m in found} == {"unverifiable"}, found
    assert all("cannot be validated after expiry" in m["pesan"] for m in found), found
    text = naskah_cli("trail", "verify", berkas, "--trust", ca, prefix=LATER)
    assert text.code == 1 and "CANNOT BE VALIDATED AFTER EXPIRY" in text.err
    assert "TAMPERED" not in text.err, text.err
    doc = next((berkas / "dokumen").glob("01-*.docx"))
    doc.write_bytes(doc.read_bytes() + b"\0")
    text = naskah_cli("trail", "verify", berkas, "--trust", ca, prefix=LATER)
    assert text.code == 1 and text.err.startswith("TAMPERED: step 1"), text.err
