"""The ``naskah`` command line.

Exit status: 0 success; 1 the operation failed or found a problem (e.g. a tampered
trail); 2 bad input (malformed JSON, invalid fields, unknown options). Errors are one
clear message on stderr, never a traceback, and no output file is left behind.

Each group of subcommands lives in its own module with a ``register(sub)`` function;
:data:`COMMANDS` lists them in the order ``naskah --help`` shows them.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from naskah.cli import agenda, batch, berkas, db, dokumen, nomor, profil, trail, tte
from naskah.cli.common import EXIT_FAILED, EXIT_INPUT, EXIT_OK, Handler
from naskah.errors import InputError, NaskahError
from naskah.version import __version__

Register = Callable[["argparse._SubParsersAction[argparse.ArgumentParser]"], None]

COMMANDS: tuple[Register, ...] = (dokumen.register, trail.register, berkas.register,
                                  tte.register, profil.register, nomor.register,
                                  agenda.register, db.register, batch.register)
"""Every subcommand module's ``register``; a new group adds one line here."""


def build_parser() -> argparse.ArgumentParser:
    """The ``naskah`` argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="naskah",
        description="Indonesian naskah dinas: render from JSON, run and verify SOP trails.",
    )
    parser.add_argument("--version", action="version", version=f"naskah {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for register in COMMANDS:
        register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``naskah`` command line; the exit status (see the module docstring)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler = args.handler
    try:
        status = _run(handler, args)
    except BaseException:
        if _terminated():
            return 128 + 15
        raise
    # SIGTERM: report it, whatever the unwinding caused on the way (a library may even
    # wrap the SystemExit it raised into an error of its own, as pydantic's schema build does).
    return 128 + 15 if _terminated() else status


def _terminated() -> bool:
    warm = sys.modules.get("naskah.pdf_warm")
    return warm is not None and bool(getattr(warm, "terminated", False))


def _run(handler: Handler, args: argparse.Namespace) -> int:
    try:
        return handler(args)
    except InputError as exc:
        print(f"naskah: error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except NaskahError as exc:
        print(f"naskah: error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("naskah: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader (e.g. `| head`) went away: not an error worth a traceback. Caught
        # before OSError, its base class. stdout is pointed at devnull so the
        # interpreter's final flush does not fail again.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except OSError as exc:  # disk full, permission denied, ...: a message, not a traceback
        print(f"naskah: error: {exc.strerror or exc}"
              + (f": {exc.filename}" if exc.filename else ""), file=sys.stderr)
        return EXIT_FAILED



__all__ = ["COMMANDS", "EXIT_FAILED", "EXIT_INPUT", "EXIT_OK", "build_parser", "main"]
