"""The register's refusals as HTTP answers: an unknown id is 404, a number already final
or cancelled is 409, anything else it refuses is 422 naming the field."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from naskah.errors import InputError
from naskah.serve.masalah import Masalah

_NOT_FOUND = {("id", "unknown"), ("nomor", "unknown"), ("agenda", "unknown")}
_CONFLICT = {("id", "final"), ("id", "batal"), ("nomor", "batal")}


@contextmanager
def translated() -> Iterator[None]:
    try:
        yield
    except InputError as exc:
        found = set(exc.errors)
        if found & _NOT_FOUND:
            raise Masalah(404, "tidak-ditemukan", str(exc), exc.errors) from None
        if found & _CONFLICT:
            raise Masalah(409, "sudah-final", str(exc), exc.errors) from None
        raise


__all__ = ["translated"]
