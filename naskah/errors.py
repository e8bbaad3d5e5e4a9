"""Exceptions raised by naskah: one tree, rooted at :class:`NaskahError`.

Every error the library raises on purpose derives from :class:`NaskahError`, so an
integrator can catch one type; errors of the parts underneath (SQLAlchemy, pyHanko,
httpx, the operating system) are translated where naskah calls them. Messages name the
field or file they are about; the ones staff read most are Indonesian (with the English
technical detail in parentheses), the rest still English. :func:`kode_galat` gives each
error's stable ``kode`` (:data:`KODE_GALAT`), what ``naskah --format-galat json`` prints.
Every class is importable from here and, for the ones an integrator meets, from ``naskah`` itself::

    NaskahError
    ├── InputError (also a ValueError)      the data or a file given is not acceptable
    │   ├── PassphraseError                 passphrase or PIN missing or wrong
    │   ├── CertificateError                the signer's certificate is unusable
    │   ├── SignerNotRegisteredError        the signing service does not know the signer
    │   ├── SignerMissingError              a step or paraf asked for without the key
    │   ├── NotARegularFile                 a folder, device or FIFO given as a file
    │   ├── FileTooLarge                    a file over the cap it is read with
    │   ├── PackageTooLarge                 a DOCX/zip over its size caps (a zip bomb)
    │   └── BadFile                         a file's content is not what its name says
    ├── TemplateError                       a template is missing, broken or unsafe
    ├── MetadataError                       a DOCX's naskah metadata is missing/unreadable
    │   └── DocumentChangedError            the DOCX was edited outside naskah
    ├── PdfError                            conversion to PDF failed
    │   └── UnoUnavailable                  LibreOffice's Python bridge is missing
    ├── SigningError                        a signature could not be made
    │   ├── UnsupportedOperation            this signer cannot do that
    │   ├── BsreError                       BSrE refused or failed a request
    │   │   └── BsreAnswerError             its answer is not the PDF sent, signed by the signer
    │   ├── TsaError                        the timestamp authority gave no usable timestamp
    │   ├── DeadlineExceeded                an outside service outlasted the whole deadline
    │   └── AnswerTooLarge                  an outside service answered more than accepted
    ├── TrailError                          a trail step was refused
    │   ├── TrailLockedError                another process holds the berkas
    │   └── TamperError                     verification found a changed berkas
    └── RegisterError                       the register's database failed
        ├── RegisterUnavailableError        it cannot be reached or opened
        ├── RegisterBusyError               it stayed locked by another writer
        ├── RegisterSchemaError             its schema needs ``naskah db upgrade``
        └── RegisterConflictError           already final, cancelled... (also an InputError)

The rule for new code: a public function raises one of these (a new class goes into
this tree and this drawing), never a bare ``ValueError``/``KeyError``, and never lets a
foreign exception out. The command line maps :class:`InputError` to exit status 2 and
every other :class:`NaskahError` to 1, printing only the message.
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


class PassphraseError(InputError):
    """The passphrase (or PIN) is missing or wrong. Never carries the passphrase itself."""


class CertificateError(InputError):
    """The signer's certificate is unusable: expired, not yet valid, or not for signing."""


class SignerNotRegisteredError(InputError):
    """The signing service does not know this signer (e.g. BSrE: NIK not registered)."""


class SignerMissingError(InputError):
    """A step, paraf or signature was asked for without the performer's key."""


class NotARegularFile(InputError):
    """The path names a folder, device, FIFO or socket, not a plain file.

    Raised by the low-level readers; the caller names the file and what it is for.
    """


class FileTooLarge(InputError):
    """The file is larger than the cap it was read with (``limit`` bytes)."""

    def __init__(self, limit: int) -> None:
        from naskah.fileio import describe_size

        super().__init__(f"larger than {describe_size(limit)}")
        self.limit = limit


class PackageTooLarge(InputError):
    """A zip package (DOCX) is over a size cap; the message says which."""


class BadFile(InputError):
    """A file's content is not what its name or role says (e.g. a '.png' that holds no
    image, an encrypted PDF); the message says what is wrong with it."""


class TemplateError(NaskahError):
    """A template is unusable: missing, not a DOCX, or uses unknown variables."""


class MetadataError(NaskahError):
    """The naskah metadata inside a DOCX is missing or unreadable."""


class DocumentChangedError(MetadataError):
    """The DOCX was changed outside naskah: its text or data disagree with its hashes.

    ``masalah`` lists each disagreement in words.
    """

    def __init__(self, message: str, masalah: list[str]) -> None:
        super().__init__(message)
        self.masalah = masalah


class PdfError(NaskahError):
    """Converting to PDF failed (LibreOffice missing, timed out, or produced nothing)."""


class UnoUnavailable(PdfError):
    """The bridge's Python cannot import LibreOffice's ``uno`` module."""


class SigningError(NaskahError):
    """A signature could not be made (token unreachable, service down, ...)."""


class UnsupportedOperation(SigningError):
    """This kind of signer cannot do the requested operation (e.g. BSrE and raw CMS)."""


class BsreError(SigningError):
    """BSrE refused or failed a request; ``http_status``/``bsre_code`` say how."""

    def __init__(self, message: str, http_status: int | None = None,
                 bsre_code: int | None = None) -> None:
        super().__init__(message)
        self.http_status = http_status
        self.bsre_code = bsre_code


class BsreAnswerError(BsreError):
    """BSrE's answer is not the document sent, validly signed by the signer asked for.

    ``signed_by``: the NIP (or NIK) of the certificate that did sign, when the answer was
    a valid signature of someone else (None for any other fault)."""

    def __init__(self, message: str, signed_by: str | None = None) -> None:
        super().__init__(message)
        self.signed_by = signed_by


class TsaError(SigningError):
    """The timestamp authority could not be reached or gave no usable timestamp."""


class DeadlineExceeded(SigningError):
    """A request to an outside service (BSrE, a TSA) took longer than its whole deadline."""


class AnswerTooLarge(SigningError):
    """An outside service's answer is larger than the caller accepts."""


class TrailError(NaskahError):
    """A trail step was refused (wrong order, wrong role, missing kelengkapan, ...)."""


class TrailLockedError(TrailError):
    """Another process is performing a step on the same berkas right now."""


class TamperError(TrailError):
    """Verification found a changed, removed or reordered document or ledger entry."""


class RegisterError(NaskahError):
    """The register's database failed; the message says how, without driver details."""


class RegisterUnavailableError(RegisterError):
    """The register's database cannot be reached or opened (server down, wrong
    password, unreadable file)."""


class RegisterBusyError(RegisterError):
    """The register stayed locked by another writer longer than the wait allows."""


class RegisterSchemaError(RegisterError):
    """The register's schema is not the one this naskah needs: run ``naskah db upgrade``."""


class RegisterConflictError(RegisterError, InputError):
    """The record's state forbids the action: a number already final or cancelled, a
    disposisi already read or closed. Also what the loser of two concurrent writers on
    one record gets (the record is locked, so the second sees the first's result).

    An :class:`InputError` too: asked alone, the action is a mistake (exit status 2).
    """


KODE_GALAT: dict[str, str] = {
    "input-tidak-valid": "the data, a file or an option given is not acceptable (exit 2)",
    "kata-sandi": "a passphrase or PIN is missing or wrong (exit 2)",
    "sertifikat": "the signer's certificate is unusable or unknown to the service (exit 2)",
    "templat": "a template is missing, broken or refused (exit 2)",
    "konflik": "the record's state forbids the action, e.g. a number already final (exit 2)",
    "rusak": "a document or trail was changed outside naskah, or is damaged (exit 1)",
    "terkunci": "another process holds the berkas or the register (exit 1; try again)",
    "tidak-tersedia": "a part naskah needs is missing or unreachable: the database, "
                      "LibreOffice, the signing service (exit 1)",
    "gagal-ttd": "a signature could not be made (exit 1)",
    "gagal-pdf": "converting to PDF failed (exit 1)",
    "ditolak": "a trail step was refused (wrong order, role, kelengkapan) (exit 1)",
    "gagal": "any other failure of naskah (exit 1)",
    "sistem": "the operating system refused: disk full, permission denied (exit 1)",
    "argumen": "the command line is wrong: an unknown option, a missing argument (exit 2)",
    "dihentikan": "interrupted by the user (exit 130)",
}
"""The ``kode`` of a machine-readable error (``naskah --format-galat json``): a small,
stable set derived from the exception's type by :func:`kode_galat`."""

_KODE_BY_TYPE: tuple[tuple[str, str], ...] = (
    # Most specific first: the first class the error is an instance of wins.
    ("PassphraseError", "kata-sandi"),
    ("CertificateError", "sertifikat"),
    ("SignerNotRegisteredError", "sertifikat"),
    ("RegisterConflictError", "konflik"),
    ("InputError", "input-tidak-valid"),
    ("TemplateError", "templat"),
    ("DocumentChangedError", "rusak"),
    ("TamperError", "rusak"),
    ("MetadataError", "rusak"),
    ("TrailLockedError", "terkunci"),
    ("RegisterBusyError", "terkunci"),
    ("RegisterUnavailableError", "tidak-tersedia"),
    ("UnoUnavailable", "tidak-tersedia"),
    ("PdfError", "gagal-pdf"),
    ("SigningError", "gagal-ttd"),
    ("TrailError", "ditolak"),
    ("NaskahError", "gagal"),
)


def kode_galat(exc: BaseException) -> str:
    """The :data:`KODE_GALAT` key of an exception: by its naskah type, ``sistem`` for an
    ``OSError``, ``dihentikan`` for an interrupt, else ``gagal``."""
    if isinstance(exc, KeyboardInterrupt):
        return "dihentikan"
    if isinstance(exc, OSError):
        return "sistem"
    names = {cls.__name__ for cls in type(exc).__mro__}
    return next((kode for name, kode in _KODE_BY_TYPE if name in names), "gagal")


__all__ = [
    "KODE_GALAT",
    "AnswerTooLarge",
    "BadFile",
    "BsreAnswerError",
    "BsreError",
    "CertificateError",
    "DeadlineExceeded",
    "DocumentChangedError",
    "FileTooLarge",
    "InputError",
    "MetadataError",
    "NaskahError",
    "NotARegularFile",
    "PackageTooLarge",
    "PassphraseError",
    "PdfError",
    "RegisterBusyError",
    "RegisterConflictError",
    "RegisterError",
    "RegisterSchemaError",
    "RegisterUnavailableError",
    "SignerMissingError",
    "SignerNotRegisteredError",
    "SigningError",
    "TamperError",
    "TemplateError",
    "TrailError",
    "TrailLockedError",
    "TsaError",
    "UnoUnavailable",
    "UnsupportedOperation",
    "kode_galat",
]
