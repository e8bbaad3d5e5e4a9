"""A form generated from a document type's JSON Schema, and the form's answers read
back into the document's JSON.

Every field is named by its path in the document (``hal``, ``isi.0``,
``penandatangan.pejabat.nip``). Lists grow and shrink with plain submit buttons
("Tambah baris", "Hapus"), so the form works with JavaScript off; dates are
``<input type=date>``; closed sets are ``<select>``. File paths (the kop's logo and
lambang) are left out: a path on the server is not the staff's to choose.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from naskah.models.base import JAM_POLA

_SKIP = {"logo", "lambang"}
MAKS_BARIS = 50
"""Rows one list may hold on the form."""


@dataclass
class Isian:
    """One field of the form (a leaf) or a group (object or list) of fields."""

    path: str
    label: str
    jenis: str  # text | textarea | date | time | number | select | checkbox | group | list
    wajib: bool = False
    keterangan: str = ""
    pilihan: list[str] = field(default_factory=list)
    anak: list[Isian] = field(default_factory=list)
    nilai: str = ""
    galat: str = ""
    maks: int | None = None

    @property
    def id(self) -> str:
        """The HTML id of the input (the path with dots as dashes)."""
        return "f-" + self.path.replace(".", "-")


def _resolve(schema: dict[str, Any], root: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """The schema with a ``$ref`` followed and an ``anyOf [X, null]`` unwrapped; and
    whether null was allowed."""
    nullable = False
    if "anyOf" in schema:
        options = [s for s in schema["anyOf"] if s.get("type") != "null"]
        nullable = len(options) < len(schema["anyOf"])
        merged = {k: v for k, v in schema.items() if k != "anyOf"}
        schema = {**options[0], **merged} if options else merged
    if "$ref" in schema:
        target = root["$defs"][schema["$ref"].rsplit("/", 1)[1]]
        schema = {**target, **{k: v for k, v in schema.items() if k != "$ref"}}
    return schema, nullable


def _label(name: str, schema: dict[str, Any]) -> str:
    return str(schema.get("title") or name.replace("_", " ").title())


def isian(schema: dict[str, Any], values: dict[str, Any], galat: dict[str, str],
          rows: dict[str, int]) -> list[Isian]:
    """The form's fields for ``schema`` with the given values, errors by path, and row
    counts per list path."""
    return _object(schema, schema, "", values, galat, rows, True)


def _object(schema: dict[str, Any], root: dict[str, Any], prefix: str, values: dict[str, Any],
            galat: dict[str, str], rows: dict[str, int], wajib: bool) -> list[Isian]:
    # A field is required only where its group is: the nama of an optional kop, or of a
    # list's row, may stay empty (the row or group is then left out).
    required = set(schema.get("required", [])) if wajib else set()
    out = []
    for name, sub in schema.get("properties", {}).items():
        if name in _SKIP:
            continue
        resolved, _nullable = _resolve(sub, root)
        if resolved.get("format") == "path":
            continue
        path = f"{prefix}{name}"
        # The property's own title: a $ref'd type's title names the type, not the field.
        out.append(_field(resolved, root, path, _label(name, sub), name in required,
                          values, galat, rows))
    return out


def _field(schema: dict[str, Any], root: dict[str, Any], path: str, label: str, wajib: bool,
           values: dict[str, Any], galat: dict[str, str], rows: dict[str, int]) -> Isian:
    kind = schema.get("type")
    note = str(schema.get("description") or "").split("\n")[0]
    if kind == "object":
        return Isian(path, label, "group", wajib, note, anak=_object(
            schema, root, f"{path}.", values, galat, rows, wajib), galat=galat.get(path, ""))
    if kind == "array":
        item, _ = _resolve(schema.get("items", {}), root)
        count = rows.get(path, max(1, len([k for k in values if k.startswith(f"{path}.")
                                            and k[len(path) + 1:].split(".")[0].isdigit()])))
        count = min(count, schema.get("maxItems", MAKS_BARIS), MAKS_BARIS)
        children = [_field(item, root, f"{path}.{i}", f"{label} {i + 1}", False, values, galat,
                           rows) for i in range(count)]
        return Isian(path, label, "list", wajib, note, anak=children,
                     galat=galat.get(path, ""), maks=schema.get("maxItems"))
    value = values.get(path, "")
    text = "" if value is None else str(value)

    def leaf(jenis: str, pilihan: list[str] | None = None, maks: int | None = None) -> Isian:
        return Isian(path, label, jenis, wajib, note, pilihan or [], nilai=text,
                     galat=galat.get(path, ""), maks=maks)

    if "enum" in schema:
        return leaf("select", [str(v) for v in schema["enum"]])
    if kind == "boolean":
        return leaf("checkbox")
    if kind in ("integer", "number"):
        return leaf("number")
    if schema.get("format") in ("date", "time"):
        return leaf(str(schema["format"]))
    if schema.get("pattern") == JAM_POLA:  # a time of day (its schema is a pattern)
        return leaf("time")
    long = (schema.get("maxLength") or 0) > 500
    return leaf("textarea" if long else "text", maks=schema.get("maxLength"))


def rata(data: Any, prefix: str = "") -> dict[str, Any]:
    """A document's JSON flattened to field paths (to fill the form from JSON)."""
    out: dict[str, Any] = {}
    if isinstance(data, dict):
        for k, v in data.items():
            out.update(rata(v, f"{prefix}{k}."))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out.update(rata(v, f"{prefix}{i}."))
    else:
        out[prefix[:-1]] = data
    return out


def dokumen(schema: dict[str, Any], answers: dict[str, str]) -> dict[str, Any]:
    """The document's JSON from the form's answers (empty answers left out)."""
    return _build(schema, schema, "", answers) or {}


def _build(schema: dict[str, Any], root: dict[str, Any], path: str,
           answers: dict[str, str]) -> Any:
    schema, _ = _resolve(schema, root)
    kind = schema.get("type")
    if kind == "object":
        out = {}
        for name, sub in schema.get("properties", {}).items():
            if name in _SKIP:
                continue
            value = _build(sub, root, f"{path}.{name}" if path else name, answers)
            if value is not None:
                out[name] = value
        return out or None
    if kind == "array":
        indices = sorted({int(k[len(path) + 1:].split(".")[0]) for k in answers
                          if k.startswith(f"{path}.") and k[len(path) + 1:].split(".")[0]
                          .isdigit()})
        items = [_build(schema.get("items", {}), root, f"{path}.{i}", answers)
                 for i in indices[:MAKS_BARIS]]
        kept = [item for item in items if item is not None]
        return kept or None
    text = answers.get(path, "").strip()
    if not text:
        return None
    if kind == "integer":
        try:
            return int(text)
        except ValueError:
            return text  # the model says what is wrong with it
    if kind == "boolean":
        return text in ("on", "true", "1")
    return text


__all__ = ["MAKS_BARIS", "Isian", "dokumen", "isian", "rata"]
