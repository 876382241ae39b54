"""`letterpress init` in an existing Material blog adopts it (issue 20, part 2), through the real CLI.

The fixture, tests/fixtures/material_blog, is a blog with Material's default settings: `theme:
material`, `plugins: [blog]`, MkDocs' `!!python/name:` tags, and one post dated 2024-01-15 that
takes its title from its `# Hello` heading and has no description.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner

from letterpress.adopt.config_text import append_plugin
from letterpress.cli import cli
from run_options import SAMPLE_ENV, child_env

BLOG = Path(__file__).parent / "fixtures" / "material_blog"


@pytest.fixture
def blog(tmp_path) -> Path:
    return Path(shutil.copytree(BLOG, tmp_path / "blog"))


def init(root: Path, *args: str):
    return CliRunner(env=SAMPLE_ENV).invoke(cli, ["init", str(root), *args], catch_exceptions=False)


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.slow
def test_an_adopted_blog_keeps_its_post_address_and_a_second_init_changes_nothing(blog, monkeypatch):
    original = (blog / "mkdocs.yml").read_bytes()
    result = init(blog)
    assert result.exit_code == 0, result.output
    assert "Your previous mkdocs.yml is kept as mkdocs.yml.bak." in result.output
    assert (blog / "mkdocs.yml.bak").read_bytes() == original
    text = (blog / "mkdocs.yml").read_text()
    assert "theme: material   # the default look\n" in text
    assert "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n" in text
    assert "plugins:\n  - blog\n  # Letterpress" in text and "  - letterpress:\n      timezone: UTC" in text
    assert not (blog / "overrides").exists()  # our templates come with the package
    assert (blog / ".gitignore").read_text() == (
        "# Letterpress: never in git (subscribers, trial letters, previews, the signing key)\n"
        "newsletter/subscribers.sqlite3*\nnewsletter/outbox/\nnewsletter/preview/\n.letterpress/\n")

    subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=blog, env=child_env(), check=True)
    page = (blog / "site/blog/2024/01/15/hello/index.html").read_text()
    assert page.count("<h1") == 1 and "<h1>Hello</h1>" in page
    assert 'href="../../../../../assets/letterpress/letterpress.css"' in page  # our templates, from the package
    feed = feedparser.parse((blog / "site/rss.xml").read_bytes())
    assert [(e.title, e.link) for e in feed.entries] == [("Hello", "https://notes.example.org/blog/2024/01/15/hello/")]
    assert feed.entries[0].summary == "The first post of this blog, written before Letterpress."

    shutil.rmtree(blog / "site")
    before = snapshot(blog)
    again = init(blog)
    assert again.exit_code == 0, again.output
    assert again.output == "Nothing to change: Letterpress is set up in this blog already.\n"
    assert snapshot(blog) == before


def test_check_after_adoption_names_what_is_missing(blog, monkeypatch):
    assert init(blog).exit_code == 0
    monkeypatch.chdir(blog)
    result = CliRunner(env=SAMPLE_ENV).invoke(cli, ["check"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "mkdocs.yml: config 'plugins.letterpress.newsletter.postal_address': warning: is missing;" in result.output
    assert ("mkdocs.yml: config 'plugins.letterpress.newsletter.sender': warning: is missing; add e.g. "
            "'sender: \"Field Notes <letters@notes.example.org>\"' (the From of every letter).") in result.output
    assert ("docs/blog/posts/hello.md:1: front matter 'authors': warning: names no author; add 'authors: [key]' "
            "with a key from blog/.authors.yml, so letters and feeds say who wrote it.") in result.output


def test_dry_run_prints_the_diff_and_writes_nothing(blog):
    before = snapshot(blog)
    result = init(blog, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "--- mkdocs.yml (now)\n+++ mkdocs.yml (adopted)\n" in result.output
    assert "-plugins: [blog]\n+plugins:\n+  - blog\n" in result.output
    assert "\nnew file: .gitignore\n" in result.output and "overrides/" not in result.output
    assert result.output.endswith("Dry run: nothing written; 2 files would change.\n")
    assert snapshot(blog) == before


def test_their_custom_dir_is_kept_untouched(blog):
    config = blog / "mkdocs.yml"
    config.write_text(config.read_text().replace("theme: material   # the default look\n",
                                                 "theme:\n  name: material\n  custom_dir: theirs\n"))
    (blog / "theirs/partials").mkdir(parents=True)
    (blog / "theirs/partials/comments.html").write_text("<p>their comments</p>\n")
    (blog / ".gitignore").write_text("site/\n.letterpress/")
    result = init(blog)
    assert result.exit_code == 0, result.output
    assert (blog / ".gitignore").read_text() == (
        "site/\n.letterpress/\n# Letterpress: never in git (subscribers, trial letters, previews, the signing key)\n"
        "newsletter/subscribers.sqlite3*\nnewsletter/outbox/\nnewsletter/preview/\n")
    assert (blog / ".gitignore.bak").read_text() == "site/\n.letterpress/"
    assert (blog / "theirs/partials/comments.html").read_text() == "<p>their comments</p>\n"
    assert sorted(p.relative_to(blog).as_posix() for p in (blog / "theirs").rglob("*")) == [
        "theirs/partials", "theirs/partials/comments.html"]
    assert not (blog / "overrides").exists() and config.read_text().count("custom_dir") == 1


def test_a_template_both_define_is_refused_naming_it(blog):
    config = blog / "mkdocs.yml"
    config.write_text(config.read_text().replace("theme: material   # the default look\n",
                                                 "theme:\n  name: material\n  custom_dir: theirs\n"))
    (blog / "theirs").mkdir()
    (blog / "theirs/main.html").write_text("{% extends 'base.html' %}\n")
    before = snapshot(blog)
    result = init(blog)
    assert result.exit_code == 1
    assert result.stderr == (
        "error: theirs/main.html: your theme's custom_dir has its own main.html, and Letterpress needs its own; "
        "two cannot be merged. Rename or remove yours (and move what it does into another file) and run "
        "`letterpress init` again.\n")
    assert snapshot(blog) == before


def test_a_folder_that_is_not_a_material_blog_is_refused(blog):
    config = blog / "mkdocs.yml"
    config.write_text(config.read_text().replace("plugins: [blog]", "plugins: [search]"))
    result = init(blog)
    assert result.exit_code == 1
    assert result.stderr == ("error: mkdocs.yml: not a Material blog (it needs 'theme: material' and the 'blog' "
                             "plugin); `letterpress init` adopts only those.\n")


def test_block_lists_keep_their_indentation_and_comments():
    text = "theme:\n    name: material\n    features: [navigation.tabs]\nplugins:\n    - search\n    - blog:\n" \
           "        blog_dir: notes   # theirs\n\n# the end\nextra: {}\n"
    edited = append_plugin(text, ["- letterpress:", "    timezone: UTC"])
    assert edited == ("theme:\n    name: material\n    features: [navigation.tabs]\n"
                      "plugins:\n    - search\n    - blog:\n        blog_dir: notes   # theirs\n"
                      "    - letterpress:\n        timezone: UTC\n\n# the end\nextra: {}\n")
