"""Feeds and the podcast: real consumers, XPath, jing, JSON Schema, golden files, bad input.

Regenerate the golden files (then review the diff like code):

    .venv/bin/python -m pytest --update-golden
"""

from __future__ import annotations

import dataclasses
import html
import io
import json
import shutil
import subprocess
import sys
import uuid
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urljoin

import feedparser
import httpx
import jsonschema
import lxml.html
import podcastparser
import pytest
from click.testing import CliRunner
from lxml import etree
from PIL import Image

from letterpress.cli import cli
from letterpress.feeds import feed_essays, feed_files
from letterpress.feeds.artwork import artwork_problem
from letterpress.feeds.categories import APPLE_CATEGORIES, category_problem
from letterpress.model.essay import State
from letterpress.render.markdown import absolutize, outgoing_html
from letterpress.site.capture import load_for_outputs
from run_options import SAMPLE, SAMPLE_ENV, child_env

REPO = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).parent / "golden" / "feeds"
JSON_FEED_SCHEMA = Path(__file__).parent / "fixtures" / "feeds" / "jsonfeed-1.1.schema.json"
ATOM_SCHEMA = Path(__file__).parent / "fixtures/feeds/atom.rnc"  # RFC 4287, Appendix B
FEEDS = ("rss.xml", "atom.xml", "feed.json", "podcast.xml")
NARRATED = "the-listening-hour"
CHAPTERS = f"essays/{NARRATED}/chapters.json"
SITE = "https://quietrooms.example.org/"
# The sample's addresses, written out (post_url_format "{slug}" under essays/): never computed here.
PAGES = {"the-listening-hour": SITE + "essays/the-listening-hour/",
         "the-art-of-staying": SITE + "essays/the-art-of-staying/",
         "small-rituals": SITE + "essays/small-rituals/"}
AUDIO_URL = SITE + "essays/audio/the-listening-hour.mp3"
NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
    "podcast": "https://podcastindex.org/namespace/1.0",
    "content": "http://purl.org/rss/1.0/modules/content/",
}
# podcastindex.org's namespace for podcast:guid, written here again so the test does not trust ours.
PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")


@pytest.fixture(scope="module")
def sample():
    """The sample publication as the build sees it (same fixed "now")."""
    return load_for_outputs(REPO, SAMPLE)


@pytest.fixture(scope="module")
def published(sample):
    return sample.published()


@pytest.fixture(scope="module")
def narrated(sample):
    return sample.essay(NARRATED)


def xml(site: Path, name: str):
    return etree.parse(str(site / name))


def page_url(sample, essay) -> str:
    return PAGES[essay.slug]


# -- the build writes them, every page finds them ---------------------------------------------


def test_build_writes_the_four_feeds_and_the_chapters_file(built_site):
    for name in (*FEEDS, CHAPTERS):
        assert (built_site / name).is_file(), name
        assert (built_site / name).stat().st_size > 0


def test_every_page_autodiscovers_every_feed(built_site, sample):
    expected = {
        ("application/rss+xml", SITE + "rss.xml"),
        ("application/atom+xml", SITE + "atom.xml"),
        ("application/feed+json", SITE + "feed.json"),
        ("application/rss+xml", SITE + "podcast.xml"),
    }
    pages = [path for path in sorted(built_site.rglob("*.html")) if _is_site_page(path)]
    assert len(pages) > 5
    for path in pages:
        url = _page_address(sample, path.relative_to(built_site))
        head = lxml.html.parse(str(path)).getroot().head
        found = {(link.get("type"), urljoin(url, link.get("href"))) for link in head.iter("link")
                 if link.get("rel") == "alternate" and link.get("type")}
        assert expected <= found, url


def _is_site_page(path: Path) -> bool:
    """A page of the site, not one of the email web versions the newsletter writes beside them."""
    head = lxml.html.parse(str(path)).getroot().head
    return bool(head.xpath("meta[@name='generator'][starts-with(@content, 'mkdocs')]"))


def _page_address(sample, relative: Path) -> str:
    path = relative.parent.as_posix() + "/" if relative.name == "index.html" else relative.as_posix()
    return SITE + ("" if path == "./" else path)


def test_follow_section_offers_each_feed_and_the_podcast_address(built_site, sample):
    page = lxml.html.parse(str(built_site / "index.html")).getroot()
    follow = page.get_element_by_id("lp-follow-title").getparent()
    hrefs = {urljoin(sample.settings.site_url, a.get("href")) for a in follow.iter("a")}
    assert {SITE + name for name in FEEDS} <= hrefs
    field = page.get_element_by_id("lp-podcast-url")
    assert field.get("value") == SITE + "podcast.xml"
    assert field.get("readonly") is not None
    assert follow.xpath(".//label[@for='lp-podcast-url']")


# -- real consumers ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["rss.xml", "atom.xml", "podcast.xml"])
def test_feedparser_reads_each_feed_without_complaint(built_site, name):
    parsed = feedparser.parse((built_site / name).read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.entries


def test_feeds_hold_published_essays_only(built_site, sample, published):
    hidden = [e for e in sample.essays if e.state(sample.now()) is not State.PUBLISHED]
    assert {e.state(sample.now()) for e in hidden} == {State.DRAFT, State.SCHEDULED}
    for name in ("rss.xml", "atom.xml"):
        links = [entry.link for entry in feedparser.parse(str(built_site / name)).entries]
        assert links == [page_url(sample, e) for e in published]
    items = json.loads((built_site / "feed.json").read_text())["items"]
    assert [item["url"] for item in items] == [page_url(sample, e) for e in published]
    everything = "".join((built_site / name).read_text() for name in FEEDS)
    for essay in hidden:
        assert f"/{essay.slug}/" not in everything and essay.title not in everything


def test_podcastparser_reads_the_podcast(built_site, sample, narrated):
    # The namespace spec makes its first URI an alias of the current one; podcastparser
    # 0.6.11 knows only the first, so it is handed that one to read the Podcasting 2.0 tags.
    feed = (built_site / "podcast.xml").read_bytes().replace(
        b'"https://podcastindex.org/namespace/1.0"',
        b'"https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md"')
    podcast = podcastparser.parse(SITE + "podcast.xml", io.BytesIO(feed))
    assert podcast["title"] == sample.settings.podcast.title
    assert podcast["explicit"] is False
    assert podcast["import_prohibited"] is True  # podcast:locked yes
    assert podcast["cover_url"] == SITE + "assets/podcast-artwork.jpg"
    assert podcast["itunes_owner"]["email"] == sample.settings.podcast.owner_email
    assert podcast["itunes_categories"][0][0] == sample.settings.podcast.category
    assert podcast["type"] == "episodic"
    [episode] = podcast["episodes"]
    assert episode["title"] == narrated.title
    assert episode["link"] == page_url(sample, narrated)
    assert episode["total_time"] == round(narrated.audio.duration)
    [enclosure] = episode["enclosures"]
    assert enclosure["file_size"] == narrated.audio.path.stat().st_size
    assert enclosure["mime_type"] == "audio/mpeg"
    assert episode["transcript_url"] == page_url(sample, narrated)
    assert episode["chapters_json_url"] == SITE + CHAPTERS
    assert {(p["role"], p["group"]) for p in episode["persons"]} >= {("narrator", "cast"), ("author", "writing")}


def test_atom_is_valid_against_the_atom_schema(built_site):
    assert ATOM_SCHEMA.is_file(), f"Atom schema missing: expected {ATOM_SCHEMA} (RFC 4287, Appendix B)"
    jing = shutil.which("jing")
    assert jing, "jing is not installed (Debian: apt-get install jing)"
    result = subprocess.run([jing, "-c", str(ATOM_SCHEMA), str(built_site / "atom.xml")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_json_feed_is_valid_json_feed_1_1(built_site, published):
    feed = json.loads((built_site / "feed.json").read_text(encoding="utf-8"))
    jsonschema.validate(feed, json.loads(JSON_FEED_SCHEMA.read_text()))
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert len(feed["items"]) == len(published)


# -- the podcast, tag by tag -------------------------------------------------------------------


def test_podcast_channel_has_what_apple_asks_for(built_site, sample):
    channel = xml(built_site, "podcast.xml").find("channel")
    options = sample.settings.podcast
    artwork = channel.find("itunes:image", NS).get("href")
    assert artwork.endswith((".jpg", ".png"))
    with Image.open(sample.settings.docs_dir / options.artwork) as image:
        assert image.width == image.height and 1400 <= image.width <= 3000
        assert image.format in ("JPEG", "PNG") and image.mode == "RGB"
    category = channel.find("itunes:category", NS)
    assert category.get("text") in APPLE_CATEGORIES
    sub = category.find("itunes:category", NS)
    assert sub is None or sub.get("text") in APPLE_CATEGORIES[category.get("text")]
    assert channel.findtext("itunes:explicit", namespaces=NS) in ("true", "false")
    assert channel.findtext("itunes:author", namespaces=NS)
    assert channel.findtext("itunes:owner/itunes:email", namespaces=NS) == options.owner_email
    assert channel.findtext("itunes:owner/itunes:name", namespaces=NS)
    assert channel.findtext("language") == "en"
    assert channel.findtext("itunes:type", namespaces=NS) in ("episodic", "serial")
    assert channel.find("atom:link[@rel='self']", NS).get("href") == SITE + "podcast.xml"


def test_podcast_guid_is_the_uuid5_of_the_feed_url(built_site, sample):
    feed_url = SITE + "podcast.xml"
    expected = uuid.uuid5(PODCAST_GUID_NAMESPACE, feed_url.split("://", 1)[1].rstrip("/"))
    channel = xml(built_site, "podcast.xml").find("channel")
    assert channel.findtext("podcast:guid", namespaces=NS) == str(expected)
    assert sample.settings.podcast.guid == str(expected)  # stored in mkdocs.yml
    locked = channel.find("podcast:locked", NS)
    assert locked.text == "yes" and locked.get("owner") == sample.settings.podcast.owner_email


def test_podcast_items_carry_the_recording_and_podcasting_2_tags(built_site, sample, narrated):
    [item] = xml(built_site, "podcast.xml").findall("channel/item")
    url = page_url(sample, narrated)
    guid = item.find("guid")
    assert guid.get("isPermaLink") == "false" and uuid.UUID(guid.text)
    enclosure = item.find("enclosure")
    assert enclosure.get("length") == "240558"
    assert enclosure.get("type") == "audio/mpeg"
    assert enclosure.get("url") == AUDIO_URL
    assert item.findtext("itunes:duration", namespaces=NS) == "00:01:00"  # 60.09 s
    assert item.findtext("itunes:episodeType", namespaces=NS) == "full"
    transcript = item.find("podcast:transcript", NS)
    assert (transcript.get("url"), transcript.get("type")) == (url, "text/html")
    chapters = item.find("podcast:chapters", NS)
    assert chapters.get("type") == "application/json+chapters"
    assert chapters.get("url") == SITE + CHAPTERS
    persons = {(p.get("role"), p.get("group"), p.text) for p in item.findall("podcast:person", NS)}
    assert ("narrator", "cast", narrated.audio.narrator) in persons
    for key in narrated.authors:
        assert ("author", "writing", sample.authors[key].name) in persons


def test_episode_guid_and_podcast_guid_survive_a_move_of_the_site(sample):
    moved = dataclasses.replace(sample.settings, site_url="https://elsewhere.example.net/quiet/")
    before = feed_files(sample, feed_essays(sample))["podcast.xml"]
    after = feed_files(dataclasses.replace(sample, settings=moved), feed_essays(sample))["podcast.xml"]
    guids = [etree.fromstring(doc).xpath("//podcast:guid/text() | //item/guid/text()", namespaces=NS)
             for doc in (before, after)]
    assert guids[0] == guids[1] and len(guids[0]) == 2
    assert b"elsewhere.example.net" in after


def test_chapters_file_follows_the_spec(built_site, narrated):
    chapters = json.loads((built_site / CHAPTERS).read_text(encoding="utf-8"))
    assert chapters["version"] == "1.2.0"
    starts = [c["startTime"] for c in chapters["chapters"]]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    assert [(c["title"], c["startTime"]) for c in chapters["chapters"]] == \
        [(c.title, c.start) for c in narrated.audio.chapters]
    assert len(chapters["chapters"]) == 3


def test_chapters_and_transcript_are_served_to_other_origins(site_server):
    for path in (CHAPTERS, f"essays/{NARRATED}/", "podcast.xml"):
        response = httpx.get(f"{site_server}/{path}", headers={"Origin": "https://player.example"})
        assert response.status_code == 200, path
        assert response.headers.get("access-control-allow-origin") == "*", path


# -- the recording, exactly, everywhere ------------------------------------------------------------


def test_narration_has_exact_length_and_duration_in_all_four_feeds(built_site, sample, narrated):
    size = narrated.audio.path.stat().st_size
    audio_url = AUDIO_URL
    rss = xml(built_site, "rss.xml").xpath(f"//item[link='{page_url(sample, narrated)}']/enclosure")[0]
    assert (rss.get("url"), int(rss.get("length")), rss.get("type")) == (audio_url, size, "audio/mpeg")
    atom = xml(built_site, "atom.xml").xpath("//atom:entry/atom:link[@rel='enclosure']", namespaces=NS)
    assert [(a.get("href"), int(a.get("length")), a.get("type")) for a in atom] == [(audio_url, size, "audio/mpeg")]
    items = json.loads((built_site / "feed.json").read_text())["items"]
    [attachment] = [a for item in items for a in item.get("attachments", [])]
    assert attachment["url"] == audio_url and attachment["size_in_bytes"] == size
    assert attachment["mime_type"] == "audio/mpeg"
    assert attachment["duration_in_seconds"] == pytest.approx(narrated.audio.duration, abs=0.001)
    podcast = xml(built_site, "podcast.xml").find("channel/item/enclosure")
    assert int(podcast.get("length")) == size


def test_remote_audio_uses_length_and_duration_from_front_matter(publication_copy):
    post = next((publication_copy / "docs/essays/posts").glob("small-rituals*.md"))
    text = post.read_text(encoding="utf-8")
    remote = ("audio:\n  src: https://media.example.org/rituals.mp3\n  narrator: Tomás Ferreira\n"
              "  length: 4213760\n  duration: \"00:12:05\"\n")
    post.write_text(text.replace("\n---\n", f"\n{remote}---\n", 1), encoding="utf-8")
    config = publication_copy / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("media_hosts: []", "media_hosts: [media.example.org]"),
                      encoding="utf-8")
    publication = load_for_outputs(publication_copy, SAMPLE)
    assert not publication.errors, publication.errors
    files = feed_files(publication, feed_essays(publication))
    feed = json.loads(files["feed.json"])
    [attachment] = [a for item in feed["items"] for a in item.get("attachments", []) if "rituals" in a["url"]]
    assert (attachment["size_in_bytes"], attachment["duration_in_seconds"]) == (4213760, 725)
    assert b'url="https://media.example.org/rituals.mp3" length="4213760"' in files["podcast.xml"]
    assert b"<itunes:duration>00:12:05</itunes:duration>" in files["podcast.xml"]


# -- entries: HTML with absolute URLs, dates, authors ----------------------------------------------


def _entry_html(built_site) -> dict[str, str]:
    """url -> content HTML, from each of RSS, Atom and JSON Feed (keyed by feed and url)."""
    found = {}
    for entry in feedparser.parse(str(built_site / "rss.xml")).entries:
        found[("rss", entry.link)] = entry.content[0].value
    for entry in feedparser.parse(str(built_site / "atom.xml")).entries:
        found[("atom", entry.link)] = entry.content[0].value
    for item in json.loads((built_site / "feed.json").read_text())["items"]:
        found[("json", item["url"])] = item["content_html"]
    return found


def test_every_url_in_every_entry_is_absolute(built_site):
    contents = _entry_html(built_site)
    assert len(contents) >= 9
    for (feed, url), content in contents.items():
        for element, attribute, link, _ in lxml.html.fragment_fromstring(content, create_parent="div").iterlinks():
            assert link.startswith(("https://", "mailto:")), f"{feed} {url}: {element.tag}[{attribute}]={link}"


def test_footnote_links_point_into_the_essay_page(built_site, sample):
    essay = sample.essay("the-art-of-staying")
    url = page_url(sample, essay)
    html = _entry_html(built_site)[("rss", url)]
    links = [link for _, _, link, _ in lxml.html.fragment_fromstring(html, create_parent="div").iterlinks()]
    assert any(link.startswith(url + "#fn:") for link in links)
    assert any(link.startswith(url + "#fnref:") for link in links)
    page = (built_site / "essays/the-art-of-staying/index.html").read_text(encoding="utf-8")
    assert 'id="fn:1"' in page and 'id="fnref:1"' in page


def test_entries_have_full_text_without_permalink_marks_and_with_epigraphs(built_site, sample):
    essay = sample.essay("the-art-of-staying")
    html = _entry_html(built_site)[("atom", page_url(sample, essay))]
    assert len(html) > 20_000  # the whole essay, not an excerpt
    assert "headerlink" not in html and "¶" not in html
    assert '<figure class="epigraph">' in html


def test_dates_authors_and_categories(built_site, sample, published):
    rss_items = {i.findtext("link"): i for i in xml(built_site, "rss.xml").findall("channel/item")}
    atom = {e.find("atom:link[@rel='alternate']", NS).get("href"): e
            for e in xml(built_site, "atom.xml").findall("atom:entry", NS)}
    for essay in published:
        url = page_url(sample, essay)
        assert parsedate_to_datetime(rss_items[url].findtext("pubDate")) == essay.date
        entry = atom[url]
        assert datetime.fromisoformat(entry.findtext("atom:published", namespaces=NS)) == essay.date
        assert datetime.fromisoformat(entry.findtext("atom:updated", namespaces=NS)) == (essay.updated or essay.date)
        names = [a.findtext("atom:name", namespaces=NS) for a in entry.findall("atom:author", NS)]
        assert names == [sample.authors[key].name for key in essay.authors]
        assert {c.get("term") for c in entry.findall("atom:category", NS)} == {*essay.categories, *essay.tags}
        assert entry.findtext("atom:summary", namespaces=NS) == essay.description
    newest = max(max(e.date, e.updated or e.date) for e in published)
    channel = xml(built_site, "rss.xml").find("channel")
    assert parsedate_to_datetime(channel.findtext("lastBuildDate")) == newest


def test_summary_only_feeds_when_full_text_is_off(sample):
    settings = dataclasses.replace(sample.settings,
                                   feeds=dataclasses.replace(sample.settings.feeds, full_text=False, limit=2))
    files = feed_files(dataclasses.replace(sample, settings=settings), feed_essays(sample))
    items = json.loads(files["feed.json"])["items"]
    assert len(items) == 2
    for item in items:
        assert item["summary"] in item["content_html"] and len(item["content_html"]) < 1000


def test_a_publication_without_essays_still_has_valid_feeds(sample):
    files = feed_files(dataclasses.replace(sample, essays=[]), [])
    assert set(files) == set(FEEDS)
    for name in ("rss.xml", "atom.xml", "podcast.xml"):
        parsed = feedparser.parse(files[name])
        assert not parsed.bozo and parsed.entries == [], name
    assert json.loads(files["feed.json"])["items"] == []
    assert b"<lastBuildDate>Thu, 01 Jan 1970 00:00:00 +0000</lastBuildDate>" in files["rss.xml"]


# -- metadata is text ------------------------------------------------------------------------------

HOSTILE_TEXT = 'T5 <script>alert(5)</script> <b>bold</b> & "quoted"'


@pytest.fixture
def hostile_feeds(publication_copy) -> dict[str, bytes]:
    """The sample's feeds with markup in the narrated essay's description and the channel descriptions."""
    post = publication_copy / f"docs/essays/posts/{NARRATED}.md"
    text = post.read_text(encoding="utf-8")
    start = text.index("\ndescription: ") + 1
    end = text.index("\n", start)
    post.write_text(text[:start] + f"description: '{HOSTILE_TEXT}'" + text[end:], encoding="utf-8")
    _edit_config(publication_copy, "site_description: Essays on attention, therapy and ordinary life, "
                 "read aloud by their authors.", f"site_description: '{HOSTILE_TEXT}'")
    _edit_config(publication_copy, "description: >-\n          Essays on attention, therapy and ordinary life, "
                 "read aloud by the people who wrote them.", f"description: '{HOSTILE_TEXT}'")
    publication = load_for_outputs(publication_copy, SAMPLE)
    assert not publication.errors, publication.errors
    return feed_files(publication, feed_essays(publication))


def _shows_text(markup: str) -> bool:
    """``markup``, read as HTML the way a feed reader reads a description, is HOSTILE_TEXT and no element."""
    fragment = lxml.html.fragment_fromstring(markup, create_parent="div")
    return len(fragment) == 0 and fragment.text_content() == HOSTILE_TEXT


@pytest.mark.parametrize("name", ["rss.xml", "podcast.xml"])
def test_rss_descriptions_are_the_text_not_markup(hostile_feeds, name):
    tree = etree.fromstring(hostile_feeds[name])
    [item] = [item for item in tree.iterfind("channel/item") if NARRATED in item.findtext("link")]
    assert _shows_text(item.findtext("description"))
    assert _shows_text(tree.findtext("channel/description"))
    parsed = feedparser.parse(hostile_feeds[name])
    [entry] = [entry for entry in parsed.entries if NARRATED in entry.link]
    assert entry.summary == html.escape(HOSTILE_TEXT, quote=False), "a reader would render markup"
    assert parsed.feed.subtitle == html.escape(HOSTILE_TEXT, quote=False)


def test_podcast_apps_find_no_markup_in_the_description_or_show_notes(hostile_feeds):
    podcast = podcastparser.parse("https://quietrooms.example.org/podcast.xml",
                                  io.BytesIO(hostile_feeds["podcast.xml"]))
    [episode] = [e for e in podcast["episodes"] if NARRATED in e["link"]]
    assert not podcastparser.is_html(episode["description"]), "podcast apps would render it as HTML"
    notes = lxml.html.fragment_fromstring(episode["description_html"], create_parent="div")
    assert not notes.xpath(".//script | .//b"), "the show notes carry markup from the description"
    assert notes.xpath("string(p[1])") == HOSTILE_TEXT


def test_atom_and_json_feed_keep_the_description_as_text(hostile_feeds):
    parsed = feedparser.parse(hostile_feeds["atom.xml"])
    [entry] = [entry for entry in parsed.entries if NARRATED in entry.link]
    assert (entry.summary, entry.summary_detail.type) == (HOSTILE_TEXT, "text/plain")
    assert (parsed.feed.subtitle, parsed.feed.subtitle_detail.type) == (HOSTILE_TEXT, "text/plain")
    [item] = [item for item in json.loads(hostile_feeds["feed.json"])["items"] if NARRATED in item["url"]]
    assert item["summary"] == HOSTILE_TEXT  # JSON Feed's summary is plain text


# -- the reusable Markdown conversion -------------------------------------------------------------


def test_outgoing_html_drops_permalinks_and_makes_every_url_absolute():
    page = ('<h2 id="a">A<a class="headerlink" href="#a" title="Permanent link">&para;</a></h2>\n'
            '<p>See <a href="../the-art-of-staying/#a">the other</a>, <a href="../../about/">about</a>, '
            '<img alt="x" src="../images/x.jpg" /> and <a href="https://example.com/">out</a>.'
            '<sup id="fnref:n"><a class="footnote-ref" href="#fn:n">1</a></sup>&#160;&amp;</p>')
    assert outgoing_html(page, "https://e.org/essays/one/") == (
        '<h2 id="a">A</h2>\n'
        '<p>See <a href="https://e.org/essays/the-art-of-staying/#a">the other</a>, '
        '<a href="https://e.org/about/">about</a>, <img alt="x" src="https://e.org/essays/images/x.jpg" /> and '
        '<a href="https://example.com/">out</a>.<sup id="fnref:n"><a class="footnote-ref" '
        'href="https://e.org/essays/one/#fn:n">1</a></sup>&#160;&amp;</p>')
    raw = "<p><img src='../raw.jpg'></p>"  # raw HTML quoted otherwise: parsed, then written again
    assert outgoing_html(raw, "https://e.org/essays/one/") == '<p><img src="https://e.org/essays/raw.jpg"></p>'
    assert absolutize('<a href="#x">x</a> tail', "https://e.org/p/") == '<a href="https://e.org/p/#x">x</a> tail'


def test_entries_link_other_essays_where_their_pages_are(built_site):
    html = _entry_html(built_site)[("rss", PAGES["the-listening-hour"])]
    assert f'href="{PAGES["the-art-of-staying"]}"' in html


# -- determinism and golden files -----------------------------------------------------------------


def test_feeds_match_the_golden_files(built_site, update_golden):
    names = {name: name for name in FEEDS} | {f"{NARRATED}.chapters.json": CHAPTERS}
    if update_golden:
        GOLDEN.mkdir(parents=True, exist_ok=True)
        for golden, built in names.items():
            shutil.copyfile(built_site / built, GOLDEN / golden)
    for golden, built in names.items():
        assert (GOLDEN / golden).is_file(), "no golden file; run: .venv/bin/python -m pytest --update-golden"
        assert (built_site / built).read_bytes() == (GOLDEN / golden).read_bytes(), \
            f"{built} differs from tests/golden/feeds/{golden}; " \
            "review, then: .venv/bin/python -m pytest --update-golden"


def test_two_builds_give_byte_identical_feeds(built_site, tmp_path):
    second = tmp_path / "site"
    # A later "now" (same essays published) must change nothing: no date comes from the clock.
    env = child_env(LETTERPRESS_NOW="2026-11-20T18:30:00")
    result = subprocess.run([str(Path(sys.executable).parent / "mkdocs"), "build", "--site-dir", str(second)],
                            cwd=REPO, capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    for name in (*FEEDS, CHAPTERS):
        assert (second / name).read_bytes() == (built_site / name).read_bytes(), name


# -- bad input: one clear line naming the key or file, non-zero exit -----------------------------


def _edit_config(root: Path, old: str, new: str) -> None:
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert old in text, old
    config.write_text(text.replace(old, new, 1), encoding="utf-8")


def _check(root: Path, monkeypatch):
    monkeypatch.chdir(root)
    return CliRunner(env=SAMPLE_ENV).invoke(cli, ["check"])


def _save_artwork(root: Path, size, mode="RGB", image_format="JPEG", name="podcast-artwork.jpg") -> None:
    path = root / "docs/assets" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new(mode, size).save(path, image_format)


PODCAST_ARTWORK = "artwork: assets/podcast-artwork.jpg"
BAD_CONFIGS = {
    "site_url_missing": (("site_url: https://quietrooms.example.org/\n", ""), "config 'site_url'", "absolute URLs"),
    "unknown_category": (("category: Health & Fitness", "category: Wellness"),
                         "config 'plugins.letterpress.podcast.category'", "not one of Apple's categories"),
    "subcategory_of_another_category": (("subcategory: Mental Health", "subcategory: Philosophy"),
                                        "'plugins.letterpress.podcast.subcategory'", "not a subcategory"),
    "owner_email_missing": (("owner_email: podcast@quietrooms.example.org", "owner_email: ''"),
                            "'plugins.letterpress.podcast.owner_email'", "is missing"),
    "owner_email_invalid": (("owner_email: podcast@quietrooms.example.org", "owner_email: podcast-at-home"),
                            "'plugins.letterpress.podcast.owner_email'", "not an email address"),
    "artwork_file_missing": ((PODCAST_ARTWORK, "artwork: assets/nowhere.jpg"),
                             "'plugins.letterpress.podcast.artwork'", "docs/assets/nowhere.jpg not found"),
    "artwork_not_set": ((PODCAST_ARTWORK, "artwork: ''"), "'plugins.letterpress.podcast.artwork'", "is missing"),
    "podcast_type_unknown": (("type: episodic", "type: weekly"), "'plugins.letterpress.podcast.type'",
                             "episodic"),
}


@pytest.mark.parametrize("case", BAD_CONFIGS)
def test_check_names_the_config_key_of_each_bad_podcast_setting(publication_copy, monkeypatch, case):
    (old, new), key, words = BAD_CONFIGS[case]
    _edit_config(publication_copy, old, new)
    result = _check(publication_copy, monkeypatch)
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if key in line]
    assert lines and words in lines[0], result.output
    assert lines[0].startswith("mkdocs.yml: ")


@pytest.mark.parametrize("size, mode, image_format, words", [
    ((1400, 1000), "RGB", "JPEG", "is 1400×1000 px; it must be square"),
    ((1000, 1000), "RGB", "JPEG", "between 1400 and 3000 px"),
    ((3200, 3200), "RGB", "JPEG", "between 1400 and 3000 px"),
    ((1400, 1400), "CMYK", "JPEG", "colour mode CMYK"),
    ((1400, 1400), "RGB", "GIF", "is a GIF image"),
])
def test_check_refuses_artwork_apple_would_refuse(publication_copy, monkeypatch, size, mode, image_format, words):
    _save_artwork(publication_copy, size, mode, image_format)
    result = _check(publication_copy, monkeypatch)
    assert result.exit_code == 1
    assert "mkdocs.yml: config 'plugins.letterpress.podcast.artwork': docs/assets/podcast-artwork.jpg" in result.output
    assert words in result.output, result.output


def test_artwork_must_be_named_jpg_or_png(tmp_path):
    path = tmp_path / "art.webp"
    Image.new("RGB", (1400, 1400)).save(path, "WEBP")
    assert ".jpg or .png" in artwork_problem(path)
    good = tmp_path / "art.png"
    Image.new("RGB", (3000, 3000)).save(good, "PNG")
    assert artwork_problem(good) is None


def test_category_list_is_apples():
    assert category_problem("Society & Culture", "Philosophy") is None
    assert category_problem("True Crime") is None
    assert "did you mean 'Health & Fitness'" in category_problem("Health and Fitness")[1]
    assert category_problem("Technology", "Gadgets")[0] == "subcategory"


def test_check_proposes_the_podcast_guid_to_paste(publication_copy, monkeypatch):
    _edit_config(publication_copy, "guid: ac9a4cec-9dcd-5366-b8c1-694c9b81df1f", "guid: ''")
    result = _check(publication_copy, monkeypatch)
    assert result.exit_code == 1
    expected = uuid.uuid5(PODCAST_GUID_NAMESPACE, "quietrooms.example.org/podcast.xml")
    assert "config 'plugins.letterpress.podcast.guid': is missing" in result.output
    assert f"guid: {expected}" in result.output


def test_a_stored_guid_wins_over_a_new_site_url(publication_copy):
    _edit_config(publication_copy, "site_url: https://quietrooms.example.org/", "site_url: https://moved.example.net/")
    publication = load_for_outputs(publication_copy, SAMPLE)
    podcast = feed_files(publication, feed_essays(publication))["podcast.xml"]
    assert b"<podcast:guid>ac9a4cec-9dcd-5366-b8c1-694c9b81df1f</podcast:guid>" in podcast


# what is wrong: (a config edit, a bad essay to add or None, words the message must hold)
BAD_BUILDS = {
    "podcast-config": (("owner_email: podcast@quietrooms.example.org", "owner_email: ''"), None,
                       ("mkdocs.yml: config 'plugins.letterpress.podcast.owner_email': is missing",)),
    "remote-audio-without-length": (("media_hosts: []", "media_hosts: [media.example.org]"),
                                    "essay_with_remote_audio_without_length.md",
                                    ("essay_with_remote_audio_without_length.md", "'audio.length'", "bytes")),
}


@pytest.mark.parametrize("case", BAD_BUILDS)
def test_build_fails_cleanly(publication_copy, monkeypatch, tmp_path, case):
    edit, essay, words = BAD_BUILDS[case]
    _edit_config(publication_copy, *edit)
    if essay:
        shutil.copy(Path(__file__).parent / "fixtures/essays" / essay, publication_copy / "docs/essays/posts/")
    site = tmp_path / "out"
    monkeypatch.chdir(publication_copy)
    result = CliRunner(env=SAMPLE_ENV).invoke(cli, ["build", "--site-dir", str(site)])
    assert result.exit_code == 1
    assert all(word in result.output for word in words), result.output
    assert not site.exists()  # nothing half-written
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out-")]
