"""Every author of an imported post, from every source: Ghost's ``posts_authors`` in their order, Atom's
several ``<author>``, a page's authors; new ones appended to ``.authors.yml``; ``--author`` replaces them all."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from import_support import FIXTURES, front_matter, publication, run
from letterpress.migrate.article import _authors
from letterpress.migrate.authors import AuthorBook

POSTS = Path("docs/essays/posts")
ORIGINAL_AUTHORS = (FIXTURES.parent / "minimal/docs/essays/.authors.yml").read_text()


def ghost_export(target: Path, posts: list[dict], users: list[dict], posts_authors: list[dict]) -> Path:
    """A Ghost export (the documented ``db[0].data`` tables) holding ``posts``, written to ``target``."""
    rows = [{"type": "post", "status": "published", "visibility": "public",
             "published_at": "2023-05-14T12:00:00.000Z", **post} for post in posts]
    data = {"posts": rows, "users": users, "posts_authors": posts_authors, "tags": [], "posts_tags": []}
    target.write_text(json.dumps({"db": [{"meta": {"version": "5.82.0"}, "data": data}]}))
    return target


USERS = [{"id": "u1", "name": "Julia Keller"}, {"id": "u2", "name": "Ben Ode"}, {"id": "u3", "name": "Cy Park"}]
POST = {"id": "p1", "title": "Written Together", "slug": "written-together",
        "html": "<p>Three people wrote this one, in the order Ghost keeps them.</p>"}
# Out of order in the file, and one row twice: sort_order decides, the first is the primary author.
POSTS_AUTHORS = [{"id": "a3", "post_id": "p1", "author_id": "u3", "sort_order": 2},
                 {"id": "a1", "post_id": "p1", "author_id": "u2", "sort_order": 0},
                 {"id": "a2", "post_id": "p1", "author_id": "u1", "sort_order": 1},
                 {"id": "a4", "post_id": "p1", "author_id": "u3", "sort_order": 3}]


@pytest.fixture
def export(tmp_path) -> Path:
    return ghost_export(tmp_path / "export.json", [POST], USERS, POSTS_AUTHORS)


def test_a_ghost_post_keeps_every_author_in_ghosts_order(tmp_path, export):
    root = publication(tmp_path / "pub")
    result = run(root, "import", "ghost", str(export), "--url", "https://old.example.org")
    assert result.exit_code == 0, result.output
    assert front_matter(root / POSTS / "written-together.md")["authors"] == ["ben-ode", "julia", "cy-park"]
    text = (root / "docs/essays/.authors.yml").read_text()
    assert text.startswith(ORIGINAL_AUTHORS)  # appended as text: the file's comments and order stay
    assert text[len(ORIGINAL_AUTHORS):].count("description:") == 2  # Ben and Cy; Julia was known
    assert text.index("ben-ode:") < text.index("cy-park:")
    assert "added author 'ben-ode' to .authors.yml" in result.output
    assert "added author 'cy-park' to .authors.yml" in result.output
    assert run(root, "check").exit_code == 0


def test_author_option_replaces_every_author(tmp_path, export):
    root = publication(tmp_path / "pub")
    result = run(root, "import", "ghost", str(export), "--url", "https://old.example.org", "--author", "julia")
    assert result.exit_code == 0, result.output
    assert front_matter(root / POSTS / "written-together.md")["authors"] == ["julia"]
    assert (root / "docs/essays/.authors.yml").read_text() == ORIGINAL_AUTHORS


def test_a_post_without_authors_gets_the_publications_first(tmp_path):
    root = publication(tmp_path / "pub")
    export = ghost_export(tmp_path / "export.json", [POST], USERS, [])
    assert run(root, "import", "ghost", str(export), "--url", "https://old.example.org").exit_code == 0
    assert front_matter(root / POSTS / "written-together.md")["authors"] == ["julia"]


ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Two Voices</title><id>tag:two.example.org,2021:feed</id><updated>2021-04-18T09:00:00Z</updated>
  <link href="https://two.example.org/"/>
  <entry>
    <title>A Conversation</title><id>tag:two.example.org,2021:post-1</id>
    <link href="https://two.example.org/2021/04/a-conversation.html"/>
    <published>2021-04-17T16:00:00Z</published><updated>2021-04-17T16:00:00Z</updated>
    <author><name>Sam Ortiz</name></author><author><name>Julia Keller</name></author>
    <content type="html">&lt;p&gt;Two people talk about a quiet room, and both signed it.&lt;/p&gt;</content>
  </entry>
</feed>
"""


def test_an_atom_entry_keeps_each_of_its_authors(tmp_path):
    root = publication(tmp_path / "pub")
    feed = tmp_path / "atom.xml"
    feed.write_text(ATOM)
    result = run(root, "import", "feed", str(feed))
    assert result.exit_code == 0, result.output
    assert front_matter(root / POSTS / "a-conversation.md")["authors"] == ["sam-ortiz", "julia"]
    assert run(root, "check").exit_code == 0


def test_a_pages_authors_are_each_an_author():
    assert _authors("Julia Keller; Sam Ortiz; Julia Keller") == ("Julia Keller", "Sam Ortiz")
    assert _authors(None) == () and _authors(" ; ") == ()


def test_author_keys_in_order_without_repeats():
    book = AuthorBook(settings=None, known={"julia": "Julia Keller"})  # type: ignore[arg-type]
    assert book.keys_for(("Sam Ortiz", "julia keller", "Sam  Ortiz", ""), None, "Ghost") == ["sam-ortiz", "julia"]
    assert book.keys_for((), None, "Ghost") == ["julia"]
    assert book.keys_for(("Sam Ortiz",), "julia", "Ghost") == ["julia"]
