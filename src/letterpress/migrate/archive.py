"""Reading an export's zip file in memory: no member is ever extracted by its name.

A member's name is only a key here, never a path on disk, so a name such as
``../../.bashrc`` cannot land anywhere; such names (and absolute ones, and
symbolic links) are still refused, because an export that has them was not
made by the platform. The unpacked size is capped before anything is read, so
a small zip that unpacks to gigabytes stops at once.
"""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path, PurePosixPath

from .items import SourceError

MAX_UNPACKED = 512 * 1024 * 1024
MAX_MEMBERS = 100_000


def read_zip(path: Path, wanted, max_unpacked: int | None = None) -> dict[str, bytes]:
    """The members of the zip at ``path`` whose names ``wanted(name)`` accepts, name -> bytes.

    Raises:
        SourceError: not a readable zip, a member with an unsafe name, or too big unpacked.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            _check_members(path, members, MAX_UNPACKED if max_unpacked is None else max_unpacked)
            return {member.filename: archive.read(member) for member in members
                    if not member.is_dir() and wanted(member.filename)}
    except FileNotFoundError:
        raise SourceError(f"{path}: file not found; give the path of the export's .zip file.") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError) as error:
        raise SourceError(f"{path}: not a readable zip file ({error}); download the export again.") from None


def _check_members(path: Path, members: list[zipfile.ZipInfo], max_unpacked: int) -> None:
    if len(members) > MAX_MEMBERS:
        raise SourceError(f"{path}: holds {len(members)} files, more than an export has; nothing was imported.")
    for member in members:
        name = PurePosixPath(member.filename.replace("\\", "/"))
        if name.is_absolute() or ".." in name.parts or ":" in member.filename:
            raise SourceError(f"{path}: the entry {member.filename!r} would land outside the publication; "
                              "this is not an export as the platform makes it; nothing was imported.")
        if stat.S_ISLNK(member.external_attr >> 16):
            raise SourceError(f"{path}: the entry {member.filename!r} is a symbolic link; "
                              "this is not an export as the platform makes it; nothing was imported.")
    total = sum(member.file_size for member in members)
    if total > max_unpacked:
        raise SourceError(f"{path}: unpacks to {total:,} bytes, more than the {max_unpacked:,} allowed; "
                          "nothing was imported.")
