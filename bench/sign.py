"""Benchmark: signing cost per document (ms) per signer kind, next to render and PDF export.

Prints one JSON object. Measures, on the example nota dinas:

- ``render_ms``: model -> DOCX (naskah.docx.renderer);
- ``pdf_export_ms``: DOCX -> PDF through LibreOffice (null without LibreOffice);
- ``sign_ms.<kind>``: PAdES B-B with the visible QR stamp, per signer kind:
  ``pkcs12`` (key in a .p12 file), ``pkcs11`` (SoftHSM2 token; null without SoftHSM2),
  ``bsre_standin`` (the test stand-in of the BSrE API on 127.0.0.1: HTTP round trip +
  server-side pyHanko signing; the real service adds network latency);
- ``cms_ms.<kind>``: a detached CMS signature over a ledger-entry-sized payload;
- ``verify_ms``: naskah.tte.verify_pdf with the trust store.

Medians over ``--rounds``. Without LibreOffice the signed PDF is a small pypdf-made one.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/ helpers & stand-in

import naskah
from naskah.tte import (
    BsreClient,
    BsreConfig,
    BsreSigner,
    Passphrase,
    PdfSignOptions,
    Pkcs11Signer,
    Pkcs12Signer,
    TrustStore,
    verify_pdf,
)
from naskah.tte.pki import buat_root_ca
from tests.helpers import load_example
from tests.tte_helpers import (
    KARO,
    PASSPHRASE,
    SOFTHSM_LABEL,
    SOFTHSM_PIN,
    SOFTHSM_TOKEN,
    make_pki,
    make_softhsm_token,
    softhsm_module,
    surat_pdf,
)


def median_ms(fn: Callable[[], object], rounds: int) -> float:
    fn()  # warm-up (imports, first key load, first connection)
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(times), 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args(argv)
    rounds = args.rounds
    result: dict[str, object] = {"rounds": rounds}
    model = load_example("nota-dinas")
    docx = naskah.render(model)
    result["render_ms"] = median_ms(lambda: naskah.render(model), rounds)
    pdf = surat_pdf()
    try:
        from naskah.pdf import docx_to_pdf_bytes, find_soffice

        find_soffice()
        start = time.perf_counter()
        pdf = docx_to_pdf_bytes(docx)
        result["pdf_export_ms"] = round((time.perf_counter() - start) * 1000, 1)
        result["pdf"] = "nota-dinas exported by LibreOffice"
    except naskah.NaskahError:
        result["pdf_export_ms"] = None
        result["pdf"] = "small pypdf test PDF (no LibreOffice)"
    result["pdf_bytes"] = len(pdf)

    options = PdfSignOptions(doc_id="ND-2026-001")
    entry = json.dumps({"step": 7, "hash": "0" * 64, "oleh": KARO.nip}).encode()
    sign_ms: dict[str, float | None] = {}
    cms_ms: dict[str, float | None] = {}
    with tempfile.TemporaryDirectory(prefix="naskah-bench-sign-") as tmp:
        root = Path(tmp)
        pki = make_pki(root / "pki", [KARO])
        trust = TrustStore.from_files([pki.ca_pem])
        assert KARO.nip
        p12 = Pkcs12Signer(pki.p12[KARO.nip], Passphrase.literal(PASSPHRASE))
        sign_ms["pkcs12"] = median_ms(lambda: p12.sign_pdf(pdf, options), rounds)
        cms_ms["pkcs12"] = median_ms(lambda: p12.sign_bytes(entry), rounds)
        signed = p12.sign_pdf(pdf, options)
        result["verify_ms"] = median_ms(lambda: verify_pdf(signed, trust), rounds)

        module = softhsm_module()
        if module is not None:
            ca = buat_root_ca()
            os.environ["SOFTHSM2_CONF"] = str(make_softhsm_token(root / "hsm", module, ca, KARO))
            hsm = Pkcs11Signer(module, SOFTHSM_TOKEN, SOFTHSM_LABEL,
                               Passphrase.literal(SOFTHSM_PIN))
            sign_ms["pkcs11"] = median_ms(lambda: hsm.sign_pdf(pdf, options), rounds)
            cms_ms["pkcs11"] = median_ms(lambda: hsm.sign_bytes(entry), rounds)
        else:
            sign_ms["pkcs11"] = cms_ms["pkcs11"] = None

        from pyhanko.sign import signers

        from tests.bsre_standin import BsreStandin, StandinUser

        key = signers.SimpleSigner.load_pkcs12_data(
            pki.p12[KARO.nip].read_bytes(), other_certs=[], passphrase=PASSPHRASE.encode())
        users = {"3171011505700001": StandinUser("pp", key, KARO)}
        with BsreStandin(users=users, trust=trust) as server:
            config = BsreConfig(base_url=server.url, username=server.username,
                                password=Passphrase.literal(server.password))
            with BsreClient(config) as client:
                bsre = BsreSigner(client, "3171011505700001", KARO,
                                  passphrase=Passphrase.literal("pp"))
                sign_ms["bsre_standin"] = median_ms(lambda: bsre.sign_pdf(pdf, options), rounds)
        cms_ms["bsre_standin"] = None  # BSrE's API signs PDFs only
    result["sign_ms"] = sign_ms
    result["cms_ms"] = cms_ms
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
