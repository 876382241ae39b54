"""Posts as Material's blog accepts them pass our reader (issue 20, part 2).

A title from the first '# heading' (or the file's name), a description drawn from the
excerpt with a warning to write one, no authors, and every front-matter key Material
documents for posts and pages; a misspelt key is still an error with its "did you mean".
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from letterpress.cli import cli
from letterpress.model.publication import load_publication
from letterpress.site.loader import load_settings
from run_options import SAMPLE, SAMPLE_ENV

ESSAYS = Path(__file__).parent / "fixtures" / "essays"
POSTS = "docs/essays/posts"


def add_post(root: Path, name: str) -> None:
    shutil.copy(ESSAYS / name, root / POSTS / name)


def check(root: Path, monkeypatch):
    monkeypatch.chdir(root)
    return CliRunner(env=SAMPLE_ENV).invoke(cli, ["check"], catch_exceptions=False)


def essay_of(root: Path, name: str):
    publication = load_publication(load_settings(root), SAMPLE)
    return next(e for e in publication.essays if e.path.name == name)


def test_title_from_the_heading_and_description_from_the_first_paragraph(minimal, monkeypatch):
    add_post(minimal, "post_titled_by_its_heading.md")
    result = check(minimal, monkeypatch)
    assert result.exit_code == 0, result.output
    assert (f"{POSTS}/post_titled_by_its_heading.md:1: front matter 'description': warning: has no description; "
            "listings, feeds and letters show the opening of the text ('Most of the day is noise. Some of it is "
            "not. The rest is a l…'): add 'description: ...' (a sentence or two) to the front matter."
            ) in result.output
    essay = essay_of(minimal, "post_titled_by_its_heading.md")
    assert (essay.title, essay.slug) == ("The Quiet Hour", "the-quiet-hour")
    assert essay.description == "Most of the day is noise. Some of it is not. The rest is a long story about a room."
    assert essay.page_body.startswith("Most of the day is noise.")


def test_description_from_the_text_before_the_separator(minimal):
    add_post(minimal, "post_with_more_separator.md")
    (minimal / "docs/essays/images/room.jpg").write_bytes((minimal / "docs/essays/images/julia.png").read_bytes())
    essay = essay_of(minimal, "post_with_more_separator.md")
    assert essay.description == "First paragraph of the excerpt. Second one, with a link and a note."


def test_title_from_the_file_name_when_there_is_no_heading(minimal, monkeypatch):
    add_post(minimal, "post_without_title_or_heading.md")
    result = check(minimal, monkeypatch)
    assert result.exit_code == 0, result.output
    assert (f"{POSTS}/post_without_title_or_heading.md:1: front matter 'title': warning: has neither 'title:' "
            "nor a '# heading' to open the text, so its title is its file's name, 'Post without title or "
            "heading'; add 'title: ...' to the front matter.") in result.output
    assert essay_of(minimal, "post_without_title_or_heading.md").slug == "post-without-title-or-heading"


def test_a_post_without_authors_is_read_with_a_warning(minimal, monkeypatch):
    add_post(minimal, "post_without_authors.md")
    result = check(minimal, monkeypatch)
    assert result.exit_code == 0, result.output
    assert (f"{POSTS}/post_without_authors.md:1: front matter 'authors': warning: names no author; add "
            "'authors: [key]' with a key from essays/.authors.yml, so letters and feeds say who wrote it."
            ) in result.output


def test_every_key_material_documents_is_accepted(minimal, monkeypatch):
    add_post(minimal, "post_with_every_material_key.md")
    result = check(minimal, monkeypatch)
    assert result.exit_code == 0, result.output
    assert "unknown key" not in result.output
    essay = essay_of(minimal, "post_with_every_material_key.md")
    assert (essay.slug, essay.subtitle, essay.updated.isoformat()) == ("Every-Key", "All of them",
                                                                        "2025-08-10T00:00:00+01:00")
    assert (f"{POSTS}/post_with_every_material_key.md:11: front matter 'slug': warning: 'Every-Key' has "
            "capitals") in result.output


@pytest.mark.parametrize("slug, words", [("a b", "'a b' cannot name a page"), ("../up", "'../up' cannot name"),
                                         (".hidden", "'.hidden' cannot name a page")])
def test_a_slug_that_cannot_name_a_page_is_refused(minimal, monkeypatch, slug, words):
    text = (ESSAYS / "post_without_authors.md").read_text().replace("date:", f"slug: '{slug}'\ndate:")
    (minimal / POSTS / "odd-slug.md").write_text(text)
    result = check(minimal, monkeypatch)
    assert result.exit_code == 1
    assert f"{POSTS}/odd-slug.md:4: front matter 'slug': {words}" in result.output


def test_a_misspelt_material_key_is_an_error_with_its_suggestion(minimal, monkeypatch):
    add_post(minimal, "essay_with_misspelt_material_key.md")
    result = check(minimal, monkeypatch)
    assert result.exit_code == 1
    assert (f"{POSTS}/essay_with_misspelt_material_key.md:6: front matter 'commments': unknown key; "
            "did you mean 'comments'?") in result.output


@pytest.mark.slow
def test_the_page_shows_the_heading_once_as_its_title(minimal, monkeypatch):
    add_post(minimal, "post_titled_by_its_heading.md")
    monkeypatch.chdir(minimal)
    result = CliRunner(env=SAMPLE_ENV).invoke(cli, ["build"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    page = (minimal / "site/essays/the-quiet-hour/index.html").read_text()
    assert page.count("<h1") == 1 and "<h1>The Quiet Hour</h1>" in page
    assert "<title>The Quiet Hour - Test Rooms</title>" in page
    feed = (minimal / "site/rss.xml").read_text()
    assert "<description>Most of the day is noise. Some of it is not. The rest is a long story about a room." \
           "</description>" in feed
