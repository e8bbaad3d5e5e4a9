"""Mail merge: a row's fields over a base document, and file names from a pattern.

A row comes from a CSV or spreadsheet (every value text) or a JSON-lines file (typed
values). Its keys are field paths: ``hal``, ``rapat.tempat``, ``kepada.0``. A cell
whose path holds a list in the base document replaces the whole list: its items are
separated by ``;`` (``Kepala Dinas A; Kepala Dinas B``), or the cell is a JSON list
(``["Kepala Dinas A", "Kepala Dinas B"]``, also where the base has no list, and the
way to write an item that contains ``;``). ``kepada.0`` replaces the first item only.
"""

from __future__ import annotations

import json
import re
import string
from collections.abc import Mapping
from typing import Any

from naskah.errors import InputError

DEFAULT_PATTERN = "{nomor_urut:04d}"
"""Default output name: the row number, 0001, 0002, ..."""
LIST_SEPARATOR = ";"
"""Between the items of a list written in one cell."""
_SAFE_NAME = re.compile(r"[^\w.\- ]+")
_PATH_PART = re.compile(r"^(?:[^\W\d_]\w*|\d+)$")  # a name (from a letter), or a position


def merge(base: Mapping[str, Any], row: Mapping[str, Any]) -> dict[str, Any]:
    """``row`` over ``base``: objects merge key by key, anything else replaces.

    A key with dots (``rapat.tempat``, ``tembusan.0``, as CSV headers give them) sets
    that nested field; an empty CSV cell leaves the base value; a text cell where the
    base has a list becomes a list (see the module notes).
    """
    out: dict[str, Any] = _deep_copy(base)
    for key, value in row.items():
        if value == "" or value is None:
            continue
        if "." in key:
            _set_path(out, key.split("."), value)
        elif isinstance(value, Mapping) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = _cell(out.get(key), value, key)
    return out


def _cell(current: Any, value: Any, path: str) -> Any:
    """``value`` as it replaces ``current``: a text cell becomes a list where a list was
    (or where the cell is a JSON list); anything else as it is."""
    if not isinstance(value, str):
        return _deep_copy(value)
    text = value.strip()
    if text.startswith("[") and text.endswith("]"):
        try:
            parsed = json.loads(text)
        except ValueError:
            parsed = None
        if isinstance(parsed, list):
            return parsed
        if isinstance(current, list):
            raise InputError(f"{path}: the cell starts with '[' but is not a JSON list",
                             [(path, "not a JSON list; write the items separated by ';' or "
                               "as [\"a\", \"b\"]")])
    if isinstance(current, list):
        items = [item.strip() for item in value.split(LIST_SEPARATOR)]
        return [item for item in items if item]
    return value


def _deep_copy(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _deep_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_deep_copy(v) for v in value]
    return value


def _set_path(target: Any, parts: list[str], value: Any) -> None:
    path = ".".join(parts)
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if isinstance(target, list):
            if not part.isdigit():
                raise InputError(f"{path}: {part!r} is not a list position",
                                 [(path, "not a list position")])
            index = int(part)
            if index > len(target):
                raise InputError(f"{path}: position {index} is past the list end",
                                 [(path, "position past the end of the list")])
            if index == len(target):
                target.append({} if not last else None)
            if last:
                target[index] = _cell(target[index], value, path)
            target = target[index]
        elif isinstance(target, dict):
            if last:
                target[part] = _cell(target.get(part), value, path)
            else:
                target = target.setdefault(part, {})
        else:
            raise InputError(f"{path}: {'.'.join(parts[:i])} is not an object or a list",
                             [(path, "the path goes through a value")])


def lookup(data: Any, path: str) -> Any:
    """The value at a dotted ``path`` (``rapat.tempat``, ``kepada.0``) in ``data``;
    KeyError naming the path when there is none."""
    value = data
    for part in path.split("."):
        if isinstance(value, Mapping) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            raise KeyError(path)
    return value


def check_field_name(name: str) -> None:
    """Refuse a pattern field that is not a plain dotted path (no ``[...]``, no spaces)."""
    if not name or not all(_PATH_PART.match(part) for part in name.split(".")):
        raise InputError(f"--nama-berkas: {{{name}}} is not a field path like {{hal}}, "
                         "{rapat.tempat} or {kepada.0}",
                         [("nama_berkas", "only {field.path} or {field.path:format}")])


class Formatter(string.Formatter):
    """``{path}`` and ``{path:spec}``, where path is a dotted field path (``kepada.0``);
    no attribute access or ``[...]`` indexing: a pattern only reads the row's fields."""

    def get_field(self, field_name: str, args: Any, kwargs: Any) -> Any:
        check_field_name(field_name)
        value = lookup(kwargs, field_name)
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise InputError(f"--nama-berkas: {{{field_name}}} is not text or a number",
                             [(field_name, "used in --nama-berkas but not text")])
        return value, field_name


def check_pattern(pattern: str, base: Mapping[str, Any] | None = None) -> None:
    """Check a file name pattern once, before a batch: its syntax, its field paths, and
    (where ``base`` has the field) that each format fits the base document's value.
    InputError naming ``nama_berkas``."""
    try:
        parsed = list(Formatter().parse(pattern))
    except ValueError as exc:
        raise InputError(f"--nama-berkas: {exc}", [("nama_berkas", str(exc))]) from None
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        if name == "" or name.isdigit():
            raise InputError("--nama-berkas: every {} must name a field, e.g. {hal}",
                             [("nama_berkas", "a field without a name")])
        check_field_name(name)
        if conversion is not None:
            raise InputError(f"--nama-berkas: {{{name}!{conversion}}}: no ! conversions",
                             [("nama_berkas", "no ! conversions")])
        if "{" in (spec or ""):
            raise InputError(f"--nama-berkas: {{{name}}}: no fields inside a format",
                             [("nama_berkas", "nested field")])
        try:
            value = 1 if name == "nomor_urut" else lookup(base or {}, name)
        except KeyError:
            continue  # the rows may give it
        try:
            format(value, spec or "")
        except (ValueError, TypeError) as exc:
            raise InputError(f"--nama-berkas: {{{name}:{spec}}}: {exc}",
                             [("nama_berkas", str(exc))]) from None


def output_name(pattern: str, number: int, data: Mapping[str, Any]) -> str:
    """A file name (no extension) from ``pattern``, the row number and its fields."""
    values = {**data, "nomor_urut": number}
    try:
        name = Formatter().vformat(pattern, (), values)
    except KeyError as exc:
        raise InputError(f"--nama-berkas: the row has no field {exc.args[0]!r}",
                         [(str(exc.args[0]), "used in --nama-berkas but not in the row")]) from None
    except (ValueError, IndexError, TypeError) as exc:
        raise InputError(f"--nama-berkas: {exc}", [("nama_berkas", str(exc))]) from None
    name = _SAFE_NAME.sub("-", name).strip(" .-")[:120]
    if not name:
        raise InputError("--nama-berkas gives an empty file name for this row",
                         [("nama_berkas", "empty file name")])
    return name


__all__ = [
    "DEFAULT_PATTERN",
    "LIST_SEPARATOR",
    "Formatter",
    "check_field_name",
    "check_pattern",
    "lookup",
    "merge",
    "output_name",
]
