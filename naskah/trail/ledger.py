"""The ledger of a trail: a hash chain of entries, one per performed step.

``ledger.json`` holds a header (which SOP and roster the trail runs under) and the
entries. Each entry carries the SHA-256 of the previous one (the first, of the
header), and its own hash over its canonical JSON, so changing, removing or
reordering an entry breaks the chain at that step. The ledger is always written
atomically.

Hashes are computed over the *values* stored (:func:`naskah.hashing.canonical_json`),
so reformatting the file (``jq .``, another indent) changes nothing.

Format versions (every one is still verified, and verify says what it cannot prove for
an older one, :func:`format_notes`):

- ``naskah-ledger/3`` (naskah 0.3): a document numbered from the register at signing
  records that number (``nomor``, ``nomor_id``) in its tanda tangan reference, and a
  trail with a register anchors its head there (entry count and last hash) when it
  starts and after every step (:mod:`naskah.trail.jangkar`).
- ``naskah-ledger/2``: hashes over canonical JSON; the register's numbers are matched to
  the ledger by content hash, and the register holds no head for the steps made before
  naskah 0.3 (a trail extended now is anchored from its next step on).
- ``naskah-ledger/1`` (naskah 0.1.0): hashed over its own JSON form, nothing signed.

The records themselves (header, entry, reference) are models in
:mod:`naskah.trail.records`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from naskah.errors import FileTooLarge, NotARegularFile, TamperError
from naskah.fileio import read_capped, write_atomic
from naskah.hashing import canonical_json, legacy_json, sha256_bytes, sha256_file
from naskah.trail.records import FORMAT, DraftEntry, Entry, Header, JenisRujukan, Rujukan

PREVIOUS_FORMAT = "naskah-ledger/2"
LEGACY_FORMAT = "naskah-ledger/1"
_FORMATS = (FORMAT, PREVIOUS_FORMAT, LEGACY_FORMAT)
MAX_LEDGER_BYTES = 64 * 1024 * 1024
"""A ledger of a few hundred steps is well under a megabyte; anything this big is not one."""


def format_notes(format: str) -> list[str]:
    """What verification cannot prove for a ledger of an older ``format`` (none for the
    current one)."""
    if format == PREVIOUS_FORMAT:
        return [f"{PREVIOUS_FORMAT} (written before naskah 0.3): its signed documents do not "
                "record their register number (the register is matched by content hash), "
                "and its steps made before naskah 0.3 were not anchored in the register"]
    if format == LEGACY_FORMAT:
        return [f"{LEGACY_FORMAT} (written by naskah 0.1.0): nothing in it is signed, and "
                "nothing anchors its head outside the berkas"]
    return []


def entry_hash(raw: dict[str, Any], format: str = FORMAT) -> str:
    """The hash of an entry as stored: canonical JSON of everything but ``hash`` and the
    signature ``ttd`` (which is made over the entry with its hash)."""
    body = {k: v for k, v in raw.items() if k not in ("hash", "ttd")}
    return sha256_bytes(legacy_json(body) if format == LEGACY_FORMAT else canonical_json(body))


def header_hash(raw: dict[str, Any], format: str = FORMAT) -> str:
    """The hash of the header, which the first entry chains to."""
    return sha256_bytes(legacy_json(raw) if format == LEGACY_FORMAT else canonical_json(raw))


ENTRY_PAYLOAD, HEADER_PAYLOAD = b"naskah-ledger-entry:v1:", b"naskah-ledger-header:v1:"
"""Prefixes of what an entry's and the header's signatures sign (domain separation: a
signature over one can never be replayed as the other, nor as a paraf)."""


def entry_payload(raw: dict[str, Any]) -> bytes:
    """What the performer signs: the canonical JSON of the entry (with its hash) without
    its signature."""
    return ENTRY_PAYLOAD + canonical_json({k: v for k, v in raw.items() if k != "ttd"})


def header_payload(raw: dict[str, Any]) -> bytes:
    """What whoever started the trail signs: the canonical JSON of the header without
    its signature."""
    return HEADER_PAYLOAD + canonical_json({k: v for k, v in raw.items() if k != "ttd"})


_NOT_A_NUMBER = object()
"""What NaN, Infinity and -Infinity read as: a value no check will take for a number."""


def _not_a_number_in(data: dict[str, Any]) -> str | None:
    """Where the ledger holds NaN or Infinity ('the header', 'entry 5 (step 5)'), or None."""
    def has(value: Any) -> bool:
        if value is _NOT_A_NUMBER:
            return True
        if isinstance(value, dict):
            return any(has(v) for v in value.values())
        return isinstance(value, list) and any(has(v) for v in value)

    if has(data.get("header")):
        return "the header"
    entries = data.get("entries")
    for position, entry in enumerate(entries if isinstance(entries, list) else [], 1):
        if has(entry):
            step = entry.get("step") if isinstance(entry, dict) else None
            shown = step if isinstance(step, int) and not isinstance(step, bool) else "?"
            return f"entry {position} (step {shown})"
    return "the file" if has(data) else None


class Ledger:
    """The ledger file of a berkas: read raw, appended to, written atomically."""

    def __init__(self, path: Path, header: dict[str, Any], entries: list[dict[str, Any]],
                 format: str = FORMAT) -> None:
        self.path = path
        self.raw_header = header
        self.raw_entries = entries
        self.format = format

    @classmethod
    def new(cls, path: Path, header: Header, sign: Callable[[bytes], str] | None = None
            ) -> Ledger:
        """A ledger with ``header``, signed with ``sign`` (see :func:`header_payload`)."""
        raw = header.model_dump(mode="json", exclude_none=True)
        if sign is not None:
            raw["ttd"] = sign(header_payload(raw))
        return cls(path, raw, [])

    @classmethod
    def read(cls, path: Path) -> Ledger:
        """Read a ledger; a damaged or hostile file is a :class:`TamperError`, never a crash."""
        try:
            # A regular file under the cap (a FIFO would hang, /dev/zero never end).
            data = json.loads(read_capped(path, MAX_LEDGER_BYTES).decode("utf-8"),
                              parse_constant=lambda _: _NOT_A_NUMBER)
            where = _not_a_number_in(data) if isinstance(data, dict) else None
        except FileTooLarge:
            raise TamperError(f"{path.name} is larger than {MAX_LEDGER_BYTES} bytes: "
                              "it is not a ledger naskah wrote") from None
        except NotARegularFile as exc:
            raise TamperError(f"{path.name} is {exc}: it is not a ledger naskah wrote"
                              ) from None
        except FileNotFoundError:
            raise TamperError(f"{path.name} is missing: this folder holds no trail") from None
        except (ValueError, UnicodeDecodeError) as exc:
            # ValueError covers malformed JSON and integers past Python's digit limit.
            raise TamperError(f"{path.name} is not valid JSON ({exc}): it was damaged") from None
        except RecursionError:
            raise TamperError(f"{path.name} is nested too deeply: it was damaged") from None
        if not isinstance(data, dict) or data.get("format") not in _FORMATS:
            raise TamperError(f"{path.name} is not a {FORMAT} ledger")
        if where is not None:
            # Python's json reads NaN and Infinity; no ledger naskah writes holds them, and
            # every use (hashing, durations, the models) would fail on them differently.
            raise TamperError(f"{path.name}: {where} holds NaN or Infinity, which is not a "
                              "JSON number: the ledger was damaged")
        header, entries = data.get("header"), data.get("entries")
        if not isinstance(header, dict) or not isinstance(entries, list):
            raise TamperError(f"{path.name} lacks its header or entries")
        return cls(path, header, entries, str(data["format"]))

    @property
    def header(self) -> Header:
        return Header.model_validate(self.raw_header)

    @property
    def genesis(self) -> str:
        return header_hash(self.raw_header, self.format)

    @property
    def last_hash(self) -> str:
        return str(self.raw_entries[-1]["hash"]) if self.raw_entries else self.genesis

    def entries(self) -> list[Entry]:
        return [Entry.model_validate(raw) for raw in self.raw_entries]

    def recorded_files(self) -> set[str]:
        """Every file the entries reference (relative to the berkas), read from the raw
        entries so that a damaged entry still protects the files it names."""
        found: set[str] = set()
        for raw in self.raw_entries:
            if not isinstance(raw, dict):
                continue
            for key in ("masukan", "keluaran", "aset", "asli"):
                refs = raw.get(key)
                for ref in refs if isinstance(refs, list) else ():
                    if isinstance(ref, dict) and isinstance(ref.get("file"), str):
                        found.add(ref["file"])
        return found

    def append(self, draft: DraftEntry, sign: Callable[[bytes], str] | None = None) -> Entry:
        """Chain a new entry and return it; call save() after.

        ``sign`` turns the entry's signed payload (:func:`entry_payload`) into the
        performer's signature, stored as ``ttd``.
        """
        raw = {**draft.model_dump(mode="json", exclude_none=True), "prev_hash": self.last_hash}
        if not raw.get("asli"):
            raw.pop("asli", None)  # entries without signed originals hash as before
        raw["hash"] = entry_hash(raw, self.format)
        if sign is not None:
            raw["ttd"] = sign(entry_payload(raw))
        entry = Entry.model_validate(raw)
        self.raw_entries.append(raw)
        return entry

    def save(self) -> None:
        payload = {"format": self.format, "header": self.raw_header, "entries": self.raw_entries}
        text = json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
        write_atomic(self.path, text.encode("utf-8"))


__all__ = ["FORMAT", "LEGACY_FORMAT", "PREVIOUS_FORMAT", "DraftEntry", "Entry", "Header",
           "JenisRujukan", "Ledger", "Rujukan", "entry_hash", "entry_payload", "format_notes",
           "header_hash", "header_payload",
           "sha256_bytes", "sha256_file"]
