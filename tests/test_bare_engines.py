"""Defence in depth: an engine run by hand, without Letterpress, publishes no draft or scheduled essay.

The sample's blog sets ``draft_if_future_date: true``; a fixture essay dated 2099
stays in the future whatever day the suite runs (the sample's scheduled essay
stops being in the future on 2027-01-15). When Letterpress drives a build it
schedules by itself (``LETTERPRESS_NOW``), with either engine.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent
FAR = "far-future"
DRAFT = "an-unfinished-letter"
ESSAY = """---
title: Far Future
description: An essay dated long after any test run.
date: 2099-01-01
authors: [julia]
categories: [Notes]
---

Words for later.
"""


@pytest.fixture
def far_future(publication_copy) -> Path:
    (publication_copy / "docs/essays/posts/far-future.md").write_text(ESSAY, encoding="utf-8")
    return publication_copy


def run(root: Path, *command: str, now: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "LETTERPRESS_NOW"}
    env.update({"NO_MKDOCS_2_WARNING": "1", **({"LETTERPRESS_NOW": now} if now else {})})
    return subprocess.run([str(BIN / command[0]), *command[1:]], cwd=root, capture_output=True, text=True,
                          env=env, timeout=300)


def essay_pages(site: Path) -> set[str]:
    return {p.parent.name for p in (site / "essays").glob("*/index.html")}


def test_a_bare_zensical_build_publishes_no_scheduled_or_draft_essay(far_future):
    result = run(far_future, "zensical", "build")
    assert result.returncode == 0, result.stderr
    pages = essay_pages(far_future / "site")
    assert "the-listening-hour" in pages
    assert FAR not in pages and DRAFT not in pages


def test_a_bare_mkdocs_build_without_letterpress_publishes_none_either(far_future):
    config = far_future / "mkdocs.yml"
    config.write_text(config.read_text().replace("  - letterpress:\n", "  - letterpress:\n      enabled: false\n"))
    result = run(far_future, "mkdocs", "build")
    assert result.returncode == 0, result.stderr
    pages = essay_pages(far_future / "site")
    assert "the-listening-hour" in pages
    assert FAR not in pages and DRAFT not in pages


@pytest.mark.parametrize("engine", ["mkdocs", "zensical"])
def test_letterpress_schedules_by_itself_with_either_engine(far_future, engine):
    """Past the essay's date (LETTERPRESS_NOW), Letterpress publishes it: the engine's option is off."""
    for now, site, published in (("2099-01-02T00:00:00", "after", True), ("2098-12-31T00:00:00", "before", False)):
        result = run(far_future, "letterpress", "build", "--engine", engine, "--site-dir", site, now=now)
        assert result.returncode == 0, result.stderr
        assert (FAR in essay_pages(far_future / site)) is published, now


def test_check_warns_where_a_bare_build_would_publish(far_future):
    essay = far_future / "docs/essays/posts/far-future.md"
    essay.write_text(ESSAY.replace("date: 2099-01-01\n", "date: 2099-01-01\ndraft: false\n"), encoding="utf-8")
    config = far_future / "mkdocs.yml"
    config.write_text(config.read_text().replace("      draft_if_future_date: true\n", ""))
    result = run(far_future, "letterpress", "check")
    assert result.returncode == 0, result.stdout + result.stderr
    output = result.stdout + result.stderr
    assert "docs/essays/posts/far-future.md" in output and "remove the 'draft:' line" in output
    assert "plugins.blog.draft_if_future_date" in output and "draft_if_future_date: true" in output


def test_check_is_quiet_about_the_sample(sample_root):
    result = run(sample_root, "letterpress", "check", now="2026-11-01T12:00:00")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "draft_if_future_date" not in result.stdout + result.stderr
    assert "remove the 'draft:' line" not in result.stdout + result.stderr


def test_a_check_error_stops_a_zensical_build_and_keeps_the_old_site(publication_copy):
    first = run(publication_copy, "letterpress", "build", "--engine", "zensical", now="2026-11-01T12:00:00")
    assert first.returncode == 0, first.stderr
    before = sorted(p.relative_to(publication_copy) for p in (publication_copy / "site").rglob("*"))
    essay = publication_copy / "docs/essays/posts/the-listening-hour.md"
    essay.write_text(essay.read_text(encoding="utf-8").replace("authors: [tomas]", "authors: [tomasz]"))
    result = run(publication_copy, "letterpress", "build", "--engine", "zensical", now="2026-11-01T12:00:00")
    assert result.returncode == 1
    assert "the-listening-hour.md" in result.stderr and "authors" in result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p.relative_to(publication_copy) for p in (publication_copy / "site").rglob("*")) == before
    assert not [p for p in publication_copy.iterdir() if p.name.startswith(".letterpress-zensical-")]


def test_the_engine_setting_chooses_zensical(publication_copy):
    config = publication_copy / "mkdocs.yml"
    config.write_text(config.read_text().replace("  - letterpress:\n", "  - letterpress:\n      site:\n"
                                                 "        engine: zensical\n"))
    result = run(publication_copy, "letterpress", "build", "--site-dir", "out", now="2026-11-01T12:00:00")
    assert result.returncode == 0, result.stderr
    assert (publication_copy / "out/search.json").exists()  # Zensical's search index, not MkDocs'
    config.write_text(config.read_text().replace("engine: zensical", "engine: hugo"))
    wrong = run(publication_copy, "letterpress", "build", now="2026-11-01T12:00:00")
    assert wrong.returncode == 1 and "plugins.letterpress.site.engine" in wrong.stderr


def test_a_config_not_named_mkdocs_yml_builds(publication_copy):
    """``mkdocs build -f other.yml``: every check reads the config MkDocs was given, not mkdocs.yml."""
    (publication_copy / "mkdocs.yml").rename(publication_copy / "other.yml")
    result = run(publication_copy, "mkdocs", "build", "-f", "other.yml", now="2026-11-01T12:00:00")
    assert result.returncode == 0, result.stderr
    assert "the-listening-hour" in essay_pages(publication_copy / "site")
