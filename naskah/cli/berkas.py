"""``naskah berkas`` and ``naskah demo``: the dossier PDF and the example trail."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from naskah.cli.common import EXIT_FAILED, EXIT_OK, add_output_option, decimal, output_of
from naskah.cli.galat import peringatan


def cmd_berkas(args: argparse.Namespace) -> int:
    from naskah.cli.kemajuan import bar_tahap
    from naskah.cli.kunci import signer_from_args
    from naskah.trail.berkas.build import build_berkas

    bar = bar_tahap()
    try:
        result = build_berkas(args.dir, args.output, timeout=args.timeout,
                              seal=signer_from_args(args), kemajuan=bar)
    finally:
        if bar is not None:
            bar.close()
    print(f"{result.path}: {result.halaman} halaman, {len(result.bookmark)} penanda langkah, "
          f"hash ledger {result.hash_akhir}; {len(result.asli)} dokumen asli bertanda tangan "
          "disematkan" + ("; disegel" if result.disegel else "")
          + ("; PDF/A-3b" if result.pdfa else ""))
    for note in result.catatan:
        peringatan(note)
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from naskah import demo

    out = Path(output_of(args))
    print(f"Running SOP 'Pelaksanaan Tata Kelola Data' (14 steps) into {out}")
    _, default = demo.passphrase_env()
    print(f"signing with TEST certificates (root \"naskah UJI — bukan untuk produksi\") made "
          f"in {out / 'pki-uji'}: they prove nothing outside this demo")
    if default:
        print(f"  {demo.PASSPHRASE_ENV} is not set: the keys use the published demo passphrase "
              f"{demo.DEMO_PASSPHRASE!r}")
    trail, result = demo.run(out, progress=print)
    if not result.utuh:
        print(f"verification FAILED: {result.pertama}", file=sys.stderr)
        return EXIT_FAILED
    print(f"verified: {result.langkah} steps intact, final hash {result.hash_akhir}; "
          f"anchored in the register {out / 'register.db'}" if result.anchored else
          f"verified: {result.langkah} steps, final hash {result.hash_akhir} (not anchored: "
          "truncation cannot be ruled out)")
    print(f"numbers from the register {out / 'register.db'}; buku agenda: {out / 'agenda.xlsx'}")
    over = [e.step for e in trail.entries() if e.melebihi]
    print(f"over the time standard: steps {', '.join(map(str, over))}" if over
          else "every step within its time standard")
    if args.no_pdf:
        print(f"open the documents in {out / 'dokumen'}; ledger: {out / 'ledger.json'}")
        return EXIT_OK
    from naskah.trail.berkas.build import build_berkas

    last = trail.entries()[-1].pelaksana
    berkas = build_berkas(out, out / "berkas.pdf", pdf_dir=out / "pdf",
                          seal=demo.signer(out, str(last.nip)))
    print(f"berkas PDF: {berkas.path} ({berkas.halaman} pages, {len(berkas.bookmark)} steps "
          f"bookmarked; {len(berkas.asli)} signed originals embedded; sealed by {last.nama})")
    ca = out / "pki-uji" / "ca.pem"
    print(f"check a signed original: naskah verify {out / 'dokumen' / berkas.asli[-1]} "
          f"--trail {out} --trust {ca}" if berkas.asli else "")
    print(f"check the whole trail: naskah trail verify {out} --trust {ca}")
    print(f"open: {out / 'berkas.pdf'}, the documents in {out / 'dokumen'} (DOCX) and "
          f"{out / 'pdf'} (PDF); ledger: {out / 'ledger.json'}")
    return EXIT_OK


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``naskah berkas`` and ``naskah demo`` to the ``naskah`` parser."""
    p = sub.add_parser("berkas", help="build one PDF dossier of a trail, bookmarked by step")
    p.add_argument("dir", metavar="DIR")
    p.add_argument("-o", "--output", required=True, metavar="BERKAS.pdf")
    p.add_argument("--timeout", type=decimal(1, 86400), default=300.0,
                   help="seconds for LibreOffice")
    from naskah.cli.kunci import add_signer_options

    add_signer_options(p)  # the seal: sign the finished berkas with this key
    p.set_defaults(handler=cmd_berkas)

    p = sub.add_parser("demo", help="run the full 14-step Tata Kelola Data trail on example data")
    add_output_option(p, "OUT_DIR", "the folder the demo berkas is written to")
    p.add_argument("--no-pdf", action="store_true", help="skip the PDFs (no LibreOffice needed)")
    p.set_defaults(handler=cmd_demo)
