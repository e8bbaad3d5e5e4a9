"""PDFs for the service: the warm LibreOffice pool, a capped queue, and micro-batching.

Requests wait in one queue (at most ``antrian`` of them; more get 503 with
Retry-After). One thread per LibreOffice process takes the oldest request and, with
it, the queued requests that can be converted together with it (the same template:
:func:`naskah.pdf.group.group_key`), up to :data:`~naskah.pdf.group.GROUP_SIZE`, and
converts them in one LibreOffice load (:mod:`naskah.pdf.group`, what a batch does).
A request that finds the service idle is converted at once; requests that pile up while
LibreOffice is busy are the ones joined, and while another LibreOffice is busy a
converter waits up to ``tunggu`` (50 ms) for more letters of the template before it
starts, so concurrent single-letter requests cost less than one load each exactly when
the service is loaded. A group that fails is converted again one document at a time, so
a failure stays its own document's. Without LibreOffice's Python binding each request
is converted by a cold ``soffice`` run.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
import tempfile
import threading
import time
import uuid
from collections import deque
from collections.abc import Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio

from naskah.errors import NaskahError, PdfError
from naskah.serve.masalah import Masalah

log = logging.getLogger("naskah.serve")
_DOWN_AFTER = 3  # consecutive failed conversions before /health says LibreOffice is down


@dataclass
class _Permintaan:
    docx: bytes
    info: Mapping[str, str]
    pdfa: bool
    kunci: str | None
    future: Future[bytes] = field(default_factory=Future)


class PdfPool:
    """The instance's PDF converter; :meth:`convert` from async routes, :meth:`submit`
    from threads."""

    def __init__(self, work: Path, *, antrian: int = 64, timeout: float = 60.0,
                 group: bool = True, tunggu: float = 0.05) -> None:
        work.mkdir(parents=True, exist_ok=True)
        self.stage = Path(tempfile.mkdtemp(prefix="pdf-", dir=work))
        self.antrian, self.timeout, self.group = antrian, timeout, group
        self.tunggu = tunggu
        """Seconds a converter waits for more letters of a template while another is busy."""
        self._queue: deque[_Permintaan] = deque()
        self._cv = threading.Condition()
        self._threads: list[threading.Thread] = []
        self._warm: Any = None
        self._closed = False
        self._busy = 0
        self.converted = 0
        self.groups = 0
        self.failures_in_a_row = 0
        self.last_error: str | None = None

    # ------------------------------------------------------------ life

    def start(self) -> None:
        """Start LibreOffice (in the background) and the converting threads (again, after
        :meth:`close`: an app's lifespan may run more than once)."""
        from naskah.pdf import warm

        with self._cv:
            self._closed = False
            self._threads = []
        self.stage.mkdir(parents=True, exist_ok=True)
        try:
            self._warm = warm.shared()
        except PdfError as exc:  # no LibreOffice: /health says so, requests get 503
            self.last_error, self._warm = str(exc), None
        if self._warm is not None:
            self._warm.prestart()
        count = self._warm.processes if self._warm is not None else 1
        for i in range(count):
            thread = threading.Thread(target=self._loop, name=f"naskah-pdf-{i}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def close(self) -> None:
        """Stop taking work; queued requests fail; LibreOffice is stopped."""
        with self._cv:
            self._closed = True
            waiting, self._queue = list(self._queue), deque()
            self._cv.notify_all()
        for req in waiting:
            req.future.set_exception(PdfError("the service is shutting down"))
        for thread in self._threads:
            thread.join(timeout=self.timeout + 5)
        from naskah.pdf import warm

        warm.shutdown()
        shutil.rmtree(self.stage, ignore_errors=True)

    def status(self) -> dict[str, Any]:
        """What ``/health`` shows of the pool; ``ok`` False when LibreOffice is down."""
        from naskah.pdf.soffice import find_soffice

        try:
            find_soffice()
            found = True
        except PdfError as exc:
            found, self.last_error = False, str(exc)
        warm = self._warm
        ok = found and not self._closed and self.failures_in_a_row < _DOWN_AFTER
        return {
            "ok": ok,
            "mode": "warm" if warm is not None and warm.unavailable is None else "cold",
            "proses": warm.processes if warm is not None else 1,
            "antrian": len(self._queue), "sedang": self._busy, "batas_antrian": self.antrian,
            "dikonversi": self.converted, "kelompok": self.groups,
            "galat_berturut": self.failures_in_a_row, "galat_terakhir": self.last_error,
        }

    # ------------------------------------------------------------ asking

    def submit(self, docx: bytes, info: Mapping[str, str], *, pdfa: bool = False,
               kunci: str | None = None) -> Future[bytes]:
        """Queue one DOCX; its future gives the PDF (info stamped) or raises PdfError.
        ``kunci``: its group key, when the caller computed it (None: converted alone)."""
        req = _Permintaan(docx, info, pdfa, None if pdfa or not self.group else kunci)
        with self._cv:
            if self._closed:
                raise Masalah(503, "pdf-tidak-tersedia", "the service is shutting down")
            if len(self._queue) >= self.antrian:
                raise Masalah(503, "pdf-antrian-penuh",
                              f"{len(self._queue)} PDF conversions are waiting; try again",
                              headers={"Retry-After": "2"})
            self._queue.append(req)
            self._cv.notify()
        return req.future

    async def convert(self, docx: bytes, info: Mapping[str, str], *, pdfa: bool = False
                      ) -> bytes:
        """The PDF of one DOCX, converted with whatever else of its template is waiting."""
        from naskah.pdf.group import group_key

        kunci = None if pdfa else await anyio.to_thread.run_sync(group_key, docx)
        future = self.submit(docx, info, pdfa=pdfa, kunci=kunci)
        return await asyncio.wrap_future(future)

    # ------------------------------------------------------------ converting

    def _loop(self) -> None:
        from naskah.pdf.group import GROUP_SIZE

        while True:
            with self._cv:
                while not self._queue and not self._closed:
                    self._cv.wait()
                if self._closed:
                    return
                first = self._queue.popleft()
                batch = [first]
                self._gather(batch, GROUP_SIZE)
                if first.kunci is not None and len(batch) < GROUP_SIZE and self._busy > 0:
                    # Another LibreOffice is busy, so the service is loaded: the clients
                    # answered a moment ago are sending their next letters. Waiting a
                    # little for them makes a larger group, which costs less per letter
                    # than several small ones; an idle service converts at once.
                    deadline = time.monotonic() + self.tunggu
                    while len(batch) < GROUP_SIZE and not self._closed:
                        left = deadline - time.monotonic()
                        if left <= 0:
                            break
                        self._cv.wait(left)
                        self._gather(batch, GROUP_SIZE)
                self._busy += 1
            try:
                self._convert(batch)
            except BaseException as exc:  # never leave a request waiting forever
                for req in batch:
                    if not req.future.done():
                        req.future.set_exception(exc if isinstance(exc, NaskahError)
                                                 else PdfError(f"conversion failed: {exc}"))
                if not isinstance(exc, Exception):
                    raise
            finally:
                with self._cv:
                    self._busy -= 1

    def _gather(self, batch: list[_Permintaan], size: int) -> None:
        """Move the queued requests of the first one's template into ``batch`` (lock held)."""
        if batch[0].kunci is None:
            return
        for req in list(self._queue):
            if len(batch) >= size:
                return
            if req.kunci == batch[0].kunci:
                self._queue.remove(req)
                batch.append(req)

    def _convert(self, batch: list[_Permintaan]) -> None:
        if self._warm is not None and self._warm.closed and not self._closed:
            from naskah.pdf import warm

            # The process-wide converter was shut down by someone else (another app in
            # this process, as tests make): take the new one.
            self._warm = warm.shared()
        if len(batch) > 1 and self._convert_group(batch):
            return
        for req in batch:
            self._convert_one(req)

    def _convert_group(self, batch: list[_Permintaan]) -> bool:
        """Convert ``batch`` in one load; False when it must be done one by one."""
        from pypdf.errors import PyPdfError

        from naskah.pdf import group as pdf_group

        if self._warm is None or self._warm.unavailable is not None:
            return False
        name = uuid.uuid4().hex
        src, dst = self.stage / f"{name}.docx", self.stage / f"{name}.pdf"
        try:
            src.write_bytes(pdf_group.merge([req.docx for req in batch]))
            error = self._warm.convert_one(src, dst, destinations=True, timeout=self.timeout)
            if error is not None:
                return False
            parts = pdf_group.split(dst.read_bytes(), len(batch), [req.info for req in batch])
        except (OSError, ValueError, KeyError, TypeError, SyntaxError, PyPdfError,
                NaskahError) as exc:
            log.info("group of %d converted one by one: %s", len(batch), exc)
            return False
        finally:
            src.unlink(missing_ok=True)
            dst.unlink(missing_ok=True)
        self.groups += 1
        for req, data in zip(batch, parts, strict=True):
            self._done(req, data)
        return True

    def _convert_one(self, req: _Permintaan) -> None:
        from naskah.pdf.info import stamp_metadata
        from naskah.pdf.warm import UnoUnavailable

        try:
            if self._warm is not None and self._warm.unavailable is None:
                try:
                    data = self._warm_one(req)
                except UnoUnavailable:
                    data = self._cold_one(req)
            else:
                data = self._cold_one(req)
            self._done(req, stamp_metadata(data, dict(req.info)))
        except NaskahError as exc:
            self.failures_in_a_row += 1
            self.last_error = str(exc)
            req.future.set_exception(exc if isinstance(exc, PdfError) else PdfError(str(exc)))

    def _warm_one(self, req: _Permintaan) -> bytes:
        name = uuid.uuid4().hex
        src, dst = self.stage / f"{name}.docx", self.stage / f"{name}.pdf"
        try:
            src.write_bytes(req.docx)
            error = self._warm.convert_one(src, dst, pdfa=req.pdfa, timeout=self.timeout)
            if error is not None:
                raise PdfError(f"LibreOffice refused the document: {error}")
            return dst.read_bytes()
        finally:
            src.unlink(missing_ok=True)
            with contextlib.suppress(OSError):
                dst.unlink()

    def _cold_one(self, req: _Permintaan) -> bytes:
        from naskah.pdf.convert import docx_to_pdf_bytes

        return docx_to_pdf_bytes(req.docx, pdfa=req.pdfa, timeout=self.timeout * 3)

    def _done(self, req: _Permintaan, data: bytes) -> None:
        self.converted += 1
        self.failures_in_a_row = 0
        if not req.future.done():
            req.future.set_result(data)


__all__ = ["PdfPool"]
