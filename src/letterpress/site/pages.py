"""What an engine without our plugin leaves undone on the built pages.

With MkDocs the plugin adds these while it renders; with Zensical they are
added to the written pages, by the same functions, so the pages match.
"""

from __future__ import annotations

from pathlib import Path

from ..model.files import write_atomic
from ..model.publication import Publication
from .options import PUBLISHED, BuildOptions
from .staging import engine_text
from .views import add_listen_controls, audio_href, reload_script

# MiniJinja's |e (Zensical's templates): HTML's five, and the slash.
MINIJINJA_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;",
                                   "'": "&#x27;", "/": "&#x2f;"})


def finish_pages(publication: Publication, site_dir: Path, options: BuildOptions = PUBLISHED) -> None:
    """"Listen from here" links on narrated essays; the logo's tooltip; in ``serve``, the reload script."""
    layout = publication.settings.layout
    for essay in options.visible(publication):
        if essay.audio is None or not essay.audio.chapters:
            continue
        address = layout.essay(essay)
        page = site_dir / address.file
        if page.is_file():
            html = page.read_text(encoding="utf-8")
            write_atomic(page, add_listen_controls(html, essay.audio, audio_href(essay, address.url)))
    edits = [edit for edit in (_logo_title(publication), _reload_script(options.live_reload)) if edit]
    if edits:
        for page in site_dir.rglob("*.html"):
            html = page.read_text(encoding="utf-8")
            for edit in edits:
                html = edit(html)
            write_atomic(page, html)


def _logo_title(publication: Publication):
    """The logo's tooltip as the site's name: Zensical prints the (escaped) name we handed it through |e.

    Only a name with ``<``, ``>``, ``"`` or an entity was escaped for Zensical, so
    only then is there something to put right.
    """
    name = publication.settings.site_name
    if engine_text(name) == name:
        return None
    wrong = f'title="{engine_text(name).translate(MINIJINJA_ESCAPES)}"'
    right = f'title="{name.translate(MINIJINJA_ESCAPES)}"'
    return lambda html: html.replace(wrong, right)


def _reload_script(counter: str):
    return (lambda html: reload_script(html, counter)) if counter else None
