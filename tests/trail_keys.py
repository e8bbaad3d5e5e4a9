"""A test PKI for trails: one root and a PKCS#12 key per official of the example roster,
made once per session (``trail_pki`` in conftest), and helpers to start a signed trail."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from naskah.trail.pelaksana import DaftarPelaksana, kunci
from naskah.tte.identity import Identitas
from naskah.tte.passphrase import Passphrase
from naskah.tte.pkcs12 import Pkcs12Signer
from naskah.tte.pki import TestPki, init_test_pki
from tests.helpers import EXAMPLES

PASSPHRASE = "uji-trail-123"
PASS_ENV = "NASKAH_UJI_PASSPHRASE"
"""Holds PASSPHRASE while the session's ``trail_pki`` exists (for CLI runs)."""
SESMENKO = "196703121992031002"
ROSTER: dict[str, Any] = json.loads(
    (EXAMPLES / "trail" / "pelaksana.json").read_text(encoding="utf-8"))


@dataclass
class TrailPki:
    """The session's test PKI for trails."""

    pki: TestPki

    @property
    def ca(self) -> Path:
        return self.pki.ca_pem

    def signer(self, nip: str) -> Pkcs12Signer:
        return Pkcs12Signer(self.pki.p12[nip], Passphrase.literal(PASSPHRASE))

    def roster(self, roster: dict[str, Any] | None = None) -> dict[str, Any]:
        """``roster`` (default: the example roster) with each official's certificate."""
        data = copy.deepcopy(roster if roster is not None else ROSTER)
        people = DaftarPelaksana.model_validate(data).orang()
        data["sertifikat"] = {kunci(p): self.pki.cert_pem[kunci(p)].read_text(encoding="ascii")
                              for p in people}
        return data

    def init_kwargs(self, oleh: str) -> dict[str, Any]:
        """Trail.init keyword arguments: trust roots, who starts it, and their signer."""
        return {"trust": [self.ca], "oleh": oleh, "signer": self.signer(oleh)}


def make_trail_pki(folder: Path, roster: dict[str, Any] | None = None) -> TrailPki:
    """A test PKI for everyone in ``roster`` (default: the example roster)."""
    people = DaftarPelaksana.model_validate(roster or ROSTER).orang()
    return TrailPki(init_test_pki(folder, [Identitas(p.nama, p.nip, p.jabatan) for p in people],
                                  PASSPHRASE.encode("utf-8")))


def cli_init_args(keys: TrailPki, folder: Path, oleh: str = SESMENKO, *,
                  bom: bool = False) -> list[str]:
    """``trail init`` options: the example roster with certificates (written into
    ``folder``), the trust root, and the initiator's key."""
    roster = folder / "pelaksana-tte.json"
    roster.write_bytes((b"\xef\xbb\xbf" if bom else b"")
                       + json.dumps(keys.roster()).encode("utf-8"))
    return ["--pelaksana", str(roster), "--trust", str(keys.ca), "--oleh", oleh,
            *key_args(keys, oleh)]


def key_args(keys: TrailPki, nip: str) -> list[str]:
    """CLI options signing as ``nip``."""
    return ["--p12", str(keys.pki.p12[nip]), "--passphrase-env", PASS_ENV]
