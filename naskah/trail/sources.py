"""Files a step takes in from outside the berkas (attachments, kop logos): confined, capped,
checked, staged.

A path names a file in a folder the user chose. The path is resolved (symlinks
followed) and must stay inside that folder: a path in a step data file resolves
against the data file's folder and may not leave it (unless the caller explicitly
allows it); a path given directly may not be a symlink leading out of its own
folder. Special files (devices, FIFOs, sockets) and anything under /proc, /sys or
/dev are refused, and the file is read once, with a size cap, from an open handle:
the bytes checked are the bytes stored.
"""

from __future__ import annotations

import os
from pathlib import Path

from naskah import sniff
from naskah.docx.konteks import AsetResolver
from naskah.errors import FileTooLarge, InputError, NotARegularFile
from naskah.fileio import read_capped
from naskah.models import NaskahDinas
from naskah.sop.model import Output
from naskah.trail.folder import ASET, LAMPIRAN, StepFiles, step_file
from naskah.trail.ledger import JenisRujukan, Rujukan

MAX_LAMPIRAN_BYTES = 50 * 1024 * 1024
"""Default cap per attachment (50 MB); ``Trail(max_lampiran=...)`` or ``--max-lampiran-mb``."""
_SYSTEM = (Path("/proc"), Path("/sys"), Path("/dev"))


def confine(path: str | os.PathLike[str], what: str, *, base: Path | None = None,
            allow_outside: bool = False) -> Path:
    """The real path of ``path``, refused when it leaves its folder or is not a plain file.

    With ``base`` (the folder of the data file naming it) a relative ``path`` resolves
    against ``base`` and the result must lie inside ``base``; without it the folder is
    the one ``path`` names. ``allow_outside`` lifts the folder rule (never the others).
    """
    given = Path(path)
    candidate = base / given if base is not None else given
    try:
        real = candidate.resolve(strict=True)
    except FileNotFoundError:
        raise InputError(f"{what}: file {os.fspath(path)!r} does not exist") from None
    except (OSError, RuntimeError) as exc:  # a symlink loop, a permission problem
        raise InputError(f"{what}: cannot open {os.fspath(path)!r} ({exc})") from None
    for system in _SYSTEM:
        if real == system or system in real.parents:
            raise InputError(f"{what}: {os.fspath(path)!r} is a system file under {system}; "
                             "attach a regular document")
    folder = (base if base is not None else candidate.parent).resolve()
    if not allow_outside and folder not in real.parents:
        raise InputError(
            f"{what}: {os.fspath(path)!r} leads outside the folder {str(folder)!r} "
            f"(to {str(real)!r}); copy the file into that folder"
            + (" or allow paths outside it explicitly" if base is not None else "")
        )
    return real


def read_source(real: Path, what: str, limit: int, *, image: bool = False) -> bytes:
    """Read a confined file once (regular files only, at most ``limit`` bytes) and check
    that its content is what its suffix says (see :mod:`naskah.sniff`)."""
    try:
        data = read_capped(real, limit, nofollow=True)  # confined already: no link now
    except NotARegularFile:
        raise InputError(f"{what}: {str(real)!r} is not a regular file") from None
    except FileTooLarge:
        raise InputError(f"{what}: {real.name} is over the limit of {_mb(limit)}") from None
    except OSError as exc:
        raise InputError(f"{what}: cannot read {str(real)!r} ({exc.strerror})") from None
    try:
        if image:
            sniff.check_image(data, sniff.IMAGE_SUFFIXES.get(real.suffix.lower()))
        else:
            sniff.check(data, real.suffix)
    except sniff.BadFile as exc:
        raise InputError(f"{what}: {real.name}: {exc}") from None
    return data


def store_lampiran(files: StepFiles, step: int, kode: str, nama: str, jenis: JenisRujukan,
                   source: str | os.PathLike[str], limit: int) -> Rujukan:
    """Check an attachment (or outside input) and stage it as ``lampiran/NN-kode.ext``."""
    what = f"lampiran {kode!r}"
    real = confine(source, what)
    data = read_source(real, what, limit)
    rel = step_file(LAMPIRAN, step, kode, real.suffix.lower())
    return Rujukan(kode=kode, nama=nama, jenis=jenis, file=str(rel), sha256=files.add(rel, data))


def store_logo(files: StepFiles, step: int, out: Output, model: NaskahDinas,
               aset: list[Rujukan]) -> NaskahDinas:
    """Copy the document's kop images (logo, lambang) into the berkas; the model
    returned names those copies.

    The stored paths are relative to the berkas, so the document renders and verifies
    from any folder and on any machine the berkas is copied to.
    """
    kop = model.kop
    if kop is None:
        return model
    images: dict[str, Path] = {}
    for field, source, label in (("logo", kop.logo, "Logo kop"),
                                 ("lambang", kop.lambang, "Lambang kop")):
        if source is None:
            continue
        what = f"dokumen {out.kode!r}: kop.{field}"
        real = confine(source, what)
        data = read_source(real, what, sniff.MAX_IMAGE_BYTES, image=True)
        kode = f"{out.kode}-{field}"
        rel = step_file(ASET, step, kode, real.suffix.lower())
        aset.append(Rujukan(kode=kode, nama=f"{label} {out.nama}", jenis=JenisRujukan.ASET,
                            file=str(rel), sha256=files.add(rel, data)))
        images[field] = Path(str(rel))
    if not images:
        return model
    return model.model_copy(update={"kop": kop.model_copy(update=images)})


def aset_resolver(*folders: Path) -> AsetResolver:
    """Where a recorded document's image (a path relative to the berkas, ``aset/...``)
    is read from: the first of ``folders`` holding it (a step renders before its files
    are placed, so the staging folder, which mirrors the berkas, comes first).

    A path that is absolute or leads out of the berkas is refused: a document of a
    berkas shows only images the berkas holds.
    """
    def resolve(path: Path) -> Path:
        problem = aset_problem(path)
        if problem:
            raise InputError(problem)
        return next((f / path for f in folders if (f / path).exists()), folders[-1] / path)

    return resolve


def aset_problem(path: Path) -> str | None:
    """Why a document image path recorded in a berkas is not one inside it, or None."""
    if path.is_absolute() or ".." in path.parts:
        return f"{str(path)!r} leads outside the berkas"
    return None


def _mb(limit: int) -> str:
    return f"{limit / (1024 * 1024):g} MB"


__all__ = ["MAX_LAMPIRAN_BYTES", "aset_problem", "aset_resolver", "confine", "read_source",
           "store_lampiran", "store_logo"]
