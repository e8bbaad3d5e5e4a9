"""``naskah db upgrade``: bring the register's database schema up to date."""

from __future__ import annotations

import argparse
from typing import Any

from naskah.cli.common import EXIT_OK

DB_HELP = "register URL: sqlite:///FILE (default sqlite:///naskah.db) or " \
          "postgresql+psycopg://USER:PASSWORD@HOST/DB; default $NASKAH_DB"


def add_db_option(parser: argparse.ArgumentParser) -> None:
    """The ``--db URL`` option every register command takes."""
    parser.add_argument("--db", metavar="URL", help=DB_HELP)


def add_oleh_option(parser: argparse.ArgumentParser) -> None:
    """``--oleh``: who performs the action, recorded in the register."""
    parser.add_argument("--oleh", default=None, metavar="NAMA",
                        help="who does this, recorded in the register (default: login name)")


def oleh(args: argparse.Namespace) -> str:
    """The ``--oleh`` value, or the login name."""
    if args.oleh:
        return str(args.oleh)
    import getpass  # imports termios: only for the commands that record who acted

    return getpass.getuser()


def open_register(args: argparse.Namespace) -> Any:
    """The register at ``--db`` (or NASKAH_DB); the database stack is imported here."""
    from naskah.register import Register

    return Register(args.db)


def cmd_upgrade(args: argparse.Namespace) -> int:
    from naskah.register.db import create, resolve_url, upgrade

    engine = create(resolve_url(args.db))
    try:
        print(upgrade(engine))
    finally:
        engine.dispose()
    return EXIT_OK


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``naskah db`` to the ``naskah`` parser."""
    p = sub.add_parser("db", help="the register's database (numbers, agenda, disposisi)")
    dbsub = p.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    q = dbsub.add_parser("upgrade", help="apply the shipped schema migrations")
    add_db_option(q)
    q.set_defaults(handler=cmd_upgrade)
