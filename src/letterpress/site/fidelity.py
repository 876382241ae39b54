"""Our addresses against the engine's, and the configurations whose addresses we cannot honour.

:mod:`letterpress.model.layout` computes where each essay's page is, so that feeds
and letters can link it; here that answer meets the engine's. On MkDocs the
plugin compares it with the ``page.url`` Material's blog gave the page; on
Zensical, the built tree must hold the page where we said. A difference stops
the build, naming the setting: a silently wrong link is never the outcome.

:func:`layout_problems` is a site check: the configurations refused before any
build (two blogs, a ``post_slugify`` Zensical cannot run; a ``post_url_format``
placeholder Material does not document is refused with the settings), and
warnings for what Zensical leaves out (``hooks:``, third-party plugins), so the
feeds and letters of a Zensical build cannot differ from the page without the author being told.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from pathlib import Path

from ..errors import Problem
from ..model.essay import Essay
from ..model.publication import Publication
from ..model.settings import CONFIG_FILE, Settings

BLOG_KEY = "plugins.blog"
# Plugins Zensical 0.0.73 runs itself (its own implementations); ours is handed over by the staged copy.
ZENSICAL_PLUGINS = frozenset({
    "api-autonav", "autorefs", "awesome-nav", "blog", "callouts", "exclude", "gh-admonitions", "glightbox",
    "include-markdown", "literate-nav", "llmstxt", "macros", "markdown-exec", "markdownextradata", "meta", "mike",
    "minify", "mkdocs-audio", "mkdocs-autoapi", "mkdocs-nav-weight", "mkdocs-video", "mkdocstrings", "offline",
    "privacy", "redirects", "rss", "search", "social", "table-reader", "tags", "letterpress"})
ZENSICAL_SLUG_CASES = ("lower", "fold")


def engine_disagrees(publication: Publication, engine_urls: Mapping[str, str]) -> list[Problem]:
    """A problem for each shown essay whose page the engine put elsewhere than the layout says.

    Args:
        publication: the publication being built.
        engine_urls: each page's source file (resolved, ``os.path.normcase``d) -> the URL the engine gave it.
    """
    layout = publication.settings.layout
    problems = []
    for essay in publication.essays:
        found = engine_urls.get(os.path.normcase(str(essay.path.resolve())))
        if found is not None and _normal(found) != _normal(layout.essay(essay).url):
            problems.append(_disagreement(publication.settings, essay, found))
    return problems


def missing_pages(publication: Publication, essays: list[Essay], site_dir: Path) -> list[Problem]:
    """A problem for each essay whose page is not in the built tree where the layout says (Zensical)."""
    layout = publication.settings.layout
    return [_disagreement(publication.settings, essay, None) for essay in essays
            if not (site_dir / layout.essay(essay).file).is_file()]


def _disagreement(settings: Settings, essay: Essay, found: str | None) -> Problem:
    ours = "/" + settings.layout.essay(essay).url
    where = f"at /{_normal(found)}" if found is not None else "somewhere else"
    format_ = settings.layout.options["post_url_format"]
    return Problem(essay.source_path, "", (
        f"the site engine put this essay's page {where}, but Letterpress worked out {ours} from "
        f"{CONFIG_FILE} ({BLOG_KEY}.post_url_format {format_!r}, post_slugify, use_directory_urls); feeds and "
        "letters would link a page that is not there, so nothing was built. Use Material's documented "
        "placeholders and a pymdownx slugify, and report this to Letterpress."))


def _normal(url: str) -> str:
    return url[2:] if url.startswith("./") else url


# -- the check before a build ---------------------------------------------------------------

def layout_problems(publication: Publication) -> list[Problem]:
    """The blog settings Letterpress cannot honour (errors), and what Zensical would leave out (warnings)."""
    settings = publication.settings
    problems = []
    if settings.blog_instances > 1:
        problems.append(_problem("plugins", (
            f"lists the blog plugin {settings.blog_instances} times; Letterpress publishes one blog (the first) "
            "and cannot tell which essays belong to which. Keep one blog plugin, or remove Letterpress.")))
    if settings.site.engine == "zensical":
        problems += zensical_problems(settings)
    return problems


def zensical_problems(settings: Settings) -> list[Problem]:
    """What a Zensical build cannot do as MkDocs would: a post_slugify it refuses, hooks, other plugins."""
    problems = []
    for key in ("post_slugify", "categories_slugify"):
        slugify = settings.blog_options.get(key)
        if slugify is not None and zensical_slugify(slugify) is None:
            problems.append(_problem(f"{BLOG_KEY}.{key}", (
                "Zensical runs only pymdownx.slugs.slugify with case: lower or fold (and no percent_encode), "
                "so its pages would not be where Letterpress links them; use such a slugify, or the mkdocs "
                "engine.")))
    if settings.hooks:
        problems.append(_problem("hooks", (
            "Zensical does not run MkDocs hooks: with --engine zensical the pages, feeds and letters are made "
            "without them. Use the mkdocs engine to keep them."), "warning"))
    for name in settings.plugin_names:
        if name.removeprefix("material/") not in ZENSICAL_PLUGINS:
            problems.append(_problem(f"plugins.{name}", (
                "Zensical does not run this plugin: with --engine zensical the site, feeds and letters are made "
                "without it. Use the mkdocs engine to keep it."), "warning"))
    return problems


def zensical_slugify(slugify) -> dict | None:
    """The ``kwds`` of a pymdownx slugify Zensical can run, or None when it cannot run ``slugify``."""
    from pymdownx import slugs

    if not isinstance(slugify, functools.partial) or slugify.func is not slugs._uslugify:  # noqa: SLF001
        return None
    kwds = dict(slugify.keywords)
    if kwds.get("case") not in ZENSICAL_SLUG_CASES or kwds.get("percent_encode") or \
            kwds.get("normalize", "NFC") != "NFC":
        return None
    return {"case": kwds["case"]}


def _problem(key: str, message: str, severity: str = "error") -> Problem:
    return Problem(CONFIG_FILE, key, message, severity=severity)
