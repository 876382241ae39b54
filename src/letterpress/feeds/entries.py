"""What every feed says about the publication and each essay, computed once.

The four feeds differ only in syntax; their facts (absolute URLs, dates,
authors, the essay's HTML, the recording) come from here. The essay's HTML is
the publication's own (:func:`letterpress.render.once.essay_html_for`): converted
once per process and shared with the email web versions and the letters.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape

from ..model import urls
from ..model.audio import format_clock
from ..model.authors import Author
from ..model.essay import Essay
from ..model.layout import ATOM_PATH, JSON_PATH, PODCAST_PATH, RSS_PATH  # noqa: F401 (the feeds' names)
from ..model.publication import Publication
from ..render.once import essay_html_for

CHAPTERS_NAME = "chapters.json"
# Feeds of a publication with no essay yet still need a date; one that never changes.
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Person:
    name: str
    url: str = ""
    avatar: str = ""


@dataclass(frozen=True)
class Recording:
    """The narration as the feeds publish it: absolute URL, bytes, seconds, MIME type."""

    url: str
    length: int
    duration: float
    mime_type: str
    narrator: str


@dataclass(frozen=True)
class FeedEntry:
    """One essay as a feed entry; every URL absolute."""

    essay: Essay
    url: str
    title: str
    summary: str
    html: str
    published: datetime
    updated: datetime
    authors: tuple[Person, ...]
    categories: tuple[str, ...]
    image: str
    recording: Recording | None

    @property
    def id(self) -> str:
        return self.url


@dataclass(frozen=True)
class Channel:
    """The publication as the feeds describe it."""

    title: str
    home_url: str
    description: str
    language: str
    copyright: str
    updated: datetime

    def url(self, path: str) -> str:
        return self.home_url.rstrip("/") + "/" + path


def html_text(text: str) -> str:
    """``text`` as HTML, for elements feed readers render as HTML (RSS's ``<description>``).

    The XML writer escapes it once more; a reader undoes that, then shows the text.
    """
    return escape(text, quote=False)


def feed_essays(publication: Publication) -> list[Essay]:
    """Published essays, newest first: drafts and scheduled essays never reach a feed."""
    return publication.published()


def make_channel(publication: Publication, essays: list[Essay]) -> Channel:
    """The channel; its date is the newest essay's (never "now", so builds repeat byte for byte)."""
    settings = publication.settings
    return Channel(
        title=settings.site_name,
        home_url=settings.absolute_url(""),
        description=settings.site_description or settings.site_name,
        language=settings.language,
        copyright=settings.copyright,
        updated=max((last_change(e) for e in essays), default=EPOCH),
    )


def last_change(essay: Essay) -> datetime:
    return max(essay.date, essay.updated or essay.date)


class EntryMaker:
    """Turns essays into :class:`FeedEntry` objects; the HTML is the one kept on the publication."""

    def __init__(self, publication: Publication, full_text: bool = True):
        self.publication = publication
        self.settings = publication.settings
        self.full_text = full_text

    def entry(self, essay: Essay, with_html: bool = True) -> FeedEntry:
        """``essay`` as a feed entry; ``with_html=False`` skips the (costly) essay HTML."""
        url = self.page_url(essay)
        recording = self.recording(essay)
        return FeedEntry(
            essay=essay, url=url, title=essay.title, summary=essay.description,
            html=self.entry_html(essay, url, recording) if with_html else "",
            published=essay.date, updated=last_change(essay),
            authors=tuple(self.person(key) for key in essay.authors),
            categories=tuple(dict.fromkeys((*essay.categories, *essay.tags))),
            image=self.absolute(essay.image) if essay.image else "",
            recording=recording,
        )

    def page_url(self, essay: Essay) -> str:
        layout = self.settings.layout
        return layout.absolute(layout.essay(essay).url)

    def absolute(self, path: str) -> str:
        """A site-relative path (or an https URL, kept) as an absolute URL."""
        return urls.absolute(path, self.settings.site_url)

    def person(self, key: str) -> Person:
        author: Author | None = self.publication.authors.get(key)
        if author is None:
            return Person(name=key)
        avatar = self.absolute(author.avatar) if author.avatar else ""
        return Person(name=author.name, url=author.url, avatar=avatar)

    def recording(self, essay: Essay) -> Recording | None:
        audio = essay.audio
        if audio is None:
            return None
        return Recording(url=self.absolute(audio.url), length=audio.length, duration=audio.duration,
                         mime_type=audio.mime_type, narrator=audio.narrator)

    def entry_html(self, essay: Essay, url: str, recording: Recording | None) -> str:
        """Full text (or the summary and a link), led by a "Listen" link when narrated."""
        listen = _listen_paragraph(url, recording) if recording else ""
        if not self.full_text:
            return (f"{listen}<p>{escape(essay.description)}</p>\n"
                    f'<p><a href="{escape(url)}">Read “{escape(essay.title)}”</a></p>')
        return listen + essay_html_for(self.publication, essay)


def _listen_paragraph(url: str, recording: Recording) -> str:
    return (f'<p><a href="{escape(url)}#listen">Listen to the narration</a> '
            f"(read by {escape(recording.narrator)}, {format_clock(recording.duration)})</p>\n")
