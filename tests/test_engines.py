"""The same publication built with MkDocs and with Zensical has the same features.

Both builds are the session's (``built_site``: a real ``mkdocs build --strict``;
``zensical_site``: ``letterpress build --engine zensical``). Pages are compared
parsed, not as bytes: MiniJinja writes ``/`` in escaped attributes as ``&#x2f;``.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from urllib.parse import urljoin

import feedparser
import pytest
from lxml import etree, html

from letterpress.model.essay import State
from letterpress.model.publication import load_publication
from letterpress.site.loader import load_settings
from run_options import SAMPLE

FEEDS = ("rss.xml", "atom.xml", "podcast.xml")


@pytest.fixture(scope="module")
def sample(sample_root):
    return load_publication(load_settings(sample_root), SAMPLE)


@pytest.fixture(scope="module", params=["mkdocs", "zensical"])
def site(request, built_site, zensical_site) -> Path:
    return {"mkdocs": built_site, "zensical": zensical_site}[request.param]


def page(site: Path, path: str):
    return html.fromstring((site / path / "index.html").read_bytes())


def essay_features(site: Path, slug: str) -> dict:
    """What a reader, a podcast app and a search engine take from an essay page."""
    tree = page(site, f"essays/{slug}")
    ld = json.loads(tree.xpath("string(//script[@type='application/ld+json'])"))
    return {
        "title": tree.xpath("string(//header[@class='lp-essay-header']/h1)"),
        "audio": tree.xpath("//section[@id='listen']//audio/source/@src"),
        "narrator": tree.xpath("string(//span[@class='lp-player__narrator'])"),
        "chapters": tree.xpath("//nav[@class='lp-chapters']//a/@href"),
        "listen_from": tree.xpath("//a[@class='lp-listen-from']/@href"),
        "og": sorted(tuple(m.attrib.values()) for m in tree.xpath("//meta[starts-with(@property, 'og:')]")),
        "canonical": tree.xpath("//link[@rel='canonical']/@href"),
        "jsonld": ld,
        "description": tree.xpath("//meta[@name='description']/@content"),
        "subscribe": tree.xpath("//form[@data-lp-subscribe]/@action"),
        "feeds": tree.xpath("//link[@rel='alternate']/@href"),
        "follow": tree.xpath("//aside[@class='lp-follow']//a/@href"),
        "epigraphs": len(tree.xpath("//figure[@class='epigraph']")),
        "author_note": tree.xpath("string(//p[@class='lp-author-note__name'])"),
    }


def test_both_engines_publish_the_same_essay_pages(built_site, zensical_site, sample):
    published = {e.slug for e in sample.published()}
    for site in (built_site, zensical_site):
        pages = {p.parent.name for p in (site / "essays").glob("*/index.html")
                 if p.parent.name not in ("archive", "category", "author")}
        assert pages == published


def test_each_essay_page_has_the_same_features(built_site, zensical_site, sample):
    for essay in sample.published():
        mkdocs, zensical = essay_features(built_site, essay.slug), essay_features(zensical_site, essay.slug)
        assert zensical == mkdocs, essay.slug


def test_the_narrated_essay_has_player_chapters_and_listen_links(site, sample):
    narrated = [e for e in sample.published() if e.audio and e.audio.chapters]
    assert narrated
    for essay in narrated:
        features = essay_features(site, essay.slug)
        assert features["audio"] == [f"../audio/{Path(essay.audio.url).name}"]
        starts = [f"#t={c.start}" for c in essay.audio.chapters]
        assert [href[href.index("#"):] for href in features["chapters"]] == starts
        assert [href[href.index("#"):] for href in features["listen_from"]] == starts
        assert features["jsonld"]["audio"]["@type"] == "AudioObject"
        og = dict(features["og"])
        assert og["og:audio"] == sample.settings.absolute_url(essay.audio.url)
        assert features["jsonld"]["audio"]["contentUrl"] == og["og:audio"]


def test_listings_show_the_compact_player_with_both_engines(built_site, zensical_site):
    def players(site):  # resolved: the engines' url filters write "audio/x" and "./audio/x"
        sources = page(site, "essays").xpath("//div[contains(@class, 'lp-player--compact')]//source/@src")
        return [urljoin("https://site.test/essays/", src) for src in sources]
    assert players(built_site) and players(zensical_site) == players(built_site)


def test_no_draft_or_scheduled_essay_anywhere(site, sample):
    hidden = [e for e in sample.essays if e.state(sample.now()) is not State.PUBLISHED]
    assert {State.DRAFT, State.SCHEDULED} <= {e.state(sample.now()) for e in hidden}
    text = "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in site.rglob("*")
                     if p.is_file() and p.suffix in (".html", ".xml", ".json"))
    for essay in hidden:
        assert not (site / "essays" / essay.slug).exists()
        assert not (site / "newsletter" / essay.slug).exists()
        assert f"/{essay.slug}/" not in text, essay.slug


def test_feeds_and_chapters_carry_the_same_entries(built_site, zensical_site, sample):
    for name in FEEDS:
        mkdocs, zensical = (feedparser.parse((s / name).read_bytes()) for s in (built_site, zensical_site))
        assert [(e.id, e.title, e.get("enclosures"), e.get("summary")) for e in zensical.entries] == \
            [(e.id, e.title, e.get("enclosures"), e.get("summary")) for e in mkdocs.entries], name
    assert json.loads((zensical_site / "feed.json").read_text()) == json.loads((built_site / "feed.json").read_text())
    for essay in sample.published():
        chapters = Path("essays", essay.slug, "chapters.json")
        assert (zensical_site / chapters).exists() == (built_site / chapters).exists()
        if (built_site / chapters).exists():
            assert (zensical_site / chapters).read_bytes() == (built_site / chapters).read_bytes()


def test_email_web_versions_and_archive_match(built_site, zensical_site):
    mkdocs = sorted(p.relative_to(built_site) for p in (built_site / "newsletter").rglob("*") if p.is_file())
    zensical = sorted(p.relative_to(zensical_site) for p in (zensical_site / "newsletter").rglob("*") if p.is_file())
    assert mkdocs and zensical == mkdocs
    for path in mkdocs:
        assert (zensical_site / path).read_bytes() == (built_site / path).read_bytes(), path


SITEMAP = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def sitemap_addresses(data: bytes) -> list[str]:
    return etree.fromstring(data).xpath("//sm:url/sm:loc/text()", namespaces=SITEMAP)


def test_the_sitemap_leaves_out_the_sign_up_services_pages(site):
    listed = [address.strip() for address in sitemap_addresses((site / "sitemap.xml").read_bytes())]
    for page in ("subscribe/thanks/", "subscribe/confirmed/", "subscribe/unsubscribed/"):
        assert f"https://quietrooms.example.org/{page}" not in listed
    assert "https://quietrooms.example.org/about/" in listed
    assert "https://quietrooms.example.org/essays/the-listening-hour/" in listed
    gzipped = site / "sitemap.xml.gz"  # MkDocs writes one; its copy must say the same
    if gzipped.exists():
        assert [a.strip() for a in sitemap_addresses(gzip.decompress(gzipped.read_bytes()))] == listed
