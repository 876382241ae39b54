"""``letterpress import wordpress EXPORT.xml``: a WordPress WXR export (Tools → Export → Posts).

WXR is RSS 2.0 with WordPress's own elements. It is parsed by lxml with entities
left unresolved, no DTD and no network, so an export cannot make the parser
read a file or a URL (XXE). Only ``wp:post_type`` post becomes an essay; drafts,
pending, private and password-protected posts become drafts; ``future`` ones
keep their future date (scheduled).
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from lxml import etree

from ..model import urls
from .items import Export, Item, SourceError, read_export, utc_moment

WP = "{http://wordpress.org/export/1.2/}"
WP_NAMESPACES = ("http://wordpress.org/export/1.0/", "http://wordpress.org/export/1.1/",
                 "http://wordpress.org/export/1.2/")
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
EXCERPT = "{http://wordpress.org/export/1.2/excerpt/}encoded"
CREATOR = "{http://purl.org/dc/elements/1.1/}creator"
DRAFT_STATUSES = {"draft": "a draft in WordPress", "pending": "pending review in WordPress",
                  "private": "private in WordPress", "auto-draft": "a draft in WordPress"}
SKIPPED_STATUSES = ("trash", "inherit")
NOT_POSTS_REPORTED = ("page",)  # attachments, menu items, revisions and the like are skipped silently
DEFAULT_CATEGORY = "uncategorized"
# Block-level tags: a classic-editor chunk starting with one is not wrapped in <p>.
BLOCK = re.compile(r"\s*<(?:p|h[1-6]|ul|ol|li|blockquote|pre|figure|div|table|hr|dl|section|!--)\b", re.IGNORECASE)
# Each scan stops at the next '[' of the attributes and the next opening shortcode of the same name:
# a lazy '.*?' would run to the end of the post for every shortcode left open, and a post of
# 100,000 of them (an export is hostile until checked) would take hours.
CAPTION = re.compile(r"\[caption[^\]\[]*\]((?:(?!\[/?caption\b).)*)\[/caption\]", re.IGNORECASE | re.DOTALL)
CAPTION_IMAGE = re.compile(r"^\s*((?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?)(.*)$", re.IGNORECASE | re.DOTALL)
SHORTCODE = re.compile(r"\[(gallery|embed|audio|video|playlist|contact-form[\w-]*|wpvideo|youtube)\b[^\]\[]*\]"
                       r"(?:(?:(?!\[/?\1\b).)*\[/\1\])?", re.IGNORECASE | re.DOTALL)


def read_wordpress(path: Path) -> Export:
    """Read and check a WXR file; nothing is written.

    Raises:
        SourceError: unreadable, not XML, or not a WordPress export.
    """
    channel = _channel(path)
    site = (channel.findtext("link") or "").strip()
    names = {(author.findtext(f"{WP}author_login") or "").strip(): (author.findtext(f"{WP}author_display_name")
                                                                  or "").strip()
             for author in channel.iter(f"{WP}author")}
    export = Export()
    for element in channel.iter("item"):
        _add_item(export, element, site, names)
    return export


def _channel(path: Path):
    data = read_export(path, ".xml", "export fewer posts at a time.")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise SourceError(f"{path}: not XML ({error}); this is not a WordPress export (WXR).") from None
    channel = root.find("channel") if root.tag == "rss" else None
    if channel is None or not (set(root.nsmap.values()) & set(WP_NAMESPACES)):
        raise SourceError(f"{path}: not a WordPress export (WXR): no <rss> with WordPress's namespace; "
                          "export again from Tools → Export.")
    return channel


def _text(element, tag: str) -> str:
    return (element.findtext(tag) or "").strip()


def _add_item(export: Export, element, site: str, names: dict[str, str]) -> None:
    kind, status = _text(element, f"{WP}post_type"), _text(element, f"{WP}status")
    post_id, title = _text(element, f"{WP}post_id"), _text(element, "title")
    name = f"{title or '(untitled)'!r} (wordpress:{post_id})"
    if kind != "post":
        if kind in NOT_POSTS_REPORTED:
            export.skipped.append((name, f"a {kind}, not an essay"))
        return
    if status in SKIPPED_STATUSES:
        export.skipped.append((name, f"in the WordPress {status}"))
        return
    link, content = _text(element, "link"), element.findtext(CONTENT) or ""
    export.items.append(Item(
        source="wordpress", source_id=post_id, title=html.unescape(title), html=classic_to_html(content),
        slug=_text(element, f"{WP}post_name"), description=_plain(element.findtext(EXCERPT) or ""),
        created=utc_moment(_text(element, f"{WP}post_date_gmt")) or utc_moment(_text(element, f"{WP}post_date")),
        updated=utc_moment(_text(element, f"{WP}post_modified_gmt")),
        authors=_authors(element, names),
        categories=_terms(element, "category"), tags=_terms(element, "post_tag"),
        draft_reason=_draft_reason(status, _text(element, f"{WP}post_password")),
        aliases=_alias(link, status), base_url=link or site,
        left_out=tuple(f"a [{match.group(1).lower()}] shortcode" for match in SHORTCODE.finditer(content)),
    ))


def _authors(element, names: dict[str, str]) -> tuple[str, ...]:
    """The post's author (WordPress has one per post: ``dc:creator``, a login named in ``wp:author``)."""
    login = _text(element, CREATOR)
    return (names.get(login) or login,) if login else ()


def _terms(element, domain: str) -> tuple[str, ...]:
    terms = [(term.text or "").strip() for term in element.iter("category") if term.get("domain") == domain]
    return tuple(html.unescape(term) for term in terms
                 if term and not (domain == "category" and term.lower() == DEFAULT_CATEGORY))


def _draft_reason(status: str, password: str) -> str:
    if password:
        return "password-protected in WordPress"
    if status in ("publish", "future"):
        return ""
    return DRAFT_STATUSES.get(status, f"'{status}' in WordPress")


def _alias(link: str, status: str) -> tuple[str, ...]:
    """The permalink's path, for a post that had one (a draft's link is ``/?p=42``)."""
    parts = urls.split(link)
    if status != "publish" or parts is None or parts.query or parts.path in ("", "/"):
        return ()
    return (parts.path,)


def _plain(text: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html.unescape(text)).split())


def classic_to_html(content: str) -> str:
    """Post content as HTML: captions as figures, other shortcodes out, classic paragraphs in ``<p>``.

    WordPress stores a classic-editor post without ``<p>`` tags and adds them
    when it shows the post (its ``wpautop``: a blank line ends a paragraph, a
    single line break is a ``<br>``). No library does this outside WordPress,
    so this is the small subset that matters here: chunks separated by blank
    lines become paragraphs unless they start with a block-level tag.
    """
    content = CAPTION.sub(_figure, content.replace("\r\n", "\n"))
    content = SHORTCODE.sub("", content)
    if "<!-- wp:" in content:  # the block editor: already HTML with its paragraphs
        return content
    chunks = [chunk.strip() for chunk in re.split(r"\n\s*\n", content) if chunk.strip()]
    return "\n".join(chunk if BLOCK.match(chunk) else "<p>" + chunk.replace("\n", "<br>\n") + "</p>"
                     for chunk in chunks)


def _figure(match: re.Match) -> str:
    inner = CAPTION_IMAGE.match(match.group(1))
    if not inner:
        return match.group(1)
    return f"<figure>{inner.group(1)}<figcaption>{inner.group(2).strip()}</figcaption></figure>"
