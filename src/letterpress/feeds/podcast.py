"""The podcast feed: narrated essays as episodes, for Apple Podcasts and Podcasting 2.0 apps.

feedgen writes the RSS and the iTunes tags (its ``podcast`` extension); our
``podcastindex`` extension adds the Podcasting 2.0 tags and ``itunes:explicit``.
"""

from __future__ import annotations

import re
import uuid
from html import escape

from feedgen.feed import FeedGenerator

from ..model.audio import format_clock, format_timecode
from ..model.settings import PodcastOptions
from . import podcast_ns
from .entries import PODCAST_PATH, Channel, FeedEntry, Person, Recording, html_text
from .rss_atom import RSS_TYPE, new_generator

# podcast:guid is a UUIDv5 of the feed URL in this namespace (podcastindex.org's spec).
GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def podcast_guid(feed_url: str) -> str:
    """The podcast:guid for a feed URL: UUIDv5 of the URL without scheme and trailing slashes."""
    return str(uuid.uuid5(GUID_NAMESPACE, SCHEME.sub("", feed_url).rstrip("/")))


def episode_guid(podcast: str, slug: str) -> str:
    """An episode's guid: derived from the podcast's guid and the essay's slug, so a move
    of the site (a new ``site_url``) does not make apps download every episode again."""
    return str(uuid.uuid5(uuid.UUID(podcast), slug))


class PodcastWriter:
    """Builds ``podcast.xml`` from the channel, the podcast options and narrated entries."""

    def __init__(self, channel: Channel, options: PodcastOptions, artwork_url: str,
                 chapters_urls: dict[str, str]):
        """``chapters_urls``: slug -> absolute URL of the episode's chapters file."""
        self.channel = channel
        self.options = options
        self.artwork_url = artwork_url
        self.chapters_urls = chapters_urls

    def feed(self, entries: list[FeedEntry], episode_images: dict[str, str]) -> bytes:
        """The podcast RSS for ``entries`` (narrated, newest first) as UTF-8 bytes.

        ``episode_images``: slug -> absolute URL of square episode artwork, where an essay has one.
        """
        generator = self.new_feed(entries)
        for entry in entries:
            self.add_episode(generator, entry, episode_images.get(entry.essay.slug, ""))
        return generator.rss_str(pretty=True)

    def new_feed(self, entries: list[FeedEntry]) -> FeedGenerator:
        options, channel = self.options, self.channel
        generator = new_generator(channel)
        generator.title(options.title or channel.title)
        # RSS descriptions are HTML to podcast apps; ours are text.
        generator.description(html_text(options.description or channel.description))
        # feedgen takes RSS's <link> from the last link given: the home page goes last.
        generator.link([{"href": channel.url(PODCAST_PATH), "rel": "self", "type": RSS_TYPE},
                        {"href": channel.home_url, "rel": "alternate"}], replace=True)
        generator.image(self.artwork_url, title=options.title or channel.title, link=channel.home_url)
        generator.load_extension("podcast")
        author = options.author or _names(entries) or channel.title
        itunes = generator.podcast
        itunes.itunes_author(author)
        itunes.itunes_owner(name=options.owner_name or author, email=options.owner_email)
        itunes.itunes_image(self.artwork_url)
        itunes.itunes_category({"cat": options.category, **({"sub": options.subcategory}
                                                                if options.subcategory else {})})
        itunes.itunes_type(options.type)
        podcast_ns.register(generator)
        extension = generator.podcastindex
        extension.explicit(options.explicit)  # not feedgen's itunes_explicit: it writes yes/no
        extension.locked(options.locked, options.owner_email)
        extension.guid(options.guid)
        return generator

    def add_episode(self, generator: FeedGenerator, entry: FeedEntry, image: str) -> None:
        recording = _recording(entry)
        item = generator.add_entry(order="append")
        item.guid(episode_guid(self.options.guid, entry.essay.slug), permalink=False)
        item.title(entry.title)
        item.link(href=entry.url)
        item.description(html_text(entry.summary))
        item.content(show_notes(entry), type="html")
        item.published(entry.published)
        item.enclosure(recording.url, str(recording.length), recording.mime_type)
        item.podcast.itunes_duration(format_timecode(recording.duration))
        item.podcast.itunes_episode_type("full")
        item.podcast.itunes_author(_names([entry]))
        if image:
            item.podcast.itunes_image(image)
        self.add_podcast_tags(item.podcastindex, entry)

    def add_podcast_tags(self, tags: podcast_ns.PodcastIndexEntryExtension, entry: FeedEntry) -> None:
        # The essay is the transcript: the narrator reads its text.
        tags.transcript(entry.url, "text/html", language=self.channel.language)
        chapters = self.chapters_urls.get(entry.essay.slug)
        if chapters:
            tags.chapters(chapters)
        narrator = _recording(entry).narrator
        author = next((p for p in entry.authors if p.name == narrator), Person(narrator))
        tags.person(narrator, role="narrator", group="cast", img=author.avatar, href=author.url)
        for person in entry.authors:
            tags.person(person.name, role="author", group="writing", img=person.avatar, href=person.url)


def show_notes(entry: FeedEntry) -> str:
    """The episode's notes: summary, a link to the essay (its text) and the chapters."""
    notes = [f"<p>{escape(entry.summary)}</p>",
             f'<p>Read the essay: <a href="{escape(entry.url)}">{escape(entry.title)}</a></p>']
    chapters = entry.essay.audio.chapters if entry.essay.audio else ()
    if chapters:
        items = "".join(f'<li><a href="{escape(entry.url)}#t={c.start}">{format_clock(c.start)}</a> '
                        f"{escape(c.title)}</li>" for c in chapters)
        notes.append(f"<ul>{items}</ul>")
    return "\n".join(notes)


def _names(entries: list[FeedEntry]) -> str:
    names = dict.fromkeys(person.name for entry in entries for person in entry.authors)
    return " & ".join(names)


def _recording(entry: FeedEntry) -> Recording:
    """The entry's recording: the podcast feed holds narrated essays only."""
    if entry.recording is None:
        raise ValueError(f"{entry.essay.source_path}: the podcast feed holds narrated essays only")
    return entry.recording
