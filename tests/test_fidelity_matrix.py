"""The configuration matrix: in every blog layout Material users have, every link lands and every text is the page's.

Each case is a real build, with each engine that supports its settings, of the
publication in ``tests/matrix_publication.py``. For each build:

- the engine wrote the essays' pages where the case says (literal paths, from
  Material's own rules, never computed by Letterpress);
- every absolute URL of the site in the feeds, the podcast, the chapters files,
  the letters' web versions and archive, the redirect pages, the pages' JSON-LD and
  ``og:*``, and the letters themselves (.eml, both parts) names a file of the built
  site, and its fragment (but ``#t=``, which the page's script reads) an id there;
- the feed's text and the letter's text equal the page's article text: the words
  between the essay template's markers (``<!--lp:text-->``), without the headings'
  permalinks (``¶``) and the "Listen from here" controls; the letter's footnotes
  are read without their "↩" back-links, which a letter cannot follow, and its
  characters are compared with spaces aside (a letter's markup has no line breaks).

On main before this matrix, every case but ``site-url-with-path`` (the sample's own
``{slug}`` layout, under a path) failed its first assertion: the page was elsewhere
than the feeds linked (``/blog/<slug>/``); the hooks case's feed also lacked the
hook's word, and ``slugify-lower-underscore`` could not be built with Zensical.
"""

from __future__ import annotations

import email
import json
import re
from email import policy
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.html
import pytest

import matrix_publication as matrix
from letterpress.errors import ProblemsError
from letterpress.newsletter.preview import write_preview
from letterpress.site.build import build_site, read_checked
from letterpress.site.capture import load_for_outputs
from matrix_publication import Case
from run_options import SAMPLE

SITE = "https://matrix.example.org/"
CASES = [
    Case("material-defaults", "blog/2026/03/14/the-listening-hour/index.html",
         "blog/2025/11/02/small-rituals/index.html", SITE + "blog/2026/03/14/the-listening-hour/"),
    Case("no-directory-urls", "blog/2026/03/14/the-listening-hour.html", "blog/2025/11/02/small-rituals.html",
         SITE + "blog/2026/03/14/the-listening-hour.html", top=("use_directory_urls: false",)),
    Case("no-directory-urls-slug", "blog/the-listening-hour.html", "blog/small-rituals.html",
         SITE + "blog/the-listening-hour.html", blog={"post_url_format": '"{slug}"'},
         top=("use_directory_urls: false",)),
    Case("categories-slug", "blog/essays/the-listening-hour/index.html", "blog/practice/small-rituals/index.html",
         SITE + "blog/essays/the-listening-hour/", blog={"post_url_format": '"{categories}/{slug}"'}),
    Case("date-file", "blog/2026/03/14/narrated/index.html", "blog/2025/11/02/small-rituals/index.html",
         SITE + "blog/2026/03/14/narrated/", blog={"post_url_format": '"{date}/{file}"'}),
    Case("date-format", "blog/2026/03/the-listening-hour/index.html", "blog/2025/11/small-rituals/index.html",
         SITE + "blog/2026/03/the-listening-hour/", blog={"post_url_date_format": '"yyyy/MM"'}),
    Case("slugify-lower-underscore", "blog/2026/03/14/the_listening_hour/index.html",
         "blog/2025/11/02/small_rituals/index.html", SITE + "blog/2026/03/14/the_listening_hour/",
         blog={"post_slugify": "!!python/object/apply:pymdownx.slugs.slugify {kwds: {case: lower}}",
               "post_slugify_separator": "_"}),
    Case("slugify-case-none", "blog/2026/03/14/The-Listening-Hour/index.html",
         "blog/2025/11/02/Small-Rituals/index.html", SITE + "blog/2026/03/14/The-Listening-Hour/",
         blog={"post_slugify": "!!python/object/apply:pymdownx.slugs.slugify {kwds: {case: none}}"},
         engines=("mkdocs",)),
    Case("blog-at-root", "2026/03/14/the-listening-hour/index.html", "2025/11/02/small-rituals/index.html",
         SITE + "2026/03/14/the-listening-hour/", blog={"blog_dir": '"."'}),
    Case("site-url-with-path", "essays/the-listening-hour/index.html", "essays/small-rituals/index.html",
         "https://matrix.example.org/writing/essays/the-listening-hour/",
         blog={"blog_dir": "essays", "post_url_format": '"{slug}"'}, site_url="https://matrix.example.org/writing/"),
    Case("hooks", "blog/2026/03/14/the-listening-hour/index.html", "blog/2025/11/02/small-rituals/index.html",
         SITE + "blog/2026/03/14/the-listening-hour/", hooks=True, engines=("mkdocs",)),
]
BUILDS = [(case, engine) for case in CASES for engine in case.engines]
SITE_URL = re.compile(r"https://matrix\.example\.org/[^\s\"'<>)\]\\]*")
MARKERS = re.compile(r"<!--lp:text-->(.*?)<!--/lp:text-->", re.DOTALL)


class Build:
    """One case built by one engine, with its letters written."""

    def __init__(self, case: Case, engine: str, root: Path):
        self.case, self.engine, self.root = case, engine, root
        matrix.write(case, root, engine)
        self.site = build_site(read_checked(root, SAMPLE))
        publication = load_for_outputs(root, SAMPLE)
        self.letters = {essay.key: write_preview(publication, essay, root / "previews").paths
                        for essay in publication.published()}

    def url_file(self, url: str) -> Path:
        """The built file an absolute URL of the site names."""
        base = urlsplit(self.case.site_url).path
        path = unquote(urlsplit(url).path)
        assert path.startswith(base), url
        relative = path[len(base):]
        return self.site / relative / "index.html" if not relative or relative.endswith("/") else self.site / relative


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> dict[tuple[str, str], Build]:
    """Every case with every engine it supports, built once for the module."""
    return {(case.name, engine): Build(case, engine, tmp_path_factory.mktemp(f"{case.name}-{engine}"))
            for case, engine in BUILDS}


@pytest.fixture(params=BUILDS, ids=[f"{case.name}-{engine}" for case, engine in BUILDS])
def built(request, builds) -> Build:
    case, engine = request.param
    return builds[(case.name, engine)]


def test_the_engine_put_each_essay_where_the_case_says_and_the_feeds_link_it_there(built):
    case = built.case
    assert (built.site / case.page).is_file() and (built.site / case.other).is_file()
    items = json.loads((built.site / "feed.json").read_text(encoding="utf-8"))["items"]
    assert case.url in [item["url"] for item in items]
    rss = lxml.etree.parse(str(built.site / "rss.xml"))
    assert case.url in rss.xpath("//item/link/text()")


def test_every_absolute_url_names_a_file_of_the_site(built):
    found = {}
    for path, text in outputs(built):
        for url in SITE_URL.findall(text):
            found.setdefault(url.rstrip(".,;:"), path)
    assert len(found) > 20, found
    ids: dict[Path, set[str]] = {}
    for url, where in sorted(found.items()):
        target = built.url_file(url)
        assert target.is_file(), f"{where} links {url}: no {target.relative_to(built.site)} in the site"
        fragment = urlsplit(url).fragment
        if fragment and not fragment.startswith("t=") and target.suffix == ".html":
            if target not in ids:
                ids[target] = set(lxml.html.parse(str(target)).getroot().xpath("//@id"))
            assert unquote(fragment) in ids[target], f"{where} links {url}: no id '{fragment}' there"


def outputs(built: Build):
    """(name, text) of every output that carries the site's absolute URLs."""
    site = built.site
    for name in ("rss.xml", "atom.xml", "feed.json", "podcast.xml"):
        yield name, _unescaped(site / name)
    for path in sorted(site.rglob("chapters.json")):
        yield path.name, path.read_text(encoding="utf-8")
    for path in sorted((site / "newsletter").rglob("*.html")):
        yield str(path.relative_to(site)), _unescaped(path)
    yield "the redirect page", _unescaped(site / "p/the-listening-hour/index.html")
    for page in (built.case.page, built.case.other):
        document = lxml.html.parse(str(site / page)).getroot()
        yield f"{page} JSON-LD", " ".join(document.xpath("//script[@type='application/ld+json']/text()"))
        yield f"{page} og", " ".join(document.xpath("//meta[starts-with(@property, 'og:')]/@content"))
    for paths in built.letters.values():
        message = email.message_from_bytes(next(p for p in paths if p.suffix == ".eml").read_bytes(),
                                           policy=policy.default)
        for part in message.walk():
            if part.get_content_type() in ("text/html", "text/plain"):
                yield f"the letter {part.get_content_type()}", _unescape(part.get_content())


def _unescaped(path: Path) -> str:
    return _unescape(path.read_text(encoding="utf-8"))


def _unescape(text: str) -> str:
    return text.replace("&amp;", "&")


def test_the_feed_and_the_letter_carry_the_page_text(built):
    page = (built.site / built.case.page).read_text(encoding="utf-8")
    [article] = MARKERS.findall(page)
    expected = words(article)
    assert "Markdown inside a block." in expected and "The HTML of the page." in expected
    [item] = [i for i in json.loads((built.site / "feed.json").read_text(encoding="utf-8"))["items"]
              if i["url"] == built.case.url]
    feed = lxml.html.fragment_fromstring(item["content_html"], create_parent="div")
    listen = feed[0]
    assert "Listen to the narration" in listen.text_content()
    feed.remove(listen)
    assert words(lxml.html.tostring(feed, encoding="unicode")) == expected
    letter = next(p for p in built.letters["narrated.md"] if p.suffix == ".html").read_text(encoding="utf-8")
    # Compared character for character, spaces aside: a letter cannot keep the page's tab labels apart
    # (nh3 unwraps <label>), so "First" and "Second" meet there as one text.
    assert _unspaced(letter_words(letter)) == _unspaced(expected.replace(" ↩", ""))
    hooked = "word the hook wrote" if built.case.hooks else "HOOKWORD"
    assert hooked in expected


def words(html: str, leave_out: str = "//a[contains(@class, 'headerlink') or contains(@class, 'lp-listen-from')]"
          ) -> str:
    """The words of ``html`` in order, without permalinks and our controls (each text node apart, so
    a letter's markup written without line breaks reads as the page's)."""
    fragment = lxml.html.fragment_fromstring(html, create_parent="div")
    for element in fragment.xpath(leave_out):
        element.drop_tree()
    return " ".join(" ".join(fragment.itertext()).split())


def _unspaced(text: str) -> str:
    return "".join(text.split())


def letter_words(letter_html: str) -> str:
    """The essay's text in the letter: its body and its notes, without the letter's own "Notes" heading and
    the dash it sets before an epigraph's attribution (the page's style sheet draws that one)."""
    document = lxml.html.document_fromstring(letter_html)
    body = document.xpath("//*[contains(concat(' ', @class, ' '), ' lp-essay ')]")
    assert body, "the letter has no essay body"
    text = words(lxml.html.tostring(body[0], encoding="unicode"), "//*[contains(@class, 'lp-notes-heading')]")
    return text.replace("— ", "", 1)


@pytest.mark.parametrize("case", [c for c in CASES if c.name == "slugify-case-none"], ids=lambda c: c.name)
def test_zensical_refuses_a_slugify_it_cannot_run_in_one_line(case, tmp_path):
    matrix.write(case, tmp_path, "zensical")
    with pytest.raises(ProblemsError) as raised:
        build_site(read_checked(tmp_path, SAMPLE))
    [problem] = raised.value.problems
    assert (problem.path, problem.field) == ("mkdocs.yml", "plugins.blog.post_slugify")
    assert "lower or fold" in problem.message and not (tmp_path / "site").exists()
