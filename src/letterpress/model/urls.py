"""The one link parser: what a URL's scheme is, and which schemes each place allows.

``tests/test_structure.py`` keeps every reading of a scheme here. A URL's scheme is
read as a browser reads it (WHATWG URL: spaces and C0 controls around it ignored,
tab and newline anywhere), so ``" javascript:…"`` or ``"java\\tscript:…"`` is not
mistaken for a relative path. What is allowed rightly differs by place, so each
place is a :class:`Context` with its schemes named:

* :data:`SITE_LINK`: a link from metadata printed on the site (an author's avatar,
  the narration): http(s), mailto, or relative;
* :data:`LETTER`: a link or image in a letter: http(s) and mailto, or relative
  (the body's in-page ``#`` links, made absolute before sending);
* :data:`AUTHOR_URL`: an author's "Work with me" link: http(s) with a host;
* :data:`MEDIA`: a narration or image given by address in front matter: https with a host;
* :data:`IMPORTED_LINK` and :data:`IMPORTED_IMAGE`: what an import keeps of a link
  (http(s), mailto) and of an image (http(s)).

A web address (:func:`is_web_url`) stays as written wherever it lands; anything
else is a site-relative path joined to ``site_url`` (:func:`absolute`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import SplitResult, quote, urlsplit

__all__ = ["AUTHOR_URL", "IMPORTED_IMAGE", "IMPORTED_LINK", "LETTER", "MEDIA", "SITE_LINK", "Context",
           "absolute", "allows", "is_https", "is_web_url", "join", "safe_link", "scheme", "split"]

SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
# What browsers ignore in a URL before reading its scheme (WHATWG URL: leading
# and trailing C0 controls and spaces, and tab or newline anywhere).
IGNORED_AROUND = "".join(map(chr, range(0x21)))
IGNORED_INSIDE = re.compile(r"[\t\n\r]")
WEB = frozenset({"http", "https"})
# Every character a URL may hold as it is; others (quotes, <, >, spaces) are percent-encoded.
URL_SAFE = "!#$%&'()*+,/:;=?@[]~"


@dataclass(frozen=True)
class Context:
    """Where a URL lands, and what that place allows.

    Attributes:
        name: the place, for messages.
        schemes: the schemes allowed (lower case).
        relative: whether a URL without a scheme is allowed.
        host: whether an allowed absolute URL must name a host.
    """

    name: str
    schemes: frozenset[str]
    relative: bool = False
    host: bool = False


SITE_LINK = Context("a link on the site", WEB | {"mailto"}, relative=True)
LETTER = Context("a link in a letter", WEB | {"mailto"}, relative=True)
AUTHOR_URL = Context("an author's url", WEB, host=True)
MEDIA = Context("a narration or image by address", frozenset({"https"}), host=True)
IMPORTED_LINK = Context("a link of an imported post", WEB | {"mailto"})
IMPORTED_IMAGE = Context("an image of an imported post", WEB)


def scheme(url: str) -> str | None:
    """The scheme of ``url`` as a browser reads it (lower case), or None for a relative URL."""
    match = SCHEME.match(IGNORED_INSIDE.sub("", url.strip(IGNORED_AROUND)))
    return match.group(1).lower() if match else None


def split(url: str) -> SplitResult | None:
    """``url`` split into its parts, or None when it cannot be (``http://[broken``)."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises on a port that is not a number)
    except ValueError:
        return None
    return parts


def allows(context: Context, url: str) -> bool:
    """Whether ``url`` may land in ``context``."""
    found = scheme(url)
    if found is None:
        return context.relative
    if found not in context.schemes:
        return False
    if context.host and found in WEB:
        parts = split(url.strip(IGNORED_AROUND))
        return bool(parts and parts.hostname)
    return True


def safe_link(url: str, context: Context = SITE_LINK) -> str:
    """``url`` made safe to print in an attribute: percent-encoded, or ``""`` when ``context`` refuses it.

    A quote or ``<`` in a URL can no longer end an attribute, and a ``javascript:``
    URL from ``.authors.yml`` links to nothing.
    """
    url = url.strip()
    return quote(url, safe=URL_SAFE) if url and allows(context, url) else ""


def is_https(url: str) -> bool:
    """Whether ``url`` is an https address (the only remote media accepted)."""
    return scheme(url) == "https"


def is_web_url(url: str) -> bool:
    """Whether ``url`` is an http or https address rather than a path."""
    return scheme(url) in WEB


def join(site_url: str, path: str) -> str:
    """``path`` (site-relative, a leading slash ignored) joined to ``site_url``."""
    return site_url.rstrip("/") + "/" + path.lstrip("/")


def absolute(url_or_path: str, site_url: str) -> str:
    """A web address as it is, or a site-relative path joined to ``site_url``."""
    return url_or_path if is_web_url(url_or_path) else join(site_url, url_or_path)
