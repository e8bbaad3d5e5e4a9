"""A warm PDF converter: LibreOffice kept running between conversions.

Starting LibreOffice costs about a second; converting a short document in a
running one costs tens of milliseconds. :class:`WarmConverter` keeps one or two
LibreOffice processes running, each with its own user profile and driven over UNO
by :mod:`naskah.pdf.bridge` under Debian's ``/usr/bin/python3`` (the only
Python LibreOffice's ``python3-uno`` binding works in). The bridge talks JSON lines
over its stdin/stdout: no port, no file copies, nothing else to install — the
``unoserver`` package would need installing into the system Python, which Debian
forbids (PEP 668), and adds an XML-RPC server and port per process.

Each document has a timeout; a LibreOffice that hangs or crashes is killed with
its bridge (a process group of their own) and replaced. :func:`shared` gives the
process-wide converter, shut down at exit (a program that wants SIGTERM to unwind
like SIGINT, as the ``naskah`` command does, installs that handler itself).
"""

from __future__ import annotations

import atexit
import os
import shutil
import threading
from pathlib import Path

from naskah.errors import PdfError
from naskah.pdf import profile as soffice_profile
from naskah.pdf.soffice import find_soffice
from naskah.pdf.worker import UnoUnavailable, Worker

_ENV_PYTHON = "NASKAH_UNO_PYTHON"
_ENV_PROCESSES = "NASKAH_PDF_PROCESSES"
_ENV_WARM = "NASKAH_PDF_WARM"
# A shipped template: a real naskah document's styles, tables, headers and fonts.
_WARMUP = Path(__file__).parent.parent / "docx" / "templates" / "nota_dinas.docx"


def uno_python() -> str | None:
    """The Python to run the bridge under, or None when there is none.

    ``NASKAH_UNO_PYTHON`` names it; the default is ``/usr/bin/python3``. Whether it
    can import LibreOffice's ``uno`` is learnt when the first bridge starts (a check
    of its own would cost a Python start before LibreOffice's): then
    :class:`~naskah.soffice_worker.UnoUnavailable` is raised and the converter
    marks itself :attr:`~WarmConverter.unavailable`.
    """
    return shutil.which(os.environ.get(_ENV_PYTHON, "/usr/bin/python3"))


class WarmConverter:
    """Up to ``processes`` LibreOffice processes kept running for conversions."""

    def __init__(self, processes: int = 2, *, timeout: float = 60.0) -> None:
        python = uno_python()
        if python is None:
            raise PdfError("LibreOffice's Python binding (python3-uno) is not available")
        self._python, self._soffice = python, find_soffice()
        self.processes = max(1, processes)
        self.timeout = timeout
        self._idle: list[Worker] = []
        self._busy: set[Worker] = set()
        self._started = 0
        self._lock = threading.Condition()
        self._closed = False
        self.unavailable: UnoUnavailable | None = None
        """Set when the bridge's Python turned out to have no ``uno`` module."""

    def _take(self) -> Worker:
        with self._lock:
            while not self._idle and self._started >= self.processes:
                self._lock.wait()
            if self.unavailable is not None:
                raise self.unavailable
            if self._closed:
                raise PdfError("the PDF converter was shut down")
            if self._idle:
                worker = self._idle.pop()
                self._busy.add(worker)
                return worker
            self._started += 1
        worker = self._launch()
        self._ready(worker)
        return worker

    def _launch(self) -> Worker:
        """Start one more LibreOffice (counted in ``_started`` by the caller)."""
        # Held before anything starts: an interruption anywhere in between (SIGTERM
        # unwinds prestart, which runs in the caller's thread) finds it and kills it.
        worker = Worker(self._python, self._soffice, _WARMUP)
        try:
            worker.start()
            with self._lock:
                self._busy.add(worker)  # from here close(busy=True) can stop it
        except BaseException:
            worker.kill()
            with self._lock:
                self._busy.discard(worker)
                self._started -= 1
                self._lock.notify()
            raise
        if self._closed:
            self._drop(worker)
            raise PdfError("the PDF converter was shut down")
        return worker

    def _ready(self, worker: Worker) -> None:
        """Wait for a started LibreOffice; on failure it is dropped and the error raised."""
        try:
            worker.wait_ready()
        except UnoUnavailable as exc:
            with self._lock:
                self.unavailable = exc
            self._drop(worker)
            raise
        except BaseException:
            self._drop(worker)
            raise

    def _drop(self, worker: Worker) -> None:
        worker.kill()
        with self._lock:
            if worker in self._busy:
                self._busy.discard(worker)
                self._started -= 1
            self._lock.notify_all()

    def _give(self, worker: Worker) -> None:
        with self._lock:
            self._busy.discard(worker)
            if self._closed or worker.proc.poll() is not None:
                self._started -= 1
                worker.kill()
            else:
                self._idle.append(worker)
            self._lock.notify()

    def prestart(self) -> None:
        """Start every LibreOffice now: the first conversion then need not wait for one
        to start, e.g. while a batch still renders. The processes are launched here, in
        the caller's thread (a thread of their own would wait for the interpreter lock
        while the caller imports); only waiting for them happens in the background."""
        with self._lock:
            missing = (0 if self._closed or self.unavailable is not None
                       else self.processes - self._started)
            self._started += missing
        for launched in range(missing):
            try:
                worker = self._launch()
            except (PdfError, OSError):
                with self._lock:
                    self._started -= missing - launched - 1  # the ones never launched
                    self._lock.notify_all()
                return  # the conversion that needs one will report the problem
            threading.Thread(target=self._ready_then_idle, args=(worker,),
                             name="naskah-pdf-start", daemon=True).start()

    def _ready_then_idle(self, worker: Worker) -> None:
        try:
            self._ready(worker)
        except (PdfError, OSError):
            return  # the conversion that needs it will report the problem
        self._give(worker)

    def convert_one(self, src: Path, dst: Path, *, pdfa: bool = False,
                    timeout: float | None = None, destinations: bool = False) -> str | None:
        """Convert one file; the error text for a document LibreOffice refused, or None.

        ``pdfa`` writes PDF/A-2b; ``destinations`` exports the document's bookmarks as
        named destinations (how :mod:`naskah.pdf.group` finds where each document of a
        group begins). A LibreOffice that hangs or dies is replaced and the document
        tried once more.
        """
        from naskah.pdf.soffice import EXPORT_OPTIONS

        options: dict[str, int | bool] = dict(EXPORT_OPTIONS)
        if pdfa:
            options["SelectPdfVersion"] = 2
        if destinations:
            options["ExportBookmarksToPDFDestination"] = True
        for attempt in (1, 2):
            worker = self._take()
            try:
                error = worker.convert(src, dst, options, timeout or self.timeout)
            except PdfError:
                worker.kill()
                self._give(worker)
                if attempt == 2 or self._closed:
                    raise
                continue
            except BaseException:
                worker.kill()
                self._give(worker)
                raise
            self._give(worker)
            return error
        return None  # not reached

    def close(self, *, busy: bool = False) -> None:
        """Stop every idle LibreOffice of this converter (and those converting, with
        ``busy``); the converter takes no more work.

        Stopping is a kill, except once per LibreOffice build: an idle LibreOffice that
        started unseeded is then closed cleanly and its profile kept as the seed of
        later ones (:mod:`naskah.pdf.profile`), which start faster.
        """
        with self._lock:
            self._closed = True
            idle, busy_now = self._idle, (list(self._busy) if busy else [])
            self._idle = []
            self._lock.notify_all()
        for worker in busy_now:
            worker.kill()
        for worker in idle:
            if not worker.seeded and soffice_profile.needs_seed(worker.soffice):
                worker.stop()
            else:
                worker.kill()

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._closed


_shared: WarmConverter | None = None
_shared_lock = threading.Lock()
_exit_hook = False


def shared() -> WarmConverter | None:
    """The process-wide warm converter, or None when UNO is unavailable.

    ``NASKAH_PDF_PROCESSES`` sets how many LibreOffice processes it may run (default:
    2, or 1 on a one-core machine); ``NASKAH_PDF_WARM=0`` turns it off.
    """
    global _shared
    if os.environ.get(_ENV_WARM, "1") == "0":
        return None
    global _exit_hook
    with _shared_lock:
        if _shared is not None and _shared.unavailable is not None:
            return None
        if (_shared is None or _shared.closed) and uno_python() is not None:
            default = min(2, os.cpu_count() or 1)
            processes = int(os.environ.get(_ENV_PROCESSES, default) or default)
            _shared = WarmConverter(processes)
            if not _exit_hook:
                atexit.register(shutdown)
                _exit_hook = True
        return _shared


def prestart() -> None:
    """Start the shared converter's LibreOffice processes now, in the background.

    Call it as early as a program knows it will make PDFs: LibreOffice then starts
    (most of a second) while Python imports and renders. Problems are left for the
    conversion to report.
    """
    try:
        converter = shared()
    except PdfError:
        return
    if converter is not None:
        converter.prestart()


def shutdown() -> None:
    """Stop the process-wide converter (run at exit)."""
    global _shared
    with _shared_lock:
        converter, _shared = _shared, None
    if converter is not None:
        converter.close(busy=True)


__all__ = ["UnoUnavailable", "WarmConverter", "prestart", "shared",
           "shutdown", "uno_python"]
