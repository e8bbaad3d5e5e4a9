"""Timestamps (cap waktu) on a trail's signatures: the signer of a step, bound to the
trail's timestamp authority and to the trail's roots for PAdES B-LT.

With a TSA in the trail's settings (``trail init --tsa URL``), the ledger header, every
entry, every paraf and every signed original carry an RFC 3161 timestamp, so they
still verify after the officials' certificates expire, or are revoked later. The TSA
is asked once before a step begins: when it cannot be reached the step is refused and
nothing is written. Without a TSA in the settings, a signer that comes with its own
(the test PKI's, in ``naskah demo``) timestamps; otherwise signatures carry none.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from naskah.errors import NaskahError
from naskah.trail import pengaturan
from naskah.trail.folder import LEDGER, TRUST_FILE

if TYPE_CHECKING:
    from naskah.tte.signer import Signer
    from naskah.tte.trust import TrustStore


def bind(signer: Signer, tsa: str | None, trust: TrustStore | None) -> Signer:
    """``signer`` timestamped by ``tsa`` (checked reachable now; else the signer's own
    timestamper) and embedding validation data for the roots of ``trust``."""
    from naskah.tte.tsa import probe, timestamper_for

    timestamper = timestamper_for(tsa)
    if timestamper is not None:
        probe(timestamper, f"the trail's timestamp authority {tsa}")
    elif signer.timestamper is not None:
        probe(signer.timestamper, "the signer's timestamp authority")
    validation = None
    if trust is not None and signer.validation is None:
        # At signing, the OCSP responder a certificate names is asked, so its answer
        # goes into the signed original's DSS (PAdES B-LT).
        validation = trust.with_revocation(ocsp=True)
    return signer.bound(timestamper=timestamper, validation=validation)


def for_step(root: Path, signer: Signer | None) -> Signer | None:
    """The signer of a step in the trail at ``root``, bound to its TSA and roots. A
    berkas whose settings or trust roots cannot be read is left to the step to refuse."""
    if signer is None:
        return None
    from naskah.trail.ledger import Ledger
    from naskah.trail.signatures import load_trust

    try:
        header = Ledger.read(root / LEDGER).header
        settings = pengaturan.read(root, header.pengaturan_sha256)
        trust = load_trust((root / TRUST_FILE).read_bytes())
    except (NaskahError, ValueError, OSError):
        return signer
    return bind(signer, settings.tsa, trust)


__all__ = ["bind", "for_step"]
