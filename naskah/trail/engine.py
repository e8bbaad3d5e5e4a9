"""The trail engine: an SOP run step by step in a berkas folder, with a tamper-evident ledger.

A berkas folder holds::

    sop.json          the SOP the trail runs under (canonical JSON)
    pelaksana.json    who holds which role, and each official's certificate
    trust.pem         the trust roots the certificates chain to
    ledger.json       the hash-chained entries, one per step, each signed by its performer
    dokumen/NN-kode.docx    documents, one file per step that produced or approved them
    dokumen/NN-kode.pdf     signed originals (PAdES) of the documents signed at step NN
    lampiran/NN-kode.ext    attached files (and outside inputs)
    aset/NN-kode-logo.ext   kop logos the documents use
    pengaturan.json   (optional) the register and format profile (naskah.trail.pengaturan)
    profil.json       (optional) the resolved format profile every document renders with

Steps may be performed days apart and from different processes. Each
:meth:`Trail.perform` takes the exclusive lock, removes what a crashed step left,
checks the ledger's chain and the files the step depends on, applies the SOP's rules
(:mod:`naskah.trail.rules`), builds its documents (:mod:`naskah.trail.approvals`),
stages and places its files (:mod:`naskah.trail.folder`) and only then appends its
entry. Readers (:meth:`Trail.verify`, status, report, the berkas PDF) take a shared
lock, so they never see half a step.

Nothing is done without the key of the official doing it (:mod:`naskah.trail.signatures`):
the header is signed by whoever starts the trail, each entry by its performer, each
paraf by its giver, and each tanda tangan makes a PAdES-signed PDF of the document.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from naskah.docx.renderer import Renderer, default_renderer
from naskah.errors import InputError, TamperError, TrailError
from naskah.models import NaskahDinas
from naskah.profil import Profil
from naskah.sop.model import Langkah, Sop
from naskah.trail import cap_waktu, mulai, pengaturan, rules
from naskah.trail.folder import LEDGER, PELAKSANA_FILE, SOP_FILE, shared_lock
from naskah.trail.ledger import Entry, Header, Ledger
from naskah.trail.pelaksana import DaftarPelaksana
from naskah.trail.sources import MAX_LAMPIRAN_BYTES
from naskah.trail.step import perform_step, read_model
from naskah.trail.verification import Kemajuan, Verifikasi, verify_deferred

if TYPE_CHECKING:
    from naskah.tte.signer import Signer
    from naskah.tte.trust import Revocation, TrustStore

class Trail:
    """A trail in a berkas folder. Start one with :meth:`init`, reopen with :meth:`open`.

    ``max_lampiran`` caps each attachment's size in bytes (default 50 MB, at most
    :data:`naskah.trail.baca.MAX_RECORDED_BYTES`, 1 GB: verification refuses larger
    files as planted). The signed
    originals show what the berkas's format profile says in its ``[tte]`` (stamp label,
    footer statement, verification URL): the renderer's profile.
    """

    def __init__(self, folder: Path, renderer: Renderer | None = None, *,
                 max_lampiran: int = MAX_LAMPIRAN_BYTES) -> None:
        from naskah.trail.baca import MAX_RECORDED_BYTES

        if not 0 < max_lampiran <= MAX_RECORDED_BYTES:
            raise InputError(f"max_lampiran: {max_lampiran} bytes; give 1 to "
                             f"{MAX_RECORDED_BYTES} (1 GB)", [("max_lampiran", "out of range")])
        self.folder = folder
        self.renderer = renderer or default_renderer()
        self.max_lampiran = max_lampiran

    # ------------------------------------------------------------ lifecycle

    @classmethod
    def init(
        cls,
        folder: str | os.PathLike[str],
        pelaksana: DaftarPelaksana | Mapping[str, Any],
        *,
        sop: Sop | None = None,
        dibuat: datetime | None = None,
        renderer: Renderer | None = None,
        demo: bool = False,
        trust: Sequence[str | os.PathLike[str]] = (),
        oleh: str | None = None,
        signer: Signer | None = None,
        register: str | None = None,
        profil: str | os.PathLike[str] | Profil | None = None,
        sertifikat: Mapping[str, str | os.PathLike[str]] | None = None,
        tsa: str | None = None,
        url_publik: str | None = None,
    ) -> Trail:
        """Start a trail in ``folder`` (created if needed; must hold no trail yet).

        ``pelaksana`` must bind every official to their certificate (its ``sertifikat``,
        by NIP, or certificate files given here in ``sertifikat``, NIP -> PEM file, over
        the roster's); a certificate issued to another name or NIP is refused. ``trust`` names
        the root CA file(s) the certificates chain to (kept in the berkas as
        ``trust.pem``). ``oleh`` (NIP or name, in the roster) starts the trail and signs
        the ledger header with ``signer``, their own key. ``demo`` marks the berkas as
        written by ``naskah demo``, the only kind of folder the demo may later replace.

        ``register`` is the URL of the register that numbers the documents at signing
        (as each SOP output's ``penomoran`` says); without one they keep the nomor their
        data carries. ``profil`` (a shipped name, a file or a
        :class:`~naskah.profil.Profil`) is the format profile every document of the
        berkas renders with; it is copied into the berkas. Both are kept in the berkas's
        settings (:mod:`naskah.trail.pengaturan`), whose hash the signed header holds
        like those of the SOP, the roster and the trust roots. ``tsa`` (an RFC 3161 URL)
        timestamps every signature of the trail, the header's first
        (:mod:`naskah.trail.cap_waktu`); an unreachable TSA refuses the start.
        ``url_publik`` is the address of the ``naskah serve`` sharing the register,
        whose public page answers the signed originals' QR codes (kept in the settings).
        """
        root = mulai.start(folder, pelaksana, sop=sop, dibuat=dibuat, demo=demo, trust=trust,
                           oleh=oleh, signer=signer, register=register, profil=profil,
                           sertifikat=sertifikat, tsa=tsa, url_publik=url_publik)
        return cls.open(root, renderer)

    @classmethod
    def open(cls, folder: str | os.PathLike[str], renderer: Renderer | None = None, *,
             max_lampiran: int = MAX_LAMPIRAN_BYTES) -> Trail:
        """Open an existing trail."""
        root = Path(folder)
        if not (root / LEDGER).is_file():
            raise TrailError(f"{root} holds no trail ({LEDGER} not found); start one with init")
        with shared_lock(root):
            try:
                header = Ledger.read(root / LEDGER).header
                profil = pengaturan.profil(root, pengaturan.read(root, header.pengaturan_sha256))
            except (TamperError, ValueError):
                # A damaged berkas still opens, for verify to name what is wrong; a step
                # checks the settings first (check_chain) and refuses.
                profil = None
            renderer = _renderer_for(profil, renderer)
        return cls(root, renderer, max_lampiran=max_lampiran)

    # ------------------------------------------------------------ reading

    @property
    def sop(self) -> Sop:
        """The SOP this trail runs under (from the berkas's sop.json)."""
        return read_model(Sop, self.folder / SOP_FILE)

    @property
    def pelaksana(self) -> DaftarPelaksana:
        """The roster of this berkas."""
        return read_model(DaftarPelaksana, self.folder / PELAKSANA_FILE)

    @property
    def pengaturan(self) -> pengaturan.Pengaturan:
        """The berkas's settings: its register and format profile (checked against the
        ledger header)."""
        return pengaturan.read(self.folder, self.header.pengaturan_sha256)

    @property
    def header(self) -> Header:
        return self.ledger().header

    def ledger(self) -> Ledger:
        """The ledger as stored (read under the shared lock)."""
        with shared_lock(self.folder):
            return Ledger.read(self.folder / LEDGER)

    def entries(self) -> list[Entry]:
        """The ledger's entries, in order."""
        try:
            return self.ledger().entries()
        except (ValueError, RecursionError) as exc:
            raise TamperError(f"{LEDGER}: an entry is malformed; run verify ({exc})") from None

    def next_step(self) -> Langkah | None:
        """The step to perform next, or None when the trail is complete."""
        done = len(self.ledger().raw_entries)
        langkah = self.sop.langkah
        return langkah[done] if done < len(langkah) else None

    def dokumen(self, kode: str) -> Path:
        """The current file of an output (its latest version); InputError naming ``kode``
        when the trail has none yet."""
        state = rules.Keadaan.of(self.entries())
        if kode not in state.refs or state.refs[kode][1].file is None:
            raise InputError(f"kode: no file for {kode!r} in this trail yet",
                             [("kode", "no file yet")])
        return self.folder / str(state.refs[kode][1].file)

    def verify(self, trust: TrustStore | None = None, *,
               berkas_pdf: str | os.PathLike[str] | None = None,
               revocation: Revocation | None = None,
               kemajuan: Kemajuan | None = None) -> Verifikasi:
        """Recompute every hash, check every file, every rule of the SOP on every
        recorded step and every signature, and compare the trail's head with its anchors
        (its register, the berkas PDF); report problems in step order.

        ``trust``: the roots to check signatures against (default: the berkas's own
        ``trust.pem``, which proves nothing about who made the berkas: the result says
        so, :attr:`Verifikasi.trust_berkas`); give your own to rule out a self-made PKI.
        ``berkas_pdf``: a berkas PDF of this trail kept elsewhere, whose recorded head
        shows whether entries were dropped since. Without any anchor covering the whole
        ledger the result is ``unanchored`` (:attr:`Verifikasi.status`).
        ``revocation``: CRLs (``--crl``) and OCSP to check the certificates against.
        ``kemajuan(tahap, selesai, total)`` is told how far the check is.
        """
        given = None
        if berkas_pdf is not None:
            from naskah.inputs import read_bytes
            from naskah.trail.jangkar import MAX_BERKAS_PDF_BYTES

            given = (os.fspath(berkas_pdf), read_bytes(berkas_pdf, "berkas-pdf",
                                                       MAX_BERKAS_PDF_BYTES))
        with shared_lock(self.folder):
            finish = verify_deferred(self.folder, trust, berkas_pdf=given,
                                     revocation=revocation, kemajuan=kemajuan)
        return finish()  # the signature checks, without holding the berkas

    # ------------------------------------------------------------ performing

    def perform(
        self,
        step: int,
        oleh: str,
        *,
        dokumen: Mapping[str, NaskahDinas | Mapping[str, Any]] | None = None,
        lampiran: Mapping[str, str | os.PathLike[str]] | None = None,
        tindakan: Mapping[str, str] | None = None,
        mulai: datetime | None = None,
        selesai: datetime | None = None,
        catatan: str | None = None,
        signer: Signer | None = None,
    ) -> Entry:
        """Perform step ``step`` as the official ``oleh`` (NIP or full name), signing with
        ``signer``, the key of the certificate ``pelaksana.json`` binds to ``oleh``.

        ``dokumen`` gives the model (or its JSON data) for each naskah output of the
        step, ``lampiran`` a file for each attachment output (and for external inputs
        such as 'program-kerja' at the step that needs them), ``tindakan`` a written
        account for each recorded action. Paraf and tanda tangan outputs need nothing:
        the engine applies them to the current version of the document.

        ``mulai`` defaults to when the previous step finished, ``selesai`` to now; a
        time given is recorded as reported by the performer. Attachments and kop
        logos are checked (real type, size, no special or outside files) and copied
        into the berkas. Without the performer's signer (or with another's) the step is
        refused (:class:`~naskah.trail.signatures.SignerMissingError`,
        :class:`~naskah.tte.errors.CertificateError`). A tanda tangan exports the document
        to PDF (LibreOffice) and signs it (PAdES), stored as ``dokumen/NN-kode.pdf``.
        Raises :class:`TrailError` when the step is refused,
        :class:`InputError` for unusable input and :class:`TrailLockedError` when
        another process holds the berkas.
        """
        # Bound to the trail's timestamp authority; asked now, so that an unreachable
        # one refuses the step before anything is done.
        signer = cap_waktu.for_step(self.folder, signer)
        return perform_step(
            self.folder, self.renderer, step, oleh, dokumen=dict(dokumen or {}),
            lampiran=dict(lampiran or {}), tindakan=dict(tindakan or {}), mulai=mulai,
            selesai=selesai, catatan=catatan, signer=signer, max_lampiran=self.max_lampiran)

def _renderer_for(profil: Profil | None, given: Renderer | None) -> Renderer | None:
    """The renderer of a berkas with its own profile: ``given`` when it renders with that
    profile, a new one otherwise (a different profile is refused, never mixed in)."""
    if profil is None:
        return given
    if given is None:
        return Renderer(profil=profil)
    if given.profil != profil:
        raise TrailError(f"the berkas renders with profile {profil.nama!r}; the renderer given "
                         f"uses {given.profil.nama!r}")
    return given


__all__ = ["Trail"]
