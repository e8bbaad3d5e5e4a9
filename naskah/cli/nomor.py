"""``naskah nomor``: the numbers register (pola, ambil, final, sisipan, batal, daftar, ekspor).

The database stack is imported inside the handlers, so it costs nothing for the
other commands' start time.
"""

from __future__ import annotations

import argparse

from naskah.cli.common import (
    EXIT_OK,
    add_output_option,
    output_of,
    print_json,
    register_id,
    whole,
)
from naskah.cli.db import add_db_option, add_oleh_option, oleh, open_register


def cmd_pola(args: argparse.Namespace) -> int:
    with open_register(args) as reg:
        if args.muat:
            from naskah.inputs import load_json_file
            from naskah.register import DaftarPola

            reg.simpan_pola(*load_json_file(DaftarPola, args.muat, "pattern file").pola)
        patterns = reg.daftar_pola()
    if args.json:
        print_json([p.model_dump() for p in patterns])
    else:
        for p in patterns:
            print(f"{p.nama}\t{p.format}\t{p.keterangan}")
    return EXIT_OK


def cmd_ambil(args: argparse.Namespace) -> int:
    with open_register(args) as reg:
        take = reg.ambil_sementara if args.sementara else reg.ambil_final
        nomor = take(args.pola, unit=args.unit, kka=args.kka, klasifikasi=args.klasifikasi,
                     tanggal=args.tanggal, oleh=oleh(args), dokumen=args.dokumen or "",
                     content_hash=args.content_hash)
    print(f"{nomor.id}\t{nomor.teks}" if args.sementara else nomor.teks)
    return EXIT_OK


def cmd_sisipan(args: argparse.Namespace) -> int:
    with open_register(args) as reg:
        nomor = reg.sisipan(args.pola, unit=args.unit, kka=args.kka,
                            klasifikasi=args.klasifikasi, tanggal=args.tanggal,
                            oleh=oleh(args), dokumen=args.dokumen or "",
                            content_hash=args.content_hash)
    print(nomor.teks)
    return EXIT_OK


def cmd_final(args: argparse.Namespace) -> int:
    with open_register(args) as reg:
        nomor = reg.final(args.id, oleh=oleh(args), tanggal=args.tanggal,
                          content_hash=args.content_hash)
    print(nomor.teks)
    return EXIT_OK


def cmd_batal(args: argparse.Namespace) -> int:
    with open_register(args) as reg:
        nomor = reg.batal(args.nomor, alasan=args.alasan, oleh=oleh(args))
    print(f"{nomor.teks}\tbatal")
    return EXIT_OK


def cmd_daftar(args: argparse.Namespace) -> int:
    with open_register(args) as reg:
        numbers = reg.daftar(tahun=args.tahun, unit=args.unit, pola=args.pola)
    if args.json:
        print_json([n.as_dict() for n in numbers], default=str)
    else:
        for n in numbers:
            print(f"{n.id}\t{n.teks}\t{n.status}\t{n.tanggal.isoformat()}\t{n.dibuat_oleh}")
    return EXIT_OK


def cmd_ekspor(args: argparse.Namespace) -> int:
    from naskah.register import ekspor

    with open_register(args) as reg:
        numbers = reg.daftar(tahun=args.tahun, unit=args.unit, pola=args.pola)
    print(ekspor.tulis(ekspor.tabel_nomor(numbers), output_of(args), "Register Nomor"))
    return EXIT_OK


def _scope(p: argparse.ArgumentParser) -> None:
    p.add_argument("--pola", required=True, metavar="NAME",
                   help="pattern name (see `naskah nomor pola`), e.g. surat, nota-dinas")
    p.add_argument("--unit", required=True, help="unit code, e.g. Ses.PO")
    p.add_argument("--kka", help="kode klasifikasi arsip, e.g. OT.01.02")
    p.add_argument("--klasifikasi", default="Biasa",
                   help="klasifikasi keamanan: Biasa, Terbatas, Rahasia, Sangat Rahasia")
    p.add_argument("--dokumen", help="which document the number is for (a short title)")
    p.add_argument("--content-hash", help="SHA-256 content hash of that document")


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``naskah nomor`` to the ``naskah`` parser."""
    p = sub.add_parser("nomor", help="the numbers register: take, finalise, cancel, list")
    nsub = p.add_subparsers(dest="nomor_command", required=True, metavar="ACTION")

    q = nsub.add_parser("pola", help="list the numbering patterns")
    q.add_argument("--muat", metavar="FILE.json", help="first add/replace patterns from a file")
    q.add_argument("--json", action="store_true", help="as JSON")
    q.set_defaults(handler=cmd_pola)

    q = nsub.add_parser("ambil", help="take a final number (printed alone on stdout)")
    _scope(q)
    q.add_argument("--tanggal", help="date of the document (default today), YYYY-MM-DD")
    q.add_argument("--sementara", action="store_true",
                   help="a provisional number for a konsep: prints its ID and text")
    q.set_defaults(handler=cmd_ambil)

    q = nsub.add_parser("sisipan", help="a nomor sisipan (123a) for a back-dated letter")
    _scope(q)
    q.add_argument("--tanggal", required=True, help="the letter's date, YYYY-MM-DD")
    q.set_defaults(handler=cmd_sisipan)

    q = nsub.add_parser("final", help="make a provisional number final")
    q.add_argument("id", type=register_id, metavar="ID")
    q.add_argument("--tanggal", help="signing date (default today), YYYY-MM-DD")
    q.add_argument("--content-hash", help="SHA-256 content hash of the signed document")
    q.set_defaults(handler=cmd_final)

    q = nsub.add_parser("batal", help="cancel a number (never reused)")
    q.add_argument("nomor", metavar="NOMOR", help="the number as printed, or its ID")
    q.add_argument("--alasan", required=True, help="why it is cancelled")
    q.set_defaults(handler=cmd_batal)

    for name, handler, text in (("daftar", cmd_daftar, "list the numbers"),
                                ("ekspor", cmd_ekspor, "write the register as .xlsx or .csv")):
        q = nsub.add_parser(name, help=text)
        if name == "ekspor":
            add_output_option(q, "OUT.xlsx|OUT.csv", "the file written: .xlsx or .csv")
        else:
            q.add_argument("--json", action="store_true", help="as JSON")
        q.add_argument("--tahun", type=whole(1945, 9999))
        q.add_argument("--unit")
        q.add_argument("--pola")
        q.set_defaults(handler=handler)

    for q in nsub.choices.values():
        add_db_option(q)
        if q.prog.split()[-1] in ("ambil", "sisipan", "final", "batal"):
            add_oleh_option(q)
