"""Rendering: a document model in, DOCX bytes (with naskah metadata) out.

:class:`Renderer` holds the options that stay the same across many documents (which
template serves each type, the format profile, paper size) and keeps every template
compiled for the life of the process. The module-level :func:`render`,
:func:`render_pdf` and :func:`save` use a shared default renderer, or one made for the
profile, paper or kop they are given.
"""

from __future__ import annotations

import os
import tempfile
import threading
import warnings
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from naskah.clock import now
from naskah.docx import kop as kop_mod
from naskah.docx.appearance import Appearance
from naskah.docx.integrity import body_text_hash
from naskah.docx.konteks import AsetResolver, bind_images, konteks, resolver
from naskah.docx.kop import KopWarning
from naskah.docx.metadata import KopMetadata, NaskahMetadata
from naskah.docx.properties import attach_metadata, core_properties, pdf_info
from naskah.docx.template import Template
from naskah.errors import InputError, NaskahError
from naskah.fileio import writable_target_problem, write_atomic
from naskah.models import NaskahDinas, jenis_class
from naskah.models.instansi import Instansi
from naskah.models.pengesahan import Pengesahan
from naskah.pdf import fonts
from naskah.profil import Kertas, Profil, load_profil
from naskah.version import __version__

if TYPE_CHECKING:
    from naskah.models import JENIS

def packaged_template(jenis: str) -> Path:
    """Path of the template shipped with naskah for a document type."""
    name = jenis_class(jenis).template
    return Path(str(resources.files("naskah.docx.templates").joinpath(name)))


class Renderer:
    """Renders document models to DOCX.

    ``templates`` maps a type name (``"nota-dinas"``) to the user's own template file,
    replacing the packaged one. ``profil`` is the format profile: a shipped name
    (``"pusat"``, the default; ``"kemenko-polhukam"``, ``"pemda"``), a profile file
    (.toml/.json) or a :class:`~naskah.profil.Profil`. ``kertas`` overrides the
    profile's paper for every type; ``pdfa`` its PDF/A default. ``font_check`` says
    what a PDF whose fonts are not the profile's (or substitutes it accepts) gets:
    ``"warn"`` (a :class:`~naskah.fonts.FontWarning`), ``"error"`` or ``"off"``.
    ``kop`` is the kop (letterhead) of documents that name none; without it, the
    profile's (``[[kop.instansi]]``); a document with none of the three is refused
    (:meth:`kop_untuk`). Templates are read and compiled on first use and then reused,
    so create one renderer and keep it.
    """

    def __init__(
        self,
        templates: Mapping[str, str | os.PathLike[str]] | None = None,
        *,
        profil: str | os.PathLike[str] | Profil | None = None,
        kertas: Kertas | str | None = None,
        pdfa: bool | None = None,
        font_check: fonts.FontCheck = "warn",
        kop: Instansi | None = None,
    ) -> None:
        self.profil = load_profil(profil)
        self.kop = kop
        try:
            self.kertas = Kertas(kertas) if kertas is not None else None
        except ValueError:
            raise InputError(f"kertas: unknown paper {kertas!r}; expected "
                             + " or ".join(k.value for k in Kertas),
                             [("kertas", "unknown")]) from None
        self.pdfa = self.profil.pdfa if pdfa is None else pdfa
        self.font_check = fonts.check_mode(font_check)
        self._paths: dict[str, Path] = {}
        for jenis, path in (templates or {}).items():
            jenis_class(jenis)  # an unknown type name is an error now, not at render time
            self._paths[jenis] = Path(path)
        self._compiled: dict[str, Template] = {}
        self._lock = threading.Lock()

    def template(self, jenis: str) -> Template:
        """The compiled :class:`~naskah.template.Template` for a document type."""
        compiled = self._compiled.get(jenis)
        if compiled is None:
            with self._lock:
                compiled = self._compiled.get(jenis)
                if compiled is None:
                    own = self._paths.get(jenis)
                    compiled = (Template.load(own) if own is not None
                                else Template.packaged(packaged_template(jenis)))
                    self._compiled[jenis] = compiled
        return compiled

    def kop_untuk(self, naskah: NaskahDinas) -> kop_mod.KopTerpakai:
        """The kop ``naskah`` renders with and where it comes from: the document's own,
        else this renderer's, else the profile's in force on the document's date.
        Raises :class:`~naskah.errors.InputError` (field ``kop``) when there is none."""
        return kop_mod.resolve(naskah, self.kop, self.profil)

    def dengan_kop(self, naskah: NaskahDinas) -> NaskahDinas:
        """``naskah`` carrying the kop it renders with (:meth:`kop_untuk`): what a trail
        records, so the berkas never depends on the renderer that rendered it."""
        return kop_mod.with_kop(naskah, self.kop_untuk(naskah))

    def render(
        self,
        naskah: NaskahDinas,
        *,
        pengesahan: Pengesahan | None = None,
        dibuat: datetime | None = None,
        aset: str | os.PathLike[str] | AsetResolver | None = None,
    ) -> bytes:
        """Render a document to DOCX bytes.

        ``pengesahan`` carries the paraf and tanda tangan given so far; each must have
        been given on this exact content (its content hash), or this raises
        :class:`~naskah.errors.NaskahError`. ``dibuat`` is the time recorded in the
        metadata and document properties (now, by default). ``aset`` is the folder a
        relative image path (``kop.logo``, ``kop.lambang``) is read from (default: the
        current directory), or a function resolving one; each image is checked by its
        content (:class:`~naskah.errors.InputError` naming the field). A document that
        names no kop renders with :meth:`kop_untuk`'s, recorded in the metadata; a kop
        that does not suit the signer is reported as a :class:`~naskah.docx.kop.KopWarning`.
        """
        pengesahan = pengesahan or Pengesahan()
        content_hash = naskah.content_hash()
        problems = pengesahan.invalid_for(naskah, content_hash)
        if problems:
            raise NaskahError(
                f"cannot render {naskah.jenis}: " + "; ".join(problems)
                + " (the document changed after it was approved)"
            )
        kop = self.kop_untuk(naskah)
        for problem in kop_mod.problems(naskah, kop.instansi):
            warnings.warn(problem, KopWarning, stacklevel=2)
        dokumen = kop_mod.with_kop(naskah, kop)
        template = self.template(naskah.jenis)
        rendering = template.start()
        context = bind_images(rendering, konteks(dokumen, pengesahan, self.profil,
                                                  self.kertas), resolver(aset))
        # The profile's page, fonts and spacing are set on the rendered package, so a
        # template (the user's own too) follows any profile.
        template.render(context, rendering,
                        appearance=Appearance.of(self.profil, naskah.jenis, self.kertas))
        # rendering.document_xml (the rendered body part) is final from here on.
        dibuat = dibuat or now()
        metadata = NaskahMetadata(
            generator=f"naskah {__version__}",
            jenis=naskah.jenis,
            nomor=str(nomor) if (nomor := getattr(naskah, "nomor", None)) else None,
            hal=naskah.hal_singkat,
            content_hash=content_hash,
            dibuat=dibuat,
            naskah=naskah.model_dump(mode="json"),
            pengesahan=pengesahan,
            teks_hash=body_text_hash(rendering.document_xml),
            kop=None if kop.sumber == "dokumen" else KopMetadata(
                sumber=kop.sumber, instansi=kop.instansi.model_dump(mode="json",
                                                                    exclude_none=True)),
        )
        attach_metadata(rendering, metadata)
        created = metadata.dibuat.astimezone(UTC).replace(tzinfo=None)
        return rendering.to_docx(core_properties(dokumen, metadata), created)

    def save(
        self,
        naskah: NaskahDinas,
        path: str | os.PathLike[str],
        *,
        pengesahan: Pengesahan | None = None,
        dibuat: datetime | None = None,
        pdfa: bool | None = None,
        aset: str | os.PathLike[str] | AsetResolver | None = None,
    ) -> Path:
        """Render and write atomically: a failure never leaves a partial file.

        The format follows the extension: ``.docx``, or ``.pdf`` (converted by
        LibreOffice, with title, author, subject, keywords and the content hash in
        the PDF's document information; PDF/A-2b with ``pdfa=True``, by default as the
        renderer's profile says). The PDF's fonts are checked against the profile.
        ``aset`` is as for :meth:`render`.
        """
        target = Path(path)
        suffix = target.suffix.lower()
        if suffix not in (".docx", ".pdf"):
            raise InputError(f"{target.name}: keluaran harus berakhiran .docx atau .pdf "
                             "(the output must end in .docx or .pdf)")
        _check_target(target)
        if suffix == ".pdf":
            data = self.render_pdf(naskah, pengesahan=pengesahan, dibuat=dibuat, pdfa=pdfa,
                                   aset=aset, label=target.name)
        else:
            data = self.render(naskah, pengesahan=pengesahan, dibuat=dibuat, aset=aset)
        return write_atomic(target, data)

    def render_pdf(
        self,
        naskah: NaskahDinas,
        *,
        pengesahan: Pengesahan | None = None,
        dibuat: datetime | None = None,
        pdfa: bool | None = None,
        aset: str | os.PathLike[str] | AsetResolver | None = None,
        label: str = "PDF",
    ) -> bytes:
        """Render to PDF bytes, as :meth:`save` writes a ``.pdf``: converted by
        LibreOffice, its fonts checked against the profile (``label`` names it in the
        warning or error), its document information stamped (title, author, content
        hash...); PDF/A-2b as ``pdfa`` or the profile says."""
        from naskah import pdf  # LibreOffice plumbing: imported only for PDFs

        data = self.render(naskah, pengesahan=pengesahan, dibuat=dibuat, aset=aset)
        data = pdf.docx_to_pdf_bytes(data, pdfa=self.pdfa if pdfa is None else pdfa)
        fonts.check_pdf(data, self.profil, self.font_check, label)
        return pdf.stamp_metadata(data, pdf_info(self.dengan_kop(naskah)))

    def save_many(
        self, items: Sequence[tuple[NaskahDinas, str | os.PathLike[str]]], *,
        pdfa: bool | None = None,
    ) -> list[Path]:
        """Save several documents; the PDFs among them converted together.

        They go to the running LibreOffice processes (or, without the warm converter,
        to one ``soffice`` run per 100 documents), so a batch is many times faster
        than :meth:`save` per document.
        """
        targets = [Path(path) for _, path in items]
        bad = [t.name for t in targets if t.suffix.lower() not in (".docx", ".pdf")]
        if bad:
            raise InputError(f"{', '.join(bad)}: the output must end in .docx or .pdf")
        for target in targets:
            _check_target(target)
        pdf_jobs = [(n, t) for (n, _), t in zip(items, targets, strict=True)
                    if t.suffix.lower() == ".pdf"]
        for (naskah, _), target in zip(items, targets, strict=True):
            if target.suffix.lower() == ".docx":
                write_atomic(target, self.render(naskah))
        if pdf_jobs:
            from naskah import pdf

            with tempfile.TemporaryDirectory(prefix="naskah-pdf-") as tmp:
                sources = []
                for i, (naskah, _) in enumerate(pdf_jobs):
                    source = Path(tmp) / f"{i:04d}.docx"
                    source.write_bytes(self.render(naskah))
                    sources.append(source)
                pdf_paths = pdf.convert_to_pdf(sources, Path(tmp) / "pdf",
                                               pdfa=self.pdfa if pdfa is None else pdfa)
                # Every PDF is checked before any is written: a font problem in
                # "error" mode leaves no partial batch behind.
                converted = [p.read_bytes() for p in pdf_paths]
                for data, (_, target) in zip(converted, pdf_jobs, strict=True):
                    fonts.check_pdf(data, self.profil, self.font_check, target.name)
                for data, (naskah, target) in zip(converted, pdf_jobs, strict=True):
                    write_atomic(target, pdf.stamp_metadata(
                        data, pdf_info(self.dengan_kop(naskah))))
        return targets


def _check_target(target: Path) -> None:
    # Checked before any work, so a bad path fails fast with a clear message (exit 2).
    problem = writable_target_problem(target)
    if problem:
        raise InputError(problem)


_default: Renderer | None = None


def default_renderer() -> Renderer:
    """The shared renderer behind :func:`render` and :func:`save`."""
    global _default
    if _default is None:
        _default = Renderer()
    return _default


def _renderer(profil: str | os.PathLike[str] | Profil | None, kertas: Kertas | str | None,
              font_check: fonts.FontCheck, kop: Instansi | None) -> Renderer:
    if profil is None and kertas is None and font_check == "warn" and kop is None:
        return default_renderer()
    return Renderer(profil=profil, kertas=kertas, font_check=font_check, kop=kop)


def render(
    naskah: NaskahDinas,
    *,
    profil: str | os.PathLike[str] | Profil | None = None,
    kertas: Kertas | str | None = None,
    kop: Instansi | None = None,
    pengesahan: Pengesahan | None = None,
    dibuat: datetime | None = None,
    aset: str | os.PathLike[str] | AsetResolver | None = None,
) -> bytes:
    """Render a document to DOCX bytes with the packaged templates and the ``pusat``
    profile, or ``profil``/``kertas``/``kop`` as :class:`Renderer` takes them (see
    :meth:`Renderer.render`)."""
    return _renderer(profil, kertas, "warn", kop).render(
        naskah, pengesahan=pengesahan, dibuat=dibuat, aset=aset)


def render_pdf(
    naskah: NaskahDinas,
    *,
    profil: str | os.PathLike[str] | Profil | None = None,
    kertas: Kertas | str | None = None,
    pdfa: bool | None = None,
    font_check: fonts.FontCheck = "warn",
    kop: Instansi | None = None,
    pengesahan: Pengesahan | None = None,
    dibuat: datetime | None = None,
    aset: str | os.PathLike[str] | AsetResolver | None = None,
) -> bytes:
    """Render a document to PDF bytes, with the same metadata and font checks as
    :func:`save` to a ``.pdf`` (see :meth:`Renderer.render_pdf`)."""
    return _renderer(profil, kertas, font_check, kop).render_pdf(
        naskah, pengesahan=pengesahan, dibuat=dibuat, pdfa=pdfa, aset=aset)


def save(
    naskah: NaskahDinas,
    path: str | os.PathLike[str],
    *,
    profil: str | os.PathLike[str] | Profil | None = None,
    kertas: Kertas | str | None = None,
    pdfa: bool | None = None,
    font_check: fonts.FontCheck = "warn",
    kop: Instansi | None = None,
    pengesahan: Pengesahan | None = None,
    dibuat: datetime | None = None,
    aset: str | os.PathLike[str] | AsetResolver | None = None,
) -> Path:
    """Render a document and write it atomically to ``path`` (see :meth:`Renderer.save`)."""
    return _renderer(profil, kertas, font_check, kop).save(
        naskah, path, pengesahan=pengesahan, dibuat=dibuat, pdfa=pdfa, aset=aset)


def __getattr__(name: str) -> Any:
    # JENIS imports every document type: only when asked for (naskah.models.JENIS).
    if name == "JENIS":
        from naskah.models import JENIS

        return JENIS
    raise AttributeError(f"module 'naskah.docx.renderer' has no attribute {name!r}")


__all__ = ["JENIS", "Kertas", "Renderer", "packaged_template", "render", "render_pdf", "save"]
