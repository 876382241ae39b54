"""A feedgen extension for the Podcasting 2.0 namespace (podcastindex.org) and ``itunes:explicit``.

feedgen ships the iTunes tags as its ``podcast`` extension; this one is
registered beside it as ``podcastindex``. It also writes ``itunes:explicit``,
because feedgen only accepts the old ``yes``/``no``/``clean`` while Apple now
asks for ``true``/``false``.
"""

from __future__ import annotations

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.util import xml_elem

PODCAST_NS = "https://podcastindex.org/namespace/1.0"
ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"
EXTENSION_NAME = "podcastindex"
CHAPTERS_TYPE = "application/json+chapters"


def _tag(name: str) -> str:
    return f"{{{PODCAST_NS}}}{name}"


class PodcastIndexExtension(BaseExtension):
    """Channel tags: ``podcast:guid``, ``podcast:locked`` and ``itunes:explicit``."""

    def __init__(self):
        self._guid: str | None = None
        self._locked: tuple[bool, str] | None = None
        self._explicit: bool | None = None

    def extend_ns(self):
        return {"podcast": PODCAST_NS, "itunes": ITUNES_NS}

    def guid(self, value: str) -> None:
        """The podcast's UUIDv5, which never changes once published."""
        self._guid = value

    def locked(self, locked: bool, owner: str) -> None:
        """Whether other platforms may import the feed; ``owner`` is the email that unlocks it."""
        self._locked = (locked, owner)

    def explicit(self, explicit: bool) -> None:
        self._explicit = explicit

    def extend_rss(self, feed):
        channel = feed[0]
        if self._explicit is not None:
            xml_elem(f"{{{ITUNES_NS}}}explicit", channel).text = "true" if self._explicit else "false"
        if self._locked is not None:
            locked, owner = self._locked
            attributes = {"owner": owner} if owner else {}
            xml_elem(_tag("locked"), channel, **attributes).text = "yes" if locked else "no"
        if self._guid:
            xml_elem(_tag("guid"), channel).text = self._guid
        return feed


class PodcastIndexEntryExtension(BaseEntryExtension):
    """Item tags: ``podcast:transcript``, ``podcast:chapters`` and ``podcast:person``."""

    def __init__(self):
        self._transcripts: list[dict] = []
        self._chapters: str | None = None
        self._persons: list[dict] = []

    def transcript(self, url: str, type: str, language: str = "") -> None:  # noqa: A002 (the tag's attribute name)
        attributes = {"url": url, "type": type}
        if language:
            attributes["language"] = language
        self._transcripts.append(attributes)

    def chapters(self, url: str) -> None:
        self._chapters = url

    def person(self, name: str, role: str, group: str, img: str = "", href: str = "") -> None:
        attributes = {"role": role, "group": group, "img": img, "href": href}
        self._persons.append({"name": name, **{k: v for k, v in attributes.items() if v}})

    def extend_rss(self, entry):
        for attributes in self._transcripts:
            xml_elem(_tag("transcript"), entry, **attributes)
        if self._chapters:
            xml_elem(_tag("chapters"), entry, url=self._chapters, type=CHAPTERS_TYPE)
        for person in self._persons:
            attributes = {k: v for k, v in person.items() if k != "name"}
            xml_elem(_tag("person"), entry, **attributes).text = person["name"]
        return entry


def register(feed_generator) -> None:
    """Add the extension to a :class:`feedgen.feed.FeedGenerator` (RSS only: it is an RSS namespace)."""
    feed_generator.register_extension(EXTENSION_NAME, PodcastIndexExtension,
                                      PodcastIndexEntryExtension, atom=False, rss=True)
