"""What every source reader produces: the posts of an export, read and checked, nothing written yet."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from ..errors import LetterpressError

NAME_CHARS = 80  # of a title in the report


class SourceError(LetterpressError):
    """An export, feed or page that cannot be imported; the message names the file or URL."""


@dataclass
class Item:
    """One post of another platform, ready to become an essay.

    Attributes:
        source: the platform's name in ``imported_from`` (``substack``, ``wordpress``, ...).
        source_id: the item's id there (``imported_from: <source>:<source_id>``).
        title: the post's title; html: its body as the platform stored it.
        slug: the old address's slug, when the platform has one (else the title's).
        created, updated: when it was published (or is scheduled) and last changed.
        authors: the authors' display names as the export gives them, in its order (empty when unknown).
        draft_reason: why the essay is written as a draft ("" for a published post).
        aliases: the old URL paths (``/p/<slug>``), each starting with ``/``.
        audio_url: a narration to download (Substack's ``podcast_url``).
        base_url: the address relative links and images of the body are resolved against.
        left_out: what the source reader dropped, for the report.
    """

    source: str
    source_id: str
    title: str
    html: str
    slug: str = ""
    subtitle: str = ""
    description: str = ""
    created: datetime | None = None
    updated: datetime | None = None
    authors: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    draft_reason: str = ""
    aliases: tuple[str, ...] = ()
    audio_url: str = ""
    base_url: str = ""
    left_out: tuple[str, ...] = ()  # what the reader could not carry over ("a [gallery] shortcode")

    @property
    def imported_from(self) -> str:
        """``<source>:<id>`` on one line and short enough for the essay schema (at most 300 characters)."""
        return " ".join(f"{self.source}:{self.source_id}".split())[:300]

    @property
    def name(self) -> str:
        """How the report names the item: its title (cut short) and source id."""
        title = self.title if len(self.title) <= NAME_CHARS else self.title[:NAME_CHARS] + "…"
        return f"{title or '(untitled)'!r} ({self.imported_from})"


@dataclass
class Export:
    """What a source reader found: the items to import and the ones it left out (name, reason)."""

    items: list[Item] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
