"""Writing files and folders so that no reader ever sees half of one.

This is the one home of write-through-a-temporary-file (``tests/test_structure.py``
keeps it so): a file is written beside its target and moved over it with
``os.replace``; a folder is built beside its target and renamed into place.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

__all__ = ["create_once", "swap_directory", "write_atomic"]


def write_atomic(path: Path, data: bytes | str, mode: int | None = None, *, durable: bool = False) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder.

    Args:
        path: the file to write; its folder is created if missing.
        data: bytes, or text written as UTF-8 with no newline translation.
        mode: permission bits for the file; ``None`` gives what ``open`` would
            give a new file (0o666 less the umask).
        durable: flush the file and its folder to disk, for records that must
            survive a crash (the sent records are committed to git).

    Returns:
        ``path``. On any error the temporary file is removed and ``path`` is untouched.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    content = data.encode("utf-8") if isinstance(data, str) else data
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(content)
            if durable:
                file.flush()
                os.fsync(file.fileno())
        os.chmod(temporary, _default_mode() if mode is None else mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    if durable:
        _fsync_directory(path.parent)
    return path


def create_once(path: Path, data: str) -> bool:
    """Write a new private (0600) file ``path`` whole and durably, or not at all; never replace one.

    The text goes to a synced temporary file that is then linked into place: a link fails when the
    name exists, so a file made meanwhile wins, and a kill at any point leaves either no file or
    the whole one. Returns whether this call made it.
    """
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)  # mode 0600
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            return False
        _fsync_directory(path.parent)
        return True
    finally:
        os.unlink(temporary)


def swap_directory(staging: Path, target: Path) -> None:
    """Put the finished folder ``staging`` in place of ``target`` with two renames.

    The old ``target`` is moved aside to ``.<name>-old`` first and removed after,
    so ``target`` is missing only between the two renames, never half-written.
    """
    old = target.with_name(f".{target.name}-old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    staging.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def _default_mode() -> int:
    # mkstemp creates 0o600; a plain open() would honour the umask. Reading the
    # umask means setting it, so it is set back at once.
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _fsync_directory(folder: Path) -> None:
    """Make the rename itself durable (POSIX: the directory entry lives in the folder)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return  # e.g. Windows cannot open a folder; the file itself is on disk
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
