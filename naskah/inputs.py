"""Turning outside data (JSON text, dicts) into document models, with clear errors.

Every failure becomes an :class:`~naskah.errors.InputError` whose message names the
field path (``penandatangan.pejabat.nip``) and what is wrong with it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from naskah.errors import InputError
from naskah.models import NaskahDinas, jenis_class

M = TypeVar("M", bound=BaseModel)


def parse_json(text: str, source: str = "input") -> dict[str, Any]:
    """Parse JSON text whose top level must be an object."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{source}: malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}",
            [(f"line {exc.lineno}, column {exc.colno}", exc.msg)],
        ) from None
    except RecursionError:
        raise InputError(
            f"{source}: the JSON is nested too deeply to be a document",
            [("(top level)", "nested too deeply")],
        ) from None
    if not isinstance(data, dict):
        raise InputError(
            f"{source}: the top level must be a JSON object {{...}}, not {_json_type(data)}",
            [("(top level)", "must be an object")],
        )
    return data


def validate(model: type[M], data: Any, source: str = "input") -> M:
    """Validate data against a model, turning pydantic's errors into an InputError."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise input_error(exc, source) from None


def read_text(path: str | os.PathLike[str], what: str = "file") -> str:
    """A UTF-8 text file's content; an InputError naming the file and ``what`` it is."""
    p = Path(path)
    try:
        return p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{p}: cannot read {what}: no such file") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{p}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise InputError(f"{p}: cannot read {what}: {exc.strerror}") from None


def load_json_file(model: type[M], path: str | os.PathLike[str], what: str = "file") -> M:
    """Read a UTF-8 JSON file and validate it against ``model``; errors name the file."""
    return validate(model, parse_json(read_text(path, what), str(path)), str(path))


def load_naskah(jenis: str, data: str | dict[str, Any], source: str = "input") -> NaskahDinas:
    """A document model of type ``jenis`` from JSON text or an already parsed dict."""
    try:
        cls = jenis_class(jenis)
    except ValueError as exc:
        raise InputError(str(exc), [("jenis", str(exc))]) from None
    if isinstance(data, str):
        data = parse_json(data, source)
    return validate(cls, data, source)


def input_error(exc: ValidationError, source: str = "input") -> InputError:
    """An InputError listing each problem as 'path: reason'."""
    errors = [(_path(err["loc"]), _reason(err)) for err in exc.errors()]
    lines = [f"  {path}: {reason}" for path, reason in errors]
    noun = "problem" if len(errors) == 1 else "problems"
    return InputError(
        f"{source}: {len(errors)} {noun} in the {exc.title} data:\n" + "\n".join(lines), errors
    )


def _path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif str(part).startswith("function-") or part in ("str", "int"):
            continue  # pydantic's internal validator names say nothing to a user
        else:
            out += f".{part}" if out else str(part)
    return out or "(top level)"


def _reason(err: Any) -> str:
    msg = str(err["msg"])
    for prefix in ("Value error, ", "Assertion failed, "):
        if msg.startswith(prefix):
            msg = msg[len(prefix):]
    if err["type"] == "extra_forbidden":
        msg = "is not a known field (check the spelling; unknown fields are refused)"
    elif err["type"] == "missing":
        msg = "is required but missing"
    return msg


def _json_type(value: Any) -> str:
    return {list: "an array", str: "a string", bool: "a boolean", type(None): "null"}.get(
        type(value), "a number"
    )
