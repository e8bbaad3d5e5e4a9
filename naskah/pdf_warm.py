"""A warm PDF converter: LibreOffice kept running between conversions.

Starting LibreOffice costs about a second; converting a short document in a
running one costs tens of milliseconds. :class:`WarmConverter` keeps one or two
LibreOffice processes running, each with its own user profile and driven over UNO
by :mod:`naskah.soffice_bridge` under Debian's ``/usr/bin/python3`` (the only
Python LibreOffice's ``python3-uno`` binding works in). The bridge talks JSON lines
over its stdin/stdout: no port, no file copies, nothing else to install — the
``unoserver`` package would need installing into the system Python, which Debian
forbids (PEP 668), and adds an XML-RPC server and port per process.

Each document has a timeout; a LibreOffice that hangs or crashes is killed with
its bridge (a process group of their own) and replaced. :func:`shared` gives the
process-wide converter, shut down at exit, on SIGINT and on SIGTERM.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import select
import shutil
import signal
import subprocess
import tempfile
import threading
import uuid
from collections.abc import Sequence
from pathlib import Path

from naskah.errors import PdfError

_BRIDGE = Path(__file__).with_name("soffice_bridge.py")
_ENV_PYTHON = "NASKAH_UNO_PYTHON"
_ENV_PROCESSES = "NASKAH_PDF_PROCESSES"
_ENV_WARM = "NASKAH_PDF_WARM"
START_TIMEOUT = 90.0
"""Seconds a LibreOffice may take to start and accept the bridge."""


def uno_python() -> str | None:
    """The Python that can import LibreOffice's ``uno`` module, or None.

    ``NASKAH_UNO_PYTHON`` names it; the default is ``/usr/bin/python3``. The check
    runs that interpreter once per process.
    """
    global _uno_python_checked
    if _uno_python_checked is not None:
        return _uno_python_checked or None
    python = os.environ.get(_ENV_PYTHON, "/usr/bin/python3")
    ok = False
    if shutil.which(python):
        try:
            ok = subprocess.run([python, "-c", "import uno"], capture_output=True,
                                timeout=30, check=False).returncode == 0
        except (OSError, subprocess.TimeoutExpired):
            ok = False
    _uno_python_checked = python if ok else ""
    return python if ok else None


_uno_python_checked: str | None = None


def soffice_bin(soffice: str) -> str:
    """``soffice.bin`` next to the ``soffice`` wrapper script, so it is our direct child."""
    real = Path(os.path.realpath(soffice))
    candidate = real.with_name("soffice.bin")
    return str(candidate) if candidate.is_file() else soffice


class _Worker:
    """One bridge process and its LibreOffice."""

    def __init__(self, python: str, soffice: str) -> None:
        """Start the bridge (and through it LibreOffice); :meth:`wait_ready` waits for it."""
        self.profile = Path(tempfile.mkdtemp(prefix="naskah-soffice-"))
        # LibreOffice's own temporary files go inside the profile, removed with it.
        (self.profile / "tmp").mkdir()
        self._buffer = b""
        try:
            self.proc = subprocess.Popen(
                [python, str(_BRIDGE), soffice_bin(soffice), str(self.profile),
                 f"naskah-{uuid.uuid4().hex}"],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                start_new_session=True, env={**os.environ, "TMPDIR": str(self.profile / "tmp")},
            )
        except OSError as exc:
            shutil.rmtree(self.profile, ignore_errors=True)
            raise PdfError(f"cannot start the LibreOffice bridge ({python}): {exc}") from None

    def wait_ready(self) -> None:
        """Wait until LibreOffice accepts work; kill it all on failure or interruption."""
        try:
            reply = self._read(START_TIMEOUT)
        except BaseException:  # SIGINT/SIGTERM while LibreOffice starts
            self.kill()
            raise
        if not reply or not reply.get("ready"):
            self.kill()
            raise PdfError("LibreOffice did not start: "
                           + str((reply or {}).get("error", "no answer from the bridge")))

    def _read(self, timeout: float) -> dict[str, object] | None:
        """One JSON line from the bridge; None on timeout or when it died."""
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        deadline = _now() + timeout
        while b"\n" not in self._buffer:
            left = deadline - _now()
            try:
                if left <= 0 or not select.select([fd], [], [], left)[0]:
                    return None
                chunk = os.read(fd, 65536)
            except (OSError, ValueError):
                return None  # its pipe was closed by a shutdown in another thread: it died
            if not chunk:
                return None
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        reply: dict[str, object] = json.loads(line)
        return reply

    def convert(self, src: Path, dst: Path, pdfa: bool, timeout: float) -> str | None:
        """Convert one file; the error text, or None on success. Raises PdfError if dead."""
        assert self.proc.stdin is not None
        # The bridge makes file URLs of them, which must be absolute.
        request = json.dumps({"src": os.path.abspath(src), "dst": os.path.abspath(dst),
                              "pdfa": pdfa}) + "\n"
        try:
            self.proc.stdin.write(request.encode())
            self.proc.stdin.flush()
        except OSError:
            raise PdfError("LibreOffice stopped") from None
        reply = self._read(timeout)
        if reply is None:
            raise PdfError(f"LibreOffice timed out after {timeout:g} s converting {src.name}")
        return None if reply.get("ok") else str(reply.get("error"))

    def kill(self) -> None:
        """Kill the bridge and its LibreOffice, and remove the profile."""
        with contextlib.suppress(ProcessLookupError, PermissionError, AttributeError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        if hasattr(self, "proc"):
            for stream in (self.proc.stdin, self.proc.stdout):
                if stream is not None:
                    with contextlib.suppress(OSError):
                        stream.close()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=10)
        shutil.rmtree(self.profile, ignore_errors=True)


def _now() -> float:
    import time

    return time.monotonic()


class WarmConverter:
    """Up to ``processes`` LibreOffice processes kept running for conversions."""

    def __init__(self, processes: int = 2, *, timeout: float = 60.0) -> None:
        python = uno_python()
        if python is None:
            raise PdfError("LibreOffice's Python binding (python3-uno) is not available")
        from naskah.pdf import find_soffice

        self._python, self._soffice = python, find_soffice()
        self.processes = max(1, processes)
        self.timeout = timeout
        self._idle: list[_Worker] = []
        self._busy: set[_Worker] = set()
        self._started = 0
        self._lock = threading.Condition()
        self._closed = False

    def _take(self) -> _Worker:
        with self._lock:
            while not self._idle and self._started >= self.processes:
                self._lock.wait()
            if self._closed:
                raise PdfError("the PDF converter was shut down")
            if self._idle:
                worker = self._idle.pop()
                self._busy.add(worker)
                return worker
            self._started += 1
        try:
            worker = _Worker(self._python, self._soffice)
            with self._lock:
                self._busy.add(worker)  # from here close(busy=True) can stop it
            if self._closed:
                worker.kill()
                raise PdfError("the PDF converter was shut down")
            try:
                worker.wait_ready()
            except BaseException:
                with self._lock:
                    self._busy.discard(worker)
                raise
            return worker
        except BaseException:
            with self._lock:
                self._started -= 1
                self._lock.notify()
            raise

    def _give(self, worker: _Worker) -> None:
        with self._lock:
            self._busy.discard(worker)
            if self._closed or worker.proc.poll() is not None:
                self._started -= 1
                worker.kill()
            else:
                self._idle.append(worker)
            self._lock.notify()

    def prestart(self) -> None:
        """Start every LibreOffice now, in the background: the first conversion then need
        not wait for one to start (a second or more), e.g. while a batch still renders."""

        def start_one() -> None:
            try:
                worker = self._take()
            except (PdfError, OSError):
                return  # the conversion that needs it will report the problem
            self._give(worker)

        with self._lock:
            missing = self.processes - self._started
        for _ in range(missing):
            threading.Thread(target=start_one, name="naskah-pdf-start", daemon=True).start()

    def convert_one(self, src: Path, dst: Path, *, pdfa: bool = False,
                    timeout: float | None = None) -> str | None:
        """Convert one file; the error text for a document LibreOffice refused, or None.

        A LibreOffice that hangs or dies is replaced and the document tried once more.
        """
        for attempt in (1, 2):
            worker = self._take()
            try:
                error = worker.convert(src, dst, pdfa, timeout or self.timeout)
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

    def convert(self, jobs: Sequence[tuple[Path, Path]], *, pdfa: bool = False,
                timeout: float | None = None) -> list[str | None]:
        """Convert ``(src, dst)`` pairs on all processes; an error text or None for each."""
        results: list[str | None] = [None] * len(jobs)
        if len(jobs) <= 1 or self.processes == 1:
            for i, (src, dst) in enumerate(jobs):
                results[i] = self.convert_one(src, dst, pdfa=pdfa, timeout=timeout)
            return results
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(self.processes) as pool:
            futures = [pool.submit(self.convert_one, src, dst, pdfa=pdfa, timeout=timeout)
                       for src, dst in jobs]
            try:
                for i, future in enumerate(futures):
                    results[i] = future.result()
            except BaseException:
                # Ctrl-C or SIGTERM here: kill the LibreOffices the other threads wait
                # on, or leaving the pool would wait for their conversions to time out.
                for future in futures:
                    future.cancel()
                self.close(busy=True)
                raise
        return results

    def close(self, *, busy: bool = False) -> None:
        """Stop every idle LibreOffice of this converter (and those converting, with
        ``busy``); the converter takes no more work."""
        with self._lock:
            self._closed = True
            stop, self._idle = self._idle + (list(self._busy) if busy else []), []
            self._lock.notify_all()
        for worker in stop:
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
        if (_shared is None or _shared.closed) and uno_python() is not None:
            default = min(2, os.cpu_count() or 1)
            processes = int(os.environ.get(_ENV_PROCESSES, default) or default)
            _shared = WarmConverter(processes)
            if not _exit_hook:
                atexit.register(shutdown)
                _exit_hook = True
            install_signal_handlers()
        return _shared


def shutdown() -> None:
    """Stop the process-wide converter (run at exit)."""
    global _shared
    with _shared_lock:
        converter, _shared = _shared, None
    if converter is not None:
        converter.close(busy=True)


terminated = False
"""Set once SIGTERM was received: the command line then exits 143 whatever error the
unwinding caused on the way (a conversion cut short is not the failure to report)."""


def _on_sigterm(signum: int, frame: object) -> None:
    # Unwind like Ctrl-C does, so temporary files are removed and LibreOffice stopped.
    global terminated
    terminated = True
    raise SystemExit(128 + signum)


def install_signal_handlers() -> None:
    """Make SIGTERM unwind the program (like SIGINT), so cleanup runs.

    Only from the main thread, and only where SIGTERM still has its default action
    (an application's own handler is left alone).
    """
    if threading.current_thread() is not threading.main_thread():
        return
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _on_sigterm)


__all__ = ["WarmConverter", "install_signal_handlers", "shared", "shutdown", "uno_python"]
