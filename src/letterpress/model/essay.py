"""The Essay model: one post, parsed once, used by every output.

Nothing here imports MkDocs; the site, the feeds and the newsletter all read
these dataclasses. ``letterpress.model.reader`` builds them from files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from functools import cached_property
from pathlib import Path

from .excerpt import heading_title, without_heading


class State(StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    PUBLISHED = "published"


@dataclass(frozen=True)
class Chapter:
    title: str
    start: int  # seconds into the recording


@dataclass(frozen=True)
class Audio:
    """The human narration of an essay.

    Attributes:
        src: as written in front matter.
        url: an https URL for remote audio, else the site-relative path of the file.
        path: the local file, or None for remote audio.
        length: size in bytes; duration in seconds; mime_type e.g. ``audio/mpeg``.
    """

    src: str
    url: str
    path: Path | None
    narrator: str
    length: int
    duration: float
    mime_type: str
    chapters: tuple[Chapter, ...] = ()

    @property
    def is_remote(self) -> bool:
        return self.path is None


@dataclass(frozen=True)
class Essay:
    """One essay with its front matter checked and its audio facts read."""

    path: Path
    source_path: str  # relative to the publication root, for messages
    slug: str  # for addresses and the command line; it changes with the title or post_slugify
    title: str
    description: str
    date: datetime
    body: str
    authors: tuple[str, ...]
    subtitle: str = ""
    updated: datetime | None = None
    categories: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    draft: bool = False
    newsletter: bool = True
    image: str = ""  # site-relative path or https URL
    audio: Audio | None = None
    # Old URL paths (decoded, e.g. "/p/my-slug") that redirect here once published.
    aliases: tuple[str, ...] = ()
    # The title is the body's opening '# heading' (no 'title:'), as the engine takes it: the page, which prints
    # the title itself, shows page_body.
    title_from_heading: bool = False
    imported_from: str = ""  # "<source>:<id>" of an imported essay, e.g. "substack:171234567"
    # The essay's identity: its file's path under the posts folder ("the-listening-hour.md"). Sent
    # records and the ledger key essays by it, since it does not change when an address rule or the slug does.
    key: str = ""
    meta: dict = field(default_factory=dict, compare=False, repr=False)
    # The file's text before the body, so checks that report file lines (TK/TODO
    # markers) read the essay as loaded instead of opening the file again.
    front_matter: str = field(default="", compare=False, repr=False)
    # Dotted front-matter key -> its line in the file, so checks after reading name the line too.
    lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    def state(self, now: datetime) -> State:
        """Draft, scheduled (dated after ``now``) or published."""
        if self.draft:
            return State.DRAFT
        if self.date > now:
            return State.SCHEDULED
        return State.PUBLISHED

    @property
    def page_body(self) -> str:
        """The body the page shows: without the '# heading' the title was taken from, so the title shows once."""
        heading = heading_title(self.body) if self.title_from_heading else None
        return self.body if heading is None else without_heading(self.body, heading)

    @property
    def text(self) -> str:
        """The whole file as read (front matter and body, line endings as LF)."""
        return self.front_matter + self.body

    @cached_property
    def words(self) -> int:  # cached: the letter, its web version and the page's meta each ask
        text = re.sub(r"\[\^[^\]]+\]:?|[#>*_`\[\]()!|-]", " ", self.body)
        return len(text.split())
