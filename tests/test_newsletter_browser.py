"""The email in headless Chromium: fits phones, switches to dark mode, passes axe's WCAG A/AA rules."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright

from browser_helpers import describe_violations, launch_chromium
from letterpress.newsletter import render_issue
from newsletter_helpers import LONG, NARRATED, READER, load, reader_unsubscribe_url

pytestmark = pytest.mark.browser
SITE = "https://quietrooms.example.org/"
WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
        "resultTypes": ["violations"]}
DARK_PAPER = "rgb(28, 26, 23)"  # palette.j2 dark.paper, #1c1a17


def in_own_browser(work):
    """Run ``work(browser)`` with a Chromium of its own, in a thread of its own.

    Playwright's sync API allows one instance per thread, and the site's
    browser tests keep theirs open for the whole session.
    """
    def run():
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            try:
                return work(browser)
            finally:
                browser.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


@pytest.fixture(scope="module")
def emails(sample_root, tmp_path_factory) -> dict[str, Path]:
    """The HTML one reader receives, for the narrated and the long essay, as files."""
    publication = load(sample_root)
    folder = tmp_path_factory.mktemp("emails")
    paths = {}
    for slug in (NARRATED, LONG):
        issue = render_issue(publication, publication.essay(slug))
        paths[slug] = folder / f"{slug}.html"
        paths[slug].write_text(issue.html_for(READER, reader_unsubscribe_url(publication)), encoding="utf-8")
    return paths


def open_email(browser, built_site: Path, path: Path, width: int, scheme: str):
    """Open ``path``; the site's own URLs (images, audio) are answered from the built site, nothing else."""
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)

    def answer(route):
        url = route.request.url
        local = built_site / url[len(SITE):].split("#")[0].split("?")[0] if url.startswith(SITE) else None
        if url.startswith("file:"):
            return route.continue_()
        if local is not None and local.is_file():
            return route.fulfill(path=str(local))
        return route.abort()

    context.route("**/*", answer)
    page = context.new_page()
    page.goto(path.as_uri())
    return page


def test_the_email_fits_phones_and_desktops_in_light_and_dark(built_site, emails):
    def measure(browser):
        found = {}
        for slug in (NARRATED, LONG):
            for width in (375, 700):
                for scheme in ("light", "dark"):
                    page = open_email(browser, built_site, emails[slug], width, scheme)
                    found[slug, width, scheme] = page.evaluate(
                        "[document.documentElement.scrollWidth,"
                        " getComputedStyle(document.querySelector('.lp-paper')).backgroundColor]")
                    page.context.close()
        return found

    for (slug, width, scheme), (scroll_width, paper) in in_own_browser(measure).items():
        assert scroll_width <= width, (slug, width, scheme)
        assert (paper == DARK_PAPER) == (scheme == "dark"), (slug, width, scheme, paper)


def test_axe_finds_no_wcag_violations_in_the_email(built_site, emails):
    def audit(browser):
        violations = {}
        for scheme in ("light", "dark"):
            page = open_email(browser, built_site, emails[NARRATED], 700, scheme)
            violations[scheme] = Axe().run(page, options=WCAG).response["violations"]
            page.context.close()
        return violations

    for scheme, violations in in_own_browser(audit).items():
        assert not violations, f"{scheme}:\n" + describe_violations(violations)
