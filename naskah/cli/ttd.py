"""``naskah ttd``: sign an existing PDF (PAdES) with a PKCS#12 file, a PKCS#11 token or
BSrE, so an integrator that can only run commands needs no Python.

A PDF that is already final is refused before anything is signed (see
:mod:`naskah.tte.sudah`): certified with DocMDP P=1, or signed by someone else unless
``--tambah`` says adding a signature is intended.
"""

from __future__ import annotations

import argparse
import os
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from naskah.cli.common import EXIT_OK, write_output
from naskah.cli.galat import peringatan
from naskah.errors import InputError

if TYPE_CHECKING:
    from naskah.tte.signer import Signer

BSRE_PASSWORD_ENV = "NASKAH_BSRE_PASSWORD"


def _box(text: str) -> tuple[int, int, int, int]:
    parts = text.split(",")
    try:
        x1, y1, x2, y2 = (int(float(p)) for p in parts)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text[:40]!r}: tulis X1,Y1,X2,Y2 dalam poin (write X1,Y1,X2,Y2 in points)"
        ) from None
    if not (0 <= x1 < x2 <= 14400 and 0 <= y1 < y2 <= 14400):
        raise argparse.ArgumentTypeError(f"{text[:40]!r}: kotak tidak sah (X1<X2, Y1<Y2)")
    return x1, y1, x2, y2


def _signer(args: argparse.Namespace) -> Signer:
    from naskah.cli.kunci import signer_from_args

    chosen = [o for o, v in (("--p12", args.p12), ("--pkcs11", args.pkcs11),
                             ("--bsre", args.bsre)) if v]
    if len(chosen) != 1:
        raise InputError("penanda tangan: berikan tepat satu dari --p12, --pkcs11, --bsre"
                         + (f" (diberikan: {' '.join(chosen)})" if chosen else ""),
                         [("penandatangan", "give exactly one of --p12, --pkcs11, --bsre")])
    if not args.bsre:
        signer = signer_from_args(args)
        assert signer is not None
        return signer
    from naskah.tte.bsre import BsreClient, BsreConfig
    from naskah.tte.bsre_signer import BsreSigner
    from naskah.tte.identity import Identitas
    from naskah.tte.passphrase import Passphrase

    if not (args.nik and args.nama):
        raise InputError("--bsre: berikan juga --nik dan --nama penanda tangan",
                         [("nik", "required with --bsre")])
    user = args.bsre_user or os.environ.get("NASKAH_BSRE_USER")
    password = Passphrase.from_env(args.bsre_password_env) if user else None
    client = BsreClient(BsreConfig(args.bsre, username=user, password=password,
                                   api=args.bsre_api))
    secret = (Passphrase.from_env(args.passphrase_env) if args.passphrase_env
              else Passphrase.prompt("Passphrase BSrE: "))
    return BsreSigner(client, args.nik, Identitas(args.nama, args.nip, args.jabatan),
                      passphrase=secret)


def cmd_ttd(args: argparse.Namespace) -> int:
    from naskah.inputs import MAX_DOCUMENT_BYTES, read_bytes
    from naskah.profil import load_profil
    from naskah.tte.pades import PdfSignOptions
    from naskah.tte.qr import QrWarning
    from naskah.tte.sudah import boleh_ditandatangani

    source = Path(args.file)
    if args.output != "-" and not args.output.lower().endswith(".pdf"):
        raise InputError(f"{args.output}: keluaran harus berakhiran .pdf, atau - untuk stdout",
                         [("output", "must end in .pdf")])
    pdf = read_bytes(source, "PDF", MAX_DOCUMENT_BYTES)
    if args.posisi and args.tag:
        raise InputError("--posisi dan --tag: pilih salah satu (the tag wins otherwise)")
    # Refused before the passphrase is asked for or a service is called.
    boleh_ditandatangani(pdf, tambah=args.tambah, sertifikasi=args.sertifikasi,
                         label=str(source))
    options = PdfSignOptions(
        doc_id=args.id or source.stem,
        tte=load_profil(args.profil).tte,
        visible=not args.tak_terlihat,
        tag=args.tag,
        page=args.halaman - 1 if args.halaman else None,
        box=args.posisi,
        field_name=args.nama_ruas or _free_field(pdf),
        reason=args.alasan,
        location=args.lokasi,
        tsa_url=args.tsa,
        qr_url=args.qr_url,
        certify=args.sertifikasi,
        docmdp=args.docmdp,
    )
    signer = _signer(args)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", QrWarning)
            signed = signer.sign_pdf(pdf, options)
    finally:
        close = getattr(getattr(signer, "client", None), "close", None)
        if callable(close):
            close()
    for text in dict.fromkeys(str(w.message) for w in caught):
        peringatan(text)
    written = write_output(args.output, signed)
    if written is not None:
        who = signer.identitas
        print(f"ditandatangani oleh {who.nama}"
              + (f" (NIP {who.nip})" if who.nip else "") + f": {written}")
    return EXIT_OK


def _free_field(pdf: bytes) -> str:
    """'TTE', or 'TTE-2', 'TTE-3'... when the PDF already has a field of that name."""
    from naskah.tte.sudah import tanda_tangan_ada

    taken = {s.field_name for s in tanda_tangan_ada(pdf)}
    name, n = "TTE", 1
    while name in taken:
        n += 1
        name = f"TTE-{n}"
    return name


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``naskah ttd`` to the ``naskah`` parser."""
    from naskah.cli.common import whole
    from naskah.cli.kunci import add_signer_options

    p = sub.add_parser(
        "ttd", help="menandatangani PDF yang sudah ada (sign an existing PDF, PAdES)",
        description="Tanda tangan elektronik pada PDF yang sudah ada, dengan stempel (QR, "
                    "jabatan, nama, NIP) atau tanpa stempel. PDF yang sudah final ditolak: "
                    "disertifikasi DocMDP P=1, atau sudah ditandatangani (kecuali --tambah).")
    p.add_argument("file", metavar="FILE.pdf", help="PDF yang ditandatangani")
    p.add_argument("-o", "--output", required=True, metavar="SIGNED.pdf",
                   help="PDF bertanda tangan; - untuk stdout (biner)")
    add_signer_options(p)
    p.add_argument("--bsre", metavar="URL", help="tanda tangan melalui BSrE di alamat ini")
    p.add_argument("--bsre-api", choices=["v1", "v2"], default="v2",
                   help="versi API BSrE (default v2)")
    p.add_argument("--nik", help="dengan --bsre: NIK penanda tangan yang terdaftar di BSrE")
    p.add_argument("--nama", help="dengan --bsre: nama penanda tangan (untuk stempel)")
    p.add_argument("--nip", help="dengan --bsre: NIP penanda tangan (untuk stempel)")
    p.add_argument("--jabatan", help="dengan --bsre: jabatan penanda tangan (untuk stempel)")
    p.add_argument("--bsre-user", metavar="USER",
                   help="pengguna aplikasi di BSrE (default: $NASKAH_BSRE_USER)")
    p.add_argument("--bsre-password-env", metavar="VAR", default=BSRE_PASSWORD_ENV,
                   help=f"variabel lingkungan berisi kata sandi aplikasi ({BSRE_PASSWORD_ENV})")
    p.add_argument("--tak-terlihat", "--invisible", action="store_true",
                   help="tanpa stempel dan catatan kaki (invisible signature)")
    p.add_argument("--halaman", type=whole(1, 100000), metavar="N",
                   help="halaman stempel, mulai 1 (default: halaman terakhir)")
    p.add_argument("--posisi", type=_box, metavar="X1,Y1,X2,Y2",
                   help="kotak stempel dalam poin dari kiri bawah (default: kanan bawah)")
    p.add_argument("--tag", metavar="TEKS",
                   help="teks penanda di PDF tempat stempel diletakkan (mis. #ttd#)")
    p.add_argument("--id", metavar="ID",
                   help="ID dokumen di kode QR dan catatan kaki (default: nama file)")
    p.add_argument("--qr-url", metavar="URL",
                   help="isi kode QR apa adanya (default: url_verifikasi profil dengan ID; "
                        "tanpa keduanya: ID sebagai teks, dengan peringatan)")
    p.add_argument("--profil", metavar="NAME|FILE",
                   help="profil format yang teks stempel dan catatan kakinya dipakai")
    p.add_argument("--tsa", metavar="URL",
                   help="otoritas cap waktu RFC 3161 (PAdES B-T)")
    p.add_argument("--alasan", metavar="TEKS", default="Tanda tangan elektronik naskah dinas",
                   help="alasan yang dicatat dalam tanda tangan")
    p.add_argument("--lokasi", metavar="TEKS", help="lokasi yang dicatat dalam tanda tangan")
    p.add_argument("--nama-ruas", metavar="NAMA",
                   help="nama ruas tanda tangan (default: TTE, TTE-2, ...)")
    p.add_argument("--tambah", action="store_true",
                   help="boleh menambah tanda tangan pada PDF yang sudah ditandatangani "
                        "(tetap ditolak bila sertifikasinya DocMDP P=1)")
    p.add_argument("--sertifikasi", action="store_true",
                   help="tanda tangan sertifikasi (DocMDP); harus tanda tangan pertama")
    p.add_argument("--docmdp", type=int, choices=[1, 2, 3], default=1,
                   help="izin sertifikasi: 1 tanpa perubahan (default), 2 isian dan tanda "
                        "tangan, 3 juga anotasi")
    p.set_defaults(handler=cmd_ttd)
