"""Each essay's HTML as the site engine made it: captured once per build, kept between builds.

There is one Markdown pipeline, the engine's. On MkDocs the plugin hands over
the HTML MkDocs made for the essay's page (``on_page_content``, after every other
plugin and the author's hooks); on Zensical the site adapter takes the essay's
text out of the built page. :func:`keep` stores it, made ready to leave the site
(the headings' ``¶`` permalinks taken out, every URL absolute against the page),
so the feeds, the email web versions and the letters all carry the page's own HTML.

Kept twice: on the publication for the rest of the command, and in a small
cache, ``.cache/letterpress/html.sqlite3`` (:mod:`letterpress.render.html_cache`),
keyed by everything that shapes it (the essay's text, its page's address, the
addresses of the pages it links to, ``mkdocs.yml``, the hooks it names, the
engine and the libraries' versions), so
a command that renders a letter outside a build (``newsletter render``, ``send``)
finds it. An essay the cache does not hold (a draft, a scheduled essay, an edit
since the last build) is captured by a build first: the site adapter sets
:attr:`Publication.capture_missing` to do it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path

import yaml

from ..errors import LetterpressError
from ..model.essay import Essay
from ..model.publication import Publication
from .html_cache import HtmlCache
from .markdown import outgoing_html

FORMAT = 2  # of the cache's records; a change makes every old one a miss
# Libraries whose release can change an essay's HTML.
SHAPERS = ("letterpress", "markdown", "pymdown-extensions", "mkdocs", "mkdocs-material", "zensical")
# A link to another Markdown file of docs/ in the essay's text (inline or as a reference definition).
MD_LINK = re.compile(r"""[(<:\s]([^()<>\s"']+\.md)(?:#[^()<>\s"']*)?[)>\s"']""")


class NoEngineHtml(LetterpressError):
    """An essay's HTML was asked for, but no build made it and nothing can build it."""


@dataclass(frozen=True)
class Captured:
    """One essay's HTML, ready to leave the site, and what it was made from."""

    essay: Essay  # as read when it was captured: a re-read essay is captured again
    html: str  # absolute URLs, no permalinks


def keep(publication: Publication, essay: Essay, page_html: str, engine: str) -> str:
    """Store ``page_html`` (the engine's HTML of the essay's page) for every output; return it outgoing.

    Args:
        publication: where the HTML is kept for the rest of the command.
        essay: the essay the page shows.
        page_html: the page's content as the engine made it, URLs relative to the page.
        engine: ``mkdocs`` or ``zensical`` (part of the cache key).
    """
    layout = publication.settings.layout
    html = outgoing_html(page_html, layout.absolute(layout.essay(essay).url))
    publication.rendered[essay.key] = Captured(essay, html)
    cache = _cache(publication)
    if cache is not None:
        cache.put(essay.key, cache_key(publication, essay, engine), html)
    return html


def essay_html_for(publication: Publication, essay: Essay) -> str:
    """``essay``'s body as the engine made it, every URL absolute, for feeds, web versions and letters.

    Raises:
        NoEngineHtml: no build captured it, the cache does not hold it, and no site adapter is there to build.
    """
    found = _kept(publication, essay)
    if found is None and publication.capture_missing is not None:
        publication.capture_missing(publication)
        found = _kept(publication, essay)
    if found is None:
        raise NoEngineHtml(f"{essay.source_path}: its HTML comes from the site's build, and none has made it "
                           "yet; run `letterpress build` first.")
    return found


def has_html(publication: Publication, essay: Essay) -> bool:
    """Whether the essay's HTML is at hand without a build (captured, or in the cache)."""
    return _kept(publication, essay) is not None


def _kept(publication: Publication, essay: Essay) -> str | None:
    captured = publication.rendered.get(essay.key)
    if isinstance(captured, Captured) and captured.essay is essay:
        return captured.html
    cache = _cache(publication)
    stored = cache.get(essay.key) if cache is not None else None
    if stored is None or stored[0] != cache_key(publication, essay, publication.settings.site.engine):
        return None
    publication.rendered[essay.key] = Captured(essay, stored[1])
    return stored[1]


def cache_key(publication: Publication, essay: Essay, engine: str) -> str:
    """``engine:sha256`` of everything that shapes the essay's HTML."""
    settings = publication.settings
    fingerprint = publication.memo.get("config_fingerprint")
    if not isinstance(fingerprint, str):
        fingerprint = publication.memo["config_fingerprint"] = _config_fingerprint(
            settings.config_path, settings.hooks)
    digest = hashlib.sha256()
    for part in (str(FORMAT), essay.text, settings.layout.essay(essay).url, _linked_pages(publication, essay),
                 fingerprint, _versions()):
        digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
    return f"{engine}:{digest.hexdigest()}"


def _linked_pages(publication: Publication, essay: Essay) -> str:
    """The addresses of the essays this one links to: moving one changes this essay's links."""
    names = set(MD_LINK.findall(essay.body))
    if not names:
        return ""
    layout = publication.settings.layout
    by_name = publication.memo.get("essays_by_file_name")
    if not isinstance(by_name, dict):
        found: dict[str, list[Essay]] = {}  # file name -> the essays of that name
        for other in publication.essays:
            found.setdefault(other.path.name, []).append(other)
        by_name = publication.memo["essays_by_file_name"] = found
    linked = [other for name in {Path(name).name for name in names} for other in by_name.get(name, [])]
    return "\n".join(sorted(f"{other.key}={layout.essay(other).url}" for other in linked))


def _config_fingerprint(config: Path, hooks: tuple[Path, ...]) -> str:
    digest = hashlib.sha256()
    try:
        digest.update(_shaping_config(config.read_text(encoding="utf-8")).encode("utf-8", "surrogatepass"))
    except (OSError, UnicodeDecodeError):
        digest.update(b"missing:" + str(config).encode())
    for path in hooks:
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(b"missing:" + str(path).encode())
    return digest.hexdigest()


def _shaping_config(text: str) -> str:
    """``mkdocs.yml`` without what cannot shape a page: the ``sending`` block of Letterpress's plugin.

    A send with another ``pool`` or ``rate`` then finds the essay's HTML its build kept. The
    YAML is composed, not loaded, so MkDocs' tags (``!ENV``, ``!!python/name:``) need no
    constructor; a file that does not compose is fingerprinted as it is.
    """
    try:
        root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return text
    plugin = _letterpress_block(root)
    if plugin is None:
        return text
    plugin.value = [(key, value) for key, value in plugin.value if _scalar(key) != "sending"]
    return yaml.serialize(root)


def _letterpress_block(root) -> yaml.MappingNode | None:
    """The mapping under ``plugins: [letterpress: {...}]`` (or ``plugins: {letterpress: {...}}``)."""
    plugins = _value(root, "plugins")
    entries = plugins.value if isinstance(plugins, yaml.SequenceNode) else [plugins]
    for entry in entries:
        block = _value(entry, "letterpress")
        if isinstance(block, yaml.MappingNode):
            return block
    return None


def _value(node, key: str):
    if isinstance(node, yaml.MappingNode):
        return next((value for name, value in node.value if _scalar(name) == key), None)
    return None


def _scalar(node) -> str | None:
    return node.value if isinstance(node, yaml.ScalarNode) else None


@cache
def _versions() -> str:
    found = []
    for name in SHAPERS:
        try:
            found.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name}=none")
    return ",".join(found)


def _cache(publication: Publication) -> HtmlCache | None:
    """The publication's cache file (None for a publication without a folder on disk)."""
    cache = publication.memo.get("html_cache")
    if not isinstance(cache, HtmlCache):
        root = publication.settings.root
        if not root.is_dir():
            return None
        cache = publication.memo["html_cache"] = HtmlCache(root)
    return cache
