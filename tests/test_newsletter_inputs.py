"""The letter under unusual input: overrides, template and MJML errors, config errors, size, attachments."""

from __future__ import annotations

import email
import email.policy
import re

import pytest

from letterpress.errors import ProblemsError
from letterpress.newsletter import render_issue
from letterpress.newsletter.message import SMTP_POLICY
from newsletter_helpers import LONG, NARRATED, READER, add_essay, load, long_essay

TEMPLATES = "newsletter/templates"


def write_template(root, name: str, text: str) -> None:
    folder = root / TEMPLATES
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")


def set_option(root, old: str, new: str) -> None:
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert old in text
    config.write_text(text.replace(old, new), encoding="utf-8")


def problems_of(root, slug: str = LONG) -> list[str]:
    publication = load(root)
    with pytest.raises(ProblemsError) as raised:
        render_issue(publication, publication.essay(slug))
    return [str(problem) for problem in raised.value.problems]


# -- overrides -------------------------------------------------------------------------

def test_the_sample_overrides_only_the_footer(sample_root):
    publication = load(sample_root)
    issue = render_issue(publication, publication.essay(LONG))
    assert "answered by hand" in issue.html  # newsletter/templates/footer.mjml.j2
    assert "lp-masthead" in issue.html  # the other parts still come from the package


def test_a_template_overrides_file_by_file(publication_copy):
    write_template(publication_copy, "author.mjml.j2",
                   '    <mj-section><mj-column><mj-text>Written with care by {{ byline }}.</mj-text>'
                   "</mj-column></mj-section>\n")
    write_template(publication_copy, "footer.txt.j2", "Goodbye from {{ publication.name }}.\n"
                   "Unsubscribe: {{ recipient.unsubscribe_url }}\n{{ footer.postal_address }}\n")
    publication = load(publication_copy)
    issue = render_issue(publication, publication.essay(LONG))
    assert "Written with care by" in issue.html
    assert "answered by hand" in issue.html  # the sample's footer override still applies
    assert issue.text.rstrip().endswith("PO Box 1204, Portland, OR 97207, USA")
    assert "Goodbye from Quiet Rooms." in issue.text


# -- template and MJML errors ---------------------------------------------------------------

# author.mjml.j2 as written -> (the line the problem must name, words it must hold)
BAD_TEMPLATES = {
    "template-syntax-error": ("<mj-section>\n{% for author in authors %}\n</mj-section>\n",
                              3, ("template syntax error: Unexpected end of template. The template expected one "
                                  "of these tags: 'endfor' or 'else'.", "fix the template tag ({% ... %} or "
                                  "{{ ... }}) on this line.")),
    "unknown-variable": ("    <mj-section><mj-column>\n      <mj-text>{{ autor.name }}</mj-text>\n"
                         "    </mj-column></mj-section>\n", 2, ("'autor' is undefined",)),
    "unknown-mjml-tag": ("    <mj-section>\n      <mj-column>\n        <mj-txt>{{ byline }}</mj-txt>\n"
                         "      </mj-column>\n    </mj-section>\n", 3, ("<mj-txt>",)),
    "bad-nesting": ("    <mj-section>\n      <mj-text>{{ byline }}</mj-text>\n    </mj-section>\n",
                    2, ("<mj-text> inside <mj-section>",)),
    "unclosed-mjml-tag": ("    <mj-section>\n      <mj-column>\n        <mj-text>{{ byline }}</mj-text>\n"
                          "    </mj-section>\n", 4, ("malformed MJML",)),
    # Well-formed for our structure check, but mj-include of a missing file fails inside MRML.
    "mrml-error": ('    <mj-include path="missing-part.mjml" />\n', 1,
                   ("the letter template cannot be made into HTML",)),
}


@pytest.mark.parametrize("case", BAD_TEMPLATES)
def test_a_bad_template_is_one_problem_naming_file_and_line(publication_copy, case):
    text, line, words = BAD_TEMPLATES[case]
    write_template(publication_copy, "author.mjml.j2", text)
    [problem] = problems_of(publication_copy)
    assert problem.startswith(f"newsletter/templates/author.mjml.j2:{line}: "), problem
    assert all(word in problem for word in words), problem
    assert not re.search("jinja|mrml|mjml-python|lxml", problem, re.IGNORECASE), problem


# -- config --------------------------------------------------------------------------

@pytest.mark.parametrize("old, new, key", [
    ('        sender: "Quiet Rooms <letters@quietrooms.example.org>"\n', "", "newsletter.sender"),
    ('        postal_address: "Quiet Rooms, PO Box 1204, Portland, OR 97207, USA"\n', "",
     "newsletter.postal_address"),
    ("Quiet Rooms <letters@quietrooms.example.org>", "Quiet Rooms <letters@@quietrooms>", "newsletter.sender"),
    ("Quiet Rooms <letters@quietrooms.example.org>", "Quiet Rooms", "newsletter.sender"),
    ("        url: https://quietrooms.example.org/service\n", "", "service.url"),
])
def test_config_errors_name_the_key(publication_copy, old, new, key):
    set_option(publication_copy, old, new)
    problems = problems_of(publication_copy)
    assert any(p.startswith(f"mkdocs.yml: config 'plugins.letterpress.{key}'") for p in problems), problems


# -- size budget -------------------------------------------------------------------------

def test_a_15000_word_essay_is_sent_as_an_excerpt_under_budget(publication_copy):
    add_essay(publication_copy, "a-very-long-essay.md", long_essay(15_000, sections=15))
    publication = load(publication_copy)
    essay = publication.essay("a-very-long-essay")
    assert essay.words >= 15_000
    issue = render_issue(publication, essay)
    assert issue.excerpted
    assert issue.html_bytes <= 85 * 1024
    shown, total = issue.sections
    assert 1 <= shown < total == 15
    continue_url = f"https://quietrooms.example.org/newsletter/a-very-long-essay/#part-{shown + 1}"
    assert f'href="{continue_url}"' in issue.html
    assert issue.html.index("Continue reading") > issue.html.rindex(f"Part {shown}<")
    assert f"Part {shown + 1}" not in issue.html
    assert f"Continue reading: {continue_url}" in issue.text
    assert issue.html.count("<div") == issue.html.count("</div>"), "never cut mid-tag"


def test_a_budget_too_small_for_any_section_is_an_error(publication_copy):
    set_option(publication_copy, "budget_kb: 85", "budget_kb: 20")
    add_essay(publication_copy, "a-very-long-essay.md", long_essay(15_000, sections=2))
    problems = problems_of(publication_copy, "a-very-long-essay")
    assert any("'plugins.letterpress.newsletter.budget_kb'" in p and "too small" in p for p in problems)


# -- the recording as an attachment ----------------------------------------------------------

def test_attach_audio_attaches_the_mp3_under_the_cap(publication_copy):
    set_option(publication_copy, "attach_audio: false", "attach_audio: true")
    publication = load(publication_copy)
    essay = publication.essay(NARRATED)
    message = render_issue(publication, essay).message_for(READER, unsubscribe_url="https://x.example/u")
    parsed = email.message_from_bytes(message.as_bytes(), policy=email.policy.default)
    assert parsed.get_content_type() == "multipart/mixed"
    alternative, attachment = parsed.iter_parts()
    assert alternative.get_content_type() == "multipart/alternative"
    assert attachment.get_content_type() == "audio/mpeg"
    assert attachment.get_filename() == f"{essay.slug}.mp3"
    assert attachment.get_content() == essay.audio.path.read_bytes()
    issue = render_issue(publication, essay)
    assert issue.message_bytes(READER, unsubscribe_url="https://x.example/u") == issue.message_for(
        READER, unsubscribe_url="https://x.example/u").as_bytes(policy=SMTP_POLICY)


def test_attach_audio_refuses_a_recording_over_the_cap(publication_copy):
    set_option(publication_copy, "attach_audio: false", "attach_audio: true")
    set_option(publication_copy, "attach_audio_max_mb: 10", "attach_audio_max_mb: 0")
    problems = problems_of(publication_copy, NARRATED)
    assert len(problems) == 1
    assert "'audio.src'" in problems[0] and "over the attach_audio cap of 0 MB" in problems[0]


def test_attach_audio_leaves_essays_without_a_recording_alone(publication_copy):
    set_option(publication_copy, "attach_audio: false", "attach_audio: true")
    publication = load(publication_copy)
    message = render_issue(publication, publication.essay(LONG)).message_for(
        READER, unsubscribe_url="https://x.example/u")
    assert message.get_content_type() == "multipart/alternative"


def test_raw_html_cannot_bring_scripts_into_the_letter(publication_copy):
    add_essay(publication_copy, "scripted.md", "---\ntitle: Scripted\ndescription: Raw HTML.\n"
              "date: 2026-01-01\nauthors: [julia]\n---\n\nHello.\n\n<script>alert(1)</script>\n\n"
              '<p onclick="steal()">Click <a href="javascript:steal()">here</a>.</p>\n\n'
              '<iframe src="https://tracker.example/pixel"></iframe>\n')
    publication = load(publication_copy)
    issue = render_issue(publication, publication.essay("scripted"))
    for needle in ("<script", "alert(1)", "onclick", "javascript:", "<iframe", "tracker.example"):
        assert needle not in issue.html, needle
    assert "Click" in issue.html
