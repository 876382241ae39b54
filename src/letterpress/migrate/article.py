"""The article of a whole web page (its text, images and links, without the site's chrome), by trafilatura.

trafilatura finds the article among navigation, cookie banners, share bars,
"recent posts" and footers, and gives it as HTML, which :mod:`.convert` turns
into Markdown like any export's body. Its metadata (title, description, date,
authors, categories, tags) fills the front matter.

trafilatura keeps images (``include_images``) with their ``alt`` and ``title``
but has no element for a figure's caption: its output drops ``<figcaption>``
(2.3 has no option that keeps it). So each caption is taken out of the page
before extraction, its image marked with a key in ``title`` (one of the two
attributes trafilatura carries over), and the figure is put together again
around the marked image afterwards. The key holds a random token, so a page
cannot name another figure's caption.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

import lxml.html
from lxml import etree

from . import page_edges as edges

CAPTION_KEY = "letterpress-caption-{token}-{number}"


@dataclass(frozen=True)
class Article:
    title: str
    html: str  # the article's body, its title heading taken out
    description: str = ""
    created: datetime | None = None  # without offset: the day the page gives, in the publication's time
    authors: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    site_tagline: str = ""  # the description, when the page shows it as the site's own (its header, its title)
    notes: tuple[str, ...] = ()  # what was cut, for the report

    @property
    def words(self) -> int:
        return len(lxml.html.fragment_fromstring(self.html or "<p></p>", create_parent="div").text_content().split())


def extract_article(page: str, url: str) -> Article | None:
    """The article on ``page`` (HTML text) fetched from ``url``, or None when it has none."""
    import trafilatura  # imported here: it is slow to import and only these commands need it

    marked, captions = _captions_marked(page)
    body = trafilatura.extract(marked, url=url, output_format="html", include_images=True, include_links=True,
                               include_formatting=True, include_tables=True, include_comments=False)
    if not body:
        return None
    meta = trafilatura.extract_metadata(page, default_url=url)
    title = " ".join(((meta.title if meta else "") or "").split())
    description, created = ((meta.description or "") if meta else ""), _day(meta.date if meta else None)
    html, cut = edges.trimmed(_without_title(body, title), created, url)
    return Article(
        title=title, html=_with_captions(html, captions), description=description, created=created,
        authors=_authors(meta.author if meta else None),
        categories=tuple(meta.categories or ()) if meta else (), tags=tuple(meta.tags or ()) if meta else (),
        site_tagline=edges.site_tagline(page, description, title, (meta.sitename or "") if meta else ""),
        notes=tuple(f"cut {what} after the article's end" for what in cut),
    )


def _authors(value: str | None) -> tuple[str, ...]:
    """trafilatura's authors, which it joins with '; ', one by one."""
    return tuple(dict.fromkeys(name.strip() for name in (value or "").split(";") if name.strip()))


def _captions_marked(page: str) -> tuple[str, dict[str, str]]:
    """The page with each figure's caption taken out and its image marked; key -> the caption's inner HTML."""
    try:
        document = lxml.html.document_fromstring(page)
    except (etree.ParserError, ValueError):  # empty, or a str that declares an XML encoding
        return page, {}
    token, captions = secrets.token_hex(8), dict[str, str]()
    for figure in list(document.iter("figure")):
        image, caption = figure.find(".//img"), figure.find(".//figcaption")
        if image is None or caption is None:
            continue
        key = CAPTION_KEY.format(token=token, number=len(captions))
        captions[key] = edges.inner_html(caption)
        image.set("title", key)
        caption.drop_tree()  # its tail stays
    if not captions:
        return page, {}
    return lxml.html.tostring(document, encoding="unicode", method="html"), captions


def _with_captions(html: str, captions: dict[str, str]) -> str:
    """The article's HTML with each marked image in a figure with its caption again (a fragment)."""
    if not captions:
        return html
    root = lxml.html.fragment_fromstring(html or "<p></p>", create_parent="div")
    for image in list(root.iter("img")):
        caption = captions.get(image.get("title", ""))
        if caption is None:
            continue
        del image.attrib["title"]
        figure = lxml.html.fragment_fromstring(f"<figure><figcaption>{caption}</figcaption></figure>")
        parent = image.getparent()
        alone = parent is not None and parent.tag == "p" and len(parent) == 1 \
            and not (parent.text or "").strip() and not (image.tail or "").strip()
        holder = parent if alone else image  # an image alone in its paragraph: the figure takes the paragraph's place
        figure.tail, holder.tail = holder.tail, None
        holder.addprevious(figure)
        image.tail = None
        figure.insert(0, image)
        if alone:
            holder.getparent().remove(holder)
    return edges.inner_html(root)


def _without_title(html: str, title: str) -> str:
    """The article's inner HTML, without a first heading that repeats the title (the page shows it already)."""
    document = lxml.html.document_fromstring(html)
    body = document.find("body")
    if body is None:
        return html
    first = next(iter(body), None)
    if first is not None and first.tag in ("h1", "h2") and " ".join(first.text_content().split()) == title:
        body.remove(first)
    return edges.inner_html(body)


def _day(value: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError:
        return None
