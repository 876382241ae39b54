"""RSS 2.0 and Atom 1.0 of the newest essays, written with feedgen.

One :class:`~feedgen.feed.FeedGenerator` holds the entries; RSS and Atom are
two serialisations of it, differing only in their ``rel="self"`` link.
"""

from __future__ import annotations

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator

from .entries import ATOM_PATH, RSS_PATH, Channel, FeedEntry, html_text

GENERATOR = "Letterpress"
RSS_TYPE = "application/rss+xml"
ATOM_TYPE = "application/atom+xml"
LINK_ATTRIBUTES = ("rel", "type", "hreflang", "title", "length")


def rss_and_atom(channel: Channel, entries: list[FeedEntry]) -> tuple[bytes, bytes]:
    """The RSS and Atom documents for ``entries`` (newest first), as UTF-8 bytes."""
    generator = new_generator(channel)
    generator.load_extension("dc", atom=False)  # RSS has no author element without an email
    generator.register_extension("atomlinks", BaseExtension, AtomLinksEntryExtension, atom=True, rss=False)
    for entry in entries:
        add_entry(generator, entry)
    home = {"href": channel.home_url, "rel": "alternate", "type": "text/html"}
    # feedgen takes RSS's <link> from the last link given: the home page goes last.
    generator.link([{"href": channel.url(RSS_PATH), "rel": "self", "type": RSS_TYPE}, home], replace=True)
    generator.subtitle(html_text(channel.description))
    rss = generator.rss_str(pretty=True)
    generator.link([{"href": channel.url(ATOM_PATH), "rel": "self", "type": ATOM_TYPE}, home], replace=True)
    generator.subtitle(channel.description)  # Atom's <subtitle> is text
    return rss, generator.atom_str(pretty=True)


def new_generator(channel: Channel) -> FeedGenerator:
    """A FeedGenerator with the channel's fields; its dates are the essays', never "now"."""
    generator = FeedGenerator()
    generator.id(channel.home_url)
    generator.title(channel.title)
    generator.subtitle(channel.description)
    generator.link(href=channel.home_url, rel="alternate")
    generator.language(channel.language)
    if channel.copyright:
        generator.rights(channel.copyright)
    generator.generator(GENERATOR)
    generator.updated(channel.updated)  # also lastBuildDate, which feedgen sets to now otherwise
    return generator


def add_entry(generator: FeedGenerator, entry: FeedEntry) -> None:
    """Append ``entry`` with its full HTML, authors, categories and recording (to a generator
    set up by :func:`rss_and_atom`, which registers the dc and atomlinks extensions)."""
    item = generator.add_entry(order="append")
    item.guid(entry.id, permalink=True)
    item.title(entry.title)
    item.link(href=entry.url, rel="alternate", type="text/html")
    item.summary(entry.summary)  # Atom's <summary> is text
    # RSS's <description> is HTML: readers render it. feedgen took it from the summary;
    # ``description`` replaces it (and Atom's content, which ``content`` sets next).
    item.description(html_text(entry.summary))
    item.content(entry.html, type="html")
    item.published(entry.published)
    item.updated(entry.updated)
    item.author([{"name": person.name, **({"uri": person.url} if person.url else {})}
                 for person in entry.authors])
    for person in entry.authors:
        item.dc.dc_creator(person.name)
    if entry.categories:
        item.category([{"term": name} for name in entry.categories])
    if entry.recording:
        recording = entry.recording
        item.enclosure(recording.url, str(recording.length), recording.mime_type)
    item.atomlinks.links = item.link()


class AtomLinksEntryExtension(BaseEntryExtension):
    """Restore the attributes of an Atom entry's links.

    feedgen 1.0 writes only ``href`` on entry links (the loop variable is
    shadowed: lkiesow/python-feedgen#135), so the enclosure would lose
    ``rel="enclosure"``, ``type`` and ``length``. The links are written in the
    order they were given, so the attributes can be put back one by one.
    """

    def __init__(self):
        self.links: list[dict] = []

    def extend_atom(self, entry):
        # feedgen builds Atom without lxml namespaces (xmlns is a plain attribute): tags are bare.
        for element, link in zip(entry.iterchildren("link"), self.links, strict=True):
            for name in LINK_ATTRIBUTES:
                if link.get(name):
                    element.set(name, str(link[name]))
        return entry
