"""DataLangkah: what a person supplies to perform one step, as a JSON file.

The file the command line reads for ``naskah trail do DIR STEP --data FILE``::

    {
      "oleh": "197005151995031001",                  # NIP or full name of the performer
      "mulai": "2026-11-24T08:10:00+07:00",          # optional
      "selesai": "2026-11-24T08:40:00+07:00",        # optional, default now
      "dokumen": {"disposisi-karo-po": {...} | "path/to/model.json"},
      "lampiran": {"rencana-kegiatan": "path/to/file"},
      "tindakan": {"koordinasi-karo-po": "written account"},
      "catatan": "free note"
    }

Paths are resolved against the data file's folder. Lampiran paths may not lead out
of it (not by ``../``, an absolute path or a symlink) unless the caller allows it
explicitly (``allow_outside=True``, ``naskah trail do --allow-outside``); dokumen
model files may, since they are parsed and validated, never stored as they are.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import Field

from naskah.inputs import load_json_file, parse_json, read_text
from naskah.models.base import NaskahModel, Teks, TeksPanjang, WaktuIso
from naskah.trail.sources import confine


class DataLangkah(NaskahModel):
    """The data for one step."""

    oleh: Teks
    """NIP (grouped or not) or full name of the performer, as in the daftar pelaksana."""
    mulai: WaktuIso | None = None
    """When the step started; default: when the previous step finished."""
    selesai: WaktuIso | None = None
    """When it finished; default: now."""
    dokumen: dict[str, dict[str, Any] | str] = Field(default_factory=dict)
    """Model data per naskah output: inline JSON or the path of a JSON file."""
    lampiran: dict[str, str] = Field(default_factory=dict)
    """File path per attachment output (or external input)."""
    tindakan: dict[str, TeksPanjang] = Field(default_factory=dict)
    """Written account per recorded action."""
    catatan: TeksPanjang | None = None
    """Free note for the ledger."""

    @classmethod
    def load(cls, path: str | os.PathLike[str], *, allow_outside: bool = False) -> DataLangkah:
        """Read a step data file, resolving its paths and loading referenced JSON."""
        return load_json_file(cls, path, "step data").resolved(
            Path(path).parent, allow_outside=allow_outside)

    def resolved(self, base: Path, *, allow_outside: bool = False) -> DataLangkah:
        """Paths resolved against ``base`` (and confined to it), document files read in."""
        dokumen: dict[str, dict[str, Any] | str] = {}
        for kode, value in self.dokumen.items():
            if isinstance(value, str):
                # A model file is parsed and validated, never stored as it is, so it may
                # sit beside the data file's folder (the examples share ../disposisi.json);
                # system and special files are still refused.
                source = confine(value, f"dokumen.{kode}", base=base, allow_outside=True)
                data = parse_json(read_text(source, f"dokumen.{kode}"), str(source))
                dokumen[kode] = _images_from(data, source.parent)
            else:
                dokumen[kode] = _images_from(value, base)
        lampiran = {kode: str(confine(value, f"lampiran {kode!r}", base=base,
                                      allow_outside=allow_outside))
                    for kode, value in self.lampiran.items()}
        return self.model_copy(update={"dokumen": dokumen, "lampiran": lampiran})

    def perform_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for :meth:`naskah.trail.Trail.perform`."""
        return {
            "oleh": self.oleh,
            "dokumen": self.dokumen,
            "lampiran": self.lampiran,
            "tindakan": self.tindakan,
            "mulai": self.mulai,
            "selesai": self.selesai,
            "catatan": self.catatan,
        }


def _images_from(data: Any, folder: Path) -> Any:
    """A document's data with its relative kop image paths made relative to ``folder``
    (the folder of the JSON file that names them), as for ``naskah render``."""
    kop = data.get("kop") if isinstance(data, dict) else None
    if not isinstance(kop, dict):
        return data
    images = {field: str(folder / value) for field in ("logo", "lambang")
              if isinstance(value := kop.get(field), str) and value
              and not Path(value).is_absolute()}
    return {**data, "kop": {**kop, **images}} if images else data
