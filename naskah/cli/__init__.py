"""The ``naskah`` command line.

Exit status: 0 success; 1 the operation failed or found a problem (e.g. a tampered
trail); 2 bad input (malformed JSON, invalid fields, unknown options, a file that is
not what it should be, a template that is refused or breaks while rendering). Errors
are one clear message on stderr (``naskah: galat: ...``, or one JSON object with
``--format-galat json``: see :mod:`naskah.cli.galat`), never a traceback, and no output
file is left behind.

Each group of subcommands lives in its own module with an ``add_commands(sub)``
function; :data:`COMMANDS` maps every command name to its module, in the order
``naskah --help`` shows them. Running one command imports and builds only its module's
parsers; ``--help``, no command or an unknown one builds them all.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from naskah.cli.common import EXIT_FAILED, EXIT_INPUT, EXIT_OK, Handler
from naskah.errors import InputError, NaskahError, TemplateError
from naskah.version import __version__

COMMANDS: dict[str, str] = {
    "render": "naskah.cli.dokumen",
    "schema": "naskah.cli.dokumen",
    "meta": "naskah.cli.dokumen",
    "trail": "naskah.cli.trail",
    "berkas": "naskah.cli.berkas",
    "demo": "naskah.cli.berkas",
    "ttd": "naskah.cli.ttd",
    "verify": "naskah.cli.tte",
    "pki": "naskah.cli.tte",
    "profil": "naskah.cli.profil",
    "template": "naskah.cli.template",
    "nomor": "naskah.cli.nomor",
    "agenda": "naskah.cli.agenda",
    "db": "naskah.cli.db",
    "render-batch": "naskah.cli.batch",
    "kalender": "naskah.cli.kalender",
    "serve": "naskah.cli.serve",
    "pengguna": "naskah.cli.pengguna",
    "verifikasi": "naskah.cli.verifikasi",
}
"""Every command and the module whose ``add_commands`` adds it; a new group adds lines here."""


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The ``naskah`` argument parser: every command's, or with ``command`` (a key of
    :data:`COMMANDS`) only the parsers of that command's module."""
    from naskah.cli.galat import ENV, OPTION, Parser

    parser = Parser(
        prog="naskah",
        description="Indonesian naskah dinas: render from JSON, run and verify SOP trails.",
    )
    parser.add_argument("--version", action="version", version=f"naskah {__version__}")
    parser.add_argument(OPTION, choices=["teks", "json"], metavar="teks|json",
                        help="galat sebagai satu objek JSON di stderr: {kode, pesan, masalah: "
                             "[{lokasi, pesan}]} (default: $" + ENV + " atau teks); boleh di "
                             "mana saja pada baris perintah")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    modules = [COMMANDS[command]] if command in COMMANDS else list(dict.fromkeys(
        COMMANDS.values()))
    for name in modules:
        importlib.import_module(name).add_commands(sub)
    return parser


def parser_for(argv: Sequence[str]) -> argparse.ArgumentParser:
    """The parser that runs ``argv``: its command's module's alone when argv starts with
    a command, else every command's (``--help``, ``--version``, none or an unknown one)."""
    return build_parser(argv[0] if argv and argv[0] in COMMANDS else None)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``naskah`` command line; the exit status (see the module docstring)."""
    from naskah.cli.galat import pilih_format

    argv = pilih_format(sys.argv[1:] if argv is None else list(argv))
    args = parser_for(argv).parse_args(argv)
    handler: Handler = args.handler
    return _run(handler, args)


def _run(handler: Handler, args: argparse.Namespace) -> int:
    from naskah.cli.galat import lapor

    try:
        return handler(args)
    except (InputError, TemplateError) as exc:  # a template given to naskah is its input
        lapor(exc)
        return EXIT_INPUT
    except NaskahError as exc:
        lapor(exc)
        return EXIT_FAILED
    except KeyboardInterrupt as exc:
        lapor(exc, "dihentikan (interrupted)")
        return 130
    except BrokenPipeError:
        # The reader (e.g. `| head`) went away: not an error worth a traceback. Caught
        # before OSError, its base class. stdout is pointed at devnull so the
        # interpreter's final flush does not fail again.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except OSError as exc:  # disk full, permission denied, ...: a message, not a traceback
        lapor(exc, "sistem operasi menolak: " + (exc.strerror or str(exc))
              + (f": {exc.filename}" if exc.filename else ""))
        return EXIT_FAILED


__all__ = ["COMMANDS", "EXIT_FAILED", "EXIT_INPUT", "EXIT_OK", "build_parser", "main",
           "parser_for"]
