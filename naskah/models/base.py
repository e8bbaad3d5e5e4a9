"""The base model and the text types every naskah model is built from.

All user text ends up inside WordprocessingML, so it is checked here, once, at the
boundary: characters XML cannot hold are rejected with an error naming the field,
line endings are normalised, and single-line fields refuse line breaks.
"""

from __future__ import annotations

import re
from datetime import time
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    WithJsonSchema,
)

# XML 1.0 allows tab, LF and CR among the C0 controls; everything else below U+0020,
# the surrogates and U+FFFE/U+FFFF cannot be stored in a DOCX at all.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _check_xml_text(value: str) -> str:
    match = _XML_ILLEGAL.search(value)
    if match is not None:
        char = match.group()
        raise ValueError(
            f"contains the control character U+{ord(char):04X} at position {match.start()}, "
            "which a DOCX document cannot hold; remove it"
        )
    # Word and XML parsers fold CR and CRLF into LF anyway; doing it here keeps the
    # model equal to what a reader gets back from the document.
    return value.replace("\r\n", "\n").replace("\r", "\n")


def strip_xml_illegal(text: str) -> str:
    """``text`` without the characters a DOCX cannot hold (for text from outside the models)."""
    return _XML_ILLEGAL.sub("", text)


def _single_line(value: str) -> str:
    value = _check_xml_text(value)
    if "\n" in value:
        raise ValueError("must be a single line; it contains a line break")
    return value


# Length limits. Generous for real letters (the longest hal seen in practice is a few
# hundred characters; a paragraph rarely passes 3,000), tight enough that nothing
# accepted takes LibreOffice more than a few seconds to lay out (a single 1 MB
# paragraph took 84 s). Measured figures are in CHANGELOG.md.
MAX_BARIS = 500
"""Most characters in a one-line text field (:data:`Teks`)."""
MAX_PARAGRAF = 10_000
"""Most characters in a multi-line text field (:data:`TeksPanjang`), e.g. one paragraph."""
MAX_DAFTAR = 200
"""Most items in a list field (paragraphs, recipients, tembusan, lampiran titles)."""
MAX_TEKS_NASKAH = 500_000
"""Most characters of text in one whole document, all fields together."""
MAX_GANTI_BARIS = 2_000
"""Most line breaks inside text fields in one whole document: each is a printed line,
and LibreOffice needed minutes for a document of short lines that fit the other caps."""

Teks = Annotated[
    str, Field(min_length=1, max_length=MAX_BARIS), AfterValidator(_single_line)
]
"""Free text on one line (a name, a jabatan, a hal), at most 500 characters."""

JAM_POLA = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$"
"""A time of day as the documents give it: 'HH:MM' or 'HH:MM:SS'."""

Jam = Annotated[time, WithJsonSchema({"type": "string", "pattern": JAM_POLA,
                                      "examples": ["09:00", "13:30:00"]})]
"""A time of day, e.g. '09:00'. Its JSON Schema is a pattern, not ``format: time``:
that format is RFC 3339's full-time, which needs seconds and a UTC offset
('09:00:00+07:00'), so a validator that checks formats refuses the '09:00' every
document uses (the zone is a field of its own, :class:`~naskah.models.naskah.Zona`)."""

WAKTU_POLA = (r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T([01][0-9]|2[0-3]):[0-5][0-9]"
              r"(:[0-5][0-9](\.[0-9]{1,6})?)?(Z|[+-][0-9]{2}:[0-9]{2})$")
"""A date and time with its UTC offset, seconds optional ('2026-11-24T09:40+07:00')."""

WaktuIso = Annotated[AwareDatetime, WithJsonSchema({
    "type": "string", "pattern": WAKTU_POLA, "examples": ["2026-11-24T09:40+07:00"]})]
"""A moment with its UTC offset. Its JSON Schema is a pattern, since ``format:
date-time`` (RFC 3339) needs the seconds that '2026-11-24T09:40+07:00' leaves out."""

MAX_BARIS_KOP = 255
"""Most characters in a kop line: it also becomes a document property (author), and DOCX
core properties hold at most 255 characters."""

BarisKop = Annotated[
    str, Field(min_length=1, max_length=MAX_BARIS_KOP), AfterValidator(_single_line)
]
"""One line of a kop (the agency's name lines and unit), at most 255 characters."""

TeksPanjang = Annotated[
    str, Field(min_length=1, max_length=MAX_PARAGRAF), AfterValidator(_check_xml_text)
]
"""Free text that may span several lines (at most 10,000 characters); each line break is
kept in the document."""


class NaskahModel(BaseModel):
    """Base of every naskah model: strict, immutable, whitespace-trimmed.

    Unknown fields are an error rather than silently dropped, because a misspelt
    field name (``tembusans``) would otherwise vanish from an official document.
    """

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        str_strip_whitespace=True,
        validate_default=True,
        # Validators are built on a model's first use, not at import: a program that
        # handles one document type does not pay for the other four.
        defer_build=True,
    )

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Any) -> Any:
        # Field descriptions come from the attribute docstrings, read only here (see
        # naskah.models.docstrings: use_attribute_docstrings cost every import 80 ms).
        json_schema = handler(core_schema)
        from naskah.models.docstrings import describe_properties

        describe_properties(cls, handler.resolve_ref_schema(json_schema))
        return json_schema
