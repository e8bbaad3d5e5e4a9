"""``naskah verify`` (check the TTE signatures of a PDF) and ``naskah pki init``
(a test PKI: root CA + a certificate per pejabat). Everything signing-related is
imported inside the handlers, so ``naskah --help`` does not load pyHanko."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from naskah.cli.common import EXIT_FAILED, EXIT_OK, add_output_option, output_of, print_json
from naskah.cli.galat import peringatan
from naskah.errors import InputError

if TYPE_CHECKING:
    from naskah.trail.status import HasilVerifikasi
    from naskah.tte.verify import SignatureReport

PKI_PASSPHRASE_ENV = "NASKAH_PKI_PASSPHRASE"


def _quiet_pyhanko() -> None:
    # pyHanko logs every failed path build with a traceback; the CLI reports the
    # outcome itself, so those records go nowhere (a NullHandler stops Python's
    # last-resort stderr handler).
    import logging

    for name in ("pyhanko", "pyhanko_certvalidator"):
        logging.getLogger(name).addHandler(logging.NullHandler())
        logging.getLogger(name).propagate = False


def cmd_verify(args: argparse.Namespace) -> int:
    from naskah.inputs import read_bytes
    from naskah.trail.status import verify_document
    from naskah.tte.trust import Revocation, TrustStore

    path = Path(args.file)
    suffix = path.suffix.lower()
    if suffix not in (".pdf", ".docx") or (suffix == ".docx" and not args.trail):
        raise InputError(f"{path}: verify takes a signed PDF (.pdf), or a .pdf/.docx with "
                         "--trail DIR")
    data = read_bytes(path, "file")
    revocation = Revocation.from_files(args.crl or [], ocsp=not args.offline,
                                       fetch=args.fetch_revocation)
    trust = revocation.apply(TrustStore.from_files(args.trust)) if args.trust else None
    if args.berkas_pdf and not args.trail:
        raise InputError("--berkas-pdf anchors a trail: give --trail DIR too")
    _quiet_pyhanko()
    result = verify_document(data, pdf=suffix == ".pdf", trail=args.trail, trust=trust,
                             berkas_pdf=args.berkas_pdf, revocation=revocation)
    standing = result.trail.as_dict() if result.trail else None
    try:
        return _report(args, path, result, standing)
    finally:  # after the verdict, what it could not rule out
        for text in result.peringatan:
            peringatan(text, "warning: ")


def _report(args: argparse.Namespace, path: Path, result: HasilVerifikasi,
            standing: dict[str, Any] | None) -> int:
    if args.json:
        print_json({"file": str(path), "ok": result.ok, "trust_berkas": result.trust_berkas,
                    "peringatan": result.peringatan,
                    "signatures": [s.as_dict() for s in result.signatures],
                    **({"trail": standing} if standing else {})})
    elif not result.pdf:
        _print_standing(path, standing)
    else:
        print(f"{path}: {len(result.signatures)} signature(s)")
        for s in result.signatures:
            print(f"  {s.field_name}: {s.verdict}")
            if s.identitas:
                who = s.identitas
                print(f"    penandatangan: {who.nama}"
                      + (f", NIP {who.nip}" if who.nip else "")
                      + (f", {who.jabatan}" if who.jabatan else ""))
                if who.instansi:
                    print(f"    instansi:      {who.instansi}")
            if s.signing_time:
                print(f"    waktu:         {s.signing_time.isoformat()}"
                      + (" (timestamp)" if s.timestamped else " (claimed by the signer)"))
            print(f"    bytes intact:  {_yes(s.intact)}; trusted: {_yes(s.trusted)}; "
                  f"nothing added after: {_after(s)}"
                  + (f"; certified (DocMDP P={s.certification})" if s.certification else ""))
            for problem in s.problems:
                print(f"    problem:       {problem}")
        if not result.signatures:
            print("  no signatures: this PDF is not signed")
        _print_standing(path, standing)
    return EXIT_OK if result.ok else EXIT_FAILED


def _print_standing(path: Path, info: dict[str, object] | None) -> None:
    if info is None:
        return
    status = info["status"]
    where = f" (step {info['step']}, {info['file']})" if info["file"] else ""
    print(f"  in trail {info['dir']}: {status}{where}")
    if status == "VOID":
        print(f"    replaced by {info['replaced_by']}")
    if not info["trail_intact"]:
        print(f"    the trail fails verification: {info['trail_problem']}")
    elif not info["trail_anchored"]:
        print("    the trail is not anchored: truncation cannot be ruled out (a later "
              "version of this document could have been dropped)")


def _yes(flag: bool) -> str:
    return "yes" if flag else "NO"


def _after(s: SignatureReport) -> str:
    if s.whole_file:
        return "yes"
    changed = any(p.startswith("the PDF was changed") or "appended" in p for p in s.problems)
    return "NO" if changed else "yes (validation data or timestamps only)"


def cmd_pki_init(args: argparse.Namespace) -> int:
    from importlib import resources

    from naskah.inputs import read_text
    from naskah.trail.pelaksana import DaftarPelaksana
    from naskah.tte.identity import Identitas
    from naskah.tte.pki import PERINGATAN, ROOT_NAMA, init_test_pki

    secret = os.environ.get(args.passphrase_env)
    if not secret:
        raise InputError(f"passphrase: set environment variable {args.passphrase_env} "
                         "(the PKCS#12 passphrase; never given on the command line)")
    if args.pelaksana:
        text = read_text(args.pelaksana, "pelaksana")
        label = args.pelaksana
    else:
        source = resources.files("naskah.contoh").joinpath("trail", "pelaksana.json")
        text, label = source.read_text(encoding="utf-8"), "example pelaksana.json"
    try:
        roster = DaftarPelaksana.model_validate_json(text)
    except ValueError as exc:
        raise InputError(f"{label}: not a valid daftar pelaksana ({exc})") from None
    people: dict[str, Identitas] = {}
    for pejabat in (p for group in roster.peran.values() for p in group):
        key = pejabat.nip or pejabat.nama
        people.setdefault(key, Identitas(pejabat.nama, pejabat.nip, pejabat.jabatan))
    pki = init_test_pki(output_of(args), list(people.values()), secret.encode("utf-8"),
                        ocsp_url=args.ocsp)
    print(PERINGATAN, end="")
    print(f"root CA: {pki.ca_pem}  ({ROOT_NAMA})")
    for stem, p12 in pki.p12.items():
        print(f"  {p12}  (certificate {pki.cert_pem[stem].name})")
    print(f"timestamp authority (RFC 3161, test): {pki.tsa_pem} + tsa.p12; CRL: {pki.crl}")
    print(f"passphrase of every .p12: the value of {args.passphrase_env}")
    print(f"verify with: naskah verify FILE.pdf --trust {pki.ca_pem}")
    sys.stdout.flush()
    return EXIT_OK


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``naskah verify`` and ``naskah pki`` to the ``naskah`` parser."""
    from naskah.cli.kunci import add_revocation_options

    p = sub.add_parser("verify", help="check the electronic signatures (TTE) of a signed PDF")
    p.add_argument("file", metavar="FILE.pdf|FILE.docx")
    p.add_argument("--trust", action="append", metavar="CA.pem",
                   help="trusted root CA certificate(s), PEM or DER; repeatable. Without it a "
                        "PDF alone trusts nothing, and with --trail the berkas's own trust.pem "
                        "is used, which whoever made the berkas chose (a self-made PKI named "
                        "like the real one passes; a warning says so): give the roots you "
                        "trust")
    add_revocation_options(p)
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--trail", metavar="DIR",
                   help="also report the file's standing in this trail: VALID (current), "
                        "VOID (replaced by a later version) or NOT IN TRAIL")
    p.add_argument("--berkas-pdf", metavar="FILE.pdf",
                   help="with --trail: a berkas PDF of the trail kept elsewhere, compared as "
                        "an anchor of its head")
    p.set_defaults(handler=cmd_verify)

    pki = sub.add_parser("pki", help="test certificates (NOT for production)")
    pki_sub = pki.add_subparsers(dest="pki_command", required=True, metavar="COMMAND")
    p = pki_sub.add_parser("init", help="create a test root CA and a .p12 per pejabat in -o DIR")
    add_output_option(p, "DIR", "the folder the CA, the keys and certificates go to")
    p.add_argument("--pelaksana", metavar="pelaksana.json",
                   help="roster to issue certificates for (default: the example roster)")
    p.add_argument("--passphrase-env", default=PKI_PASSPHRASE_ENV, metavar="VAR",
                   help=f"environment variable holding the passphrase ({PKI_PASSPHRASE_ENV})")
    p.add_argument("--ocsp", metavar="URL",
                   help="OCSP responder the certificates name (e.g. http://127.0.0.1:PORT)")
    p.set_defaults(handler=cmd_pki_init)
