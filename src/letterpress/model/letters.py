"""Which essays are letters, and which letters are due: the one place that decides.

A *letter* is an essay that has (or will have) an email: its web version is on
the site at ``/newsletter/<slug>/``. A letter is *due* when ``publish`` should
send it now. Both follow the same rules, so the web versions, ``publish``,
``status`` and the send cannot drift apart:

- the newsletter is enabled and the essay has ``newsletter: true``;
- it is published (drafts only while ``letterpress serve`` previews them);
- it is dated on or after ``newsletter.since`` — or it already went out
  (``newsletter/sent/<slug>.json`` exists), since a letter sent by hand stays a letter;
- it is due only while it has no sent record.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from .essay import Essay, State
from .publication import Publication

SENT_DIR = "newsletter/sent"
# Set by `letterpress serve` (the site adapter's preview switch): drafts become previewable letters.
PREVIEW_DRAFTS = "LETTERPRESS_PREVIEW_DRAFTS"


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
    """The letters ``publish`` sends now, oldest first: published, in the window, no sent record."""
    if not publication.settings.newsletter.enabled:
        return []
    root = publication.settings.root
    return [essay for essay in reversed(publication.published())
            if essay.newsletter and in_window(publication, essay) and sent_record(root, essay.slug) is None]
