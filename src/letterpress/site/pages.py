"""What an engine without our plugin leaves undone on the built pages.

With MkDocs the plugin adds these while it renders; with Zensical they are
added to the written pages, by the same functions, so the pages match.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..model.files import write_atomic
from ..model.publication import Publication
from .staging import visible_essays
from .views import LIVE_RELOAD, add_listen_controls, audio_href, reload_script


def finish_pages(publication: Publication, site_dir: Path) -> None:
    """"Listen from here" links on narrated essays; in ``serve``, the reload script on every page."""
    blog_dir = publication.settings.blog_dir
    for essay in visible_essays(publication):
        if essay.audio is None or not essay.audio.chapters:
            continue
        page_url = essay.url_path(blog_dir)
        page = site_dir / page_url / "index.html"
        if page.is_file():
            html = page.read_text(encoding="utf-8")
            write_atomic(page, add_listen_controls(html, essay.audio, audio_href(essay, page_url)))
    counter = os.environ.get(LIVE_RELOAD)
    if counter:
        for page in site_dir.rglob("*.html"):
            write_atomic(page, reload_script(page.read_text(encoding="utf-8"), counter))
