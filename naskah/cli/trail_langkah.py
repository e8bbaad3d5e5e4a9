"""``naskah trail do``: perform a step of a trail (a berkas folder or, with
``--trail-id``, a trail in a database), signing its outputs with the performer's key.

What the signed originals' QR codes hold is decided by
:func:`naskah.serve.halaman.berkode.pilih_qr`; warnings print once each on stderr.
"""

from __future__ import annotations

import argparse
import os
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from naskah.cli import trail_db
from naskah.cli.common import EXIT_OK, decimal, pairs, parse_datetime, read_input, whole
from naskah.cli.galat import peringatan as _peringatan
from naskah.cli.kunci import add_signer_options, signer_from_args
from naskah.errors import InputError
from naskah.inputs import parse_json

if TYPE_CHECKING:
    from naskah.trail.data_langkah import DataLangkah
    from naskah.trail.ledger import Entry
    from naskah.tte.signer import Signer


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


def add_command(tsub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``do`` to the ``naskah trail`` parser."""
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


__all__ = ["add_command", "cmd_trail_do"]
