"""The berkas PDF: a whole trail as one navigable, sealed dossier.

One job per module: :mod:`~naskah.trail.berkas.build` (the whole: verify, convert,
assemble, seal), :mod:`~naskah.trail.berkas.sampul` (the cover),
:mod:`~naskah.trail.berkas.halaman` (pages made for tindakan and attachments),
:mod:`~naskah.trail.berkas.susun` (pages, bookmarks and embedded files put together)
and :mod:`~naskah.trail.berkas.asli` (the signed originals and their verification).
"""

from naskah.trail.berkas.build import HasilBerkas, build_berkas

__all__ = ["HasilBerkas", "build_berkas"]
