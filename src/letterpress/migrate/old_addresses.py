"""Which old addresses of the imported essays become aliases: only those the built site can redirect.

An export is hostile until checked, and even an honest one can name an old
address the new site already has: a post called "about" on a site with an About
page, an old site with the same ``/essays/<slug>/`` addresses, two entries
whose links differ only by a final ``/``. ``letterpress check`` refuses such an
alias (:func:`letterpress.site.redirects.alias_problems`), so the import leaves
it out, with the same rules, and names it in the report. An alias that is the
new essay's own page is left out silently: that address works already.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from pathlib import Path

from ..model.aliases import alias_file
from ..model.options import RunOptions
from ..model.publication import load_publication
from ..model.settings import Settings
from ..site.redirects import TakenPaths


@dataclasses.dataclass
class Planned:
    """One essay the import is about to write: its file, slug, name for the report and old addresses."""

    path: Path
    slug: str
    name: str
    aliases: list[str]
    date: datetime  # as the essay's front matter will say it, and its categories: they may be in its address
    categories: tuple[str, ...] = ()


def keep_free_aliases(planned: list[Planned], settings: Settings, run_options: RunOptions,
                      problems: list[str]) -> None:
    """Take out of each ``planned`` essay's aliases those that are a page, a listing or another alias.

    Each one taken out (but the essay's own page) is added to ``problems``, naming the item.
    """
    taken = _taken(settings, {entry.path.resolve() for entry in planned}, run_options)
    for entry in planned:
        taken.files.setdefault(_own_page(entry, settings), f"the page of the essay imported from {entry.name}")
    for entry in planned:
        kept = []
        for alias in entry.aliases:
            clash = taken.clash(alias)
            if clash and alias_file(alias).as_posix() != _own_page(entry, settings):
                problems.append(f"{entry.name}: the old address {alias} is {clash}, so it does not redirect; "
                                "add another alias by hand if it should")
            elif not clash:
                taken.take(alias, f"also an old address of the essay imported from {entry.name}")
                kept.append(alias)
        entry.aliases = kept


def _taken(settings: Settings, replaced: set[Path], run_options: RunOptions) -> TakenPaths:
    """The site's paths and the aliases of the essays there (but those the import replaces)."""
    publication = load_publication(settings, run_options)
    essays = [essay for essay in publication.essays if essay.path.resolve() not in replaced]
    publication = dataclasses.replace(publication, essays=essays)
    taken = TakenPaths(publication)
    for essay in essays:
        for alias in essay.aliases:
            if not taken.clash(alias):
                taken.take(alias, f"also an alias of {essay.source_path}")
    return taken


def _own_page(entry: Planned, settings: Settings) -> str:
    return settings.layout.post(entry.slug, entry.date, entry.categories, entry.path.name).file
