"""A document's template context, built in one place, and the images it places.

The context is the document's own values (:meth:`~naskah.models.NaskahDinas.context`),
its approvals (paraf and tanda tangan), the profile's kop kind and signature-name
rules applied to them, and the profile's page, font and layout values the shipped
templates read (:mod:`naskah.profil.konteks`). Images (the kop's logo and lambang) are
:class:`~naskah.models.naskah.Gambar` slots in it: :func:`read_gambar` reads and checks
each file when a rendering places it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from naskah.errors import InputError
from naskah.models import NaskahDinas
from naskah.models.naskah import Context, Gambar
from naskah.models.pengesahan import Pengesahan
from naskah.profil import Kertas, Profil
from naskah.profil.konteks import apply, template_context

if TYPE_CHECKING:
    from naskah.docx.template import Rendering

AsetResolver = Callable[[Path], Path]
"""Where a document's image path is read from: its (relative) path in, a file out."""


def konteks(naskah: NaskahDinas, pengesahan: Pengesahan, profil: Profil,
            kertas: Kertas | str | None = None) -> Context:
    """The template context of ``naskah`` with ``pengesahan`` under ``profil``.

    ``kertas`` overrides the profile's paper for the document's type.
    """
    own = apply(profil, naskah.jenis, {**naskah.context(), **pengesahan.context()})
    return {**own, **template_context(profil, naskah.jenis, kertas)}


def resolver(aset: str | os.PathLike[str] | AsetResolver | None) -> AsetResolver:
    """A resolver for a folder (relative paths are relative to it), a resolver as it is,
    or None: paths as they are (relative to the current directory)."""
    if aset is None:
        return Path
    if callable(aset):
        return aset
    folder = Path(aset)
    return lambda path: path if path.is_absolute() else folder / path


def read_gambar(gambar: Gambar, resolve: AsetResolver) -> tuple[bytes, str]:
    """The checked bytes and file name of an image slot.

    Raises :class:`InputError` naming the field (``kop.logo``) when the file is missing,
    not a regular file, over :data:`naskah.sniff.MAX_IMAGE_BYTES`, or not the image its
    name says (judged by its content).
    """
    from naskah import sniff  # python-docx's image code: only for documents with images
    from naskah.fileio import read_capped

    try:
        path = resolve(gambar.path)
    except InputError as exc:  # e.g. a berkas's image leading outside it
        raise InputError(f"{gambar.lokasi}: {exc}", [(gambar.lokasi, str(exc))]) from None
    try:
        blob = read_capped(path, sniff.MAX_IMAGE_BYTES)
        sniff.check_image(blob, sniff.IMAGE_SUFFIXES.get(path.suffix.lower()))
    except FileNotFoundError:
        problem = f"file {str(gambar.path)!r} does not exist"
    except OSError as exc:
        problem = f"cannot read {str(gambar.path)!r}: {exc.strerror or exc}"
    except ValueError as exc:  # not a regular file, too large, not that image
        problem = f"{path.name}: {exc}"
    else:
        return blob, path.name
    raise InputError(f"{gambar.lokasi}: {problem}", [(gambar.lokasi, problem)])


def bind_images(rendering: Rendering, value: Any, resolve: AsetResolver) -> Any:
    """``value`` (a context, or part of one) with its :class:`Gambar` slots turned into
    images bound to ``rendering``.

    Containers without an image come back as they are (no copy): most have none.
    """
    if isinstance(value, Gambar):
        blob, name = read_gambar(value, resolve)
        return rendering.image(blob, name, value.lebar_mm)
    if isinstance(value, dict):
        changed = {k: b for k, v in value.items()
                   if (b := bind_images(rendering, v, resolve)) is not v}
        return {**value, **changed} if changed else value
    if isinstance(value, list):
        bound = [bind_images(rendering, v, resolve) for v in value]
        return bound if any(b is not v for b, v in zip(bound, value, strict=True)) else value
    return value


__all__ = ["AsetResolver", "bind_images", "konteks", "read_gambar", "resolver"]
