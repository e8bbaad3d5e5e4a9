"""``naskah pengguna tambah|daftar|cabut|token``: the service's accounts."""

from __future__ import annotations

import argparse
import functools
import os
import sys
from typing import TYPE_CHECKING

from naskah.cli.common import EXIT_OK, Handler, print_json
from naskah.cli.db import add_db_option
from naskah.errors import InputError

if TYPE_CHECKING:
    from sqlalchemy import Engine


def db_errors(handler: Handler) -> Handler:
    """A command whose database failures end in one RegisterError message (exit 1)."""

    @functools.wraps(handler)
    def wrapped(args: argparse.Namespace) -> int:
        from naskah.register.db import translate_errors

        with translate_errors(args.db or "the service's database"):
            return handler(args)

    return wrapped


def _engine(args: argparse.Namespace) -> Engine:
    from naskah.serve.layanan import open_database
    from naskah.serve.settings import Settings

    return open_database(Settings.from_env(db=args.db, data=args.data).db)


@db_errors
def cmd_tambah(args: argparse.Namespace) -> int:
    from naskah.serve import akun

    password = None
    if args.password_env:
        password = os.environ.get(args.password_env)
        if password is None:
            raise InputError(f"--password-env: {args.password_env} is not set",
                             [("password", "not set")])
    engine = _engine(args)
    try:
        user, token = akun.tambah(engine, args.nama, args.peran, nip=args.nip,
                                  password=password)
    finally:
        engine.dispose()
    print(f"pengguna {user.nama} ({user.peran.value}"
          + (f", NIP {user.nip}" if user.nip else "") + ") dibuat.", file=sys.stderr)
    print("token API (ditampilkan sekali ini saja, simpan sekarang):", file=sys.stderr)
    print(token)
    return EXIT_OK


@db_errors
def cmd_token(args: argparse.Namespace) -> int:
    from naskah.serve import akun

    engine = _engine(args)
    try:
        print(akun.token_baru(engine, args.nama))
    finally:
        engine.dispose()
    return EXIT_OK


@db_errors
def cmd_daftar(args: argparse.Namespace) -> int:
    from naskah.serve import akun

    engine = _engine(args)
    try:
        users = akun.daftar(engine)
    finally:
        engine.dispose()
    if args.json:
        print_json([u.as_dict() for u in users])
        return EXIT_OK
    for u in users:
        print(f"{u.nama}\t{u.peran.value}\t{u.nip or '-'}\t{'aktif' if u.aktif else 'dicabut'}")
    return EXIT_OK


@db_errors
def cmd_cabut(args: argparse.Namespace) -> int:
    from naskah.serve import akun

    engine = _engine(args)
    try:
        user = akun.cabut(engine, args.nama)
    finally:
        engine.dispose()
    print(f"pengguna {user.nama} dicabut: tokennya tidak berlaku lagi", file=sys.stderr)
    return EXIT_OK


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``naskah pengguna`` to the ``naskah`` parser."""
    p = sub.add_parser("pengguna", help="accounts of the HTTP service (naskah serve)")
    psub = p.add_subparsers(dest="pengguna_command", required=True, metavar="ACTION")

    def common(q: argparse.ArgumentParser) -> None:
        add_db_option(q)
        q.add_argument("--data", metavar="DIR", help="the service's data folder (its default "
                       "database lives there)")

    q = psub.add_parser("tambah", help="create an account and print its API token once")
    q.add_argument("nama")
    q.add_argument("--peran", required=True, choices=["admin", "operator", "pejabat"])
    q.add_argument("--nip", help="the official a pejabat account acts for")
    q.add_argument("--password-env", metavar="VAR",
                   help="environment variable holding the console password")
    common(q)
    q.set_defaults(handler=cmd_tambah)
    q = psub.add_parser("token", help="print a new API token for an account")
    q.add_argument("nama")
    common(q)
    q.set_defaults(handler=cmd_token)
    q = psub.add_parser("daftar", help="list the accounts")
    q.add_argument("--json", action="store_true")
    common(q)
    q.set_defaults(handler=cmd_daftar)
    q = psub.add_parser("cabut", help="deactivate an account and revoke its tokens")
    q.add_argument("nama")
    common(q)
    q.set_defaults(handler=cmd_cabut)


__all__ = ["add_commands"]
