"""A staged copy of the publication for an engine that runs no plugin of ours (Zensical).

Zensical reads ``mkdocs.yml`` and builds Material's blog, but it skips third-party
plugins, so nothing of ours runs inside its build. Everything the pages need is
therefore decided before the build and handed over as files:

- a staged ``docs/``: every file linked to the author's, except the essays, which
  are written again with their front matter enriched (``template: essay.html``,
  the explicit slug, and ``letterpress:`` — the same view data the MkDocs plugin
  puts on ``page.meta``); drafts and scheduled essays are left out (drafts are
  kept, marked, when ``serve`` previews them);
- a generated config: the author's ``mkdocs.yml`` with ``docs_dir``/``site_dir``
  pointing at the staged copy and the output, ``custom_dir`` made absolute, our
  plugin taken out, the blog's ``draft_if_future_date`` switched off (Letterpress
  schedules itself, in the publication's timezone), the epigraph extension listed
  under ``markdown_extensions``, and ``extra.letterpress`` (:func:`site_facts`).

The staged folder is a sibling of nothing the author owns: it lives in a
temporary folder and is removed after the build.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import yaml

from ..errors import LetterpressError
from ..model.essay import Essay, State
from ..model.files import write_atomic
from ..model.letters import previewing_drafts
from ..model.publication import Publication
from ..model.settings import CONFIG_FILE, Settings
from .loader import read_mkdocs_yml
from .views import essay_view, site_facts

PLUGIN = "letterpress"
EPIGRAPHS = "letterpress.render.epigraphs"
# Front-matter keys Material's blog reads that the author may set; copied as written.
MATERIAL_KEYS = ("readtime", "pin", "links", "hide", "search", "status", "categories", "tags")


def visible_essays(publication: Publication) -> list[Essay]:
    """The essays a build shows: the published ones, and drafts when previewing them."""
    now = publication.now()
    drafts = previewing_drafts()
    return [e for e in publication.essays
            if e.state(now) is State.PUBLISHED or (drafts and e.state(now) is State.DRAFT)]


def stage(publication: Publication, folder: Path) -> Path:
    """Write the staged docs and config into ``folder``; return the config's path.

    The engine writes the site into ``folder/site`` (Zensical wants both folders
    inside the folder of its config).
    """
    settings = publication.settings
    docs = folder / "docs"
    shown = {e.path.resolve(): e for e in visible_essays(publication)}
    hidden = {e.path.resolve() for e in publication.essays} - set(shown)
    _link_tree(settings.docs_dir, docs, skip=hidden | set(shown))
    for essay in shown.values():
        target = docs / essay.path.resolve().relative_to(settings.docs_dir.resolve())
        write_atomic(target, staged_markdown(essay, publication))
    config = staged_config(settings)
    return write_atomic(folder / CONFIG_FILE, yaml.safe_dump(config, allow_unicode=True, sort_keys=False))


def staged_markdown(essay: Essay, publication: Publication) -> str:
    """The essay with the front matter the engine's templates read; the body as written."""
    settings = publication.settings
    view = essay_view(essay, settings, publication.authors)
    view["draft"] = essay.draft
    meta: dict = {"title": essay.title, "description": essay.description, "slug": essay.slug,
                  "template": "essay.html", "date": _dates(essay), "authors": list(essay.authors)}
    meta.update({key: essay.meta[key] for key in MATERIAL_KEYS if key in essay.meta})
    meta["letterpress"] = view
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=10_000)
    return f"---\n{front}---\n\n{essay.body}"


def staged_config(settings: Settings) -> dict:
    """The author's config, pointed at the staged docs and free of our plugin.

    The folders are relative to the staged config: Zensical fails on absolute ones.
    """
    config = read_mkdocs_yml(settings.root)
    config["docs_dir"] = "docs"
    config["site_dir"] = "site"
    theme = config.get("theme")
    if isinstance(theme, dict) and theme.get("custom_dir"):
        theme["custom_dir"] = str((settings.root / theme["custom_dir"]).resolve())
    config["plugins"] = [_without_future_drafts(p) for p in config.get("plugins") or [] if _name(p) != PLUGIN]
    extensions = list(config.get("markdown_extensions") or [])
    if EPIGRAPHS not in [_name(e) for e in extensions]:
        extensions.append(EPIGRAPHS)
    config["markdown_extensions"] = extensions
    config.setdefault("extra", {})
    if not isinstance(config["extra"], dict):
        raise LetterpressError(f"{CONFIG_FILE}: 'extra' must be a mapping of settings.")
    config["extra"]["letterpress"] = site_facts(settings)
    _check_dumpable(config)
    return config


def _dates(essay: Essay):
    if essay.updated is None:
        return essay.date
    return {"created": essay.date, "updated": essay.updated}


def _name(entry) -> str:
    return next(iter(entry)) if isinstance(entry, dict) else str(entry)


def _without_future_drafts(entry):
    """The blog plugin's entry with ``draft_if_future_date`` off: Letterpress schedules in its timezone."""
    if _name(entry) != "blog":
        return entry
    options = dict(entry.get("blog") or {}) if isinstance(entry, dict) else {}
    options["draft_if_future_date"] = False
    if previewing_drafts():
        options["draft"] = True  # Material's blog: build drafts too (ours are marked on the page)
    return {"blog": options}


def _check_dumpable(config: dict) -> None:
    try:
        yaml.safe_dump(config)
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
