"""Writing files so that a crash never leaves one half-written."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path

_TEMP_MIDDLE = r"[a-z0-9_]{8}"
"""What :func:`tempfile.mkstemp` puts between our prefix and suffix."""


def write_atomic(
    path: Path,
    text: str,
    *,
    overwrite: bool = True,
    before_replace: Callable[[], None] | None = None,
) -> None:
    """Write ``text`` to ``path`` through a temporary file, fsync and rename.

    Either the old file or the complete new one exists afterwards, never a mix; on any error
    the temporary file is removed. Temporary files of ``path`` left by a writer that was
    killed are removed first (see :func:`remove_stale_temps`). With ``overwrite=False`` an
    existing file is left alone and :class:`FileExistsError` raised. ``before_replace`` runs
    once the new text is safely on disk, just before the rename (to rotate older copies).
    """
    directory = path.parent
    remove_stale_temps(path)
    fd, tmp_name = _locked_temp(path)
    try:
        os.fchmod(fd, _new_file_mode(path))
        _write_all(fd, text.encode("utf-8"))
        os.fsync(fd)
        if before_replace is not None:
            before_replace()
        if overwrite:
            os.replace(tmp_name, path)
        else:
            os.link(tmp_name, path)
            os.unlink(tmp_name)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    finally:
        os.close(fd)
    _fsync_dir(directory)


TEMP_ATTEMPTS = 100
"""Temporary files tried before giving up, should other writers' clean-ups keep removing them."""


def _locked_temp(path: Path) -> tuple[int, str]:
    """A new temporary file for ``path``, open and locked.

    The lock tells :func:`remove_stale_temps` in other processes that the file is in use (the
    kernel drops it when this process ends, however it ends). Between creating the file and
    locking it another writer's clean-up may take it for a stale one and remove it, so it is
    kept only if its name still leads to the file locked; else another is made."""
    for _ in range(TEMP_ATTEMPTS):
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            held, named = os.fstat(fd), os.lstat(name)
            if (held.st_dev, held.st_ino) == (named.st_dev, named.st_ino):
                return fd, name
        except FileNotFoundError:
            pass  # removed by another writer's clean-up before it was locked
        except BaseException:
            os.close(fd)
            with contextlib.suppress(FileNotFoundError):
                os.unlink(name)
            raise
        os.close(fd)
    raise OSError(errno.EAGAIN, f"could not make a temporary file for {path.name}")


def remove_stale_temps(path: Path) -> list[Path]:
    """Remove the temporary files :func:`write_atomic` left for ``path`` when killed.

    Only regular files named exactly like its temporary files (``.{name}.XXXXXXXX.tmp``) in
    the same folder are candidates, and only those no live writer holds locked; anything
    that cannot be checked or removed is left alone. Returns what was removed.
    """
    pattern = re.compile(re.escape(f".{path.name}.") + _TEMP_MIDDLE + re.escape(".tmp"))
    removed = []
    try:
        with os.scandir(path.parent) as entries:
            candidates = [
                Path(e.path)
                for e in entries
                if pattern.fullmatch(e.name) and e.is_file(follow_symlinks=False)
            ]
    except OSError:
        return []
    for candidate in candidates:
        if _remove_if_unlocked(candidate):
            removed.append(candidate)
    return removed


def _remove_if_unlocked(path: Path) -> bool:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        # The name may have been renamed over the target or replaced since it was listed.
        opened = os.fstat(fd)
        if not stat.S_ISREG(opened.st_mode) or opened.st_ino != os.lstat(path).st_ino:
            return False
        os.unlink(path)
    except OSError:
        return False
    finally:
        os.close(fd)
    return True


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        if written <= 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        view = view[written:]


def _new_file_mode(path: Path) -> int:
    """The mode the file would get from ``open()``: kept if it exists, else 0o666 less umask."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _fsync_dir(directory: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
