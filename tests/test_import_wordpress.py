"""``letterpress import wordpress``: a WXR export (made from the documented format) into a real publication.

Regenerate the golden files with ``pytest tests/test_import_wordpress.py --update-golden``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import import_support as support


@pytest.fixture(scope="module")
def export_xml(tmp_path_factory, import_server) -> Path:
    export = support.FIXTURES / "wordpress" / "export.xml"
    return support.with_server(export, import_server, tmp_path_factory.mktemp("wxr"))


@pytest.fixture(scope="module")
def imported(tmp_path_factory, export_xml):
    # The [gallery] shortcode has no Markdown: a problem, so the import exits 1 after writing the rest.
    return support.imported_into(tmp_path_factory.mktemp("wordpress"), "wordpress", str(export_xml), problems=1)


def test_posts_become_essays_and_pages_do_not(imported):
    root, result = imported
    assert support.essay_names(root) == [
        "a-draft-about-doors.md", "for-clients.md", "good.md", "next-spring.md", "notes-on-listening.md", "old-post.md"]
    assert "skipped 'About' (wordpress:2): a page, not an essay" in result.output
    assert "window" not in result.output  # the attachment is no essay and no news
    assert "problem: 'The Old Post' (wordpress:42): a [gallery] shortcode was left out (no Markdown for it)" \
        in result.output


def test_front_matter_of_a_published_classic_post(imported):
    essay = support.meta(imported[0], "old-post.md")
    assert essay["title"] == "The Old Post" and essay["description"] == "Why the clock in the waiting room matters."
    assert {key: str(value) for key, value in essay["date"].items()} == {
        "created": "2019-05-14 09:00:00", "updated": "2019-06-01 10:00:00"}  # GMT, shown in Lisbon (summer time)
    assert essay["authors"] == ["julia"]  # the login's display name is an author the publication has
    assert essay["categories"] == ["Essays"] and essay["tags"] == ["attention"]  # "Uncategorized" dropped
    assert essay["aliases"] == ["/2019/05/old-post/"] and essay["imported_from"] == "wordpress:42"
    assert essay["newsletter"] is False and "draft" not in essay


@pytest.mark.parametrize(("name", "alias"), [("a-draft-about-doors.md", None),
                                             ("for-clients.md", ["/2021/02/for-clients/"])])
def test_drafts_and_password_protected_posts_are_drafts(imported, name, alias):
    essay = support.meta(imported[0], name)
    assert essay["draft"] is True and essay.get("aliases") == alias


def test_a_scheduled_post_keeps_its_future_date(imported):
    essay = support.meta(imported[0], "next-spring.md")
    assert str(essay["date"]) == "2027-03-21 09:00:00" and "draft" not in essay


def test_a_new_author_is_appended_to_authors_yml_as_text(imported):
    root = imported[0]
    text = (root / "docs/essays/.authors.yml").read_text()
    original = (support.FIXTURES.parent / "minimal/docs/essays/.authors.yml").read_text()
    assert text.startswith(original)  # what was there stays as it was
    assert text[len(original):] == ('  sam-ortiz:\n    name: "Sam Ortiz"\n'
                                    '    description: "Imported from WordPress; write a short bio here."\n'
                                    '    avatar: "essays/images/avatars/sam-ortiz.png"\n')
    assert (root / "docs/essays/images/avatars/sam-ortiz.png").read_bytes().startswith(b"\x89PNG")
    assert support.meta(root, "notes-on-listening.md")["authors"] == ["sam-ortiz"]


@pytest.mark.parametrize("name", ["old-post.md", "notes-on-listening.md"])
def test_markdown_matches_golden(imported, import_server, update_golden, name):
    support.golden_essay(imported[0], "wordpress", name, import_server, update_golden)


def test_caption_image_is_local(imported):
    root = imported[0]
    assert (root / "docs/essays/images/old-post/window.jpg").read_bytes() == \
        (support.FIXTURES / "files" / "window.jpg").read_bytes()


def test_check_and_build_accept_the_import(imported, tmp_path):
    result = support.run(imported[0], "check")
    assert result.exit_code == 0, result.output
    built = support.build(imported[0], tmp_path / "site")
    page = (built / "essays/old-post/index.html").read_text()
    assert "What the clock is for" in page and "A window onto the courtyard" in page
    assert "<br" in page  # the classic editor's single line break
    assert "gallery" not in page and "Share this" not in (built / "essays/notes-on-listening/index.html").read_text()
    assert "essays/old-post/" in (built / "2019/05/old-post/index.html").read_text()
    assert not (built / "2021/02/for-clients").exists()


def test_running_again_changes_nothing(imported, export_xml):
    support.import_again(imported[0], "wordpress", str(export_xml))


def test_author_option_assigns_every_essay(tmp_path, export_xml):
    root, _ = support.imported_into(tmp_path, "wordpress", str(export_xml), "--author", "julia", problems=1)
    assert support.meta(root, "notes-on-listening.md")["authors"] == ["julia"]
    assert "sam-ortiz" not in (root / "docs/essays/.authors.yml").read_text()


XXE = """<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/hostname">]>
<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><link>https://old.example.org</link><item><title>Leak</title>
<content:encoded>before &secret; after</content:encoded>
<wp:post_id>9</wp:post_id><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
<wp:post_date_gmt>2020-01-01 00:00:00</wp:post_date_gmt><wp:post_name>leak</wp:post_name></item></channel></rss>
"""


def test_external_entities_are_not_resolved(tmp_path):
    export = tmp_path / "xxe.xml"
    export.write_text(XXE)
    root, _ = support.imported_into(tmp_path, "wordpress", str(export), "--author", "julia")
    text = (root / support.POSTS / "leak.md").read_text()
    hostname = Path("/etc/hostname").read_text().strip() if Path("/etc/hostname").exists() else "\0"
    assert "before" in text and hostname not in text.split("---", 2)[2]


@pytest.mark.parametrize(("content", "expected"), [
    ("<html><body>not a feed</body></html>", "not a WordPress export (WXR)"),
    ('<rss version="2.0"><channel><title>A plain feed</title></channel></rss>', "not a WordPress export (WXR)"),
    ("<rss><channel>", "not XML"),
    (None, "cannot be read"),
])
def test_bad_exports_are_refused_with_one_line_and_nothing_written(minimal_publication, tmp_path, content, expected):
    assert expected in support.refused_export(minimal_publication, "wordpress", tmp_path / "export.xml", content)
