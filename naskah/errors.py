"""Exceptions raised by naskah.

Every error the library raises on purpose derives from :class:`NaskahError`, so an
integrator can catch one type. Messages are English and name the Indonesian field
or file they are about.
"""

from __future__ import annotations


class NaskahError(Exception):
    """Base class of every error naskah raises on purpose."""


class InputError(NaskahError, ValueError):
    """The input data (JSON or model fields) is not acceptable.

    ``errors`` holds ``(path, message)`` pairs, one per problem, where ``path`` is a
    dotted field path such as ``penandatangan.pejabat.nip``.
    """

    def __init__(self, message: str, errors: list[tuple[str, str]] | None = None) -> None:
        super().__init__(message)
        self.errors: list[tuple[str, str]] = errors or []


class TemplateError(NaskahError):
    """A template is unusable: missing, not a DOCX, or uses unknown variables."""


class MetadataError(NaskahError):
    """The naskah metadata inside a DOCX is missing or unreadable."""


class PdfError(NaskahError):
    """Converting to PDF failed (LibreOffice missing, timed out, or produced nothing)."""


class TrailError(NaskahError):
    """A trail step was refused (wrong order, wrong role, missing kelengkapan, ...)."""


class TrailLockedError(TrailError):
    """Another process is performing a step on the same berkas right now."""


class TamperError(TrailError):
    """Verification found a changed, removed or reordered document or ledger entry."""


class KopWarning(UserWarning):
    """A kop that does not suit its document, e.g. a kepala daerah signing on the kop of
    the Sekretariat Daerah (a warning: the document is still rendered)."""
