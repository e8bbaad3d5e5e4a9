"""LibreOffice user profiles: one throwaway profile per process, copied from a seed.

Every LibreOffice naskah starts gets a profile of its own (two processes sharing one
fail silently). Two things make a LibreOffice start slow, and both are settled here:

- Its graphics self-test: LibreOffice runs it (0.7 s here) whenever the profile does
  not record that this version already started in it, and a headless LibreOffice
  never records that. So every profile gets the setting
  ``/org.openoffice.Setup/Product/ooSetupLastVersion`` = the installed version
  (:data:`SETTINGS`). LibreOffice then starts in about 0.1 s instead of 0.9 s.
- An empty profile: LibreOffice registers its extensions, then exits and asks to be
  started again (0.15 s more). So the first profile that LibreOffice closed cleanly
  is kept as a *seed*, per user and per LibreOffice build, and later profiles start
  as a copy of it:

    $XDG_CACHE_HOME/naskah/libreoffice-<build>/user/...   (~/.cache/naskah/...)

``NASKAH_CACHE_DIR`` moves the cache; a cache that cannot be written just means no
seed. A seed is only used when it belongs to the current user and nobody else can
write to it (a profile holds LibreOffice's settings, macro security included), and
only regular files and folders are copied from it.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import re
import secrets
import shutil
import stat
import tempfile
from pathlib import Path

_ENV_CACHE = "NASKAH_CACHE_DIR"
_SKIP = frozenset({"GraphicsRenderTests.log"})  # the self-test's report, not a setting
_VERSION = re.compile(rb'<prop oor:name="ooSetupVersion">\s*<value>([0-9.]+)</value>')
_XCU = "registrymodifications.xcu"
_XCU_EMPTY = ('<?xml version="1.0" encoding="UTF-8"?>\n<oor:items '
              'xmlns:oor="http://openoffice.org/2001/registry" '
              'xmlns:xs="http://www.w3.org/2001/XMLSchema" '
              'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n</oor:items>\n')

SETTINGS: tuple[tuple[str, str, str], ...] = (
    # (node path, property, value); "{version}" is the installed LibreOffice's version.
    ("/org.openoffice.Setup/Product", "ooSetupLastVersion", "{version}"),
    ("/org.openoffice.Office.Common/Misc", "FirstRun", "false"),
)
"""Settings every profile gets: the self-test and first-start work are done."""


def cache_root() -> Path:
    """The folder naskah keeps its per-user caches in."""
    explicit = os.environ.get(_ENV_CACHE)
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "naskah"


def seed_path(soffice_bin: str) -> Path:
    """Where the seed for this LibreOffice build lives (it may not exist yet)."""
    program = Path(os.path.realpath(soffice_bin)).parent
    build = hashlib.sha256(str(program).encode())
    with contextlib.suppress(OSError):
        build.update((program / "versionrc").read_bytes())  # the build id and version
    return cache_root() / f"libreoffice-{build.hexdigest()[:16]}"


def new_profile(soffice_bin: str) -> tuple[Path, bool]:
    """A new throwaway profile folder with :data:`SETTINGS`, and whether it was seeded."""
    profile = profile_path()
    try:
        return profile, make_profile(soffice_bin, profile)
    except BaseException:  # e.g. SIGTERM's SystemExit half-way: leave nothing behind
        shutil.rmtree(profile, ignore_errors=True)
        raise


def profile_path() -> Path:
    """A fresh name for a throwaway profile in the temporary folder; nothing is made yet.

    Knowing the name before the folder exists lets a caller interrupted anywhere (SIGTERM
    unwinds the program at any point) remove whatever was made.
    """
    return Path(tempfile.gettempdir()) / f"naskah-soffice-{secrets.token_hex(8)}"


def make_profile(soffice_bin: str, profile: Path) -> bool:
    """Make the new folder ``profile`` (only its owner may enter) with :data:`SETTINGS`,
    from the seed when there is one; whether it was seeded. On any error the caller
    removes it."""
    profile.mkdir(mode=0o700)  # never an existing folder, as mkdtemp
    seeded = False
    seed = seed_path(soffice_bin)
    if _trusted(seed):
        try:
            _copy_tree(seed / "user", profile / "user")
            seeded = True
        except OSError:
            shutil.rmtree(profile / "user", ignore_errors=True)  # start unseeded instead
    with contextlib.suppress(OSError):  # else a slower start, nothing worse
        _apply_settings(profile / "user", product_version(soffice_bin))
    return seeded


@functools.lru_cache(maxsize=4)
def product_version(soffice_bin: str) -> str | None:
    """The installed LibreOffice's version (``7.4``), from its registry, or None."""
    program = Path(os.path.realpath(soffice_bin)).parent
    try:
        found = _VERSION.search((program.parent / "share" / "registry" / "main.xcd")
                                .read_bytes())
    except OSError:
        return None
    return found.group(1).decode() if found else None


def _apply_settings(user: Path, version: str | None) -> None:
    user.mkdir(mode=0o700, exist_ok=True)
    xcu = user / _XCU
    text = xcu.read_text(encoding="utf-8") if xcu.is_file() else _XCU_EMPTY
    items = "".join(
        f'<item oor:path="{path}"><prop oor:name="{name}" oor:op="fuse">'
        f'<value>{value.format(version=version)}</value></prop></item>\n'
        for path, name, value in SETTINGS
        if f'oor:name="{name}"' not in text and (version or "{version}" not in value))
    xcu.write_text(text.replace("</oor:items>", items + "</oor:items>"), encoding="utf-8")


def needs_seed(soffice_bin: str) -> bool:
    """Whether no seed exists yet for this build (then a clean close should make one)."""
    return not seed_path(soffice_bin).exists()


def save_seed(soffice_bin: str, profile: Path) -> None:
    """Keep ``profile`` (which LibreOffice closed cleanly) as the seed, unless one exists.

    Written beside its final name and renamed into place, so a reader never sees a
    half-copied seed and two processes saving at once leave one complete seed.
    """
    seed = seed_path(soffice_bin)
    if seed.exists() or not (profile / "user").is_dir():
        return
    try:
        seed.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".seed-", dir=seed.parent))
    except OSError:
        return  # no cache (read-only home): every start is a first start, that is all
    try:
        _copy_tree(profile / "user", staging / "user")
        os.rename(staging, seed)
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)


def _trusted(seed: Path) -> bool:
    try:
        info = seed.lstat()
    except OSError:
        return False
    getuid = getattr(os, "getuid", None)
    # Windows has no uid and no group/other write bits: the cache is in the user's own
    # profile folder (%LOCALAPPDATA%), which other users cannot write to.
    owner = getuid is None or info.st_uid == getuid()
    return (stat.S_ISDIR(info.st_mode) and owner
            and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH))


def _copy_tree(source: Path, target: Path) -> None:
    """Copy folders and regular files only: a link could point LibreOffice elsewhere."""
    target.mkdir(mode=0o700)
    with os.scandir(source) as entries:
        for entry in entries:
            if entry.name in _SKIP:
                continue
            if entry.is_dir(follow_symlinks=False):
                _copy_tree(Path(entry.path), target / entry.name)
            elif entry.is_file(follow_symlinks=False):
                shutil.copyfile(entry.path, target / entry.name)


__all__ = ["SETTINGS", "cache_root", "make_profile", "needs_seed", "new_profile",
           "product_version", "profile_path", "save_seed", "seed_path"]
