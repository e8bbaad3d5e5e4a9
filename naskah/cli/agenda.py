"""``naskah agenda``: incoming letters (masuk, daftar, ekspor) and their disposisi."""

from __future__ import annotations

import argparse
from typing import Any

from naskah.cli.common import (
    EXIT_OK,
    add_output_option,
    output_of,
    print_json,
    register_id,
    whole,
)
from naskah.cli.db import add_db_option, add_oleh_option, oleh, open_register
from naskah.errors import InputError


def cmd_masuk(args: argparse.Namespace) -> int:
    with open_register(args) as reg:
        surat = reg.agenda.masuk(
            pengirim=args.pengirim, nomor_surat=args.nomor_surat,
            tanggal_surat=args.tanggal_surat, hal=args.hal, sifat=args.sifat,
            klasifikasi=args.klasifikasi, diterima_tanggal=args.diterima, scan=args.scan,
            oleh=oleh(args))
    print(f"{surat.id}\t{surat.agenda}")
    return EXIT_OK


def cmd_daftar(args: argparse.Namespace) -> int:
    with open_register(args) as reg:
        entries = reg.agenda.daftar(tahun=args.tahun, bulan=args.bulan)
    if args.json:
        print_json([e.as_dict() for e in entries], default=str)
    else:
        for e in entries:
            print(f"{e.id}\t{e.agenda}\t{e.diterima_tanggal.isoformat()}\t{e.pengirim}\t"
                  f"{e.nomor_surat}\t{e.hal}")
    return EXIT_OK


def cmd_ekspor(args: argparse.Namespace) -> int:
    from naskah.register import ekspor

    output = output_of(args)
    if output.lower().endswith(".pdf") and (args.tahun is None or args.bulan is None):
        raise InputError("--bulan: the PDF buku agenda is of one month: give --tahun and "
                         "--bulan", [("bulan", "required")])
    with open_register(args) as reg:
        entries = reg.agenda.daftar(tahun=args.tahun, bulan=args.bulan)
        trees = {e.id: reg.disposisi.pohon(e.id) for e in entries}
    print(ekspor.tulis_agenda(entries, output, disposisi=trees, instansi=args.instansi,
                              tahun=args.tahun, bulan=args.bulan))
    return EXIT_OK


def cmd_beri(args: argparse.Namespace) -> int:
    with open_register(args) as reg:
        items = reg.disposisi.beri(args.agenda, dari=args.dari, kepada=args.kepada,
                                   instruksi=args.instruksi, tanggal=args.tanggal,
                                   batas_waktu=args.batas_waktu, induk_id=args.induk,
                                   batas_hari_kerja=args.batas_hari_kerja)
    for item in items:
        due = f"\tbatas {item.batas_waktu.isoformat()}" if args.batas_hari_kerja else ""
        print(f"{item.id}\t{item.kepada}{due}")
    return EXIT_OK


def cmd_status(args: argparse.Namespace) -> int:
    with open_register(args) as reg:
        item = reg.disposisi.ubah_status(args.id, args.status, oleh=oleh(args),
                                         catatan=args.catatan or "")
    print(f"{item.id}\t{item.status.value}")
    return EXIT_OK


def _item_dict(item: Any) -> dict[str, Any]:
    return {
        "id": item.id, "agenda_id": item.agenda_id, "induk_id": item.induk_id,
        "dari": item.dari, "kepada": item.kepada, "instruksi": item.instruksi,
        "tanggal": item.tanggal.isoformat(),
        "batas_waktu": item.batas_waktu.isoformat() if item.batas_waktu else None,
        "status": item.status.value, "catatan": item.catatan,
        "turunan": [_item_dict(t) for t in item.turunan],
    }


def _print_tree(items: list[Any], depth: int = 0) -> None:
    for item in items:
        due = f" (batas {item.batas_waktu.isoformat()})" if item.batas_waktu else ""
        print(f"{'  ' * depth}{item.id}\t{item.dari} → {item.kepada}\t{item.status.value}{due}"
              f"\t{item.instruksi}")
        _print_tree(item.turunan, depth + 1)


def cmd_pohon(args: argparse.Namespace) -> int:
    with open_register(args) as reg:
        reg.agenda.get(args.agenda)
        tree = reg.disposisi.pohon(args.agenda)
    if args.json:
        print_json([_item_dict(i) for i in tree])
    else:
        _print_tree(tree)
    return EXIT_OK


def cmd_terlambat(args: argparse.Namespace) -> int:
    with open_register(args) as reg:
        items = reg.disposisi.terlambat(args.tanggal)
    if args.json:
        print_json([_item_dict(i) for i in items])
    else:
        _print_tree(items)
    return EXIT_OK


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``naskah agenda`` to the ``naskah`` parser."""
    p = sub.add_parser("agenda", help="incoming letters (agenda surat masuk) and disposisi")
    asub = p.add_subparsers(dest="agenda_command", required=True, metavar="ACTION")
    parsers = []

    q = asub.add_parser("masuk", help="register an incoming letter; prints ID and agenda no.")
    q.add_argument("--pengirim", required=True)
    q.add_argument("--nomor-surat", required=True, help="the letter's number as written")
    q.add_argument("--tanggal-surat", required=True, help="the letter's date, YYYY-MM-DD")
    q.add_argument("--hal", required=True)
    q.add_argument("--sifat", default="Biasa", help="Sangat Segera, Segera, Biasa")
    q.add_argument("--klasifikasi", default="Biasa",
                   help="Biasa, Terbatas, Rahasia, Sangat Rahasia")
    q.add_argument("--diterima", help="date received (default today), YYYY-MM-DD")
    q.add_argument("--scan", metavar="FILE", help="a scan of the letter, stored with its hash")
    add_oleh_option(q)
    q.set_defaults(handler=cmd_masuk)
    parsers.append(q)

    for name, handler, text in (("daftar", cmd_daftar, "list the agenda"),
                                ("ekspor", cmd_ekspor, "write the buku agenda as .xlsx, .csv "
                                 "or (one month) .pdf")):
        q = asub.add_parser(name, help=text)
        if name == "ekspor":
            add_output_option(q, "OUT.xlsx|OUT.csv|OUT.pdf",
                              "the file written: .xlsx, .csv, or .pdf (one month)")
            q.add_argument("--instansi", help="the instansi named under the title")
        else:
            q.add_argument("--json", action="store_true", help="as JSON")
        q.add_argument("--tahun", type=whole(1945, 9999))
        q.add_argument("--bulan", type=whole(1, 12))
        q.set_defaults(handler=handler)
        parsers.append(q)

    d = asub.add_parser("disposisi", help="give, follow and list disposisi")
    dsub = d.add_subparsers(dest="disposisi_command", required=True, metavar="ACTION")
    q = dsub.add_parser("beri", help="give (or pass down) a disposisi; prints ID per recipient")
    q.add_argument("agenda", type=register_id, metavar="AGENDA_ID")
    q.add_argument("--dari", required=True, help="who gives it (jabatan)")
    q.add_argument("--kepada", required=True, action="append", help="recipient; repeatable")
    q.add_argument("--instruksi", required=True)
    q.add_argument("--tanggal", help="date given (default today), YYYY-MM-DD")
    q.add_argument("--batas-waktu", help="due date, YYYY-MM-DD")
    q.add_argument("--batas-hari-kerja", type=register_id, metavar="N",
                   help="due N working days after the disposisi (national holidays, cuti "
                   "bersama and $NASKAH_KALENDER counted; see `naskah kalender`)")
    q.add_argument("--induk", type=register_id, metavar="ID",
                   help="the disposisi being passed down")
    q.set_defaults(handler=cmd_beri)
    parsers.append(q)

    q = dsub.add_parser("status", help="dibaca | ditindaklanjuti | selesai | batal")
    q.add_argument("id", type=register_id, metavar="ID")
    q.add_argument("status", metavar="STATUS")
    q.add_argument("--catatan", help="the follow-up, or why it is cancelled")
    add_oleh_option(q)
    q.set_defaults(handler=cmd_status)
    parsers.append(q)

    q = dsub.add_parser("pohon", help="the disposisi tree of one letter")
    q.add_argument("agenda", type=register_id, metavar="AGENDA_ID")
    q.add_argument("--json", action="store_true", help="as JSON")
    q.set_defaults(handler=cmd_pohon)
    parsers.append(q)

    q = dsub.add_parser("terlambat", help="open disposisi past their batas waktu")
    q.add_argument("--tanggal", help="as of this date (default today)")
    q.add_argument("--json", action="store_true", help="as JSON")
    q.set_defaults(handler=cmd_terlambat)
    parsers.append(q)

    for q in parsers:
        add_db_option(q)
