"""What every subcommand shares: exit codes, reading inputs, parsing option values."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from naskah.errors import InputError

EXIT_OK, EXIT_FAILED, EXIT_INPUT = 0, 1, 2

Handler = Callable[[argparse.Namespace], int]
"""A subcommand: parsed arguments in, exit status out."""


def read_input(name: str) -> tuple[str, str]:
    """The text of an input file, or of stdin for '-'; and a label for messages.

    Both are read with the JSON byte cap; only a regular file is read.
    """
    from naskah.inputs import read_stdin, read_text

    if name == "-":
        return read_stdin(), "<stdin>"
    return read_text(name, "input"), name


def register_id(text: str) -> int:
    """argparse ``type=`` of a register id (a number, a letter, a disposisi): ASCII
    digits within the register's range, else exit 2 naming the argument."""
    from naskah.inputs import id_argument

    try:
        return id_argument(text)
    except InputError as exc:
        raise argparse.ArgumentTypeError(str(exc).removeprefix("id: ")) from None


def whole(low: int, high: int) -> Callable[[str], int]:
    """argparse ``type=`` of a whole number from ``low`` to ``high``, ASCII digits only
    (``int`` would also read '١' and '1_0'); otherwise exit 2 naming the argument."""

    def parse(text: str) -> int:
        digits = text.removeprefix("-")
        if not (digits.isascii() and digits.isdigit()) or len(digits) > 18:
            raise argparse.ArgumentTypeError(f"{text[:40]!r} is not a whole number")
        value = int(text)
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{value} is not between {low} and {high}")
        return value

    return parse


def decimal(low: float, high: float) -> Callable[[str], float]:
    """argparse ``type=`` of a finite number from ``low`` to ``high`` (never NaN or
    infinity); otherwise exit 2 naming the argument."""

    def parse(text: str) -> float:
        try:
            value = float(text) if text.isascii() else float("nan")
        except ValueError:
            value = float("nan")
        if not low <= value <= high:  # NaN fails every comparison
            raise argparse.ArgumentTypeError(
                f"{text[:40]!r} is not a number between {low:g} and {high:g}")
        return value

    return parse


def print_json(value: Any, *, default: Callable[[Any], Any] | None = None) -> None:
    """``value`` as indented JSON on stdout (non-ASCII kept as is), then a newline."""
    json.dump(value, sys.stdout, indent=2, ensure_ascii=False, default=default)
    sys.stdout.write("\n")


def pairs(values: list[str] | None, option: str) -> dict[str, str]:
    """``KODE=VALUE`` option values as a dict."""
    out: dict[str, str] = {}
    for item in values or []:
        kode, sep, value = item.partition("=")
        if not sep or not kode:
            raise InputError(f"{option} takes KODE=VALUE, got {item!r}")
        out[kode] = value
    return out


def parse_datetime(text: str, option: str) -> datetime:
    """An ISO date-time with a UTC offset, from an option value."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise InputError(f"{option}: {text!r} is not an ISO date-time") from None
    if value.tzinfo is None:
        raise InputError(f"{option}: {text!r} needs a UTC offset, e.g. 2026-11-24T08:00+07:00")
    return value


def write_output(target: str, data: bytes) -> Path | None:
    """Write a document to ``target`` atomically, or to stdout (binary) for ``-``; the
    path written, None for stdout (nothing else may then go to stdout)."""
    if target == "-":
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return None
    from naskah.fileio import write_atomic

    return write_atomic(target, data)


def add_render_options(p: argparse.ArgumentParser, what: str) -> None:
    """The options every rendering command takes (``render`` and ``render-batch`` alike):
    ``--kertas``, ``--profil``, ``--pdfa`` and ``--font-check``; ``what`` names what they
    apply to in the help ("this document", "every document")."""
    from naskah.profil.model import Kertas

    p.add_argument("--kertas", choices=[k.value for k in Kertas], default=None,
                   help=f"paper size for {what} (default: the profile's)")
    p.add_argument("--profil", metavar="NAME|FILE", default=None,
                   help="format profile: pusat (default), kemenko-polhukam, pemda, or a "
                   ".toml/.json file (see `naskah profil daftar`)")
    p.add_argument("--pdfa", action=argparse.BooleanOptionalAction, default=None,
                   help="PDF/A-2b for archiving (default: the profile's)")
    p.add_argument("--font-check", choices=["warn", "error", "off"], default="warn",
                   help=f"when the PDF fonts of {what} differ from the profile's: warn "
                   "(default), fail (a batch: that row), or do not check")


def add_output_option(p: argparse.ArgumentParser, metavar: str, help: str) -> None:
    """``-o/--output`` on a command that writes a file or folder, and the positional form
    it had before (kept for one release, with a deprecation warning): see
    :func:`output_of`."""
    p.add_argument("-o", "--output", metavar=metavar, help=help)
    p.add_argument("old_output", nargs="?", metavar=metavar, help=argparse.SUPPRESS)


def output_of(args: argparse.Namespace) -> str:
    """The output a command was given: ``-o``, or (deprecated) the positional form."""
    if args.output and args.old_output:
        raise InputError(f"keluaran diberikan dua kali ({args.old_output} dan -o "
                         f"{args.output}): pakai -o saja", [("output", "given twice")])
    if args.old_output:
        from naskah.cli.galat import peringatan

        peringatan(f"keluaran sebagai argumen posisi sudah usang (deprecated) dan dihapus "
                   f"pada 0.5: tulis -o {args.old_output}")
        return str(args.old_output)
    if not args.output:
        raise InputError("keluaran: berikan -o KELUARAN (the output is required)",
                         [("output", "required")])
    return str(args.output)
