"""The essay's HTML made fit for email: endnotes, sized images, inline styles, sections.

Mail clients drop most stylesheets and all in-page navigation, so footnotes
become endnotes without back-links, epigraphs become plain blocks with their
attribution spelled out, images get an explicit width (Outlook shows them at
full size otherwise), and the CSS is inlined. The body is split into sections
at its ``<h2>`` headings so a long essay can be cut at a section boundary.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import css_inline
from lxml import etree
from lxml import html as lxml_html
from PIL import Image, UnidentifiedImageError

from ..model.settings import Settings
from . import links

CONTENT_WIDTH = 592  # the email's 640 px column less 24 px padding each side
NOTE_REF = re.compile(r"#fn[:\-](.+)$")
HAS_CLASS = './/*[contains(concat(" ", normalize-space(@class), " "), " %s ")]'


@dataclass
class Section:
    """A run of top-level elements starting at an ``<h2>`` (or the opening, before any)."""

    elements: list
    heading_id: str = ""
    notes: set[str] = field(default_factory=set)  # ids of the notes it refers to


@dataclass
class EmailBody:
    """The essay body as sections plus its endnotes, ready to assemble whole or cut."""

    sections: list[Section]
    notes: dict[str, lxml_html.HtmlElement]  # note id -> <li value="n"> (in order)
    source: str = ""  # the essay's HTML it was made from

    @cached_property
    def removed(self) -> list[str]:
        """The links and images the link rule took out (only ``newsletter check`` asks: a parse of its own)."""
        return _disallowed_urls(self.source)

    def notes_for(self, count: int) -> list:
        """The endnotes referred to by the first ``count`` sections, in order."""
        wanted = set().union(*(section.notes for section in self.sections[:count]))
        return [item for note_id, item in self.notes.items() if note_id in wanted]


def email_body(essay_html: str, settings: Settings) -> EmailBody:
    """Transform the essay's (absolute-URL) HTML into an :class:`EmailBody`.

    The HTML is sanitised first (:func:`letterpress.newsletter.links.clean_body`):
    no scripts, frames, forms or event handlers, and links and images with
    http(s) or mailto URLs only.
    """
    root = lxml_html.fragment_fromstring(links.clean_body(essay_html or "") or "<p></p>", create_parent="div")
    for link in root.xpath(HAS_CLASS % "headerlink"):
        link.drop_tree()
    for image in root.xpath(".//img[not(@src)]"):
        image.drop_tree()  # a data: image (or another refused one): nothing left to show
    for anchor in root.xpath(".//a[not(@href)]"):
        anchor.drop_tag()  # a refused link: its text stays, not styled as a link
    notes = _take_notes(root)
    _plain_epigraphs(root)
    _size_images(root, settings)
    for element in root.iter(etree.Element):
        if element.tag != "h2":
            element.attrib.pop("id", None)
    return EmailBody(_sections(root), notes, essay_html)


def serialize(elements, css: str) -> str:
    """HTML of ``elements`` with ``css`` inlined into their ``style`` attributes."""
    markup = "".join(lxml_html.tostring(e, encoding="unicode") for e in elements)
    return css_inline.inline_fragment(markup, css) if markup else ""


def notes_list(items: list) -> list:
    """The endnotes as elements: a heading and the numbered list."""
    if not items:
        return []
    heading = lxml_html.Element("h2", {"class": "lp-notes-heading"})
    heading.text = "Notes"
    listing = lxml_html.Element("ol", {"class": "lp-notes"})
    listing.extend(copy.deepcopy(item) for item in items)
    return [heading, listing]


# -- transforms ---------------------------------------------------------------------

def _disallowed_urls(essay_html: str) -> list[str]:
    """The URLs in the essay that the link rule refuses, in order, once each (for ``newsletter check``)."""
    if not essay_html.strip():
        return []
    root = lxml_html.fragment_fromstring(essay_html, create_parent="div")
    return list(dict.fromkeys(value.strip()[:80] for _, _, value in links.disallowed(root)))


def _take_notes(root) -> dict:
    """Turn footnote references into plain superscripts and collect the notes."""
    numbers: dict[str, str] = {}
    for ref in root.xpath(HAS_CLASS % "footnote-ref"):
        match = NOTE_REF.search(ref.get("href", ""))
        if match is None:
            continue
        target = ref.getparent() if ref.getparent().tag == "sup" else ref
        marker = lxml_html.Element("sup", {"class": "lp-noteref", "data-note": match.group(1)})
        marker.text = numbers[match.group(1)] = ref.text_content().strip()
        marker.tail = target.tail
        target.getparent().replace(target, marker)
    notes: dict[str, object] = {}  # footnote id -> its <li>, numbered
    for block in root.xpath(HAS_CLASS % "footnote"):
        for item in block.xpath(".//li[@id]"):
            match = NOTE_REF.search("#" + item.get("id"))
            if match:
                notes[match.group(1)] = _endnote(item, numbers.get(match.group(1), str(len(notes) + 1)))
        block.drop_tree()
    return notes


def _endnote(item, number: str):
    for back in item.xpath(HAS_CLASS % "footnote-backref"):
        back.drop_tree()
    item.attrib.clear()
    item.set("value", number)
    return item


def _plain_epigraphs(root) -> None:
    """``<figure class=epigraph>`` to ``<div>`` with ``<p>— attribution</p>`` (Outlook ignores figure)."""
    for figure in root.xpath(HAS_CLASS % "epigraph"):
        if figure.tag != "figure":
            continue
        figure.tag = "div"
        for caption in figure.xpath("./figcaption"):
            caption.tag = "p"
            caption.text = "\u2014\u00a0" + (caption.text or "")


def _size_images(root, settings: Settings) -> None:
    """Give every image a width no wider than the column (height follows in CSS)."""
    for image in root.iter("img"):
        width = _int(image.get("width")) or _natural_width(settings, image.get("src", ""))
        image.attrib.pop("height", None)
        if width:
            width = min(width, CONTENT_WIDTH)
            image.set("width", str(width))
            # Outlook reads the attribute; other clients shrink the image on phones.
            image.set("style", f"width: 100%; max-width: {width}px; height: auto;")


def _int(value) -> int | None:
    try:
        return int(str(value).removesuffix("px"))
    except (TypeError, ValueError):
        return None


def _natural_width(settings: Settings, src: str) -> int | None:
    path = local_file(settings, src)
    return _image_width(path, path.stat().st_mtime) if path else None


def local_file(settings: Settings, url: str) -> Path | None:
    """The file in ``docs/`` behind a URL on this site, or None."""
    base = settings.site_url.rstrip("/") + "/"
    if not settings.site_url or not url.startswith(base):
        return None
    relative = unquote(urlsplit(url[len(base):]).path)
    path = (settings.docs_dir / relative).resolve()
    return path if path.is_relative_to(settings.docs_dir) and path.is_file() else None


@lru_cache(maxsize=256)
def _image_width(path: Path, mtime: float) -> int | None:
    try:
        with Image.open(path) as picture:
            return picture.width
    except (UnidentifiedImageError, OSError):
        return None


def _sections(root) -> list[Section]:
    sections = [Section([])]
    for child in list(root):
        if child.tag == "h2":
            sections.append(Section([], heading_id=child.get("id", "")))
        sections[-1].elements.append(child)
        sections[-1].notes.update(ref.get("data-note") for ref in child.iter("sup") if ref.get("data-note"))
    if len(sections) > 1 and not sections[0].elements:
        sections.pop(0)
    if len(sections) == 1 and len(sections[0].elements) > 1:
        # No headings: every top-level block is a place where the essay may be cut.
        sections = [Section([e], notes={r.get("data-note") for r in e.iter("sup") if r.get("data-note")})
                    for e in sections[0].elements]
    for element in root.iter("sup"):
        element.attrib.pop("data-note", None)
    return sections
