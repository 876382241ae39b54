"""The letter of each sample essay: goldens, MIME headers, the recording, size budget, accessibility.

Regenerate the golden files with ``.venv/bin/python -m pytest --update-golden``
and review their diff like code.
"""

from __future__ import annotations

import email
import email.policy
import re
from dataclasses import replace
from email.utils import parsedate_to_datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html

from letterpress import tokens
from letterpress.newsletter import render_issue, templates
from letterpress.newsletter.message import SMTP_POLICY
from letterpress.newsletter.mjml_html import check_structure
from letterpress.newsletter.render import HTML_TEMPLATE, prepare
from newsletter_helpers import (
    DRAFT,
    FIXED_DATE,
    GOLDEN,
    LONG,
    NARRATED,
    READER,
    READER_NAME,
    TEST_SECRET,
    load,
    reader_unsubscribe_url,
)


@pytest.fixture(scope="session")
def sample():
    return load()


@pytest.fixture(scope="session")
def issues(sample):
    """Every sample essay rendered once (drafts and scheduled ones too: previews work on them)."""
    return {essay.slug: render_issue(sample, essay) for essay in sample.essays}


@pytest.fixture(scope="session")
def messages(sample, issues):
    url = reader_unsubscribe_url(sample)
    return {slug: issue.message_for(READER, READER_NAME, unsubscribe_url=url, date=FIXED_DATE)
            for slug, issue in issues.items()}


def parsed(message):
    return email.message_from_bytes(message.as_bytes(), policy=email.policy.default)


# -- golden files --------------------------------------------------------------------

HEAD_GOLDEN = "head.html"  # every letter's <head>, once; the .html goldens hold the rest
TITLE = re.compile(r"<title>.*?</title>", re.DOTALL)
# MJML adds this style sheet only to letters with a full-width image (the sample's long essay).
FULL_WIDTH_MOBILE = re.compile(r'<style type="text/css">@media only screen and \(max-width:479px\).*?</style>',
                               re.DOTALL)


def split_head(html: str) -> tuple[str, str]:
    """The letter's ``<head>`` (its title emptied) and what follows it."""
    head, end, rest = html.partition("</head>")
    return TITLE.sub("<title></title>", head + end), rest


def check_golden(name: str, text: str, update_golden: bool) -> None:
    golden = GOLDEN / name
    if update_golden:
        golden.write_text(text, encoding="utf-8")
    assert golden.exists(), f"{golden} missing; run .venv/bin/python -m pytest --update-golden"
    assert golden.read_text(encoding="utf-8") == text, \
        f"{golden.name} differs; review, then .venv/bin/python -m pytest --update-golden"


def test_every_sample_essay_matches_its_golden_files(sample, issues, messages, update_golden):
    url = reader_unsubscribe_url(sample)
    GOLDEN.mkdir(parents=True, exist_ok=True)
    heads = {}
    for slug, issue in issues.items():
        heads[slug], rest = split_head(issue.html_for(READER, url))
        outputs = {".html": rest, ".txt": issue.text_for(READER, url),
                   ".eml": messages[slug].as_bytes().decode("ascii")}
        for suffix, text in outputs.items():
            check_golden(f"{slug}{suffix}", text, update_golden)
    check_golden(HEAD_GOLDEN, heads[LONG], update_golden)
    for slug, head in heads.items():
        assert head in (heads[LONG], FULL_WIDTH_MOBILE.sub("", heads[LONG], count=1)), f"{slug}: its <head> differs"


def test_rendering_twice_gives_identical_html_and_text(sample, issues):
    again = render_issue(sample, sample.essay(LONG))
    assert again.html == issues[LONG].html
    assert again.text == issues[LONG].text


# -- MIME -----------------------------------------------------------------------------

def test_eml_headers(sample, messages):
    message = parsed(messages[LONG])
    essay = sample.essay(LONG)
    assert message["Subject"] == essay.title
    assert message["From"].addresses[0].addr_spec == "letters@quietrooms.example.org"
    assert message["To"].addresses[0].addr_spec == READER
    assert message["To"].addresses[0].display_name == READER_NAME
    assert message["MIME-Version"] == "1.0"
    assert message["List-Id"] == "Quiet Rooms <letters.quietrooms.example.org>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert re.fullmatch(r"<https://quietrooms\.example\.org/service/unsubscribe\?token=[^>\s]+>",
                        str(message["List-Unsubscribe"]))
    assert parsedate_to_datetime(message["Date"]) == FIXED_DATE
    assert b"\nDate: Mon, 02 Nov 2026 08:30:00 GMT\n" in messages[LONG].as_bytes()
    assert re.fullmatch(r"<[0-9a-f]{32}@quietrooms\.example\.org>", message["Message-ID"])


def test_body_is_text_then_html_in_utf8(messages):
    message = parsed(messages[LONG])
    assert message.get_content_type() == "multipart/alternative"
    parts = list(message.iter_parts())
    assert [p.get_content_type() for p in parts] == ["text/plain", "text/html"]
    assert all(p.get_content_charset() == "utf-8" for p in parts)
    assert "Unsubscribe" in parts[1].get_content() and "Unsubscribe" in parts[0].get_content()
    body = messages[LONG].as_bytes().split(b"\n\n", 1)[1]
    assert max(len(line) for line in body.split(b"\n")) <= 76, "quoted-printable lines end at 76"


def test_unsubscribe_token_names_the_recipient_and_list(sample, issues):
    message = parsed(replace(issues[LONG], secret=TEST_SECRET).message_for(READER))
    token = re.search(r"token=([^>]+)>", str(message["List-Unsubscribe"])).group(1)
    assert tokens.read_unsubscribe_token(token, TEST_SECRET) == (READER, "letters.quietrooms.example.org")
    html = message.get_body(("html",)).get_content()
    assert f"token={token}" in html  # the visible link is the same one-click link


def test_message_id_is_stable_per_essay_and_recipient(issues):
    first = issues[LONG].message_for(READER, unsubscribe_url="https://x.example/u")
    again = issues[LONG].message_for(READER, unsubscribe_url="https://x.example/u")
    other_reader = issues[LONG].message_for("other@example.org", unsubscribe_url="https://x.example/u")
    other_essay = issues[NARRATED].message_for(READER, unsubscribe_url="https://x.example/u")
    assert first["Message-ID"] == again["Message-ID"]
    assert len({first["Message-ID"], other_reader["Message-ID"], other_essay["Message-ID"]}) == 3


def test_reply_to_is_the_author_else_the_sender(messages):
    by_julia, by_tomas = "the-art-of-staying", "the-listening-hour"
    assert parsed(messages[by_julia])["Reply-To"].addresses[0].addr_spec == "julia@quietrooms.example.org"
    # Tomás has no email in the config: replies go to the sender
    assert parsed(messages[by_tomas])["Reply-To"].addresses[0].addr_spec == "letters@quietrooms.example.org"


def test_non_ascii_names_and_subjects_are_rfc2047_encoded(issues):
    raw = issues[LONG].message_for(READER, "Tomás Ferreira", unsubscribe_url="https://x.example/u").as_bytes()
    head = raw.split(b"\n\n", 1)[0]
    assert head.isascii()
    assert b"=?utf-8?" in head
    assert parsed_bytes(raw)["To"].addresses[0].display_name == "Tomás Ferreira"


def parsed_bytes(raw: bytes):
    return email.message_from_bytes(raw, policy=email.policy.default)


@pytest.mark.parametrize("address, name", [
    ("reader@example.org\r\nBcc: victim@example.org", ""),
    ("reader@example.org", "Reader\nBcc: victim@example.org"),
    ("reader@example.org\x00", ""),
])
def test_header_injection_is_refused(issues, address, name):
    from letterpress.newsletter.addresses import HeaderInjectionError

    with pytest.raises(HeaderInjectionError, match="line break or control character"):
        issues[LONG].message_for(address, name, unsubscribe_url="https://x.example/u")


def test_missing_secret_is_a_clear_error(issues):
    with pytest.raises(tokens.SecretMissingError, match="LETTERPRESS_SECRET is not set"):
        replace(issues[LONG], secret="").message_for(READER)


@pytest.mark.parametrize("name", ["", "Réader Person", "Keller, Julia"])
def test_message_bytes_equals_the_stdlib_serialization(sample, issues, name):
    url = reader_unsubscribe_url(sample)
    for issue in (issues[LONG], issues[NARRATED]):
        expected = issue.message_for(READER, name, unsubscribe_url=url, date=FIXED_DATE).as_bytes(policy=SMTP_POLICY)
        assert issue.message_bytes(READER, name, unsubscribe_url=url, date=FIXED_DATE) == expected


def outcome(compose):
    """What a serialiser gives: its bytes, or the type and text of the error it raised."""
    try:
        return compose()
    except Exception as error:  # both serialisers must refuse the same input the same way
        return type(error), str(error)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(max_size=60), address=st.emails() | st.text(max_size=40))
def test_the_two_serialisers_agree_on_any_name_and_address(sample, issues, name, address):
    url = reader_unsubscribe_url(sample)
    issue = issues[LONG]
    by_stdlib = outcome(lambda: issue.message_for(address, name, unsubscribe_url=url, date=FIXED_DATE)
                        .as_bytes(policy=SMTP_POLICY))
    assert outcome(lambda: issue.message_bytes(address, name, unsubscribe_url=url, date=FIXED_DATE)) == by_stdlib


def test_personalising_does_not_render_templates(issues, monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("a template was rendered while personalising")

    monkeypatch.setattr(templates, "render", fail)
    issue = issues[LONG]
    for number in range(50):
        issue.message_for(f"reader{number}@example.org", unsubscribe_url="https://x.example/u")


def test_optional_mailto_unsubscribe(sample, publication_copy):
    config = publication_copy / "mkdocs.yml"
    config.write_text(config.read_text().replace(
        "        attach_audio_max_mb: 10\n",
        "        attach_audio_max_mb: 10\n        unsubscribe_mailto: leave@quietrooms.example.org\n"))
    copy = load(publication_copy)
    message = render_issue(copy, copy.essay(LONG)).message_for(READER, unsubscribe_url="https://x.example/u")
    assert str(message["List-Unsubscribe"]) == \
        "<https://x.example/u>, <mailto:leave@quietrooms.example.org?subject=unsubscribe>"


# -- content of the letter -------------------------------------------------------------

def test_html_has_the_essay_parts(sample, issues):
    essay = sample.essay(LONG)
    document = lxml_html.document_fromstring(issues[LONG].html)
    text = document.text_content()
    assert essay.title in document.findtext(".//title")
    assert essay.description in text  # the preheader
    assert "On the long middle of therapy, and of most things worth doing" in text  # the subtitle
    assert document.xpath('//div[contains(@class, "epigraph")]//blockquote')
    assert document.xpath('//p[contains(@class, "epigraph__attribution")]')
    assert document.xpath('//ol[@class="lp-notes"]/li'), "footnotes become endnotes"
    assert not document.xpath('//a[contains(@href, "#fn")]'), "no in-page footnote links in email"
    assert "quietrooms.example.org/newsletter/" in issues[LONG].html  # view in browser
    assert "PO Box 1204" in text


def test_narrated_essay_has_player_listen_button_and_chapters(sample, issues):
    essay = sample.essay(NARRATED)
    document = lxml_html.document_fromstring(issues[NARRATED].html)
    page = f"https://quietrooms.example.org/essays/{essay.slug}/"
    audio = document.xpath("//audio[@controls]")
    assert audio and audio[0].get("src").startswith("https://quietrooms.example.org/")
    listen = document.xpath(f'//a[@href="{page}#listen"]')
    assert listen and essay.audio.narrator in listen[0].text_content()
    assert "Listen" in listen[0].text_content()
    chapters = [a.get("href") for a in document.xpath(f'//a[starts-with(@href, "{page}#t=")]')]
    assert chapters == [f"{page}#t={c.start}" for c in essay.audio.chapters]
    text = issues[NARRATED].text
    assert f"{page}#listen" in text
    assert all(c.title in text and f"{page}#t={c.start}" in text for c in essay.audio.chapters)


def test_outlook_is_kept_away_from_the_audio_element(issues):
    html = issues[NARRATED].html
    start = html.index("<audio")
    assert html.rfind("<!--[if !mso]><!-->", 0, start) > html.rfind("<![endif]-->", 0, start)


def test_text_part_reads_well(sample, issues):
    text = issues[LONG].text
    essay = sample.essay(LONG)
    assert text.count("\n" + "=" * len(essay.title) + "\n") == 1  # the title, underlined
    assert re.search(r"\n\S[^\n]*\n-{3,}\n", text), "section headings are underlined"
    assert re.search(r"\n {8}—\s\S", text), "epigraph attributions are set apart"
    assert re.search(r"\[1\] https://", text), "links are numbered references"
    assert "Unsubscribe with one click:" in text and "PO Box 1204" in text
    for slug, issue in issues.items():
        lines = [line for line in issue.text.splitlines() if "http" not in line]
        assert max(len(line) for line in lines) <= 72, slug


def test_email_is_accessible_and_private(issues):
    for slug, issue in issues.items():
        document = lxml_html.document_fromstring(issue.html)
        assert document.get("lang") == "en", slug
        assert all(t.get("role") == "presentation" for t in document.iter("table")), slug
        assert all(img.get("alt") is not None for img in document.iter("img")), slug
        assert not document.xpath("//script"), slug
        assert "fonts.googleapis" not in issue.html and "@import" not in issue.html, slug
        assert not document.xpath('//img[@width="1" or @height="1"]'), "no tracking pixels"
        assert not document.xpath("//link"), "no remote stylesheets or fonts"
        assert "prefers-color-scheme: dark" in issue.html and "[data-ogsc]" in issue.html


def test_drafts_render_marked_as_drafts(issues):
    assert issues[DRAFT].subject.startswith("[Draft] ")
    assert "Draft preview" in issues[DRAFT].html
    assert "DRAFT PREVIEW" in issues[DRAFT].text


def test_the_mjml_of_every_sample_essay_is_well_formed(sample):
    """MRML renders unknown tags and bad nesting silently: our templates must produce valid MJML."""
    for essay in sample.essays:
        letter = prepare(sample, essay, web_version=False)
        context = dict(letter.context, body="", body_text="", references="")
        source = templates.render(sample.settings, HTML_TEMPLATE, context)
        assert source.lstrip().startswith("<mjml")
        assert check_structure(source) == [], essay.slug


# -- size budget -----------------------------------------------------------------------

def test_the_long_sample_essay_fits_the_budget_in_full(sample, issues):
    essay = sample.essay(LONG)
    assert essay.words >= 4000
    assert not issues[LONG].excerpted
    assert issues[LONG].html_bytes <= sample.settings.newsletter.budget_kb * 1024
