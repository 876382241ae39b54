"""``letterpress import ghost``: a Ghost JSON export (made from the documented format) into a real publication.

The fixture writes the old site as ``__GHOST_URL__``, as Ghost does; ``--url`` is
the local server, which serves its images. Regenerate the golden file with
``pytest tests/test_import_ghost.py --update-golden``.
"""

from __future__ import annotations

import json

import pytest

import import_support as support

EXPORT = support.FIXTURES / "ghost" / "export.json"


@pytest.fixture(scope="module")
def imported(tmp_path_factory, import_server):
    return support.imported_into(tmp_path_factory.mktemp("ghost"), "ghost", str(EXPORT), "--url", import_server + "/")


def test_posts_become_essays_and_pages_do_not(imported):
    root, result = imported
    assert support.essay_names(root) == [
        "an-email-only-note.md", "good.md", "members-letter.md", "rooms-without-clocks.md", "the-winter-essay.md"]
    assert "skipped 'About' (ghost:6650a1b2c3d4e5f600000005): a page, not an essay" in result.output
    assert "4 essays written, 1 skipped, 2 images and 0 narrations fetched, 0 problems." in result.output


def test_front_matter_of_a_published_post(imported):
    essay = support.meta(imported[0], "rooms-without-clocks.md")
    assert essay["description"] == "What a room without a clock teaches about time."  # the custom excerpt first
    assert essay["tags"] == ["Essays", "time"]  # the internal #tag dropped
    assert essay["authors"] == ["ana-ruiz"]
    assert essay["aliases"] == ["/rooms-without-clocks/"]
    assert essay["imported_from"] == "ghost:6650a1b2c3d4e5f600000001"
    assert str(essay["date"]["created"]) == "2023-05-14 13:00:00"
    assert "draft" not in essay and essay["newsletter"] is False


@pytest.mark.parametrize(("name", "draft"), [("members-letter.md", True), ("an-email-only-note.md", True),
                                             ("the-winter-essay.md", False)])
def test_members_only_and_email_only_are_drafts_scheduled_keeps_its_date(imported, name, draft):
    essay = support.meta(imported[0], name)
    assert essay.get("draft", False) is draft
    if name == "the-winter-essay.md":
        assert str(essay["date"]) == "2027-01-10 08:00:00"


def test_markdown_matches_golden(imported, import_server, update_golden):
    text = support.golden_essay(imported[0], "ghost", "rooms-without-clocks.md", import_server, update_golden)
    assert "](__SERVER__/the-first-room/)" in text  # __GHOST_URL__ in links became --url


def test_images_are_local_and_the_site_builds(imported, tmp_path):
    root = imported[0]
    folder = root / "docs/essays/images/rooms-without-clocks"
    assert sorted(path.name for path in folder.iterdir()) == ["lamp.png", "window.jpg"]
    assert support.run(root, "check").exit_code == 0
    site = support.build(root, tmp_path / "site")
    page = (site / "essays/rooms-without-clocks/index.html").read_text()
    assert "Time is felt" in page and "Sign up for Quiet Rooms" not in page
    assert "essays/rooms-without-clocks/" in (site / "rooms-without-clocks/index.html").read_text()
    assert not (site / "members-letter").exists()


def test_running_again_changes_nothing(imported, import_server):
    support.import_again(imported[0], "ghost", str(EXPORT), "--url", import_server)


@pytest.mark.parametrize(("content", "expected"), [
    ("{not json", "not JSON"),
    (json.dumps({"db": [{"data": {"users": []}}]}), "not a Ghost export (no db[0].data.posts)"),
    (json.dumps([1, 2, 3]), "not a Ghost export"),
])
def test_bad_exports_are_refused_with_one_line_and_nothing_written(minimal_publication, tmp_path, content, expected):
    line = support.refused_export(minimal_publication, "ghost", tmp_path / "export.json", content,
                                  "--url", "https://old.example.org")
    assert expected in line, line


def test_the_old_site_must_be_a_web_address(minimal_publication):
    line = support.refused(minimal_publication, "import", "ghost", str(EXPORT), "--url", "old.example.org")
    assert "--url 'old.example.org': give the old site's address" in line
