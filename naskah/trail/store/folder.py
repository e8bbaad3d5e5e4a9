"""The folder trail store: each trail is a berkas folder ``ROOT/ID`` (today's behaviour).

A step takes the berkas's exclusive file lock; readers its shared lock
(:mod:`naskah.trail.folder`). One machine only: the lock is a local ``flock``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from naskah.errors import InputError, TrailError

if TYPE_CHECKING:
    from naskah.docx.renderer import Renderer
    from naskah.trail.engine import Trail
    from naskah.trail.ledger import Entry
    from naskah.trail.pelaksana import DaftarPelaksana
    from naskah.tte.signer import Signer

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


def check_id(trail_id: str) -> str:
    """``trail_id`` when it is a usable id (letters, digits, ``_.-``; at most 64)."""
    if not _ID.match(trail_id) or ".." in trail_id:
        raise InputError(f"trail-id: {trail_id[:80]!r} is not a trail id (letters, digits, "
                         "'_', '.', '-'; at most 64)", [("trail-id", "not an id")])
    return trail_id


class FolderStore:
    """Trails as berkas folders under ``root``."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def folder(self, trail_id: str) -> Path:
        """The berkas folder of trail ``trail_id``."""
        return self.root / check_id(trail_id)

    def init(self, trail_id: str, pelaksana: DaftarPelaksana | Mapping[str, Any],
             **kwargs: Any) -> None:
        """Start trail ``trail_id`` in its folder (see :meth:`naskah.trail.Trail.init`)."""
        from naskah.trail.engine import Trail

        Trail.init(self.folder(trail_id), pelaksana, **kwargs)

    def perform(self, trail_id: str, step: int, oleh: str, *,
                signer: Signer | None = None, renderer: Renderer | None = None,
                max_lampiran: int | None = None, **kwargs: Any) -> Entry:
        """Perform a step under the berkas's file lock."""
        return _open(self.folder(trail_id), renderer, max_lampiran).perform(
            step, oleh, signer=signer, **kwargs)

    @contextmanager
    def baca(self, trail_id: str) -> Iterator[Trail]:
        """The berkas itself (its readers take its shared lock)."""
        yield _open(self.folder(trail_id), None, None)

    def ada(self, trail_id: str) -> bool:
        """Whether the trail's folder holds a ledger."""
        from naskah.trail.folder import LEDGER

        return (self.folder(trail_id) / LEDGER).is_file()


def _open(folder: Path, renderer: Renderer | None, max_lampiran: int | None) -> Trail:
    from naskah.trail.engine import Trail
    from naskah.trail.folder import LEDGER

    if not (folder / LEDGER).is_file():
        raise TrailError(f"no trail {folder.name!r} in {folder.parent}")
    if max_lampiran is None:
        return Trail.open(folder, renderer)
    return Trail.open(folder, renderer, max_lampiran=max_lampiran)


__all__ = ["FolderStore", "check_id"]
