"""``letterpress newsletter render`` and the web versions on the built site."""

from __future__ import annotations

import email
import email.policy

from click.testing import CliRunner
from lxml import html as lxml_html

from letterpress import tokens
from letterpress.cli import cli
from newsletter_helpers import DRAFT, LONG, NARRATED, TEST_SECRET, load
from run_options import PREVIEW, SAMPLE_ENV


def render(root, monkeypatch, *args):
    monkeypatch.chdir(root)
    return CliRunner(env=SAMPLE_ENV).invoke(cli, ["newsletter", "render", *args])


def test_render_writes_html_text_and_eml_for_every_sample_essay(publication_copy, monkeypatch):
    monkeypatch.setenv(tokens.SECRET_VARIABLE, TEST_SECRET)
    for essay in load(publication_copy).essays:
        result = render(publication_copy, monkeypatch, essay.slug)
        assert result.exit_code == 0, result.stderr
        preview = publication_copy / "newsletter" / "preview"
        for suffix in (".html", ".txt", ".eml"):
            assert (preview / f"{essay.slug}{suffix}").stat().st_size > 0
        message = email.message_from_bytes((preview / f"{essay.slug}.eml").read_bytes(),
                                           policy=email.policy.default)
        assert message["To"].addresses[0].addr_spec == "reader@example.org"
        assert "@@LP_" not in (preview / f"{essay.slug}.html").read_text()
        assert "KB of the 85 KB budget" in result.stdout


def test_render_into_another_folder_and_say_so_for_drafts(publication_copy, monkeypatch, tmp_path):
    monkeypatch.delenv(tokens.SECRET_VARIABLE, raising=False)
    result = render(publication_copy, monkeypatch, DRAFT, "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [f"{DRAFT}.eml", f"{DRAFT}.html", f"{DRAFT}.txt"]
    assert "draft" in result.stdout and "LETTERPRESS_SECRET is not set" in result.stdout


def test_render_says_when_the_essay_goes_out_as_an_excerpt(publication_copy, monkeypatch):
    config = publication_copy / "mkdocs.yml"
    config.write_text(config.read_text().replace("budget_kb: 85", "budget_kb: 40"))
    result = render(publication_copy, monkeypatch, LONG)
    assert result.exit_code == 0, result.stderr
    assert "the whole essay is over the budget" in result.stdout and "Continue reading" in result.stdout


def test_render_errors_exit_1_and_write_nothing(publication_copy, monkeypatch):
    (publication_copy / "newsletter" / "templates" / "footer.mjml.j2").write_text("{% if %}\n")
    result = render(publication_copy, monkeypatch, LONG)
    assert result.exit_code == 1
    assert "newsletter/templates/footer.mjml.j2:1: template syntax error" in result.stderr
    assert not (publication_copy / "newsletter" / "preview").exists()


def test_render_unknown_slug(publication_copy, monkeypatch):
    result = render(publication_copy, monkeypatch, "nope")
    assert result.exit_code == 1 and "no essay with this slug" in result.stderr


def test_commands_have_help():
    runner = CliRunner(env=SAMPLE_ENV)
    for command in ("render", "check"):
        result = runner.invoke(cli, ["newsletter", command, "--help"])
        assert result.exit_code == 0 and "SLUG" in result.stdout


# -- the web versions on the built site ---------------------------------------------------------

def test_web_versions_and_archive_are_on_the_built_site(built_site, sample_root):
    publication = load(sample_root)
    letters = [e for e in publication.published() if e.newsletter]
    assert letters
    for essay in letters:
        page = built_site / "newsletter" / essay.slug / "index.html"
        document = lxml_html.document_fromstring(page.read_text(encoding="utf-8"))
        assert essay.title in document.findtext(".//title")
        assert "@@LP_" not in page.read_text()
        assert "Unsubscribe" not in document.text_content()  # no per-reader parts on the web
        assert "Continue reading" not in document.text_content()  # the whole essay
    archive = lxml_html.document_fromstring((built_site / "newsletter" / "index.html").read_text())
    assert [a.get("href") for a in archive.xpath("//main//h2/a")] == [f"{e.slug}/" for e in letters]


def test_unpublished_essays_have_no_web_version(built_site, sample_root):
    for essay in load(sample_root).essays:
        if essay.slug not in [e.slug for e in load(sample_root).published()]:
            assert not (built_site / "newsletter" / essay.slug).exists(), essay.slug


def test_narrated_web_version_has_the_player(built_site):
    page = (built_site / "newsletter" / NARRATED / "index.html").read_text()
    assert "<audio" in page and "#listen" in page


def test_serve_previews_drafts_as_letters_marked_draft(sample_root, tmp_path):
    from letterpress.model.site_output import SiteOutput
    from letterpress.newsletter.web import write_web_versions
    from letterpress.site.capture import load_for_outputs

    publication = load_for_outputs(sample_root, PREVIEW)
    write_web_versions(publication, SiteOutput(publication, tmp_path))
    page = (tmp_path / "newsletter" / DRAFT / "index.html").read_text()
    assert "Draft preview" in page
    assert "draft preview" in (tmp_path / "newsletter" / "index.html").read_text()
