"""How the command line reports an error: one line of text (``naskah: galat: ...``), or
with ``--format-galat json`` / ``NASKAH_GALAT=json`` one JSON object on stderr::

    {"kode": "input-tidak-valid", "pesan": "...",
     "masalah": [{"lokasi": "penandatangan.pejabat.nip", "pesan": "..."}]}

``kode`` is one of :data:`naskah.errors.KODE_GALAT`; ``pesan`` is the text message;
``masalah`` lists each problem with its field path (the paths of the text message), or
is empty when the error is about no field. A verdict that is a failure but no exception
(``meta`` on a changed DOCX, ``trail verify`` on a tampered trail) is reported the same
way, and warnings are ``{"peringatan": ...}`` lines.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from naskah.errors import DocumentChangedError, InputError, kode_galat

ENV = "NASKAH_GALAT"
OPTION = "--format-galat"
FORMATS = ("teks", "json")

_json = False


def pilih_format(argv: Sequence[str]) -> list[str]:
    """Set the error format from ``--format-galat FORMAT`` (anywhere in ``argv``) or
    ``$NASKAH_GALAT``; ``argv`` without the option."""
    global _json
    chosen = os.environ.get(ENV, "teks").strip().lower()
    rest: list[str] = []
    items = list(argv)
    i = 0
    while i < len(items):
        item = items[i]
        if item == "--":
            rest.extend(items[i:])
            break
        if item == OPTION and i + 1 < len(items):
            chosen = items[i + 1].strip().lower()
            i += 2
            continue
        if item.startswith(OPTION + "="):
            chosen = item.partition("=")[2].strip().lower()
            i += 1
            continue
        rest.append(item)
        i += 1
    _json = chosen == "json"
    if chosen not in FORMATS:
        lapor_teks("argumen", f"{OPTION}: {chosen[:20]!r} tidak dikenal; pilih teks atau json",
                   [(OPTION, "teks | json")])
        raise SystemExit(2)
    return rest


def json_mode() -> bool:
    """Whether errors go out as JSON."""
    return _json


def lapor_teks(kode: str, pesan: str, masalah: list[tuple[str | None, str]]) -> None:
    """Report one error on stderr in the chosen format."""
    if _json:
        record = {"kode": kode, "pesan": pesan,
                  "masalah": [{"lokasi": lokasi, "pesan": teks} for lokasi, teks in masalah]}
        sys.stderr.write(json.dumps(record, ensure_ascii=False) + "\n")
    else:
        sys.stderr.write(f"naskah: galat: {pesan}\n")
    sys.stderr.flush()


def lapor(exc: BaseException, pesan: str | None = None) -> None:
    """Report ``exc``: its kode, its message (or ``pesan``) and its problems."""
    masalah: list[tuple[str | None, str]] = []
    if isinstance(exc, InputError):
        masalah = [(path, text) for path, text in exc.errors]
    elif isinstance(exc, DocumentChangedError):
        masalah = [(None, text) for text in exc.masalah]
    lapor_teks(kode_galat(exc), pesan if pesan is not None else str(exc), masalah)


def peringatan(pesan: str, prefix: str = "naskah: peringatan: ") -> None:
    """A warning on stderr: ``prefix`` and the text, or in JSON mode one object
    ``{"peringatan": ...}`` per line (so stderr stays JSON lines for a program)."""
    if _json:
        sys.stderr.write(json.dumps({"peringatan": pesan}, ensure_ascii=False) + "\n")
    else:
        sys.stderr.write(f"{prefix}{pesan}\n")
    sys.stderr.flush()


class Parser(argparse.ArgumentParser):
    """argparse, with usage errors reported in the chosen format (kode ``argumen``), and
    options with a closed set of words (``choices``) read in any case: ``--kertas f4``
    is ``F4``, ``--font-check ERROR`` is ``error`` (the canonical form is what the
    command sees and prints)."""

    def add_argument(self, *args: Any, **kwargs: Any) -> argparse.Action:
        choices = kwargs.get("choices")
        if (choices is not None and "type" not in kwargs
                and all(isinstance(c, str) for c in choices)):
            kwargs["type"] = _ejaan(list(choices))
        return super().add_argument(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        if not _json:
            super().error(message)
        lapor_teks("argumen", f"{self.prog}: {message}", [(self.prog, message)])
        raise SystemExit(2)


def _ejaan(choices: list[str]) -> Callable[[str], str]:
    canonical = {" ".join(c.split()).casefold(): c for c in choices}

    def parse(text: str) -> str:
        return canonical.get(" ".join(text.split()).casefold(), text)

    return parse


__all__ = ["ENV", "FORMATS", "OPTION", "Parser", "json_mode", "lapor", "lapor_teks",
           "peringatan", "pilih_format"]
