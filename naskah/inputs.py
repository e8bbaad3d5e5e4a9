"""Turning outside data (files, stdin, JSON text, dicts) into models, with clear errors.

Every failure becomes an :class:`~naskah.errors.InputError` whose message names the
file or the field path (``penandatangan.pejabat.nip``) and what is wrong with it.

Every input file is read through :func:`read_text` (or :func:`read_stdin`): only
regular files, at most :data:`MAX_JSON_BYTES` by default, UTF-8 with or without a
byte-order mark. JSON is parsed by :func:`parse_json`, which refuses duplicate keys
and integers longer than :data:`MAX_INT_DIGITS` digits. Single values given as
arguments (the register's names, notes and dates) are checked by :func:`check_teks`
and :func:`check_tanggal`, row ids by :func:`check_id`.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import IO, Any, BinaryIO, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError

from naskah.clock import now
from naskah.errors import FileTooLarge, InputError, NotARegularFile
from naskah.fileio import describe_size, open_regular, read_capped
from naskah.models import NaskahDinas, jenis_class
from naskah.models.base import Teks, TeksPanjang

M = TypeVar("M", bound=BaseModel)

MAX_JSON_BYTES = 10 * 1024 * 1024
"""Largest JSON input read (a file, stdin, a step's data or documents, a roster, an SOP)."""
MAX_INT_DIGITS = 64
"""Longest integer accepted in JSON; no field needs more, and Python refuses ~4300."""
MAX_DOCUMENT_BYTES = 100 * 1024 * 1024
"""Largest document (PDF, DOCX) read whole, e.g. to verify it (100 MB)."""


class _DuplicateKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


class _LongInteger(ValueError):
    def __init__(self, digits: int) -> None:
        super().__init__(digits)
        self.digits = digits


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)
        out[key] = value
    return out


def _integer(text: str) -> int:
    digits = len(text.lstrip("-"))
    if digits > MAX_INT_DIGITS:
        raise _LongInteger(digits)
    return int(text)


def parse_json(text: str, source: str = "input") -> dict[str, Any]:
    """Parse JSON text whose top level must be an object.

    A leading UTF-8 byte-order mark is ignored; a key given twice in one object and an
    integer of more than :data:`MAX_INT_DIGITS` digits are refused, since the last
    duplicate would silently win and a huge integer cannot be a document value.
    """
    try:
        data = json.loads(text.removeprefix("\ufeff"), object_pairs_hook=_object,
                          parse_int=_integer)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{source}: JSON rusak pada baris {exc.lineno}, kolom {exc.colno} (malformed JSON: "
            f"{exc.msg})",
            [(f"baris {exc.lineno}, kolom {exc.colno}", exc.msg)],
        ) from None
    except _DuplicateKey as exc:
        raise InputError(
            f"{source}: kunci {exc.key!r} diberikan dua kali dalam satu objek; berikan setiap "
            "ruas sekali saja",
            [(exc.key, "given twice")],
        ) from None
    except _LongInteger as exc:
        raise InputError(
            f"{source}: sebuah angka terdiri atas {exc.digits} digit; paling banyak "
            f"{MAX_INT_DIGITS} digit diterima",
            [("(number)", f"{exc.digits} digits")],
        ) from None
    except RecursionError:
        raise InputError(
            f"{source}: JSON bersarang terlalu dalam untuk sebuah dokumen",
            [("(top level)", "nested too deeply")],
        ) from None
    if not isinstance(data, dict):
        raise InputError(
            f"{source}: tingkat teratas harus objek JSON {{...}}, bukan {_json_type(data)}",
            [("(top level)", "must be an object")],
        )
    return data


def validate(model: type[M], data: Any, source: str = "input") -> M:
    """Validate data against a model, turning pydantic's errors into an InputError."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise input_error(exc, source) from None


def read_text(
    path: str | os.PathLike[str], what: str = "file", limit: int = MAX_JSON_BYTES
) -> str:
    """A UTF-8 text file's content; an InputError naming the file and ``what`` it is.

    Only a regular file is read (not a folder, FIFO or device such as ``/dev/zero``),
    and at most ``limit`` bytes of it. A UTF-8 byte-order mark is dropped.
    """
    return _decode(read_bytes(path, what, limit), str(path))


def read_bytes(
    path: str | os.PathLike[str], what: str = "file", limit: int = MAX_DOCUMENT_BYTES
) -> bytes:
    """A file's bytes, read as :func:`read_text` reads (a regular file, at most ``limit``
    bytes); an InputError naming the file and ``what`` it is."""
    p = Path(path)
    try:
        return read_capped(p, limit)
    except (OSError, NotARegularFile, FileTooLarge) as exc:
        raise _read_error(p, what, limit, exc) from None


def open_bytes(path: str | os.PathLike[str], what: str = "file") -> BinaryIO:
    """A regular file opened for streaming (binary), errors as :func:`read_bytes` gives
    them; the caller bounds how much it holds at once."""
    p = Path(path)
    try:
        return open_regular(p)
    except (OSError, NotARegularFile) as exc:
        raise _read_error(p, what, 0, exc) from None


def _read_error(p: Path, what: str, limit: int, exc: Exception) -> InputError:
    """An OSError or a reader's refusal as one InputError naming the file."""
    if isinstance(exc, FileNotFoundError):
        return InputError(f"{p}: tidak dapat membaca {what}: file tidak ada")
    if isinstance(exc, FileTooLarge):
        return InputError(f"{p}: tidak dapat membaca {what}: lebih besar dari "
                          f"{describe_size(limit)}")
    if isinstance(exc, OSError):
        return InputError(f"{p}: tidak dapat membaca {what} ({exc.strerror})")
    return InputError(f"{p}: tidak dapat membaca {what}: {exc}")


def read_stdin(what: str = "input", limit: int = MAX_JSON_BYTES,
               stream: IO[bytes] | None = None) -> str:
    """Standard input as UTF-8 text, at most ``limit`` bytes (``stream``: another source)."""
    source = stream if stream is not None else getattr(sys.stdin, "buffer", None)
    if source is None:  # sys.stdin replaced by a text stream (an embedding program, a test)
        text = sys.stdin.read(limit + 1)
        if len(text) > limit or len(text.encode("utf-8", "surrogatepass")) > limit:
            raise InputError(f"<stdin>: tidak dapat membaca {what}: lebih besar dari "
                             f"{describe_size(limit)}")
        return text.removeprefix("\ufeff")
    data = source.read(limit + 1)
    if len(data) > limit:
        raise InputError(f"<stdin>: tidak dapat membaca {what}: lebih besar dari "
                             f"{describe_size(limit)}")
    return _decode(data, "<stdin>")


def _decode(data: bytes, label: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{label}: bukan teks UTF-8 ({exc.reason} at byte {exc.start})"
                         ) from None


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


def buat(jenis: str, /, **fields: Any) -> NaskahDinas:
    """A document model of type ``jenis`` (``"nota-dinas"``, ``"undangan"``...) from its
    fields, as keyword arguments in their JSON form (nested models as dicts, dates as
    ``date`` or ISO text). Raises :class:`~naskah.errors.InputError` naming each field
    path, where the model's own constructor raises ``pydantic.ValidationError``."""
    return load_naskah(jenis, dict(fields), f"naskah.buat({jenis!r})")


def input_error(exc: ValidationError, source: str = "input") -> InputError:
    """An InputError listing each problem as 'path: reason'."""
    errors = [(_path(err["loc"]), _reason(err)) for err in exc.errors()]
    lines = [f"  {path}: {reason}" for path, reason in errors]
    return InputError(
        f"{source}: {len(errors)} masalah pada data {exc.title}:\n" + "\n".join(lines), errors
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
        msg = "bukan ruas yang dikenal (periksa ejaannya; ruas yang tidak dikenal ditolak)"
    elif err["type"] == "missing":
        msg = "wajib diisi tetapi tidak ada"
    return msg


def check_teks(value: str, field: str, *, max_length: int = 300, panjang: bool = False) -> str:
    """One line of text (``panjang``: several lines), stripped, XML-safe, not empty, at
    most ``max_length`` characters; InputError naming ``field`` otherwise."""
    try:
        checked = _teks_adapter(panjang).validate_python(value.strip())
    except ValidationError as exc:
        reason = exc.errors()[0]["msg"].removeprefix("Value error, ")
        raise InputError(f"{field}: {reason}", [(field, reason)]) from None
    if len(checked) > max_length:
        raise InputError(f"{field}: longer than {max_length} characters",
                         [(field, "too long")])
    return checked


MAX_ID = 2**31 - 1
"""The largest id a register row can have: ids are PostgreSQL ``integer`` columns."""


def id_argument(text: str, field: str = "id") -> int:
    """A register id typed as text: ASCII digits only (``int()`` would also read '١',
    '+1', ' 1' and '1_0'), within :data:`MAX_ID`; InputError naming ``field``."""
    if not (text.isascii() and text.isdigit()):
        raise InputError(f"{field}: {text[:40]!r} is not a register id (ASCII digits 0-9)",
                         [(field, "not an id")])
    # int() of thousands of digits is slow (and refused past 4300): the length first.
    value = int(text) if len(text) <= len(str(MAX_ID)) else MAX_ID + 1
    return check_id(value, field, shown=text[:40])


def check_id(value: int, field: str = "id", *, shown: str | None = None) -> int:
    """A row id as the register stores it (1..:data:`MAX_ID`); InputError naming
    ``field`` otherwise, before any database sees it (a 64-bit or larger value would
    fail there as an overflow, not as a missing row)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_ID:
        raise InputError(f"{field}: {shown or repr(value)[:40]} is not a register id (a "
                         f"whole number from 1 to {MAX_ID})", [(field, "not an id")])
    return value


MIN_TAHUN = 1945
"""The earliest year the register takes: no naskah dinas of the Republic is older."""
MAX_HARI_DEPAN = 366
"""How far ahead (days from today) a register date may lie: a year, no more."""


def check_tanggal(value: date | str | None, field: str) -> date:
    """A date (ISO text accepted; a date-time gives its date); today (UTC) when None.

    Dates before :data:`MIN_TAHUN` or more than a year ahead are refused (a typo such as
    0026 or 2206 would otherwise number a letter for good); InputError naming ``field``.
    """
    if value is None:
        return now().date()
    if isinstance(value, datetime):
        day = value.date()
    elif isinstance(value, date):
        day = value
    else:
        try:
            day = date.fromisoformat(value)
        except (TypeError, ValueError):
            raise InputError(f"{field}: {str(value)[:40]!r} is not an ISO date (YYYY-MM-DD)",
                             [(field, "not a date")]) from None
    today = now().date()
    if day.year < MIN_TAHUN or (day - today).days > MAX_HARI_DEPAN:
        raise InputError(
            f"{field}: {day.isoformat()} is outside the years the register takes "
            f"({MIN_TAHUN} to a year from today, {today.isoformat()})",
            [(field, "year out of range")])
    return day


@cache
def _teks_adapter(panjang: bool) -> TypeAdapter[str]:
    return TypeAdapter(TeksPanjang if panjang else Teks)


def _json_type(value: Any) -> str:
    return {list: "larik (array)", str: "teks (string)", bool: "boolean",
            type(None): "null"}.get(type(value), "angka")
