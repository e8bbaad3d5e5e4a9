"""Rendering: a document model in, DOCX bytes (with naskah metadata) out.

:class:`Renderer` holds the options that stay the same across many documents (which
template serves each type, paper size) and keeps every template compiled for the
life of the process. The module-level :func:`render` and :func:`save` use a shared
default renderer.
"""

from __future__ import annotations

import os
import tempfile
import threading
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Any

from naskah.errors import NaskahError, TemplateError
from naskah.fileio import write_atomic
from naskah.metadata import _DS, _PROPS_CT, ITEM_PART, NAMESPACE, PROPS_PART, NaskahMetadata, now
from naskah.models import JENIS, NaskahDinas, jenis_class
from naskah.models.naskah import Gambar
from naskah.pengesahan import Pengesahan
from naskah.template import Rendering, Template
from naskah.version import __version__

_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"


class Kertas(StrEnum):
    """Paper size. A4 is the default; many agencies use F4 (folio)."""

    A4 = "A4"
    F4 = "F4"

    @property
    def ukuran_mm(self) -> tuple[int, int]:
        """(width, height) in millimetres."""
        return {Kertas.A4: (210, 297), Kertas.F4: (215, 330)}[self]


def packaged_template(jenis: str) -> Path:
    """Path of the template shipped with naskah for a document type."""
    name = jenis_class(jenis).template
    return Path(str(resources.files("naskah.templates").joinpath(name)))


class Renderer:
    """Renders document models to DOCX.

    ``templates`` maps a type name (``"nota-dinas"``) to the user's own template file,
    replacing the packaged one; ``kertas`` picks the paper size. Templates are read and
    compiled on first use and then reused, so create one renderer and keep it.
    """

    def __init__(
        self,
        templates: Mapping[str, str | os.PathLike[str]] | None = None,
        *,
        kertas: Kertas | str = Kertas.A4,
    ) -> None:
        self.kertas = Kertas(kertas)
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
                    compiled = Template.load(self._paths.get(jenis) or packaged_template(jenis))
                    self._compiled[jenis] = compiled
        return compiled

    def render(
        self,
        naskah: NaskahDinas,
        *,
        pengesahan: Pengesahan | None = None,
        dibuat: datetime | None = None,
    ) -> bytes:
        """Render a document to DOCX bytes.

        ``pengesahan`` carries the paraf and tanda tangan given so far; each must have
        been given on this exact content (its content hash), or this raises
        :class:`~naskah.errors.NaskahError`. ``dibuat`` is the time recorded in the
        metadata and document properties (now, by default).
        """
        pengesahan = pengesahan or Pengesahan()
        content_hash = naskah.content_hash()
        problems = pengesahan.invalid_records(content_hash)
        if problems:
            raise NaskahError(
                f"cannot render {naskah.jenis}: " + "; ".join(problems)
                + " (the document changed after it was approved)"
            )
        template = self.template(naskah.jenis)
        rendering = template.start()
        context = _bind_images(rendering, {**naskah.context(), **pengesahan.context()})
        template.render(context, rendering, page_size_mm=self.kertas.ukuran_mm)
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
        )
        attach_metadata(rendering, metadata)
        created = metadata.dibuat.astimezone(UTC).replace(tzinfo=None)
        return rendering.to_docx(core_properties(naskah, metadata), created)

    def save(
        self,
        naskah: NaskahDinas,
        path: str | os.PathLike[str],
        *,
        pengesahan: Pengesahan | None = None,
        dibuat: datetime | None = None,
        pdfa: bool = False,
    ) -> Path:
        """Render and write atomically: a failure never leaves a partial file.

        The format follows the extension: ``.docx``, or ``.pdf`` (converted by
        LibreOffice, with title, author, subject, keywords and the content hash in
        the PDF's document information; PDF/A-2b with ``pdfa=True``).
        """
        target = Path(path)
        suffix = target.suffix.lower()
        if suffix not in (".docx", ".pdf"):
            raise NaskahError(f"{target.name}: the output must end in .docx or .pdf")
        _check_target(target)
        data = self.render(naskah, pengesahan=pengesahan, dibuat=dibuat)
        if suffix == ".pdf":
            from naskah import pdf  # LibreOffice plumbing: imported only for PDFs

            data = pdf.stamp_metadata(pdf.docx_to_pdf_bytes(data, pdfa=pdfa), pdf_info(naskah))
        return write_atomic(target, data)

    def save_many(
        self, items: Sequence[tuple[NaskahDinas, str | os.PathLike[str]]], *, pdfa: bool = False
    ) -> list[Path]:
        """Save several documents; the PDFs among them converted together.

        They go to the running LibreOffice processes (or, without the warm converter,
        to one ``soffice`` run per 100 documents), so a batch is many times faster
        than :meth:`save` per document.
        """
        targets = [Path(path) for _, path in items]
        bad = [t.name for t in targets if t.suffix.lower() not in (".docx", ".pdf")]
        if bad:
            raise NaskahError(f"{', '.join(bad)}: the output must end in .docx or .pdf")
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
                for pdf_path, (naskah, target) in zip(
                    pdf.convert_to_pdf(sources, Path(tmp) / "pdf", pdfa=pdfa), pdf_jobs, strict=True
                ):
                    write_atomic(target, pdf.stamp_metadata(pdf_path.read_bytes(),
                                                            pdf_info(naskah)))
        return targets


def core_properties(naskah: NaskahDinas, metadata: NaskahMetadata) -> dict[str, str]:
    """The DOCX core properties of a rendered document, by qualified name.

    Each is cut to 255 characters, the limit Word and python-docx keep to.
    """
    values = {
        "dc:title": metadata.hal,
        "dc:subject": naskah.judul.title(),
        "dc:creator": naskah.kop.unit or naskah.kop.nama[0],
        "cp:keywords": f"naskah dinas; {naskah.jenis}",
        "dc:description": f"content sha256 {metadata.content_hash}",
        "cp:lastModifiedBy": metadata.generator,
        "cp:category": naskah.jenis,
        "dc:language": "id-ID",
        "dc:identifier": metadata.nomor or "",
        "cp:contentStatus": metadata.pengesahan.status.value,
    }
    return {name: value[:255] for name, value in values.items()}


def attach_metadata(rendering: Rendering, metadata: NaskahMetadata) -> None:
    """Add the naskah metadata as a custom XML part (the layout of metadata.attach)."""
    main = rendering.layout.main
    item, props = ITEM_PART.lstrip("/"), PROPS_PART.lstrip("/")
    item_id = uuid.uuid5(uuid.NAMESPACE_URL, f"{NAMESPACE}#{metadata.content_hash}")
    props_xml = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="no"?>'
        f'<ds:datastoreItem ds:itemID="{{{str(item_id).upper()}}}" xmlns:ds="{_DS}">'
        f'<ds:schemaRefs><ds:schemaRef ds:uri="{NAMESPACE}"/></ds:schemaRefs></ds:datastoreItem>'
    ).encode()
    rendering.add_part(item, "application/xml", metadata.to_xml())
    rendering.add_part(props, _PROPS_CT, props_xml)
    rendering.relate(item, _RT + "customXmlProps", props)
    rendering.relate(main, _RT + "customXml", item)


def _check_target(target: Path) -> None:
    # Checked before any work, so a bad path fails fast with a clear message.
    if target.is_dir():
        raise NaskahError(f"{target} is a folder; give a file name ending in .docx or .pdf")
    if not target.parent.is_dir():
        raise NaskahError(f"the folder {target.parent} does not exist; create it first")


def pdf_info(naskah: NaskahDinas) -> dict[str, str]:
    """PDF document information for a rendered document."""
    nomor = getattr(naskah, "nomor", None)
    return {
        "Title": naskah.hal_singkat,
        "Author": naskah.kop.unit or naskah.kop.nama[0],
        "Subject": naskah.judul.title() + (f" {nomor}" if nomor else ""),
        "Keywords": f"naskah dinas; {naskah.jenis}",
        "Creator": f"naskah {__version__}",
        "NaskahJenis": naskah.jenis,
        "NaskahContentHash": naskah.content_hash(),
    }


def _bind_images(rendering: Rendering, value: Any) -> Any:
    """Turn :class:`Gambar` placeholders into images bound to this rendering.

    Containers without an image come back as they are (no copy): most have none.
    """
    if isinstance(value, Gambar):
        return rendering.image(value.path, value.lebar_mm)
    if isinstance(value, dict):
        changed = {k: b for k, v in value.items() if (b := _bind_images(rendering, v)) is not v}
        return {**value, **changed} if changed else value
    if isinstance(value, list):
        bound = [_bind_images(rendering, v) for v in value]
        return bound if any(b is not v for b, v in zip(bound, value, strict=True)) else value
    return value


_default: Renderer | None = None


def default_renderer() -> Renderer:
    """The shared renderer behind :func:`render` and :func:`save`."""
    global _default
    if _default is None:
        _default = Renderer()
    return _default


def render(naskah: NaskahDinas, **options: Any) -> bytes:
    """Render a document to DOCX bytes with the packaged templates (see :meth:`Renderer.render`)."""
    return default_renderer().render(naskah, **options)


def save(naskah: NaskahDinas, path: str | os.PathLike[str], **options: Any) -> Path:
    """Render a document and write it atomically to ``path`` (see :meth:`Renderer.save`)."""
    return default_renderer().save(naskah, path, **options)


def check_template(jenis: str, path: str | os.PathLike[str], sample: NaskahDinas) -> None:
    """Check a custom template against a document type, naming unknown variables.

    ``sample`` is any valid document of that type; its context defines what the
    template may use.
    """
    if sample.jenis != jenis:
        raise TemplateError(f"sample is a {sample.jenis}, not a {jenis}")
    context = {**sample.context(), **Pengesahan().context()}
    Template.load(path).check(context)


__all__ = ["JENIS", "Kertas", "Renderer", "check_template", "packaged_template", "render", "save"]
