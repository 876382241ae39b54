"""The served site in headless Chromium: the narration plays and seeks, keyboard
and no-JavaScript paths work, axe finds nothing, no request leaves 127.0.0.1.

One browser for the module and one server (``letterpress serve``'s app over the
session's ``built_site``) for the session; every test opens its own context.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe

import hostile
from browser_helpers import AXE_OPTIONS, describe_violations, rules_run, run_axe, serving
from letterpress.model.publication import load_publication
from letterpress.site.loader import load_settings
from run_options import SAMPLE

pytestmark = pytest.mark.browser

NARRATED_SLUG = "the-listening-hour"
NARRATED = f"/essays/{NARRATED_SLUG}/"
LONG = "/essays/the-art-of-staying/"
WAIT_MS = 15_000  # the most any wait below may take; none is a timing assertion
SCHEMES = {"light": "default", "dark": "slate"}

# What a chapter or player element is, as seen from document.activeElement.
FOCUSED = """() => {
  const el = document.activeElement;
  if (el && el.matches('[data-lp-player]')) return 'player';
  const chapters = [...document.querySelectorAll('#listen .lp-chapters a')];
  return chapters.includes(el) ? 'chapter:' + chapters.indexOf(el) : (el ? el.tagName : '');
}"""
PLAYING_FROM = ("start => { const a = document.querySelector('[data-lp-player]'); "
                "return a.currentTime >= start && !a.paused; }")
AT_LEAST = "start => document.querySelector('[data-lp-player]').currentTime >= start"


@pytest.fixture(scope="session")
def site_paths(built_site) -> dict[str, str]:
    """The page of each kind the tests visit; listings are ones that list the narrated essay."""
    def listing(pattern: str) -> str:
        found = [path for path in sorted(built_site.glob(pattern))
                 if f'{NARRATED_SLUG}/"' in path.read_text(encoding="utf-8")]
        assert found, f"no {pattern} lists {NARRATED}"
        return "/" + found[0].parent.relative_to(built_site).as_posix() + "/"

    return {"home": "/", "narrated essay": NARRATED, "long essay": LONG, "blog index": "/essays/",
            "archive": listing("essays/archive/*/index.html"),
            "category": listing("essays/category/*/index.html"),
            "author": listing("essays/author/*/index.html")}


def chapter_starts(page) -> list[float]:
    links = page.locator("#listen .lp-chapters a")
    return [float(links.nth(i).get_attribute("data-lp-seek")) for i in range(links.count())]


# -- the narration ---------------------------------------------------------------

def test_the_page_shows_narrator_duration_size_and_a_download(open_page, sample_root):
    audio = load_publication(load_settings(sample_root), SAMPLE).essay(NARRATED_SLUG).audio
    page = open_page(NARRATED)
    player = page.locator("#listen")
    assert player.locator(".lp-player__narrator").inner_text() == audio.narrator
    # The sample narration: 60.09 s and 240,558 bytes.
    assert player.locator(".lp-player__duration time").inner_text() == "1:00"
    assert player.locator(".lp-player__size").inner_text() == "241 KB"
    download = player.locator("a.lp-player__download")
    assert download.is_visible()
    assert download.get_attribute("href").endswith(".mp3")
    assert download.get_attribute("download") is not None


def test_a_chapter_link_seeks_the_player_and_plays(open_page):
    page = open_page(NARRATED)
    start = chapter_starts(page)[1]
    page.locator("#listen .lp-chapters a").nth(1).click()
    page.wait_for_function(PLAYING_FROM, arg=start, timeout=WAIT_MS)
    reached = page.evaluate("document.querySelector('[data-lp-player]').currentTime")
    page.wait_for_function(f"document.querySelector('[data-lp-player]').currentTime > {reached}",
                           timeout=WAIT_MS)
    assert urlsplit(page.url).path == NARRATED, "the link left the page instead of seeking"
    page.wait_for_function("document.querySelectorAll('#listen .lp-chapters a')[1]"
                           ".getAttribute('aria-current') === 'true'", timeout=WAIT_MS)


def test_the_keyboard_reaches_the_player_then_the_chapters_and_enter_seeks(open_page):
    page = open_page(NARRATED)
    start = chapter_starts(page)[1]
    seen = []
    for _ in range(150):
        page.keyboard.press("Tab")
        seen.append(page.evaluate(FOCUSED))
        if seen[-1] == "chapter:1":
            break
    assert "player" in seen, f"Tab never reached the audio player: {seen}"
    assert seen[-1] == "chapter:1", f"Tab never reached the second chapter: {seen}"
    assert seen.index("player") < seen.index("chapter:0") < len(seen) - 1
    page.keyboard.press("Enter")
    page.wait_for_function(PLAYING_FROM, arg=start, timeout=WAIT_MS)


def test_without_javascript_chapter_links_open_the_recording_at_the_chapter(open_page):
    page = open_page(NARRATED, java_script_enabled=False)
    link = page.locator("#listen .lp-chapters a").nth(1)
    start = link.get_attribute("data-lp-seek")
    audio_src = urljoin(page.url, page.locator("#listen audio source").get_attribute("src"))
    assert urljoin(page.url, link.get_attribute("href")) == f"{audio_src}#t={start}"
    listen_from = page.locator(".lp-listen-from").first
    assert urljoin(page.url, listen_from.get_attribute("href")).startswith(audio_src + "#t=")
    # Following the link opens the recording itself, which honours the media fragment.
    link.click()
    page.wait_for_url(f"{audio_src}#t={start}", timeout=WAIT_MS)
    page.wait_for_function("start => document.querySelector('video, audio').currentTime >= start",
                           arg=float(start), timeout=WAIT_MS)


def test_an_address_with_a_time_seeks_the_player(open_page):
    page = open_page(NARRATED + "#t=20")
    page.wait_for_function(AT_LEAST, arg=20, timeout=WAIT_MS)
    last = chapter_starts(page)[-1]
    page.evaluate(f"location.hash = '#t={last:g}'")
    page.wait_for_function(AT_LEAST, arg=last, timeout=WAIT_MS)


# -- listings --------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["blog index", "archive"])
def test_listings_show_the_compact_player(open_page, site_paths, kind):
    page = open_page(site_paths[kind])
    entry = page.locator("article.lp-listing", has_text="The Listening Hour")
    player = entry.locator(".lp-player--compact audio")
    assert player.is_visible()
    assert player.get_attribute("preload") == "none"
    assert page.locator(".lp-player--compact").count() >= 1
    assert page.locator("[data-lp-player]").count() == 0, "a listing shows an essay's full player"


# -- accessibility -------------------------------------------------------------------

@pytest.fixture(scope="session")
def axe() -> Axe:
    return Axe()


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("kind", ["home", "narrated essay", "long essay", "blog index",
                                  "archive", "category", "author"])
def test_axe_finds_no_violations(open_page, site_paths, axe, kind, scheme):
    page = open_page(site_paths[kind], color_scheme=scheme)
    assert page.get_attribute("body", "data-md-color-scheme") == SCHEMES[scheme]
    results = run_axe(page, axe)
    assert {"color-contrast", "heading-order", "region", "landmark-unique"} <= rules_run(results), \
        "axe did not run its best-practice rules"
    assert not results["violations"], (
        f"axe on {kind} ({scheme}):\n" + describe_violations(results["violations"]))


@pytest.mark.parametrize("scheme", SCHEMES)
def test_axe_finds_no_violations_in_the_playing_player(open_page, axe, scheme):
    """The player while it plays: the current chapter is marked (colours change)."""
    page = open_page(NARRATED, color_scheme=scheme)
    page.locator("#listen .lp-chapters a").nth(1).click()
    page.wait_for_selector("#listen .lp-chapters a[aria-current]", timeout=WAIT_MS)
    page.evaluate("document.querySelector('[data-lp-player]').pause()")
    page.mouse.move(0, 0)
    results = axe.run(page, context="#listen", options=AXE_OPTIONS).response
    assert not results["violations"], (
        f"axe on the playing player ({scheme}):\n" + describe_violations(results["violations"]))


# -- privacy ---------------------------------------------------------------------------

def test_pages_request_nothing_but_the_site(open_page, site_paths):
    requested = []
    page = open_page("about:blank")
    page.on("request", lambda request: requested.append(request.url))
    for kind in ("home", "narrated essay", "long essay", "blog index"):
        page.goto(site_paths[kind], wait_until="networkidle")
    elsewhere = sorted({url for url in requested
                        if urlsplit(url).scheme not in ("data", "blob") and urlsplit(url).hostname != "127.0.0.1"})
    # Material fetches sitemap.xml beside every <link rel="alternate"> href, so an absolute
    # href there (a feed link with site_url) makes previews call the live site.
    assert not elsewhere, "requests that left 127.0.0.1:\n" + "\n".join(elsewhere)


# -- look ---------------------------------------------------------------------------------

@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", [375, 1280])
def test_pages_fit_the_screen_and_are_captured(open_page, site_paths, tmp_path, width, scheme):
    """No sideways scrolling on a phone or a desktop; screenshots kept for review."""
    for kind in ("narrated essay", "long essay", "blog index"):
        page = open_page(site_paths[kind], viewport={"width": width, "height": 900}, color_scheme=scheme)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{kind} is {overflow}px wider than a {width}px screen"
        assert page.locator("h1").first.is_visible()
        page.screenshot(path=tmp_path / f"{kind.replace(' ', '-')}-{width}-{scheme}.png", full_page=True)


# -- metadata is text ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    """``letterpress serve``'s app over a real build with markup in every metadata field."""
    root = hostile.hostile_publication(tmp_path_factory.mktemp("hostile") / "publication")
    with serving(hostile.build(root, root.parent / "site"), root) as base_url:
        yield base_url


@pytest.mark.parametrize("path", [f"/essays/{hostile.SLUG}/", "/essays/"])
def test_metadata_runs_no_script_in_the_browser(browser, hostile_server, path):
    context = browser.new_context(base_url=hostile_server)
    dialogs = []
    context.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    # Other hosts fail at once (as offline), so an onerror="…" would fire, and nothing waits on DNS.
    context.route(lambda url: urlsplit(url).hostname != "127.0.0.1", lambda route: route.abort())
    try:
        page = context.new_page()
        page.goto(path, wait_until="load")
        page.locator(".lp-listing, .lp-player").first.hover()  # an onmouseover=… would fire
        assert page.evaluate("document.readyState") == "complete"
        assert page.title().endswith(hostile.FIELDS["site_name"])  # the title shows as text
    finally:
        context.close()
    assert not dialogs, f"metadata ran as script on {path}: alert({dialogs})"


@pytest.mark.parametrize("path", ["/", "/about/", "/essays/"])
def test_on_a_390_px_phone_the_text_keeps_16_px_from_each_edge(open_page, path):
    page = open_page(path, viewport={"width": 390, "height": 844})
    for selector in (".md-content__inner h1", ".md-content__inner p"):
        box = page.locator(selector).first.bounding_box()
        assert box["x"] >= 16, (path, selector, box)
        assert box["x"] + box["width"] <= 390 - 16, (path, selector, box)
