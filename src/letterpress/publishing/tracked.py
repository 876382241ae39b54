"""Which of an essay's files git has not committed: the essay, its narration, its images.

A fresh clone (the CI build, the machine that publishes, a co-author's laptop)
has only what was committed. An essay committed without the recording or the
picture it points at builds here and fails there ("file '../audio/x.mp3' not
found"), so ``status`` flags such an essay and ``publish`` refuses to deploy it.
A file git ignores counts as not committed too: a clone would lack it all the same.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

from ..model import urls
from ..model.essay import Essay
from ..model.history import uncommitted
from ..model.publication import Publication
from ..model.settings import Settings

# The targets an essay's text names: Markdown links and images, reference definitions, and the URL
# attributes of raw HTML. Read from the source, not the HTML: `status` must not need a build, and a
# file the text names relative to itself is the file a clone needs, whatever the engine makes of it.
TARGET = re.compile(r"""\]\(\s*<?([^)\s>]+)|^ {0,3}\[[^\]\n]+\]:\s*<?([^\s>]+)|"""
                    r"""\b(?:src|href|poster|srcset|data)\s*=\s*["']([^"']+)["']""", re.MULTILINE | re.IGNORECASE)
COMMIT_HINT = "git add docs/ && git commit"


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
