"""``naskah render-batch``: mail merge, one document per row of a CSV, XLSX or JSON-lines file."""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from naskah.cli.common import EXIT_FAILED, EXIT_OK, add_render_options, read_input, whole
from naskah.errors import InputError
from naskah.rows import Rows
from naskah.rows import read_rows as _read_rows

if TYPE_CHECKING:
    from naskah.batch import Kemajuan

FAILED_CSV = "gagal.csv"
"""Name of the report of failed rows, written into the output folder."""
PROGRESS_MODES = ("auto", "bar", "teks", "json", "off")
"""``--progress``: auto is a bar on a terminal, else text lines every few seconds."""
_TEXT_EVERY = 5.0  # seconds between two progress lines when not on a terminal


def read_rows(path: str, *, pemisah: str | None = None, encoding: str | None = None,
              sheet: str | None = None) -> Rows:
    """Rows of a ``.csv``, ``.xlsx`` or ``.jsonl`` file (:func:`naskah.rows.read_rows`)."""
    return _read_rows(path, pemisah=pemisah, encoding=encoding, sheet=sheet)


class Progress:
    """Progress of a batch on stderr: a tqdm bar, text lines, or JSON lines (one per row:
    the row, its file or problems, rows done, total, seconds so far and an estimate of
    the seconds left)."""

    def __init__(self, mode: str, total: int, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        if mode == "auto":
            mode = "bar" if self.stream.isatty() else "teks"
        self.mode, self.total = mode, total
        self.started = self._last = time.monotonic()
        self._bar: Any = None
        if mode == "bar":
            from tqdm import tqdm

            self._bar = tqdm(total=total, unit="dok", file=self.stream)

    def __call__(self, k: Kemajuan) -> None:
        elapsed = time.monotonic() - self.started
        left = elapsed / k.selesai * max(0, self.total - k.selesai) if k.selesai else None
        if self.mode == "json":
            record: dict[str, Any] = {"baris": k.baris, "selesai": k.selesai,
                                      "total": self.total, "gagal": k.gagal,
                                      "detik": round(elapsed, 3),
                                      "sisa_detik": None if left is None else round(left, 1)}
            if k.berkas is not None:
                record["berkas"] = str(k.berkas)
            if k.masalah:
                record["masalah"] = [{"lokasi": f.field, "pesan": f.reason} for f in k.masalah]
            self.stream.write(json.dumps(record, ensure_ascii=False) + "\n")
            self.stream.flush()
        elif self.mode == "bar":
            self._bar.update(k.selesai - self._bar.n)
            if k.gagal:
                self._bar.set_postfix(gagal=k.gagal, refresh=False)
        elif self.mode == "teks":
            now = time.monotonic()
            if now - self._last >= _TEXT_EVERY or k.selesai == self.total:
                self._last = now
                percent = 100 * k.selesai // self.total if self.total else 100
                sisa = f", perkiraan sisa {_hms(left)}" if left and k.selesai < self.total else ""
                self.stream.write(f"render-batch: {k.selesai} dari {self.total} baris "
                                  f"({percent}%), {k.gagal} gagal{sisa}\n")
                self.stream.flush()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def _hms(seconds: float) -> str:
    s = round(seconds)
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"


def cmd_render_batch(args: argparse.Namespace) -> int:
    if args.pdf and args.jobs == 1:
        # LibreOffice starts (most of a second) while Python imports and renders. Not
        # with a process pool: its fork must come before any thread is started.
        from naskah.pdf import warm as pdf_warm

        pdf_warm.prestart()
    from naskah.batch import render_batch
    from naskah.inputs import parse_json
    from naskah.pdf.fonts import FontWarning

    text, label = read_input(args.base)
    base = parse_json(text, label)
    if args.jobs is not None and args.jobs < 1:
        raise InputError("--jobs must be 1 or more", [("jobs", "less than 1")])
    rows = read_rows(args.rows, pemisah=args.pemisah, encoding=args.encoding, sheet=args.sheet)
    progress = Progress(args.progress, rows.total) if args.progress != "off" else None
    templates = {args.jenis: args.template} if args.template else None
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", FontWarning)
            result = render_batch(args.jenis, rows, args.output, base=base, pdf=args.pdf,
                                  jobs=args.jobs, nama_berkas=args.nama_berkas,
                                  templates=templates, profil=args.profil, kertas=args.kertas,
                                  pdfa=args.pdfa, font_check=args.font_check,
                                  kemajuan=progress,
                                  aset=None if args.base == "-" else Path(args.base).parent)
    finally:
        if progress is not None:
            progress.close()
    for warning in caught:  # in --progress json, every stderr line is a JSON object
        print(json.dumps({"peringatan": str(warning.message)}, ensure_ascii=False)
              if args.progress == "json" else f"naskah: peringatan: {warning.message}",
              file=sys.stderr)
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
    print(f"render-batch: {summary['ditulis']} ditulis, {summary['gagal']} baris gagal"
          + (f" (lihat {report})" if result.failures else ""))
    return EXIT_FAILED if result.failures else EXIT_OK


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``render-batch`` to the ``naskah`` parser."""
    from naskah.mailmerge import DEFAULT_PATTERN
    from naskah.models import JENIS_NAMES

    p = sub.add_parser(
        "render-batch",
        help="mail merge: one document per row of a CSV or JSON-lines file",
        description="Render one document per row: each row's fields (CSV headers may be "
                    "dotted paths such as rapat.tempat; a cell where BASE.json has a list "
                    "replaces the list, items separated by ';' or as a JSON list) override "
                    "BASE.json. Failed rows "
                    f"are listed in DIR/{FAILED_CSV}. Exit 0 all written, 1 some rows "
                    "failed, 2 bad input.",
    )
    p.add_argument("jenis", choices=JENIS_NAMES, metavar="JENIS", help=" | ".join(JENIS_NAMES))
    p.add_argument("base", metavar="BASE.json", help="the document every row starts from")
    p.add_argument("rows", metavar="ROWS", help="rows: a .csv, .xlsx or .jsonl file")
    p.add_argument("-o", "--output", required=True, metavar="DIR", help="output folder")
    p.add_argument("--pdf", action="store_true", help="write PDF instead of DOCX")
    p.add_argument("--jobs", type=whole(1, 256), metavar="N",
                   help="rendering processes (default: the number of cores)")
    p.add_argument("--nama-berkas", default=DEFAULT_PATTERN, metavar="PATTERN",
                   help=f"file name pattern of field paths, e.g. '{{nomor_urut:04d}}-{{hal}}' "
                        f"or '{{kepada.0}}' (default {DEFAULT_PATTERN!r})")
    p.add_argument("--template", metavar="FILE.docx", help="your own docxtpl template")
    add_render_options(p, "every document")
    p.add_argument("--pemisah", metavar="CHAR",
                   help="CSV separator: , ; | or tab (default: detected)")
    p.add_argument("--encoding", metavar="NAME",
                   help="CSV text encoding, e.g. utf-8 or cp1252 (default: UTF-8, else "
                   "Windows-1252)")
    p.add_argument("--sheet", metavar="NAME|N",
                   help="the .xlsx sheet to read, by name or position (default: the first)")
    p.add_argument("--progress", choices=PROGRESS_MODES, default="auto",
                   help="progress on stderr: a bar (on a terminal, the default), text lines "
                   "every few seconds (otherwise), one JSON object per row, or none")
    p.set_defaults(handler=cmd_render_batch)


__all__ = ["FAILED_CSV", "PROGRESS_MODES", "Progress", "add_commands", "cmd_render_batch",
           "read_rows"]
