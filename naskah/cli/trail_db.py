"""Trails in a database from the command line: ``naskah trail ACTION --db URL --trail-id
ID`` instead of a berkas folder, and ``naskah trail ekspor|impor`` between the two.

Every ``naskah trail`` action takes either a berkas folder ``DIR`` (as always) or a
trail in a database: ``--trail-id ID`` with ``--db URL`` (default ``$NASKAH_DB``), the
database that also numbers its documents. Readers (status, verify, report) get the trail
written into a private folder, so they run the same code on both.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from naskah.cli.common import EXIT_OK
from naskah.errors import InputError

if TYPE_CHECKING:
    from naskah.trail import Trail
    from naskah.trail.store.database import DatabaseStore


def add_target_options(p: argparse.ArgumentParser, db: bool = True) -> None:
    """``DIR`` (now optional) and ``--trail-id`` (and ``--db`` unless the parser has it)."""
    p.add_argument("dir", metavar="DIR", nargs="?",
                   help="the berkas folder (or --trail-id ID with --db URL)")
    p.add_argument("--trail-id", metavar="ID",
                   help="a trail in the database of --db (instead of DIR)")
    if db:
        p.add_argument("--db", metavar="URL",
                       help="the database holding --trail-id (default: $NASKAH_DB)")


def trail_id(args: argparse.Namespace) -> str | None:
    """The database trail the command names (None: the folder DIR); one of the two."""
    from naskah.trail.store import check_id

    given = getattr(args, "trail_id", None)
    if given is None:
        if not args.dir:
            raise InputError("give the berkas folder DIR, or a trail in a database with "
                             "--db URL --trail-id ID", [("dir", "missing")])
        return None
    if args.dir:
        raise InputError("give the berkas folder DIR or --trail-id ID, not both",
                         [("trail-id", "with DIR")])
    return check_id(given)


def open_store(args: argparse.Namespace) -> DatabaseStore:
    """The database store of ``--db`` (or ``$NASKAH_DB``)."""
    from naskah.trail.store.database import DatabaseStore

    url = args.db or os.environ.get("NASKAH_DB")
    if not url:
        raise InputError("--trail-id names a trail in a database: give the database with "
                         "--db URL (or $NASKAH_DB)", [("db", "missing")])
    return DatabaseStore(url)


@contextmanager
def reading(args: argparse.Namespace) -> Iterator[Trail]:
    """The trail the command names, to read: the folder itself, or the database trail
    written into a private folder (removed afterwards)."""
    from naskah.trail import Trail

    ident = trail_id(args)
    if ident is None:
        yield Trail.open(args.dir)
        return
    with open_store(args) as store, store.baca(ident) as trail:
        yield trail


def cmd_trail_ekspor(args: argparse.Namespace) -> int:
    from naskah.trail.store import check_id

    with open_store(args) as store:
        trail = store.ekspor(check_id(args.id), args.target)
    print(f"wrote trail {args.id} ({len(trail.ledger().raw_entries)} steps) to {args.target}; "
          f"check it offline with: naskah trail verify {args.target} --trust CA.pem")
    return EXIT_OK


def cmd_trail_impor(args: argparse.Namespace) -> int:
    from naskah.trail import Trail
    from naskah.trail.store import check_id
    from naskah.tte.trust import TrustStore

    ident = check_id(args.trail_id or Trail.open(args.dir).header.berkas)
    trust = TrustStore.from_files(args.trust) if args.trust else None
    with open_store(args) as store:
        trail = store.impor(args.dir, ident, trust=trust)
        head = store.kepala(ident)
    print(f"imported {trail.folder} as trail {ident} ({head[0]} steps, final hash {head[1]})")
    return EXIT_OK


def add_commands(tsub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``ekspor`` and ``impor`` to the ``naskah trail`` parser."""
    p = tsub.add_parser("ekspor", help="write a trail in a database as a berkas folder",
                        description="Write trail ID of the database --db as a berkas folder "
                                    "DIR (new or empty), which `naskah trail verify DIR` checks "
                                    "offline.")
    p.add_argument("id", metavar="ID")
    p.add_argument("target", metavar="DIR")
    p.add_argument("--db", metavar="URL", help="the database (default: $NASKAH_DB)")
    p.set_defaults(handler=cmd_trail_ekspor)

    p = tsub.add_parser("impor", help="load a berkas folder into a database, verified first",
                        description="Verify the berkas folder DIR and, when it is intact, load "
                                    "it into the database --db as trail --trail-id (default: "
                                    "its berkas id); a folder that fails verification is "
                                    "refused (exit 1) and nothing is stored.")
    p.add_argument("dir", metavar="DIR")
    p.add_argument("--db", metavar="URL", help="the database (default: $NASKAH_DB)")
    p.add_argument("--trail-id", metavar="ID", help="its id there (default: its berkas id)")
    p.add_argument("--trust", action="append", metavar="CA.pem",
                   help="check the signatures against these roots (default: the berkas's "
                        "own trust.pem)")
    p.set_defaults(handler=cmd_trail_impor)


__all__ = ["add_commands", "add_target_options", "open_store", "reading", "trail_id"]
