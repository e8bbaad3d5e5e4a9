"""``naskah template periksa FILE.docx`` and ``naskah template variabel JENIS``."""

from __future__ import annotations

import argparse
import sys

from naskah.cli.common import EXIT_FAILED, EXIT_OK
from naskah.models import JENIS_NAMES


def cmd_periksa(args: argparse.Namespace) -> int:
    from naskah.docx.periksa import periksa_template

    report = periksa_template(args.file, args.jenis)
    print(f"{args.file}: variables used: {', '.join(report.variabel) or '(none)'}")
    if report.tidak_dikenal:
        scope = f"a {args.jenis}" if args.jenis else "any document type"
        print(f"naskah: {args.file}: unknown to {scope}: {', '.join(report.tidak_dikenal)} "
              f"(see `naskah template variabel {args.jenis or 'JENIS'}`)", file=sys.stderr)
    for problem in report.masalah:
        print(f"naskah: {args.file}: {problem}", file=sys.stderr)
    if report.baik:
        print(f"{args.file}: ok")
    return EXIT_OK if report.baik else EXIT_FAILED


def cmd_variabel(args: argparse.Namespace) -> int:
    from naskah.docx.periksa import variabel

    rows = variabel(args.jenis, args.profil)
    width = max(len(name) for name, _ in rows)
    for name, example in rows:
        print(f"{name:<{width}}  {example}")
    return EXIT_OK


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``naskah template`` and its subcommands to the ``naskah`` parser."""
    p = sub.add_parser("template", help="your own templates: check one, list the variables")
    tsub = p.add_subparsers(dest="template_command", required=True, metavar="SUBCOMMAND")
    q = tsub.add_parser("periksa", help="check a template: the variables it uses, unknown "
                        "ones, Jinja in attributes, a zero or missing page size or margin "
                        "(exit 1 on any)")
    q.add_argument("file", metavar="FILE.docx")
    q.add_argument("--jenis", choices=JENIS_NAMES, metavar="JENIS",
                   help="the document type it is for (default: any)")
    q.set_defaults(handler=cmd_periksa)
    q = tsub.add_parser("variabel", help="what a document type gives its template, with "
                        "the shipped example's values")
    q.add_argument("jenis", choices=JENIS_NAMES, metavar="JENIS", help=" | ".join(JENIS_NAMES))
    q.add_argument("--profil", metavar="NAME|FILE", default=None,
                   help="format profile (default: pusat)")
    q.set_defaults(handler=cmd_variabel)
