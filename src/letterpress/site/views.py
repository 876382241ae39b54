"""What the site's templates show for an essay: player, chapters, bio, meta, JSON-LD.

Plain data built from the Essay model, so the site adapter only hands it to
the templates (and a future adapter for another generator can reuse it).
"""

from __future__ import annotations

import html
import json
import re

from ..model import urls
from ..model.audio import format_clock, human_size, iso_duration
from ..model.authors import Author
from ..model.essay import Audio, Essay
from ..model.layout import relative_url
from ..model.settings import Settings

# A heading of the essay's text; ours (player, author note, sign-up) have ids starting "lp-".
HEADING = re.compile(r'(<h([2-4]) id="(?!lp-)([^"]+)"[^>]*>)(.*?)(</h\2>)', re.DOTALL)
TAGS = re.compile(r"<[^>]+>")
# The preview's pages poll the build count (a new one reloads the page) and the last rebuild's
# problems, shown over the page until a good rebuild (as text: a problem is never markup here).
RELOAD_SCRIPT = """<script>(function(){var seen=null;function overlay(lines){
var box=document.getElementById("lp-problems");if(!lines.length){if(box)box.remove();return}
if(!box){box=document.createElement("div");box.id="lp-problems";box.setAttribute("role","alert");
box.style.cssText="position:fixed;top:0;left:0;right:0;z-index:10000;max-height:60vh;overflow:auto;"
+"background:#fff4f2;color:#5c1a0b;border-bottom:3px solid #b3261e;padding:1em 1.25em;"
+"font:15px/1.5 system-ui,sans-serif;box-shadow:0 2px 8px rgba(0,0,0,.2)";document.body.appendChild(box)}
box.textContent="";var head=document.createElement("strong");
head.textContent="Not rebuilt: this is the last good build. Fix this, then save:";box.appendChild(head);
lines.forEach(function(line){var p=document.createElement("p");p.style.margin=".5em 0 0";
p.style.fontFamily="ui-monospace,monospace";p.textContent=line;box.appendChild(p)})}
function poll(){fetch("%s",{cache:"no-store"}).then(function(r){return r.text()}).then(function(v){
if(seen!==null&&v!==seen)location.reload();seen=v}).catch(function(){});
fetch("%s",{cache:"no-store"}).then(function(r){return r.json()}).then(overlay).catch(function(){})}
poll();setInterval(poll,1000)})();</script>"""
SCRIPT_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def essay_view(essay: Essay, settings: Settings, authors: dict[str, Author]) -> dict:
    """Template data for one essay page and its listing entries."""
    page_url = settings.layout.absolute(settings.layout.essay(essay).url) if settings.site_url else ""
    return {
        "slug": essay.slug,
        "title": essay.title,
        "categories": list(essay.categories),
        "subtitle": essay.subtitle,
        "description": essay.description,
        "audio": audio_view(essay.audio) if essay.audio else None,
        "authors": [key for key in essay.authors if key in authors],  # their views: site_facts
        "og": open_graph(essay, settings, page_url),
        "jsonld": json_ld(essay, settings, authors, page_url),
    }


def site_facts(settings: Settings, authors: dict[str, Author]) -> dict:
    """What the templates need from the config, as ``config.extra.letterpress``, for every engine.

    Computed here, so templates only print it: feed links need a ``site_url``, the
    sign-up form an http(s) service address.
    """
    service = (settings.service.url or "").strip().rstrip("/")
    has_url = bool(settings.site_url)
    return {
        "site_name": settings.site_name,
        "feeds": bool(settings.feeds.enabled and has_url),
        "podcast": bool(settings.podcast.enabled and has_url),
        "podcast_title": settings.podcast.title or settings.site_name,
        "podcast_url": settings.absolute_url("podcast.xml") if has_url else "",
        "subscribe_action": f"{service}/subscribe" if urls.is_web_url(service) else "",
        # Once for the site, not on every page: Zensical hands each page's metadata to every template.
        "authors": {key: author_view(author) for key, author in authors.items()},
    }


def audio_view(audio: Audio) -> dict:
    return {
        "url": urls.safe_link(audio.url),
        "remote": audio.is_remote,
        "type": audio.mime_type,
        "narrator": audio.narrator,
        "duration": audio.duration,
        "duration_label": format_clock(audio.duration),
        "duration_iso": iso_duration(audio.duration),
        "size_label": human_size(audio.length),
        "length": audio.length,
        "chapters": [
            {"title": c.title, "start": c.start, "label": format_clock(c.start)}
            for c in audio.chapters
        ],
    }


def author_view(author: Author) -> dict:
    return {"key": author.key, "name": author.name, "description": author.description,
            "bio": author.long_bio, "url": urls.safe_link(author.url), "cta_label": author.cta_label,
            "avatar": urls.safe_link(author.avatar)}


def open_graph(essay: Essay, settings: Settings, page_url: str) -> list[tuple[str, str]]:
    """``(property, content)`` pairs for Open Graph; URLs absolute when site_url is set."""
    tags = [("og:type", "article"), ("og:title", essay.title),
            ("og:description", essay.description), ("og:site_name", settings.site_name),
            ("article:published_time", essay.date.isoformat())]
    if page_url:
        tags.append(("og:url", page_url))
    if essay.image:
        tags.append(("og:image", _absolute(essay.image, settings)))
    if essay.audio:
        tags.append(("og:audio", _absolute(essay.audio.url, settings)))
        tags.append(("og:audio:type", essay.audio.mime_type))
    return tags


def json_ld(essay: Essay, settings: Settings, authors: dict[str, Author], page_url: str) -> str:
    """A schema.org ``BlogPosting`` with the narration as an ``AudioObject``."""
    data: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": essay.title,
        "description": essay.description,
        "datePublished": essay.date.isoformat(),
        "author": [_person(authors[k]) for k in essay.authors if k in authors],
    }
    if page_url:
        data["url"] = page_url
        data["mainEntityOfPage"] = page_url
    if essay.updated:
        data["dateModified"] = essay.updated.isoformat()
    if essay.image:
        data["image"] = _absolute(essay.image, settings)
    if essay.audio:
        data["audio"] = {
            "@type": "AudioObject",
            "contentUrl": _absolute(essay.audio.url, settings),
            "encodingFormat": essay.audio.mime_type,
            "contentSize": str(essay.audio.length),
            "duration": iso_duration(essay.audio.duration),
            "contributor": {"@type": "Person", "name": essay.audio.narrator, "roleName": "narrator"},
        }
    return script_json(data)


def _person(author: Author) -> dict:
    url = urls.safe_link(author.url)
    return {"@type": "Person", "name": author.name, **({"url": url} if url else {})}


def script_json(data) -> str:
    """``data`` as JSON to put inside a ``<script>`` element, as Jinja's ``tojson`` writes it.

    No ``<``, ``>`` or ``&`` is left, so no text from metadata can close the
    element or open a comment inside it.
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.translate(SCRIPT_SAFE)


def add_listen_controls(content: str, audio: Audio, audio_href: str) -> str:
    """Put a "Listen from here" link after each heading whose text is a chapter title."""
    starts = {_normalise(c.title): c for c in audio.chapters}

    def replace(match: re.Match) -> str:
        chapter = starts.get(_normalise(TAGS.sub("", match.group(4))))
        if chapter is None:
            return match.group(0)
        title = html.escape(chapter.title, quote=True)
        href = html.escape(f"{audio_href}#t={chapter.start}", quote=True)
        control = (f'<a class="lp-listen-from" href="{href}" '
                   f'data-lp-seek="{chapter.start}" aria-label="Listen from here: {title} '
                   f'({format_clock(chapter.start)})">Listen from here '
                   f'<span class="lp-listen-from__time">{format_clock(chapter.start)}</span></a>')
        return match.group(0) + control

    return HEADING.sub(replace, content)


def _normalise(text: str) -> str:
    text = html.unescape(text).replace("¶", "")
    return " ".join(text.split()).casefold()


def _absolute(url: str, settings: Settings) -> str:
    return urls.absolute(url, settings.site_url) if settings.site_url else url


def audio_href(essay: Essay, page_url: str) -> str:
    """The narration's address as the player on the page at ``page_url`` links it."""
    if essay.audio is None:
        return ""
    url = urls.safe_link(essay.audio.url)  # as the player's source has it
    if essay.audio.is_remote:
        return url
    return relative_url(url, page_url)


def reload_script(page: str, counter_url: str) -> str:
    """``page`` with the preview's reload script before ``</body>``: it polls ``counter_url``, and the
    problems of the last rebuild beside it (``…/problems``), which it shows over the page."""
    problems_url = counter_url.rsplit("/", 1)[0] + "/problems"
    return page.replace("</body>", RELOAD_SCRIPT % (counter_url, problems_url) + "</body>", 1)
