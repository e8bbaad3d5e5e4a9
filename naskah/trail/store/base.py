"""What every trail store offers: start a trail, perform its steps, read it.

Two stores implement it: :class:`~naskah.trail.store.folder.FolderStore` (a berkas folder
per trail under one root, guarded by its file lock: the CLI's default and the offline
format) and :class:`~naskah.trail.store.database.DatabaseStore` (trails, entries and
files in the register's database, guarded by a row lock: several service instances on
several machines share them). Both run the same engine
(:func:`naskah.trail.step.perform_step`) on a berkas folder, and readers get a berkas
folder too (:meth:`TrailStore.baca`), so ``verify``, status, report and the berkas PDF
are the same code whichever store holds the trail.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from contextlib import AbstractContextManager
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from naskah.docx.renderer import Renderer
    from naskah.trail.engine import Trail
    from naskah.trail.ledger import Entry
    from naskah.trail.pelaksana import DaftarPelaksana
    from naskah.tte.signer import Signer


class TrailStore(Protocol):
    """Where trails live, each under an id."""

    def init(self, trail_id: str, pelaksana: DaftarPelaksana | Mapping[str, Any],
             **kwargs: Any) -> None:
        """Start trail ``trail_id``; ``kwargs`` as :meth:`naskah.trail.Trail.init` takes
        them (``sop``, ``trust``, ``oleh``, ``signer``, ``register``, ``profil``...)."""
        ...

    def perform(self, trail_id: str, step: int, oleh: str, *,
                signer: Signer | None = None, renderer: Renderer | None = None,
                max_lampiran: int | None = None, dokumen: Mapping[str, Any] | None = None,
                lampiran: Mapping[str, str | os.PathLike[str]] | None = None,
                tindakan: Mapping[str, str] | None = None, mulai: datetime | None = None,
                selesai: datetime | None = None, catatan: str | None = None) -> Entry:
        """Perform a step, all or nothing (see :meth:`naskah.trail.Trail.perform`)."""
        ...

    def baca(self, trail_id: str) -> AbstractContextManager[Trail]:
        """The trail as a berkas folder to read (verify, status, report, berkas PDF),
        as it stood when the block began."""
        ...

    def ada(self, trail_id: str) -> bool:
        """Whether the store holds trail ``trail_id``."""
        ...


__all__ = ["TrailStore"]
