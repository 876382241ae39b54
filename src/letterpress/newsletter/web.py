"""The letters on the website: each one's web version and the archive of past letters.

``/newsletter/<slug>/`` is the "view in your browser" page (the email's own
HTML with the whole essay, no per-reader parts); ``/newsletter/`` lists the
letters, newest first. Written after the site build, like the feeds, so
``letterpress serve`` previews emails too (drafts included, marked as such).
"""

from __future__ import annotations

from pathlib import Path

from ..model.essay import Essay
from ..model.files import write_atomic
from ..model.letters import letter_essays
from ..model.publication import Publication
from . import templates


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
    write_atomic(path, text)  # a public page: the mode of every other page of the site
