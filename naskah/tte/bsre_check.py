"""What BSrE sends back must be the document sent, signed by the signer asked for.

A reply that merely starts with ``%PDF`` proves nothing: a broken or hostile server (or
anything in between) could answer another document, the bytes sent unsigned, or the
document signed with another person's key. :func:`check_update` accepts only an
incremental update of exactly the bytes sent that adds one intact, valid signature
covering the whole file (validation data may follow it);
:func:`check_signer` then requires that signature's certificate to name the signer.
"""

from __future__ import annotations

from dataclasses import dataclass

from naskah.errors import BsreAnswerError
from naskah.tte.identity import Identitas
from naskah.tte.trust import TrustStore
from naskah.tte.validasi import Status


@dataclass(frozen=True)
class Checked:
    """The new signature BSrE added."""

    pdf: bytes
    identitas: Identitas | None


def check_update(sent: bytes, returned: bytes, trust: TrustStore | None,
                 where: str = "bsre") -> Checked:
    """``returned`` if it is ``sent`` with one new valid signature appended."""
    from naskah.errors import InputError
    from naskah.tte.verify import verify_pdf

    if not returned.startswith(b"%PDF-"):
        raise BsreAnswerError(f"{where}: the answer is not a PDF")
    if len(returned) <= len(sent) or returned[:len(sent)] != sent:
        raise BsreAnswerError(f"{where}: the answer is not an incremental update of the "
                              "document sent (another document, or the document changed)")
    try:
        before = {s.field_name for s in verify_pdf(sent, None).signatures}
        report = verify_pdf(returned, trust)
    except InputError:
        raise BsreAnswerError(f"{where}: the answer is not a readable PDF") from None
    new = [s for s in report.signatures if s.field_name not in before]
    if len(new) != 1:
        raise BsreAnswerError(f"{where}: the answer carries {len(new)} new signatures, "
                              "not one: the document was not signed as asked")
    sig = new[0]
    if not sig.intact or not sig.valid or sig.status is Status.TAMPERED:
        raise BsreAnswerError(f"{where}: the new signature does not verify")
    changed = [p for p in sig.problems if "changed after" in p or "appended" in p]
    if changed:
        raise BsreAnswerError(f"{where}: the answer was changed after its signature "
                              f"({changed[0][:200]})")
    if trust is not None and sig.status is not Status.VALID:
        raise BsreAnswerError(f"{where}: the new signature is not trusted: "
                              + "; ".join(sig.problems)[:300])
    return Checked(returned, sig.identitas)


def check_signer(checked: Checked, nik: str, identitas: Identitas, where: str = "bsre"
                 ) -> bytes:
    """The signed PDF, if its new signature's certificate names ``identitas`` (its
    serialNumber the NIK or the NIP, its common name the name; an empty name: only the
    number is checked, e.g. a service account bound to a NIP)."""
    who = checked.identitas
    numbers = {nik, identitas.nip} - {None}
    if who is None or who.nip not in numbers or (
            identitas.nama and _plain(who.nama) != _plain(identitas.nama)):
        named = f"{who.nama} ({who.nip or '-'})" if who is not None else "nobody"
        raise BsreAnswerError(f"{where}: the document came back signed by {named[:120]}, "
                              f"not by {identitas.nama or identitas.nip or '-'} (NIK {nik})",
                              signed_by=who.nip if who is not None else None)
    return checked.pdf


def _plain(text: str) -> str:
    return " ".join(text.split()).casefold()


__all__ = ["BsreAnswerError", "Checked", "check_signer", "check_update"]
