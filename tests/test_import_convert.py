"""The import's shared parts on hostile input: HTML -> Markdown, bounded fetching, authors appended as text."""

from __future__ import annotations

import pytest

from letterpress.migrate.authors import AuthorBook, _with_entries
from letterpress.migrate.convert import to_markdown
from letterpress.migrate.fetch import Fetcher, FetchError
from letterpress.migrate.items import SourceError
from letterpress.model.characters import find_unusable


@pytest.mark.parametrize(("html", "expected"), [
    ("<p>Text &lt;script&gt;alert(1)&lt;/script&gt;</p>", "Text &lt;script>alert(1)&lt;/script>"),
    ("<p>[click](javascript:alert(1))</p>", "\\[click\\](javascript:alert(1))"),
    ('<p><a href="javascript:alert(1)">words stay</a> <a href=" data:text/html,x">too</a></p>', "words stay too"),
    ('<p><a href="/relative">rel</a> <a href="mailto:me@example.org">mail</a> <a href="#note">here</a></p>',
     "[rel](https://old.example.org/relative) [mail](mailto:me@example.org) [here](#note)"),
    ("<p>a\x00b\x01c &#1; d</p>", "abc d"),
    ('<img src="https://x.example/a b(c).png" alt="a [b] c">', "![a b c](https://x.example/a%20b%28c%29.png)"),
    ('<p>x</p><script>steal()</script><style>p{}</style><nav>Home</nav><iframe src="https://v.example/e"></iframe>',
     "x"),
    ("<pre><code>if a &lt; b: c[0]</code></pre>", "```\nif a < b: c[0]\n```"),
    ("", ""),
])
def test_html_becomes_markdown_whose_text_stays_text(html, expected):
    converted = to_markdown(html, "https://old.example.org/p/post")
    assert converted.markdown.strip() == expected
    assert find_unusable(converted.markdown) == []


@pytest.mark.parametrize("divider", ["<h2>―</h2>", "<h3><strong>—</strong></h3>", "<p>* * *</p>", "<p>⁂</p>"])
def test_a_divider_becomes_a_thematic_break_not_a_heading(divider):
    converted = to_markdown(f"<p>Before the pause.</p>{divider}<p>After it.</p>", "https://old.example.org/p/post")
    assert converted.markdown == "Before the pause.\n\n---\n\nAfter it.\n"


def test_a_heading_that_starts_with_a_dash_and_a_dash_in_a_table_stay_what_they_are():
    converted = to_markdown("<h2>― A real heading</h2><table><tr><th>Fee</th></tr><tr><td><p>—</p></td></tr></table>",
                            "https://old.example.org/p/post")
    assert converted.markdown == "## ― A real heading\n\n| Fee |\n| --- |\n| — |\n"


def test_embeds_are_named_as_not_converted_and_images_listed_once():
    converted = to_markdown('<iframe src="https://video.example/e/1"></iframe><img src="/a.png"><img src="/a.png">'
                            '<img src="data:image/png;base64,AAAA">', "https://old.example.org/")
    assert converted.dropped == ["an embed from video.example", "an image inlined as data"]
    assert converted.images == ["https://old.example.org/a.png"]


@pytest.mark.parametrize(("path", "limit", "expected"), [
    ("/images/lamp.png", 10, "is 166 bytes, more than the 10 allowed"),
    ("/loop", 1000, "more than 5 redirects"),
    ("/to-file", 1000, "is not an http:// or https:// address"),
    ("/nothing", 1000, "answered HTTP 404"),
])
def test_fetching_is_bounded(import_server, path, limit, expected):
    with Fetcher() as fetcher, pytest.raises(FetchError, match=expected):
        fetcher.get(import_server + path, limit)


def test_a_redirect_to_http_is_followed(import_server):
    with Fetcher() as fetcher:
        fetched = fetcher.get(import_server + "/to-lamp")
    assert fetched.url == import_server + "/images/lamp.png" and fetched.content_type == "image/png"


AUTHORS = """\
# Who writes here. Keep the keys short.
authors:
    julia:   # the founder
        name: Julia Keller
        avatar: essays/images/julia.png

# Material reads only 'authors'.
"""


def test_new_authors_keep_the_file_as_it_was_and_its_indentation():
    entries = {"sam-ortiz": {"name": 'Sam "the Listener" Ortiz: notes', "description": "d", "avatar": "a.png"}}
    text = _with_entries(AUTHORS, entries, "docs/essays/.authors.yml")
    assert text.startswith(AUTHORS.split("\n# Material")[0])
    assert '    sam-ortiz:\n        name: "Sam \\"the Listener\\" Ortiz: notes"\n' in text
    assert text.endswith("# Material reads only 'authors'.\n")


@pytest.mark.parametrize("text", ["authors: {julia: {name: Julia}}\n", "people:\n  julia:\n    name: J\n"])
def test_an_authors_file_that_cannot_be_extended_safely_is_refused(text):
    with pytest.raises(SourceError, match="add the new authors|no 'authors:' block"):
        _with_entries(text, {"sam": {"name": "Sam", "description": "d", "avatar": "a.png"}}, ".authors.yml")


def test_author_names_match_known_authors_whatever_their_case(tmp_path):
    book = AuthorBook(settings=None, known={"julia": "Julia Keller"})  # type: ignore[arg-type]
    assert book.key_for("julia  keller", None, "WordPress") == "julia"
    assert book.key_for("Sam Ortiz", None, "WordPress") == "sam-ortiz" and book.added == {"sam-ortiz": "Sam Ortiz"}
    assert book.key_for("", None, "feed") == "julia"  # no name: the publication's first author
    assert book.key_for("Sam Ortiz", "julia", "WordPress") == "julia"  # --author wins


def test_no_author_anywhere_asks_for_one():
    book = AuthorBook(settings=None, known={})  # type: ignore[arg-type]
    book._shown = lambda: "docs/essays/.authors.yml"  # type: ignore[method-assign]  # no settings here
    with pytest.raises(SourceError, match="pass --author KEY"):
        book.key_for("", None, "Substack export")


def test_a_file_without_authors_gets_its_block():
    text = _with_entries("authors:\n", {"sam": {"name": "Sam", "description": "d", "avatar": "a.png"}}, "x")
    assert text == 'authors:\n  sam:\n    name: "Sam"\n    description: "d"\n    avatar: "a.png"\n'
