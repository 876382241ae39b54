"""The letters on the website: each one's web version and the archive of past letters.

``/newsletter/<slug>/`` is the "view in your browser" page (the email's own
HTML with the whole essay, no per-reader parts); ``/newsletter/`` lists the
letters, newest first. Written after the site build, like the feeds, so
``letterpress serve`` previews emails too (drafts included, marked as such).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ..essay import Essay, State
from ..publication import Publication
from . import templates

# Set by `letterpress serve --drafts` (the site adapter's preview switch).
PREVIEW_DRAFTS = "LETTERPRESS_PREVIEW_DRAFTS"
SENT_DIR = Path("newsletter") / "sent"


def letter_essays(publication: Publication) -> list[Essay]:
    """The essays that are (or will be) letters, newest first.

    Published essays with ``newsletter: true``, dated on or after
    ``newsletter.since`` unless a sent record says they went out anyway;
    drafts too while previewing with ``letterpress serve``.
    """
    settings = publication.settings
    if not settings.newsletter.enabled:
        return []
    now = publication.now()
    previewing = os.environ.get(PREVIEW_DRAFTS) == "1"
    return [essay for essay in publication.essays if essay.newsletter and (
        (essay.state(now) is State.PUBLISHED and _after_since(publication, essay))
        or (previewing and essay.state(now) is State.DRAFT))]


def _after_since(publication: Publication, essay: Essay) -> bool:
    since = publication.settings.newsletter.since
    if since is None or essay.date.date() >= since:
        return True
    return (publication.settings.root / SENT_DIR / f"{essay.slug}.json").is_file()


def write_web_versions(publication: Publication, site_dir: Path) -> None:
    """Write ``newsletter/<slug>/index.html`` for every letter and ``newsletter/index.html``."""
    from .render import render_web_version

    if not publication.settings.newsletter.enabled:
        return
    letters = letter_essays(publication)
    folder = site_dir / "newsletter"
    for essay in letters:
        _write(folder / essay.slug / "index.html", render_web_version(publication, essay))
    _write(folder / "index.html", archive_html(publication, letters))


def archive_html(publication: Publication, letters: list[Essay]) -> str:
    """The archive page: every letter with its date and description."""
    settings = publication.settings
    context = {
        "publication": {"name": settings.site_name, "url": settings.site_url,
                        "description": settings.site_description, "language": settings.language},
        "letters": [{"title": e.title, "subtitle": e.subtitle, "description": e.description, "date": e.date,
                     "url": f"{e.slug}/", "draft": e.draft, "narrated": e.audio is not None} for e in letters],
        "palette": templates.template_module(settings, "palette.j2"),
    }
    return templates.render(settings, "archive.html.j2", context)


def _write(path: Path, text: str) -> None:
    """Write through a temporary file, so a failed build leaves no half-written page."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, delete=False,
                                     prefix=f".{path.name}.") as handle:
        handle.write(text)
    os.replace(handle.name, path)
