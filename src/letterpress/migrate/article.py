"""The article of a whole web page (its text, images and links, without the site's chrome), by trafilatura.

trafilatura finds the article among navigation, cookie banners, share bars,
"recent posts" and footers, and gives it as HTML, which :mod:`.convert` turns
into Markdown like any export's body. Its metadata (title, description, date,
author, categories, tags) fills the front matter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import lxml.html
from lxml import etree


@dataclass(frozen=True)
class Article:
    title: str
    html: str  # the article's body, its title heading taken out
    description: str = ""
    created: datetime | None = None  # without offset: the day the page gives, in the publication's time
    author: str = ""
    categories: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()

    @property
    def words(self) -> int:
        return len(lxml.html.fragment_fromstring(self.html or "<p></p>", create_parent="div").text_content().split())


def extract_article(page: str, url: str) -> Article | None:
    """The article on ``page`` (HTML text) fetched from ``url``, or None when it has none."""
    import trafilatura  # imported here: it is slow to import and only these commands need it

    body = trafilatura.extract(page, url=url, output_format="html", include_images=True, include_links=True,
                               include_formatting=True, include_tables=True, include_comments=False)
    if not body:
        return None
    meta = trafilatura.extract_metadata(page, default_url=url)
    title = " ".join(((meta.title if meta else "") or "").split())
    return Article(
        title=title, html=_without_title(body, title), description=(meta.description or "") if meta else "",
        created=_day(meta.date if meta else None), author=(meta.author or "") if meta else "",
        categories=tuple(meta.categories or ()) if meta else (), tags=tuple(meta.tags or ()) if meta else (),
    )


def _without_title(html: str, title: str) -> str:
    """The article's inner HTML, without a first heading that repeats the title (the page shows it already)."""
    document = lxml.html.document_fromstring(html)
    body = document.find("body")
    if body is None:
        return html
    first = next(iter(body), None)
    if first is not None and first.tag in ("h1", "h2") and " ".join(first.text_content().split()) == title:
        body.remove(first)
    return (body.text or "") + "".join(etree.tostring(child, encoding="unicode", method="html") for child in body)


def _day(value: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError:
        return None
