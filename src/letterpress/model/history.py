"""Dates from git: when each essay's text last changed.

"Updated" is the newest commit that changed the file's text: a rename alone
or a whitespace-only edit does not count (``git log --follow -w``: their
patches have no hunks). In a shallow clone the history is cut off, so the
dates would be invented; we detect it and fall back to front matter.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from .essay import Essay

COMMIT_MARK = "\x1ecommit "


@dataclass(frozen=True)
class History:
    """What git can tell about the publication's files."""

    available: bool
    shallow: bool = False

    @property
    def usable(self) -> bool:
        return self.available and not self.shallow


def read_history(root: Path, git_dates: bool) -> History:
    """Whether ``root`` is in a git work tree, and whether that clone is shallow.

    ``git_dates`` off (:attr:`RunOptions.git_dates <letterpress.model.options.RunOptions.git_dates>`):
    no history, without asking git.
    """
    if not git_dates:
        return History(available=False)
    inside = _git(root, "rev-parse", "--is-inside-work-tree")
    if inside is None or inside.strip() != "true":
        return History(available=False)
    shallow = (_git(root, "rev-parse", "--is-shallow-repository") or "").strip() == "true"
    return History(available=True, shallow=shallow)


def last_text_change(root: Path, path: Path) -> datetime | None:
    """Author date of the newest commit that changed ``path``'s text after it was added.

    None when the file was never edited after the commit that added it.
    """
    log = _git(root, "log", "--follow", "-w", "-p", "--format=\x1ecommit %aI", "--", str(path))
    edits = []
    for entry in (log or "").split(COMMIT_MARK)[1:]:
        stamp, _, patch = entry.partition("\n")
        if "\n@@ " in patch or patch.startswith("@@ "):
            edits.append(datetime.fromisoformat(stamp.strip()))
    # The oldest commit with a patch is the one that added the essay: not an update.
    return edits[0] if len(edits) > 1 else None


def with_git_dates(root: Path, essays: list[Essay], history: History) -> list[Essay]:
    """Essays whose ``updated`` is the last text change after the publish day.

    Front matter's ``date.updated`` wins when given. "Updated" is only set when
    the text changed on a later day than the essay's date.
    """
    if not history.usable:
        return essays
    dated = []
    for essay in essays:
        changed = None if essay.updated else last_text_change(root, essay.path)
        if changed and changed.date() > essay.date.date():
            essay = replace(essay, updated=changed.astimezone(essay.date.tzinfo))
        dated.append(essay)
    return dated


def uncommitted(root: Path, paths: list[Path]) -> set[Path]:
    """The files among ``paths`` (or in those that are folders) with changes git has not committed, untracked
    or ignored (resolved paths); none outside a git work tree, nor outside the one ``root`` is in."""
    shown = _git(root, "rev-parse", "--show-toplevel") if paths else None
    if shown is None:
        return set()
    top = Path(shown.strip()).resolve()
    # A path outside the work tree (a theme folder elsewhere) would make git refuse the whole status.
    inside = [str(p) for p in paths if p.resolve().is_relative_to(top)]
    # An ignored file is missing from every clone just like an untracked one, hence --ignored.
    # --no-optional-locks: a status read must not take the index lock from a commit running beside it.
    output = _git(root, "--no-optional-locks", "status", "--porcelain", "-z", "--untracked-files=all",
                  "--ignored=matching", "--", *inside) if inside else None
    if output is None:
        return set()
    changed = set()
    for record in output.split("\0"):
        if len(record) > 3:
            changed.add((top / record[3:]).resolve())
    return changed


def git_keeps_out(root: Path, path: Path) -> bool | None:
    """Whether git would leave ``path`` out of a commit: True when it is ignored and untracked,
    False when it is tracked or not ignored, None outside a git repository (or without git)."""
    if _git(root, "rev-parse", "--is-inside-work-tree") is None:
        return None
    if _git(root, "ls-files", "--error-unmatch", "--", str(path)) is not None:
        return False
    return _git(root, "check-ignore", "-q", "--", str(path)) is not None


def lfs_files(root: Path, paths: list[Path]) -> set[Path]:
    """The files among ``paths`` git's attributes send through Git LFS (``filter=lfs``), resolved.

    Asked of git, which reads every ``.gitattributes`` on the way; outside a git work tree, none.
    """
    if not paths:
        return set()
    output = _git(root, "check-attr", "-z", "filter", "--", *[str(p.resolve()) for p in paths])
    if output is None:
        return set()
    fields = output.split("\0")  # path, attribute, value, for each path
    return {Path(fields[i]).resolve() for i in range(0, len(fields) - 2, 3) if fields[i + 2] == "lfs"}


def _git(root: Path, *args: str) -> str | None:
    try:
        result = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        return None
    return result.stdout if result.returncode == 0 else None
