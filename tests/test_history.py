"""Dates from git and `letterpress status`, on real temporary git repositories."""

from __future__ import annotations

import json
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from letterpress.cli import cli
from letterpress.model.publication import load_publication
from letterpress.site.loader import load_settings
from run_options import SAMPLE, SAMPLE_ENV

GIT_DATES_ON = {**SAMPLE_ENV, "LETTERPRESS_GIT_DATES": "1"}  # these tests read real history

POST = "docs/essays/posts/good.md"


def git(root: Path, *args: str, date: str = "2025-08-09T10:00:00+00:00") -> str:
    env = {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date, "GIT_AUTHOR_NAME": "Julia",
           "GIT_AUTHOR_EMAIL": "julia@example.org", "GIT_COMMITTER_NAME": "Julia",
           "GIT_COMMITTER_EMAIL": "julia@example.org", "PATH": "/usr/bin:/bin"}
    return subprocess.run(["git", *args], cwd=root, env=env, check=True,
                          capture_output=True, text=True).stdout


def test_git_dates_are_switched_off_by_the_options_not_the_environment(repo, monkeypatch):
    post = repo / POST
    post.write_text(post.read_text() + "\nA new paragraph.\n")
    git(repo, "commit", "-q", "-am", "Edit", date="2025-10-02T09:30:00+00:00")
    monkeypatch.setenv("LETTERPRESS_GIT_DATES", "0")  # read only at the edge: ignored below it
    assert updated(repo) is not None
    assert updated(repo, git_dates=False) is None


@pytest.fixture
def repo(minimal_publication) -> Path:
    """The minimal publication as a git repository with one commit (the essay's first version)."""
    root = minimal_publication
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "First version")
    return root


def updated(root: Path, git_dates: bool = True):
    """The essay's "Updated" date, git dates on (as in a real run) unless ``git_dates`` is off."""
    essay = load_publication(load_settings(root), replace(SAMPLE, git_dates=git_dates)).essay("a-good-essay")
    return essay.updated


def test_first_commit_is_not_an_update(repo):
    assert updated(repo) is None


def test_an_edit_after_the_publish_day_is_the_updated_date(repo):
    post = repo / POST
    post.write_text(post.read_text() + "\nA new paragraph.\n")
    git(repo, "commit", "-q", "-am", "Edit", date="2025-10-02T09:30:00+00:00")
    assert updated(repo).date().isoformat() == "2025-10-02"


def test_a_rename_alone_is_not_an_update(repo):
    git(repo, "mv", POST, "docs/essays/posts/renamed.md")
    git(repo, "commit", "-q", "-m", "Rename", date="2025-11-01T09:00:00+00:00")
    assert updated(repo) is None


def test_a_whitespace_only_change_is_not_an_update(repo):
    post = repo / POST
    post.write_text(post.read_text().replace("A paragraph of text.", "A paragraph  of text.   "))
    git(repo, "commit", "-q", "-am", "Whitespace", date="2025-11-01T09:00:00+00:00")
    assert updated(repo) is None


def test_front_matter_updated_wins_over_git(repo):
    post = repo / POST
    post.write_text(post.read_text().replace("date: 2025-08-09", "date: {created: 2025-08-09, updated: 2025-09-01}"))
    git(repo, "commit", "-q", "-am", "Edit", date="2025-10-02T09:30:00+00:00")
    assert updated(repo).date().isoformat() == "2025-09-01"


def test_shallow_clone_falls_back_to_front_matter_and_says_so_once(repo, tmp_path, monkeypatch):
    post = repo / POST
    post.write_text(post.read_text() + "\nMore.\n")
    git(repo, "commit", "-q", "-am", "Edit", date="2025-10-02T09:30:00+00:00")
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo}", str(clone)], check=True)
    assert updated(clone) is None
    monkeypatch.chdir(clone)
    result = CliRunner(env=GIT_DATES_ON).invoke(cli, ["check"], catch_exceptions=False)
    assert result.exit_code == 0
    assert result.stderr.count("shallow clone") == 1


def test_status_json_shows_every_state_and_uncommitted_changes(repo, monkeypatch):
    posts = repo / "docs/essays/posts"
    (posts / "draft.md").write_text(ESSAY.format(title="Draft", date="2025-09-01", extra="draft: true\n"))
    (posts / "later.md").write_text(ESSAY.format(title="Later", date="2027-01-15", extra=""))
    (repo / "newsletter/sent").mkdir(parents=True)
    (repo / "newsletter/sent/a-good-essay.json").write_text(json.dumps(
        {"slug": "a-good-essay", "subject": "A Good Essay", "started": "2025-08-09T10:00:00+00:00",
         "finished": "2025-08-09T10:05:00+00:00", "counts": {"sent": 41, "bounced": 1}}))
    monkeypatch.chdir(repo)
    result = CliRunner(env=GIT_DATES_ON).invoke(cli, ["status", "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    rows = {row["slug"]: row for row in json.loads(result.stdout)}
    assert rows["draft"]["state"] == "draft" and rows["draft"]["uncommitted"] is True
    assert rows["later"]["state"] == "scheduled"
    assert rows["a-good-essay"]["state"] == "emailed"
    assert rows["a-good-essay"]["emailed"] == {"finished": "2025-08-09T10:05:00+00:00",
                                               "counts": {"sent": 41, "bounced": 1}}
    assert rows["a-good-essay"]["uncommitted"] is False
    assert set(rows["later"]) == {"slug", "title", "state", "date", "updated", "words", "audio",
                                  "problems", "uncommitted", "uncommitted_files", "emailed"}


def test_status_table_lists_problems_under_their_essay(repo, monkeypatch):
    (repo / "docs/essays/posts/bad.md").write_text(ESSAY.format(title="Bad", date="2025-09-01", extra="colour: red\n"))
    monkeypatch.chdir(repo)
    result = CliRunner(env=GIT_DATES_ON).invoke(cli, ["status"], catch_exceptions=False)
    assert "a-good-essay" in result.stdout and "published" in result.stdout
    lines = result.stdout.splitlines()
    assert "invalid" in next(line for line in lines if line.startswith("bad "))
    # Piped, stdout is one essay a line; each problem goes to stderr after its essay's slug.
    assert "bad: docs/essays/posts/bad.md:6: front matter 'colour': unknown key" in result.stderr


ESSAY = """---
title: {title}
description: A test essay.
date: {date}
authors: [julia]
{extra}---

Words.
"""
