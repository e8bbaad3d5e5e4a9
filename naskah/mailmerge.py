"""Mail merge: a row's fields over a base document, and file names from a pattern."""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from typing import Any

from naskah.errors import InputError

DEFAULT_PATTERN = "{nomor_urut:04d}"
"""Default output name: the row number, 0001, 0002, ..."""
_SAFE_NAME = re.compile(r"[^\w.\- ]+")


def merge(base: Mapping[str, Any], row: Mapping[str, Any]) -> dict[str, Any]:
    """``row`` over ``base``: objects merge key by key, anything else replaces.

    A key with dots (``rapat.tempat``, ``tembusan.0``, as CSV headers give them) sets
    that nested field; an empty CSV cell leaves the base value.
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
            out[key] = _deep_copy(value)
    return out


def _deep_copy(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _deep_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_deep_copy(v) for v in value]
    return value


def _set_path(target: Any, parts: list[str], value: Any) -> None:
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if isinstance(target, list):
            if not part.isdigit():
                raise InputError(f"{'.'.join(parts)}: {part!r} is not a list position",
                                 [(".".join(parts), "not a list position")])
            index = int(part)
            if index > len(target):
                raise InputError(f"{'.'.join(parts)}: position {index} is past the list end",
                                 [(".".join(parts), "position past the end of the list")])
            if index == len(target):
                target.append({} if not last else value)
            if last:
                target[index] = value
            target = target[index]
        else:
            if last:
                target[part] = value
            else:
                target = target.setdefault(part, {})


class Formatter(string.Formatter):
    """``{name}`` and ``{name:spec}`` only: no attribute or item access in a pattern."""

    def get_field(self, field_name: str, args: Any, kwargs: Any) -> Any:
        if not field_name.isidentifier():
            raise InputError(f"--nama-berkas: {{{field_name}}} is not a plain field name",
                             [("nama_berkas", "only {field} or {field:format} is allowed")])
        return super().get_field(field_name, args, kwargs)


def output_name(pattern: str, number: int, data: Mapping[str, Any]) -> str:
    """A file name (no extension) from ``pattern``, the row number and its top-level text fields."""
    values = {k: v for k, v in data.items() if isinstance(v, str | int | float)}
    values["nomor_urut"] = number
    try:
        name = Formatter().vformat(pattern, (), values)
    except KeyError as exc:
        raise InputError(f"--nama-berkas: the row has no field {exc.args[0]!r}",
                         [(str(exc.args[0]), "used in --nama-berkas but not in the row")]) from None
    except (ValueError, IndexError) as exc:
        raise InputError(f"--nama-berkas: {exc}", [("nama_berkas", str(exc))]) from None
    name = _SAFE_NAME.sub("-", name).strip(" .-")[:120]
    if not name:
        raise InputError("--nama-berkas gives an empty file name for this row",
                         [("nama_berkas", "empty file name")])
    return name



__all__ = ["DEFAULT_PATTERN", "Formatter", "merge", "output_name"]
