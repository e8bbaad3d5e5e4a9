"""Loading profiles: shipped names or user files (JSON or TOML), with ``extends``.

A profile file may name another in ``extends`` (a shipped name, or a path relative
to the file). The chain is read root first, each file's values deep-merged over its
parent's (tables merge key by key; a list or a plain value replaces the parent's),
and only the merged result is validated, as a whole, so the field paths in an error
are those of the final profile. A chain that comes back to a file already in it is
refused.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from naskah.errors import InputError
from naskah.inputs import parse_json, read_text, validate
from naskah.profil.model import Profil

DEFAULT = "pusat"
"""The profile used when none is given."""

_MAX_DEPTH = 8  # deeper than any sensible chain; stops a runaway before the cycle check would
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def daftar_profil() -> list[str]:
    """Names of the shipped profiles."""
    folder = resources.files("naskah.profil").joinpath("data")
    return sorted(p.name.removesuffix(".toml") for p in folder.iterdir()
                  if p.name.endswith(".toml"))


def load_profil(source: str | os.PathLike[str] | Profil | None = None) -> Profil:
    """A validated profile from a shipped name (``"pemda"``), a file path, or as given.

    ``None`` is the default profile (``pusat``). Raises :class:`~naskah.errors.InputError`
    naming the file and the field path of every problem.
    """
    if isinstance(source, Profil):
        return source
    if source is None:
        source = DEFAULT
    if isinstance(source, str) and _NAME.match(source) and source in daftar_profil():
        return _shipped(source)
    path = Path(source)
    if not path.suffix and not path.exists():
        raise InputError(
            f"unknown profil {str(source)!r}: not a shipped profile "
            f"({', '.join(daftar_profil())}) nor a .toml/.json file"
        )
    return _resolve(_Entry.file(path))


@cache
def _shipped(name: str) -> Profil:
    # Shipped profiles never change while the process runs.
    return _resolve(_Entry.shipped(name))


class _Entry:
    """One file of an extends chain: its label for messages, key for cycles, and data."""

    def __init__(self, label: str, key: str, text: str, suffix: str, base: Path | None) -> None:
        self.label, self.key, self.base = label, key, base
        self.data = _parse(text, suffix, label)

    @classmethod
    def shipped(cls, name: str) -> _Entry:
        text = resources.files("naskah.profil").joinpath("data", f"{name}.toml").read_text(
            encoding="utf-8"
        )
        return cls(f"profil {name}", f"shipped:{name}", text, ".toml", None)

    @classmethod
    def file(cls, path: Path) -> _Entry:
        suffix = path.suffix.lower()
        if suffix not in (".toml", ".json"):
            raise InputError(f"{path}: a profile file must end in .toml or .json")
        text = read_text(path, "profile")
        return cls(str(path), f"file:{path.resolve()}", text, suffix, path.parent)

    def parent(self) -> _Entry | None:
        ref = self.data.get("extends")
        if ref is None:
            return None
        if not isinstance(ref, str) or not ref:
            raise InputError(f"{self.label}: extends: must be a profile name or a file path",
                             [("extends", "must be a profile name or a file path")])
        if _NAME.match(ref) and ref in daftar_profil():
            return _Entry.shipped(ref)
        path = Path(ref)
        if not path.is_absolute() and self.base is not None:
            path = self.base / path
        if not path.is_file():
            raise InputError(
                f"{self.label}: extends: {ref!r} is neither a shipped profile "
                f"({', '.join(daftar_profil())}) nor an existing file",
                [("extends", "unknown profile")],
            )
        return _Entry.file(path)


def _parse(text: str, suffix: str, label: str) -> dict[str, Any]:
    if suffix == ".json":
        return parse_json(text, label)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{label}: malformed TOML: {exc}", [("(toml)", str(exc))]) from None
    except RecursionError:  # tomllib recurses once per nested array or inline table
        raise InputError(f"{label}: the TOML is nested too deeply to be a profile",
                         [("(toml)", "nested too deeply")]) from None


def _resolve(entry: _Entry) -> Profil:
    chain = [entry]
    keys = [entry.key]
    while (parent := chain[-1].parent()) is not None:
        if parent.key in keys:
            names = " -> ".join([e.label for e in chain] + [parent.label])
            raise InputError(f"{entry.label}: extends forms a cycle: {names}",
                             [("extends", "cycle")])
        if len(chain) >= _MAX_DEPTH:
            raise InputError(f"{entry.label}: extends is nested more than {_MAX_DEPTH} deep",
                             [("extends", "too deep")])
        chain.append(parent)
        keys.append(parent.key)
    merged: dict[str, Any] = {}
    for item in reversed(chain):
        merged = merge(merged, item.data)
    # The name, title and parent are the file's own, never inherited.
    for own in ("nama", "judul", "extends"):
        if own in entry.data:
            merged[own] = entry.data[own]
        else:
            merged.pop(own, None)
    return validate(Profil, merged, entry.label)


def merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """``over`` deep-merged onto ``base``: tables merge key by key, other values replace."""
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


def profil_json(profil: Profil) -> str:
    """The resolved profile as indented JSON (what ``naskah profil tampil`` prints)."""
    return json.dumps(profil.model_dump(mode="json"), indent=2, ensure_ascii=False)
