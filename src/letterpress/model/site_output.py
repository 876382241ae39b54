"""The one writer of every file Letterpress adds to a built site: feeds, web versions, redirects.

Each writer of the build hands its files to a :class:`SiteOutput`, which writes
each atomically (no reader sees half a feed, a failed build leaves no half-written
page) and refuses a path that is already something else, naming both:

- a file of ``docs/`` or an essay's page (from :mod:`letterpress.model.site_map`, the
  one list of what each path of the site is), unless the writer names that file as one
  it replaces on purpose;
- a file on disk the engine wrote that no list foresaw (a theme's file);
- another output of this build.

:func:`output_problems` is the same rule before a build: ``letterpress check`` names
the collision before anything is written.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from ..errors import Problem, ProblemsError
from .files import write_atomic
from .publication import Publication
from .settings import CONFIG_FILE
from .site_map import docs_files, engine_files, output_files


class SiteOutput:
    """Writes the build's own files into ``site_dir``; each path once, and never over another's file."""

    def __init__(self, publication: Publication, site_dir: Path, local: bool = False):
        self.site_dir = site_dir
        self.local = local  # a preview's: links between its own pages stay on the preview's address
        self.taken = engine_files(publication)  # site path -> what it is, before any of ours
        self.ours = output_files(publication)  # what our outputs are known to write (a --dirty build's leftovers)
        self.written: dict[str, str] = {}  # site path -> what this build wrote there

    def write(self, path: str, data: str | bytes, what: str = "", replaces: str = "") -> None:
        """Write ``data`` at the site path ``path``, which is ``what`` (default: as the site map says).

        ``replaces`` names (as the site map does) an engine's file this output replaces on purpose.

        Raises:
            ProblemsError: ``path`` is already a page, a file of docs/, or another output.
        """
        what = what or self.ours.get(path, f"a file of Letterpress's (/{path})")
        clash = self.clash(path, replaces)
        if clash:
            raise ProblemsError([Problem(CONFIG_FILE, "", f"{what} would replace {clash}; nothing more was "
                                         "written. Rename or move that file (`letterpress check` lists each).")])
        write_atomic(self.site_dir / path, data)  # a public file: the mode of every other file of the site
        self.written[path] = what

    def clash(self, path: str, replaces: str = "") -> str:
        """What ``path`` (or a folder on its way) already is, or "" when it is free for this output."""
        for at in (PurePosixPath(path), *PurePosixPath(path).parents[:-1]):
            key = at.as_posix()
            if key in self.written:
                return self.written[key] + " (written by this build)"
            if key in self.taken and self.taken[key] != replaces:
                return self.taken[key]
            if key in self.taken and at == PurePosixPath(path):
                return ""  # the engine's file this output replaces on purpose
            on_disk = self.site_dir / key
            if (on_disk.is_file() if at != PurePosixPath(path) else on_disk.exists()) and key not in self.ours:
                return f"{key}, which the build already wrote"
        return ""


def output_problems(publication: Publication) -> list[Problem]:
    """One problem for each of our outputs whose path is a file of docs/ or a page: found before a build."""
    taken = engine_files(publication)
    sources = dict(docs_files(publication.settings))
    problems = []
    for path, what in output_files(publication).items():
        if path in taken:
            problems.append(Problem(sources.get(path, CONFIG_FILE), "", (
                f"it is published at /{path}, where {what} goes; rename or move it (the build would refuse "
                "to write over it).")))
    return problems
