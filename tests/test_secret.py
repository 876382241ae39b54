"""One signing key, kept and shared: ``letterpress secret``, the key file, and the warning on a changed key.

Every key here is an obvious test value; the one `letterpress secret` makes is never printed
by a test, only compared with itself.
"""

from __future__ import annotations

import json
import re
import stat
import subprocess

import pytest
from click.testing import CliRunner

from letterpress import tokens
from letterpress.cli import cli
from run_options import SAMPLE_ENV

SLUG = "small-rituals"
LIST = "letters.quietrooms.example.org"
LINK = re.compile(r"https://quietrooms\.example\.org/service/unsubscribe\?token=(\S+)")
OLD_KEY = "a-test-secret-that-is-long-enough"
OLD_FINGERPRINT = "0bf6c6e872b7ce7e"  # HMAC-SHA256(OLD_KEY, "letterpress key fingerprint"), first 16 hex digits
NEW_KEY = "another-test-key-that-is-long-enough"
NEW_FINGERPRINT = "7a5319fa4260e1b5"
CHANGED = ("newsletter/sent/{name}: key 'key_fingerprint': warning: the signing key differs from the one the last "
           "letters were signed with: their unsubscribe links will stop working; use the same LETTERPRESS_SECRET "
           "or .letterpress/secret as where they were sent, here and on the server (`letterpress secret`).")
SHARING = [
    "Every machine that writes letters or runs the sign-up service must sign with this same key:",
    "  the server: put LETTERPRESS_SECRET=<the key> in /etc/letterpress/env, the EnvironmentFile of "
    "letterpress-service and letterpress-publish (see the README);",
    "  CI, if a workflow sends letters: store it as the repository secret LETTERPRESS_SECRET and pass it "
    "to that step's environment;",
    "  `letterpress secret --show` prints the key to copy; never commit it or paste it where others read.",
]


@pytest.fixture
def publication(publication_copy, monkeypatch):
    """The sample, in a git repository of its own, run from its folder with no key in the environment."""
    subprocess.run(["git", "init", "-q"], cwd=publication_copy, check=True)
    monkeypatch.chdir(publication_copy)
    monkeypatch.delenv(tokens.SECRET_VARIABLE, raising=False)
    return publication_copy


def run(*args):
    """One command, as from a new shell: nothing carries over but the files."""
    return CliRunner(env=SAMPLE_ENV).invoke(cli, list(args))


def rendered_token(root) -> str:
    result = run("newsletter", "render", SLUG)
    assert result.exit_code == 0, result.output
    return LINK.search((root / "newsletter" / "preview" / f"{SLUG}.txt").read_text(encoding="utf-8")).group(1)


def write_record(root, name: str, finished: str, fingerprint: str) -> None:
    folder = root / "newsletter" / "sent"
    folder.mkdir(parents=True, exist_ok=True)
    record = {"essay": f"{SLUG}.md", "slug": SLUG, "finished": finished, "recipients": 3,
              "counts": {"sent": 3, "bounced": 0, "failed": 0, "skipped": 0}, "key_fingerprint": fingerprint}
    (folder / name).write_text(json.dumps(record), encoding="utf-8")


def test_the_key_is_made_once_and_kept_between_two_shells(publication):
    before = run("newsletter", "render", SLUG)
    assert before.stdout.splitlines()[-1] == (
        "LETTERPRESS_SECRET is not set and there is no .letterpress/secret: the preview's unsubscribe link "
        "carries a placeholder token (`letterpress secret` makes a key).")

    made = run("secret")
    assert made.exit_code == 0, made.output
    assert made.stdout.splitlines() == [
        "made a new signing key in .letterpress/secret (readable by you only; git ignores it).", *SHARING]
    key_file = publication / ".letterpress" / "secret"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert (publication / ".letterpress" / ".gitignore").read_text() == (
        "# Letterpress: the signing key; never commit it.\n*\n")
    ignored = subprocess.run(["git", "check-ignore", "-q", ".letterpress/secret"], cwd=publication, check=False)
    assert ignored.returncode == 0
    key = key_file.read_text(encoding="utf-8").strip()
    assert key not in made.output

    first, second = rendered_token(publication), rendered_token(publication)
    assert first == second
    assert tokens.read_unsubscribe_token(first, key) == ("reader@example.org", LIST)

    again = run("secret")
    assert again.stdout.splitlines()[0] == (
        ".letterpress/secret already holds this publication's signing key; it is never replaced.")
    assert key_file.read_text(encoding="utf-8").strip() == key
    assert run("secret", "--show").stdout == key + "\n"


def test_the_variable_wins_over_the_file(publication, monkeypatch):
    (publication / ".letterpress").mkdir()
    (publication / ".letterpress" / "secret").write_text("a-test-key-kept-in-the-file\n", encoding="utf-8")
    monkeypatch.setenv(tokens.SECRET_VARIABLE, "a-test-key-from-the-variable")
    token = rendered_token(publication)
    assert tokens.read_unsubscribe_token(token, "a-test-key-from-the-variable") == ("reader@example.org", LIST)
    with pytest.raises(tokens.InvalidTokenError):
        tokens.read_unsubscribe_token(token, "a-test-key-kept-in-the-file")
    said = run("secret")
    assert said.stdout.splitlines()[1] == (
        "note: LETTERPRESS_SECRET is set in this shell, differs from the file, and wins: letters written here "
        "are signed with it. Unset it to sign with the file's key.")
    assert run("secret", "--show").stdout == "a-test-key-from-the-variable\n"


def test_with_the_variable_set_and_no_file_its_value_is_the_one_kept(publication, monkeypatch):
    monkeypatch.setenv(tokens.SECRET_VARIABLE, "a-test-key-from-the-server")
    said = run("secret")
    assert said.stdout.splitlines()[0] == (
        "kept the value of LETTERPRESS_SECRET in .letterpress/secret (readable by you only; git ignores it).")
    assert (publication / ".letterpress" / "secret").read_text() == "a-test-key-from-the-server\n"


def test_a_key_git_would_commit_is_refused(publication):
    (publication / ".letterpress").mkdir()
    (publication / ".letterpress" / "secret").write_text("a-test-key-kept-in-the-file\n", encoding="utf-8")
    subprocess.run(["git", "add", "-f", ".letterpress/secret"], cwd=publication, check=True)
    refused = run("secret")
    assert refused.exit_code == 1
    assert refused.stderr == (
        "error: .letterpress/secret: git would commit it (it is tracked, or a .gitignore rule lets it in), and "
        "anyone with the repository could unsubscribe your readers. Run `git rm --cached .letterpress/secret` "
        "and add /.letterpress/ to .gitignore, then run `letterpress secret` again.\n")


def test_a_changed_key_is_warned_by_every_command_that_signs(publication, monkeypatch):
    write_record(publication, f"{SLUG}.json", "2026-10-01T10:00:00Z", OLD_FINGERPRINT)
    monkeypatch.setenv(tokens.SECRET_VARIABLE, OLD_KEY)
    assert run("newsletter", "render", SLUG).stderr == ""

    monkeypatch.setenv(tokens.SECRET_VARIABLE, NEW_KEY)
    render = run("newsletter", "render", SLUG)
    assert render.exit_code == 0 and render.stderr.splitlines() == [CHANGED.format(name=f"{SLUG}.json")]
    assert CHANGED.format(name=f"{SLUG}.json") in run("newsletter", "check", SLUG).stderr.splitlines()
    assert CHANGED.format(name=f"{SLUG}.json") in run("publish", "--dry-run").stderr.splitlines()
    assert CHANGED.format(name=f"{SLUG}.json") in run("newsletter", "send", SLUG, "--dry-run").stderr.splitlines()
    monkeypatch.setenv(tokens.SECRET_VARIABLE, "short")  # the service warns, then refuses this key
    service = run("service", "--port", "1")
    assert service.exit_code == 1 and service.stderr.splitlines()[0] == CHANGED.format(name=f"{SLUG}.json")
    monkeypatch.setenv(tokens.SECRET_VARIABLE, NEW_KEY)

    # The last letters decide: a newer record signed with the new key ends the warning.
    write_record(publication, "a-later-letter.json", "2026-10-20T10:00:00Z", NEW_FINGERPRINT)
    assert run("newsletter", "render", SLUG).stderr == ""
    monkeypatch.setenv(tokens.SECRET_VARIABLE, OLD_KEY)
    assert run("newsletter", "render", SLUG).stderr.splitlines() == [CHANGED.format(name="a-later-letter.json")]
