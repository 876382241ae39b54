"""Aliases: an imported essay's old URL paths redirect to its page on the built site.

The schema (``aliases:`` and ``imported_from:`` in front matter), the redirect
pages a real ``letterpress build`` writes (parsed with lxml, followed by headless
Chromium), and ``letterpress check`` refusing aliases that collide with a page.
"""

from __future__ import annotations

import functools
import json
import subprocess
import sys
import threading
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import html

from browser_helpers import free_port
from letterpress.cli.main import cli
from letterpress.errors import Problem, ProblemsError
from letterpress.model.aliases import AliasError, alias_file, parse_alias
from letterpress.model.publication import load_publication
from letterpress.site.loader import load_settings
from run_options import SAMPLE, SAMPLE_ENV, child_env
from scratch_publication import minimal_copy

FIXTURES = Path(__file__).parent / "fixtures"
BIN = Path(sys.executable).parent


def write_essay(root, name: str, title: str, extra: str, date: str = "2025-05-01") -> None:
    (root / "docs/essays/posts" / f"{name}.md").write_text(
        f"---\ntitle: {title}\ndescription: An essay that lived elsewhere.\ndate: {date}\n"
        f"authors: [julia]\n{extra}---\n\nIt was first published on another site.\n", encoding="utf-8")


def run_check(root, monkeypatch):
    monkeypatch.chdir(root)
    return CliRunner(env=SAMPLE_ENV).invoke(cli, ["check"], catch_exceptions=False)


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
    publication = load_publication(load_settings(minimal), SAMPLE)
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
    ("aliases: [" + ", ".join(f"/p/{n}" for n in range(51)) + "]\n", "aliases", "more than 50"),
    ("imported_from: substack:" + "9" * 300 + "\n", "imported_from", "more than 300"),
    ("imported_from: [substack]\n", "imported_from", "expected text '<source>:<id>'"),
    ("imported_from: just-an-id\n", "imported_from", "is not '<source>:<id>'"),
    ("imported_from: \"substack:\\u0085x\"\n", "imported_from", "control character"),
])
def test_bad_alias_front_matter_is_one_line_naming_file_and_field(minimal, monkeypatch, extra, field, words):
    write_essay(minimal, "moved", "Moved Here", extra)
    lines = check_lines(minimal, monkeypatch, "moved.md")
    assert len(lines) == 1, lines
    assert lines[0].startswith("docs/essays/posts/moved.md:") and f": {field_label(field)}: " in lines[0], lines
    assert words in lines[0], lines


# -- the redirect pages of a real build ---------------------------------------------

TITLE = 'Moved "Here" <b>& away'
PUBLISHED_ALIASES = {"/p/moved-here": "p/moved-here/index.html", "/2019/05/moved.html": "2019/05/moved.html",
                     "/caf%C3%A9/": "café/index.html", "/old/path/": "old/path/index.html"}


def quoted(items) -> str:
    return "[" + ", ".join(f"'{item}'" for item in items) + "]"


@pytest.fixture(scope="module")
def aliased(tmp_path_factory) -> tuple[Path, str]:
    """A scratch publication whose site_url is a free port on 127.0.0.1, with a published essay
    carrying aliases, a draft and a scheduled essay carrying theirs."""
    root = minimal_copy(tmp_path_factory.mktemp("aliased") / "pub")
    base_url = f"http://127.0.0.1:{free_port()}"
    config = root / "mkdocs.yml"
    config.write_text(config.read_text().replace("https://test.example.org/", base_url + "/"))
    write_essay(root, "moved", json.dumps(TITLE), f"slug: moved-here\naliases: {quoted(PUBLISHED_ALIASES)}\n"
                "imported_from: substack:171234567\n")
    write_essay(root, "unfinished", "Unfinished", "draft: true\naliases: [/p/unfinished]\n")
    write_essay(root, "later", "Later", "aliases: [/p/later, /later.html]\n", date="2027-06-01")
    return root, base_url


@pytest.fixture(scope="module", params=["mkdocs", "zensical"])
def aliased_site(request, aliased) -> Path:
    """``letterpress build`` of the aliased publication with each engine."""
    root, _ = aliased
    site = root.parent / f"site-{request.param}"
    result = subprocess.run([str(BIN / "letterpress"), "build", "--engine", request.param, "--site-dir", str(site)],
                            cwd=root, capture_output=True, text=True, timeout=300,
                            env=child_env())
    assert result.returncode == 0, result.stderr
    return site


def redirect_files(site: Path) -> set[str]:
    return {path.relative_to(site).as_posix() for path in site.rglob("*.html")
            if b'http-equiv="refresh"' in path.read_bytes()}


def test_redirects_are_written_exactly_at_the_published_aliases(aliased_site):
    assert redirect_files(aliased_site) == set(PUBLISHED_ALIASES.values())
    for absent in ("p/unfinished", "p/later", "later.html"):
        assert not (aliased_site / absent).exists(), absent


def test_each_redirect_points_at_the_essay_page(aliased, aliased_site):
    _, base_url = aliased
    url = f"{base_url}/essays/moved-here/"
    assert (aliased_site / "essays/moved-here/index.html").is_file()
    for file in PUBLISHED_ALIASES.values():
        tree = html.fromstring((aliased_site / file).read_bytes())
        assert tree.xpath("//link[@rel='canonical']/@href") == [url], file
        assert tree.xpath("//meta[@http-equiv='refresh']/@content") == [f"0; url={url}"], file
        assert tree.xpath("//meta[@name='robots']/@content") == ["noindex"], file
        assert tree.xpath("//body//a/@href") == [url], file
        assert tree.xpath("string(//body//a)") == TITLE == tree.findtext(".//title"), file
        assert not tree.xpath("//b | //script"), file  # the title is text, not markup


def test_a_hostile_site_url_stays_inside_the_attribute():
    from letterpress.model.settings import Settings
    from letterpress.site.redirects import redirect_page

    essay = load_minimal_essay()
    settings = Settings(root=Path("."), docs_dir=Path("docs"), site_url="https://x.example/\"'><script>a b/",
                        blog_options={"post_url_format": "{slug}"})
    tree = html.fromstring(redirect_page(essay, settings))
    url = "https://x.example/%22%27%3E%3Cscript%3Ea%20b/essays/a-good-essay/"
    assert tree.xpath("//link[@rel='canonical']/@href") == [url]
    assert tree.xpath("//meta[@http-equiv='refresh']/@content") == [f"0; url={url}"]
    assert not tree.xpath("//script")


def load_minimal_essay():
    return load_publication(load_settings(FIXTURES / "minimal"), SAMPLE).essay("a-good-essay")


@contextmanager
def static_server(site: Path, port: int):
    """The built folder served as plain files (Python's http.server) on 127.0.0.1:``port``."""
    handler = functools.partial(QuietHandler, directory=str(site))
    with ThreadingHTTPServer(("127.0.0.1", port), handler) as server:
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        thread.start()
        try:
            yield
        finally:
            server.shutdown()
            thread.join(timeout=10)


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


def test_following_each_alias_in_chromium_lands_on_the_essay(aliased, aliased_site, browser):
    _, base_url = aliased
    port = int(base_url.rsplit(":", 1)[1])
    with static_server(aliased_site, port):
        page = browser.new_page()
        try:
            for alias in (*PUBLISHED_ALIASES, "/p/moved-here/"):
                page.goto(base_url + alias)
                page.wait_for_url(f"{base_url}/essays/moved-here/", timeout=10_000)
                assert page.locator("h1").first.inner_text() == TITLE, alias
        finally:
            page.close()


# -- collisions -----------------------------------------------------------------

def field_label(field: str) -> str:
    """How a problem names ``field`` ("front matter 'aliases', ..."), whatever the display of list items."""
    return str(Problem("x.md", field, "M")).removeprefix("x.md: ").removesuffix(": M")


@pytest.mark.parametrize(("alias", "words"), [
    ("/essays/a-good-essay/", "is the page of docs/essays/posts/good.md (/essays/a-good-essay/)"),
    ("/essays/a-good-essay/index.html", "is the page of docs/essays/posts/good.md"),
    ("/rss.xml", "is the RSS feed (rss.xml)"),
    ("/feed.json/", "is the JSON feed (feed.json)"),
    ("/podcast.xml", "is the podcast feed"),
    ("/index.html", "is the page of docs/index.md"),
    ("/essays", "is the page of docs/essays/index.md"),
    ("/essays/archive/2019/", "inside /essays/archive/, the archive"),
    ("/essays/category/notes/", "inside /essays/category/"),
    ("/essays/author/julia/", "inside /essays/author/"),
    ("/essays/page/2/", "inside /essays/page/"),
    ("/newsletter/a-good-essay/", "inside /newsletter/"),
    ("/assets/old.html", "inside /assets/"),
    ("/search/", "inside /search/"),
    ("/sitemap.xml", "the sitemap"),
    ("/essays/images/julia.png", "is the page of docs/essays/images/julia.png"),
])
def test_an_alias_that_is_a_page_of_the_site_is_refused(minimal, monkeypatch, alias, words):
    write_essay(minimal, "moved", "Moved Here", f"aliases: [/p/fine, '{alias}']\n")
    lines = check_lines(minimal, monkeypatch, "moved.md")
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"docs/essays/posts/moved.md:6: {field_label('aliases.1')}: '{alias}' is "), lines
    assert words in lines[0] and lines[0].endswith("choose another old path or remove the alias."), lines


def test_an_alias_of_another_essay_is_refused_naming_both(minimal, monkeypatch):
    write_essay(minimal, "moved", "Moved Here", "aliases: [/p/moved]\n")
    write_essay(minimal, "draft", "Unfinished", "draft: true\naliases: ['/p/moved/']\n", date="2025-06-01")
    lines = check_lines(minimal, monkeypatch, "/p/moved")
    assert lines == [f"docs/essays/posts/moved.md:6: {field_label('aliases.0')}: '/p/moved' is also an alias "
                     "of docs/essays/posts/draft.md; choose another old path or remove the alias."], lines


def test_check_and_build_are_clean_with_aliases_that_collide_with_nothing(minimal, monkeypatch):
    write_essay(minimal, "moved", "Moved Here", "aliases: [/p/moved, /moved.html, /essays/old-name/]\n")
    result = run_check(minimal, monkeypatch)
    assert result.exit_code == 0, result.stderr
    assert not [line for line in result.stderr.splitlines() if "alias" in line], result.stderr


def test_the_build_refuses_an_alias_that_is_a_file_in_docs(minimal, monkeypatch):
    (minimal / "docs/extra.html").write_text("<p>mine</p>\n")
    write_essay(minimal, "moved", "Moved Here", "aliases: [/extra.html]\n")
    monkeypatch.chdir(minimal)
    result = CliRunner(env=SAMPLE_ENV).invoke(cli, ["build"], catch_exceptions=False)
    assert result.exit_code == 1
    assert (f"docs/essays/posts/moved.md:6: {field_label('aliases.0')}: '/extra.html' is the page of "
            "docs/extra.html; choose another old path or remove the alias.") in result.stderr.splitlines()
    assert not (minimal / "site").exists()


@pytest.mark.parametrize(("alias", "existing"), [("/p/moved/", "p/moved/index.html"),
                                                 ("/theme.html", "theme.html"),
                                                 ("/robots.txt/old", "robots.txt")])
def test_the_writer_never_replaces_a_file_the_build_wrote(minimal, tmp_path, alias, existing):
    # What the check cannot foresee (a file of the theme): the writer refuses it and writes nothing over it.
    from letterpress.model.site_output import SiteOutput
    from letterpress.site.redirects import write_redirects

    write_essay(minimal, "moved", "Moved Here", f"aliases: ['{alias}']\n")
    publication = load_publication(load_settings(minimal), SAMPLE)
    site = tmp_path / "site"
    (site / existing).parent.mkdir(parents=True, exist_ok=True)
    (site / existing).write_text("the theme's\n")
    with pytest.raises(ProblemsError) as refused:
        write_redirects(publication, SiteOutput(publication, site))
    assert str(refused.value) == (f"docs/essays/posts/moved.md:6: {field_label('aliases.0')}: '{alias}' would "
                                  f"replace {existing}, which the build already wrote; choose another path "
                                  "or remove the alias.")
    assert (site / existing).read_text() == "the theme's\n"


@pytest.mark.parametrize("engine", ["mkdocs", "zensical"])
def test_in_the_preview_a_redirect_stays_on_the_preview(aliased, tmp_path, engine):
    # The published site's redirects name site_url; the preview's must not send the author to the live site.
    from letterpress.site.serve import Preview
    from run_options import PREVIEW

    root, base_url = aliased
    preview = Preview(root, tmp_path / "site", PREVIEW, engine)
    preview.build()
    for file in PUBLISHED_ALIASES.values():
        tree = html.fromstring((tmp_path / "site" / file).read_bytes())
        assert tree.xpath("//meta[@http-equiv='refresh']/@content") == ["0; url=/essays/moved-here/"], file
        assert tree.xpath("//body//a/@href") == ["/essays/moved-here/"], file
    assert base_url not in (tmp_path / "site/p/moved-here/index.html").read_text(encoding="utf-8")
