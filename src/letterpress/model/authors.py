"""Authors from Material's ``.authors.yml``, with the letterpress extras (CTA label, long bio)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from ..errors import Problem
from . import urls
from .settings import AuthorOptions, Settings


@dataclass(frozen=True)
class Author:
    key: str
    name: str
    description: str  # the short bio
    avatar: str = ""
    url: str = ""  # the "Work with me" link
    cta_label: str = "Work with me"
    bio: str = ""  # a longer bio, when the config gives one

    @property
    def long_bio(self) -> str:
        return self.bio or self.description


def authors_file(settings: Settings) -> Path:
    """Material's ``authors_file`` (``{blog}/.authors.yml`` unless mkdocs.yml says otherwise)."""
    return settings.docs_dir / settings.layout.authors_file


def shown_authors_file(settings: Settings) -> str:
    """The authors file as problems name it: relative to the publication root where it is inside it."""
    path = authors_file(settings)
    return str(path.relative_to(settings.root)) if path.is_relative_to(settings.root) else str(path)


def load_authors(settings: Settings) -> tuple[dict[str, Author], list[Problem]]:
    """Read the authors file (``docs/<blog>/.authors.yml``); a missing file means no authors."""
    path, shown = authors_file(settings), shown_authors_file(settings)
    if not path.exists():
        return {}, []
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8-sig")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        return {}, [Problem(shown, "", f"cannot be read as YAML ({error}); fix the syntax.")]
    entries = raw.get("authors") if isinstance(raw, dict) else None
    if not isinstance(entries, dict):
        return {}, [Problem(shown, "authors", "expected 'authors:' followed by one entry per author key.")]
    authors, problems = {}, []
    for key, entry in entries.items():
        if not isinstance(entry, dict) or not entry.get("name"):
            problems.append(Problem(shown, f"authors.{key}.name", "every author needs a name."))
            continue
        problems.extend(_check_avatar(shown, str(key), entry.get("avatar"), settings))
        url, url_problems = _checked_url(shown, str(key), entry.get("url"))
        problems.extend(url_problems)
        options = settings.authors.get(str(key), AuthorOptions())
        authors[str(key)] = Author(
            key=str(key), name=str(entry["name"]), description=str(entry.get("description") or ""),
            avatar=str(entry.get("avatar") or ""), url=url,
            cta_label=options.cta_label, bio=options.bio,
        )
    for key in settings.authors:
        if key not in authors:
            problems.append(Problem("mkdocs.yml", f"plugins.letterpress.authors.{key}",
                                    f"no author '{key}' in {shown}; add them there or remove this entry."))
    return authors, problems


def _check_avatar(shown: str, key: str, avatar, settings: Settings) -> list[Problem]:
    """Material needs an avatar; a remote one would be a third-party request on every page."""
    field = f"authors.{key}.avatar"
    if not avatar:
        return [Problem(shown, field, f"is missing (Material needs one); add e.g. "
                        f"'avatar: {settings.layout.in_blog(f'images/avatars/{key}.png')}' and put the image there.")]
    parts = urls.split(str(avatar))
    host = parts.hostname if parts else None
    if host and host.lower() not in settings.media_hosts:
        return [Problem(shown, field, f"'{avatar}' would make every page request {host}; "
                        "put the image inside docs/ and point to it, or list the host in media_hosts.")]
    return []


def _checked_url(shown: str, key: str, url) -> tuple[str, list[Problem]]:
    """The "Work with me" link when it is a web address, else "" and the problem.

    It becomes a button on the site and in every letter: a ``javascript:`` or
    ``data:`` URL there would run or show whatever it holds, so only http(s)
    is accepted, and a refused URL reaches no output even before it is fixed.
    """
    text = "" if url is None else str(url).strip()
    if not text:
        return "", []
    if urls.allows(urls.AUTHOR_URL, text) and text.isprintable():
        return text, []
    return "", [Problem(shown, f"authors.{key}.url", f"{text[:80]!r} is not a web address; the \"Work with me\" "
                        "link must be a full http:// or https:// address, e.g. "
                        f"'url: https://example.org/work-with-{key}/' (or remove the line).")]
