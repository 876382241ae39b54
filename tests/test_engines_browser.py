"""The Zensical build in headless Chromium: the narration plays and seeks, axe finds nothing.

The same checks as tests/test_browser.py makes of the MkDocs build, over the
session's ``zensical_site`` served by ``letterpress serve``'s app.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe

from browser_helpers import describe_violations, page_opener, run_axe, serving

pytestmark = pytest.mark.browser

NARRATED = "/essays/the-listening-hour/"
WAIT_MS = 15_000  # the most any wait may take; none is a timing assertion
PLAYING_FROM = ("start => { const a = document.querySelector('[data-lp-player]'); "
                "return a.currentTime >= start && !a.paused; }")


@pytest.fixture(scope="module")
def zensical_server(zensical_site):
    with serving(zensical_site) as base_url:
        yield base_url


@pytest.fixture
def open_page(browser, zensical_server):
    """conftest's ``open_page``, over the Zensical build."""
    with page_opener(browser, zensical_server) as open_:
        yield open_


@pytest.mark.parametrize(("links", "nth"), [("#listen .lp-chapters a", 1), ("a.lp-listen-from", 2)],
                         ids=["chapter-link", "listen-from-here"])
def test_a_seek_link_seeks_the_player_and_plays(open_page, links, nth):
    page = open_page(NARRATED)
    link = page.locator(links).nth(nth)
    start = float(link.get_attribute("data-lp-seek"))
    link.click()
    page.wait_for_function(PLAYING_FROM, arg=start, timeout=WAIT_MS)
    assert urlsplit(page.url).path == NARRATED, "the link left the page instead of seeking"


@pytest.mark.parametrize("path", [NARRATED, "/essays/", "/essays/archive/2026/"])
def test_axe_finds_no_violations(open_page, path):
    page = open_page(path)
    results = run_axe(page, Axe())
    assert not results["violations"], f"axe on {path} (Zensical):\n" + describe_violations(results["violations"])


@pytest.mark.parametrize("width", [375, 1280])
def test_the_essay_fits_the_screen(open_page, width, tmp_path):
    page = open_page(NARRATED, viewport={"width": width, "height": 900})
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    page.screenshot(path=tmp_path / f"zensical-essay-{width}.png", full_page=True)
