"""Streaming batches: many documents of one type, rendered in a process pool.

:func:`render_batch` takes an iterable of rows (dicts merged over a base document,
or ready models) and writes one file per row into a folder. Rows are read lazily
and only a few are in flight at a time, so memory stays flat however long the
input; a row that fails is recorded (row number, field path, reason) and the batch
goes on. With ``pdf=True`` each DOCX file goes to LibreOffice as soon as it is
rendered (:mod:`naskah.pdf.pipeline`), so rendering and converting overlap.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from naskah.errors import InputError, NaskahError
from naskah.fileio import fsync_dir, write_replacing
from naskah.mailmerge import DEFAULT_PATTERN, check_pattern, merge, output_name
from naskah.pdf.fonts import FontCheck, FontWarning
from naskah.pdf.pipeline import Converted, PdfPipeline
from naskah.profil import Profil

if TYPE_CHECKING:
    from concurrent.futures import Future

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


_renderer: Any = None
_aset: str | None = None


def _init_worker(templates: Mapping[str, str] | None, profil: Profil, kertas: str | None,
                 aset: str | None) -> None:
    global _renderer, _aset
    from naskah.docx.renderer import Renderer

    _renderer, _aset = Renderer(templates, profil=profil, kertas=kertas), aset


def _render_one(job: tuple[int, Any, str, str, str, bool]) -> tuple[int, Path | None,
                                                                   dict[str, str] | None,
                                                                   list[tuple[str, str]]]:
    """Render one row; (number, path written, pdf info, problems)."""
    from naskah.docx.properties import pdf_info
    from naskah.inputs import load_naskah

    number, item, jenis, folder, name, to_pdf = job
    try:
        model = item if not isinstance(item, dict) else load_naskah(jenis, item, f"row {number}")
        target = Path(folder) / f"{name}.docx"
        write_replacing(target, _renderer.render(model, aset=_aset))
        return number, target, pdf_info(model) if to_pdf else None, []
    except InputError as exc:
        return number, None, None, exc.errors or [("", str(exc))]
    except NaskahError as exc:
        return number, None, None, [("", str(exc))]
    except OSError as exc:
        return number, None, None, [("", f"cannot write: {exc.strerror or exc}")]


# ------------------------------------------------------------------ the batch


@dataclass(frozen=True)
class Kemajuan:
    """Where a batch stands after one more row: that row's outcome and the counts."""

    baris: int
    """The row just finished (1-based)."""
    berkas: Path | None
    """The file written for it, or None when it failed."""
    masalah: list[Failure]
    """Its problems (empty when written)."""
    selesai: int
    """Rows finished so far, written or failed."""
    gagal: int
    """Rows failed so far."""


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
    profil: str | os.PathLike[str] | Profil | None = None,
    kertas: str | None = None,
    pdfa: bool | None = None,
    font_check: FontCheck = "warn",
    aset: str | os.PathLike[str] | None = None,
    progress: Callable[[int], None] | None = None,
    kemajuan: Callable[[Kemajuan], None] | None = None,
) -> BatchResult:
    """Render one document per row into ``out_dir``; see the module notes.

    ``rows`` yields dicts (merged over ``base``, :func:`naskah.mailmerge.merge`),
    document models, or an :class:`~naskah.errors.InputError` for a row its reader could
    not parse. ``jobs`` is the number of rendering processes (default: the number of
    cores; 1 renders in this process). ``profil``, ``kertas``, ``pdfa`` and
    ``font_check`` are as for :class:`~naskah.docx.renderer.Renderer` (``kertas`` None:
    the profile's paper); with ``font_check="error"`` a PDF whose fonts are not the
    profile's is a failed row, with ``"warn"`` one :class:`~naskah.pdf.fonts.FontWarning`
    per distinct problem. ``aset`` is the folder relative kop image paths are read from
    (the base document's folder; default: the current directory). ``nama_berkas`` is
    checked once, before any row (:func:`naskah.mailmerge.check_pattern`). ``progress``
    is called with the number of rows finished so far; ``kemajuan`` with a
    :class:`Kemajuan` after every row.
    """
    from naskah.docx.renderer import Renderer
    from naskah.models import jenis_class

    try:
        jenis_class(jenis)
    except ValueError as exc:
        raise InputError(str(exc), [("jenis", str(exc))]) from None
    check_pattern(nama_berkas, base)
    # Checked here, once (unknown profile, paper or mode: InputError before any row);
    # the workers get the resolved profile.
    renderer = Renderer(profil=profil, kertas=kertas, pdfa=pdfa, font_check=font_check)
    resolved = renderer.profil
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    jobs = max(1, jobs or os.cpu_count() or 1)
    template_paths = {k: str(v) for k, v in (templates or {}).items()} or None
    result = BatchResult()
    stage = Path(tempfile.mkdtemp(prefix=".naskah-batch-", dir=folder)) if pdf else None
    finished: dict[int, Path] = {}
    failed: set[int] = set()
    font_notes: dict[str, int] = {}
    done = 0

    def finish(number: int, path: Path | None, problems: list[tuple[str, str]]) -> None:
        nonlocal done
        done += 1
        rows_problems = [Failure(number, f, r) for f, r in problems]
        if rows_problems:
            result.failures.extend(rows_problems)
            failed.add(number)
        elif path is not None:
            finished[number] = path
        if progress is not None:
            progress(done)
        if kemajuan is not None:
            kemajuan(Kemajuan(number, None if rows_problems else path, rows_problems, done,
                              len(failed)))

    staged: dict[int, Path] = {}  # rows' DOCX files handed to the pipeline

    def record(converted: list[Converted]) -> None:
        for outcome in converted:
            staged.pop(outcome.key).unlink(missing_ok=True)
            if outcome.pdf is None:
                finish(outcome.key, None, [("", outcome.error or "")])
                continue
            problem = _font_problem(outcome.pdf, resolved, renderer.font_check, font_notes)
            if problem is not None:
                outcome.pdf.unlink(missing_ok=True)
                finish(outcome.key, None, [("font_check", problem)])
            else:
                finish(outcome.key, outcome.pdf, [])

    pipeline: PdfPipeline | None = None
    try:
        work = _jobs(jenis, rows, base or {}, nama_berkas, stage or folder, pdf, finish)
        started = _prestart_converter if pdf else None
        for number, path, info, problems in _run(work, jobs, template_paths, resolved,
                                                      kertas, None if aset is None else str(aset),
                                                      started):
            if problems:
                finish(number, None, problems)
            elif path is not None and info is not None and stage is not None:
                if pipeline is None:  # here, after the pool forked: it starts threads
                    pipeline = PdfPipeline(stage, pdfa=renderer.pdfa)
                staged[number] = path
                record(pipeline.submit(number, path, info, folder / f"{path.stem}.pdf"))
            else:
                finish(number, path, [])
        if pipeline is not None:
            record(pipeline.drain())
    finally:
        if pipeline is not None:
            pipeline.close()
        if stage is not None:
            shutil.rmtree(stage, ignore_errors=True)
    # The folder's names, once. A batch is re-runnable output: after a power cut (not
    # a crash, which the rename covers) run it again rather than pay an fsync per file.
    fsync_dir(folder)
    for message, count in font_notes.items():
        warnings.warn(f"{count} PDF(s): fonts differ from profil {resolved.nama!r}: {message}",
                      FontWarning, stacklevel=2)
    result.written = [finished[n] for n in sorted(finished)]
    result.failures.sort(key=lambda f: f.baris)
    return result


def _font_problem(path: Path, profil: Profil, mode: FontCheck,
                  notes: dict[str, int]) -> str | None:
    """The reason a batch PDF fails its font check (mode "error"), else None; in mode
    "warn" each distinct problem is counted in ``notes`` (warned once at the end)."""
    if mode == "off":
        return None
    from naskah.pdf.fonts import font_problems

    problems = font_problems(path.read_bytes(), profil)
    if not problems:
        return None
    message = "; ".join(problems)
    if mode == "error":
        return f"fonts differ from profil {profil.nama!r}: {message}"
    notes[message] = notes.get(message, 0) + 1
    return None


def _jobs(jenis: str, rows: Iterable[Any], base: Mapping[str, Any], pattern: str, folder: Path,
          to_pdf: bool, finish: Callable[[int, Path | None, list[tuple[str, str]]], None],
          ) -> Iterator[tuple[int, Any, str, str, str, bool]]:
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
            finish(number, None, exc.errors or [("", str(exc))])
            continue
        yield number, item, jenis, str(folder), name, to_pdf


def _prestart_converter() -> None:
    from naskah.pdf import warm as pdf_warm

    converter = pdf_warm.shared()
    if converter is not None:
        converter.prestart()


def _run(work: Iterator[tuple[int, Any, str, str, str, bool]], jobs: int,
         templates: Mapping[str, str] | None, profil: Profil, kertas: str | None,
         aset: str | None,
         started: Callable[[], None] | None = None,
         ) -> Iterator[tuple[int, Path | None, dict[str, str] | None, list[tuple[str, str]]]]:
    """Render the jobs; ``started`` is called once rendering is under way (after the
    pool's processes exist: starting LibreOffice's threads before a fork is unsafe)."""
    if jobs == 1:
        if started is not None:
            started()
        _init_worker(templates, profil, kertas, aset)
        for job in work:
            yield _render_one(job)
        return
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    window = jobs * 4  # rows in flight: bounded, so memory does not grow with the input
    with ProcessPoolExecutor(jobs, initializer=_init_worker,
                             initargs=(templates, profil, kertas, aset)) as pool:
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


__all__ = ["DEFAULT_PATTERN", "BatchResult", "Failure", "Kemajuan", "merge", "output_name",
           "render_batch"]
