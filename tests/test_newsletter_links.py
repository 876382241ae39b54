"""Letters carry http(s) and mailto links only: the letter, its .eml, its text part and its web version.

Through the real render (``letterpress newsletter render``, the render
functions), a real ``mkdocs build`` for the web version at ``/newsletter/<slug>/``,
and ``letterpress check`` for ``.authors.yml``. Every page is parsed with lxml
and every attribute that holds a URL is read.
"""

from __future__ import annotations

import dataclasses
import email
import email.policy
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree
from lxml import html as lxml_html

from letterpress import tokens
from letterpress.cli import cli
from letterpress.newsletter import links, render_issue, render_web_version
from letterpress.newsletter.check import check_issue
from newsletter_helpers import TEST_SECRET, add_essay, load
from run_options import SAMPLE_ENV, child_env

AUTHORS = Path("docs") / "essays" / ".authors.yml"
NEWSLETTER_CONFIG = """\
      media_hosts: [media.example.org]
      newsletter:
        sender: "Test Rooms <letters@test.example.org>"
        postal_address: "Test Rooms, 1 Main Street, Lisbon"
      service:
        url: https://test.example.org/service
"""
# Raw HTML in an essay: each link or image names the scheme it tries.
HOSTILE_BODY = """\
A paragraph with <a href="https://example.org/kept">a web link</a> and
<a href="mailto:julia@example.org">a mail link</a>.

<p><a href="javascript:alert(1)">plain javascript</a>,
<a href="JaVaScRiPt:alert(2)">mixed case</a>,
<a href="java&#x09;script:alert(3)">a tab inside</a>,
<a href="  javascript:alert(4)">spaces before</a>,
<a href="vbscript:msgbox(5)">vbscript</a>,
<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCg2KTwvc2NyaXB0Pg==">a data page</a>,
<a href="file:///etc/passwd">a file</a>,
<a href="tel:+351210000000">a phone</a>.</p>

<p><svg><a xlink:href="javascript:alert(7)"><text>svg link</text></a></svg></p>

<p><math><mi xlink:href="javascript:alert(8)">math link</mi></math></p>

<p><img src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB" alt="a data pixel"></p>

<p><img src="https://media.example.org/cover.jpg" srcset="data:image/png;base64,AAAA 2x" alt="srcset"></p>

<blockquote cite="javascript:alert(9)"><p>A quotation.</p></blockquote>

<p style="color: #333; background: url(javascript:alert(10))">Styled text.</p>

<table background="javascript:alert(11)"><tr><td>cell</td></tr></table>

<form action="javascript:alert(12)"><button formaction="javascript:alert(13)">Go</button></form>

<video poster="javascript:alert(14)" src="javascript:alert(15)">a video</video>
"""
KEPT_TEXT = ("a web link", "a mail link", "plain javascript", "mixed case", "a tab inside", "spaces before",
             "vbscript", "a data page", "a file", "a phone", "A quotation.", "Styled text.")
ALLOWED_SCHEMES = ("http", "https", "mailto")
URL_ATTRIBUTE = re.compile(r"^(href|src|srcset|action|formaction|poster|background|cite|data|longdesc|ping|"
                           r"\w+:href)$", re.IGNORECASE)


def urls_breaking_the_rule(html: str) -> list[str]:
    """Every URL-holding attribute (and CSS url()) on the parsed page whose scheme is not http(s)/mailto."""
    found = []
    for element in lxml_html.document_fromstring(html).iter(etree.Element):
        for name, value in element.attrib.items():
            if name.lower() == "style" and "url(" in value.lower():
                found.append(value)
            if not URL_ATTRIBUTE.match(name):
                continue
            for url in (value.split(",") if name.lower() == "srcset" else [value]):
                cleaned = re.sub(r"[\t\n\r]", "", url.strip("".join(map(chr, range(0x21)))))
                scheme = re.match(r"([a-zA-Z][a-zA-Z0-9+.\-]*):", cleaned)
                if scheme and scheme.group(1).lower() not in ALLOWED_SCHEMES:
                    found.append(f"{element.tag} {name}={value!r}")
    return found


def assert_no_bad_scheme_in(text: str) -> None:
    lowered = text.lower()
    for needle in ("javascript:", "vbscript:", "data:", "file:", "tel:"):
        assert needle not in lowered, needle


@pytest.fixture
def publication(minimal_publication, monkeypatch) -> Path:
    """The minimal publication, ready to send letters, as the working folder."""
    config = minimal_publication / "mkdocs.yml"
    config.write_text(config.read_text().replace("      media_hosts: [media.example.org]\n", NEWSLETTER_CONFIG))
    monkeypatch.chdir(minimal_publication)
    monkeypatch.setenv(tokens.SECRET_VARIABLE, TEST_SECRET)
    return minimal_publication


def set_author_url(root: Path, url: str) -> None:
    path = root / AUTHORS
    path.write_text(re.sub(r"url: .*", f"url: '{url}'", path.read_text()))


def rendered(root: Path, slug: str) -> dict[str, str]:
    """``letterpress newsletter render SLUG``'s three files, the .eml's HTML part decoded."""
    result = CliRunner(env=SAMPLE_ENV).invoke(cli, ["newsletter", "render", slug])
    assert result.exit_code == 0, result.output
    preview = root / "newsletter" / "preview"
    message = email.message_from_bytes((preview / f"{slug}.eml").read_bytes(), policy=email.policy.default)
    return {"html": (preview / f"{slug}.html").read_text(), "text": (preview / f"{slug}.txt").read_text(),
            "eml": (preview / f"{slug}.eml").read_text(),
            "eml html": message.get_body(("html",)).get_content(),
            "eml text": message.get_body(("plain",)).get_content()}


def build(root: Path) -> Path:
    site = root.parent / "site"
    result = subprocess.run([str(Path(sys.executable).parent / "mkdocs"), "build", "--strict", "--site-dir",
                             str(site)], cwd=root, capture_output=True, text=True,
                            env=child_env())
    assert result.returncode == 0, result.stderr
    return site


# -- the author's "Work with me" link --------------------------------------------------------------


@pytest.mark.parametrize("url", ["javascript:alert(118)", " JavaScript:alert(118)",
                                 "data:text/html,<script>alert(118)</script>", "mailto:julia@example.org",
                                 "ftp://example.org/", "//example.org/work", "https:///no-host"])
def test_letterpress_check_refuses_an_author_url_that_is_not_http(publication, url):
    set_author_url(publication, url)
    result = CliRunner(env=SAMPLE_ENV).invoke(cli, ["check"])
    assert result.exit_code == 1
    [line] = [line for line in result.output.splitlines() if "authors.julia.url" in line]
    assert line.startswith("docs/essays/.authors.yml: key 'authors.julia.url': ")
    assert "is not a web address" in line and "https://" in line and "remove the line" in line


def test_letterpress_check_accepts_an_https_author_url(publication):
    result = CliRunner(env=SAMPLE_ENV).invoke(cli, ["check"])
    assert result.exception is None and result.exit_code == 0, result.output
    assert "authors.julia.url" not in result.output


def test_a_javascript_author_url_reaches_no_part_of_the_letter(publication):
    set_author_url(publication, "javascript:alert(118)")
    parts = rendered(publication, "a-good-essay")
    for text in parts.values():
        assert_no_bad_scheme_in(text)
    for name in ("html", "eml html"):
        assert urls_breaking_the_rule(parts[name]) == []
        assert "Work with me" not in parts[name]  # no button leading nowhere
    assert "Work with me" not in parts["text"]
    web = render_web_version(load(publication), load(publication).essay("a-good-essay"))
    assert_no_bad_scheme_in(web)


def test_an_https_author_url_is_the_button(publication):
    parts = rendered(publication, "a-good-essay")
    buttons = lxml_html.document_fromstring(parts["html"]).xpath("//a[contains(., 'Work with me')]/@href")
    assert buttons == ["https://example.org/work-with-julia"]
    assert "Work with me: https://example.org/work-with-julia" in parts["text"]


@pytest.mark.parametrize("url", ["javascript:alert(118)", "data:text/html,x", "tel:+351210000000"])
def test_the_letter_itself_refuses_a_bad_author_url_whatever_the_model_holds(publication, url):
    # The model refuses such URLs when it reads .authors.yml; the letter applies its own rule anyway.
    loaded = load(publication)
    loaded.authors["julia"] = dataclasses.replace(loaded.authors["julia"], url=url)
    essay = loaded.essay("a-good-essay")
    issue = render_issue(loaded, essay)
    for text in (issue.html, issue.text, render_web_version(loaded, essay)):
        assert url not in text and "Work with me" not in text


# -- links and images in the essay's body ----------------------------------------------------------


@pytest.fixture
def hostile_essay(publication) -> str:
    add_essay(publication, "links.md", "---\ntitle: Links of Every Kind\ndescription: Raw HTML links.\n"
              f"date: 2025-08-10\nauthors: [julia]\n---\n\n{HOSTILE_BODY}")
    return "links-of-every-kind"


def test_body_links_keep_their_text_and_lose_every_scheme_but_http_and_mailto(publication, hostile_essay):
    parts = rendered(publication, hostile_essay)
    for name in ("html", "eml html"):
        assert urls_breaking_the_rule(parts[name]) == [], name
        document = lxml_html.document_fromstring(parts[name])
        assert document.xpath("//a[.='a web link']/@href") == ["https://example.org/kept"]
        assert document.xpath("//a[.='a mail link']/@href") == ["mailto:julia@example.org"]
        assert not document.xpath("//img[@alt='a data pixel']")  # a data: image is dropped
        assert not document.xpath("//a[.='plain javascript' or .='a phone']")  # plain text now
        assert document.xpath("//img[@alt='srcset']/@src") == ["https://media.example.org/cover.jpg"]
        assert not document.xpath("//img/@srcset") and not document.xpath("//svg | //math | //form | //video")
        body_text = document.text_content()
        for kept in KEPT_TEXT:
            assert kept in body_text, kept
    for text in parts.values():
        assert_no_bad_scheme_in(text)
    assert "https://example.org/kept" in parts["text"] and "plain javascript" in parts["text"]


def test_the_web_version_on_the_built_site_has_the_same_links(publication, hostile_essay):
    site = build(publication)
    page = (site / "newsletter" / hostile_essay / "index.html").read_text()
    assert urls_breaking_the_rule(page) == []
    assert_no_bad_scheme_in(page)
    document = lxml_html.document_fromstring(page)
    assert document.xpath("//a[.='a web link']/@href") == ["https://example.org/kept"]
    assert "plain javascript" in document.text_content()


def test_newsletter_check_says_which_links_were_left_out(publication, hostile_essay):
    loaded = load(publication)
    report = check_issue(loaded, loaded.essay(hostile_essay))
    left_out = [p for p in report.problems if "is not in the letter" in p.message]
    assert all(p.severity == "warning" and p.path.endswith("links.md") for p in left_out)
    messages = " ".join(p.message for p in left_out)
    for url in ("'javascript:alert(1)'", "'tel:+351210000000'", "'file:///etc/passwd'", "'data:image/png"):
        assert url in messages, url


def test_a_template_override_cannot_write_such_a_link_either(publication):
    templates = publication / "newsletter" / "templates"
    templates.mkdir(parents=True)
    (templates / "footer.mjml.j2").write_text(
        '    <mj-section><mj-column><mj-text><a href="javascript:alert(16)">Our terms</a> '
        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="pixel" /> '
        '<a href="https://test.example.org/terms/">Terms</a> {{ footer.postal_address }}'
        '</mj-text></mj-column></mj-section>\n')
    loaded = load(publication)
    issue = render_issue(loaded, loaded.essay("a-good-essay"))
    assert urls_breaking_the_rule(issue.html) == []
    assert_no_bad_scheme_in(issue.html)
    assert "Our terms" in issue.html and 'href="https://test.example.org/terms/"' in issue.html
    assert issue.html.lower().startswith("<!doctype html>")


# -- the rule itself, function by function (fast: these are what scripts/mutation runs) -----------


@pytest.mark.parametrize(("body", "cleaned"), [
    ('<section><p>Kept.</p></section>', '<section><p>Kept.</p></section>'),
    ('<form>Go<button>press</button></form>after', 'after'),  # gone with its words, not unwrapped
    ('<title>A title</title><noscript>Turn it on</noscript>text', 'text'),
    ('<a href="tel:+351210000000">a phone</a>', '<a>a phone</a>'),
    ('<a href="ftp://example.org/">a server</a>', '<a>a server</a>'),
    ('<a href="https://example.org/?a=1;b=2">kept</a>', '<a href="https://example.org/?a=1;b=2">kept</a>'),
    ('<p>one<!-- a note to myself -->two</p>', '<p>onetwo</p>'),
    ('<blockquote cite="javascript:alert(1)">q</blockquote>', '<blockquote>q</blockquote>'),
    ('<blockquote cite="https://example.org/source">q</blockquote>',
     '<blockquote cite="https://example.org/source">q</blockquote>'),
    ('<p style="color: red; background: url(javascript:alert(1))">s</p>', '<p style="color: red">s</p>'),
    ('<P STYLE="color: red; BACKGROUND: URL(x.png)">s</P>', '<p style="color: red">s</p>'),
    ('<p style="background: url(x.png)">s</p>', '<p>s</p>'),
    ('<img src="https://a.example.org/x.png" srcset="https://a.example.org/x.png 1x, https://a.example.org/y.png 2x">',
     '<img src="https://a.example.org/x.png" srcset="https://a.example.org/x.png 1x, https://a.example.org/y.png 2x">'),
    ('<img src="https://a.example.org/x.png" srcset="https://a.example.org/x.png 1x, data:image/png;base64,AAAA 2x">',
     '<img src="https://a.example.org/x.png">'),
    ('<img src="https://a.example.org/x.png" srcset="https://a.example.org/x.png 1x,javascript:alert(1) 2x">',
     '<img src="https://a.example.org/x.png">'),
    ('<img src="https://a.example.org/x.png" srcset="javascript:alert(1)">', '<img src="https://a.example.org/x.png">'),
])
def test_clean_body_keeps_only_the_allowed_tags_attributes_and_links(body, cleaned):
    assert links.clean_body(body) == cleaned


@pytest.mark.parametrize(("style", "cleaned"), [
    ("color: red; background: url(x.png)", "color: red"),
    ("color: red; background: url(x.png); ", "color: red;"),
    ("color: red;  font-weight: bold", "color: red; font-weight: bold"),
    ("background: url(x.png);", ""),
    ("BACKGROUND: URL(x.png); width: 10px", "width: 10px"),
    ("width: 10px; behavior: url(x.htc); -moz-binding: x; top: expression(alert(1)); content: '\\61'", "width: 10px"),
    ("font-family: 'Café'; background-image: URL('café.png')", "font-family: 'Café'"),
])
def test_clean_style_drops_each_declaration_that_loads_or_runs_something(style, cleaned):
    assert links.clean_style(style) == cleaned


@pytest.mark.parametrize(("url", "printed"), [
    ("https://example.org/work", "https://example.org/work"), ("mailto:julia@example.org", "mailto:julia@example.org"),
    ("javascript:alert(1)", ""), (" JavaScript:alert(1)", ""), ("tel:+351210000000", ""), ("/work", ""), ("", ""),
])
def test_safe_url_prints_only_an_absolute_http_or_mailto_url(url, printed):
    assert links.safe_url(url) == printed


PAGE = "<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>"


def test_scrub_document_returns_a_clean_page_as_it_was():
    page = PAGE.format(head="", body='<p style="color: red">ok <a href="https://example.org/">a</a></p>')
    assert links.scrub_document(page) == page


@pytest.mark.parametrize(("head", "body", "scrubbed"), [
    ("", '<a href="javascript:alert(1)">x</a>', "<head></head><body><a>x</a></body>"),
    ("", '<img src="data:image/gif;base64,R0lGOD" alt="pixel"><p>after</p>',
     "<head></head><body><p>after</p></body>"),  # the image goes
    ("", '<img src="https://a.example.org/x.png" srcset="https://a.example.org/x.png 1x, javascript:alert(2) 2x" '
         'alt="kept">',
     '<head></head><body><img src="https://a.example.org/x.png" alt="kept"></body>'),  # the image stays
    ("", '<video src="javascript:alert(3)">v</video>', "<head></head><body><video>v</video></body>"),
    ("", '<p style="color: red; background: url(javascript:alert(4))">s</p>',
     '<head></head><body><p style="color: red">s</p></body>'),
    ("", '<a foo:href="javascript:alert(5)">f</a><a xlink:href="javascript:alert(6)">g</a>',
     "<head></head><body><a>f</a><a>g</a></body>"),
    ('<link rel="preload" as="image" imagesrcset="https://a.example.org/x.png 1x, javascript:alert(7) 2x">', "<p>t</p>",
     '<head><link rel="preload" as="image"></head><body><p>t</p></body>'),
])
def test_scrub_document_takes_out_each_link_that_breaks_the_rule_and_keeps_the_doctype(head, body, scrubbed):
    assert links.scrub_document(PAGE.format(head=head, body=body)) == f"<!DOCTYPE html>\n<html>{scrubbed}</html>"
