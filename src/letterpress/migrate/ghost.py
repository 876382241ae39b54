"""``letterpress import ghost EXPORT.json --url OLD_SITE``: a Ghost JSON export (Settings → Labs → Export).

The export is ``{"db": [{"data": {"posts", "tags", "posts_tags", "users",
"posts_authors", "posts_meta"}}]}``. Pages are not essays; drafts, email-only
posts (``sent``) and posts for members or paid tiers become drafts; scheduled
ones keep their date. Ghost writes its own address as ``__GHOST_URL__`` in the
HTML and image fields: it becomes ``--url``, the old site's address.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..model import urls
from .items import Export, Item, SourceError, read_export, utc_moment

GHOST_URL = "__GHOST_URL__"
POSTS_TABLE = "posts"  # Ghost's table of posts (not our posts/ folder)
DRAFT_STATUSES = {"draft": "a draft in Ghost", "sent": "sent by email only in Ghost (never on the site)"}


def read_ghost(path: Path, old_site: str) -> Export:
    """Read and check a Ghost export; nothing is written.

    Raises:
        SourceError: unreadable, not JSON, not a Ghost export, or ``old_site`` not a web address.
    """
    if not urls.is_web_url(old_site):
        raise SourceError(f"--url {old_site!r}: give the old site's address, e.g. --url https://old.example.org")
    data = _data(path)
    site = old_site.rstrip("/")
    tables = _Tables(data)
    export = Export()
    for post in data[POSTS_TABLE]:
        if isinstance(post, dict):
            _add_post(export, post, tables, site)
    return export


def _data(path: Path) -> dict:
    raw = read_export(path, ".json", "this is not a Ghost export.")
    try:
        document = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as error:
        raise SourceError(f"{path}: not JSON ({error}); this is not a Ghost export.") from None
    except RecursionError:  # the json module parses nested lists and objects recursively
        raise SourceError(f"{path}: nested deeper than Python's JSON reader can follow; this is not a Ghost "
                          "export.") from None
    try:
        data = document["db"][0]["data"]
        if isinstance(data, dict) and isinstance(data[POSTS_TABLE], list):
            return data
    except (KeyError, IndexError, TypeError):
        pass
    raise SourceError(f"{path}: not a Ghost export (no db[0].data.posts); export again from Ghost's "
                      "Settings → Labs → Export your content.")


class _Tables:
    """The export's join tables, read once: a post's tags, authors and meta."""

    def __init__(self, data: dict):
        self.tags = {row.get("id"): row for row in _rows(data, "tags")}
        self.users = {row.get("id"): row for row in _rows(data, "users")}
        self.meta = {row.get("post_id"): row for row in _rows(data, "posts_meta")}
        self.posts_tags = sorted(_rows(data, "posts_tags"), key=lambda row: _order(row))
        self.posts_authors = sorted(_rows(data, "posts_authors"), key=lambda row: _order(row))

    def tag_names(self, post_id) -> tuple[str, ...]:
        """The post's public tags in order; internal ``#tags`` are Ghost's, not the reader's."""
        names = []
        for row in self.posts_tags:
            tag = self.tags.get(row.get("tag_id")) if row.get("post_id") == post_id else None
            name = str((tag or {}).get("name") or "").strip()
            if name and not name.startswith("#") and (tag or {}).get("visibility") != "internal":
                names.append(name)
        return tuple(names)

    def authors(self, post_id) -> tuple[str, ...]:
        """Every author of the post, in Ghost's order (``posts_authors.sort_order``; the first is the primary)."""
        names = (_string((self.users.get(row.get("author_id")) or {}).get("name"))
                 for row in self.posts_authors if row.get("post_id") == post_id)
        return tuple(dict.fromkeys(name for name in names if name))


def _rows(data: dict, table: str) -> list[dict]:
    rows = data.get(table)
    return [row for row in rows if isinstance(row, dict)] if isinstance(rows, list) else []


def _order(row: dict) -> int:
    value = row.get("sort_order")
    return value if isinstance(value, int) else 0


def _add_post(export: Export, post: dict, tables: _Tables, site: str) -> None:
    post_id, title = str(post.get("id") or ""), _string(post.get("title"))
    name = f"{title or '(untitled)'!r} (ghost:{post_id})"
    if post.get("type") == "page":
        export.skipped.append((name, "a page, not an essay"))
        return
    if not isinstance(post.get("html"), str) or not post["html"].strip():
        export.skipped.append((name, "no HTML in the export (open it in Ghost's editor, save, export again)"))
        return
    meta = tables.meta.get(post.get("id")) or {}
    slug = _string(post.get("slug"))
    export.items.append(Item(
        source="ghost", source_id=post_id, title=title, html=_with_site(_cover(post, meta) + post["html"], site),
        slug=slug, description=_string(post.get("custom_excerpt")) or _string(meta.get("meta_description")),
        created=utc_moment(post.get("published_at")) or utc_moment(post.get("created_at")),
        updated=utc_moment(post.get("updated_at")), authors=tables.authors(post.get("id")),
        tags=tables.tag_names(post.get("id")), draft_reason=_draft_reason(post),
        aliases=(f"/{slug}/",) if slug else (), base_url=f"{site}/{slug}/" if slug else site + "/",
    ))


def _string(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def _cover(post: dict, meta: dict) -> str:
    """The feature image as the essay's first figure (HTML, escaped)."""
    from html import escape

    image = _string(post.get("feature_image"))
    if not image:
        return ""
    alt, caption = _string(meta.get("feature_image_alt")), _string(meta.get("feature_image_caption"))
    figcaption = f"<figcaption>{caption}</figcaption>" if caption else ""  # Ghost stores the caption as HTML
    return f'<figure><img src="{escape(image)}" alt="{escape(alt)}">{figcaption}</figure>'


def _with_site(html: str, site: str) -> str:
    return html.replace(GHOST_URL, site)


def _draft_reason(post: dict) -> str:
    status = _string(post.get("status"))
    if status in DRAFT_STATUSES:
        return DRAFT_STATUSES[status]
    if status not in ("published", "scheduled"):
        return f"'{status}' in Ghost"
    visibility = _string(post.get("visibility")) or "public"
    return "" if visibility == "public" else f"for {visibility} readers only in Ghost"

