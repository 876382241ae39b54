"""A letter is rendered once per send: render, check that letter, send the same letter.

Spies are counting wrappers around the real functions (MRML's conversion, ``io.open``);
everything else is the real command on a scratch publication, sending into a Maildir.
"""

from __future__ import annotations

import builtins
import io
import mailbox
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import scratch_publication
from letterpress.cli import cli
from letterpress.newsletter import mjml_html
from letterpress.subscribers.store import open_store
from run_options import SAMPLE_ENV

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def essay_file(tmp_path, monkeypatch) -> Path:
    """A publication with one letter and two active subscribers; returns the essay's file."""
    root = tmp_path / "publication"
    posts = root / "docs" / "essays" / "posts"
    posts.mkdir(parents=True)
    (root / "mkdocs.yml").write_text(scratch_publication.config("messenger: maildir"), encoding="utf-8")
    (root / "docs" / "index.md").write_text("# Test Rooms\n", encoding="utf-8")
    shutil.copy(FIXTURES / "minimal" / "docs" / "essays" / ".authors.yml", root / "docs" / "essays")
    (posts / "a-letter.md").write_text(
        scratch_publication.essay("A Letter", "2026-01-10", description="A short essay, sent once."), encoding="utf-8")
    monkeypatch.chdir(root)
    monkeypatch.setenv("LETTERPRESS_SECRET", "a-test-secret-that-is-long-enough")
    for variable in ("LETTERPRESS_SMTP_URL", "LETTERPRESS_SMTP_PASSWORD", "LETTERPRESS_DKIM_KEY"):
        monkeypatch.delenv(variable, raising=False)
    with open_store(root / "newsletter" / "subscribers.sqlite3") as store:
        store.add("ada@example.org", name="Ada")
        store.add("ben@example.org", name="Ben")
    # As an author has, having built or previewed the site: the essay's HTML is in the cache (a send
    # without it builds first, and that build opens the file once more: see the last test).
    assert CliRunner(env=SAMPLE_ENV).invoke(cli, ["build"]).exit_code == 0
    return posts / "a-letter.md"


@pytest.fixture
def compiles(monkeypatch) -> list[int]:
    """One entry per MJML-to-HTML conversion (the real one runs)."""
    calls: list[int] = []
    real = mjml_html.convert

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(mjml_html, "convert", counting)  # looked up as a module global by to_html
    return calls


@pytest.fixture
def opened(monkeypatch) -> list[Path]:
    """Every file opened through ``open``/``io.open`` (what Path.read_text and read_bytes call)."""
    paths: list[Path] = []
    real = io.open

    def counting(file, *args, **kwargs):
        if isinstance(file, (str, Path)):
            paths.append(Path(file).resolve())
        return real(file, *args, **kwargs)

    monkeypatch.setattr(io, "open", counting)
    monkeypatch.setattr(builtins, "open", counting)
    return paths


def test_a_send_compiles_the_mjml_once_and_sends_that_letter(essay_file, compiles, opened):
    result = CliRunner(env=SAMPLE_ENV).invoke(cli, ["newsletter", "send", "a-letter", "--yes"])
    assert result.exit_code == 0, result.output
    assert "trial: 2 letters written to newsletter/outbox/" in result.output
    assert len(compiles) == 1
    assert opened.count(essay_file.resolve()) <= 1
    outbox = mailbox.Maildir(essay_file.parents[3] / "newsletter" / "outbox", create=False)
    assert sorted(message["To"] for message in outbox) == ["Ada <ada@example.org>", "Ben <ben@example.org>"]


def test_newsletter_check_opens_the_essay_once_at_most(essay_file, compiles, opened):
    result = CliRunner(env=SAMPLE_ENV).invoke(cli, ["newsletter", "check", "a-letter"])
    assert result.exit_code == 0, result.stderr
    assert "ok: ready to send" in result.stdout
    assert len(compiles) == 1
    assert opened.count(essay_file.resolve()) <= 1


def test_a_send_with_no_build_yet_builds_once_to_capture_the_page(essay_file, compiles, opened):
    shutil.rmtree(essay_file.parents[3] / ".cache")
    result = CliRunner(env=SAMPLE_ENV).invoke(cli, ["newsletter", "check", "a-letter"])
    assert result.exit_code == 0, result.stderr
    assert len(compiles) == 1
    assert opened.count(essay_file.resolve()) == 2  # our read, and Material's while it builds the page
