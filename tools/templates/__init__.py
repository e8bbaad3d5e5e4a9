"""The shipped templates' builders, one per document type (see tools/build_templates.py).

:mod:`.common` holds the toolkit (document, styles, paragraphs, tables, docxtpl tags),
:mod:`.blocks` the kop, label rows and lists, :mod:`.ttd` the signature block and what
follows it, :mod:`.surat` the nota dinas and undangan, :mod:`.formulir` the disposisi,
notulen and laporan.
"""

from __future__ import annotations

from .formulir import disposisi, laporan, notulen
from .surat import nota_dinas, undangan

BUILDERS_BY_JENIS = {
    "disposisi": disposisi,
    "undangan": undangan,
    "notulen": notulen,
    "nota-dinas": nota_dinas,
    "laporan": laporan,
}
"""The builder of each document type, by jenis."""

__all__ = ["BUILDERS_BY_JENIS"]
