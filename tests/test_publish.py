"""`letterpress publish` on real git repositories with a bare remote.

Letters go through a real SMTP server (aiosmtpd on 127.0.0.1) into a Maildir
that the tests read back: publish never sends through the Maildir messenger
itself, whose letters are trials (DESIGN.md).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox
from click.testing import CliRunner

import scratch_publication
from browser_helpers import free_port
from letterpress.cli import cli
from letterpress.subscribers.store import open_store
from run_options import SAMPLE_ENV
from scratch_publication import git

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).resolve().parent.parent
PEOPLE = ("ada@example.org", "ben@example.org")
CONFIG = scratch_publication.config(
    "retry_backoff_seconds: 0.02", "return_path: bounces@test.example.org",
    newsletter=["since: 2026-01-01"], publish=["deploy: directory", "directory: ../www"],
    theme=["name: material", f"custom_dir: {REPO / 'overrides'}", "font: false"])


def write_essay(root: Path, slug: str, title: str, date: str) -> None:
    text = scratch_publication.essay(title, date, description="A short essay for the publish tests.")
    (root / "docs/essays/posts" / f"{slug}.md").write_text(text)


@pytest.fixture
def remote(tmp_path) -> Path:
    """A bare remote holding a publication: one old essay (before `since`) and one new one."""
    seed = tmp_path / "seed"
    (seed / "docs/essays/posts").mkdir(parents=True)
    (seed / "mkdocs.yml").write_text(CONFIG)
    (seed / "docs/index.md").write_text("# Test Rooms\n")
    shutil.copy(FIXTURES / "minimal/docs/essays/.authors.yml", seed / "docs/essays")
    shutil.copytree(FIXTURES / "minimal/docs/essays/images", seed / "docs/essays/images")
    (seed / ".gitignore").write_text("site/\n*.sqlite3*\n")
    write_essay(seed, "an-old-letter", "An Old Letter", "2025-06-01")
    write_essay(seed, "a-new-letter", "A New Letter", "2026-02-01")
    return scratch_publication.seed_remote(seed, tmp_path / "remote.git", "Publication")


@pytest.fixture
def server_clone(tmp_path, remote, monkeypatch) -> Path:
    """The machine that holds the subscriber file: a clone with two active subscribers."""
    clone = tmp_path / "server"
    git(tmp_path, "clone", "-q", str(remote), str(clone))
    for key, value in (("user.name", "Publisher"), ("user.email", "publisher@example.org")):
        git(clone, "config", key, value)
    with open_store(clone / "newsletter/subscribers.sqlite3") as store:
        for address in PEOPLE:
            store.add(address)
    monkeypatch.chdir(clone)
    monkeypatch.setenv("LETTERPRESS_SECRET", "a-test-secret-that-is-long-enough")
    return clone


@pytest.fixture
def smtp(tmp_path, monkeypatch):
    """An SMTP server on 127.0.0.1 delivering into a Maildir; yields that Maildir."""
    handler = Mailbox(tmp_path / "delivered")
    port = free_port()  # Controller checks its server by connecting to this port
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("LETTERPRESS_SMTP_URL", f"smtp://127.0.0.1:{port}")
    yield handler.mailbox
    controller.stop()


def recipients(maildir) -> list[str]:
    return sorted(message["X-RcptTo"] for message in maildir)


def publish(*args, now: str = "2026-11-01T12:00:00"):
    """``letterpress publish ARGS`` at ``now`` (the command reads LETTERPRESS_NOW: it is the edge)."""
    env = {**SAMPLE_ENV, "LETTERPRESS_NOW": now}
    return CliRunner(env=env).invoke(cli, ["publish", *args], catch_exceptions=False)


def test_publish_deploys_sends_what_is_due_and_pushes_the_record(server_clone, remote, smtp, tmp_path):
    result = publish()
    assert result.exit_code == 0, result.output
    assert (tmp_path / "www/essays/a-new-letter/index.html").exists()
    assert recipients(smtp) == sorted(PEOPLE)
    record = json.loads((server_clone / "newsletter/sent/a-new-letter.json").read_text())
    assert record["counts"]["sent"] == 2 and not any(p in json.dumps(record) for p in PEOPLE)
    assert not (server_clone / "newsletter/sent/an-old-letter.json").exists()  # before `since`
    assert "newsletter/sent/a-new-letter.json" in git(remote, "show", "--stat", "main")


def test_a_second_run_does_nothing(server_clone, smtp):
    assert publish().exit_code == 0
    head = git(server_clone, "rev-parse", "HEAD")
    again = publish()
    assert again.exit_code == 0, again.output
    assert "nothing to send" in again.output
    assert recipients(smtp) == sorted(PEOPLE)
    assert git(server_clone, "rev-parse", "HEAD") == head


def test_a_failing_build_keeps_the_old_site_and_sends_nothing(server_clone, smtp, tmp_path):
    (tmp_path / "www").mkdir()
    (tmp_path / "www/index.html").write_text("the previous site")
    write_essay(server_clone, "broken", "Broken", "not a date")
    result = publish()
    assert result.exit_code == 1
    assert "docs/essays/posts/broken.md" in result.output and "'date'" in result.output
    assert (tmp_path / "www/index.html").read_text() == "the previous site"
    assert recipients(smtp) == []


def test_an_essay_pushed_later_is_sent_by_the_next_run(server_clone, remote, smtp, tmp_path):
    assert publish().exit_code == 0
    author = tmp_path / "author"
    git(tmp_path, "clone", "-q", str(remote), str(author))
    write_essay(author, "a-third-letter", "A Third Letter", "2026-10-01")
    git(author, "add", "-A")
    git(author, "commit", "-q", "-m", "A Third Letter")
    git(author, "push", "-q")
    result = publish()
    assert result.exit_code == 0, result.output
    assert "sent 'a-third-letter'" in result.output
    assert recipients(smtp) == sorted(PEOPLE * 2)


def test_a_scheduled_essay_waits_for_its_day(server_clone, smtp):
    write_essay(server_clone, "next-week", "Next Week", "2026-11-08")
    git(server_clone, "add", "-A")
    git(server_clone, "commit", "-q", "-m", "Next Week")
    assert "sent 'next-week'" not in publish().output
    assert "sent 'next-week'" in publish(now="2026-11-08T06:00:00").output


def test_dry_run_pulls_builds_and_sends_nothing(server_clone, smtp, tmp_path):
    result = publish("--dry-run")
    assert result.exit_code == 0, result.output
    assert "would send 'a-new-letter'" in result.output and "an-old-letter" not in result.output
    assert recipients(smtp) == [] and not (tmp_path / "www").exists()
    assert not (server_clone / "site").exists()


def test_maildir_trials_are_never_sent_by_publish(server_clone, tmp_path):
    result = publish()
    assert result.exit_code == 0, result.output
    assert "not sending: sending.messenger is maildir" in result.output
    assert not (server_clone / "newsletter/sent").exists()


def test_unknown_deploy_mode_is_a_config_error(server_clone):
    config = server_clone / "mkdocs.yml"
    config.write_text(config.read_text().replace("deploy: directory", "deploy: ftp"))
    result = publish()
    assert result.exit_code == 1
    assert "mkdocs.yml: config 'plugins.letterpress.publish.deploy': 'ftp' is not one of" in result.output
