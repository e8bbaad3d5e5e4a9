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
from pathlib import Path

from naskah import __version__
from naskah.errors import InputError, NaskahError
from naskah.inputs import load_naskah
from naskah.models import JENIS, jenis_class
from naskah.render import Kertas, Renderer

EXIT_OK, EXIT_FAILED, EXIT_INPUT = 0, 1, 2

Handler = Callable[[argparse.Namespace], int]


def _read_input(name: str) -> tuple[str, str]:
    """The text of an input file, or of stdin for '-'; and a label for messages."""
    if name == "-":
        return sys.stdin.read(), "<stdin>"
    path = Path(name)
    try:
        return path.read_text(encoding="utf-8"), str(path)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None


def cmd_render(args: argparse.Namespace) -> int:
    text, label = _read_input(args.input)
    naskah = load_naskah(args.jenis, text, label)
    templates = {args.jenis: args.template} if args.template else None
    renderer = Renderer(templates, kertas=args.kertas)
    out = Path(args.output)
    if out.suffix.lower() == ".pdf":
        from naskah.pdf_export import save_pdf

        save_pdf(renderer, naskah, out)
    else:
        renderer.save(naskah, out)
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

    for register in _EXTENSIONS:
        register(sub)
    return parser


# Command groups defined in their own modules (trail, berkas) register here.
_EXTENSIONS: list[Callable[[argparse._SubParsersAction[argparse.ArgumentParser]], None]] = []


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
    except BrokenPipeError:
        # The reader (e.g. `| head`) went away: not an error worth a traceback.
        sys.stderr.close()
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
