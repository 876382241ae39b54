"""The site's side of the sign-up: the form on the home page and under each essay, and the
thank-you, confirmed and unsubscribed pages, in the session's real build of the sample."""

from __future__ import annotations

import json

import pytest
from lxml import html

SERVICE = "https://quietrooms.example.org/service"
PAGES = {"thanks": "Check your inbox", "confirmed": "You are subscribed", "unsubscribed": "You are unsubscribed"}


def page(built_site, path: str):
    return html.fromstring((built_site / path / "index.html").read_bytes())


def essay_pages(built_site) -> dict:
    """Every essay page of the build (listing pages have no essay header), by path."""
    found = {}
    for file in sorted((built_site / "essays").glob("*/index.html")):
        document = html.fromstring(file.read_bytes())
        if document.xpath("//*[contains(@class, 'lp-essay-header')]"):
            found[file.parent.relative_to(built_site).as_posix()] = document
    return found


def forms(document) -> list:
    return document.xpath("//form[@data-lp-subscribe]")


def test_the_home_page_has_the_form_posting_to_the_service(built_site):
    [form] = forms(page(built_site, "."))
    assert form.get("method") == "post" and form.get("action") == f"{SERVICE}/subscribe"
    email = form.xpath(".//input[@name='email']")[0]
    assert email.get("type") == "email" and email.get("required") is not None
    assert form.xpath(".//label[@for='lp-subscribe-email']")
    assert form.xpath(".//input[@name='name']")
    [trap] = form.xpath(".//input[@name='website']")
    assert trap.get("tabindex") == "-1" and trap.getparent().get("aria-hidden") == "true"
    assert form.xpath(".//button[@type='submit']")


def test_every_essay_ends_with_the_form_after_the_author_note(built_site):
    essays = essay_pages(built_site)
    assert essays
    for path, document in essays.items():
        assert len(forms(document)) == 1, path
        note = document.xpath("//aside[contains(@class, 'lp-author-note')]")
        assert note, f"{path}: no author note (every sample essay has an author)"
        assert note[0].xpath("following::section[@id='subscribe']"), f"{path}: form before the author note"


@pytest.mark.parametrize("name", PAGES)
def test_the_subscription_pages_exist_outside_menu_and_search(built_site, name):
    document = page(built_site, f"subscribe/{name}")
    assert document.xpath("string(//h1)").strip().rstrip("¶") == PAGES[name]  # ¶: the heading's permalink
    home = page(built_site, ".")
    assert not home.xpath(f"//nav//a[contains(@href, 'subscribe/{name}')]")
    index = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert not any(doc["location"].startswith(f"subscribe/{name}") for doc in index["docs"])
