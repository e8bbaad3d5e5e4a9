"""The rows of a batch from an upload: CSV (header line = field paths), JSON lines, or
XLSX (first sheet, first row = field paths). Each row is a dict of field path to value,
or an :class:`InputError` for a row that could not be read (it fails alone)."""

from __future__ import annotations

import io
import tempfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

from naskah.errors import InputError

JENIS_BERKAS = ("csv", "jsonl", "xlsx")


def kind_of(filename: str) -> str:
    """``csv``, ``jsonl`` or ``xlsx`` from an upload's name; InputError naming ``baris``."""
    suffix = Path(filename).suffix.lower().lstrip(".")
    if suffix not in JENIS_BERKAS:
        raise InputError("baris: the rows file must be .csv, .jsonl or .xlsx",
                         [("baris", "must be .csv, .jsonl or .xlsx")])
    return suffix


def read(data: bytes, kind: str, limit: int, work: Path) -> list[dict[str, Any] | InputError]:
    """Every row (at most ``limit``; more is an InputError naming ``baris``)."""
    if kind == "xlsx":
        rows = _xlsx(data, limit)
    else:
        from naskah.cli.batch import read_rows

        with tempfile.TemporaryDirectory(dir=work) as tmp:
            path = Path(tmp) / f"baris.{kind}"
            path.write_bytes(data)
            rows = []
            for row in read_rows(str(path)):
                rows.append(row)
                if len(rows) > limit:
                    break
    if len(rows) > limit:
        raise InputError(f"baris: more than {limit} rows", [("baris", f"over {limit} rows")])
    if not rows:
        raise InputError("baris: the file has no rows", [("baris", "no rows")])
    return rows


def _xlsx(data: bytes, limit: int) -> list[dict[str, Any] | InputError]:
    import zipfile

    from openpyxl import load_workbook

    from naskah.docx.package import PackageTooLarge, check_open_zip

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            check_open_zip(package)  # a zip bomb is refused before openpyxl unpacks it
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, PackageTooLarge, KeyError, OSError, ValueError) as exc:
        raise InputError(f"baris: not a readable XLSX file ({exc})",
                         [("baris", "not a readable XLSX file")]) from None
    try:
        sheet = book.worksheets[0]
        lines = sheet.iter_rows(values_only=True)
        header = next(lines, None)
        if header is None:
            return []
        names = [str(h).strip() if h is not None else "" for h in header]
        rows: list[dict[str, Any] | InputError] = []
        for line in lines:
            if all(v is None or v == "" for v in line):
                continue
            rows.append({k: _cell(v) for k, v in zip(names, line, strict=False) if k})
            if len(rows) > limit:
                break
        return rows
    finally:
        book.close()


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else (
            value.isoformat())
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value if isinstance(value, str) else str(value)


__all__ = ["JENIS_BERKAS", "kind_of", "read"]
