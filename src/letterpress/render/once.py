"""Each published essay's absolute HTML, rendered once per process and kept on the publication.

The feeds, the email web versions and the letters all need the essay body as
HTML with absolute URLs; :func:`essay_html_for` converts it the first time one
of them asks and hands every later caller the same string. The cache lives on
the :class:`~letterpress.model.publication.Publication` (its ``rendered``
field), so it lasts exactly as long as the publication that was read: a new
read (``letterpress serve`` after an edit) starts empty.
"""

from __future__ import annotations

from ..model.essay import Essay
from ..model.publication import Publication
from .markdown import absolute_essay_html


def essay_html_for(publication: Publication, essay: Essay) -> str:
    """``essay``'s body as HTML with every URL absolute, converted at most once per publication.

    Keyed by the essay object and the settings it was rendered with, so an essay
    or settings replaced since (``dataclasses.replace``) are rendered afresh.
    """
    key = id(essay)
    settings = publication.settings
    kept = publication.rendered.get(key)
    if kept is not None and kept[0] is essay and kept[1] is settings:
        return kept[2]
    html = absolute_essay_html(essay, settings, publication.page_urls)
    publication.rendered[key] = (essay, settings, html)
    return html
