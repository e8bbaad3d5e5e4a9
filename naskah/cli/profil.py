"""``naskah profil daftar|tampil|periksa|schema``: the format profiles."""

from __future__ import annotations

import argparse
import sys

from naskah.cli.common import EXIT_FAILED, EXIT_OK, print_json
from naskah.pdf.fonts import installed_problems
from naskah.profil import Profil, daftar_profil, load_profil, profil_json


def cmd_daftar(args: argparse.Namespace) -> int:
    for name in daftar_profil():
        profil = load_profil(name)
        parent = f" (extends {profil.extends})" if profil.extends else ""
        print(f"{name}\t{profil.judul}{parent}")
    return EXIT_OK


def cmd_tampil(args: argparse.Namespace) -> int:
    sys.stdout.write(profil_json(load_profil(args.profil)) + "\n")
    return EXIT_OK


def cmd_periksa(args: argparse.Namespace) -> int:
    # A broken file raises InputError (exit 2, naming the field); a valid profile whose
    # font this machine cannot render is reported here and exits 1.
    profil = load_profil(args.file)
    problems = installed_problems(profil)
    for problem in problems:
        from naskah.cli.galat import peringatan

        peringatan(f"{args.file}: {problem}")
    print(f"{args.file}: profil {profil.nama!r} is valid"
          + (f" (extends {profil.extends})" if profil.extends else ""))
    return EXIT_FAILED if problems else EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    print_json(Profil.model_json_schema())
    return EXIT_OK


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``naskah profil`` and its subcommands to the ``naskah`` parser."""
    p = sub.add_parser("profil", help="format profiles: list, show, check a profile file")
    psub = p.add_subparsers(dest="profil_command", required=True, metavar="SUBCOMMAND")
    q = psub.add_parser("daftar", help="list the shipped profiles")
    q.set_defaults(handler=cmd_daftar)
    q = psub.add_parser("tampil", help="print a profile, extends resolved, as JSON")
    q.add_argument("profil", metavar="NAME|FILE")
    q.set_defaults(handler=cmd_tampil)
    q = psub.add_parser("periksa", help="check a profile file (exit 2 naming a bad field)")
    q.add_argument("file", metavar="FILE")
    q.set_defaults(handler=cmd_periksa)
    q = psub.add_parser("schema", help="print the JSON Schema of a profile file")
    q.set_defaults(handler=cmd_schema)
