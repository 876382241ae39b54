"""Aliases: an imported essay's old URL paths redirect to its page on the built site.

The schema (``aliases:`` and ``imported_from:`` in front matter), the redirect
pages a real ``letterpress build`` writes (parsed with lxml, followed by headless
Chromium), and ``letterpress check`` refusing aliases that collide with a page.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from letterpress.cli.main import cli
from letterpress.model.aliases import AliasError, alias_file, parse_alias
from letterpress.model.publication import load_publication
from letterpress.site.loader import load_settings


def write_essay(root, name: str, title: str, extra: str, date: str = "2025-05-01") -> None:
    (root / "docs/essays/posts" / f"{name}.md").write_text(
        f"---\ntitle: {title}\ndescription: An essay that lived elsewhere.\ndate: {date}\n"
        f"authors: [julia]\n{extra}---\n\nIt was first published on another site.\n", encoding="utf-8")


def run_check(root, monkeypatch):
    monkeypatch.chdir(root)
    return CliRunner().invoke(cli, ["check"], catch_exceptions=False)


def check_lines(root, monkeypatch, name: str) -> list[str]:
    result = run_check(root, monkeypatch)
    return [line for line in result.stderr.splitlines() if name in line]


# -- the schema ----------------------------------------------------------------

@pytest.mark.parametrize(("written", "decoded", "file"), [
    ("/p/my-slug", "/p/my-slug", "p/my-slug/index.html"),
    ("/2019/05/old-post/", "/2019/05/old-post/", "2019/05/old-post/index.html"),
    ("/old.html", "/old.html", "old.html"),
    ("/Old.HTM", "/Old.HTM", "Old.HTM"),
    ("/caf%C3%A9/", "/café/", "café/index.html"),
    ("/café", "/café", "café/index.html"),
    ("/archive.html/", "/archive.html/", "archive.html/index.html"),
])
def test_alias_paths_and_their_files(written, decoded, file):
    assert parse_alias(written) == decoded
    assert alias_file(decoded).as_posix() == file


HOSTILE = {
    "https://old.example.org/p/x": "names a site, not a path",
    "//evil.example/x": "names a site, not a path",
    "javascript:alert(1)": "does not start with '/'",
    "p/x": "does not start with '/'",
    "/a/../../etc/passwd": "'..'",
    "/a/%2e%2e/b": "'..'",
    "/a//b": "empty",
    "/a?page=2": "'?' query",
    "/a#top": "'#' fragment",
    "/a%zz": "'%25'",
    "/%ff%fe": "not UTF-8",
    "/a%2Fb": "encoded '/'",
    "/a%00b": "control character",
    "/a\nb": "control character",
    "/a\u202eb": "control character",
    "/a b": "a space",
    "/a\\b": "\\",
    '/a"><script>': "<",
    "/.git/config": "starting with '.'",
    "/": "home page",
    "/" + "a" * 400: "characters long",
    "/" + "é" * 150: "longer than 200 bytes",
}


@pytest.mark.parametrize("value", sorted(HOSTILE))
def test_hostile_alias_is_refused(value):
    with pytest.raises(AliasError) as refused:
        parse_alias(value)
    assert HOSTILE[value] in str(refused.value)


def test_front_matter_takes_aliases_and_imported_from(minimal):
    write_essay(minimal, "moved", "Moved Here", "aliases: [/p/moved, '/2019/05/moved.html']\n"
                "imported_from: substack:171234567\n")
    publication = load_publication(load_settings(minimal))
    assert publication.errors == []
    essay = publication.essay("moved-here")
    assert essay.aliases == ("/p/moved", "/2019/05/moved.html")
    assert essay.imported_from == "substack:171234567"


@pytest.mark.parametrize(("extra", "field", "words"), [
    ("aliases: /p/moved\n", "aliases", "expected a list of old paths"),
    ("aliases: [/p/moved, ../../etc]\n", "aliases.1", "does not start with '/'"),
    ("aliases:\n  - /p/moved\n  - {a: 1}\n", "aliases.1", "is not a path"),
    ("aliases: [/p/moved, /p/moved]\n", "aliases.1", "listed twice"),
    ("aliases: ['/p/a?b=1']\n", "aliases.0", "'?' query"),
    ("imported_from: [substack]\n", "imported_from", "expected text '<source>:<id>'"),
    ("imported_from: just-an-id\n", "imported_from", "is not '<source>:<id>'"),
    ("imported_from: \"substack:\\u0085x\"\n", "imported_from", "control character"),
])
def test_bad_alias_front_matter_is_one_line_naming_file_and_field(minimal, monkeypatch, extra, field, words):
    write_essay(minimal, "moved", "Moved Here", extra)
    lines = check_lines(minimal, monkeypatch, "moved.md")
    assert len(lines) == 1, lines
    assert lines[0].startswith("docs/essays/posts/moved.md:") and f"front matter '{field}'" in lines[0], lines
    assert words in lines[0], lines
