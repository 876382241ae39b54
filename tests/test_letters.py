"""One module decides which essays are letters (web versions) and which are due (publish, status)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest

from letterpress.model import letters
from letterpress.model.publication import load_publication
from letterpress.site.loader import load_settings
from run_options import at

SINCE = dt.date(2026, 3, 1)
ESSAY = "---\ntitle: {title}\ndescription: A letter.\ndate: {date}\nauthors: [julia]\n{extra}---\n\nText.\n"


@pytest.fixture
def publication(minimal_publication):
    posts = minimal_publication / "docs" / "essays" / "posts"
    (posts / "good.md").unlink()
    for slug, date, extra in [("before", "2026-02-28", ""), ("on-the-day", "2026-03-01", ""),
                              ("after", "2026-04-01", ""), ("not-a-letter", "2026-04-02", "newsletter: false\n"),
                              ("a-draft", "2026-04-03", "draft: true\n"), ("scheduled", "2026-09-01", "")]:
        (posts / f"{slug}.md").write_text(ESSAY.format(title=slug, date=date, extra=extra), encoding="utf-8")

    def load(drafts: bool = False):
        settings = load_settings(minimal_publication)
        newsletter = dataclasses.replace(settings.newsletter, since=SINCE)
        return load_publication(dataclasses.replace(settings, newsletter=newsletter),
                                at("2026-06-01T12:00:00", drafts=drafts))

    return load


def slugs(essays) -> list[str]:
    return [essay.slug for essay in essays]


def test_an_essay_published_on_the_since_date_is_a_letter_and_due(publication):
    assert slugs(letters.letter_essays(publication())) == ["after", "on-the-day"]  # newest first
    assert slugs(letters.due_essays(publication())) == ["on-the-day", "after"]  # oldest first


def write_record(root, name: str, record: dict) -> Path:
    path = root / letters.SENT_DIR / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record), encoding="utf-8")
    return path


def test_a_letter_already_sent_is_a_letter_but_not_due_even_before_since(publication):
    root = publication().settings.root
    for slug in ("before", "on-the-day"):
        write_record(root, f"{slug}.json", {"essay": f"{slug}.md", "slug": slug, "counts": {"sent": 1}})
    loaded = publication()
    assert slugs(letters.letter_essays(loaded)) == ["after", "on-the-day", "before"]
    assert slugs(letters.due_essays(loaded)) == ["after"]
    assert letters.sent_record(loaded, loaded.essay("before")) == {
        "essay": "before.md", "slug": "before", "counts": {"sent": 1}}


def test_every_published_letter_has_a_web_version_sent_or_not_in_the_window_or_not(publication):
    assert slugs(letters.web_version_essays(publication())) == ["after", "on-the-day", "before"]


def test_a_record_from_before_identities_is_migrated_once_by_its_slug(publication):
    root = publication().settings.root
    path = write_record(root, "before.json", {"slug": "before", "counts": {"sent": 1}})
    loaded = publication()
    assert slugs(letters.due_essays(loaded)) == ["on-the-day", "after"]
    assert json.loads(path.read_text(encoding="utf-8")) == {
        "slug": "before", "counts": {"sent": 1}, "essay": "before.md",
        "url": "essays/before/", "web": "newsletter/before/"}


def test_a_new_title_changes_the_slug_but_sends_nothing_again(publication):
    root = publication().settings.root
    write_record(root, "on-the-day.json", {"essay": "on-the-day.md", "slug": "on-the-day", "counts": {"sent": 1},
                                           "url": "essays/on-the-day/", "web": "newsletter/on-the-day/"})
    post = root / "docs/essays/posts/on-the-day.md"
    post.write_text(post.read_text(encoding="utf-8").replace("title: on-the-day", "title: A Day Renamed"))
    loaded = publication()
    assert loaded.essay("a-day-renamed").key == "on-the-day.md"
    assert slugs(letters.due_essays(loaded)) == ["after"]
    [moved] = [m for m in letters.moved_addresses(loaded) if m.what == "page"]
    assert (moved.old, moved.new) == ("essays/on-the-day/", "essays/a-day-renamed/")


def test_a_record_whose_essay_is_gone_is_an_error_naming_the_fix(publication):
    root = publication().settings.root
    write_record(root, "gone.json", {"essay": "gone.md", "slug": "gone", "counts": {"sent": 1}})
    [problem] = letters.orphan_problems(publication())
    assert problem.path == "newsletter/sent/gone.json" and problem.is_error
    assert "gone.md" in problem.message and "git rm" in problem.message


def test_drafts_are_letters_only_in_the_preview(publication):
    assert "a-draft" not in slugs(letters.letter_essays(publication()))
    assert "a-draft" in slugs(letters.letter_essays(publication(drafts=True)))
    assert "a-draft" not in slugs(letters.due_essays(publication(drafts=True)))


def test_publish_and_the_web_versions_use_this_module():
    from letterpress.newsletter import web
    from letterpress.publishing import plan, status

    assert plan.due_essays is letters.due_essays
    assert web.letter_essays is letters.letter_essays
    assert status.sent_record is letters.sent_record
