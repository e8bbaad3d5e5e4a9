"""The one clock: every "now" naskah records (ledger entries, register rows, metadata,
signing times) comes from :func:`now`, so it is always time-zone aware and UTC."""

from __future__ import annotations

from datetime import UTC, datetime


def now() -> datetime:
    """The current time, time-zone aware (UTC)."""
    return datetime.now(UTC)


__all__ = ["now"]
