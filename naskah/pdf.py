"""Convert DOCX files to PDF with LibreOffice running headless.

LibreOffice is an external program, not a Python dependency: install it with
``apt-get install libreoffice-writer-nogui`` (Debian/Ubuntu), or point the
``NASKAH_SOFFICE`` environment variable at the ``soffice`` executable.

Starting LibreOffice costs a second or more, so conversions go to a LibreOffice
kept running (:mod:`naskah.pdf_warm`) when its Python binding (Debian's
``python3-uno``) is installed. Without it, each conversion runs ``soffice
--convert-to`` once per 100 files (LibreOffice silently drops files past about 244
in one invocation). Every LibreOffice gets its own throwaway user profile, because
concurrent runs that share a profile fail silently (the second one hands its work
to the first instance, or exits without converting anything).
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from naskah import pdf_warm, soffice_profile, xmp_metadata
from naskah.errors import PdfError

__all__ = [
    "convert_to_pdf",
    "docx_to_pdf_bytes",
    "find_soffice",
    "pdf_to_png",
    "soffice_available",
    "stamp_metadata",
]

_ENV_VAR = "NASKAH_SOFFICE"
_INSTALL_HINT = (
    "install it with `apt-get install libreoffice-writer-nogui` "
    f"or set {_ENV_VAR} to the path of the soffice executable"
)
# Forcing the DOCX import filter matters: with type detection, LibreOffice happily
# "converts" a corrupt .docx as plain text and returns a PDF full of garbage.
_DOCX_FILTER = "MS Word 2007 XML"
_PDF_FILTER = "pdf:writer_pdf_Export"
# PDF/A-2b through the export filter's options (JSON form, LibreOffice >= 7.4).
_PDFA_FILTER = _PDF_FILTER + ':{"SelectPdfVersion":{"type":"long","value":"2"}}'
CHUNK = 100
"""Most files given to one cold ``soffice`` run."""
_STDERR_TAIL = 2000
# Seconds to wait for a killed process group to release its pipes.
_REAP_TIMEOUT = 10.0


def find_soffice() -> str:
    """Return the path of the LibreOffice ``soffice`` executable.

    ``NASKAH_SOFFICE`` wins when set; otherwise ``soffice`` and then
    ``libreoffice`` are looked up on ``PATH``.

    Raises:
        PdfError: LibreOffice cannot be found, or ``NASKAH_SOFFICE`` does not name
            an executable.
    """
    explicit = os.environ.get(_ENV_VAR, "").strip()
    if explicit:
        found = shutil.which(explicit)
        if found is None:
            # No fallback to PATH: a wrong explicit setting is a configuration bug
            # the user wants to hear about, not silently work around.
            raise PdfError(
                f"{_ENV_VAR}={explicit!r} is not an executable LibreOffice soffice; "
                f"fix or unset {_ENV_VAR}, or {_INSTALL_HINT}"
            )
        return found
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found is not None:
            return found
    raise PdfError(
        f"LibreOffice (soffice) is needed to make PDFs but was not found; {_INSTALL_HINT}"
    )


def soffice_available() -> bool:
    """Return whether LibreOffice can be found (see :func:`find_soffice`)."""
    try:
        find_soffice()
    except PdfError:
        return False
    return True


def convert_to_pdf(
    sources: Sequence[Path], out_dir: Path, *, timeout: float = 180.0, pdfa: bool = False
) -> list[Path]:
    """Convert DOCX files to PDF with LibreOffice (kept running, see the module notes).

    Each result is written as ``out_dir / (source.stem + ".pdf")``; ``out_dir`` is
    created if needed and existing PDFs of the same name are replaced. The
    conversion is all or nothing: results are first written to a temporary
    directory inside ``out_dir`` and moved into place with :func:`os.replace` only
    once every one of them is a complete PDF, so a failure never leaves a partial
    or missing-sibling PDF at a final path.

    Args:
        sources: DOCX files (Office Open XML). Their stems must be distinct.
        out_dir: Directory to write the PDFs to.
        timeout: Seconds one document (warm converter) or one run of at most
            :data:`CHUNK` documents (cold ``soffice``) may take before LibreOffice
            is killed.
        pdfa: Write PDF/A-2b (archival) instead of plain PDF.

    Returns:
        The PDF paths, in the same order as ``sources`` (``[]`` for no sources).

    Raises:
        PdfError: LibreOffice is missing, timed out, or did not produce a valid
            PDF for some source; a source is missing; or two sources share a stem.
    """
    if not sources:
        return []
    pdf_warm.install_signal_handlers()
    paths = [Path(source).resolve() for source in sources]
    _check_sources(paths)
    soffice = find_soffice()

    out_dir = Path(out_dir).absolute()  # LibreOffice takes URLs, which must be absolute
    out_dir.mkdir(parents=True, exist_ok=True)
    # Same directory as the targets, so os.replace stays on one filesystem (atomic).
    work_dir = Path(tempfile.mkdtemp(prefix=".naskah-pdf-", dir=out_dir))
    try:
        produced = [work_dir / f"{path.stem}.pdf" for path in paths]
        from naskah.pdf_pipeline import convert_files

        errors = convert_files(paths, produced, work_dir, pdfa=pdfa, timeout=timeout)
        if errors is not None:
            detail = "; ".join(f"{path.name}: {error}" for path, error
                               in zip(paths, errors, strict=True) if error)
        else:
            stderr = [_run_soffice(soffice, paths[i:i + CHUNK], work_dir, timeout, pdfa)
                      for i in range(0, len(paths), CHUNK)]
            detail = f"soffice stderr (tail):\n{_tail(''.join(stderr))}"
        failed = [path for path, pdf in zip(paths, produced, strict=True) if not _is_pdf(pdf)]
        if failed:
            names = ", ".join(str(path) for path in failed)
            raise PdfError(
                f"LibreOffice produced no valid PDF for {len(failed)} of {len(paths)} "
                f"file(s): {names} (are they valid DOCX files?); no PDF was written. {detail}"
            )
        targets = [out_dir / pdf.name for pdf in produced]
        for pdf, target in zip(produced, targets, strict=True):
            os.replace(pdf, target)
        return targets
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)


def docx_to_pdf_bytes(docx: bytes, *, timeout: float = 180.0, pdfa: bool = False) -> bytes:
    """Convert one in-memory DOCX document to PDF bytes.

    Raises:
        PdfError: As for :func:`convert_to_pdf`.
    """
    pdf_warm.install_signal_handlers()
    with tempfile.TemporaryDirectory(prefix="naskah-pdf-") as tmp:
        source = Path(tmp) / "naskah.docx"
        source.write_bytes(docx)
        (pdf,) = convert_to_pdf([source], Path(tmp) / "out", timeout=timeout, pdfa=pdfa)
        return pdf.read_bytes()


def _check_sources(paths: Sequence[Path]) -> None:
    """Reject input that LibreOffice would mishandle silently."""
    missing = [str(path) for path in paths if not path.is_file()]
    if missing:
        raise PdfError(f"source file(s) not found: {', '.join(missing)}")
    by_stem: dict[str, list[str]] = {}
    for path in paths:
        by_stem.setdefault(path.stem, []).append(str(path))
    clashes = [files for files in by_stem.values() if len(files) > 1]
    if clashes:
        detail = "; ".join(" and ".join(files) for files in clashes)
        raise PdfError(
            "sources in one conversion must have distinct file names (stems), because "
            f"their PDFs would overwrite each other: {detail}"
        )


def _run_soffice(
    soffice: str, paths: Sequence[Path], work_dir: Path, timeout: float, pdfa: bool
) -> str:
    """Run one soffice conversion and return its stderr; kill it all on timeout."""
    profile_dir, _ = soffice_profile.new_profile(soffice)
    try:
        return _run_soffice_in(soffice, paths, work_dir, profile_dir, timeout, pdfa)
    finally:
        shutil.rmtree(profile_dir, ignore_errors=True)


def _run_soffice_in(
    soffice: str, paths: Sequence[Path], work_dir: Path, profile_dir: Path, timeout: float,
    pdfa: bool,
) -> str:
    command = [
        soffice,
        "--headless",
        "--norestore",
        "--nolockcheck",
        f"-env:UserInstallation={profile_dir.as_uri()}",
        f"--infilter={_DOCX_FILTER}",
        "--convert-to",
        _PDFA_FILTER if pdfa else _PDF_FILTER,
        "--outdir",
        str(work_dir),
        *(str(path) for path in paths),
    ]
    # HOME too: some LibreOffice parts write there regardless of UserInstallation.
    # TMPDIR too: LibreOffice's own temporary files then go with the profile.
    env = {**os.environ, "HOME": str(profile_dir), "SAL_USE_VCLPLUGIN": "svp",
           "TMPDIR": str(profile_dir)}
    try:
        # A new session makes soffice its own process group: `soffice` is a shell
        # wrapper around oosplash and soffice.bin, and killing only the direct child
        # would leave soffice.bin running.
        proc = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            start_new_session=True,
        )
    except OSError as exc:
        raise PdfError(f"cannot start LibreOffice ({soffice}): {exc}; {_INSTALL_HINT}") from exc
    with proc:
        try:
            _, stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            names = ", ".join(path.name for path in paths)
            raise PdfError(
                f"LibreOffice timed out after {timeout:g} s converting "
                f"{len(paths)} file(s): {names}"
            ) from None
        except BaseException:
            # E.g. KeyboardInterrupt: do not leave an orphaned soffice behind.
            _kill_group(proc)
            raise
    return stderr.decode("utf-8", errors="replace")


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    """SIGKILL the child's whole process group and reap the child."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    try:
        # Draining the pipes also waits for the grandchildren that hold them open.
        proc.communicate(timeout=_REAP_TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _is_pdf(path: Path) -> bool:
    """Return whether ``path`` looks like a complete PDF file."""
    try:
        size = path.stat().st_size
        if size < 8:
            return False
        with path.open("rb") as handle:
            head = handle.read(5)
            handle.seek(max(0, size - 1024))
            tail = handle.read()
    except OSError:
        return False
    # The %%EOF trailer catches a truncated file that still starts with %PDF.
    return head.startswith(b"%PDF") and b"%%EOF" in tail


def _tail(text: str) -> str:
    """Return the last part of ``text``, enough to show LibreOffice's complaint."""
    text = text.strip()
    if not text:
        return "(empty)"
    if len(text) <= _STDERR_TAIL:
        return text
    return "..." + text[-_STDERR_TAIL:]


def stamp_metadata(pdf: bytes, info: Mapping[str, str]) -> bytes:
    """Return ``pdf`` with its document information dictionary set from ``info``.

    Keys are PDF names without the slash (``Title``, ``Author``, ``Subject``,
    ``Keywords``, ``Creator``, or custom ones such as ``NaskahContentHash``). When the
    PDF carries XMP metadata (always, for PDF/A), the same values are written there
    too, since PDF/A requires the two to agree; its PDF/A identification is kept.

    Raises:
        PdfError: ``pdf`` is not a readable PDF (LibreOffice wrote something broken).
    """
    from pypdf import PdfReader, PdfWriter
    from pypdf.errors import PyPdfError

    from naskah import pdf_stamp

    try:
        # An incremental update where the file allows it (LibreOffice's always do):
        # a fraction of the cost of rewriting the whole file.
        quick = pdf_stamp.stamp(pdf, info)
        if quick is not None:
            PdfReader(io.BytesIO(quick)).metadata  # noqa: B018 (reads the new trailer back)
            return quick
        reader = PdfReader(io.BytesIO(pdf))
        writer = PdfWriter(clone_from=reader)
        writer.add_metadata({f"/{key}": value for key, value in info.items()})
        xmp_metadata.update_xmp(writer, info)
        out = io.BytesIO()
        writer.write(out)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise PdfError(f"LibreOffice produced a PDF that cannot be read ({exc}); "
                       "no PDF was written") from None
    return out.getvalue()


def pdf_to_png(
    pdf: Path,
    out_dir: Path,
    *,
    first: int | None = None,
    last: int | None = None,
    dpi: int = 80,
    timeout: float = 120.0,
) -> list[Path]:
    """Render PDF pages to PNG files with poppler's ``pdftoppm``, to look at them.

    Returns the PNG paths in page order. Pages are 1-based; ``first``/``last``
    limit the range. Needs ``pdftoppm`` (Debian: ``apt-get install poppler-utils``).
    """
    tool = shutil.which("pdftoppm")
    if tool is None:
        raise PdfError("pdftoppm is needed to preview pages; apt-get install poppler-utils")
    out_dir = Path(out_dir).absolute()  # LibreOffice takes URLs, which must be absolute
    out_dir.mkdir(parents=True, exist_ok=True)
    prefix = out_dir / Path(pdf).stem
    cmd = [tool, "-png", "-r", str(dpi)]
    if first is not None:
        cmd += ["-f", str(first)]
    if last is not None:
        cmd += ["-l", str(last)]
    try:
        proc = subprocess.run([*cmd, str(pdf), str(prefix)], capture_output=True, text=True,
                              timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise PdfError(f"pdftoppm timed out after {timeout:g} s on {pdf}") from None
    if proc.returncode != 0:
        raise PdfError(f"pdftoppm failed on {pdf}: {_tail(proc.stderr)}")
    return sorted(out_dir.glob(f"{prefix.name}-*.png"))
