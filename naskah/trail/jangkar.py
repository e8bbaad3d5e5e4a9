"""Anchors: the head of a trail (its entry count and last entry hash) kept outside its
folder, and comparing the ledger with them.

A hash chain shows that no entry was changed, but not that none was dropped from its
end: a ledger cut after step 12, with the files of steps 13-14 removed, is a valid
shorter trail. Two anchors know better:

- the trail's register (when its settings name one): every step records the head
  there after its entry is written (:meth:`naskah.register.JangkarTrail.catat`);
- a sealed berkas PDF, whose metadata carries the head it was built from
  (``/NaskahLedgerHash``, ``/NaskahLedgerLangkah``): the ``berkas.pdf`` in the folder,
  and one given by the verifier (``trail verify --berkas-pdf FILE``), which counts
  most when kept apart from the berkas (archived, or sent with the letter).

An anchor recording more steps than the ledger holds means truncation
(:attr:`~naskah.trail.masalah.JenisMasalah.TRUNCATED`); one whose hash is not the
ledger's at that step, a rewrite or another copy (``ANCHOR``). Without an anchor
covering the whole ledger the trail is *unanchored*: truncation cannot be ruled out.
An anchor is only as good as its custody: a register the attacker can write to, or a
berkas PDF kept inside the berkas, can be rewritten or removed with it.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from naskah.errors import InputError, NaskahError, TamperError
from naskah.inputs import read_bytes
from naskah.trail import pengaturan
from naskah.trail.folder import BERKAS_PDF, SOP_FILE
from naskah.trail.masalah import Jangkar, JenisMasalah, Masalah

if TYPE_CHECKING:
    from naskah.register import Kepala, Nomor, NomorTrail
    from naskah.trail.ledger import Entry, Ledger
    from naskah.trail.pengaturan import Pengaturan
    from naskah.tte.trust import TrustStore

META_HASH, META_LANGKAH, META_BERKAS = ("/NaskahLedgerHash", "/NaskahLedgerLangkah",
                                        "/NaskahBerkas")
"""The berkas PDF's metadata keys: the ledger head it was built from, and the trail."""
MAX_BERKAS_PDF_BYTES = 512 * 1024 * 1024
"""A berkas PDF holds every document of a trail; past this it is not one naskah built."""


@dataclass
class Perbandingan:
    """What comparing the ledger with the anchors found."""

    jangkar: list[Jangkar] = field(default_factory=list)
    masalah: list[Masalah] = field(default_factory=list)
    peringatan: list[str] = field(default_factory=list)


def compare(sumber: Literal["register", "berkas-pdf"], tempat: str, langkah: int,
            hash_akhir: str, hashes: list[str], genesis: str, result: Perbandingan) -> None:
    """Compare one anchor (``langkah`` steps ending in ``hash_akhir``) with the ledger
    (its entries' ``hashes`` after the header's ``genesis``)."""
    held = len(hashes)
    if langkah > held:
        result.masalah.append(Masalah(
            JenisMasalah.TRUNCATED,
            f"the trail was truncated: {tempat} records {langkah} steps ending in "
            f"{hash_akhir[:12]}…, the ledger holds {held} (steps {held + 1}-{langkah} were "
            "dropped from its end)", held + 1, "ledger.json"))
        return
    at = hashes[langkah - 1] if langkah else genesis
    if at != hash_akhir:
        result.masalah.append(Masalah(
            JenisMasalah.ANCHOR,
            f"{tempat} records another history: after step {langkah} its hash is "
            f"{hash_akhir[:12]}…, the ledger's is {at[:12]}… (the ledger was rewritten, or "
            "this is another copy of the trail)", langkah or None, "ledger.json"))
        return
    result.jangkar.append(Jangkar(sumber, langkah, hash_akhir, tempat))
    if langkah < held:
        result.peringatan.append(
            f"{tempat} records {langkah} of the ledger's {held} steps (a step interrupted "
            f"before it anchored itself; the next step does): dropping steps "
            f"{langkah + 1}-{held} could not be seen there")


@dataclass(frozen=True)
class BacaanRegister:
    """What verify read from the trail's register (under the berkas's shared lock)."""

    tempat: str
    kepala: Kepala | None = None
    nomor: list[NomorTrail] = field(default_factory=list)
    dengan_hash: list[Nomor] = field(default_factory=list)
    gagal: str | None = None
    """Why the register could not be read (then nothing else is set)."""


def read_register(root: Path, settings: Pengaturan, berkas: str, hashes: list[str]
                  ) -> BacaanRegister | None:
    """The trail's head and numbers in its register (None: the trail has none). Never
    creates or migrates a database; a register that cannot be read says why."""
    url = settings.db_url(root)
    if url is None:
        return None
    tempat = f"the register {settings.db}"
    try:
        from sqlalchemy.exc import SQLAlchemyError

        from naskah.register.jangkar import JangkarTrail, open_existing
    except ImportError as exc:  # pragma: no cover - SQLAlchemy is a dependency
        return BacaanRegister(tempat, gagal=str(exc))
    from naskah.register.db import bound_connection, same_database

    conn = bound_connection()
    shared = conn is not None and same_database(conn.engine.url, url)
    try:
        # The database trail store's own connection when it holds the trail (it knows
        # the password the berkas's settings never keep).
        engine = conn.engine if conn is not None and shared else open_existing(url)
    except (NaskahError, SQLAlchemyError, OSError) as exc:
        return BacaanRegister(tempat, gagal=_short(exc))
    try:
        store = JangkarTrail(engine)
        return BacaanRegister(tempat, store.baca(berkas), store.nomor(berkas),
                        store.dengan_hash(hashes))
    except (NaskahError, SQLAlchemyError, OSError) as exc:
        return BacaanRegister(tempat, gagal=_short(exc))
    finally:
        if not shared:
            engine.dispose()


def compare_register(reg: BacaanRegister, hashes: list[str], genesis: str, result: Perbandingan
                     ) -> None:
    """Compare the register's head of the trail with the ledger."""
    if reg.gagal is not None:
        result.peringatan.append(f"{reg.tempat} could not be read ({reg.gagal}): the trail's "
                                 "head was not compared with it")
        return
    if reg.kepala is None:
        if hashes:
            result.peringatan.append(
                f"{reg.tempat} holds no head of this trail (its steps were made before "
                "naskah 0.3, or the register was replaced): it cannot show truncation")
        return
    compare("register", reg.tempat, reg.kepala.langkah, reg.kepala.hash_akhir, hashes,
            genesis, result)


def read_berkas_pdf(data: bytes, name: str, berkas: str, trust: TrustStore | None,
                    hashes: list[str], genesis: str, result: Perbandingan) -> None:
    """Compare the head a berkas PDF was built from with the ledger. Its seal, when it
    has one, must validate (``trust``); an unsealed one is a weaker anchor (said so)."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        info: Mapping[str, Any] = PdfReader(io.BytesIO(data), strict=False).metadata or {}
        head, count, of = (info.get(k) for k in (META_HASH, META_LANGKAH, META_BERKAS))
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as exc:
        raise InputError(f"{name}: not a readable PDF ({_short(exc)})") from None
    if not isinstance(head, str) or not isinstance(of, str):
        raise InputError(f"{name}: not a berkas PDF naskah built (no {META_HASH})")
    tempat = f"the berkas PDF {name}"
    if of != berkas:
        result.masalah.append(Masalah(JenisMasalah.ANCHOR, f"{tempat} is of another trail "
                                      f"(berkas {of}, this one is {berkas})", None, name))
        return
    if not _seal_ok(data, trust, tempat, result):
        return
    if isinstance(count, str) and count.isdigit():
        compare("berkas-pdf", tempat, int(count), head, hashes, genesis, result)
    elif head == genesis or head in hashes:  # built before the PDF carried the count
        compare("berkas-pdf", tempat, 0 if head == genesis else hashes.index(head) + 1, head,
                hashes, genesis, result)
    else:
        result.masalah.append(Masalah(
            JenisMasalah.ANCHOR, f"{tempat} was built from a ledger whose head "
            f"({head[:12]}…) this ledger does not hold: entries were dropped or rewritten",
            None, "ledger.json"))


def prepare_anchors(root: Path, ledger: Ledger, entries: list[Entry],
                    given: tuple[str, bytes] | None
                    ) -> Callable[[TrustStore | None], Perbandingan]:
    """Read the anchors now (the register's head and numbers, the berkas PDFs); compare
    them (a seal's validation needs the trust roots) when the function returned is
    called."""
    from naskah.sop.model import Sop
    from naskah.trail import penomoran

    header = ledger.header
    hashes = [str(r.get("hash")) for r in ledger.raw_entries if isinstance(r, dict)]
    try:
        settings = pengaturan.read(root, header.pengaturan_sha256)
    except (TamperError, ValueError):
        settings = None  # reported by check_chain
    register = (read_register(root, settings, header.berkas, [
        str(r.content_hash) for e in entries for r in e.keluaran if r.content_hash])
        if settings is not None else None)
    pdfs: list[tuple[str, bytes]] = []
    unread: list[str] = []
    own = root / BERKAS_PDF
    if own.is_file() and not own.is_symlink():
        try:
            pdfs.append((BERKAS_PDF, read_bytes(own, BERKAS_PDF, MAX_BERKAS_PDF_BYTES)))
        except InputError as exc:
            unread.append(f"{exc}: it anchors nothing")
    if given is not None and all(data != given[1] for _, data in pdfs):
        pdfs.append(given)
    try:
        sop: Sop | None = Sop.model_validate_json((root / SOP_FILE).read_bytes())
    except (ValueError, OSError):
        sop = None

    def finish(trust: TrustStore | None) -> Perbandingan:
        found = Perbandingan(peringatan=list(unread))
        if register is not None:
            compare_register(register, hashes, ledger.genesis, found)
            if register.gagal is None and sop is not None:
                head = register.kepala.langkah if register.kepala else 0
                found.masalah.extend(penomoran.cross_check(sop, entries, register.nomor,
                                                           register.dengan_hash, head))
        for name, data in pdfs:
            try:
                read_berkas_pdf(data, name, header.berkas, trust, hashes, ledger.genesis,
                                found)
            except InputError as exc:
                if (name, data) == given:
                    raise
                found.peringatan.append(f"{name} in the berkas is not a berkas PDF of this "
                                        f"trail ({exc}): it anchors nothing")
        return found

    return finish


def _seal_ok(data: bytes, trust: TrustStore | None, tempat: str, result: Perbandingan
             ) -> bool:
    from naskah.tte.verify import verify_pdf

    try:
        report = verify_pdf(data, trust)
    except InputError as exc:
        result.masalah.append(Masalah(JenisMasalah.ANCHOR, f"{tempat}: {exc}"))
        return False
    if not report.signatures:
        result.peringatan.append(f"{tempat} is not sealed: the head it records is only as "
                                 "good as the file's custody")
        return True
    if not report.ok:
        why = "; ".join(p for s in report.signatures for p in s.problems)
        result.masalah.append(Masalah(JenisMasalah.ANCHOR, f"{tempat}: its seal does not "
                                      f"validate ({why})"))
        return False
    return True


def _short(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    line = text[0] if text else type(exc).__name__
    return line if len(line) <= 300 else line[:297] + "..."


__all__ = ["MAX_BERKAS_PDF_BYTES", "META_BERKAS", "META_HASH", "META_LANGKAH", "BacaanRegister",
           "Perbandingan", "compare", "compare_register", "prepare_anchors", "read_berkas_pdf",
           "read_register"]
