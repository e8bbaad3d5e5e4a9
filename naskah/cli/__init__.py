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
from collections.abc import Callable, Iterator, Sequence
from typing import Any, cast

from naskah.cli import (
    agenda,
    batch,
    berkas,
    db,
    dokumen,
    nomor,
    pengguna,
    profil,
    serve,
    trail,
    tte,
)
from naskah.cli.common import EXIT_FAILED, EXIT_INPUT, EXIT_OK, Handler
from naskah.errors import InputError, NaskahError
from naskah.version import __version__

Register = Callable[["argparse._SubParsersAction[argparse.ArgumentParser]"], None]

COMMANDS: tuple[Register, ...] = (dokumen.register, trail.register, berkas.register,
                                  tte.register, profil.register, nomor.register,
                                  agenda.register, db.register, batch.register,
                                  serve.register, pengguna.register)
"""Every subcommand module's ``register``; a new group adds one line here."""


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The ``naskah`` argument parser with every subcommand.

    With ``command``, only that subcommand's parser is built (the others are given
    to their ``register`` as stand-ins that build nothing): running one command does
    not pay for building some sixty parsers. None when no module registers it.
    """
    parser = argparse.ArgumentParser(
        prog="naskah",
        description="Indonesian naskah dinas: render from JSON, run and verify SOP trails.",
    )
    parser.add_argument("--version", action="version", version=f"naskah {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    only = _OneCommand(sub, command) if command is not None else None
    for register in COMMANDS:
        register(cast("argparse._SubParsersAction[argparse.ArgumentParser]", only or sub))
    return parser


class _Skipped:
    """Stands in for the parser of a subcommand that is not run: takes any call, builds nothing."""

    def __getattr__(self, name: str) -> _Skipped:
        return self

    def __call__(self, *args: object, **kwargs: object) -> _Skipped:
        return self

    def __iter__(self) -> Iterator[Any]:
        return iter(())  # e.g. a register walking its subparsers' .choices.values()


class _OneCommand:
    """What ``register`` sees when one command runs: only that command's parser is real."""

    def __init__(self, sub: argparse._SubParsersAction[argparse.ArgumentParser],
                 command: str) -> None:
        self._sub, self._command = sub, command

    def add_parser(self, name: str, **kwargs: Any) -> argparse.ArgumentParser | _Skipped:
        if self._command != name and self._command not in kwargs.get("aliases", ()):
            return _Skipped()
        return self._sub.add_parser(name, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sub, name)


def _parser_for(argv: Sequence[str]) -> argparse.ArgumentParser:
    """The parser for running ``argv``: one command's alone when argv names one."""
    if argv and not argv[0].startswith("-"):
        parser = build_parser(argv[0])
        if _has_command(parser, argv[0]):
            return parser
    return build_parser()  # --help, --version, no command or an unknown one: all of them


def _has_command(parser: argparse.ArgumentParser, command: str) -> bool:
    return any(isinstance(action, argparse._SubParsersAction) and command in action.choices
               for action in parser._actions)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``naskah`` command line; the exit status (see the module docstring)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = _parser_for(argv)
    args = parser.parse_args(argv)
    handler: Handler = args.handler
    return _run(handler, args)


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
