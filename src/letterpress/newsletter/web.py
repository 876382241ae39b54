"""The letters on the website: each one's web version and the archive of past letters.

``/newsletter/<slug>/`` is the "view in your browser" page (the email's own
HTML with the whole essay, no per-reader parts); ``/newsletter/`` lists the
letters, newest first (addresses from :mod:`letterpress.model.layout`). Written after the site build, like the feeds, so
``letterpress serve`` previews emails too (drafts included, marked as such).
"""

from __future__ import annotations

from ..model.essay import Essay
from ..model.layout import relative_url
from ..model.letters import letter_essays, web_version_essays
from ..model.publication import Publication
from ..model.site_output import SiteOutput
from . import templates


def write_web_versions(publication: Publication, output: SiteOutput) -> None:
    """Write the web version of every letter that is or may be sent, and the archive (``newsletter/``).

    Every published essay with ``newsletter: true`` gets one, sent or not, in the window or not, so the
    link in any letter of it (sent by ``publish`` or by hand) names a page this build writes.
    """
    from .render import render_web_version

    if not publication.settings.newsletter.enabled:
        return
    layout = publication.settings.layout
    for essay in web_version_essays(publication):
        output.write(layout.web_version(essay).file, render_web_version(publication, essay))
    output.write(layout.letters_archive().file, archive_html(publication, letter_essays(publication)))


def archive_html(publication: Publication, letters: list[Essay]) -> str:
    """The archive page: every letter with its date and description."""
    settings = publication.settings
    layout = settings.layout
    archive = layout.letters_archive().url
    context = {
        "publication": {"name": settings.site_name, "url": settings.site_url,
                        "description": settings.site_description, "language": settings.language},
        "letters": [{"title": e.title, "subtitle": e.subtitle, "description": e.description, "date": e.date,
                     "url": relative_url(layout.web_version(e).url, archive), "draft": e.draft,
                     "narrated": e.audio is not None} for e in letters],
        "palette": templates.template_module(settings, "palette.j2"),
    }
    return templates.render(settings, "archive.html.j2", context)

