"""The register's records (numbers, agenda entries) as JSON-ready dicts."""

from __future__ import annotations

from datetime import date
from typing import Any


def json_fields(record: Any) -> dict[str, Any]:
    """A slotted record's fields by name, dates and date-times as ISO text."""
    out: dict[str, Any] = {}
    for name in record.__slots__:
        value = getattr(record, name)
        out[name] = value.isoformat() if isinstance(value, date) else value
    return out


__all__ = ["json_fields"]
