"""Safe file access: capped reads of regular files, and atomic writes.

Reads: every file naskah takes from a user is read through :func:`read_capped`, which
refuses anything that is not a regular file (``/dev/zero``, a FIFO, a folder) and
stops at a byte cap, so an endless or huge input cannot eat the memory.

Writes: a reader sees the old file or the new one, never half of one.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from pathlib import Path
from typing import BinaryIO

from naskah.errors import FileTooLarge as FileTooLarge  # re-exported: its old home
from naskah.errors import NotARegularFile as NotARegularFile


def describe_size(n: int) -> str:
    """A byte count for messages: '10 MB', '512 KB', '100 bytes'."""
    if n >= 1024 * 1024 and n % (1024 * 1024) == 0:
        return f"{n // (1024 * 1024)} MB"
    if n >= 1024 and n % 1024 == 0:
        return f"{n // 1024} KB"
    return f"{n} bytes"


_READ_FLAGS = (getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
               | getattr(os, "O_BINARY", 0))
"""How files are opened for reading: a FIFO does not block the open (POSIX), no child
inherits the descriptor, and on Windows no newline translation (O_BINARY)."""


def read_capped(path: str | os.PathLike[str], limit: int, *, nofollow: bool = False) -> bytes:
    """A regular file's bytes, at most ``limit`` of them.

    Raises :class:`NotARegularFile` for a folder, device, FIFO or socket (checked on
    the opened file, so a path swapped after a check cannot slip through),
    :class:`FileTooLarge` when the file holds more than ``limit`` bytes, and
    :class:`OSError` when it cannot be opened (with ``nofollow``: also when ``path``
    itself is a symbolic link, for a path already resolved and confined).
    """
    # O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever.
    flags = os.O_RDONLY | _READ_FLAGS
    fd = os.open(path, flags | (getattr(os, "O_NOFOLLOW", 0) if nofollow else 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotARegularFile(f"not a regular file ({_kind(st.st_mode)})")
        if st.st_size > limit:
            raise FileTooLarge(limit)
        os.set_blocking(fd, True)
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(limit + 1)  # the size may grow while we read: the cap holds
    finally:
        os.close(fd)
    if len(data) > limit:
        raise FileTooLarge(limit)
    return data


def open_regular(path: str | os.PathLike[str]) -> BinaryIO:
    """A regular file opened for reading in binary, for readers that stream it and bound
    what they hold themselves (e.g. one CSV row at a time). Raises as
    :func:`read_capped` does, without the size cap."""
    fd = os.open(path, os.O_RDONLY | _READ_FLAGS)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotARegularFile(f"not a regular file ({_kind(st.st_mode)})")
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def writable_target_problem(target: Path) -> str | None:
    """Why ``target`` cannot be (re)written as an output file, or None when it can.

    A folder, a special file, a missing parent folder and an existing read-only file
    are refused: replacing a file its owner made read-only would silently undo that.
    """
    try:
        st = target.stat()
    except FileNotFoundError:
        if not target.parent.is_dir():
            return f"the folder {target.parent} does not exist; create it first"
        return None
    except OSError as exc:
        return f"{target}: {exc.strerror}"
    if stat.S_ISDIR(st.st_mode):
        return f"{target} is a folder; give a file name"
    if not stat.S_ISREG(st.st_mode):
        return f"{target} is {_kind(st.st_mode)}, not a file naskah may replace"
    if not st.st_mode & 0o222:
        return f"{target} is read-only; naskah will not replace it (make it writable first)"
    return None


def write_atomic(path: str | os.PathLike[str], data: bytes, *, durable: bool = True) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename.

    The temporary file is flushed and fsync'ed before ``os.replace``, so a crash leaves
    either the previous file or the complete new one. The folder must exist.
    ``durable=False`` skips the fsyncs (see :func:`write_replacing`).
    """
    target = Path(path)
    with contextlib.suppress(FileNotFoundError):
        if not target.stat().st_mode & 0o222:
            # Even root could replace it: the rename ignores the file's own mode.
            raise PermissionError(errno.EACCES, "the file is read-only", str(target))
    try:
        # The name is shortened so that a target name near the 255-byte limit still
        # leaves room for the temporary file's prefix and random part.
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name[:64]}.",
                                   suffix=".tmp")
    except OSError as exc:
        # The error would name the temporary file; the user knows only the target.
        raise type(exc)(exc.errno, f"cannot write {target.name} in {target.parent}: "
                        f"{exc.strerror}", str(target)) from None
    try:
        # mkstemp creates the file 0600; give it the mode a plain open() would have.
        os.chmod(tmp, _mode_for(target))
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    if durable:
        fsync_dir(target.parent)
    return target


def write_replacing(path: str | os.PathLike[str], data: bytes) -> Path:
    """:func:`write_atomic` without the fsyncs: never a partial file at ``path``, but
    after a power failure maybe the previous one.

    For batches, where an fsync per file costs more than rendering it: a batch syncs
    its folder once at the end (:func:`fsync_dir`), and one cut short is run again.
    """
    return write_atomic(path, data, durable=False)


# Read once at import: os.umask can only be read by setting it, which is not thread-safe.
_UMASK = os.umask(0o022)
os.umask(_UMASK)


def _mode_for(target: Path) -> int:
    try:
        return target.stat().st_mode & 0o777
    except FileNotFoundError:
        return 0o666 & ~_UMASK


def fsync_dir(folder: Path) -> None:
    """Make the names in ``folder`` (e.g. a rename into it) durable.

    Not possible (nor needed) on every platform: failures are ignored.
    """
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
