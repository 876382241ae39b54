"""A staged copy of the publication for an engine that runs no plugin of ours (Zensical).

Zensical reads ``mkdocs.yml`` and builds Material's blog, but it skips third-party
plugins, so nothing of ours runs inside its build. Everything the pages need is
therefore decided before the build and handed over as files:

- a staged ``docs/``: every file linked to the author's, except the essays, which
  are written again with their front matter enriched (``template: essay.html``,
  the explicit slug, and ``letterpress:`` — the same view data the MkDocs plugin
  puts on ``page.meta``); drafts and scheduled essays are left out (drafts are
  kept, marked, when ``serve`` previews them);
- text escaped on the way in: Zensical's templates print the site name, titles,
  descriptions, author and category names bare, so the staged config, front
  matter and ``.authors.yml`` hold them as escaped HTML (URLs percent-encoded),
  and our templates print the raw text from ``letterpress:`` with ``|e``;
- a generated config: the author's ``mkdocs.yml`` with ``docs_dir``/``site_dir``
  pointing at the staged copy and the output, ``custom_dir`` pointing at a staged
  overlay (our templates from the package with the author's ``custom_dir`` over them), our
  plugin taken out, the blog's ``draft_if_future_date`` switched off (Letterpress
  schedules itself, in the publication's timezone), the epigraph extension listed
  under ``markdown_extensions``, and ``extra.letterpress`` (:func:`site_facts`).

The staged folder is a sibling of nothing the author owns: it lives in a
temporary folder and is removed after the build.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import yaml

from ..errors import LetterpressError
from ..model import urls
from ..model.authors import authors_file
from ..model.essay import Essay
from ..model.files import write_atomic
from ..model.publication import Publication
from ..model.settings import CONFIG_FILE
from .escaping import markdown_text
from .fidelity import zensical_slugify
from .loader import read_mkdocs_yml
from .options import PUBLISHED, BuildOptions
from .theme import overlay
from .views import essay_view, site_facts

PLUGIN = "letterpress"
STAGED_THEME = "theme"  # the staged custom_dir, beside the staged docs
EPIGRAPHS = "letterpress.render.epigraphs"
# Front-matter keys Material's blog reads that the author may set; copied as written.
MATERIAL_KEYS = ("readtime", "pin", "hide", "search", "status")
TEXT_CONFIG = ("site_name", "site_description", "site_author")
# A name made of these is the same as text, Markdown and HTML; any other becomes character references.
PLAIN = frozenset(" -.,'&")
ENTITY_START = re.compile(r"&(?=#?[A-Za-z0-9]+;)")


def stage(publication: Publication, folder: Path, options: BuildOptions = PUBLISHED) -> Path:
    """Write the staged docs and config into ``folder``; return the config's path.

    The engine writes the site into ``folder/site`` (Zensical wants both folders
    inside the folder of its config).
    """
    settings = publication.settings
    docs = folder / "docs"
    shown = {e.path.resolve(): e for e in options.visible(publication)}
    hidden = {e.path.resolve() for e in publication.essays} - set(shown)
    authors = authors_file(settings).resolve()
    _link_tree(settings.docs_dir, docs, skip=hidden | set(shown) | {authors})
    if authors.is_file():
        write_atomic(docs / authors.relative_to(settings.docs_dir.resolve()), staged_authors(publication))
    for essay in shown.values():
        target = docs / essay.path.resolve().relative_to(settings.docs_dir.resolve())
        write_atomic(target, staged_markdown(essay, publication))
    overlay(settings.custom_dir, folder / STAGED_THEME)
    config = staged_config(publication, options)
    return write_atomic(folder / CONFIG_FILE, _config_text(config))


def staged_markdown(essay: Essay, publication: Publication) -> str:
    """The essay with the front matter the engine's templates read; the body as the page shows it."""
    settings = publication.settings
    view = essay_view(essay, settings, publication.authors)
    view["draft"] = essay.draft
    meta: dict = {"title": engine_text(essay.title), "description": engine_text(essay.description), "slug": essay.slug,
                  "template": "essay.html", "date": _dates(essay), "authors": list(essay.authors),
                  "categories": [_name_text(c) for c in essay.categories], "tags": [_name_text(t) for t in essay.tags]}
    meta.update({key: essay.meta[key] for key in MATERIAL_KEYS if key in essay.meta})
    if "links" in essay.meta:
        meta["links"] = _links(essay.meta["links"])
    meta["letterpress"] = view
    front = dump_yaml(meta)
    return f"---\n{front}---\n\n{essay.page_body}"


def staged_config(publication: Publication, options: BuildOptions = PUBLISHED) -> dict:
    """The author's config, pointed at the staged docs and free of our plugin.

    The folders are relative to the staged config: Zensical fails on absolute ones.
    """
    settings = publication.settings
    config = read_mkdocs_yml(settings.root)
    config["docs_dir"] = "docs"
    config["site_dir"] = "site"
    config["theme"] = _staged_theme(config.get("theme"))
    drafts = options.shows_drafts(publication)
    config["plugins"] = [_blog_entry(p, drafts) for p in config.get("plugins") or [] if _name(p) != PLUGIN]
    extensions = list(config.get("markdown_extensions") or [])
    if EPIGRAPHS not in [_name(e) for e in extensions]:
        extensions.append(EPIGRAPHS)
    config["markdown_extensions"] = extensions
    config.update({key: engine_text(config[key]) for key in TEXT_CONFIG if isinstance(config.get(key), str)})
    config.setdefault("extra", {})
    if not isinstance(config["extra"], dict):
        raise LetterpressError(f"{CONFIG_FILE}: 'extra' must be a mapping of settings.")
    config["extra"]["letterpress"] = site_facts(settings, publication.authors)
    return config


def _staged_theme(theme) -> dict:
    theme = dict(theme) if isinstance(theme, dict) else {"name": theme or "material"}
    theme["custom_dir"] = STAGED_THEME  # the overlay stage() writes beside the staged docs
    # Zensical's default look is its "modern" one; "classic" is Material's, which our styles are made for.
    theme.setdefault("variant", "classic")
    return theme


def staged_authors(publication: Publication) -> str:
    """``.authors.yml`` with names and descriptions escaped and URLs percent-encoded."""
    authors = {key: {"name": _name_text(a.name), "description": engine_text(a.description),
                     "avatar": urls.safe_link(a.avatar), **({"url": urls.safe_link(a.url)} if a.url else {})}
               for key, a in publication.authors.items()}
    return dump_yaml({"authors": authors})


def engine_text(value: str) -> str:
    """``value`` as HTML that prints as that text bare, inside elements and double-quoted attributes.

    Only what could become markup is escaped (``<``, ``>``, ``"``, and ``&`` where it
    would start a character reference): Zensical's templates also print a few of
    these values through ``|e`` (the logo's tooltip, the footer's labels), where an
    ordinary title or name with ``&`` or ``'`` must still read as written.
    """
    return ENTITY_START.sub("&amp;", str(value)).replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _name_text(name: str) -> str:
    """A category, tag or author name that Zensical prints bare and converts as Markdown, as its text.

    Plain names stay as written, so their pages keep the addresses MkDocs gives them.
    """
    return name if all(c.isalnum() or c in PLAIN for c in name) else markdown_text(name)


def _links(items):
    """Material's ``links:`` (titles printed bare in the sidebar) with the titles escaped."""
    if isinstance(items, list):
        return [_links(item) for item in items]
    if isinstance(items, dict):
        return {engine_text(title): _links(value) for title, value in items.items()}
    return urls.safe_link(items) if isinstance(items, str) else items


def _dates(essay: Essay):
    if essay.updated is None:
        return essay.date
    return {"created": essay.date, "updated": essay.updated}


def _name(entry) -> str:
    return next(iter(entry)) if isinstance(entry, dict) else str(entry)


def _blog_entry(entry, drafts: bool):
    """The blog plugin's entry with ``draft_if_future_date`` off (Letterpress schedules in its timezone),
    and its slugify functions as the tags Zensical reads."""
    if _name(entry) not in ("blog", "material/blog"):
        return entry
    options = dict(entry.get(_name(entry)) or {}) if isinstance(entry, dict) else {}
    options["draft_if_future_date"] = False
    if drafts:
        options["draft"] = True  # Material's blog: build drafts too (ours are marked on the page)
    for key in ("post_slugify", "categories_slugify"):
        if key in options:
            options[key] = _Slugify(options[key])
    return {_name(entry): options}


class _Slugify:
    """A pymdownx slugify, written into the staged config as the tag Zensical turns back into it."""

    def __init__(self, function):
        self.kwds = zensical_slugify(function)
        if self.kwds is None:
            raise LetterpressError(f"{CONFIG_FILE}: Zensical runs only pymdownx.slugs.slugify with case: lower "
                                   "or fold; use such a slugify, or the mkdocs engine.")


def _represent_slugify(dumper, value: _Slugify):
    return dumper.represent_mapping("tag:yaml.org,2002:python/object/apply:pymdownx.slugs.slugify",
                                    {"kwds": value.kwds})


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """libyaml's safe dumper (ten times the speed of PyYAML's Python emitter), knowing :class:`_Slugify`."""


_Dumper.add_representer(_Slugify, _represent_slugify)


def dump_yaml(data) -> str:
    """``data`` as YAML, through libyaml where PyYAML has it (ten times the speed of its Python emitter)."""
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10_000)


def _config_text(config: dict) -> str:
    try:
        return dump_yaml(config)
    except yaml.YAMLError as error:
        raise LetterpressError(
            f"{CONFIG_FILE}: a value cannot be handed to the other engine ({error}); "
            "write it as plain YAML (no !!python tags)."
        ) from None


def _link_tree(source: Path, target: Path, skip: set[Path]) -> None:
    """Mirror ``source`` into ``target`` with symbolic links to each file, leaving out ``skip``.

    Links, not copies: a narration is megabytes, and the engine only reads it.
    """
    for folder, _dirs, files in os.walk(source, followlinks=True):
        relative = Path(folder).relative_to(source)
        (target / relative).mkdir(parents=True, exist_ok=True)
        for name in files:
            path = Path(folder, name)
            if path.resolve() in skip:
                continue
            (target / relative / name).symlink_to(path.resolve())


def remove(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
