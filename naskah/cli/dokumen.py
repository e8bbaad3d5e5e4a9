"""``naskah render``, ``schema`` and ``meta``: one document at a time."""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path
from typing import Any

from naskah.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    add_render_options,
    print_json,
    read_input,
    write_output,
)
from naskah.cli.galat import peringatan
from naskah.models import JENIS_NAMES, jenis_class


def cmd_render(args: argparse.Namespace) -> int:
    from naskah.errors import InputError

    stdout = args.output == "-"
    if stdout and args.format is None:
        raise InputError("-o -: sebutkan --format docx atau --format pdf untuk keluaran ke "
                         "stdout", [("format", "required with -o -")])
    if args.format and not stdout and not args.output.lower().endswith(f".{args.format}"):
        raise InputError(f"{args.output}: --format {args.format} tetapi nama file tidak "
                         f"berakhiran .{args.format}", [("format", "disagrees with -o")])
    if (args.format or str(args.output).lower().rsplit(".", 1)[-1]) == "pdf":
        # LibreOffice starts while Python imports and renders (the renderer comes after).
        from naskah.pdf import warm as pdf_warm

        pdf_warm.prestart()
    from naskah.docx.kop import KopWarning
    from naskah.docx.renderer import Renderer
    from naskah.inputs import load_naskah
    from naskah.pdf.fonts import FontWarning

    text, label = read_input(args.input)
    naskah = load_naskah(args.jenis, text, label)
    templates = {args.jenis: args.template} if args.template else None
    renderer = Renderer(templates, profil=args.profil, kertas=args.kertas,
                        pdfa=args.pdfa, font_check=args.font_check,
                        kop=_kop(args.kop) if args.kop else None)
    kop = renderer.kop_untuk(naskah)  # refused here, before any work, when there is none
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", FontWarning)
        warnings.simplefilter("always", KopWarning)
        # The document's own images (kop.logo) are relative to its JSON file.
        aset = None if args.input == "-" else Path(args.input).parent
        if stdout:
            data = (renderer.render_pdf(naskah, aset=aset, label="<stdout>")
                    if args.format == "pdf" else renderer.render(naskah, aset=aset))
        else:
            out = renderer.save(naskah, args.output, aset=aset)
    if kop.sumber != "dokumen":
        given = f"--kop {args.kop}" if kop.sumber == "renderer" else kop.sumber
        print(f"naskah: catatan: dokumen tidak menyebut kop; memakai kop dari {given}: "
              f"{' '.join(kop.instansi.nama)}", file=sys.stderr)
    for warning in caught:
        peringatan(str(warning.message))
    if stdout:
        write_output("-", data)
    else:
        print(out)
    return EXIT_OK


def _kop(path: str) -> Any:
    """An Instansi from a JSON file; its image paths relative to that file's folder."""
    from naskah.inputs import load_json_file
    from naskah.models import Instansi

    kop = load_json_file(Instansi, path, "kop")
    folder = Path(path).parent
    images = {name: folder / value for name in ("logo", "lambang")
              if (value := getattr(kop, name)) is not None and not value.is_absolute()}
    return kop.model_copy(update=images) if images else kop


SCHEMA_LAIN = {"langkah": "the step data of `naskah trail do --data`",
               "pelaksana": "the roster (pelaksana.json) of `naskah trail init --pelaksana`"}
"""Schemas ``naskah schema`` prints besides the document types'."""


def cmd_schema(args: argparse.Namespace) -> int:
    if args.jenis == "langkah":
        from naskah.trail.data_langkah import DataLangkah

        schema = DataLangkah.model_json_schema()
    elif args.jenis == "pelaksana":
        from naskah.trail.pelaksana import DaftarPelaksana

        schema = DaftarPelaksana.model_json_schema()
    else:
        schema = jenis_class(args.jenis).model_json_schema()
    print_json(schema)
    return EXIT_OK


def cmd_meta(args: argparse.Namespace) -> int:
    from naskah.docx.metadata import periksa_keutuhan
    from naskah.errors import InputError, MetadataError

    try:
        meta, masalah = periksa_keutuhan(args.file)
    except MetadataError as exc:  # not a DOCX, refused, or no naskah metadata: bad input
        raise InputError(str(exc)) from None
    record = meta.model_dump(mode="json")
    if masalah:  # an intact document prints exactly its metadata, as before
        record["keutuhan"] = {"status": "rusak", "masalah": masalah}
    print_json(record)
    if masalah:
        from naskah.cli.galat import lapor_teks

        lapor_teks("rusak", f"{args.file}: status rusak (diubah di luar naskah; changed "
                   "outside naskah): " + "; ".join(masalah), [(None, m) for m in masalah])
        return EXIT_FAILED
    return EXIT_OK


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the subcommands of this module to the ``naskah`` parser."""
    p = sub.add_parser("render", help="render a document from JSON to DOCX or PDF")
    p.add_argument("jenis", choices=JENIS_NAMES, metavar="JENIS", help=" | ".join(JENIS_NAMES))
    p.add_argument("input", metavar="INPUT.json", help="the document's JSON, or - for stdin")
    p.add_argument("-o", "--output", required=True, metavar="OUT",
                   help="output file; .docx or .pdf, or - for stdout (binary, with --format)")
    p.add_argument("--format", choices=["docx", "pdf"], default=None,
                   help="the output's format: needed with -o -; else the file's extension")
    p.add_argument("--template", metavar="FILE.docx", help="your own docxtpl template")
    p.add_argument("--kop", metavar="KOP.json",
                   help="the kop (letterhead) for a document that names none: an instansi as "
                   "JSON (nama, unit, alamat, telepon, ..., logo relative to this file)")
    add_render_options(p, "this document")
    p.set_defaults(handler=cmd_render)

    p = sub.add_parser("schema", help="print the JSON Schema of a document type, of a "
                       "trail step's data (langkah) or of a roster (pelaksana)")
    p.add_argument("jenis", choices=[*JENIS_NAMES, *SCHEMA_LAIN], metavar="JENIS",
                   help=" | ".join([*JENIS_NAMES, *SCHEMA_LAIN]))
    p.set_defaults(handler=cmd_schema)

    p = sub.add_parser("meta", help="print the naskah metadata stored in a DOCX as JSON, "
                       "checked against the document (exit 1 if changed)")
    p.add_argument("file", metavar="FILE.docx")
    p.set_defaults(handler=cmd_meta)
