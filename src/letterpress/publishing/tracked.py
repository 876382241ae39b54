"""Which of the files a build reads git has not committed: an essay, its narration and images, and the
publication's own files (``mkdocs.yml``, the authors file, the theme's ``overrides/``, the letters' templates).

A fresh clone (the CI build, the machine that publishes, a co-author's laptop)
has only what was committed. An essay committed without the recording or the
picture it points at builds here and fails there ("file '../audio/x.mp3' not
found"); a ``site_name`` changed and not committed is the old name there. So
``status`` names such files and ``publish`` refuses to deploy while there are any.
A file git ignores counts as not committed too: a clone would lack it all the same.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from urllib.parse import unquote

from ..errors import Problem
from ..model import urls
from ..model.authors import authors_file
from ..model.essay import Essay
from ..model.history import uncommitted
from ..model.publication import Publication
from ..model.settings import Settings
from ..newsletter.templates import PUBLICATION_TEMPLATES

# The targets an essay's text names: Markdown links and images, reference definitions, and the URL
# attributes of raw HTML. Read from the source, not the HTML: `status` must not need a build, and a
# file the text names relative to itself is the file a clone needs, whatever the engine makes of it.
TARGET = re.compile(r"""\]\(\s*<?([^)\s>]+)|^ {0,3}\[[^\]\n]+\]:\s*<?([^\s>]+)|"""
                    r"""\b(?:src|href|poster|srcset|data)\s*=\s*["']([^"']+)["']""", re.MULTILINE | re.IGNORECASE)
COMMIT_HINT = "git add docs/ && git commit"
# Never read by a build: a folder's hidden files (an editor's or the system's) and Python's caches.
NOT_READ = re.compile(r"(^|/)(\.[^/]*|__pycache__)(/|$)")


def essay_files(publication: Publication, essay: Essay) -> list[Path]:
    """The essay's file and the files in ``docs/`` it needs: narration, cover image, images and files in the text."""
    files = [essay.path.resolve()]
    if essay.audio is not None and essay.audio.path is not None:
        files.append(essay.audio.path.resolve())
    image = str(essay.meta.get("image") or "")
    named = [image] if image else []
    named += [target for match in TARGET.finditer(essay.body) for target in match.groups() if target]
    for target in named:
        path = docs_file(publication.settings, essay, target)
        if path is not None and path not in files:
            files.append(path)
    return files


def docs_file(settings: Settings, essay: Essay, target: str) -> Path | None:
    """The file in ``docs/`` that ``target`` (as written in the essay) names, if there is one."""
    target = target.split(",")[0].split()[0] if target.strip() else ""  # a srcset's first candidate
    if not target or target.startswith("#") or urls.scheme(target) or target.startswith("/"):
        return None
    path = unquote(target.split("#", 1)[0].split("?", 1)[0])
    docs = settings.docs_dir.resolve()
    found = (essay.path.parent / path).resolve()
    return found if found.is_relative_to(docs) and found.is_file() else None


def uncommitted_files(publication: Publication, essays: list[Essay]) -> dict[str, list[Path]]:
    """slug -> the files of that essay git has not committed (or does not track); only essays with any.

    One ``git status`` for all of them; outside a git work tree nothing is reported.
    """
    files = {essay.slug: essay_files(publication, essay) for essay in essays}
    changed = uncommitted(publication.settings.root, [path for paths in files.values() for path in paths])
    found = {slug: [path for path in paths if path in changed] for slug, paths in files.items()}
    return {slug: paths for slug, paths in found.items() if paths}


def shown(settings: Settings, path: Path) -> str:
    """``path`` as messages show it: relative to the publication root where it can be."""
    root = settings.root.resolve()
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)


def build_inputs(settings: Settings) -> list[Path]:
    """The files and folders besides the essays that every build reads: ``mkdocs.yml``, the authors file,
    MkDocs' hooks, the theme's ``custom_dir`` and ``newsletter/templates/``."""
    paths = [settings.config_path, authors_file(settings), *settings.hooks]
    paths += [folder for folder in (settings.custom_dir, settings.root / PUBLICATION_TEMPLATES) if folder]
    return [path.resolve() for path in paths]


def uncommitted_inputs(settings: Settings) -> list[Path]:
    """The files of :func:`build_inputs` (in its folders too) git has not committed or does not track, sorted."""
    inputs = build_inputs(settings)
    return sorted(path for path in uncommitted(settings.root, inputs) if _read_by_build(path, inputs))


def _read_by_build(path: Path, inputs: list[Path]) -> bool:
    """Not a hidden file or a cache in one of the folders (judged by its path inside that folder)."""
    if path in inputs:  # a file the build reads by name (.authors.yml is hidden, and read)
        return True
    inside = next((path.relative_to(folder) for folder in inputs if path.is_relative_to(folder)), path)
    return not NOT_READ.search(inside.as_posix())


def input_problems(settings: Settings) -> list[Problem]:
    """One problem per file of :func:`uncommitted_inputs`: ``status`` shows them, ``publish`` stops on them."""
    problems = []
    for path in uncommitted_inputs(settings):
        name = shown(settings, path)
        problems.append(Problem(name, "", (
            "is not committed, and every build reads it: a fresh clone would build the site without this "
            f"change, so the site would differ from git. Commit it (git add {shlex.quote(name)} && git commit), "
            "then publish.")))
    return problems
