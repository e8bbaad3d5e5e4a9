"""The berkas PDF: a whole trail as one navigable, sealed dossier.

One job per module: :mod:`~naskah.trail.berkas.build` (the whole: verify, assemble
with bookmarks and embedded originals, seal), :mod:`~naskah.trail.berkas.bagian` (a
step's items and their pages, converted together), :mod:`~naskah.trail.berkas.sampul`
(the cover), :mod:`~naskah.trail.berkas.halaman` (pages made for tindakan and
attachments) and :mod:`~naskah.trail.berkas.asli` (the signed originals and their
verification).
"""

from naskah.trail.berkas.build import HasilBerkas, build_berkas

__all__ = ["HasilBerkas", "build_berkas"]
