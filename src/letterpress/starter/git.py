"""The new publication's own repository: ``git init`` and a first commit, or why not."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from ..errors import LetterpressError

IDENTITY = ("user.name", "user.email")
IDENTITY_VARIABLES = {"user.name": "GIT_AUTHOR_NAME", "user.email": "GIT_AUTHOR_EMAIL"}


def enclosing_repository(folder: Path) -> Path | None:
    """The git work tree ``folder`` would be inside (looked up from its nearest existing folder), or None."""
    start = folder.resolve()
    while not start.is_dir():
        start = start.parent
    found = _git(start, "rev-parse", "--show-toplevel")
    return Path(found.strip()) if found else None


def missing_identity(folder: Path) -> list[str]:
    """The git settings a commit in ``folder`` lacks (``user.name``, ``user.email``): none set, nor their variables."""
    return [key for key in IDENTITY
            if not os.environ.get(IDENTITY_VARIABLES[key]) and not (_git(folder, "config", "--get", key) or "").strip()]


def init_repository(folder: Path) -> None:
    """``git init`` in ``folder`` on a branch named main, and every file staged (.gitignore applies).

    Raises:
        LetterpressError: git is not installed, or refused.
    """
    for args in (("init", "--quiet", "--initial-branch=main"), ("add", "--all")):
        if _git(folder, *args) is None:
            raise LetterpressError(f"{folder}: git {args[0]} failed; is git installed? The files are written; "
                                   "run git init there yourself, or pass --no-git.")


def commit(folder: Path, message: str) -> None:
    """Commit what is staged in ``folder``.

    Raises:
        LetterpressError: the commit failed.
    """
    if _git(folder, "commit", "--quiet", "-m", message) is None:
        raise LetterpressError(f"{folder}: git commit failed; the files are written and staged: "
                               f"run git -C {folder} commit -m \"{message}\" to see why.")


def _git(folder: Path, *args: str) -> str | None:
    try:
        result = subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        return None
    return result.stdout if result.returncode == 0 else None
