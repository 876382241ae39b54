"""The author's path from ``new`` to ``publish``: nothing unfinished, missing or unintended goes out.

Issue 15, items 1–4, each through the real CLI on a scratch git publication: the bare
remote and server clone of tests/test_publish.py, with a real SMTP server on 127.0.0.1
(aiosmtpd, delivering into a Maildir the tests read back).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

import test_publish as publish_setup
from letterpress.checks import check_publication
from letterpress.cli import cli
from letterpress.cli.checks import EVERY_CHECK
from letterpress.model.letters import SINCE_KEY
from letterpress.model.publication import load_publication
from letterpress.site.loader import load_settings
from run_options import SAMPLE, SAMPLE_ENV, child_env
from scratch_publication import git, seed_remote

remote = publish_setup.remote
server_clone = publish_setup.server_clone
smtp = publish_setup.smtp
recipients = publish_setup.recipients
FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).resolve().parent.parent
NARRATED = """\
---
title: On Waiting
description: What the waiting room teaches.
date: 2026-10-20
authors: [julia]
image: ../images/waiting-cover.png
audio:
  src: ../audio/on-waiting.mp3
  narrator: Julia K.
---

We wait, and the waiting is part of the work.

![An empty waiting room](../images/waiting-room.png)
"""
NARRATION_FILES = ["docs/essays/audio/on-waiting.mp3", "docs/essays/images/waiting-cover.png",
                   "docs/essays/images/waiting-room.png"]


def run(*args: str):
    return CliRunner(env=SAMPLE_ENV).invoke(cli, list(args), catch_exceptions=False)


def commit(root: Path, *paths: str, message: str = "An edit") -> None:
    git(root, "add", "--", *paths)
    git(root, "commit", "-q", "-m", message)


def add_narrated_essay(root: Path) -> Path:
    """On Waiting with its recording, cover and an image in the text (none of them committed)."""
    essay = root / "docs/essays/posts/on-waiting.md"
    essay.write_text(NARRATED)
    (root / "docs/essays/audio").mkdir(exist_ok=True)
    shutil.copy(FIXTURES / "short.mp3", root / "docs/essays/audio/on-waiting.mp3")
    for name in ("waiting-cover.png", "waiting-room.png"):
        shutil.copy(FIXTURES / "minimal/docs/essays/images/julia.png", root / "docs/essays/images" / name)
    return essay


def nothing_went_out(root: Path, smtp, www: Path) -> bool:
    return recipients(smtp) == [] and not www.exists() and not (root / "newsletter/sent").exists()


# -- 1. a TK left in an essay that is no longer a draft ---------------------------------

def test_a_marker_is_fine_in_a_draft_and_stops_check_build_and_publish_once_it_is_not(server_clone, smtp, tmp_path):
    assert run("new", "On Waiting").exit_code == 0
    essay = server_clone / "docs/essays/posts/on-waiting.md"
    draft = run("check")
    assert draft.exit_code == 0, draft.output
    assert "marker" not in draft.output  # `new` scaffolds a draft full of TK: that is what drafts are for
    essay.write_text(essay.read_text().replace("draft: true\n", "draft: false\n"))
    commit(server_clone, "docs", message="On Waiting, TKs left in")
    checked = run("check")
    assert checked.exit_code == 1
    assert "docs/essays/posts/on-waiting.md:3: 'TK' marker left in the text" in checked.output
    assert "ok: no errors" not in checked.output
    built = run("build")
    assert built.exit_code == 1 and "'TK' marker" in built.output
    assert not (server_clone / "site").exists()
    published = run("publish")
    assert published.exit_code == 1 and "on-waiting.md:3: 'TK' marker" in published.output
    assert nothing_went_out(server_clone, smtp, tmp_path / "www")


def test_newsletter_check_reports_the_same_marker_rule(server_clone):
    assert run("new", "On Waiting").exit_code == 0
    result = run("newsletter", "check", "on-waiting")
    assert result.exit_code == 1
    assert "docs/essays/posts/on-waiting.md:3: 'TK' marker left in the text; finish or remove it" in result.output


# -- 2. no newsletter.since: the back catalogue stays unsent ------------------------------

def test_without_since_publish_sends_nothing_and_says_the_line_to_paste(server_clone, smtp, tmp_path):
    config = server_clone / "mkdocs.yml"
    config.write_text(config.read_text().replace("        since: 2026-01-01\n", ""))
    commit(server_clone, "mkdocs.yml", message="No since")
    checked = run("check")
    assert checked.exit_code == 0, checked.output
    assert f"config '{SINCE_KEY}': warning: is not set" in checked.output
    assert "add:  since: 2026-11-01" in checked.output
    for args in (("publish", "--dry-run"), ("publish",)):
        result = run(*args)
        assert result.exit_code == 0, result.output
        assert f"not sending: mkdocs.yml: '{SINCE_KEY}' is not set" in result.output
        assert "2 published essays would otherwise be mailed" in result.output
        assert "since: 2026-11-01" in result.output
        assert "would send" not in result.output and "sent '" not in result.output
    assert recipients(smtp) == [] and not (server_clone / "newsletter/sent").exists()
    assert (tmp_path / "www/essays/a-new-letter/index.html").is_file()  # the site still goes out


def test_the_sample_publication_sets_since():
    settings = load_settings(REPO)
    assert settings.newsletter.since is not None
    problems = check_publication(load_publication(settings, SAMPLE), EVERY_CHECK)
    assert not [p for p in problems if p.field == SINCE_KEY]


# -- 3. a recording or image left out of the commit ------------------------------------

@pytest.mark.parametrize("ignored", [False, True], ids=["untracked", "git-ignored"])
def test_status_flags_an_essay_whose_narration_or_images_are_not_committed(server_clone, ignored):
    essay = add_narrated_essay(server_clone)
    if ignored:  # a clone lacks an ignored file just the same
        (server_clone / ".gitignore").write_text("site/\n*.sqlite3*\n*.mp3\n*.png\n")
        commit(server_clone, ".gitignore", message="Ignore media")
    commit(server_clone, "docs/essays/posts/on-waiting.md", message="On Waiting")  # the essay alone
    rows = {row["slug"]: row for row in json.loads(run("status", "--json").stdout)}
    assert rows["on-waiting"]["uncommitted"] is True
    assert sorted(rows["on-waiting"]["uncommitted_files"]) == sorted(NARRATION_FILES)
    assert rows["a-new-letter"]["uncommitted"] is False and rows["a-new-letter"]["uncommitted_files"] == []
    table = run("status").stdout.splitlines()  # piped: one plain line per essay
    assert "uncommitted" in next(line for line in table if line.startswith("on-waiting "))
    assert "uncommitted" not in next(line for line in table if line.startswith("a-new-letter "))
    essay.write_text(essay.read_text() + "\nOne more line.\n")
    rows = {row["slug"]: row for row in json.loads(run("status", "--json").stdout)}
    assert "docs/essays/posts/on-waiting.md" in rows["on-waiting"]["uncommitted_files"]


def test_publish_refuses_to_deploy_an_essay_whose_narration_is_not_committed(server_clone, smtp, tmp_path):
    add_narrated_essay(server_clone)
    commit(server_clone, "docs/essays/posts/on-waiting.md", message="On Waiting")
    for args in (("publish", "--dry-run"), ("publish",)):
        result = run(*args)
        assert result.exit_code == 1
        for path in NARRATION_FILES:
            assert f"{path}: is not committed (needed by published essay 'on-waiting')" in result.output
        assert "git add docs/ && git commit" in result.output
    assert nothing_went_out(server_clone, smtp, tmp_path / "www")
    git(server_clone, "add", "docs/")
    git(server_clone, "commit", "-q", "-m", "The recording and images")
    rows = {row["slug"]: row for row in json.loads(run("status", "--json").stdout)}
    assert rows["on-waiting"]["uncommitted"] is False
    result = run("publish")
    assert result.exit_code == 0, result.output
    assert "sent 'on-waiting': 2 sent" in result.output
    assert (tmp_path / "www/essays/audio/on-waiting.mp3").is_file()


# -- issue 20, 3: everything the build reads is committed ----------------------------------

CONFIG_NOT_COMMITTED = (
    "mkdocs.yml: is not committed, and every build reads it: a fresh clone would build the site without this "
    "change, so the site would differ from git. Commit it (git add mkdocs.yml && git commit), then publish.")
THEME_FILE_NOT_COMMITTED = (
    "overrides/partials/extra.html: is not committed, and every build reads it: a fresh clone would build the "
    "site without this change, so the site would differ from git. Commit it "
    "(git add overrides/partials/extra.html && git commit), then publish.")


def test_status_and_publish_name_an_uncommitted_mkdocs_yml_and_publish_refuses_it(server_clone, smtp, tmp_path):
    config = server_clone / "mkdocs.yml"
    config.write_text(config.read_text().replace("site_name: Test Rooms", "site_name: Rooms of My Own"))
    status = run("status")
    assert status.exit_code == 0
    assert CONFIG_NOT_COMMITTED in status.stderr.splitlines()
    assert CONFIG_NOT_COMMITTED in run("status", "--json").stderr.splitlines()
    for args in (("publish", "--dry-run"), ("publish",)):
        result = run(*args)
        assert result.exit_code == 1, result.output
        assert CONFIG_NOT_COMMITTED in result.output.splitlines()
    assert nothing_went_out(server_clone, smtp, tmp_path / "www")
    commit(server_clone, "mkdocs.yml", message="My own name")
    assert "mkdocs.yml" not in run("status").stderr
    assert run("publish").exit_code == 0
    assert "Rooms of My Own" in (tmp_path / "www/index.html").read_text()


def test_an_untracked_file_in_the_theme_folder_is_named_too(server_clone, smtp, tmp_path):
    shutil.copytree(REPO / "overrides", server_clone / "overrides", ignore=shutil.ignore_patterns("__pycache__"))
    config = server_clone / "mkdocs.yml"
    config.write_text(config.read_text().replace(f"custom_dir: {REPO / 'overrides'}", "custom_dir: overrides"))
    commit(server_clone, "mkdocs.yml", "overrides", message="The theme in the publication")
    (server_clone / "overrides/partials").mkdir()  # the theme's own partials come from the package
    (server_clone / "overrides/partials/extra.html").write_text("<p>A new partial.</p>\n")
    (server_clone / "overrides/.notes.swp").write_text("an editor's file, never read by a build")
    assert THEME_FILE_NOT_COMMITTED in run("status").stderr.splitlines()
    for args in (("publish", "--dry-run"), ("publish",)):
        result = run(*args)
        assert result.exit_code == 1, result.output
        assert THEME_FILE_NOT_COMMITTED in result.output.splitlines()
        assert ".notes.swp" not in result.output
    assert nothing_went_out(server_clone, smtp, tmp_path / "www")


@pytest.mark.parametrize("name, text", [
    ("newsletter/templates/footer.mjml.j2", "<mj-text>My own footer.</mj-text>\n"),  # untracked
    ("docs/essays/.authors.yml", "authors:\n  julia:\n    name: Julia Mine\n    description: Writer\n"
                                 "    avatar: essays/images/julia.png\n"),  # changed
], ids=["letter-template", "authors-file"])
def test_status_names_the_letters_templates_and_the_authors_file(server_clone, name, text):
    (server_clone / name).parent.mkdir(parents=True, exist_ok=True)
    (server_clone / name).write_text(text)
    assert f"{name}: is not committed, and every build reads it" in run("status").stderr
    assert f"{name}: is not committed, and every build reads it" in run("publish", "--dry-run").output


# -- 4. the dry run promises what the real run does ------------------------------------

PROMISE = re.compile(r"^would send '([^']+)' \(.*\) to (\d+) subscribers?$", re.MULTILINE)
DONE = re.compile(r"^sent '([^']+)': (\d+) sent$", re.MULTILINE)


def test_the_dry_run_promises_what_the_real_run_does(server_clone, smtp, tmp_path):
    publish_setup.write_essay(server_clone, "a-third-letter", "A Third Letter", "2026-10-01")
    commit(server_clone, "docs", message="A Third Letter")
    dry = run("publish", "--dry-run")
    assert dry.exit_code == 0, dry.output
    promised = {slug: int(count) for slug, count in PROMISE.findall(dry.output)}
    assert promised == {"a-new-letter": 2, "a-third-letter": 2}
    assert "would build the site into site/ (3 published essays)" in dry.output
    deploy_promise = re.search(r"^would deploy: (.+)$", dry.output, re.MULTILINE).group(1)
    assert deploy_promise == f"copy the site to {(tmp_path / 'www').resolve()}"
    assert recipients(smtp) == [] and not (tmp_path / "www").exists()  # a promise, nothing done

    real = run("publish")
    assert real.exit_code == 0, real.output
    assert {slug: int(count) for slug, count in DONE.findall(real.output)} == promised
    assert f"deployed: {deploy_promise}" in real.output
    assert f"built {(server_clone / 'site').resolve()}" in real.output
    for slug, count in promised.items():
        record = json.loads((server_clone / f"newsletter/sent/{slug}.json").read_text())
        assert record["counts"]["sent"] == count
        assert (tmp_path / f"www/essays/{slug}/index.html").is_file()
    assert len(recipients(smtp)) == sum(promised.values())
    again = run("publish", "--dry-run")
    assert "no newsletter is due" in again.output and not PROMISE.findall(again.output)


def _without_secret(root, monkeypatch):
    monkeypatch.delenv("LETTERPRESS_SECRET")


def _maildir(root, monkeypatch):
    monkeypatch.delenv("LETTERPRESS_SMTP_URL")


def _deploy_none(root, monkeypatch):
    config = root / "mkdocs.yml"
    config.write_text(config.read_text().replace("deploy: directory", "deploy: none"))
    commit(root, "mkdocs.yml", message="Deploy elsewhere")


def _no_subscriber_file(root, monkeypatch):
    (root / "newsletter/subscribers.sqlite3").unlink()


def _uncommitted_essay(root, monkeypatch):
    publish_setup.write_essay(root, "a-third-letter", "A Third Letter", "2026-10-01")


def _marker_left(root, monkeypatch):
    publish_setup.write_essay(root, "a-third-letter", "A Third Letter", "2026-10-01")
    (root / "docs/essays/posts/a-third-letter.md").write_text(
        (root / "docs/essays/posts/a-third-letter.md").read_text() + "\nTODO: the ending.\n")
    commit(root, "docs", message="A Third Letter, unfinished")


SCENARIOS = [
    (_without_secret, 1, "environment: key 'LETTERPRESS_SECRET': is not set and there is no "
                         ".letterpress/secret, so no letter can be sent"),
    (_maildir, 0, "not sending: sending.messenger is maildir, where letters are only trials"),
    (_deploy_none, 0, "not deployed: publish.deploy is none"),
    (_no_subscriber_file, 1, "newsletter/subscribers.sqlite3: does not exist on this machine"),
    (_uncommitted_essay, 1, "docs/essays/posts/a-third-letter.md: is not committed"),
    (_marker_left, 1, "'TODO' marker left in the text"),
]


@pytest.mark.parametrize("arrange, status, reason", SCENARIOS, ids=[s[0].__name__[1:] for s in SCENARIOS])
def test_the_dry_run_names_every_reason_the_real_run_stops_or_holds_back(
        server_clone, smtp, tmp_path, monkeypatch, arrange, status, reason):
    arrange(server_clone, monkeypatch)
    head = git(server_clone, "rev-parse", "HEAD")
    dry = run("publish", "--dry-run")
    real = run("publish")
    assert (dry.exit_code, real.exit_code) == (status, status), dry.output + real.output
    assert reason in dry.output and reason in real.output, dry.output + real.output
    if status == 1:
        assert "would stop before building: nothing would be built, deployed or sent" in dry.output
        assert "stopped before building: nothing was built, deployed or sent" in real.output
        assert nothing_went_out(server_clone, smtp, tmp_path / "www") and not (server_clone / "site").exists()
        assert git(server_clone, "rev-parse", "HEAD") == head
    elif "would send" not in dry.output:
        assert recipients(smtp) == [] and "sent '" not in real.output
    else:  # what was promised was done
        assert {s: int(n) for s, n in PROMISE.findall(dry.output)} == {s: int(n) for s, n in DONE.findall(real.output)}


# -- 3. acceptance: the README's "Writing an essay", literally, in a fresh clone -------------

PUBLICATION = ("mkdocs.yml", "docs", "overrides", "newsletter", ".gitignore")


def readme_workflow() -> list[str]:
    """The command lines of the README's "Writing an essay" block, as an author would type them."""
    section = (REPO / "README.md").read_text(encoding="utf-8").split("## Writing an essay", 1)[1]
    block = section.split("```sh\n", 1)[1].split("```", 1)[0]
    return [line for line in block.splitlines() if line.strip()]


def sample_remote(tmp_path: Path) -> Path:
    """A bare remote holding the sample publication as the repository would commit it now."""
    listed = git(REPO, "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--",
                               *PUBLICATION)
    seed = tmp_path / "seed"
    for name in filter(None, listed.split("\0")):
        if (REPO / name).is_file():
            (seed / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, seed / name)
    return seed_remote(seed, tmp_path / "quietrooms.git", "Quiet Rooms")


def shell(root: Path, line: str) -> subprocess.CompletedProcess:
    env = {**child_env(), "GIT_AUTHOR_NAME": "Julia", "GIT_COMMITTER_NAME": "Julia", "HOME": str(root.parent),
           "GIT_AUTHOR_EMAIL": "julia@example.org", "GIT_COMMITTER_EMAIL": "julia@example.org"}
    return subprocess.run(["bash", "-c", line], cwd=root, env=env, capture_output=True, text=True, timeout=300)


def write_and_narrate(essay: Path) -> None:
    """What the author does between `new` and `check`: the text, no TK, not a draft, a recording."""
    text = essay.read_text(encoding="utf-8").replace("draft: true\n", "")
    text = re.sub(r"description: TK[^\n]*", "description: What the waiting room teaches.", text)
    text = text.replace("# audio:", "audio:").replace("#   ", "  ")
    text = re.sub(r"TK [^\n]*", "We wait, and the waiting is part of the work.", text)
    essay.write_text(text, encoding="utf-8")
    shutil.copy(FIXTURES / "short.mp3", essay.parents[1] / "audio" / "on-waiting.mp3")


def test_the_readme_workflow_in_a_fresh_clone_commits_what_builds_in_another(tmp_path):
    bare = sample_remote(tmp_path)
    author = tmp_path / "author"
    git(tmp_path, "clone", "-q", str(bare), str(author))
    (author / ".venv").symlink_to(REPO / ".venv")  # what scripts/setup makes in a fresh clone
    lines = readme_workflow()
    assert [line.split()[1] if line.startswith(".venv") else line.split()[0] for line in lines] == [
        "new", "serve", "check", "git"]
    config = author / "mkdocs.yml"  # her publication's name, which only mkdocs.yml holds
    config.write_text(config.read_text(encoding="utf-8").replace("site_name: Quiet Rooms\n",
                                                                  "site_name: Rooms of My Own\n"), encoding="utf-8")
    for line in lines:
        if " serve" in line:
            continue  # the preview runs until Ctrl+C; the build below is the same site
        if " check" in line:
            write_and_narrate(author / "docs/essays/posts/on-waiting.md")
        result = shell(author, line)
        assert result.returncode == 0, f"{line}\n{result.stdout}{result.stderr}"
    assert shell(author, "git status --porcelain -- mkdocs.yml docs overrides newsletter").stdout == ""

    reader = tmp_path / "elsewhere"
    git(tmp_path, "clone", "-q", str(bare), str(reader))
    (reader / ".venv").symlink_to(REPO / ".venv")
    built = shell(reader, ".venv/bin/letterpress build")
    assert built.returncode == 0, built.stdout + built.stderr
    page = (reader / "site/essays/on-waiting/index.html").read_text(encoding="utf-8")
    assert "on-waiting.mp3" in page and (reader / "site/essays/audio/on-waiting.mp3").is_file()
    assert "<title>On Waiting - Rooms of My Own</title>" in page


def test_a_run_that_stops_still_says_which_letters_it_would_hold_back(server_clone, smtp):
    config = server_clone / "mkdocs.yml"
    config.write_text(config.read_text().replace("        since: 2026-01-01\n", ""))
    publish_setup.write_essay(server_clone, "a-third-letter", "A Third Letter", "2026-10-01")  # not committed
    for args in (("publish", "--dry-run"), ("publish",)):
        result = run(*args)
        assert result.exit_code == 1
        assert f"not sending: mkdocs.yml: '{SINCE_KEY}' is not set" in result.output
        assert "docs/essays/posts/a-third-letter.md: is not committed" in result.output
    assert recipients(smtp) == []
