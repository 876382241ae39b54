"""What the author reads and sees (issue 15, items 5-9) through the real CLI on a scratch publication.

What the author reads: `status` keeps every slug whole and pipes as plain lines;
commands take a file name for a slug; trial sends say where the letters went and
that nobody got one; `newsletter check` is never "ready" when the send would
refuse; problems and `--help` speak the author's language; `new` makes ASCII
slugs; the page and the letter say "Read by".
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import scratch_publication
from letterpress.cli import cli
from letterpress.subscribers.store import open_store
from run_options import SAMPLE_ENV

FIXTURES = Path(__file__).parent / "fixtures"
SECRET = "a-test-secret-that-is-long-enough"
PEOPLE = ("ada@example.org", "ben@example.org")
LONG_TITLE = "An Unfinished Letter About the Long Afternoons We Spent Waiting for Nothing in Particular"
LONG_SLUG = "an-unfinished-letter-about-the-long-afternoons"
MACHINE_NAME = re.compile(r"\d{9,}\.M\d+P\d+")  # a Maildir file name
CHAPTERS = """audio:
  src: ../audio/short.mp3
  narrator: Julia K.
  chapters:
    - {title: "One", start: "00:00"}
    - {title: "Two", start: "00:02"}
    - {title: "Three", start: "00:01"}"""


@pytest.fixture
def publication(tmp_path, monkeypatch) -> Path:
    """Three essays (one whose file name is not its slug, one with a long slug), two subscribers."""
    root = tmp_path / "publication"
    posts = root / "docs" / "essays" / "posts"
    posts.mkdir(parents=True)
    (root / "mkdocs.yml").write_text(scratch_publication.config(), encoding="utf-8")
    (root / "docs" / "index.md").write_text("# Test Rooms\n", encoding="utf-8")
    minimal = FIXTURES / "minimal" / "docs" / "essays"
    shutil.copy(minimal / ".authors.yml", root / "docs" / "essays")
    shutil.copytree(minimal / "images", root / "docs" / "essays" / "images")
    (posts / "unfinished-letter.md").write_text(
        scratch_publication.essay("An Unfinished Letter", "2026-01-13"), encoding="utf-8")
    (posts / "long.md").write_text(scratch_publication.essay(LONG_TITLE, "2026-01-12", f"slug: {LONG_SLUG}"),
                                   encoding="utf-8")
    (posts / "a-draft.md").write_text(scratch_publication.essay("A Draft", "2026-01-11", "draft: true"),
                                      encoding="utf-8")
    monkeypatch.chdir(root)
    monkeypatch.setenv("LETTERPRESS_SECRET", SECRET)
    for variable in ("LETTERPRESS_SMTP_URL", "LETTERPRESS_SMTP_PASSWORD", "LETTERPRESS_DKIM_KEY"):
        monkeypatch.delenv(variable, raising=False)
    with open_store(root / "newsletter" / "subscribers.sqlite3") as store:
        for address in PEOPLE:
            store.add(address, name=address.split("@")[0].title())
    return root


def run(*args, env=None):
    return CliRunner(env=SAMPLE_ENV).invoke(cli, list(args), env=env)


# -- 5. status and slugs --------------------------------------------------------------------------


def test_piped_status_is_one_plain_line_per_essay_with_every_slug_whole(publication):
    (publication / "docs/essays/posts/long.md").write_text(
        scratch_publication.essay(LONG_TITLE, "2026-01-12", f"slug: {LONG_SLUG}\ncolour: red"), encoding="utf-8")
    result = run("status")
    assert result.exit_code == 0, result.output
    header, *lines = result.stdout.splitlines()
    assert header.split() == ["slug", "state", "date", "narrated", "words", "notes", "title"]
    assert len(lines) == 3 and "\x1b" not in result.stdout and "…" not in result.stdout
    slugs = [line.split()[0] for line in lines]
    assert sorted(slugs) == sorted(["an-unfinished-letter", "long", "a-draft"])  # long.md cannot be read
    assert "long: docs/essays/posts/long.md" in result.stderr and "'colour': unknown key" in result.stderr


def test_status_at_an_80_column_terminal_cuts_neither_slug_nor_title(publication):
    terminal = {"FORCE_COLOR": "1", "COLUMNS": "80"}
    lines = plain_lines(run("status", env=terminal))
    # A slug too long for the line stays whole; the terminal wraps the line instead.
    assert any(line.startswith(LONG_SLUG + " ") for line in lines)
    (publication / "docs/essays/posts/long.md").unlink()
    lines = plain_lines(run("status", env=terminal))
    # Less than a readable width is left beside the slugs: each title goes whole under its row.
    assert lines[0].split() == ["slug", "state", "date", "narrated", "words", "notes"]
    index = next(i for i, line in enumerate(lines) if line.startswith("an-unfinished-letter "))
    assert len(lines[index]) <= 80 and "published" in lines[index]
    assert lines[index + 1] == "    An Unfinished Letter"
    assert "…" not in "\n".join(lines)


def plain_lines(result) -> list[str]:
    """stdout's lines without colour codes."""
    assert result.exit_code == 0, result.output
    return [re.sub(r"\x1b\[[0-9;]*m", "", line) for line in result.stdout.splitlines()]


def test_commands_take_the_file_name_or_path_for_the_slug(publication):
    check = run("newsletter", "check", "unfinished-letter.md")
    assert check.exit_code == 0, check.output
    assert check.stdout.startswith("an-unfinished-letter: HTML")
    sent = run("newsletter", "send", "docs/essays/posts/unfinished-letter.md", "--yes")
    assert sent.exit_code == 0, sent.output
    status = run("newsletter", "status", "unfinished-letter.md").output
    assert "an-unfinished-letter (trial): finished" in status and "2 written to the outbox" in status
    rendered = run("newsletter", "render", "unfinished-letter.md")
    assert rendered.exit_code == 0 and (publication / "newsletter/preview/an-unfinished-letter.html").is_file()
    unknown = run("newsletter", "check", "no-such-file.md")
    assert unknown.exit_code == 1 and "no essay with this slug or file name" in unknown.stderr
    (publication / "docs/essays/posts/long.md").write_text(
        scratch_publication.essay(LONG_TITLE, "2026-01-12", "colour: red"), encoding="utf-8")
    broken = run("newsletter", "check", "long.md")
    assert broken.exit_code == 1
    assert "docs/essays/posts/long.md: cannot be used until its problems are fixed" in broken.stderr


def test_commands_take_the_file_name_an_author_sees_and_refuse_one_that_names_two(publication):
    check = run("newsletter", "check", "unfinished-letter")  # the file's name without .md
    assert check.exit_code == 0, check.output
    assert check.stdout.startswith("an-unfinished-letter: HTML")
    (publication / "docs/essays/posts/older").mkdir()
    (publication / "docs/essays/posts/older/unfinished-letter.md").write_text(
        scratch_publication.essay("Another Unfinished Letter", "2025-06-01"), encoding="utf-8")
    for name in ("unfinished-letter", "unfinished-letter.md"):
        both = run("newsletter", "check", name)
        assert both.exit_code == 1
        assert f"{name}: names 2 essays (" in both.stderr and "give the slug or the file's path" in both.stderr
    by_path = run("newsletter", "check", "docs/essays/posts/older/unfinished-letter")
    assert by_path.exit_code == 0 and by_path.stdout.startswith("another-unfinished-letter: HTML"), by_path.output
    (publication / "docs/essays/posts/an-unfinished-letter.md").write_text(
        scratch_publication.essay("Slug Wins", "2025-05-01", "slug: unfinished-letter"), encoding="utf-8")
    exact = run("newsletter", "check", "unfinished-letter")  # now a slug: the slug wins
    assert exact.exit_code == 0 and exact.stdout.startswith("unfinished-letter: HTML"), exact.output


# -- 6. where the letters went ---------------------------------------------------------------------


def test_a_trial_send_says_where_the_letters_are_and_that_nobody_got_one(publication):
    result = run("newsletter", "send", "an-unfinished-letter", "--yes")
    assert result.exit_code == 0, result.output
    assert ("trial: 2 letters written to newsletter/outbox/ (open them with any mail program; "
            "`letterpress newsletter outbox` lists whose is which); nothing was sent to anyone.") in result.stdout
    assert "recipients: 2 (new send, a trial): one letter each, written to newsletter/outbox/; nobody receives them."\
        in result.stdout and "DKIM" not in result.stdout
    assert "2 sent" not in result.output and not MACHINE_NAME.search(result.output)
    assert not any(address in result.output for address in PEOPLE)
    listing = run("newsletter", "outbox")
    assert listing.exit_code == 0, listing.output
    first, *letters = listing.stdout.splitlines()
    assert first == "newsletter/outbox/ holds 2 letters (a trial: none was sent):"
    assert len(letters) == 2 and all("'An Unfinished Letter'" in line for line in letters)
    assert sorted(line.rsplit(" to ", 1)[1] for line in letters) == ["Ada <a***@example.org>",
                                                                     "Ben <b***@example.org>"]
    assert not any(address in listing.output for address in PEOPLE)


def test_a_test_letter_in_a_trial_says_it_went_nowhere(publication):
    result = run("newsletter", "send", "a-draft", "--to", "me@example.net")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == ("trial: 1 letter (to me@example.net) written to newsletter/outbox/ "
                                     "(open it with any mail program); nothing was sent to anyone.")
    assert "250" not in result.output and not MACHINE_NAME.search(result.output)


def test_the_empty_outbox_says_so(publication):
    result = run("newsletter", "outbox")
    assert result.exit_code == 0 and result.stdout == "newsletter/outbox/ holds no letters.\n"


# -- 7. newsletter check agrees with the send ------------------------------------------------------------


def test_check_is_not_ready_when_the_send_would_refuse(publication, monkeypatch):
    monkeypatch.delenv("LETTERPRESS_SECRET")
    check = run("newsletter", "check", "an-unfinished-letter")
    assert check.exit_code == 1 and "ready to send" not in check.stdout
    assert "not ready to send" in check.stderr and "Run `letterpress secret` once" in check.stderr
    assert "python" not in check.stderr  # a new key in every shell would break the links already sent
    send = run("newsletter", "send", "an-unfinished-letter", "--yes")
    assert send.exit_code == 1 and "LETTERPRESS_SECRET is not set" in send.output
    assert "Run `letterpress secret` once" in send.output and "python" not in send.output
    monkeypatch.setenv("LETTERPRESS_SECRET", SECRET)
    assert "ok: ready to send" in run("newsletter", "check", "an-unfinished-letter").stdout
    draft = run("newsletter", "check", "a-draft")
    assert draft.exit_code == 1 and "not ready to send" in draft.stderr


def test_check_of_a_letter_already_sent_is_not_ready(publication, monkeypatch):
    (publication / "newsletter/sent").mkdir(parents=True)
    (publication / "newsletter/sent/an-unfinished-letter.json").write_text(
        '{"slug": "an-unfinished-letter", "finished": "2026-01-14T10:00:00+00:00", "counts": {"sent": 2}}')
    check = run("newsletter", "check", "an-unfinished-letter")
    assert check.exit_code == 1 and "already sent (2026-01-14)" in check.stderr
    monkeypatch.setenv("LETTERPRESS_SMTP_URL", "smtp://127.0.0.1:9")  # a real send: refused before connecting
    send = run("newsletter", "send", "an-unfinished-letter", "--yes")
    assert send.exit_code == 1 and "was already sent" in send.output


# -- 8. the author's language --------------------------------------------------------------------------


def test_chapter_problems_count_from_one(publication):
    (publication / "docs/essays/audio").mkdir(parents=True)
    shutil.copy(FIXTURES / "short.mp3", publication / "docs/essays/audio/short.mp3")
    (publication / "docs/essays/posts/long.md").write_text(
        scratch_publication.essay(LONG_TITLE, "2026-01-12", CHAPTERS), encoding="utf-8")
    result = run("check")
    assert result.exit_code == 1
    assert "front matter 'audio.chapters', chapter 3, 'start': chapters must be in order" in result.stderr
    assert "chapters.2" not in result.stderr


@pytest.mark.parametrize("command, says, never", [
    (["serve"], ["Preview your site"], ["Range", "206", "HTTP"]),
    (["newsletter", "send"], ["trial", "newsletter/outbox/", "file name"],
     ["per connection", "--messenger", "Maildir"]),
    (["new"], ["slug", "cafe-ete.md", "never overwritten"], ["docs/<blog>", "posts/"]),
    (["newsletter"], ["render", "check", "send", "outbox", "status", "bounces"], ["MJML"]),
    (["status"], ["slug", "piped"], []),
])
def test_help_says_what_the_command_does_for_the_author(command, says, never):
    result = run(*command, "--help")
    assert result.exit_code == 0
    words = " ".join(result.stdout.split())
    for text in says:
        assert text in words, (command, text)
    for text in never:
        assert text not in words, (command, text)


def test_the_newsletter_help_lists_every_command_with_its_own_line():
    result = run("newsletter", "--help")
    commands = result.stdout.split("Commands:")[1]
    for name in ("render", "check", "send", "outbox", "status", "bounces"):
        line = next(line for line in commands.splitlines() if line.strip().startswith(name + " "))
        assert not line.endswith("..."), line


# -- 9. new, and one wording for the narrator -----------------------------------------------------------


def test_new_makes_an_ascii_file_and_slug_and_says_so(publication):
    result = run("new", "Café — été")
    assert result.exit_code == 0, result.output
    path = publication / "docs/essays/posts/cafe-ete.md"
    assert path.is_file() and "slug: cafe-ete\n" in path.read_text(encoding="utf-8")
    assert "created docs/essays/posts/cafe-ete.md" in result.stdout and "its slug is cafe-ete" in result.stdout
    status = run("status")
    assert any(line.split()[:2] == ["cafe-ete", "draft"] for line in status.stdout.splitlines())
    assert run("new", "Café — été").exit_code == 1
    nothing = run("new", "— ? —")
    assert nothing.exit_code == 1 and "no letters or digits" in nothing.stderr


def test_the_page_and_the_letter_both_say_read_by(publication, tmp_path):
    (publication / "docs/essays/audio").mkdir(parents=True)
    shutil.copy(FIXTURES / "short.mp3", publication / "docs/essays/audio/short.mp3")
    narrated = CHAPTERS.replace('"00:01"', '"00:03"')
    (publication / "docs/essays/posts/long.md").write_text(
        scratch_publication.essay(LONG_TITLE, "2026-01-12", f"slug: {LONG_SLUG}\n{narrated}"), encoding="utf-8")
    config = publication / "mkdocs.yml"
    config.write_text(f"theme:\n  name: material\n  custom_dir: {Path(__file__).parent.parent / 'overrides'}\n"
                      "  font: false\n" + config.read_text(encoding="utf-8"), encoding="utf-8")
    site = tmp_path / "site"
    built = subprocess.run([str(Path(sys.executable).parent / "letterpress"), "build", "--site-dir", str(site)],
                           cwd=publication, capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr
    page = (site / "essays" / LONG_SLUG / "index.html").read_text(encoding="utf-8")
    listing = (site / "essays" / "index.html").read_text(encoding="utf-8")
    assert "Read by" in page and "Read by" in listing
    assert "arrated by" not in page and "arrated by" not in listing
    assert run("newsletter", "render", LONG_SLUG).exit_code == 0
    letter = (publication / "newsletter/preview" / f"{LONG_SLUG}.txt").read_text(encoding="utf-8")
    assert "read by Julia K." in letter and "arrated by" not in letter
