"""Symlinks in ``docs/`` must point inside it.

MkDocs follows every symlink under ``docs/`` and publishes what it finds, so a
link to ``/etc/hostname`` or to a folder outside puts that on the website; a
dangling link or one to a folder around itself crashes the build halfway.
Links between files and folders inside ``docs/`` are fine. Importing this
module registers :func:`symlink_problems` with :mod:`letterpress.checks`.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import Problem
from .publication import Publication


def symlink_problems(publication: Publication) -> list[Problem]:
    """One problem for each symlink under ``docs/`` that the build cannot publish safely."""
    settings = publication.settings
    docs, root = settings.docs_dir, settings.root.resolve()
    problems = []
    for link in _symlinks(docs):
        message = _what_is_wrong(link, docs)
        if message:
            problems.append(Problem(_shown(link, root), "", message))
    return problems


def _symlinks(top: Path) -> list[Path]:
    """Every symlink under ``top``, found without following any, sorted."""
    found: list[Path] = []
    folders: list[str | Path] = [top]
    while folders:
        try:
            with os.scandir(folders.pop()) as entries:
                for entry in entries:
                    if entry.is_symlink():
                        found.append(Path(entry.path))
                    elif entry.is_dir(follow_symlinks=False):
                        folders.append(entry.path)
        except OSError:  # an unreadable folder: MkDocs says so itself
            continue
    return sorted(found)


def _what_is_wrong(link: Path, docs: Path) -> str:
    """Why ``link`` cannot be published, or "" when it points to a file or folder inside ``docs``."""
    try:
        target = link.resolve(strict=True)
    except FileNotFoundError:
        return (f"is a symlink to '{os.readlink(link)}', which does not exist; "
                "remove the link or put back what it pointed to.")
    except (OSError, RuntimeError):  # RuntimeError: Python before 3.13 on a loop
        return "is a symlink that leads back to itself; remove the link."
    if not target.is_relative_to(docs):
        what = "folder" if target.is_dir() else "file"
        return (f"is a symlink to the {what} {target}, outside {docs.name}/, which the site would "
                f"publish; copy what the site needs into {docs.name}/ instead, or remove the link.")
    if target.is_dir() and link.parent.resolve().is_relative_to(target):
        return (f"is a symlink to {_shown(target, docs.parent)}/, a folder that holds the link "
                "itself, so the build would walk round it until it fails; remove the link.")
    return ""


def _shown(path: Path, root: Path) -> str:
    # Not Path.resolve(): that would name the link's target instead of the link.
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)

