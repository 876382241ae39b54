"""Which essays are letters, and which letters are due: the one place that decides.

A *letter* is an essay that has (or will have) an email: its web version is on
the site at ``/newsletter/<slug>/``. A letter is *due* when ``publish`` should
send it now. Both follow the same rules, so the web versions, ``publish``,
``status`` and the send cannot drift apart:

- the newsletter is enabled and the essay has ``newsletter: true``;
- it is published (drafts only while ``letterpress serve`` previews them);
- it is dated on or after ``newsletter.since`` — or it already went out
  (``newsletter/sent/<slug>.json`` exists), since a letter sent by hand stays a letter;
- it is due only while it has no sent record, and only when ``newsletter.since`` is set:
  without it nothing is due, since every essay ever published would be (the first
  ``publish`` must not mail the whole back catalogue).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from ..errors import Problem
from .essay import Essay, State
from .publication import Publication
from .settings import CONFIG_FILE

SENT_DIR = "newsletter/sent"
# Set by `letterpress serve` (the site adapter's preview switch): drafts become previewable letters.
PREVIEW_DRAFTS = "LETTERPRESS_PREVIEW_DRAFTS"
SINCE_KEY = "plugins.letterpress.newsletter.since"


def sent_path(root: Path, slug: str) -> Path:
    """Where the sent record of ``slug`` lives: ``newsletter/sent/<slug>.json`` under ``root``."""
    return root / SENT_DIR / f"{slug}.json"


def sent_record(root: Path, slug: str) -> dict | None:
    """``newsletter/sent/<slug>.json`` (counts only, never an address), or None."""
    path = sent_path(root, slug)
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError:
        return {"finished": None, "counts": {}, "unreadable": True}


def previewing_drafts() -> bool:
    """True inside ``letterpress serve``, which previews drafts (marked as such)."""
    return os.environ.get(PREVIEW_DRAFTS) == "1"


def in_window(publication: Publication, essay: Essay) -> bool:
    """Dated on or after ``newsletter.since`` (every essay, when ``since`` is not set)."""
    since = publication.settings.newsletter.since
    return since is None or essay.date.date() >= since


def letter_essays(publication: Publication) -> list[Essay]:
    """The essays that are (or will be) letters, newest first (see the module's rules)."""
    if not publication.settings.newsletter.enabled:
        return []
    now, root, drafts = publication.now(), publication.settings.root, previewing_drafts()
    return [essay for essay in publication.essays if essay.newsletter and (
        (essay.state(now) is State.PUBLISHED
         and (in_window(publication, essay) or sent_path(root, essay.slug).is_file()))
        or (drafts and essay.state(now) is State.DRAFT))]


def due_essays(publication: Publication) -> list[Essay]:
    """The letters ``publish`` sends now, oldest first: published, in the window, no sent record.

    None at all while ``newsletter.since`` is not set (see :func:`since_missing`).
    """
    if not publication.settings.newsletter.enabled or publication.settings.newsletter.since is None:
        return []
    root = publication.settings.root
    return [essay for essay in reversed(publication.published())
            if essay.newsletter and in_window(publication, essay) and sent_record(root, essay.slug) is None]


def since_missing(publication: Publication) -> Problem | None:
    """Why ``publish`` sends nothing when the newsletter is on but ``newsletter.since`` is not set.

    The problem carries the line to paste (``since: <today>``, today in the
    publication's timezone) and how many published essays it holds back.
    """
    settings = publication.settings
    if not settings.newsletter.enabled or settings.newsletter.since is not None:
        return None
    waiting = sum(1 for essay in publication.published() if essay.newsletter and sent_record(
        settings.root, essay.slug) is None)
    return Problem(CONFIG_FILE, SINCE_KEY, (
        f"is not set, so `letterpress publish` sends no letter ({waiting} published essay"
        f"{'s' if waiting != 1 else ''} would otherwise be mailed to every subscriber). Set the day you "
        f"start sending; essays dated before it are never emailed. Under newsletter: in {CONFIG_FILE}, "
        f"add:  since: {publication.now().date().isoformat()}"), severity="warning")


def since_problems(publication: Publication) -> list[Problem]:
    """For ``letterpress check``: a warning while ``newsletter.since`` is not set."""
    problem = since_missing(publication)
    return [problem] if problem else []
