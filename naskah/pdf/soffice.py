"""LibreOffice itself: finding ``soffice``, and one cold ``soffice --convert-to`` run.

LibreOffice is an external program, not a Python dependency: install it with
``apt-get install libreoffice-writer-nogui`` (Debian/Ubuntu), or point the
``NASKAH_SOFFICE`` environment variable at the ``soffice`` executable. The cold run is
what :mod:`naskah.pdf.convert` and :mod:`naskah.pdf.pipeline` fall back to without
the warm converter: one ``soffice --convert-to`` per :data:`CHUNK` files
(LibreOffice silently drops files past about 244 in one invocation), each with its
own throwaway user profile, because concurrent runs that share a profile fail
silently (the second hands its work to the first, or exits converting nothing).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from naskah.errors import PdfError
from naskah.pdf import profile as soffice_profile

_ENV_VAR = "NASKAH_SOFFICE"
INSTALL_HINT = (
    "install it with `apt-get install libreoffice-writer-nogui` "
    f"or set {_ENV_VAR} to the path of the soffice executable"
)
# Forcing the DOCX import filter matters: with type detection, LibreOffice happily
# "converts" a corrupt .docx as plain text and returns a PDF full of garbage.
_DOCX_FILTER = "MS Word 2007 XML"
EXPORT_OPTIONS: dict[str, int | bool] = {"UseTaggedPDF": True, "DisplayPDFDocumentTitle": True}
"""The PDF export options of every conversion, warm or cold: a tagged PDF (structure tree
with headings, paragraphs and tables, for screen readers; the document's language from the
DOCX) whose viewer window shows the document's title rather than its file name."""


def _filter(options: dict[str, int | bool]) -> str:
    # The export filter's options in LibreOffice's JSON form (LibreOffice >= 7.4).
    typed = {name: {"type": "boolean" if isinstance(value, bool) else "long",
                    "value": str(value).lower() if isinstance(value, bool) else str(value)}
             for name, value in options.items()}
    return "pdf:writer_pdf_Export:" + json.dumps(typed, separators=(",", ":"))


_PDF_FILTER = _filter(EXPORT_OPTIONS)
# PDF/A-2b (LibreOffice offers the b level only, tagged or not).
_PDFA_FILTER = _filter({**EXPORT_OPTIONS, "SelectPdfVersion": 2})
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
                f"fix or unset {_ENV_VAR}, or {INSTALL_HINT}"
            )
        return found
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found is not None:
            return found
    for candidate in usual_locations():
        if os.path.isfile(candidate):
            return candidate
    raise PdfError(
        f"LibreOffice (soffice) is needed to make PDFs but was not found; {INSTALL_HINT}"
    )


def usual_locations() -> list[str]:
    """Where LibreOffice's installer puts ``soffice`` when it is not on ``PATH``: on
    Windows under ``%ProgramFiles%`` (and the 32-bit folder), on macOS in
    /Applications; nothing elsewhere."""
    if os.name == "nt":
        roots = [os.environ.get(v) for v in ("ProgramFiles", "ProgramW6432",
                                             "ProgramFiles(x86)")]
        roots += [r"C:\Program Files", r"C:\Program Files (x86)"]
        return [os.path.join(root, "LibreOffice", "program", "soffice.exe")
                for root in dict.fromkeys(r for r in roots if r)]
    if sys.platform == "darwin":
        return ["/Applications/LibreOffice.app/Contents/MacOS/soffice"]
    return []


def soffice_available() -> bool:
    """Return whether LibreOffice can be found (see :func:`find_soffice`)."""
    try:
        find_soffice()
    except PdfError:
        return False
    return True


def convert_cold(paths: Sequence[Path], out_dir: Path, *, timeout: float,
                 pdfa: bool) -> list[Path]:
    """Convert ``paths`` (absolute, distinct stems) into ``out_dir`` with cold
    ``soffice`` runs of at most :data:`CHUNK` files; all or nothing.

    The PDFs are written to a temporary folder in ``out_dir`` and moved into place
    only once every one is a complete PDF.

    Raises:
        PdfError: LibreOffice is missing, timed out, or produced no valid PDF for some
            file (naming them, with the tail of its stderr).
    """
    check_sources(paths)
    soffice = find_soffice()
    out_dir = Path(out_dir).absolute()  # LibreOffice takes URLs, which must be absolute
    work_dir = Path(tempfile.mkdtemp(prefix=".naskah-pdf-", dir=out_dir))
    try:
        stderr = [_run_soffice(soffice, paths[i:i + CHUNK], work_dir, timeout, pdfa)
                  for i in range(0, len(paths), CHUNK)]
        produced = [work_dir / f"{path.stem}.pdf" for path in paths]
        check_produced(paths, produced, f"soffice stderr (tail):\n{tail(''.join(stderr))}")
        targets = [out_dir / pdf.name for pdf in produced]
        for pdf, target in zip(produced, targets, strict=True):
            os.replace(pdf, target)
        return targets
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)


def check_sources(paths: Sequence[Path]) -> None:
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


def check_produced(paths: Sequence[Path], produced: Sequence[Path], detail: str) -> None:
    """Raise :class:`PdfError` naming every source whose PDF is missing or incomplete."""
    failed = [path for path, pdf in zip(paths, produced, strict=True) if not is_pdf(pdf)]
    if failed:
        names = ", ".join(str(path) for path in failed)
        raise PdfError(
            f"LibreOffice produced no valid PDF for {len(failed)} of {len(paths)} "
            f"file(s): {names} (are they valid DOCX files?); no PDF was written. {detail}"
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
        raise PdfError(f"cannot start LibreOffice ({soffice}): {exc}; {INSTALL_HINT}") from exc
    with proc:
        try:
            _, stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            kill_group(proc)
            names = ", ".join(path.name for path in paths)
            raise PdfError(
                f"LibreOffice timed out after {timeout:g} s converting "
                f"{len(paths)} file(s): {names}"
            ) from None
        except BaseException:
            # E.g. KeyboardInterrupt: do not leave an orphaned soffice behind.
            kill_group(proc)
            raise
    return stderr.decode("utf-8", errors="replace")


def kill_tree(pid: int) -> None:
    """Kill process ``pid`` and what it started: its process group on POSIX (it was
    started in a session of its own), ``taskkill /T`` on Windows (no process groups
    there). A process already gone is not an error."""
    killpg = getattr(os, "killpg", None)
    if killpg is not None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            killpg(pid, getattr(signal, "SIGKILL", signal.SIGTERM))
        return
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        subprocess.run(["taskkill", "/F", "/T", "/PID", str(pid)], stdin=subprocess.DEVNULL,
                       capture_output=True, timeout=_REAP_TIMEOUT, check=False)


def kill_group(proc: subprocess.Popen[bytes]) -> None:
    """Kill the child and everything it started (:func:`kill_tree`), and reap it."""
    kill_tree(proc.pid)
    with contextlib.suppress(OSError):
        proc.kill()  # where taskkill is missing, at least the child itself
    try:
        # Draining the pipes also waits for the grandchildren that hold them open.
        proc.communicate(timeout=_REAP_TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def is_pdf(path: Path) -> bool:
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


def tail(text: str) -> str:
    """Return the last part of ``text``, enough to show LibreOffice's complaint."""
    text = text.strip()
    if not text:
        return "(empty)"
    if len(text) <= _STDERR_TAIL:
        return text
    return "..." + text[-_STDERR_TAIL:]




__all__ = ["CHUNK", "INSTALL_HINT", "check_produced", "check_sources", "convert_cold",
           "find_soffice", "is_pdf", "kill_group", "soffice_available", "tail"]
