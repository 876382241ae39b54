"""The essay page on a phone (issue 15, item 9), in headless Chromium over the session's sample build.

The author's bio is shown once (our "About the author", not Material's author
block again), the date sits above the title rather than at the very bottom, and
the player says "Read by", as the letters and feeds do.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from browser_helpers import describe_violations, run_axe
from letterpress.model.publication import load_publication
from letterpress.site.loader import load_settings
from run_options import SAMPLE

pytestmark = pytest.mark.browser

NARRATED_SLUG = "the-listening-hour"


@pytest.fixture
def essay_page(open_page):
    """The narrated sample essay at a given width: ``essay_page(width)``."""
    return lambda width: open_page(f"/essays/{NARRATED_SLUG}/", viewport={"width": width, "height": 900})


@pytest.fixture(scope="module")
def author(sample_root):
    publication = load_publication(load_settings(sample_root), SAMPLE)
    return publication.authors[publication.essay(NARRATED_SLUG).authors[0]]


def visible_count(page, text: str) -> int:
    matches = page.get_by_text(text, exact=False)
    return sum(1 for i in range(matches.count()) if matches.nth(i).is_visible())


def test_on_a_phone_the_bio_appears_once_and_the_date_above_the_title(essay_page, author):
    page = essay_page(375)
    assert visible_count(page, author.description) == 1
    assert page.locator(".lp-author-note").is_visible()
    assert not page.locator(".md-sidebar--post .md-post__authors").is_visible()
    date = page.locator(".md-sidebar--post time").first
    assert date.is_visible()
    assert date.bounding_box()["y"] < page.locator("h1").first.bounding_box()["y"]
    assert page.locator("#listen .lp-player__meta").inner_text().startswith("Read by ")


def test_on_a_desktop_the_sidebar_keeps_the_author_and_the_date(essay_page, author):
    page = essay_page(1280)
    assert page.locator(".md-sidebar--post .md-post__authors").is_visible()
    date = page.locator(".md-sidebar--post time").first
    assert date.is_visible() and date.bounding_box()["x"] < page.locator("h1").first.bounding_box()["x"]


def test_axe_finds_no_violations_on_a_phone(essay_page):
    results = run_axe(essay_page(375), Axe())
    assert not results["violations"], describe_violations(results["violations"])
