"""The berkas PDF's electronic signatures: the trail's signed originals with their
verification result (for the cover and the embedded files), and drawing the stamps of
merged originals into their pages (see :mod:`naskah.trail.berkas.build`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo
from pathlib import Path

from pypdf import PdfWriter

from naskah.trail import baca
from naskah.trail.ledger import Entry, Rujukan


@dataclass(frozen=True)
class Asli:
    """A signed original of the trail and its verification result."""

    step: int
    ref: Rujukan
    data: bytes
    hasil: str


def originals_of(root: Path, entries: list[Entry], tz: tzinfo | None = None) -> list[Asli]:
    """Every signed original with its verification result (against the berkas's roots);
    signing times in ``tz`` (the office's zone, e.g. the SOP's)."""
    from naskah.formatting import waktu_zona
    from naskah.trail.folder import TRUST_FILE
    from naskah.trail.signatures import load_trust
    from naskah.tte.verify import verify_pdf

    found = [(e.step, ref) for e in entries for ref in e.asli if ref.file]
    if not found:
        return []
    trust = load_trust(baca.read(root / TRUST_FILE, baca.MAX_BERKAS_JSON_BYTES))
    out: list[Asli] = []
    for step, ref in found:
        data = baca.read(root / str(ref.file), baca.MAX_WHOLE_BYTES)
        report = verify_pdf(data, trust)
        lines = []
        for sig in report.signatures:
            who = sig.identitas
            when = ""
            if sig.signing_time:
                local = sig.signing_time.astimezone(tz) if tz else sig.signing_time
                when = f", {local:%d-%m-%Y} {waktu_zona(local)}"
            lines.append(f"{who.nama if who else '?'} (NIP {who.nip if who and who.nip else '-'}"
                         f"; {who.instansi if who and who.instansi else '-'}){when}")
        verdict = "SAH: utuh dan terpercaya" if report.ok else "TIDAK SAH: " + "; ".join(
            p for sig in report.signatures for p in sig.problems)
        out.append(Asli(step, ref, data, f"{'; '.join(lines)} — {verdict}"))
    return out


def flatten_signatures(writer: PdfWriter) -> None:
    """Turn the signature fields of merged signed originals into plain page content.

    A signature does not survive being merged into another PDF (its byte range is
    gone); left as fields, viewers would show each as a broken signature. The stamp
    (the field's appearance) is drawn into the page instead, and the fields removed:
    the valid signatures are in the embedded originals.
    """
    from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject

    for page in writer.pages:
        annots = page.get("/Annots")
        if annots is None:
            continue
        keep = ArrayObject()
        draw: list[bytes] = []
        for ref in annots.get_object():
            annot = ref.get_object()
            parent = annot.get("/Parent")
            kind = annot.get("/FT") or (parent.get_object().get("/FT") if parent else None)
            if kind != "/Sig":
                keep.append(ref)
                continue
            appearance = annot.get("/AP", {}).get("/N") if "/AP" in annot else None
            if appearance is None:
                continue
            x, y = (float(v) for v in annot["/Rect"][:2])
            name = f"/NaskahTte{len(draw)}"
            resources = page.setdefault(NameObject("/Resources"), DictionaryObject())
            xobjects = resources.get_object().setdefault(NameObject("/XObject"),
                                                         DictionaryObject())
            xobjects.get_object()[NameObject(name)] = appearance
            draw.append(f"q 1 0 0 1 {x:.2f} {y:.2f} cm {name} Do Q".encode("ascii"))
        page[NameObject("/Annots")] = keep
        if draw:
            stream = DecodedStreamObject()
            stream.set_data(b"\n".join(draw))
            contents = page.get("/Contents")
            parts = ArrayObject()
            if contents is not None:
                old = contents.get_object()
                parts.extend(old if isinstance(old, ArrayObject) else [page.raw_get("/Contents")])
            parts.append(writer._add_object(stream))
            page[NameObject("/Contents")] = parts
    writer._root_object.pop(NameObject("/AcroForm"), None)


__all__ = ["Asli", "flatten_signatures", "originals_of"]
