"""The run's options: read from the environment once, at the edge, and nowhere below it.

``LETTERPRESS_NOW`` and ``LETTERPRESS_GIT_DATES`` are the documented knobs; the command
(or the plugin in a bare ``mkdocs build``) reads them with ``from_environment``, and every
function below takes the value it was handed.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from letterpress.errors import LetterpressError
from letterpress.model import letters
from letterpress.model.options import RunOptions, from_environment
from letterpress.model.publication import load_publication
from letterpress.site.loader import load_settings
from letterpress.site.options import PUBLISHED
from run_options import at

LISBON = ZoneInfo("Europe/Lisbon")
ESSAY = "---\ntitle: {title}\ndescription: A letter.\ndate: {date}\nauthors: [julia]\n{extra}---\n\nText.\n"


def test_the_environment_gives_the_clock_and_git_dates():
    assert from_environment({}) == RunOptions(now=None, git_dates=True, drafts=False)
    assert from_environment({"LETTERPRESS_NOW": " 2026-01-15T09:00 ", "LETTERPRESS_GIT_DATES": "0"}) == \
        RunOptions(now=datetime(2026, 1, 15, 9, 0), git_dates=False, drafts=False)
    assert from_environment({"LETTERPRESS_GIT_DATES": "1", "LETTERPRESS_PREVIEW_DRAFTS": "1"}) == RunOptions()


def test_a_bad_now_is_refused_at_the_edge_naming_the_variable():
    with pytest.raises(LetterpressError) as raised:
        from_environment({"LETTERPRESS_NOW": "next tuesday"})
    assert str(raised.value) == ("environment LETTERPRESS_NOW='next tuesday' is not an ISO date-time; "
                                 "use e.g. 2026-01-15T09:00 or unset it.")


def test_a_now_without_offset_is_in_the_publications_time_zone():
    summer = RunOptions(now=datetime(2026, 6, 1, 12, 0))
    assert summer.current(LISBON) == datetime(2026, 6, 1, 12, 0, tzinfo=LISBON)
    assert summer.current(LISBON).isoformat() == "2026-06-01T12:00:00+01:00"
    given = RunOptions(now=datetime(2026, 6, 1, 12, 0, tzinfo=UTC))
    assert given.current(LISBON).isoformat() == "2026-06-01T13:00:00+01:00"


@pytest.fixture
def letters_root(minimal_publication):
    """The minimal publication with a published letter, a draft and one scheduled for September 2026."""
    posts = minimal_publication / "docs" / "essays" / "posts"
    for slug, date, extra in [("spring", "2026-04-01", ""), ("a-draft", "2026-04-03", "draft: true\n"),
                              ("autumn", "2026-09-01", "")]:
        (posts / f"{slug}.md").write_text(ESSAY.format(title=slug, date=date, extra=extra), encoding="utf-8")
    return minimal_publication


def test_below_the_edge_the_answers_follow_the_options_not_the_environment(letters_root, monkeypatch):
    # Each of these would change the answers if anything below the edge still read it.
    monkeypatch.setenv("LETTERPRESS_NOW", "2027-01-01T12:00:00")  # autumn would be published
    monkeypatch.setenv("LETTERPRESS_PREVIEW_DRAFTS", "1")  # the old preview switch: a-draft would be a letter
    monkeypatch.setenv("LETTERPRESS_LIVE_RELOAD", "/__letterpress/build")
    publication = load_publication(load_settings(letters_root), at("2026-06-01T12:00:00"))
    assert publication.now().isoformat() == "2026-06-01T12:00:00+01:00"
    assert [e.slug for e in letters.letter_essays(publication)] == ["spring", "a-good-essay"]
    assert [e.slug for e in PUBLISHED.visible(publication)] == ["spring", "a-good-essay"]
    preview = load_publication(load_settings(letters_root), at("2026-10-01T12:00:00", drafts=True))
    assert [e.slug for e in letters.letter_essays(preview)] == ["autumn", "a-draft", "spring", "a-good-essay"]
    assert [e.slug for e in PUBLISHED.visible(preview)] == ["autumn", "a-draft", "spring", "a-good-essay"]
