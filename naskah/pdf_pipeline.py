"""Converting a stream of DOCX files to PDF while the caller renders the next ones.

A batch renders a document in a millisecond or two and LibreOffice converts one in
tens of milliseconds, so the batch should never wait for LibreOffice except at the
end. :class:`PdfPipeline` hands each DOCX file to the warm converter
(:mod:`naskah.pdf_warm`) as soon as it is written, one thread per LibreOffice
process, and gives back finished PDFs (document information stamped, written into
place atomically) in the order they were submitted. At most ``window`` documents
are in flight, so a long batch keeps memory and disk use flat.

Without LibreOffice's Python binding the documents are converted in groups by
one ``soffice --convert-to`` run each (:func:`naskah.pdf.convert_to_pdf`); a group
that fails is retried one document at a time, so a failure stays that document's.
"""

from __future__ import annotations

import contextlib
from collections import deque
from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from naskah import pdf_warm
from naskah.errors import NaskahError

_COLD_GROUP = 16  # documents per cold soffice run: its start-up is shared among them


@dataclass(frozen=True)
class Converted:
    """One submitted document's outcome: its PDF, or the reason there is none."""

    key: int
    pdf: Path | None
    error: str | None


@dataclass
class _Job:
    key: int
    docx: Path
    info: Mapping[str, str]
    target: Path
    future: Future[str | None] | None = None


class PdfPipeline:
    """DOCX files in, stamped PDFs out, converting while more are submitted.

    ``stage`` is a folder of the caller's for LibreOffice's output (on the same
    filesystem as the targets). Use it as a context manager, or call :meth:`close`.
    """

    def __init__(self, stage: Path, *, pdfa: bool = False, window: int = 32) -> None:
        self.stage = stage
        self.pdfa = pdfa
        self.window = window
        self._warm = pdf_warm.shared()
        self._pool = (ThreadPoolExecutor(self._warm.processes, thread_name_prefix="naskah-pdf")
                      if self._warm is not None else None)
        self._jobs: deque[_Job] = deque()

    def __enter__(self) -> PdfPipeline:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def submit(self, key: int, docx: Path, info: Mapping[str, str],
               target: Path) -> list[Converted]:
        """Queue ``docx`` to become ``target`` with ``info`` stamped; the documents
        finished meanwhile (waiting for the oldest when ``window`` are in flight)."""
        job = _Job(key, docx, info, target)
        if self._pool is not None and self._warm is not None:
            job.future = self._pool.submit(self._warm.convert_one, docx, self._produced(job),
                                           pdfa=self.pdfa)
        self._jobs.append(job)
        if self._pool is None:
            return self._cold() if len(self._jobs) >= _COLD_GROUP else []
        done = self.ready()
        while self._jobs and len(self._jobs) >= self.window:
            done += self._finish()
        return done

    def ready(self) -> list[Converted]:
        """The documents finished so far, oldest first, without waiting."""
        done: list[Converted] = []
        while self._jobs and self._jobs[0].future is not None and self._jobs[0].future.done():
            done += self._finish()
        return done

    def drain(self) -> list[Converted]:
        """Wait for every document submitted; their outcomes, oldest first."""
        done: list[Converted] = []
        while self._jobs:
            done += self._finish() if self._pool is not None else self._cold()
        return done

    def close(self) -> None:
        """Stop converting: documents not yet started are dropped."""
        for job in self._jobs:
            if job.future is not None:
                job.future.cancel()
        self._jobs.clear()
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def _produced(self, job: _Job) -> Path:
        return self.stage / f"{job.key}.pdf"

    def _finish(self) -> list[Converted]:
        """The oldest document's outcome, waiting for it."""
        job = self._jobs.popleft()
        assert job.future is not None
        try:
            error = job.future.result()
        except pdf_warm.UnoUnavailable:
            # No uno after all: this document and the rest go the cold way.
            if self._pool is not None:
                self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
            self._jobs.appendleft(job)
            return self._cold()
        except NaskahError as exc:
            error = str(exc)
        if error is not None:
            job.docx.unlink(missing_ok=True)
            return [Converted(job.key, None, error)]
        return [self._stamp(job, self._produced(job))]

    def _cold(self) -> list[Converted]:
        group = list(self._jobs)
        self._jobs.clear()
        return self._convert_cold(group)

    def _convert_cold(self, group: list[_Job]) -> list[Converted]:
        from naskah import pdf

        try:
            made = pdf.convert_to_pdf([job.docx for job in group], self.stage, pdfa=self.pdfa)
        except NaskahError as exc:
            if len(group) > 1:  # all or nothing: find the document(s) at fault one by one
                return [outcome for job in group for outcome in self._convert_cold([job])]
            group[0].docx.unlink(missing_ok=True)
            return [Converted(group[0].key, None, str(exc))]
        return [self._stamp(job, produced) for job, produced in zip(group, made, strict=True)]

    def _stamp(self, job: _Job, produced: Path) -> Converted:
        from naskah import pdf
        from naskah.fileio import write_replacing

        try:
            data = pdf.stamp_metadata(produced.read_bytes(), job.info)
            write_replacing(job.target, data)
        except NaskahError as exc:
            return Converted(job.key, None, str(exc))
        except OSError as exc:
            return Converted(job.key, None, f"cannot write: {exc.strerror or exc}")
        finally:
            with contextlib.suppress(OSError):
                produced.unlink()
            job.docx.unlink(missing_ok=True)
        return Converted(job.key, job.target, None)


__all__ = ["Converted", "PdfPipeline"]
