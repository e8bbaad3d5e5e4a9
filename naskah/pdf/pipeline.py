"""Converting a stream of DOCX files to PDF while the caller renders the next ones.

A batch renders a document in a millisecond or two and LibreOffice converts one in
tens of milliseconds, so the batch should never wait for LibreOffice except at the
end. :class:`PdfPipeline` hands each DOCX file to the warm converter
(:mod:`naskah.pdf.warm`) as soon as it is written, one thread per LibreOffice
process, and gives back finished PDFs (document information stamped, written into
place atomically) in the order they were submitted. At most ``window`` documents
are in flight, so a long batch keeps memory and disk use flat.

Without LibreOffice's Python binding the documents are converted in groups by
one ``soffice --convert-to`` run each (:func:`naskah.pdf.convert_to_pdf`); a group
that fails is retried one document at a time, so a failure stays that document's.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections import deque
from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from naskah.errors import NaskahError
from naskah.fileio import write_replacing
from naskah.pdf import group as pdf_group
from naskah.pdf import soffice
from naskah.pdf import warm as pdf_warm
from naskah.pdf.info import stamp_metadata

_COLD_GROUP = 16  # documents per cold soffice run: its start-up is shared among them
_ENV_GROUP = "NASKAH_PDF_GROUP"


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
    info: Mapping[str, str] | None
    target: Path
    future: Future[str | None] | None = None
    group: _Group | None = None


@dataclass
class _Group:
    """Documents converted as one (:mod:`naskah.pdf.group`)."""

    jobs: list[_Job]
    docx: Path
    pdf: Path


class PdfPipeline:
    """DOCX files in, stamped PDFs out, converting while more are submitted.

    ``stage`` is a folder of the caller's for LibreOffice's output (on the same
    filesystem as the targets). Consecutive documents of one template are converted
    together, up to :data:`~naskah.pdf_group.GROUP_SIZE` at a time, when ``group`` is
    true (the default, except for PDF/A; ``NASKAH_PDF_GROUP=0`` turns it off). Use it as
    a context manager, or call :meth:`close`.
    """

    def __init__(self, stage: Path, *, pdfa: bool = False, window: int = 32,
                 group: bool | None = None, timeout: float | None = None) -> None:
        self.stage = stage
        self.pdfa = pdfa
        self.timeout = timeout
        self.window = window
        self._warm = pdf_warm.shared()
        self._pool = (ThreadPoolExecutor(self._warm.processes, thread_name_prefix="naskah-pdf")
                      if self._warm is not None else None)
        # PDF/A is not split: the parts would lose the conformance LibreOffice wrote.
        default = os.environ.get(_ENV_GROUP, "1") != "0" and not pdfa
        self.group = default if group is None else group and not pdfa
        self._jobs: deque[_Job] = deque()
        self._open: list[_Job] = []  # the group being filled, not yet handed over
        self._open_key: str | None = None

    def __enter__(self) -> PdfPipeline:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def submit(self, key: int, docx: Path, info: Mapping[str, str] | None,
               target: Path) -> list[Converted]:
        """Queue ``docx`` to become ``target`` with ``info`` stamped (None: LibreOffice's
        document information as it is); the documents finished meanwhile (waiting for
        the oldest when ``window`` are in flight). ``docx`` is the caller's: it is read,
        never removed."""
        return self.submit_keyed(key, docx, info, target, self.group_key(docx))

    def group_key(self, docx: Path) -> str | None:
        """The :func:`~naskah.pdf_group.group_key` this pipeline joins ``docx`` by, or None
        when it converts it alone (grouping off, PDF/A, no warm converter)."""
        if not self.group or self._pool is None:
            return None
        return pdf_group.group_key(docx.read_bytes())

    def submit_keyed(self, key: int, docx: Path, info: Mapping[str, str] | None,
                     target: Path, joined: str | None) -> list[Converted]:
        """:meth:`submit` with the document's :meth:`group_key` already known (a caller
        that sorted documents by it need not unpack them again)."""
        job = _Job(key, docx, info, target)
        self._jobs.append(job)
        if self._pool is None:
            return self._cold() if len(self._jobs) >= _COLD_GROUP else []
        if joined is None or joined != self._open_key:
            self._flush()
        if joined is None:
            self._start(job)
        else:
            self._open.append(job)
            self._open_key = joined
            if len(self._open) >= pdf_group.GROUP_SIZE:
                self._flush()
        done = self.ready()
        while self._jobs and len(self._jobs) >= self.window:
            self._flush()
            done += self._finish() if self._pool is not None else self._cold()
        return done

    def ready(self) -> list[Converted]:
        """The documents finished so far, oldest first, without waiting."""
        done: list[Converted] = []
        while self._jobs and self._jobs[0].future is not None and self._jobs[0].future.done():
            done += self._finish()
        return done

    def drain(self) -> list[Converted]:
        """Wait for every document submitted; their outcomes, oldest first."""
        self._flush()
        done: list[Converted] = []
        while self._jobs:
            done += self._finish() if self._pool is not None else self._cold()
        return done

    def close(self) -> None:
        """Stop converting: documents not yet started are dropped. Closing with documents
        still converting (an error, Ctrl-C or SIGTERM cut the caller short) stops the
        LibreOffices they wait on, rather than waiting for them or their timeouts."""
        for job in self._jobs:
            if job.future is not None:
                job.future.cancel()
        if self._warm is not None and any(
                job.future is not None and job.future.running() for job in self._jobs):
            self._warm.close(busy=True)
        self._jobs.clear()
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def _produced(self, job: _Job) -> Path:
        return self.stage / f"{job.key}.pdf"

    def _start(self, job: _Job) -> None:
        assert self._pool is not None and self._warm is not None
        job.future = self._pool.submit(self._warm.convert_one, job.docx, self._produced(job),
                                       pdfa=self.pdfa, timeout=self.timeout)

    def _flush(self) -> None:
        """Hand the group being filled over to LibreOffice (alone, if it is one)."""
        jobs, self._open, self._open_key = self._open, [], None
        if self._pool is None:
            return  # gone cold: the jobs are queued and converted the cold way
        if len(jobs) == 1:
            self._start(jobs[0])
        if len(jobs) < 2:
            return
        assert self._pool is not None and self._warm is not None
        first = jobs[0].key
        group = _Group(jobs, self.stage / f"kelompok-{first}.docx",
                       self.stage / f"kelompok-{first}.pdf")
        try:
            group.docx.write_bytes(pdf_group.merge([job.docx.read_bytes() for job in jobs]))
        except (OSError, ValueError, SyntaxError):  # lxml's XMLSyntaxError is a SyntaxError
            for job in jobs:
                self._start(job)
            return
        future = self._pool.submit(self._warm.convert_one, group.docx, group.pdf,
                                   destinations=True, timeout=self.timeout)
        for job in jobs:
            job.future, job.group = future, group

    def _finish(self) -> list[Converted]:
        """The oldest document's outcome (its whole group's), waiting for it."""
        job = self._jobs[0]
        group = job.group
        jobs = group.jobs if group is not None else [job]
        for _ in jobs:
            self._jobs.popleft()
        assert job.future is not None
        try:
            error = job.future.result()
        except pdf_warm.UnoUnavailable:
            # No uno after all: these documents and the rest go the cold way.
            if self._pool is not None:
                self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
            self._open, self._open_key = [], None  # those are queued too
            self._jobs.extendleft(_Job(j.key, j.docx, j.info, j.target) for j in reversed(jobs))
            return self._cold()
        except NaskahError as exc:
            error = str(exc)
        if group is not None:
            return self._finish_group(group, error)
        if error is not None:
            return [Converted(job.key, None, error)]
        return [self._stamp(job, self._produced(job))]

    def _finish_group(self, group: _Group, error: str | None) -> list[Converted]:
        from pypdf.errors import PyPdfError

        parts: list[bytes] = []
        if error is None:
            try:
                parts = pdf_group.split(group.pdf.read_bytes(), len(group.jobs),
                                        [job.info or {} for job in group.jobs])
            except (OSError, ValueError, KeyError, TypeError, PyPdfError) as exc:
                error = str(exc)
        group.docx.unlink(missing_ok=True)
        group.pdf.unlink(missing_ok=True)
        if error is not None:  # one of them may be at fault: each alone, each its own result
            for job in group.jobs:
                job.group = None
                self._start(job)
            done: list[Converted] = []
            for job in group.jobs:
                self._jobs.appendleft(job)
                done += self._finish()
            return done
        done = []
        for job, data in zip(group.jobs, parts, strict=True):
            try:
                write_replacing(job.target, data)
            except OSError as exc:
                done.append(Converted(job.key, None, f"cannot write: {exc.strerror or exc}"))
            else:
                done.append(Converted(job.key, job.target, None))
        return done

    def _cold(self) -> list[Converted]:
        group = list(self._jobs)
        self._jobs.clear()
        return self._convert_cold(group)

    def _convert_cold(self, group: list[_Job]) -> list[Converted]:
        try:
            made = soffice.convert_cold([job.docx.resolve() for job in group], self.stage,
                                        pdfa=self.pdfa, timeout=self.timeout or 180.0)
        except NaskahError as exc:
            if len(group) > 1:  # all or nothing: find the document(s) at fault one by one
                return [outcome for job in group for outcome in self._convert_cold([job])]
            return [Converted(group[0].key, None, str(exc))]
        return [self._stamp(job, produced) for job, produced in zip(group, made, strict=True)]

    def _stamp(self, job: _Job, produced: Path) -> Converted:
        """Put the PDF LibreOffice wrote in place, with the document information."""
        try:
            if job.info is None:
                os.replace(produced, job.target)
            else:
                write_replacing(job.target, stamp_metadata(produced.read_bytes(), job.info))
        except NaskahError as exc:
            return Converted(job.key, None, str(exc))
        except OSError as exc:
            return Converted(job.key, None, f"cannot write: {exc.strerror or exc}")
        finally:
            with contextlib.suppress(OSError):
                produced.unlink()
        return Converted(job.key, job.target, None)


def convert_files(paths: Sequence[Path], produced: Sequence[Path], work_dir: Path, *,
                  pdfa: bool = False, timeout: float | None = None) -> list[str | None] | None:
    """Convert each of ``paths`` to the PDF at the same place in ``produced`` on the warm
    converter, documents of one template together (sorted so they meet); an error text
    or None for each, or None when there is no warm converter. ``work_dir`` holds the
    intermediate files. What :func:`naskah.pdf.convert_to_pdf` runs."""
    if pdf_warm.shared() is None:
        return None
    stage = Path(tempfile.mkdtemp(prefix=".stage-", dir=work_dir))
    errors: list[str | None] = [None] * len(paths)
    try:
        with PdfPipeline(stage, pdfa=pdfa, timeout=timeout) as pipeline:
            keys = [pipeline.group_key(path) for path in paths]
            order = sorted(range(len(paths)), key=lambda i: (keys[i] or "~", i))
            outcomes = [o for i in order
                        for o in pipeline.submit_keyed(i, paths[i], None, produced[i], keys[i])]
            outcomes += pipeline.drain()  # without uno after all: the cold way, inside
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    for outcome in outcomes:
        errors[outcome.key] = outcome.error
    return errors


__all__ = ["Converted", "PdfPipeline", "convert_files"]
