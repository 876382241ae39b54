"""One writer for the build's own files: it never replaces a page, a file of docs/ or another output.

``letterpress check`` names the same collisions before a build; a build refuses them and writes
nothing; the writer itself refuses what no check could foresee.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from letterpress.cli.main import cli
from letterpress.errors import ProblemsError
from letterpress.model.publication import load_publication
from letterpress.model.site_output import SiteOutput
from letterpress.site.loader import load_settings
from run_options import SAMPLE, SAMPLE_ENV


def run(root, monkeypatch, *arguments: str):
    monkeypatch.chdir(root)
    return CliRunner(env=SAMPLE_ENV).invoke(cli, list(arguments), catch_exceptions=False)


@pytest.mark.parametrize(("author_file", "line"), [
    ("docs/feed.json", "docs/feed.json: it is published at /feed.json, where the JSON feed (feed.json) goes; "
                       "rename or move it (the build would refuse to write over it)."),
    ("docs/newsletter/index.md", "docs/newsletter/index.md: it is published at /newsletter/index.html, where "
                                 "the letters' archive goes; rename or move it (the build would refuse to "
                                 "write over it)."),
])
def test_check_names_a_file_of_docs_where_an_output_goes(minimal, monkeypatch, author_file, line):
    (minimal / author_file).parent.mkdir(parents=True, exist_ok=True)
    (minimal / author_file).write_text("{}\n" if author_file.endswith(".json") else "# Mine\n", encoding="utf-8")
    result = run(minimal, monkeypatch, "check")
    assert result.exit_code == 1
    assert line in result.stderr.splitlines(), result.stderr


def test_the_build_refuses_to_write_a_feed_over_a_file_of_docs(minimal, monkeypatch):
    (minimal / "docs/feed.json").write_text('{"mine": true}\n', encoding="utf-8")
    result = run(minimal, monkeypatch, "build")
    assert result.exit_code == 1
    assert "docs/feed.json: it is published at /feed.json" in result.stderr
    assert not (minimal / "site").exists()


def test_check_is_clean_without_a_collision(minimal, monkeypatch):
    result = run(minimal, monkeypatch, "check")
    assert result.exit_code == 0, result.stderr
    assert "where" not in result.stderr


def test_the_writer_refuses_a_second_output_at_one_path(minimal, tmp_path):
    output = SiteOutput(load_publication(load_settings(minimal), SAMPLE), tmp_path)
    output.write("notes/a.html", "first\n", "the first output")
    with pytest.raises(ProblemsError) as refused:
        output.write("notes/a.html", "second\n", "the second output")
    assert str(refused.value) == ("mkdocs.yml: the second output would replace the first output (written by "
                                  "this build); nothing more was written. Rename or move that file "
                                  "(`letterpress check` lists each).")
    assert (tmp_path / "notes/a.html").read_text() == "first\n"


def test_the_writer_refuses_a_file_of_docs_unless_it_names_it_as_replaced(minimal, tmp_path):
    (minimal / "docs/extra.txt").write_text("mine\n", encoding="utf-8")
    output = SiteOutput(load_publication(load_settings(minimal), SAMPLE), tmp_path)
    with pytest.raises(ProblemsError, match=r"^mkdocs.yml: a copy would replace the page of docs/extra.txt;"):
        output.write("extra.txt", "ours\n", "a copy")
    assert not (tmp_path / "extra.txt").exists()
    output.write("extra.txt", "ours\n", "a copy", replaces="the page of docs/extra.txt")
    assert (tmp_path / "extra.txt").read_text() == "ours\n"


def test_the_writer_refuses_a_path_under_a_file(minimal, tmp_path):
    output = SiteOutput(load_publication(load_settings(minimal), SAMPLE), tmp_path)
    (tmp_path / "robots.txt").write_text("the theme's\n")
    with pytest.raises(ProblemsError, match="would replace robots.txt, which the build already wrote"):
        output.write("robots.txt/feed.xml", "ours\n", "an output")
