"""Material's default layout in headless Chromium: the feed's link, the letter's Listen button and chapter link.

The matrix publication built with Material's defaults (``blog/2026/03/14/<slug>/``),
served on 127.0.0.1. Each link is taken from the built feed or the rendered letter
as the reader's app would follow it (its path, on the local server): the feed's
link opens the essay, the letter's "Listen" button opens the page at its player,
and a chapter link opens the page and seeks the narration.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import lxml.etree
import lxml.html
import pytest

from browser_helpers import page_opener, serving
from test_fidelity_matrix import CASES, Build

pytestmark = pytest.mark.browser

DEFAULTS = next(case for case in CASES if case.name == "material-defaults")
PAGE = "/blog/2026/03/14/the-listening-hour/"
WAIT_MS = 15_000  # the most any wait may take; none is a timing assertion
AT_LEAST = "start => document.querySelector('[data-lp-player]').currentTime >= start"


@pytest.fixture(scope="module")
def defaults(tmp_path_factory) -> Build:
    return Build(DEFAULTS, "mkdocs", tmp_path_factory.mktemp("defaults"))


@pytest.fixture(scope="module")
def server(defaults):
    with serving(defaults.site, defaults.root) as base_url:
        yield base_url


@pytest.fixture
def open_page(browser, server):
    with page_opener(browser, server) as open_:
        yield open_


def local(url: str) -> str:
    """The address on the local server that ``url`` (of https://matrix.example.org/) names."""
    parts = urlsplit(url)
    return parts.path + (f"#{parts.fragment}" if parts.fragment else "")


def letter_links(defaults: Build) -> list[str]:
    path = next(p for p in defaults.letters["narrated.md"] if p.suffix == ".html")
    return lxml.html.parse(str(path)).getroot().xpath("//a/@href")


def test_the_feeds_link_opens_the_essay(open_page, defaults):
    links = lxml.etree.parse(str(defaults.site / "rss.xml")).xpath("//item/link/text()")
    assert "https://matrix.example.org/blog/2026/03/14/the-listening-hour/" in links
    page = open_page(local(links[links.index("https://matrix.example.org" + PAGE)]))
    assert page.locator("h1").first.inner_text() == "The Listening Hour"
    assert urlsplit(page.url).path == PAGE


def test_the_letters_listen_button_opens_the_page_at_its_player(open_page, defaults):
    [listen] = [href for href in letter_links(defaults) if href.endswith("#listen")]
    assert listen == "https://matrix.example.org" + PAGE + "#listen"
    page = open_page(local(listen))
    player = page.locator("#listen")
    assert player.is_visible() and player.locator("audio").count() == 1
    assert page.evaluate("document.getElementById('listen').getBoundingClientRect().top") < 900


def test_a_chapter_link_of_the_letter_opens_the_page_and_seeks(open_page, defaults):
    [chapter] = [href for href in letter_links(defaults) if href.endswith("#t=2")]
    assert chapter == "https://matrix.example.org" + PAGE + "#t=2"
    page = open_page(local(chapter))
    assert urlsplit(page.url).path == PAGE
    page.wait_for_function(AT_LEAST, arg=2, timeout=WAIT_MS)
