"""The ledger of a trail: a hash chain of entries, one per performed step.

``ledger.json`` holds a header (which SOP and roster the trail runs under) and the
entries. Each entry carries the SHA-256 of the previous one (the first, of the
header), and its own hash over its canonical JSON, so changing, removing or
reordering an entry breaks the chain at that step. The ledger is always written
atomically. Hashes are computed over the JSON exactly as stored, so verification
does not depend on how a model re-serialises.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from pydantic import AwareDatetime, Field

from naskah.errors import TamperError
from naskah.fileio import write_atomic
from naskah.models.base import NaskahModel, TeksPanjang
from naskah.models.pejabat import Pejabat
from naskah.pengesahan import Status
from naskah.sop.model import canonical_json

FORMAT = "naskah-ledger/1"
_SHA256 = r"^[0-9a-f]{64}$"


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 16), b""):
            h.update(chunk)
    return h.hexdigest()


class Rujukan(NaskahModel):
    """A reference from an entry to an input or output: a file (with its hash) or an action."""

    kode: str
    """The SOP's kode for it."""
    nama: str
    """Its name in the SOP."""
    jenis: str
    """Output kind (disposisi, lampiran, tindakan, paraf, ...)."""
    file: str | None = None
    """Path inside the berkas (POSIX separators); none for a tindakan."""
    sha256: str = Field(pattern=_SHA256)
    """SHA-256 of the file, or of the tindakan's text."""
    content_hash: str | None = Field(default=None, pattern=_SHA256)
    """For a document: the content hash its paraf/tanda tangan refer to."""
    status: Status | None = None
    """For a document: konsep, diparaf or ditandatangani."""


class Header(NaskahModel):
    """What a trail runs under; its hash starts the chain."""

    format: str = FORMAT
    berkas: str
    """Identifier of the berkas (a UUID)."""
    sop_judul: str
    sop_nomor: str
    sop_sha256: str = Field(pattern=_SHA256)
    """SHA-256 of sop.json in the berkas."""
    pelaksana_sha256: str = Field(pattern=_SHA256)
    """SHA-256 of pelaksana.json in the berkas."""
    dibuat: AwareDatetime
    """When the trail was started."""


class Entry(NaskahModel):
    """One performed step."""

    step: int
    """Step number in the SOP."""
    kegiatan: str
    """The step's activity (copied from the SOP for readers of the ledger)."""
    peran: str
    """Role kode the step was performed in."""
    pelaksana: Pejabat
    """Who performed it."""
    mulai: AwareDatetime
    """When the step started (by default: when the previous step finished)."""
    selesai: AwareDatetime
    """When it finished."""
    dicatat: AwareDatetime
    """Wall-clock time the entry was written."""
    durasi_menit: float
    """Working minutes between mulai and selesai."""
    standar_menit: int
    """The SOP's time standard (waktu) in working minutes."""
    masukan: list[Rujukan] = Field(default_factory=list)
    """The kelengkapan used, with the hashes they had."""
    keluaran: list[Rujukan] = Field(default_factory=list)
    """What the step produced."""
    tindakan: dict[str, TeksPanjang] = Field(default_factory=dict)
    """Written accounts of recorded actions, by kode."""
    catatan: TeksPanjang | None = None
    """Free note."""
    prev_hash: str = Field(pattern=_SHA256)
    """Hash of the previous entry (of the header, for the first)."""
    hash: str = Field(pattern=_SHA256)
    """Hash of this entry's canonical JSON without this field."""

    @property
    def melebihi(self) -> bool:
        """True when the step took longer than its time standard."""
        return self.durasi_menit > self.standar_menit


def entry_hash(raw: dict[str, Any]) -> str:
    """The hash of an entry as stored: canonical JSON of everything but ``hash``."""
    return sha256_bytes(canonical_json({k: v for k, v in raw.items() if k != "hash"}))


def header_hash(raw: dict[str, Any]) -> str:
    return sha256_bytes(canonical_json(raw))


class Ledger:
    """The ledger file of a berkas: read raw, appended to, written atomically."""

    def __init__(self, path: Path, header: dict[str, Any], entries: list[dict[str, Any]]) -> None:
        self.path = path
        self.raw_header = header
        self.raw_entries = entries

    @classmethod
    def new(cls, path: Path, header: Header) -> Ledger:
        return cls(path, header.model_dump(mode="json"), [])

    @classmethod
    def read(cls, path: Path) -> Ledger:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise TamperError(f"{path.name} is missing: this folder holds no trail") from None
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise TamperError(f"{path.name} is not valid JSON ({exc}): it was damaged") from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise TamperError(f"{path.name} is not a {FORMAT} ledger")
        header, entries = data.get("header"), data.get("entries")
        if not isinstance(header, dict) or not isinstance(entries, list):
            raise TamperError(f"{path.name} lacks its header or entries")
        return cls(path, header, entries)

    @property
    def header(self) -> Header:
        return Header.model_validate(self.raw_header)

    @property
    def genesis(self) -> str:
        return header_hash(self.raw_header)

    @property
    def last_hash(self) -> str:
        return str(self.raw_entries[-1]["hash"]) if self.raw_entries else self.genesis

    def entries(self) -> list[Entry]:
        return [Entry.model_validate(raw) for raw in self.raw_entries]

    def append(self, entry_without_hash: dict[str, Any]) -> Entry:
        """Chain a new entry (given without prev_hash/hash) and return it; call save() after."""
        raw = {**entry_without_hash, "prev_hash": self.last_hash}
        raw["hash"] = entry_hash(raw)
        entry = Entry.model_validate(raw)
        self.raw_entries.append(raw)
        return entry

    def save(self) -> None:
        payload = {"format": FORMAT, "header": self.raw_header, "entries": self.raw_entries}
        text = json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
        write_atomic(self.path, text.encode("utf-8"))
