"""``letterpress import page``: article pages of a site with no export, by address or through a sitemap.

Regenerate the golden file with ``pytest tests/test_import_page.py --update-golden``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from import_support import GOLDEN, check_golden, fixture_server, front_matter, imported_text, publication, run, snapshot

POSTS = Path("docs/essays/posts")


@pytest.fixture(scope="module")
def server():
    with fixture_server() as base:
        yield base


@pytest.fixture(scope="module")
def imported(tmp_path_factory, server):
    root = publication(tmp_path_factory.mktemp("page") / "pub")
    result = run(root, "import", "page", f"{server}/pages/on-thresholds.html")
    assert result.exit_code == 0, result.output
    return root, result


def test_the_article_of_the_page_becomes_an_essay(imported, server, update_golden):
    root, result = imported
    assert "1 essays written, 0 skipped, 1 images and 0 narrations fetched, 0 problems." in result.output
    meta = front_matter(root / POSTS / "on-thresholds.md")
    assert meta["title"] == "On Thresholds"  # the page's title, not its <title> with the site's name
    assert meta["description"] == "Why the door of a consulting room matters more than its furniture."
    assert str(meta["date"]) == "2022-09-03 00:00:00"  # the page gives a day
    assert meta["aliases"] == ["/pages/on-thresholds.html"]
    assert meta["imported_from"] == f"page:{server}/pages/on-thresholds.html"
    text = imported_text((root / POSTS / "on-thresholds.md").read_text(), server)
    assert "# On Thresholds" not in text  # the heading repeating the title is the page's, not the essay's
    check_golden(text, GOLDEN / "page" / "on-thresholds.md", update_golden)


def test_check_and_build_accept_it_and_the_old_address_redirects(imported, tmp_path):
    root = imported[0]
    assert run(root, "check").exit_code == 0
    site = tmp_path / "site"
    assert run(root, "build", "--site-dir", str(site)).exit_code == 0
    assert "essays/on-thresholds/" in (site / "pages/on-thresholds.html").read_text()
    assert (root / "docs/essays/images/on-thresholds/window.jpg").is_file()


def test_a_sitemap_imports_its_article_pages_and_skips_the_others(tmp_path, server):
    root = publication(tmp_path / "pub")
    result = run(root, "import", "page", "--sitemap", f"{server}/sitemap.xml")
    assert result.exit_code == 0, result.output
    assert sorted(path.name for path in (root / POSTS).glob("*.md")) == ["good.md", "on-thresholds.md"]
    assert f"skipped {server}/pages/contact.html: no article on the page" in result.output
    again = run(root, "import", "page", "--sitemap", f"{server}/sitemap.xml")
    assert "nothing to do" in again.output


@pytest.mark.parametrize(("args", "expected"), [
    (["{server}/pages/gone.html"], "error: {server}/pages/gone.html: answered HTTP 404"),
    (["http://127.0.0.1:9/article"], "error: http://127.0.0.1:9/article: cannot be fetched"),
    (["ftp://old.example.org/x"], "error: ftp://old.example.org/x: is not an http:// or https:// address"),
    (["--sitemap", "{server}/pages/on-thresholds.html"], "error: {server}/pages/on-thresholds.html: not XML"),
    ([], "error: no page to import"),
])
def test_bad_pages_are_refused_with_one_line_and_nothing_written(tmp_path, server, args, expected):
    root = publication(tmp_path / "pub")
    before = snapshot(root)
    result = run(root, "import", "page", *[arg.format(server=server) for arg in args])
    lines = result.output.strip().splitlines()
    assert result.exit_code == 1 and len(lines) == 1, result.output
    assert lines[0].startswith(expected.format(server=server)), lines[0]
    assert snapshot(root) == before
