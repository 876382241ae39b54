"""Dates that surprise are warned of (issue 20, part 4), through the real ``letterpress check`` and ``publish``.

An essay asking for a letter (``newsletter: true``) dated before ``newsletter.since`` goes on the site
and is never emailed; an essay dated years ahead by a slip of the keyboard vanishes from the site
until then. ``check`` names both, file and line, and still passes; ``publish --dry-run`` says which
letters it will never send. The sample's ``since`` is 2025-10-01; its "now" is 2026-11-01T12:00.
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

import scratch_publication
import test_publish as publish_setup
from letterpress.cli import cli
from run_options import SAMPLE_ENV
from scratch_publication import git

remote = publish_setup.remote
server_clone = publish_setup.server_clone
smtp = publish_setup.smtp


def check(root: Path, monkeypatch):
    """``letterpress check`` in ``root``, as an author runs it."""
    monkeypatch.chdir(root)
    return CliRunner(env=SAMPLE_ENV).invoke(cli, ["check"], catch_exceptions=False)


def write_post(root: Path, slug: str, date: str, newsletter: str = "") -> None:
    front = f"newsletter: {newsletter}\n" if newsletter else ""
    (root / f"docs/essays/posts/{slug}.md").write_text(
        f"---\ntitle: {slug.replace('-', ' ').title()}\ndescription: An essay for the date tests.\n"
        f"date: {date}\nauthors: [julia]\n{front}---\n\nA paragraph of the essay.\n", encoding="utf-8")


def test_an_essay_that_asks_for_a_letter_before_since_is_named_by_file_and_line(publication_copy, monkeypatch):
    write_post(publication_copy, "an-early-letter", "2025-09-01", newsletter="true")
    write_post(publication_copy, "said-so", "2025-09-02", newsletter="false")  # says so: nothing to warn of
    result = check(publication_copy, monkeypatch)
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        "docs/essays/posts/an-early-letter.md:6: front matter 'newsletter': warning: on the site, never emailed: "
        "it is dated 2025-09-01, before newsletter.since (2025-10-01); set 'newsletter: false' to say so, "
        "or move 'since'."]
    assert result.stdout == "ok: no errors, 1 warning.\n"


def test_essays_that_only_default_to_the_newsletter_get_one_line_for_all(publication_copy, monkeypatch):
    for number in range(1, 13):
        write_post(publication_copy, f"old-essay-{number}", f"2024-{number:02d}-10")
    result = check(publication_copy, monkeypatch)
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        "mkdocs.yml: config 'plugins.letterpress.newsletter.since': warning: 12 essays dated before 2025-10-01 "
        "are on the site and never emailed (by default: they do not set 'newsletter'). Set 'newsletter: false' "
        "to say so, or move 'since' back."]


def test_an_essay_scheduled_more_than_a_year_ahead_asks_whether_the_year_is_right(publication_copy, monkeypatch):
    essay = publication_copy / "docs/essays/posts/the-year-ahead.md"
    essay.write_text(essay.read_text(encoding="utf-8").replace("date: 2027-01-15", "date: 2062-12-06"),
                     encoding="utf-8")
    write_post(publication_copy, "within-the-year", "2027-10-31")  # 364 days ahead: no warning
    result = check(publication_copy, monkeypatch)
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        "docs/essays/posts/the-year-ahead.md:4: front matter 'date': warning: scheduled for 2062-12-06: "
        "is the year right? Until that day the essay stays off the site, the feeds and the newsletter."]


def test_the_sample_has_no_date_to_warn_of(monkeypatch):
    result = check(Path(__file__).resolve().parent.parent, monkeypatch)
    assert result.exit_code == 0 and result.output == "ok: no errors.\n", result.output


def test_publish_says_which_letter_it_will_never_send_and_why(server_clone, smtp):
    text = scratch_publication.essay("A December Letter", "2025-12-01", extra="newsletter: true",
                                     description="A short essay for the publish tests.")
    (server_clone / "docs/essays/posts/a-december-letter.md").write_text(text)
    git(server_clone, "add", "docs")
    git(server_clone, "commit", "-q", "-m", "A December Letter")
    never = ("not sending: docs/essays/posts/a-december-letter.md:6: front matter 'newsletter': warning: on the "
             "site, never emailed: it is dated 2025-12-01, before newsletter.since (2026-01-01); set "
             "'newsletter: false' to say so, or move 'since'.")
    dry = publish_setup.publish("--dry-run")
    assert dry.exit_code == 0, dry.output
    assert never in dry.output.splitlines()
    assert "would send 'a-new-letter' (A New Letter) to 2 subscribers" in dry.output.splitlines()
    assert publish_setup.publish().exit_code == 0
    again = publish_setup.publish("--dry-run")
    assert never in again.output.splitlines() and "no newsletter is due" not in again.output
    assert publish_setup.recipients(smtp) == sorted(publish_setup.PEOPLE)  # a-new-letter's, once
