"""The engine's HTML of an essay made ready to leave the site: no permalinks, every URL absolute.

Letterpress converts no Markdown of its own: the essay's HTML is the one the
site engine made for its page (:mod:`letterpress.render.once`). On the page its
links are relative to the page, and each heading carries a ``¶`` permalink; a feed
reader or a mail client has no page to be relative to and shows the ``¶`` as a
stray character. :func:`outgoing_html` takes the permalinks out and makes every
URL absolute, once per essay.
"""

from __future__ import annotations

import re
from html import escape, unescape
from urllib.parse import urljoin

import lxml.html

# Python-Markdown writes every attribute double-quoted and escaped; the engine's HTML is rewritten on
# the string, so it leaves the site byte for byte as the engine wrote it (entities, <hr />, spacing).
# Raw HTML an author wrote may quote otherwise: then lxml parses and writes the whole fragment.
PERMALINK = re.compile(r'<a class="headerlink"[^>]*>.*?</a>', re.DOTALL)
URL_ATTRIBUTE = re.compile(r'(\s(?:href|src|poster|cite|data)=")([^"]*)(")')
SRCSET_ATTRIBUTE = re.compile(r'(\ssrcset=")([^"]*)(")')
# Searched in the lower-cased HTML (attribute names are ASCII case-insensitive): twice as fast as IGNORECASE.
UNUSUAL = re.compile(r"""\s(?:href|src|srcset|poster|cite|data|action)\s*=\s*(?!")|\s(?:href|src)\s+=""")
# The toc extension's permalink anchors (``toc: permalink: true``), and Material's own.
PERMALINK_CLASSES = frozenset({"headerlink"})


def outgoing_html(html: str, base_url: str) -> str:
    """``html`` (a page's content) without heading permalinks, every URL absolute against ``base_url``."""
    if not html.strip():
        return html
    if UNUSUAL.search(html.lower()):
        fragment = lxml.html.fragment_fromstring(html, create_parent="div")
        for anchor in fragment.iter("a"):
            if PERMALINK_CLASSES & set((anchor.get("class") or "").split()):
                anchor.drop_tree()
        return _absolute_fragment(fragment, base_url)
    html = PERMALINK.sub("", html)
    html = URL_ATTRIBUTE.sub(lambda m: m.group(1) + _attribute(urljoin(base_url, unescape(m.group(2))))
                             + m.group(3), html)
    return SRCSET_ATTRIBUTE.sub(lambda m: m.group(1) + _attribute(_absolute_srcset(unescape(m.group(2)), base_url))
                                + m.group(3), html)


def _attribute(value: str) -> str:
    """``value`` escaped as Python-Markdown escapes an attribute."""
    return escape(value, quote=False).replace('"', "&quot;")


def absolutize(html: str, base_url: str) -> str:
    """``html`` with every link, image and media URL made absolute against ``base_url``.

    Fragment links (``#fn:1``) become links into the page at ``base_url``, so
    footnote references and back-references work from a feed reader or an email.
    """
    if not html.strip():
        return html
    return _absolute_fragment(lxml.html.fragment_fromstring(html, create_parent="div"), base_url)


def _absolute_fragment(fragment, base_url: str) -> str:
    fragment.make_links_absolute(base_url, resolve_base_href=False, handle_failures="ignore")
    for element in fragment.iter():
        if element.get("srcset"):
            element.set("srcset", _absolute_srcset(element.get("srcset"), base_url))
    text = escape(fragment.text or "", quote=False)
    return text + "".join(lxml.html.tostring(child, encoding="unicode") for child in fragment)


def _absolute_srcset(srcset: str, base_url: str) -> str:
    """``srcset`` candidates (``url 2x, url 640w``) with absolute URLs."""
    candidates = []
    for candidate in srcset.split(","):
        url, _, descriptor = candidate.strip().partition(" ")
        candidates.append(" ".join(filter(None, [urljoin(base_url, url), descriptor.strip()])))
    return ", ".join(candidates)
