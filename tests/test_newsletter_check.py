"""``letterpress newsletter check``: each problem it looks for, found in a fixture; errors exit 1."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from conftest import copy_publication
from letterpress import tokens
from letterpress.cli import cli
from letterpress.newsletter.check import check_issue, contrast_ratio
from newsletter_helpers import FIXTURES, LONG, TEST_SECRET, add_essay, load
from run_options import SAMPLE_ENV

SLUG = "a-letter-with-every-problem-the-pre-send-check-looks-for-and-a-subject-far-too-long-to-read"


@pytest.fixture
def troubled(publication_copy):
    return make_troubled(publication_copy)


def make_troubled(publication_copy):
    """The sample with a troubled essay, a low-contrast palette, a relative footer link, no postal address."""
    add_essay(publication_copy, "troubled.md",
              (FIXTURES / "essay_with_every_letter_problem.md").read_text(encoding="utf-8"))
    templates = publication_copy / "newsletter" / "templates"
    (templates / "palette.j2").write_text((FIXTURES / "palette_with_low_contrast.j2").read_text())
    (templates / "footer.mjml.j2").write_text((FIXTURES / "footer_with_relative_link.mjml.j2").read_text())
    config = publication_copy / "mkdocs.yml"
    config.write_text(config.read_text().replace(
        '        postal_address: "Quiet Rooms, PO Box 1204, Portland, OR 97207, USA"\n', ""))
    return publication_copy


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    """The check's report on the troubled essay: one build for every test that only reads it."""
    troubled = make_troubled(copy_publication(tmp_path_factory.mktemp("troubled") / "publication"))
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv(tokens.SECRET_VARIABLE, TEST_SECRET)
        publication = load(troubled)
        return check_issue(publication, publication.essay(SLUG))


def messages(report, severity=None) -> str:
    return "\n".join(str(p) for p in report.problems if severity is None or p.severity == severity)


def test_finds_tk_and_todo_markers_by_line(report):
    errors = messages(report, "error")
    assert "troubled.md:3: 'TK' marker left in the text" in errors
    assert "troubled.md:8: 'TODO' marker left in the text" in errors


def test_finds_links_to_pages_the_site_does_not_have(report):
    errors = messages(report, "error")
    # MkDocs leaves a link to a Markdown file it does not have as written (and warns): the letter has it so.
    assert "https://quietrooms.example.org/no-such-page.md' points at a page the site does not have" in errors
    assert "https://quietrooms.example.org/about/'" not in errors  # docs/about.md exists


def test_finds_relative_links(report):
    assert "link '/about/' is relative" in messages(report, "error")


def test_finds_images_without_alt_or_width(report):
    errors = messages(report, "error")
    assert "photo-without-alt-or-width.jpg' has no alt text" in errors
    assert "photo-without-alt-or-width.jpg' has no width" in errors
    assert "described.jpg' has no" not in errors


def test_finds_a_missing_postal_address(report):
    assert "'plugins.letterpress.newsletter.postal_address': is missing" in messages(report, "error")


def test_warns_about_a_long_subject(report):
    assert re.search(r"front matter 'title': warning: the subject is 9\d characters", messages(report, "warning"))


def test_finds_low_contrast_colours_in_light_and_dark(report):
    errors = messages(report, "error")
    assert "newsletter/templates/palette.j2: light colours 'muted' #aaaaaa on 'paper' #ffffff" in errors
    assert "newsletter/templates/palette.j2: dark colours 'accent' #553322 on 'paper' #1c1a17" in errors


def test_reports_size_against_the_budget(troubled, monkeypatch):
    config = troubled / "mkdocs.yml"
    config.write_text(config.read_text().replace("budget_kb: 85", "budget_kb: 5"))
    publication = load(troubled)
    report = check_issue(publication, publication.essay(LONG))
    assert any("budget_kb" in p.field and "too small" in p.message for p in report.errors)


def test_an_authors_link_to_a_missing_page_is_blamed_on_the_authors_file(publication_copy):
    authors = publication_copy / "docs/essays/.authors.yml"
    authors.write_text(authors.read_text().replace(
        "url: https://example.org/work-with-julia", "url: https://quietrooms.example.org/work-with-julia/"))
    publication = load(publication_copy)
    errors = messages(check_issue(publication, publication.essay("the-art-of-staying")), "error")
    assert ("docs/essays/.authors.yml: key 'authors.julia.url': link 'https://quietrooms.example.org/"
            "work-with-julia/' points at a page the site does not have") in errors
    assert "the-art-of-staying.md: link 'https://quietrooms.example.org/work-with-julia/'" not in errors


def test_a_missing_sender_is_an_error(publication_copy):
    config = publication_copy / "mkdocs.yml"
    config.write_text(config.read_text().replace(
        '        sender: "Quiet Rooms <letters@quietrooms.example.org>"\n', ""))
    publication = load(publication_copy)
    report = check_issue(publication, publication.essay(LONG))
    assert "'plugins.letterpress.newsletter.sender': is missing" in messages(report, "error")


def test_the_sample_passes(sample_root, monkeypatch):
    monkeypatch.setenv(tokens.SECRET_VARIABLE, TEST_SECRET)
    publication = load(sample_root)
    for essay in publication.published():
        report = check_issue(publication, essay)
        assert report.errors == [], (essay.slug, [str(p) for p in report.errors])
        assert 0 < report.html_bytes <= report.budget


def test_contrast_of_the_default_palette_in_both_schemes(sample_root):
    from letterpress.newsletter import templates

    palette = templates.template_module(load(sample_root).settings, "palette.j2")
    for scheme in (palette.light, palette.dark):
        for foreground, background in palette.pairs:
            assert contrast_ratio(scheme[foreground], scheme[background]) >= 4.5


def test_contrast_ratio_matches_wcag_examples():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


def test_cli_check_exits_1_on_errors_and_0_when_ready(troubled, sample_root, monkeypatch):
    monkeypatch.setenv(tokens.SECRET_VARIABLE, TEST_SECRET)
    runner = CliRunner(env=SAMPLE_ENV)
    monkeypatch.chdir(troubled)
    failed = runner.invoke(cli, ["newsletter", "check", SLUG])
    assert failed.exit_code == 1
    assert "error" in failed.stderr and "'TK' marker" in failed.stderr
    monkeypatch.chdir(sample_root)
    passed = runner.invoke(cli, ["newsletter", "check", LONG])
    assert passed.exit_code == 0, passed.stderr
    assert "KB of the 85 KB budget" in passed.stdout and "ok: ready to send" in passed.stdout


def test_cli_check_of_an_unknown_slug_is_an_error(sample_root, monkeypatch):
    monkeypatch.chdir(sample_root)
    result = CliRunner(env=SAMPLE_ENV).invoke(cli, ["newsletter", "check", "no-such-essay"])
    assert result.exit_code == 1
    assert "no essay with this slug" in result.stderr


def test_letterpress_check_warns_about_missing_newsletter_config_and_refuses_invalid(publication_copy):
    from letterpress.checks import check_publication
    from letterpress.cli.checks import EVERY_CHECK

    config = publication_copy / "mkdocs.yml"
    original = config.read_text()
    config.write_text(original.replace('        sender: "Quiet Rooms <letters@quietrooms.example.org>"\n', ""))
    [missing] = [p for p in check_publication(load(publication_copy), EVERY_CHECK) if "newsletter.sender" in p.field]
    assert missing.severity == "warning" and "before the first letter is sent" in missing.message
    config.write_text(original.replace("<letters@quietrooms.example.org>", "<letters at quietrooms>"))
    [invalid] = [p for p in check_publication(load(publication_copy), EVERY_CHECK) if "newsletter.sender" in p.field]
    assert invalid.is_error
