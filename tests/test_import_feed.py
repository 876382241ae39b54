"""``letterpress import feed``: an RSS feed (saved file and address) whose entries carry full text or a summary.

The summary-only entry's page is served by the local server, with the chrome of
a website builder around the article. Regenerate the golden files with
``pytest tests/test_import_feed.py --update-golden``.
"""

from __future__ import annotations

import pytest

import import_support as support


@pytest.fixture(scope="module")
def imported(tmp_path_factory, import_server):
    """The saved RSS feed, pointing at the local server, imported into a fresh publication: (root, result)."""
    folder = tmp_path_factory.mktemp("feed")
    feed = support.with_server(support.FIXTURES / "feed" / "rss.xml", import_server, folder)
    return support.imported_into(folder, "feed", str(feed))


def test_every_entry_becomes_an_essay(imported):
    root, result = imported
    assert support.essay_names(root) == [
        "gone.md", "good.md", "on-thresholds.md", "small-rooms-long-hours.md"]
    assert "3 essays written, 0 skipped, 2 images and 0 narrations fetched, 0 problems." in result.output


def test_front_matter_of_a_full_text_entry(imported):
    meta = support.meta(imported[0], "small-rooms-long-hours.md")
    assert meta["imported_from"] == "feed:post-1001"  # the entry's id
    assert meta["aliases"] == ["/blog/small-rooms-long-hours"]
    assert meta["tags"] == ["Practice"] and meta["authors"] == ["julia"]  # "Julia Keller" is julia
    assert meta["description"] == "A short summary of small rooms."
    assert str(meta["date"]) == "2022-03-12 10:00:00"


def test_a_summary_only_entry_gets_the_article_of_its_page(imported, import_server, update_golden):
    text = support.golden_essay(imported[0], "feed", "on-thresholds.md", import_server, update_golden)
    for chrome in ("cookies", "Accept all", "Recent posts", "Join the newsletter", "Share on social", "Privacy policy",
                   "Home", "By Julia Keller"):
        assert chrome not in text


def test_full_text_matches_golden_and_scripts_are_gone(imported, import_server, update_golden):
    text = support.golden_essay(imported[0], "feed", "small-rooms-long-hours.md", import_server, update_golden)
    assert "alert" not in text


def test_an_entry_whose_page_cannot_be_fetched_is_a_draft_with_its_summary(imported, import_server):
    root, result = imported
    meta = support.meta(root, "gone.md")
    assert meta["draft"] is True
    assert "Only this summary is left" in (root / support.POSTS / "gone.md").read_text()
    assert (f"draft docs/essays/posts/gone.md: only the summary: its page {import_server}/pages/gone.html answered "
            "HTTP 404" in result.output)


def test_check_and_build_accept_the_import(imported, tmp_path):
    root = imported[0]
    assert support.run(root, "check").exit_code == 0
    site = support.build(root, tmp_path / "site")
    assert "essays/on-thresholds/" in (site / "pages/on-thresholds.html").read_text()
    assert "essays/small-rooms-long-hours/" in (site / "blog/small-rooms-long-hours/index.html").read_text()


def test_dry_run_then_a_feed_by_its_address_then_again(minimal_publication, import_server):
    root, feed = minimal_publication, f"{import_server}/feed.xml"
    before = support.snapshot(root)
    dry = support.run(root, "import", "feed", feed, "--dry-run")
    assert dry.exit_code == 0 and "would write docs/essays/posts/on-thresholds.md" in dry.output, dry.output
    assert support.snapshot(root) == before
    assert support.run(root, "import", "feed", feed).exit_code == 0
    assert "nothing to do: 3 skipped" in support.import_again(root, "feed", feed)
    page = support.run(root, "import", "feed", f"{import_server}/pages/on-thresholds.html")  # a page is not a feed
    assert page.exit_code == 1 and "not an RSS or Atom feed" in page.output


@pytest.mark.parametrize(("content", "expected"), [
    ('<rss version="2.0"><channel><title>Empty</title></channel></rss>', "the feed has no entries"),
    ("<html><body><p>Just a page.</p></body></html>", "not an RSS or Atom feed"),
    (None, "cannot be read"),
])
def test_bad_feeds_are_refused_with_one_line_and_nothing_written(minimal_publication, tmp_path, content, expected):
    assert expected in support.refused_export(minimal_publication, "feed", tmp_path / "feed.xml", content)


@pytest.mark.parametrize(("address", "expected"), [
    ("http://127.0.0.1:9/feed.xml", "cannot be fetched"),  # nothing listens on the discard port
    ("{server}/to-file", "is not an http:// or https:// address"),  # a redirect to file:// is refused
    ("{server}/nothing-here.xml", "answered HTTP 404"),
])
def test_unreachable_feeds_are_refused_naming_the_address(minimal_publication, import_server, address, expected):
    address = address.format(server=import_server)
    line = support.refused(minimal_publication, "import", "feed", address)
    assert line.startswith(f"error: {address}: ") and expected in line, line


def test_an_atom_feed_with_a_new_author(tmp_path):
    root, result = support.imported_into(tmp_path, "feed", str(support.FIXTURES / "feed" / "atom.xml"))
    meta = support.meta(root, "notes-and-pauses.md")
    assert meta["title"] == "Notes & Pauses" and meta["authors"] == ["sam-ortiz"]
    assert meta["aliases"] == ["/2021/04/notes-and-pauses.html"]
    assert meta["imported_from"] == "feed:tag:listening.example.org,2021:post-77"
    assert {key: str(value) for key, value in meta["date"].items()} == {
        "created": "2021-04-17 17:00:00", "updated": "2021-04-18 10:00:00"}  # 16:00 and 09:00 UTC, in Lisbon
    assert "### Counting" in (root / support.POSTS / "notes-and-pauses.md").read_text()
    assert "added author 'sam-ortiz' to .authors.yml" in result.output
    assert support.run(root, "check").exit_code == 0


TAG_LINE_FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>Rooms for Listening</title><link>https://old.example.org/</link>
<description>Essays on rooms and listening</description>
<item><title>On Chairs</title><link>https://old.example.org/on-chairs</link><guid>c1</guid>
<pubDate>Sat, 12 Mar 2022 10:00:00 GMT</pubDate><description>Essays on rooms and listening.</description>
<content:encoded>&lt;p&gt;Two chairs at an angle leave room for a glance to rest. Face to face, they ask for a
stare.&lt;/p&gt;</content:encoded></item>
</channel></rss>
"""


def test_an_entry_whose_summary_is_the_feed_s_tag_line_gets_its_first_paragraph(tmp_path):
    feed = tmp_path / "feed.xml"
    feed.write_text(TAG_LINE_FEED)
    root, result = support.imported_into(tmp_path, "feed", str(feed))
    assert support.meta(root, "on-chairs.md")["description"] == (
        "Two chairs at an angle leave room for a glance to rest. Face to face, they ask for a stare.")
    assert ("note: 'On Chairs' (feed:c1): its description repeated the old site's tag line (\"Essays on rooms and "
            "listening.\"); one was drawn from the first paragraph: write your own in docs/essays/posts/on-chairs.md"
            ) in result.output
