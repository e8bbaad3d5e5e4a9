"""The ``naskah`` command line.

Exit status: 0 success; 1 the operation failed or found a problem (e.g. a tampered
trail); 2 bad input (malformed JSON, invalid fields, unknown options). Errors are one
clear message on stderr, never a traceback, and no output file is left behind.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

from naskah import __version__
from naskah.errors import InputError, NaskahError
from naskah.inputs import load_naskah, parse_json, read_text
from naskah.models import JENIS, jenis_class
from naskah.render import Kertas, Renderer

EXIT_OK, EXIT_FAILED, EXIT_INPUT = 0, 1, 2

Handler = Callable[[argparse.Namespace], int]


def _read_input(name: str) -> tuple[str, str]:
    """The text of an input file, or of stdin for '-'; and a label for messages."""
    if name == "-":
        return sys.stdin.read(), "<stdin>"
    return read_text(name, "input"), name


def cmd_render(args: argparse.Namespace) -> int:
    text, label = _read_input(args.input)
    naskah = load_naskah(args.jenis, text, label)
    templates = {args.jenis: args.template} if args.template else None
    renderer = Renderer(templates, kertas=args.kertas)
    out = renderer.save(naskah, args.output)
    print(out)
    return EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    schema = jenis_class(args.jenis).model_json_schema()
    json.dump(schema, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
    return EXIT_OK


def cmd_meta(args: argparse.Namespace) -> int:
    from naskah.metadata import read_metadata

    meta = read_metadata(args.file)
    sys.stdout.write(meta.model_dump_json(indent=2) + "\n")
    return EXIT_OK


def _pairs(values: list[str] | None, option: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in values or []:
        kode, sep, value = item.partition("=")
        if not sep or not kode:
            raise InputError(f"{option} takes KODE=VALUE, got {item!r}")
        out[kode] = value
    return out


def cmd_trail_init(args: argparse.Namespace) -> int:
    from naskah.sop import Sop
    from naskah.trail import Trail

    sop = Sop.load(args.sop) if args.sop else Sop.tata_kelola_data()
    text, label = _read_input(args.pelaksana)
    roster = parse_json(text, label)
    dibuat = _datetime(args.mulai, "--mulai") if args.mulai else None
    trail = Trail.init(args.dir, roster, sop=sop, dibuat=dibuat)
    print(f"started trail '{sop.judul}' ({len(sop.langkah)} steps) in {trail.folder}")
    return EXIT_OK


def cmd_trail_do(args: argparse.Namespace) -> int:
    from naskah.data_langkah import DataLangkah
    from naskah.trail import Trail

    if args.data:
        data = DataLangkah.load(args.data)
    else:
        if not args.oleh:
            raise InputError("say who performs the step: --oleh NIP, or a --data file")
        data = DataLangkah(oleh=args.oleh).resolved(Path.cwd())
    update: dict[str, object] = {}
    if args.oleh:
        update["oleh"] = args.oleh
    for name in ("mulai", "selesai"):
        if getattr(args, name):
            update[name] = _datetime(getattr(args, name), f"--{name}")
    if args.catatan:
        update["catatan"] = args.catatan
    dokumen = {
        k: parse_json(_read_input(v)[0], v) for k, v in _pairs(args.dokumen, "--dokumen").items()
    }
    update["dokumen"] = {**data.dokumen, **dokumen}
    update["lampiran"] = {**data.lampiran, **_pairs(args.lampiran, "--lampiran")}
    update["tindakan"] = {**data.tindakan, **_pairs(args.tindakan, "--tindakan")}
    data = data.model_copy(update=update)
    entry = Trail.open(args.dir).perform(args.step, **data.perform_kwargs())
    files = [r.file for r in entry.keluaran if r.file]
    print(f"step {entry.step} performed by {entry.pelaksana.nama} ({entry.peran}); "
          f"{entry.durasi_menit:g} of {entry.standar_menit} working minutes")
    for f in files:
        print(f"  {Path(args.dir) / f}")
    return EXIT_OK


def _datetime(text: str, option: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise InputError(f"{option}: {text!r} is not an ISO date-time") from None
    if value.tzinfo is None:
        raise InputError(f"{option}: {text!r} needs a UTC offset, e.g. 2026-11-24T08:00+07:00")
    return value


def cmd_trail_status(args: argparse.Namespace) -> int:
    from naskah.ringkasan import durasi_teks, status
    from naskah.trail import Trail

    trail = Trail.open(args.dir)
    info = status(trail)
    if args.json:
        print(json.dumps(info, ensure_ascii=False, indent=2))
        return EXIT_OK
    per_hari = trail.sop.jam_kerja.menit_per_hari
    print(f"{info['sop']['judul']} — {len(info['entries'])} of {info['sop']['langkah']} steps")
    for e in info["entries"]:
        print(f"  {e['step']:>2}. {e['peran']:24} {e['pelaksana']:32} {e['selesai'][:16]}  "
              f"{durasi_teks(e['durasi_menit'], per_hari)}")
    nxt = info["next"]
    if nxt:
        print(f"next: step {nxt['step']} by {' or '.join(nxt['pelaksana'])}: {nxt['kegiatan']}")
    else:
        print(f"complete; final hash {info['hash_akhir']}")
    return EXIT_OK


def cmd_trail_verify(args: argparse.Namespace) -> int:
    from naskah.trail import Trail

    result = Trail.open(args.dir).verify()
    if result.utuh:
        print(f"intact: {result.langkah} steps, final hash {result.hash_akhir}")
        return EXIT_OK
    print(f"TAMPERED: {result.pertama}", file=sys.stderr)
    for problem in result.masalah[1:]:
        print(f"  also: {problem}", file=sys.stderr)
    return EXIT_FAILED


def cmd_trail_report(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from naskah.ringkasan import laporan_waktu, laporan_waktu_teks
    from naskah.trail import Trail

    trail = Trail.open(args.dir)
    if args.json:
        rows = [asdict(r) for r in laporan_waktu(trail)]
        print(json.dumps({"langkah": rows, "melebihi": [r["step"] for r in rows if r["melebihi"]]},
                         ensure_ascii=False, indent=2))
    else:
        print(laporan_waktu_teks(trail))
    return EXIT_OK


def cmd_berkas(args: argparse.Namespace) -> int:
    from naskah.berkas import build_berkas

    result = build_berkas(args.dir, args.output, timeout=args.timeout)
    print(f"{result.path}: {result.halaman} pages, {len(result.bookmark)} step bookmarks, "
          f"ledger hash {result.hash_akhir}")
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from naskah import demo

    out = Path(args.out_dir)
    print(f"Running SOP 'Pelaksanaan Tata Kelola Data' (14 steps) into {out}")
    trail, result = demo.run(out, progress=print)
    if not result.utuh:
        print(f"verification FAILED: {result.pertama}", file=sys.stderr)
        return EXIT_FAILED
    print(f"verified: {result.langkah} steps intact, final hash {result.hash_akhir}")
    over = [e.step for e in trail.entries() if e.melebihi]
    print(f"over the time standard: steps {', '.join(map(str, over))}" if over
          else "every step within its time standard")
    if args.no_pdf:
        print(f"open the documents in {out / 'dokumen'}; ledger: {out / 'ledger.json'}")
        return EXIT_OK
    from naskah.berkas import build_berkas

    berkas = build_berkas(out, out / "berkas.pdf", pdf_dir=out / "pdf")
    print(f"berkas PDF: {berkas.path} ({berkas.halaman} pages, {len(berkas.bookmark)} steps "
          "bookmarked)")
    print(f"open: {out / 'berkas.pdf'}, the documents in {out / 'dokumen'} (DOCX) and "
          f"{out / 'pdf'} (PDF); ledger: {out / 'ledger.json'}")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="naskah",
        description="Indonesian naskah dinas: render from JSON, run and verify SOP trails.",
    )
    parser.add_argument("--version", action="version", version=f"naskah {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("render", help="render a document from JSON to DOCX or PDF")
    p.add_argument("jenis", choices=list(JENIS), metavar="JENIS", help=" | ".join(JENIS))
    p.add_argument("input", metavar="INPUT.json", help="the document's JSON, or - for stdin")
    p.add_argument("-o", "--output", required=True, metavar="OUT",
                   help="output file; .docx or .pdf")
    p.add_argument("--template", metavar="FILE.docx", help="your own docxtpl template")
    p.add_argument("--kertas", choices=[k.value for k in Kertas], default="A4",
                   help="paper size (default A4)")
    p.set_defaults(handler=cmd_render)

    p = sub.add_parser("schema", help="print the JSON Schema of a document type")
    p.add_argument("jenis", choices=list(JENIS), metavar="JENIS", help=" | ".join(JENIS))
    p.set_defaults(handler=cmd_schema)

    p = sub.add_parser("meta", help="print the naskah metadata stored in a DOCX as JSON")
    p.add_argument("file", metavar="FILE.docx")
    p.set_defaults(handler=cmd_meta)

    trail = sub.add_parser("trail", help="run and check an SOP trail in a berkas folder")
    tsub = trail.add_subparsers(dest="trail_command", required=True, metavar="ACTION")
    p = tsub.add_parser("init", help="start a trail in DIR")
    p.add_argument("dir", metavar="DIR")
    p.add_argument("--pelaksana", required=True, metavar="FILE.json",
                   help="who holds which role: {\"peran\": {\"karo-po\": [pejabat, ...]}}")
    p.add_argument("--sop", metavar="FILE.json", help="another SOP (default: Tata Kelola Data)")
    p.add_argument("--mulai", metavar="ISO", help="when the trail started (default: now)")
    p.set_defaults(handler=cmd_trail_init)

    p = tsub.add_parser("do", help="perform step STEP")
    p.add_argument("dir", metavar="DIR")
    p.add_argument("step", type=int, metavar="STEP")
    p.add_argument("--data", metavar="FILE.json", help="the step's data (see naskah.data_langkah)")
    p.add_argument("--oleh", metavar="NIP|NAMA", help="who performs it")
    p.add_argument("--mulai", metavar="ISO", help="start time (default: previous step's end)")
    p.add_argument("--selesai", metavar="ISO", help="end time (default: now)")
    p.add_argument("--dokumen", action="append", metavar="KODE=FILE.json")
    p.add_argument("--lampiran", action="append", metavar="KODE=FILE")
    p.add_argument("--tindakan", action="append", metavar="KODE=TEKS")
    p.add_argument("--catatan", metavar="TEKS")
    p.set_defaults(handler=cmd_trail_do)

    p = tsub.add_parser("status", help="list the performed steps and the next one")
    p.add_argument("dir", metavar="DIR")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_trail_status)

    p = tsub.add_parser("verify", help="check every hash; exit 1 naming the tampered step")
    p.add_argument("dir", metavar="DIR")
    p.set_defaults(handler=cmd_trail_verify)

    p = tsub.add_parser("report", help="actual time against each step's time standard")
    p.add_argument("dir", metavar="DIR")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_trail_report)

    p = sub.add_parser("berkas", help="build one PDF dossier of a trail, bookmarked by step")
    p.add_argument("dir", metavar="DIR")
    p.add_argument("-o", "--output", required=True, metavar="BERKAS.pdf")
    p.add_argument("--timeout", type=float, default=300.0, help="seconds for LibreOffice")
    p.set_defaults(handler=cmd_berkas)

    p = sub.add_parser("demo", help="run the full 14-step Tata Kelola Data trail on example data")
    p.add_argument("out_dir", metavar="OUT_DIR")
    p.add_argument("--no-pdf", action="store_true", help="skip the PDFs (no LibreOffice needed)")
    p.set_defaults(handler=cmd_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler = args.handler
    try:
        return handler(args)
    except InputError as exc:
        print(f"naskah: error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except NaskahError as exc:
        print(f"naskah: error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("naskah: interrupted", file=sys.stderr)
        return 130
    except OSError as exc:  # disk full, permission denied, ...: a message, not a traceback
        print(f"naskah: error: {exc.strerror or exc}"
              + (f": {exc.filename}" if exc.filename else ""), file=sys.stderr)
        return EXIT_FAILED
    except BrokenPipeError:
        # The reader (e.g. `| head`) went away: not an error worth a traceback.
        sys.stderr.close()
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
