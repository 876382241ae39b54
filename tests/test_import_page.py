"""``letterpress import page``: article pages of a site with no export, by address or through a sitemap.

Regenerate the golden file with ``pytest tests/test_import_page.py --update-golden``.
"""

from __future__ import annotations

import pytest

import import_support as support


@pytest.fixture(scope="module")
def imported(tmp_path_factory, import_server):
    return support.imported_into(tmp_path_factory.mktemp("page"), "page", f"{import_server}/pages/on-thresholds.html")


def test_the_article_of_the_page_becomes_an_essay(imported, import_server, update_golden):
    root, result = imported
    assert "1 essays written, 0 skipped, 1 images and 0 narrations fetched, 0 problems." in result.output
    essay = support.meta(root, "on-thresholds.md")
    assert essay["title"] == "On Thresholds"  # the page's title, not its <title> with the site's name
    assert essay["description"] == "Why the door of a consulting room matters more than its furniture."
    assert str(essay["date"]) == "2022-09-03 00:00:00"  # the page gives a day
    assert essay["aliases"] == ["/pages/on-thresholds.html"]
    assert essay["imported_from"] == f"page:{import_server}/pages/on-thresholds.html"
    text = support.golden_essay(root, "page", "on-thresholds.md", import_server, update_golden)
    assert "# On Thresholds" not in text  # the heading repeating the title is the page's, not the essay's


def test_the_site_s_words_around_an_old_essay_are_left_out_and_named(tmp_path, import_server, update_golden):
    page = f"{import_server}/pages/on-doors.html"
    root, result = support.imported_into(tmp_path, "page", page)
    essay = support.meta(root, "on-doors.md")
    # The page's description is the site's tag line (its masthead shows it): the first paragraph's opening instead.
    assert essay["description"] == ("A door is the first thing a client touches in a consulting room, and the last. "
                                    "It is opened with hope and closed, an hour later, with something else: relief, "
                                    "often, and sometimes grief.")
    assert (f"note: 'On Doors' (page:{page}): its description repeated the old site's tag line (\"Essays on rooms, "
            "doors and the art of listening\"); one was drawn from the first paragraph: write your own in "
            "docs/essays/posts/on-doors.md") in result.output
    assert (f"note: 'On Doors' (page:{page}): cut a teaser of another page ('On Windows', "
            f"{import_server}/pages/on-windows.html) after the article's end") in result.output
    assert "1 essays written, 0 skipped, 0 images and 0 narrations fetched, 0 problems." in result.output
    text = support.golden_essay(root, "page", "on-doors.md", import_server, update_golden)
    body = text.split("---\n", 2)[2]
    assert body.startswith("\nA door is the first thing")  # the date line above the text is gone
    assert body.endswith("- Winnicott, D. W. (1971). Playing and Reality.\n")  # the next essay's opening is gone


def test_a_description_two_pages_share_is_the_site_s_not_the_essay_s(tmp_path, import_server):
    windows = f"{import_server}/pages/on-windows.html"
    alone, _ = support.imported_into(tmp_path / "alone", "page", windows)
    assert support.meta(alone, "on-windows.md")["description"] == "Essays on rooms, doors and the art of listening"
    both, result = support.imported_into(tmp_path / "both", "page", f"{import_server}/pages/on-doors.html", windows)
    assert support.meta(both, "on-windows.md")["description"] == (
        "A window in a consulting room is a second listener. It lets the eye rest while the mind does the hard work "
        "of saying what has never been said aloud before.")
    assert f"note: 'On Windows' (page:{windows}): its description repeated the old site's tag line" in result.output


def test_check_and_build_accept_it_and_the_old_address_redirects(imported, tmp_path):
    root = imported[0]
    assert support.run(root, "check").exit_code == 0
    site = support.build(root, tmp_path / "site")
    assert "essays/on-thresholds/" in (site / "pages/on-thresholds.html").read_text()
    assert (root / "docs/essays/images/on-thresholds/window.jpg").is_file()


def test_a_sitemap_imports_its_article_pages_and_skips_the_others(tmp_path, import_server):
    root, result = support.imported_into(tmp_path, "page", "--sitemap", f"{import_server}/sitemap.xml")
    assert support.essay_names(root) == ["good.md", "on-thresholds.md"]
    assert f"skipped {import_server}/pages/contact.html: no article on the page" in result.output
    support.import_again(root, "page", "--sitemap", f"{import_server}/sitemap.xml")


@pytest.mark.parametrize(("args", "expected"), [
    (["{server}/pages/gone.html"], "error: {server}/pages/gone.html: answered HTTP 404"),
    (["http://127.0.0.1:9/article"], "error: http://127.0.0.1:9/article: cannot be fetched"),
    (["ftp://old.example.org/x"], "error: ftp://old.example.org/x: is not an http:// or https:// address"),
    (["--sitemap", "{server}/pages/on-thresholds.html"], "error: {server}/pages/on-thresholds.html: not XML"),
    ([], "error: no page to import"),
])
def test_bad_pages_are_refused_with_one_line_and_nothing_written(minimal_publication, import_server, args, expected):
    line = support.refused(minimal_publication, "import", "page", *[arg.format(server=import_server) for arg in args])
    assert line.startswith(expected.format(server=import_server)), line
