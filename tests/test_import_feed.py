"""``letterpress import feed``: an RSS feed (saved file and address) whose entries carry full text or a summary.

The summary-only entry's page is served by the local server, with the chrome of
a website builder around the article. Regenerate the golden files with
``pytest tests/test_import_feed.py --update-golden``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from import_support import (
    FIXTURES,
    GOLDEN,
    check_golden,
    fixture_server,
    front_matter,
    imported_text,
    publication,
    run,
    snapshot,
    with_server,
)

POSTS = Path("docs/essays/posts")


@pytest.fixture(scope="module")
def server():
    with fixture_server() as base:
        yield base


@pytest.fixture(scope="module")
def feed_file(tmp_path_factory, server) -> Path:
    return with_server(FIXTURES / "feed" / "rss.xml", server, tmp_path_factory.mktemp("feed") / "rss.xml")


@pytest.fixture(scope="module")
def imported(tmp_path_factory, feed_file):
    root = publication(tmp_path_factory.mktemp("feed") / "pub")
    result = run(root, "import", "feed", str(feed_file))
    assert result.exit_code == 0, result.output
    return root, result


def test_every_entry_becomes_an_essay(imported):
    root, result = imported
    assert sorted(path.name for path in (root / POSTS).glob("*.md")) == [
        "gone.md", "good.md", "on-thresholds.md", "small-rooms-long-hours.md"]
    assert "3 essays written, 0 skipped, 2 images and 0 narrations fetched, 0 problems." in result.output


def test_front_matter_of_a_full_text_entry(imported):
    meta = front_matter(imported[0] / POSTS / "small-rooms-long-hours.md")
    assert meta["imported_from"] == "feed:post-1001"  # the entry's id
    assert meta["aliases"] == ["/blog/small-rooms-long-hours"]
    assert meta["tags"] == ["Practice"] and meta["authors"] == ["julia"]  # "Julia Keller" is julia
    assert meta["description"] == "A short summary of small rooms."
    assert str(meta["date"]) == "2022-03-12 10:00:00"


def test_a_summary_only_entry_gets_the_article_of_its_page(imported, server, update_golden):
    text = imported_text((imported[0] / POSTS / "on-thresholds.md").read_text(), server)
    for chrome in ("cookies", "Accept all", "Recent posts", "Join the newsletter", "Share on social", "Privacy policy",
                   "Home", "By Julia Keller"):
        assert chrome not in text
    check_golden(text, GOLDEN / "feed" / "on-thresholds.md", update_golden)


def test_full_text_matches_golden_and_scripts_are_gone(imported, server, update_golden):
    text = imported_text((imported[0] / POSTS / "small-rooms-long-hours.md").read_text(), server)
    assert "alert" not in text
    check_golden(text, GOLDEN / "feed" / "small-rooms-long-hours.md", update_golden)


def test_an_entry_whose_page_cannot_be_fetched_is_a_draft_with_its_summary(imported, server):
    root, result = imported
    meta = front_matter(root / POSTS / "gone.md")
    assert meta["draft"] is True
    assert "Only this summary is left" in (root / POSTS / "gone.md").read_text()
    assert (f"draft docs/essays/posts/gone.md: only the summary: its page {server}/pages/gone.html answered HTTP 404"
            in result.output)


def test_check_and_build_accept_the_import(imported, tmp_path):
    root = imported[0]
    assert run(root, "check").exit_code == 0
    site = tmp_path / "site"
    assert run(root, "build", "--site-dir", str(site)).exit_code == 0
    assert "essays/on-thresholds/" in (site / "pages/on-thresholds.html").read_text()
    assert "essays/small-rooms-long-hours/" in (site / "blog/small-rooms-long-hours/index.html").read_text()


def test_dry_run_then_a_feed_by_its_address_then_again(tmp_path, server):
    root = publication(tmp_path / "pub")
    before = snapshot(root)
    dry = run(root, "import", "feed", f"{server}/feed.xml", "--dry-run")
    assert dry.exit_code == 0 and "would write docs/essays/posts/on-thresholds.md" in dry.output, dry.output
    assert snapshot(root) == before
    assert run(root, "import", "feed", f"{server}/feed.xml").exit_code == 0
    written = snapshot(root)
    again = run(root, "import", "feed", f"{server}/feed.xml")
    assert again.exit_code == 0 and "nothing to do: 3 skipped" in again.output, again.output
    assert snapshot(root) == written
    page = run(root, "import", "feed", f"{server}/pages/on-thresholds.html")  # a page is not a feed
    assert page.exit_code == 1 and "not an RSS or Atom feed" in page.output


@pytest.mark.parametrize(("content", "expected"), [
    ('<rss version="2.0"><channel><title>Empty</title></channel></rss>', "the feed has no entries"),
    ("<html><body><p>Just a page.</p></body></html>", "not an RSS or Atom feed"),
    (None, "cannot be read"),
])
def test_bad_feeds_are_refused_with_one_line_and_nothing_written(tmp_path, content, expected):
    root = publication(tmp_path / "pub")
    feed = tmp_path / "feed.xml"
    if content is not None:
        feed.write_text(content)
    before = snapshot(root)
    result = run(root, "import", "feed", str(feed))
    lines = result.output.strip().splitlines()
    assert result.exit_code == 1 and len(lines) == 1 and lines[0].startswith(f"error: {feed}: "), result.output
    assert expected in lines[0]
    assert snapshot(root) == before


@pytest.mark.parametrize(("address", "expected"), [
    ("http://127.0.0.1:9/feed.xml", "cannot be fetched"),  # nothing listens on the discard port
    ("{server}/to-file", "is not an http:// or https:// address"),  # a redirect to file:// is refused
    ("{server}/nothing-here.xml", "answered HTTP 404"),
])
def test_unreachable_feeds_are_refused_naming_the_address(tmp_path, server, address, expected):
    root = publication(tmp_path / "pub")
    address = address.format(server=server)
    before = snapshot(root)
    result = run(root, "import", "feed", address)
    lines = result.output.strip().splitlines()
    assert result.exit_code == 1 and len(lines) == 1 and lines[0].startswith(f"error: {address}: "), result.output
    assert expected in lines[0]
    assert snapshot(root) == before


def test_an_atom_feed_with_a_new_author(tmp_path):
    root = publication(tmp_path / "pub")
    result = run(root, "import", "feed", str(FIXTURES / "feed" / "atom.xml"))
    assert result.exit_code == 0, result.output
    meta = front_matter(root / POSTS / "notes-and-pauses.md")
    assert meta["title"] == "Notes & Pauses" and meta["authors"] == ["sam-ortiz"]
    assert meta["aliases"] == ["/2021/04/notes-and-pauses.html"]
    assert meta["imported_from"] == "feed:tag:listening.example.org,2021:post-77"
    assert {key: str(value) for key, value in meta["date"].items()} == {
        "created": "2021-04-17 17:00:00", "updated": "2021-04-18 10:00:00"}  # 16:00 and 09:00 UTC, in Lisbon
    assert "### Counting" in (root / POSTS / "notes-and-pauses.md").read_text()
    assert "added author 'sam-ortiz' to .authors.yml" in result.output
    assert run(root, "check").exit_code == 0
