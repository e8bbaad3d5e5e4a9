"""The main job: the full 14-step Tata Kelola Data trail on the packaged example data.

``naskah demo OUT_DIR`` (and ``make demo``) runs every step of the SOP as the people
in ``examples/data/trail/pelaksana.json``, across two working days, leaving a complete
berkas: every DOCX, the attachments, the ledger, and (with LibreOffice) PDFs.

The berkas renders with the ``kemenko-polhukam`` profile (Bookman Old Style 12); each
document's kop (the example data's, or the profile's for the trail's dates: the
ministry's current name) carries the project's placeholder logo. Its numbers come from
a fresh SQLite register (``register.db``): the incoming instruction the disposisi
answer is entered in the agenda (its agenda number printed on each disposisi), the
disposisi are tracked there, and the signed undangan, laporan and nota dinas take
their final numbers at signing (as the SOP's ``penomoran`` says). The buku agenda is written as
``agenda.xlsx`` beside the berkas PDF.

Everything is signed with a TEST PKI made for the run (``OUT_DIR/pki-uji``: a root
"naskah UJI — bukan untuk produksi", a PKCS#12 file per pejabat, and a test timestamp
authority that timestamps every signature, so the berkas still verifies after the test
certificates expire). Their passphrase
comes from ``NASKAH_DEMO_PASSPHRASE``; without it the demo uses the published
:data:`DEMO_PASSPHRASE` and says so. These certificates prove nothing outside the demo.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import warnings
from collections.abc import Callable
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from naskah.docx.renderer import Renderer
from naskah.errors import InputError, TamperError
from naskah.example_dates import CONTOH_MULAI, GeserTanggal, mulai_terkini
from naskah.models.instansi import Instansi
from naskah.trail import LEDGER, Trail, Verifikasi, penomoran
from naskah.trail.data_langkah import DataLangkah
from naskah.trail.folder import (
    AGENDA_XLSX,
    DEMO_PKI,
    LOCK_FILE,
    PENGATURAN_FILE,
    PROFIL_FILE,
    STAGING,
    TRUST_FILE,
    exclusive_lock,
)
from naskah.trail.ledger import Ledger
from naskah.tte.qr import QrWarning

if TYPE_CHECKING:
    from pyhanko.sign.timestamps import TimeStamper

    from naskah.register import Register, SuratMasuk
    from naskah.tte.pkcs12 import Pkcs12Signer

MULAI = CONTOH_MULAI
"""When the example trail data starts as written (Tuesday 24 November 2026, 07:55 WIB).
The demo moves it to the present (:func:`naskah.example_dates.mulai_terkini`); tests
that replay the example data as written start their trails here."""

PROFIL = "kemenko-polhukam"
"""The format profile of the demo berkas."""
REGISTER_DB = "register.db"
_DEMO_FILES = ("ledger.json", "sop.json", "pelaksana.json", "berkas.pdf", TRUST_FILE,
               PENGATURAN_FILE, PROFIL_FILE, AGENDA_XLSX, REGISTER_DB,
               *(REGISTER_DB + s for s in ("-wal", "-shm", "-journal")))
_PENCATAT = "Tata Usaha Sekretariat"
"""Who enters the incoming letter in the agenda."""
_DEMO_DIRS = ("dokumen", "lampiran", "aset", "pdf", DEMO_PKI)

PASSPHRASE_ENV = "NASKAH_DEMO_PASSPHRASE"
DEMO_PASSPHRASE = "naskah-uji-demo"
"""Used when NASKAH_DEMO_PASSPHRASE is not set: published, so the demo keys protect nothing."""


def data_dir() -> Path:
    """Folder of the packaged trail example data (examples/data/trail in the source)."""
    return Path(str(resources.files("naskah.contoh").joinpath("trail")))


def prepare(out: Path) -> None:
    """Make ``out`` ready: create it, or clear a berkas the demo itself wrote there.

    Only a folder whose ledger header carries the demo's mark is cleared; any other
    non-empty folder (a real trail above all) is refused with an
    :class:`~naskah.errors.InputError` and left untouched.
    """
    if out.exists() and not out.is_dir():
        raise InputError(f"{out} is a file, not a folder; choose another output folder")
    if out.exists() and any(out.iterdir()):
        if not (out / LEDGER).is_file():
            raise InputError(f"{out} is not empty and holds no naskah berkas; choose another")
        try:
            demo = Ledger.read(out / LEDGER).header.demo
        except (TamperError, ValueError):
            demo = False
        if not demo:
            raise InputError(
                f"{out} holds a trail that naskah demo did not create; it is never replaced. "
                "Choose another folder for the demo"
            )
        with exclusive_lock(out):
            extra = sorted(p.name for p in out.iterdir()
                           if p.name not in (*_DEMO_FILES, *_DEMO_DIRS, LOCK_FILE, STAGING))
            if extra:
                raise InputError(f"{out} holds files the demo did not write ({', '.join(extra)}); "
                                 "move them out or choose another folder")
            for name in _DEMO_FILES:
                (out / name).unlink(missing_ok=True)
            for name in _DEMO_DIRS:
                shutil.rmtree(out / name, ignore_errors=True)
            shutil.rmtree(out / STAGING, ignore_errors=True)
    out.mkdir(parents=True, exist_ok=True)


def passphrase_env() -> tuple[str, bool]:
    """The demo keys' passphrase and whether it is the published default."""
    value = os.environ.get(PASSPHRASE_ENV)
    return (value, False) if value else (DEMO_PASSPHRASE, True)


def make_pki(folder: Path, pelaksana: dict[str, Any]) -> dict[str, Any]:
    """Create the test PKI in ``folder/pki-uji``; the roster with each certificate."""
    from naskah.trail.pelaksana import DaftarPelaksana, kunci
    from naskah.tte.identity import Identitas
    from naskah.tte.pki import init_test_pki

    roster = DaftarPelaksana.model_validate(pelaksana)
    people = roster.orang()
    pki = init_test_pki(folder / DEMO_PKI, [Identitas(p.nama, p.nip, p.jabatan) for p in people],
                        passphrase_env()[0].encode("utf-8"))
    return {**pelaksana, "sertifikat": {
        kunci(p): pki.cert_pem[kunci(p)].read_text(encoding="ascii") for p in people}}


def signer(folder: Path, nip: str) -> Pkcs12Signer:
    """The demo signer of the pejabat with ``nip`` in the demo berkas ``folder``: its
    signatures are timestamped by the test PKI's timestamp authority, inside this
    process (a real trail names its TSA at ``trail init --tsa URL``), and its signed
    originals embed the test CA's CRL (PAdES B-LT)."""
    from naskah.tte.passphrase import Passphrase
    from naskah.tte.pkcs12 import Pkcs12Signer
    from naskah.tte.pki import CRL_FILE, TSA_STEM
    from naskah.tte.trust import TrustStore

    pki = Path(folder) / DEMO_PKI
    secret = passphrase_env()[0]
    key = Pkcs12Signer(pki / f"{nip}.p12", Passphrase.literal(secret))
    if not (pki / f"{TSA_STEM}.p12").is_file():  # a demo berkas made before the test TSA
        return key
    return key.bound(
        timestamper=_tsa((pki / f"{TSA_STEM}.p12").read_bytes(), secret),
        validation=TrustStore.from_files([pki / "ca.pem"], crl_files=[pki / CRL_FILE]))


@functools.lru_cache(maxsize=8)
def _tsa(p12: bytes, secret: str) -> TimeStamper:
    # Opening a PKCS#12 file costs a key derivation: once per demo PKI (by content: a
    # demo run again into the same folder makes a new one), not per step.
    from naskah.tte.tsa import local_timestamper_p12

    return local_timestamper_p12(p12, secret.encode("utf-8"))


def logo() -> Path:
    """The project's own placeholder logo (clearly not an official emblem)."""
    return data_dir().parent / "logo-contoh.png"


def run(
    out: str | Path,
    *,
    renderer: Renderer | None = None,
    progress: Callable[[str], None] | None = None,
    sampai: int | None = None,
    mulai: datetime | None = None,
) -> tuple[Trail, Verifikasi]:
    """Run all 14 steps (or up to step ``sampai``) into ``out``, each signed with the
    performer's test key, and verify the result.

    ``renderer``, when given, must render with the demo's profile (``kemenko-polhukam``).
    ``mulai`` is when the trail starts (default: :func:`~naskah.example_dates.mulai_terkini`,
    07:55 on the working day before the most recent working day whose office hours are
    over); every date of the example data moves with it, in working days.
    """
    from naskah.register import Register, ekspor

    folder = Path(out)
    prepare(folder)
    base = data_dir()
    pelaksana = make_pki(folder, json.loads((base / "pelaksana.json").read_text(
        encoding="utf-8")))
    first = DataLangkah.load(base / "langkah-01.json").oleh
    mulai = mulai or mulai_terkini()
    geser = GeserTanggal(mulai)
    url = f"sqlite:///{(folder / REGISTER_DB).resolve()}"
    with Register(url) as reg:
        trail = Trail.init(folder, pelaksana, dibuat=mulai, renderer=renderer, demo=True,
                           trust=[folder / DEMO_PKI / "ca.pem"], oleh=first,
                           signer=signer(folder, first), register=url, profil=PROFIL)
        kop = Instansi.kemenko_polhukam(MULAI.date()).model_dump(mode="json",
                                                                 exclude_none=True)
        surat: dict[str, SuratMasuk] = {}
        diterima: dict[str, int] = {}
        for langkah in trail.sop.langkah[:sampai]:
            data = langkah_contoh(langkah.nomor, geser)
            dokumen = {kode: _demo_dokumen(trail, reg, kode, dict(model), kop, surat, diterima)
                       for kode, model in data.dokumen.items() if isinstance(model, dict)}
            data = data.model_copy(update={"dokumen": {**data.dokumen, **dokumen}})
            with warnings.catch_warnings():
                # The demo has no public page: its QR codes hold the document id, as
                # the README says, without a warning per step.
                warnings.simplefilter("ignore", QrWarning)
                entry = trail.perform(langkah.nomor, **data.perform_kwargs(),
                                      signer=signer(folder, data.oleh))
            if progress:
                files = ", ".join(r.file for r in entry.keluaran if r.file) or "(tindakan)"
                progress(f"  {entry.step:>2}. {entry.pelaksana.nama:32} {files}")
        entries = reg.agenda.daftar()
        ekspor.tulis_agenda(entries, folder / AGENDA_XLSX,
                            disposisi={e.id: reg.disposisi.pohon(e.id) for e in entries},
                            instansi=" ".join(Instansi.kemenko_polhukam().nama))
    return trail, trail.verify()


def langkah_contoh(nomor: int, geser: GeserTanggal | None = None) -> DataLangkah:
    """The example data of step ``nomor``, its dates moved by ``geser`` when given."""
    data = DataLangkah.load(data_dir() / f"langkah-{nomor:02d}.json")
    if geser is None:
        return data
    return DataLangkah.model_validate(geser(data.model_dump(mode="json")))


def _demo_dokumen(trail: Trail, reg: Register, kode: str, model: dict[str, Any],
                  kop: dict[str, Any], surat: dict[str, SuratMasuk],
                  diterima: dict[str, int]) -> dict[str, Any]:
    """The example document as the demo's office writes it: its kop with the logo, the
    agenda number of the letter a disposisi answers, no nomor where the register gives
    one at signing. A disposisi is also tracked in the register."""
    model["kop"] = {**model.get("kop", kop), "logo": str(logo())}
    if penomoran.rule_for(trail.sop, kode) is not None:
        model.pop("nomor", None)
    if "nomor_surat" not in model:
        return model
    key = model["nomor_surat"]
    if key not in surat:  # the first disposisi on a letter: the letter enters the agenda
        surat[key] = reg.agenda.masuk(
            pengirim=model["surat_dari"], nomor_surat=key, tanggal_surat=model["tanggal_surat"],
            hal=model["hal"], sifat=model.get("sifat", "Biasa"),
            klasifikasi=model.get("klasifikasi", "Biasa"),
            diterima_tanggal=model["diterima_tanggal"], oleh=_PENCATAT)
    entry = surat[key]
    model["nomor_agenda"] = entry.agenda
    dari = model["pemberi"]["jabatan"]
    items = reg.disposisi.beri(
        entry.id, dari=dari, kepada=list(model["diteruskan_kepada"]),
        instruksi=model.get("catatan") or "; ".join(model.get("harapan", [])) or model["hal"],
        tanggal=model["tanggal"], induk_id=diterima.get(dari))
    for item in items:
        diterima.setdefault(item.kepada, item.id)
    return model
