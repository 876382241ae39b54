"""An essay's Markdown as HTML, for every output that is not the site itself.

The feeds and the newsletter need the same HTML as the essay page, without
MkDocs: the body is converted with Python-Markdown using the publication's own
``markdown_extensions`` (plus the epigraph extension), and relative links are
rewritten the way MkDocs rewrites them (from the source file's folder to the
page's URL). Feeds and email need absolute URLs: :func:`absolute_essay_html`
makes them while converting, and :func:`absolutize` does it for any HTML.
"""

from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as etree
from collections.abc import Mapping
from html import escape
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

import lxml.html
from markdown import Markdown
from markdown.treeprocessors import Treeprocessor

from ..model import urls
from ..model.essay import Essay
from ..model.publication import docs_path
from ..model.settings import Settings
from .epigraphs import EpigraphExtension

# MkDocs always adds these to the configured extensions.
MKDOCS_BUILTINS = ("toc", "tables", "fenced_code")
# Outside the site a heading's permalink anchor (¶) is noise: feed readers and
# mail clients show it as a stray character.
OVERRIDES = {"toc": {"permalink": False}}
URL_ATTRIBUTES = {"a": "href", "img": "src"}
LINK_SCHEMES = ("", "http", "https", "mailto")
# Every character a URL may hold as it is; others (quotes, <, >, spaces) are percent-encoded.
URL_SAFE = "!#$%&'()*+,/:;=?@[]~"
RAW_URL = re.compile(r"\b(?:href|src|srcset|poster|data|action)\s*=|url\(", re.IGNORECASE)


def essay_html(essay: Essay, settings: Settings, pages: Mapping[str, str] | None = None) -> str:
    """The essay's body as an HTML fragment, with URLs relative to the essay page (as on the site).

    Args:
        essay: the essay to convert.
        settings: the publication's settings (Markdown extensions and their configs).
        pages: docs-relative ``.md`` path -> site-relative page URL, for links to
            other essays (see :func:`letterpress.model.publication.post_pages`); other pages follow MkDocs' rule.
    """
    return _renderer(settings).html(essay, pages)


def absolute_essay_html(essay: Essay, settings: Settings,
                        pages: Mapping[str, str] | None = None) -> str:
    """:func:`essay_html` with every URL absolute against the essay page's URL.

    For feeds and email, where there is no page to be relative to. Needs ``site_url``.
    """
    page_url = settings.absolute_url(essay.url_path(settings.blog_dir))
    return _renderer(settings).html(essay, pages, base_url=page_url)


def absolutize(html: str, base_url: str) -> str:
    """``html`` with every link, image and media URL made absolute against ``base_url``.

    Fragment links (``#fn:1``) become links into the page at ``base_url``, so
    footnote references and back-references work from a feed reader or an email.
    """
    if not html.strip():
        return html
    fragment = lxml.html.fragment_fromstring(html, create_parent="div")
    fragment.make_links_absolute(base_url, resolve_base_href=False, handle_failures="ignore")
    for element in fragment.iter():
        if element.get("srcset"):
            element.set("srcset", _absolute_srcset(element.get("srcset"), base_url))
    text = escape(fragment.text or "", quote=False)
    return text + "".join(lxml.html.tostring(child, encoding="unicode") for child in fragment)


def link_url(url: str) -> str:
    """``url`` from metadata made safe to link to: percent-encoded, or ``""`` if not http(s), mailto or relative.

    A quote or ``<`` in a URL can no longer end an attribute, and a ``javascript:``
    URL from ``.authors.yml`` links to nothing.
    """
    url = url.strip()
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return ""
    return quote(url, safe=URL_SAFE) if scheme in LINK_SCHEMES else ""


def _absolute_srcset(srcset: str, base_url: str) -> str:
    """``srcset`` candidates (``url 2x, url 640w``) with absolute URLs."""
    candidates = []
    for candidate in srcset.split(","):
        url, _, descriptor = candidate.strip().partition(" ")
        candidates.append(" ".join(filter(None, [urljoin(base_url, url), descriptor.strip()])))
    return ", ".join(candidates)


class EssayRenderer:
    """One Markdown converter, reused for many essays (building it costs more than a short essay)."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.links = _SourceLinks(settings)
        self.markdown = Markdown(
            extensions=[*_extension_names(settings), EpigraphExtension()],
            extension_configs=_extension_configs(settings),
        )
        # After Markdown's inline processing (priority 20) so links are elements.
        self.markdown.treeprocessors.register(self.links, "letterpress_source_links", 5)

    def html(self, essay: Essay, pages: Mapping[str, str] | None = None, base_url: str = "") -> str:
        """The essay's body as HTML; URLs relative to its page, or absolute against ``base_url``."""
        self.links.start(essay, pages or {}, base_url)
        self.markdown.reset()
        html = self.markdown.convert(essay.body)
        # Links made by Markdown are absolute already (rewritten in the tree, which
        # costs nothing); raw HTML written into the essay is not in the tree.
        if base_url and _raw_html_has_urls(self.markdown.htmlStash.rawHtmlBlocks):
            html = absolutize(html, base_url)
        return html


def _raw_html_has_urls(blocks) -> bool:
    return any(RAW_URL.search(block if isinstance(block, str) else etree.tostring(block, encoding="unicode"))
               for block in blocks)


_cache: dict[int, EssayRenderer] = {}


def _renderer(settings: Settings) -> EssayRenderer:
    renderer = _cache.get(id(settings))
    if renderer is None or renderer.settings is not settings:
        _cache.clear()  # one publication per process in practice; keep no stale converters
        renderer = _cache[id(settings)] = EssayRenderer(settings)
    return renderer


def _extension_names(settings: Settings) -> list[str]:
    names = list(settings.markdown_extensions)
    return names + [name for name in MKDOCS_BUILTINS if name not in names]


def _extension_configs(settings: Settings) -> dict:
    configs = {name: dict(options) for name, options in settings.mdx_configs.items()}
    for name, override in OVERRIDES.items():
        configs[name] = {**configs.get(name, {}), **override}
    return configs


class _SourceLinks(Treeprocessor):
    """Rewrite relative links from the source file's folder to the page URL, as MkDocs does.

    ``![](../images/cover.jpg)`` in ``essays/posts/x.md`` means the file
    ``essays/images/cover.jpg``; a link to ``other.md`` means that page's URL.
    """

    def __init__(self, settings: Settings):
        super().__init__()
        self.settings = settings
        self.source_dir = ""
        self.page_path = ""
        self.pages: Mapping[str, str] = {}
        self.base_url = ""

    def start(self, essay: Essay, pages: Mapping[str, str], base_url: str = "") -> None:
        self.source_dir = posixpath.dirname(docs_path(essay, self.settings))
        self.page_path = essay.url_path(self.settings.blog_dir)
        self.pages = pages
        self.base_url = base_url

    def run(self, root) -> None:
        for element in root.iter():
            attribute = URL_ATTRIBUTES.get(element.tag)
            url = element.get(attribute) if attribute else None
            if url:
                element.set(attribute, self.resolve(url))

    def resolve(self, url: str) -> str:
        """``url`` as written in the source, relative to the page (as MkDocs writes it) or absolute.

        The common cases are joined by hand: ``urljoin`` on every footnote link
        of a thousand essays shows up in the time a feed takes to build.
        """
        if url.startswith("#"):
            return self.base_url + url
        parts = urlsplit(url)
        if parts.scheme or parts.netloc:
            return url
        site_path = self.site_path(parts.path)
        if site_path is None:
            return urljoin(self.base_url, url) if self.base_url else url
        if self.base_url:
            path = self.settings.absolute_url(site_path)
        else:
            path = _relative_url(site_path, self.page_path)
        return urlunsplit(("", "", path, parts.query, parts.fragment))

    def site_path(self, path: str) -> str | None:
        """The site-relative URL of what ``path`` (relative to the source file) names, if in docs/."""
        if not path or path.startswith("/"):
            return None
        target = posixpath.normpath(posixpath.join(self.source_dir, path))
        if target.startswith("../"):
            return None  # outside docs/: MkDocs leaves it alone (and warns)
        return self.page_url(target) if target.endswith(".md") else self.file_url(target)

    def page_url(self, target: str) -> str:
        if target in self.pages:
            return self.pages[target]
        stem = target[: -len(".md")]
        if stem == "index" or stem.endswith("/index"):
            return stem[: -len("index")]
        return stem + "/"

    def file_url(self, target: str) -> str:
        return urls.published_path(target, self.settings.blog_dir)


def _relative_url(site_path: str, page_path: str) -> str:
    """``site_path`` relative to the page at ``page_path`` (both site-relative)."""
    relative = posixpath.relpath(site_path or ".", page_path or ".")
    if (not site_path or site_path.endswith("/")) and not relative.endswith("/"):
        relative += "/"
    return relative
