"""The site's words at the edges of a page's article, found and cut (:mod:`.article`).

trafilatura takes the article out of a whole page, but what it takes may still hold the
site's: above the text, a line that is only the date the theme prints there; after the
article's end, a teaser of another page of the site (a heading linking there and that page's
opening paragraph, "next essay"), which lands after the article's last list or paragraph. And
the page's description may be the site's own tag line, which every page repeats in its header.

A teaser is taken from the end only: a heading that is one link to another page of the same
site, followed by nothing but that page's opening paragraph (and perhaps a paragraph that is only
a "read more" link). A linked heading with more of the essay's own text after it stays. A page
import knows no other page's text, so the shape decides; the report names what was cut, so a
false cut is seen and put back.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from html import escape
from urllib.parse import urljoin

import lxml.html
from dateutil import parser
from lxml import etree

from ..model import urls
from .convert import plain_text, same_words

HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
DATE_LINE_CHARS = 60  # longer than any written date: a sentence, not a date line
# Class or id words of the site's masthead, where a theme prints the tag line.
BRANDING = re.compile(r"site-(description|title|branding|header|tagline)|tagline|slogan|masthead|branding",
                      re.IGNORECASE)
TITLE_PARTS = re.compile(r"\s+[|–—·:-]\s+")


def trimmed(html: str, created: datetime | None, url: str) -> tuple[str, list[str]]:
    """``html`` (an article's inner HTML) without a first line that is only the essay's date and
    without the teasers of other pages at its end; and each teaser cut, named for the report."""
    root = lxml.html.fragment_fromstring(html or "<p></p>", create_parent="div")
    dated = created is not None and _without_date_line(root, created.date())
    cut = []
    while (teaser := _last_teaser(root, url)) is not None:
        heading, address = teaser
        cut.append(f"a teaser of another page ('{plain_text(heading.text_content(), markup=False)}', {address})")
        for element in [heading, *heading.itersiblings()]:
            root.remove(element)
    return (inner_html(root) if dated or cut else html), cut


def site_tagline(page: str, description: str, title: str, site_name: str) -> str:
    """``description`` when the page shows it as the site's own words (in its header, footer or
    navigation, as the site's name or a part of its ``<title>``); else ""."""
    if not description.strip():
        return ""
    try:
        document = lxml.html.document_fromstring(page)
    except (etree.ParserError, ValueError):
        return ""
    found = [site_name, *TITLE_PARTS.split(document.findtext(".//title") or "")]
    for element in document.iter():
        if isinstance(element.tag, str) and (_site_chrome(element) or BRANDING.search(
                f"{element.get('class', '')} {element.get('id', '')}")):
            found += [part.text_content() for part in element.iter() if isinstance(part.tag, str)]
    return description if any(same_words(description, text) and not same_words(text, title) for text in found) \
        else ""


def _site_chrome(element) -> bool:
    """A header, footer or navigation of the site: not one inside the article (an essay's own header
    holds its title and perhaps its standfirst, which may be its description)."""
    return element.tag in ("header", "footer", "nav") and not any(
        ancestor.tag in ("article", "main") for ancestor in element.iterancestors())


def inner_html(element) -> str:
    """The HTML inside ``element`` (its leading text escaped again: lxml gives it decoded)."""
    children = "".join(etree.tostring(child, encoding="unicode", method="html") for child in element)
    return escape(element.text or "", quote=False) + children


def _without_date_line(root, day: date) -> bool:
    """Take out the first element when its whole text is the essay's date; whether it did."""
    first = next((child for child in root if isinstance(child.tag, str)), None)
    if first is None or (root.text or "").strip() or not _is_day(first.text_content(), day):
        return False
    root.remove(first)
    return True


def _is_day(text: str, day: date) -> bool:
    """Whether ``text`` is only a date, and that date is ``day`` ("3 September 2022", "Sept. 3, 2022", "2022-09-03")."""
    text = " ".join(text.split())
    if not text or len(text) > DATE_LINE_CHARS or not any(character.isdigit() for character in text):
        return False
    for dayfirst in (False, True):
        try:  # two defaults: a date that gives no day or no year ("March 2022") fills them differently
            read = [parser.parse(text, default=default, dayfirst=dayfirst)
                    for default in (datetime(2000, 1, 1), datetime(2001, 2, 2))]
        except (ValueError, OverflowError):
            continue
        if read[0] == read[1] and read[0].date() == day:
            return True
    return False


def _last_teaser(root, url: str):
    """(heading, address) of the teaser that ends the article, or None."""
    children = [child for child in root if isinstance(child.tag, str)]
    headings = [index for index, child in enumerate(children) if child.tag in HEADINGS]
    if not headings or headings[-1] == 0:
        return None
    heading, after = children[headings[-1]], children[headings[-1] + 1:]
    if len(after) > 2 or any(child.tag != "p" for child in after) or (len(after) == 2 and not _only_link(after[1])):
        return None
    address = _other_page(heading, url)
    return (heading, address) if address else None


def _only_link(element) -> bool:
    """Whether ``element``'s whole text is one link ("Read more →")."""
    links = list(element.iter("a"))
    return len(links) == 1 and " ".join(links[0].text_content().split()) == " ".join(element.text_content().split())


def _other_page(heading, url: str) -> str:
    """The address a heading links to when it is one link, wholly, to another page of the site at ``url``."""
    if not _only_link(heading):
        return ""
    try:
        address = urljoin(url, (next(heading.iter("a")).get("href") or "").strip())
    except ValueError:
        return ""
    here, there = urls.split(url), urls.split(address)
    if not here or not there or there.hostname != here.hostname or there.path.rstrip("/") == here.path.rstrip("/"):
        return ""
    return address
