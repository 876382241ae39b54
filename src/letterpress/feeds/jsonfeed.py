"""JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/), written with the standard library.

feedgen writes no JSON Feed, and the format is a plain JSON object, so a
library would add nothing but a dependency.
"""

from __future__ import annotations

import json
from datetime import datetime

from .entries import JSON_PATH, Channel, FeedEntry, Person

VERSION = "https://jsonfeed.org/version/1.1"
MIME_TYPE = "application/feed+json"


def json_feed(channel: Channel, entries: list[FeedEntry]) -> bytes:
    """The JSON Feed document for ``entries`` (newest first), as UTF-8 bytes.

    One item per line: a diff in git shows which essays changed, and each item
    is encoded by json's C encoder (``indent`` would switch to the pure-Python
    one, the slowest part of writing a feed of a thousand essays).
    """
    head = {
        "version": VERSION,
        "title": channel.title,
        "home_page_url": channel.home_url,
        "feed_url": channel.url(JSON_PATH),
        "description": channel.description,
        "language": channel.language,
    }
    lines = [f"  {_dumps(key)}: {_dumps(value)}," for key, value in head.items()]
    items = ",\n".join(f"    {_dumps(_item(entry))}" for entry in entries)
    return "\n".join(["{", *lines, '  "items": [', items, "  ]", "}", ""]).encode("utf-8")


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def _item(entry: FeedEntry) -> dict:
    item = {
        "id": entry.id,
        "url": entry.url,
        "title": entry.title,
        "content_html": entry.html,
        "summary": entry.summary,
        "date_published": _date(entry.published),
        "date_modified": _date(entry.updated),
        "authors": [_author(person) for person in entry.authors],
    }
    if entry.image:
        item["image"] = entry.image
    if entry.categories:
        item["tags"] = list(entry.categories)
    if entry.recording:
        recording = entry.recording
        item["attachments"] = [{
            "url": recording.url,
            "mime_type": recording.mime_type,
            "title": f"{entry.title} (read by {recording.narrator})",
            "size_in_bytes": recording.length,
            "duration_in_seconds": round(recording.duration, 3),
        }]
    return item


def _author(person: Person) -> dict:
    author = {"name": person.name}
    if person.url:
        author["url"] = person.url
    if person.avatar:
        author["avatar"] = person.avatar
    return author


def _date(moment: datetime) -> str:
    """RFC 3339, as the spec asks (``isoformat`` of an aware datetime is one)."""
    return moment.isoformat()
