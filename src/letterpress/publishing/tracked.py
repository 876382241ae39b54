"""Which of an essay's files git has not committed: the essay, its narration, its images.

A fresh clone (the CI build, the machine that publishes, a co-author's laptop)
has only what was committed. An essay committed without the recording or the
picture it points at builds here and fails there ("file '../audio/x.mp3' not
found"), so ``status`` flags such an essay and ``publish`` refuses to deploy it.
A file git ignores counts as not committed too: a clone would lack it all the same.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from lxml import html as lxml_html

from ..model import urls
from ..model.essay import Essay
from ..model.history import uncommitted
from ..model.publication import Publication
from ..model.settings import Settings
from ..render.once import essay_html_for

# Tags whose URL names a file the page shows, plays or offers (not a link to another page).
MEDIA_TAGS = ("img", "audio", "video", "source", "a")
COMMIT_HINT = "git add docs/ && git commit"


def essay_files(publication: Publication, essay: Essay) -> list[Path]:
    """The essay's file and the files in ``docs/`` it needs: narration, cover image, images and files in the text."""
    files = [essay.path.resolve()]
    if essay.audio is not None and essay.audio.path is not None:
        files.append(essay.audio.path.resolve())
    settings = publication.settings
    found = [settings.absolute_url(essay.image)] if essay.image and not urls.is_web_url(essay.image) else []
    # The HTML every output shares (converted once per publication), so the text is not converted again.
    document = lxml_html.document_fromstring(f"<div>{essay_html_for(publication, essay)}</div>")
    found += [url for element, _attribute, url, _ in document.iterlinks() if element.tag in MEDIA_TAGS]
    for url in found:
        path = docs_file(settings, url)
        if path is not None and path not in files:
            files.append(path)
    return files


def docs_file(settings: Settings, url: str) -> Path | None:
    """The file in ``docs/`` served at the site's absolute ``url``, if there is one."""
    base = settings.absolute_url("")
    if not url.startswith(base):
        return None
    path = unquote(urlsplit(url).path)[len(urlsplit(base).path):]
    docs = settings.docs_dir.resolve()
    for candidate in (path, urls.post_source_path(path, settings.blog_dir)):
        if not candidate:
            continue
        target = (docs / candidate).resolve()
        if target.is_relative_to(docs) and target.is_file():
            return target
    return None


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
