"""``letterpress import feed URL_OR_FILE``: any RSS or Atom feed (feedparser reads them all).

An entry that carries its full text (``content:encoded``, Atom ``content``)
is imported as it is; one that carries only a summary has its page fetched and
the article extracted (:mod:`.article`). When that page cannot be fetched the
summary is imported and the essay is a draft, named in the report.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from ..model import urls
from .article import extract_article
from .fetch import PAGE_BYTES, Fetcher, FetchError
from .items import Export, Item, SourceError

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_IMPORTED_FROM = 300


def read_source(source: str, fetcher: Fetcher, what: str = "feed", named: bool = True) -> tuple[bytes, str]:
    """The bytes of ``source`` (a URL or a file) and the URL it has (for relative links).

    ``named``: the author gave ``source`` (fetched even on a local address); else another source listed it.

    Raises:
        SourceError: the URL cannot be fetched, or the file cannot be read.
    """
    if urls.is_web_url(source):
        if named:
            fetcher.allow(source)
        try:
            fetched = fetcher.get(source, PAGE_BYTES)
        except FetchError as error:
            raise SourceError(f"{source}: {error}; check the address ({what} not read, nothing written).") from None
        fetcher.came_from(fetched.url)
        return fetched.content, fetched.url
    if not named:  # a file named by what came from elsewhere is never read
        raise SourceError(f"{source}: not an http:// or https:// address; a {what} lists web addresses only.")
    path = Path(source)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise SourceError(f"{source}: more than {MAX_FILE_BYTES // (1024 * 1024)} MiB; this is not a {what}.")
        return path.read_bytes(), ""
    except OSError as error:
        raise SourceError(f"{source}: cannot be read ({error.strerror or error}); give the {what}'s address "
                          "(http:// or https://) or the path of a saved file.") from None


def read_feed(source: str, fetcher: Fetcher) -> Export:
    """Read the feed at ``source`` and, for summary-only entries, their pages; nothing is written.

    Raises:
        SourceError: unreachable, not a feed, or a feed without entries.
    """
    import feedparser  # imported here: only this command needs it

    data, url = read_source(source, fetcher)
    parsed = feedparser.parse(data, response_headers={"content-location": url} if url else None)
    if not parsed.get("version"):
        raise SourceError(f"{source}: not an RSS or Atom feed; give the feed's address (often /feed, /rss.xml "
                          "or /atom.xml), not a page's.")
    if not parsed.entries:
        raise SourceError(f"{source}: the feed has no entries; nothing to import.")
    export = Export()
    site = str(parsed.feed.get("link") or url)
    tagline = _plain(str(parsed.feed.get("subtitle") or ""))  # the channel's description: the site's
    for entry in parsed.entries:
        item = _item(entry, site, fetcher)
        item.site_tagline = item.site_tagline or tagline
        export.items.append(item)
    return export


def _item(entry, site: str, fetcher: Fetcher) -> Item:
    link = str(entry.get("link") or "")
    source_id = str(entry.get("id") or link or entry.get("title") or "")[:MAX_IMPORTED_FROM]
    content = entry.get("content") or []
    body = str(content[0].get("value") or "") if content else ""
    item = Item(
        source="feed", source_id=source_id, title=_title(entry), html=body,
        slug=page_slug(link), description=_plain(str(entry.get("summary") or "")) if body else "",
        # dict.get: feedparser's own get maps a missing 'updated' to 'published' (and warns)
        created=_moment(dict.get(entry, "published_parsed") or dict.get(entry, "updated_parsed")),
        updated=_moment(dict.get(entry, "updated_parsed")), authors=_authors(entry),
        tags=tuple(str(tag.get("term")) for tag in entry.get("tags") or () if tag.get("term")),
        aliases=page_aliases(link), base_url=link or site,
    )
    if not body:
        _from_page(item, link, str(entry.get("summary") or ""), fetcher)
    return item


def _from_page(item: Item, link: str, summary: str, fetcher: Fetcher) -> None:
    """Fill a summary-only entry from its page; keep the summary (as a draft) when that fails."""
    item.html = summary
    if not link:
        item.draft_reason = "the feed gives only a summary and no link to the whole text"
        return
    try:
        page = fetcher.get(link, PAGE_BYTES)
    except FetchError as error:
        item.draft_reason = f"only the summary: its page {link} {error}"
        return
    article = extract_article(page.content.decode("utf-8", "replace"), page.url)
    if article is None:
        item.draft_reason = f"only the summary: no article found on {link}"
        return
    item.html, item.description = article.html, item.description or _plain(summary)
    item.site_tagline, item.notes = article.site_tagline, article.notes


def _authors(entry) -> tuple[str, ...]:
    """Every author the entry names (an Atom entry may have several; RSS has one ``author`` or ``dc:creator``)."""
    names = [str(author.get("name") or "") for author in entry.get("authors") or () if hasattr(author, "get")]
    names = [name for name in names if name.strip()] or [str(entry.get("author") or "")]
    return tuple(dict.fromkeys(name for name in names if name.strip()))


def _title(entry) -> str:
    """The entry's title as text (an Atom title may be HTML: ``Notes &amp; Pauses``)."""
    title = str(entry.get("title") or "")
    kind = str((entry.get("title_detail") or {}).get("type") or "")
    return _plain(title) if "html" in kind else title


def page_slug(link: str) -> str:
    """The last part of a page's path, without ``.html`` (``/2019/05/old-post/`` -> ``old-post``)."""
    parts = urls.split(link)
    name = PurePosixPath(unquote(parts.path)).name if parts else ""
    return name.rsplit(".", 1)[0] if name.endswith((".html", ".htm", ".php", ".aspx")) else name


def page_aliases(link: str) -> tuple[str, ...]:
    parts = urls.split(link)
    return (parts.path,) if parts and parts.path not in ("", "/") and not parts.query else ()


def _plain(text: str) -> str:
    import html
    import re

    return " ".join(re.sub(r"<[^>]+>", " ", html.unescape(text)).split())


def _moment(parsed: time.struct_time | None) -> datetime | None:
    return datetime(*parsed[:6], tzinfo=UTC) if parsed else None
