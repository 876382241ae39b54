"""The ``letterpress`` MkDocs plugin: wires the build's events to the Essay model.

Handlers check ``enabled``, then call helpers named by verb. Drafts and
scheduled essays are taken out of the build before Material's blog plugin sees
them; listings get a cheap excerpt (title, date, description, compact player)
instead of Material's re-conversion of every post for every listing page.

The engine decides; we take its answers. Each essay's address, as
:mod:`letterpress.model.layout` computes it for outputs made outside a build, is
checked against the ``page.url`` Material's blog gave it (``on_nav``): a
difference stops the build, naming the setting. Each essay's HTML is captured
from ``on_page_content`` at priority -75, after Material (default 0), its blog
(0) and the author's hooks and other plugins (which run at their own priorities,
mostly 0), as mkdocs-rss-plugin does; feeds, web versions and letters carry it.
The "Listen from here" links are added after the capture (-80), so they stay on
the page and out of every other output.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from material.plugins.blog.plugin import BlogPlugin
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.toc import get_toc

from ..checks import raise_for_errors
from ..errors import LetterpressError
from ..model.essay import Essay
from ..model.excerpt import heading_title, without_heading
from ..model.options import from_environment
from ..model.publication import Publication, load_publication
from ..render.epigraphs import EpigraphExtension
from ..render.once import keep
from .escaping import TEXT_CONFIG, TEXT_META, escape_authors, escape_links, escape_values, view_markdown
from .fidelity import engine_disagrees
from .loader import load_settings
from .options import PUBLISHED, BuildOptions
from .registry import SITE_CHECKS, write_all
from .theme import add_to_search_path
from .views import add_listen_controls, audio_href, essay_view, reload_script, site_facts

log = logging.getLogger("mkdocs.plugins.letterpress")
class LetterpressConfig(base.Config):
    enabled = c.Type(bool, default=True)
    timezone = c.Type(str, default="UTC")
    media_hosts = c.ListOfItems(c.Type(str), default=[])
    authors = c.Type(dict, default={})
    feeds = c.Type(dict, default={})
    podcast = c.Type(dict, default={})
    newsletter = c.Type(dict, default={})
    sending = c.Type(dict, default={})
    service = c.Type(dict, default={})
    publish = c.Type(dict, default={})
    site = c.Type(dict, default={})


class LetterpressPlugin(BasePlugin[LetterpressConfig]):
    def __init__(self):
        super().__init__()
        # Set by hand_over() before an in-process build: the caller's publication, read and checked.
        self.handed: Publication | None = None
        self.options: BuildOptions = PUBLISHED
        self.publication: Publication | None = None
        self.essays_by_source: dict[str, Essay] = {}
        self._sources: dict[str, Essay | None] = {}  # a page's abs_src_path -> its essay (this build)

    @event_priority(100)
    def on_config(self, config):
        # Our templates are the theme's: found even with the plugin switched off (a bare build still finds them).
        add_to_search_path(config.theme)
        if not self.config.enabled:
            return
        self.publication = self.handed or self._resolve_publication(config)
        self.essays_by_source = {os.path.normcase(str(e.path)): e for e in self.publication.essays}
        self._sources = {}
        config.markdown_extensions.append(EpigraphExtension())
        config.extra["letterpress"] = site_facts(self.publication.settings, self.publication.authors)
        escape_values(config, TEXT_CONFIG)
        for blog in _blogs(config):
            # We schedule (in the publication's timezone, at the run's "now"), not Material (in UTC).
            blog.config.draft_if_future_date = False
            if self.options.shows_drafts(self.publication):
                # Material's blog drops drafts from every build but its own `mkdocs serve`'s.
                blog.config.draft = True
        return config

    # Before Material's blog (-50) resolves posts, so it never sees unpublished ones.
    @event_priority(100)
    def on_files(self, files, *, config):
        if not self.config.enabled:
            return
        for file in list(files.documentation_pages()):
            essay = self._essay_for(file.abs_src_path)
            if essay is not None and not self._is_visible(essay):
                files.remove(file)
        return files

    # After Material's blog read .authors.yml, made its author pages and placed every post (on_files).
    def on_nav(self, nav, *, config, files):
        if not self.config.enabled:
            return
        escape_authors(_blogs(config))
        self._check_addresses(files)
        return nav

    # After Material's blog (-50) made the post and its excerpt.
    @event_priority(-60)
    def on_page_markdown(self, markdown, *, page, config, files):
        if not self.config.enabled:
            return
        essay = self._essay_for(page.file.abs_src_path)
        if essay is not None and essay.title_from_heading:
            # Its slug was made from the heading already (on_files); our template prints the title itself.
            page.meta["title"] = essay.title
            markdown = _without_title_heading(markdown)
        escape_values(page.meta, TEXT_META)
        if essay is None:
            return view_markdown(page)
        self._prepare_essay(page, essay)
        return markdown

    # After Material, its blog, the author's hooks and other plugins changed the HTML (see the module's doc).
    @event_priority(-75)
    def _capture_html(self, html, *, page, config, files):
        if not self.config.enabled:
            return
        essay = self._essay_for(page.file.abs_src_path)
        if essay is not None:
            keep(self._loaded(), essay, html, "mkdocs")

    @event_priority(-80)
    def _add_listen_controls(self, html, *, page, config, files):
        if not self.config.enabled:
            return
        essay = self._essay_for(page.file.abs_src_path)
        if essay is None or essay.audio is None or not essay.audio.chapters:
            return
        return add_listen_controls(html, essay.audio, audio_href(essay, page.url))

    on_page_content = CombinedEvent(_capture_html, _add_listen_controls)

    def on_post_page(self, output, *, page, config):
        if not self.config.enabled or not self.options.live_reload:
            return
        return reload_script(output, self.options.live_reload)

    def on_post_build(self, *, config):
        if not self.config.enabled or not self.options.writers:
            return
        try:
            write_all(self._loaded(), Path(config.site_dir), local=bool(self.options.live_reload))
        except LetterpressError as error:
            raise PluginError(str(error)) from None

    # -- helpers ---------------------------------------------------------------

    def _resolve_publication(self, config) -> Publication:
        """A bare ``mkdocs build`` is an edge: its run's options come from the environment, read here once."""
        try:
            settings = load_settings(plugin=dict(self.config), config_file=Path(config.config_file_path))
            publication = load_publication(settings, from_environment())
            warnings = raise_for_errors(publication, SITE_CHECKS)
        except LetterpressError as error:
            raise PluginError(str(error)) from None
        for warning in warnings:
            log.info("%s", warning)  # INFO, not WARNING: --strict must not fail on a shallow clone
        return publication

    def _essay_for(self, path: str | None) -> Essay | None:
        if not path:
            return None
        if path not in self._sources:  # each page asks three times; resolving a path costs a system call each part
            self._sources[path] = self.essays_by_source.get(os.path.normcase(str(Path(path).resolve())))
        return self._sources[path]

    def _loaded(self) -> Publication:
        """The publication read by ``on_config`` (every later event has one)."""
        if self.publication is None:
            raise PluginError("letterpress: the publication was not read; on_config did not run.")
        return self.publication

    def _is_visible(self, essay: Essay) -> bool:
        publication = self._loaded()
        return self.options.shows(essay, publication, publication.now())

    def _check_addresses(self, files) -> None:
        """Every essay's page where :mod:`letterpress.model.layout` says: else no output could link it."""
        problems = engine_disagrees(self._loaded(), {
            os.path.normcase(str(Path(file.abs_src_path).resolve())): file.url
            for file in files.documentation_pages() if file.abs_src_path})
        if problems:
            raise PluginError(str(problems[0]))

    def _prepare_essay(self, page, essay: Essay) -> None:
        """Our template, the page's view data, and a cheap excerpt for listings."""
        page.meta["template"] = "essay.html"
        if page.config.links:
            escape_links(page.config.links.items)
        if essay.updated:
            page.config.date["updated"] = essay.updated  # Material shows it in the sidebar
        page.meta["letterpress"] = self._render_view(essay)
        excerpt = getattr(page, "excerpt", None)
        if excerpt is not None:
            excerpt.render = _listing_excerpt_renderer(excerpt)

    def _render_view(self, essay: Essay) -> dict:
        publication = self._loaded()
        view = essay_view(essay, publication.settings, publication.authors)
        view["draft"] = essay.draft
        return view


def hand_over(config, publication: Publication, options: BuildOptions = PUBLISHED) -> None:
    """Give the build of ``config`` a publication already read and checked, so it reads no essay again.

    For in-process builds (``letterpress build``, ``publish``, ``serve``); a bare
    ``mkdocs build`` has no caller's publication and reads its own in ``on_config``.
    ``options`` say what the build shows and writes; the run's options (clock, drafts)
    come with ``publication``.
    """
    for plugin in config.plugins.values():
        if isinstance(plugin, LetterpressPlugin):
            plugin.handed = publication
            plugin.options = options


def _blogs(config) -> list[BlogPlugin]:
    """Material's blog plugins in this build (one per blog)."""
    return [plugin for plugin in config.plugins.values() if isinstance(plugin, BlogPlugin)]


def _without_title_heading(markdown: str) -> str:
    heading = heading_title(markdown)
    return markdown if heading is None else without_heading(markdown, heading)


def _listing_excerpt_renderer(excerpt):
    """Replace Material's excerpt rendering with a cheap one.

    Material converts the whole post to HTML again for every listing page the
    post appears on (index, archive, category, author). Our listings show the
    title, date, description and compact player, all from front matter, so
    the excerpt needs no Markdown conversion at all (partials/post.html).
    """
    def render(page, separator):
        excerpt.content = ""
        excerpt.more = None
        excerpt.toc = get_toc([])
    return render
