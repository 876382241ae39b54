"""What every source reader produces: the posts of an export, read and checked, nothing written yet.

Also what the export readers share: reading the export file within a size limit, and its timestamps.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from ..errors import LetterpressError

NAME_CHARS = 80  # of a title in the report
MAX_EXPORT_BYTES = 200 * 1024 * 1024  # of an export file read whole (Ghost's JSON, WordPress's WXR)


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
        site_tagline: the old site's own tag line, when the reader knows it: a description equal to it
            (or to the subtitle) says nothing of the essay, and one is drawn from its first paragraph.
        notes: what the reader changed that the author should look at (a teaser of another page cut).
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
    site_tagline: str = ""
    notes: tuple[str, ...] = ()

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


def read_export(path: Path, kind: str, too_big: str) -> bytes:
    """The bytes of the export file at ``path``, checked for size before it is read.

    ``kind`` names the file to give instead (``.json``); ``too_big`` says what to do about a file
    over :data:`MAX_EXPORT_BYTES`.

    Raises:
        SourceError: the file cannot be read or is too big.
    """
    try:
        if path.stat().st_size > MAX_EXPORT_BYTES:
            raise SourceError(f"{path}: is more than {MAX_EXPORT_BYTES // (1024 * 1024)} MiB; {too_big}")
        return path.read_bytes()
    except OSError as error:
        raise SourceError(f"{path}: cannot be read ({error.strerror or error}); give the path of the {kind} export.") \
            from None


def utc_moment(value: object) -> datetime | None:
    """An export's ISO 8601 timestamp as an aware datetime, UTC when it names no offset; None for anything else.

    Platforms write ``2023-05-14T12:00:00.000Z`` (Ghost, Substack) or a bare ``2019-05-14 09:00:00`` in GMT
    (WordPress, whose ``0000-00-00 00:00:00`` means "never" and is not a date).
    """
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
