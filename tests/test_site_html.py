"""The built site's HTML, read with lxml: privacy, headings, player, listings.

Every page of the sample publication's real build is checked; the browser
tests (test_browser.py) cover what only a running page can show.
"""

from __future__ import annotations

import json
import posixpath
import re
from itertools import pairwise
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from lxml import html

import hostile
from letterpress.model.publication import load_publication
from letterpress.model.urls import safe_link as link_url
from letterpress.site.loader import load_settings
from run_options import SAMPLE

REPO = Path(__file__).resolve().parent.parent
NARRATED = "the-listening-hour"
LONG = "the-art-of-staying"

# Elements and attributes a browser fetches on its own while loading a page.
FETCHED_ATTRIBUTES = {
    "script": ("src",), "img": ("src", "srcset"), "source": ("src", "srcset"),
    "audio": ("src",), "video": ("src", "poster"), "track": ("src",), "iframe": ("src",),
    "embed": ("src",), "object": ("data",), "input": ("src",), "image": ("href",), "use": ("href",),
}
FETCHED_LINK_RELS = {"stylesheet", "preload", "modulepreload", "prefetch", "preconnect",
                     "dns-prefetch", "icon", "apple-touch-icon", "manifest", "mask-icon"}
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)|@import\s+['"]([^'"]+)""")
HEADING = re.compile(r"h([1-6])")


@pytest.fixture(scope="module")
def settings():
    return load_settings(REPO)


@pytest.fixture(scope="module")
def publication(settings):
    return load_publication(settings, SAMPLE)


@pytest.fixture(scope="module")
def pages(built_site) -> dict[str, html.HtmlElement]:
    """Every built HTML page, by its path inside the site."""
    found = {path.relative_to(built_site).as_posix(): html.parse(str(path)).getroot()
             for path in sorted(built_site.rglob("*.html"))}
    assert found, "the build wrote no HTML pages"
    return found


def page(pages, path: str) -> html.HtmlElement:
    assert path in pages, f"the build wrote no {path}"
    return pages[path]


def listing_pages(pages) -> list[str]:
    """Blog index (and its later pages), archive, category and author pages."""
    pattern = re.compile(r"essays/(index\.html|page/|archive/|category/|author/)")
    return [path for path in pages if pattern.match(path)]


# -- no third-party requests --------------------------------------------------

def fetched_urls(root: html.HtmlElement) -> list[tuple[str, str]]:
    """``(where, url)`` for everything the page makes the browser fetch."""
    urls = []
    for element in root.iter():
        tag = element.tag.rpartition("}")[2] if isinstance(element.tag, str) else ""
        for attribute in FETCHED_ATTRIBUTES.get(tag, ()):
            for value in _attribute_values(element, attribute):
                urls += [(f"<{tag} {attribute}>", url) for url in _urls_in(attribute, value)]
        if tag == "link" and FETCHED_LINK_RELS & set((element.get("rel") or "").lower().split()):
            urls.append((f"<link rel={element.get('rel')}>", element.get("href", "")))
        if tag == "style":
            urls += [("<style>", url) for url in _css_urls(element.text or "")]
        if element.get("style"):
            urls += [(f"<{tag} style>", url) for url in _css_urls(element.get("style"))]
    return urls


def _attribute_values(element, attribute: str) -> list[str]:
    # SVG writes href with or without the xlink namespace.
    names = (attribute, "{http://www.w3.org/1999/xlink}href") if attribute == "href" else (attribute,)
    return [element.get(name) for name in names if element.get(name)]


def _urls_in(attribute: str, value: str) -> list[str]:
    if attribute != "srcset":
        return [value.strip()]
    return [candidate.split()[0] for candidate in value.split(",") if candidate.strip()]


def _css_urls(css: str) -> list[str]:
    return [url or imported for url, imported in CSS_URL.findall(css)]


def third_party(url: str, allowed_hosts: set[str]) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob") or (not parts.scheme and not parts.netloc):
        return False  # inline data or a URL on this site
    return parts.scheme != "https" or (parts.hostname or "").lower() not in allowed_hosts


def test_no_page_makes_the_browser_fetch_from_another_host(pages, settings):
    allowed = {urlsplit(settings.site_url).hostname, *settings.media_hosts}
    offenders = [f"{path}: {where} {url}"
                 for path, root in pages.items()
                 for where, url in fetched_urls(root)
                 if third_party(url, allowed)]
    assert not offenders, "third-party requests:\n" + "\n".join(offenders)


def test_feed_links_in_the_head_are_relative(pages):
    # Material's script fetches sitemap.xml beside every <link rel="alternate">, so an
    # absolute href there makes a preview (or a mirror) request the live site.
    absolute = [f"{path}: {link.get('href')}" for path, root in pages.items()
                for link in root.iter("link")
                if "alternate" in (link.get("rel") or "").split() and urlsplit(link.get("href", "")).netloc]
    assert not absolute, "absolute rel=alternate links:\n" + "\n".join(absolute)


def test_the_request_finder_sees_every_kind_of_request():
    # The check above is only as good as this finder: feed it one of each.
    root = html.fromstring("""<html><head>
      <link rel="stylesheet" href="https://fonts.example.com/a.css">
      <link rel="preconnect" href="https://cdn.example.com">
      <link rel="alternate" href="https://elsewhere.example.com/feed.xml">
      <script src="//tracker.example.com/t.js"></script>
      <style>body { background: url('https://img.example.com/bg.png') }</style>
      </head><body>
      <img src="/local.png" srcset="a.png 1x, https://img.example.com/b.png 2x">
      <audio src="https://media.example.org/a.mp3"></audio>
      <div style="background-image: url(http://img.example.com/c.png)"></div>
      <iframe src="https://video.example.com/embed"></iframe>
      <a href="https://example.com/just-a-link">a link is not a request</a>
      <img src="data:image/png;base64,AAAA">
    </body></html>""")
    flagged = sorted(url for _, url in fetched_urls(root) if third_party(url, {"media.example.org"}))
    assert flagged == sorted([
        "https://fonts.example.com/a.css", "https://cdn.example.com", "//tracker.example.com/t.js",
        "https://img.example.com/bg.png", "https://img.example.com/b.png",
        "http://img.example.com/c.png", "https://video.example.com/embed",
    ])


# -- headings -----------------------------------------------------------------

def heading_levels(root: html.HtmlElement) -> list[int]:
    return [int(HEADING.fullmatch(element.tag).group(1)) for element in root.iter()
            if isinstance(element.tag, str) and HEADING.fullmatch(element.tag)]


def test_every_page_has_one_h1_first_and_skips_no_heading_level(pages):
    problems = []
    for path, root in pages.items():
        levels = heading_levels(root)
        if not levels or levels[0] != 1 or levels.count(1) != 1:
            problems.append(f"{path}: expected one h1, first; got {levels}")
        skips = [(a, b) for a, b in pairwise(levels) if b > a + 1]
        if skips:
            problems.append(f"{path}: heading levels jump {skips} in {levels}")
    assert not problems, "\n".join(problems)


# -- the narrated essay's page ---------------------------------------------------

def resolve(page_path: str, href: str) -> str:
    """The site path an href on ``page_path`` points at (fragment dropped)."""
    target = href.split("#")[0]
    return posixpath.normpath(posixpath.join(posixpath.dirname(page_path), target))


def test_the_narrated_essay_shows_narrator_duration_size_and_a_download(pages, publication, built_site):
    path = f"essays/{NARRATED}/index.html"
    audio = publication.essay(NARRATED).audio
    player = page(pages, path).get_element_by_id("listen")
    text = " ".join(player.text_content().split())
    assert audio.narrator in text
    assert "1:00" in text and "241 KB" in text  # the sample narration: 60.09 s, 240,558 bytes
    download, = player.find_class("lp-player__download")
    assert download.get("download") is not None
    assert (built_site / resolve(path, download.get("href"))).is_file()


def test_the_player_loads_nothing_until_asked(pages):
    element, = page(pages, f"essays/{NARRATED}/index.html").get_element_by_id("listen").iter("audio")
    assert element.get("preload") == "none"
    assert element.get("controls") is not None


def test_chapter_links_point_at_the_recording_at_their_start(pages, publication, built_site):
    path = f"essays/{NARRATED}/index.html"
    chapters = publication.essay(NARRATED).audio.chapters
    links = [link for nav in page(pages, path).get_element_by_id("listen").find_class("lp-chapters")
             for link in nav.iter("a")]
    assert [link.text_content().split(None, 1)[1].strip() for link in links] == [c.title for c in chapters]
    for link, chapter in zip(links, chapters, strict=True):
        href = link.get("href")
        assert href.endswith(f".mp3#t={chapter.start}")
        assert link.get("data-lp-seek") == str(chapter.start)
        assert (built_site / resolve(path, href)).is_file()


def test_chapter_headings_get_a_listen_from_here_link(pages, publication):
    chapters = publication.essay(NARRATED).audio.chapters
    links = page(pages, f"essays/{NARRATED}/index.html").find_class("lp-listen-from")
    assert links, "no 'Listen from here' link after any chapter heading"
    starts = {str(c.start) for c in chapters}
    assert {link.get("data-lp-seek") for link in links} <= starts
    for link in links:
        assert link.getprevious().tag in ("h2", "h3", "h4")
        assert link.get("href").endswith(f"#t={link.get('data-lp-seek')}")


# -- listings -------------------------------------------------------------------

def test_listings_show_the_compact_player_for_the_narrated_essay(pages, built_site):
    listings = listing_pages(pages)
    assert "essays/index.html" in listings
    shown_on = []
    for path in listings:
        for entry in pages[path].find_class("lp-listing"):
            title = entry.find_class("lp-listing__title")[0].text_content().strip()
            players = entry.find_class("lp-player--compact")
            if title != "The Listening Hour":
                assert not players, f"{path}: a player for {title}, which has no narration"
                continue
            shown_on.append(path)
            assert players, f"{path}: no compact player for {title}"
            source, = players[0].iter("source")
            assert (built_site / resolve(path, source.get("src"))).is_file()
            audio, = players[0].iter("audio")
            assert audio.get("preload") == "none"
    # the blog index and its category's page at least
    assert {"essays/index.html", "essays/category/essays/index.html"} <= set(shown_on), shown_on


def test_listings_show_titles_and_descriptions_not_the_full_text(pages, publication):
    long_page = page(pages, f"essays/{LONG}/index.html")
    article, = long_page.find_class("md-content__inner")
    paragraphs = [" ".join(p.text_content().split()) for p in article.iterchildren("p")]
    sentence = max(paragraphs, key=len)[:120]
    essay = publication.essay(LONG)
    for path in listing_pages(pages):
        text = " ".join(pages[path].text_content().split())
        assert sentence not in text, f"{path} shows the essay's full text"
    index_text = " ".join(page(pages, "essays/index.html").text_content().split())
    assert essay.title in index_text
    assert " ".join(essay.description.split()) in index_text


def test_every_listing_entry_has_a_named_title_link(pages):
    entries = 0
    for path in listing_pages(pages):
        for entry in pages[path].find_class("lp-listing"):
            entries += 1
            link, = [a for h2 in entry.find_class("lp-listing__title") for a in h2.iter("a")]
            assert link.text_content().strip(), f"{path}: an entry's title is empty"
    assert entries >= 4  # the sample's published essays on the blog index alone


# -- metadata is text -------------------------------------------------------------------

@pytest.fixture(scope="module", params=["mkdocs", "zensical"])
def hostile_site(tmp_path_factory, request) -> Path:
    """A real build, with each engine, of a publication with markup in every metadata field (tests/hostile.py)."""
    root = hostile.hostile_publication(tmp_path_factory.mktemp("hostile") / "publication")
    return hostile.build(root, root.parent / "site", engine=request.param)


@pytest.fixture(scope="module")
def hostile_pages(hostile_site) -> dict[str, html.HtmlElement]:
    return {path.relative_to(hostile_site).as_posix(): html.parse(str(path)).getroot()
            for path in sorted(hostile_site.rglob("*.html"))}


def text_of(root) -> str:
    return " ".join(root.text_content().split())


def test_no_metadata_becomes_markup_on_any_page(hostile_pages):
    assert {"index.html", "essays/index.html", f"essays/{hostile.SLUG}/index.html", "essays/archive/2025/index.html",
            "essays/author/julia/index.html", f"newsletter/{hostile.SLUG}/index.html"} <= set(hostile_pages)
    assert [path for path in hostile_pages if path.startswith("essays/category/")], "no category page"
    problems = [f"{path}: {problem}" for path, root in hostile_pages.items() for problem in hostile.injections(root)]
    assert not problems, "metadata printed as markup (or escaped twice):\n" + "\n".join(sorted(set(problems)))


def test_title_and_description_in_the_head_are_the_text(hostile_pages):
    fields = hostile.FIELDS
    root = hostile_pages[f"essays/{hostile.SLUG}/index.html"]
    assert root.findtext(".//title") == f"{fields['title']} - {fields['site_name']}"
    [description] = root.xpath("//meta[@name='description']/@content")
    assert description == fields["description"]
    og = {meta.get("property"): meta.get("content") for meta in root.xpath("//meta[@property]")}
    assert (og["og:title"], og["og:description"], og["og:site_name"]) == \
        (fields["title"], fields["description"], fields["site_name"])
    [script] = root.xpath("//script[@type='application/ld+json']")
    assert "<" not in script.text and json.loads(script.text)["headline"] == fields["title"]
    for path in ("essays/index.html", "essays/author/julia/index.html"):
        assert hostile_pages[path].xpath("//meta[@name='description']/@content") == [fields["site_description"]]


def test_every_field_reads_as_its_text_on_the_essay_page(hostile_pages):
    text = text_of(hostile_pages[f"essays/{hostile.SLUG}/index.html"])
    for field in ("site_name", "title", "subtitle", "narrator", "chapter", "author_name",
                  "author_description", "bio", "cta_label", "category", "link", "link_section"):
        assert " ".join(hostile.FIELDS[field].split()) in text, f"{field} is not shown as its text"


def test_listings_and_views_read_as_their_text(hostile_pages):
    fields = hostile.FIELDS
    [category] = [path for path in hostile_pages if path.startswith("essays/category/")]
    for path in ("essays/index.html", "essays/archive/2025/index.html", category, "essays/author/julia/index.html"):
        [entry] = [e for e in hostile_pages[path].find_class("lp-listing")
                   if hostile.SLUG in html.tostring(e, encoding=str)]
        entry_text = text_of(entry)
        for field in ("title", "subtitle", "description", "narrator", "category"):
            assert " ".join(fields[field].split()) in entry_text, f"{path}: {field}"
    assert text_of(hostile_pages[category].xpath("//h1")[0]) == " ".join(fields["category"].split())
    assert text_of(hostile_pages["essays/author/julia/index.html"].xpath("//h1")[0]) == \
        " ".join(fields["author_name"].split())


def encodes(url: str, original: str) -> bool:
    """``url`` is ``original`` percent-encoded: the same address, nothing that could end an attribute."""
    return unquote(url) == original and not set(url) & set("\"'<> ")


def test_urls_from_metadata_are_percent_encoded_or_dropped(hostile_pages):
    root = hostile_pages[f"essays/{hostile.SLUG}/index.html"]
    sources = {source.get("src") for source in root.iter("source")}
    assert len(sources) == 1 and encodes(sources.pop(), hostile.REMOTE_AUDIO)
    listen_from = [link.get("href") for link in root.find_class("lp-listen-from")]
    assert [href.rpartition("#")[2] for href in listen_from] == ["t=0", "t=30"]
    assert all(encodes(href.rpartition("#")[0], hostile.REMOTE_AUDIO) for href in listen_from)
    assert any(encodes(img.get("src"), hostile.AVATAR) for img in root.iter("img"))
    assert any(encodes(link.get("href", ""), hostile.AUTHOR_URL) for link in root.iter("a"))


@pytest.mark.parametrize("url, expected", [
    ('https://example.org/a"><b>.mp3', "https://example.org/a%22%3E%3Cb%3E.mp3"),
    ("https://example.org/a?b=1&c=%20#t=3", "https://example.org/a?b=1&c=%20#t=3"),
    ("essays/images/j ü.png", "essays/images/j%20%C3%BC.png"),
    ("mailto:julia@example.org", "mailto:julia@example.org"),
    ("javascript:alert(1)", ""), (" JavaScript:alert(1)", ""), ("data:text/html,<b>", ""),
])
def test_urls_from_metadata_keep_their_address_and_lose_what_could_run(url, expected):
    assert link_url(url) == expected


def test_the_letters_archive_says_what_it_lists_whether_sent_or_not(pages):
    archive = pages["newsletter/index.html"]
    assert archive.xpath("string(//h1)") == "Letters"
    assert archive.xpath("normalize-space(//main/p[2])") == (
        "Each essay's letter, as subscribers get it by email. Subscribe on the website to receive the next one.")
    assert "as it arrived" not in archive.text_content()  # the sample has sent none of them
