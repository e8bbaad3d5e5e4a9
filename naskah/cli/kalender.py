"""``naskah kalender``: the holidays and working days deadlines are counted with."""

from __future__ import annotations

import argparse
from datetime import date
from typing import TYPE_CHECKING

from naskah.cli.common import EXIT_OK, print_json
from naskah.errors import InputError

if TYPE_CHECKING:
    from naskah.kalender import Kalender

_HARI = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]


def _kalender(args: argparse.Namespace) -> Kalender:
    from naskah.kalender import JamKerja, Kalender

    jam = None
    if args.profil is not None:
        from naskah.profil import load_profil

        jam = load_profil(args.profil).jam_kerja
    if args.hari is not None:
        try:
            days = [int(d) for d in args.hari.split(",") if d.strip()]
            jam = JamKerja.model_validate({**(jam or JamKerja()).model_dump(), "hari": days})
        except ValueError:
            raise InputError(f"--hari: {args.hari!r} is not ISO weekdays like 1,2,3,4,5",
                             [("hari", "not weekdays 1-7")]) from None
    return Kalender.muat(args.aturan, jam=jam)


def _date(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(f"{option}: {text!r} is not a date like 2026-03-17",
                         [(option, "not a date")]) from None


def cmd_libur(args: argparse.Namespace) -> int:
    kalender = _kalender(args)
    if not 1900 <= args.tahun <= 2200:
        raise InputError(f"tahun: {args.tahun} is not a year naskah counts (1900-2200)",
                         [("tahun", "out of range")])
    days = kalender.libur(args.tahun)
    if args.json:
        print_json({"kalender": kalender.versi, "libur": [
            {"tanggal": d.tanggal.isoformat(), "hari": _HARI[d.tanggal.weekday()],
             "nama": d.nama, "sumber": d.sumber} for d in days]})
        return EXIT_OK
    for d in days:
        print(f"{d.tanggal.isoformat()}\t{_HARI[d.tanggal.weekday()]}\t{d.nama}\t({d.sumber})")
    return EXIT_OK


def cmd_hari_kerja(args: argparse.Namespace) -> int:
    kalender = _kalender(args)
    result = kalender.tambah_hari_kerja(_date(args.tanggal, "tanggal"), args.n)
    if args.json:
        print_json({"tanggal": result.isoformat(), "kalender": kalender.versi})
    else:
        print(result.isoformat())
    return EXIT_OK


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``naskah kalender`` to the ``naskah`` parser."""
    p = sub.add_parser("kalender", help="holidays and working days (hari kerja) for deadlines",
                       description="National holidays and cuti bersama of Indonesia (the "
                       "holidays package), a local rules file, and the office's working "
                       "days: what deadlines in working days are counted with.")
    ksub = p.add_subparsers(dest="kalender_command", required=True, metavar="ACTION")
    q = ksub.add_parser("libur", help="list a year's holidays and cuti bersama")
    q.add_argument("tahun", type=int, metavar="TAHUN")
    q.set_defaults(handler=cmd_libur)
    r = ksub.add_parser("hari-kerja", help="the date N working days after TANGGAL")
    r.add_argument("tanggal", metavar="TANGGAL", help="YYYY-MM-DD")
    r.add_argument("n", type=int, metavar="N", help="working days (negative: before)")
    r.set_defaults(handler=cmd_hari_kerja)
    for parser in (q, r):
        parser.add_argument("--aturan", metavar="FILE.toml",
                       help="local rules: extra days off, days worked, office days "
                       "(default: $NASKAH_KALENDER)")
        parser.add_argument("--profil", metavar="NAME|FILE",
                       help="take the working days and hours from this profile's jam_kerja")
        parser.add_argument("--hari", metavar="1,2,3,4,5",
                       help="working weekdays, 1 = Senin ... 7 = Minggu (e.g. 1,2,3,4,5,6)")
        parser.add_argument("--json", action="store_true",
                            help="as JSON, with the calendar version")


__all__ = ["add_commands", "cmd_hari_kerja", "cmd_libur"]
