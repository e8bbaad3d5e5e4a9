"""``naskah render-batch``: mail merge, one document per row of a CSV or JSON-lines file."""

from __future__ import annotations

import argparse
import csv
import io
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from naskah.cli.common import EXIT_FAILED, EXIT_OK, read_input, whole
from naskah.errors import InputError

FAILED_CSV = "gagal.csv"
"""Name of the report of failed rows, written into the output folder."""
_MAX_LINE = 10 * 1024 * 1024  # one JSON line, like naskah's cap on one JSON input


def read_rows(path: str) -> Iterator[dict[str, Any] | InputError]:
    """Rows of a ``.csv`` (header line = field paths) or ``.jsonl`` file, read lazily.

    A CSV is checked whole first (its header names each column once; every quote is
    closed): a broken file is refused naming the line before anything is written. A
    row that cannot be used (more cells than the header, a JSON line that does not
    parse or is over 10 MB) comes out as an :class:`InputError` for that row; an
    over-long field fails its row when the model checks it.
    """
    suffix = Path(path).suffix.lower()
    if suffix not in (".csv", ".jsonl"):
        raise InputError(f"{path}: the rows file must end in .csv or .jsonl")
    if suffix == ".csv":
        for _ in _csv_records(path):  # the whole file checked before the first row is used
            pass
        return _csv_rows(path)
    return _jsonl_rows(_open(path))


def _open(path: str) -> io.TextIOWrapper:
    from naskah.inputs import open_bytes

    return io.TextIOWrapper(open_bytes(path, "rows file"), encoding="utf-8-sig", newline="")


def _csv_records(path: str) -> Iterator[tuple[int, list[str], list[str]]]:
    """(line, header, cells) of every row; InputError naming the line when the header
    repeats a column or the file is not well-formed CSV (an unclosed quote, a field over
    10 MB, bytes that are not UTF-8)."""
    # The module's default field limit (128 KiB) would stop the whole batch at one long
    # cell; 10 MB bounds the memory, and the model refuses an over-long field for its row.
    csv.field_size_limit(_MAX_LINE)
    with _open(path) as handle:
        reader = csv.reader(handle, strict=True)
        line = 1
        try:
            header = next(reader, [])
            seen: set[str] = set()
            for name in header:
                if name and name in seen:
                    raise InputError(f"{path} line 1: the column {name!r} is named twice; "
                                     "name each field once", [(name, "column named twice")])
                seen.add(name)
            line = reader.line_num + 1
            for cells in reader:
                yield line, header, cells
                line = reader.line_num + 1
        except csv.Error as exc:
            reason = ("a quote opened here is never closed"
                      if "unexpected end of data" in str(exc) else str(exc))
            raise InputError(f"{path} line {line}: {reason}", [(f"line {line}", reason)]
                             ) from None
        except UnicodeDecodeError as exc:
            raise InputError(f"{path} line {line}: not UTF-8 text ({exc.reason})") from None


def _csv_rows(path: str) -> Iterator[dict[str, Any] | InputError]:
    for _line, header, cells in _csv_records(path):
        if not cells:
            continue  # a blank line is no row (as csv.DictReader has it)
        if len(cells) > len(header):
            yield InputError("the row has more cells than the header",
                             [("", "more cells than the header line")])
        else:
            yield {k: v for k, v in zip(header, cells, strict=False) if k}


def _jsonl_rows(handle: Any) -> Iterator[dict[str, Any] | InputError]:
    from naskah.inputs import parse_json

    with handle:
        for line in iter(lambda: handle.readline(_MAX_LINE + 1), ""):
            if not line.strip():
                continue
            if len(line) > _MAX_LINE:
                yield InputError("the line is over 10 MB", [("", "line over 10 MB")])
                continue
            try:
                yield parse_json(line, "row")
            except InputError as exc:
                where = "; ".join(f"{p}: {r}" for p, r in exc.errors) or str(exc)
                yield InputError(str(exc), [("", f"not valid JSON ({where})")])


def cmd_render_batch(args: argparse.Namespace) -> int:
    if args.pdf and args.jobs == 1:
        # LibreOffice starts (most of a second) while Python imports and renders. Not
        # with a process pool: its fork must come before any thread is started.
        from naskah.pdf import warm as pdf_warm

        pdf_warm.prestart()
    from naskah.batch import render_batch
    from naskah.inputs import parse_json

    text, label = read_input(args.base)
    base = parse_json(text, label)
    if args.jobs is not None and args.jobs < 1:
        raise InputError("--jobs must be 1 or more")
    rows = read_rows(args.rows)
    progress, bar = None, None
    if sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(unit="dok", file=sys.stderr)

        def progress(done: int) -> None:
            bar.update(done - bar.n)

    templates = {args.jenis: args.template} if args.template else None
    try:
        result = render_batch(args.jenis, rows, args.output, base=base, pdf=args.pdf,
                              jobs=args.jobs, nama_berkas=args.nama_berkas,
                              templates=templates, kertas=args.kertas, progress=progress,
                              aset=None if args.base == "-" else Path(args.base).parent)
    finally:
        if bar is not None:
            bar.close()
    report = Path(args.output) / FAILED_CSV
    if result.failures:
        with report.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(["baris", "field", "alasan"])
            for failure in result.failures:
                writer.writerow([failure.baris, failure.field, failure.reason])
    else:
        report.unlink(missing_ok=True)
    summary = {"ditulis": len(result.written), "gagal": result.failed_rows}
    print(f"render-batch: {summary['ditulis']} written, {summary['gagal']} row(s) failed"
          + (f" (see {report})" if result.failures else ""))
    return EXIT_FAILED if result.failures else EXIT_OK


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``render-batch`` to the ``naskah`` parser."""
    from naskah.mailmerge import DEFAULT_PATTERN
    from naskah.models import JENIS_NAMES
    from naskah.profil.model import Kertas

    p = sub.add_parser(
        "render-batch",
        help="mail merge: one document per row of a CSV or JSON-lines file",
        description="Render one document per row: each row's fields (CSV headers may be "
                    "dotted paths such as rapat.tempat) override BASE.json. Failed rows "
                    f"are listed in DIR/{FAILED_CSV}. Exit 0 all written, 1 some rows "
                    "failed, 2 bad input.",
    )
    p.add_argument("jenis", choices=JENIS_NAMES, metavar="JENIS", help=" | ".join(JENIS_NAMES))
    p.add_argument("base", metavar="BASE.json", help="the document every row starts from")
    p.add_argument("rows", metavar="ROWS", help="rows: a .csv or .jsonl file")
    p.add_argument("-o", "--output", required=True, metavar="DIR", help="output folder")
    p.add_argument("--pdf", action="store_true", help="write PDF instead of DOCX")
    p.add_argument("--jobs", type=whole(1, 256), metavar="N",
                   help="rendering processes (default: the number of cores)")
    p.add_argument("--nama-berkas", default=DEFAULT_PATTERN, metavar="PATTERN",
                   help=f"file name pattern, e.g. '{{nomor_urut:04d}}-{{hal}}' "
                        f"(default {DEFAULT_PATTERN!r})")
    p.add_argument("--template", metavar="FILE.docx", help="your own docxtpl template")
    p.add_argument("--kertas", choices=[k.value for k in Kertas], default="A4",
                   help="paper size")
    p.set_defaults(handler=cmd_render_batch)


__all__ = ["FAILED_CSV", "add_commands", "cmd_render_batch", "read_rows"]
