"""``naskah verifikasi cabut``: revoke a signed letter recorded for the public page
(its QR's page then says DICABUT), found by the signed PDF's SHA-256 or its nomor.

Whoever can write the service's database may revoke any letter (as an admin of the
console); ``--oleh`` (default: the login name) is recorded as who did it.
"""

from __future__ import annotations

import argparse
import sys

from naskah.cli.common import EXIT_OK, print_json
from naskah.cli.db import add_db_option, add_oleh_option, oleh
from naskah.cli.pengguna import db_errors
from naskah.errors import InputError


def _sqlite_exists(url: str) -> bool:
    from pathlib import Path

    from sqlalchemy.engine import make_url

    name = make_url(url).database
    return bool(name) and name != ":memory:" and Path(str(name)).is_file()


@db_errors
def cmd_cabut(args: argparse.Namespace) -> int:
    from naskah.register.db import open_engine
    from naskah.serve.halaman import pencabutan
    from naskah.serve.settings import Settings

    sha256 = args.sha256.strip().lower() if args.sha256 is not None else None
    alasan = pencabutan.alasan_sah(args.alasan)  # before the database is opened
    url = Settings.from_env(db=args.db, data=args.data).db
    if url.startswith("sqlite") and not _sqlite_exists(url):
        # Revoking in a database made just now would change nothing anyone reads.
        raise InputError(f"--db: there is no database at {url}", [("db", "not found")])
    engine = open_engine(url)
    try:
        found = pencabutan.cari(engine, sha256=sha256, nomor=args.nomor)
        if not found:
            field = "sha256" if sha256 is not None else "nomor"
            raise InputError(f"--{field}: tidak ada naskah bertanda tangan yang tercatat "
                             f"dengan {field} itu", [(field, "not found")])
        done = pencabutan.cabut(engine, found[0]["token_sha256"], alasan, oleh(args))
    finally:
        engine.dispose()
    shown = pencabutan.ringkas(done)
    if args.json:
        print_json(shown, default=lambda v: v.isoformat())
    print(f"naskah {done['nomor'] or done['dokumen_sha256']} dicabut; halaman verifikasinya "
          "kini menyatakan DICABUT", file=sys.stderr)
    return EXIT_OK


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``naskah verifikasi`` to the ``naskah`` parser."""
    p = sub.add_parser("verifikasi", help="the public verification records of signed letters")
    psub = p.add_subparsers(dest="verifikasi_command", required=True, metavar="ACTION")
    q = psub.add_parser("cabut", help="revoke a signed letter: its QR page says DICABUT")
    which = q.add_mutually_exclusive_group(required=True)
    which.add_argument("--sha256", metavar="HEX", help="SHA-256 of the signed PDF")
    which.add_argument("--nomor", metavar="NOMOR",
                       help="the letter's nomor (its newest signed version)")
    q.add_argument("--alasan", required=True, metavar="TEKS",
                   help="why (shown on the public page; at most 500 characters)")
    q.add_argument("--json", action="store_true", help="print the revoked record as JSON")
    add_db_option(q)
    q.add_argument("--data", metavar="DIR", help="the service's data folder (its default "
                   "database lives there)")
    add_oleh_option(q)
    q.set_defaults(handler=cmd_cabut)


__all__ = ["add_commands"]
