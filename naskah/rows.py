"""Rows for a mail merge, as staff save them: CSV from Excel (any separator, UTF-8 or
Windows-1252), an ``.xlsx`` workbook, or JSON lines.

:func:`read_rows` gives a :class:`Rows`: iterate it for one dict per row (keys are the
header's field paths), or an :class:`~naskah.errors.InputError` for a row that could
not be read, so the batch records it and goes on. ``Rows.total`` counts the rows
first (one quick pass) for a progress bar.

CSV: the separator is detected on a sample (:class:`csv.Sniffer`, limited to ``,``
``;`` tab and ``|``; Excel with Indonesian settings writes ``;``) unless given; the
text is UTF-8 (with or without BOM) and, when it is not, Windows-1252, the encoding
Excel's plain "CSV" uses on Windows, unless given. A spreadsheet's cells are read as
Excel stores them: a date becomes its ISO date (``2026-11-24``; with a time,
``2026-11-24T09:00:00``), a time ``09:00``, an integer-valued number its digits
(``3``, not ``3.0``), other numbers their shortest decimal text.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable, Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from naskah.errors import InputError

Row = dict[str, Any] | InputError
"""One row: its fields, or why it could not be read."""

SUFFIXES = (".csv", ".jsonl", ".xlsx")
_SEPARATORS = ",;\t|"
_SAMPLE = 64 * 1024
_MAX_LINE = 10 * 1024 * 1024  # one JSON line, like naskah's cap on one JSON input
_FALLBACK = "cp1252"
_NL = b"\n"


class Rows:
    """The rows of one file, read lazily; see :func:`read_rows`."""

    def __init__(self, label: str, produce: Callable[[], Iterator[Row]],
                 count: Callable[[], int], *, pemisah: str | None = None,
                 encoding: str | None = None) -> None:
        self.label = label
        self.pemisah = pemisah
        """The CSV separator used (detected or given); None for other files."""
        self.encoding = encoding
        """The text encoding used (detected or given); None for .xlsx."""
        self._produce, self._count = produce, count
        self._total: int | None = None

    def __iter__(self) -> Iterator[Row]:
        return self._produce()

    @property
    def total(self) -> int:
        """How many rows the file holds (counted once, on first use)."""
        if self._total is None:
            self._total = self._count()
        return self._total


def read_rows(path: str | Path, *, pemisah: str | None = None, encoding: str | None = None,
              sheet: str | None = None) -> Rows:
    """The rows of a ``.csv``, ``.xlsx`` or ``.jsonl`` file (the header line or first
    sheet row gives the field paths). ``pemisah`` and ``encoding`` (CSV) replace the
    detection; ``sheet`` (XLSX) is a sheet's name or 1-based position (default: the
    first). Problems with the whole file raise :class:`~naskah.errors.InputError`
    naming the file and line."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(f"{p}: the rows file must end in .csv, .xlsx or .jsonl",
                         [("rows", "unknown suffix")])
    if not p.is_file():
        raise InputError(f"{p}: no such file", [("rows", "missing")])
    if suffix == ".xlsx":
        if pemisah is not None or encoding is not None:
            raise InputError("--pemisah and --encoding are for CSV files, not .xlsx",
                             [("pemisah", "not for .xlsx")])
        return _xlsx(p, sheet)
    if sheet is not None:
        raise InputError("--sheet is for .xlsx files", [("sheet", "not a workbook")])
    enc = _encoding(p, encoding)
    if suffix == ".jsonl":
        return Rows(str(p), lambda: _jsonl_rows(p, enc), lambda: _count_jsonl(p, enc),
                    encoding=enc)
    sep = _separator(p, enc, pemisah)
    # The whole file is checked before the first row is used: a broken CSV (a column
    # named twice, an unclosed quote) is refused naming its line, nothing rendered.
    total = sum(1 for _ in _csv_rows(p, enc, sep))
    return Rows(str(p), lambda: _csv_rows(p, enc, sep), lambda: total, pemisah=sep,
                encoding=enc)


# ------------------------------------------------------------------ encoding, separator


def _encoding(path: Path, given: str | None) -> str:
    """The given encoding (checked), or UTF-8 when the whole file decodes as UTF-8, else
    Windows-1252 (which must then decode it)."""
    if given is not None:
        try:
            name = codecs.lookup(given).name
        except LookupError:
            raise InputError(f"--encoding: unknown encoding {given!r} (e.g. utf-8, cp1252)",
                             [("encoding", "unknown")]) from None
        _check_decodes(path, "utf-8-sig" if name == "utf-8" else name, given)
        return "utf-8-sig" if name == "utf-8" else name
    if _decodes(path, "utf-8"):
        return "utf-8-sig"
    _check_decodes(path, _FALLBACK, "Windows-1252 (detected: not UTF-8)")
    return _FALLBACK


def _decodes(path: Path, encoding: str) -> bool:
    try:
        _check_decodes(path, encoding, encoding)
    except InputError:
        return False
    return True


def _check_decodes(path: Path, encoding: str, label: str) -> None:
    decoder = codecs.getincrementaldecoder(encoding)()
    line, offset = 1, 0
    try:
        from naskah.inputs import open_bytes

        with open_bytes(path, "rows file") as fh:
            for chunk in iter(lambda: fh.read(_SAMPLE), b""):
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError as exc:
                    where = line + chunk[:exc.start].count(_NL)
                    raise InputError(
                        f"{path} line {where}: byte "
                        f"0x{chunk[exc.start]:02x} (byte {offset + exc.start + 1}) is not "
                        f"{label} text; save the file as 'CSV UTF-8' or give --encoding",
                        [("encoding", "undecodable")]) from None
                line += chunk.count(_NL)
                offset += len(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise InputError(f"{path}: the file ends inside a character; it is not {label} text",
                         [("encoding", "truncated")]) from None
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None


def _separator(path: Path, encoding: str, given: str | None) -> str:
    if given is not None:
        value = {"tab": "\t", "\\t": "\t"}.get(given.lower(), given)
        if len(value) != 1 or value in "\"\r\n":
            raise InputError(f"--pemisah: {given!r} must be one character such as , ; or "
                             "tab", [("pemisah", "not one character")])
        return value
    with _open_text(path, encoding) as fh:
        sample = fh.read(_SAMPLE)
    if "\n" in sample[:-1] and len(sample) == _SAMPLE:
        sample = sample[:sample.rfind("\n")]  # whole lines only
    header = next(iter(csv.reader(io.StringIO(sample))), [""])
    try:
        found = csv.Sniffer().sniff(sample, delimiters=_SEPARATORS).delimiter
    except csv.Error:
        found = ""
    # The Sniffer votes on consistency; a header line that holds only one of the
    # candidates outside quotes is the stronger sign (a one-row file, commas in text).
    first = sample.split("\n", 1)[0]
    counts = {s: _unquoted_count(first, s) for s in _SEPARATORS}
    best = max(counts, key=lambda s: counts[s])
    if found and counts.get(found, 0) > 0:
        return found
    if counts[best] > 0:
        return best
    return "," if len(header) <= 1 else found or ","


def _unquoted_count(line: str, char: str) -> int:
    count, quoted = 0, False
    for c in line:
        if c == '"':
            quoted = not quoted
        elif c == char and not quoted:
            count += 1
    return count


# ------------------------------------------------------------------ readers


def _open_text(path: Path, encoding: str) -> io.TextIOWrapper:
    """The rows file as text, opened through the regular-file check (no FIFO, device or
    symlink out of the way)."""
    from naskah.inputs import open_bytes

    return io.TextIOWrapper(open_bytes(path, "rows file"), encoding=encoding, newline="")


def _csv_rows(path: Path, encoding: str, sep: str) -> Iterator[Row]:
    # The module's default field limit (128 KiB) would stop the whole batch at one long
    # cell; 10 MB bounds the memory, and the model refuses an over-long field for its row.
    csv.field_size_limit(_MAX_LINE)
    with _open_text(path, encoding) as handle:
        reader = csv.DictReader(handle, delimiter=sep, strict=True)
        try:
            # An unnamed column (Excel's trailing separator) is ignored, cells and all.
            fields = reader.fieldnames or []
            seen = [f.strip() for f in fields if f.strip()]
            if len(set(seen)) != len(seen):
                twice = sorted({f for f in seen if seen.count(f) > 1})
                raise InputError(f"{path} line 1: the header names {', '.join(twice)} twice",
                                 [("rows", "duplicate column")])
            for row in reader:
                if None in row:
                    yield InputError(f"line {reader.line_num}: more cells than the header",
                                     [("", f"line {reader.line_num}: more cells than the "
                                       "header line")])
                elif any(v for v in row.values()):
                    yield {k.strip(): v for k, v in row.items() if k and k.strip()}
        except csv.Error as exc:
            reason = ("a quote opened here is never closed"
                      if "unexpected end of data" in str(exc) else str(exc))
            # (the csv module counts the lines of the records it completed: the failing
            # one begins on the next)
            line = reader.line_num + 1
            raise InputError(f"{path} line {line}: {reason}",
                             [("rows", f"line {line}: {reason}")]) from None


def _jsonl_rows(path: Path, encoding: str) -> Iterator[Row]:
    from naskah.inputs import parse_json

    with _open_text(path, encoding) as handle:
        for number, line in enumerate(iter(lambda: handle.readline(_MAX_LINE + 1), ""), 1):
            if not line.strip():
                continue
            if len(line) > _MAX_LINE:
                yield InputError("the line is over 10 MB", [("", "line over 10 MB")])
                continue
            try:
                yield parse_json(line, "row")
            except InputError as exc:
                where = "; ".join(f"{p}: {r}" for p, r in exc.errors) or str(exc)
                yield InputError(str(exc), [("", f"line {number}: not valid JSON ({where})")])


def _count_jsonl(path: Path, encoding: str) -> int:
    with _open_text(path, encoding) as handle:
        return sum(1 for line in handle if line.strip())


def _xlsx(path: Path, sheet: str | None) -> Rows:
    def open_sheet() -> tuple[Any, Any]:
        from openpyxl import load_workbook

        try:
            book = load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises zipfile, KeyError, ... on a bad file
            raise InputError(f"{path}: not a readable .xlsx workbook ({exc})",
                             [("rows", "not a workbook")]) from None
        names = book.sheetnames
        if sheet is None:
            return book, book[names[0]]
        if sheet in names:
            return book, book[sheet]
        if sheet.isdigit() and 1 <= int(sheet) <= len(names):
            return book, book[names[int(sheet) - 1]]
        book.close()
        raise InputError(f"--sheet: {path} has no sheet {sheet!r}; it has "
                         + ", ".join(repr(n) for n in names), [("sheet", "unknown")])

    open_sheet()[0].close()  # a bad file or sheet is reported now, not mid-batch

    def produce() -> Iterator[Row]:
        book, ws = open_sheet()
        try:
            lines = ws.iter_rows(values_only=True)
            header = [str(_cell_text(v)).strip() for v in next(lines, ())]
            for row in lines:
                values = [_cell_text(v) for v in row]
                if not any(values):
                    continue
                extra = [v for v in values[len(header):] if v]
                if extra:
                    yield InputError("the row has more cells than the header",
                                     [("", "more cells than the header row")])
                    continue
                yield {k: v for k, v in zip(header, values, strict=False) if k}
        finally:
            book.close()

    def count() -> int:
        return sum(1 for _ in produce())

    return Rows(str(path), produce, count)


def _cell_text(value: Any) -> str:
    """A spreadsheet cell as the text a naskah field reads."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M") if value.second == 0 else value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


__all__ = ["SUFFIXES", "Row", "Rows", "read_rows"]
