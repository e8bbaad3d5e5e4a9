"""One LibreOffice kept running, driven through :mod:`naskah.pdf.bridge`.

A :class:`Worker` is a bridge process (Debian's ``/usr/bin/python3``, which has the
``uno`` module) and the LibreOffice it started, in a process group of their own so
one signal stops both. The bridge talks JSON lines over its stdin/stdout.
:mod:`naskah.pdf.warm` keeps one or two of them and hands them documents.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import shutil
import subprocess
import time
import uuid
from collections.abc import Mapping
from pathlib import Path

from naskah.errors import PdfError, UnoUnavailable
from naskah.pdf import profile as soffice_profile

_BRIDGE = Path(__file__).with_name("bridge.py")
START_TIMEOUT = 90.0
"""Seconds a LibreOffice may take to start and accept the bridge."""
STOP_TIMEOUT = 10.0
"""Seconds a LibreOffice may take to close cleanly before it is killed."""


def soffice_bin(soffice: str) -> str:
    """``soffice.bin`` next to the ``soffice`` wrapper script, so it is our direct child."""
    real = Path(os.path.realpath(soffice))
    candidate = real.with_name("soffice.bin")
    return str(candidate) if candidate.is_file() else soffice


class Worker:
    """One bridge process and its LibreOffice. Made with nothing running; :meth:`start`
    starts them and :meth:`wait_ready` waits until LibreOffice takes work. ``warmup`` is
    a DOCX file the bridge converts first, untimed, so that the first real document does
    not pay for loading LibreOffice's filters and fonts."""

    def __init__(self, python: str, soffice: str, warmup: Path | None = None) -> None:
        self.soffice = soffice_bin(soffice)
        self.profile = soffice_profile.profile_path()  # a name only: see start()
        self.seeded = False
        self._python, self._warmup = python, warmup
        self._buffer = b""

    def start(self) -> None:
        """Make the profile and start the bridge; on any error or interruption (SIGTERM
        unwinds the main thread anywhere) nothing is left: call it where the caller
        already holds this worker, so that an interruption after it can :meth:`kill` it.

        The profile's name was chosen before the folder exists, so :meth:`kill` removes
        whatever was made. The bridge starts LibreOffice only when told to, after this
        process keeps it: a bridge started but never kept (interrupted inside Popen)
        sees end of input and leaves without starting LibreOffice, which would otherwise
        make the removed profile again and leave it behind.
        """
        try:
            self.seeded = soffice_profile.make_profile(self.soffice, self.profile)
            # LibreOffice's own temporary files go inside the profile, removed with it.
            (self.profile / "tmp").mkdir()
            self.proc = subprocess.Popen(
                [self._python, str(_BRIDGE), self.soffice, str(self.profile),
                 f"naskah-{uuid.uuid4().hex}", *([str(self._warmup)] if self._warmup else [])],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                start_new_session=True, env={**os.environ, "TMPDIR": str(self.profile / "tmp")},
            )
            assert self.proc.stdin is not None
            self.proc.stdin.write(b"start\n")
            self.proc.stdin.flush()
        except BaseException as exc:  # SIGTERM too: the caller may be the main thread
            self.kill()
            if isinstance(exc, OSError):
                raise PdfError(f"cannot start the LibreOffice bridge ({self._python}): "
                               f"{exc}") from None
            raise

    def wait_ready(self) -> None:
        """Wait until LibreOffice accepts work; kill it all on failure or interruption.

        Raises :class:`UnoUnavailable` when the bridge's Python has no ``uno``.
        """
        try:
            reply = self._read(START_TIMEOUT)
        except BaseException:  # SIGINT/SIGTERM while LibreOffice starts
            self.kill()
            raise
        if not reply or not reply.get("ready"):
            self.kill()
            error = str((reply or {}).get("error", "no answer from the bridge"))
            if reply is not None and reply.get("uno") is False:
                raise UnoUnavailable(error)
            raise PdfError("LibreOffice did not start: " + error)

    def _read(self, timeout: float) -> dict[str, object] | None:
        """One JSON line from the bridge; None on timeout or when it died."""
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        deadline = time.monotonic() + timeout
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
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

    def convert(self, src: Path, dst: Path, options: Mapping[str, int | bool],
                timeout: float) -> str | None:
        """Convert one file with the PDF export ``options``; the error text, or None on
        success. Raises PdfError if LibreOffice is dead."""
        assert self.proc.stdin is not None
        # The bridge makes file URLs of them, which must be absolute.
        request = json.dumps({"src": os.path.abspath(src), "dst": os.path.abspath(dst),
                              "options": dict(options)}) + "\n"
        try:
            self.proc.stdin.write(request.encode())
            self.proc.stdin.flush()
        except OSError:
            raise PdfError("LibreOffice stopped") from None
        reply = self._read(timeout)
        if reply is None:
            raise PdfError(f"LibreOffice timed out after {timeout:g} s converting {src.name}")
        return None if reply.get("ok") else str(reply.get("error"))

    def stop(self) -> None:
        """Close LibreOffice cleanly (end of input: the bridge closes it), keep its profile
        as the seed when none exists yet, then remove everything (:meth:`kill`)."""
        with contextlib.suppress(OSError, AttributeError):
            assert self.proc.stdin is not None
            self.proc.stdin.close()
        with contextlib.suppress(subprocess.TimeoutExpired, AttributeError):
            if self.proc.wait(timeout=STOP_TIMEOUT) == 0:
                soffice_profile.save_seed(self.soffice, self.profile)
        self.kill()

    def kill(self) -> None:
        """Kill the bridge and its LibreOffice, and remove the profile."""
        if hasattr(self, "proc"):
            from naskah.pdf.soffice import kill_tree

            kill_tree(self.proc.pid)
        if hasattr(self, "proc"):
            for stream in (self.proc.stdin, self.proc.stdout):
                if stream is not None:
                    with contextlib.suppress(OSError):
                        stream.close()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=10)
        shutil.rmtree(self.profile, ignore_errors=True)


__all__ = ["START_TIMEOUT", "UnoUnavailable", "Worker", "soffice_bin"]
