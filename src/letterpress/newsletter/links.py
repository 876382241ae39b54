"""The letter's one link rule: http(s) and mailto only, in every attribute that holds a URL.

A ``javascript:`` link runs in some web-mail clients and in the web version; a
``data:`` image carries content no one can check and trips spam filters;
``file:``, ``tel:`` and the rest lead nowhere useful from a letter. The rule
is applied three times, always through :func:`allowed`:

- the essay body goes through :func:`clean_body` (nh3, the binding of the
  Ammonia sanitiser) before anything else reads it, so the HTML part, the
  text part and the web version all start from the same clean body;
- URLs from the publication's own files (``.authors.yml``) are checked where
  the templates receive them (:func:`safe_url`), so a refused "Work with me"
  link leaves no button and no line in the text part;
- the finished HTML goes through :func:`scrub_document`, which catches
  whatever a template override writes itself.

A link that breaks the rule loses its URL and keeps its text; an image loses
itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import nh3
from lxml import etree
from lxml import html as lxml_html

from ..model import urls

SCHEMES = urls.LETTER.schemes
# Every HTML attribute that a browser or mail client resolves as a URL (SVG's
# xlink:href too, though the body sanitiser drops SVG whole).
URL_ATTRIBUTES = frozenset({
    "href", "src", "xlink:href", "srcset", "action", "formaction", "poster", "background", "cite",
    "longdesc", "usemap", "data", "codebase", "classid", "archive", "dynsrc", "lowsrc", "ping",
    "manifest", "icon", "profile", "itemtype", "imagesrcset",
})
# CSS that loads or runs something: a declaration holding any of these is dropped.
LOADING = r"url\(|image-set\(|image\(|cross-fade\(|element\(|expression\(|\\|behavior|binding"
LOADING_CSS = re.compile(LOADING, re.IGNORECASE)
LOADING_ASCII = re.compile(LOADING)  # on lower-cased ASCII text: the same answer, seven times faster
# The tags the essay body may keep: Ammonia's default set (formatting, lists,
# tables, figures, quotes) plus <section>. Everything else is unwrapped (its
# text stays), and these go with their content.
BODY_TAGS = frozenset(nh3.ALLOWED_TAGS | {"section"})
DROPPED_WITH_CONTENT = frozenset({
    "script", "style", "noscript", "template", "iframe", "frame", "frameset", "object", "embed", "applet",
    "form", "select", "textarea", "button", "svg", "math", "title", "xmp", "noembed", "noframes",
})
BODY_ATTRIBUTES = {
    "*": {"class", "id", "title", "lang", "dir", "style"},
    "a": {"href", "hreflang"},
    "img": {"src", "srcset", "alt", "width", "height"},
    "ol": {"start", "reversed", "type"}, "li": {"value"},
    "td": {"colspan", "rowspan", "align", "headers"}, "th": {"colspan", "rowspan", "align", "headers", "scope"},
    "col": {"span"}, "colgroup": {"span"},
    "blockquote": {"cite"}, "q": {"cite"}, "del": {"cite", "datetime"}, "ins": {"cite", "datetime"},
    "time": {"datetime"}, "data": {"value"}, "abbr": set(), "bdo": {"dir"},
}


def allowed(url: str) -> bool:
    """True for http(s) and mailto URLs, and for relative ones (the body's in-page ``#`` links)."""
    return urls.allows(urls.LETTER, url)


def safe_url(url: str) -> str:
    """``url`` when the rule allows it and it is absolute, else ``""`` (for values the templates print)."""
    return url if url and urls.scheme(url) in SCHEMES else ""


def clean_body(essay_html: str) -> str:
    """The essay's HTML with only the allowed tags, attributes and links (nh3).

    A maintained sanitiser rather than our own tree walk: nh3 parses with
    html5ever, the same HTML5 parser css-inline re-parses the body with and
    the one browsers follow, so markup that one parser reads as text and
    another as a tag (SVG and MathML tricks, ``<noembed>``…) cannot slip
    through between them.
    """
    return nh3.clean(essay_html, tags=set(BODY_TAGS), clean_content_tags=set(DROPPED_WITH_CONTENT),
                     attributes=BODY_ATTRIBUTES, attribute_filter=_filter_attribute, url_schemes=set(SCHEMES),
                     link_rel=None, strip_comments=True)


def _filter_attribute(tag: str, name: str, value: str) -> str | None:
    # nh3 checks the schemes of href and src itself; this covers the other URL
    # attributes (cite, srcset…) and CSS in style attributes.
    if name == "style":
        return clean_style(value) or None
    return value if _attribute_allowed(name, value) else None


def clean_style(style: str) -> str:
    """``style`` without the declarations that load or run something (``url(…)``, ``expression(…)``)."""
    kept = [part.strip() for part in style.split(";") if part.strip() and not loads_something(part)]
    return "; ".join(kept) + (";" if kept and style.rstrip().endswith(";") else "")


def loads_something(css: str) -> bool:
    """Whether ``css`` (a style attribute's value) loads or runs something.

    Every inlined element of a letter has a style, so this runs thousands of times per
    build: ASCII text (nearly all) is matched lower-cased without IGNORECASE, which gives
    the same answer; other text gets the Unicode case-insensitive match.
    """
    if css.isascii():
        return LOADING_ASCII.search(css.lower()) is not None
    return LOADING_CSS.search(css) is not None


def _attribute_allowed(name: str, value: str) -> bool:
    name = name.lower()
    if name in ("srcset", "imagesrcset"):
        return all(allowed(candidate.split()[0]) for candidate in value.split(",") if candidate.split())
    if name in URL_ATTRIBUTES or name.endswith(":href"):
        return allowed(value)
    return True


def disallowed(root) -> Iterator[tuple[etree._Element, str, str]]:
    """Every ``(element, attribute, value)`` under ``root`` that breaks the rule."""
    for element in root.iter(etree.Element):
        for name, value in element.attrib.items():
            if name.lower() == "style":
                if loads_something(value):
                    yield element, name, value
            elif not _attribute_allowed(name, value):
                yield element, name, value


def scrub_document(html: str) -> str:
    """The finished letter (or web version) with every link that breaks the rule removed.

    The templates receive clean values, so this changes nothing unless a
    template override writes such a link itself; then the page is parsed and
    written again without it.
    """
    # Looked at with lxml's plain HTML parser first: the lxml.html classes cost a Python call per element,
    # and nearly every letter has nothing to take out. (A parser per call: one lxml parser
    # must not serve two threads.)
    if not any(disallowed(etree.fromstring(html, etree.HTMLParser()))):
        return html
    document = lxml_html.document_fromstring(html)
    found = list(disallowed(document))
    for element, name, value in found:
        if element.tag == "img" and name.lower() == "src":
            element.drop_tree()
        elif name.lower() == "style":
            element.set(name, clean_style(value))
        else:
            del element.attrib[name]
    doctype = document.getroottree().docinfo.doctype
    return lxml_html.tostring(document, doctype=doctype or None, encoding="unicode")
