"""``naskah trail init|status|verify|report``: starting and checking an SOP trail
(``do`` in :mod:`naskah.cli.trail_langkah`, the signing options in
:mod:`naskah.cli.kunci`, database trails in :mod:`naskah.cli.trail_db`)."""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING, Any

from naskah.cli import trail_db, trail_langkah
from naskah.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    pairs,
    parse_datetime,
    print_json,
    read_input,
)
from naskah.cli.galat import json_mode, lapor_teks
from naskah.cli.galat import peringatan as _peringatan
from naskah.cli.kunci import add_revocation_options, add_signer_options, signer_from_args
from naskah.errors import InputError
from naskah.inputs import parse_json

if TYPE_CHECKING:
    from naskah.sop import Sop
    from naskah.trail import Trail, Verifikasi


def cmd_trail_init(args: argparse.Namespace) -> int:
    from naskah.sop import Sop
    from naskah.trail import Trail

    sop = Sop.load(args.sop) if args.sop else Sop.tata_kelola_data()
    text, label = read_input(args.pelaksana)
    roster = parse_json(text, label)
    if not isinstance(roster, dict):
        raise InputError(f"{label}: a daftar pelaksana is a JSON object")
    dibuat = parse_datetime(args.mulai, "--mulai") if args.mulai else None
    # Like every register command: --db, else $NASKAH_DB; neither means no register.
    db = args.db or os.environ.get("NASKAH_DB") or None
    options = {"sop": sop, "dibuat": dibuat, "trust": args.trust or [], "oleh": args.oleh,
               "signer": signer_from_args(args), "register": db, "profil": args.profil,
               "tsa": args.tsa, "sertifikat": pairs(args.sertifikat, "--sertifikat"),
               "url_publik": args.url_publik}
    ident = trail_db.trail_id(args)
    if ident is not None:  # a trail in the database, numbered by the same database
        with trail_db.open_store(args) as store:
            store.init(ident, roster, **options)
        with trail_db.reading(args) as trail:
            return _started(sop, trail, f"basis data (jejak {ident})")
    trail = Trail.init(args.dir, roster, **options)
    return _started(sop, trail, str(trail.folder))


def _started(sop: Sop, trail: Trail, where: str) -> int:
    print(f"jejak '{sop.judul}' ({len(sop.langkah)} langkah) dimulai di {where}; "
          f"kepala ledger ditandatangani oleh "
          f"{trail.header.oleh.nama if trail.header.oleh else '-'}")
    settings = trail.pengaturan
    if settings.db:
        print(f"  nomor dari register {settings.db}")
    if settings.profil:
        print(f"  dirender dengan profil {settings.profil.nama} (disalin ke dalam berkas)")
    if settings.tsa:
        print(f"  setiap tanda tangan diberi cap waktu oleh {settings.tsa}")
    if settings.url_publik:
        print(f"  kode QR asli bertanda tangan membuka {settings.url_publik}/v/...")
    return EXIT_OK


def cmd_trail_status(args: argparse.Namespace) -> int:
    from naskah.trail.ringkasan import status

    with trail_db.reading(args) as trail:
        return _print_status(args, trail, status(trail))


def _print_status(args: argparse.Namespace, trail: Trail, info: dict[str, Any]) -> int:
    from naskah.trail.ringkasan import durasi_teks

    if args.json:
        print_json(info)
        return EXIT_OK
    per_hari = trail.sop.jam_kerja.menit_per_hari
    print(f"{info['sop']['judul']} — {len(info['entries'])} dari {info['sop']['langkah']} "
          "langkah")
    for e in info["entries"]:
        mark = "*" if e["waktu_dilaporkan"] else " "
        print(f"  {e['step']:>2}. {e['peran']:24} {e['pelaksana']:32} {e['selesai'][:16]}{mark} "
              f"{durasi_teks(e['durasi_menit'], per_hari)}")
    if any(e["waktu_dilaporkan"] for e in info["entries"]):
        print("  * waktu dilaporkan oleh pelaksana (ledger menyimpan kapan dicatat)")
    nxt = info["next"]
    if nxt:
        print(f"berikutnya: langkah {nxt['step']} oleh {' atau '.join(nxt['pelaksana'])}: "
              f"{nxt['kegiatan']}")
    else:
        print(f"selesai; hash akhir {info['hash_akhir']}")
    return EXIT_OK


def _quiet_pyhanko() -> None:
    from naskah.cli.tte import _quiet_pyhanko as quiet

    quiet()


def cmd_trail_verify(args: argparse.Namespace) -> int:
    from naskah.tte.trust import Revocation, TrustStore

    trust = TrustStore.from_files(args.trust) if args.trust else None
    revocation = Revocation.from_files(args.crl or [], ocsp=not args.offline,
                                       fetch=args.fetch_revocation)
    _quiet_pyhanko()
    from naskah.cli.kemajuan import bar_tahap

    bar = bar_tahap()
    try:
        with trail_db.reading(args) as trail:
            result = trail.verify(trust, berkas_pdf=args.berkas_pdf, revocation=revocation,
                                  kemajuan=bar)
    finally:
        if bar is not None:
            bar.close()
    try:
        return _report(args, result)
    finally:  # after the verdict, what it could not rule out
        print_warnings(result.peringatan)


def _report(args: argparse.Namespace, result: Verifikasi) -> int:
    if args.json:
        print_json(result.as_dict())
        return EXIT_OK if result.utuh else EXIT_FAILED
    if result.status == "intact":
        print(f"intact: {result.langkah} steps, final hash {result.hash_akhir}")
        for j in result.jangkar:
            if j.langkah == result.langkah:
                print(f"  anchored: {j.tempat} records all {j.langkah} steps")
        return EXIT_OK
    if result.status == "unanchored":
        # Every check passed, but nothing outside the berkas vouches for its length.
        print(f"unanchored: {result.langkah} steps verified, final hash {result.hash_akhir}; "
              "truncation cannot be ruled out")
        return EXIT_OK
    verdict = ("CANNOT BE VALIDATED AFTER EXPIRY" if result.hanya_kedaluwarsa  # none changed
               else "TAMPERED")
    if json_mode():
        lapor_teks("rusak", f"{verdict}: {result.pertama}",
                   [(None, str(problem)) for problem in result.masalah])
        return EXIT_FAILED
    print(f"{verdict}: {result.pertama}", file=sys.stderr)
    for problem in result.masalah[1:]:
        print(f"  also: {problem}", file=sys.stderr)
    return EXIT_FAILED


def print_warnings(peringatan: list[str]) -> None:
    """What a verification could not rule out, one ``warning:`` line each, on stderr."""
    for text in peringatan:
        _peringatan(text, "warning: ")


def cmd_trail_report(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from naskah.trail.ringkasan import laporan_waktu, laporan_waktu_teks

    with trail_db.reading(args) as trail:
        if args.json:
            rows = [asdict(r) for r in laporan_waktu(trail)]
            print_json({"langkah": rows,
                        "melebihi": [r["step"] for r in rows if r["melebihi"]]})
        else:
            print(laporan_waktu_teks(trail))
    return EXIT_OK


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``naskah trail`` and its actions to the ``naskah`` parser."""
    trail = sub.add_parser("trail", help="run and check an SOP trail in a berkas folder")
    tsub = trail.add_subparsers(dest="trail_command", required=True, metavar="ACTION")
    p = tsub.add_parser("init", help="start a trail in DIR (or in a database: --trail-id)")
    trail_db.add_target_options(p, db=False)
    p.add_argument("--pelaksana", required=True, metavar="FILE.json",
                   help="who holds which role: {\"peran\": {\"karo-po\": [pejabat, ...]}}")
    p.add_argument("--sop", metavar="FILE.json", help="another SOP (default: Tata Kelola Data)")
    p.add_argument("--mulai", metavar="ISO", help="when the trail started (default: now)")
    p.add_argument("--sertifikat", action="append", metavar="NIP=CERT.pem",
                   help="an official's signing certificate (else from pelaksana.json)")
    p.add_argument("--trust", action="append", metavar="CA.pem",
                   help="root CA certificate(s) the officials' certificates chain to")
    p.add_argument("--oleh", metavar="NIP|NAMA",
                   help="who starts the trail (signs the ledger header)")
    add_signer_options(p)
    p.add_argument("--db", metavar="URL",
                   help="the register that numbers documents at signing (default: $NASKAH_DB; "
                        "none: documents keep the nomor their data carries)")
    p.add_argument("--profil", metavar="NAME|FILE",
                   help="format profile of every document (copied into the berkas)")
    p.add_argument("--tsa", metavar="URL",
                   help="RFC 3161 timestamp authority of every signature of the trail "
                        "(a step is refused while it cannot be reached)")
    p.add_argument("--url-publik", metavar="URL",
                   help="the address of the `naskah serve` sharing the register (--db): "
                        "each signed original's QR opens URL/v/TOKEN there (kept in the "
                        "trail's settings; `trail do --url-publik` wins)")
    p.set_defaults(handler=cmd_trail_init)

    trail_langkah.add_command(tsub)

    p = tsub.add_parser("status", help="list the performed steps and the next one")
    trail_db.add_target_options(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_trail_status)

    p = tsub.add_parser(
        "verify", help="check every hash, rule and signature; exit 1 naming the tampered step",
        description="Check every hash, file, SOP rule, approval record and signature of the "
                    "trail in DIR, and compare its head with its anchors (its register, a "
                    "berkas PDF). Prints 'intact' when every check passed and an anchor "
                    "records all its steps; 'unanchored' (exit 0, with a warning) when every "
                    "check passed but nothing outside the berkas records its length, so "
                    "truncation cannot be ruled out; TAMPERED (exit 1) otherwise.")
    trail_db.add_target_options(p)
    p.add_argument("--json", action="store_true",
                   help="status, anchors, warnings and every problem with its kind (jenis), "
                        "step and file")
    p.add_argument("--trust", action="append", metavar="CA.pem",
                   help="check the signatures against these roots. Default: the berkas's own "
                        "trust.pem, which whoever made the berkas chose (a self-made PKI named "
                        "like the real one passes; a warning says so): give the roots you "
                        "trust")
    p.add_argument("--berkas-pdf", metavar="FILE.pdf",
                   help="a berkas PDF of this trail kept elsewhere: the head it was built from "
                        "is compared with the ledger (entries dropped since are reported)")
    add_revocation_options(p)
    p.set_defaults(handler=cmd_trail_verify)

    p = tsub.add_parser("report", help="actual time against each step's time standard")
    trail_db.add_target_options(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_trail_report)
    trail_db.add_commands(tsub)


__all__ = ["add_commands", "add_revocation_options", "add_signer_options", "cmd_trail_init",
           "cmd_trail_report", "cmd_trail_status", "cmd_trail_verify", "print_warnings",
           "signer_from_args"]
