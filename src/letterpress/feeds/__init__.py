"""The publication's feeds: RSS, Atom, JSON Feed, the podcast and its chapters files.

Written into the site root after the build (``rss.xml``, ``atom.xml``,
``feed.json``, ``podcast.xml``) and beside each narrated essay
(``chapters.json`` in the page's folder). :func:`write_feeds` is one of the build's
writers (:mod:`letterpress.site.registry`), :func:`feed_problems` one of its checks.
"""

from __future__ import annotations

from ..errors import ProblemsError
from ..model import urls
from ..model.essay import Essay
from ..model.publication import Publication
from ..model.site_output import SiteOutput
from .artwork import is_episode_artwork
from .chapters import chapters_address, chapters_json
from .checks import feed_problems
from .entries import ATOM_PATH, JSON_PATH, PODCAST_PATH, RSS_PATH, EntryMaker, FeedEntry, feed_essays, make_channel
from .jsonfeed import json_feed
from .podcast import PodcastWriter
from .rss_atom import rss_and_atom

__all__ = ["ATOM_PATH", "JSON_PATH", "PODCAST_PATH", "RSS_PATH", "feed_essays", "feed_files", "write_feeds",
           "write_files"]


def write_feeds(publication: Publication, output: SiteOutput) -> None:
    """Write every feed and chapters file into the built site.

    Raises:
        ProblemsError: the config cannot make valid feeds; nothing is written.
    """
    settings = publication.settings
    if not (settings.feeds.enabled or settings.podcast.enabled):
        return
    errors = [problem for problem in feed_problems(publication) if problem.is_error]
    if errors:
        raise ProblemsError(errors)
    write_files(output, feed_files(publication, feed_essays(publication)))


def feed_files(publication: Publication, essays: list[Essay]) -> dict[str, bytes]:
    """Site-relative path -> content of every feed file for ``essays`` (published, newest first).

    Each essay's Markdown is converted once and shared by all the feeds.
    """
    settings = publication.settings
    maker = EntryMaker(publication, full_text=settings.feeds.full_text)
    listed = essays[: settings.feeds.limit] if settings.feeds.enabled else []
    entries = {essay.slug: maker.entry(essay) for essay in listed}
    files = _chapters_files(publication, essays)
    if settings.feeds.enabled:  # even with no essay yet: every page links the feeds
        channel = make_channel(publication, listed)
        ordered = list(entries.values())
        files[RSS_PATH], files[ATOM_PATH] = rss_and_atom(channel, ordered)
        files[JSON_PATH] = json_feed(channel, ordered)
    if settings.podcast.enabled:
        narrated = [e for e in essays if e.audio]
        episodes = [entries.get(e.slug) or maker.entry(e, with_html=False) for e in narrated]
        files[PODCAST_PATH] = _podcast(publication, episodes, files)
    return files


def _podcast(publication: Publication, episodes: list[FeedEntry], files: dict[str, bytes]) -> bytes:
    settings = publication.settings
    layout = settings.layout
    channel = make_channel(publication, [entry.essay for entry in episodes])
    chapters = {entry.essay.slug: layout.absolute(address.url)
                for entry in episodes if (address := chapters_address(entry.essay, layout)).file in files}
    writer = PodcastWriter(channel, settings.podcast, layout.absolute(settings.podcast.artwork), chapters)
    images = {entry.essay.slug: entry.image for entry in episodes if _has_episode_artwork(entry.essay)}
    return writer.feed(episodes, images)


def _chapters_files(publication: Publication, essays: list[Essay]) -> dict[str, bytes]:
    settings = publication.settings
    layout = settings.layout
    podcast_name = settings.podcast.title or settings.site_name
    return {
        chapters_address(essay, layout).file: chapters_json(
            essay, podcast_name, layout.absolute(layout.essay(essay).url))
        for essay in essays if essay.audio and essay.audio.chapters
    }


def _has_episode_artwork(essay: Essay) -> bool:
    """A local, square essay image of the right size doubles as the episode's artwork."""
    source = str(essay.meta.get("image") or "")
    if not essay.image or not source or urls.is_https(essay.image):
        return False  # a remote image cannot be checked, so it is not used
    return is_episode_artwork((essay.path.parent / source).resolve())


def write_files(output: SiteOutput, files: dict[str, bytes]) -> None:
    """Write each file through the site's one writer (atomic: no reader sees half a feed)."""
    for relative, content in files.items():
        output.write(relative, content)

