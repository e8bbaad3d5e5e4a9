"""``naskah trail init|do|status|verify|report``: running and checking an SOP trail."""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

from naskah.cli import trail_db
from naskah.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    decimal,
    pairs,
    parse_datetime,
    print_json,
    read_input,
    whole,
)
from naskah.cli.galat import json_mode, lapor_teks
from naskah.cli.galat import peringatan as _peringatan
from naskah.errors import InputError
from naskah.inputs import parse_json

if TYPE_CHECKING:
    from naskah.sop import Sop
    from naskah.trail import Trail, Verifikasi
    from naskah.trail.data_langkah import DataLangkah
    from naskah.trail.ledger import Entry
    from naskah.tte.signer import Signer


def signer_from_args(args: argparse.Namespace) -> Signer | None:
    """The signer the options name: a PKCS#12 file or a PKCS#11 token key. The
    passphrase / PIN comes from an environment variable or a prompt, never argv."""
    from naskah.tte.passphrase import Passphrase

    secret = (Passphrase.from_env(args.passphrase_env) if args.passphrase_env
              else Passphrase.prompt("Passphrase / PIN: "))
    if args.p12 and args.pkcs11:
        raise InputError("give one signer: --p12 or --pkcs11, not both")
    if args.p12:
        from naskah.tte.pkcs12 import Pkcs12Signer

        return Pkcs12Signer(args.p12, secret)
    if args.pkcs11:
        from naskah.tte.pkcs11 import Pkcs11Signer

        module, token, key = (args.pkcs11 + "::").split(":")[:3]
        if not (module and token and key):
            raise InputError("--pkcs11 takes MODULE.so:TOKEN_LABEL:KEY_LABEL")
        return Pkcs11Signer(module, token, key, secret)
    return None


def add_signer_options(p: argparse.ArgumentParser) -> None:
    """--p12 / --pkcs11 / --passphrase-env on a parser."""
    p.add_argument("--p12", metavar="FILE.p12", help="sign with this PKCS#12 file")
    p.add_argument("--pkcs11", metavar="MODULE:TOKEN:KEY",
                   help="sign with a key on a PKCS#11 token (smart card / HSM)")
    p.add_argument("--passphrase-env", metavar="VAR",
                   help="environment variable holding the passphrase / PIN (else: prompt)")


def add_revocation_options(p: argparse.ArgumentParser) -> None:
    """--crl / --offline / --fetch-revocation on a verifying parser."""
    p.add_argument("--crl", action="append", metavar="FILE.crl",
                   help="certificate revocation list(s) to check against; repeatable")
    p.add_argument("--offline", action="store_true",
                   help="ask no OCSP responder (default: the one a certificate names)")
    p.add_argument("--fetch-revocation", action="store_true",
                   help="also download the CRLs the certificates name")


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


def cmd_trail_do(args: argparse.Namespace) -> int:
    from naskah.trail.data_langkah import DataLangkah
    from naskah.tte.qr import QrWarning

    if args.data:
        data = DataLangkah.load(args.data, allow_outside=args.allow_outside)
    else:
        if not args.oleh:
            raise InputError("sebutkan siapa yang melaksanakan langkah: --oleh NIP, atau "
                             "berkas --data", [("oleh", "required")])
        data = DataLangkah(oleh=args.oleh).resolved(Path.cwd())
    update: dict[str, object] = {}
    if args.oleh:
        update["oleh"] = args.oleh
    for name in ("mulai", "selesai"):
        if getattr(args, name):
            update[name] = parse_datetime(getattr(args, name), f"--{name}")
    if args.catatan:
        update["catatan"] = args.catatan
    dokumen = {
        k: parse_json(read_input(v)[0], v) for k, v in pairs(args.dokumen, "--dokumen").items()
    }
    update["dokumen"] = {**data.dokumen, **dokumen}
    update["lampiran"] = {**data.lampiran, **pairs(args.lampiran, "--lampiran")}
    update["tindakan"] = {**data.tindakan, **pairs(args.tindakan, "--tindakan")}
    data = data.model_copy(update=update)
    if args.max_lampiran_mb <= 0:
        raise InputError("--max-lampiran-mb harus bilangan positif (megabita)")
    max_lampiran = int(args.max_lampiran_mb * 1024 * 1024)
    signer = signer_from_args(args)
    ident = trail_db.trail_id(args)
    with warnings.catch_warnings(record=True) as caught:
        # One line per kind of warning, not one per signed original.
        warnings.simplefilter("always", QrWarning)
        if ident is not None:
            entry = _do_in_database(args, ident, data, signer, max_lampiran)
            where = f"trail {ident}: "
        else:
            entry = _do_in_folder(args, data, signer, max_lampiran)
            where = ""
    for text in dict.fromkeys(str(w.message) for w in caught):
        _peringatan(text)
    files = [r.file for r in entry.keluaran if r.file]
    print(f"langkah {entry.step} dilaksanakan oleh {entry.pelaksana.nama} ({entry.peran}); "
          f"{entry.durasi_menit:g} dari {entry.standar_menit} menit kerja")
    for f in files:
        print(f"  {where}{Path(args.dir or '') / f}")
    return EXIT_OK


def _url_publik(args: argparse.Namespace) -> tuple[str | None, str | None]:
    """``--url-publik`` and ``$NASKAH_URL_PUBLIK`` (the trail's setting comes after)."""
    return args.url_publik or None, os.environ.get("NASKAH_URL_PUBLIK") or None


def _do_in_folder(args: argparse.Namespace, data: DataLangkah, signer: Signer | None,
                  max_lampiran: int) -> Entry:
    from naskah.serve.halaman.berkode import SignerBerkode, pilih_qr
    from naskah.trail import Trail

    trail = Trail.open(args.dir, max_lampiran=max_lampiran)
    register = trail.pengaturan.db_url(trail.folder)
    # The register's database is what `naskah serve` shares: its signed originals get a
    # QR code of their own that the service's public verification page answers.
    signer = pilih_qr(signer, register, *_url_publik(args), trail.pengaturan.url_publik)
    entry = trail.perform(args.step, **data.perform_kwargs(), signer=signer)
    if entry.asli and register and isinstance(signer, SignerBerkode):
        _catat_verifikasi(register, trail, entry, signer.base, signer.token)
    return entry


def _do_in_database(args: argparse.Namespace, ident: str, data: DataLangkah,
                    signer: Signer | None, max_lampiran: int) -> Entry:
    from naskah.serve.halaman.berkode import SignerBerkode, pilih_qr

    register = args.db or os.environ.get("NASKAH_DB")
    with trail_db.open_store(args) as store:
        setting = None
        if signer is not None and not any(_url_publik(args)):
            with store.baca(ident) as trail:
                setting = trail.pengaturan.url_publik
        signer = pilih_qr(signer, register, *_url_publik(args), setting)
        entry = store.perform(ident, args.step, **data.perform_kwargs(),
                              signer=signer, max_lampiran=max_lampiran)
        if entry.asli and register and isinstance(signer, SignerBerkode):
            with store.baca(ident) as trail:
                _catat_verifikasi(register, trail, entry, signer.base, signer.token)
    return entry


def _catat_verifikasi(register: str, trail: object, entry: object, base: str,
                      token: dict[str, str]) -> None:
    """Record the step's signed originals for the public verification page."""
    from naskah.register.db import create, open_engine, upgrade
    from naskah.serve.halaman import catatan

    engine = create(register)
    try:
        upgrade(engine)  # the page's table comes with the service's migrations
    finally:
        engine.dispose()
    engine = open_engine(register)
    try:
        catatan.catat_langkah(engine, trail, entry, token)
    finally:
        engine.dispose()
    for doc_id, value in token.items():
        print(f"  verification: {base}/v/{value} ({doc_id})")


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

    p = tsub.add_parser("do", help="perform step STEP")
    trail_db.add_target_options(p)
    p.add_argument("step", type=whole(1, 9999), metavar="STEP")
    p.add_argument("--data", metavar="FILE.json",
                   help="the step's data (see naskah.trail.data_langkah)")
    p.add_argument("--oleh", metavar="NIP|NAMA", help="who performs it")
    p.add_argument("--mulai", metavar="ISO", help="start time (default: previous step's end)")
    p.add_argument("--selesai", metavar="ISO", help="end time (default: now)")
    p.add_argument("--dokumen", action="append", metavar="KODE=FILE.json",
                   help="the data of the step's naskah output KODE (a document JSON); "
                        "repeatable; wins over the --data file's")
    p.add_argument("--lampiran", action="append", metavar="KODE=FILE",
                   help="the file of the step's attachment output KODE; repeatable")
    p.add_argument("--tindakan", action="append", metavar="KODE=TEKS",
                   help="a written account of the step's action KODE; repeatable")
    p.add_argument("--catatan", metavar="TEKS", help="a free note recorded in the ledger")
    p.add_argument("--allow-outside", action="store_true",
                   help="let paths in the --data file lead outside the data file's folder")
    p.add_argument("--max-lampiran-mb", type=decimal(0.001, 1024), default=50.0, metavar="MB",
                   help="largest attachment accepted (default 50, at most 1024)")
    p.add_argument("--url-publik", metavar="URL",
                   help="with a register database: the address of the `naskah serve` sharing "
                        "it; each signed original's QR opens URL/v/TOKEN there (default: "
                        "$NASKAH_URL_PUBLIK, else the trail's own; without any: the "
                        "profile's url_verifikasi, else the document id as text)")
    add_signer_options(p)
    p.set_defaults(handler=cmd_trail_do)

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
