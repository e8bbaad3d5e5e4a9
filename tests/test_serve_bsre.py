"""Signing through the service with BSrE (the stand-in speaks BSrE's API on 127.0.0.1):
the official sends NIK and passphrase; a certificate of another NIP is refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from naskah.tte.verify import verify_pdf
from tests.bsre_standin import BsreStandin
from tests.serve_support import add_user, in_process
from tests.test_tte_bsre import NIK_KARO, PP, accounts, standin, trust  # noqa: F401 (fixtures)
from tests.tte_helpers import KABAG, KARO, surat_pdf

pytestmark = pytest.mark.serve


def test_bsre_signature_bound_to_the_account(tmp_path: Path, standin: BsreStandin,  # noqa: F811
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NASKAH_BSRE_USER", standin.username)
    monkeypatch.setenv("NASKAH_BSRE_PASSWORD", standin.password)
    db = f"sqlite:///{tmp_path / 'n.db'}"
    with in_process(tmp_path / "data", db, bsre_url=standin.url) as client:
        karo = add_user(db, "karo", "pejabat", nip=KARO.nip)
        kabag = add_user(db, "kabag", "pejabat", nip=KABAG.nip)
        secret = json.dumps({"jenis": "bsre", "nik": NIK_KARO, "passphrase": PP})
        pdf = surat_pdf()
        r = client.post("/v1/tanda-tangan", files={"pdf": ("surat.pdf", pdf)},
                        data={"kunci": secret}, headers=karo)
        assert r.status_code == 200, r.text
        (sig,) = verify_pdf(r.content, standin.trust).signatures
        assert sig.ok and sig.identitas is not None and sig.identitas.nip == KARO.nip
        # The Kabag's account, with the Karo's NIK and passphrase: BSrE signs as the Karo,
        # and the service discards it rather than hand the Kabag a letter signed as him.
        r = client.post("/v1/tanda-tangan", files={"pdf": ("surat.pdf", pdf)},
                        data={"kunci": secret}, headers=kabag)
        assert r.status_code == 403 and r.headers["content-type"] == "application/problem+json"
        assert PP not in r.text
        wrong = json.dumps({"jenis": "bsre", "nik": NIK_KARO, "passphrase": "bukan-ini-123"})
        r = client.post("/v1/tanda-tangan", files={"pdf": ("surat.pdf", pdf)},
                        data={"kunci": wrong}, headers=karo)
        assert r.status_code == 422 and "bukan-ini-123" not in r.text
