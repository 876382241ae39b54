"""What must be right before feeds can be written: ``site_url`` and the podcast's settings.

``letterpress check`` runs these with the essay checks; the build runs them
before writing a feed, so both report the same problems in the same words.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from email_validator import EmailNotValidError, validate_email

from ..errors import Problem
from ..model import urls
from ..model.publication import Publication
from ..model.settings import CONFIG_FILE, PodcastOptions, Settings
from .artwork import artwork_problem
from .categories import category_problem
from .entries import PODCAST_PATH
from .podcast import podcast_guid

PODCAST_KEY = "plugins.letterpress.podcast"
PODCAST_TYPES = ("episodic", "serial")


def feed_problems(publication: Publication) -> list[Problem]:
    """Every problem that would stop the feeds or the podcast from being written."""
    settings = publication.settings
    if not (settings.feeds.enabled or settings.podcast.enabled):
        return []
    problems = _site_url_problems(settings)
    if settings.feeds.enabled and settings.feeds.limit < 1:
        problems.append(_config("plugins.letterpress.feeds.limit",
                                f"is {settings.feeds.limit}; give the number of essays in each feed, e.g. 20."))
    if settings.podcast.enabled:
        problems.extend(podcast_problems(settings, site_url_ok=not problems))
    return problems


def podcast_problems(settings: Settings, site_url_ok: bool = True) -> list[Problem]:
    """Problems with the ``podcast:`` section: artwork, category, owner, guid, type."""
    podcast = settings.podcast
    problems = [*_artwork_problems(settings), *_owner_problems(podcast)]
    found = category_problem(podcast.category, podcast.subcategory)
    if found:
        problems.append(_config(f"{PODCAST_KEY}.{found[0]}", found[1]))
    if podcast.type not in PODCAST_TYPES:
        problems.append(_config(f"{PODCAST_KEY}.type", f"'{podcast.type}' is not a podcast type; "
                                "use episodic (newest first) or serial (in order)."))
    if not (podcast.title or settings.site_name):
        problems.append(_config(f"{PODCAST_KEY}.title", "is missing and so is site_name; name the podcast."))
    if site_url_ok:
        problems.extend(_guid_problems(settings))
    return problems


def _site_url_problems(settings: Settings) -> list[Problem]:
    if not settings.site_url:
        return [_config("site_url", "is missing; feeds need absolute URLs. Add the address the site is "
                        "published at to mkdocs.yml, e.g. 'site_url: https://example.org/'.")]
    if not urls.is_web_url(settings.site_url):
        return [_config("site_url", f"'{settings.site_url}' is not an absolute URL; "
                        "write it with https://, e.g. 'site_url: https://example.org/'.")]
    return []


def _artwork_problems(settings: Settings) -> list[Problem]:
    key, artwork = f"{PODCAST_KEY}.artwork", settings.podcast.artwork
    if not artwork:
        return [_config(key, "is missing; podcast apps need square artwork (JPEG or PNG, 1400–3000 px). "
                        "Put it in docs/ and add e.g. 'artwork: assets/podcast-artwork.jpg'.")]
    path = (settings.docs_dir / artwork).resolve()
    shown = _shown(path, settings.root)
    if not path.is_relative_to(settings.docs_dir):
        return [_config(key, f"'{artwork}' points outside docs/; keep the artwork inside docs/.")]
    if not path.is_file():
        return [_config(key, f"file {shown} not found; add the artwork there or fix the path "
                        "(relative to docs/).")]
    problem = artwork_problem(path)
    return [_config(key, f"{shown} {problem}")] if problem else []


def _owner_problems(podcast: PodcastOptions) -> list[Problem]:
    key = f"{PODCAST_KEY}.owner_email"
    if not podcast.owner_email:
        return [_config(key, "is missing; Apple and podcast:locked need the owner's email "
                        "(it is published in the feed). Add e.g. 'owner_email: podcast@example.org'.")]
    try:
        validate_email(podcast.owner_email, check_deliverability=False)
    except EmailNotValidError as error:
        return [_config(key, f"'{podcast.owner_email}' is not an email address ({error}).")]
    return []


def _guid_problems(settings: Settings) -> list[Problem]:
    key, guid = f"{PODCAST_KEY}.guid", settings.podcast.guid
    proposed = podcast_guid(settings.absolute_url(PODCAST_PATH))
    if not guid:
        return [_config(key, "is missing; a podcast keeps one guid for life, even if the site moves. "
                        f"Add this line under 'podcast:' in mkdocs.yml:  guid: {proposed}")]
    try:
        uuid.UUID(guid)
    except ValueError:
        return [_config(key, f"'{guid}' is not a UUID; if the podcast is new, use  guid: {proposed}")]
    return []


def _config(key: str, message: str) -> Problem:
    return Problem(CONFIG_FILE, key, message)


def _shown(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)
