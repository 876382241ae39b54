"""``letterpress import ghost``: a Ghost JSON export (made from the documented format) into a real publication.

The fixture writes the old site as ``__GHOST_URL__``, as Ghost does; ``--url`` is
the local server, which serves its images. Regenerate the golden file with
``pytest tests/test_import_ghost.py --update-golden``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from import_support import (
    FIXTURES,
    GOLDEN,
    check_golden,
    fixture_server,
    front_matter,
    imported_text,
    publication,
    run,
    snapshot,
)

POSTS = Path("docs/essays/posts")
EXPORT = FIXTURES / "ghost" / "export.json"


@pytest.fixture(scope="module")
def server():
    with fixture_server() as base:
        yield base


@pytest.fixture(scope="module")
def imported(tmp_path_factory, server):
    root = publication(tmp_path_factory.mktemp("ghost") / "pub")
    result = run(root, "import", "ghost", str(EXPORT), "--url", server + "/")
    assert result.exit_code == 0, result.output
    return root, result


def _meta(root: Path, name: str) -> dict:
    return front_matter(root / POSTS / name)


def test_posts_become_essays_and_pages_do_not(imported):
    root, result = imported
    assert sorted(path.name for path in (root / POSTS).glob("*.md")) == [
        "an-email-only-note.md", "good.md", "members-letter.md", "rooms-without-clocks.md", "the-winter-essay.md"]
    assert "skipped 'About' (ghost:6650a1b2c3d4e5f600000005): a page, not an essay" in result.output
    assert "4 essays written, 1 skipped, 2 images and 0 narrations fetched, 0 problems." in result.output


def test_front_matter_of_a_published_post(imported):
    meta = _meta(imported[0], "rooms-without-clocks.md")
    assert meta["description"] == "What a room without a clock teaches about time."  # the custom excerpt first
    assert meta["tags"] == ["Essays", "time"]  # the internal #tag dropped
    assert meta["authors"] == ["ana-ruiz"]
    assert meta["aliases"] == ["/rooms-without-clocks/"]
    assert meta["imported_from"] == "ghost:6650a1b2c3d4e5f600000001"
    assert str(meta["date"]["created"]) == "2023-05-14 13:00:00"
    assert "draft" not in meta and meta["newsletter"] is False


@pytest.mark.parametrize(("name", "draft"), [("members-letter.md", True), ("an-email-only-note.md", True),
                                             ("the-winter-essay.md", False)])
def test_members_only_and_email_only_are_drafts_scheduled_keeps_its_date(imported, name, draft):
    meta = _meta(imported[0], name)
    assert meta.get("draft", False) is draft
    if name == "the-winter-essay.md":
        assert str(meta["date"]) == "2027-01-10 08:00:00"


def test_markdown_matches_golden(imported, server, update_golden):
    text = imported_text((imported[0] / POSTS / "rooms-without-clocks.md").read_text(), server)
    assert "](__SERVER__/the-first-room/)" in text  # __GHOST_URL__ in links became --url
    check_golden(text, GOLDEN / "ghost" / "rooms-without-clocks.md", update_golden)


def test_images_are_local_and_the_site_builds(imported, tmp_path):
    root = imported[0]
    folder = root / "docs/essays/images/rooms-without-clocks"
    assert sorted(path.name for path in folder.iterdir()) == ["lamp.png", "window.jpg"]
    assert run(root, "check").exit_code == 0
    site = tmp_path / "site"
    result = run(root, "build", "--site-dir", str(site))
    assert result.exit_code == 0, result.output
    page = (site / "essays/rooms-without-clocks/index.html").read_text()
    assert "Time is felt" in page and "Sign up for Quiet Rooms" not in page
    assert "essays/rooms-without-clocks/" in (site / "rooms-without-clocks/index.html").read_text()
    assert not (site / "members-letter").exists()


def test_running_again_changes_nothing(imported, server):
    before = snapshot(imported[0])
    result = run(imported[0], "import", "ghost", str(EXPORT), "--url", server)
    assert result.exit_code == 0 and "nothing to do" in result.output, result.output
    assert snapshot(imported[0]) == before


@pytest.mark.parametrize(("content", "expected"), [
    ("{not json", "not JSON"),
    (json.dumps({"db": [{"data": {"users": []}}]}), "not a Ghost export (no db[0].data.posts)"),
    (json.dumps([1, 2, 3]), "not a Ghost export"),
])
def test_bad_exports_are_refused_with_one_line_and_nothing_written(tmp_path, content, expected):
    root = publication(tmp_path / "pub")
    export = tmp_path / "export.json"
    export.write_text(content)
    before = snapshot(root)
    result = run(root, "import", "ghost", str(export), "--url", "https://old.example.org")
    lines = result.output.strip().splitlines()
    assert result.exit_code == 1 and len(lines) == 1 and lines[0].startswith(f"error: {export}: "), result.output
    assert expected in lines[0]
    assert snapshot(root) == before


def test_the_old_site_must_be_a_web_address(tmp_path):
    root = publication(tmp_path / "pub")
    result = run(root, "import", "ghost", str(EXPORT), "--url", "old.example.org")
    assert result.exit_code == 1
    assert "--url 'old.example.org': give the old site's address" in result.output
