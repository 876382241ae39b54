"""Read once, render once (DESIGN.md, data flow), counted on the real code paths.

Spies wrap the real functions (they still run): ``markdown.Markdown.convert``, every
conversion in the process (MkDocs', Material's, any plugin's or ours), counted when
its text is an essay's body; and ``read_essay`` as :func:`load_publication` calls
it, the one place an essay file is opened. Each test runs a real build (and a real
``publish``) and counts per essay file.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import markdown
import pytest
from click.testing import CliRunner
from mkdocs.commands.build import build
from mkdocs.config import load_config

import test_publish as publish_setup
from letterpress.cli import cli
from letterpress.model import publication as publication_module
from letterpress.model.publication import load_publication
from letterpress.site.loader import load_settings
from run_options import SAMPLE, SAMPLE_ENV

# The scratch repository, SMTP server and subscribers of tests/test_publish.py.
remote = publish_setup.remote
server_clone = publish_setup.server_clone
smtp = publish_setup.smtp


@pytest.fixture
def conversions(monkeypatch) -> Counter:
    """Text -> how many times any Markdown converter in the process converted it (see :func:`per_essay`)."""
    counts: Counter = Counter()
    real = markdown.Markdown.convert

    def counting(self, source, *args, **kwargs):
        counts[source.strip()] += 1
        return real(self, source, *args, **kwargs)

    monkeypatch.setattr(markdown.Markdown, "convert", counting)
    return counts


def per_essay(conversions: Counter, root: Path) -> Counter:
    """Essay file of ``root`` -> how many times its body was converted (essays converted at least once)."""
    bodies = {path: path.read_text(encoding="utf-8").split("\n---\n", 1)[-1].strip() for path in essay_files(root)}
    sharing = Counter(bodies.values())  # essays written from one template share their text: split its count
    return Counter({path: conversions[body] / sharing[body] for path, body in bodies.items() if conversions[body]})


@pytest.fixture
def reads(monkeypatch) -> Counter:
    """Essay file -> how many times it was read."""
    counts: Counter = Counter()
    real = publication_module.read_essay

    def counting(path, *args, **kwargs):
        counts[Path(path).resolve()] += 1
        return real(path, *args, **kwargs)

    monkeypatch.setattr(publication_module, "read_essay", counting)
    return counts


def essay_files(root: Path) -> set[Path]:
    return {path.resolve() for path in (root / "docs/essays/posts").rglob("*.md")}


def published_files(root: Path) -> set[Path]:
    return {essay.path.resolve() for essay in load_publication(load_settings(root), SAMPLE).published()}


def test_a_mkdocs_build_converts_each_published_essay_once(sample_root, tmp_path, conversions, reads):
    published = published_files(sample_root)
    reads.clear()
    config = load_config(str(sample_root / "mkdocs.yml"), site_dir=str(tmp_path / "site"))
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()
    assert (tmp_path / "site/rss.xml").is_file() and (tmp_path / "site/newsletter/index.html").is_file()
    # The feeds and the email web versions both carry the full text: MkDocs' one conversion serves all.
    converted = per_essay(conversions, sample_root)
    assert published and set(converted) == published
    assert max(converted.values()) == 1, converted
    # A bare `mkdocs build` has no caller's publication: the plugin reads each essay, once.
    assert set(reads) == essay_files(sample_root) and set(reads.values()) == {1}


def test_letterpress_build_reads_each_essay_once(publication_copy, monkeypatch, conversions, reads):
    monkeypatch.chdir(publication_copy)
    result = CliRunner(env=SAMPLE_ENV).invoke(cli, ["build"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert (publication_copy / "site/feed.json").is_file()
    assert set(reads) == essay_files(publication_copy) and set(reads.values()) == {1}, reads
    converted = per_essay(conversions, publication_copy)
    assert set(converted) == published_files(publication_copy) and set(converted.values()) == {1}


def test_publish_reads_and_converts_each_essay_once(server_clone, smtp, conversions, reads):
    result = publish_setup.publish()
    assert result.exit_code == 0, result.output
    assert "sent 'a-new-letter'" in result.output and publish_setup.recipients(smtp)
    # Pull, check, build, deploy and send all work from one read ...
    assert set(reads) == essay_files(server_clone) and set(reads.values()) == {1}, reads
    # ... and the letter sent carries the HTML of the essay's page: one conversion per build. The letters are
    # checked before the site is built, so in a clone without the cache (.cache/letterpress, not in git) the
    # check's build captures them first: two builds, each converting each essay once.
    converted = per_essay(conversions, server_clone)
    assert set(converted) == published_files(server_clone) and set(converted.values()) == {2}, converted


def test_a_change_of_delivery_settings_keeps_the_built_html(publication_copy, monkeypatch, conversions):
    """A send with another pool or rate finds the HTML the build kept; any other change of the config misses."""
    monkeypatch.chdir(publication_copy)
    assert CliRunner(env=SAMPLE_ENV).invoke(cli, ["build"], catch_exceptions=False).exit_code == 0
    config = publication_copy / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("pool: 1 ", "pool: 4 ").replace(
        "rate: 0 ", "rate: 25 "), encoding="utf-8")
    conversions.clear()
    result = CliRunner(env=SAMPLE_ENV).invoke(cli, ["newsletter", "render", "the-listening-hour"],
                                              catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert not per_essay(conversions, publication_copy)  # no scratch build: the kept HTML served
    config.write_text(config.read_text(encoding="utf-8").replace("PO Box 1204", "PO Box 1205"), encoding="utf-8")
    result = CliRunner(env=SAMPLE_ENV).invoke(cli, ["newsletter", "render", "the-listening-hour"],
                                              catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert per_essay(conversions, publication_copy)  # the rest of mkdocs.yml still shapes the key
