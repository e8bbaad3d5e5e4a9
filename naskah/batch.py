"""Streaming batches: many documents of one type, rendered in a process pool.

:func:`render_batch` takes an iterable of rows (dicts merged over a base document,
or ready models) and writes one file per row into a folder. Rows are read lazily
and only a few are in flight at a time, so memory stays flat however long the
input; a row that fails is recorded (row number, field path, reason) and the batch
goes on. With ``pdf=True`` the DOCX files are converted in small groups by the
warm LibreOffice converter (:mod:`naskah.pdf_warm`).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from naskah.errors import InputError, NaskahError
from naskah.fileio import fsync_dir
from naskah.mailmerge import DEFAULT_PATTERN, Formatter, merge, output_name

if TYPE_CHECKING:
    from concurrent.futures import Future

_PDF_GROUP = 16  # DOCX files converted together: enough to keep 2 LibreOffices busy


@dataclass(frozen=True)
class Failure:
    """One problem with one row: its number (1-based), the field path and the reason."""

    baris: int
    field: str
    reason: str


@dataclass
class BatchResult:
    """What a batch did: the files written, in row order, and every row's problems."""

    written: list[Path] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)

    @property
    def failed_rows(self) -> int:
        """How many rows failed."""
        return len({f.baris for f in self.failures})


# ------------------------------------------------------------------ worker side


def write_replacing(target: Path, data: bytes) -> Path:
    """Write through a temporary file and a rename: never a partial file at ``target``.

    Unlike :func:`naskah.fileio.write_atomic` it does not fsync each file (that
    costs more than rendering); the batch syncs its folder once at the end, and a
    batch cut short by a power failure is simply run again.
    """
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o666 & ~_UMASK)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


_UMASK = os.umask(0o022)
os.umask(_UMASK)

_renderer: Any = None


def _init_worker(templates: Mapping[str, str] | None, kertas: str) -> None:
    global _renderer
    from naskah.render import Renderer

    _renderer = Renderer(templates, kertas=kertas)


def _render_one(job: tuple[int, Any, str, str, str, bool]) -> tuple[int, Path | None,
                                                                   dict[str, str] | None,
                                                                   list[tuple[str, str]]]:
    """Render one row; (number, path written, pdf info, problems)."""
    from naskah.inputs import load_naskah
    from naskah.render import pdf_info

    number, item, jenis, folder, name, to_pdf = job
    try:
        model = item if not isinstance(item, dict) else load_naskah(jenis, item, f"row {number}")
        target = Path(folder) / f"{name}.docx"
        write_replacing(target, _renderer.render(model))
        return number, target, pdf_info(model) if to_pdf else None, []
    except InputError as exc:
        return number, None, None, exc.errors or [("", str(exc))]
    except NaskahError as exc:
        return number, None, None, [("", str(exc))]
    except OSError as exc:
        return number, None, None, [("", f"cannot write: {exc.strerror or exc}")]


# ------------------------------------------------------------------ the batch


def render_batch(
    jenis: str,
    rows: Iterable[Mapping[str, Any] | Any],
    out_dir: str | os.PathLike[str],
    *,
    base: Mapping[str, Any] | None = None,
    pdf: bool = False,
    jobs: int | None = None,
    nama_berkas: str = DEFAULT_PATTERN,
    templates: Mapping[str, str | os.PathLike[str]] | None = None,
    kertas: str = "A4",
    progress: Callable[[int], None] | None = None,
) -> BatchResult:
    """Render one document per row into ``out_dir``; see the module notes.

    ``rows`` yields dicts (merged over ``base``), document models, or an
    :class:`~naskah.errors.InputError` for a row its reader could not parse. ``jobs`` is the
    number of rendering processes (default: the number of cores; 1 renders in this
    process). ``progress`` is called with the number of rows finished so far.
    """
    from naskah.models import jenis_class

    try:
        jenis_class(jenis)
    except ValueError as exc:
        raise InputError(str(exc), [("jenis", str(exc))]) from None
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    try:
        list(Formatter().parse(nama_berkas))
    except ValueError as exc:
        raise InputError(f"--nama-berkas: {exc}", [("nama_berkas", str(exc))]) from None
    jobs = max(1, jobs or os.cpu_count() or 1)
    template_paths = {k: str(v) for k, v in (templates or {}).items()} or None
    result = BatchResult()
    stage = Path(tempfile.mkdtemp(prefix=".naskah-batch-", dir=folder)) if pdf else None
    finished: dict[int, Path] = {}
    pending_pdf: list[tuple[int, Path, dict[str, str], Path]] = []
    done = 0
    try:
        work = _jobs(jenis, rows, base or {}, nama_berkas, stage or folder, pdf, result)
        started = _prestart_converter if pdf else None
        for number, path, info, problems in _run(work, jobs, template_paths, kertas, started):
            done += 1
            if problems:
                result.failures += [Failure(number, f, r) for f, r in problems]
            elif path is not None and info is not None:
                pending_pdf.append((number, path, info, folder / f"{path.stem}.pdf"))
                if len(pending_pdf) >= _PDF_GROUP:
                    _convert(pending_pdf, finished, result)
            elif path is not None:
                finished[number] = path
            if progress is not None:
                progress(done)
        _convert(pending_pdf, finished, result)
    finally:
        if stage is not None:
            shutil.rmtree(stage, ignore_errors=True)
    # The folder's names, once. A batch is re-runnable output: after a power cut (not
    # a crash, which the rename covers) run it again rather than pay an fsync per file.
    fsync_dir(folder)
    result.written = [finished[n] for n in sorted(finished)]
    result.failures.sort(key=lambda f: f.baris)
    return result


def _jobs(jenis: str, rows: Iterable[Any], base: Mapping[str, Any], pattern: str, folder: Path,
          to_pdf: bool, result: BatchResult) -> Iterator[tuple[int, Any, str, str, str, bool]]:
    names: dict[str, int] = {}
    for number, row in enumerate(rows, start=1):
        try:
            if isinstance(row, InputError):  # a row the reader could not parse
                raise row
            if isinstance(row, Mapping):
                item: Any = merge(base, row)
                data = item
            else:
                item, data = row, row.model_dump(mode="json")
            name = output_name(pattern, number, data)
            if name.lower() in names:
                raise InputError(f"file name {name!r} is also row {names[name.lower()]}'s",
                                 [("nama_berkas", f"the file name {name!r} is already "
                                   f"used by row {names[name.lower()]}")])
            names[name.lower()] = number
        except InputError as exc:
            result.failures += [Failure(number, f, r) for f, r in exc.errors or [("", str(exc))]]
            continue
        yield number, item, jenis, str(folder), name, to_pdf


def _prestart_converter() -> None:
    from naskah import pdf_warm

    converter = pdf_warm.shared()
    if converter is not None:
        converter.prestart()


def _run(work: Iterator[tuple[int, Any, str, str, str, bool]], jobs: int,
         templates: Mapping[str, str] | None, kertas: str,
         started: Callable[[], None] | None = None,
         ) -> Iterator[tuple[int, Path | None, dict[str, str] | None, list[tuple[str, str]]]]:
    """Render the jobs; ``started`` is called once rendering is under way (after the
    pool's processes exist: starting LibreOffice's threads before a fork is unsafe)."""
    if jobs == 1:
        if started is not None:
            started()
        _init_worker(templates, kertas)
        for job in work:
            yield _render_one(job)
        return
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    window = jobs * 4  # rows in flight: bounded, so memory does not grow with the input
    with ProcessPoolExecutor(jobs, initializer=_init_worker,
                             initargs=(templates, kertas)) as pool:
        running: set[Future[Any]] = set()
        for job in work:
            running.add(pool.submit(_render_one, job))
            if started is not None:  # the first submit has created the pool's processes
                started()
                started = None
            if len(running) >= window:
                finished, running = wait(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    yield future.result()
        for future in running:
            yield future.result()


def _convert(pending: list[tuple[int, Path, dict[str, str], Path]], finished: dict[int, Path],
             result: BatchResult) -> None:
    """Convert the staged DOCX files to their final PDFs; one row's failure is its own."""
    from naskah import pdf

    if not pending:
        return
    sources = [path for _, path, _, _ in pending]
    out = sources[0].parent / "pdf"
    made: list[Path | None] = []
    try:
        made += pdf.convert_to_pdf(sources, out)
    except NaskahError:  # all or nothing: find the row(s) at fault one by one
        for number, path, _, _ in pending:
            try:
                made += pdf.convert_to_pdf([path], out)
            except NaskahError as exc:
                result.failures.append(Failure(number, "", str(exc)))
                made.append(None)
    for (number, path, info, target), converted in zip(pending, made, strict=True):
        try:
            if converted is not None:
                data = pdf.stamp_metadata(converted.read_bytes(), info)
                finished[number] = write_replacing(target, data)
                converted.unlink()
        except NaskahError as exc:
            result.failures.append(Failure(number, "", str(exc)))
        except OSError as exc:
            result.failures.append(Failure(number, "", f"cannot write: {exc.strerror or exc}"))
        path.unlink(missing_ok=True)
    pending.clear()


__all__ = ["DEFAULT_PATTERN", "BatchResult", "Failure", "merge", "output_name", "render_batch"]
