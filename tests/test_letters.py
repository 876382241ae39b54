"""One module decides which essays are letters (web versions) and which are due (publish, status)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest

from letterpress.model import letters
from letterpress.model.publication import load_publication
from letterpress.site.loader import load_settings

SINCE = dt.date(2026, 3, 1)
ESSAY = "---\ntitle: {title}\ndescription: A letter.\ndate: {date}\nauthors: [julia]\n{extra}---\n\nText.\n"


@pytest.fixture
def publication(minimal_publication, monkeypatch):
    monkeypatch.setenv("LETTERPRESS_NOW", "2026-06-01T12:00:00")
    posts = minimal_publication / "docs" / "essays" / "posts"
    (posts / "good.md").unlink()
    for slug, date, extra in [("before", "2026-02-28", ""), ("on-the-day", "2026-03-01", ""),
                              ("after", "2026-04-01", ""), ("not-a-letter", "2026-04-02", "newsletter: false\n"),
                              ("a-draft", "2026-04-03", "draft: true\n"), ("scheduled", "2026-09-01", "")]:
        (posts / f"{slug}.md").write_text(ESSAY.format(title=slug, date=date, extra=extra), encoding="utf-8")

    def load():
        settings = load_settings(minimal_publication)
        newsletter = dataclasses.replace(settings.newsletter, since=SINCE)
        return load_publication(dataclasses.replace(settings, newsletter=newsletter))

    return load


def slugs(essays) -> list[str]:
    return [essay.slug for essay in essays]


def test_an_essay_published_on_the_since_date_is_a_letter_and_due(publication):
    assert slugs(letters.letter_essays(publication())) == ["after", "on-the-day"]  # newest first
    assert slugs(letters.due_essays(publication())) == ["on-the-day", "after"]  # oldest first


def test_a_letter_already_sent_is_a_letter_but_not_due_even_before_since(publication):
    root = publication().settings.root
    for slug in ("before", "on-the-day"):
        path = letters.sent_path(root, slug)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"slug": slug, "counts": {"sent": 1}}), encoding="utf-8")
    assert slugs(letters.letter_essays(publication())) == ["after", "on-the-day", "before"]
    assert slugs(letters.due_essays(publication())) == ["after"]
    assert letters.sent_record(root, "before") == {"slug": "before", "counts": {"sent": 1}}


def test_drafts_are_letters_only_in_the_preview(publication, monkeypatch):
    assert "a-draft" not in slugs(letters.letter_essays(publication()))
    monkeypatch.setenv(letters.PREVIEW_DRAFTS, "1")
    assert "a-draft" in slugs(letters.letter_essays(publication()))
    assert "a-draft" not in slugs(letters.due_essays(publication()))


def test_publish_and_the_web_versions_use_this_module():
    from letterpress.newsletter import web
    from letterpress.publishing import plan, status

    assert plan.due_essays is letters.due_essays
    assert web.letter_essays is letters.letter_essays
    assert status.sent_record is letters.sent_record
